"""The subscribers CSV: one `Subscriber` per valid line, a warning with the line for the rest.

A bad line never stops the mailing for the others: an invalid address is skipped, a second
copy of an address is sent once, a language that is not a language code falls back to the
issue's, and a control character in a name becomes a space. Every value echoed in a warning
has its control characters escaped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..config import LANG_RE
from ..errors import NotespressError, Problem
from .headers import header_problem, one_line, printable, valid_email


@dataclass(frozen=True)
class Subscriber:
    email: str
    name: str = ""
    lang: str = ""  # a language code, or "" for the language
    line: int = 0  # in the CSV file


@dataclass
class SubscriberList:
    subscribers: list[Subscriber] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # lines skipped or changed


def read_subscribers(path: Path) -> SubscriberList:
    """The CSV, read once: a header row with `email` (required), `name`, `lang`; commas,
    semicolons or tabs between the fields."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except FileNotFoundError:
        raise NotespressError(Problem(path, "file not found")) from None
    except OSError as exc:
        raise NotespressError(Problem(path, f"cannot read the file: {exc.strerror}")) from None
    result = SubscriberList()
    with handle:
        line = 1
        try:
            first = handle.readline()
            delimiter = max((",", ";", "\t"), key=first.count)  # spreadsheets in some locales
            handle.seek(0)
            reader = csv.DictReader(handle, delimiter=delimiter)
            columns = [(f or "").strip().lower() for f in reader.fieldnames or []]
            if "email" not in columns:
                raise NotespressError(Problem(path, "the first row must name the columns, with "
                                              "at least 'email' (and optionally 'name', "
                                              "'lang')", 1))
            seen: set[str] = set()
            following = reader.line_num + 1
            for row in reader:
                line, following = following, reader.line_num + 1  # a record can span lines
                data = {(k or "").strip().lower(): v or "" for k, v in row.items()
                        if isinstance(v, str)}
                if not any(v.strip() for v in data.values()):
                    continue
                subscriber = _subscriber(data, path, line, result.warnings)
                if subscriber is None:
                    continue
                if subscriber.email.lower() in seen:
                    result.warnings.append(Problem(path, f"{subscriber.email} is listed again; "
                                                   "sent once", line, severity="warning"))
                    continue
                seen.add(subscriber.email.lower())
                result.subscribers.append(subscriber)
        except UnicodeDecodeError:
            raise NotespressError(Problem(path, "not UTF-8 text; save the CSV as UTF-8",
                                          line)) from None
        except csv.Error as exc:
            raise NotespressError(Problem(path, f"cannot be read as CSV: {exc}",
                                          line)) from None
    return result


def _subscriber(data: dict[str, str], path: Path, line: int,
                warnings: list[Problem]) -> Subscriber | None:
    email = data.get("email", "").strip()
    if not valid_email(email):
        shown = printable(email[:80]) + ("..." if len(email) > 80 else "")
        warnings.append(Problem(path, f"'{shown}' is not a valid email address; skipped",
                                line, severity="warning"))
        return None
    raw_name = data.get("name", "").strip()
    name = one_line(raw_name)
    if header_problem(raw_name):
        warnings.append(Problem(path, f"the name for {email} has a line break or a control "
                                      "character; it was replaced by a space", line,
                                severity="warning"))
    lang = data.get("lang", "").strip().lower().replace("_", "-")
    if lang and not LANG_RE.match(lang):
        shown = printable(lang[:60]) + ("..." if len(lang) > 60 else "")
        warnings.append(Problem(path, f"'{shown}' is not a language code such as en, fr or "
                                      f"fa; {email} gets the issue's language", line,
                                severity="warning"))
        lang = ""
    return Subscriber(email=email, name=name, lang=lang, line=line)
