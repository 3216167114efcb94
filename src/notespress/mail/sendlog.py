"""The send log, build/<issue>/mail/send-log.jsonl, and the lock that lets one process at a
time send an issue.

The log is append-only JSON lines, each flushed and fsynced before the next step. A line
about a recipient has `email`, `state`, `detail` and `time`; the last line about a recipient
is their state:

  sending   about to be handed to the server; nothing went out yet (sent on the next run)
  data      being handed over: from here on it may arrive
  sent      the server took it (never sent again)
  failed    refused for good, 5xx (sent again only with --retry-failed)
  deferred  refused for now, 4xx, or the connection failed, after the retries (next run)
  unknown   the connection was lost after the message was handed over, before the server's
            answer: it may or may not have arrived (sent again only with --retry-unknown)

A recipient whose last line is `data` (the process was killed while handing over) is
unknown too. Lines about the run itself have `event` (started, stopped, finished) instead of
`email`.

The lock is an exclusive `flock` on send-log.jsonl.lock, taken before the log is read and
held until the run ends; the kernel releases it when the process ends, however it ends. The
lock file names the process holding it, for the message a second run gives.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from ..errors import NotespressError, Problem

UNKNOWN_STATES = ("data", "unknown")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SendLog:
    """The log of one issue's mailing (or of its test sends), locked for as long as it is
    open. With `history=False` earlier lines are not read: every test send goes out."""

    def __init__(self, path: Path, *, history: bool = True) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = _take_lock(path.with_name(path.name + ".lock"), path)
        except OSError as exc:
            raise NotespressError(Problem(path, f"cannot open the send log: {exc.strerror}; "
                                                "nothing was sent")) from None
        try:
            self.states: dict[str, str] = self._read() if history else {}
            self._handle = open(path, "a", encoding="utf-8")  # noqa: SIM115
            if self._handle.tell() and not _ends_with_newline(path):
                self._handle.write("\n")  # after a line cut short by a crash
        except OSError as exc:
            _release_lock(self._lock)
            raise NotespressError(Problem(path, f"cannot open the send log: {exc.strerror}; "
                                                "nothing was sent")) from None
        except BaseException:
            _release_lock(self._lock)
            raise

    def __enter__(self) -> SendLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _read(self) -> dict[str, str]:
        states: dict[str, str] = {}
        if not self.path.is_file():
            return states
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash
                if isinstance(entry, dict) and isinstance(entry.get("email"), str):
                    states[entry["email"].lower()] = str(entry.get("state"))
        return states

    def state(self, email: str) -> str | None:
        return self.states.get(email.lower())

    def record(self, email: str, state: str, detail: str = "") -> None:
        """A recipient's new state, on disk before this returns."""
        self._write({"email": email, "state": state, "detail": detail, "time": _now()})
        self.states[email.lower()] = state

    def note(self, event: str, detail: str = "") -> None:
        """A line about the run: started, stopped (and why), finished."""
        self._write({"event": event, "detail": detail, "time": _now(), "pid": os.getpid()})

    def _write(self, entry: dict[str, Any]) -> None:
        try:
            self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:  # a full disk, say: nothing more goes out without a record
            raise NotespressError(Problem(
                self.path, f"cannot write the send log ({exc.strerror}): sending stopped, so "
                           "that nothing is sent without a record; free some space and run "
                           "again (a message being sent just then is reported as unknown)")
            ) from None

    def close(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            _release_lock(self._lock)
            self._lock = None


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


# ------------------------------------------------------------------ the lock

_WINDOWS_LOCK_OFFSET = 1 << 30  # a byte far past the holder's details, which stay readable


def _take_lock(lock_path: Path, log_path: Path) -> int | None:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        held = _try_lock(fd)
    except OSError as exc:
        os.close(fd)
        raise NotespressError(Problem(lock_path, f"cannot lock the send log: {exc.strerror}; "
                                                 "is build/ on a network drive? Nothing was "
                                                 "sent")) from None
    if not held:
        holder = _holder(fd)
        os.close(fd)
        raise NotespressError(Problem(
            log_path, f"another notespress is sending this issue ({holder}): wait until it "
                      "ends or stop it, then run again (only those not yet sent to are "
                      "sent); this run sent nothing"))
    about = {"pid": os.getpid(), "host": socket.gethostname(),
             "since": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")}
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(about).encode())
    os.fsync(fd)
    return fd


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        about = json.loads(os.read(fd, 4096) or b"{}")
        return f"process {int(about['pid'])} on {about['host']}, since {about['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that is starting"


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - Windows has no flock
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def _release_lock(fd: int | None) -> None:
    if fd is None:
        return
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)  # the holder's details go before the lock
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    os.close(fd)  # releases the flock
