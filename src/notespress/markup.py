"""Markdown to HTML: smart punctuation by language, footnotes in place, figures, pull quotes,
code set as code, raw HTML made safe, links and anchors checked, boxes and task lists.

The stages of one article, in order (each in its module when it is more than a few lines):

1. markdown-it parses the article (raw HTML read as HTML, bare addresses as links, nesting
   bounded: limits.py);
2. boxes and alert quotes are named (markup_blocks.py), headings get ids (markup_links.py);
3. raw HTML blocks are sanitized (markup_html.py);
4. each inline run, in the body, in footnotes and in captions alike: raw HTML sanitized, links
   resolved and numbered for paper (markup_links.py), pictures checked and made printable
   (markup_images.py), runs of the other direction isolated (markup_bidi.py);
5. a picture alone in its paragraph becomes a figure; footnotes go into their calls (paper)
   or to the end (``medium="web"``); the addresses' list ends the article;
6. the HTML is rendered block by block (code by markup_code.py).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import limits, markup_bidi, markup_blocks, markup_code, markup_html, markup_links
from .errors import Problem, Severity
from .markup_images import ImageRef, decorative_html
from .markup_images import check as check_image
from .typography import is_rtl, local_digits

__all__ = ["QUOTES", "ImageRef", "Rendered", "Source", "check_references", "quotes_for",
           "render_markdown", "typeset_plain"]

MEDIA = ("print", "web")

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
    md = MarkdownIt("commonmark", {"html": True, "linkify": True, "typographer": True,
                                   "quotes": quotes_for(lang),
                                   "maxNesting": limits.MAX_NESTING + 10})
    md.enable(["replacements", "smartquotes", "table", "strikethrough", "linkify"])
    if md.linkify is not None:
        md.linkify.set({"fuzzy_link": False})
    # every link is resolved (and refused) by markup_links, with a reason and a line:
    # markdown-it's own check would print a refused link as its Markdown, brackets and all
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    first_rule = md.block.ruler.__rules__[0].name
    md.block.ruler.before(first_rule, "nesting_guard", _nesting_guard)
    md.core.ruler.after("block", "heading_ids_as_written", markup_links.ids_as_written)
    md.core.ruler.after("linkify", "addresses_as_typed", _addresses_as_typed)
    md.use(footnote_plugin)
    md.use(container_plugin, "pullquote", render=_render_pullquote)
    markup_blocks.use(md)
    markup_code.use(md)
    for name, rule in (("table_open", _render_table), ("table_close", _render_table),
                       ("footnote_ref", _render_footnote_ref), ("url_text", _render_url_text),
                       ("image", _render_image), ("footnote_block_open", _web_notes_open),
                       ("footnote_block_close", _web_notes_close),
                       ("footnote_open", _web_note_open), ("footnote_close", _web_note_close),
                       ("footnote_anchor", _web_backref)):
        md.add_render_rule(name, rule)
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
            if child.type in ("text", "code_inline", "url_text", "html_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return "".join(out) or text


def _nesting_guard(state: Any, start: int, end: int, silent: bool) -> bool:
    """Stop, and say where, before markdown-it's own limit drops the rest in silence."""
    if silent or state.level < limits.MAX_NESTING:
        return False
    state.env.setdefault("notespress_too_deep", []).append(start)
    line = start + 1  # skip what belongs at this depth; what follows is read as usual
    while line < end and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
        line += 1
    state.line = line
    return True


def _addresses_as_typed(state: Any) -> None:
    """An address shown as a link's text keeps its dashes, quotes and dots (the typographer
    and French spacing change only "text" tokens)."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        inside: str | None = None
        for child in token.children or []:
            if child.type == "link_open":
                inside = str(child.attrGet("href") or "")
            elif child.type == "link_close":
                inside = None
            elif child.type == "text" and inside is not None and (
                    markup_links.looks_like_address(child.content)
                    or markup_links.same_as_text(child.content, inside)):
                child.type = "url_text"


def _french_spacing(state: Any) -> None:
    from .typography import french_spacing

    for token in state.tokens:
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "text":
                    child.content = french_spacing(child.content)


def _render_pullquote(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return '<aside class="pullquote">\n' if tokens[idx].nesting == 1 else "</aside>\n"


def _render_table(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """A table; on paper a wide one in a box the layouts let span the columns (`table-wide`),
    on the web each in a frame that scrolls on a narrow screen (`table-scroll`)."""
    token = tokens[idx]
    if env.get("medium") == "web":
        if token.nesting == 1:
            label = escape(_word(env, "web_table", "Table"))
            return (f'<div class="table-scroll" role="region" tabindex="0" '
                    f'aria-label="{label}">\n<table>\n')
        return "</table>\n</div>\n"
    wide = (token.meta or {}).get("wide")
    if token.nesting == 1:
        return ('<div class="table-wide">' if wide else "") + "<table>\n"
    return "</table>\n" + ("</div>\n" if wide else "")


def _word(env: dict, key: str, default: str) -> str:
    return str((env.get("words") or {}).get(key) or default)


# A picture at least this many times as wide as it is high spans the columns on paper: a
# panorama or a long chart; anything squarer stays in its column, where it keeps the page full.
WIDE_RATIO = 2.0
WIDE_TABLE_WORDS = 45  # characters: the longest word of each column, added up (see below)


def _mark_wide_tables(tokens: list[Token]) -> None:
    """Flag the tables that cannot fit one column of a two-column page: the longest word of
    each column (at most 30 characters: longer ones break, addresses and code first), added
    up, is past what a column holds in a table's type."""
    for index, token in enumerate(tokens):
        if token.type != "table_open":
            continue
        longest: dict[int, int] = {}
        column = 0
        for inner in tokens[index + 1:]:
            if inner.type == "table_close" and inner.level == token.level:
                break
            if inner.type == "tr_open":
                column = 0
            elif inner.type == "inline":
                words = _plain_text(inner.children or []).split() or [""]
                longest[column] = max(longest.get(column, 0),
                                      min(max(len(w) for w in words), 30))
                column += 1
        if sum(longest.values()) > WIDE_TABLE_WORDS:
            token.meta = {**(token.meta or {}), "wide": True}
            closing = next(t for t in tokens[index + 1:]
                           if t.type == "table_close" and t.level == token.level)
            closing.meta = {**(closing.meta or {}), "wide": True}


def _render_url_text(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return escape(tokens[idx].content, quote=False)


def _render_footnote_ref(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    number = meta["id"] + 1
    prefix = env["id_prefix"]
    if env.get("medium") == "web":
        shown = local_digits(number, env.get("lang", "en"))
        return (f'<sup class="note-call"><a href="#{prefix}note-{number}" '
                f'id="{_call_id(meta, prefix)}" role="doc-noteref">{shown}</a></sup>')
    notes: dict[int, str] = env.get("notespress_notes", {})
    if meta.get("subId", 0) == 0:
        body = notes.get(meta["id"], "")
        return f'<span class="footnote" id="{prefix}fn{number}">{body}</span>'
    return f'<sup class="footnote-again">{number}</sup>'


# On the web, footnotes are notes at the end of the page: <section class="notes"> headed by
# the words' `web_notes`, each note (li#note-N) with a link back to each of its calls
# (a#call-N, a#call-N-2 for the second call of the same note).


def _call_id(meta: dict, prefix: str) -> str:
    sub = meta.get("subId", 0)
    return f"{prefix}call-{meta['id'] + 1}" + (f"-{sub + 1}" if sub else "")


def _web_notes_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    prefix = env["id_prefix"]
    return (f'<section class="notes" role="doc-endnotes" aria-labelledby="{prefix}notes">\n'
            f'<h2 class="notes-title" id="{prefix}notes">'
            f'{escape(_word(env, "web_notes", "Notes"))}</h2>\n<ol>\n')


def _web_notes_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return "</ol>\n</section>\n"


def _web_note_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return (f'<li id="{env["id_prefix"]}note-{tokens[idx].meta["id"] + 1}" '
            'role="doc-endnote">')


def _web_note_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return "</li>\n"


def _web_backref(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    sub = meta.get("subId", 0)
    calls = env.get("footnotes", {}).get("list", {}).get(meta["id"], {}).get("count", 1)
    mark = f"<sup>{local_digits(sub + 1, env.get('lang', 'en'))}</sup>" if calls > 1 else ""
    label = escape(_word(env, "web_back", "Back to the text"))
    return (f' <a href="#{_call_id(meta, env["id_prefix"])}" class="note-back" '
            f'role="doc-backlink" aria-label="{label}">\u2191{mark}</a>')


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """An image inside a line of text (a picture alone in its paragraph is a figure)."""
    token = tokens[idx]
    ref: ImageRef | None = token.meta.get("ref")
    alt = _plain_text(token.children or [])
    if ref is None:
        return escape(alt)
    uri = ref.path.as_uri()
    if not alt.strip():
        if env.get("medium") == "web":  # marked decorative, as browsers and readers know it
            return f'<img src="{escape(uri)}" alt="" role="presentation">'
        return decorative_html(ref, uri, inline=True)
    return f'<img src="{escape(uri)}" alt="{escape(alt)}">'


def _plain_text(children: list[Token]) -> str:
    out = []
    for child in children:
        if child.type in ("text", "url_text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(_plain_text(child.children or []))
    return "".join(out)


@dataclass
class Rendered:
    html: str
    images: list[ImageRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # where each top-level block (paragraph, heading, figure, list...) ends in `html`
    block_ends: tuple[int, ...] = ()
    anchors: set[str] = field(default_factory=set)  # the ids of its headings
    # ids of other articles' headings (or the articles) it links to: (id, line, as written)
    references: list[tuple[str, int, str]] = field(default_factory=list)


TIE_LAST = 9  # a paragraph's last word this short (or shorter) is tied to the one before
TIE_BEFORE = 14  # unless that one is longer than this


TIE_MIN_WORDS = 8  # paragraphs of fewer words (a list item, a short note) are left alone


def _tie_last_words(tokens: list[Token]) -> None:
    """A no-break space before a paragraph's last word when it is short, so that no
    paragraph ends with a line of one short word ("shrink.", "War."). Only paragraphs of
    running text: not a tight list's items, not footnotes, not a few words."""
    in_note = 0
    for index, token in enumerate(tokens[:-1]):
        if token.type == "footnote_open":
            in_note += 1
        elif token.type == "footnote_close":
            in_note -= 1
        if (token.type != "paragraph_open" or token.hidden or in_note
                or tokens[index + 1].type != "inline"):
            continue
        children = tokens[index + 1].children or []
        if sum(len(c.content.split()) for c in children if c.type == "text") < TIE_MIN_WORDS:
            continue
        last = next((c for c in reversed(children) if c.type != "footnote_ref"), None)
        if last is None or last.type != "text":
            continue
        text = last.content.rstrip()
        head, space, tail = text.rpartition(" ")
        if not space or not head or len(tail) > TIE_LAST:
            continue
        before = head.rsplit(" ", 1)[-1]
        if not before or len(before) > TIE_BEFORE:
            continue
        last.content = head + "\u00a0" + tail + last.content[len(text):]


def _mark_table_captions(tokens: list[Token]) -> None:
    """A paragraph set all in emphasis right after a table is its caption (class
    `table-caption`), set as figures' captions are."""
    for index, token in enumerate(tokens[:-2]):
        if token.type != "paragraph_open" or index == 0:
            continue
        before = tokens[index - 1]
        if before.type not in ("table_close",) and not (
                before.type == "html_block" and before.content.rstrip().endswith("</div>")
                and "table-wide" in before.content):
            continue
        children = [c for c in tokens[index + 1].children or []
                    if not (c.type == "text" and not c.content.strip())]
        while children and children[-1].type == "footnote_ref":
            children.pop()
        if len(children) >= 3 and children[0].type == "em_open" and \
                children[-1].type == "em_close" and not any(
                    c.type == "em_close" for c in children[1:-1]):
            token.attrSet("class", "table-caption")


@dataclass(frozen=True)
class Source:
    """Where a Markdown body comes from, for checking paths and naming lines, and how it is
    to be set."""

    path: Path
    first_line: int  # line number in the file of the body's first line
    folder: Path  # images and links must stay inside this folder
    lang: str
    id_prefix: str = ""
    links: str = "notes"  # how external links print: notes, inline or hidden
    link_base: str = ""  # the website that root-relative and relative links belong to
    # the layouts' words in the article's language (labels of boxes, the links' heading)
    words: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    cache: Path | None = None  # where pictures converted to be printable are kept


FOOTNOTE_DEF_RE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
FOOTNOTE_CALL_RE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_LONG_WORD = re.compile(rf"\S{{{limits.MAX_WORD_CHARS + 1},}}")


def render_markdown(body: str, source: Source, medium: str = "print") -> Rendered:
    """The article's HTML for paper (``medium="print"``: footnotes at their calls, the
    addresses of links printed) or for the web (footnotes as end notes with links back, live
    links only)."""
    if medium not in MEDIA:
        raise ValueError(f"medium must be one of {', '.join(MEDIA)}")
    result = Rendered(html="")
    if len(body) > limits.MAX_ARTICLE_CHARS:
        result.problems.append(Problem(
            source.path, f"the article is {len(body):,} characters long, more than "
                         f"{limits.MAX_ARTICLE_CHARS:,}: split it into several articles",
            source.first_line))
        return result
    md = _parser(source.lang)
    env: dict = {"id_prefix": source.id_prefix, "medium": medium, "lang": source.lang,
                 "words": source.words}
    tokens = md.parse(body, env)
    job = _Job(md, source, result, medium)
    for line in env.get("notespress_too_deep", []):
        job.problem(f"lists, quotes or boxes nested more than {limits.MAX_NESTING} levels "
                    "deep (a list counts two): what follows, to the end of the outer list, "
                    "cannot be set; nest less", line)
    _check_footnotes(body, env, source, result)
    tokens = markup_blocks.boxes(tokens, source.words, lambda m, line: job.problem(
        m, line, "warning"))
    reserved = set()
    if medium == "web":  # (the page's own ids, and the notes')
        reserved = {"main", "top", "notes", "contents"}
        for number, note in env.get("footnotes", {}).get("list", {}).items():
            reserved.add(f"note-{number + 1}")
            reserved.update(f"call-{number + 1}" + (f"-{k + 1}" if k else "")
                            for k in range(max(note.get("count", 1), 1)))
    job.ids = markup_links.assign_heading_ids(tokens, source.id_prefix, reserved)
    result.anchors = set(job.ids.values())
    tokens = job.blocks(tokens)
    for index, token in enumerate(tokens):
        if token.type == "inline":
            token.children = job.inline(token.children or [], job.line_of(token))
            if index and tokens[index - 1].type in ("paragraph_open", "heading_open"):
                markup_bidi.set_direction(tokens[index - 1], token.children, job.rtl)
    tokens = job.figures(tokens)
    _mark_wide_tables(tokens)
    if medium == "print":
        _tie_last_words(tokens)
        _mark_table_captions(tokens)
    if medium == "print":
        tokens = _extract_footnotes(md, tokens, env)
        if source.links == "notes" and job.notes.numbers:
            title = markup_blocks.word(source.words, "links")
            html = markup_links.notes_html(job.notes, title, source.id_prefix.rstrip("-"),
                                           lambda n: local_digits(n, source.lang))
            tokens.append(Token("html_block", "", 0, content=html))
    job.report_removed_tags()
    blocks = [md.renderer.render(group, md.options, env) for group in _top_level(tokens)]
    result.html = "".join(blocks)
    result.block_ends = tuple(itertools.accumulate(len(block) for block in blocks))
    return result


def check_references(documents: list[tuple[Path, Rendered]], known: set[str]
                     ) -> list[Problem]:
    """Links between the articles of an issue: each must find its heading (or article).
    `known` holds the ids of the issue's articles."""
    ids = set(known)
    for _, rendered in documents:
        ids |= rendered.anchors
    problems = []
    for path, rendered in documents:
        for target, line, href in rendered.references:
            if target not in ids:
                problems.append(Problem(path, f"link '{href}': no such article or heading in "
                                              "this issue", line))
    return problems


class _Job:
    """One article being rendered: what the passes share."""

    def __init__(self, md: MarkdownIt, source: Source, result: Rendered, medium: str):
        self.md, self.source, self.result, self.medium = md, source, result, medium
        self.ids: dict[str, str] = {}
        self.notes = markup_links.Notes()
        self.removed: dict[str, list[int]] = {}
        self.rtl = is_rtl(source.lang)

    @property
    def _renderer(self) -> RendererHTML:
        return cast(RendererHTML, self.md.renderer)

    def problem(self, message: str, line: int | None, severity: Severity = "error") -> None:
        where = self.source.first_line + line if line is not None else self.source.first_line
        self.result.problems.append(Problem(self.source.path, message, where,
                                            severity=severity))

    def line_of(self, token: Token) -> int:
        return token.map[0] if token.map else 0

    def report_removed_tags(self) -> None:
        for name, lines in self.removed.items():
            more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
            if name in markup_html.DROPPED_WITH_CONTENT:
                what = "it is left out with its content"
            elif name == "img":
                what = "the picture is left out (write it as ![description](file))"
            else:
                what = "its text is kept"
            self.problem(f"HTML tag <{name}> is not set; {what}{more}", lines[0], "warning")

    def _removed(self, name: str, line: int) -> None:
        self.removed.setdefault(name, []).append(line)

    # -- blocks

    def blocks(self, tokens: list[Token]) -> list[Token]:
        out = []
        for token in tokens:
            line = self.line_of(token)
            if token.type == "html_block":
                token.content = markup_html.block(token.content, line, self._removed)
                if not token.content:
                    continue
            elif token.type in ("fence", "code_block"):
                self._long_words(token.content, line)
            out.append(token)
        return out

    def _long_words(self, text: str, line: int) -> None:
        for match in _LONG_WORD.finditer(text):
            shown = match.group()[:30]
            self.problem(f"a word of {len(match.group()):,} characters ('{shown}…'): no "
                         f"page can show more than {limits.MAX_WORD_CHARS:,} without a space; "
                         "break it up", line + text.count("\n", 0, match.start()))
            break

    # -- inline runs

    def inline(self, children: list[Token], first: int) -> list[Token]:
        """The children of one inline token (a paragraph, a heading, a cell, a footnote, a
        caption), through every inline pass; `first` is the line it starts on."""
        children = markup_blocks.tasks(children)
        lines = _child_lines(children, first)
        children = markup_html.inline(children, lines, self._removed)
        lines = _child_lines(children, first)
        out: list[Token] = []
        link: markup_links.Target | None = None
        link_start = 0
        for child, line in zip(children, lines, strict=True):
            if child.type == "link_open":
                link = self._link(child, line)
                if link.kind != "error":
                    out.append(child)
                link_start = len(out)
                continue
            if child.type == "link_close":
                target, link = link, None
                if target is not None and target.kind == "error":
                    continue  # the link is left out, its text kept
                if target is not None and target.kind == "external":
                    inside = out[link_start:]
                    if len(inside) == 1 and inside[0].type == "url_text":
                        out[link_start - 1].attrSet("dir", "ltr")  # an address reads LTR
                    out[link_start:] = [*self._address(inside), child]
                    out.extend(self._printed_address(inside, target.href))
                else:
                    out.append(child)
                continue
            if child.type == "image":
                self._image(child, line)
            elif child.type in ("text", "url_text", "code_inline"):
                self._long_words(child.content, line)
            out.append(child)
        return markup_bidi.isolate(out, self.rtl)

    def _link(self, token: Token, line: int) -> markup_links.Target:
        href = str(token.attrGet("href") or "")
        if len(href) > limits.MAX_WORD_CHARS:
            self.problem(f"a link address of {len(href):,} characters: shorten it", line)
            return markup_links.Target("error")
        target = markup_links.resolve(href, self.source.path, self.source.folder.resolve(),
                                      self.ids, self.source.id_prefix, self.source.link_base)
        if self.medium == "web" and (target.reference or target.kind in ("error", "local")):
            # a page of its own for each article, and files of the issue folder copied
            # beside them: the web edition points such links itself; what paper refuses
            # was said when the issue was read
            return markup_links.Target("kept", href)
        if target.kind in ("error", "local"):  # the link left out, its text kept
            self.problem(target.message, line, "warning" if target.kind == "local" else "error")
            return markup_links.Target("error", message=target.message)
        token.attrSet("href", target.href)
        if target.reference:
            self.result.references.append((target.reference, self.source.first_line + line,
                                           href))
        return target

    def _address(self, inside: list[Token]) -> list[Token]:
        """The link's text; an address shown as text gets its break opportunities."""
        if len(inside) == 1 and inside[0].type == "url_text":
            html = markup_links.address_html(inside[0].content)
            return [Token("html_inline", "", 0, content=html)]
        return inside

    def _printed_address(self, inside: list[Token], href: str) -> list[Token]:
        """After a link, on paper: its number (notes) or its address (inline)."""
        mode = self.source.links
        if self.medium != "print" or mode == "hidden":
            return []
        text = "".join(re.sub(r"<[^>]+>", "", t.content) if t.type == "html_inline"
                       else _plain_text([t]) for t in inside)
        shown = markup_links.display_address(href)
        if markup_links.same_as_text(text, href) or markup_links.same_as_text(text, shown):
            return []
        if mode == "inline":
            html = (f' <span class="link-address">(<a href="{escape(href)}" dir="ltr">'
                    f"{markup_links.address_html(shown)}</a>)</span>")
        else:
            number = local_digits(self.notes.number(href), self.source.lang)
            html = f'<span class="link-call">{number}</span>'
        return [Token("html_inline", "", 0, content=html)]

    def _image(self, token: Token, line: int) -> None:
        # the description read again on its own, so that the typographer sets it too
        # (markdown-it's smart quotes do not look inside an image)
        if token.content:
            parsed = self.md.parseInline(token.content, {"id_prefix": self.source.id_prefix})
            token.children = parsed[0].children or [] if parsed else token.children
        token.children = self.inline(token.children or [], line)
        checked = check_image(str(token.attrGet("src") or ""), self.source.path.parent,
                              self.source.folder, line, self.source.cache)
        if checked.ref is None:
            self.problem(checked.error, line)
            return
        ref = checked.ref
        ref.line = self.source.first_line + line
        token.meta = {**(token.meta or {}), "ref": ref}
        self.result.images.append(ref)
        if not _plain_text(token.children).strip() and not token.attrGet("title"):
            self.problem(f"image '{token.attrGet('src')}' has no description (alt text): it "
                         "is printed as a decoration; describe it as "
                         "![what it shows](file)", line, "warning")

    # -- figures

    def figures(self, tokens: list[Token]) -> list[Token]:
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
                    html = self._figure_html(children[0])
                    out.append(Token("html_block", "", 0, content=html, map=inline.map,
                                     level=token.level))
                    index += 3
                    continue
            out.append(token)
            index += 1
        return out

    def _figure_html(self, image: Token) -> str:
        ref: ImageRef | None = (image.meta or {}).get("ref")
        children = image.children or []
        caption = _plain_text(children).strip()
        caption_html = self._renderer.renderInline(children, self.md.options,
                                                     {"id_prefix": self.source.id_prefix,
                                                      "medium": self.medium}).strip()
        title = str(image.attrGet("title") or "")
        description = caption or title
        wide = " wide" if ref and ref.width and ref.width >= WIDE_RATIO * max(ref.height, 1) else ""
        html = [f'<figure class="figure{wide}">']
        if ref is None:
            pass
        elif description:
            size = f' data-px="{ref.width}x{ref.height}"' if ref.width else ""
            html.append(f'<img src="{escape(ref.path.as_uri())}" alt="{escape(description)}"'
                        f"{size}>")
        elif self.medium == "web":  # marked decorative, as browsers and readers know it
            html.append(f'<img src="{escape(ref.path.as_uri())}" alt="" role="presentation">')
        else:
            html.append(decorative_html(ref, ref.path.as_uri()))
        if caption or title:
            html.append("<figcaption>")
            if caption:
                html.append(caption_html)
            if title:
                html.append(f' <span class="credit">{escape(title)}</span>')
            html.append("</figcaption>")
        html.append("</figure>\n")
        return "".join(html)


def _child_lines(children: list[Token], first: int) -> list[int]:
    """The line (from the body's start) of each child of an inline token."""
    lines = []
    line = first
    for child in children:
        lines.append(line)
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type in ("html_inline", "text", "code_inline"):
            line += child.content.count("\n")
    return lines


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
            renderer = cast(RendererHTML, md.renderer)
            paragraphs.append(renderer.renderInline(children, md.options, env).strip())
        elif not inside_block:
            kept.append(token)
    env["notespress_notes"] = notes
    return kept
