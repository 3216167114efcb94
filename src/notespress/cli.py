"""The command line: parse options, call one function, turn a NotespressError into lines."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from .errors import NotespressError, display_path

app = typer.Typer(
    name="notespress",
    help="Turn a folder of Markdown articles into a newsletter to print, fold, staple and email.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")

Debug = Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")]
Workspace = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="The publication's folder (default: the nearest "
                 "folder with a notespress.yaml, from the current one upward).",
                 file_okay=False),
]


def _run(action: Callable[[], T], debug: bool) -> T:
    """Run a command's one call; report problems one per line, exit non-zero on error."""
    try:
        return action()
    except NotespressError as exc:
        if debug:
            traceback.print_exc()
        for problem in exc.problems:
            typer.echo(f"error: {problem}" if problem.severity == "error" else str(problem),
                       err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:  # a bug in notespress or a library: say so in one line
        if debug:
            traceback.print_exc()
        else:
            typer.echo(f"error: internal error: {type(exc).__name__}: {exc} "
                       "(run again with --debug for the traceback)", err=True)
        raise typer.Exit(2) from None


def _workspace(workspace: Path | None) -> Path:
    from .config import find_workspace

    return find_workspace(workspace or Path.cwd())


@app.command()
def build(
    issue: Annotated[str, typer.Argument(help="The issue: a folder name under issues/ "
                                         "(issue-12), a path, or a number (12).")],
    workspace: Workspace = None,
    html: Annotated[bool, typer.Option("--html", help="Also write the assembled HTML.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    edition: Annotated[str | None, typer.Option(
        "--edition", "-e", help="Editions to build, comma-separated: print, screen, booklet, "
        "grayscale (default: the 'editions' setting, else print,screen,booklet).")] = None,
    debug: Debug = False,
) -> None:
    """Build the PDF editions of an issue into build/<issue>/.

    Example: notespress build issue-12 --edition print,booklet
    """
    from .build import build as run_build
    from .build import parse_editions

    result = _run(lambda: run_build(_workspace(workspace), issue, write_html=html,
                                    strict=strict, editions=parse_editions(edition)), debug)
    for warning in result.warnings:
        typer.echo(str(warning), err=True)
    if result.pad:
        typer.echo(f"added {result.pad} page{'s' if result.pad > 1 else ''} before the "
                   "platform to make a multiple of 4")
    for output in result.outputs:
        pages = f"  ({output.pages} pages)" if output.pages is not None else ""
        note = f"\n    {output.note}" if output.note else ""
        typer.echo(f"wrote {display_path(output.path)}{pages}{note}")


@app.command()
def check(
    issue: Annotated[str, typer.Argument(help="The issue, as for build.")],
    workspace: Workspace = None,
    json_output: Annotated[bool, typer.Option("--json", help="Findings as JSON.")] = False,
    debug: Debug = False,
) -> None:
    """Preflight: build the editions and report what a print shop would send back.

    Missing glyphs, low-resolution or over-compressed pictures, content outside the safe area
    or overflowing its column, lone headings and widows, fonts not embedded, text lost in
    layout, a page count that is not a multiple of 4, a PDF that qpdf rejects. Exit status 1
    when an error (not a warning) is found.

    Example: notespress check issue-12 --json
    """
    import json

    from .build import build as run_build

    def run():
        root = _workspace(workspace)
        from .build import load

        _, loaded = load(root, issue)
        editions = tuple(dict.fromkeys(("print", *loaded.production.editions)))
        return run_build(root, issue, editions=editions, preflight=True)

    result = _run(run, debug)
    findings = result.findings
    errors = [f for f in findings if f.severity == "error"]
    if json_output:
        typer.echo(json.dumps({"issue": result.issue.name,
                               "errors": len(errors),
                               "warnings": len(findings) - len(errors),
                               "findings": [f.as_dict() for f in findings]}, indent=2))
    else:
        for finding in findings:
            typer.echo(str(finding))
        typer.echo(f"{result.issue.name}: {len(errors)} error(s), "
                   f"{len(findings) - len(errors)} warning(s)")
    raise typer.Exit(1 if errors else 0)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create (must be new or empty).")],
    name: Annotated[str, typer.Option("--name", help="The publication's name.")],
    lang: Annotated[str, typer.Option("--lang", help="Default language code.")] = "en",
    page_size: Annotated[str, typer.Option("--page-size", help="letter or a4 (also "
                                           "half-letter, a5, tabloid).")] = "letter",
    debug: Debug = False,
) -> None:
    """Create a new publication: notespress.yaml, layouts, fonts, platform, a sample issue.

    Example: notespress init ../red-notes --name "Red Notes" --page-size a4
    """
    from .scaffold import init_workspace

    created = _run(lambda: init_workspace(directory, name=name, lang=lang,
                                          page_size=page_size), debug)
    typer.echo(f"created {display_path(created.root)} with sample issue "
               f"{created.sample_issue}")
    typer.echo(f"next: cd {display_path(created.root)} && notespress build "
               f"{created.sample_issue}")


def main() -> None:
    app(prog_name="notespress")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
