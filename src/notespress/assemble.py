"""Jinja layouts assemble the issue into one HTML document.

Templates are looked up in the workspace's ``layouts/`` first and in the built-in layouts
after, so a publication can override one template and keep the rest. A workspace template
can also extend a built-in one as ``default/<name>``.
"""

from __future__ import annotations

import datetime as dt
import functools
import traceback
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .config import PAGE_SIZES, Publication
from .content import Assembled, Issue, Platform
from .errors import NotespressError, Problem
from .markup import Source, render_markdown
from .production import TRIM_POINTS
from .resources import default_layouts
from .sources import parse_yaml, read_text
from .typography import base_lang, is_rtl, local_digits, numerals

MAIN_TEMPLATE = "issue.html"


def layout_dirs(root: Path) -> list[Path]:
    dirs = [root / "layouts", default_layouts()]
    unique: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def make_environment(root: Path) -> jinja2.Environment:
    """The Jinja environment of a workspace's layouts. One per set of layout folders for the
    life of the process: templates are compiled once, and reloaded when their file changes."""
    return _environment(tuple(layout_dirs(root)))


@functools.lru_cache(maxsize=16)
def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(d) for d in dirs]),
        jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(default_layouts()))}),
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["longdate"] = long_date
    env.filters["digits"] = local_digits
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
    """The layouts' own words in `lang`, falling back to English word by word."""
    files = []
    for code in ("en", lang.split("-")[0], lang):
        for folder in reversed(layout_dirs(root)):
            path = folder / "strings" / f"{code}.yaml"
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
        doc = parse_yaml(read_text(path), path)
        strings.update({str(k): str(v) for k, v in doc.data.items()})
    return tuple(strings.items())


def load_platform(pub: Publication, lang: str) -> Platform | None:
    path = pub.platform_for(lang)
    if path is None:
        return None
    code = next((c for c, p in pub.platform.items() if p == path), pub.lang)
    from .sources import split_front_matter

    text = read_text(path)
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
    width, height = TRIM_POINTS[size]
    small = size in ("half-letter", "a5")
    margins = ({"top": 36.0, "bottom": 44.6, "inside": 36.0, "outside": 39.6} if small else
               {"top": 54.0, "bottom": 61.2, "inside": 43.2, "outside": 54.0})
    bleed = issue.production.bleed_points(size)
    css_width, css_height = PAGE_SIZES[size]
    return {"size": size, "width": css_width, "height": css_height, "width_pt": width,
            "height_pt": height, "bleed": bleed, "media_bleed": bleed + MARKS_SPACE,
            "margins": margins, "small": small, "first_top": 28.8 if small else 39.6}


def assemble(pub: Publication, issue: Issue, pad: int = 0, part: str = "all",
             toc_pages: dict[str, int] | None = None, first_page: int = 1,
             lead_blocks: int | None = None) -> Assembled:
    """Render the main layout with the issue's data into one HTML document.

    `pad` pages are added before the platform, so that the page count can be made a multiple
    of 4 for printing. `part` lays out only the "cover" (with the contents' page numbers given
    in `toc_pages`, and of the lead article only its first `lead_blocks` blocks when given)
    or the "back" (padding, platform, colophon, from page `first_page`).
    """
    env = make_environment(pub.root)
    platform = load_platform(pub, issue.lang)
    context: dict[str, Any] = {
        "pub": pub,
        "issue": issue,
        "articles": [_article_view(a, lead_blocks if part == "cover" and i == 0 else None)
                     for i, a in enumerate(issue.articles)],
        "platform": _platform_view(platform) if platform else None,
        "strings": load_strings(pub.root, issue.lang),
        "page": page_geometry(issue),
        "production": issue.production,
        "pad": pad,
        "part": part,
        "toc_pages": toc_pages or {},
        "first_page": first_page,
        "lang": issue.lang,
        "direction": "rtl" if is_rtl(issue.lang) else "ltr",
        "numerals": numerals(issue.lang),
    }
    title = f"{pub.name} No. {issue.number}" + (f": {issue.title}" if issue.title else "")
    context["document_title"] = title
    context["stamp"] = document_date(issue)
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
                     title=title, platform=platform)


def layouts_lay_out_parts(root: Path) -> bool:
    """Whether the layouts in use can lay out the cover and the back on their own (the built-in
    ones can; a publication's own issue.html or contents.html may not)."""
    env = make_environment(root)
    try:
        main = env.loader.get_source(env, MAIN_TEMPLATE)[0]
        contents = env.loader.get_source(env, "contents.html")[0]
    except jinja2.TemplateNotFound:
        return False
    return '"back"' in main and "toc_pages" in contents


def document_date(issue: Issue) -> str:
    """The PDF's creation date: SOURCE_DATE_EPOCH when set, else the issue's date; never the
    clock, so that the same inputs give the same bytes."""
    from .build import source_date_epoch  # checked, and said to be wrong, by the build

    epoch = source_date_epoch()
    if epoch:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{issue.date.isoformat()}T00:00:00Z"


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """The innermost template file and line in a Jinja traceback."""
    found: tuple[Path | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".css", ".xml", ".txt", ".j2")):
            found = (Path(frame.filename), frame.lineno)
    return found


def _article_view(article, blocks: int | None = None) -> dict[str, Any]:
    view = dict(article.__dict__)
    html = article.html
    if blocks is not None and 0 < blocks < len(article.block_ends):
        html = html[:article.block_ends[blocks - 1]]
    view["html"] = Markup(html)
    view["dir"] = "rtl" if is_rtl(article.lang) else "ltr"
    return view


def _platform_view(platform: Platform) -> dict[str, Any]:
    return {"path": platform.path, "lang": platform.lang, "html": Markup(platform.html),
            "dir": "rtl" if is_rtl(platform.lang) else "ltr"}
