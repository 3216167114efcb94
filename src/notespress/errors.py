"""Problems found in a workspace, and the one exception that carries them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]

# What a terminal would act on or reorder: C0, DEL and C1 control characters, the Unicode line
# and paragraph separators, the bidirectional overrides and isolates. Text from a user's files
# is echoed to a terminal, which must not be told to do anything.
UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every such character written as an escape (\\x1b, \\u202e)."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return UNPRINTABLE_RE.sub(escape, text)


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the current directory when inside it."""
    path = Path(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return printable(str(path))
    return printable(str(path) if rel.startswith("..") else rel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is (file, line, key) and what is wrong."""

    path: Path | None
    message: str
    line: int | None = None
    key: str | None = None
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = display_path(self.path) if self.path else "notespress"
        if self.line is not None:
            where += f":{self.line}"
        what = f"{self.key}: {self.message}" if self.key else self.message
        prefix = "warning: " if self.severity == "warning" else ""
        return printable(f"{where}: {prefix}{what}")


def warning(path: Path | None, message: str, line: int | None = None,
            key: str | None = None) -> Problem:
    """A Problem of severity warning."""
    return Problem(path, message, line, key, "warning")


class NotespressError(Exception):
    """Raised with every problem found, so that the user can fix them all at once."""

    def __init__(self, problems: Iterable[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.problems)  # (pickled whole, from a worker process)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class Problems:
    """A collector: stages add what they find and raise once at the end."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: Path | None, message: str, line: int | None = None,
            key: str | None = None, severity: Severity = "error") -> None:
        self.items.append(Problem(path, message, line, key, severity))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        """Raise the errors (with the warnings beside them) if there is any error."""
        if self.errors:
            raise NotespressError(self.items)
