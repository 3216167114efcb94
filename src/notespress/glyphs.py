"""Which characters the fonts in fonts/ can print, found before layout.

A character that no font has prints as an empty box, and WeasyPrint says nothing. The
coverage of the fonts (the union of their character maps) is read once per state of the
font files and kept on disk beside fontconfig's cache, so that a build pays for it only
when a font changes; `build` then names each missing character with its article and line,
and `check` with its page (preflight.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import Problem

FONT_SUFFIXES = (".ttf", ".otf")


def needs_glyph(char: str) -> bool:
    """Whether a character must be drawn by a font: not a space, a control or format
    character (joiners, direction marks), nor a variation selector."""
    point = ord(char)
    if point <= 32 or 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF:
        return False
    return not unicodedata.category(char).startswith(("Z", "C"))


def _font_files(font_dirs: tuple[Path, ...]) -> list[tuple[str, int, int]]:
    files = []
    for folder in font_dirs:
        for root, _, names in os.walk(folder):
            for name in sorted(names):
                if name.lower().endswith(FONT_SUFFIXES):
                    path = Path(root) / name
                    try:
                        stat = path.stat()
                    except OSError:
                        continue
                    files.append((str(path), stat.st_size, stat.st_mtime_ns))
    return sorted(files)


def coverage(font_dirs: tuple[Path, ...]) -> frozenset[int]:
    """The code points the fonts in these folders cover."""
    return _coverage(tuple(_font_files(font_dirs)))


@lru_cache(maxsize=8)
def _coverage(files: tuple[tuple[str, int, int], ...]) -> frozenset[int]:
    key = hashlib.sha256(repr(files).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"notespress-glyphs-{os.getuid()}" / f"{key}.json"
    try:
        ranges = json.loads(cache.read_text())
        return frozenset(p for low, high in ranges for p in range(low, high + 1))
    except (OSError, ValueError, TypeError):
        pass
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path, _, _ in files:
        try:
            with TTFont(path, lazy=True) as font:
                points.update(font.getBestCmap() or {})
        except Exception:  # a font fontTools cannot read covers nothing here
            continue
    _keep(cache, _ranges(points))
    return frozenset(points)


def _ranges(points: set[int]) -> list[tuple[int, int]]:
    ranges: list[list[int]] = []
    for point in sorted(points):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return [(low, high) for low, high in ranges]


def _keep(path: Path, ranges: list[tuple[int, int]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(ranges))
        tmp.replace(path)
    except OSError:  # a cache that cannot be written is read again next time
        pass


def missing(text: str, font_dirs: tuple[Path, ...]) -> set[str]:
    """The characters of `text` that no font in `font_dirs` has."""
    chars = {c for c in set(text) if ord(c) > 0x7E}
    if not chars:
        return set()
    covered = coverage(font_dirs)
    return {c for c in chars if ord(c) not in covered and needs_glyph(c)}


def describe(char: str) -> str:
    return f"'{char}' (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})"


_TAGS = re.compile(r"<[^>]*>")


def _spellings(char: str) -> list[str]:
    """How a character may be written in Markdown: itself, or as an HTML entity."""
    from html.entities import html5

    point = ord(char)
    return [char, f"&#{point};", f"&#x{point:x};", f"&#x{point:X};",
            *(f"&{name}" for name, value in html5.items()
              if value == char and name.endswith(";"))]


def check_issue(issue: Any, font_dirs: tuple[Path, ...],
                platform: Path | None = None) -> list[Problem]:
    """A warning for each character of an article (or of the platform) that no font has,
    with its line."""
    texts: list[tuple[Path, str]] = [
        (a.path, " ".join((a.title, a.subtitle, a.author, a.translator,
                           html.unescape(_TAGS.sub(" ", a.html))))) for a in issue.articles]
    if platform is not None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            texts.append((platform, platform.read_text(encoding="utf-8")))
    problems: list[Problem] = []
    for path, text in texts:
        absent = missing(text, font_dirs)
        if not absent:
            continue
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            lines = []
        for char in sorted(absent):
            written = _spellings(char)
            line = next((n for n, row in enumerate(lines, start=1)
                         if any(w in row for w in written)), None)
            problems.append(Problem(path, f"no font in fonts/ has {describe(char)}: it prints "
                                          "as an empty box (add a font that has it to "
                                          "fonts/, or leave it out)", line,
                                    severity="warning"))
    return problems
