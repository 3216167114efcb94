"""Links and anchors: heading ids, where each link leads, and its address on paper.

- Headings get ids from their text (or a trailing ``{#id}``), unique in the article and
  prefixed by the article's own id, so unique in the issue.
- ``#id`` leads to a heading of the article; ``other.md`` and ``other.md#id`` to another
  article of the issue. Any other path (``/guide/x``, ``./page``, a file) is a
  page of a website: it is resolved against ``link_base`` when it is set and is an error
  otherwise. A link never becomes a ``file:`` address.
- On paper (``links: notes``) each external link gets a numbered call and the article ends
  with the list of the addresses; ``inline`` prints the address in brackets after the text;
  ``hidden`` prints nothing. An address that is already the link's text is not repeated.
  Addresses break only after ``/ . - ? & =`` (and inside a very long stretch without them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it.token import Token

LINK_MODES = ("notes", "inline", "hidden")
# An id written after a heading: `## Title {#the-id}` (VitePress, Pandoc, kramdown) or
# `## Title {/*the-id*/}` (MDX: react.dev and its translations).
_CUSTOM_ID = re.compile(r"[ \t]*\{(?:#([^\s{}]+)|/\*\s*([^\s*]+)\s*\*/)\}[ \t]*$")
_URL_LIKE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://\S+|www\.\S+|mailto:\S+)$")
_BREAK_AFTER = re.compile(r"([/.\-?&=]+)")
LONGEST_STRETCH = 22  # characters of an address without a break point


def heading_slug(text: str) -> str:
    """An id from a heading's text, as GitHub makes them: lower case, punctuation dropped,
    spaces as hyphens; letters of every script kept ('L'été' -> 'lété', Persian stays
    Persian). Runs of hyphens are folded, so that links written either way find it."""
    text = unicodedata.normalize("NFC", text).lower().replace("\u200c", "")
    text = re.sub(r"[^\w\s-]", "", text)
    return _fold(re.sub(r"\s", "-", text.strip()))


def _fold(slug: str) -> str:
    return re.sub(r"-{2,}", "-", slug).strip("-")


def anchor_key(fragment: str) -> str:
    """A fragment as written in a link, in the form ids are compared in."""
    return _fold(unicodedata.normalize("NFC", unquote(fragment)).lower().replace("\u200c",
                                                                                   ""))


def ids_as_written(state: Any) -> None:
    """A core rule, before the inline text is read: the id written after a heading is taken
    out of its text, to be its id."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type == "heading_open" and tokens[index + 1].type == "inline":
            inline = tokens[index + 1]
            match = _CUSTOM_ID.search(inline.content)
            if match:
                inline.content = inline.content[:match.start()]
                token.meta = {**(token.meta or {}), "id": match.group(1) or match.group(2)}


def assign_heading_ids(tokens: list[Token], prefix: str,
                       reserved: set[str] | None = None) -> dict[str, str]:
    """Set an id on every heading (none of `reserved`); returns {anchor key: id}."""
    ids: dict[str, str] = {}
    used: set[str] = set(reserved or ())
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        children = tokens[index + 1].children or []
        custom = (token.meta or {}).get("id")
        text = "".join(c.content for c in children
                       if c.type in ("text", "code_inline", "url_text"))
        slug = unique_slug(anchor_key(custom) if custom else heading_slug(text), used)
        token.attrSet("id", prefix + slug)
        ids.setdefault(slug, prefix + slug)
    return ids


def unique_slug(base: str, used: set[str]) -> str:
    """`base` (or "section"), numbered -2, -3... when taken; added to `used`."""
    base = base or "section"
    slug, number = base, 1
    while slug in used:
        number += 1
        slug = f"{base}-{number}"
    used.add(slug)
    return slug


def _loose(key: str) -> str:
    return re.sub(r"[-_\u200c]", "", key)


def _find(key: str, ids: dict[str, str]) -> str | None:
    """The id a fragment names: the same key, or else the one key equal but for hyphens and
    joiners (a Persian heading's zero-width non-joiner may be typed as a hyphen)."""
    if key in ids:
        return ids[key]
    loose = [value for slug, value in ids.items() if _loose(slug) == _loose(key)]
    return loose[0] if len(loose) == 1 else None


@dataclass
class Target:
    """Where a link leads."""

    # "external", "anchor" (an id in the issue), "error", "local" (a file of the issue
    # folder: not a link on paper), "kept" (as written)
    kind: str
    href: str = ""
    message: str = ""
    reference: str = ""  # for an anchor in another article: the id to find in the issue


def article_slug(path: Path) -> str:
    from .config import slugify

    return slugify(path.stem)


def resolve(href: str, source_path: Path, folder: Path, ids: dict[str, str], prefix: str,
            link_base: str) -> Target:
    parts = urlsplit(href)
    if href.startswith("#"):
        key = anchor_key(parts.fragment)
        found = _find(key, ids)
        if found:
            return Target("anchor", "#" + found)
        return Target("error", message=f"link '{unquote(href)}': no heading '{key}' in this "
                                       "article (to link to another article, name its file: "
                                       f"other.md{unquote(href)})")
    if parts.scheme.lower() == "file":
        return Target("error", message=f"link '{href}' is a file on one computer: a PDF "
                                       "cannot open it; write its address on the web")
    if parts.scheme.lower() in ("javascript", "vbscript", "data"):
        return Target("error", message=f"link '{href[:40]}' is a {parts.scheme} address, "
                                       "which is never printed nor followed: write a web "
                                       "address")
    if parts.scheme:
        return Target("external", href)
    if parts.netloc:  # //host/path
        return Target("external", "https:" + href)
    if not parts.path and not parts.query:
        return Target("external", href)
    path = (source_path.parent / unquote(parts.path)).resolve()
    if path.suffix.lower() == ".md" and path.is_file() and path.is_relative_to(folder):
        slug = article_slug(path)
        if path == source_path.resolve():
            if not parts.fragment:
                return Target("anchor", "#" + prefix.rstrip("-"))
            found = _find(anchor_key(parts.fragment), ids)
            if found:
                return Target("anchor", "#" + found)
            return Target("error", message=f"link '{unquote(href)}': no heading "
                                           f"'#{unquote(parts.fragment)}' in this article")
        target = f"{slug}-{anchor_key(parts.fragment)}" if parts.fragment else slug
        return Target("anchor", "#" + target, reference=target)
    if link_base:
        return Target("external", urljoin(link_base, href))
    if path.is_file() and path.is_relative_to(folder) and not parts.path.startswith("/"):
        return Target("local", message=(
            f"link '{href}' is a file of the issue folder: the PDF shows the link's text but "
            "cannot open the file (the web edition links to a copy); to make it work in the "
            "PDF too, link to its address on the web"))
    if parts.path.startswith("/"):
        where = "is a path on a website"
    elif not path.is_relative_to(folder):
        where = "leads out of the issue folder"
    elif path.is_file():
        where = "is a file of the issue folder"
    else:
        where = "is not an article of this issue"
    return Target("error", message=(
        f"link '{href}' {where}, and a PDF cannot open it: write the full address "
        "(https://...), or set link_base: (the website these paths are on) in issue.yaml "
        "or notespress.yaml"))


def display_address(href: str) -> str:
    """An address as printed: mailto: and tel: left out, percent-escapes decoded where
    that gives readable text (a Persian Wikipedia address, say)."""
    for scheme in ("mailto:", "tel:"):
        if href.lower().startswith(scheme):
            return unquote(href[len(scheme):])
    decoded = unquote(href)
    if decoded != href and decoded.isprintable() and " " not in decoded:
        return decoded
    return href


def same_as_text(text: str, href: str) -> bool:
    """Whether a link's text already shows its address."""

    def bare(value: str) -> str:
        value = unquote(value.strip()).lower()
        value = re.sub(r"^(?:[a-z][a-z0-9+.-]*:(?://)?)?(?:www\.)?", "", value)
        return value.rstrip("/")

    return bool(text.strip()) and bare(text) == bare(href)


def address_html(text: str) -> str:
    """An address with break opportunities (<wbr>) after / . - ? & = (not inside the
    scheme's '://') and inside any stretch longer than LONGEST_STRETCH."""
    head = ""
    match = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text)
    if match:
        head, text = text[:match.end()], text[match.end():]
    out = [escape(head)]
    for part in _BREAK_AFTER.split(text):
        if not part:
            continue
        if _BREAK_AFTER.fullmatch(part):
            out.append(escape(part) + "<wbr>")
            continue
        while len(part) > LONGEST_STRETCH:
            out.append(escape(part[:LONGEST_STRETCH]) + "<wbr>")
            part = part[LONGEST_STRETCH:]
        out.append(escape(part))
    html = "".join(out)
    return html[:-5] if html.endswith("<wbr>") else html


def looks_like_address(text: str) -> bool:
    return bool(_URL_LIKE.match(text.strip()))


@dataclass
class Notes:
    """The numbered addresses of one article."""

    numbers: dict[str, int] = field(default_factory=dict)

    def number(self, href: str) -> int:
        return self.numbers.setdefault(href, len(self.numbers) + 1)


def notes_html(notes: Notes, title: str, prefix: str, digits: Callable[[int], str]) -> str:
    items = "".join(
        f'<li id="{prefix}-link-{number}"><span class="link-number">{digits(number)}</span> '
        f'<a href="{escape(href)}" dir="ltr">{address_html(display_address(href))}</a></li>'
        for href, number in notes.numbers.items())
    return (f'<div class="link-notes" id="{prefix}-links"><p class="link-notes-title">'
            f'{escape(title)}</p><ol class="link-notes-list">{items}</ol></div>\n')
