"""Raw HTML in an article: a few harmless inline tags are set, the rest never reaches paper.

markdown-it reads raw HTML (its ``html`` option) so that it is never printed as text, and
every piece it finds goes through nh3 with a short allowlist. Comments (editors' notes to
each other) are dropped whole; a tag outside the allowlist is removed and its text kept
(``script`` and ``style`` with their content), with a warning naming the tag and the line.
Inline tags are kept balanced inside their paragraph, so that a stray ``</span>`` cannot
close an element of the layouts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from markdown_it.token import Token

ALLOWED = frozenset({"br", "small", "sup", "sub", "mark", "kbd", "abbr", "s", "u", "em",
                     "strong", "i", "b", "span"})
ATTRIBUTES = {"abbr": {"title"}}
VOID = frozenset({"br"})
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe",
                                  "object", "svg", "math", "textarea", "title"})

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_OPEN_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)")
_TAG = re.compile(r"^<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Where a block element or a table cell ended, its text and the next one's are kept apart.
_BLOCK_END = re.compile(r"</\s*(?:p|div|li|tr|h[1-6]|dt|dd|blockquote|pre|summary|details|"
                        r"table|ul|ol|section|article|header|footer|figure|figcaption)\s*>"
                        r"|<\s*(?:p|div|hr|li|tr)\b[^>]*>", re.IGNORECASE)
_CELL_END = re.compile(r"</\s*t[dh]\s*>", re.IGNORECASE)
_BREAKS = re.compile(r"(?:\s*<br>\s*){2,}")

Report = Callable[[str, int], None]  # (tag name, line): a tag that is not set


def clean(html: str) -> str:
    import nh3

    return nh3.clean(html, tags=set(ALLOWED), attributes=ATTRIBUTES,
                     clean_content_tags=set(DROPPED_WITH_CONTENT), strip_comments=True,
                     link_rel=None)


def removed_tags(html: str) -> list[str]:
    """The names of the tags in `html` that are not set (comments aside), in order."""
    text = _COMMENT.sub("", html)
    names = [m.group(1).lower() for m in _OPEN_TAG.finditer(text)]
    return list(dict.fromkeys(n for n in names if n not in ALLOWED))


def block(html: str, line: int, report: Report) -> str:
    """A block of raw HTML as what may be printed of it ('' when nothing remains)."""
    for name in removed_tags(html):
        report(name, line)
    text = _CELL_END.sub(" ", _BLOCK_END.sub("<br>", _COMMENT.sub("", html)))
    cleaned = _BREAKS.sub("<br>", clean(text)).strip()
    cleaned = re.sub(r"^(?:<br>\s*)+|(?:\s*<br>)+$", "", cleaned)
    return f'<p class="html">{cleaned}</p>\n' if cleaned.strip() else ""


def inline(children: list[Token], lines: list[int], report: Report) -> list[Token]:
    """The children of one inline token with their raw HTML made safe: `lines` gives the
    source line of each child."""
    out: list[Token] = []
    stack: list[str] = []
    skipping: str | None = None  # inside <script>...</script>: its content is dropped
    for child, line in zip(children, lines, strict=True):
        if child.type != "html_inline":
            if skipping is None:
                out.append(child)
            continue
        raw = child.content
        match = _TAG.match(raw)
        if match is None:  # a comment, a declaration, a processing instruction
            continue
        closing, name = match.group(1) == "/", match.group(2).lower()
        if skipping is not None:
            if closing and name == skipping:
                skipping = None
            continue
        if closing:
            if name in stack:
                while stack:
                    top = stack.pop()
                    out.append(_html(f"</{top}>", -1))
                    if top == name:
                        break
            continue
        if name not in ALLOWED:
            report(name, line)
            if name in DROPPED_WITH_CONTENT and not raw.rstrip().endswith("/>"):
                skipping = name
            continue
        cleaned = clean(raw)
        if name in VOID:
            out.append(_html(cleaned))
        elif raw.rstrip().endswith("/>"):
            out.append(_html(cleaned))  # an empty element, closed at once
        else:
            out.append(_html(cleaned[: cleaned.rfind("</")] if "</" in cleaned else cleaned, 1))
            stack.append(name)
    out.extend(_html(f"</{name}>", -1) for name in reversed(stack))
    return out


def _html(content: str, nesting: Literal[-1, 0, 1] = 0) -> Token:
    """Raw HTML to print; an opening (1) or closing (-1) tag says so, for the passes that
    need the elements (bidirectional runs)."""
    return Token("html_inline", "", nesting, content=content)
