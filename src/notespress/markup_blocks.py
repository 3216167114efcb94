"""Boxes and task lists.

- ``::: note`` (tip, important, warning; caution, danger and info as well) and GitHub's alert
  quotes (``> [!NOTE]``) become a box with a label in the article's language; words after the
  name (``::: tip Before you start``) are the label instead. Another name gives a plain box
  and a warning. A ``:::`` that closes nothing is left out with a warning: the markers
  themselves are never printed.
- ``- [ ]`` and ``- [x]`` list items start with a ballot box (☐, ☑) that prints in every
  edition (a form field would not).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

KINDS = ("note", "tip", "important", "warning", "caution", "danger", "info")
ALERTS = {"NOTE": "note", "TIP": "tip", "IMPORTANT": "important", "WARNING": "warning",
          "CAUTION": "caution"}
DEFAULT_WORDS = {"box_note": "Note", "box_tip": "Tip", "box_important": "Important",
                 "box_warning": "Warning", "box_caution": "Caution", "box_danger": "Danger",
                 "box_info": "Info", "links": "Links"}
UNCHECKED, CHECKED = "\u2610", "\u2611"
_ALERT = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*", re.IGNORECASE)
_COLONS = re.compile(r"^:{3,}\s*$")

Warn = Callable[[str, int | None], None]


def use(md: MarkdownIt) -> None:
    """Boxes (after any named container already set up, such as the pull quote) and tasks."""
    container_plugin(md, "box", validate=lambda params, *_: bool(params.strip()),
                     render=_render_box)
    md.use(tasklists_plugin)
    md.add_render_rule("task_box", _render_task)


def _render_box(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if token.nesting != 1:
        return "</div>\n"
    kind = token.meta.get("kind", "")
    classes = "box" + (f" box-{kind}" if kind else "")
    label = token.meta.get("label", "")
    head = f'<p class="box-label">{escape(label)}</p>' if label else ""
    return f'<div class="{classes}">{head}\n'


def _render_task(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    checked = tokens[idx].meta.get("checked", False)
    return f'<span class="task-box">{CHECKED if checked else UNCHECKED}</span> '


def boxes(tokens: list[Token], words: Mapping[str, str], warn: Warn) -> list[Token]:
    """Name and label every box; turn alert quotes into boxes; drop stray ':::' lines."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "container_box_open":
            name, _, title = token.info.strip().partition(" ")
            kind = name.lower()
            if kind not in KINDS:
                warn(f"'::: {name}' is not a kind of box (known: {', '.join(KINDS)}); it is "
                     "set as a plain box", token.map[0] if token.map else None)
                kind = ""
            label = title.strip() or (word(words, f"box_{kind}") if kind else "")
            token.meta = {**(token.meta or {}), "kind": kind, "label": label}
        elif token.type == "blockquote_open" and _is_alert(tokens, index):
            _make_alert(tokens, index, words)
        elif (token.type == "paragraph_open" and index + 2 < len(tokens)
              and tokens[index + 1].type == "inline"
              and _COLONS.match(tokens[index + 1].content)):
            warn("':::' closes no box; it is left out", token.map[0] if token.map else None)
            index += 3
            continue
        out.append(token)
        index += 1
    return out


def word(words: Mapping[str, str], key: str) -> str:
    return words.get(key) or DEFAULT_WORDS.get(key, "")


def _is_alert(tokens: list[Token], index: int) -> bool:
    return (index + 2 < len(tokens) and tokens[index + 1].type == "paragraph_open"
            and tokens[index + 2].type == "inline"
            and bool(_ALERT.match(tokens[index + 2].content)))


def _make_alert(tokens: list[Token], index: int, words: Mapping[str, str]) -> None:
    opening, inline = tokens[index], tokens[index + 2]
    kind = ALERTS[_ALERT.match(inline.content).group(1).upper()]  # type: ignore[union-attr]
    level = opening.level
    close = next(t for t in tokens[index + 1:]
                 if t.type == "blockquote_close" and t.level == level)
    for token, kind_of in ((opening, "container_box_open"), (close, "container_box_close")):
        token.type = kind_of
        token.tag = "div"
    opening.meta = {"kind": kind, "label": word(words, f"box_{kind}")}
    children = inline.children or []
    if children and children[0].type == "text":
        children[0].content = _ALERT.sub("", children[0].content, count=1)
        if not children[0].content:
            children.pop(0)
            if children and children[0].type in ("softbreak", "hardbreak"):
                children.pop(0)
    inline.content = _ALERT.sub("", inline.content, count=1).lstrip("\n")
    if not children:  # the alert's first paragraph was only its marker
        paragraph_close = tokens[index + 3]
        for token in (tokens[index + 1], inline, paragraph_close):
            token.hidden = True
            token.type = "alert_marker"
            token.nesting = 0


def tasks(children: list[Token]) -> list[Token]:
    """The task list plugin's form field, as a ballot box that prints."""
    if children and children[0].type == "html_inline" and \
            'class="task-list-item-checkbox"' in children[0].content:
        box = Token("task_box", "", 0, meta={"checked": 'checked="checked"' in
                                             children[0].content})
        rest = children[1:]
        if rest and rest[0].type == "text":
            rest[0].content = rest[0].content.lstrip()
        return [box, *rest]
    return children
