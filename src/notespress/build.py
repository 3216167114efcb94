"""`notespress build`: the issue read, assembled, laid out once, padded, written as editions,
checked, and published.

`build()` is one readable function of named steps, each a function over data objects:

    read -> assemble -> lay out -> pad -> write editions -> preflight -> publish

When nothing that affects the editions changed since the last build (the manifest says), it
does nothing at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .content import resolve_issue
from .errors import NotespressError, Problem
from .manifest import hash_inputs, read_manifest, recorded_sections, refresh, up_to_date
from .production import EDITIONS

if TYPE_CHECKING:  # the stages are imported when a build really runs: a build with nothing
    # changed, and `notespress --help`, stay fast
    from .assemble import Part
    from .config import Publication
    from .content import Assembled, Issue
    from .editions import Written
    from .preflight import Finding
    from .render import LaidOut



@dataclass(frozen=True)
class BuildOptions:
    """What to build, besides the workspace and the issue."""

    editions: tuple[str, ...] | None = None  # None: the issue's `editions` setting
    html: bool = False  # also write the assembled HTML
    strict: bool = False  # warnings are errors, and preflight's errors stop the build
    force: bool = False  # build even when nothing changed
    preflight: bool = False  # run the preflight checks on the new editions
    publish: bool = True  # replace the last editions (check may build without publishing)


@dataclass(frozen=True)
class Output:
    """A file a build wrote (or found up to date): an edition, or the assembled HTML."""

    path: Path
    kind: str  # print, screen, booklet, grayscale, html
    pages: int | None = None
    note: str = ""


@dataclass(frozen=True)
class BuildResult:
    """What a build did: the issue it read, the files written, warnings, padding, findings."""

    issue: Issue | None  # None when nothing had changed and nothing was read
    outputs: tuple[Output, ...]
    warnings: tuple[Problem, ...] = field(default=())
    pad: int = 0
    findings: tuple[Finding, ...] = field(default=())
    up_to_date: bool = False
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)  # slug -> pages

    def output(self, kind: str) -> Output:
        return next(o for o in self.outputs if o.kind == kind)


# ------------------------------------------------------------------ the build


def build(root: Path, issue_ref: str, options: BuildOptions | None = None, /,
          **keywords: Any) -> BuildResult:
    """Build the editions of an issue (options as a BuildOptions, or as its keywords)."""
    from .publish import JOURNAL

    options = options or BuildOptions(**keywords)
    root = root.resolve()
    epoch = source_date_epoch()
    folder = resolve_issue(root, issue_ref)
    out_dir = root / "build" / folder.name
    previous = read_manifest(out_dir)
    inputs = hash_inputs(root, folder, build_settings(options, epoch), previous.get("files"))
    if not (options.force or options.strict or options.preflight):
        cached = up_to_date(root, out_dir, previous, inputs)
        if cached and not (out_dir / JOURNAL).exists():
            refresh(out_dir, inputs, previous)
            return BuildResult(issue=None, up_to_date=True, outputs=tuple(
                Output(out_dir / o["file"], o["kind"], o.get("pages"), o.get("note", ""))
                for o in cached), sections=recorded_sections(previous))
    from .workers import gc_paused

    with gc_paused():  # millions of objects that live until the end: nothing to collect
        return _build(root, folder, out_dir, options, epoch, previous, inputs)


def _build(root: Path, folder: Path, out_dir: Path, options: BuildOptions, epoch: int | None,
           previous: dict[str, Any], inputs: Any) -> BuildResult:
    from .assemble import assemble, date_epoch, page_geometry
    from .editions import EditionPlan, write_editions
    from .pad import pad_pages
    from .publish import open_folder
    from .typography import is_rtl

    pub, issue = read(root, folder)
    _raise_errors(list(issue.warnings), options.strict)  # --strict: a warning stops here
    wanted = tuple(e for e in EDITIONS if e in (options.editions or issue.production.editions))
    publishing = options.publish
    if options.preflight and "print" not in wanted:  # preflight reads the print edition: a
        # build of other editions than the issue's is not kept
        wanted, publishing = tuple(e for e in EDITIONS if e in (*wanted, "print")), False
    # The padding pages are known only after layout: guessed from the last build (see pad.py).
    # Every edition has them, so that the screen edition has the same pages (and the
    # contents the same page numbers) whatever is built beside it.
    guess = int(previous.get("pad", 0))
    assembled = assemble(pub, issue, pad=guess, epoch=epoch)
    laid_out = lay_out(pub, assembled, options.strict)
    assembled, laid_out, pad = pad_pages(
        pub, issue, assembled, laid_out, guess,
        lambda p, i, n, part: _assemble_and_lay_out(p, i, n, part, epoch, options.strict))
    plan = EditionPlan(
        wanted=wanted, identifier=bytes.fromhex(inputs.content)[:16],  # not the clock's
        bleed=page_geometry(issue)["bleed"], creep_mm=issue.production.creep_mm(),
        rtl=is_rtl(issue.lang), date_epoch=date_epoch(issue, epoch),
        screen=screen_settings(issue, root))
    with open_folder(out_dir) as staging:
        written, problems = write_editions(laid_out, plan, staging)
        _raise_errors(problems, options.strict)
        if options.html:
            from .editions import Written

            (staging / "issue.html").write_text(assembled.html, encoding="utf-8")
            written.append(Written("html", staging / "issue.html", 0))
        findings: list[Finding] = []
        if options.strict or options.preflight:
            from .preflight import run_preflight

            findings = run_preflight(pub, issue, assembled, laid_out,
                                     {w.kind: w.path for w in written})
            errors = [f.as_problem() for f in findings if f.severity == "error"]
            if options.strict and errors:
                raise NotespressError(errors)
        sections = page_ranges(laid_out, issue, pad)
        outputs = (_publish(root, out_dir, pub, issue, written, previous, options, inputs, pad,
                            assembled, laid_out, sections)
                   if publishing else [])
    return BuildResult(issue=issue, outputs=tuple(outputs), pad=pad, findings=tuple(findings),
                       warnings=(*issue.warnings, *problems), sections=sections)


# ------------------------------------------------------------------ the steps


def read(root: Path, folder: Path) -> tuple[Publication, Issue]:
    """Read and validate the publication and the issue, reporting every problem at once."""
    from .config import load_publication
    from .content import load_issue
    from .manifest import refused_inputs
    from .themes import changed_defaults

    problems = [Problem(path, why) for path, why in refused_inputs(root, folder)]
    problems += changed_defaults(root)
    try:
        pub = load_publication(root)
    except NotespressError as exc:
        problems += exc.problems
        raise NotespressError(problems + _issue_problems(root, folder)) from None
    try:
        issue = load_issue(pub, folder)
    except NotespressError as exc:
        problems += exc.problems
    if any(p.is_error for p in problems):
        raise NotespressError(problems)
    from .glyphs import check_issue  # a character no font has, with its article and line

    problems += check_issue(issue, font_dirs(root), pub.platform_for(issue.lang))
    return pub, replace(issue, warnings=(*problems, *issue.warnings))


def _issue_problems(root: Path, folder: Path) -> list[Problem]:
    """The issue's own problems, when the publication's settings are broken too (so that an
    editor sees them all at once): checked against the default settings."""
    from .config import Contact, Publication
    from .content import load_issue

    stand_in = Publication(root=root, name="", publisher="", tagline="", lang="en",
                           page_size="letter", platform={}, contact=Contact(), price="")
    try:
        load_issue(stand_in, folder)
    except NotespressError as exc:
        return exc.problems
    return []


def load(root: Path, issue_ref: str) -> tuple[Publication, Issue]:
    """The publication and an issue, read and validated (for the commands besides build)."""
    root = root.resolve()
    return read(root, resolve_issue(root, issue_ref))


def font_dirs(root: Path) -> tuple[Path, ...]:
    """The font folders a build gives fontconfig: the publication's, then notespress's."""
    from .resources import default_fonts

    return tuple(d for d in (root / "fonts", default_fonts()) if d.is_dir())


def lay_out(pub: Publication, assembled: Assembled, strict: bool) -> LaidOut:
    """Lay out an assembled issue; its errors (and with `strict` its warnings) raised."""
    from .render import RenderSettings, render
    from .resources import default_fonts, default_layouts
    from .themes import passed_over

    root = pub.root
    laid_out = render(RenderSettings(
        html=assembled.html, base_url=assembled.base_url,
        allowed_roots=(root, default_layouts(), default_fonts()), font_dirs=font_dirs(root),
        passed_over_fonts=tuple(root / "fonts" / name
                                for name in sorted(passed_over(root, "fonts"))),
        hyphen_ladder=assembled.hyphen_ladder))
    _raise_errors(laid_out.problems, strict)
    return laid_out


def _assemble_and_lay_out(pub: Publication, issue: Issue, pad: int, part: Part,
                          epoch: int | None, strict: bool) -> tuple[Assembled, LaidOut]:
    from .assemble import assemble

    assembled = assemble(pub, issue, pad=pad, part=part, epoch=epoch)
    return assembled, lay_out(pub, assembled, strict)


def screen_settings(issue: Issue, root: Path) -> Any:
    """How the screen edition resamples the issue's pictures (editions.ScreenImages)."""
    from .editions import ScreenImages

    return ScreenImages(dpi=issue.production.screen_dpi,
                        jpeg_quality=issue.production.jpeg_quality, root=root,
                        files={ref.path.as_uri(): ref.path for ref in [
                            *(ref for article in issue.articles for ref in article.images),
                            *([issue.cover.picture] if issue.cover else [])]},
                        cache=root / "build" / ".cache" / "screen-pictures")


def page_ranges(laid_out: LaidOut, issue: Issue, pad: int = 0) -> dict[str, tuple[int, int]]:
    """The first and last page of each article and of the platform: an article ends on the
    page where the next begins, or on the page before when the next begins at the top of
    its page; the last one ends before the padding pages."""
    from .compat import page_box

    starts: dict[str, tuple[int, bool]] = {}  # name -> (page, begins at the top of it)
    for number, page in enumerate(laid_out.document.pages, start=1):
        top = page_box(page).content_box_y() + 2
        for name, (_, y, *_) in page.anchors.items():
            starts.setdefault(name, (number, y <= top))
    names = [a.slug for a in issue.articles] + ["platform"]
    found = [(n, *starts[n]) for n in names if n in starts]
    ranges = {}
    for index, (name, first, _) in enumerate(found):
        if index + 1 < len(found):
            following, at_top = found[index + 1][1], found[index + 1][2]
            if found[index + 1][0] == "platform" and pad:
                following, at_top = following - pad, True
            last = following - 1 if at_top else following
        else:
            last = laid_out.pages
        ranges[name] = (first, max(first, last))
    return ranges


def _publish(root: Path, out_dir: Path, pub: Publication, issue: Issue,
             written: list[Written], previous: dict[str, Any], options: BuildOptions,
             inputs: Any, pad: int, assembled: Assembled, laid_out: LaidOut,
             sections: dict[str, tuple[int, int]]) -> list[Output]:
    """The staged editions, SHA256SUMS and manifest in place of the last ones."""
    from .manifest import (
        MANIFEST,
        SUMS,
        manifest_text,
        output_record,
        read_records,
        sums_text,
    )
    from .publish import Move, publish

    stem = f"{pub.slug}-{issue.number}"
    outputs, moves, records = [], [], []
    for item in written:
        name = f"{stem}.html" if item.kind == "html" else f"{stem}-{item.kind}.pdf"
        outputs.append(Output(out_dir / name, item.kind, item.pages or None, item.note))
        moves.append(Move(item.path, out_dir / name))
        records.append(output_record(item.path, name, item.kind, item.pages or None, item.note))
    # An edition the last build wrote under another name (the publication's name or the
    # issue's number changed) is replaced by this one, not left beside it; one that the
    # issue's `editions` no longer lists goes (but not when `-e` asked for a few editions
    # only: the others stay as they were, and stay in the manifest)
    kinds = {o.kind for o in outputs}
    dropped = set(EDITIONS) - {o.kind for o in outputs} if options.editions is None else set()
    remove = [f"{stem}-{kind}.pdf" for kind in dropped]
    for old in previous.get("outputs", []):
        if old["kind"] in kinds or old["kind"] in dropped:
            if old["file"] not in {m.target.name for m in moves}:
                remove.append(Path(old["file"]).name)
        elif (out_dir / old["file"]).is_file():
            records.append(old)  # kept as it was
    read_files = [*laid_out.read, *([assembled.platform.path] if assembled.platform else [])]
    staging = written[0].path.parent if written else out_dir
    manifest = manifest_text(inputs, records, pad=pad, read=read_records(
        root, read_files, previous.get("read")), sections=sections,
        settings={"editions": list(options.editions or ()), "html": options.html})
    (staging / MANIFEST).write_text(manifest, encoding="utf-8")
    (staging / SUMS).write_text(sums_text(records), encoding="utf-8")
    moves += [Move(staging / MANIFEST, out_dir / MANIFEST), Move(staging / SUMS, out_dir / SUMS)]
    publish(out_dir, moves, remove)
    return outputs


def build_settings(options: BuildOptions, epoch: int | None) -> dict[str, object]:
    """Everything besides the input files that changes what a build writes."""
    editions = options.editions
    return {"editions": sorted(editions) if editions else "default", "html": options.html,
            "source_date_epoch": "" if epoch is None else str(epoch)}


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as set (None when unset). A value that is not a date is an error,
    not a reason to fall back quietly on another date: whoever set it wants that date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and int(value) < 253402300800):  # to 9999
        raise NotespressError(Problem(None, f"SOURCE_DATE_EPOCH: '{value[:40]}' is not a date "
                                            "(a whole number of seconds since 1970-01-01 "
                                            "UTC, such as 1767225600); unset it to use the "
                                            "issue's date"))
    return int(value)


def parse_editions(text: str | None) -> tuple[str, ...] | None:
    """`--edition print,booklet` as the editions' names (None for the default set)."""
    if not text:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in EDITIONS]
    if unknown:
        raise NotespressError(Problem(None, f"--edition: unknown edition {', '.join(unknown)} "
                                            f"(known: {', '.join(EDITIONS)})"))
    return tuple(e for e in EDITIONS if e in names)


def _raise_errors(problems: list[Problem], strict: bool) -> None:
    errors = [p for p in problems if p.is_error or strict]
    if errors:
        raise NotespressError(errors)


# ------------------------------------------------------------------ every issue


def _build_one(job: tuple[str, str, BuildOptions]
               ) -> tuple[str, BuildResult | NotespressError]:
    root, name, options = job
    try:
        return name, build(Path(root), name, options)
    except NotespressError as exc:
        return name, exc
    except Exception as exc:  # a bug: the other issues are still built and reported
        return name, NotespressError(Problem(
            Path(root) / "issues" / name, f"internal error: {type(exc).__name__}: {exc} "
            f"(`notespress build {name} --debug` shows where)"))


def build_all(root: Path, options: BuildOptions | None = None, *, jobs: int | None = None,
              progress: Callable[[str, int, int], None] | None = None
              ) -> list[tuple[str, BuildResult | NotespressError]]:
    """Every issue under issues/, the stale ones in parallel processes (one per core, each
    making its editions one after another); the options are those of `build`, for each."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from .content import issue_folders

    options = options or BuildOptions()
    root = root.resolve()
    names = [f.name for f in issue_folders(root)]
    if not names:
        raise NotespressError(Problem(root / "issues", "no issue folders (with an issue.yaml); "
                                                       "create one with 'notespress new'"))
    source_date_epoch()  # wrong for every issue alike: said once
    jobs = jobs or os.cpu_count() or 1
    results: dict[str, BuildResult | NotespressError] = {}
    if jobs == 1 or len(names) == 1:
        for index, name in enumerate(names, start=1):
            results[name] = _build_one((str(root), name, options))[1]
            if progress:
                progress(name, index, len(names))
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(names)),
                                 initializer=_one_process_each) as pool:
            futures = [pool.submit(_build_one, (str(root), name, options)) for name in names]
            for index, future in enumerate(as_completed(futures), start=1):
                name, outcome = future.result()
                results[name] = outcome
                if progress:
                    progress(name, index, len(names))
    return [(name, results[name]) for name in names]


def _one_process_each() -> None:
    os.environ["NOTESPRESS_SERIAL"] = "1"  # each worker already keeps a core busy
