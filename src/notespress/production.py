"""Print production settings: editions, trim size, bleed, padding, self-mailer, creep.

They can be set in notespress.yaml for every issue and overridden per issue in issue.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .errors import Problems
from .sources import YamlDoc

EDITIONS = ("print", "screen", "booklet", "grayscale")
DEFAULT_EDITIONS = ("print", "screen", "booklet")
PADDING = ("subscribe", "notes", "blank")
MAILER = ("none", "half", "tri")

# Trim sizes (width, height) in points, and the sheet a booklet of that size is printed on.
TRIM_POINTS: dict[str, tuple[float, float]] = {
    "letter": (612.0, 792.0),
    "a4": (595.276, 841.89),
    "half-letter": (396.0, 612.0),
    "a5": (419.528, 595.276),
    "tabloid": (792.0, 1224.0),
}
SHEET_FOR = {"half-letter": "letter", "letter": "tabloid", "a5": "a4", "a4": "a3",
             "tabloid": "11x34in"}
METRIC = {"a4", "a5"}

LENGTH_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$")
TO_POINTS = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}


def parse_length(text: str) -> float | None:
    """A CSS-like length ('3mm', '0.125in', '9pt') in points, or None if it is not one."""
    match = LENGTH_RE.match(str(text))
    if not match:
        return None
    return float(match.group(1)) * TO_POINTS[match.group(2)]


@dataclass(frozen=True)
class Production:
    editions: tuple[str, ...] = DEFAULT_EDITIONS
    bleed: str | None = None  # None: 0.125in for US sizes, 3mm for ISO sizes
    padding: str = "subscribe"
    mailer: str = "none"
    creep: str = "0mm"
    article_start: str = "any"  # or "right": every article opens on a right-hand page
    screen_dpi: float = 150.0
    jpeg_quality: int = 80
    links: str = "notes"  # how external links print: notes, inline or hidden
    link_base: str = ""  # the website that relative and root-relative links belong to

    def bleed_points(self, page_size: str) -> float:
        if self.bleed is not None:
            return parse_length(self.bleed) or 0.0
        return 3 * 72 / 25.4 if page_size in METRIC else 9.0

    def creep_mm(self) -> float:
        return (parse_length(self.creep) or 0.0) * 25.4 / 72


KEYS = ("editions", "bleed", "padding", "mailer", "creep", "article_start", "grayscale",
        "screen_dpi", "jpeg_quality", "links", "link_base")
LINKS = ("notes", "inline", "hidden")


def read_production(doc: YamlDoc, problems: Problems, base: Production) -> Production:
    """The production keys of one YAML file, over `base` (the publication's settings)."""
    data, path = doc.data, doc.path
    changes: dict[str, object] = {}
    editions = data.get("editions")
    if editions is not None:
        if isinstance(editions, str):
            editions = [e.strip() for e in editions.split(",")]
        if not isinstance(editions, list) or not editions:
            problems.add(path, f"must be a list of editions ({', '.join(EDITIONS)})",
                         doc.line("editions"), "editions")
        else:
            unknown = [str(e) for e in editions if e not in EDITIONS]
            if unknown:
                problems.add(path, f"unknown edition {', '.join(unknown)} (known: "
                                   f"{', '.join(EDITIONS)})", doc.line("editions"), "editions")
            changes["editions"] = tuple(e for e in EDITIONS if e in editions)
    grayscale = data.get("grayscale")
    if grayscale is not None:
        if not isinstance(grayscale, bool):
            problems.add(path, "must be true or false", doc.line("grayscale"), "grayscale")
        elif grayscale:
            current = changes.get("editions", base.editions)
            changes["editions"] = tuple(e for e in EDITIONS
                                        if e in (*current, "grayscale"))  # type: ignore[misc]
    for key in ("bleed", "creep"):
        value = data.get(key)
        if value is None:
            continue
        points = parse_length(str(value)) if not isinstance(value, bool) else None
        if value == 0:
            points = 0.0
            value = "0mm"
        if points is None:
            problems.add(path, f"'{value}' is not a length such as 3mm or 0.125in",
                         doc.line(key), key)
        elif key == "bleed" and points > 0.5 * 72:
            problems.add(path, f"'{value}' is more bleed than any printer asks for "
                               "(at most 0.5in)", doc.line(key), key)
        else:
            changes[key] = str(value)
    for key, allowed in (("padding", PADDING), ("article_start", ("any", "right")),
                         ("links", LINKS)):
        value = data.get(key)
        if value is None:
            continue
        if value not in allowed:
            problems.add(path, f"'{value}' is not one of {', '.join(allowed)}",
                         doc.line(key), key)
        else:
            changes[key] = value
    for key, low, high in (("screen_dpi", 50, 600), ("jpeg_quality", 30, 100)):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                low <= value <= high):
            problems.add(path, f"must be a number from {low} to {high}", doc.line(key), key)
        else:
            changes[key] = value
    link_base = data.get("link_base")
    if link_base is not None:
        if not isinstance(link_base, str) or not re.match(r"^https?://[^\s/]+", link_base):
            problems.add(path, f"'{link_base}' is not a web address such as "
                               "https://example.org/docs/", doc.line("link_base"), "link_base")
        else:
            changes["link_base"] = link_base.strip()
    mailer = data.get("mailer")
    if mailer is not None:
        if mailer is True:
            mailer = "half"
        elif mailer is False:
            mailer = "none"
        if mailer not in MAILER:
            problems.add(path, f"'{mailer}' is not one of true, false, half, tri",
                         doc.line("mailer"), "mailer")
        else:
            changes["mailer"] = mailer
    return replace(base, **changes)  # type: ignore[arg-type]
