"""notespress as a library: what the command line does, as functions over plain data.

    from pathlib import Path
    from notespress import api

    result = api.build(Path("my-publication"), "issue-12", api.BuildOptions(editions=("print",)))
    for output in result.outputs:
        print(output.kind, output.path, output.pages)

Every function takes the publication's folder (the one with notespress.yaml), the issue where
it needs one, and an options object; it returns a result object, and raises
`NotespressError` (whose `.problems` say what is wrong and where) for bad input. Nothing here
prints, exits or changes the process's state for good: the command line does that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .build import BuildOptions, BuildResult, Output
from .errors import NotespressError, Problem

if TYPE_CHECKING:
    from collections.abc import Callable

    from .content import Issue
    from .preflight import Finding
    from .scaffold import Created
    from .themes import LayoutState

__all__ = ["BuildOptions", "BuildResult", "CheckResult", "NotespressError", "Output", "Problem",
           "build", "build_all", "check", "copy_layout", "diff_layout", "find_workspace", "init",
           "layouts", "prune_layouts"]


def find_workspace(start: Path) -> Path:
    """The publication folder at or above `start` (the nearest with a notespress.yaml)."""
    from .config import find_workspace as find

    return find(start)


def build(workspace: Path, issue: str, options: BuildOptions | None = None) -> BuildResult:
    """Build the editions of `issue` (a folder name under issues/, a path, or a number) into
    build/<issue>/. Nothing is done when nothing changed since the last build."""
    from .build import build as run

    return run(workspace, issue, options or BuildOptions())


def build_all(workspace: Path, options: BuildOptions | None = None, *, jobs: int | None = None,
              progress: Callable[[str, int, int], None] | None = None
              ) -> list[tuple[str, BuildResult | NotespressError]]:
    """Every issue whose inputs changed, in parallel processes; each issue's result or error
    (an error in one issue does not stop the others)."""
    from .build import build_all as run

    return run(workspace, options, jobs=jobs, progress=progress)


@dataclass(frozen=True)
class CheckResult:
    """What `check` found: the issue, and every finding (errors first)."""

    issue: Issue
    findings: tuple[Finding, ...] = field(default=())

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def notes(self) -> list[Finding]:
        """The typography report (the last one sums it up)."""
        return [f for f in self.findings if f.severity == "note"]


def check(workspace: Path, issue: str) -> CheckResult:
    """Preflight: build the editions (the print edition among them) and report what a print
    shop would send back. When the issue's editions include the print edition, the check's
    build is the issue's build (the next `build` finds it up to date); otherwise nothing it
    makes is kept."""
    result = build(workspace, issue, BuildOptions(preflight=True))
    assert result.issue is not None  # a preflight build always reads the issue
    return CheckResult(issue=result.issue, findings=result.findings)


def init(directory: Path, *, name: str, lang: str = "en", page_size: str = "letter") -> Created:
    """A new publication in `directory` (new or empty): notespress.yaml, platform/, a sample
    issue, and a layouts/ folder for what it changes of the default layouts."""
    from .scaffold import init_workspace

    return init_workspace(directory, name=name, lang=lang, page_size=page_size)


def layouts(workspace: Path) -> list[LayoutState]:
    """Each default layout and whether the publication changes it."""
    from .themes import layout_states

    return layout_states(workspace)


def copy_layout(workspace: Path, name: str) -> Path:
    """Copy a default layout into the publication's layouts/ to change it."""
    from .themes import copy_layout as copy

    return copy(workspace, name)


def diff_layout(workspace: Path, name: str) -> str:
    """How the publication's copy of a layout differs from today's default."""
    from .themes import diff_layout as diff

    return diff(workspace, name)


def prune_layouts(workspace: Path) -> list[str]:
    """Remove the publication's copies of layouts and fonts that are the same as a default."""
    from .themes import prune_layouts as prune

    return prune(workspace)
