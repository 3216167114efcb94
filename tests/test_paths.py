"""Nothing read from outside the workspace, nothing special read, nothing that hangs; bad
settings as one line, never an internal error; editions replaced as a set.

The commands run as an editor runs them (a subprocess, with a time limit: a hang fails the
test instead of blocking it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from notespress.build import build

from .conftest import FIXTURES, copy_workspace

ISSUE = Path("issues/issue-3")


def notespress(root: Path, *args: str, timeout: float = 90,
               unprivileged: bool = False) -> subprocess.CompletedProcess:
    """The command, as an editor runs it; `unprivileged`: without the capabilities that let
    root read and write whatever the mode (setpriv), as an editor's account is."""
    command = [sys.executable, "-m", "notespress", *args, "-w", str(root)]
    if unprivileged and os.geteuid() == 0:
        import shutil

        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to run this test as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def one_error(done: subprocess.CompletedProcess, *words: str) -> str:
    """The command failed with error lines only (no traceback), one of which says `words`."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    found = [line for line in lines if all(w in line for w in words)]
    assert found, f"{words} not in:\n{done.stderr}"
    return found[0]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "mini", tmp_path / "ws")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere" / "secret.md"
    path.parent.mkdir()
    path.write_text("---\ntitle: Secret\n---\n\nTHE-SECRET-WORDS of someone else.\n")
    return path


def test_a_discovered_article_linked_from_outside_is_refused(ws: Path, secret: Path) -> None:
    (ws / ISSUE / "03-leak.md").symlink_to(secret)
    line = one_error(notespress(ws, "build", "3"), "03-leak.md", "leads out of the")
    assert "THE-SECRET" not in line
    assert not list((ws / "build").rglob("*.pdf"))


def test_a_listed_article_linked_from_outside_is_refused(ws: Path, secret: Path) -> None:
    (ws / ISSUE / "03-leak.md").symlink_to(secret)
    issue_yaml = ws / ISSUE / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text() + "articles:\n  - 01-first.md\n  - 03-leak.md\n")
    one_error(notespress(ws, "build", "3"), "issue.yaml", "03-leak.md", "leads out of the")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "socket"])
def test_special_files_are_refused_by_name_and_never_hang(ws: Path, kind: str) -> None:
    import socket

    target = ws / ISSUE / "z"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
    done = notespress(ws, "build", "3", timeout=60)
    if kind == "dev-zero":  # a link out of the workspace, as such
        one_error(done, "issue-3/z", "leads out of the workspace")
    else:
        one_error(done, "issue-3/z", "is a" if kind == "fifo" else "socket", "not a file")


def test_a_folder_linked_from_outside_is_neither_walked_nor_hashed(ws: Path,
                                                                   tmp_path: Path) -> None:
    outside = tmp_path / "docs"
    (outside / "deep").mkdir(parents=True)
    for n in range(50):
        (outside / "deep" / f"{n}.txt").write_text("x")
    (ws / ISSUE / "docs").symlink_to(outside, target_is_directory=True)
    one_error(notespress(ws, "build", "3"), "issue-3/docs", "leads out of the workspace")
    (ws / ISSUE / "docs").unlink()
    assert notespress(ws, "build", "3").returncode == 0
    manifest = (ws / "build/issue-3/.manifest.json").read_text()
    assert str(outside) not in manifest and "deep/" not in manifest


def test_a_crafted_manifest_entry_is_not_read(ws: Path) -> None:
    assert notespress(ws, "build", "3").returncode == 0
    path = ws / "build/issue-3/.manifest.json"
    data = json.loads(path.read_text())
    data["read"]["../../../../dev/zero"] = [0, 0, "0" * 64]
    path.write_text(json.dumps(data))
    done = notespress(ws, "build", "3", timeout=60)  # a hang would time out
    assert done.returncode == 0, done.stderr
    assert "../../../../dev/zero" not in (ws / "build/issue-3/.manifest.json").read_text()


def test_layouts_and_strings_linked_from_outside_are_refused(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.html"
    outside.write_text("<p>OUTSIDE-LAYOUT</p>")
    (ws / "layouts").mkdir(exist_ok=True)
    (ws / "layouts" / "colophon.html").symlink_to(outside)
    one_error(notespress(ws, "build", "3"), "colophon.html", "leads out of the workspace")
    (ws / "layouts" / "colophon.html").unlink()
    (ws / "layouts" / "strings").mkdir()
    words = tmp_path / "words.yaml"
    words.write_text("contents: OUTSIDE-WORDS\n")
    (ws / "layouts" / "strings" / "en.yaml").symlink_to(words)
    one_error(notespress(ws, "build", "3"), "en.yaml", "leads out of the workspace")


def test_an_issue_outside_the_workspace_is_refused(ws: Path, tmp_path: Path) -> None:
    other = copy_workspace(FIXTURES / "mini", tmp_path / "other")
    one_error(notespress(ws, "build", str(other / ISSUE)), "outside this publication")
    assert not (ws / "build").exists()


@pytest.mark.parametrize(("change", "words"), [
    ("number: 3", ("number", "from 0 to 999,999")),
    ("jpeg_quality: 80.5", ("jpeg_quality", "not a whole number")),
    ("title: \"Line\\vbreak\"", ("title", "one line")),
    ("lang: ../../../../tmp/x", ("lang", "not a language code")),
    ("creep: 50mm", ("creep", "at most 0.5mm")),
    ("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]", ("aliases", "not allowed")),
])
def test_bad_settings_are_one_line_never_an_internal_error(ws: Path, change: str,
                                                          words: tuple[str, ...]) -> None:
    issue_yaml = ws / ISSUE / "issue.yaml"
    text = issue_yaml.read_text()
    if change.startswith("number: 3"):
        text = text.replace("number: 3", "number: " + "9" * 300)
    else:
        text += change + "\n"
    issue_yaml.write_text(text)
    one_error(notespress(ws, "build", "--force", "issue-3"), "issue.yaml", *words)


def test_an_issue_reference_that_is_no_name(ws: Path) -> None:
    one_error(notespress(ws, "build", "²"), "no issue '²'")
    one_error(notespress(ws, "build", "isue-3"), "did you mean 'issue-3'")


def test_an_issue_number_that_two_folders_have_is_ambiguous(ws: Path) -> None:
    import shutil

    shutil.copytree(ws / ISSUE, ws / "issues" / "special")
    one_error(notespress(ws, "build", "3"), "ambiguous", "issue-3", "special")
    assert notespress(ws, "build", "special").returncode == 0


def test_terminal_escapes_in_what_is_echoed_are_removed(ws: Path) -> None:
    article = ws / ISSUE / "01-first.md"
    hostile = "lang: \"x\\e]0;owned\\a\"\ntitle:"
    article.write_text(article.read_text().replace("title:", hostile, 1))
    done = notespress(ws, "build", "3")
    assert done.returncode == 1 and "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert "lang" in done.stderr


def test_nothing_changed_in_a_folder_that_cannot_be_written(ws: Path) -> None:
    assert notespress(ws, "build", "3").returncode == 0
    (ws / "build/issue-3/SHA256SUMS").unlink()  # (put back when it can be)
    (ws / "build/issue-3").chmod(0o555)
    try:
        done = notespress(ws, "build", "3", unprivileged=True)
        assert done.returncode == 0 and "up to date" in done.stdout, done.stderr
        (ws / ISSUE / "02-second.md").write_text("---\ntitle: Changed\n---\n\nNew text.\n")
        one_error(notespress(ws, "build", "3", unprivileged=True), "build/issue-3",
                  "cannot be written to")
    finally:
        (ws / "build/issue-3").chmod(0o755)


DIE_WHILE_PUBLISHING = """
import os, sys
from pathlib import Path
import notespress.publish as publish
from notespress.build import build
real, calls = os.replace, []
def dying(source, target):
    if ".notespress-" in str(source) and Path(target).parent.joinpath(publish.JOURNAL).exists():
        calls.append(target)  # a rename of the publish step
        if len(calls) == 2:
            os._exit(9)  # as kill -9: nothing is cleaned up
    real(source, target)
publish.os.replace = dying
build(Path(sys.argv[1]), "3")
"""


def test_editions_are_published_as_a_set(ws: Path, monkeypatch) -> None:
    """A build killed between its renames leaves a journal and its staging folder: the next
    command completes the set before anything else. Interrupted (Ctrl-C), a build completes
    the set itself."""
    import notespress.publish as publish

    first = build(ws, "3")
    out = ws / "build/issue-3"
    before = {o.kind: o.path.read_bytes() for o in first.outputs}
    article = ws / ISSUE / "02-second.md"
    article.write_text(article.read_text() + "\nOne more paragraph.\n")
    done = subprocess.run([sys.executable, "-c", DIE_WHILE_PUBLISHING, str(ws)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    assert (out / publish.JOURNAL).is_file() and list(out.glob(".notespress-*"))
    publish.finish_interrupted(out)  # what the next command does first
    assert not (out / publish.JOURNAL).exists() and not list(out.glob(".notespress-*"))
    now = {kind: (out / first.output(kind).path.name).read_bytes() for kind in before}
    assert all(now[kind] != before[kind] for kind in before)  # the whole new set
    sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True,
                          text=True)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    assert build(ws, "3").up_to_date

    article.write_text(article.read_text() + "\nAnd another.\n")
    calls = []
    real_replace = os.replace

    def interrupted(source, target):  # Ctrl-C after the first rename of the publish step
        real_replace(source, target)
        if ".notespress-" in str(source) and (out / publish.JOURNAL).exists():
            calls.append(target)
            if len(calls) == 1:
                raise KeyboardInterrupt

    monkeypatch.setattr(publish.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(ws, "3")
    monkeypatch.setattr(publish.os, "replace", real_replace)
    assert not (out / publish.JOURNAL).exists()
    assert build(ws, "3").up_to_date  # the set was completed, manifest and all


def test_a_full_disk_is_one_line_naming_the_folder(ws: Path, monkeypatch) -> None:
    import errno
    import tempfile

    from typer.testing import CliRunner

    from notespress.cli import app

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    result = CliRunner().invoke(app, ["build", "3", "-w", str(ws)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("error: ") and "build/issue-3" in lines[-1]
    assert "the disk is full: free some room and build again" in lines[-1]
