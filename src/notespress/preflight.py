"""`notespress check`: what a print shop would find, found before printing.

Two sources are read: the laid-out document (WeasyPrint's boxes: where every line, heading and
picture ended up) and the finished PDFs (fonts, text, page counts, qpdf). Each finding names
the article (its file) and the page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .compat import CSS_PX_PER_IN, page_box, section_of, walk_boxes
from .errors import Problem, display_path
from .glyphs import coverage, needs_glyph

if TYPE_CHECKING:
    from .config import Publication
    from .content import Assembled, Issue
    from .render import LaidOut

MIN_DPI = 150
SAFE_INSET_PT = 18.0  # home printers cannot print the outer quarter inch
PT_PER_PX = 0.75


@dataclass(frozen=True)
class Finding:
    severity: Literal["error", "warning", "note"]  # a note: the typography report
    rule: str
    message: str
    path: str | None = None  # the article (or other source) the problem is in
    page: int | None = None

    def __str__(self) -> str:
        where = self.path or "issue"
        if self.page is not None:
            where += f": page {self.page}"
        return f"{where}: {self.severity}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_problem(self) -> Problem:
        """The finding as a Problem, printed as one line like any other (file:line or the
        file, then the page)."""
        path, line = self.path, None
        if path and ":" in path and path.rsplit(":", 1)[1].isdigit():
            path, number = path.rsplit(":", 1)
            line = int(number)
        where = f"page {self.page}: " if self.page is not None else ""
        return Problem(Path(path) if path else None, f"{where}{self.message} [{self.rule}]",
                       line, severity="error" if self.severity == "error" else "warning")


# ------------------------------------------------------------------ running every rule


def run_preflight(pub: Publication, issue: Issue, assembled: Assembled, laid_out: LaidOut,
                  outputs: dict[str, Path]) -> list[Finding]:
    """Every preflight rule, on the laid-out document and the finished editions (by kind:
    print, screen, booklet...), errors first."""
    from .build import font_dirs

    platform = assembled.platform
    sections = section_paths(issue, platform.path if platform else None)
    images = {ref.path.as_uri(): (ref.width, ref.height)
              for article in issue.articles for ref in article.images}
    context = Context(root=pub.root, sections=sections, fonts=font_coverage(font_dirs(pub.root)),
                      image_px=images)
    findings = check_layout(laid_out.document, context)
    if platform is not None and platform.lang != issue.lang:
        findings.append(Finding("warning", "platform-language",
                                f"no platform in '{issue.lang}': the '{platform.lang}' platform "
                                f"is printed (add {issue.lang}: platform/{issue.lang}.md under "
                                "platform in notespress.yaml)", sections.get("platform")))
    html_sections = [(a.slug, sections[a.slug], a.html) for a in issue.articles]
    if platform:
        html_sections.append(("platform", sections["platform"], platform.html))
    main = outputs.get("print") or outputs.get("screen")
    if main is not None:
        findings += check_text(main, html_sections)
    for kind, path in outputs.items():
        if path.suffix == ".pdf":
            findings += check_fonts(path, kind)
            findings += check_qpdf(path, kind)
    findings += check_page_counts(outputs, laid_out.pages)
    findings += markup_findings(issue.warnings)
    order = {"error": 0, "warning": 1}
    findings = sorted(findings, key=lambda f: (order.get(f.severity, 2), f.page or 0))
    return findings + typography(laid_out, outputs, sections)


def typography(laid_out: LaidOut, outputs: dict[str, Path], sections: dict[str, str]
               ) -> list[Finding]:
    """The typography report (typeset_report.py), from the screen edition's words (or the
    print edition's, past its bleed and marks)."""
    from .typeset_report import typography_findings

    if "screen" in outputs:
        return typography_findings(laid_out.document, outputs["screen"], sections)
    if "print" in outputs:
        bleed = page_box(laid_out.document.pages[0]).bleed.get("left", 0) * PT_PER_PX
        return typography_findings(laid_out.document, outputs["print"], sections, bleed)
    return []


# ------------------------------------------------------------------ walking the layout


def _bleeds(ancestors: tuple[Any, ...]) -> bool:
    """Whether a box is inside an element the layouts run off the page on purpose (class
    "bleed": the cover picture)."""
    return any("bleed" in ((getattr(a, "element", None) is not None
                            and a.element.get("class")) or "").split() for a in ancestors)


def _in_margin(ancestors: tuple[Any, ...]) -> bool:
    return any(type(a).__name__ in ("MarginBox", "FootnoteAreaBox") for a in ancestors)


@dataclass
class Context:
    root: Path  # the workspace: pictures' addresses are relative to it in the layout
    sections: dict[str, str]  # section id -> display path of its source
    fonts: frozenset[int]  # code points the fonts in fonts/ cover
    image_px: dict[str, tuple[int, int]]  # file URI -> pixel size


def check_layout(document: Any, ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    missing: dict[str, tuple[str | None, int]] = {}
    fragments: list[tuple[Any, int, int, str | None]] = []  # element, page, lines, where
    for number, page in enumerate(document.pages, start=1):
        root_box = page_box(page)
        content = (root_box.content_box_x(), root_box.content_box_y(),
                   root_box.content_box_x() + root_box.width,
                   root_box.content_box_y() + root_box.height)
        trim = (0.0, 0.0, root_box.margin_width(), root_box.margin_height())
        safe = tuple(v + s * SAFE_INSET_PT / PT_PER_PX
                     for v, s in zip(trim, (1, 1, -1, -1), strict=True))
        blocks: list[tuple[Any, tuple[Any, ...]]] = []
        for box, ancestors in walk_boxes(root_box):
            kind = type(box).__name__
            section = section_of(ancestors, box)
            where = ctx.sections.get(section or "", None)
            if kind == "TextBox":
                for char in set(box.text):
                    if ord(char) not in ctx.fonts and needs_glyph(char):
                        missing.setdefault(char, (where, number))
                if not _inside((box.position_x, box.position_y,
                                box.position_x + box.width, box.position_y + box.height),
                               safe):
                    findings.append(Finding(
                        "error", "outside-safe-area",
                        f"text '{box.text.strip()[:30]}' is outside the safe area (closer "
                        "than 1/4 in to the trim)", where, number))
            elif kind in ("BlockReplacedBox", "InlineReplacedBox"):
                findings += _check_image(box, ancestors, where, number, ctx, trim)
            elif kind == "TableBox" and not _in_margin(ancestors):
                container = next((a for a in reversed(ancestors)
                                  if type(a).__name__ == "BlockBox"
                                  and not getattr(a, "is_table_wrapper", False)), None)
                if container is not None:
                    right = container.content_box_x() + container.width
                    over = box.position_x + box.margin_width() - right
                    if over > OVERFLOW_TOLERANCE:
                        findings.append(Finding(
                            "error", "overflow", f"a table is wider than its column by "
                            f"{over * PT_PER_PX:.0f}pt: it prints over what is beside it",
                            where, number))
            elif kind == "LineBox" and not _in_margin(ancestors) and ancestors:
                parent = ancestors[-1]  # (a hanging indent sets text in its padding)
                left = parent.padding_box_x()
                right = left + parent.padding_width()
                low, high = _extent(box)
                over = max(high - right, left - low)
                if over > OVERFLOW_TOLERANCE:
                    findings.append(Finding(
                        "error", "overflow",
                        f"a line overflows its column by {over * PT_PER_PX:.0f}pt "
                        f"('{_text_of(box)[:40]}')", where, number))
            if kind in ("BlockBox", "BlockReplacedBox", "TableBox") and not _in_margin(
                    ancestors) and _is_leaf_block(box):
                blocks.append((box, ancestors))
        findings += _check_breaks(blocks, content, number, ctx)
        for box, ancestors in blocks:
            if box.element_tag == "p" and box.element is not None:
                lines = sum(1 for c in box.children if type(c).__name__ == "LineBox")
                where = ctx.sections.get(section_of(ancestors, box) or "")
                fragments.append((box.element, number, lines, where))
    findings += _check_widows(fragments)
    for char, (where, number) in missing.items():
        findings.append(Finding(
            "error", "missing-glyph",
            f"no font in fonts/ has '{char}' (U+{ord(char):04X} "
            f"{unicodedata.name(char, 'unnamed')}): it prints as an empty box", where, number))
    return findings


OVERFLOW_TOLERANCE = 4  # px (3pt): less is no ink past the column, only a space or rounding
ATOMS = ("TextBox", "InlineReplacedBox", "InlineBlockBox", "InlineFlexBox")


def _extent(line: Any) -> tuple[float, float]:
    """Where a line's text and atoms (pictures, inline blocks) really are, left and right.
    Not its inline boxes': WeasyPrint 70 leaves some of those (a leader in a right-to-left
    line) where the line would start, far from their content."""
    low, high = float("inf"), float("-inf")
    stack = list(line.children)
    while stack:
        box = stack.pop()
        if type(box).__name__ in ATOMS:
            right = box.position_x + box.margin_width()
            if type(box).__name__ == "TextBox":
                if not box.text.strip():
                    continue
                # spaces kept at the end of a line of code hang: no ink there
                trailing = len(box.text) - len(box.text.rstrip(" "))
                right -= trailing * box.style["font_size"] * 0.6
            low = min(low, box.position_x)
            high = max(high, right)
        else:
            stack.extend(getattr(box, "children", None) or ())
    if low == float("inf"):
        return line.position_x, line.position_x
    return low, high


def _inside(rect: tuple[float, ...], area: tuple[float, ...]) -> bool:
    return (rect[0] >= area[0] - 0.5 and rect[1] >= area[1] - 0.5
            and rect[2] <= area[2] + 0.5 and rect[3] <= area[3] + 0.5)


def _text_of(box: Any) -> str:
    return "".join(getattr(b, "text", "") for b, _ in walk_boxes(box))


def _is_leaf_block(box: Any) -> bool:
    tag = getattr(box, "element_tag", "")
    return tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "table", "blockquote",
                   "aside", "li")


def _check_image(box: Any, ancestors: tuple[Any, ...], where: str | None, number: int,
                 ctx: Context, trim: tuple[float, ...]) -> list[Finding]:
    findings: list[Finding] = []
    from .render import real_uri

    element = getattr(box, "element", None)
    src = real_uri(element.get("src", "") if element is not None else "", ctx.root)
    name = src.rsplit("/", 1)[-1]
    pixels = ctx.image_px.get(src)
    width_in = box.width / CSS_PX_PER_IN
    if pixels and width_in > 0:
        dpi = pixels[0] / width_in
        if dpi < MIN_DPI:
            findings.append(Finding(
                "warning", "low-resolution",
                f"image '{name}' prints at {dpi:.0f} dpi ({pixels[0]} px over {width_in:.2f} "
                f"in); {MIN_DPI} dpi or more looks sharp", where, number))
    quality = _jpeg_quality(src)
    if quality is not None and quality < 50:
        findings.append(Finding(
            "warning", "over-compressed",
            f"image '{name}' is a JPEG saved at about quality {quality}: blocks and halos "
            "will show in print; use the original or save at 75 or more", where, number))
    rect = (box.position_x, box.position_y, box.position_x + box.width,
            box.position_y + box.height)
    if not _inside(rect, trim) and not _bleeds(ancestors):
        findings.append(Finding("error", "outside-trim", f"image '{name}' runs off the page",
                                where, number))
    parent = next((a for a in reversed(ancestors) if type(a).__name__ == "BlockBox"), None)
    if parent is not None and box.width > parent.width + 1 and not _bleeds(ancestors):
        findings.append(Finding("error", "overflow", f"image '{name}' is wider than its column",
                                where, number))
    return findings


STANDARD_LUMA = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16,
                 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109,
                 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
                 72, 92, 95, 98, 112, 100, 103, 99]


@cache
def _jpeg_quality(src: str) -> int | None:
    """An estimate of the quality a JPEG was saved at, from its luminance table."""
    if not src.startswith("file:") or not src.lower().endswith((".jpg", ".jpeg")):
        return None
    from urllib.request import url2pathname

    from PIL import Image

    try:
        with Image.open(url2pathname(src[5:])) as img:
            table = getattr(img, "quantization", None) or {}
    except OSError:
        return None
    luma = table.get(0)
    if not luma:
        return None
    scale = 100 * sum(luma) / sum(STANDARD_LUMA)
    quality = (200 - scale) / 2 if scale <= 100 else 5000 / scale
    return max(1, min(100, round(quality)))


def _check_breaks(blocks: list[tuple[Any, tuple[Any, ...]]], content: tuple[float, ...],
                  number: int, ctx: Context) -> list[Finding]:
    """Lone headings at the foot of a page or column, one-line widows at the top."""
    findings: list[Finding] = []
    bottom = content[3]
    for index, (box, ancestors) in enumerate(blocks):
        tag = box.element_tag
        section = section_of(ancestors, box)
        where = ctx.sections.get(section or "")
        column = _column_of(ancestors)
        later = [b for b, a in blocks[index + 1:] if _column_of(a) is column]
        if tag in ("h1", "h2", "h3", "h4") and section and not later:
            is_title = "article-title" in (box.element.get("class") or "")
            gap = bottom - (box.position_y + box.margin_height())
            if not is_title and _continues(section, blocks[index + 1:]) is False and \
                    gap >= 0 and not _ends_its_section(box.element, ancestors):
                findings.append(Finding(
                    "error", "lone-heading",
                    f"heading '{_text_of(box).strip()[:50]}' is alone at the foot of the "
                    "page or column, its text starts on the next", where, number))
    return findings


def _ends_its_section(element: Any, ancestors: tuple[Any, ...]) -> bool:
    """Whether nothing with text follows this heading in its article (or platform): a
    heading that ends an article has no text to be kept with."""
    section = next((a.element for a in reversed(ancestors)
                    if getattr(a, "element", None) is not None and
                    {"article", "platform"} & set((a.element.get("class") or "").split())),
                   None)
    if section is None or element is None:
        return False
    own = {id(node) for node in element.iter()}
    own |= {id(node) for notes in section.iter() if "link-notes" in (notes.get("class") or "")
            for node in notes.iter()}  # the list of the article's addresses is not its text
    seen = False
    for node in section.iter():
        if node is element:
            seen = True
        elif seen and id(node) not in own and (
                (node.text or "").strip() or (node.tail or "").strip()
                or node.tag in ("img", "svg")):
            return False
    return seen


def _check_widows(fragments: list[tuple[Any, int, int, str | None]]) -> list[Finding]:
    """A paragraph broken across columns or pages with one line left on either side."""
    findings: list[Finding] = []
    parts: dict[int, list[tuple[Any, int, int, str | None]]] = {}
    for fragment in fragments:
        parts.setdefault(id(fragment[0]), []).append(fragment)
    for pieces in parts.values():
        if len(pieces) < 2:
            continue
        text = "".join(pieces[0][0].itertext()).strip()
        first, last = pieces[0], pieces[-1]
        if last[2] == 1:
            findings.append(Finding(
                "warning", "widow", f"the last line of a paragraph ('{text[:40]}…') stands "
                "alone at the top of a page or column", last[3], last[1]))
        if first[2] == 1:
            findings.append(Finding(
                "warning", "orphan", f"the first line of a paragraph ('{text[:40]}…') stands "
                "alone at the foot of a page or column", first[3], first[1]))
    return findings


def _column_of(ancestors: tuple[Any, ...]) -> Any:
    for node in reversed(ancestors):
        if getattr(node, "is_column", False):
            return node
    return None


def _continues(section: str, rest: list[tuple[Any, tuple[Any, ...]]]) -> bool:
    """False when nothing of the heading's section follows it on this page."""
    return any(section_of(a, b) == section for b, a in rest)


# ------------------------------------------------------------------ reading the PDFs


class _Paragraphs(HTMLParser):
    """The text of each paragraph, heading, list item and footnote of an HTML fragment."""

    BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "figcaption"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.notes: list[str] = []
        self._stack: list[list[str]] = []
        self._note_depth = 0
        self._note: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "span" and ("class", "link-call") in attrs:
            self.handle_data(" ")  # a number of its own, not the end of a word
        if tag == "span" and ("class", "footnote") in attrs:
            self._note_depth = 1
            self._note = []
        elif self._note_depth and tag == "span":
            self._note_depth += 1
        elif tag in self.BLOCKS and not self._note_depth:
            self._stack.append([])

    def handle_endtag(self, tag: str) -> None:
        if self._note_depth and tag == "span":
            self._note_depth -= 1
            if not self._note_depth:
                self.notes.append("".join(self._note))
        elif tag in self.BLOCKS and self._stack and not self._note_depth:
            self.paragraphs.append("".join(self._stack.pop()))

    def handle_data(self, data: str) -> None:
        if self._note_depth:
            self._note.append(data)
        elif self._stack:
            self._stack[-1].append(data)


def squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\W_]+", "", text).lower()


def _found(needle: str, haystack: str, shortest: int = 12) -> str | None:
    """None when every part of `needle` is in `haystack`; else the first part that is not.

    The PDF's text comes in reading order only roughly (columns, table cells, footnotes and
    running heads interleave), so each part is looked for anywhere: at each point, the longest
    piece of the needle found anywhere in the text is taken, and a piece shorter than
    `shortest` letters means the text there was lost.
    """
    position = 0
    while position < len(needle):
        remaining = len(needle) - position
        low, high = 0, remaining  # longest found length is in [low, high]
        while low < high:
            middle = (low + high + 1) // 2
            if needle[position:position + middle] in haystack:
                low = middle
            else:
                high = middle - 1
        if low < min(shortest, remaining):
            return needle[position:position + 40]
        position += low
    return None


def _words(text: str) -> list[str]:
    """The words of a text as the PDF's text can be compared with: compatibility forms
    folded, lower case, without marks and joiners; direction marks and changes of script
    (or between letters and digits) part words, as the PDF's text may not."""
    text = unicodedata.normalize("NFKC", text).lower()
    # a lam-alef ligature's letters come out of the PDF in either order: one order for all
    text = re.sub("\u0644([\u0627\u0623\u0625\u0622])", "\\1\u0644", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Mn" or char in "\u200c\u200d":
            continue
        kept.append(" " if category == "Cf" else char)
    words = []
    for word in re.findall(r"\w+", "".join(kept)):
        words += [m.group() for m in re.finditer(r"\d+|[^\W\d]+", word)
                  for m in [m] if m.group()]
    return [w for part in words for w in _by_direction(part)]


def _by_direction(word: str) -> list[str]:
    parts: list[str] = []
    previous = None
    for char in word:
        rtl = unicodedata.bidirectional(char) in ("R", "AL")
        if parts and rtl == previous:
            parts[-1] += char
        else:
            parts.append(char)
        previous = rtl
    return parts


def _mixed(text: str) -> bool:
    """Whether a paragraph holds right-to-left letters or digits: the PDF's text gives
    such a line's words, but in no order to rely on (a Latin word that starts a Persian line
    comes out at its end, a number may come out turned around, a line may be cut in two)."""
    return any(unicodedata.bidirectional(c) in ("R", "AL", "AN") or "\u06f0" <= c <= "\u06f9"
               for c in text)


def check_text(pdf: Path, sections: list[tuple[str, str, str]]) -> list[Finding]:
    """Every paragraph and footnote of every article and the platform is in the PDF's text."""
    text = squash(pdf_text(pdf))
    words: str | None = None
    findings: list[Finding] = []
    for _section_id, where, html in sections:
        parser = _Paragraphs()
        parser.feed(html)
        for paragraph in parser.paragraphs + parser.notes:
            key = squash(paragraph)
            if len(key) < 3:
                continue
            if _mixed(paragraph):  # every word must be there, in whatever order
                if words is None:  # (the letters of a lam-alef may come out apart)
                    words = "".join(_words(pdf_text(pdf, raw=False)))
                lost = next((w for w in _words(paragraph) if w not in words), None)
            else:
                lost = _found(key, text)
            if lost is not None:
                shown = paragraph.strip()[:60]
                findings.append(Finding("error", "text-lost",
                                        f"text missing from the PDF: '{shown}…' (lost near "
                                        f"'{lost[:30]}')", where))
    return findings


def pdf_text(pdf: Path, raw: bool = True) -> str:
    """The PDF's text, by poppler's pdftotext where it is installed (it copes with fonts
    whose encoding pypdf misreads), else by pypdf. `raw`: in the order it was written, which
    is the order of the layout (read by position, the words of a loose justified line, a
    digest's list of links, come apart into columns that are not there); else by position,
    which puts right-to-left words together again (written in pieces, in no order)."""
    tool = shutil.which("pdftotext")
    if tool:
        done = subprocess.run([tool, *(["-raw"] if raw else []), "-enc", "UTF-8", str(pdf),
                               "-"], capture_output=True)
        if done.returncode == 0:
            return done.stdout.decode("utf-8", "replace")
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def check_fonts(pdf: Path, label: str) -> list[Finding]:
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    findings: list[Finding] = []
    seen: set[str] = set()
    for number, page in enumerate(reader.pages, start=1):
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        for font in (fonts.get_object().values() if fonts else []):
            font = font.get_object()
            name = str(font.get("/BaseFont", "?"))
            if name in seen:
                continue
            seen.add(name)
            descriptors = [font.get("/FontDescriptor")]
            for descendant in font.get("/DescendantFonts") or []:
                descriptors.append(descendant.get_object().get("/FontDescriptor"))
            embedded = any(d is not None and any(k in d.get_object() for k in
                                                 ("/FontFile", "/FontFile2", "/FontFile3"))
                           for d in descriptors) or font.get("/Subtype") == "/Type3"
            if not embedded:
                findings.append(Finding("error", "font-not-embedded",
                                        f"font {name} is not embedded in the {label} edition",
                                        None, number))
    return findings


def check_qpdf(pdf: Path, label: str) -> list[Finding]:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return [Finding("warning", "qpdf", "qpdf is not installed: the PDF structure was not "
                                           "checked (apt-get install qpdf)")]
    done = subprocess.run([qpdf, "--check", str(pdf)], capture_output=True, text=True)
    if done.returncode not in (0, 3):  # 3: warnings only
        first = (done.stderr or done.stdout).strip().splitlines()[:1]
        return [Finding("error", "qpdf", f"qpdf rejects the {label} edition: "
                                         f"{first[0] if first else 'error'}")]
    return []


def check_page_counts(outputs: dict[str, Path], print_pages: int) -> list[Finding]:
    findings: list[Finding] = []
    if ("print" in outputs or "booklet" in outputs) and print_pages % 4:
        findings.append(Finding("error", "page-count", f"{print_pages} pages: a folded and "
                                "stapled issue needs a multiple of 4"))
    if "booklet" in outputs:
        from pypdf import PdfReader

        sides = len(PdfReader(outputs["booklet"]).pages)
        if sides * 2 != print_pages:
            findings.append(Finding("error", "page-count", f"the booklet has {sides} sides for "
                                    f"{print_pages} pages"))
    return findings


def font_coverage(font_dirs: tuple[Path, ...]) -> frozenset[int]:
    return coverage(font_dirs)


def markup_findings(warnings: Any) -> list[Finding]:
    """The warnings found while the articles were read (a picture with no description, an
    HTML tag that is not set, a box of unknown kind...), with their file and line."""
    findings = []
    for problem in warnings:
        if problem.severity != "warning" or problem.path is None:
            continue
        where = display_path(problem.path) + (f":{problem.line}" if problem.line else "")
        message = f"{problem.key}: {problem.message}" if problem.key else problem.message
        findings.append(Finding("warning", "content", message, where))
    return findings


def section_paths(issue: Any, platform_path: Path | None) -> dict[str, str]:
    sections = {a.slug: display_path(a.path) for a in issue.articles}
    if platform_path is not None:
        sections["platform"] = display_path(platform_path)
    return sections
