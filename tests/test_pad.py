"""The pad step: a printed issue has a multiple of 4 pages; a wrong guess of the padding lays
out again only the cover page and the back, and gives what a full second layout gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from notespress.build import build
from notespress.pad import padding_needed

from .conftest import FIXTURES, copy_workspace
from .pdfcheck import Pdf

LONG_PARAGRAPH = ("Delegates from every shift reported on the speed-up of the line and on the "
                  "overtime that management wants to impose before the winter. ") * 3


@pytest.mark.parametrize(("pages", "guess", "needed"), [(12, 0, 0), (13, 0, 3), (14, 1, 3),
                                                        (16, 3, 3), (17, 3, 2)])
def test_padding_needed(pages: int, guess: int, needed: int) -> None:
    assert padding_needed(pages, guess) == needed
    assert (pages - guess + needed) % 4 == 0


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["mini", "langs-fa", "long-lead", "long-lead-no-graft"])
def test_a_wrong_guess_lays_out_only_the_cover_and_the_back(fixture: str, tmp_path: Path,
                                                            monkeypatch) -> None:
    """With the padding wrong, the cover page and the back are laid out again, not the
    articles (and of a long lead article, only what the cover page holds): the pages come
    out exactly as from a full second layout, drawn and tagged alike."""
    import notespress.pad as pad
    from notespress.render import render as real_render

    source, ref = (FIXTURES / "langs", "issue-2") if fixture == "langs-fa" else (
        FIXTURES / "mini", "3")
    layouts: list[str] = []

    def counting_render(settings):
        layouts.append(settings.html)
        return real_render(settings)

    def workspace(name: str) -> Path:
        root = copy_workspace(source, tmp_path / name)
        if fixture.startswith("long-lead"):  # a lead article that runs on past the cover
            lead = root / "issues" / "issue-3" / "01-first.md"
            lead.write_text(lead.read_text().replace(
                "The second call comes here",
                "\n\n".join([LONG_PARAGRAPH] * 15) + "\n\nThe second call comes here"))
        return root

    monkeypatch.setattr("notespress.render.render", counting_render)
    if fixture.endswith("no-graft"):  # as when the new cover fills other space than the old
        monkeypatch.setattr("notespress.compat.with_section_of", lambda *args: None)
    result = build(workspace("fast"), ref, editions=["print", "screen"])
    assert result.pad > 0
    # the whole issue, then the back and the cover alone (and, when the new cover cannot be
    # put in the old first page, the cover page with what it holds of the lead)
    assert len(layouts) == (4 if fixture.endswith("no-graft") else 3)
    assert all(len(layout) < len(layouts[0]) for layout in layouts[1:])
    if fixture.startswith("long-lead"):
        assert "The second call comes here" in layouts[0]
        assert all("The second call comes here" not in layout for layout in layouts[1:])
    monkeypatch.setattr(pad, "_lay_out_around", lambda *args, **kwargs: None)
    slow = build(workspace("full"), ref, editions=["print", "screen"])
    assert slow.pad == result.pad
    fast_pdf, slow_pdf = Pdf(result.output("print").path), Pdf(slow.output("print").path)
    assert fast_pdf.raw_pages == slow_pdf.raw_pages
    assert fast_pdf.outline() == slow_pdf.outline()
    for kind in ("print", "screen"):
        fast_pages = PdfReader(result.output(kind).path).pages
        slow_pages = PdfReader(slow.output(kind).path).pages
        assert [p.get_contents().get_data() for p in fast_pages] == [
            p.get_contents().get_data() for p in slow_pages]
    assert tag_tree(result.output("screen").path) == tag_tree(slow.output("screen").path)


def tag_tree(path: Path) -> list[tuple[int, str, str]]:
    """The structure tree of a tagged PDF: depth, role, and the page of each node."""
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


def test_a_cover_that_fills_other_space_is_not_put_in(mini: Path) -> None:
    from notespress.assemble import Part, assemble
    from notespress.build import lay_out, load
    from notespress.compat import with_section_of

    pub, issue = load(mini, "3")
    whole = lay_out(pub, assemble(pub, issue), False)
    toc = {a.slug: 2 for a in issue.articles} | {"platform": 5}
    cover = lay_out(pub, assemble(pub, issue, part=Part("cover", toc_pages=toc, lead_blocks=1)),
                    False)
    grafted = with_section_of(whole.document.pages[0], cover.document.pages[0], "cover")
    assert grafted is not None and set(grafted.anchors) == set(whole.document.pages[0].anchors)
    # page numbers so long that the contents' lines wrap: the cover grows
    taller = lay_out(pub, assemble(pub, issue, part=Part(
        "cover", toc_pages={slug: 10 ** 40 for slug in toc}, lead_blocks=1)), False)
    assert with_section_of(whole.document.pages[0], taller.document.pages[0], "cover") is None
