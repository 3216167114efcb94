"""The pad step: a printed issue has a multiple of 4 pages.

The pages added (before the platform) are known only after layout. The build guesses their
number from the last build, so that after an edit the issue is usually laid out once. When the
guess is wrong, only what the padding moves is laid out again: the back (padding, platform,
colophon) and the cover page, whose contents give the platform's page; the articles' pages are
kept. When that cannot be done safely (a publication's own layouts, no platform, the cover
page coming out different), the whole issue is laid out again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .assemble import Part
from .errors import NotespressError, Problem

if TYPE_CHECKING:
    from .config import Publication
    from .content import Assembled, Issue
    from .render import LaidOut

LayOut = Callable[["Publication", "Issue", int, Part], "tuple[Assembled, LaidOut]"]


def padding_needed(pages: int, guess: int) -> int:
    """The padding pages that make a multiple of 4 of `pages` laid out with `guess` added."""
    return -(pages - guess) % 4


def pad_pages(pub: Publication, issue: Issue, assembled: Assembled, laid_out: LaidOut,
              guess: int, lay_out: LayOut) -> tuple[Assembled, LaidOut, int]:
    """The issue laid out with the padding pages it needs, and their number. The coupon of
    the subscribe page is never on page 2 (the back of the cover and of the contents): when
    the padding starts there, the back is laid out again without it."""
    pad = padding_needed(laid_out.pages, guess)
    if pad == guess and not _coupon_backs_the_cover(laid_out):
        return assembled, laid_out, pad
    redone = _lay_out_around(pub, issue, laid_out, guess, pad, lay_out)
    assembled, laid_out = redone or lay_out(
        pub, issue, pad, Part(pad_start=_padding_start(laid_out, guess)))
    if laid_out.pages % 4:
        raise NotespressError(Problem(issue.folder, f"could not pad the issue to a multiple "
                                      f"of 4 pages ({laid_out.pages} pages with {pad} added): "
                                      "check the layouts' padding.html"))
    return assembled, laid_out, pad


def _anchors(laid_out: LaidOut) -> dict[str, int]:
    """The first page (0-based) of each anchor."""
    return {name: index for index, page in reversed(list(enumerate(laid_out.document.pages)))
            for name in page.anchors}


def _coupon_backs_the_cover(laid_out: LaidOut) -> bool:
    return _anchors(laid_out).get("coupon") == 1


def _padding_start(laid_out: LaidOut, guess: int) -> int:
    """The page (1-based) where the padding pages start: before the platform (0: unknown)."""
    where = _anchors(laid_out)
    return where["platform"] - guess + 1 if "platform" in where else 0


def _lay_out_around(pub: Publication, issue: Issue, laid_out: LaidOut, guess: int, pad: int,
                    lay_out: LayOut) -> tuple[Assembled, LaidOut] | None:
    """The laid-out issue with `pad` padding pages instead of `guess`, laying out again only
    the back and the cover's pages (the cover, and page 2 when the contents are there); None
    when this cannot be done safely."""
    from .assemble import assemble, layouts_lay_out_parts
    from .render import LaidOut

    pages = laid_out.document.pages
    where = _anchors(laid_out)
    if "platform" not in where or not layouts_lay_out_parts(pub.root):
        return None
    front = where["platform"] - guess  # the cover and the articles
    back_pages = len(pages) - where["platform"]
    if front < 1 or any(where.get(a.slug, front) >= front for a in issue.articles):
        return None
    cover_pages = where.get("contents", 0) + 1  # the pages whose contents give page numbers
    if cover_pages > front:
        return None
    toc = {a.slug: where[a.slug] + 1 for a in issue.articles}
    toc["platform"] = front + pad + 1
    _, back = lay_out(pub, issue, pad, Part("back", first_page=front + 1))
    if back.pages != pad + back_pages:
        return None
    # The cover's pages again, with the new contents. When they are one page, the cover
    # section alone (with one block of the lead article) is laid out and put in place of
    # the old one when it fills the same space (compat.with_section_of: 6 % of a 12-page
    # cold build, see docs/architecture.md). Else the cover's pages with the articles that
    # reach them, the last of those cut after what the cover's pages held of it (and one
    # block more, so that the page breaks where it did), checked against the first layout:
    # same text in the same places.
    from .compat import with_section_of

    grafted = None
    if cover_pages == 1:
        _, cover = lay_out(pub, issue, pad, Part("cover", toc_pages=toc, lead_blocks=1,
                                                 articles=1))
        grafted = with_section_of(pages[0], cover.document.pages[0], "cover")
    if grafted is not None:
        new_cover = [grafted]
    else:
        reaching = [i for i, a in enumerate(issue.articles) if where[a.slug] < cover_pages]
        last = reaching[-1] if reaching else 0
        on_cover = _blocks_on_page(laid_out, issue, cover_pages - 1, last)
        _, cover = lay_out(pub, issue, pad, Part(
            "cover", toc_pages=toc, lead_blocks=_blocks_past(issue, on_cover, last),
            articles=last + 1))
        new_cover = cover.document.pages[:cover_pages]
        if len(new_cover) < cover_pages or any(
                set(new.anchors) != set(old.anchors)
                or _page_signature(new) != _page_signature(old)
                for new, old in zip(new_cover, pages, strict=False)):
            return None
    document = laid_out.document.copy([*new_cover, *pages[cover_pages:front],
                                       *back.document.pages])
    problems = laid_out.problems + cover.problems + back.problems
    read = tuple(dict.fromkeys(laid_out.read + cover.read + back.read))
    return assemble(pub, issue, pad=pad, part=Part(pad_start=front + 1)), LaidOut(
        document=document, problems=problems, read=read)


def _blocks_past(issue: Issue, on_cover: int | None, index: int = 0) -> int | None:
    """How many of article `index`'s blocks to lay out so that the cover's last page breaks
    where it did: those on it, and the next one; and if that is a heading (kept with what
    follows it), the blocks up to the first that is not."""
    if not on_cover:
        return None
    html, ends = issue.articles[index].html, issue.articles[index].block_ends
    count = on_cover + 1
    while count < len(ends) and html[ends[count - 2]:ends[count - 1]].lstrip().startswith("<h"):
        count += 1
    return count


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def _blocks_on_page(laid_out: LaidOut, issue: Issue, page: int, index: int = 0
                    ) -> int | None:
    """How many of article `index`'s top-level blocks are (at least partly) on page `page`
    (0-based) or before it."""
    from .compat import page_box, walk_boxes

    if not issue.articles:
        return None
    slug = issue.articles[index].slug
    walked = list(walk_boxes(page_box(laid_out.document.pages[page])))
    body = next((b.element for b, ancestors in walked if "article-body" in _classes(b)
                 and any(getattr(a, "element", None) is not None
                         and a.element.get("id") == slug for a in ancestors)), None)
    if body is None:
        return None
    blocks = list(body)
    if len(blocks) != len(issue.articles[index].block_ends):
        return None
    seen = {id(getattr(b, "element", None)) for b, _ in walked}
    shown = [position for position, block in enumerate(blocks) if id(block) in seen]
    return shown[-1] + 1 if shown else None


def _page_signature(page: Any) -> list[tuple[str, str, int, int]]:
    """The text on a page and where it stands, without the contents' page numbers and
    leaders (generated after the links)."""
    from .compat import page_box, walk_boxes

    return [(box.element_tag, box.text, round(box.position_x), round(box.position_y))
            for box, _ in walk_boxes(page_box(page))
            if hasattr(box, "text") and not str(box.element_tag).endswith("::after")]
