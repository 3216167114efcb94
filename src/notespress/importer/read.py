"""Reading a contributor's document: which format it is, what pandoc is to read, and what the
document says of itself (a word processor's properties and markup, or the front matter of
Markdown written for a site generator).

Markdown from Hugo (TOML `+++` or YAML `---` front matter), Jekyll (YAML) and Pelican or
MultiMarkdown (`Key: value` lines) has its front matter taken apart, and the generators' own
tags (shortcodes, Liquid tags, kramdown attribute lists) taken out of its body and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NotespressError, Problem
from .lost import Lost, snippet
from .scan import Scan, scan_document

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
PELICAN_KEYS = {"title", "date", "modified", "author", "authors", "category", "tags",
                "slug", "summary", "lang", "status", "translation", "save_as", "url",
                "subtitle", "description", "template"}


def refusal(path: Path) -> str | None:
    """Why `path` cannot be imported (missing, a format notespress does not read), or None."""
    suffix = path.suffix.lower()
    if not path.is_file():
        return "file not found; check the name and the folder"
    if suffix in NOT_READ:
        return NOT_READ[suffix]
    if suffix not in FORMATS:
        return (f"'{suffix or 'no extension'}' is not a format notespress imports (.docx, "
                ".odt, .html, .rtf, .md)")
    return None


@dataclass(frozen=True)
class Source:
    """A document as read before pandoc: its kind ("docx", "odt", "html", "rtf",
    "markdown"), the text pandoc reads (None: pandoc reads the file), Markdown's front matter
    (keys in lower case), what its own XML says, and what was already taken out."""

    path: Path
    kind: str
    text: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    scan: Scan = field(default_factory=Scan)
    lost: tuple[Lost, ...] = ()


def read_source(path: Path) -> Source:
    """Read one document of a format in FORMATS (see `refusal`)."""
    from ..sources import read_text

    kind = FORMATS[path.suffix.lower()]
    if kind in ("docx", "odt"):
        scan = scan_document(path, kind)
        return Source(path, kind, scan=scan, lost=tuple(scan.lost))
    if kind == "markdown":
        md = split_markdown(read_text(path), path)
        return Source(path, kind, md.body, {str(k).lower(): v for k, v in md.meta.items()},
                      lost=tuple(md.lost))
    if kind == "html":
        return Source(path, kind, read_text(path))
    return Source(path, kind)


# ------------------------------------------------------------------ Markdown from elsewhere


@dataclass
class MarkdownSource:
    meta: dict[str, Any]
    body: str
    kind: str  # "toml", "yaml", "pelican", "none"
    lost: list[Lost]


def split_markdown(text: str, path: Path) -> MarkdownSource:
    """Front matter of Hugo (TOML `+++` or YAML `---`), Jekyll (YAML) and Pelican or
    MultiMarkdown (`Key: value` lines), and the body with the site generators' own tags
    (shortcodes, Liquid tags, kramdown attribute lists) taken out and reported."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    meta, kind, start = _front_matter(lines, path)
    body, lost = _without_site_tags(lines[start:], first_line=start + 1)
    return MarkdownSource(meta=meta, body=body, kind=kind, lost=lost)


def _front_matter(lines: list[str], path: Path) -> tuple[dict[str, Any], str, int]:
    """The front matter, its kind, and the index of the body's first line."""
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in (fence, "...")),
                   None)
        if end is None:
            raise NotespressError(Problem(path, f"the front matter opened by '{fence}' on "
                                          f"line 1 is never closed: add a '{fence}' line", 1))
        block = "\n".join(lines[1:end])
        if fence == "---":
            from ..sources import parse_yaml

            return parse_yaml(block, path, line_offset=1, what="front matter").data, "yaml", end + 1
        import tomllib

        try:
            return tomllib.loads(block), "toml", end + 1
        except tomllib.TOMLDecodeError as exc:
            raise NotespressError(Problem(path, f"TOML front matter: {exc}; fix it or "
                                          "remove it")) from None
    header = []
    for line in lines:
        if not line.strip():
            break
        header.append(line)
    pairs = [m for m in (re.match(r"^([A-Za-z][\w -]*):\s*(.*)$", line) for line in header) if m]
    if (header and len(pairs) == len(header) and pairs[0].group(1).strip().lower() == "title"
            and all(m.group(1).strip().lower() in PELICAN_KEYS for m in pairs)):
        return ({m.group(1).strip().lower(): m.group(2).strip() for m in pairs}, "pelican",
                len(header))
    return {}, "none", 0


SITE_TAGS = ((r"\{\{<.*?>\}\}|\{\{%.*?%\}\}", "Hugo shortcode"), (r"\{%.*?%\}", "Liquid tag"),
             (r"\{\{.*?\}\}", "template tag"))


def _without_site_tags(lines: list[str], first_line: int) -> tuple[str, list[Lost]]:
    """The body without the site generators' tags (outside code blocks, which are printed as
    written), and what was taken out with its line (`first_line` is the first's number)."""
    lost: list[Lost] = []
    out: list[str] = []
    fence = ""
    for number, line in enumerate(lines, start=first_line):
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
        for pattern, what in SITE_TAGS:
            for match in re.finditer(pattern, new):
                lost.append(Lost(what, f"'{snippet(match.group(0), 12)}' removed",
                                 f"line {number}"))
            new = re.sub(pattern, "", new)
        if new.strip() or not line.strip():
            out.append(new)
    return "\n".join(out), lost


def _figure_shortcode(line: str) -> str:
    """Hugo's {{< figure src="..." caption="..." >}} as a Markdown picture."""

    def replace(match: re.Match[str]) -> str:
        args = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        caption = args.get("caption") or args.get("title") or args.get("alt") or ""
        return f"![{caption}]({args['src']})" if args.get("src") else match.group(0)

    return re.sub(r"\{\{[<%]\s*figure\s+(.*?)\s*[>%]\}\}", replace, line)
