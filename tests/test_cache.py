"""Fast, cached, reproducible builds: nothing changed means nothing done; the same inputs give
the same bytes; SHA256SUMS lets an archive be checked years later."""

from __future__ import annotations

import io
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
    from notespress.manifest import input_files

    shared = tmp_path / "shared-fonts"
    shutil.copytree(REPO / "fonts/lato", shared)
    (mini / "fonts").mkdir()
    (mini / "fonts/store").symlink_to(shared, target_is_directory=True)
    (mini / "fonts/loop").symlink_to(mini / "fonts", target_is_directory=True)
    (mini / "layouts/__parts").mkdir(parents=True)
    (mini / "layouts/__parts/extra.html").write_text("<p>extra</p>\n")
    names = dict(input_files(mini, mini / "issues/issue-3"))
    assert "fonts/store/Lato-Regular.ttf" in names
    assert "layouts/__parts/extra.html" in names
    assert not any(name.startswith("fonts/loop/") for name in names)


def test_the_command_options_do_not_change_the_pdfs(mini: Path, monkeypatch) -> None:
    """The PDF identifier comes from what the PDFs are made of, not from --html or from the
    default editions spelled out; nor does 017 differ from 17 as a date."""
    printed = build(mini, "3").output("print").path
    plain = printed.read_bytes()
    assert not build(mini, "3", write_html=True).up_to_date
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
    build(mini, "3", write_html=True)
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

    def flaky(root: Path, name: str, **options):
        if name == "issue-4":
            raise KeyError("a bug")
        return real(root, name, **options)

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
    from pypdf import PdfReader

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
    build(mini, "3", write_html=True)
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


LONG_PARAGRAPH = ("Delegates from every shift reported on the speed-up of the line and on the "
                  "overtime that management wants to impose before the winter. ") * 3


@pytest.mark.parametrize("fixture", ["mini", "langs-fa", "long-lead", "long-lead-no-graft"])
def test_repadding_lays_out_only_the_cover_and_the_back(fixture: str, tmp_path: Path,
                                                        monkeypatch) -> None:
    """With the padding wrong, the cover and the back are laid out again, not the articles
    (and of a long lead article, only what the cover page holds): the pages come out exactly
    as from a full second layout."""
    import notespress.build as stages
    from notespress.render import render as real_render

    from .conftest import FIXTURES, copy_workspace
    from .pdfcheck import Pdf

    source, ref = (FIXTURES / "langs", "issue-2") if fixture == "langs-fa" else (
        FIXTURES / "mini", "3")
    layouts: list[str] = []

    def counting_render(settings):
        layouts.append(settings.html)
        return real_render(settings)

    def workspace(name: str) -> Path:
        root = copy_workspace(source, tmp_path / name)
        if fixture.startswith("long-lead"):  # a lead article that runs on well past the cover
            lead = root / "issues" / "issue-3" / "01-first.md"
            lead.write_text(lead.read_text().replace(
                "The second call comes here",
                "\n\n".join([LONG_PARAGRAPH] * 19) + "\n\nThe second call comes here"))
        return root

    monkeypatch.setattr("notespress.render.render", counting_render)
    if fixture.endswith("no-graft"):  # as when the new cover fills other space than the old
        monkeypatch.setattr(stages, "_with_cover_of", lambda *args: None)
    result = build(workspace("fast"), ref, editions=["print", "screen"])
    assert result.pad > 0
    # the whole issue, then the back and the cover alone (and, when the new cover cannot be
    # put in the old first page, the cover with what the first page holds of the lead)
    assert len(layouts) == (4 if fixture.endswith("no-graft") else 3)
    assert all(len(layout) < len(layouts[0]) for layout in layouts[1:])
    if fixture.startswith("long-lead"):
        assert "The second call comes here" in layouts[0]
        assert all("The second call comes here" not in layout for layout in layouts[2:])
    monkeypatch.setattr(stages, "repad", lambda *args, **kwargs: None)
    slow = build(workspace("full"), ref, editions=["print", "screen"])
    assert slow.pad == result.pad
    fast_pdf, slow_pdf = Pdf(result.output("print").path), Pdf(slow.output("print").path)
    assert fast_pdf.raw_pages == slow_pdf.raw_pages
    assert fast_pdf.outline() == slow_pdf.outline()
    # drawn alike, to the last operator, and tagged alike for screen readers
    for kind in ("print", "screen"):
        fast_pages = PdfReader(result.output(kind).path).pages
        slow_pages = PdfReader(slow.output(kind).path).pages
        assert [p.get_contents().get_data() for p in fast_pages] == [
            p.get_contents().get_data() for p in slow_pages]
    assert tag_tree(result.output("screen").path) == tag_tree(slow.output("screen").path)


def test_a_cover_that_fills_other_space_is_not_put_in(mini: Path) -> None:
    from notespress.build import _with_cover_of, lay_out, load

    pub, issue = load(mini, "3")
    _, whole = lay_out(pub, issue, 0, strict=False)
    toc = {a.slug: 2 for a in issue.articles} | {"platform": 5}
    _, cover = lay_out(pub, issue, 0, False, part="cover", toc_pages=toc, lead_blocks=1)
    grafted = _with_cover_of(whole.document.pages[0], cover.document.pages[0])
    assert grafted is not None and set(grafted.anchors) == set(whole.document.pages[0].anchors)
    # page numbers so long that the contents' lines wrap: the cover grows
    _, taller = lay_out(pub, issue, 0, False, part="cover", lead_blocks=1,
                        toc_pages={slug: 10 ** 40 for slug in toc})
    assert _with_cover_of(whole.document.pages[0], taller.document.pages[0]) is None


def tag_tree(path: Path) -> list[tuple[int, str, str]]:
    """The structure tree of a tagged PDF: depth, role, and the text of its marked content's
    page and ids (object numbers left out)."""
    reader = PdfReader(path)
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    found: list[tuple[int, str, str]] = []

    def walk(node, depth: int) -> None:
        node = node.get_object()
        if isinstance(node, int):
            found.append((depth, "MCID", str(node)))
            return
        role = str(node.get("/S", node.get("/Type", "")))
        page = node.get("/Pg")
        where = str(page_index.get(page.idnum)) if page is not None else ""
        found.append((depth, role, where))
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], 0)
    return found


def test_editions_made_side_by_side_equal_those_made_one_after_another(
        mini: Path, tmp_path: Path, monkeypatch) -> None:
    build(mini, "3")
    parallel = pdf_bytes(mini)
    monkeypatch.setenv("NOTESPRESS_SERIAL", "1")
    serial_root = Path(shutil.copytree(mini, tmp_path / "serial",
                                       ignore=shutil.ignore_patterns("build")))
    build(serial_root, "3")
    assert pdf_bytes(serial_root) == parallel


def test_cached_page_references_write_the_same_bytes(mini: Path) -> None:
    """The speed-up around pydyf's page references is in effect while writing, is undone
    after, and changes no byte of a tagged PDF."""
    import pydyf

    from notespress.build import lay_out, load
    from notespress.render import _cached_page_references

    pub, issue = load(mini, "3")
    _, rendered = lay_out(pub, issue, 0, strict=False)
    options = {"pdf_identifier": b"0" * 16, "pdf_tags": True, "pdf_variant": "pdf/ua-1"}
    plain = rendered.document.write_pdf(**options)
    original = pydyf.PDF.__dict__["page_references"]
    with _cached_page_references():
        assert pydyf.PDF.__dict__["page_references"] is not original
        cached = rendered.document.write_pdf(**options)
    assert pydyf.PDF.__dict__["page_references"] is original
    assert cached == plain
    root = PdfReader(io.BytesIO(cached)).trailer["/Root"]
    assert "/StructTreeRoot" in root and len(root["/StructTreeRoot"]["/ParentTree"]["/Nums"]) > 2


def test_streams_are_compressed_at_level_6_and_say_the_same(mini: Path) -> None:
    """pydyf compresses at level 9; notespress writes at zlib's default level, which is 4
    times faster: the streams hold the same content, and pydyf is left as it was."""
    import zlib

    import pydyf

    from notespress.build import lay_out, load
    from notespress.render import _flate_level

    pub, issue = load(mini, "3")
    _, rendered = lay_out(pub, issue, 0, strict=False)
    options = {"pdf_identifier": b"0" * 16}
    plain = rendered.document.write_pdf(**options)
    with _flate_level():
        assert pydyf.zlib is not zlib
        ours = rendered.document.write_pdf(**options)
    assert pydyf.zlib is zlib
    assert ours != plain

    def contents(data: bytes) -> list[bytes]:
        return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(data)).pages]

    assert contents(ours) == contents(plain)
    first = PdfReader(io.BytesIO(ours)).pages[0]["/Contents"].get_object()
    raw = first._data  # the stream as written: level 6 is how zlib compresses it by default
    assert raw == zlib.compress(zlib.decompress(raw), 6)


def test_garbage_of_a_build_is_left_frozen_and_collected_by_the_next() -> None:
    """After a build the collector is on again without scanning what the build made (it is
    frozen); the next build collects the cycles the last one left, so memory does not grow
    from build to build in a long-lived process."""
    import gc
    import weakref

    from notespress.render import no_cyclic_gc

    class Node:
        pass

    def cycle() -> weakref.ref[Node]:
        node = Node()
        node.me = node  # type: ignore[attr-defined]
        return weakref.ref(node)

    assert gc.isenabled()
    with no_cyclic_gc():
        assert not gc.isenabled()
        with no_cyclic_gc():  # nested: changes nothing
            left = cycle()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.collect()  # a full collection does not reach the frozen objects
    assert left() is not None
    assert gc.get_freeze_count() > 0
    with no_cyclic_gc():
        assert left() is None  # collected on the way into the next build
    gc.unfreeze()


def _pid_task(shared: str, fail: str) -> tuple[str, int]:
    from notespress.errors import NotespressError, Problem

    if fail == "problem":
        raise NotespressError(Problem(Path("issues/x/a.md"), "a problem in a child", 7))
    if fail == "die":
        os._exit(3)
    return shared, os.getpid()


def test_editions_forked_report_back_their_results_and_errors() -> None:
    from notespress.build import _run_tasks
    from notespress.errors import NotespressError

    results = _run_tasks([(_pid_task, ("",)), (_pid_task, ("",))], "shared")
    assert [shared for shared, _ in results] == ["shared", "shared"]
    if (os.cpu_count() or 1) > 1:  # the first in a forked process, the last in this one
        assert results[0][1] != os.getpid() and results[1][1] == os.getpid()
    with pytest.raises(NotespressError) as caught:
        _run_tasks([(_pid_task, ("problem",)), (_pid_task, ("",))], "shared")
    assert str(caught.value) == "issues/x/a.md:7: a problem in a child"
    if (os.cpu_count() or 1) > 1:
        with pytest.raises(NotespressError, match="ended with code 3"):
            _run_tasks([(_pid_task, ("die",)), (_pid_task, ("",))], "shared")
