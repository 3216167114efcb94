"""Themes that upgrade: the default layouts and fonts come with notespress, and a workspace
holds only what it changes.

Lookup: a file in the workspace's ``layouts/`` comes first, the default after. A workspace
file that is byte for byte a default as notespress once shipped it (an untouched copy made by
an older ``notespress init``) is not a change: it is passed over, so that the publication gets
today's default. The hashes of every version of every default are kept in the defaults'
``layouts/.history.json`` (`python -m notespress.themes` adds the current ones; a test checks
that it was run). The same holds for font files in the workspace's ``fonts/``.

``notespress layouts copy NAME`` copies one default into the workspace to change it, and
records the default's hash in ``layouts/.copies.json``; a build then warns when the default
changed after it was copied, so that the editor can merge the change.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import NotespressError, Problem, warning
from .files import atomic_write
from .resources import default_fonts, default_layouts

HISTORY = ".history.json"
COPIES = ".copies.json"


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.lru_cache(maxsize=4)
def _history(defaults: Path, stamp: float) -> dict[str, frozenset[str]]:
    try:
        data = json.loads((defaults / HISTORY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {name: frozenset(hashes) for name, hashes in data.items()}


def history() -> dict[str, frozenset[str]]:
    """Every hash each default file ('layouts/article.html', 'fonts/lato/Lato-Bold.ttf') has
    had, the current one included."""
    base = default_layouts()
    try:
        stamp = (base / HISTORY).stat().st_mtime
    except OSError:
        stamp = 0.0
    return _history(base, stamp)


def _default_files() -> dict[str, Path]:
    """Every default layout and font by its name ('layouts/x', 'fonts/x')."""
    files = {}
    for label, folder in (("layouts", default_layouts()), ("fonts", default_fonts())):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and "__pycache__" not in path.parts:
                files[f"{label}/{path.relative_to(folder).as_posix()}"] = path
    return files


def record_history() -> int:
    """Add the current defaults' hashes to the history (for notespress's developers, after
    changing a default). Returns how many were new."""
    path = default_layouts() / HISTORY
    try:
        data: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    added = 0
    for name, file in _default_files().items():
        digest = _hash(file)
        if digest not in data.setdefault(name, []):
            data[name].append(digest)
            added += 1
    atomic_write(path, json.dumps(dict(sorted(data.items())), indent=1) + "\n")
    return added


@functools.lru_cache(maxsize=64)
def _passed_over(root: Path, kind: str, stamp: tuple[tuple[str, int, int], ...]
                 ) -> frozenset[str]:
    known = history()
    folder = root / kind
    passed = set()
    for name, _, _ in stamp:
        hashes = known.get(f"{kind}/{name}")
        if hashes and _hash(folder / name) in hashes:
            passed.add(name)
    return frozenset(passed)


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    entries = []
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                stat = path.stat()
                entries.append((path.relative_to(folder).as_posix(), stat.st_size,
                                stat.st_mtime_ns))
    return tuple(entries)


def passed_over(root: Path, kind: str = "layouts") -> frozenset[str]:
    """The workspace's files under `kind` (layouts or fonts) that are untouched copies of a
    default, by name relative to that folder: the defaults serve instead."""
    folder = root / kind
    default = default_layouts() if kind == "layouts" else default_fonts()
    if not folder.is_dir() or folder.resolve() == default.resolve():
        return frozenset()  # (the defaults themselves: the demo publication in a checkout)
    return _passed_over(root.resolve(), kind, _stamp(folder))


# ------------------------------------------------------------------ the `layouts` command


@dataclass(frozen=True)
class LayoutState:
    """A layout and whether the publication changes it."""

    name: str  # relative to layouts/
    state: str  # "default", "changed", "copy" (same as the default), "old copy" (passed over)
    default_changed: bool = False  # the default changed since it was copied


def layout_states(root: Path) -> list[LayoutState]:
    """Each default layout (and each layout of the workspace's own) and whether the
    publication changes it."""
    defaults = {p.relative_to(default_layouts()).as_posix(): p
                for p in sorted(default_layouts().rglob("*"))
                if p.is_file() and not p.name.startswith(".")}
    folder = root / "layouts"
    own = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
           if p.is_file() and not p.name.startswith(".") and p.name != "README.md"} \
        if folder.is_dir() else {}
    old = passed_over(root)
    copies = _copies(root)
    states = []
    for name in sorted({*defaults, *own}):
        if name not in own:
            states.append(LayoutState(name, "default"))
        elif name not in defaults:
            states.append(LayoutState(name, "own"))
        elif _hash(own[name]) == _hash(defaults[name]):
            states.append(LayoutState(name, "copy"))
        elif name in old:
            states.append(LayoutState(name, "old copy"))
        else:
            changed = name in copies and copies[name] != _hash(defaults[name])
            states.append(LayoutState(name, "changed", changed))
    return states


def _copies(root: Path) -> dict[str, str]:
    try:
        data = json.loads((root / "layouts" / COPIES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def copy_layout(root: Path, name: str) -> Path:
    """Copy the default layout `name` into the workspace's layouts/ to change it."""
    source = default_layouts() / name
    if not source.is_file() or not source.resolve().is_relative_to(default_layouts().resolve()):
        names = [s.name for s in layout_states(root)]
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else \
            " ('notespress layouts' lists them)"
        raise NotespressError(Problem(None, f"no default layout '{name}'{hint}"))
    target = root / "layouts" / name
    if target.exists() and name not in passed_over(root):
        raise NotespressError(Problem(target, "already exists: the publication changes it "
                                              "already; remove it first to copy it again"))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    copies = _copies(root)
    copies[name] = _hash(source)
    atomic_write(root / "layouts" / COPIES, json.dumps(dict(sorted(copies.items())), indent=1)
                 + "\n")
    return target


def prune_layouts(root: Path) -> list[str]:
    """Remove the workspace's layouts and fonts that are copies of a default (as today or as
    it once was): the defaults serve instead. Returns what was removed."""
    removed = []
    for state in layout_states(root):
        if state.state in ("copy", "old copy"):
            (root / "layouts" / state.name).unlink()
            removed.append(f"layouts/{state.name}")
    fonts = root / "fonts"
    for name in sorted(passed_over(root, "fonts")):
        (fonts / name).unlink()
        removed.append(f"fonts/{name}")
    for folder in (root / "layouts", fonts):  # folders left empty (but a licence) go too
        for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
            rest = [p for p in sub.iterdir() if p.name not in ("OFL.txt", "LICENSE.txt")]
            if not rest:
                shutil.rmtree(sub)
    return removed


def changed_defaults(root: Path) -> list[Problem]:
    """A warning for each layout copied to be changed whose default changed since."""
    return [warning(root / "layouts" / s.name,
                    "the default layout changed since this copy was made: compare them "
                    f"('notespress layouts diff {s.name}') and merge what you want")
            for s in layout_states(root) if s.default_changed]


def diff_layout(root: Path, name: str) -> str:
    """The differences between the default layout `name` and the workspace's copy."""
    own, default = root / "layouts" / name, default_layouts() / name
    if not own.is_file() or not default.is_file():
        raise NotespressError(Problem(None, f"'{name}' is not both a default layout and a "
                                            "layout of this publication"))
    return "".join(difflib.unified_diff(
        default.read_text(encoding="utf-8").splitlines(keepends=True),
        own.read_text(encoding="utf-8").splitlines(keepends=True),
        f"default/{name}", f"layouts/{name}"))


if __name__ == "__main__":  # pragma: no cover
    print(f"{record_history()} new hash(es) recorded in {default_layouts() / HISTORY}")
