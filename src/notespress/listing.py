"""`notespress list`: the issues of a publication, and the articles of one, as tables.

Everything here reads the issue folders and the last build's manifest; nothing imports
WeasyPrint, so that `list` answers at once. The per-article table (`article_table`) is also
what `proof` prints, and what `build` may print after the editions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import NotespressError, Problem

if TYPE_CHECKING:
    from .content import Issue

WORDS_PER_MINUTE = 230
ISSUE_FILE = "issue.yaml"


# ------------------------------------------------------------------ finding issues


@dataclass(frozen=True)
class IssueInfo:
    """An issue folder as `list` and `new` see it: read quickly, never rendered."""

    folder: Path
    name: str  # the folder's name, e.g. issue-12
    number: int | None
    date: str
    title: str
    lang: str
    articles: tuple[Path, ...]  # in the issue's order
    listed: bool  # issue.yaml has an `articles:` list (a new article must be added to it)
    problem: str = ""  # issue.yaml could not be read: why


def find_issues(root: Path) -> list[IssueInfo]:
    """Every folder under issues/ that has an issue.yaml, by number (then name)."""
    folder = root / "issues"
    if not folder.is_dir():
        return []
    found = [read_issue_info(path.parent) for path in folder.glob(f"*/{ISSUE_FILE}")]
    return sorted(found, key=lambda i: (i.number if i.number is not None else -1, i.name))


def read_issue_info(folder: Path) -> IssueInfo:
    from .sources import parse_yaml, read_text

    path = folder / ISSUE_FILE
    try:
        data = parse_yaml(read_text(path), path, what=ISSUE_FILE).data
    except NotespressError as exc:
        return IssueInfo(folder=folder, name=folder.name, number=None, date="", title="",
                         lang="", articles=tuple(sorted(folder.glob("*.md"))), listed=False,
                         problem=str(exc.problems[0]))
    number = data.get("number")
    if isinstance(number, bool) or not isinstance(number, int):
        number = None
    listed = data.get("articles")
    if isinstance(listed, list) and all(isinstance(n, str) for n in listed):
        articles = tuple(folder / n for n in listed if (folder / n).is_file())
    else:
        listed = None
        articles = tuple(sorted(folder.glob("*.md")))
    return IssueInfo(folder=folder, name=folder.name, number=number,
                     date=str(data.get("date") or ""), title=str(data.get("title") or ""),
                     lang=str(data.get("lang") or ""), articles=articles,
                     listed=listed is not None)


def newest_issue(root: Path) -> IssueInfo:
    """The issue with the highest number: where `import` and `new article` go by default."""
    issues = find_issues(root)
    if not issues:
        raise NotespressError(Problem(root / "issues", "no issue yet: create one with "
                                                       "'notespress new'"))
    return issues[-1]


def issue_folder(root: Path, ref: str | None) -> Path:
    """An issue folder from its name, path or number (the newest issue when `ref` is None);
    an unknown issue is one line that names the nearest ones."""
    from .content import resolve_issue

    if ref is None:
        return newest_issue(root).folder
    return resolve_issue(root, ref)


# ------------------------------------------------------------------ counting


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_IMAGE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\([^)]*\)")
_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)")
_NOTE_CALL = re.compile(r"\[\^[^\]\s]+\](?!:)")
_NOTE_DEF = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:", re.M)
_URL = re.compile(r"\bhttps?://\S+")


def count_words(markdown: str) -> int:
    """Words a reader reads in a Markdown body: the text of links and figures' captions,
    footnotes, code; not the addresses, markup or editors' notes. A word is a run of
    non-space characters with a letter or digit in it (so Persian words joined by a zero-width
    non-joiner are one word, as they are read)."""
    text = _COMMENT.sub(" ", markdown)
    text = _IMAGE.sub(r" \1 ", text)
    text = _LINK.sub(r" \1 ", text)
    text = _NOTE_DEF.sub(" ", _NOTE_CALL.sub("", text))
    text = _URL.sub(" ", text)
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def count_pictures(markdown: str) -> int:
    """Pictures an article shows (not one written inside code, fenced, indented or inline,
    nor in an editors' note): the images of the Markdown as CommonMark reads it."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    tokens = MarkdownIt("commonmark").use(footnote_plugin).parse(_COMMENT.sub(" ", markdown))
    return sum(1 for token in tokens if token.type == "inline"
               for child in token.children or () if child.type == "image")


def reading_minutes(words: int) -> int:
    return max(1, round(words / WORDS_PER_MINUTE)) if words else 0


# ------------------------------------------------------------------ the articles of an issue


@dataclass(frozen=True)
class ArticleStats:
    """One article of an issue as the editors' table shows it."""

    file: str
    slug: str
    title: str
    author: str
    lang: str
    words: int
    pictures: int
    pages: tuple[int, int] | None = None  # first and last page in the PDF, when it was given

    @property
    def minutes(self) -> int:
        return reading_minutes(self.words)

    @property
    def page_count(self) -> int:
        return self.pages[1] - self.pages[0] + 1 if self.pages else 0

    def page_span(self, dash: str = "-") -> str:
        """Its pages as a reader writes them: "3", "3-5", or "" when not known."""
        if not self.pages:
            return ""
        first, last = self.pages
        return str(first) if first == last else f"{first}{dash}{last}"


def article_table(folder: Path, pdf: Path | None = None, pad: int = 0,
                  sections: dict[str, tuple[int, int]] | None = None) -> list[ArticleStats]:
    """The articles of the issue in `folder`, in the issue's order, with words, pictures and
    reading time; with `pdf` (the screen edition) each article's pages too, read from the
    PDF's named destinations (each article's id), and `pad`, the padding pages the build put
    before the platform (not counted to the last article)."""
    from .config import slugify
    from .sources import read_text, split_front_matter

    info = read_issue_info(folder)
    rows: list[ArticleStats] = []
    slugs: set[str] = set()
    for path in info.articles:
        slug = slugify(path.stem)
        while slug in slugs:  # as content.py names them
            slug += "-x"
        slugs.add(slug)
        try:
            doc = split_front_matter(read_text(path), path)
            meta, body = doc.meta.data, doc.body
        except NotespressError:
            meta, body = {}, read_text(path)
        rows.append(ArticleStats(
            file=path.name, slug=slug, title=_text(meta.get("title")) or path.stem,
            author=_text(meta.get("author")), lang=_text(meta.get("lang")) or info.lang,
            words=count_words(body), pictures=count_pictures(body)))
    if sections:  # where the build laid each article out (the manifest keeps it)
        rows = [ArticleStats(**{**r.__dict__, "pages": sections.get(r.slug)}) for r in rows]
    elif pdf is not None and pdf.is_file():
        ranges = article_pages(pdf, [r.slug for r in rows], pad)
        rows = [ArticleStats(**{**r.__dict__, "pages": ranges.get(r.slug)}) for r in rows]
    return rows



def built_article_table(issue: Issue, sections: dict[str, tuple[int, int]]
                        ) -> list[ArticleStats]:
    """The per-article table of an issue just built: its articles as read, with the pages
    the build laid each out on."""
    from .sources import read_text, split_front_matter

    rows = []
    for article in issue.articles:
        body = split_front_matter(read_text(article.path), article.path).body
        rows.append(ArticleStats(
            file=article.path.name, slug=article.slug, title=article.title,
            author=article.author, lang=article.lang, words=count_words(body),
            pictures=len(article.images), pages=sections.get(article.slug)))
    return rows


@dataclass(frozen=True)
class IssueArticles:
    """The articles of an issue as `list ISSUE` shows them."""

    folder: Path
    rows: list[ArticleStats]
    screen: Path | None  # the last build's screen edition (the pages), None if none


def issue_articles(root: Path, issue_ref: str) -> IssueArticles:
    """The articles of an issue, with their pages in the last build's screen edition (and
    its padding pages, from the build's manifest) when there is one."""
    from .manifest import read_manifest, recorded_sections

    folder = issue_folder(root, issue_ref)
    out_dir = root / "build" / folder.name
    manifest = read_manifest(out_dir)
    screen = next((out_dir / o["file"] for o in manifest.get("outputs", [])
                   if o["kind"] == "screen"), None)
    rows = article_table(folder, screen, int(manifest.get("pad", 0)),
                         recorded_sections(manifest))
    return IssueArticles(folder, rows, screen)


def _text(value: object) -> str:
    return str(value).strip() if isinstance(value, str | int | float) else ""


def destination_pages(pdf: Path, names: Collection[str]) -> tuple[dict[str, int], int]:
    """The page (1-based) of each named destination of a notespress PDF whose name is in
    `names` (the articles' ids, "platform"), and the PDF's page count. A destination to no
    page is left out."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    pages: dict[str, int] = {}
    for name, destination in reader.named_destinations.items():
        key = str(name).lstrip("/")
        if key not in names:
            continue
        try:
            number = reader.get_destination_page_number(destination)
        except Exception:  # a broken destination: left out
            continue
        if number is not None:
            pages[key] = number + 1
    return pages, len(reader.pages)


def article_pages(pdf: Path, slugs: list[str], pad: int = 0) -> dict[str, tuple[int, int]]:
    """Each article's first and last page (1-based) in a notespress PDF, from its named
    destinations: an article runs to the page before the next article, or before the
    platform (less the padding pages), or to the end."""
    starts, total = destination_pages(pdf, {*slugs, "platform"})
    back = starts.get("platform", total + 1) - pad
    ordered = sorted((page, slug) for slug, page in starts.items() if slug != "platform")
    ranges: dict[str, tuple[int, int]] = {}
    for index, (page, slug) in enumerate(ordered):
        following = ordered[index + 1][0] if index + 1 < len(ordered) else back
        # an article followed on the same page by the next one (run on) ends where it starts
        ranges[slug] = (page, following - 1 if following > page else page)
    return ranges


# ------------------------------------------------------------------ tables for a terminal


def cell_width(text: str) -> int:
    """Columns a terminal gives `text` (wide East Asian characters take two; marks none)."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _fit(text: str, limit: int) -> str:
    if cell_width(text) <= limit:
        return text
    out = ""
    for char in text:
        if cell_width(out + char) > limit - 1:
            break
        out += char
    return out + "…"


def _isolated(text: str) -> str:
    """Right-to-left text kept in its cell by a terminal that reorders (first-strong
    isolate ... pop directional isolate)."""
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return f"\u2068{text}\u2069"
    return text


def format_table(header: list[str], rows: list[list[str]], right: set[int] | None = None,
                 limits: dict[int, int] | None = None) -> str:
    """Columns padded to their widest cell; columns in `right` aligned right."""
    right = right or set()
    limits = limits or {}
    cells = [[_fit(c, limits.get(i, 10_000)) for i, c in enumerate(row)]
             for row in [header, *rows]]
    widths = [max(cell_width(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for number, row in enumerate(cells):
        parts = []
        for i, cell in enumerate(row):
            gap = " " * (widths[i] - cell_width(cell))
            parts.append(gap + _isolated(cell) if i in right else _isolated(cell) + gap)
        lines.append("  ".join(parts).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def pages_filled(rows: list[ArticleStats]) -> int:
    """The pages the articles fill, each counted once (articles that run on share pages)."""
    return len({page for r in rows if r.pages for page in range(r.pages[0], r.pages[1] + 1)})


def format_article_table(rows: list[ArticleStats]) -> str:
    """The per-article table as `proof`, `list ISSUE` (and `build`) print it."""
    with_pages = any(r.pages for r in rows)
    header = ["#", "article", "words", "pictures", "reading"]
    if with_pages:
        header[2:2] = ["pages", "count"]
    lines = []
    for number, row in enumerate(rows, start=1):
        title = row.title + (f" ({row.author})" if row.author else "")
        cells = [str(number), title, f"{row.words:,}", str(row.pictures),
                 f"{row.minutes} min"]
        if with_pages:
            cells[2:2] = [row.page_span(), str(row.page_count or "")]
        lines.append(cells)
    words = sum(r.words for r in rows)
    total = ["", f"{len(rows)} article{'s' if len(rows) != 1 else ''}", f"{words:,}",
             str(sum(r.pictures for r in rows)), f"{reading_minutes(words)} min"]
    if with_pages:
        total[2:2] = ["", str(pages_filled(rows))]
    lines.append(total)
    right = {0, 2, 3, 4, 5, 6} if with_pages else {0, 2, 3, 4}
    return format_table(header, lines, right=right, limits={1: 48})


# ------------------------------------------------------------------ the issues table


@dataclass(frozen=True)
class IssueRow:
    info: IssueInfo
    words: int
    pages: int | None  # of the last build (the print edition, else the screen one)
    state: str  # "built", "stale", "never built", or "unreadable"


def list_issues(root: Path) -> list[IssueRow]:
    """Every issue with its words, the pages and state of its last build."""
    from .adapter import build_state

    rows = []
    for info in find_issues(root):
        words = 0
        for path in info.articles:
            try:
                words += count_words(_body(path))
            except OSError:
                continue
        if info.problem:
            rows.append(IssueRow(info, words, None, "unreadable"))
            continue
        state, pages = build_state(root, info.folder)
        rows.append(IssueRow(info, words, pages, state))
    return rows


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if text.startswith("---"):
        end = re.search(r"^(---|\.\.\.)\s*$", text[3:], re.M)
        if end:
            return text[3 + end.end():]
    return text


def format_issue_table(rows: list[IssueRow]) -> str:
    header = ["issue", "no.", "date", "title", "articles", "words", "pages", "state"]
    lines = [[r.info.name, "" if r.info.number is None else str(r.info.number), r.info.date,
              r.info.title, str(len(r.info.articles)), f"{r.words:,}",
              "" if r.pages is None else str(r.pages), r.state] for r in rows]
    return format_table(header, lines, right={1, 4, 5, 6}, limits={3: 40})
