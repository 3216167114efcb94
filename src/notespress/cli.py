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
        _build_all(workspace, force, jobs, debug, options)
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


def _build_all(workspace: Path | None, force: bool, jobs: int | None, debug: bool,
               options: dict[str, Any]) -> None:
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
    raise typer.Exit(1 if failed else 0)


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
    insecure: Annotated[bool, typer.Option(
        "--insecure", help="Allow a login without TLS (security: none): only for a server "
        "on this machine or a network you trust.")] = False,
    debug: Debug = False,
) -> None:
    """Email the screen edition to every subscriber, exactly once.

    A dry run by default: the messages are written to build/<issue>/mail/ as .eml files.
    With --send, they go through the SMTP server in notespress.yaml (mail:) or the
    NOTESPRESS_SMTP_* variables; the password comes from NOTESPRESS_SMTP_PASSWORD or a prompt.
    A send log makes a second run send only to those not yet sent to; one run at a time.

    Example: notespress mail issue-12 --subscribers subscribers.csv --send --limit 5
    """
    import contextlib
    import getpass

    from .mail import distribute, printable

    prompt = getpass.getpass if sys.stdin is not None and sys.stdin.isatty() else None
    with contextlib.ExitStack() as stack:
        bar: Any = None

        def started(total: int) -> None:
            nonlocal bar
            bar = stack.enter_context(typer.progressbar(
                length=total, label="sending" if send else "writing", file=sys.stderr,
                update_min_steps=max(1, total // 200)))

        def progress(subscriber: Any, state: str) -> None:
            if bar is not None:
                bar.update(1)
            if state not in ("sent", "already sent", "written"):
                typer.echo(f"  {printable(subscriber.email)}: {state}", err=True)

        result = _run(lambda: distribute(
            _workspace(workspace), issue, subscribers, send=send, limit=limit,
            to_self=to_self, retry_unknown=retry_unknown, retry_failed=retry_failed,
            insecure=insecure, rate=rate, progress=progress, started=started, prompt=prompt),
            debug)
    for problem in result.warnings:
        typer.echo(printable(str(problem)), err=True)
    for problem in result.problems:
        typer.echo(f"error: {printable(str(problem))}", err=True)
    how = "attached" if result.pdf.attach else f"linked: {result.pdf.url}"
    if result.report is None:
        typer.echo(f"dry run: wrote {result.written} message(s) to "
                   f"{display_path(result.folder)} (PDF {how}); nothing was sent. "
                   "Add --send to send.")
        raise typer.Exit(1 if result.problems else 0)
    report = result.report
    typer.echo(f"sent {len(report.sent)}, already sent before {report.skipped_sent}, "
               f"failed {len(report.failed)}, unknown {len(report.unknown)}, "
               f"deferred {len(report.deferred)}")
    for email, reason in report.failed:
        typer.echo(f"  failed: {email}: {printable(reason)}")
    if report.skipped_failed:
        typer.echo(f"  refused before and not tried again: {len(report.skipped_failed)} "
                   "(--retry-failed to try them again)")
    for email in report.unknown:
        typer.echo(f"  unknown: {email}: may or may not have arrived; check with the "
                   "recipient, or send again with --retry-unknown")
    for email, reason in report.deferred:
        typer.echo(f"  deferred: {email}: {printable(reason)} (run again later)")
    if report.stopped:
        typer.echo(f"stopped: {report.stopped}")
    if (report.failed or report.unknown or report.deferred or report.stopped
            or result.problems):
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
