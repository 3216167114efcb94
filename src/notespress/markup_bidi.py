"""Bidirectional text: runs of the other direction are isolated in their own element.

WeasyPrint 70 applies the Unicode bidirectional algorithm to each piece of text on its own:
a Latin run inside a Persian sentence comes out in the right order only while it is one
piece of plain text. As soon as it holds a link, an emphasis or code ("June 8, 2021 by
[Andrew Clark](...), [Brian Vaughn](...)"), its pieces are ordered right to left; and a
number with its unit ("15 kg") is turned around. It honours a ``dir`` attribute on an inline
element (not ``<bdi>``, nor ``unicode-bidi: isolate``, nor the isolate control characters),
so each run of the other direction, with the elements inside it, is wrapped in
``<span dir="ltr">`` (or ``rtl`` in a left-to-right article).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it.token import Token

TEXT = ("text", "url_text", "text_special")
_TAG = re.compile(r"<[^>]*>")
BARRIERS = ("image", "footnote_ref", "task_box")  # never inside a run: they have their own


@dataclass
class _Node:
    token: Token  # the leaf, or the element's opening token
    children: list[_Node] = field(default_factory=list)
    close: Token | None = None
    kind: str = "N"  # L, R (either strong class), EN (a number), N (neutral), X (barrier)


@lru_cache(maxsize=4096)
def _char_class(char: str) -> str:
    value = unicodedata.bidirectional(char)
    if value == "L":
        return "L"
    if value in ("R", "AL"):
        return "R"
    if value in ("EN", "AN"):
        return "EN"
    return "N"


def _tree(children: list[Token]) -> list[_Node]:
    root: list[_Node] = []
    stack: list[_Node] = []
    for token in children:
        siblings = stack[-1].children if stack else root
        if token.nesting == 1:
            node = _Node(token)
            siblings.append(node)
            stack.append(node)
        elif token.nesting == -1 and stack:
            stack.pop().close = token
        else:
            siblings.append(_Node(token))
    return root


def _classify(node: _Node) -> str:
    """L, R, EN, N, or X for a node that holds both directions or a barrier."""
    token = node.token
    if node.close is not None or node.children:
        kinds = {_classify(child) for child in node.children}
    elif token.type in TEXT:
        kinds = {_char_class(c) for c in token.content}
    elif token.type == "code_inline":
        kinds = {"L"}
    elif token.type == "html_inline":  # an address, a link's number: their text counts
        kinds = {_char_class(c) for c in _TAG.sub("", token.content)} or {"N"}
    else:
        kinds = {"X"} if token.type in BARRIERS else {"N"}
    if "X" in kinds or {"L", "R"} <= kinds:
        node.kind = "X"
    else:
        node.kind = next((k for k in ("L", "R", "EN") if k in kinds), "N")
    return node.kind


def set_direction(block: Token, children: list[Token], rtl: bool) -> None:
    """A paragraph or heading wholly in the other direction (an English byline in a Persian
    article) is set in that direction: aligned and ordered as it reads."""
    ours, other = ("R", "L") if rtl else ("L", "R")
    if any(_has(t, other) for t in children) and not any(_has(t, ours) for t in children):
        block.attrSet("dir", "ltr" if rtl else "rtl")


def isolate(children: list[Token], rtl: bool) -> list[Token]:
    """The children of an inline token with each run of the other direction wrapped."""
    if not children:
        return children
    other = "L" if rtl else "R"
    if not any(_has(token, other) for token in children):
        return children
    tree = _tree(children)
    for node in tree:
        _classify(node)
    out: list[Token] = []
    _level(tree, other, "ltr" if rtl else "rtl", out)
    return out


def _has(token: Token, kind: str) -> bool:
    if token.type == "code_inline":
        return kind == "L"
    if token.type not in (*TEXT, "html_inline") or (kind == "R" and token.content.isascii()):
        return False
    text = _TAG.sub("", token.content) if token.type == "html_inline" else token.content
    return any(_char_class(c) == kind for c in text)


def _units(nodes: list[_Node]) -> list[tuple[str, _Node, int]]:
    """(class, node, index of the character in a text node, else -1) for one level."""
    units: list[tuple[str, _Node, int]] = []
    for node in nodes:
        if node.token.type in TEXT and node.close is None and not node.children:
            units.extend((_char_class(c), node, i) for i, c in enumerate(node.token.content))
        else:
            units.append((node.kind, node, -1))
    return units


def _level(nodes: list[_Node], other: str, direction: str, out: list[Token]) -> None:
    units = _units(nodes)
    runs: list[tuple[int, int]] = []  # first and last unit of each run
    index = 0
    while index < len(units):
        kind = units[index][0]
        begins = kind == other or (other == "L" and kind == "EN" and
                                   _next_strong(units, index + 1) == "L")
        if not begins:
            index += 1
            continue
        last = index
        cursor = index + 1
        while cursor < len(units) and units[cursor][0] in (other, "EN", "N"):
            if units[cursor][0] in (other, "EN"):
                last = cursor
            cursor += 1
        runs.append(_with_brackets(units, index, last, runs[-1][1] + 1 if runs else 0))
        index = cursor
    starts = {first: last for first, last in runs}
    ends = {last for _, last in runs}
    pending: list[str] = []  # characters of the text node being copied
    pending_node: _Node | None = None

    def flush() -> None:
        nonlocal pending, pending_node
        if pending and pending_node is not None:
            piece = Token(pending_node.token.type, "", 0, content="".join(pending))
            out.append(piece)
        pending, pending_node = [], None

    for position, (_, node, char) in enumerate(units):
        if position in starts:
            flush()
            out.append(Token("html_inline", "", 0, content=f'<span dir="{direction}">'))
        if char >= 0:
            if pending_node is not node:
                flush()
                pending_node = node
            pending.append(node.token.content[char])
        else:
            flush()
            _emit(node, other, direction, out, inside=_inside_run(position, runs))
        if position in ends:
            flush()
            out.append(Token("html_inline", "", 0, content="</span>"))
    flush()


OPENERS, CLOSERS = "([{", ")]}"


def _bracket(unit: tuple[str, _Node, int]) -> str:
    _, node, char = unit
    return node.token.content[char] if char >= 0 else ""


def _with_brackets(units: list[tuple[str, _Node, int]], first: int, last: int,
                   floor: int) -> tuple[int, int]:
    """A run widened to the brackets that pair with brackets inside it ("Ali (ali@x.org)":
    the closing one too), through neutral characters only: a pair split by the run's edge
    would be turned the wrong way (WeasyPrint orders each piece of text on its own)."""
    opened = closed = 0  # brackets in the run still without their pair
    for unit in units[first:last + 1]:
        char = _bracket(unit)
        if char and char in OPENERS:
            opened += 1
        elif char and char in CLOSERS:
            opened, closed = (opened - 1, closed) if opened else (opened, closed + 1)
    cursor = last + 1
    while opened and cursor < len(units) and units[cursor][0] == "N":
        char = _bracket(units[cursor])
        if char and char in OPENERS:
            break
        if char and char in CLOSERS:
            opened, last = opened - 1, cursor
        cursor += 1
    cursor = first - 1
    while closed and cursor >= floor and units[cursor][0] == "N":
        char = _bracket(units[cursor])
        if char and char in CLOSERS:
            break
        if char and char in OPENERS:
            closed, first = closed - 1, cursor
        cursor -= 1
    return first, last


def _inside_run(position: int, runs: list[tuple[int, int]]) -> bool:
    return any(first <= position <= last for first, last in runs)


def _emit(node: _Node, other: str, direction: str, out: list[Token], inside: bool) -> None:
    if node.close is None and not node.children:
        out.append(node.token)
        return
    out.append(node.token)
    if node.kind == "X" and not inside:
        _level(node.children, other, direction, out)
    else:
        for child in node.children:
            _emit(child, other, direction, out, inside=True)
    if node.close is not None:
        out.append(node.close)


def _next_strong(units: list[tuple[str, _Node, int]], start: int) -> str:
    for kind, _, _ in units[start:]:
        if kind in ("L", "R", "X"):
            return kind
    return ""


def text_direction(text: str, lang: str = "") -> str:
    """"rtl" or "ltr": the direction of a line of plain text (a title, a name, a summary),
    from its first letter of either direction (as `dir="auto"` does), else from `lang`."""
    from .typography import is_rtl

    kind = next((k for k in map(_char_class, text) if k in ("L", "R")), "")
    if kind:
        return "rtl" if kind == "R" else "ltr"
    return "rtl" if is_rtl(lang) else "ltr"


def bidi_html(text: str, lang: str = "") -> str:
    """A line of plain text as HTML, in its own direction (`text_direction`), with the runs
    of the other direction inside it isolated as in an article's text: a Persian title in an
    English contents list, English names in a Persian one."""
    from html import escape

    from .typography import is_rtl

    direction = text_direction(text, lang)
    tokens = isolate([Token("text", "", 0, content=text)], direction == "rtl")
    inner = "".join(t.content if t.type == "html_inline" else escape(t.content, quote=False)
                    for t in tokens)
    if len(tokens) == 1 and direction == ("rtl" if is_rtl(lang) else "ltr"):
        return inner  # (all in the direction around it: no element, which costs layout time)
    return f'<span dir="{direction}">{inner}</span>'
