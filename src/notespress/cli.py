"""The command line: parse options, call one function, turn a NotespressError into lines."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

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
    issue: Annotated[str | None, typer.Argument(help="The issue: a folder name under "
                                                "issues/ (issue-12), a path, or a number (12).")
                     ] = None,
    workspace: Workspace = None,
    html: Annotated[bool, typer.Option("--html", help="Also write the assembled HTML.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    edition: Annotated[str | None, typer.Option(
        "--edition", "-e", help="Editions to build, comma-separated: print, screen, booklet, "
        "grayscale (default: the 'editions' setting, else print,screen,booklet).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Build even when nothing has "
                                        "changed since the last build.")] = False,
    all_issues: Annotated[bool, typer.Option("--all", help="Build every issue whose inputs "
                                             "changed, in parallel.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Processes for --all "
                                             "(default: one per core).", min=1)] = None,
    site: Annotated[bool, typer.Option("--site", help="Then make the web edition "
                                       "(build/site/) too, as `notespress site` does.")
                    ] = False,
    debug: Debug = False,
) -> None:
    """Build the PDF editions of an issue into build/<issue>/.

    Nothing is done when nothing that affects the editions has changed since the last build.

    Example: notespress build issue-12 --edition print,booklet
    """
    from .build import build as run_build
    from .build import parse_editions

    if all_issues:
        if issue is not None:
            typer.echo(f"error: --all builds every issue: name no issue with it ('{issue}')",
                       err=True)
            raise typer.Exit(2)
        options = {"editions": _run(lambda: parse_editions(edition), debug),
                   "write_html": html, "strict": strict}
        _build_all(workspace, force, jobs, debug, options, site)
        return
    if issue is None:
        typer.echo("error: name an issue (e.g. issue-12), or use --all", err=True)
        raise typer.Exit(2)
    result = _run(lambda: run_build(_workspace(workspace), issue, write_html=html,
                                    strict=strict, editions=parse_editions(edition),
                                    force=force), debug)
    if result.up_to_date:
        typer.echo("up to date (nothing changed since the last build; --force to rebuild)")
    for warning in result.warnings:
        typer.echo(str(warning), err=True)
    if result.pad:
        typer.echo(f"added {result.pad} page{'s' if result.pad > 1 else ''} before the "
                   "platform to make a multiple of 4")
    for output in result.outputs:
        pages = f"  ({output.pages} pages)" if output.pages is not None else ""
        note = f"\n    {output.note}" if output.note else ""
        verb = "unchanged" if result.up_to_date else "wrote"
        typer.echo(f"{verb} {display_path(output.path)}{pages}{note}")
    if site:
        _make_site(workspace, False, False, None, debug)


def _build_all(workspace: Path | None, force: bool, jobs: int | None, debug: bool,
               options: dict[str, Any], site: bool = False) -> None:
    from .build import build_all

    root = _run(lambda: _workspace(workspace), debug)
    bar = typer.progressbar(length=0, label="building", file=sys.stderr)

    def progress(name: str, done: int, total: int) -> None:
        bar.length = total
        bar.update(1)
        typer.echo(f"  {name}", err=True)

    with bar:
        results = _run(lambda: build_all(root, force=force, jobs=jobs, progress=progress,
                                         **options), debug)
    failed = 0
    for name, outcome in results:
        if isinstance(outcome, NotespressError):
            failed += 1
            for problem in outcome.problems:
                typer.echo(f"error: {problem}", err=True)
        elif outcome.up_to_date:
            typer.echo(f"{name}: up to date")
        else:
            typer.echo(f"{name}: wrote {len(outcome.outputs)} file(s)")
    if site and not failed:  # (the PDFs were just built)
        _make_site(workspace, False, True, None, debug)
    raise typer.Exit(1 if failed else 0)


@app.command()
def site(
    workspace: Workspace = None,
    force: Annotated[bool, typer.Option("--force", help="Make every page again even when "
                                        "nothing has changed since the last build.")] = False,
    no_pdfs: Annotated[bool, typer.Option("--no-pdfs", help="Do not build the PDF editions "
                                          "first: take those the last builds left.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Processes for the PDF "
                                             "editions (default: one per core).", min=1)
                    ] = None,
    debug: Debug = False,
) -> None:
    """Make the web edition of every issue into build/site/.

    An index of the issues, a page per issue and per article, the platform, an Atom feed
    and a sitemap: static files to upload anywhere, or to open from disk. The PDF editions
    whose inputs changed are built first (their covers and downloads are on the site). Only
    the issues that changed are made again; with nothing changed, nothing is done.

    Example: notespress site
    """
    _make_site(workspace, force, no_pdfs, jobs, debug)


def _make_site(workspace: Path | None, force: bool, no_pdfs: bool, jobs: int | None,
               debug: bool) -> None:
    from .site import build_site

    bar = typer.progressbar(length=0, label="PDF editions", file=sys.stderr)

    def progress(name: str, done: int, total: int) -> None:
        bar.length = total
        bar.update(1)

    with bar:
        result = _run(lambda: build_site(_workspace(workspace), force=force, pdfs=not no_pdfs,
                                         jobs=jobs, progress=progress), debug)
    for warning in result.warnings:
        typer.echo(str(warning), err=True)
    if result.pdfs_built:
        typer.echo(f"PDF editions built: {', '.join(result.pdfs_built)}")
    where = display_path(result.folder)
    if result.up_to_date:
        typer.echo(f"{where}: up to date (nothing changed since the last build; --force "
                   "to make it again)")
        return
    made = f"; issues made again: {', '.join(result.rebuilt)}" if result.rebuilt else ""
    typer.echo(f"{where}: wrote {len(result.written)} file(s), {result.unchanged} unchanged, "
               f"{len(result.removed)} removed{made}")
    typer.echo(f"open {display_path(result.folder / 'index.html')}, or upload the folder")


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
def mail(
    issue: Annotated[str, typer.Argument(help="The issue, as for build.")],
    subscribers: Annotated[Path, typer.Option("--subscribers", "-s", help="CSV with a header "
                                              "row: email (required), name, lang.",
                                              dir_okay=False)],
    workspace: Workspace = None,
    send: Annotated[bool, typer.Option("--send", help="Really send (the default is a dry run "
                                       "that writes one .eml file per recipient).")] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="Send to the first N "
                                              "recipients not yet sent to.", min=1)] = None,
    to_self: Annotated[str | None, typer.Option("--to-self", help="Send one test message to "
                                                "this address only.")] = None,
    retry_unknown: Annotated[bool, typer.Option(
        "--retry-unknown", help="Send again to recipients whose message may or may not have "
        "arrived (the connection dropped after the message was sent).")] = False,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Send again to recipients refused before (5xx).")] = False,
    rate: Annotated[float | None, typer.Option("--rate", help="Messages per minute "
                                               "(default: mail.rate, else 60).")] = None,
    debug: Debug = False,
) -> None:
    """Email the screen edition to every subscriber, exactly once.

    A dry run by default: the messages are written to build/<issue>/mail/ as .eml files.
    With --send, they go through the SMTP server in notespress.yaml (mail:) or the
    NOTESPRESS_SMTP_* variables; the password comes from NOTESPRESS_SMTP_PASSWORD or a prompt.
    A send log makes a second run send only to those not yet sent to.

    Example: notespress mail issue-12 --subscribers subscribers.csv --send --limit 5
    """
    import getpass
    import os

    from .mail import distribute

    env = dict(os.environ)
    if rate is not None:
        env["NOTESPRESS_MAIL_RATE"] = str(rate)
    bar = None

    def progress(subscriber, state):
        if bar is not None:
            bar.update(1)
        if state not in ("sent", "already sent"):
            typer.echo(f"  {subscriber.email}: {state}", err=True)

    prompt = getpass.getpass if sys.stdin is not None and sys.stdin.isatty() else None

    def run():
        nonlocal bar
        root = _workspace(workspace)
        if send:
            from .mail import read_subscribers

            total = 1 if to_self else len(read_subscribers(subscribers).subscribers)
            bar = typer.progressbar(length=total, label="sending", file=sys.stderr)
            bar.__enter__()
        try:
            return distribute(root, issue, subscribers, send=send, limit=limit,
                              to_self=to_self, retry_unknown=retry_unknown,
                              retry_failed=retry_failed, progress=progress, prompt=prompt,
                              env=env)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)

    result = _run(run, debug)
    for problem in result.skipped:
        typer.echo(str(problem), err=True)
    how = "attached" if result.edition and result.edition.attach else "linked"
    if result.report is None:
        typer.echo(f"dry run: wrote {result.written} message(s) to "
                   f"{display_path(result.folder)} (PDF {how}); nothing was sent. "
                   "Add --send to send.")
        return
    report = result.report
    typer.echo(f"sent {len(report.sent)}, already sent before {report.skipped_sent}, "
               f"failed {len(report.failed)}, unknown {len(report.unknown)}, "
               f"deferred {len(report.deferred)}")
    for email, reason in report.failed:
        typer.echo(f"  failed: {email}: {reason}")
    for email in report.unknown:
        typer.echo(f"  unknown: {email}: may or may not have arrived; check with the "
                   "recipient, or send again with --retry-unknown")
    for email, reason in report.deferred:
        typer.echo(f"  deferred: {email}: {reason} (run again later)")
    if report.stopped:
        typer.echo(f"stopped: {report.stopped}")
    if report.failed or report.unknown or report.deferred or report.stopped:
        raise typer.Exit(1)


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
