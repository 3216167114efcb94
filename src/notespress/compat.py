"""Every use of WeasyPrint's and pydyf's internals, in one place.

Written for WeasyPrint 70 and pydyf 0.13 (both pinned in pyproject.toml). `check()` tells
whether the installed versions are those, and each patch below checks the shape of what it
replaces before it replaces it; tests/test_compat.py fails loudly when either changes, so that
a new release turns into a failing test, not into a silent slowdown or a broken PDF.

What is here, and why:
- `page_box(page)`: the laid-out page's box tree (``Page._page_box``), which preflight and
  the screen pictures walk. WeasyPrint has no public accessor for it.
- `with_section_of(page, other, class)`: a page made from another's boxes with one section
  swapped (``Page(box)``, ``box.copy()``): the pad step puts a cover with new page numbers
  in place of the old one without laying the cover page out again (6 % of a 12-page cold
  build, measured). Checked against a full second layout by tests/test_pad.py.
- `pdf_pages(pdf)`: the page dictionaries of a pydyf PDF, for the editions' finishers
  (WeasyPrint hands finishers the pydyf object, whose page list is a flat Kids array).
- `cached_page_references()`: pydyf 0.13 rebuilds the tuple of every page's reference each
  time ``PDF.page_references`` is read, and WeasyPrint reads it for every link and tagged
  element, so tagging costs pages x elements. Offered upstream as: "cache page_references
  per page count" (reproduction: a 120-page tagged document with one link per paragraph
  spends 0.5 s of a 2.7 s write in that property).
- `flate_level()`: pydyf 0.13 compresses every stream at zlib level 9, 4 times the time of
  level 6 for 3 % fewer bytes. Offered upstream as "let the writer choose the compression
  level" (reproduction: any 100-page document; compare zlib levels 6 and 9 on its streams).
- `screen_picture_hook(make)`: the screen edition puts a resampled copy of each picture in
  the PDF (from its original file, cached between builds) instead of the full picture,
  by wrapping ``RasterImage.get_x_object``. WeasyPrint's own ``dpi`` option resamples the
  decoded picture again at every write, with no cache.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable, Iterator
from typing import Any

WEASYPRINT = "70."
PYDYF = "0.13."
CSS_PX_PER_IN = 96  # WeasyPrint's box geometry is in CSS pixels


def check() -> list[str]:
    """What differs from the versions this module was written for ([] when nothing)."""
    import pydyf
    import weasyprint

    found = []
    if not weasyprint.__version__.startswith(WEASYPRINT):
        found.append(f"WeasyPrint {weasyprint.__version__} (written for {WEASYPRINT}x)")
    if not pydyf.__version__.startswith(PYDYF):
        found.append(f"pydyf {pydyf.__version__} (written for {PYDYF}x)")
    return found


# ------------------------------------------------------------------ the laid-out document


def page_box(page: Any) -> Any:
    """The root box of a laid-out WeasyPrint page."""
    return page._page_box


def walk_boxes(box: Any, ancestors: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """Every box under `box` (itself first), with its ancestors."""
    yield box, ancestors
    for child in getattr(box, "children", None) or ():
        yield from walk_boxes(child, (*ancestors, box))


def with_section_of(page: Any, other: Any, class_name: str) -> Any:
    """`page` with the section of class `class_name` (a child of body) that `other` holds in
    place of its own, as a new WeasyPrint page; None when the two sections do not fill the
    same space or are not where expected. (WeasyPrint has no public way to make a page from
    boxes: ``Page(box)`` is its own constructor.)"""
    from weasyprint.document import Page

    def path_to(root: Any) -> list[Any] | None:
        path = [root]
        for tag in ("html", "body"):
            found = [c for c in path[-1].children if c.element_tag == tag]
            if len(found) != 1:
                return None
            path.append(found[0])
        sections = [c for c in path[-1].children
                    if getattr(c, "element", None) is not None
                    and class_name in (c.element.get("class") or "").split()]
        return [*path, sections[0]] if len(sections) == 1 else None

    old, new = path_to(page_box(page)), path_to(page_box(other))
    if old is None or new is None:
        return None
    place = [(b.position_x, b.position_y, b.margin_width(), b.margin_height())
             for b in (old[-1], new[-1])]
    if place[0] != place[1]:
        return None
    replacement = new[-1]
    for parent, child in zip(reversed(old[:-1]), reversed(old[1:]), strict=True):
        box = parent.copy()  # (not copy_with_children, which changes the old box)
        box.children = [replacement if c is child else c for c in parent.children]
        replacement = box
    return Page(replacement)


# ------------------------------------------------------------------ the PDF being written


def pdf_pages(pdf: Any) -> list[Any]:
    """The page dictionaries of a pydyf PDF, in order (its Kids array is flat: number, 0,
    R for each page)."""
    return [pdf.objects[number] for number in pdf.pages["Kids"][::3]]


class _PageReferences:
    """``pydyf.PDF.page_references``, built once per page count instead of on every read."""

    def __get__(self, pdf: Any, owner: Any = None) -> Any:
        if pdf is None:
            return self
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_notespress_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
            pdf.__dict__["_notespress_page_references"] = cached
        return cached[1]


def page_references_patchable() -> bool:
    """Whether pydyf's `PDF.page_references` is the property that `cached_page_references`
    replaces."""
    import pydyf

    return isinstance(pydyf.PDF.__dict__.get("page_references"), property)


@contextlib.contextmanager
def cached_page_references() -> Iterator[None]:
    """pydyf's page references built once per page count while the block runs."""
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not page_references_patchable():
        raise RuntimeError(f"pydyf {pydyf.__version__}: PDF.page_references is not the "
                           "property notespress.compat was written for")
    pydyf.PDF.page_references = _PageReferences()
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


FLATE_LEVEL = 6  # zlib's own default


class _ZlibAtLevel:
    """zlib as pydyf sees it while writing: its streams compressed at FLATE_LEVEL."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(FLATE_LEVEL, *args, **kwargs)


@contextlib.contextmanager
def flate_level() -> Iterator[None]:
    """pydyf's streams compressed at zlib's level 6 while the block runs."""
    import pydyf

    if getattr(pydyf, "zlib", None) is not zlib:
        raise RuntimeError(f"pydyf {pydyf.__version__} no longer compresses through its "
                           "module-level zlib: notespress.compat needs a look")
    pydyf.zlib = _ZlibAtLevel()
    try:
        yield
    finally:
        pydyf.zlib = zlib


@contextlib.contextmanager
def writing_faster() -> Iterator[None]:
    """Both pydyf fixes above, while a PDF is written."""
    with cached_page_references(), flate_level():
        yield


# A picture as it goes into the PDF: (data, PDF filter, (width, height), Pillow mode)
XObjectData = tuple[bytes, str, tuple[int, int], str]


@contextlib.contextmanager
def screen_picture_hook(make: Callable[[Any], XObjectData | None]) -> Iterator[None]:
    """While the block runs, each raster picture written to a PDF is `make(image)` (given
    WeasyPrint's image object, with .id, .width, .height, .mode, .format), or the picture as
    WeasyPrint would write it when `make` returns None."""
    import inspect

    import pydyf
    from weasyprint.images import RasterImage

    original = RasterImage.get_x_object
    if list(inspect.signature(original).parameters) != ["self", "interpolate", "dpi_ratio"]:
        raise RuntimeError("WeasyPrint's RasterImage.get_x_object changed: notespress.compat "
                           "needs a look")

    def get_x_object(image: Any, interpolate: bool, dpi_ratio: float) -> Any:
        made = make(image)
        if made is None:
            return original(image, interpolate, dpi_ratio)
        data, filters, (width, height), mode = made
        return pydyf.Stream([data], pydyf.Dictionary({
            "Type": "/XObject", "Subtype": "/Image", "Width": width, "Height": height,
            "ColorSpace": "/DeviceGray" if mode == "L" else "/DeviceRGB",
            "BitsPerComponent": 8, "Interpolate": "true" if interpolate else "false",
            "Filter": filters}))

    RasterImage.get_x_object = get_x_object
    try:
        yield
    finally:
        RasterImage.get_x_object = original
