"""Jinja layouts assemble the issue into one HTML document.

Templates are looked up in the workspace's ``layouts/`` first and in the built-in layouts
after, so a publication can override one template and keep the rest. A workspace template
can also extend a built-in one as ``default/<name>``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .config import Publication
from .content import Article, Assembled, Issue, Platform
from .errors import NotespressError, Problem
from .files import refusal
from .limits import MAX_SOURCE_BYTES
from .markup import Source, render_markdown
from .markup_bidi import bidi_html, text_direction
from .production import TRIMS
from .resources import default_layouts
from .sources import parse_yaml, read_text
from .typography import base_lang, is_rtl, local_digits, numerals

MAIN_TEMPLATE = "issue.html"


def layout_dirs(root: Path) -> list[Path]:
    """The folders layouts are looked up in: the workspace's, then the defaults."""
    dirs = [root / "layouts", default_layouts()]
    unique: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


class LayoutLoader(jinja2.BaseLoader):
    """The workspace's layouts/ first (but for its untouched copies of a default: see
    themes.py), the defaults after; `default/NAME` is always the default. A workspace layout
    that is a link out of the workspace, or not a regular file, is refused."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.workspace = root / "layouts"
        self.defaults = default_layouts()
        # (the demo publication of a checkout: its layouts are the defaults themselves)
        self.is_defaults = self.workspace.resolve() == self.defaults.resolve()

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        path = self._path(template)
        try:
            source = read_text(path, limit=MAX_SOURCE_BYTES, what="layout")
            mtime = path.stat().st_mtime_ns
        except NotespressError:
            raise jinja2.TemplateNotFound(template) from None

        def uptodate() -> bool:  # the same file (none added or removed before it), unchanged
            try:
                return self._path(template) == path and path.stat().st_mtime_ns == mtime
            except (OSError, NotespressError):
                return False

        return source, str(path), uptodate

    def _path(self, template: str) -> Path:
        """The file `template` is read from."""
        from jinja2.loaders import split_template_path

        from .themes import passed_over

        name = "/".join(split_template_path(template))  # no '..' out of the folder
        if name.startswith("default/"):
            return self.defaults / name[len("default/"):]
        own = self.workspace / name
        if not self.is_defaults and os.path.lexists(own) and name not in passed_over(self.root):
            why = refusal(own, self.root)
            if why is not None:
                raise NotespressError(Problem(own, f"layout {why}"))
            return own
        return self.defaults / name


def make_environment(root: Path) -> jinja2.Environment:
    """The Jinja environment of a workspace's layouts. One per workspace for the life of the
    process: templates are compiled once, and reloaded when their file changes."""
    return _environment(root.resolve())


@functools.lru_cache(maxsize=16)
def _environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=LayoutLoader(root),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["longdate"] = long_date
    env.filters["digits"] = local_digits
    env.filters["bidi"] = lambda text, lang="": Markup(bidi_html(str(text), lang))
    env.filters["direction"] = lambda text, lang="": text_direction(str(text), lang)
    return env


MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "fa": ["ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر",
           "اکتبر", "نوامبر", "دسامبر"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"],
}


def long_date(value: dt.date, lang: str = "en", day: bool = False) -> str:
    """`value` as a date in `lang` ('November 2026', or with the day), in its digits."""
    months = MONTHS.get(base_lang(lang), MONTHS["en"])
    month = months[value.month - 1]
    if lang.startswith("en"):
        text = f"{month} {value.day}, {value.year}" if day else f"{month} {value.year}"
    elif base_lang(lang) == "de":
        text = f"{value.day}. {month} {value.year}" if day else f"{month} {value.year}"
    else:
        text = f"{value.day} {month} {value.year}" if day else f"{month} {value.year}"
    return local_digits(text, lang)


def load_strings(root: Path, lang: str) -> dict[str, str]:
    """The layouts' own words in `lang`, falling back to English word by word (a `lang` that
    is not a language code gets English: it never names a file)."""
    from .schema import LANG_RE
    from .themes import passed_over

    codes = ("en", base_lang(lang), lang) if LANG_RE.match(lang) else ("en",)
    files = []
    for code in dict.fromkeys(codes):
        for folder in reversed(layout_dirs(root)):
            path = folder / "strings" / f"{code}.yaml"
            own = folder != default_layouts()
            if own and (f"strings/{code}.yaml" in passed_over(root) or not path.exists()):
                continue
            why = refusal(path, root) if own else None
            if why is not None:
                raise NotespressError(Problem(path, f"strings table {why}"))
            try:
                stat = path.stat()
            except OSError:
                continue
            files.append((path, stat.st_size, stat.st_mtime_ns))
    return dict(_read_strings(tuple(files)))


@functools.lru_cache(maxsize=32)
def _read_strings(files: tuple[tuple[Path, int, int], ...]) -> tuple[tuple[str, str], ...]:
    """The words of these files (each with its size and time, so that an edit is read)."""
    strings: dict[str, str] = {}
    for path, _, _ in files:
        doc = parse_yaml(read_text(path, limit=MAX_SOURCE_BYTES, what="strings table"), path)
        strings.update({str(k): str(v) for k, v in doc.data.items()})
    return tuple(strings.items())


def load_platform(pub: Publication, lang: str) -> Platform | None:
    """The platform in the issue's language (else the publication's), rendered; None without one."""
    path = pub.platform_for(lang)
    if path is None:
        return None
    code = next((c for c, p in pub.platform.items() if p == path), pub.lang)
    from .sources import split_front_matter

    text = read_text(path, pub.root, what="platform")
    first_line = 1
    if text.startswith("---\n"):
        doc = split_front_matter(text, path)
        text, first_line = doc.body, doc.body_line
    rendered = render_markdown(text, Source(
        path=path, first_line=first_line, folder=pub.root, lang=code, id_prefix="platform-",
        links=pub.production.links, link_base=pub.production.link_base,
        words=load_strings(pub.root, code), cache=pub.root / "build" / ".cache" / "pictures"))
    errors = [p for p in rendered.problems if p.severity == "error"]
    if errors:
        raise NotespressError(errors)
    return Platform(path=path, lang=code, html=rendered.html)


MARKS_SPACE = 18.0  # points outside the bleed where the crop marks are drawn


def page_geometry(issue: Issue) -> dict[str, Any]:
    """The page as the layouts see it: trim size, bleed, margins (all in points)."""
    size = issue.page_size
    trim = TRIMS[size]
    margins = ({"top": 36.0, "bottom": 44.6, "inside": 36.0, "outside": 39.6} if trim.small else
               {"top": 54.0, "bottom": 61.2, "inside": 43.2, "outside": 54.0})
    bleed = issue.production.bleed_points(size)
    return {"size": size, "width": trim.width, "height": trim.height,
            "width_pt": trim.width_pt, "height_pt": trim.height_pt, "bleed": bleed,
            "media_bleed": bleed + MARKS_SPACE, "margins": margins, "small": trim.small,
            "first_top": 28.8 if trim.small else 39.6}


@dataclass(frozen=True)
class Part:
    """What of the issue to lay out: "all"; or, when the padding pages change after layout
    (pad.py), only the "cover" (with the contents' page numbers given in `toc_pages`: the
    first `articles` articles, of the last of them only its first `lead_blocks` blocks when
    given; articles run on, and more than one may open on the cover) or the "back" (padding,
    platform, colophon, numbered from `first_page`). `pad_start`: where the padding pages
    start, when known (the back starts there), so that the coupon keeps off page 2."""

    kind: str = "all"
    toc_pages: dict[str, int] = field(default_factory=dict)
    first_page: int = 1
    lead_blocks: int | None = None
    articles: int = 1  # the articles the "cover" part holds (the last one cut at lead_blocks)
    pad_start: int = 0  # the page where the padding pages start, when known (0: not yet)


def assemble(pub: Publication, issue: Issue, pad: int = 0, part: Part | None = None,
             epoch: int | None = None) -> Assembled:
    """Render the main layout with the issue's data into one HTML document.

    `pad` pages are added before the platform, so that the page count can be made a multiple
    of 4 for printing. `epoch` (SOURCE_DATE_EPOCH) dates the document instead of the issue's
    date."""
    part = part or Part()
    env = make_environment(pub.root)
    platform = load_platform(pub, issue.lang)
    lead_blocks = part.lead_blocks if part.kind == "cover" else None
    strings = load_strings(pub.root, issue.lang)
    label = pub.platform_title or strings.get("platform", "")
    context: dict[str, Any] = {
        "pub": pub,
        "issue": issue,
        "articles": [_article_view(pub.root, a, lead_blocks if i == part.articles - 1
                                   else None) for i, a in enumerate(issue.articles)],
        "cover_articles": part.articles,
        "platform": _platform_view(platform, label) if platform else None,
        "strings": strings,
        "cover": _cover_view(issue),
        "cover_picture": issue.cover is not None,
        "teasers": teasers(issue),
        "quote": house_quote(issue),
        "house_pages": house_pages,
        "pad_start": part.first_page if part.kind == "back" else part.pad_start,
        "price": _price(pub, strings),
        "price_line": strings.get("price_line", "{price}").replace("{price}",
                                                                    _price(pub, strings)),
        "colophon_publisher": colophon_publisher(pub.publisher, strings),
        "page": page_geometry(issue),
        "production": issue.production,
        "theme_css": Markup(pub.theme.css()),
        "pad": pad,
        "part": part.kind,
        "toc_pages": part.toc_pages,
        "first_page": part.first_page,
        "lang": issue.lang,
        "direction": "rtl" if is_rtl(issue.lang) else "ltr",
        "mixed_directions": len({is_rtl(a.lang) for a in issue.articles}
                                | {is_rtl(issue.lang)}) > 1,
        "numerals": numerals(issue.lang),
    }
    title = f"{pub.name} No. {issue.number}" + (f": {issue.title}" if issue.title else "")
    context["document_title"] = title
    context["stamp"] = document_date(issue, epoch)
    try:
        html = env.get_template(MAIN_TEMPLATE).render(context)
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else None
        raise NotespressError(Problem(path, f"template error: {exc.message}", exc.lineno)) from None
    except jinja2.TemplateNotFound as exc:
        where = ", ".join(str(d) for d in layout_dirs(pub.root))
        raise NotespressError(Problem(None, f"layout template '{exc.name}' not found in "
                                            f"{where}")) from None
    except jinja2.TemplateError as exc:
        path, line = _template_frame(exc)
        raise NotespressError(Problem(path, f"template error: {exc}", line)) from None
    return Assembled(html=html, base_url=pub.root.resolve().as_uri() + "/", lang=issue.lang,
                     title=title, platform=platform,
                     hyphen_ladder=issue.production.hyphen_ladder)


def layouts_lay_out_parts(root: Path) -> bool:
    """Whether the layouts in use can lay out the cover and the back on their own (the built-in
    ones can; a publication's own issue.html or contents.html may not)."""
    env = make_environment(root)
    loader = LayoutLoader(root)
    try:
        main = loader.get_source(env, MAIN_TEMPLATE)[0]
        contents = loader.get_source(env, "contents.html")[0]
    except jinja2.TemplateNotFound:
        return False
    return '"back"' in main and "toc_pages" in contents


def document_date(issue: Issue, epoch: int | None = None) -> str:
    """The PDF's creation date: `epoch` (SOURCE_DATE_EPOCH) when given, else the issue's
    date; never the clock, so that the same inputs give the same bytes."""
    if epoch is not None:
        moment = dt.datetime.fromtimestamp(epoch, dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{issue.date.isoformat()}T00:00:00Z"


def date_epoch(issue: Issue, epoch: int | None = None) -> int:
    """The document's date in seconds since 1970 (for the tools that stamp one)."""
    if epoch is not None:
        return epoch
    return int(dt.datetime.combine(issue.date, dt.time(), dt.UTC).timestamp())


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """The innermost template file and line in a Jinja traceback."""
    found: tuple[Path | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".css", ".xml", ".txt", ".j2")):
            found = (Path(frame.filename), frame.lineno)
    return found


def _article_view(root: Path, article: Article, blocks: int | None = None) -> dict[str, Any]:
    view = dict(article.__dict__)
    html = article.html
    if blocks is not None and 0 < blocks < len(article.block_ends):
        html = html[:article.block_ends[blocks - 1]]
    view["html"] = Markup(html)
    view["dir"] = "rtl" if is_rtl(article.lang) else "ltr"
    view["strings"] = load_strings(root, article.lang)  # its labels in its own language
    return view


def _platform_view(platform: Platform, label: str) -> dict[str, Any]:
    return {"path": platform.path, "lang": platform.lang, "html": Markup(platform.html),
            "dir": "rtl" if is_rtl(platform.lang) else "ltr",
            "own_heading": opens_with_heading(platform.html, label)}


_FIRST_HEADING = re.compile(r"^\s*<h[1-6]\b[^>]*>(.*?)</h[1-6]>", re.S)


def _plain(html: str) -> str:
    text = unescape(re.sub(r"<[^>]+>", "", html))
    return re.sub(r"[\W_]+", " ", text).strip().casefold()


def opens_with_heading(html: str, label: str) -> bool:
    """Whether the platform's text opens with a heading in the same words as the label the
    layouts would put over it ("Who we are"): the heading is then printed once, its own."""
    match = _FIRST_HEADING.match(html)
    return bool(match and label and _plain(match.group(1)) == _plain(label))


def _cover_view(issue: Issue) -> dict[str, Any] | None:
    if issue.cover is None:
        return None
    return {"src": issue.cover.picture.path.as_uri(), "alt": issue.cover.alt,
            "credit": issue.cover.credit}


MAX_TEASERS = 3


def teasers(issue: Issue) -> list[dict[str, Any]]:
    """Two or three articles to announce on the cover, from their summaries: those after the
    lead (whose opening is on the cover, or right after it), in order; none when fewer than
    two have a summary."""
    chosen = [a for a in issue.articles[1:] if a.summary.strip()][:MAX_TEASERS]
    if len(chosen) < 2:
        return []
    return [{"slug": a.slug, "title": a.title, "summary": _shortened(a.summary),
             "lang": a.lang, "dir": "rtl" if is_rtl(a.lang) else "ltr"} for a in chosen]


def _shortened(text: str, limit: int = 150) -> str:
    """A summary cut at a word before `limit` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


_PULLQUOTE = re.compile(r'<aside class="pullquote">(.*?)</aside>', re.S)


def house_quote(issue: Issue) -> dict[str, Any] | None:
    """A sentence of the issue to set large on a house page: the first pull quote of an
    article after the lead (or of the lead), with its article's title."""
    for article in (*issue.articles[1:], *issue.articles[:1]):
        match = _PULLQUOTE.search(article.html)
        if match:
            text = " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())
            if text:
                return {"text": text, "title": article.title, "slug": article.slug,
                        "lang": article.lang, "dir": "rtl" if is_rtl(article.lang) else "ltr"}
    return None


def house_pages(count: int, padding: str, quote: dict[str, Any] | None) -> list[str]:
    """What each of `count` padding pages carries, in order: with `padding: subscribe`, house
    material, the subscribe page last (just before the platform): one page, the subscribe
    page; two, a call for contributions first; three, a quotation from the issue (or a notes
    page) before them."""
    if padding in ("blank", "notes"):
        return [padding] * count
    kinds = ["subscribe", "call", "quote" if quote else "notes"]
    return list(reversed(kinds[:count])) if count <= 3 else ["notes"] * (count - 3) + list(
        reversed(kinds))


def _price(pub: Publication, strings: dict[str, str]) -> str:
    return strings.get("price_free", "free") if pub.price.lower() == "free" else pub.price


def colophon_publisher(publisher: str, strings: dict[str, str]) -> str:
    """"Published by ..." in the issue's language; where the language puts an article
    before the publisher's name by its first word (French: "Publié par le Groupe..."), the
    strings table's `publisher_articles` ("groupe=le |union=l’") gives it."""
    articles = {}
    for pair in strings.get("publisher_articles", "").split("|"):
        word, _, article = pair.partition("=")
        if word.strip():
            articles[word.strip().casefold()] = article
    first = publisher.split(" ", 1)[0].casefold() if publisher else ""
    if first in articles:
        publisher = articles[first] + publisher
    template = strings.get("colophon_publisher", "{publisher}")
    return template.replace("{publisher}", publisher)
