"""One document made an article, not yet written: the import's stages in order.

    read (read.py) -> pandoc's tree (pandoc.py) -> front matter (front.py)
      -> cleaned tree (clean.py, pictures.py) -> title and headings settled (front.py)
      -> Markdown (pandoc.py)
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from .clean import clean, settle_internal_links, web_footnotes
from .front import Front, front_from_document, front_from_markdown, normal_lang, settle_front
from .lost import Lost
from .pandoc import plain, read_document, write_markdown
from .pictures import Picture, PictureResolver
from .read import read_source
from .scan import key


@dataclass(frozen=True)
class Converted:
    """A document made an article, not yet written."""

    markdown: str  # the body
    front: Front
    pictures: dict[str, Picture]  # placeholder -> picture
    footnotes: int
    tables: int
    lost: list[Lost]


def convert(path: Path, issue_lang: str = "en") -> Converted:
    """Read one document into an article body, its front matter, pictures and what was not
    carried over."""
    source = read_source(path)
    with tempfile.TemporaryDirectory(prefix="notespress-import-") as tmp:
        media = Path(tmp) / "media"
        tree = read_document(path, source.kind, source.text, media)
        if source.kind == "markdown":
            front = front_from_markdown(source.meta)
        else:
            front = front_from_document(tree.get("meta", {}), source.scan, source.kind,
                                        path.stem)
        title_page = source.scan.front | {key(text) for text in (
            front.title, front.subtitle, front.author) if text}
        resolver = PictureResolver(path.parent, media)
        blocks = tree.get("blocks", [])
        if source.kind in ("html", "markdown"):
            blocks = web_footnotes(blocks)
        cleaned = clean(blocks, source.kind, source.scan, resolver)
        blocks, front = settle_front(cleaned.blocks, front, source.kind, path.stem, title_page)
        blocks, unlinked = settle_internal_links(blocks)
        if not plain(blocks).strip() and not resolver.pictures:
            unlinked.append(Lost("text", "nothing of the document's body could be read (a "
                                         "drawing, a chart or an object?): the article is "
                                         "empty; copy its text in by hand"))
        text = plain(blocks)
        front = replace(front, lang=normal_lang(front.lang or issue_lang, text)
                        or normal_lang(issue_lang, text))
        markdown = write_markdown(blocks, tree["pandoc-api-version"])
    return Converted(markdown=markdown, front=front, pictures=resolver.pictures,
                     footnotes=cleaned.footnotes, tables=cleaned.tables,
                     lost=[*source.lost, *cleaned.lost, *unlinked])
