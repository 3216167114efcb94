"""`notespress build`: read and validate, assemble, lay out once, write the editions."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble
from .config import Contact, Publication, load_publication
from .content import Issue, load_issue, resolve_issue
from .errors import NotespressError, Problem
from .render import RenderSettings, render, write_pdf
from .resources import default_fonts, default_layouts


@dataclass(frozen=True)
class Output:
    path: Path
    kind: str  # print, screen, html
    pages: int | None = None


@dataclass(frozen=True)
class BuildResult:
    issue: Issue
    outputs: tuple[Output, ...]
    warnings: tuple[Problem, ...] = field(default=())


def load(root: Path, issue_ref: str) -> tuple[Publication, Issue]:
    """Read and validate the publication and the issue, reporting every problem at once."""
    problems: list[Problem] = []
    try:
        pub = load_publication(root)
    except NotespressError as exc:
        problems.extend(exc.problems)
        pub = Publication(root=root, name="", publisher="", tagline="", lang="en",
                          page_size="letter", platform={}, contact=Contact(), price="")
    folder = resolve_issue(root, issue_ref)
    try:
        issue = load_issue(pub, folder)
    except NotespressError as exc:
        problems.extend(exc.problems)
    if problems:
        raise NotespressError(problems)
    return pub, issue


def output_stem(pub: Publication, issue: Issue) -> str:
    return f"{pub.slug}-{issue.number}"


def build(root: Path, issue_ref: str, *, write_html: bool = False,
          strict: bool = False) -> BuildResult:
    root = root.resolve()
    pub, issue = load(root, issue_ref)
    assembled = assemble(pub, issue)
    out_dir = root / "build" / issue.name
    stem = output_stem(pub, issue)
    outputs: list[Output] = []

    font_dirs = tuple(d for d in (root / "fonts", default_fonts()) if d.is_dir())
    settings = RenderSettings(
        html=assembled.html, base_url=assembled.base_url,
        allowed_roots=(root, default_layouts(), default_fonts()), font_dirs=font_dirs)
    rendered = render(settings)
    problems = list(rendered.problems)
    _raise_errors(problems, strict)

    identifier = hashlib.md5(assembled.html.encode(), usedforsecurity=False).digest()
    for kind, links in (("screen", True), ("print", False)):
        path = out_dir / f"{stem}-{kind}.pdf"
        problems += write_pdf(rendered, path, links=links, identifier=identifier)
        outputs.append(Output(path, kind, rendered.pages))
    _raise_errors(problems, strict)
    if write_html:
        html_path = out_dir / f"{stem}.html"
        _write_text_atomic(html_path, assembled.html)
        outputs.append(Output(html_path, "html"))
    warnings = tuple(issue.warnings) + tuple(problems)
    return BuildResult(issue=issue, outputs=tuple(outputs), warnings=warnings)


def _raise_errors(problems: list[Problem], strict: bool) -> None:
    errors = [p for p in problems if p.severity == "error" or strict]
    if errors:
        raise NotespressError(errors)


def _write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
