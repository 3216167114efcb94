"""What of a document is not in its article, and where it was: the import's report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Lost:
    """Something of the document that is not in the article, and where it was."""

    what: str  # "comment", "tracked change", "text box", "raw HTML", "picture"...
    detail: str  # its text, or why
    place: str = ""  # near which paragraph or heading

    def __str__(self) -> str:
        where = f" ({self.place})" if self.place else ""
        return f"{self.what}: {self.detail}{where}"


def summarize_lost(lost: Iterable[Lost], limit: int = 3) -> list[str]:
    """One line per thing not carried over; of a kind met many times (links to a site's
    own pages, template tags), the first `limit` and how many more."""
    groups: dict[str, list[Lost]] = {}
    for item in lost:
        groups.setdefault(item.what, []).append(item)
    lines = []
    for what, items in groups.items():
        lines += [str(item) for item in items[:limit]]
        if len(items) > limit:
            lines.append(f"... and {len(items) - limit} more of the same ({what})")
    return lines


def count_lost(lost: Iterable[Lost]) -> dict[str, int]:
    """How many of each kind: {"comment": 2, "tracked change": 5, ...}."""
    counts: dict[str, int] = {}
    for item in lost:
        kind = item.what.split(" (")[0].split(" by ")[0]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def snippet(text: str, words: int = 8) -> str:
    """The first `words` words of `text` (an ellipsis when there were more)."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


class Places:
    """Where things are: the last heading and the paragraph, as an editor finds them."""

    def __init__(self) -> None:
        self.heading = ""
        self.last_text = ""

    def paragraph(self, text: str, heading: bool) -> None:
        """Note a paragraph (or a heading, with `heading`) met in reading order."""
        if heading and text.strip():
            self.heading = text.strip()
            self.last_text = ""
        elif text.strip():
            self.last_text = text.strip()

    def describe(self, text: str = "") -> str:
        """Where the paragraph `text` is (or, with no text, the place after the last one)."""
        parts = []
        if text.strip() and text.strip() == self.heading:
            return f'in the heading "{snippet(text)}"'
        if text.strip():
            parts.append(f'in the paragraph "{snippet(text)}"')
        elif self.last_text:
            parts.append(f'after the paragraph "{snippet(self.last_text)}"')
        if self.heading:
            parts.append(f'under "{snippet(self.heading)}"')
        return ", ".join(parts) or "at the start"
