"""What the site is made from, whether it changed, and writing only the files that did.

The manifest (build/.cache/site/manifest.json) holds, for each issue, a digest of its inputs
(the publication, the platform, the issue folder, the layouts and fonts, notespress's code,
the libraries' versions, its PDFs), the card the index and the feed show of it, and the files
its pages are; and, for every file of the site, its size, time and hash. An issue whose
digest is the one recorded, and whose files are as they were written, is not read again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import adapters
from .model import Files

MANIFEST = "manifest.json"
FORMAT = 1  # the manifest's and the site's layout: a new value means a full build


@dataclass
class IssueState:
    digest: str
    inputs: dict[str, Any]  # file records, passed back to reuse the hashes
    pdfs: dict[str, Any]


@dataclass
class State:
    digest: str
    issues: dict[str, IssueState] = field(default_factory=dict)


def read_manifest(cache: Path) -> dict[str, Any]:
    """The last site build's manifest; {} when there is none, or it is not one (the next build
    then makes everything, and writes a good one)."""
    try:
        data = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if (not isinstance(data, dict) or data.get("format") != FORMAT
            or not isinstance(data.get("digest"), str) or not isinstance(data.get("issues"), dict)
            or not isinstance(data.get("files"), dict)):
        return {}
    return data


def code_digest() -> str:
    """The web edition's own code (the rest of notespress is in every issue's inputs)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def layouts_digest(root: Path, hashes: Any) -> str:
    """The web edition's own layouts (layouts/site/ of the workspace and of notespress), which
    the PDFs' inputs leave out."""
    digest = hashlib.sha256()
    for number, folder in enumerate(adapters.layout_dirs(root)):
        base = folder / "site"
        for path in sorted(base.rglob("*")) if base.is_dir() else []:
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(base).parts):
                digest.update(f"{number}/{path.relative_to(base).as_posix()}\0"
                              f"{hashes(path)}\n".encode())
    return digest.hexdigest()


def inputs_state(root: Path, names: list[str], pdfs: dict[str, list[adapters.Pdf]],
                 previous: dict[str, Any], settings: dict[str, Any]) -> State:
    issues: dict[str, IssueState] = {}
    code = code_digest()
    whole = hashlib.sha256(json.dumps({"format": FORMAT, "code": code, **settings},
                                      sort_keys=True).encode())
    for name in names:
        known = previous.get("issues", {}).get(name, {})
        content, inputs = adapters.issue_inputs(root, root / "issues" / name,
                                                known.get("inputs"))
        records = adapters.file_records(root, [p.path for p in pdfs.get(name, [])],
                                        known.get("pdfs"))
        pages = {p.kind: [p.path.name, p.pages] for p in pdfs.get(name, [])}
        digest = hashlib.sha256(json.dumps(
            {"content": content, "code": code, "format": FORMAT, "settings": settings,
             "pdfs": {n: r[2] if r else None for n, r in records.items()}, "pages": pages},
            sort_keys=True).encode()).hexdigest()
        issues[name] = IssueState(digest=digest, inputs=inputs, pdfs=records)
        whole.update(f"{name}\0{digest}\n".encode())
    return State(digest=whole.hexdigest(), issues=issues)


def intact(folder: Path, records: dict[str, Any], paths: list[str] | None = None) -> bool:
    """Whether the files recorded (or those of `paths`) are still as they were written."""
    for path in records if paths is None else paths:
        record = records.get(path)
        if record is None:
            return False
        try:
            stat = (folder / path).stat()
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (record[0], record[1]) and (
                stat.st_size != record[0] or adapters.sha256_file(folder / path) != record[2]):
            return False
    return True


@dataclass
class Written:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    records: dict[str, Any] = field(default_factory=dict)


def write_files(folder: Path, files: Files, kept: dict[str, Any],
                previous: dict[str, Any]) -> Written:
    """Write the site's files that are new or changed (each whole, through a temporary file),
    leave the others alone, and remove the files nobody makes any more. `kept` are the
    records of files left as they were (the pages of issues that did not change)."""
    done = Written(records=dict(kept))
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(files):
        data = files[path].read()
        digest = hashlib.sha256(data).hexdigest()
        target = folder / path
        record = previous.get(path)
        try:
            stat = target.stat()
        except OSError:
            stat = None
        if stat is not None and stat.st_size == len(data) and (
                (record and (record[1], record[2]) == (stat.st_mtime_ns, digest))
                or target.read_bytes() == data):
            done.unchanged += 1
            done.records[path] = [stat.st_size, stat.st_mtime_ns, digest]
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        temporary.chmod(0o644)
        os.replace(temporary, target)
        stat = target.stat()
        done.records[path] = [stat.st_size, stat.st_mtime_ns, digest]
        done.written.append(path)
    made = set(done.records)
    for dirpath, _, filenames in os.walk(folder, topdown=False):
        here = Path(dirpath)
        for name in filenames:
            relative = (here / name).relative_to(folder).as_posix()
            if relative not in made:
                (here / name).unlink()
                done.removed.append(relative)
        if here != folder and not any(here.iterdir()):
            here.rmdir()
    done.removed.sort()
    return done


def write_manifest(cache: Path, state: State, cards: dict[str, dict[str, Any]],
                   issue_files: dict[str, list[str]], records: dict[str, Any],
                   hashes: dict[str, Any]) -> None:
    data = {"format": FORMAT, "digest": state.digest, "hashes": hashes,
            "issues": {name: {"digest": s.digest, "inputs": s.inputs, "pdfs": s.pdfs,
                              "card": cards[name], "files": sorted(issue_files[name])}
                       for name, s in state.issues.items()},
            "files": dict(sorted(records.items()))}
    cache.mkdir(parents=True, exist_ok=True)
    temporary = cache / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, cache / MANIFEST)
