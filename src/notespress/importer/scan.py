"""What a .docx or .odt says in its own XML besides what pandoc reads: its properties (title,
author, language), which paragraphs are captions, quotations or a title page, and what
pandoc leaves out (comments, tracked changes, text boxes, drawings, embedded objects), each
with the place it was near."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from ..errors import NotespressError, Problem
from .lost import Lost, Places, snippet

Element = ElementTree.Element

MAX_XML_BYTES = 200_000_000
CAPTION_STYLES = {"caption", "illustration", "figure", "drawing", "table", "text",
                  "figure caption", "image caption", "table caption"}
TITLE_PAGE_STYLES = ("title", "subtitle", "author", "date")


@dataclass
class Scan:
    """What is read from a document's own files besides pandoc's tree."""

    title: str = ""
    author: str = ""
    lang: str = ""
    summary: str = ""
    captions: set[str] = field(default_factory=set)  # keys of caption paragraphs
    quotes: set[str] = field(default_factory=set)  # keys of quotation paragraphs
    front: set[str] = field(default_factory=set)  # keys of title/subtitle/author/date lines
    lost: list[Lost] = field(default_factory=list)


def key(text: str) -> str:
    """Text compared loosely: case, spaces and punctuation around it aside."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip(" .:").casefold()


def scan_document(path: Path, kind: str) -> Scan:
    """The scan of a .docx or .odt (`kind` "docx" or "odt"; nothing for other kinds); a
    document whose XML cannot be read is one problem naming it."""
    scanner = {"docx": scan_docx, "odt": scan_odt}.get(kind)
    if scanner is None:
        return Scan()
    try:
        return scanner(path)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError) as exc:
        raise NotespressError(Problem(path, f"not a readable document ({exc}); open it and "
                                      "save it again")) from None


def _read_xml(archive: zipfile.ZipFile, name: str) -> Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_XML_BYTES:
        raise NotespressError(Problem(None, f"{name} is too large to read"))
    return ElementTree.fromstring(archive.read(info))


def _comment(author: str, said: str, where: str) -> Lost:
    by = f" by {author}" if author else ""
    return Lost(f"comment{by}", f'"{snippet(said, 30)}"', where)


def _tracked_change(kind: str, author: str, outcome: str, detail: str, where: str) -> Lost:
    by = f" by {author}" if author else ""
    return Lost(f"tracked change ({kind}{by}, {outcome})", detail, where)


def _text_box(said: str, where: str) -> Lost:
    return Lost("text box", f'"{snippet(said, 30)}" (copy its text into the article where '
                "it belongs)", where)


def _embedded(where: str) -> Lost:
    return Lost("chart or embedded object", "not carried over (paste it as a picture, or "
                "export it as PNG)", where)


# ------------------------------------------------------------------ Word


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
DC = "{http://purl.org/dc/elements/1.1/}"
TRACKED = (("insertion", "ins", "t"), ("deletion", "del", "delText"), ("moved text", "moveTo", "t"))


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
    names: dict[str, str] = {}  # style id -> style name, lower case
    outline: set[str] = set()  # the styles of headings
    if styles is not None:
        for definition in styles.iter(f"{W}style"):
            style_id = definition.get(f"{W}styleId", "")
            name = definition.find(f"{W}name")
            names[style_id] = (name.get(f"{W}val", "") if name is not None else style_id).lower()
            if definition.find(f"{W}pPr/{W}outlineLvl") is not None:
                outline.add(style_id)
        lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        if lang is not None:
            scan.lang = scan.lang or lang.get(f"{W}val", "") or lang.get(f"{W}bidi", "")
    notes: dict[str, tuple[str, str]] = {}
    if comments is not None:
        for comment in comments.iter(f"{W}comment"):
            text = " ".join("".join(t.text or "" for t in p.iter(f"{W}t"))
                            for p in comment.iter(f"{W}p")).strip()
            notes[comment.get(f"{W}id", "")] = (comment.get(f"{W}author", ""), text)
    if document is None:
        return scan
    places = Places()
    seen_comments: set[str] = set()
    for p, in_box in _docx_paragraphs(document):
        if in_box:
            continue
        ppr = p.find(f"{W}pPr")
        ref = ppr.find(f"{W}pStyle") if ppr is not None else None
        style_id = ref.get(f"{W}val", "") if ref is not None else ""
        style = names.get(style_id, style_id.lower())
        text = _docx_text(p)
        heading = (style.startswith(("heading", "title")) or style_id in outline
                   or (ppr is not None and ppr.find(f"{W}outlineLvl") is not None))
        if style in CAPTION_STYLES or style.endswith(" caption"):
            scan.captions.add(key(text))
        if "quote" in style:
            scan.quotes.add(key(text))
        if style in TITLE_PAGE_STYLES and text.strip():
            scan.front.add(key(text))
        places.paragraph(text, heading)
        where = places.describe(text)
        for mark in list(p.iter(f"{W}commentRangeStart")) + list(p.iter(f"{W}commentReference")):
            number = mark.get(f"{W}id", "")
            if number in seen_comments:
                continue
            seen_comments.add(number)
            scan.lost.append(_comment(*notes.get(number, ("", "")), where))
        for kind, tag, text_tag in TRACKED:
            for change in p.iter(f"{W}{tag}"):
                changed = "".join(t.text or "" for t in change.iter(f"{W}{text_tag}")).strip()
                if changed:
                    scan.lost.append(_tracked_change(
                        kind, change.get(f"{W}author", ""), "dropped" if tag == "del" else "kept",
                        f'"{snippet(changed, 20)}"', where))
        for box in _docx_text_boxes(p):
            said = " ".join(_docx_text(q) for q in box.iter(f"{W}p")).strip()
            if said:
                scan.lost.append(_text_box(said, where))
        for element in p.iter():
            if element.tag.rsplit("}", 1)[-1] in ("chart", "OLEObject"):
                scan.lost.append(_embedded(where))
    return scan


def _docx_paragraphs(root: Element) -> Iterator[tuple[Element, bool]]:
    """Every w:p in document order, and whether it is inside a text box (the copies Word
    keeps for old readers, in mc:Fallback, left out)."""
    for child in root:
        if child.tag == MC_FALLBACK:
            continue
        if child.tag == f"{W}p":
            yield child, False
        for p, in_box in _docx_paragraphs(child):
            yield p, in_box or child.tag == f"{W}txbxContent"


def _docx_text_boxes(p: Element) -> Iterator[Element]:
    """The text boxes (w:txbxContent) anchored in a paragraph, not those of mc:Fallback."""
    for child in p:
        if child.tag == MC_FALLBACK:
            continue
        if child.tag == f"{W}txbxContent":
            yield child
        else:
            yield from _docx_text_boxes(child)


def _docx_text(p: Element) -> str:
    """A paragraph's own text: its w:t, not those in its text boxes."""

    def walk(element: Element) -> Iterator[str]:
        for child in element:
            if child.tag in (f"{W}txbxContent", MC_FALLBACK):
                continue
            if child.tag == f"{W}t":
                yield child.text or ""
            yield from walk(child)

    return "".join(walk(p))


# ------------------------------------------------------------------ LibreOffice


ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def _odf(name: str) -> str:
    """An ODF element or attribute name ("text:p") in ElementTree's form."""
    prefix, local = name.split(":")
    return f"{{{ODF[prefix]}}}{local}"


SHAPES = {_odf(f"draw:{name}") for name in ("text-box", "custom-shape", "rect", "ellipse",
                                            "polygon", "path", "caption", "regular-polygon")}
PARAGRAPHS = (_odf("text:p"), _odf("text:h"))
CHANGE_MARKS = (_odf("text:change-start"), _odf("text:change"))


def scan_odt(path: Path) -> Scan:
    """Metadata, caption and quotation paragraphs, and what pandoc leaves out of an .odt:
    comments (office:annotation), tracked changes, text boxes, embedded objects."""
    scan = Scan()
    with zipfile.ZipFile(path) as archive:
        meta = _read_xml(archive, "meta.xml")
        styles = _read_xml(archive, "styles.xml")
        content = _read_xml(archive, "content.xml")
    office_meta = meta.find(_odf("office:meta")) if meta is not None else None
    if office_meta is not None:
        scan.title = (office_meta.findtext(_odf("dc:title")) or "").strip()
        scan.author = (office_meta.findtext(_odf("dc:creator"))
                       or office_meta.findtext(_odf("meta:initial-creator")) or "").strip()
        scan.lang = (office_meta.findtext(_odf("dc:language")) or "").strip()
        scan.summary = (office_meta.findtext(_odf("dc:description")) or "").strip()
    parents: dict[str, str] = {}  # style -> the style it is based on
    for tree in (styles, content):
        for style in tree.iter(_odf("style:style")) if tree is not None else ():
            parents[style.get(_odf("style:name"), "")] = style.get(
                _odf("style:parent-style-name"), "")
    if styles is not None and not scan.lang:
        scan.lang = _odt_default_lang(styles)

    def family(style: str) -> list[str]:
        """The style and those it is based on, by name, lower case."""
        chain: list[str] = []
        while style and style not in chain and len(chain) < 20:
            chain.append(style)
            style = parents.get(style, "")
        return [c.replace("_20_", " ").lower() for c in chain]

    body = (content.find(f"{_odf('office:body')}/{_odf('office:text')}")
            if content is not None else None)
    if body is None:
        return scan
    places = Places()
    changes = _odt_changes(body)
    reported: set[str] = set()
    for element, in_box in _odt_blocks(body):
        text = _odf_text(element)
        styles_of = family(element.get(_odf("text:style-name"), ""))
        if not in_box:
            if any(s in CAPTION_STYLES or s.endswith("caption") for s in styles_of):
                scan.captions.add(key(text))
            if "quotations" in styles_of or "quote" in styles_of:
                scan.quotes.add(key(text))
            if styles_of and styles_of[-1] in TITLE_PAGE_STYLES:
                scan.front.add(key(text))
            places.paragraph(text, element.tag == _odf("text:h") or "title" in styles_of)
        where = places.describe(text)
        for note in element.iter(_odf("office:annotation")):
            said = " ".join(_odf_text(p) for p in note.iter(_odf("text:p"))).strip()
            scan.lost.append(_comment(note.findtext(_odf("dc:creator")) or "", said, where))
        for mark in element.iter():
            number = mark.get(_odf("text:change-id"), "")
            if mark.tag not in CHANGE_MARKS or number in reported or number not in changes:
                continue
            reported.add(number)
            kind, author, said = changes[number]
            if kind == "insertion":
                said = _inserted_text(element, number) or said
            outcome = {"insertion": "kept", "deletion": "dropped"}.get(kind, "ignored")
            detail = f'"{snippet(said, 20)}"' if said else "(formatting)"
            scan.lost.append(_tracked_change(kind, author, outcome, detail, where))
        for shape in element.iter():
            if shape.tag not in SHAPES or shape.tag == _odf("draw:text-box"):
                continue
            said = " ".join(_odf_text(p) for p in shape.findall(_odf("text:p"))).strip()
            if said:  # a drawing with text in it (Word's text boxes come to this)
                scan.lost.append(_text_box(said, where))
        for frame in element.iter(_odf("draw:frame")):
            box = frame.find(_odf("draw:text-box"))
            if box is not None:
                has_picture = box.find(f".//{_odf('draw:image')}") is not None
                said = " ".join(_odf_text(p) for p in box.iter(_odf("text:p"))).strip()
                if has_picture and said:  # a captioned picture, as LibreOffice makes them
                    scan.captions.add(key(said))
                    scan.captions.add(key(re.sub(r"^[^:]{1,30}\s\d+:\s*", "", said)))
                elif said:
                    scan.lost.append(_text_box(said, where))
            if frame.find(_odf("draw:object")) is not None:
                scan.lost.append(_embedded(where))
    return scan


def _odt_default_lang(styles: Element) -> str:
    """The language of the default paragraph style ("fr", "fr-CA"), or ""."""
    for default in styles.iter(_odf("style:default-style")):
        props = default.find(_odf("style:text-properties"))
        if props is not None and props.get(_odf("fo:language")):
            country = props.get(_odf("fo:country"), "")
            return props.get(_odf("fo:language"), "") + (
                f"-{country}" if country and country != "none" else "")
    return ""


def _odt_changes(body: Element) -> dict[str, tuple[str, str, str]]:
    """The tracked changes of an .odt: change id -> (kind, author, the text it holds)."""
    changes: dict[str, tuple[str, str, str]] = {}
    tracked = body.find(_odf("text:tracked-changes"))
    for region in tracked.iter(_odf("text:changed-region")) if tracked is not None else ():
        number = region.get(_odf("text:id")) or region.get(XML_ID) or ""
        for kind in ("insertion", "deletion", "format-change"):
            change = region.find(_odf(f"text:{kind}"))
            if change is None:
                continue
            info = change.find(_odf("office:change-info"))
            author = (info.findtext(_odf("dc:creator")) or "") if info is not None else ""
            said = " ".join(_odf_text(p) for p in change.iter() if p.tag in PARAGRAPHS).strip()
            changes[number] = (kind, author, said)
    return changes


def _inserted_text(paragraph: Element, number: str) -> str:
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


def _odt_blocks(body: Element) -> Iterator[tuple[Element, bool]]:
    """Every text:p and text:h in document order (not those of notes and comments, which
    belong to their paragraph), and whether it is inside a text box."""
    for child in body:
        if child.tag in (_odf("office:annotation"), _odf("text:tracked-changes"),
                         _odf("text:note")):
            continue
        if child.tag in PARAGRAPHS:
            yield child, False
        for block, in_box in _odt_blocks(child):
            yield block, in_box or child.tag in SHAPES


SKIPPED = {_odf("office:annotation"), _odf("text:note"), _odf("draw:frame"), *SHAPES}


def _odf_text(element: Element) -> str:
    """A paragraph's own text: not its comments, notes, nor the text of the frames and
    drawings anchored in it."""

    def walk(node: Element) -> Iterator[str]:
        if node.text:
            yield node.text
        for child in node:
            if child.tag in SKIPPED:
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
