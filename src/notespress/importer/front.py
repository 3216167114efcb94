"""An article's front matter from a document: its title, author and language, from what the
document says of itself (properties, front matter) and from its first lines (a heading, a
line in bold, a byline); and its headings shifted under the title that the layout prints."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from .pandoc import Block, Node, meta_text, plain, walk_blocks
from .scan import Scan, key

# names a word processor writes for whoever set it up, not the author of the text
NOT_AUTHORS = {"", "user", "admin", "administrator", "owner", "author", "unknown",
               "microsoft office user", "windows user", "python-docx", "pandoc", "utilisateur",
               "utente", "usuario", "benutzer", "home", "pc", "default",
               # the account name Word writes when it is signed in to no account, localized
               "microsoft account", "compte microsoft", "microsoft-konto", "cuenta microsoft",
               "account microsoft", "conta da microsoft", "учетная запись майкрософт",
               "utilisateur de microsoft office", "utente di microsoft office",
               "usuario de microsoft office", "microsoft office-benutzer", "windows-benutzer",
               "utilisateur windows", "utente windows", "usuario de windows"}
NOT_TITLES = {"", "untitled", "document", "document1", "doc1", "sans titre", "senza titolo",
              "sin título", "title", "titre"}
BYLINE = re.compile(r"^(?:by|par|di|por|von|door|av|از)\s+(.{2,80})$", re.I)


@dataclass(frozen=True)
class Front:
    """An article's front matter, and where its title came from."""

    title: str = ""
    title_from: str = ""  # "metadata", "front matter", "first heading", "bold first line",
    # "file name"
    author: str = ""
    lang: str = ""
    subtitle: str = ""
    summary: str = ""


def front_from_markdown(meta: dict[str, Any]) -> Front:
    """The front matter of Markdown written for a site generator (keys in lower case)."""
    title = _meta_text(meta.get("title"))
    return _with_author(Front(
        title=title, title_from="front matter" if title else "",
        author=_meta_text(meta.get("author") or meta.get("authors")),
        lang=_meta_text(meta.get("lang") or meta.get("language") or meta.get("languagecode")),
        subtitle=_meta_text(meta.get("subtitle")),
        summary=_meta_text(meta.get("summary") or meta.get("description"))))


def front_from_document(meta: dict[str, Node], scan: Scan, kind: str, stem: str) -> Front:
    """What a document says of itself: pandoc's metadata, else its properties (`scan`). A
    title that a word processor makes up ("Document1", the file's name) is no title; a web
    page's title loses the site's name after it."""
    title = meta_text(meta.get("title")) or scan.title
    if key(title) in NOT_TITLES or key(title) == key(stem):
        title = ""
    title_from = "metadata" if title else ""
    if kind == "html":
        title = re.split(r"\s+[|–—-]\s+", title)[0].strip()
    return _with_author(Front(
        title=title, title_from=title_from,
        author=meta_text(meta.get("author")) or scan.author,
        lang=meta_text(meta.get("lang")) or scan.lang,
        subtitle=meta_text(meta.get("subtitle"))))


def _with_author(front: Front) -> Front:
    """No author when the name is the word processor's user ("User", "Admin"...)."""
    return replace(front, author="") if key(front.author) in NOT_AUTHORS else front


def _meta_text(value: Any) -> str:
    """A front matter value (a string, a list of names, a map with a name) as text."""
    if isinstance(value, list):
        return ", ".join(_meta_text(v) for v in value if _meta_text(v))
    if isinstance(value, dict):
        return _meta_text(value.get("name") or value.get("title") or "")
    if isinstance(value, bool) or value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def settle_front(blocks: list[Block], front: Front, kind: str, file_stem: str,
                 title_page: set[str]) -> tuple[list[Block], Front]:
    """Take the title from the metadata or the first heading (or a first line all in bold),
    drop it from the body (and the title page's lines, whose keys are `title_page`), take a
    byline ('By ...') for the author, and shift the headings so that the article's sections
    are `##`, under the title that the layout prints."""
    blocks = list(blocks)
    _drop_title_page(blocks, title_page)
    front = _take_title(blocks, front, kind, file_stem)
    front = _take_byline(blocks, front)
    _shift_headings(blocks)
    return blocks, front


def _first_text(blocks: list[Block]) -> int | None:
    return next((i for i, b in enumerate(blocks) if plain([b])), None)


def _drop_title_page(blocks: list[Block], title_page: set[str]) -> None:
    """Drop the lines of a title page (Title, Subtitle, Author, Date styles) at the top."""
    while blocks and (index := _first_text(blocks)) is not None and index < 4 and (
            blocks[index]["t"] in ("Para", "Plain")
            and key(plain([blocks[index]])) in title_page):
        del blocks[index]


MENU_WORDS = 12  # the most words of a line above a web page's first heading (a menu)


def _drop_menu(blocks: list[Block]) -> None:
    """A web page's lines above its first heading, when they are short (a menu, "Home",
    a breadcrumb): the page's text starts at its heading."""
    heading = next((i for i, b in enumerate(blocks[:8]) if b["t"] == "Header"), None)
    if heading and all(len(plain([b]).split()) <= MENU_WORDS for b in blocks[:heading]):
        del blocks[:heading]


def _take_title(blocks: list[Block], front: Front, kind: str, file_stem: str) -> Front:
    """The title, dropped from the body where it is the first line (for a web page, its
    first heading, below any menu)."""
    if kind == "html":
        _drop_menu(blocks)
    first = _first_text(blocks)
    if first is None:
        heading = None
    else:
        heading = blocks[first]["c"][2] if blocks[first]["t"] == "Header" else None
    if first is not None and heading is not None and (kind == "html" or not front.title):
        # (a web page's <title> carries the site's name: its first heading is the title)
        del blocks[first]
        return replace(front, title=plain(heading), title_from="first heading")
    if front.title:
        if first is not None and heading is not None and key(plain(heading)) == key(front.title):
            del blocks[first]
        return front
    if first is not None and _bold_line(blocks[first]):
        title = plain([blocks[first]])
        del blocks[first]
        return replace(front, title=title, title_from="bold first line")
    title = re.sub(r"[_-]+", " ", file_stem).strip().capitalize() or "Untitled"
    return replace(front, title=title, title_from="file name")


def _take_byline(blocks: list[Block], front: Front) -> Front:
    """A first line 'By Name' made the author (dropped when it names the author known)."""
    first = _first_text(blocks)
    if first is None or blocks[first]["t"] not in ("Para", "Plain"):
        return front
    byline = BYLINE.match(plain([blocks[first]]))
    if byline and (not front.author or key(byline.group(1)) == key(front.author)):
        del blocks[first]
        return replace(front, author=front.author or byline.group(1).strip())
    return front


def _shift_headings(blocks: list[Block]) -> None:
    """The highest heading made `##` (level 2), the others as far below it as they were."""
    levels = [b["c"][0] for b in walk_blocks(blocks) if b["t"] == "Header"]
    if levels:
        shift = 2 - min(levels)
        for block in walk_blocks(blocks):
            if block["t"] == "Header":
                block["c"][0] = max(2, min(6, block["c"][0] + shift))


def _bold_line(block: Block) -> bool:
    if block["t"] not in ("Para", "Plain"):
        return False
    inlines = [i for i in block["c"] if i["t"] not in ("Space", "SoftBreak")]
    return (len(inlines) == 1 and inlines[0]["t"] == "Strong"
            and 0 < len(plain(inlines)) <= 120)


def normal_lang(code: str, text: str = "") -> str:
    """A document's language as notespress writes it (`fr`, `fa`), from what the document
    says and what its text is: a Persian text in a Word set up for English is Persian."""
    from ..config import LANG_RE
    from ..typography import base_lang

    base = base_lang(code.replace("_", "-")).strip()
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff")
    if letters and arabic > len(letters) / 2 and base not in ("fa", "ar", "ur", "ps", "ckb"):
        base = "fa" if any(c in text for c in "پچژگ") else "ar"
    script = SCRIPTS.get(base)
    if script and letters and not any(script[0] <= c <= script[1] for c in letters):
        return ""  # a Russian Word's setting on an English text: the language
    return base if LANG_RE.match(base) else ""


# languages written in one script of their own: a text without a letter of it is not in them
SCRIPTS = {**dict.fromkeys(("ru", "uk", "bg", "sr", "mk", "be"), ("\u0400", "\u04ff")),
           "el": ("\u0370", "\u03ff"), "he": ("\u0590", "\u05ff"),
           **dict.fromkeys(("fa", "ar", "ur", "ps", "ckb"), ("\u0600", "\u06ff")),
           **dict.fromkeys(("zh", "ja"), ("\u3040", "\u9fff")), "ko": ("\uac00", "\ud7af")}
