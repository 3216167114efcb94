"""How a build uses the machine: tasks side by side in forked processes, the collector paused
and given back as it was."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from notespress.errors import NotespressError, Problem
from notespress.workers import gc_paused, side_by_side


def _pid_task(shared: str, fail: str) -> tuple[str, int]:
    if fail == "problem":
        raise NotespressError(Problem(Path("issues/x/a.md"), "a problem in a child", 7))
    if fail == "die":
        os._exit(3)
    return shared, os.getpid()


def test_tasks_forked_report_back_their_results_and_errors() -> None:
    results = side_by_side([(_pid_task, ("",)), (_pid_task, ("",))], "shared")
    assert [shared for shared, _ in results] == ["shared", "shared"]
    if (os.cpu_count() or 1) > 1:  # the first in a forked process, the last in this one
        assert results[0][1] != os.getpid() and results[1][1] == os.getpid()
    with pytest.raises(NotespressError) as caught:
        side_by_side([(_pid_task, ("problem",)), (_pid_task, ("",))], "shared")
    assert str(caught.value) == "issues/x/a.md:7: a problem in a child"
    assert caught.value.problems[0].line == 7  # the problem whole, not its words
    if (os.cpu_count() or 1) > 1:
        with pytest.raises(NotespressError, match="ended with code 3"):
            side_by_side([(_pid_task, ("die",)), (_pid_task, ("",))], "shared")


def test_serial_when_asked(monkeypatch) -> None:
    monkeypatch.setenv("NOTESPRESS_SERIAL", "1")
    results = side_by_side([(_pid_task, ("",)), (_pid_task, ("",))], "shared")
    assert {pid for _, pid in results} == {os.getpid()}


def test_the_collector_is_given_back_as_it_was(mini: Path) -> None:
    """A library call leaves the collector as it found it: on stays on, off stays off, and
    nothing is left frozen."""
    from notespress.build import build

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    build(mini, "3", editions=("screen",))
    assert gc.isenabled() and gc.get_freeze_count() <= frozen  # nothing more frozen
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
