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
ARTICLE_START = ("any", "page", "right")
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
    article_start: str = "any"  # "any": run on; "page": a new page; "right": a recto
    screen_dpi: float = 150.0
    jpeg_quality: int = 80
    links: str = "notes"  # how external links print: notes, inline or hidden
    link_base: str = ""  # the website that relative and root-relative links belong to
    # even text (see README, "Even text")
    justify: bool = True  # justified; false: ragged (flush at the start, ragged at the end)
    hyphenate: bool = True  # words broken at line ends by each article's language
    hyphen_min_word: int = 6  # the shortest word that is hyphenated (letters)
    hyphen_min_part: int = 3  # the fewest letters left before and carried after a hyphen
    hyphen_zone: float | None = None  # percent of the line: hyphenate only when more is left
    hyphen_ladder: int = 2  # at most this many hyphenated lines in a row (0: no limit)

    def bleed_points(self, page_size: str) -> float:
        if self.bleed is not None:
            return s.parse_length(self.bleed) or 0.0
        return 3 * MM if TRIMS[page_size].metric else 9.0

    def hyphenation_zone(self) -> float:
        """The hyphenation zone in percent of the line (CSS hyphenate-limit-zone): a line is
        hyphenated only when more than this is left at its end. Justified text takes up a
        little slack in its spaces; ragged text shows all of it."""
        if self.hyphen_zone is not None:
            return self.hyphen_zone
        return 7.0 if self.justify else 14.0

    def creep_mm(self) -> float:
        return (s.parse_length(self.creep) or 0.0) / MM


FIELDS = (
    s.Field("editions", s.names(EDITIONS, "editions"), help="the editions a build makes"),
    s.Field("grayscale", s.boolean(), help="true adds the grayscale edition, for a "
            "photocopier"),
    s.Field("bleed", s.length("0.5in", "any printer asks for"),
            help="how far the cover's band and picture run past the trim in the print "
                 "edition "
            "(default: 0.125in for letter, half-letter and tabloid, 3mm for a4 and a5)"),
    s.Field("creep", s.length("0.5mm", "the thickest paper is thick"),
            help="the thickness of the paper: a booklet's inner pages move toward the fold "
            "by that much per sheet, e.g. 0.1mm"),
    s.Field("padding", s.choice(*PADDING), help="what fills the pages added to make a "
            "multiple of 4: house pages (a quotation, a call for contributions, a subscribe "
            "page with a coupon), ruled notes pages, or blank pages"),
    s.Field("article_start", s.choice(*ARTICLE_START),
            help="where an article opens: 'any' runs it on after the one before (a rule and "
                 "space between them), 'page' on a new page, 'right' on a right-hand page"),
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
    s.Field("justify", s.boolean(), help="true (the default) justifies the text; false sets "
            "it ragged, flush at the start of the line"),
    s.Field("hyphenate", s.boolean(), help="true (the default) breaks words at line ends by "
            "each article's language"),
    s.Field("hyphen_min_word", s.integer(4, 20), help="the shortest word that is hyphenated, "
            "in letters (default 6)"),
    s.Field("hyphen_min_part", s.integer(2, 6), help="the fewest letters left before a "
            "hyphen and carried to the next line (default 3)"),
    s.Field("hyphen_zone", s.number(0, 30), help="hyphenate a line only when more than this "
            "percent of it would be left empty (default 7, or 14 when not justified)"),
    s.Field("hyphen_ladder", s.integer(0, 9), help="at most this many hyphenated lines in a "
            "row (default 2; 0: no limit)"),
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
    for key in ("jpeg_quality", "hyphen_min_word", "hyphen_min_part", "hyphen_ladder"):
        if key in values:
            values[key] = int(values[key])
    return replace(base, **values)
