"""Fast, cached, reproducible builds: nothing changed means nothing done; the same inputs give
the same bytes; SHA256SUMS lets an archive be checked years later."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from notespress.build import build, build_all
from notespress.cli import app
from notespress.errors import NotespressError

from .conftest import REPO

runner = CliRunner()


def pdf_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "build/issue-3").glob("*.pdf"))}


def test_nothing_changed_means_nothing_done(mini: Path) -> None:
    first = build(mini, "3")
    assert not first.up_to_date
    stamps = {p: p.stat().st_mtime_ns for p in (mini / "build/issue-3").glob("*.pdf")}
    again = runner.invoke(app, ["build", "3", "-w", str(mini)])
    assert again.exit_code == 0 and "up to date" in again.output
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_a_changed_input_is_rebuilt(mini: Path) -> None:
    build(mini, "3")
    article = mini / "issues/issue-3/02-second.md"
    article.write_text(article.read_text() + "\nA new closing line.\n")
    assert not build(mini, "3").up_to_date
    layout = mini / "layouts" / "custom.css"
    layout.parent.mkdir()
    layout.write_text(".deck { font-style: normal; }\n")
    assert not build(mini, "3").up_to_date
    assert build(mini, "3").up_to_date
    assert not build(mini, "3", editions=["screen"]).up_to_date  # other settings


def test_files_read_from_elsewhere_in_the_workspace_are_watched(mini: Path) -> None:
    """A platform kept outside platform/, the picture it shows, and a picture a layout asks
    for are inputs too: a change to any of them makes the issue stale."""
    texts, art = mini / "texts", mini / "art"
    texts.mkdir()
    art.mkdir()
    shutil.copy(mini / "issues/issue-3/images/square.png", texts / "emblem.png")
    shutil.copy(mini / "issues/issue-3/images/square.png", art / "paper.png")
    (texts / "who.md").write_text((mini / "platform/en.md").read_text()
                                  + "\n![Our emblem.](emblem.png)\n")
    shutil.rmtree(mini / "platform")
    config = mini / "notespress.yaml"
    config.write_text(config.read_text().replace("platform/en.md", "texts/who.md"))
    (mini / "layouts").mkdir()
    (mini / "layouts/custom.css").write_text(".colophon { background: url(art/paper.png); }\n")

    assert not build(mini, "3").up_to_date
    assert build(mini, "3").up_to_date
    read = json.loads((mini / "build/issue-3/.manifest.json").read_text())["read"]
    assert {"texts/who.md", "texts/emblem.png", "art/paper.png"} <= set(read)

    who = texts / "who.md"
    who.write_text(who.read_text().replace("every time", "each time"))
    assert not build(mini, "3").up_to_date
    assert build(mini, "3").up_to_date
    for picture in (texts / "emblem.png", art / "paper.png"):
        with Image.open(picture) as image:
            turned = image.rotate(90)
        turned.save(picture)
        assert not build(mini, "3").up_to_date, picture
        assert build(mini, "3").up_to_date
    (art / "paper.png").unlink()
    with pytest.raises(NotespressError, match=r"paper\.png"):
        build(mini, "3")


def test_notespress_own_code_is_an_input(mini: Path) -> None:
    from notespress import build as build_module
    from notespress.manifest import input_files

    names = dict(input_files(mini, mini / "issues/issue-3"))
    assert names["notespress/build.py"] == Path(build_module.__file__)
    assert names["notespress/manifest.py"].is_file()


def test_a_font_file_replaced_in_place_is_seen_by_fontconfig(tmp_path: Path) -> None:
    """fontconfig looks again at a folder only when the folder's time changes; a font copied
    over another leaves it as it was, so the cache must change with the files."""
    from notespress.render import fontconfig_file

    fonts = tmp_path / "fonts"
    shutil.copytree(REPO / "fonts/lato", fonts / "face")
    stamp = os.stat(fonts / "face").st_mtime_ns
    before = fontconfig_file((fonts,)).read_text()
    shutil.copy(REPO / "fonts/lato/Lato-Bold.ttf", fonts / "face/Lato-Regular.ttf")
    os.utime(fonts / "face", ns=(stamp, stamp))
    after = fontconfig_file((fonts,)).read_text()
    cachedir = [line for line in after.splitlines() if "<cachedir>" in line]
    assert cachedir and cachedir[0] not in before
    assert fontconfig_file((fonts,)).read_text() == after  # and stays while nothing changes


def test_linked_and_underscored_folders_are_inputs(mini: Path, tmp_path: Path) -> None:
    """A folder linked from inside the workspace is read and hashed (once, even through a
    loop); one linked from outside it is refused by name, with what to do."""
    from notespress.manifest import input_files, refused_inputs

    shutil.copytree(REPO / "fonts/lato", mini / "shared-fonts")
    (mini / "fonts").mkdir()
    (mini / "fonts/store").symlink_to(mini / "shared-fonts", target_is_directory=True)
    (mini / "fonts/loop").symlink_to(mini / "fonts", target_is_directory=True)
    (mini / "layouts/__parts").mkdir(parents=True)
    (mini / "layouts/__parts/extra.html").write_text("<p>extra</p>\n")
    names = dict(input_files(mini, mini / "issues/issue-3"))
    assert "fonts/store/Lato-Regular.ttf" in names
    assert "layouts/__parts/extra.html" in names
    assert not any(name.startswith("fonts/loop/") for name in names)
    assert refused_inputs(mini, mini / "issues/issue-3") == []
    shutil.copytree(REPO / "fonts/lato", tmp_path / "elsewhere")
    (mini / "fonts/outside").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    names = dict(input_files(mini, mini / "issues/issue-3"))
    assert not any(name.startswith("fonts/outside/") for name in names)
    result = runner.invoke(app, ["build", "3", "-w", str(mini)])
    assert result.exit_code == 1
    assert "fonts/outside: leads out of the workspace" in result.output


def test_the_command_options_do_not_change_the_pdfs(mini: Path, monkeypatch) -> None:
    """The PDF identifier comes from what the PDFs are made of, not from --html or from the
    default editions spelled out; nor does 017 differ from 17 as a date."""
    printed = build(mini, "3").output("print").path
    plain = printed.read_bytes()
    assert not build(mini, "3", html=True).up_to_date
    assert printed.read_bytes() == plain
    assert not build(mini, "3", editions=["print", "screen", "booklet"]).up_to_date
    assert printed.read_bytes() == plain
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = build(mini, "3").output("print").path.read_bytes()
    assert dated != plain
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "01700000000")
    assert build(mini, "3").up_to_date
    assert build(mini, "3", force=True).output("print").path.read_bytes() == dated


def test_sums_and_times_are_put_right_without_a_build(mini: Path) -> None:
    out = mini / "build/issue-3"
    build(mini, "3")
    sums = (out / "SHA256SUMS").read_text()
    (out / "SHA256SUMS").unlink()
    assert build(mini, "3").up_to_date
    assert (out / "SHA256SUMS").read_text() == sums
    (out / "SHA256SUMS").write_text("garbage\n")
    assert build(mini, "3").up_to_date
    assert (out / "SHA256SUMS").read_text() == sums
    article = mini / "issues/issue-3/01-first.md"
    os.utime(article, ns=(1_000_000_000, 1_000_000_000))  # touched, not changed
    assert build(mini, "3").up_to_date
    files = json.loads((out / ".manifest.json").read_text())["files"]
    assert files["issue/01-first.md"][1] == 1_000_000_000  # not read again next time


@pytest.mark.parametrize("damage", ["[]", '{"pad": null}', '{"digest": 5}', "{", ""])
def test_a_damaged_manifest_means_a_full_build(mini: Path, damage: str) -> None:
    build(mini, "3")
    (mini / "build/issue-3/.manifest.json").write_text(damage)
    result = runner.invoke(app, ["build", "3", "-w", str(mini)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert build(mini, "3").up_to_date


def test_an_edition_under_a_new_name_replaces_the_old_file(mini: Path) -> None:
    out = mini / "build/issue-3"
    build(mini, "3", html=True)
    old = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    config = mini / "notespress.yaml"
    config.write_text(config.read_text().replace("name: Mini Bulletin", "name: Small Bulletin"))
    build(mini, "3")
    new = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert all(name.startswith("small-bulletin-3") for name in new if name.endswith(".pdf"))
    assert len([n for n in new if n.endswith(".pdf")]) == len([n for n in old
                                                                if n.endswith(".pdf")])
    assert "mini-bulletin-3.html" in new  # not written this time, but not replaced either
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out,
                          capture_output=True).returncode == 0


def test_an_edition_the_issue_no_longer_lists_goes(mini: Path) -> None:
    out = mini / "build/issue-3"
    build(mini, "3")
    build(mini, "3", editions=["screen"])  # a quick screen edition: the others stay
    assert {p.name for p in out.glob("*.pdf")} == {f"mini-bulletin-3-{k}.pdf"
                                                  for k in ("print", "screen", "booklet")}
    issue_yaml = mini / "issues/issue-3/issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text() + "editions: [print, screen]\n")
    build(mini, "3")
    assert {p.name for p in out.glob("*.pdf")} == {f"mini-bulletin-3-{k}.pdf"
                                                  for k in ("print", "screen")}
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out,
                          capture_output=True).returncode == 0


def test_build_all_takes_the_options_of_build(mini: Path) -> None:
    shutil.copytree(mini / "issues/issue-3", mini / "issues/issue-4")
    issue_yaml = mini / "issues/issue-4/issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("number: 3", "number: 4"))
    result = runner.invoke(app, ["build", "--all", "-e", "screen", "--html", "-w", str(mini)])
    assert result.exit_code == 0, result.output
    for number in (3, 4):
        made = sorted(p.name for p in (mini / f"build/issue-{number}").glob("mini*"))
        assert made == [f"mini-bulletin-{number}-screen.pdf", f"mini-bulletin-{number}.html"]
    refused = runner.invoke(app, ["build", "3", "--all", "-w", str(mini)])
    assert refused.exit_code == 2 and "--all" in refused.output
    wrong = runner.invoke(app, ["build", "--all", "-e", "poster", "-w", str(mini)])
    assert wrong.exit_code != 0 and "poster" in wrong.output


def test_build_all_reports_a_bug_in_one_issue_and_builds_the_others(mini: Path,
                                                                   monkeypatch) -> None:
    import notespress.build as build_module

    shutil.copytree(mini / "issues/issue-3", mini / "issues/issue-4")
    issue_yaml = mini / "issues/issue-4/issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("number: 3", "number: 4"))
    real = build_module.build

    def flaky(root: Path, name: str, options=None):
        if name == "issue-4":
            raise KeyError("a bug")
        return real(root, name, options)

    monkeypatch.setattr(build_module, "build", flaky)
    results = dict(build_all(mini, jobs=1))
    assert not isinstance(results["issue-3"], Exception)
    assert "internal error: KeyError" in str(results["issue-4"])
    assert "issue-4" in str(results["issue-4"])


def test_a_damaged_output_is_rebuilt(mini: Path) -> None:
    result = build(mini, "3")
    printed = result.output("print").path
    printed.write_bytes(b"%PDF-1.7 broken")
    assert not build(mini, "3").up_to_date
    assert printed.stat().st_size > 10_000


@pytest.mark.slow
def test_same_inputs_same_bytes(mini: Path, tmp_path: Path) -> None:
    editions = ["print", "screen", "booklet", "grayscale"]
    build(mini, "3", editions=editions)
    first = pdf_bytes(mini)
    assert len(first) == 4
    shutil.rmtree(mini / "build")
    build(mini, "3", editions=editions)  # later, from scratch: the clock plays no part
    assert pdf_bytes(mini) == first
    elsewhere = Path(shutil.copytree(mini, tmp_path / "elsewhere" / "other-name",
                                     ignore=shutil.ignore_patterns("build")))
    build(elsewhere, "3", editions=editions)  # in another folder: the place plays no part
    assert pdf_bytes(elsewhere) == first


def test_dates_come_from_the_issue_or_source_date_epoch(mini: Path, monkeypatch) -> None:

    result = build(mini, "3", editions=["print"])
    info = PdfReader(result.output("print").path).metadata
    assert info["/CreationDate"].startswith("D:20260501")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    result = build(mini, "3", editions=["print"])
    assert not result.up_to_date
    info = PdfReader(result.output("print").path).metadata
    assert info["/CreationDate"].startswith("D:20231114")


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5e9", "99999999999999"])
def test_a_source_date_epoch_that_is_no_date_is_an_error(mini: Path, monkeypatch,
                                                        value: str) -> None:
    first = build(mini, "3", editions=["print"])
    before = first.output("print").path.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    for command in (["build", "3"], ["build", "--all"]):
        result = runner.invoke(app, [*command, "-w", str(mini)])
        assert result.exit_code != 0
        lines = [line for line in result.output.strip().splitlines()
                 if line != "building"]  # --all's progress bar, before it knows anything
        assert len(lines) == 1 and "SOURCE_DATE_EPOCH" in lines[0] and value in lines[0]
        assert "Traceback" not in result.output
    assert first.output("print").path.read_bytes() == before


def test_sha256sums_check_out(mini: Path) -> None:
    build(mini, "3", html=True)
    folder = mini / "build/issue-3"
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    assert sorted(line.split()[1] for line in sums) == sorted(
        p.name for p in folder.iterdir() if p.suffix in (".pdf", ".html"))
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    (folder / "mini-bulletin-3-screen.pdf").write_bytes(b"tampered")
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder,
                          capture_output=True).returncode != 0


def test_build_all_builds_only_stale_issues(mini: Path) -> None:
    issues = mini / "issues"
    for number in (4, 5):
        shutil.copytree(issues / "issue-3", issues / f"issue-{number}")
        yaml = issues / f"issue-{number}" / "issue.yaml"
        yaml.write_text(yaml.read_text().replace("number: 3", f"number: {number}"))
    build(mini, "issue-4")
    seen = []
    results = dict(build_all(mini, jobs=2, progress=lambda name, i, n: seen.append(name)))
    assert sorted(seen) == ["issue-3", "issue-4", "issue-5"]
    assert results["issue-4"].up_to_date
    assert not results["issue-3"].up_to_date and not results["issue-5"].up_to_date
    assert (issues.parent / "build/issue-5/mini-bulletin-5-print.pdf").is_file()
    cli = runner.invoke(app, ["build", "--all", "-w", str(mini)])
    assert cli.exit_code == 0, cli.output
    assert cli.output.count("up to date") == 3


def test_help_is_quick_to_load() -> None:
    """`notespress --help` must not import WeasyPrint or pypdf (checked, not timed)."""
    code = ("import sys; from notespress.cli import main; sys.argv=['notespress','--help'];\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('weasyprint','pypdf','markdown_it') if m in sys.modules))")
    out = subprocess.run([os.sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_a_build_with_nothing_changed_reads_nothing_it_need_not(mini: Path) -> None:
    """The whole command, when nothing changed, hashes the inputs and stops: it imports no
    renderer, no Markdown or YAML parser, no PDF or picture library."""
    build(mini, "3")
    heavy = ("weasyprint", "pypdf", "markdown_it", "yaml", "PIL")
    code = ("import sys; from notespress.cli import main\n"
            f"sys.argv=['notespress','build','3','-w',{str(mini)!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([os.sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "up to date" in out
    assert out.strip().splitlines()[-1] == "[]"


def test_manifest_reads_the_same_versions_as_importlib_metadata() -> None:
    from importlib import metadata

    from notespress.manifest import PACKAGES, _versions

    versions = _versions()
    for name, _ in PACKAGES:
        assert versions[name] == metadata.version(name)


def test_editions_made_side_by_side_equal_those_made_one_after_another(
        mini: Path, tmp_path: Path, monkeypatch) -> None:
    build(mini, "3")
    parallel = pdf_bytes(mini)
    monkeypatch.setenv("NOTESPRESS_SERIAL", "1")
    serial_root = Path(shutil.copytree(mini, tmp_path / "serial",
                                       ignore=shutil.ignore_patterns("build")))
    build(serial_root, "3")
    assert pdf_bytes(serial_root) == parallel


