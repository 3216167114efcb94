"""The typography report of `notespress check`: like TeX's underfull-box warnings, for the
whole issue, page by page, with the article each finding is in.

What it measures, from the words of the finished PDF (poppler's ``pdftotext -bbox-layout``:
each word's box, in lines and blocks) and from the laid-out document (which article a line
belongs to, where paragraphs end, where columns start):

- loose lines: justified lines whose word gaps are more than twice the issue's usual gap;
- hyphen ladders: three or more lines in a row ending with a hyphen;
- short last lines: a paragraph's last line holding a single short word;
- mostly empty pages: a page of articles filled less than 60 % down its columns (not the
  cover, not the last page before the back matter, not the back matter itself);
- space above a column: a block that opens a column with space above it, so that the column
  starts lower than its neighbour;
- stranded heads: an article's title (and deck, byline) at the foot of a page, its text on
  the next.

Each is a finding of severity "note" (the print shop would not send the issue back for it,
the editor may want to look), and one note sums them up.
"""

from __future__ import annotations

import itertools
import re
import shutil
import statistics
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .compat import page_box, section_of, walk_boxes

if TYPE_CHECKING:
    from .preflight import Finding

PT_PER_PX = 0.75
HYPHENS = ("-", "\u2010", "\u00ad")
LOOSE_RATIO = 2.0  # a line's median gap over the median gap
LADDER = 3  # hyphenated lines in a row
MIN_FILL = 0.6  # of a page's columns, top to foot
SHORT_LAST = 0.12  # of the column's width, for a paragraph's last line of one word
FOLIO_ZONE = 0.93  # of the page's height: below it, running feet and folios
HEAD_ZONE = 0.04


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class PageWords:
    width: float
    height: float
    blocks: list[list[list[Word]]]  # blocks of lines of words


@dataclass
class PageReport:
    """What the report found on one page."""

    page: int
    fill: float = 1.0
    loose: list[tuple[str | None, str]] = field(default_factory=list)  # (section, text)
    ladders: list[tuple[str | None, str]] = field(default_factory=list)
    short_last: list[tuple[str | None, str]] = field(default_factory=list)
    top_space: list[tuple[str | None, str]] = field(default_factory=list)
    stranded: list[tuple[str | None, str]] = field(default_factory=list)
    checked_fill: bool = False


def read_words(pdf: Path, offset: float = 0.0) -> list[PageWords]:
    """Every page's words, in pdftotext's blocks and lines, in points from the trim's corner
    (`offset`: how far the PDF's page reaches past the trim; [] without poppler)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return []
    done = subprocess.run([tool, "-bbox-layout", str(pdf), "-"], capture_output=True)
    if done.returncode != 0:
        return []
    text = re.sub(r"<!DOCTYPE[^>]*>", "", done.stdout.decode("utf-8", "replace"))
    root = ET.fromstring(text)
    ns = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for page in root.iter(f"{ns}page"):
        blocks = []
        for block in page.iter(f"{ns}block"):
            lines = []
            for line in block.iter(f"{ns}line"):
                words = [Word(float(w.get("xMin", 0)) - offset,
                              float(w.get("yMin", 0)) - offset,
                              float(w.get("xMax", 0)) - offset,
                              float(w.get("yMax", 0)) - offset, w.text or "")
                         for w in line.iter(f"{ns}word")]
                if words:
                    lines.append(words)
            if lines:
                blocks.append(lines)
        pages.append(PageWords(float(page.get("width", 0)) - 2 * offset,
                               float(page.get("height", 0)) - 2 * offset, blocks))
    return pages


def _gaps(words: list[Word]) -> list[float]:
    return [b.x0 - a.x1 for a, b in itertools.pairwise(words)]


def usual_gap(pages: list[PageWords]) -> float:
    """The issue's median gap between two words of a line."""
    gaps = [g for page in pages for block in page.blocks for line in block
            for g in _gaps(line) if 0 < g < 40]
    return statistics.median(gaps) if gaps else 3.0


def loose_lines(block: list[list[Word]], usual: float) -> list[list[Word]]:
    """The justified lines of a block (of four words or more, not its last, flush with its
    right edge) whose median gap is over LOOSE_RATIO times the usual gap."""
    right = max(line[-1].x1 for line in block)
    found = []
    for line in block[:-1]:
        gaps = _gaps(line)
        if (len(line) >= 4 and abs(line[-1].x1 - right) < 2 and gaps
                and statistics.median(gaps) > LOOSE_RATIO * usual):
            found.append(line)
    return found


def ladders(block: list[list[Word]]) -> list[list[list[Word]]]:
    """Runs of LADDER or more lines in a row of a block (not its last) ending in a hyphen."""
    runs: list[list[list[Word]]] = []
    run: list[list[Word]] = []
    for index, line in enumerate(block):
        if index < len(block) - 1 and line[-1].text.endswith(HYPHENS):
            run.append(line)
            continue
        if len(run) >= LADDER:
            runs.append(run)
        run = []
    if len(run) >= LADDER:
        runs.append(run)
    return runs


def page_fill(page: PageWords, pictures: tuple[Word, ...] = ()) -> float:
    """How far down the page its two halves are filled (1.0: to the foot), from the top of
    its highest word (or picture) to the foot above the folio."""
    body = [w for block in page.blocks for line in block for w in line
            if page.height * HEAD_ZONE < w.y0 and w.y1 < page.height * FOLIO_ZONE]
    body += [p for p in pictures
             if page.height * HEAD_ZONE < p.y1 and p.y0 < page.height * FOLIO_ZONE]
    if not body:
        return 0.0
    top = min(w.y0 for w in body)
    room = page.height * FOLIO_ZONE - top
    fills = []
    for low, high in ((0, page.width / 2), (page.width / 2, page.width)):
        half = [w for w in body if low <= (w.x0 + w.x1) / 2 < high]
        fills.append((max(w.y1 for w in half) - top) / room if half else 0.0)
    return sum(fills) / len(fills)


# ------------------------------------------------------------------ the laid-out document


@dataclass
class LaidPage:
    """What the layout tells of one page: the lines of each article (in the PDF's points,
    from the trim), paragraphs' last lines, blocks with space above at a column top."""

    lines: list[tuple[tuple[float, float, float, float], str | None]]
    short_last: list[tuple[str | None, str]]
    top_space: list[tuple[str | None, str]]
    stranded: list[tuple[str | None, str]] = field(default_factory=list)  # heads, no text
    pictures: tuple[Word, ...] = ()  # where the pictures are (as words without text)


def _line_text(line: Any) -> str:
    return "".join(getattr(b, "text", "") or "" for b, _ in walk_boxes(line)).strip()


def _content_width(line: Any) -> float:
    texts = [b for b, _ in walk_boxes(line) if getattr(b, "text", None)]
    if not texts:
        return 0.0
    return max(b.position_x + b.width for b in texts) - min(b.position_x for b in texts)


def laid_pages(document: Any) -> list[LaidPage]:
    """The layout's view of every page (see LaidPage)."""
    pages = []
    for page in document.pages:
        root = page_box(page)  # (its boxes are placed from the trim's corner)
        lines: list[tuple[tuple[float, float, float, float], str | None]] = []
        short: list[tuple[str | None, str]] = []
        space: list[tuple[str | None, str]] = []
        heads: dict[str | None, str] = {}
        texts: set[str | None] = set()
        pictures: list[Word] = []
        for box, ancestors in walk_boxes(root):
            kind = type(box).__name__
            if any(type(a).__name__ in ("MarginBox", "FootnoteAreaBox") for a in ancestors):
                continue
            classes = ((getattr(box, "element", None) is not None
                       and box.element.get("class")) or "").split()
            if "article-head" in classes and kind == "BlockBox" and _line_text(box):
                title = next((text for c in box.children if (text := _line_text(c))), "")
                heads[section_of(ancestors, box)] = title[:40]  # (the title, not the deck)
            if (kind in ("LineBox", "InlineReplacedBox", "BlockReplacedBox")
                    or "picture-box" in classes) and any(
                    "article-body" in ((getattr(a, "element", None) is not None
                                        and a.element.get("class")) or "").split()
                    for a in ancestors):
                texts.add(section_of(ancestors, box))  # (a picture is the text that follows)
            if kind in ("InlineReplacedBox", "BlockReplacedBox") or "picture-box" in classes:
                pictures.append(Word(box.position_x * PT_PER_PX, box.position_y * PT_PER_PX,
                                     (box.position_x + box.width) * PT_PER_PX,
                                     (box.position_y + box.height) * PT_PER_PX, ""))
            if kind == "LineBox":
                section = section_of(ancestors, box)
                rect = (box.position_x * PT_PER_PX, box.position_y * PT_PER_PX,
                        (box.position_x + box.width) * PT_PER_PX,
                        (box.position_y + box.height) * PT_PER_PX)
                lines.append((rect, section))
            elif getattr(box, "is_column", False):
                first = next((c for c in box.children if type(c).__name__ not in (
                    "AbsolutePlaceholder",)), None)
                if (first is not None and (first.margin_top or 0) > 0.5
                        and abs(first.position_y - box.content_box_y()) < 0.5):
                    space.append((section_of(ancestors, box), _line_text(first)[:40]))
            elif (kind == "BlockBox" and getattr(box, "element_tag", "") == "p"
                  and section_of(ancestors, box) is not None):
                short += _short_last(box, ancestors)
        stranded = [(section, title) for section, title in heads.items()
                    if section not in texts]
        pages.append(LaidPage(lines, short, space, stranded, tuple(pictures)))
    return pages


def _short_last(box: Any, ancestors: tuple[Any, ...]) -> list[tuple[str | None, str]]:
    """The paragraph's last line when it holds one short word (and the paragraph is
    justified, ends on this page and has lines before)."""
    lines = [c for c in box.children if type(c).__name__ == "LineBox"]
    if len(lines) < 2 or getattr(box, "resume_at", None) or box.style["text_align_all"] != \
            "justify":
        return []
    last = lines[-1]
    text = _line_text(last)
    if len(text.split()) != 1 or box.width <= 0:
        return []
    if _content_width(last) < SHORT_LAST * box.width:
        return [(section_of(ancestors, box), text)]
    return []


def _where(section_lines: list[tuple[tuple[float, float, float, float], str | None]],
           words: list[Word]) -> str | None:
    """The article whose laid-out line holds the middle of these words."""
    x = (words[0].x0 + words[-1].x1) / 2
    y = (words[0].y0 + words[0].y1) / 2
    for (x0, y0, x1, y1), section in section_lines:
        if x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1:
            return section
    return None


# ------------------------------------------------------------------ the report


@dataclass
class Report:
    pages: list[PageReport]
    checked: int  # pages whose fill was checked

    def counts(self) -> dict[str, int]:
        return {"loose": sum(len(p.loose) for p in self.pages),
                "ladders": sum(len(p.ladders) for p in self.pages),
                "short_last": sum(len(p.short_last) for p in self.pages),
                "empty": sum(1 for p in self.pages if p.checked_fill and p.fill < MIN_FILL),
                "top_space": sum(len(p.top_space) for p in self.pages),
                "stranded": sum(len(p.stranded) for p in self.pages)}


def back_matter_page(document: Any) -> int | None:
    """The first page (1-based) of the back matter: the house pages, the platform."""
    for number, page in enumerate(document.pages, start=1):
        if "platform" in page.anchors:
            return number
        for box, _ in walk_boxes(page_box(page)):
            element = getattr(box, "element", None)
            if element is not None and "filler" in (element.get("class") or "").split():
                return number
            if type(box).__name__ == "LineBox":
                break
    return None


def measure(document: Any, pdf: Path, offset: float = 0.0) -> Report:
    """The report's figures for every page of the PDF (`offset`: how far its pages reach
    past the trim). The cover, the back matter (the house pages, the platform) and the page
    before it are not checked for fill."""
    words = read_words(pdf, offset)
    laid = laid_pages(document)
    back_matter = back_matter_page(document)
    usual = usual_gap(words)
    pages = []
    last_page = len(laid)
    end = (back_matter - 1) if back_matter else last_page
    for number, (page_words, page_laid) in enumerate(zip(words, laid, strict=False), start=1):
        report = PageReport(number)
        for block in page_words.blocks:
            for line in loose_lines(block, usual):
                report.loose.append((_where(page_laid.lines, line),
                                     " ".join(w.text for w in line)))
            for run in ladders(block):
                report.ladders.append((_where(page_laid.lines, run[0]),
                                       " / ".join(r[-1].text for r in run)))
        report.short_last = page_laid.short_last
        report.top_space = page_laid.top_space
        report.stranded = page_laid.stranded
        if 1 < number < end:
            report.checked_fill = True
            report.fill = page_fill(page_words, page_laid.pictures)
        pages.append(report)
    return Report(pages, sum(1 for p in pages if p.checked_fill))


def typography_findings(document: Any, pdf: Path, sections: dict[str, str],
                        offset: float = 0.0) -> list[Finding]:
    """The report as findings ("note"), page by page, then the summary."""
    from .preflight import Finding

    report = measure(document, pdf, offset)
    findings: list[Finding] = []

    def note(rule: str, message: str, section: str | None, page: int) -> None:
        findings.append(Finding("note", rule, message, sections.get(section or ""), page))

    for page in report.pages:
        for section, text in page.loose:
            note("loose-line", f"a loose line (word gaps over {LOOSE_RATIO:g} times the "
                               f"usual): '{text[:60]}'", section, page.page)
        for section, text in page.ladders:
            note("hyphen-ladder", f"{text.count(' / ') + 1} hyphenated lines in a row "
                                  f"('{text[:60]}')", section, page.page)
        for section, text in page.short_last:
            note("short-last-line", f"a paragraph ends with a line of one short word "
                                    f"('{text}')", section, page.page)
        for section, text in page.top_space:
            note("column-top-space", f"space above '{text}' at the top of a column: the "
                                     "column starts lower than its neighbour", section,
                 page.page)
        for section, title in page.stranded:
            note("stranded-head", f"the head of '{title}' is alone at the foot of the page, "
                                  "its text on the next", section, page.page)
        if page.checked_fill and page.fill < MIN_FILL:
            note("mostly-empty-page", f"the page is filled {page.fill:.0%} down its columns "
                                      f"(less than {MIN_FILL:.0%})", None, page.page)
    counts = report.counts()
    findings.append(Finding(
        "note", "typography",
        f"typography: {len(report.pages)} pages; {counts['loose']} loose line(s), "
        f"{counts['ladders']} hyphen ladder(s), {counts['short_last']} short last line(s), "
        f"{counts['empty']} mostly empty page(s) of {report.checked} checked, "
        f"{counts['top_space']} column(s) starting with space above, "
        f"{counts['stranded']} article head(s) alone at a page's foot"))
    return findings
