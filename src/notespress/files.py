"""Reading and writing files: one rule for what may be read, one way to write.

What may be read: a regular file whose real path (links followed) is inside the workspace (or
inside notespress's own layouts and fonts), and no larger than the limit for its kind. A FIFO,
a device or a socket is refused by name, so that a build never hangs on one; a link that leads
out of the workspace is refused, so that no outside file reaches a PDF.

How files are written: whole or not at all (a temporary file in the same folder, renamed
over the target), so that a crash or a full disk never leaves half a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import NotespressError, Problem

KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def is_inside(path: Path, *roots: Path) -> bool:
    """Whether `path`, links resolved, is inside one of `roots`."""
    real = path.resolve()
    return any(real.is_relative_to(root.resolve()) for root in roots)


def refusal(path: Path, *roots: Path) -> str | None:
    """Why `path` may not be read (outside the roots, not a regular file, missing), or None."""
    if roots and not is_inside(path, *roots):
        return "leads out of the workspace (a link to a file elsewhere?); copy the file in"
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "not found"
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if not stat.S_ISREG(mode):
        return f"is {KINDS.get(stat.S_IFMT(mode), 'not a regular file')}, not a file"
    return None


def read_bytes(path: Path, *roots: Path, limit: int | None = None, what: str = "file") -> bytes:
    """The bytes of a file that may be read (see `refusal`), at most `limit` of them; a
    NotespressError naming the file otherwise."""
    why = refusal(path, *roots)
    if why is not None:
        raise NotespressError(Problem(path, f"{what} {why}"))
    try:
        with open(path, "rb") as handle:
            data = handle.read(-1 if limit is None else limit + 1)
    except OSError as exc:
        raise NotespressError(Problem(path, f"cannot read {what}: {exc.strerror}")) from None
    if limit is not None and len(data) > limit:
        raise NotespressError(Problem(path, f"{what} is larger than {limit // 1_000_000} MB, "
                                            "the most notespress reads; split it or shrink it"))
    return data


def write_error(path: Path, exc: OSError) -> NotespressError:
    """An OSError met while writing `path`, said in one line with what to do."""
    if exc.errno == errno.ENOSPC:
        hint = "the disk is full: free some room and build again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "the folder cannot be written to: check its permissions"
    else:
        hint = exc.strerror or str(exc)
    return NotespressError(Problem(path.parent if exc.errno != errno.ENOSPC else path,
                                   f"cannot write {path.name}: {hint}"))


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`: write it in the block; it replaces `target` when the
    block ends without an error, and is removed otherwise."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o644)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(target: Path, data: bytes | str) -> None:
    """Write `data` to `target` whole or not at all."""
    with atomic_path(target) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
