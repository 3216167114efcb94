"""The articles' HTML made ready for the site: each picture replaced by its resized copies,
each relative link pointed at the page or the file it names; and the plain text that
describes a page."""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ..errors import Problem
from . import assets
from .model import Files, SiteFile

TAG_RE = re.compile(r"<(img|a)\b[^>]*>")
ID_RE = re.compile(r'<[a-z][a-z0-9]*\s[^>]*?\bid="([^"]*)"')
PAGE_IDS = {"main", "top"}  # (of the page around the article)


def href(page: str, target: str) -> str:
    """The link from the page `page` to `target` (both paths inside the site, the target with
    an optional #fragment), relative, so that the site works from any address and from disk."""
    path, hash_mark, fragment = target.partition("#")
    if not path:
        return f"#{fragment}"
    relative = posixpath.relpath(path, posixpath.dirname(page) or ".")
    return quote(relative, safe="/") + (f"#{fragment}" if hash_mark else "")


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found = attrs


def _attributes(tag: str) -> dict[str, str | None]:
    parser = _Attributes()
    parser.feed(tag)
    parser.close()
    return dict(parser.found)


def _tag(name: str, attributes: dict[str, str | None]) -> str:
    return "<" + name + "".join(
        f" {key}" if value is None else f' {key}="{html.escape(value)}"'
        for key, value in attributes.items()) + ">"


def _local_file(uri: str) -> Path | None:
    """The file a file: URI names (as Path.as_uri writes them)."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    path = unquote(parts.path)
    if len(path) > 2 and path[0] == "/" and path[2] == ":":  # file:///C:/... on Windows
        path = path[1:]
    return Path(path)


@dataclass
class Placed:
    html: str
    files: Files = field(default_factory=dict)
    first_picture: str = ""  # the first picture's path inside the site
    problems: list[Problem] = field(default_factory=list)


def place(body: str, *, page: str, base: str, source: Path, folder: Path,
          pages: dict[Path, str], cache: Path, hashes: assets.Hashes) -> Placed:
    """Point the pictures and relative links of the HTML of `source` (a Markdown file inside
    `folder`) at the site, for the page `page`: pictures become resized copies under `base`
    (with srcset, width and height), links to another article's Markdown file its page
    (`pages`), links to another file of `folder` a copy of it under `base`files/."""
    placed = Placed(html="")
    folder = folder.resolve()
    count = 0
    ids = {html.unescape(i) for i in ID_RE.findall(body)} | PAGE_IDS

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        name = match.group(1)
        attributes = _attributes(match.group(0))
        if name == "img":
            count += 1
            return _picture(attributes, count == 1)
        return _link(attributes)

    def _picture(attributes: dict[str, str | None], first: bool) -> str:
        path = _local_file(attributes.get("src") or "")
        if path is None or not path.resolve().is_relative_to(folder) or not path.is_file():
            return ""  # (reported when the issue was read)
        picture = assets.picture(path, cache, hashes)
        relative = path.resolve().relative_to(folder)
        stem = relative.with_suffix("").as_posix()
        source_suffix = path.suffix.lower().replace(".jpeg", ".jpg")
        names = {}
        for variant in picture.variants:
            kind = "" if variant.suffix == source_suffix else f"-{source_suffix[1:]}"
            if variant.suffix == ".svg":
                name = f"{base}{relative.as_posix()}"
            else:
                name = f"{base}{stem}{kind}-{variant.width}{variant.suffix}"
            names[variant] = name
            placed.files[name] = SiteFile(source=variant.file)
        default = picture.default
        placed.first_picture = placed.first_picture or names[default]
        alt = attributes.get("alt") or ""
        out: dict[str, str | None] = {"src": href(page, names[default]), "alt": alt}
        if len(picture.variants) > 1:
            out["srcset"] = ", ".join(f"{href(page, names[v])} {v.width}w"
                                      for v in picture.variants)
            out["sizes"] = "(min-width: 46rem) 42rem, calc(100vw - 2rem)"
        if default.width and default.height:
            out["width"], out["height"] = str(default.width), str(default.height)
        if not alt:
            out["role"] = "presentation"
        if not first:
            out["loading"] = "lazy"
        out["decoding"] = "async"
        return _tag("img", out)

    def _link(attributes: dict[str, str | None]) -> str:
        target = attributes.get("href")
        parts = urlsplit(target or "")
        if (target and not parts.scheme and not parts.netloc and not parts.path
                and parts.fragment and unquote(parts.fragment) not in ids):
            placed.problems.append(Problem(source, f"link '{target}' points to no heading or "
                                                   "note of the article: on the web it is "
                                                   "plain text", line=_line_of(source, target),
                                           severity="warning"))
            del attributes["href"]
            return _tag("a", attributes)
        if target is None or parts.scheme or parts.netloc or not parts.path:
            return _tag("a", attributes)
        path = (source.parent / unquote(parts.path)).resolve()
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if path in pages:
            attributes["href"] = href(page, pages[path] + fragment)
        elif path.is_file() and path.is_relative_to(folder):
            name = f"{base}files/{path.relative_to(folder).as_posix()}"
            placed.files[name] = SiteFile(source=path)
            attributes["href"] = href(page, name + fragment)
        else:
            placed.problems.append(Problem(source, f"link '{target}' points to no file in "
                                                   f"{folder.name}/: on the web it is plain "
                                                   "text", line=_line_of(source, target),
                                           severity="warning"))
            del attributes["href"]
        return _tag("a", attributes)

    placed.html = TAG_RE.sub(replace, body)
    return placed


def _line_of(source: Path, target: str) -> int | None:
    """The first line of the article's file that holds `target` (as written, or with its
    escapes undone): where the editor finds the link."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return None
    for written in dict.fromkeys((html.unescape(target), unquote(html.unescape(target)))):
        number = next((n for n, line in enumerate(lines, 1) if written in line), None)
        if number is not None:
            return number
    return None


NOTE_CALL_RE = re.compile(r'<sup class="note-call">.*?</sup>', re.S)
PARAGRAPH_RE = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)


def plain_text(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", "", NOTE_CALL_RE.sub("", fragment))
    return " ".join(html.unescape(text).split())


def describe(summary: str, body: str, limit: int = 200) -> str:
    """A page's description: the summary, else the beginning of the text (cut at a word)."""
    text = summary.strip()
    if not text:  # the first paragraph of some length (else the first)
        paragraphs = [p for p in (plain_text(p) for p in PARAGRAPH_RE.findall(
            body.split('<section class="notes"', 1)[0])) if p]
        text = next((p for p in paragraphs if len(p) > 40), paragraphs[0] if paragraphs else "")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.–—-")
    return cut + "…"
