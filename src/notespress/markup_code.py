"""Code, set as code: fenced and indented blocks, and inline code spans.

Code is always left to right (``dir="ltr"``, also inside Persian text) and never touched by
smart punctuation (markdown-it's typographer only changes text tokens, and French spacing
too). How it breaks is decided here, because WeasyPrint 70 has no CSS for it:

- a block is one ``<span class="line">`` per line of the source: the layouts wrap a long line
  inside the column and mark the lines it continues on (notespress.css, "code");
- an inline span is cut into pieces (``<span class="cc">``) that the layouts keep whole
  (inline blocks): a line can break only between pieces, that is after ``_ . / :: ( ) , -``
  or a space (never with a hyphen), and a justified line never stretches the spaces inside
  the code (WeasyPrint stretches spaces, not inline blocks).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

# A piece of inline code ends after a run of these characters (and the spaces after it),
# when the run follows a letter, digit or closing sign and more code comes after it, or
# after a space: `std::fmt::Display` -> std:: fmt:: Display; `git commit --amend` -> git
# commit --amend (not cut after its dashes).
_BREAK_AFTER = re.compile(r"(?<=[^\s_./:(),-])[_./:(),-]+ *(?=\S)| +(?=\S)")
LONGEST_PIECE = 30  # characters: longer pieces are cut at a space, or anywhere
TAB = 4


def pieces(code: str) -> list[str]:
    """Inline code cut where a line may break (see the module's docstring)."""
    out: list[str] = []
    start = 0
    for match in _BREAK_AFTER.finditer(code):
        out.append(code[start:match.end()])
        start = match.end()
    out.append(code[start:])
    return [short for piece in out if piece for short in _shorten(piece)]


def _shorten(piece: str) -> list[str]:
    out: list[str] = []
    while len(piece) > LONGEST_PIECE:
        space = piece.rfind(" ", 1, LONGEST_PIECE)
        cut = space + 1 if space > 0 else LONGEST_PIECE
        out.append(piece[:cut])
        piece = piece[cut:]
    if piece:
        out.append(piece)
    return out


def inline_html(code: str) -> str:
    spans = "".join(f'<span class="cc">{escape(piece, quote=False)}</span>'
                    for piece in pieces(code))
    return f'<code class="code" dir="ltr">{spans}</code>'


def block_html(code: str, language: str = "") -> str:
    """A code block: each line in its own span (an indented one says how far its rows after
    the first go: past its indent); tabs as spaces; an empty line kept."""
    lines = code.expandtabs(TAB).rstrip("\n").split("\n")
    body = "".join(_line_html(line) for line in lines)
    lang = f' data-lang="{escape(language)}"' if language else ""
    return f'<pre class="code" dir="ltr"{lang}><code>{body}</code></pre>\n'


def _line_html(line: str) -> str:
    indent = len(line) - len(line.lstrip(" "))
    style = (f' style="padding-left: {indent + 2}ch; text-indent: -{indent + 2}ch"'
             if indent and line.strip() else "")
    return f'<span class="line"{style}>{escape(line, quote=False) or " "}</span>'


def render_fence(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    info = token.info.strip().split()
    return block_html(token.content, info[0] if info else "")


def render_code_block(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return block_html(tokens[idx].content)


def render_code_inline(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return inline_html(tokens[idx].content)


def use(md: MarkdownIt) -> None:
    """Set code as code in this parser's output."""
    md.add_render_rule("fence", render_fence)
    md.add_render_rule("code_block", render_code_block)
    md.add_render_rule("code_inline", render_code_inline)
