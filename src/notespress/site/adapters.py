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


def web_article_html(article: Article, folder: Path, labels: dict[str, str],
                     link_base: str = "") -> str:
    """The article's body as HTML for a web page: markup's own web rendering (root-relative
    links made absolute against the issue's `link_base`, as on paper)."""
    body, first_line = strip_front_matter(article.path)
    return web_markdown_html(body, article.path, first_line, folder, article.lang, labels,
                             link_base)


def web_markdown_html(body: str, path: Path, first_line: int, folder: Path, lang: str,
                      labels: dict[str, str], link_base: str = "") -> str:
    """Markdown to HTML for the web (markup.render_markdown, medium "web"): the language's
    quotes and spaces, figures with captions, pull quotes, boxes, code, as on paper; but
    footnotes as notes at the end (`<section class="notes">`, headed `labels["notes"]`,
    each with a link back to its calls, named `labels["back"]`), headings with ids unique on
    the page, each table in a frame that scrolls on a narrow screen (named
    `labels["table"]`). Pictures keep their `file:` URI (src) for the site's pictures stage;
    links to other articles and to files of the issue folder are left as written, for the
    site to point at its pages and copies."""
    from ..markup import Source, render_markdown

    source = Source(path=path, first_line=first_line, folder=folder, lang=lang, id_prefix="",
                    links="hidden", words=labels_words(labels), link_base=link_base)
    return render_markdown(body, source, medium="web").html


def labels_words(labels: dict[str, str]) -> dict[str, str]:
    """The site's labels (and the layouts' words given with them: the boxes' labels) as the
    words markup's web rendering reads."""
    return {**labels, "web_notes": labels.get("notes", "Notes"),
            "web_back": labels.get("back", "Back to the text"),
            "web_table": labels.get("table", "Table")}


def web_platform_html(pub: Publication, lang: str, labels: dict[str, str]
                      ) -> tuple[Path, str] | None:
    """The platform in `lang` (its file, and its body as HTML for the web), when the
    publication has one in that language."""
    path = pub.platform.get(lang)
    if path is None:
        return None
    body, first_line = strip_front_matter(path)
    return path, web_markdown_html(body, path, first_line, pub.root, lang, labels)
