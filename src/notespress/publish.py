"""The publish step: a build's editions, SHA256SUMS and manifest replace the last ones as a set.

Everything is first written whole into a staging folder inside build/<issue>/; nothing of the
last build is touched until every new file is complete. Then a journal listing the renames is
written (atomically), the renames are done, and the journal is removed. A build killed during
the renames leaves the journal behind: the next command that opens the folder (`open_folder`)
completes them before anything else, so the folder never stays a mix of two builds. Staging
folders left by killed builds are removed at the same time.

One build of an issue at a time: the folder is locked while a build writes to it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import NotespressError, Problem
from .files import atomic_write, write_error

JOURNAL = ".publishing.json"
LOCK = ".lock"
STAGING_PREFIX = ".notespress-"


@dataclass(frozen=True)
class Move:
    """One staged file and the name it is published under."""

    source: Path  # in the staging folder
    target: Path  # in build/<issue>/


def finish_interrupted(out_dir: Path) -> None:
    """Complete the renames of a build that was killed while publishing, and remove the
    staging folders killed builds left."""
    journal = out_dir / JOURNAL
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        plan = None
    if isinstance(plan, dict):
        for source, target in plan.get("moves", []):
            with contextlib.suppress(OSError):
                os.replace(out_dir / source, out_dir / target)
        for name in plan.get("remove", []):
            (out_dir / name).unlink(missing_ok=True)
    journal.unlink(missing_ok=True)
    for stale in out_dir.glob(f"{STAGING_PREFIX}*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def open_folder(out_dir: Path) -> Iterator[Path]:
    """build/<issue>/, locked for one build, with what an interrupted build left put right,
    and a new staging folder in it (removed at the end)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / LOCK, "a+")  # noqa: SIM115
    except OSError as exc:
        raise write_error(out_dir / LOCK, exc) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise NotespressError(Problem(out_dir, "another build of this issue is running; "
                                                   "wait for it to finish")) from None
        finish_interrupted(out_dir)
        import tempfile

        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
        except OSError as exc:
            raise write_error(out_dir / STAGING_PREFIX, exc) from None
        try:
            yield staging
        finally:  # (interrupted while publishing: the set is completed first)
            finish_interrupted(out_dir)


def publish(out_dir: Path, moves: list[Move], remove: list[str]) -> None:
    """Rename the staged files into place and remove the files of `remove` (names in
    `out_dir`), as one step that a later command completes if this one is killed."""
    removed = sorted(set(remove))
    plan = {"moves": [[m.source.relative_to(out_dir).as_posix(), m.target.name] for m in moves],
            "remove": removed}
    try:
        for move in moves:
            move.source.chmod(0o644)
        atomic_write(out_dir / JOURNAL, json.dumps(plan))
        for move in moves:
            os.replace(move.source, move.target)
        for name in removed:
            (out_dir / name).unlink(missing_ok=True)
        (out_dir / JOURNAL).unlink()
    except OSError as exc:
        raise write_error(out_dir / JOURNAL, exc) from None
