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
import dataclasses
import zlib
from collections import OrderedDict
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


def section_of(ancestors: tuple[Any, ...], box: Any = None) -> str | None:
    """The id of the article (or 'platform') a box belongs to."""
    for node in (box, *reversed(ancestors)):
        element = getattr(node, "element", None)
        if element is None:
            continue
        classes = (element.get("class") or "").split()
        if "article" in classes or "platform" in classes:
            return element.get("id")
    return None


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


# ------------------------------------------------------------------ even lines

LOOSE_EM = 0.34  # a justified line whose spaces are stretched by more than this is loose
EVEN_EM = 0.25  # a mended pair of lines stretched no more than this is good enough
HOLD = 4  # lines kept back to mend a loose line with
CODE_LOOSE_EM = 0.5  # a line holding code stretched more than this is set ragged instead
LINES_KEPT = 3000  # lines laid out kept to be copied when asked for again (about 10 pages)
TRACK_EM = 0.018  # the most letter spacing a loose line may take, per letter
EVEN_SPACE_EM = 0.26  # what a loose line's spaces keep of their stretch when it is tracked


@dataclasses.dataclass
class _Held:
    """A line laid out (and kept back while the lines after it are planned): how it was laid
    out (from `skip`, as the paragraph's `first` line or not, without automatic hyphens, to a
    narrower `width`), and the automatic hyphens ending the lines before it."""

    line: Any
    resume_at: Any
    y: float
    skip: Any
    first: bool
    run: int = 0
    no_hyphen: bool = False
    width: float | None = None


@dataclasses.dataclass(frozen=True)
class _Step:
    """One line of a paragraph's plan: how to lay it out, and where the next one starts."""

    skip: Any
    first: bool
    no_hyphen: bool
    width: float | None
    resume: str  # repr of where the line after it starts ('None': the paragraph's last)


class _EvenLines:
    """What `even_lines` changes while it runs: whether the line being laid out may be
    hyphenated."""

    def __init__(self) -> None:
        self.no_hyphen = False


def _last_box(line: Any) -> Any:
    box = line
    while getattr(box, "children", None):
        box = box.children[-1]
    return box


def line_hyphenated(line: Any) -> bool:
    """Whether a laid-out line ends with a hyphen (an automatic one, or a word's own)."""
    text = getattr(_last_box(line), "text", "") or ""
    return text.rstrip(" ").endswith(("\u2010", "-", "\u00ad"))


def _auto_hyphenated(line: Any) -> bool:
    box = _last_box(line)
    text = getattr(box, "text", "") or ""
    style = getattr(box, "style", None)
    mark = style["hyphenate_character"] if style is not None else "\u2010"
    return bool(mark) and text.endswith(mark)


def _stretch(line: Any) -> float:
    """How much a justified line's spaces were stretched, in ems of its text (before any
    tracking)."""
    known = getattr(line, "notespress_stretch", None)
    if known is not None:
        return float(known)
    stack = [line]
    while stack:
        box = stack.pop()
        spacing = getattr(box, "justification_spacing", 0) or 0
        if spacing and getattr(box, "text", None) is not None:
            return spacing / (box.style["font_size"] or 1)
        stack.extend(reversed(getattr(box, "children", None) or ()))
    return 0.0


def _natural_width(line: Any) -> float:
    """A justified line's width without what justification added to its spaces."""
    added = 0.0
    stack = [line]
    while stack:
        box = stack.pop()
        text = getattr(box, "text", None)
        if text is not None:
            added += (getattr(box, "justification_spacing", 0) or 0) * (
                text.count(" ") + text.count("\u00a0"))
        else:
            stack.extend(getattr(box, "children", None) or ())
    return line.width - added


def _text_boxes(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", None) or ():
        if getattr(child, "text", None) is not None:
            yield child
        elif type(child).__name__ in ("InlineBox", "LineBox"):
            yield from _text_boxes(child)


def _holds_code(box: Any) -> bool:
    """Whether a line holds inline code (whose spaces justification does not stretch)."""
    for child in getattr(box, "children", None) or ():
        element_tag = getattr(child, "element_tag", "")
        if element_tag == "code" or (type(child).__name__ == "InlineBox"
                                     and _holds_code(child)):
            return True
    return False


def _track(line: Any) -> None:
    """Give a loose justified line's spaces back some of their stretch, as letter spacing
    of at most TRACK_EM (as typesetters track a loose line a little rather than leave
    rivers in it). Each text box is laid out again by Pango at its new spacing, and the
    boxes after it move by what it grew or shrank."""
    from weasyprint.text.line_break import create_layout, line_size

    texts = list(_text_boxes(line))
    if not texts:
        return
    line.notespress_stretch = _stretch(line)
    size = texts[0].style["font_size"] or 1
    spacing = max((getattr(t, "justification_spacing", 0) or 0) for t in texts)
    spaces = sum(t.text.count(" ") + t.text.count("\u00a0") for t in texts)
    letters = sum(len(t.text) for t in texts) - 1
    if spaces < 2 or letters < 10 or spacing <= EVEN_SPACE_EM * size:
        return
    moved = (spacing - EVEN_SPACE_EM * size) * spaces
    tracking = min(moved / letters, TRACK_EM * size)
    new_spacing = spacing - tracking * letters / spaces
    if any(t.style["letter_spacing"] not in ("normal", 0) for t in texts):
        return  # already letter-spaced (small capitals, a label): left as it is

    def retrack(box: Any, shift: float) -> float:
        box.position_x += shift
        if getattr(box, "text", None) is not None:
            style = box.style.copy()
            style["letter_spacing"] = tracking
            layout = create_layout(box.text, style, None, None, new_spacing)
            width, _ = line_size(layout.get_first_line()[0], style)
            width += new_spacing * (box.text.count(" ") + box.text.count("\u00a0"))
            layout.deactivate()
            shift += width - box.width
            box.width, box.style, box.pango_layout = width, style, layout
            box.justification_spacing = new_spacing
            return shift
        if type(box).__name__ == "InlineBox":
            start = shift
            for child in box.children:
                shift = retrack(child, shift)
            box.width += shift - start
            return shift
        box.translate(shift, 0)
        box.position_x -= shift  # (translate moved it already)
        return shift

    shift = 0.0
    for child in line.children:
        shift = retrack(child, shift)


# Generated content that changes from one layout pass to the next (page numbers, the
# pages of links' targets, leaders): a line holding it is laid out anew each time.
PASSING = ("target-counter()", "target-counters()", "target-text()", "leader()")


def _can_lay_out_again(box: Any) -> bool:
    """Whether a paragraph's lines can be laid out and thrown away, and kept to serve again:
    nothing in it is placed out of the flow (floats, positioned boxes), which laying out a
    line registers, and no generated content in it changes between layout passes."""
    for child in box.descendants():
        style = getattr(child, "style", None)
        if style is None:
            continue
        if style["position"] in ("absolute", "fixed") or style["float"] not in (
                "none", "footnote"):
            return False
        content = style["content"] if (child.element_tag or "").endswith(
            ("::before", "::after", "::marker")) else "normal"
        if isinstance(content, tuple) and any(
                token[0] in PASSING or (token[0] in ("counter()", "counters()")
                                        and token[1][0] in ("page", "pages"))
                for token in content):
            return False
    return True


@contextlib.contextmanager
def even_lines(ladder: int = 2, avoid_turns: bool = True) -> Iterator[None]:
    """While the block runs, WeasyPrint (which breaks a paragraph's lines one at a time,
    each as full as it can be) breaks them with these rules on top of its own:
    - at most `ladder` lines in a row end with an automatic hyphen (0: no limit): the line
      after them is laid out without hyphenating;
    - a paragraph's second-last line is not hyphenated when its last line still holds what
      is left without the hyphen;
    - with `avoid_turns`, the last line that fits in a column or a page is not hyphenated,
      so that no word is cut across a column or a page turn (its line is set looser);
    - a loose justified line (spaces stretched by more than LOOSE_EM) is laid out again
      with the line before it ending one word (or one hyphenation point) earlier, and the
      pair that is the more even of the two is kept.
    It replaces the line iterator the block layout uses (``layout.block.iter_line_boxes``)
    and the first-line splitter the inline layout uses (``layout.inline.split_first_line``),
    each checked for its shape first. A paragraph with floats or positioned boxes in it is
    left to WeasyPrint's own iterator."""
    import inspect

    from weasyprint.layout import block, inline

    shape = ["context", "box", "position_y", "bottom_space", "skip_stack", "containing_block",
             "absolute_boxes", "fixed_boxes", "first_letter_style", "first_line_style"]
    if (list(inspect.signature(block.iter_line_boxes).parameters) != shape
            or list(inspect.signature(inline.get_next_linebox).parameters) != [
                "context", "linebox", *shape[2:]]
            or list(inspect.signature(inline.split_first_line).parameters)[:4] != [
                "text", "style", "context", "max_width"]
            or list(inspect.signature(inline.text_align).parameters) != [
                "context", "line", "available_width", "last"]):
        raise RuntimeError("WeasyPrint's line layout changed: notespress.compat.even_lines "
                           "needs a look")
    state = _EvenLines()
    simple: dict[int, tuple[Any, bool]] = {}  # paragraphs whose lines may be laid out again
    original_split = inline.split_first_line
    original_iter = block.iter_line_boxes

    def split_first_line(text: str, style: Any, *args: Any, **kwargs: Any) -> Any:
        if state.no_hyphen and style["hyphens"] == "auto":
            style["hyphens"] = "manual"
            try:
                return original_split(text, style, *args, **kwargs)
            finally:
                style["hyphens"] = "auto"
        return original_split(text, style, *args, **kwargs)

    def iter_line_boxes(context: Any, box: Any, position_y: float, bottom_space: float,
                        skip_stack: Any, containing_block: Any, absolute_boxes: list[Any],
                        fixed_boxes: list[Any], first_letter_style: Any,
                        first_line_style: Any) -> Iterator[tuple[Any, Any]]:
        if id(box) not in simple:  # (code, its lines as written, has nothing to even)
            simple[id(box)] = (box, box.style["white_space"] not in ("pre", "pre-wrap")
                               and _can_lay_out_again(box))
        if context.excluded_shapes or not simple[id(box)][1]:
            yield from original_iter(context, box, position_y, bottom_space, skip_stack,
                                     containing_block, absolute_boxes, fixed_boxes,
                                     first_letter_style, first_line_style)
            return
        inline.resolve_percentages(box, containing_block)
        if skip_stack is None:
            inline.resolve_one_percentage(box, "text_indent", containing_block.width)
        else:
            box.text_indent = 0
        paragraph = _Paragraph(context, box, bottom_space, containing_block,
                               (first_letter_style, first_line_style, box.text_indent))
        yield from paragraph.lines(position_y, skip_stack)

    # Each paragraph's lines are planned once for a column's width and a place to start
    # from (the rules above need the lines after a line, and WeasyPrint lays a paragraph out
    # again and again while it balances columns and breaks pages), then laid out as the
    # block layout asks for them, one at a time. Each entry holds its paragraph's box, so
    # that no other box takes its id while the layout runs.
    plans: dict[tuple[Any, ...], tuple[Any, list[_Step]]] = {}
    # And each line, once laid out from a place with given rules: a copy of it serves when
    # the same line is asked for again (Pango is not asked to set the same text twice).
    # Only the lines of the last LINES_KEPT are kept: a paragraph is laid out again while its
    # page is made, not pages later (keeping them all held 80 MB more at 92 pages).
    laid: OrderedDict[tuple[Any, ...], tuple[Any, Any, Any, float]] = OrderedDict()

    class _Paragraph:
        """The lines of one paragraph, from where the layout resumes, by the rules above."""

        def __init__(self, context: Any, box: Any, bottom_space: float,
                     containing_block: Any, first: tuple[Any, Any, float]) -> None:
            self.context, self.box, self.bottom_space = context, box, bottom_space
            self.block = containing_block
            self.first = first  # first-letter and first-line styles, indent
            self.mendable = (containing_block.style["direction"] == "ltr"
                             and box.style["text_align_all"] == "justify")

        def lay(self, y: float, skip: Any, first: bool, no_hyphen: bool,
                width: float | None = None, ragged: bool = False) -> _Held:
            """One line from `skip` at `y` (the paragraph's first with `first`), without
            automatic hyphens with `no_hyphen`, and broken to fit `width` (then justified
            to the column's width) when given; with `ragged`, not justified (a line that
            holds code and would be loose: code's spaces do not stretch, so the few spaces
            around it took all the stretch)."""
            box, block_box = self.box, self.block
            if ragged:
                width = block_box.width
            key = (id(box), block_box.width, repr(skip), first, no_hyphen, width, ragged)
            known = laid.get(key)
            if known is not None:  # the same line, laid out before: a copy, moved here
                line = known[1].deepcopy()
                line.translate(block_box.content_box_x() - known[3], y - line.position_y)
                return _Held(line, known[2], y, skip, first, 0, no_hyphen, width)
            letter, line_style, indent = self.first if first else (None, None, 0)
            box.text_indent = indent
            saved = (block_box.width, box.style["text_align_all"], box.style["text_align_last"])
            before = state.no_hyphen
            state.no_hyphen = no_hyphen
            if width is not None:
                block_box.width = width
                box.style["text_align_all"] = box.style["text_align_last"] = "start"
            try:
                line, resume_at = inline.get_next_linebox(
                    self.context, box, y, self.bottom_space, skip, block_box, [], [],
                    letter, line_style)
            finally:
                state.no_hyphen = before
                block_box.width = saved[0]
                box.style["text_align_all"], box.style["text_align_last"] = saved[1:]
            if line is not None and width is not None and not ragged:
                inline.text_align(self.context, line, block_box.width, resume_at is None)
            if line is not None and not ragged and self.mendable and resume_at is not None \
                    and _stretch(line) > CODE_LOOSE_EM and _holds_code(line):
                return self.lay(y, skip, first, no_hyphen, ragged=True)
            if line is not None:
                inline.handle_leader(self.context, line, block_box)
                if self.mendable and resume_at is not None and _stretch(line) > LOOSE_EM:
                    _track(line)  # (still loose if given as it is: see `finish`)
                laid[key] = (box, line.deepcopy(), resume_at, block_box.content_box_x())
                if len(laid) > LINES_KEPT:
                    laid.popitem(last=False)
            return _Held(line, resume_at, y, skip, first, 0, no_hyphen, width)

        def lines(self, y: float, skip: Any) -> Iterator[tuple[Any, Any]]:
            """The lines as the plan says, laid out one at a time as they are asked for (the
            lines just planned are given as they are); the last line that fits a column or a
            page laid out again without its hyphen."""
            first = skip is None
            if not HOLD:
                yield from self.lazy(y, skip, first)
                return
            while True:
                steps, fresh = self.plan(y, skip, first)
                if not steps:
                    return
                for index, step in enumerate(steps):
                    done = fresh[index] if fresh is not None else self.lay(
                        y, step.skip, step.first, step.no_hyphen, step.width)
                    if done.line is None:
                        return
                    turned = self.at_turn(done)
                    if turned is not None:
                        done = turned
                    yield self.finish(done)
                    if done.resume_at is None:
                        return
                    y = done.line.position_y + done.line.height
                    if turned is not None or repr(done.resume_at) != step.resume:
                        skip, first = done.resume_at, False  # a plan from there
                        break
                else:
                    return

        def lazy(self, y: float, skip: Any, first: bool) -> Iterator[tuple[Any, Any]]:
            """The lines one at a time, as the block layout asks for them, by the rules but
            for mending loose lines (which needs lines kept back): a loose line is only
            tracked."""
            run = 0
            ahead: _Held | None = None
            while True:
                current = ahead or self.lay(y, skip, first, bool(ladder) and run >= ladder)
                ahead = None
                if current.line is None:
                    return
                if current.resume_at is not None and _auto_hyphenated(current.line):
                    current, ahead = self.unhyphenate(current, run + 1 >= ladder > 0)
                    turned = self.at_turn(current)
                    if turned is not None:
                        current, ahead = turned, None
                yield self.finish(current)
                if current.resume_at is None:
                    return
                run = run + 1 if _auto_hyphenated(current.line) else 0
                y = current.line.position_y + current.line.height
                skip, first = current.resume_at, False

        def at_turn(self, done: _Held) -> _Held | None:
            """The line without its hyphen when it is the last that fits in its column or
            on its page (and that line breaks without one), else None."""
            if not (avoid_turns and done.resume_at is not None
                    and _auto_hyphenated(done.line)):
                return None
            bottom = done.line.position_y + done.line.height
            if not self.context.overflows_page(self.bottom_space, bottom + done.line.height):
                return None
            plain = self.lay(done.y, done.skip, done.first, True, done.width)
            if plain.line is None or plain.resume_at is None or _auto_hyphenated(plain.line):
                return None
            return plain

        def plan(self, y: float, skip: Any, first: bool
                 ) -> tuple[list[_Step], list[_Held] | None]:
            """The paragraph's lines from `skip` on, by the rules (but for the turns, which
            depend on where the lines fall): planned once, and kept for every place the plan
            passes through. When planned now, the lines laid out for it (at `y`) too."""
            key = (id(self.box), self.block.width, repr(skip), first)
            if key in plans:
                return plans[key][1], None
            held = list(self.planned(y, skip, first))
            steps = [_Step(h.skip, h.first, h.no_hyphen, h.width, repr(h.resume_at))
                     for h in held]
            for index, h in enumerate(held):
                plans.setdefault((id(self.box), self.block.width, repr(h.skip), h.first),
                                 (self.box, steps[index:]))
            return steps, held

        def planned(self, y: float, skip: Any, first: bool) -> Iterator[_Held]:
            """The paragraph's lines from `skip` on, by the rules: each kept back until
            the lines after it are known, so that a loose line can be mended with the ones
            before it."""
            run = 0  # automatic hyphens ending the lines before this one
            held: list[_Held] = []  # the lines kept back, at most HOLD of them
            ahead: _Held | None = None
            while True:
                no_hyphen = bool(ladder) and run >= ladder
                current = ahead or self.lay(y, skip, first, no_hyphen)
                ahead = None
                if current.line is None:
                    break
                current.run = run
                if current.resume_at is not None and _auto_hyphenated(current.line):
                    current, ahead = self.unhyphenate(current, run + 1 >= ladder > 0)
                    current.run = run
                if (held and current.resume_at is not None and self.mendable
                        and _stretch(current.line) > LOOSE_EM):
                    mended = self.mend(held, current)
                    if mended is not None:
                        keep, lines = mended
                        held = held[:keep] + lines[:-1]
                        current = lines[-1]
                        ahead = None
                held.append(current)
                run = current.run + 1 if _auto_hyphenated(current.line) else 0
                while len(held) > HOLD:
                    yield held.pop(0)
                if current.resume_at is None:
                    break
                y = current.line.position_y + current.line.height
                skip, first = current.resume_at, False
            yield from held

        def finish(self, done: _Held) -> tuple[Any, Any]:
            """A line as it is given to the block layout (a loose one was tracked when it
            was laid out: a little of its spaces' stretch went into letter spacing)."""
            return done.line, done.resume_at

        def unhyphenate(self, line: _Held, next_no_hyphen: bool
                        ) -> tuple[_Held, _Held | None]:
            """A hyphenated line, or the same line without its hyphen when it is the
            paragraph's second-last and what is left still makes one line; and the line
            after it when it was laid out on the way."""
            bottom = line.line.position_y + line.line.height
            following = self.lay(bottom, line.resume_at, False, next_no_hyphen)
            if following.line is None or following.resume_at is not None:
                return line, following
            plain = self.lay(line.y, line.skip, line.first, True)
            if plain.line is None or plain.resume_at is None or _auto_hyphenated(plain.line):
                return line, following
            rest = self.lay(plain.line.position_y + plain.line.height, plain.resume_at,
                            False, False)
            if rest.line is not None and rest.resume_at is None:  # still one line
                return plain, rest
            return line, following

        def mend(self, held: list[_Held], loose: _Held) -> tuple[int, list[_Held]] | None:
            """The lines from one to HOLD lines back laid out again, the first of them
            broken one word (or hyphenation point) earlier, down to the loose line: (how many
            of the held lines stay, the new lines) when they are more even."""
            best: tuple[float, int, list[_Held]] | None = None
            for back in range(1, min(len(held), HOLD) + 1):
                old = [*held[-back:], loose]
                worst = max(_stretch(h.line) for h in old)
                base = held[-back]
                no_hyphen = bool(ladder) and base.run >= ladder
                first = self.lay(base.y, base.skip, base.first, no_hyphen,
                                 _natural_width(base.line) - 1)
                if first.line is None or first.resume_at is None or \
                        first.line.height != base.line.height:
                    continue
                first.run = base.run
                new = [first]
                while len(new) < len(old) and new[-1].resume_at is not None:
                    last = new[-1]
                    run = last.run + 1 if _auto_hyphenated(last.line) else 0
                    line = self.lay(last.line.position_y + last.line.height, last.resume_at,
                                    False, bool(ladder) and run >= ladder)
                    if line.line is None:
                        break
                    line.run = run
                    new.append(line)
                if len(new) < len(old) or any(h.resume_at is None for h in new[:-1]):
                    continue
                if ladder and any(_auto_hyphenated(h.line) and h.run >= ladder for h in new):
                    continue
                ending = new[-1]
                if ending.resume_at is None and len(new) > 1 and _auto_hyphenated(
                        new[-2].line):
                    continue  # a hyphen in the second-last line
                if ending.resume_at is not None and _auto_hyphenated(ending.line) and \
                        not _auto_hyphenated(loose.line):
                    continue  # (a hyphen where the rules above took one away)
                if any(h.line.height != o.line.height for h, o in zip(new, old, strict=True)):
                    continue
                measured = [h for h in new if h.resume_at is not None]
                value = max((_stretch(h.line) for h in measured), default=0.0)
                if value < worst - 0.02 and (best is None or value < best[0]):
                    best = (value, len(held) - back, new)
                    if value <= EVEN_EM:
                        break
            return None if best is None else (best[1], best[2])

    inline.split_first_line = split_first_line
    block.iter_line_boxes = iter_line_boxes
    try:
        yield
    finally:
        inline.split_first_line = original_split
        block.iter_line_boxes = original_iter


# ------------------------------------------------------------------ column tops


def lift_column_tops(document: Any) -> int:
    """Take away the space above a block that opens a column (a subhead's, a figure's):
    WeasyPrint (70) truncates such a margin at the top of a page but keeps it at the top of
    a column, so that the column would start lower than its neighbour. The column's boxes
    are moved up by it (the column ends that much higher). Returns how many were lifted."""
    lifted = 0
    for page in document.pages:
        root = page_box(page)
        stack = [root]
        while stack:
            box = stack.pop()
            if getattr(box, "is_column", False):
                lifted += _lift_column(box, root)
            elif type(box).__name__ not in ("LineBox", "TextBox", "InlineBox"):
                stack.extend(getattr(box, "children", None) or ())
    return lifted


def _lift_column(column: Any, page: Any) -> int:
    children = [c for c in column.children if type(c).__name__ not in (
        "AbsolutePlaceholder", "LineBox")]
    if not children:
        return 0
    first = children[0]
    space = first.margin_top or 0
    if space <= 0 or abs(first.position_y - column.content_box_y()) > 0.5:
        return 0
    moved: set[int] = set()
    for child in children:
        _translate_once(child, -space, moved)
    first.position_y += space
    first.margin_top = 0
    for child in children:  # their backgrounds were placed where the boxes were
        _place_backgrounds_again(page, child)
    return 1


def _place_backgrounds_again(page: Any, box: Any) -> None:
    """WeasyPrint places backgrounds (colours, pictures, their painting areas) when a page is
    laid out, in page coordinates: after boxes are moved, they are placed again, with the
    pictures already fetched."""
    from weasyprint.layout.background import layout_box_backgrounds

    images: dict[Any, Any] = {}
    for found, _ in walk_boxes(box):
        background = getattr(found, "background", None)
        if background is None:
            continue
        for (kind, value), layer in zip(found.style["background_image"], background.layers,
                                        strict=False):
            if kind == "url":
                images[value] = layer.image

    def fetched(url: Any = None, orientation: Any = None, **_: Any) -> Any:
        return images.get(url)

    layout_box_backgrounds(page, box, fetched)


def _translate_once(box: Any, dy: float, moved: set[int]) -> None:
    """``Box.translate(dy=dy)``, but each box moved once: a laid-out tree can hold the same
    box under two parents (after WeasyPrint lays a block out again to avoid a break inside
    it), and ``translate`` would move it twice."""
    stack = [box]
    while stack:
        current = stack.pop()
        if id(current) in moved:
            continue
        moved.add(id(current))
        current.position_y += dy
        stack.extend(current.all_children() if hasattr(current, "all_children") else ())
