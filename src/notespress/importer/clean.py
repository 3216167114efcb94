"""pandoc's tree cleaned into one that the CommonMark writer writes as notespress Markdown.

Divs and spans are unwrapped, attributes dropped, raw HTML turned into what it means (<br>)
or dropped and reported, underlining made emphasis, superscript and subscript digits made
Unicode characters, figures made pictures whose alt text is their caption, table cells
flattened to one line each, relative links made plain text, a link to a heading of the
document made a link to that heading's id in notespress (other internal links plain text),
and a web page's footnotes (links to a numbered list at its end) made real ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import NotespressError
from ..markup_links import heading_slug, unique_slug
from .lost import Lost, Places, snippet
from .pandoc import EMPTY_ATTR, Block, Inline, child_blocks, plain, read_html_blocks
from .scan import Scan, key

SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
SPACES = ("Space", "SoftBreak")
BREAKS = ("Space", "SoftBreak", "LineBreak")
WRAPPER_BLOCK_TAG = re.compile(r"</?(div|section|span|p|center|font|small)\b[^>]*>", re.I | re.S)
WRAPPER_INLINE_TAG = re.compile(r"</?\s*(span|small|big|font|abbr|cite|mark|u|ins|del|s|b|i|"
                                r"em|strong|sup|sub|a|q|time|bdi|bdo|wbr)\b[^>]*>", re.I)
LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)
MAX_HTML_DEPTH = 3  # HTML read inside Markdown, inside HTML...

# A picture's address -> the name the article gives it (None: left out), or why it was left out
PictureResolver = Callable[[str], tuple[str | None, str]]


@dataclass(frozen=True)
class Cleaned:
    """A document's blocks as notespress Markdown has them, and what was counted and lost."""

    blocks: list[Block]
    footnotes: int
    tables: int
    lost: list[Lost]


def clean(blocks: list[Block], kind: str, scan: Scan, resolve_picture: PictureResolver
          ) -> Cleaned:
    """Clean a document's blocks (`kind` is its format, `scan` what its own XML said:
    captions, quotations); pictures are given their names by `resolve_picture`."""
    cleaner = Cleaner(kind, scan, resolve_picture)
    cleaner.headings = _heading_texts(blocks, {})
    out = cleaner.blocks(blocks, top=True)
    return Cleaned(out, cleaner.footnotes, cleaner.tables, cleaner.lost)


class Cleaner:
    """The walk of `clean`: what it counts, loses and where it is."""

    def __init__(self, kind: str, scan: Scan, resolve_picture: PictureResolver) -> None:
        self.kind = kind
        self.scan = scan
        self.resolve_picture = resolve_picture
        self.lost: list[Lost] = []
        self.places = Places()
        self.current = ""  # the text of the top-level paragraph being cleaned
        self.footnotes = 0
        self.tables = 0
        self.in_quote = 0
        self.depth = 0  # HTML read inside Markdown, inside HTML...
        self.headings: dict[str, str] = {}  # pandoc's id of each heading -> its text

    def lose(self, what: str, detail: str) -> None:
        self.lost.append(Lost(what, detail, self.places.describe(self.current)))

    def lose_comment(self, comment: str) -> None:
        """An HTML comment (<!-- ... -->): an editor's note, reported when it says something."""
        said = comment.removeprefix("<!--").removesuffix("-->").strip()
        if said:
            self.lose("editor's note (HTML comment)", f'"{snippet(said, 20)}" removed')

    # blocks

    def blocks(self, blocks: list[Block], top: bool = False) -> list[Block]:
        out: list[Block] = []
        for block in blocks:
            if top:
                self.current = plain([block]) if block.get("t") in ("Para", "Plain") else ""
                if block.get("t") == "Header":
                    self.places.paragraph(plain(block["c"][2]), True)
            for new in self.block(block):
                self._append(out, new)
            if top and self.current:
                self.places.paragraph(self.current, False)
        return out

    def _append(self, out: list[Block], block: Block) -> None:
        """Add a block, making a caption paragraph the caption of the picture before it."""
        if (block["t"] == "Para" and out and self.scan.captions
                and _lone_image(block) is None
                and key(plain(block["c"])) in self.scan.captions):
            picture = _lone_image(out[-1])
            if picture is not None:
                picture["c"][1] = block["c"]
                return
            if out[-1]["t"] == "Table":  # a table's caption: set above it, in italics
                out.insert(len(out) - 1, {"t": "Para", "c": [{"t": "Emph", "c": block["c"]}]})
                return
        if (block["t"] == "Para" and not self.in_quote and self.scan.quotes
                and key(plain(block["c"])) in self.scan.quotes
                and self.kind == "odt"):  # (pandoc reads Word's quotation style itself)
            block = {"t": "BlockQuote", "c": [block]}
            if out and out[-1]["t"] == "BlockQuote":
                out[-1]["c"].extend(block["c"])
                return
        out.append(block)

    def block(self, block: Block) -> list[Block]:
        kind = block["t"]
        c: Any = block.get("c")
        if kind in ("Para", "Plain"):
            inlines = self.inlines(c)
            if not plain(inlines) and not any(i["t"] in ("Image", "Note") for i in inlines):
                return []  # empty paragraphs (Word has many)
            while (len(inlines) == 1 and inlines[0]["t"] in ("Emph", "Strong")
                   and _lone_image({"t": "Para", "c": inlines[0]["c"]})):
                inlines = inlines[0]["c"]  # a picture in an italic paragraph is a picture
            return [{"t": kind, "c": inlines}]
        if kind == "Header":
            inlines = self.inlines(c[2])
            return [{"t": "Header", "c": [c[0], EMPTY_ATTR, inlines]}] if plain(inlines) else []
        if kind == "Div":
            return self.blocks(c[1])
        if kind == "Figure":
            return self.figure(c)
        if kind == "BlockQuote":
            self.in_quote += 1
            try:
                inner = self.blocks(c)
            finally:
                self.in_quote -= 1
            return [{"t": "BlockQuote", "c": inner}] if inner else []
        if kind == "BulletList":
            return [{"t": "BulletList", "c": self.list_items(c)}]
        if kind == "OrderedList":
            start, _, _ = c[0]
            return [{"t": "OrderedList", "c": [[start, {"t": "Decimal"}, {"t": "Period"}],
                                               self.list_items(c[1])]}]
        if kind == "DefinitionList":
            out: list[Block] = []
            for term, definitions in c:
                out.append({"t": "Para", "c": [{"t": "Strong", "c": self.inlines(term)}]})
                for definition in definitions:
                    out.extend(self.blocks(definition))
            return out
        if kind == "LineBlock":
            lines: list[Inline] = []
            for line in c:
                if lines:
                    lines.append({"t": "LineBreak"})
                lines.extend(self.inlines(line))
            return [{"t": "Para", "c": lines}]
        if kind == "CodeBlock":
            language = c[0][1][0] if c[0][1] else ""
            return [{"t": "CodeBlock", "c": [["", [language] if language else [], []], c[1]]}]
        if kind == "RawBlock":
            return self.raw_block(c[0], c[1])
        if kind == "Table":
            return self.table(c)
        if kind == "HorizontalRule":
            return [block]
        self.lose("unknown block", kind)
        return []

    def list_items(self, items: list[list[Block]]) -> list[list[Block]]:
        """The items of a list; tight (no blank lines between them) when each is one
        paragraph, as a word processor's lists are."""
        cleaned = [self.blocks(item) or [{"t": "Plain", "c": []}] for item in items]
        if all(b["t"] in ("Para", "Plain") for item in cleaned for b in item[:1]) and all(
                all(b["t"] != "Para" for b in item[1:]) for item in cleaned):
            for item in cleaned:
                item[0] = {"t": "Plain", "c": item[0]["c"]}
        return cleaned

    def figure(self, c: list[Any]) -> list[Block]:
        caption = self.inlines(_caption_inlines(c[1]))
        inner = self.blocks(c[2])
        images = [i for b in inner if b["t"] in ("Para", "Plain") for i in b["c"]
                  if i["t"] == "Image"]
        if len(images) != 1:
            if caption:
                inner.append({"t": "Para", "c": [{"t": "Emph", "c": caption}]})
            return inner
        image = images[0]
        if caption:
            image["c"][1] = caption
        return [{"t": "Para", "c": [image]}]

    def raw_block(self, fmt: str, text: str) -> list[Block]:
        text = text.strip()
        if fmt == "html" and text.startswith("<!--"):
            self.lose_comment(text)
            return []
        if fmt == "html" and (LINE_BREAK_TAG.fullmatch(text) or WRAPPER_BLOCK_TAG.fullmatch(text)):
            return []  # a wrapper's tag alone: its content is kept
        if fmt == "html" and self.depth < MAX_HTML_DEPTH:
            # a block of HTML in Markdown (a table, a figure...): read as HTML, then cleaned
            self.depth += 1
            try:
                inner = self.blocks(read_html_blocks(text))
            except NotespressError:
                inner = []
            finally:
                self.depth -= 1
            if inner:
                return inner
        tag = re.match(r"<\s*([a-zA-Z][\w-]*)", text)
        what = f"<{tag.group(1).lower()}>" if tag and fmt == "html" else fmt
        self.lose(f"raw {fmt.upper()}",
                  f"{what} '{snippet(re.sub(r'<[^>]+>', ' ', text), 12) or text[:60]}' "
                  "not carried over")
        return []

    def table(self, c: list[Any]) -> list[Block]:
        _, caption, colspecs, head, bodies, foot = c
        self.tables += 1
        merged = False

        def row_cells(row: list[Any]) -> list[Any]:
            nonlocal merged
            cells = []
            for cell in row[1]:
                rowspan, colspan = cell[2], cell[3]
                if rowspan > 1 or colspan > 1:
                    merged = True
                inlines: list[Inline] = []
                for block in self.blocks(cell[4]):  # the cell's paragraphs on one line
                    part = _flat_inlines(block)
                    if part and inlines:
                        inlines.append({"t": "Space"})
                    inlines.extend(part)
                cells.append([EMPTY_ATTR, cell[1], 1, 1,
                              [{"t": "Plain", "c": inlines}] if inlines else []])
                for _ in range(colspan - 1):
                    cells.append([EMPTY_ATTR, cell[1], 1, 1, []])
            return [EMPTY_ATTR, cells]

        head_rows = [row_cells(r) for r in head[1]]
        body_rows = [row_cells(r) for body in bodies for r in body[2] + body[3]]
        body_rows += [row_cells(r) for r in foot[1]]
        if not head_rows and body_rows:  # a pipe table needs a header: the first row is one
            head_rows, body_rows = body_rows[:1], body_rows[1:]
        if len(head_rows) > 1:  # one header row only
            body_rows = head_rows[1:] + body_rows
            head_rows = head_rows[:1]
        width = len(colspecs)
        for row in head_rows + body_rows:  # every row as wide as the table
            row[1] = (row[1] + [[EMPTY_ATTR, {"t": "AlignDefault"}, 1, 1, []]] * width)[:width]
        if merged:
            self.lose("table", "merged cells were split into single cells: check the table")
        table: Block = {"t": "Table", "c": [
            EMPTY_ATTR, [None, []],
            [[align, {"t": "ColWidthDefault"}] for align, _ in colspecs],
            [EMPTY_ATTR, head_rows],
            [[EMPTY_ATTR, 0, [], body_rows]],
            [EMPTY_ATTR, []]]}
        out = [table]
        caption_inlines = self.inlines(_caption_inlines(caption))
        if caption_inlines:
            out.insert(0, {"t": "Para", "c": [{"t": "Emph", "c": caption_inlines}]})
        return out

    # inlines

    def inlines(self, inlines: list[Inline]) -> list[Inline]:
        out: list[Inline] = []
        for inline in inlines:
            out.extend(self.inline(inline))
        # no space at the start or end, nor two in a row (from dropped tags)
        cleaned: list[Inline] = []
        for inline in out:
            if inline["t"] in SPACES and (not cleaned or cleaned[-1]["t"] in BREAKS):
                continue
            cleaned.append(inline)
        while cleaned and cleaned[-1]["t"] in BREAKS:
            cleaned.pop()
        return cleaned

    def inline(self, inline: Inline) -> list[Inline]:
        kind = inline["t"]
        c: Any = inline.get("c")
        if kind in ("Str", *BREAKS):
            return [inline]
        if kind in ("Emph", "Strong", "Strikeout"):
            inner = self.inlines(c)
            return [{"t": kind, "c": inner}] if inner else []
        if kind == "Underline":
            inner = self.inlines(c)
            return [{"t": "Emph", "c": inner}] if inner else []
        if kind in ("SmallCaps", "Span", "Cite"):
            return self.inlines(c[1] if kind in ("Span", "Cite") else c)
        if kind in ("Superscript", "Subscript"):
            inner = self.inlines(c)
            text = plain(inner)
            table = SUPERSCRIPTS if kind == "Superscript" else SUBSCRIPTS
            if text and all(ch in "0123456789+-=()" + ("n" if kind == "Superscript" else "")
                            for ch in text):
                return [{"t": "Str", "c": text.translate(table)}]
            return inner
        if kind == "Quoted":
            marks = ("“", "”") if c[0]["t"] == "DoubleQuote" else ("‘", "’")
            return [{"t": "Str", "c": marks[0]}, *self.inlines(c[1]),
                    {"t": "Str", "c": marks[1]}]
        if kind == "Code":
            return [{"t": "Code", "c": [EMPTY_ATTR, c[1]]}]
        if kind == "Math":
            self.lose("equation", f"'{snippet(c[1], 12)}' kept as TeX code: set it as text "
                                  "or a picture")
            return [{"t": "Code", "c": [EMPTY_ATTR, c[1]]}]
        if kind == "RawInline":
            return self.raw_inline(c[0], c[1])
        if kind == "Note":
            self.footnotes += 1
            saved = self.current
            blocks = self.blocks(c)
            self.current = saved
            return [{"t": "Note", "c": blocks}] if blocks else []
        if kind == "Link":
            return self.link(c)
        if kind == "Image":
            return self.image(c)
        self.lose("unknown text element", kind)
        return []

    def raw_inline(self, fmt: str, text: str) -> list[Inline]:
        if fmt == "html":
            if LINE_BREAK_TAG.fullmatch(text.strip()):
                return [{"t": "LineBreak"}]
            if text.startswith("<!--"):
                self.lose_comment(text)
                return []
            if WRAPPER_INLINE_TAG.fullmatch(text.strip()):
                return []  # its content is kept (as text)
        self.lose(f"raw {fmt.upper()}", f"'{snippet(text, 8)}' not carried over")
        return []

    def link(self, c: list[Any]) -> list[Inline]:
        inner = self.inlines(c[1])
        url, title = c[2]
        parts = urlsplit(url)
        if url.startswith("#") and len(url) > 1:  # to a place in the document
            heading = self.headings.get(unquote(url[1:]))
            if heading is not None and heading_slug(heading) and inner:
                return [{"t": "Link", "c": [EMPTY_ATTR, inner,
                                            ["#" + heading_slug(heading), title]]}]
            self.lose("link", f"to '{snippet(url, 1)[:80]}' (a place in the document that is "
                              "not a heading) kept as plain text")
            return inner
        if not url or url.startswith("#"):
            return inner
        if parts.scheme in ("http", "https", "mailto", "ftp", "tel") or (
                not parts.scheme and parts.netloc):
            if not parts.scheme:
                url = "https:" + url
            return [{"t": "Link", "c": [EMPTY_ATTR, inner or _str_inlines(url), [url, title]]}]
        if parts.scheme in ("file", "javascript", "data") or not parts.scheme:
            self.lose("link", f"to '{snippet(url, 1)[:80]}' (not a web address a reader can "
                              "use) kept as plain text")
            return inner
        return [{"t": "Link", "c": [EMPTY_ATTR, inner, [url, title]]}]

    def image(self, c: list[Any]) -> list[Inline]:
        url = c[2][0]
        alt = self.inlines(c[1])
        picture, why = self.resolve_picture(url)
        if picture is None:
            self.lose("picture", why)
            return []
        if self.kind in ("docx", "odt", "rtf"):
            alt = []  # Word's "alt text" is a description, often made up by Word: no caption
        return [{"t": "Image", "c": [EMPTY_ATTR, alt, [picture, ""]]}]


def _heading_texts(value: Any, found: dict[str, str]) -> dict[str, str]:
    """pandoc's id of every heading (in quotes, lists, divs...) -> the heading's text."""
    if isinstance(value, dict):
        if value.get("t") == "Header" and value["c"][1][0]:
            found.setdefault(value["c"][1][0], plain(value["c"][2]))
        for child in value.values():
            _heading_texts(child, found)
    elif isinstance(value, list):
        for child in value:
            _heading_texts(child, found)
    return found


def settle_internal_links(blocks: list[Block]) -> tuple[list[Block], list[Lost]]:
    """Links to headings that are no longer in the body (the first heading became the
    title) made plain text, as notespress would refuse them; ids as notespress gives them
    (a repeated heading's second id ends in -2)."""
    ids: set[str] = set()
    for block in _all_headers(blocks):
        unique_slug(heading_slug(plain(block["c"][2])), ids)
    lost: list[Lost] = []

    def settle(value: Any) -> Any:
        if isinstance(value, list):
            out: list[Any] = []
            for item in value:
                if (isinstance(item, dict) and item.get("t") == "Link"
                        and item["c"][2][0].startswith("#")
                        and item["c"][2][0][1:] not in ids):
                    lost.append(Lost("link", f"to '{item['c'][2][0][:80]}' (the title, not a "
                                             "heading of the article) kept as plain text"))
                    out.extend(settle(item["c"][1]))
                else:
                    out.append(settle(item))
            return out
        if isinstance(value, dict):
            return {k: settle(v) for k, v in value.items()}
        return value

    return settle(blocks), lost


def _all_headers(value: Any) -> list[Block]:
    if isinstance(value, dict):
        own = [Block(t="Header", c=value["c"])] if value.get("t") == "Header" else []
        return own + [h for child in value.values() for h in _all_headers(child)]
    if isinstance(value, list):
        return [h for child in value for h in _all_headers(child)]
    return []


def _str_inlines(text: str) -> list[Inline]:
    """Text as inlines: words and spaces."""
    out: list[Inline] = []
    for index, word in enumerate(text.split(" ")):
        if index:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _caption_inlines(caption: list[Any]) -> list[Inline]:
    """A figure's or table's caption ([short, blocks]) as inlines."""
    blocks = caption[1] if isinstance(caption, list) and len(caption) > 1 else []
    out: list[Inline] = []
    for block in blocks:
        if block.get("t") in ("Plain", "Para"):
            if out:
                out.append({"t": "Space"})
            out.extend(block["c"])
    return out


def _flat_inlines(block: Block) -> list[Inline]:
    """A block as inlines on one line (for a table cell)."""
    if block["t"] in ("Plain", "Para"):
        return [i if i["t"] not in ("LineBreak", "SoftBreak") else {"t": "Space"}
                for i in block["c"]]
    if block["t"] == "Header":
        return [{"t": "Strong", "c": block["c"][2]}]
    if block["t"] == "CodeBlock":
        return [{"t": "Code", "c": [EMPTY_ATTR, " ".join(block["c"][1].split())]}]
    out: list[Inline] = []
    for item in child_blocks(block):
        part = _flat_inlines(item)
        if part and out:
            out.append({"t": "Str", "c": ";"})
            out.append({"t": "Space"})
        out.extend(part)
    return out


def _lone_image(block: Block) -> Inline | None:
    """The picture alone in a paragraph (in italics or bold or not), if it is."""
    if block["t"] in ("Para", "Plain"):
        inlines: list[Inline] = [i for i in block["c"] if i["t"] not in SPACES]
        while len(inlines) == 1 and inlines[0]["t"] in ("Emph", "Strong"):
            inlines = [i for i in inlines[0]["c"] if i["t"] not in SPACES]
        if len(inlines) == 1 and inlines[0]["t"] == "Image":
            return inlines[0]
    return None


# ------------------------------------------------------------------ a web page's footnotes


NOTES_HEADING = re.compile(r"^(notes?|footnotes?|endnotes?|références|referencias|riferimenti|"
                           r"anmerkungen|fußnoten|notas|پانوشت‌ها|پانویس‌ها|یادداشت‌ها)$", re.I)
BACKLINK = re.compile(r"^[\s↩↑^⏎︎]*$|^(back|return|retour)$", re.I)


def web_footnotes(blocks: list[Block]) -> list[Block]:
    """A web page's footnotes made real ones: calls are links to '#...' whose text is a
    number (in superscript or brackets), the notes a numbered list at the end of the page
    (maybe in a section of its own, after a rule or a 'Notes' heading)."""
    blocks = list(blocks)
    found = _notes_list(blocks)
    if found is None:
        return blocks
    container, index = found
    notes_list = container[index]
    items = notes_list["c"][1]
    start = notes_list["c"][0][0]
    calls: list[int] = []

    def find(value: Any) -> None:
        if isinstance(value, dict):
            number = _note_number(value)
            if number is not None:
                calls.append(number)
            elif value is not notes_list:
                find(value.get("c"))
        elif isinstance(value, list):
            for item in value:
                find(item)

    find(blocks)
    if not calls or not all(start <= n < start + len(items) for n in calls):
        return blocks
    notes = {start + i: _without_backlinks(item) for i, item in enumerate(items)}

    def replace(value: Any) -> Any:
        if isinstance(value, list):
            out = []
            for item in value:
                if isinstance(item, dict) and item.get("t") == "Superscript":
                    inner = [i for i in item["c"] if i.get("t") != "Space"]
                    if len(inner) == 1 and _note_number(inner[0]) is not None:
                        item = inner[0]
                number = _note_number(item) if isinstance(item, dict) else None
                if number is not None:
                    out.append({"t": "Note", "c": notes[number]})
                else:
                    out.append(replace(item))
            return out
        if isinstance(value, dict) and "c" in value:
            return {**value, "c": replace(value["c"])}
        return value

    del container[index]
    while container and index > 0 and (
            container[index - 1]["t"] == "HorizontalRule"
            or (container[index - 1]["t"] == "Header"
                and NOTES_HEADING.match(plain(container[index - 1]["c"][2])))):
        index -= 1
        del container[index]
    return [replace(block) for block in blocks]


def _notes_list(blocks: list[Block]) -> tuple[list[Block], int] | None:
    """The numbered list that ends the page (or the section that ends it, after its rules):
    the list of blocks it is in, and its index there."""
    container, index = blocks, len(blocks) - 1
    while index >= 0 and container[index]["t"] in ("HorizontalRule", "Div"):
        inner = container[index]["c"][1] if container[index]["t"] == "Div" else []
        if inner:  # the notes' own section: look inside it
            container, index = inner, len(inner) - 1
        else:
            index -= 1
    if index < 0 or container[index]["t"] != "OrderedList":
        return None
    return container, index


def _note_number(link: dict[str, Any]) -> int | None:
    """The number of a footnote call: a link to '#...' whose text is a number ('[2]')."""
    if link.get("t") != "Link" or not link["c"][2][0].startswith("#"):
        return None
    match = re.fullmatch(r"\[?(\d{1,3})\]?", plain(link["c"][1]))
    return int(match.group(1)) if match else None


def _without_backlinks(blocks: list[Block]) -> list[Block]:
    """A note without its links back to the call ('↩', 'back')."""

    def strip(value: Any) -> Any:
        if isinstance(value, list):
            return [strip(v) for v in value if not (
                isinstance(v, dict) and v.get("t") == "Link"
                and v["c"][2][0].startswith("#") and BACKLINK.match(plain(v["c"][1])))]
        if isinstance(value, dict) and "c" in value:
            return {**value, "c": strip(value["c"])}
        return value

    return [strip(block) for block in blocks]
