"""Processes and the garbage collector: how a build uses the machine.

- `side_by_side(tasks, shared)`: run `function(shared, *args)` for each task, the last one
  in this process and each of the others in a forked copy of it (a laid-out WeasyPrint
  document cannot be pickled, but a forked process has it already), when the system forks
  and there are cores for it; one after another otherwise. `NOTESPRESS_SERIAL=1` asks for
  one after another.
- `gc_paused()`: the cyclic garbage collector off while a build makes millions of small
  objects that live until its end (it would scan them again and again for nothing, and in a
  forked process it would copy every page of memory it scans); as it was after.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from .errors import NotespressError, Problem

Task = tuple[Callable[..., Any], tuple[Any, ...]]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off in the block, and on again after if it was on before.
    (Reference counting still frees what can be freed.)"""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def can_fork(tasks: int) -> bool:
    """Whether `tasks` tasks can run side by side: forking is safe only in a process with no
    other threads (a server in the tests, say), and only on Linux (Windows does not fork; on
    macOS the system's libraries may not be used again in a forked process)."""
    return (1 < tasks <= (os.cpu_count() or 1) and threading.active_count() == 1
            and not os.environ.get("NOTESPRESS_SERIAL") and sys.platform.startswith("linux")
            and "fork" in multiprocessing.get_all_start_methods())


def side_by_side(tasks: list[Task], shared: Any) -> list[Any]:
    """Each task's result, in order; the first error raised (a NotespressError whole, any
    other with the child's traceback as a note)."""
    if not can_fork(len(tasks)):
        return [function(shared, *args) for function, args in tasks]
    context = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):  # or a child would write their buffers again
        stream.flush()
    children = []
    for function, args in tasks[:-1]:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(sender, function, shared, args),
                                daemon=True)
        child.start()
        sender.close()
        children.append((child, receiver))
    function, args = tasks[-1]
    try:
        last = function(shared, *args)
    finally:
        results = [_result_of(child, receiver) for child, receiver in children]
    outcomes = []
    for ok, value in results:
        if not ok:
            raise value
        outcomes.append(value)
    return [*outcomes, last]


def _child(sender: Any, function: Callable[..., Any], shared: Any, args: tuple[Any, ...]
           ) -> None:
    gc.disable()  # the child ends after its task: nothing to collect
    try:
        outcome: tuple[bool, Any] = (True, function(shared, *args))
    except BaseException as exc:  # sent to the parent, which raises it
        if not isinstance(exc, NotespressError):  # a bug: where it happened, for --debug
            import traceback

            exc.add_note(f"in a forked process:\n{traceback.format_exc()}")
        outcome = (False, exc)
    try:
        sender.send(outcome)
    except Exception:  # an exception that cannot be pickled: its words are sent
        error = outcome[1]
        sender.send((False, NotespressError(Problem(None, f"{type(error).__name__}: {error}"))))
    sender.close()


def _result_of(child: Any, receiver: Any) -> tuple[bool, Any]:
    try:
        outcome = receiver.recv()
    except EOFError:  # the process died without a word (killed, out of memory)
        outcome = None
    finally:
        receiver.close()
        child.join()
    if outcome is None:
        return (False, NotespressError(Problem(
            None, f"a notespress worker process ended with code {child.exitcode} (out of "
                  "memory?); NOTESPRESS_SERIAL=1 makes the build use one process")))
    return outcome
