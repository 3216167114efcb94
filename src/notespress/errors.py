"""Problems found in a workspace, and the one exception that carries them."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the current directory when inside it."""
    path = Path(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what is wrong."""

    path: Path | None
    message: str
    line: int | None = None
    key: str | None = None
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = display_path(self.path) if self.path else "notespress"
        if self.line is not None:
            where += f":{self.line}"
        what = f"{self.key}: {self.message}" if self.key else self.message
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{what}"


class NotespressError(Exception):
    """Raised with every problem found, so that the user can fix them all at once."""

    def __init__(self, problems: Iterable[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[NotespressError], tuple[list[Problem]]]:
        # from a forked process to its parent with every problem whole
        return (NotespressError, (self.problems,))


class Problems:
    """A collector: stages add what they find and raise once at the end."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: Path | None, message: str, line: int | None = None,
            key: str | None = None) -> None:
        self.items.append(Problem(path, message, line, key))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise NotespressError(self.items)
