"""The publication: `notespress.yaml`, validated into a `Publication`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NotespressError, Problem, Problems
from .production import KEYS as PRODUCTION_KEYS
from .production import Production, read_production
from .sources import YamlDoc, parse_yaml, read_text

CONFIG_NAME = "notespress.yaml"

# Trim sizes, width x height in CSS units.
PAGE_SIZES: dict[str, tuple[str, str]] = {
    "letter": ("8.5in", "11in"),
    "a4": ("210mm", "297mm"),
    "half-letter": ("5.5in", "8.5in"),
    "a5": ("148mm", "210mm"),
    "tabloid": ("11in", "17in"),
}

LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Contact:
    address: str = ""
    email: str = ""
    website: str = ""
    subscribe: str = ""


@dataclass(frozen=True)
class Publication:
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
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()

    @property
    def slug(self) -> str:
        return slugify(self.name)

    def platform_for(self, lang: str) -> Path | None:
        return self.platform.get(lang) or self.platform.get(self.lang) or next(
            iter(self.platform.values()), None)


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    return slug or "newsletter"


def find_workspace(start: Path) -> Path:
    """The nearest folder at or above `start` that holds a notespress.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise NotespressError(Problem(
        None, f"no {CONFIG_NAME} in {start} or any folder above it; run it inside a "
              "publication, pass --workspace DIR, or create one with 'notespress init DIR'"))


def text_value(doc: YamlDoc, key: str, problems: Problems, *, required: bool = False,
               default: str = "") -> str:
    """A key's value as text (numbers too), reporting a missing or non-text value."""
    value = doc.data.get(key)
    if value is None or value == "":
        if required:
            problems.add(doc.path, "required key is missing", doc.first_line, key)
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.add(doc.path, f"must be text, not {type(value).__name__}", doc.line(key), key)
        return default
    return str(value).strip()


def check_lang(value: str, doc: YamlDoc, key: str, problems: Problems) -> None:
    if not LANG_RE.match(value):
        problems.add(doc.path, f"'{value}' is not a language code such as 'en', 'fr' or 'fa'",
                     doc.line(key), key)


KNOWN_KEYS = {"name", "publisher", "tagline", "lang", "page_size", "platform", "platform_title",
              "contact", "price", *PRODUCTION_KEYS}


def load_publication(root: Path) -> Publication:
    """Read and validate `notespress.yaml`, reporting every problem at once."""
    path = root / CONFIG_NAME
    doc = parse_yaml(read_text(path), path, what=CONFIG_NAME)
    problems = Problems()

    name = text_value(doc, "name", problems, required=True)
    publisher = text_value(doc, "publisher", problems, default=name)
    tagline = text_value(doc, "tagline", problems)
    lang = text_value(doc, "lang", problems, default="en")
    check_lang(lang, doc, "lang", problems)
    page_size = text_value(doc, "page_size", problems, default="letter").lower()
    if page_size not in PAGE_SIZES:
        problems.add(path, f"'{page_size}' is not a page size; use one of "
                           f"{', '.join(PAGE_SIZES)}", doc.line("page_size"), "page_size")
    price = text_value(doc, "price", problems, default="free")
    platform_title = text_value(doc, "platform_title", problems) or None

    platform: dict[str, Path] = {}
    raw = doc.data.get("platform")
    if raw is None:
        problems.add(path, "required key is missing (the path of the platform, "
                           "e.g. platform/en.md)", doc.first_line, "platform")
    elif isinstance(raw, str):
        platform[lang] = root / raw
    elif isinstance(raw, dict) and raw:
        for code, value in raw.items():
            if not isinstance(value, str):
                problems.add(path, f"the platform for '{code}' must be a path", doc.line(
                    "platform"), "platform")
            else:
                platform[str(code)] = root / value
    else:
        problems.add(path, "must be a path, or a mapping from language code to path",
                     doc.line("platform"), "platform")
    for code, ppath in platform.items():
        if not ppath.is_file():
            shown = ppath.relative_to(root) if ppath.is_relative_to(root) else ppath
            problems.add(path, f"platform file '{shown}' not found", doc.line("platform"),
                         "platform")
        elif not ppath.resolve().is_relative_to(root.resolve()):
            problems.add(path, f"platform file for '{code}' is outside the workspace",
                         doc.line("platform"), "platform")

    contact = Contact()
    raw_contact = doc.data.get("contact")
    if raw_contact is not None:
        if not isinstance(raw_contact, dict):
            problems.add(path, "must be a mapping with address, email, website",
                         doc.line("contact"), "contact")
        else:
            values = {}
            for key in ("address", "email", "website", "subscribe"):
                value = raw_contact.get(key)
                if value is not None and not isinstance(value, str):
                    problems.add(path, "must be text", doc.line("contact"), f"contact.{key}")
                elif value:
                    values[key] = value.strip()
            for key in raw_contact:
                if key not in ("address", "email", "website", "subscribe"):
                    problems.add(path, "unknown key (address, email, website, subscribe)",
                                 doc.line("contact"), f"contact.{key}")
            contact = Contact(**values)

    production = read_production(doc, problems, Production())
    problems.raise_if_any()
    extra = {k: v for k, v in doc.data.items() if k not in KNOWN_KEYS}
    warnings = tuple(Problem(path, "unknown key (a typo?); it is ignored", doc.line(key), key,
                             severity="warning") for key in extra if key != "mail")
    return Publication(root=root, name=name, publisher=publisher, tagline=tagline, lang=lang,
                       page_size=page_size, platform=platform, contact=contact, price=price,
                       platform_title=platform_title, production=production,
                       extra=extra, warnings=warnings)
