"""Print production settings: editions, trim size, bleed, padding, self-mailer, creep.

They can be set in notespress.yaml for every issue and overridden per issue in issue.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from . import schema as s
from .errors import Problems
from .sources import YamlDoc

EDITIONS = ("print", "screen", "booklet", "grayscale")
DEFAULT_EDITIONS = ("print", "screen", "booklet")
PADDING = ("subscribe", "notes", "blank")
LINKS = ("notes", "inline", "hidden")
MAILER = ("none", "half", "tri")
MM = s.TO_POINTS["mm"]


@dataclass(frozen=True)
class Trim:
    """A trim size: CSS lengths for the layouts, points for the PDF, and the sheet that a
    booklet of this size is printed on."""

    width: str
    height: str
    width_pt: float
    height_pt: float
    metric: bool
    small: bool  # one column, smaller type


TRIMS: dict[str, Trim] = {
    "letter": Trim("8.5in", "11in", 612.0, 792.0, False, False),
    "a4": Trim("210mm", "297mm", 210 * MM, 297 * MM, True, False),
    "half-letter": Trim("5.5in", "8.5in", 396.0, 612.0, False, True),
    "a5": Trim("148mm", "210mm", 148 * MM, 210 * MM, True, True),
    "tabloid": Trim("11in", "17in", 792.0, 1224.0, False, False),
}


@dataclass(frozen=True)
class Production:
    """The print production settings of an issue (the publication's, with the issue's over them)."""

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
            return s.parse_length(self.bleed) or 0.0
        return 3 * MM if TRIMS[page_size].metric else 9.0

    def creep_mm(self) -> float:
        return (s.parse_length(self.creep) or 0.0) / MM


FIELDS = (
    s.Field("editions", s.names(EDITIONS, "editions"), help="the editions a build makes"),
    s.Field("grayscale", s.boolean(), help="true adds the grayscale edition, for a "
            "photocopier"),
    s.Field("bleed", s.length("0.5in", "any printer asks for"),
            help="how far the cover's colour runs past the trim in the print edition "
            "(default: 0.125in for letter, half-letter and tabloid, 3mm for a4 and a5)"),
    s.Field("creep", s.length("0.5mm", "the thickest paper is thick"),
            help="the thickness of the paper: a booklet's inner pages move toward the fold "
            "by that much per sheet, e.g. 0.1mm"),
    s.Field("padding", s.choice(*PADDING), help="what fills the pages added to make a "
            "multiple of 4: a subscribe page then notes pages, notes pages, or blank pages"),
    s.Field("article_start", s.choice("any", "right"), help="'right' opens every article on "
            "a right-hand page"),
    s.Field("mailer", s.choice(*MAILER, aliases={True: "half", False: "none"}),
            help="a back page to post without an envelope: folded in half, or in three"),
    s.Field("screen_dpi", s.number(50, 600), help="the resolution of the pictures in the "
            "screen edition (for email and the web)"),
    s.Field("jpeg_quality", s.integer(30, 100), help="the JPEG quality of the pictures in the "
            "screen edition"),
    s.Field("links", s.choice(*LINKS), help="how the addresses of links print: numbered notes "
            "at the end of the article, inline after the link, or hidden"),
    s.Field("link_base", s.url(), help="the website that relative and root-relative links "
            "belong to, e.g. https://example.org/docs/"),
)
KEYS = tuple(f.key for f in FIELDS)
SCHEMA = s.Schema(FIELDS)


def read_production(doc: YamlDoc, problems: Problems, base: Production,
                    data: dict[str, Any] | None = None) -> Production:
    """The production keys of one YAML file over `base` (the publication's settings)."""
    data = doc.data if data is None else data
    given = {k: v for k, v in data.items() if k in KEYS}
    values = SCHEMA.validate(doc, problems, data=given, defaults=False)
    grayscale = values.pop("grayscale", None)
    if grayscale:
        current = values.get("editions", base.editions)
        values["editions"] = tuple(e for e in EDITIONS if e in (*current, "grayscale"))
    if "jpeg_quality" in values:
        values["jpeg_quality"] = int(values["jpeg_quality"])
    return replace(base, **values)
