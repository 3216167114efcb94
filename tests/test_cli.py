"""The command line: help with examples, init, build from anywhere, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notespress.cli import app

from .pdfcheck import Pdf

runner = CliRunner()


@pytest.mark.parametrize("command", [[], ["build"], ["init"]])
def test_help_has_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
    if command:
        assert "Example: notespress " + command[0] in result.output


def test_help_does_not_import_weasyprint() -> None:
    code = ("import sys; from notespress.cli import app; "
            "from typer.testing import CliRunner; CliRunner().invoke(app, ['--help']); "
            "print('weasyprint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_init_then_build_from_inside_the_workspace(tmp_path: Path) -> None:
    target = tmp_path / "red-notes"
    result = runner.invoke(app, ["init", str(target), "--name", "Red Notes",
                                 "--page-size", "a4"])
    assert result.exit_code == 0, result.output
    for path in ("notespress.yaml", "platform/en.md", "layouts/README.md",
                 "issues/issue-1/issue.yaml", "issues/issue-1/01-welcome.md"):
        assert (target / path).is_file(), path
    # the layouts and fonts come with notespress: the publication holds only its changes
    assert sorted(p.name for p in (target / "layouts").iterdir()) == ["README.md"]
    assert not (target / "fonts").exists()
    os.chdir(target / "issues")  # the workspace is found by searching upward
    result = runner.invoke(app, ["build", "--html"])  # no issue named: the newest
    assert result.exit_code == 0, result.output
    assert "building issue-1, the newest issue" in result.output
    assert "red-notes-1-print.pdf  (" in result.output
    pdf = Pdf(target / "build/issue-1/red-notes-1-print.pdf")
    assert pdf.find("Red Notes") and pdf.find("Welcome to the first issue")
    width, height = (float(x) for x in pdf.reader.pages[0].trimbox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_build_accepts_a_folder_name_a_path_and_a_number(mini: Path) -> None:
    for ref in ("issue-3", str(mini / "issues" / "issue-3"), "3"):
        result = runner.invoke(app, ["build", ref, "--workspace", str(mini), "--force"])
        assert result.exit_code == 0, result.output
        assert "wrote " in result.output and "pages)" in result.output


def test_build_without_an_issue_builds_the_newest(mini: Path) -> None:
    assert runner.invoke(app, ["new", "--workspace", str(mini)]).exit_code == 0  # issue-4
    result = runner.invoke(app, ["build", "--workspace", str(mini), "--edition", "print"])
    assert result.exit_code == 0, result.output
    assert (mini / "build/issue-4").is_dir() and not (mini / "build/issue-3").exists()
    empty = mini / "elsewhere"
    (empty / "issues").mkdir(parents=True)
    (empty / "notespress.yaml").write_text((mini / "notespress.yaml").read_text())
    result = runner.invoke(app, ["build", "--workspace", str(empty)])
    assert result.exit_code == 1 and "notespress new" in result.output


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "existing.txt").write_text("keep me")
    result = runner.invoke(app, ["init", str(tmp_path), "--name", "X"])
    assert result.exit_code == 1
    assert "already exists and is not empty" in result.output
    assert (tmp_path / "existing.txt").read_text() == "keep me"


def test_init_rejects_a_bad_page_size_and_language(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "x"), "--name", "X",
                                 "--page-size", "a9", "--lang", "English"])
    assert result.exit_code == 1
    assert "--page-size 'a9'" in result.output and "--lang 'English'" in result.output
    assert not (tmp_path / "x").exists()


def test_debug_before_or_after_the_command_shows_the_traceback(mini: Path) -> None:
    for args in (["--debug", "build", "issue-99"], ["build", "issue-99", "--debug"]):
        result = runner.invoke(app, [*args[:-1], "-w", str(mini), args[-1]]
                               if args[-1] == "--debug" else [*args, "-w", str(mini)])
        assert result.exit_code == 1 and "Traceback" in result.output, (args, result.output)
    plain = runner.invoke(app, ["build", "issue-99", "-w", str(mini)])
    assert plain.exit_code == 1 and "Traceback" not in plain.output
