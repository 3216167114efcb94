"""The plain data the web edition's stages pass to one another."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem


@dataclass(frozen=True)
class SiteFile:
    """A file of the site: its bytes, or a file to copy (a PDF, a picture from the cache)."""

    data: bytes | None = None
    source: Path | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.source is not None
        return self.source.read_bytes()


Files = dict[str, SiteFile]  # by path inside build/site/, with '/' between folders


@dataclass(frozen=True)
class ArticleCard:
    """What the other pages (contents, index, feed, sitemap) need to know of an article."""

    slug: str
    title: str
    subtitle: str
    author: str
    translator: str
    lang: str
    dir: str
    summary: str  # its summary, or the beginning of its text
    description: str  # the same, cut to about 200 characters (for the page's description)
    path: str  # its page, inside the site
    image: str = ""  # its first picture, inside the site ('' when it has none)


@dataclass(frozen=True)
class PdfCard:
    kind: str  # print, screen, booklet, grayscale
    path: str
    pages: int | None
    size: int  # bytes


@dataclass(frozen=True)
class Cover:
    """The thumbnail of an issue's first page."""

    path: str
    width: int
    height: int


@dataclass(frozen=True)
class IssueCard:
    """An issue as the index, the feed and the sitemap show it."""

    name: str  # its folder under issues/
    number: int
    date: str  # YYYY-MM-DD
    title: str
    volume: str
    lang: str
    dir: str
    path: str  # its page, inside the site
    articles: tuple[ArticleCard, ...]
    pdfs: tuple[PdfCard, ...] = ()
    cover: Cover | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IssueCard:
        cover = data.get("cover")
        return cls(**{**data,
                      "articles": tuple(ArticleCard(**a) for a in data["articles"]),
                      "pdfs": tuple(PdfCard(**p) for p in data["pdfs"]),
                      "cover": Cover(**cover) if cover else None})


@dataclass(frozen=True)
class SiteResult:
    folder: Path  # build/site
    written: tuple[str, ...] = ()  # the files written (new or changed), inside the folder
    removed: tuple[str, ...] = ()  # the files of the last build no longer made
    unchanged: int = 0  # files made again, found as they were, and left alone
    rebuilt: tuple[str, ...] = ()  # the issues whose pages were made again
    issues: int = 0
    warnings: tuple[Problem, ...] = field(default=())
    up_to_date: bool = False
    pdfs_built: tuple[str, ...] = ()  # the issues whose PDF editions were built first
