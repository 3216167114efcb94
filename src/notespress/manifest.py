"""What a build was made from, so that a build with nothing changed costs nothing.

The manifest (build/<issue>/.manifest.json) holds a content hash of every input (notespress.yaml,
the platform, the issue folder, the layouts, the fonts), the versions of notespress and
WeasyPrint, the settings that change the output, and the editions written with their hashes;
and, apart, the hashes of the other files of the workspace the last build read (`read`).
File hashes are reused while a file's size and modification time are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .files import atomic_write, is_inside, refusal
from .resources import default_fonts, default_layouts

MANIFEST = ".manifest.json"
SUMS = "SHA256SUMS"


# the packages whose version changes what a build writes, by distribution and module name
PACKAGES = (("weasyprint", "weasyprint"), ("pydyf", "pydyf"), ("pypdf", "pypdf"),
            ("pillow", "PIL"), ("jinja2", "jinja2"), ("markdown-it-py", "markdown_it"),
            ("mdit-py-plugins", "mdit_py_plugins"))


def _versions() -> dict[str, str]:
    from importlib import metadata

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "none"

    return {"notespress": __version__, **{name: version(name) for name, _ in PACKAGES}}


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def files_under(folder: Path, *inside: Path) -> list[Path]:
    """Every regular file under `folder` that a build may read: through linked folders too
    (fontconfig and Jinja follow them) but, when `inside` is given, never out of those
    folders; not in hidden folders or Python's caches. A FIFO, device or socket is left out
    (it is never read: reading one could block forever); `refused_under` names them."""
    return [path for path, why in _walk(folder, inside) if why is None]


def refused_under(folder: Path, *inside: Path) -> list[tuple[Path, str]]:
    """The entries under `folder` that `files_under` leaves out, and why."""
    return [(path, why) for path, why in _walk(folder, inside) if why is not None]


def _walk(folder: Path, inside: tuple[Path, ...]) -> list[tuple[Path, str | None]]:
    if not folder.is_dir():
        return []
    found: list[tuple[Path, str | None]] = []
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:  # a link back to a folder already walked
            dirnames[:] = []
            continue
        seen.add(real)
        base = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name.startswith(".") or name == "__pycache__":
                continue
            if inside and not is_inside(base / name, *inside):
                found.append((base / name, "leads out of the workspace (a link to a folder "
                                           "elsewhere?); copy what it holds in"))
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = base / name
            found.append((path, refusal(path, *inside) if inside else _special(path)))
    return found


def _special(path: Path) -> str | None:
    why = refusal(path)
    return None if why == "not found" else why  # (a broken link: nothing to read)


def input_files(root: Path, issue_folder: Path) -> list[tuple[str, Path]]:
    """Every file the build of an issue may read, with a stable name."""
    named: list[tuple[str, Path]] = [("notespress.yaml", root / "notespress.yaml")]
    for label, folder, inside in (
            ("platform", root / "platform", (root,)), ("issue", issue_folder, (root,)),
            ("layouts", root / "layouts", (root,)), ("fonts", root / "fonts", (root,)),
            ("default-layouts", default_layouts(), ()),
            ("default-fonts", default_fonts(), ())):
        named += [(f"{label}/{p.relative_to(folder)}", p) for p in files_under(folder, *inside)
                  # (the web edition's layouts, layouts/site/, make no PDF)
                  if not (label.endswith("layouts") and p.relative_to(folder).parts[0] == "site")]
    named.append(("default-layouts/.history.json", default_layouts() / ".history.json"))
    # notespress's own code: a change to it without a new version number (a checkout of
    # the development tree, a patched install) changes what a build writes too
    package = Path(__file__).parent
    named += [(f"notespress/{p.name}", p) for p in sorted(package.glob("*.py"))]
    return named


def refused_inputs(root: Path, issue_folder: Path) -> list[tuple[Path, str]]:
    """What the workspace holds where a build reads and may not read: links out of it,
    FIFOs, devices, sockets."""
    return [found for folder in (root / "platform", issue_folder, root / "layouts",
                                 root / "fonts") for found in refused_under(folder, root)]


@dataclass
class Inputs:
    """The hashes of everything a build is made from."""

    digest: str  # everything that decides whether the outputs are up to date
    files: dict[str, list[Any]]  # name -> [size, mtime_ns, sha256]
    content: str = ""  # the same without the command's options: what the PDFs are made of


def hash_inputs(root: Path, issue_folder: Path, settings: dict[str, Any],
                previous: dict[str, list[Any]] | None = None) -> Inputs:
    """The hashes of every input of an issue's build (reusing `previous` records while a file's
    size and time are unchanged)."""
    previous = previous or {}
    files: dict[str, list[Any]] = {}
    total = hashlib.sha256()
    for name, path in input_files(root, issue_folder):
        record = _record(path, previous.get(name))
        if record is None:
            continue
        files[name] = record
        total.update(f"{name}\0{record[2]}\n".encode())
    options = {k: v for k, v in settings.items() if k != "source_date_epoch"}
    total.update(json.dumps({"source_date_epoch": settings.get("source_date_epoch", ""),
                             "versions": _versions()}, sort_keys=True).encode())
    content = total.hexdigest()
    digest = hashlib.sha256(f"{content}\n{json.dumps(options, sort_keys=True)}".encode())
    return Inputs(digest=digest.hexdigest(), files=files, content=content)


def read_records(root: Path, paths: list[Path],
                 previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The files besides `input_files` that a build read (a platform kept elsewhere in the
    workspace, a picture or stylesheet a layout or the platform points to), by name inside
    the workspace: [size, mtime_ns, sha256], or None for a file asked for and not found."""
    previous = previous or {}
    root = root.resolve()
    records: dict[str, Any] = {}
    for path in paths:
        path = path.resolve()
        if not path.is_relative_to(root) or refusal(path, root) not in (None, "not found"):
            continue  # notespress's own layouts and fonts, in the inputs already
        name = path.relative_to(root).as_posix()
        records[name] = _record(path, previous.get(name))
    return dict(sorted(records.items()))


def _record(path: Path, known: list[Any] | None) -> list[Any] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
        return known
    return [stat.st_size, stat.st_mtime_ns, sha256_file(path)]


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The last build's manifest; {} when there is none or it is not one (damaged, edited):
    the next build then does everything, and writes a good one."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not all(isinstance(data.get(key), kind) for key, kind in (
            ("digest", str), ("files", dict), ("outputs", list), ("pad", int),
            ("read", dict))):
        return {}
    outputs_ok = all(isinstance(o, dict) and isinstance(o.get("file"), str)
                     and isinstance(o.get("kind"), str) and isinstance(o.get("size"), int)
                     and isinstance(o.get("mtime_ns"), int) and isinstance(o.get("sha256"), str)
                     for o in data["outputs"])
    return data if outputs_ok else {}


def _sums(outputs: list[dict[str, Any]]) -> str:
    return "".join(f"{o['sha256']}  {o['file']}\n" for o in outputs)


def refresh(out_dir: Path, inputs: Inputs, manifest: dict[str, Any]) -> None:
    """After a build with nothing changed: remember the inputs' new times (a file touched, or
    checked out again, is then not read again next time) and put SHA256SUMS back if it was
    removed or damaged."""
    sums = _sums(manifest["outputs"])
    try:
        sums_ok = (out_dir / SUMS).read_text(encoding="utf-8") == sums
    except (OSError, ValueError):
        sums_ok = False
    try:  # (a folder that cannot be written to: the editions are there all the same)
        if not sums_ok:
            _write(out_dir / SUMS, sums)
        if manifest["files"] != inputs.files:
            _write(out_dir / MANIFEST, json.dumps({**manifest, "files": inputs.files},
                                                  indent=1, sort_keys=True) + "\n")
    except OSError:
        pass


def up_to_date(root: Path, out_dir: Path, manifest: dict[str, Any],
               inputs: Inputs) -> list[dict[str, Any]] | None:
    """The outputs `manifest` (as read_manifest gave it) records, if they were made from these
    inputs and are all still there."""
    outputs = manifest.get("outputs")
    if not outputs or manifest["digest"] != inputs.digest:
        return None
    for name, known in manifest["read"].items():
        if refusal(root / name, root) not in (None, "not found"):
            return None  # (an entry edited to name a file elsewhere, or a FIFO: read again)
        now = _record(root / name, known)
        if (now is None) != (known is None) or (now and now[2] != known[2]):
            return None
    for output in outputs:
        path = out_dir / output["file"]
        try:
            stat = path.stat()
        except OSError:
            return None
        changed = stat.st_size != output["size"] or stat.st_mtime_ns != output["mtime_ns"]
        if changed and sha256_file(path) != output["sha256"]:
            return None
    return outputs


def recorded_sections(manifest: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The first and last page of each article as the last build recorded them ({} when it
    did not)."""
    found = manifest.get("sections")
    if not isinstance(found, dict):
        return {}
    return {str(k): (int(v[0]), int(v[1])) for k, v in found.items()
            if isinstance(v, list) and len(v) == 2 and all(isinstance(n, int) for n in v)}


def output_record(path: Path, name: str, kind: str, pages: int | None, note: str
                  ) -> dict[str, Any]:
    """What the manifest records of one edition (`path` is where it is now; `name` the file
    name it is published under)."""
    stat = path.stat()
    return {"file": name, "kind": kind, "pages": pages, "note": note, "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns, "sha256": sha256_file(path)}


def manifest_text(inputs: Inputs, outputs: list[dict[str, Any]], pad: int = 0,
                  read: dict[str, Any] | None = None,
                  sections: dict[str, tuple[int, int]] | None = None,
                  settings: dict[str, Any] | None = None) -> str:
    """The manifest: the inputs' hashes, the editions written, the padding pages, the other
    files read, where each article falls (first and last page), and the build's settings
    (so that `list` can tell whether the editions are up to date)."""
    data = {"digest": inputs.digest, "files": inputs.files, "settings": settings or {},
            "outputs": sorted(outputs, key=lambda o: o["file"]), "pad": pad, "read": read or {},
            "sections": {k: list(v) for k, v in (sections or {}).items()}}
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def sums_text(outputs: list[dict[str, Any]]) -> str:
    """SHA256SUMS: one line per output, as `sha256sum -c` reads it."""
    return _sums(sorted(outputs, key=lambda o: o["file"]))


def _write(path: Path, text: str) -> None:
    atomic_write(path, text)
