"""`notespress import`: contributors' documents become articles of an issue.

Word (.docx), LibreOffice (.odt), web pages (.html), RTF and Markdown written for other
tools (Hugo's TOML `+++` or YAML `---` front matter, Jekyll's YAML, Pelican's `Key: value`
headers) are read by pandoc (the pypandoc-binary wheel) into its document tree, cleaned here
into what notespress prints (no raw HTML, no attributes or divs, headings under the title,
pictures copied into the issue's images/ under safe names, footnotes kept), and written back
as Markdown with front matter.

What pandoc does not carry over (comments, tracked changes, text boxes, drawings) is found
in the document's own XML and reported with the place it was near.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from .errors import NotespressError, Problem

FORMATS = {".docx": "docx", ".odt": "odt", ".html": "html", ".htm": "html",
           ".xhtml": "html", ".rtf": "rtf", ".md": "markdown", ".markdown": "markdown",
           ".mdown": "markdown", ".mkd": "markdown", ".txt": "markdown"}
NOT_READ = {
    ".doc": "an old Word file: open it in Word or LibreOffice and save it as .docx or .odt",
    ".pdf": "a PDF cannot be turned back into an article: ask for the original document "
            "(.docx, .odt) or copy its text into 'notespress new article'",
    ".pages": "an Apple Pages file: export it as Word (.docx) from Pages",
    ".wpd": "a WordPerfect file: open it in LibreOffice and save it as .odt",
}
# Markdown that notespress renders: CommonMark with pipe tables, footnotes, strikethrough
WRITER = "commonmark+pipe_tables+footnotes+strikeout-raw_html"
READERS = {"docx": "docx", "odt": "odt", "html": "html", "rtf": "rtf",
           "markdown": "commonmark_x-smart-tex_math_dollars-wikilinks_title_after_pipe"}
PICTURE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
MAX_PICTURE_BYTES = 60_000_000
# names a word processor writes for whoever set it up, not the author of the text
NOT_AUTHORS = {"", "user", "admin", "administrator", "owner", "author", "unknown",
               "microsoft office user", "windows user", "python-docx", "pandoc", "utilisateur",
               "utente", "usuario", "benutzer", "home", "pc", "default"}
NOT_TITLES = {"", "untitled", "document", "document1", "doc1", "sans titre", "senza titolo",
              "sin título", "title", "titre"}


@dataclass(frozen=True)
class Lost:
    """Something of the document that is not in the article, and where it was."""

    what: str  # "comment", "tracked change", "text box", "raw HTML", "picture"...
    detail: str  # its text, or why
    place: str = ""  # near which paragraph or heading

    def __str__(self) -> str:
        where = f" ({self.place})" if self.place else ""
        return f"{self.what}: {self.detail}{where}"


def summarize_lost(lost: tuple[Lost, ...] | list[Lost], limit: int = 3) -> list[str]:
    """One line per thing not carried over; of a kind met many times (links to a site's
    own pages, template tags), the first `limit` and how many more."""
    groups: dict[str, list[Lost]] = {}
    for item in lost:
        groups.setdefault(item.what, []).append(item)
    lines = []
    for what, items in groups.items():
        lines += [str(item) for item in items[:limit]]
        if len(items) > limit:
            lines.append(f"... and {len(items) - limit} more of the same ({what})")
    return lines


def count_lost(lost: tuple[Lost, ...] | list[Lost]) -> dict[str, int]:
    """How many of each kind: {"comment": 2, "tracked change": 5, ...}."""
    counts: dict[str, int] = {}
    for item in lost:
        kind = item.what.split(" (")[0].split(" by ")[0]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


@dataclass(frozen=True)
class Imported:
    source: Path
    article: Path
    title: str
    title_from: str  # "metadata", "front matter", "first heading", "bold first line", "file name"
    author: str
    lang: str
    pictures: tuple[Path, ...]
    footnotes: int
    tables: int
    lost: tuple[Lost, ...]
    problems: tuple[Problem, ...] = ()  # what notespress says of the article as written


@dataclass(frozen=True)
class ImportReport:
    issue: Path
    imported: tuple[Imported, ...]
    listed: bool  # the articles were added to issue.yaml's `articles:` list


# ------------------------------------------------------------------ what the XML tells


@dataclass
class Scan:
    """What is read from a document's own files besides pandoc's tree."""

    title: str = ""
    subtitle: str = ""
    author: str = ""
    lang: str = ""
    summary: str = ""
    captions: set[str] = field(default_factory=set)  # texts of caption paragraphs
    quotes: set[str] = field(default_factory=set)  # texts of quotation paragraphs
    front: set[str] = field(default_factory=set)  # title/subtitle/author/date paragraphs
    lost: list[Lost] = field(default_factory=list)


def _key(text: str) -> str:
    """Text compared loosely: case, spaces and punctuation around it aside."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip(" .:").casefold()


def _snippet(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


class _Places:
    """Where things are: the last heading and the paragraph, as an editor finds them."""

    def __init__(self) -> None:
        self.heading = ""
        self.last_text = ""

    def paragraph(self, text: str, heading: bool) -> None:
        if heading and text.strip():
            self.heading = text.strip()
            self.last_text = ""
        elif text.strip():
            self.last_text = text.strip()

    def describe(self, text: str = "") -> str:
        parts = []
        if text.strip() and text.strip() == self.heading:
            return f'in the heading "{_snippet(text)}"'
        if text.strip():
            parts.append(f'in the paragraph "{_snippet(text)}"')
        elif self.last_text:
            parts.append(f'after the paragraph "{_snippet(self.last_text)}"')
        if self.heading:
            parts.append(f'under "{_snippet(self.heading)}"')
        return ", ".join(parts) or "at the start"


def _read_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > 200_000_000:
        raise NotespressError(Problem(None, f"{name} is too large to read"))
    return ElementTree.fromstring(archive.read(info))


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
DC = "{http://purl.org/dc/elements/1.1/}"


def scan_docx(path: Path) -> Scan:
    """Metadata, caption and quotation paragraphs, and what pandoc leaves out of a .docx:
    comments, tracked changes, text boxes, embedded objects and charts."""
    scan = Scan()
    with zipfile.ZipFile(path) as archive:
        core = _read_xml(archive, "docProps/core.xml")
        styles = _read_xml(archive, "word/styles.xml")
        document = _read_xml(archive, "word/document.xml")
        comments = _read_xml(archive, "word/comments.xml")
    if core is not None:
        scan.title = (core.findtext(f"{DC}title") or "").strip()
        scan.author = (core.findtext(f"{DC}creator") or "").strip()
        scan.lang = (core.findtext(f"{DC}language") or "").strip()
        scan.summary = (core.findtext(f"{DC}description") or "").strip()
    names: dict[str, str] = {}
    outline: set[str] = set()
    if styles is not None:
        for style in styles.iter(f"{W}style"):
            style_id = style.get(f"{W}styleId", "")
            name = style.find(f"{W}name")
            names[style_id] = (name.get(f"{W}val", "") if name is not None else style_id).lower()
            if style.find(f"{W}pPr/{W}outlineLvl") is not None:
                outline.add(style_id)
        lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        if lang is not None and not scan.lang:
            scan.lang = lang.get(f"{W}val", "")
        if lang is not None and lang.get(f"{W}bidi"):
            scan.lang = scan.lang or lang.get(f"{W}bidi", "")
            scan.front.add("\0bidi:" + lang.get(f"{W}bidi", ""))
    notes: dict[str, tuple[str, str]] = {}
    if comments is not None:
        for comment in comments.iter(f"{W}comment"):
            text = " ".join("".join(t.text or "" for t in p.iter(f"{W}t"))
                            for p in comment.iter(f"{W}p")).strip()
            notes[comment.get(f"{W}id", "")] = (comment.get(f"{W}author", ""), text)
    if document is None:
        return scan
    places = _Places()
    seen_comments: set[str] = set()

    def paragraph_text(p: ElementTree.Element) -> str:
        return "".join(t.text or "" for t in _docx_runs_text(p))

    for p, in_box in _docx_paragraphs(document):
        if in_box:
            continue
        ppr = p.find(f"{W}pPr")
        style_id = ""
        if ppr is not None and ppr.find(f"{W}pStyle") is not None:
            style_id = ppr.find(f"{W}pStyle").get(f"{W}val", "")
        style = names.get(style_id, style_id.lower())
        text = paragraph_text(p)
        heading = (style.startswith(("heading", "title")) or style_id in outline
                   or (ppr is not None and ppr.find(f"{W}outlineLvl") is not None))
        if style in CAPTION_STYLES or style.endswith(" caption"):
            scan.captions.add(_key(text))
        if "quote" in style:
            scan.quotes.add(_key(text))
        if style in ("title", "subtitle", "author", "date") and text.strip():
            scan.front.add(_key(text))
        places.paragraph(text, heading)
        where = places.describe(text)
        for mark in list(p.iter(f"{W}commentRangeStart")) + list(p.iter(f"{W}commentReference")):
            number = mark.get(f"{W}id", "")
            if number in seen_comments:
                continue
            seen_comments.add(number)
            author, said = notes.get(number, ("", ""))
            by = f" by {author}" if author else ""
            scan.lost.append(Lost(f"comment{by}", f'"{_snippet(said, 30)}"', where))
        for kind, tag, text_tag in (("insertion", "ins", "t"), ("deletion", "del", "delText"),
                                    ("moved text", "moveTo", "t")):
            for change in p.iter(f"{W}{tag}"):
                changed = "".join(t.text or "" for t in change.iter(f"{W}{text_tag}")).strip()
                if not changed:
                    continue
                author = change.get(f"{W}author", "")
                by = f" by {author}" if author else ""
                outcome = "dropped" if tag == "del" else "kept"
                scan.lost.append(Lost(f"tracked change ({kind}{by}, {outcome})",
                                      f'"{_snippet(changed, 20)}"', where))
        for box in _docx_text_boxes(p):
            said = " ".join(paragraph_text(q) for q in box.iter(f"{W}p")).strip()
            if said:
                scan.lost.append(Lost("text box", f'"{_snippet(said, 30)}" (copy its text '
                                      "into the article where it belongs)", where))
        for element in p.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "chart" or (tag == "OLEObject"):
                scan.lost.append(Lost("chart or embedded object", "not carried over (paste "
                                      "it as a picture, or export it as PNG)", where))
    return scan


def _docx_paragraphs(root: ElementTree.Element) -> Iterator[tuple[ElementTree.Element, bool]]:
    """Every w:p in document order, and whether it is inside a text box (the copies Word
    keeps for old readers, in mc:Fallback, left out)."""

    def walk(element: ElementTree.Element, in_box: bool) -> Iterator[Any]:
        for child in element:
            if child.tag == MC_FALLBACK:
                continue
            if child.tag == f"{W}p":
                yield child, in_box
            yield from walk(child, in_box or child.tag == f"{W}txbxContent")

    yield from walk(root, False)


def _docx_text_boxes(p: ElementTree.Element) -> Iterator[ElementTree.Element]:
    def walk(element: ElementTree.Element) -> Iterator[ElementTree.Element]:
        for child in element:
            if child.tag == MC_FALLBACK:
                continue
            if child.tag == f"{W}txbxContent":
                yield child
                continue
            yield from walk(child)

    yield from walk(p)


def _docx_runs_text(p: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The w:t of a paragraph, not those in its text boxes."""

    def walk(element: ElementTree.Element) -> Iterator[ElementTree.Element]:
        for child in element:
            if child.tag in (f"{W}txbxContent", MC_FALLBACK):
                continue
            if child.tag == f"{W}t":
                yield child
            yield from walk(child)

    yield from walk(p)


ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def _odf(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{ODF[prefix]}}}{local}"


CAPTION_STYLES = {"caption", "illustration", "figure", "drawing", "table", "text",
                  "figure caption", "image caption", "table caption"}


def scan_odt(path: Path) -> Scan:
    """Metadata, caption and quotation paragraphs, and what pandoc leaves out of an .odt:
    comments (office:annotation), tracked changes, text boxes, embedded objects."""
    scan = Scan()
    with zipfile.ZipFile(path) as archive:
        meta = _read_xml(archive, "meta.xml")
        styles = _read_xml(archive, "styles.xml")
        content = _read_xml(archive, "content.xml")
    if meta is not None:
        office_meta = meta.find(_odf("office:meta"))
        if office_meta is not None:
            scan.title = (office_meta.findtext(_odf("dc:title")) or "").strip()
            scan.author = (office_meta.findtext(_odf("dc:creator"))
                           or office_meta.findtext(_odf("meta:initial-creator")) or "").strip()
            scan.lang = (office_meta.findtext(_odf("dc:language")) or "").strip()
            scan.summary = (office_meta.findtext(_odf("dc:description")) or "").strip()
    parents: dict[str, str] = {}
    for tree in (styles, content):
        if tree is None:
            continue
        for style in tree.iter(_odf("style:style")):
            name = style.get(_odf("style:name"), "")
            parents[name] = style.get(_odf("style:parent-style-name"), "")
        if tree is styles and not scan.lang:
            for default in tree.iter(_odf("style:default-style")):
                props = default.find(_odf("style:text-properties"))
                if props is not None and props.get(_odf("fo:language")):
                    country = props.get(_odf("fo:country"), "")
                    scan.lang = props.get(_odf("fo:language"), "") + (
                        f"-{country}" if country and country != "none" else "")
                    break

    def family(style: str) -> list[str]:
        chain = []
        while style and style not in chain and len(chain) < 20:
            chain.append(style)
            style = parents.get(style, "")
        return [c.replace("_20_", " ").lower() for c in chain]

    if content is None:
        return scan
    body = content.find(f"{_odf('office:body')}/{_odf('office:text')}")
    if body is None:
        return scan
    places = _Places()
    changes: dict[str, tuple[str, str, str]] = {}
    tracked = body.find(_odf("text:tracked-changes"))
    if tracked is not None:
        for region in tracked.iter(_odf("text:changed-region")):
            number = region.get(_odf("text:id")) or region.get(
                "{http://www.w3.org/XML/1998/namespace}id", "")
            for kind in ("insertion", "deletion", "format-change"):
                change = region.find(_odf(f"text:{kind}"))
                if change is None:
                    continue
                info = change.find(_odf("office:change-info"))
                author = (info.findtext(_odf("dc:creator")) or "") if info is not None else ""
                said = " ".join(_odf_text(p) for p in change.iter()
                                if p.tag in (_odf("text:p"), _odf("text:h"))).strip()
                changes[number] = (kind, author, said)

    def inserted_text(paragraph: ElementTree.Element, number: str) -> str:
        """The text between a change's start and end marks in one paragraph."""
        out, inside = [], False
        for element in paragraph.iter():
            if element.tag == _odf("text:change-start") and element.get(
                    _odf("text:change-id")) == number:
                inside = True
                out.append(element.tail or "")
            elif element.tag == _odf("text:change-end") and element.get(
                    _odf("text:change-id")) == number:
                break
            elif inside:
                out.append((element.text or "") + (element.tail or ""))
        return "".join(out).strip()

    reported: set[str] = set()
    for element, in_box in _odt_blocks(body):
        text = _odf_text(element)
        heading = element.tag == _odf("text:h")
        styles_of = family(element.get(_odf("text:style-name"), ""))
        if not in_box:
            if any(s in CAPTION_STYLES or s.endswith("caption") for s in styles_of):
                scan.captions.add(_key(text))
            if "quotations" in styles_of or "quote" in styles_of:
                scan.quotes.add(_key(text))
            if styles_of and styles_of[-1] in ("title", "subtitle", "author", "date"):
                scan.front.add(_key(text))
            places.paragraph(text, heading or "title" in styles_of)
        where = places.describe(text)
        for note in element.iter(_odf("office:annotation")):
            author = note.findtext(_odf("dc:creator")) or ""
            said = " ".join(_odf_text(p) for p in note.iter(_odf("text:p"))).strip()
            by = f" by {author}" if author else ""
            scan.lost.append(Lost(f"comment{by}", f'"{_snippet(said, 30)}"', where))
        for mark in element.iter():
            if mark.tag not in (_odf("text:change-start"), _odf("text:change")):
                continue
            number = mark.get(_odf("text:change-id"), "")
            if number in reported or number not in changes:
                continue
            reported.add(number)
            kind, author, said = changes[number]
            if kind == "insertion":
                said = inserted_text(element, number) or said
            by = f" by {author}" if author else ""
            outcome = {"insertion": "kept", "deletion": "dropped"}.get(kind, "ignored")
            detail = f'"{_snippet(said, 20)}"' if said else "(formatting)"
            scan.lost.append(Lost(f"tracked change ({kind}{by}, {outcome})", detail, where))
        for shape in element.iter():
            if shape.tag not in SHAPES or shape.tag == _odf("draw:text-box"):
                continue
            said = " ".join(_odf_text(p) for p in shape.findall(_odf("text:p"))).strip()
            if said:  # a drawing with text in it (Word's text boxes come to this)
                scan.lost.append(Lost("text box", f'"{_snippet(said, 30)}" (copy its text '
                                      "into the article where it belongs)", where))
        for frame in element.iter(_odf("draw:frame")):
            box = frame.find(_odf("draw:text-box"))
            if box is not None:
                has_picture = box.find(f".//{_odf('draw:image')}") is not None
                said = " ".join(_odf_text(p, skip_frames=True)
                                for p in box.iter(_odf("text:p"))).strip()
                if has_picture and said:  # a captioned picture, as LibreOffice makes them
                    scan.captions.add(_key(said))
                    scan.captions.add(_key(re.sub(r"^[^:]{1,30}\s\d+:\s*", "", said)))
                elif said:
                    scan.lost.append(Lost("text box", f'"{_snippet(said, 30)}" (copy its '
                                          "text into the article where it belongs)", where))
            if frame.find(_odf("draw:object")) is not None:
                scan.lost.append(Lost("chart or embedded object", "not carried over (paste "
                                      "it as a picture, or export it as PNG)", where))
    return scan


SHAPES = {_odf(f"draw:{name}") for name in ("text-box", "custom-shape", "rect", "ellipse",
                                            "polygon", "path", "caption", "regular-polygon")}


def _odt_blocks(body: ElementTree.Element) -> Iterator[tuple[ElementTree.Element, bool]]:
    """Every text:p and text:h in document order (not those of notes and comments, which
    belong to their paragraph), and whether it is inside a text box."""

    def walk(element: ElementTree.Element, in_box: bool) -> Iterator[Any]:
        for child in element:
            if child.tag in (_odf("office:annotation"), _odf("text:tracked-changes"),
                             _odf("text:note")):
                continue
            if child.tag in (_odf("text:p"), _odf("text:h")):
                yield child, in_box
            yield from walk(child, in_box or child.tag in SHAPES)

    yield from walk(body, False)


def _odf_text(element: ElementTree.Element, skip_frames: bool = True) -> str:
    """A paragraph's own text: not its comments, notes, nor the text of the frames and
    drawings anchored in it."""
    skip = {_odf("office:annotation"), _odf("text:note"), *SHAPES}
    if skip_frames:
        skip.add(_odf("draw:frame"))

    def walk(node: ElementTree.Element) -> Iterator[str]:
        if node.text:
            yield node.text
        for child in node:
            if child.tag in skip:
                pass
            elif child.tag == _odf("text:s"):
                yield " " * int(child.get(_odf("text:c"), "1"))
            elif child.tag in (_odf("text:tab"), _odf("text:line-break")):
                yield " "
            else:
                yield from walk(child)
            if child.tail:
                yield child.tail

    return "".join(walk(element))


# ------------------------------------------------------------------ Markdown from elsewhere


@dataclass
class MarkdownSource:
    meta: dict[str, Any]
    body: str
    kind: str  # "toml", "yaml", "pelican", "none"
    lost: list[Lost]


PELICAN_KEYS = {"title", "date", "modified", "author", "authors", "category", "tags",
                "slug", "summary", "lang", "status", "translation", "save_as", "url",
                "subtitle", "description", "template"}


def split_markdown(text: str, path: Path) -> MarkdownSource:
    """Front matter of Hugo (TOML `+++` or YAML `---`), Jekyll (YAML) and Pelican or
    MultiMarkdown (`Key: value` lines), and the body with the site generators' own tags
    (shortcodes, Liquid tags, kramdown attribute lists) taken out and reported."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    kind, start = "none", 0
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in (fence, "...")),
                   None)
        if end is None:
            raise NotespressError(Problem(path, f"the front matter opened by '{fence}' on "
                                          f"line 1 is never closed: add a '{fence}' line", 1))
        block = "\n".join(lines[1:end])
        if fence == "+++":
            import tomllib

            try:
                meta = tomllib.loads(block)
            except tomllib.TOMLDecodeError as exc:
                raise NotespressError(Problem(path, f"TOML front matter: {exc}; fix it or "
                                              "remove it")) from None
            kind = "toml"
        else:
            from .sources import parse_yaml

            meta = parse_yaml(block, path, line_offset=1, what="front matter").data
            kind = "yaml"
        start = end + 1
    else:
        header = []
        for line in lines:
            if not line.strip():
                break
            header.append(line)
        pairs = [re.match(r"^([A-Za-z][\w -]*):\s*(.*)$", line) for line in header]
        if header and all(pairs) and pairs[0].group(1).strip().lower() == "title" and all(
                m.group(1).strip().lower() in PELICAN_KEYS for m in pairs if m):
            meta = {m.group(1).strip().lower(): m.group(2).strip() for m in pairs if m}
            kind, start = "pelican", len(header)
    body_lines = lines[start:]
    lost: list[Lost] = []
    out: list[str] = []
    fence = ""
    for number, line in enumerate(body_lines, start=start + 1):
        opening = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if fence or opening:  # code is printed as it is written: no tag is taken out
            if fence and line.strip().startswith(fence):
                fence = ""
            elif not fence and opening:
                fence = opening.group(1)
            out.append(line)
            continue
        new = _figure_shortcode(line)
        new = re.sub(r"\{:[^}]*\}", "", new)  # kramdown attribute lists
        new = re.sub(r"\{\{\s*[A-Za-z_][\w-]*\(\s*[\"']([^\"']+)[\"'][^}]*\)\s*\}\}",
                     lambda m: f"`{m.group(1)}`", new)  # {{domxref("Node")}}: its name
        for pattern, what in ((r"\{\{<.*?>\}\}|\{\{%.*?%\}\}", "Hugo shortcode"),
                              (r"\{%.*?%\}", "Liquid tag"), (r"\{\{.*?\}\}", "template tag")):
            for match in re.finditer(pattern, new):
                lost.append(Lost(what, f"'{_snippet(match.group(0), 12)}' removed",
                                 f"line {number}"))
            new = re.sub(pattern, "", new)
        if new.strip() or not line.strip():
            out.append(new)
    return MarkdownSource(meta=meta, body="\n".join(out), kind=kind, lost=lost)


def _figure_shortcode(line: str) -> str:
    """Hugo's {{< figure src="..." caption="..." >}} as a Markdown picture."""
    def replace(match: re.Match[str]) -> str:
        args = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        caption = args.get("caption") or args.get("title") or args.get("alt") or ""
        return f"![{caption}]({args['src']})" if args.get("src") else match.group(0)

    return re.sub(r"\{\{[<%]\s*figure\s+(.*?)\s*[>%]\}\}", replace, line)


def _meta_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_meta_text(v) for v in value if _meta_text(v))
    if isinstance(value, dict):
        return _meta_text(value.get("name") or value.get("title") or "")
    if isinstance(value, bool) or value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


# ------------------------------------------------------------------ pandoc's tree, cleaned

EMPTY_ATTR: list[Any] = ["", [], []]
SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def plain(nodes: list[Any]) -> str:
    """The text of a list of pandoc inlines (or blocks)."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            kind = value.get("t")
            if kind == "Str":
                out.append(value["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind in ("Code", "Math"):
                out.append(value["c"][1])
            elif kind in ("Note", "RawInline", "RawBlock"):
                return
            elif kind in ("Para", "Plain", "Header"):
                walk(value.get("c"))
                out.append(" ")
            else:
                walk(value.get("c"))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(nodes)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _str_inlines(text: str) -> list[Any]:
    out: list[Any] = []
    for index, word in enumerate(text.split(" ")):
        if index:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


@dataclass
class Picture:
    """A picture of the document: its bytes, and the name it gets in images/."""

    data: bytes
    ext: str
    name: str = ""


class Cleaner:
    """Turns pandoc's tree into one that the CommonMark writer writes as notespress Markdown.

    Divs and spans are unwrapped, attributes dropped, raw HTML turned into what it means
    (<br>) or dropped and reported, underlining made emphasis, superscript and subscript
    digits made Unicode characters, figures made pictures whose alt text is their caption,
    table cells flattened to one line each, relative and internal links made plain text."""

    def __init__(self, source: Path, kind: str, scan: Scan,
                 resolve_picture: Any) -> None:
        self.source = source
        self.kind = kind
        self.scan = scan
        self.resolve_picture = resolve_picture
        self.lost: list[Lost] = []
        self.places = _Places()
        self.current = ""
        self.footnotes = 0
        self.tables = 0
        self.in_quote = 0
        self.depth = 0  # HTML read inside Markdown, inside HTML...

    def place(self) -> str:
        return self.places.describe(self.current)

    def lose(self, what: str, detail: str) -> None:
        self.lost.append(Lost(what, detail, self.place()))

    # blocks

    def blocks(self, blocks: list[Any], top: bool = False) -> list[Any]:
        out: list[Any] = []
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

    def _append(self, out: list[Any], block: dict[str, Any]) -> None:
        """Add a block, making a caption paragraph the caption of the picture before it."""
        if (block["t"] == "Para" and out and self.scan.captions
                and _lone_image(block) is None
                and _key(plain(block["c"])) in self.scan.captions):
            picture = _lone_image(out[-1])
            if picture is not None:
                picture["c"][1] = block["c"]
                return
            if out[-1]["t"] == "Table":  # a table's caption: set above it, in italics
                out.insert(len(out) - 1, {"t": "Para", "c": [{"t": "Emph", "c": block["c"]}]})
                return
        if (block["t"] == "Para" and not self.in_quote and self.scan.quotes
                and _key(plain(block["c"])) in self.scan.quotes
                and self.kind == "odt"):  # (pandoc reads Word's quotation style itself)
            block = {"t": "BlockQuote", "c": [block]}
            if out and out[-1]["t"] == "BlockQuote":
                out[-1]["c"].extend(block["c"])
                return
        out.append(block)

    def block(self, block: dict[str, Any]) -> list[dict[str, Any]]:
        kind, c = block["t"], block.get("c")
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
            out: list[dict[str, Any]] = []
            for term, definitions in c:
                out.append({"t": "Para", "c": [{"t": "Strong", "c": self.inlines(term)}]})
                for definition in definitions:
                    out.extend(self.blocks(definition))
            return out
        if kind == "LineBlock":
            inlines: list[Any] = []
            for line in c:
                if inlines:
                    inlines.append({"t": "LineBreak"})
                inlines.extend(self.inlines(line))
            return [{"t": "Para", "c": inlines}]
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

    def list_items(self, items: list[Any]) -> list[Any]:
        """The items of a list; tight (no blank lines between them) when each is one
        paragraph, as a word processor's lists are."""
        cleaned = [self.blocks(item) or [{"t": "Plain", "c": []}] for item in items]
        if all(b["t"] in ("Para", "Plain") for item in cleaned for b in item[:1]) and all(
                all(b["t"] != "Para" for b in item[1:]) for item in cleaned):
            for item in cleaned:
                item[0] = {"t": "Plain", "c": item[0]["c"]}
        return cleaned

    def figure(self, c: list[Any]) -> list[dict[str, Any]]:
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

    def raw_block(self, fmt: str, text: str) -> list[dict[str, Any]]:
        text = text.strip()
        if fmt == "html" and text.startswith("<!--"):
            said = text.removeprefix("<!--").removesuffix("-->").strip()
            if said:
                self.lose("editor's note (HTML comment)", f'"{_snippet(said, 20)}" removed')
            return []
        if fmt == "html" and re.fullmatch(r"<br\s*/?>", text, re.I):
            return []
        if fmt == "html" and re.fullmatch(r"</?(div|section|span|p|center|font|small)\b[^>]*>",
                                          text, re.I | re.S):
            return []  # a wrapper's tag alone: its content is kept
        if fmt == "html" and self.depth < 3:
            # a block of HTML in Markdown (a table, a figure...): read as HTML, then cleaned
            self.depth += 1
            try:
                inner = self.blocks(json.loads(pandoc(["-f", "html", "-t", "json"], text))
                                    .get("blocks", []))
            except NotespressError:
                inner = []
            finally:
                self.depth -= 1
            if inner:
                return inner
        tag = re.match(r"<\s*([a-zA-Z][\w-]*)", text)
        what = f"<{tag.group(1).lower()}>" if tag and fmt == "html" else fmt
        self.lose(f"raw {fmt.upper() if fmt != 'html' else 'HTML'}",
                  f"{what} '{_snippet(re.sub(r'<[^>]+>', ' ', text), 12) or text[:60]}' "
                  "not carried over")
        return []

    def table(self, c: list[Any]) -> list[dict[str, Any]]:
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
                inlines: list[Any] = []
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
        table = {"t": "Table", "c": [
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

    def inlines(self, inlines: list[Any]) -> list[Any]:
        out: list[Any] = []
        for inline in inlines:
            out.extend(self.inline(inline))
        # no space at the start or end, nor two in a row (from dropped tags)
        cleaned: list[Any] = []
        for inline in out:
            space = inline["t"] in ("Space", "SoftBreak")
            if space and (not cleaned or cleaned[-1]["t"] in ("Space", "SoftBreak",
                                                              "LineBreak")):
                continue
            cleaned.append(inline)
        while cleaned and cleaned[-1]["t"] in ("Space", "SoftBreak", "LineBreak"):
            cleaned.pop()
        return cleaned

    def inline(self, inline: dict[str, Any]) -> list[dict[str, Any]]:
        kind, c = inline["t"], inline.get("c")
        if kind in ("Str", "Space", "SoftBreak", "LineBreak"):
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
            self.lose("equation", f"'{_snippet(c[1], 12)}' kept as TeX code: set it as text "
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

    def raw_inline(self, fmt: str, text: str) -> list[dict[str, Any]]:
        if fmt == "html":
            if re.fullmatch(r"<br\s*/?>", text.strip(), re.I):
                return [{"t": "LineBreak"}]
            if text.startswith("<!--"):
                said = text.removeprefix("<!--").removesuffix("-->").strip()
                if said:
                    self.lose("editor's note (HTML comment)", f'"{_snippet(said, 20)}" removed')
                return []
            if re.fullmatch(r"</?\s*(span|small|big|font|abbr|cite|mark|u|ins|del|s|b|i|em|"
                            r"strong|sup|sub|a|q|time|bdi|bdo|wbr)\b[^>]*>", text.strip(), re.I):
                return []  # its content is kept (as text)
        self.lose(f"raw {'HTML' if fmt == 'html' else fmt.upper()}",
                  f"'{_snippet(text, 8)}' not carried over")
        return []

    def link(self, c: list[Any]) -> list[dict[str, Any]]:
        inner = self.inlines(c[1])
        url, title = c[2]
        parts = urlsplit(url)
        if not url or url.startswith("#"):
            return inner  # a link inside the document: its text
        if parts.scheme in ("http", "https", "mailto", "ftp", "tel") or (
                not parts.scheme and parts.netloc):
            if not parts.scheme:
                url = "https:" + url
            return [{"t": "Link", "c": [EMPTY_ATTR, inner or _str_inlines(url), [url, title]]}]
        if parts.scheme in ("file", "javascript", "data") or not parts.scheme:
            self.lose("link", f"to '{_snippet(url, 1)[:80]}' (not a web address a reader can "
                              "use) kept as plain text")
            return inner
        return [{"t": "Link", "c": [EMPTY_ATTR, inner, [url, title]]}]

    def image(self, c: list[Any]) -> list[dict[str, Any]]:
        url = c[2][0]
        alt = self.inlines(c[1])
        picture, why = self.resolve_picture(url)
        if picture is None:
            self.lose("picture", why)
            return []
        if self.kind in ("docx", "odt", "rtf"):
            alt = []  # Word's "alt text" is a description, often made up by Word: no caption
        return [{"t": "Image", "c": [EMPTY_ATTR, alt, [picture, ""]]}]


NOTES_HEADING = re.compile(r"^(notes?|footnotes?|endnotes?|références|referencias|riferimenti|"
                           r"anmerkungen|fußnoten|notas|پانوشت‌ها|پانویس‌ها|یادداشت‌ها)$", re.I)
BACKLINK = re.compile(r"^[\s↩↑^⏎︎]*$|^(back|return|retour)$", re.I)


def web_footnotes(blocks: list[Any]) -> list[Any]:
    """A web page's footnotes made real ones: calls are links to '#...' whose text is a
    number (in superscript or brackets), the notes a numbered list at the end of the page
    (maybe in a section of its own, after a rule or a 'Notes' heading)."""
    blocks = list(blocks)
    container, index = blocks, len(blocks) - 1
    while index >= 0 and container[index]["t"] in ("HorizontalRule", "Div"):
        inner = container[index]["c"][1] if container[index]["t"] == "Div" else []
        if inner:  # the notes' own section: look inside it
            container, index = inner, len(inner) - 1
        else:
            index -= 1
    if index < 0 or container[index]["t"] != "OrderedList":
        return blocks
    items = container[index]["c"][1]
    start = container[index]["c"][0][0]
    calls: list[int] = []

    def number_of(link: dict[str, Any]) -> int | None:
        if link.get("t") != "Link" or not link["c"][2][0].startswith("#"):
            return None
        match = re.fullmatch(r"\[?(\d{1,3})\]?", plain(link["c"][1]))
        return int(match.group(1)) if match else None

    def find(value: Any) -> None:
        if isinstance(value, dict):
            number = number_of(value)
            if number is not None:
                calls.append(number)
            elif value is not container[index]:
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
                    if len(inner) == 1 and number_of(inner[0]) is not None:
                        item = inner[0]
                number = number_of(item) if isinstance(item, dict) else None
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
    return replace(blocks)


def _without_backlinks(blocks: list[Any]) -> list[Any]:
    def strip(value: Any) -> Any:
        if isinstance(value, list):
            return [strip(v) for v in value if not (
                isinstance(v, dict) and v.get("t") == "Link"
                and v["c"][2][0].startswith("#") and BACKLINK.match(plain(v["c"][1])))]
        if isinstance(value, dict) and "c" in value:
            return {**value, "c": strip(value["c"])}
        return value

    return strip(blocks)


def _caption_inlines(caption: list[Any]) -> list[Any]:
    blocks = caption[1] if isinstance(caption, list) and len(caption) > 1 else []
    out: list[Any] = []
    for block in blocks:
        if block.get("t") in ("Plain", "Para"):
            if out:
                out.append({"t": "Space"})
            out.extend(block["c"])
    return out


def _flat_inlines(block: dict[str, Any]) -> list[Any]:
    """A block as inlines on one line (for a table cell)."""
    if block["t"] in ("Plain", "Para"):
        return [i if i["t"] not in ("LineBreak", "SoftBreak") else {"t": "Space"}
                for i in block["c"]]
    if block["t"] == "Header":
        return [{"t": "Strong", "c": block["c"][2]}]
    if block["t"] == "CodeBlock":
        return [{"t": "Code", "c": [EMPTY_ATTR, " ".join(block["c"][1].split())]}]
    out: list[Any] = []
    for item in _children_blocks(block):
        part = _flat_inlines(item)
        if part and out:
            out.append({"t": "Str", "c": ";"})
            out.append({"t": "Space"})
        out.extend(part)
    return out


def _children_blocks(block: dict[str, Any]) -> list[Any]:
    kind, c = block["t"], block.get("c")
    if kind == "BlockQuote":
        return c
    if kind == "BulletList":
        return [b for item in c for b in item]
    if kind == "OrderedList":
        return [b for item in c[1] for b in item]
    return []


def _lone_image(block: dict[str, Any]) -> dict[str, Any] | None:
    """The picture alone in a paragraph (in italics or bold or not), if it is."""
    if block["t"] in ("Para", "Plain"):
        inlines = [i for i in block["c"] if i["t"] not in ("Space", "SoftBreak")]
        while len(inlines) == 1 and inlines[0]["t"] in ("Emph", "Strong"):
            inlines = [i for i in inlines[0]["c"] if i["t"] not in ("Space", "SoftBreak")]
        if len(inlines) == 1 and inlines[0]["t"] == "Image":
            return inlines[0]
    return None


# ------------------------------------------------------------------ title, author, headings


@dataclass
class Front:
    title: str = ""
    title_from: str = ""
    author: str = ""
    lang: str = ""
    subtitle: str = ""
    summary: str = ""


BYLINE = re.compile(r"^(?:by|par|di|por|von|door|av|از)\s+(.{2,80})$", re.I)


def settle_front(blocks: list[Any], front: Front, kind: str, file_stem: str,
                 scan: Scan) -> list[Any]:
    """Take the title from the metadata or the first heading (or a first line all in bold),
    drop it from the body (and the title page's lines: subtitle, author, date), take a byline
    ('By ...') for the author, and shift the headings so that the article's sections are
    `##`, under the title that the layout prints."""
    blocks = list(blocks)
    front_keys = {k for k in scan.front if not k.startswith("\0")}

    def first_text() -> int | None:
        return next((i for i, b in enumerate(blocks) if plain([b])), None)

    # the lines of a title page (Title, Subtitle, Author, Date styles) at the top
    while blocks and (index := first_text()) is not None and index < 4 and (
            blocks[index]["t"] in ("Para", "Plain")
            and _key(plain([blocks[index]])) in front_keys):
        del blocks[index]
    first = first_text()
    heading_first = first is not None and blocks[first]["t"] == "Header"
    if kind == "html" and heading_first:
        # a web page's <title> carries the site's name: its first heading is the title
        front.title, front.title_from = plain(blocks[first]["c"][2]), "first heading"
        del blocks[first]
    elif front.title:
        if heading_first and _key(plain(blocks[first]["c"][2])) == _key(front.title):
            del blocks[first]
    elif heading_first:
        front.title, front.title_from = plain(blocks[first]["c"][2]), "first heading"
        del blocks[first]
    elif first is not None and _bold_line(blocks[first]):
        front.title, front.title_from = plain([blocks[first]]), "bold first line"
        del blocks[first]
    else:
        front.title = re.sub(r"[_-]+", " ", file_stem).strip().capitalize() or "Untitled"
        front.title_from = "file name"
    first = first_text()
    if first is not None and blocks[first]["t"] in ("Para", "Plain"):
        byline = BYLINE.match(plain([blocks[first]]))
        if byline and (not front.author or _key(byline.group(1)) == _key(front.author)):
            front.author = front.author or byline.group(1).strip()
            del blocks[first]
    levels = [b["c"][0] for b in _walk_blocks(blocks) if b["t"] == "Header"]
    if levels:
        shift = 2 - min(levels)
        for block in _walk_blocks(blocks):
            if block["t"] == "Header":
                block["c"][0] = max(2, min(6, block["c"][0] + shift))
    return blocks


def _bold_line(block: dict[str, Any]) -> bool:
    if block["t"] not in ("Para", "Plain"):
        return False
    inlines = [i for i in block["c"] if i["t"] not in ("Space", "SoftBreak")]
    return (len(inlines) == 1 and inlines[0]["t"] == "Strong"
            and 0 < len(plain(inlines)) <= 120)


def _walk_blocks(blocks: list[Any]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        yield block
        yield from _walk_blocks(_children_blocks(block))


def normal_lang(code: str, text: str = "") -> str:
    """A document's language as notespress writes it (`fr`, `fa`), from what the document
    says and what its text is: a Persian text in a Word set up for English is Persian."""
    from .config import LANG_RE

    base = code.replace("_", "-").split("-")[0].lower().strip()
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff")
    if letters and arabic > len(letters) / 2 and base not in ("fa", "ar", "ur", "ps", "ckb"):
        base = "fa" if any(c in text for c in "پچژگ") else "ar"
    return base if LANG_RE.match(base) else ""


# ------------------------------------------------------------------ pandoc


def pandoc(args: list[str], source: str | None = None) -> str:
    """Run the pandoc that the pypandoc-binary wheel ships, without network access."""
    import subprocess

    try:
        import pypandoc

        binary = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise NotespressError(Problem(None, "pandoc is not available (pip install "
                                      f"pypandoc-binary): {exc}")) from None
    done = subprocess.run([binary, "--sandbox", *args], input=source, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)
    if done.returncode:
        message = " ".join(done.stderr.split())[:300]
        raise NotespressError(Problem(None, f"pandoc could not read it: {message}"))
    return done.stdout


def _meta_value(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    kind, c = value.get("t"), value.get("c")
    if kind in ("MetaInlines", "MetaBlocks"):
        return plain(c)
    if kind == "MetaString":
        return str(c)
    if kind == "MetaList":
        return ", ".join(_meta_value(v) for v in c if _meta_value(v))
    if kind == "MetaMap":
        return _meta_value(c.get("name"))
    return ""


# ------------------------------------------------------------------ one document


@dataclass
class Converted:
    """A document made an article, not yet written."""

    markdown: str  # the body
    front: Front
    pictures: dict[str, Picture]  # placeholder -> picture
    footnotes: int
    tables: int
    lost: list[Lost]


def convert(path: Path, issue_lang: str = "en") -> Converted:
    """Read one document into an article body, its front matter, pictures and what was not
    carried over."""
    suffix = path.suffix.lower()
    kind = FORMATS[suffix]
    scan = Scan()
    front = Front()
    lost: list[Lost] = []
    base = path.parent
    with tempfile.TemporaryDirectory(prefix="notespress-import-") as tmp:
        media = Path(tmp) / "media"
        args = ["-f", READERS[kind], "-t", "json"]
        if kind in ("docx", "odt", "rtf"):
            args += [f"--extract-media={media}", str(path)]
            source = None
            if kind == "docx":
                args.insert(0, "--track-changes=accept")
                scan = _scan_safely(scan_docx, path)
            elif kind == "odt":
                scan = _scan_safely(scan_odt, path)
        elif kind == "markdown":
            from .sources import read_text

            md = split_markdown(read_text(path), path)
            source = md.body
            lost += md.lost
            meta = {str(k).lower(): v for k, v in md.meta.items()}
            front.title = _meta_text(meta.get("title"))
            front.title_from = "front matter" if front.title else ""
            front.author = _meta_text(meta.get("author") or meta.get("authors"))
            front.lang = _meta_text(meta.get("lang") or meta.get("language")
                                    or meta.get("languagecode"))
            front.subtitle = _meta_text(meta.get("subtitle"))
            front.summary = _meta_text(meta.get("summary") or meta.get("description"))
        else:
            from .sources import read_text

            source = read_text(path)
        tree = json.loads(pandoc(args, source))
        meta = tree.get("meta", {})
        if kind != "markdown":
            front.title = _meta_value(meta.get("title")) or scan.title
            if _key(front.title) in NOT_TITLES or _key(front.title) == _key(path.stem):
                front.title = ""
            front.title_from = "metadata" if front.title else ""
            front.author = _meta_value(meta.get("author")) or scan.author
            front.lang = _meta_value(meta.get("lang")) or scan.lang
            front.subtitle = _meta_value(meta.get("subtitle")) or scan.subtitle
            if kind == "html":
                front.title = re.split(r"\s+[|–—-]\s+", front.title)[0].strip()
        if _key(front.author) in NOT_AUTHORS:
            front.author = ""
        for key in (front.title, front.subtitle, front.author):
            if key:
                scan.front.add(_key(key))
        pictures: dict[str, Picture] = {}
        resolver = _PictureResolver(kind, base, media, pictures)
        cleaner = Cleaner(path, kind, scan, resolver)
        raw = tree.get("blocks", [])
        if kind in ("html", "markdown"):
            raw = web_footnotes(raw)
        blocks = cleaner.blocks(raw, top=True)
        blocks = settle_front(blocks, front, kind, path.stem, scan)
        text = plain(blocks)
        front.lang = normal_lang(front.lang or issue_lang, text)
        tree["blocks"] = blocks
        tree["meta"] = {}
        markdown = pandoc(["-f", "json", "-t", WRITER, "--wrap=none"], json.dumps(tree))
    markdown = _tidy(markdown)
    return Converted(markdown=markdown, front=front, pictures=pictures,
                     footnotes=cleaner.footnotes, tables=cleaner.tables,
                     lost=scan.lost + lost + cleaner.lost)


def _scan_safely(scanner: Any, path: Path) -> Scan:
    try:
        return scanner(path)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError) as exc:
        raise NotespressError(Problem(path, f"not a readable document ({exc}); open it and "
                                      "save it again")) from None


def _tidy(markdown: str) -> str:
    """The writer's Markdown, a little cleaner to read: one blank line between blocks,
    list markers followed by one space."""
    markdown = re.sub(r"^(\s*)(\d+\.|-)  +(?=\S)", r"\1\2 ", markdown, flags=re.M)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    return markdown.strip() + "\n"


class _PictureResolver:
    """Finds the bytes of each picture the document shows: a file pandoc extracted, a file
    beside the document (or in a site's static folder), or a data: URL. Remote pictures are
    never fetched."""

    def __init__(self, kind: str, base: Path, media: Path, pictures: dict[str, Picture]):
        self.kind, self.base, self.media, self.pictures = kind, base, media, pictures
        self.by_hash: dict[str, str] = {}

    def __call__(self, url: str) -> tuple[str | None, str]:
        parts = urlsplit(url)
        data: bytes | None = None
        if parts.scheme == "data":
            header, _, payload = url.partition(",")
            try:
                data = (base64.b64decode(payload) if header.endswith(";base64")
                        else unquote(payload).encode())
            except ValueError:
                return None, "a picture in a broken data: address was left out"
        elif parts.scheme in ("http", "https", "ftp") or parts.netloc:
            return None, (f"'{url[:100]}' is on the web and was not fetched (notespress "
                          "reads nothing from the network): save it and add it by hand")
        else:
            found = self._find(unquote(parts.path))
            if found is None:
                return None, f"'{url[:100]}' not found beside the document"
            if found.stat().st_size > MAX_PICTURE_BYTES:
                return None, f"'{found.name}' is too large (over 60 MB)"
            data = found.read_bytes()
        ext, why = _picture_format(data)
        if ext is None:
            return None, f"'{Path(parts.path).name or 'a picture'}' {why}"
        if ext != "svg" and ext not in PICTURE_FORMATS.values():
            data, ext = _to_png(data), "png"
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.by_hash:
            return self.by_hash[digest], ""
        placeholder = f"notespress-picture-{len(self.pictures) + 1}.{ext}"
        self.pictures[placeholder] = Picture(data=data, ext=ext)
        self.by_hash[digest] = placeholder
        return placeholder, ""

    def _find(self, path: str) -> Path | None:
        candidate = Path(path)
        if candidate.is_absolute():
            if candidate.is_file() and candidate.resolve().is_relative_to(self.media.resolve()):
                return candidate
            # a site's absolute path (/images/x.png): in the site's folders above the file
            relative = path.lstrip("/")
            for folder in [self.base, *list(self.base.parents)[:6]]:
                for where in (folder / relative, folder / "static" / relative,
                              folder / "assets" / relative, folder / "public" / relative):
                    if where.is_file():
                        return where
            return None
        for where in (self.base / path, self.media / path):
            if where.is_file():
                return where
        return None


def _picture_format(data: bytes) -> tuple[str | None, str]:
    if b"<svg" in data[:4096]:
        return "svg", ""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        head = data[:64]
        if head[:4] in (b"\x01\x00\x00\x00", b"\xd7\xcd\xc6\x9a") or b" EMF" in head:
            return None, ("is a Windows drawing (EMF/WMF) that cannot be converted here: "
                          "export it as PNG and add it by hand")
        return None, "is not a picture notespress can print"
    if kind in ("WMF", "EMF"):
        return None, ("is a Windows drawing (EMF/WMF) that cannot be converted here: "
                      "export it as PNG and add it by hand")
    return PICTURE_FORMATS.get(kind, kind.lower()), ""


def _to_png(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "PNG")
        return out.getvalue()


# ------------------------------------------------------------------ into an issue


def import_files(root: Path, files: list[Path], issue_ref: str | None = None
                 ) -> ImportReport:
    """Import each document as a new article of the issue (the newest when None): every
    file is checked before anything is written; each article is written whole or not at
    all; the issue is read back to report what notespress says of the new articles."""
    from .listing import read_issue_info, resolve
    from .newissue import add_to_articles, ascii_slug, next_article_name, yaml_front_matter

    folder = resolve(root, issue_ref)
    problems: list[Problem] = []
    for path in files:
        suffix = path.suffix.lower()
        if not path.is_file():
            problems.append(Problem(path, "file not found; check the name and the folder"))
        elif suffix in NOT_READ:
            problems.append(Problem(path, NOT_READ[suffix]))
        elif suffix not in FORMATS:
            problems.append(Problem(path, f"'{suffix or 'no extension'}' is not a format "
                                    "notespress imports (.docx, .odt, .html, .rtf, .md)"))
    if problems:
        raise NotespressError(problems)
    info = read_issue_info(folder)
    issue_lang = info.lang or _publication_lang(root)
    converted: list[tuple[Path, Converted]] = []
    for path in files:
        try:
            converted.append((path, convert(path, issue_lang)))
        except NotespressError as exc:
            problems += [Problem(path, p.message, p.line) if p.path is None else p
                         for p in exc.problems]
    if problems:
        raise NotespressError(problems)

    images = folder / "images"
    results: list[Imported] = []
    listed = False
    for path, doc in converted:
        name = next_article_name(folder, ascii_slug(doc.front.title,
                                                    fallback=ascii_slug(path.stem)))
        stem = name.removesuffix(".md")
        written: list[Path] = []
        markdown = doc.markdown
        for number, (placeholder, picture) in enumerate(doc.pictures.items(), start=1):
            images.mkdir(exist_ok=True)
            target = _free_name(images, f"{stem}-{number}", picture)
            if not target.exists():
                target.write_bytes(picture.data)
            written.append(target)
            markdown = markdown.replace(placeholder, f"images/{target.name}")
        lang = doc.front.lang
        fields = {"title": doc.front.title, "subtitle": doc.front.subtitle,
                  "author": doc.front.author,
                  "lang": lang if lang and lang != issue_lang.split("-")[0] else "",
                  "summary": doc.front.summary}
        article = folder / name
        tmp = article.with_name(f".{name}.tmp")
        tmp.write_text(yaml_front_matter(fields) + "\n" + markdown, encoding="utf-8")
        tmp.replace(article)
        listed = add_to_articles(folder, name) or listed
        results.append(Imported(source=path, article=article, title=doc.front.title,
                                title_from=doc.front.title_from, author=doc.front.author,
                                lang=lang or issue_lang, pictures=tuple(written),
                                footnotes=doc.footnotes, tables=doc.tables,
                                lost=tuple(doc.lost)))
    checked = _check(root, folder, [r.article for r in results])
    results = [Imported(**{**r.__dict__, "problems": tuple(checked.get(r.article, ()))})
               for r in results]
    return ImportReport(issue=folder, imported=tuple(results), listed=listed)


def _free_name(folder: Path, stem: str, picture: Picture) -> Path:
    """images/<stem>.<ext>, or the same with -2, -3... when a different file has the name."""
    candidate = folder / f"{stem}.{picture.ext}"
    number = 1
    while candidate.exists() and candidate.read_bytes() != picture.data:
        number += 1
        candidate = folder / f"{stem}-{number}.{picture.ext}"
    return candidate


def _publication_lang(root: Path) -> str:
    from .sources import parse_yaml, read_text

    try:
        path = root / "notespress.yaml"
        return str(parse_yaml(read_text(path), path).data.get("lang") or "en")
    except NotespressError:
        return "en"


def _check(root: Path, folder: Path, articles: list[Path]) -> dict[Path, list[Problem]]:
    """What notespress says of the new articles when it reads the issue."""
    from .adapter import load

    found: dict[Path, list[Problem]] = {}
    try:
        _, issue = load(root, str(folder))
        problems = list(issue.warnings)
    except NotespressError as exc:
        problems = exc.problems
    for problem in problems:
        if problem.path is not None and Path(problem.path).resolve() in {
                a.resolve() for a in articles}:
            found.setdefault(next(a for a in articles
                                  if a.resolve() == Path(problem.path).resolve()),
                             []).append(problem)
    return found
