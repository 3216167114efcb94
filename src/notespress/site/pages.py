"""The site's pages, from the layouts under site/ (the workspace's layouts/site/ first, then
notespress's): the index, an issue, an article, the platform, and the stylesheet.

Each page is rendered with the words of its language (the strings tables), links relative to
itself (`url(...)`), and what the frame (site/base.html) shows: title, description, Open
Graph tags, the navigation and the colophon.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import traceback
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import Markup

from ..errors import NotespressError, Problem
from . import adapters, assets
from .content import href
from .model import ArticleCard, Files, IssueCard, PdfCard, SiteFile

if TYPE_CHECKING:
    from ..config import Publication
    from ..content import Article

STYLESHEET = "assets/site.css"
FEED = "feed.xml"
INDEX = "index.html"
STRINGS_CACHE = "strings.json"


@dataclass
class Site:
    """What every page of the site is made with."""

    root: Path
    pub: Publication
    url: str  # site_url, ending in '/' ('' when not set)
    cache: Path
    platforms: dict[str, str] = field(default_factory=dict)  # language -> page
    hashes: assets.Hashes = field(default_factory=assets.Hashes)
    _tables: dict[str, dict[str, str]] | None = field(default=None, repr=False)

    @cached_property
    def env(self) -> Any:
        return adapters.layout_environment(self.root, self.cache / "templates")

    def strings(self, lang: str) -> dict[str, str]:
        """The layouts' words in `lang`, kept from one build to the next in the cache (with
        the size and time of every strings table they may come from)."""
        if self._tables is None:
            self._tables = {}
            try:
                kept = json.loads((self.cache / STRINGS_CACHE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                kept = {}
            if isinstance(kept, dict) and kept.get("key") == self._strings_key:
                self._tables = dict(kept.get("tables", {}))
        if lang not in self._tables:
            self._tables[lang] = adapters.strings(self.root, lang)
            self.cache.mkdir(parents=True, exist_ok=True)
            temporary = self.cache / f".{STRINGS_CACHE}.tmp"
            temporary.write_text(json.dumps({"key": self._strings_key, "tables": self._tables},
                                            ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.cache / STRINGS_CACHE)
        return self._tables[lang]

    @cached_property
    def _strings_key(self) -> str:
        found = []
        for folder in adapters.layout_dirs(self.root):
            for path in sorted((folder / "strings").glob("*.yaml")):
                stat = path.stat()
                found.append([str(path), stat.st_size, stat.st_mtime_ns])
        return json.dumps(found)

    def absolute(self, path: str) -> str:
        """The address of a file of the site ('' when site_url is not set)."""
        if not self.url:
            return ""
        return self.url + ("" if path == INDEX else quote(path, safe="/"))

    def platform_page(self, lang: str) -> str:
        return (self.platforms.get(lang) or self.platforms.get(self.pub.lang)
                or next(iter(self.platforms.values()), ""))


def direction(lang: str) -> str:
    return "rtl" if adapters.is_rtl(lang) else "ltr"


def render(site: Site, template: str, path: str, page: dict[str, Any], chrome_lang: str,
           **context: Any) -> bytes:
    """Render `template` as the page at `path`: `page` describes it (lang, title,
    description...), `chrome_lang` is the language of its navigation and colophon."""
    strings = site.strings(chrome_lang)
    lang = page["lang"]
    chrome_dir = direction(chrome_lang)
    attrs = "" if (chrome_lang, chrome_dir) == (lang, direction(lang)) else (
        f' lang="{chrome_lang}" dir="{chrome_dir}"')
    platform = site.platform_page(chrome_lang)
    platform_label = (site.pub.platform_title if site.pub.platform_title
                      and chrome_lang == site.pub.lang else strings["platform"])
    values = {
        "pub": site.pub,
        "strings": strings,
        "url": lambda target: href(path, target),
        "page": {"dir": direction(lang), "kind": "page", "og_type": "website",
                 "og_title": page.get("title", ""), "description": "", "image": "",
                 "canonical": site.absolute(path), "path": path,
                 "locale": lang.replace("-", "_"), **page},
        "chrome": {"lang": chrome_lang, "dir": chrome_dir, "attrs": Markup(attrs),
                   # on the publication's own words (its name, address...)
                   "pub_attrs": Markup("" if site.pub.lang == chrome_lang
                                       else f' lang="{site.pub.lang}"')},
        "platform_page": platform,
        "platform_label": platform_label,
        "stylesheet": STYLESHEET,
        "feed": FEED,
        "home": INDEX,
        "site_url": site.url,
        "platforms": [{"lang": code, "path": target, "dir": direction(code),
                       "name": language_name(site, code)}
                      for code, target in site.platforms.items()],
        **context,
    }
    return render_template(site, template, values).encode("utf-8")


def render_template(site: Site, template: str, values: dict[str, Any]) -> str:
    import jinja2

    name = f"site/{template}"
    try:
        return site.env.get_template(name).render(values)
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else None
        raise NotespressError(Problem(path, f"template error: {exc.message}", exc.lineno)
                              ) from None
    except jinja2.TemplateNotFound as exc:
        where = ", ".join(str(d / "site") for d in adapters.layout_dirs(site.root))
        raise NotespressError(Problem(None, f"layout template '{exc.name}' not found in "
                                            f"{where}")) from None
    except jinja2.TemplateError as exc:
        found: tuple[Path | None, int | None] = (None, None)
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.endswith((".html", ".css", ".xml", ".txt")):
                found = (Path(frame.filename), frame.lineno)
        raise NotespressError(Problem(found[0], f"template error: {exc}", found[1])) from None


def language_name(site: Site, lang: str) -> str:
    """A language's own name, from its strings table (the code when it has none)."""
    english = site.strings("en")["site_language_name"]
    name = site.strings(lang)["site_language_name"]
    return name if name != english or lang.split("-")[0] == "en" else lang


# ------------------------------------------------------------------ what pages say of issues


def size_text(size: int, strings: dict[str, str], lang: str) -> str:
    if size < 1_000_000:
        number, key = str(max(1, round(size / 1000))), "site_size_kb"
    else:
        number, key = f"{size / 1_000_000:.1f}", "site_size_mb"
    number = number.replace(".", strings["site_decimal_mark"])
    return strings[key].replace("{n}", adapters.digits(number, lang))


def issue_view(site: Site, card: IssueCard) -> dict[str, Any]:
    """An issue's card with what the templates show of it, in its language."""
    strings = site.strings(card.lang)
    lang = card.lang
    number = f"{strings['issue_no']} {adapters.digits(card.number, lang)}"
    volume = (f"{strings['volume']} {adapters.digits(card.volume, lang)}"
              if card.volume else "")
    date = dt.date.fromisoformat(card.date)
    pdfs = [pdf_view(pdf, strings, lang) for pdf in card.pdfs]
    return {"card": card, "name": card.name, "path": card.path, "lang": lang,
            "dir": card.dir, "number": number, "volume": volume,
            "date": adapters.long_date(date, lang), "iso": card.date,
            "title": card.title, "heading": card.title or number, "cover": card.cover,
            "articles": card.articles, "pdfs": pdfs,
            "reader": next((p for p in pdfs if p["kind"] == "screen"), pdfs[0] if pdfs else None),
            "cover_alt": strings["site_cover_alt"].replace("{issue}", number)}


def pdf_view(pdf: PdfCard, strings: dict[str, str], lang: str) -> dict[str, Any]:
    details = []
    if pdf.pages:
        key = "site_sheets" if pdf.kind == "booklet" else "site_pages"
        count = pdf.pages // 2 if pdf.kind == "booklet" else pdf.pages
        details.append(strings[key].replace("{n}", adapters.digits(count, lang)))
    details.append(size_text(pdf.size, strings, lang))
    return {"kind": pdf.kind, "path": pdf.path,
            "label": strings.get(f"site_edition_{pdf.kind}", pdf.kind),
            "note": strings.get(f"site_edition_{pdf.kind}_note", ""),
            "details": ", ".join(details)}


# ------------------------------------------------------------------ the pages


def index_page(site: Site, cards: list[IssueCard]) -> bytes:
    pub = site.pub
    views = [issue_view(site, card) for card in cards]
    image = next((c.cover.path for c in cards if c.cover), "")
    page = {"lang": pub.lang, "kind": "index", "title": pub.name,
            "description": pub.tagline or pub.name,
            "image": site.absolute(image) if image else ""}
    return render(site, "index.html", INDEX, page, pub.lang, issues=views)


def issue_page(site: Site, card: IssueCard) -> bytes:
    view = issue_view(site, card)
    titles = "; ".join(a.title for a in card.articles)
    description = f"{view['number']}, {view['date']}: {titles}" if titles else view["number"]
    title = f"{site.pub.name}, {view['number']}" + (f": {card.title}" if card.title else "")
    page = {"lang": card.lang, "kind": "issue", "title": title, "description": description,
            "image": site.absolute(card.cover.path) if card.cover else ""}
    return render(site, "issue.html", card.path, page, card.lang, issue=view)


def article_page(site: Site, card: IssueCard, index: int, body: str) -> bytes:
    article = card.articles[index]
    view = issue_view(site, card)
    words = site.strings(article.lang)
    image = article.image or (card.cover.path if card.cover else "")
    page = {"lang": article.lang, "kind": "article", "og_type": "article",
            "title": f"{article.title} · {site.pub.name}, {view['number']}",
            "og_title": article.title, "description": article.description,
            "image": site.absolute(image) if image else "",
            "published": card.date, "author": article.author}
    return render(site, "article.html", article.path, page, card.lang, issue=view,
                  article=article, words=words, body=Markup(body),
                  previous=card.articles[index - 1] if index > 0 else None,
                  next=card.articles[index + 1] if index + 1 < len(card.articles) else None)


def platform_page(site: Site, lang: str, body: str, description: str) -> bytes:
    strings = site.strings(lang)
    title = (site.pub.platform_title if site.pub.platform_title and lang == site.pub.lang
             else strings["platform"])
    path = site.platforms[lang]
    page = {"lang": lang, "kind": "platform", "title": f"{title} · {site.pub.name}",
            "og_title": title, "description": description}
    others = [{"lang": code, "path": target, "dir": direction(code),
               "name": language_name(site, code)}
              for code, target in site.platforms.items() if code != lang]
    return render(site, "platform.html", path, page, lang, title=title, body=Markup(body),
                  others=others)


def stylesheet(site: Site, files: Files) -> bytes:
    """site/site.css, whose `font_face(...)` calls put the web fonts in the site."""

    def font_face(family: str, file: str, weight: int | str = 400, style: str = "normal",
                  subset: str = "latin", size_adjust: str = "") -> Markup:
        path = assets.find_font(site.root, file)
        font = assets.web_font(path, subset, site.cache, site.hashes)
        folder = f"assets/fonts/{Path(file).parent.as_posix()}/".replace("/./", "/")
        files[folder + font.name] = SiteFile(source=font.file)
        if font.licence is not None:
            files[folder + font.licence.name] = SiteFile(source=font.licence)
        lines = [f'  font-family: "{family}";',
                 f'  src: url("{href(STYLESHEET, folder + font.name)}") format("woff2");',
                 f"  font-weight: {weight};", f"  font-style: {style};",
                 "  font-display: swap;"]
        if size_adjust:
            lines.append(f"  size-adjust: {size_adjust};")
        if not font.whole:
            lines.append(f"  unicode-range: {assets.SUBSETS[subset]};")
        return Markup("@font-face {\n" + "\n".join(lines) + "\n}")

    def planned(family: str, file: str, weight: int | str = 400, style: str = "normal",
                subset: str = "latin", size_adjust: str = "") -> Markup:
        wanted.append((assets.find_font(site.root, file), subset))
        return Markup("")

    wanted: list[tuple[Path, str]] = []  # a first pass finds the fonts, made side by side
    render_template(site, "site.css", {"font_face": planned, "pub": site.pub})
    assets.prepare_fonts(wanted, site.cache, site.hashes)
    values = {"font_face": font_face, "pub": site.pub}
    return render_template(site, "site.css", values).encode("utf-8")


def article_card(article: Article, path: str, body: str, image: str) -> ArticleCard:
    from .content import describe

    return ArticleCard(slug=article.slug, title=article.title, subtitle=article.subtitle,
                       author=article.author, translator=article.translator,
                       lang=article.lang, dir=direction(article.lang),
                       summary=describe(article.summary, body, 600),
                       description=describe(article.summary, body), path=path, image=image)
