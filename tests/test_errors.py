"""Bad input: one clear line per problem, naming the file and line; nothing lost."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notespress.build import build
from notespress.cli import app

from .conftest import FIXTURES, copy_workspace

ISSUE = Path("issues/issue-3")


@pytest.fixture(scope="session")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture publication with a good build in build/: the 'last good PDFs'."""
    root = copy_workspace(FIXTURES / "mini", tmp_path_factory.mktemp("good") / "ws")
    build(root, "issue-3")
    return root


@pytest.fixture
def broken(good_build: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(good_build, tmp_path / "ws"))


def run(root: Path, *args: str):
    return CliRunner().invoke(app, ["build", *args, "--workspace", str(root)])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _huge_png(path: Path) -> None:
    from PIL import Image

    Image.new("1", (20000, 20000)).save(path)


A1 = ISSUE / "01-first.md"
IY = ISSUE / "issue.yaml"

# Each case: (name, change to the workspace, strings the error output must contain)
CASES: list[tuple[str, Callable[[Path], None], list[str]]] = [
    ("invalid yaml in issue.yaml",
     lambda r: edit(r / IY, "title: A fixture issue", "title: [unclosed"),
     ["issue.yaml:", "invalid YAML in issue.yaml"]),
    ("missing number",
     lambda r: edit(r / IY, "number: 3\n", ""),
     ["issue.yaml:1: number: required key is missing"]),
    ("missing date",
     lambda r: edit(r / IY, "date: 2026-05-01\n", ""),
     ["issue.yaml:1: date: required key is missing"]),
    ("date not a date",
     lambda r: edit(r / IY, "date: 2026-05-01", "date: 2026-13-45"),
     ["issue.yaml:2: date: '2026-13-45' is not a date"]),
    ("date is words",
     lambda r: edit(r / IY, "date: 2026-05-01", "date: next Tuesday"),
     ["issue.yaml:2: date: 'next Tuesday' is not a date"]),
    ("number not a number",
     lambda r: edit(r / IY, "number: 3", "number: three"),
     ["issue.yaml:1: number: 'three' is not a whole number"]),
    ("missing title",
     lambda r: edit(r / A1, "title: The first article\n", ""),
     ["01-first.md:1: title: required key is missing"]),
    ("invalid yaml in front matter",
     lambda r: edit(r / A1, "author: A. Writer", "author: [A. Writer"),
     ["01-first.md:", "invalid YAML in front matter"]),
    ("front matter not a mapping",
     lambda r: write(r / A1, "---\n- just\n- a list\n---\nBody.\n"),
     ["01-first.md:2: front matter must be a mapping"]),
    ("front matter never closed",
     lambda r: write(r / A1, "---\ntitle: Open\n\nBody text with no closing line.\n"),
     ["01-first.md:1: front matter is never closed"]),
    ("article listed but missing",
     lambda r: edit(r / IY, "  - 02-second.md", "  - 02-second.md\n  - 03-ghost.md"),
     ["issue.yaml:7: articles: article '03-ghost.md' not found"]),
    ("article listed twice",
     lambda r: edit(r / IY, "  - 02-second.md", "  - 02-second.md\n  - 01-first.md"),
     ["issue.yaml:7: articles: article '01-first.md' is listed twice"]),
    ("image missing",
     lambda r: edit(r / A1, "images/square.png", "images/map.png"),
     ["01-first.md:11: image 'images/map.png' not found"]),
    ("image too large to decode",  # a few kilobytes of PNG, 400 million pixels
     lambda r: _huge_png(r / ISSUE / "images/square.png"),
     ["01-first.md:11: image 'images/square.png' is too large to print"]),
    ("image not an image",
     lambda r: (r / ISSUE / "images/square.png").write_text("not a picture"),
     ["01-first.md:11: image 'images/square.png' is not an image"]),
    ("image out of the issue folder",
     lambda r: edit(r / A1, "images/square.png", "../../notespress.yaml"),
     ["01-first.md:11: image '../../notespress.yaml' leads out of the issue folder"]),
    ("remote image",
     lambda r: edit(r / A1, "images/square.png", "https://example.org/x.png"),
     ["01-first.md:11: image 'https://example.org/x.png' is not a file in the issue"]),
    ("link out of the issue folder",
     lambda r: edit(r / A1, "The second call", "The [second](../../../secret.txt) call"),
     ["01-first.md:18: link '../../../secret.txt' leads out of the issue folder"]),
    ("not utf-8",
     lambda r: (r / A1).write_bytes((r / A1).read_bytes().replace(b"Monday", b"Mon\xe9day")),
     ["01-first.md:8: not UTF-8"]),
    ("python object tag",
     lambda r: edit(r / IY, "title: A fixture issue",
                    "title: !!python/object/apply:os.system ['echo pwned']"),
     ["issue.yaml:3: invalid YAML in issue.yaml", "is not allowed"]),
    ("footnote never defined",
     lambda r: edit(r / A1, "in the text.[^2]", "in the text.[^9]"),
     ["01-first.md:18: footnote [^9] is called but never defined"]),
    ("jinja error in a layout",
     lambda r: write(r / "layouts/article.html",
                     "<article>\n{{ article.title }}\n{% if %}\n</article>\n"),
     ["layouts/article.html:3: template error"]),
    ("undefined variable in a layout",
     lambda r: write(r / "layouts/article.html",
                     "<article>\n{{ article.title }}\n{{ article.no_such_field }}\n</article>\n"),
     ["layouts/article.html:3: template error", "no_such_field"]),
    ("config missing name",
     lambda r: edit(r / "notespress.yaml", "name: Mini Bulletin\n", ""),
     ["notespress.yaml:1: name: required key is missing"]),
    ("config bad page size",
     lambda r: edit(r / "notespress.yaml", "page_size: a4", "page_size: a9"),
     ["notespress.yaml:5: page_size: 'a9' is not one of letter, a4"]),
]


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_the_last_pdfs_survive(broken: Path, change, expected) -> None:
    pdfs = sorted((broken / "build" / "issue-3").glob("*.pdf"))
    before = {p: p.read_bytes() for p in pdfs}
    assert len(before) == 3  # print, screen, booklet
    change(broken)
    result = run(broken, "issue-3")
    output = result.output
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    for text in expected:
        assert text in output, f"{text!r} not in:\n{output}"
    for line in output.strip().splitlines():
        assert line.startswith("error: ") or ": warning: " in line, line
    assert {p: p.read_bytes() for p in pdfs} == before
    assert not [p for p in (broken / "build" / "issue-3").iterdir() if p.name.endswith(".tmp")]


def test_all_problems_of_an_issue_are_reported_in_one_run(broken: Path) -> None:
    edit(broken / IY, "date: 2026-05-01", "date: soon")
    edit(broken / A1, "images/square.png", "images/missing.png")
    edit(broken / A1, "in the text.[^2]", "in the text.[^7]")
    write(broken / ISSUE / "02-second.md", "---\nauthor: Nobody\n---\nNo title.\n")
    result = run(broken, "3")
    assert result.exit_code == 1
    lines = [line for line in result.output.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 4, result.output
    assert any("issue.yaml:2: date" in line for line in lines)
    assert any("images/missing.png" in line for line in lines)
    assert any("[^7]" in line for line in lines)
    assert any("02-second.md:1: title" in line for line in lines)


def test_issue_that_does_not_exist(broken: Path) -> None:
    result = run(broken, "issue-99")
    assert result.exit_code == 1
    assert "no issue 'issue-99'" in result.output and "issue-3" in result.output
    assert "Traceback" not in result.output


def test_no_workspace(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    result = CliRunner().invoke(app, ["build", "1"])
    assert result.exit_code == 1
    assert "no notespress.yaml" in result.output


def test_unreadable_image(broken: Path) -> None:
    """A file the user may not read is one line. (Root reads whatever the mode: as root,
    the command runs without the capabilities that let it, as CI does.)"""
    import shutil
    import subprocess
    import sys

    (broken / ISSUE / "images/square.png").chmod(0)
    command = [sys.executable, "-m", "notespress", "build", "3", "--force", "-w", str(broken)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) runs this test as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "square.png" in done.stderr and "cannot be read" in done.stderr
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback(broken: Path) -> None:
    edit(broken / IY, "number: 3", "number: three")
    result = CliRunner().invoke(app, ["build", "3", "--workspace", str(broken), "--debug"])
    assert result.exit_code == 1
    assert "Traceback" in result.output


def test_network_and_files_outside_are_never_fetched(broken: Path) -> None:
    """A layout that asks for a remote image and a file outside the workspace is refused."""
    outside = broken.parent / "outside.png"
    shutil.copy(broken / ISSUE / "images/square.png", outside)
    write(broken / "layouts/custom.css",
          f'.article-title {{ background: url("http://127.0.0.1:9/x.png"); }}\n'
          f'.deck {{ background: url("{outside.as_uri()}"); }}\n')
    result = run(broken, "3")
    assert result.exit_code == 1
    assert "notespress reads nothing from the network" in result.output
    assert "leads out of the workspace" in result.output


def test_unknown_keys_are_warned_about_not_fatal(broken: Path) -> None:
    with open(broken / "notespress.yaml", "a") as handle:
        handle.write("tagine: a typo of tagline\n")
    with open(broken / IY, "a") as handle:
        handle.write("volumn: 3\n")
    result = run(broken, "3", "--force")
    assert result.exit_code == 0, result.output
    assert "notespress.yaml:12: warning: tagine: unknown key" in result.output
    assert "issue.yaml:7: warning: volumn: unknown key" in result.output
