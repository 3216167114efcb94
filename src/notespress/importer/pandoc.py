"""pandoc: a document read into pandoc's tree (its JSON), and a tree written as Markdown.

The pandoc is the one the pypandoc-binary wheel ships, run with --sandbox (it reads nothing
but the file it is given, and nothing from the network). The tree's nodes are as pandoc-types
defines them (Text.Pandoc.Definition): `{"t": "Para", "c": [...]}`, the content's shape
depending on the type; `Node` says that much, and each function that reads a node says which
types it expects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Required, TypedDict

from ..errors import NotespressError, Problem


class Node(TypedDict, total=False):
    """One node of pandoc's tree: a block ("Para", "Header", "Table"...) or an inline ("Str",
    "Emph", "Link"...); nodes without content ("Space") have no "c"."""

    t: Required[str]
    c: Any


Block = Node
Inline = Node
Attr = list[Any]  # [identifier, [classes], [[key, value], ...]]
Document = TypedDict("Document", {"pandoc-api-version": list[int], "meta": dict[str, Node],
                                  "blocks": list[Block]})

EMPTY_ATTR: Attr = ["", [], []]
# Markdown that notespress renders: CommonMark with pipe tables, footnotes, strikethrough
WRITER = "commonmark+pipe_tables+footnotes+strikeout-raw_html"
READERS = {"docx": "docx", "odt": "odt", "html": "html", "rtf": "rtf",
           "markdown": "commonmark_x-smart-tex_math_dollars-wikilinks_title_after_pipe"}
BINARY_KINDS = ("docx", "odt", "rtf")  # read by pandoc from the file, pictures extracted


def run(args: list[str], source: str | None = None) -> str:
    """Run the pandoc that the pypandoc-binary wheel ships, without network access."""
    import subprocess

    try:
        import pypandoc

        binary = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise NotespressError(Problem(None, "pandoc is not available (pip install "
                                      f"pypandoc-binary): {exc}")) from None
    done = subprocess.run([binary, "--sandbox", *args], input=source, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)
    if done.returncode:
        message = " ".join(done.stderr.split())[:300]
        raise NotespressError(Problem(None, f"pandoc could not read it: {message}"))
    return done.stdout


def read_document(path: Path, kind: str, text: str | None, media: Path) -> Document:
    """pandoc's tree of a document: a binary one (.docx, .odt, .rtf) read from `path`, its
    pictures extracted into `media`, and Word's tracked changes accepted; the others from
    `text` (`kind` is one of READERS)."""
    args = ["-f", READERS[kind], "-t", "json"]
    if kind in BINARY_KINDS:
        args += [f"--extract-media={media}", str(path)]
        if kind == "docx":
            args.insert(0, "--track-changes=accept")
        text = None
    document: Document = json.loads(run(args, text))
    return document


def read_html_blocks(html: str) -> list[Block]:
    """The blocks of a piece of HTML (found in Markdown)."""
    document: Document = json.loads(run(["-f", "html", "-t", "json"], html))
    return document.get("blocks", [])


def write_markdown(blocks: list[Block], api_version: list[int]) -> str:
    """The blocks as notespress Markdown (no metadata: the front matter is written apart),
    tidied: one blank line between blocks, list markers followed by one space."""
    document: Document = {"pandoc-api-version": api_version, "meta": {}, "blocks": blocks}
    markdown = run(["-f", "json", "-t", WRITER, "--wrap=none"], json.dumps(document))
    markdown = re.sub(r"^(\s*)(\d+\.|-)  +(?=\S)", r"\1\2 ", markdown, flags=re.M)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    return markdown.strip() + "\n"


def plain(nodes: list[Node]) -> str:
    """The text of a list of pandoc inlines (or blocks), notes and raw HTML left out."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            kind = value.get("t")
            if kind == "Str":
                out.append(value["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind in ("Code", "Math"):
                out.append(value["c"][1])
            elif kind in ("Note", "RawInline", "RawBlock"):
                return
            elif kind in ("Para", "Plain", "Header"):
                walk(value.get("c"))
                out.append(" ")
            else:
                walk(value.get("c"))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(nodes)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def meta_text(value: Node | None) -> str:
    """A value of pandoc's metadata (title, author...) as one line of text."""
    if not value:
        return ""
    kind = value.get("t")
    c: Any = value.get("c")
    if kind in ("MetaInlines", "MetaBlocks"):
        return plain(c)
    if kind == "MetaString":
        return str(c)
    if kind == "MetaList":
        return ", ".join(meta_text(v) for v in c if meta_text(v))
    if kind == "MetaMap":
        return meta_text(c.get("name"))
    return ""


def child_blocks(block: Block) -> list[Block]:
    """The blocks directly inside a block quote or a list (its items' blocks, in order)."""
    kind = block["t"]
    c: Any = block.get("c")
    if kind == "BlockQuote":
        return list(c)
    if kind == "BulletList":
        return [b for item in c for b in item]
    if kind == "OrderedList":
        return [b for item in c[1] for b in item]
    return []


def walk_blocks(blocks: list[Block]) -> Iterator[Block]:
    """Every block, and those in block quotes and lists, in document order."""
    for block in blocks:
        yield block
        yield from walk_blocks(child_blocks(block))
