"""The command line: parse options, call one function, turn a NotespressError into lines."""

from __future__ import annotations

import contextlib
import gc
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from .errors import NotespressError, display_path

if TYPE_CHECKING:  # the commands import what they use when they run: --help stays fast
    import datetime as dt

    from .build import BuildResult
    from .preview import State

app = typer.Typer(
    name="notespress",
    help="Turn a folder of Markdown articles into a newsletter to print, fold, staple and email.",
    no_args_is_help=True,
    add_completion=True,
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


def _run(action: Callable[[], T], debug: bool, kept: str = "") -> T:
    """Run a command's one call; report problems one per line (and `kept`, what was kept),
    exit non-zero on error. (--debug counts before the command's name too.)"""
    debug = debug or _DEBUG_BEFORE[0]
    try:
        return action()
    except NotespressError as exc:
        if debug:
            traceback.print_exc()
        for problem in exc.problems:
            typer.echo(f"error: {problem}" if problem.is_error else str(problem), err=True)
        if kept:
            typer.echo(kept, err=True)
        raise typer.Exit(1) from None
    except OSError as exc:  # the disk is full, a folder cannot be written...
        if debug:
            traceback.print_exc()
        from .files import write_error

        if exc.filename:
            typer.echo(f"error: {write_error(Path(exc.filename), exc)}", err=True)
        else:
            typer.echo(f"error: {exc.strerror or exc}", err=True)
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


# --debug given before the command's name: set by the app's callback, which runs first on
# every invocation (a one-item list rather than a global statement)
_DEBUG_BEFORE = [False]


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _workspace(workspace: Path | None) -> Path:
    from .config import find_workspace

    return find_workspace(workspace or Path.cwd())


def _workspace_for(workspace: Path | None, issue: str) -> Path:
    """The workspace, once the issue is known to be there (an unknown issue is one line that
    names the nearest ones)."""
    from .listing import issue_folder

    root = _workspace(workspace)
    issue_folder(root, issue)
    return root


def _complete_issue(incomplete: str) -> list[str]:
    """Shell completion of an issue argument: the issue folders of the workspace here."""
    from .config import find_workspace
    from .listing import find_issues

    try:
        root = find_workspace(Path.cwd())
    except NotespressError:
        return []
    return [i.name for i in find_issues(root) if i.name.startswith(incomplete)]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"notespress {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show notespress's version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error "
                                        "(for a bug report), whatever the command.")] = False,
) -> None:
    """Turn a folder of Markdown articles into a newsletter to print, fold, staple and email.

    Start with 'notespress init DIR', then 'notespress new', 'notespress import FILE',
    'notespress preview ISSUE', 'notespress build ISSUE'.
    """
    _DEBUG_BEFORE[0] = debug


@app.command()
def build(
    issue: Annotated[str | None, typer.Argument(help="The issue: a folder name under "
                                                "issues/ (issue-12), a path, or a number (12); "
                                                "the newest when none is named.",
                                                autocompletion=_complete_issue)] = None,
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

    with _collector_spared():
        _build(issue, workspace, html, strict, edition, force, all_issues, jobs, site, debug)


@contextlib.contextmanager
def _collector_spared() -> Iterator[None]:
    """A build command builds once and ends: what the build leaves is left to the collector's
    permanent generation rather than scanned once more on the way out (0.2 s at 16 pages)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _build(issue: str | None, workspace: Path | None, html: bool, strict: bool,
           edition: str | None, force: bool, all_issues: bool, jobs: int | None, site: bool,
           debug: bool) -> None:
    from . import api
    from .build import parse_editions

    if all_issues and issue is not None:
        _fail(f"--all builds every issue: name no issue with it ('{issue}')", 2)
    if not all_issues and issue is None:  # the newest issue, as `import` and `new article`
        from .listing import newest_issue

        issue = _run(lambda: newest_issue(_workspace(workspace)).name, debug)
        typer.echo(f"building {issue}, the newest issue (name another, or --all for every "
                   "issue)", err=True)
    options = _run(lambda: api.BuildOptions(editions=parse_editions(edition), html=html,
                                            strict=strict, force=force), debug)
    if all_issues:
        _build_all(workspace, options, jobs, debug, site)
        return
    assert issue is not None
    kept = ("error: --strict: nothing was replaced; build/ keeps the editions of the last "
            "good build") if strict else ""
    result = _run(lambda: api.build(_workspace(workspace), issue, options), debug, kept=kept)
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
    if result.issue is not None and result.sections:
        from .listing import built_article_table, format_article_table

        typer.echo(format_article_table(built_article_table(result.issue, result.sections)))
    if site:
        _make_site(workspace, False, False, None, debug)


def _build_all(workspace: Path | None, options: Any, jobs: int | None, debug: bool,
               site: bool = False) -> None:
    from . import api

    root = _run(lambda: _workspace(workspace), debug)
    with _progressbar(len(list((root / "issues").glob("*/issue.yaml"))), "building") as bar:

        def progress(name: str, done: int, total: int) -> None:
            bar.update(1)
            typer.echo(f"  {name}", err=True)

        results = _run(lambda: api.build_all(root, options, jobs=jobs, progress=progress),
                       debug)
    failed = 0
    for name, outcome in results:
        if isinstance(outcome, NotespressError):
            failed += 1
            for problem in outcome.problems:
                typer.echo(f"error: {problem}" if problem.is_error else str(problem), err=True)
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


class _NoBar:
    """A progress bar that shows nothing (output that is not a terminal: a log, a pipe)."""

    length = 0

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, steps: int) -> None:
        return None


def _progressbar(length: int, label: str, **options: Any) -> Any:
    """typer's progress bar on a terminal; nothing elsewhere (it printed its label alone)."""
    if not sys.stderr.isatty():
        return _NoBar()
    return typer.progressbar(length=length, label=label, file=sys.stderr, **options)


def _make_site(workspace: Path | None, force: bool, no_pdfs: bool, jobs: int | None,
               debug: bool) -> None:
    from .site import build_site

    bar = _progressbar(0, "PDF editions")

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
    issue: Annotated[str, typer.Argument(help="The issue, as for build.",
                                         autocompletion=_complete_issue)],
    workspace: Workspace = None,
    json_output: Annotated[bool, typer.Option("--json", help="Findings as JSON.")] = False,
    debug: Debug = False,
) -> None:
    """Preflight: build the editions and report what a print shop would send back.

    Missing glyphs, low-resolution or over-compressed pictures, content outside the safe area
    or overflowing its column, lone headings and widows, fonts not embedded, text lost in
    layout, a page count that is not a multiple of 4, a PDF that qpdf rejects. Exit status 1
    when an error (not a warning) is found. Then the typography report, page by page (notes:
    loose lines, hyphen ladders, short last lines, mostly empty pages, space above a column's
    first block), and its summary.

    Example: notespress check issue-12 --json
    """
    import json

    from . import api

    result = _run(lambda: api.check(_workspace(workspace), issue), debug)
    if json_output:
        typer.echo(json.dumps({"issue": result.issue.name, "errors": len(result.errors),
                               "warnings": len(result.warnings),
                               "notes": len(result.notes),
                               "findings": [f.as_dict() for f in result.findings]}, indent=2))
    else:  # (the issue's warnings are among the findings, as rule "content")
        for finding in result.findings:
            typer.echo(str(finding))
        typer.echo(f"{result.issue.name}: {len(result.errors)} error(s), "
                   f"{len(result.warnings)} warning(s), {len(result.notes)} typography "
                   "note(s)")
    raise typer.Exit(1 if result.errors else 0)


@app.command()
def mail(
    issue: Annotated[str, typer.Argument(help="The issue, as for build.",
                                         autocompletion=_complete_issue)],
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
            bar = stack.enter_context(_progressbar(
                total, "sending" if send else "writing", update_min_steps=max(1, total // 200)))

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
    """Create a new publication: notespress.yaml, a platform, a sample issue.

    The layouts and fonts come with notespress, so that the publication gets their
    improvements; put what you change in layouts/ (see 'notespress layouts').

    Example: notespress init ../red-notes --name "Red Notes" --page-size a4
    """
    from . import api

    created = _run(lambda: api.init(directory, name=name, lang=lang, page_size=page_size),
                   debug)
    typer.echo(f"created {display_path(created.root)} with sample issue "
               f"{created.sample_issue}")
    typer.echo(f"next: cd {display_path(created.root)} && notespress build "
               f"{created.sample_issue}")


layouts_app = typer.Typer(help="The layouts: which the publication changes, and copying one "
                          "to change it.", no_args_is_help=False, invoke_without_command=True)
app.add_typer(layouts_app, name="layouts")


@layouts_app.callback()
def layouts(
    context: typer.Context,
    workspace: Workspace = None,
    debug: Debug = False,
) -> None:
    """List the layouts and whether this publication changes each.

    Example: notespress layouts
    """
    if context.invoked_subcommand is not None:
        return
    from . import api

    states = _run(lambda: api.layouts(_workspace(workspace)), debug)
    words = {"default": "default", "copy": "copy of the default (prune removes it)",
             "old copy": "copy of an old default: the default is used (prune removes it)",
             "changed": "changed by this publication", "own": "this publication's own"}
    width = max((len(s.name) for s in states), default=10)
    for state in states:
        extra = "; the default changed since it was copied" if state.default_changed else ""
        typer.echo(f"{state.name:<{width}}  {words[state.state]}{extra}")


@layouts_app.command("copy")
def layouts_copy(
    name: Annotated[str, typer.Argument(help="The layout, e.g. article.html or "
                                        "strings/fr.yaml.")],
    workspace: Workspace = None,
    debug: Debug = False,
) -> None:
    """Copy a default layout into layouts/ to change it.

    Example: notespress layouts copy article.html
    """
    from . import api

    target = _run(lambda: api.copy_layout(_workspace(workspace), name), debug)
    typer.echo(f"copied to {display_path(target)}: edit it there; a build warns when the "
               "default changes after this copy")


@layouts_app.command("diff")
def layouts_diff(
    name: Annotated[str, typer.Argument(help="The layout, e.g. article.html.")],
    workspace: Workspace = None,
    debug: Debug = False,
) -> None:
    """Show how your copy of a layout differs from today's default.

    Example: notespress layouts diff article.html
    """
    from . import api

    typer.echo(_run(lambda: api.diff_layout(_workspace(workspace), name), debug), nl=False)


@layouts_app.command("prune")
def layouts_prune(workspace: Workspace = None, debug: Debug = False) -> None:
    """Remove copies of layouts and fonts that are the same as a default.

    Example: notespress layouts prune
    """
    from . import api

    removed = _run(lambda: api.prune_layouts(_workspace(workspace)), debug)
    for name in removed:
        typer.echo(f"removed {name} (the default serves)")
    if not removed:
        typer.echo("nothing to remove: every layout here is a change of the publication's")


IssueArgument = Annotated[str, typer.Argument(help="The issue, as for build.",
                                             autocompletion=_complete_issue)]
IssueOption = Annotated[
    str | None,
    typer.Option("--issue", "-i", help="The issue (default: the newest one).",
                 autocompletion=_complete_issue),
]


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Documents to import: .docx, .odt, "
                                                ".html, .rtf, or Markdown (.md) from "
                                                "Hugo, Jekyll or Pelican.", dir_okay=False)],
    issue: IssueOption = None,
    workspace: Workspace = None,
    debug: Debug = False,
) -> None:
    """Make contributors' documents articles of an issue.

    Each document becomes NN-title.md in the issue folder (the next number), with its title,
    author and language in the front matter, its pictures in the issue's images/ folder,
    footnotes, tables, lists and quotes kept. What could not be carried over (comments,
    tracked changes, text boxes, remote pictures) is listed with where it was.

    Example: notespress import ~/Downloads/strike-report.docx letter.odt --issue 13
    """
    from .importer import import_files, summarize_lost

    report = _run(lambda: import_files(_workspace(workspace), files, issue), debug)
    for item in report.imported:
        typer.echo(f"imported {display_path(item.source)} -> {display_path(item.article)}")
        origin = {"metadata": "from the document's properties",
                  "front matter": "from its front matter",
                  "first heading": "from its first heading",
                  "bold first line": "from its first line, in bold",
                  "file name": "from the file name: no title was found; change it in the "
                               "front matter"}.get(item.title_from, "")
        by = f", by {item.author}" if item.author else ", no author found"
        typer.echo(f"    title \"{item.title}\" ({origin}){by}, language {item.lang}")
        counts = [f"{len(item.pictures)} picture{'s' if len(item.pictures) != 1 else ''}",
                  f"{item.footnotes} footnote{'s' if item.footnotes != 1 else ''}",
                  f"{item.tables} table{'s' if item.tables != 1 else ''}"]
        typer.echo(f"    {', '.join(counts)}")
        if item.lost:
            typer.echo(f"    not carried over ({len(item.lost)}):")
            for line in summarize_lost(item.lost):
                typer.echo(f"      {line}")
        for problem in item.problems:
            typer.echo(f"    {problem}")
    if report.listed:
        typer.echo(f"added to the articles list in {display_path(report.issue / 'issue.yaml')}")
    typer.echo("next: read the new articles and fix what is listed above, then "
               f"'notespress preview {report.issue.name}'")


new_app = typer.Typer(invoke_without_command=True, no_args_is_help=False,
                      rich_markup_mode=None)
app.add_typer(new_app, name="new")


def _parse_date(value: str | None) -> dt.date | None:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date: write it as YYYY-MM-DD") from None


@new_app.callback()
def new(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help="The issue's date, YYYY-MM-DD "
                                             "(default: today).")] = None,
    title: Annotated[str, typer.Option("--title", help="The issue's title or theme.")] = "",
    workspace: Workspace = None,
    debug: Debug = False,
) -> None:
    """Create the next issue (or, with 'new article TITLE', an article of an issue).

    The next issue is issues/issue-N, N after the highest number, with its issue.yaml and a
    starter article.

    Example: notespress new --date 2026-12-15 --title "The winter ahead"
    """
    if ctx.invoked_subcommand is not None:
        return
    from .newissue import create_issue

    day = _parse_date(date)
    made = _run(lambda: create_issue(_workspace(workspace), date=day, title=title), debug)
    typer.echo(f"created {display_path(made.folder)} (No. {made.number}, "
               f"{made.date.isoformat()}) with a starter article {made.article.name}")
    typer.echo(f"next: write {display_path(made.article)}; add articles with "
               "'notespress new article \"Title\"' or 'notespress import FILE'; see the pages "
               f"with 'notespress preview {made.folder.name}'")


@new_app.command("article")
def new_article(
    title: Annotated[str, typer.Argument(help="The article's title.")],
    issue: IssueOption = None,
    author: Annotated[str, typer.Option("--author", help="The author's name.")] = "",
    lang: Annotated[str, typer.Option("--lang", help="The article's language, when not the "
                                      "issue's (fr, fa...).")] = "",
    workspace: Workspace = None,
    debug: Debug = False,
) -> None:
    """Add an article to an issue: NN-title.md with front matter, NN the next number.

    Example: notespress new article "Wildcat at the warehouse" --author "M. Okafor"
    """
    from .newissue import create_article

    made = _run(lambda: create_article(_workspace(workspace), title, issue, author=author,
                                       lang=lang), debug)
    listed = " (added to the articles list in issue.yaml)" if made.listed else ""
    typer.echo(f"created {display_path(made.path)}{listed}")
    typer.echo(f"next: write the article in {display_path(made.path)}, then "
               f"'notespress preview {made.issue.name}'")


@app.command("list")
def list_(
    issue: Annotated[str | None, typer.Argument(
        help="An issue: list its articles (words, pages, pictures, reading time) instead.",
        autocompletion=_complete_issue)] = None,
    workspace: Workspace = None,
    debug: Debug = False,
) -> None:
    """The issues as a table: number, date, title, articles, words, pages of the last build,
    and whether that build is up to date ('built'), out of date ('stale') or missing.

    Example: notespress list            (or: notespress list issue-12, for its articles)
    """
    from .listing import format_article_table, format_issue_table, issue_articles, list_issues

    if issue is None:
        rows = _run(lambda: list_issues(_workspace(workspace)), debug)
        if not rows:
            typer.echo("no issues yet: create one with 'notespress new'")
            return
        typer.echo(format_issue_table(rows))
        return
    articles = _run(lambda: issue_articles(_workspace(workspace), issue), debug)
    typer.echo(format_article_table(articles.rows))
    if articles.screen is None:
        typer.echo("(no pages: the issue has no screen edition built; "
                   f"'notespress build {articles.folder.name}')")


@app.command()
def preview(
    issue: IssueArgument,
    workspace: Workspace = None,
    port: Annotated[int, typer.Option("--port", "-p", help="The local port (0: any free "
                                      "one).", min=0, max=65535)] = 8765,
    host: Annotated[str, typer.Option("--host", help="The address to listen on. Only "
                                      "this computer can see the default; another address "
                                      "shows your pages to your network.")] = "127.0.0.1",
    dpi: Annotated[int, typer.Option("--dpi", help="Resolution of the page pictures.",
                                     min=30, max=300)] = 80,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in the "
                                               "browser.")] = False,
    debug: Debug = False,
) -> None:
    """See the pages while you edit: a local web page that updates after every save.

    The issue is laid out again after each change to its articles, pictures, the layouts,
    fonts, platform or notespress.yaml; only what changed is laid out and drawn again. When
    a change breaks something, the page shows the error and keeps the last good pages. The
    pages go to build/.preview/, never over the editions. Stop with Ctrl-C.

    Example: notespress preview issue-12 --open
    """
    import threading
    import time

    from .preview import start_preview

    def report(state: State) -> None:
        when = time.strftime("%H:%M:%S")
        if state.errors:
            typer.echo(f"{when} build {state.build}: the last good pages are kept:", err=True)
            for line in state.errors:
                typer.echo(f"  {line}", err=True)
        else:
            redo = " (page numbers being redone)" if state.provisional else ""
            typer.echo(f"{when} build {state.build}: {len(state.pages)} pages, "
                       f"{len(state.changed)} redrawn, {state.seconds:.2f} s "
                       f"({state.how}){redo}")

    running = _run(lambda: start_preview(_workspace_for(workspace, issue), issue, host=host,
                                         port=port, dpi=dpi, on_build=report), debug)
    typer.echo(f"preview of {issue} at {running.url}  (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(running.url)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.close()
        typer.echo("preview stopped")


@app.command()
def watch(
    issue: IssueArgument,
    workspace: Workspace = None,
    edition: Annotated[str | None, typer.Option(
        "--edition", "-e", help="Editions to build, as for build.")] = None,
    debug: Debug = False,
) -> None:
    """Build the issue now and again after every change, until Ctrl-C.

    The same build as 'notespress build' (the editions in build/<issue>/), in one process
    that keeps WeasyPrint and the fonts loaded. A build that fails keeps the last good PDFs.

    Example: notespress watch issue-12 -e screen
    """
    import time

    from .build import parse_editions
    from .preview import watch_builds

    def report(outcome: BuildResult | NotespressError) -> None:
        when = time.strftime("%H:%M:%S")
        if isinstance(outcome, NotespressError):
            typer.echo(f"{when} build failed, the last good PDFs are kept:", err=True)
            for problem in outcome.problems:
                typer.echo(f"  {problem}", err=True)
            return
        if outcome.up_to_date:
            typer.echo(f"{when} up to date")
            return
        for warning in outcome.warnings:
            typer.echo(f"  {warning}", err=True)
        made = ", ".join(f"{display_path(o.path)} ({o.pages} pages)" for o in outcome.outputs)
        typer.echo(f"{when} wrote {made}")

    editions = _run(lambda: parse_editions(edition), debug)
    root = _run(lambda: _workspace_for(workspace, issue), debug)
    typer.echo(f"watching {issue} (Ctrl-C to stop)")
    try:
        _run(lambda: watch_builds(root, issue, editions=editions, report=report), debug)
    except typer.Exit as exc:
        if exc.exit_code == 130:
            typer.echo("stopped")
            raise typer.Exit(0) from None
        raise


@app.command()
def proof(
    issue: IssueArgument,
    workspace: Workspace = None,
    force: Annotated[bool, typer.Option("--force", help="Build the editions again even "
                                        "when nothing changed.")] = False,
    debug: Debug = False,
) -> None:
    """A proof sheet for the editorial meeting: every page as reader spreads on one picture,
    where each article falls, and a table of the articles (words, pages, pictures, reading
    time). The issue is built first if it is not up to date.

    Example: notespress proof issue-12
    """
    from .listing import format_article_table
    from .proof import make_proof

    made = _run(lambda: make_proof(_workspace_for(workspace, issue), issue, force=force), debug)
    typer.echo(format_article_table(list(made.rows)))
    typer.echo(f"wrote {display_path(made.image)}  ({made.pages} pages)")


def main() -> None:
    """The `notespress` command."""
    app(prog_name="notespress")


if __name__ == "__main__":  # pragma: no cover
    main()
