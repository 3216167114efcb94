"""Every call the web edition makes into the rest of notespress, one small function per need.

The other stages of the site import nothing else from notespress (but for the errors): when
the build's public API, the settings schema or the Markdown renderer change, this module is
the one place to re-point.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotespressError, Problem

if TYPE_CHECKING:
    import jinja2

    from ..config import Publication
    from ..content import Article, Issue


@dataclass(frozen=True)
class Pdf:
    """An edition of an issue, as the PDF build left it in build/<issue>/."""

    kind: str  # print, screen, booklet, grayscale
    path: Path
    pages: int | None


# ------------------------------------------------------------------ reading


def issue_names(root: Path) -> list[str]:
    """The issue folders of the publication (those with an issue.yaml), by name."""
    names = sorted(p.parent.name for p in (root / "issues").glob("*/issue.yaml"))
    if not names:
        raise NotespressError(Problem(root / "issues", "no issue folders (with an issue.yaml)"))
    return names


def load_publication(root: Path) -> Publication:
    from ..config import load_publication as load

    return load(root)


def load_issue(root: Path, name: str) -> tuple[Publication, Issue]:
    """The publication and one issue, read and checked as the PDF build reads them."""
    from ..build import load

    return load(root, name)


def site_url(pub: Publication) -> tuple[str, list[Problem]]:
    """`site_url:` of notespress.yaml (checked by its schema as a web address): the address
    the site is published at, ending in '/', or ''."""
    value = pub.site_url
    line = None
    path = pub.root / "notespress.yaml"
    if value is None or value == "":
        return "", [Problem(path, "not set: the feed links to the pages relatively, and no "
                                  "sitemap is written (add e.g. site_url: "
                                  "https://example.org/notes/)", None, "site_url",
                            severity="warning")]
    from urllib.parse import urlsplit

    parts = urlsplit(str(value).strip()) if isinstance(value, str) else None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.netloc
            or parts.query or parts.fragment or " " in str(value).strip()):
        raise NotespressError(Problem(path, f"'{value}' is not a web address; write the "
                                            "address the site is published at, such as "
                                            "https://example.org/notes/", line, "site_url"))
    text = str(value).strip()
    return (text if text.endswith("/") else text + "/"), []


def publication_warnings(pub: Publication) -> list[Problem]:
    """The publication's warnings, less the one about `site_url` (a key of the web edition)."""
    return [w for w in pub.warnings if w.key != "site_url"]


# ------------------------------------------------------------------ the PDF editions


def make_pdfs(root: Path, *, jobs: int | None = None,
              progress: Callable[[str, int, int], None] | None = None
              ) -> tuple[dict[str, list[Pdf] | NotespressError], list[str]]:
    """Build the PDF editions of every issue whose inputs changed (the others are left as they
    are): where each issue's editions are (or what was wrong), and the issues built."""
    from ..build import build, build_all

    names = issue_names(root)
    if len(names) == 1:  # (build_all would make it in this process too)
        try:
            results: list[tuple[str, Any]] = [(names[0], build(root, names[0]))]
        except NotespressError as exc:
            results = [(names[0], exc)]
        if progress:
            progress(names[0], 1, 1)
    else:
        results = build_all(root, jobs=jobs, progress=progress)
    found: dict[str, list[Pdf] | NotespressError] = {}
    built = []
    for name, outcome in results:
        if isinstance(outcome, NotespressError):
            found[name] = outcome
            continue
        found[name] = [Pdf(o.kind, o.path, o.pages) for o in outcome.outputs
                       if o.path.suffix == ".pdf"]
        if not outcome.up_to_date:
            built.append(name)
    return found, built


def existing_pdfs(root: Path, name: str) -> list[Pdf]:
    """The editions the last PDF build of an issue left (none when it was never built)."""
    from ..manifest import read_manifest

    out_dir = root / "build" / name
    return [Pdf(o["kind"], out_dir / o["file"], o.get("pages"))
            for o in read_manifest(out_dir).get("outputs", [])
            if o["file"].endswith(".pdf") and (out_dir / o["file"]).is_file()]


# ------------------------------------------------------------------ what a build is made of


def issue_inputs(root: Path, folder: Path, previous: dict[str, Any] | None
                 ) -> tuple[str, dict[str, Any]]:
    """A digest of everything an issue's pages are made from (the publication, the platform,
    the issue folder, the layouts and fonts, notespress's code and the libraries' versions),
    and the file records to pass back next time (a file's hash is reused while its size and
    time are unchanged)."""
    from ..manifest import hash_inputs

    inputs = hash_inputs(root, folder, {"web": True}, previous)
    return inputs.content, inputs.files


def file_records(root: Path, paths: list[Path], previous: dict[str, Any] | None
                 ) -> dict[str, Any]:
    """[size, mtime_ns, sha256] of files inside the workspace (such as the PDFs), by name."""
    from ..manifest import read_records

    return read_records(root, paths, previous)


def sha256_file(path: Path) -> str:
    from ..manifest import sha256_file as digest

    return digest(path)


def font_dirs(root: Path) -> tuple[Path, ...]:
    """Where fonts are looked for: the workspace's fonts/, then notespress's own."""
    from ..build import font_dirs as dirs

    return dirs(root)


# ------------------------------------------------------------------ layouts and words


def layout_environment(root: Path, cache: Path) -> jinja2.Environment:
    """The Jinja environment of the PDFs' layouts (the workspace's layouts/ first, notespress's
    after; autoescape; StrictUndefined), where the site's templates are under site/; with
    the compiled templates kept in `cache` for the next build."""
    from ..assemble import make_environment

    return _overlay(make_environment(root), cache)


@functools.lru_cache(maxsize=8)
def _overlay(env: jinja2.Environment, cache: Path) -> jinja2.Environment:
    import jinja2

    cache.mkdir(parents=True, exist_ok=True)
    return env.overlay(bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache)))


def layout_dirs(root: Path) -> list[Path]:
    from ..assemble import layout_dirs as dirs

    return dirs(root)


def strings(root: Path, lang: str) -> dict[str, str]:
    """The layouts' own words in `lang` (English for those it lacks)."""
    from ..assemble import load_strings

    return load_strings(root, lang)


def long_date(value: dt.date, lang: str, day: bool = False) -> str:
    from ..assemble import long_date as date

    return date(value, lang, day)


def digits(value: object, lang: str) -> str:
    from ..typography import local_digits

    return local_digits(value, lang)


def is_rtl(lang: str) -> bool:
    from ..typography import is_rtl as rtl

    return rtl(lang)


def strip_front_matter(path: Path) -> tuple[str, int]:
    """A Markdown file's body without its front matter (if any), and the line it starts on."""
    from ..sources import read_text, split_front_matter

    text = read_text(path)
    if not text.startswith("---\n"):
        return text, 1
    doc = split_front_matter(text, path)
    return doc.body, doc.body_line


# ------------------------------------------------------------------ Markdown for the web


def web_article_html(article: Article, folder: Path, labels: dict[str, str]) -> str:
    """The article's body as HTML for a web page (the one place to switch to markup's own
    `medium="web"` rendering when it lands)."""
    body, first_line = strip_front_matter(article.path)
    return web_markdown_html(body, article.path, first_line, folder, article.lang, labels)


def web_markdown_html(body: str, path: Path, first_line: int, folder: Path, lang: str,
                      labels: dict[str, str]) -> str:
    """Markdown to HTML for the web, parsed as for paper (the language's quotes and spaces,
    figures with captions, pull quotes, tables, links leaving `folder` neutralized), but:

    - footnotes are notes at the end (`<section class="notes">`, headed `labels["notes"]`),
      numbered as the calls (in the language's digits), each with a link back to each call
      (`labels["back"]` as its accessible name);
    - headings have ids (from their text, unique on the page), so that `#anchors` work;
    - each table is inside `<div class="table-scroll">`, which scrolls on a narrow screen.

    Pictures keep their `file:` URI (src) for the site's pictures stage; relative links are
    left as written, for the site to resolve."""
    import copy
    import re
    from html import escape

    from markdown_it.token import Token

    from ..markup import Rendered, Source, _check_links, _make_figures, _parser
    from ..typography import local_digits

    md = _parser(lang)
    env: dict[str, Any] = {"id_prefix": ""}
    tokens = md.parse(body, env)
    source = Source(path=path, first_line=first_line, folder=folder, lang=lang)
    checked = Rendered(html="")  # (the problems were reported when the issue was read)

    def line_of(token: Token) -> int:
        return first_line + (token.map[0] if token.map else 0)

    tokens = _make_figures(md, tokens, source, checked, line_of)
    notes = env.get("footnotes", {}).get("list", {})
    used = {"main", "top", "notes", "contents"}
    for number, note in notes.items():
        used.add(f"note-{number + 1}")
        used.update(f"call-{number + 1}" + (f"-{k + 1}" if k else "")
                    for k in range(max(note.get("count", 1), 1)))
    for index, token in enumerate(tokens):
        if token.type == "inline":
            _check_links(token, source, checked, line_of(token))
        elif token.type == "heading_open" and index + 1 < len(tokens):
            text = "".join(child.content for child in tokens[index + 1].children or []
                           if child.type in ("text", "code_inline"))
            base = re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "section"
            ident = base
            counter = 1
            while ident in used:
                counter += 1
                ident = f"{base}-{counter}"
            used.add(ident)
            token.attrSet("id", ident)

    def number_of(token: Token) -> str:
        return local_digits(token.meta["id"] + 1, lang)

    def call_id(token: Token) -> str:
        sub = token.meta.get("subId", 0)
        return f"call-{token.meta['id'] + 1}" + (f"-{sub + 1}" if sub else "")

    def note_ref(tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        return (f'<sup class="note-call"><a href="#note-{token.meta["id"] + 1}" '
                f'id="{call_id(token)}" role="doc-noteref">{number_of(token)}</a></sup>')

    def notes_open(tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return (f'<section class="notes" role="doc-endnotes" aria-labelledby="notes">\n'
                f'<h2 class="notes-title" id="notes">{escape(labels["notes"])}</h2>\n<ol>\n')

    def notes_close(tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return "</ol>\n</section>\n"

    def note_open(tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return f'<li id="note-{tokens[idx].meta["id"] + 1}" role="doc-endnote">'

    def note_close(tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return "</li>\n"

    def note_back(tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        sub = token.meta.get("subId", 0)
        mark = f"<sup>{local_digits(sub + 1, lang)}</sup>" if sub or (
            notes.get(token.meta["id"], {}).get("count", 1) > 1) else ""
        return (f' <a href="#{call_id(token)}" class="note-back" role="doc-backlink" '
                f'aria-label="{escape(labels["back"])}">↑{mark}</a>')

    def table_open(tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return (f'<div class="table-scroll" role="region" tabindex="0" '
                f'aria-label="{escape(labels["table"])}">\n<table>\n')

    def table_close(tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return "</table>\n</div>\n"

    renderer = copy.copy(md.renderer)  # the parser's own renderer is shared: left as it is
    renderer.rules = {**md.renderer.rules, "footnote_ref": note_ref,
                      "footnote_block_open": notes_open, "footnote_block_close": notes_close,
                      "footnote_open": note_open, "footnote_close": note_close,
                      "footnote_anchor": note_back, "table_open": table_open,
                      "table_close": table_close}
    return renderer.render(tokens, md.options, env)


def web_platform_html(pub: Publication, lang: str, labels: dict[str, str]
                      ) -> tuple[Path, str] | None:
    """The platform in `lang` (its file, and its body as HTML for the web), when the
    publication has one in that language."""
    path = pub.platform.get(lang)
    if path is None:
        return None
    body, first_line = strip_front_matter(path)
    return path, web_markdown_html(body, path, first_line, pub.root, lang, labels)
