"""Markdown to HTML: smart punctuation by language, footnotes in place, figures, pull quotes.

Raw HTML in the source is never rendered: markdown-it runs with ``html`` off, so tags are
shown as text. Every image and relative link is checked against the issue folder.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .errors import Problem

# Quotation marks per language: primary open/close, secondary open/close.
QUOTES: dict[str, str] = {
    "en": "“”‘’",
    "fr": ["«\u00a0", "\u00a0»", "“", "”"],  # type: ignore[dict-item]
    "it": "«»“”",
    "es": "«»“”",
    "pt": "«»“”",
    "de": "„“‚‘",
    "nl": "‘’“”",
    "fa": "«»“”",
    "ar": "«»“”",
}


def quotes_for(lang: str) -> str | list[str]:
    return QUOTES.get(lang.split("-")[0].lower(), QUOTES["en"])


@lru_cache(maxsize=16)
def _parser(lang: str) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True,
                                   "quotes": quotes_for(lang)})
    md.enable(["replacements", "smartquotes", "table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(container_plugin, "pullquote", render=_render_pullquote)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    if lang.split("-")[0].lower() == "fr":
        md.core.ruler.push("french_spacing", _french_spacing)
    return md


def typeset_plain(text: str, lang: str) -> str:
    """Plain text (a title, a deck) with the language's quotes, dashes and spaces."""
    if not text:
        return text
    md = _parser(lang)
    tokens = md.parseInline(text, {})
    out = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return "".join(out) or text


def _french_spacing(state) -> None:
    from .typography import french_spacing

    for token in state.tokens:
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "text":
                    child.content = french_spacing(child.content)


def _render_pullquote(self, tokens, idx, options, env) -> str:
    return '<aside class="pullquote">\n' if tokens[idx].nesting == 1 else "</aside>\n"


def _render_footnote_ref(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    notes: dict[int, str] = env.get("notespress_notes", {})
    number = meta["id"] + 1
    if meta.get("subId", 0) == 0:
        body = notes.get(meta["id"], "")
        return f'<span class="footnote" id="{env["id_prefix"]}fn{number}">{body}</span>'
    return f'<sup class="footnote-again">{number}</sup>'


@dataclass
class ImageRef:
    path: Path
    line: int
    width: int = 0
    height: int = 0


@dataclass
class Rendered:
    html: str
    images: list[ImageRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # where each top-level block (paragraph, heading, figure, list...) ends in `html`
    block_ends: tuple[int, ...] = ()


@dataclass(frozen=True)
class Source:
    """Where a Markdown body comes from, for checking paths and naming lines."""

    path: Path
    first_line: int  # line number in the file of the body's first line
    folder: Path  # images and links must stay inside this folder
    lang: str
    id_prefix: str = ""


FOOTNOTE_DEF_RE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
FOOTNOTE_CALL_RE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def render_markdown(body: str, source: Source) -> Rendered:
    md = _parser(source.lang)
    env: dict = {"id_prefix": source.id_prefix}
    tokens = md.parse(body, env)
    result = Rendered(html="")

    def line_of(token: Token) -> int:
        return source.first_line + (token.map[0] if token.map else 0)

    _check_footnotes(body, env, source, result)
    tokens = _extract_footnotes(md, tokens, env)
    tokens = _make_figures(md, tokens, source, result, line_of)
    for token in tokens:
        if token.type == "inline":
            _check_links(token, source, result, line_of(token))
    blocks = [md.renderer.render(group, md.options, env) for group in _top_level(tokens)]
    result.html = "".join(blocks)
    result.block_ends = tuple(itertools.accumulate(len(block) for block in blocks))
    return result


def _top_level(tokens: list[Token]) -> list[list[Token]]:
    """The tokens grouped by top-level block: rendered one by one and joined, they give the
    same HTML as all at once."""
    groups: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens:
        current.append(token)
        if token.level == 0 and token.nesting <= 0:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _check_footnotes(body: str, env: dict, source: Source, result: Rendered) -> None:
    defined = set(FOOTNOTE_DEF_RE.findall(body))
    used_refs = {note.get("label") for note in env.get("footnotes", {}).get("list", {}).values()}
    for number, line in enumerate(body.split("\n")):
        if FOOTNOTE_DEF_RE.match(line):
            continue
        for label in FOOTNOTE_CALL_RE.findall(line):
            if label not in defined:
                result.problems.append(Problem(
                    source.path, f"footnote [^{label}] is called but never defined",
                    source.first_line + number))
    for number, line in enumerate(body.split("\n")):
        match = FOOTNOTE_DEF_RE.match(line)
        if match and match.group(1) not in used_refs:
            result.problems.append(Problem(
                source.path, f"footnote [^{match.group(1)}] is defined but never called",
                source.first_line + number, severity="warning"))


def _extract_footnotes(md: MarkdownIt, tokens: list[Token], env: dict) -> list[Token]:
    """Render each footnote's text as inline HTML for its call, and drop the footnote list."""
    notes: dict[int, str] = {}
    kept: list[Token] = []
    current: int | None = None
    paragraphs: list[str] = []
    inside_block = False
    for token in tokens:
        if token.type == "footnote_block_open":
            inside_block = True
        elif token.type == "footnote_block_close":
            inside_block = False
        elif token.type == "footnote_open":
            current, paragraphs = token.meta["id"], []
        elif token.type == "footnote_close" and current is not None:
            notes[current] = "<br>".join(p for p in paragraphs if p)
            current = None
        elif current is not None and token.type == "inline":
            children = [c for c in token.children or [] if c.type != "footnote_anchor"]
            paragraphs.append(md.renderer.renderInline(children, md.options, env).strip())
        elif not inside_block:
            kept.append(token)
    env["notespress_notes"] = notes
    return kept


def _resolve_local(target: str, source: Source) -> Path | None:
    """The file a relative URL points to, or None for URLs with a scheme or fragments."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (source.path.parent / unquote(parts.path)).resolve()


def _inside(path: Path, folder: Path) -> bool:
    return path.is_relative_to(folder.resolve())


def _make_figures(md: MarkdownIt, tokens: list[Token], source: Source, result: Rendered,
                  line_of) -> list[Token]:
    """An image alone in its paragraph becomes a figure whose caption is its alt text."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if (token.type == "paragraph_open" and index + 2 < len(tokens)
                and tokens[index + 1].type == "inline"):
            inline = tokens[index + 1]
            children = [c for c in inline.children or []
                        if not (c.type == "text" and not c.content.strip())
                        and c.type != "softbreak"]
            if len(children) == 1 and children[0].type == "image":
                html = _figure_html(md, children[0], source, result, line_of(inline))
                figure = Token("html_block", "", 0, content=html, map=inline.map)
                out.append(figure)
                index += 3
                continue
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "image":
                    _check_image(child, source, result, line_of(token))
        out.append(token)
        index += 1
    return out


def _figure_html(md: MarkdownIt, image: Token, source: Source, result: Rendered,
                 line: int) -> str:
    ref = _check_image(image, source, result, line)
    caption = "".join(child.content for child in image.children or []) or image.content
    caption_html = md.renderInline(image.content).strip() if image.content else ""
    title = image.attrGet("title")
    src = ref.path.as_uri() if ref else ""
    size = f' data-px="{ref.width}x{ref.height}"' if ref and ref.width else ""
    wide = " wide" if ref and ref.width and ref.width > 1.6 * max(ref.height, 1) else ""
    html = [f'<figure class="figure{wide}">',
            f'<img src="{escape(src)}" alt="{escape(caption)}"{size}>']
    if caption or title:
        html.append("<figcaption>")
        if caption_html:
            html.append(caption_html)
        if title:
            html.append(f' <span class="credit">{escape(title)}</span>')
        html.append("</figcaption>")
    html.append("</figure>\n")
    return "".join(html)


def _check_image(image: Token, source: Source, result: Rendered, line: int) -> ImageRef | None:
    src = str(image.attrGet("src") or "")
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        result.problems.append(Problem(
            source.path, f"image '{src}' is not a file in the issue folder "
                         "(remote images are never fetched)", line))
        image.attrSet("src", "")
        return None
    path = _resolve_local(src, source)
    if path is None:
        result.problems.append(Problem(source.path, "image with an empty path", line))
        return None
    if not _inside(path, source.folder):
        result.problems.append(Problem(
            source.path, f"image '{src}' leads out of the issue folder", line))
        image.attrSet("src", "")
        return None
    ref = ImageRef(path=path, line=line)
    from PIL import Image, UnidentifiedImageError  # Pillow is only needed for images

    if not path.is_file():
        result.problems.append(Problem(source.path, f"image '{src}' not found", line))
        return None
    if path.suffix.lower() == ".svg":
        return _check_svg(path, src, ref, image, source, result, line)
    try:
        with Image.open(path) as img:
            ref.width, ref.height = img.size
            img.verify()
    except PermissionError:
        result.problems.append(Problem(source.path, f"image '{src}' cannot be read", line))
        return None
    except Image.DecompressionBombError:
        result.problems.append(Problem(
            source.path, f"image '{src}' is too large to print (over "
                         f"{2 * (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000} million pixels): "
                         "scale it down", line))
        return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        reason = "not an image" if isinstance(exc, UnidentifiedImageError) else "a broken image"
        result.problems.append(Problem(source.path, f"image '{src}' is {reason}", line))
        return None
    image.attrSet("src", path.as_uri())
    result.images.append(ref)
    return ref


def _check_svg(path: Path, src: str, ref: ImageRef, image: Token, source: Source,
               result: Rendered, line: int) -> ImageRef | None:
    """A vector picture: accepted when it is an SVG document (drawn by WeasyPrint)."""
    try:
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        result.problems.append(Problem(source.path, f"image '{src}' cannot be read", line))
        return None
    if "<svg" not in head:
        result.problems.append(Problem(source.path, f"image '{src}' is not an image", line))
        return None
    image.attrSet("src", path.as_uri())
    result.images.append(ref)
    return ref


def _check_links(inline: Token, source: Source, result: Rendered, line: int) -> None:
    for child in inline.children or []:
        if child.type != "link_open":
            continue
        href = str(child.attrGet("href") or "")
        path = _resolve_local(href, source)
        if path is not None and not _inside(path, source.folder):
            result.problems.append(Problem(
                source.path, f"link '{href}' leads out of the issue folder", line))
            child.attrSet("href", "#")
