"""The publication: `notespress.yaml`, validated into a `Publication`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema as s
from .errors import NotespressError, Problem, Problems
from .limits import MAX_CONFIG_BYTES
from .production import FIELDS as PRODUCTION_FIELDS
from .production import TRIMS, Production, read_production
from .sources import YamlDoc, parse_yaml, read_text

CONFIG_NAME = "notespress.yaml"
LANG_RE = s.LANG_RE


@dataclass(frozen=True)
class Contact:
    """How to reach the publication (printed in the colophon and on the subscribe page)."""

    address: str = ""
    email: str = ""
    website: str = ""
    subscribe: str = ""


@dataclass(frozen=True)
class Theme:
    """Colours and faces set from notespress.yaml, given to the layouts' CSS as custom
    properties (--accent, --text-font, --heading-font), without copying a layout."""

    accent: str = ""
    text_font: str = ""
    heading_font: str = ""

    def css(self) -> str:
        """`:root { ... }` with the properties that are set ('' when none is)."""
        values = {"--accent": self.accent,
                  "--text-font": _font_list(self.text_font),
                  "--heading-font": _font_list(self.heading_font)}
        body = " ".join(f"{k}: {v};" for k, v in values.items() if v)
        return f":root {{ {body} }}\n" if body else ""


def _font_list(name: str) -> str:
    return f'"{name}"' if name else ""


@dataclass(frozen=True)
class Publication:
    """`notespress.yaml`, validated: the publication's name, language, page, platform and
    settings."""

    root: Path
    name: str
    publisher: str
    tagline: str
    lang: str
    page_size: str
    platform: dict[str, Path]
    contact: Contact
    price: str
    platform_title: str | None = None
    production: Production = field(default_factory=Production)
    theme: Theme = field(default_factory=Theme)
    slug_setting: str = ""
    site_url: str = ""
    mail: dict[str, Any] = field(default_factory=dict)  # validated by mail.py
    extra: dict[str, Any] = field(default_factory=dict)  # unknown keys (warned about)
    warnings: tuple[Problem, ...] = ()

    @property
    def slug(self) -> str:
        """The name's ASCII slug (or `slug:`), for the names of the files a build writes."""
        return self.slug_setting or slugify(self.name, fallback="newsletter")

    def platform_for(self, lang: str) -> Path | None:
        return self.platform.get(lang) or self.platform.get(self.lang) or next(
            iter(self.platform.values()), None)


def slugify(text: str, fallback: str = "newsletter") -> str:
    """Lowercase ASCII letters, digits and hyphens (accents dropped: 'Lettre de Montréal'
    gives 'lettre-de-montreal'); `fallback` when nothing is left (a name in Persian)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or fallback


def readable_slug(text: str, fallback: str = "section") -> str:
    """A slug that keeps letters of any script (for anchors inside a document)."""
    slug = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-_")
    return slug[:60] or fallback


def find_workspace(start: Path) -> Path:
    """The nearest folder at or above `start` that holds a notespress.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise NotespressError(Problem(
        None, f"no {CONFIG_NAME} in {start} or any folder above it; run it inside a "
              "publication, pass --workspace DIR, or create one with 'notespress init DIR'"))


@s.described("text", "lowercase ASCII letters, digits and hyphens, e.g. red-notes")
def _slug_setting(value: Any) -> str:
    slug = s.text()(value)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", slug):
        raise s.Invalid(f"'{s.shown(slug)}' is not a file-name slug: lowercase ASCII letters, "
                        "digits and hyphens, e.g. red-notes")
    return slug


@s.described("path, or one path per language", "a Markdown file of the publication: "
             "platform/en.md, or en: platform/en.md and fa: platform/fa.md")
def _platform(value: Any) -> dict[str, Path] | Path:
    if isinstance(value, str) and value.strip():
        return Path(value.strip())
    if isinstance(value, dict) and value:
        paths = {}
        for code, path in value.items():
            if not isinstance(path, str) or not path.strip():
                raise s.Invalid(f"the platform for '{s.shown(code)}' must be a path")
            if not s.LANG_RE.match(str(code)):
                raise s.Invalid(f"'{s.shown(code)}' is not a language code such as 'en'")
            paths[str(code)] = Path(path.strip())
        return paths
    raise s.Invalid("must be a path, or a mapping from language code to path")


CONTACT = s.Schema((
    s.Field("address", s.text(), help="the postal address, for letters and the self-mailer's "
            "return address"),
    s.Field("email", s.text(), help="the email address readers write to"),
    s.Field("website", s.text(), help="the publication's website"),
    s.Field("subscribe", s.text(one_line=False), help="how to subscribe and get copies to "
            "hand out, in a sentence or two"),
), what="contact key")


@s.described("mapping", "address, email, website, subscribe (below)")
def _contact(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise s.Invalid("must be a mapping with address, email, website, subscribe")
    return value  # its keys are validated against CONTACT in load_publication


@s.described("mapping", "the mail settings (below)")
def _mail(value: Any) -> Any:
    return value  # checked key by key by mail.check_mail_settings in load_publication


FIELDS = (
    s.Field("name", s.text(max_length=200), required=True, help="the publication's name"),
    s.Field("publisher", s.text(max_length=300),
            help="who publishes it, for the colophon (default: the name)"),
    s.Field("tagline", s.text(max_length=300), help="a line under the name on the cover"),
    s.Field("lang", s.language(), default="en",
            help="the language of the issues and articles that do not say"),
    s.Field("page_size", s.choice(*TRIMS), default="letter",
            help="the size of a page once printed and trimmed"),
    s.Field("platform", _platform, required=True,
            help="the path of the platform, e.g. platform/en.md"),
    s.Field("platform_title", s.text(max_length=200),
            help="the heading of the platform (default: \"Who we are\" in the issue's "
            "language)"),
    s.Field("contact", _contact, help="how to reach the publication: printed in the "
            "colophon and on the subscribe page"),
    s.Field("price", s.text(max_length=100), default="free",
            help="printed on the cover: free, $1, 50 p..."),
    s.Field("slug", _slug_setting, name="slug_setting",
            help="the start of the file names a build writes (default: made from the name)"),
    s.Field("site_url", s.url(base=True),
            help="where the web edition is published, for the feed and the sitemap"),
    s.Field("accent", s.color(),
            help="the one colour of the layouts, such as the cover's band and name"),
    s.Field("text_font", s.text(max_length=100),
            help="the face of the text: a family name of a font in fonts/"),
    s.Field("heading_font", s.text(max_length=100),
            help="the face of titles and headings: a family name of a font in fonts/"),
    s.Field("mail", _mail, help="how notespress mail sends the issue (docs/email.md)"),
    *PRODUCTION_FIELDS,
)
SCHEMA = s.Schema(FIELDS)
THEME_KEYS = ("accent", "text_font", "heading_font")


def load_publication(root: Path) -> Publication:
    """Read and validate `notespress.yaml`, reporting every problem at once."""
    path = root / CONFIG_NAME
    doc = parse_yaml(read_text(path, root, limit=MAX_CONFIG_BYTES), path, what=CONFIG_NAME)
    problems = Problems()
    values = SCHEMA.validate(doc, problems)
    production = read_production(doc, problems, Production())
    contact = Contact(**CONTACT.validate(doc, problems, data=values.get("contact", {}),
                                         prefix="contact.", unknown="error"))
    platform = _platform_paths(root, values.get("platform"), values.get("lang", "en"), doc,
                               problems)
    mail = values.get("mail", {})
    if not isinstance(mail, dict):
        problems.add(path, "must be a mapping of mail settings", doc.line("mail"), "mail")
        mail = {}
    elif mail:
        from .mail import check_mail_settings

        lines = {k[len("mail."):]: v for k, v in doc.lines.items() if k.startswith("mail.")}
        problems.extend(check_mail_settings(mail, path, {"": doc.line("mail"), **lines}))
    problems.raise_if_any()
    name = values["name"]
    return Publication(
        root=root, name=name, publisher=values.get("publisher") or name,
        tagline=values.get("tagline", ""), lang=values["lang"], page_size=values["page_size"],
        platform=platform, contact=contact, price=values["price"],
        platform_title=values.get("platform_title") or None, production=production,
        theme=Theme(**{k: values.get(k, "") for k in THEME_KEYS}),
        slug_setting=values.get("slug_setting", ""), site_url=values.get("site_url", ""),
        mail=mail, extra={k: v for k, v in doc.data.items() if k not in SCHEMA.known_keys()},
        warnings=tuple(problems.warnings))


def _platform_paths(root: Path, value: dict[str, Path] | Path | None, lang: str, doc: YamlDoc,
                    problems: Problems) -> dict[str, Path]:
    if value is None:
        return {}
    paths = {lang: value} if isinstance(value, Path) else value
    platform = {code: root / relative for code, relative in paths.items()}
    from .files import refusal

    for code, ppath in platform.items():
        why = refusal(ppath, root)
        if why is not None:
            problems.add(doc.path, f"platform file '{paths[code]}' ({code}) {why}",
                         doc.line("platform"), "platform")
    return platform
