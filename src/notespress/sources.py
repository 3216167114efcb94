"""Reading source files safely: UTF-8 text, YAML without tags or aliases, front matter."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NotespressError, Problem
from .files import read_bytes
from .limits import MAX_SOURCE_BYTES


@functools.cache
def _loader() -> Any:
    """SafeLoader that keeps dates as strings (we validate them ourselves) and refuses
    aliases (`*name`: a few hundred bytes of them can stand for gigabytes of values). Made on
    first use: a build with nothing changed reads no YAML, and need not import it."""
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases (*name) are not allowed here; write the value out",
                    event.start_mark)
            return super().compose_node(parent, index)

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def read_text(path: Path, *roots: Path, limit: int = MAX_SOURCE_BYTES, what: str = "file") -> str:
    """The file's text, read by the rule of files.read_bytes (inside `roots`, a regular file,
    at most `limit` bytes); a NotespressError naming the file (and line) if it is not UTF-8."""
    data = read_bytes(path, *roots, limit=limit, what=what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise NotespressError(
            Problem(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
                    line=line)) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class YamlDoc:
    """A parsed YAML mapping with the line number of each key (nested keys as `a.b`)."""

    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    path: Path | None = None
    first_line: int = 1

    def line(self, key: str) -> int:
        while key not in self.lines and "." in key:
            key = key.rsplit(".", 1)[0]
        return self.lines.get(key, self.first_line)


# What PyYAML says, and what an editor should do about it.
YAML_HINTS = {
    "mapping values are not allowed here": "a value with ': ' in it must be in quotes, "
                                           "e.g. title: \"Rust 1.0: the release\"",
    "found character '\\t' that cannot start any token": "use spaces, not tabs, to indent",
    "found undefined alias": "YAML aliases (*name) are not allowed here; write the value out",
    "could not find expected ':'": "each line is 'key: value'; a value that goes on to a "
                                   "second line must be in quotes",
    "found unexpected end of stream": "a quote is opened and never closed: close it at the "
                                      "end of the value, e.g. title: \"The strike\"",
    "found unknown escape character": "inside double quotes a backslash starts an escape: "
                                      "use single quotes, or write \\\\",
}


def parse_yaml(text: str, path: Path, line_offset: int = 0, what: str = "file") -> YamlDoc:
    """Parse a YAML mapping; raise NotespressError with file and line on any problem."""
    import yaml

    try:
        node = yaml.compose(text, Loader=_loader())
        data = yaml.load(text, Loader=_loader()) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        reason = exc.problem or "invalid YAML"
        mark = exc.problem_mark or exc.context_mark
        if reason.startswith("found unexpected end of stream") and exc.context_mark:
            mark = exc.context_mark  # where the quote that is never closed opens
        line = mark.line + 1 + line_offset if mark else None
        if "could not determine a constructor" in reason:
            reason = f"YAML tag {reason.split('tag ', 1)[-1]} is not allowed"
        hint = next((h for p, h in YAML_HINTS.items() if reason.startswith(p)), "")
        message = f"invalid YAML in {what}: {reason}" + (f" ({hint})" if hint else "")
        raise NotespressError(Problem(path, message, line)) from None
    except yaml.YAMLError as exc:
        raise NotespressError(Problem(path, f"invalid YAML in {what}: {exc}")) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise NotespressError(Problem(path, f"{what} must be a mapping of keys to values, "
                                      f"not a {kind}", line_offset + 1))
    lines: dict[str, int] = {}
    _key_lines(node, "", line_offset, lines)
    return YamlDoc({str(k): v for k, v in data.items()}, lines, path, line_offset + 1)


def _key_lines(node: Any, prefix: str, offset: int, lines: dict[str, int], depth: int = 0) -> None:
    import yaml

    if not isinstance(node, yaml.MappingNode) or depth > 3:
        return
    for key_node, value in node.value:
        name = f"{prefix}{key_node.value}"
        lines[name] = key_node.start_mark.line + 1 + offset
        _key_lines(value, f"{name}.", offset, lines, depth + 1)


def list_item_lines(text: str, key: str, line_offset: int = 0) -> list[int]:
    """Line numbers of the items of a top-level sequence `key` (for precise messages)."""
    import yaml

    node = yaml.compose(text, Loader=_loader())
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if key_node.value == key and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 + line_offset for item in value.value]
    return []


@dataclass
class FrontMatterDoc:
    """An article's file split: its front matter and its Markdown body."""

    meta: YamlDoc
    body: str
    body_line: int  # line number (1-based) of the first body line in the file


def split_front_matter(text: str, path: Path) -> FrontMatterDoc:
    """Split `---` YAML front matter from a Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise NotespressError(Problem(
            path, "no front matter: an article starts with a '---' line, "
                  "then 'title: ...', then '---'", 1))
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            meta = parse_yaml("\n".join(lines[1:index]), path, line_offset=1,
                              what="front matter")
            meta.first_line = 1  # a missing key is reported at the opening '---'
            return FrontMatterDoc(meta, "\n".join(lines[index + 1:]), index + 2)
    raise NotespressError(Problem(path, "front matter is never closed: add a '---' line "
                                        "after the last key", 1))
