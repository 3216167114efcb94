"""One way to validate settings: fields with a type, a default, allowed values and help.

Every settings file (notespress.yaml, issue.yaml, an article's front matter, the `mail:`
section) is described by a `Schema`. Validating a parsed YAML mapping against it gives the
values and every problem at once (errors and warnings, each with file, line and key); nothing
is raised halfway.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problems
from .sources import YamlDoc

LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
LENGTH_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$")
TO_POINTS = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}
MAX_TEXT = 2000  # characters in one setting
MAX_NUMBER = 10**9


class Invalid(ValueError):
    """A value that does not fit its field; the message says what to write instead."""


Parse = Callable[[Any], Any]


@dataclass(frozen=True)
class Rule:
    """A parser, with what it accepts said in words (for docs/settings.md, which is made from
    the fields: tests/docs_settings.py)."""

    parse: Parse
    kind: str  # what the value is: "text", "whole number", "one of"...
    allowed: str = ""  # which values: "letter, a4, half-letter, a5, tabloid"

    def __call__(self, value: Any) -> Any:
        return self.parse(value)


def described(kind: str, allowed: str = "") -> Callable[[Parse], Rule]:
    """A decorator for a parser of a module's own: what it accepts, in words."""
    def wrap(parse: Parse) -> Rule:
        return Rule(parse, kind, allowed)
    return wrap


def accepts(parse: Parse) -> tuple[str, str]:
    """What a field's parser accepts, in words: (kind, allowed); ("", "") when it does not
    say."""
    return (parse.kind, parse.allowed) if isinstance(parse, Rule) else ("", "")


@dataclass(frozen=True)
class Field:
    """One setting: its YAML key, how its value is read, its default and its help."""

    key: str
    parse: Parse
    default: Any = None
    required: bool = False
    help: str = ""
    name: str = ""  # the attribute it fills, when not the key itself

    @property
    def attr(self) -> str:
        return self.name or self.key


@dataclass(frozen=True)
class Schema:
    """The fields of one settings mapping."""

    fields: tuple[Field, ...]
    what: str = "key"  # how unknown keys are named in messages

    def known_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def validate(self, doc: YamlDoc, problems: Problems, *, data: Mapping[str, Any] | None = None,
                 prefix: str = "", defaults: bool = True, unknown: str = "warn"
                 ) -> dict[str, Any]:
        """The values of `data` (the document's top level by default) by attribute name, with
        the defaults of the keys not given (unless `defaults` is false). Problems go to
        `problems`: a missing required key, a value that does not fit, an unknown key (a
        warning, or an error with `unknown="error"`, or nothing with "ignore")."""
        data = doc.data if data is None else data
        values: dict[str, Any] = {}
        fields = {f.key: f for f in self.fields}
        lower = {k.lower(): k for k in fields}
        for key, raw in data.items():
            where = f"{prefix}{key}"
            field = fields.get(str(key))
            if field is None:
                if unknown == "ignore":
                    continue
                hint = ""
                if str(key).lower() in lower:
                    hint = f"; keys are lowercase: write '{lower[str(key).lower()]}'"
                else:
                    hint = f" (known: {', '.join(fields)})" if len(fields) <= 12 else " (a typo?)"
                problems.add(doc.path, f"unknown {self.what}{hint}; it is ignored",
                             doc.line(where), where,
                             "error" if unknown == "error" else "warning")
                continue
            if raw is None or raw == "":
                continue
            try:
                values[field.attr] = field.parse(raw)
            except Invalid as exc:
                problems.add(doc.path, str(exc), doc.line(where), where)
        for field in self.fields:
            given = data.get(field.key)
            if field.required and (given is None or given == ""):
                hint = f" ({field.help})" if field.help else ""
                problems.add(doc.path, f"required key is missing{hint}", doc.first_line,
                             f"{prefix}{field.key}")
            elif defaults and field.attr not in values and field.default is not None:
                values.setdefault(field.attr, field.default)
        return values


# ------------------------------------------------------------------ value types


def shown(value: Any, width: int = 40) -> str:
    """A value as quoted in a message, never longer than `width`."""
    text = str(value) if isinstance(value, str | int | float) else type(value).__name__
    return text if len(text) <= width else text[:width - 1] + "…"


def text(*, one_line: bool = True, max_length: int = MAX_TEXT) -> Parse:
    """A text value (numbers too), stripped; one line unless `one_line` is false."""
    def parse(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Invalid(f"must be text, not {_kind(value)}")
        if isinstance(value, int) and abs(value) > MAX_NUMBER:
            raise Invalid("must be text: put the value in quotes")
        result = str(value).strip()
        if len(result) > max_length:
            raise Invalid(f"is {len(result)} characters long; at most {max_length}")
        if one_line and any(c in result for c in "\r\n\v\f\x85\u2028\u2029"):
            raise Invalid("must be one line")
        return result
    lines = "one line" if one_line else "several lines allowed"
    return Rule(parse, "text", f"{lines}, at most {max_length:,} characters")


def integer(low: int = 0, high: int = MAX_NUMBER) -> Parse:
    """A whole number from `low` to `high`."""
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"'{shown(value)}' is not a whole number")
        if not low <= value <= high:
            raise Invalid(f"must be a whole number from {low} to {high:,}")
        return value
    return Rule(parse, "whole number", f"{low} to {high:,}")


def number(low: float, high: float) -> Parse:
    """A number from `low` to `high`."""
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise Invalid(f"'{shown(value)}' is not a number; write a number from {low:g} "
                          f"to {high:g}")
        if not low <= value <= high:
            raise Invalid(f"must be a number from {low:g} to {high:g}")
        return float(value)
    return Rule(parse, "number", f"{low:g} to {high:g}")


def boolean() -> Parse:
    """true or false."""
    def parse(value: Any) -> bool:
        if not isinstance(value, bool):
            raise Invalid("must be true or false")
        return value
    return Rule(parse, "true or false", "true, false")


def choice(*allowed: str, aliases: Mapping[Any, str] | None = None) -> Parse:
    """One of `allowed` (case-insensitive), or a value of `aliases`."""
    def parse(value: Any) -> str:
        if aliases and not isinstance(value, list | dict) and value in aliases:
            return aliases[value]
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            extra = [str(a).lower() for a in aliases or {} if isinstance(a, bool)]
            raise Invalid(f"'{shown(value)}' is not one of {', '.join((*allowed, *extra))}")
        return value.strip().lower()
    also = [f"{str(a).lower()} (= {v})" for a, v in (aliases or {}).items()
            if isinstance(a, bool)]
    return Rule(parse, "one of", ", ".join((*allowed, *also)))


def language() -> Parse:
    """A language code such as en, fr, fa or pt-BR."""
    def parse(value: Any) -> str:
        code = text()(value)
        if not LANG_RE.match(code):
            raise Invalid(f"'{shown(code)}' is not a language code such as 'en', 'fr' or 'fa'")
        return code
    return Rule(parse, "language code", "en, fr, fa, it, pt-BR...")


def length(maximum: str | None = None, what: str = "") -> Parse:
    """A CSS-like length ('3mm', '0.125in', '9pt', or 0), kept as written; at most
    `maximum` (a length too), which is more than `what`."""
    maximum_pt = parse_length(maximum) if maximum else None
    def parse(value: Any) -> str:
        if value == 0 and not isinstance(value, bool):
            return "0mm"
        points = parse_length(value) if isinstance(value, str) else None
        if points is None:
            raise Invalid(f"'{shown(value)}' is not a length such as 3mm or 0.125in")
        if maximum_pt is not None and points > maximum_pt:
            raise Invalid(f"'{value}' is more than {what} (at most {maximum})")
        return value.strip()
    most = f"; at most {maximum}" if maximum else ""
    return Rule(parse, "length", f"a number and mm, cm, in or pt (3mm, 0.125in), or 0{most}")


def parse_length(text: str) -> float | None:
    """A CSS-like length ('3mm', '0.125in', '9pt') in points, or None if it is not one."""
    match = LENGTH_RE.match(str(text))
    if not match:
        return None
    return float(match.group(1)) * TO_POINTS[match.group(2)]


def date() -> Parse:
    """A date written YYYY-MM-DD."""
    def parse(value: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str | int):
            raise Invalid("must be a date, written YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise Invalid(f"'{shown(value)}' is not a date; write it as YYYY-MM-DD") from None
    return Rule(parse, "date", "YYYY-MM-DD")


def names(allowed: tuple[str, ...], what: str) -> Parse:
    """A list of names from `allowed` (or one comma-separated text), in `allowed`'s order."""
    def parse(value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not value:
            raise Invalid(f"must be a list of {what} ({', '.join(allowed)})")
        unknown = [shown(v) for v in value if v not in allowed]
        if unknown:
            raise Invalid(f"unknown {what[:-1] if what.endswith('s') else what} "
                          f"{', '.join(unknown)} (known: {', '.join(allowed)})")
        return tuple(a for a in allowed if a in value)
    return Rule(parse, "list", f"any of {', '.join(allowed)}")


def path_text() -> Parse:
    """A path, as text."""
    def parse(value: Any) -> Path:
        return Path(text()(value))
    return Rule(parse, "path")


def url(*, schemes: tuple[str, ...] = ("https", "http"), base: bool = False) -> Parse:
    """A web address starting with one of `schemes` (`base`: one that others are made from,
    without ?query or #fragment)."""
    def parse(value: Any) -> str:
        from urllib.parse import urlsplit

        address = text()(value)
        parts = urlsplit(address)
        if (parts.scheme not in schemes or not parts.netloc or " " in address
                or (base and (parts.query or parts.fragment))):
            example = "https://example.org/notes/" if base else "https://example.org/"
            raise Invalid(f"'{shown(address)}' is not a web address; write one such as "
                          f"{example}")
        return address
    starts = " or ".join(f"{scheme}://..." for scheme in schemes)
    return Rule(parse, "web address", starts + (", without ?query or #fragment" if base else ""))


def color() -> Parse:
    """A CSS colour: #rgb, #rrggbb or a name."""
    def parse(value: Any) -> str:
        code = text()(value)
        if not re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]{3,20}", code):
            raise Invalid(f"'{shown(code)}' is not a colour such as #7a1712 or darkred")
        return code
    return Rule(parse, "colour", "#rgb, #rrggbb or a colour name such as darkred")


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else type(value).__name__
