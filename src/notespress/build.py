"""`notespress build`: read and validate, assemble, lay out once, write the editions."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .content import resolve_issue
from .errors import NotespressError, Problem
from .manifest import (
    Inputs,
    hash_inputs,
    read_manifest,
    read_records,
    refresh,
    up_to_date,
    write_manifest,
)
from .production import EDITIONS

if TYPE_CHECKING:  # the stages are imported when a build really runs: a build with nothing
    # changed, and `notespress --help`, stay fast
    from .config import Publication
    from .content import Assembled, Issue
    from .editions import ScreenImages
    from .preflight import Finding
    from .render import Rendered

NEEDS_FOUR = {"print", "booklet", "grayscale"}


@dataclass(frozen=True)
class Output:
    path: Path
    kind: str  # print, screen, booklet, grayscale, html
    pages: int | None = None
    note: str = ""


@dataclass(frozen=True)
class BuildResult:
    issue: Issue | None  # None when nothing had changed and nothing was read
    outputs: tuple[Output, ...]
    warnings: tuple[Problem, ...] = field(default=())
    pad: int = 0
    findings: tuple[Finding, ...] = field(default=())
    up_to_date: bool = False

    def output(self, kind: str) -> Output:
        return next(o for o in self.outputs if o.kind == kind)


def load(root: Path, issue_ref: str) -> tuple[Publication, Issue]:
    """Read and validate the publication and the issue, reporting every problem at once."""
    from .config import Contact, Publication, load_publication
    from .content import load_issue

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


def parse_editions(text: str | None) -> tuple[str, ...] | None:
    if not text:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in EDITIONS]
    if unknown:
        raise NotespressError(Problem(None, f"--edition: unknown edition {', '.join(unknown)} "
                                            f"(known: {', '.join(EDITIONS)})"))
    return tuple(e for e in EDITIONS if e in names)


def font_dirs(root: Path) -> tuple[Path, ...]:
    from .resources import default_fonts

    return tuple(d for d in (root / "fonts", default_fonts()) if d.is_dir())


def lay_out(pub: Publication, issue: Issue, pad: int, strict: bool,
            assembled: Assembled | None = None, **part: Any) -> tuple[Assembled, Rendered]:
    """Assemble the issue (unless given `assembled`) and lay it out."""
    from .render import RenderSettings, render
    from .resources import default_fonts, default_layouts

    if assembled is None:
        from .assemble import assemble

        assembled = assemble(pub, issue, pad=pad, **part)
    root = pub.root
    settings = RenderSettings(
        html=assembled.html, base_url=assembled.base_url,
        allowed_roots=(root, default_layouts(), default_fonts()), font_dirs=font_dirs(root))
    rendered = render(settings)
    _raise_errors(rendered.problems, strict)
    return assembled, rendered


def repad(pub: Publication, issue: Issue, rendered: Rendered, guess: int, pad: int,
          strict: bool) -> tuple[Assembled, Rendered] | None:
    """The laid-out issue with `pad` padding pages instead of `guess`, laying out again only
    what they move: the back (padding, platform, colophon) and the cover, whose contents give
    the platform's page. The articles' pages are kept. None when this cannot be done safely
    (a publication's own layouts, no platform), and the caller lays the issue out again."""
    from .assemble import assemble, layouts_lay_out_parts
    from .render import Rendered as RenderedDocument

    pages = rendered.document.pages
    where = {name: index for index, page in reversed(list(enumerate(pages)))
             for name in page.anchors}
    if "platform" not in where or not layouts_lay_out_parts(pub.root):
        return None
    front = where["platform"] - guess  # the cover and the articles
    back_pages = len(pages) - where["platform"]
    if front < 1 or any(where.get(a.slug, front) >= front for a in issue.articles):
        return None
    toc = {a.slug: where[a.slug] + 1 for a in issue.articles}
    toc["platform"] = front + pad + 1
    _, back = lay_out(pub, issue, pad, strict, part="back", first_page=front + 1)
    if back.pages != pad + back_pages:
        return None
    # Only the cover's contents change. The cover alone (and one block of the lead article)
    # is laid out, and put in place of the old one on the first page, when it fills the
    # same space; else, of the lead article, what fits on the cover page and one block more
    # (so that the page breaks where it did), checked against the first layout.
    _, cover = lay_out(pub, issue, pad, strict, part="cover", toc_pages=toc, lead_blocks=1)
    first_page = _with_cover_of(pages[0], cover.document.pages[0])
    if first_page is None:
        on_cover = _lead_blocks_on_first_page(rendered, issue)
        _, cover = lay_out(pub, issue, pad, strict, part="cover", toc_pages=toc,
                           lead_blocks=on_cover + 1 if on_cover else None)
        first_page = cover.document.pages[0]
        if (set(first_page.anchors) != set(pages[0].anchors)
                or _page_signature(first_page) != _page_signature(pages[0])):
            return None
    document = rendered.document.copy([first_page, *pages[1:front], *back.document.pages])
    problems = rendered.problems + cover.problems + back.problems
    read = tuple(dict.fromkeys(rendered.read + cover.read + back.read))
    return assemble(pub, issue, pad=pad), RenderedDocument(document=document,
                                                           problems=problems, read=read)


def _with_cover_of(page: Any, cover_page: Any) -> Any:
    """`page` (the first page) with the cover section of `cover_page` in place of its own, or
    None when the two sections do not fill the same space (or are not where expected)."""
    from weasyprint.document import Page

    def path_to_cover(page_box: Any) -> list[Any] | None:
        path = [page_box]
        for tag in ("html", "body"):
            found = [c for c in path[-1].children if c.element_tag == tag]
            if len(found) != 1:
                return None
            path.append(found[0])
        covers = [c for c in path[-1].children if "cover" in _classes(c)]
        return [*path, covers[0]] if len(covers) == 1 else None

    old, new = path_to_cover(page._page_box), path_to_cover(cover_page._page_box)
    if old is None or new is None:
        return None
    place = [(b.position_x, b.position_y, b.margin_width(), b.margin_height())
             for b in (old[-1], new[-1])]
    if place[0] != place[1]:
        return None
    replacement = new[-1]
    for parent, child in zip(reversed(old[:-1]), reversed(old[1:]), strict=True):
        box = parent.copy()  # (not copy_with_children, which changes the old box)
        box.children = [replacement if c is child else c for c in parent.children]
        replacement = box
    return Page(replacement)


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def _lead_blocks_on_first_page(rendered: Rendered, issue: Issue) -> int | None:
    """How many of the lead article's top-level blocks are (at least partly) on page 1."""
    from .preflight import walk_boxes

    boxes = [box for box, _ in walk_boxes(rendered.document.pages[0]._page_box)]
    body = next((b.element for b in boxes if "article-body" in _classes(b)), None)
    if body is None or not issue.articles:
        return None
    blocks = list(body)
    if len(blocks) != len(issue.articles[0].block_ends):
        return None
    seen = {id(getattr(b, "element", None)) for b in boxes}
    shown = [index for index, block in enumerate(blocks) if id(block) in seen]
    return shown[-1] + 1 if shown else None


def _page_signature(page: Any) -> list[tuple[str, str, int, int]]:
    """The text on a page and where it stands, without the contents' page numbers and
    leaders (generated after the links)."""
    from .preflight import walk_boxes

    return [(box.element_tag, box.text, round(box.position_x), round(box.position_y))
            for box, _ in walk_boxes(page._page_box)
            if hasattr(box, "text") and not str(box.element_tag).endswith("::after")]


def build_settings(editions: Iterable[str] | None, write_html: bool) -> dict[str, object]:
    """Everything besides the input files that changes what a build writes."""
    return {"editions": sorted(editions) if editions else "default", "html": write_html,
            "source_date_epoch": source_date_epoch()}


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH as set ('' when unset). A value that is not a date is an error, not
    a reason to fall back quietly on another date: whoever set it wants that date."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return ""
    if not (value.isascii() and value.isdigit() and int(value) < 253402300800):  # to 9999
        raise NotespressError(Problem(None, f"SOURCE_DATE_EPOCH: '{value}' is not a date "
                                            "(a whole number of seconds since 1970-01-01 "
                                            "UTC, such as 1767225600); unset it to use the "
                                            "issue's date"))
    return str(int(value))  # 017 and 17 are the same date


def build(root: Path, issue_ref: str, *, write_html: bool = False, strict: bool = False,
          editions: Iterable[str] | None = None, preflight: bool = False,
          force: bool = False) -> BuildResult:
    """Build the editions of an issue. With `strict` or `preflight`, the preflight checks run
    on the new editions before they replace the old ones; `strict` stops on their errors.
    When nothing that affects the outputs has changed, nothing is done (unless `force`)."""
    root = root.resolve()
    editions = tuple(editions) if editions else None
    folder = resolve_issue(root, issue_ref)
    out_dir = root / "build" / folder.name
    previous = read_manifest(out_dir)
    inputs = hash_inputs(root, folder, build_settings(editions, write_html),
                         previous.get("files"))
    if not (force or strict or preflight):
        cached = up_to_date(root, out_dir, previous, inputs)
        if cached:
            refresh(out_dir, inputs, previous)
            return BuildResult(issue=None, up_to_date=True, outputs=tuple(
                Output(out_dir / o["file"], o["kind"], o.get("pages"), o.get("note", ""))
                for o in cached))
    from .render import no_cyclic_gc

    with no_cyclic_gc():  # from the reading to the last edition written
        return _build(root, issue_ref, out_dir, previous, inputs, editions=editions,
                      write_html=write_html, strict=strict, preflight=preflight)


def _build(root: Path, issue_ref: str, out_dir: Path, previous: dict[str, Any],
           inputs: Inputs, *, editions: tuple[str, ...] | None, write_html: bool,
           strict: bool, preflight: bool) -> BuildResult:
    from .typography import is_rtl

    # Reading, checking and assembling the issue need none of WeasyPrint, which takes longer
    # to import than they take: with a core to spare, they are done side by side.
    last_pad = int(previous.get("pad", 0))
    prepared, _ = _run_tasks([(_prepare, (root, issue_ref, editions, last_pad)),
                              (_import_renderer, ())], None)
    pub, issue, wanted, guess = prepared.pub, prepared.issue, prepared.wanted, prepared.guess
    four = bool(NEEDS_FOUR & set(wanted))
    findings: list[Finding] = []
    assembled, rendered = lay_out(pub, issue, guess, strict, assembled=prepared.assembled)
    pad = (-(rendered.pages - guess) % 4) if four else 0
    if pad != guess:
        redone = repad(pub, issue, rendered, guess, pad, strict)
        if redone is not None:
            assembled, rendered = redone
        else:
            assembled, rendered = lay_out(pub, issue, pad, strict)
        if four and rendered.pages % 4:
            raise NotespressError(Problem(issue.folder, f"could not pad the issue to a multiple "
                                          f"of 4 pages ({rendered.pages} pages with {pad} "
                                          "added): check the layouts' padding.html"))
    problems = list(rendered.problems)

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = output_stem(pub, issue)
    geometry = prepared.geometry
    html = assembled.html
    # from the inputs' content, not the clock, nor the command's options
    identifier = bytes.fromhex(inputs.content)[:16]
    outputs: list[Output] = []
    with tempfile.TemporaryDirectory(prefix=".notespress-", dir=out_dir) as tmp_name:
        tmp = Path(tmp_name)
        staged: list[tuple[Path, Output]] = []

        def stage(kind: str, path: Path, pages: int | None, note: str = "") -> None:
            staged.append((path, Output(out_dir / f"{stem}-{kind}.pdf", kind, pages, note)))

        # Each edition is written from the one laid-out document, independently of the
        # others: with more than one core, side by side in forked processes.
        tasks: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
        if {"print", "booklet", "grayscale"} & set(wanted):
            tasks.append((_print_task, (tmp, identifier, geometry["bleed"], wanted,
                                        issue.production.creep_mm(), is_rtl(issue.lang))))
        if "screen" in wanted:
            tasks.append((_screen_task, (tmp / "screen.pdf", identifier, issue, pub.root)))
        made_all = _run_tasks(tasks, rendered)
        for _, written in made_all:
            problems += [p for p in written if p not in problems]
        _raise_errors(problems, strict)
        for made, _ in made_all:
            for kind, path, pages, note in made:
                stage(kind, path, pages, note)
        if write_html:
            html_path = tmp / "issue.html"
            html_path.write_text(html, encoding="utf-8")
            staged.append((html_path, Output(out_dir / f"{stem}.html", "html")))
        if strict or preflight:
            findings = run_preflight(pub, issue, assembled, rendered,
                                     {o.kind: path for path, o in staged})
            if strict and any(f.severity == "error" for f in findings):
                raise NotespressError([Problem(None, str(f)) for f in findings
                                       if f.severity == "error"])
        # Every edition is ready: only now replace the previous ones.
        for path, output in staged:
            path.chmod(0o644)
            os.replace(path, output.path)
            outputs.append(output)
        # An edition the last build wrote under another name (the publication's name or the
        # issue's number changed) is replaced by this one, not left beside it; and one that
        # the issue's `editions` no longer lists goes (but not when `-e` asked for a few
        # editions only: the others stay as they were)
        written = {(o.kind, o.path.name) for o in outputs}
        kinds = {o.kind for o in outputs}
        dropped = set(EDITIONS) - set(wanted) if editions is None else set()
        for old in previous.get("outputs", []):
            if ((old["kind"] in kinds and (old["kind"], old["file"]) not in written)
                    or old["kind"] in dropped):
                (out_dir / Path(old["file"]).name).unlink(missing_ok=True)
        for kind in dropped:  # (also when a build with `-e` left it out of the manifest)
            (out_dir / f"{stem}-{kind}.pdf").unlink(missing_ok=True)
    read = [*rendered.read, *([assembled.platform.path] if assembled.platform else [])]
    write_manifest(out_dir, inputs, [{"file": o.path.name, "kind": o.kind, "pages": o.pages,
                                      "note": o.note} for o in outputs], pad=pad,
                   read=read_records(root, read, previous.get("read")))
    warnings = tuple(issue.warnings) + tuple(problems)
    return BuildResult(issue=issue, outputs=tuple(outputs), warnings=warnings, pad=pad,
                       findings=tuple(findings))


@dataclass(frozen=True)
class Prepared:
    """The issue read, checked and assembled, ready to be laid out."""

    pub: Publication
    issue: Issue
    wanted: tuple[str, ...]  # the editions to make
    guess: int  # padding pages assembled
    assembled: Assembled
    geometry: dict[str, Any]


def _prepare(_: None, root: Path, issue_ref: str, editions: tuple[str, ...] | None,
             last_pad: int) -> Prepared:
    from .assemble import assemble, page_geometry

    pub, issue = load(root, issue_ref)
    issue = _with_glyph_warnings(issue, pub)
    wanted = tuple(e for e in EDITIONS if e in (editions or issue.production.editions))
    # The padding pages (before the platform) depend on the page count, known only after
    # layout. Guess it from the last build: after an edit the count rarely changes, and then
    # the issue is laid out once. Each padding page is one page, so one layout tells the
    # count without them, and a wrong guess costs one more layout (see repad).
    guess = last_pad if NEEDS_FOUR & set(wanted) else 0
    return Prepared(pub=pub, issue=issue, wanted=wanted, guess=guess,
                    assembled=assemble(pub, issue, pad=guess), geometry=page_geometry(issue))


def _with_glyph_warnings(issue: Issue, pub: Publication) -> Issue:
    """The issue, with a warning for each character of its articles (and platform) that no
    font has."""
    from dataclasses import replace

    from .glyphs import check_issue

    found = check_issue(issue, font_dirs(pub.root), pub.platform_for(issue.lang))
    return replace(issue, warnings=issue.warnings + tuple(found))


def _import_renderer(_: None) -> None:
    # pypdf too, for the booklet: the process that makes it is forked from this one, and
    # would otherwise import it on the way to the last edition
    import pypdf  # noqa: F401
    import weasyprint  # noqa: F401

    from . import render  # noqa: F401


def run_preflight(pub: Publication, issue: Issue, assembled: Assembled, rendered: Rendered,
                  outputs: dict[str, Path]) -> list[Finding]:
    """Every preflight rule, on the laid-out document and the finished editions."""
    from .preflight import (
        Context,
        Finding,
        check_fonts,
        check_layout,
        check_page_counts,
        check_qpdf,
        check_text,
        font_coverage,
        markup_findings,
        section_paths,
    )

    platform = assembled.platform
    sections = section_paths(issue, platform.path if platform else None)
    images = {ref.path.as_uri(): (ref.width, ref.height)
              for article in issue.articles for ref in article.images}
    context = Context(root=pub.root, sections=sections, fonts=font_coverage(font_dirs(pub.root)),
                      image_px=images)
    findings = check_layout(rendered.document, context)
    if platform is not None and platform.lang != issue.lang:
        findings.append(Finding("warning", "platform-language",
                                f"no platform in '{issue.lang}': the '{platform.lang}' platform "
                                f"is printed (add {issue.lang}: platform/{issue.lang}.md under "
                                "platform in notespress.yaml)", sections.get("platform")))
    html_sections = [(a.slug, sections[a.slug], a.html) for a in issue.articles]
    if platform:
        html_sections.append(("platform", sections["platform"], platform.html))
    main = outputs.get("print") or outputs.get("screen")
    if main is not None:
        findings += check_text(main, html_sections)
    for kind, path in outputs.items():
        if path.suffix == ".pdf":
            findings += check_fonts(path, kind)
            findings += check_qpdf(path, kind)
    findings += check_page_counts(outputs, rendered.pages)
    findings += markup_findings(issue.warnings)
    order = {"error": 0, "warning": 1}
    return sorted(findings, key=lambda f: (order.get(f.severity, 2), f.page or 0))


# what a task made, as (kind, file, page count, note), and the problems it met
Made = tuple[list[tuple[str, Path, int, str]], list[Problem]]


def _print_task(rendered: Rendered, tmp: Path, identifier: bytes, bleed: float,
                wanted: tuple[str, ...], creep_mm: float, rtl: bool) -> Made:
    """The print edition, and what derives from it: the booklet and the grayscale edition."""
    from .editions import make_grayscale, print_finisher
    from .impose import impose
    from .render import write_pdf

    printed = tmp / "print.pdf"
    # Tags serve readers on screens (the screen edition has them); a printer needs none.
    problems = write_pdf(rendered, printed, identifier=identifier, tags=False,
                         finisher=print_finisher(bleed))
    pages = rendered.pages
    made = [("print", printed, pages, "")] if "print" in wanted else []
    if "booklet" in wanted:
        sheets = impose(printed, tmp / "booklet.pdf", creep_mm=creep_mm, rtl=rtl)
        made.append(("booklet", tmp / "booklet.pdf", 2 * sheets,
                     f"{sheets} sheet{'s' if sheets > 1 else ''}: print double-sided, flip on "
                     "short edge, then fold and staple"))
    if "grayscale" in wanted:
        make_grayscale(printed, tmp / "grayscale.pdf")
        made.append(("grayscale", tmp / "grayscale.pdf", pages, ""))
    return made, problems


def _screen_task(rendered: Rendered, target: Path, identifier: bytes, issue: Issue,
                 root: Path) -> Made:
    from .editions import screen_finisher, screen_pictures
    from .render import write_pdf

    with screen_pictures(screen_images(issue, rendered, root)):
        problems = write_pdf(rendered, target, identifier=identifier, tags=True,
                             finisher=screen_finisher())
    return [("screen", target, rendered.pages, "")], problems


def _run_tasks(tasks: list[tuple[Callable[..., Any], tuple[Any, ...]]], shared: Any
               ) -> list[Any]:
    """Run `function(shared, *args)` for each task; when there are cores for it, side by side:
    the last in this process, each of the others in a forked process that inherits `shared`
    (a laid-out document cannot be pickled) and sends back what it made."""
    import multiprocessing
    import threading

    # forking is safe only in a process with no other threads (a server in the tests, say),
    # and only on Linux (Windows does not fork; on macOS the system's libraries may not be
    # used again in a forked process)
    if (len(tasks) < 2 or len(tasks) > (os.cpu_count() or 1) or threading.active_count() > 1
            or os.environ.get("NOTESPRESS_SERIAL") or not sys.platform.startswith("linux")
            or "fork" not in multiprocessing.get_all_start_methods()):
        return [function(shared, *args) for function, args in tasks]
    context = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):  # or a child would write their buffers again
        stream.flush()
    children = []
    for function, args in tasks[:-1]:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_forked_task, args=(sender, function, shared, args),
                                daemon=True)
        child.start()
        sender.close()
        children.append((child, receiver))
    function, args = tasks[-1]
    try:
        last = function(shared, *args)
    finally:
        results = [_forked_result(child, receiver) for child, receiver in children]
    outcomes = []
    for ok, value in results:
        if not ok:
            raise value
        outcomes.append(value)
    return [*outcomes, last]


def _forked_task(sender: Any, function: Callable[..., Any], shared: Any,
                 args: tuple[Any, ...]) -> None:
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


def _forked_result(child: Any, receiver: Any) -> tuple[bool, Any]:
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


def screen_images(issue: Issue, rendered: Rendered, root: Path) -> ScreenImages:
    """Each picture of the issue, the widest it is printed, and its file: what the screen
    edition needs to resample it."""
    from .editions import ScreenImages
    from .preflight import CSS_PX_PER_IN, walk_boxes
    from .render import real_uri

    files = {ref.path.as_uri(): ref.path for article in issue.articles
             for ref in article.images}
    printed: dict[str, tuple[float, Path]] = {}
    for page in rendered.document.pages:
        for box, _ in walk_boxes(page._page_box):
            image, element = getattr(box, "replacement", None), getattr(box, "element", None)
            if image is None or element is None or not hasattr(image, "mode"):
                continue  # not a raster picture (an SVG drawing, say)
            path = files.get(real_uri(element.get("src", ""), root))
            if path is not None:
                inches = max(box.width / CSS_PX_PER_IN, printed.get(image.id, (0.0, path))[0])
                printed[image.id] = (inches, path)
    return ScreenImages(dpi=issue.production.screen_dpi,
                        jpeg_quality=issue.production.jpeg_quality, printed=printed,
                        cache=root / "build" / ".cache" / "screen-pictures")


def _build_one(job: tuple[str, str, dict[str, Any]]) -> tuple[str, BuildResult | NotespressError]:
    root, name, options = job
    try:
        return name, build(Path(root), name, **options)
    except NotespressError as exc:
        return name, exc
    except Exception as exc:  # a bug: the other issues are still built and reported
        return name, NotespressError(Problem(
            Path(root) / "issues" / name, f"internal error: {type(exc).__name__}: {exc} "
            f"(`notespress build {name} --debug` shows where)"))


def build_all(root: Path, *, force: bool = False, jobs: int | None = None,
              progress: Callable[[str, int, int], None] | None = None,
              editions: Iterable[str] | None = None, write_html: bool = False,
              strict: bool = False) -> list[tuple[str, BuildResult | NotespressError]]:
    """Every issue under issues/, the stale ones in parallel processes; the options are those
    of `build`, for each issue."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    root = root.resolve()
    names = sorted(p.parent.name for p in (root / "issues").glob("*/issue.yaml"))
    if not names:
        raise NotespressError(Problem(root / "issues", "no issue folders (with an issue.yaml)"))
    source_date_epoch()  # wrong for every issue alike: said once
    options = {"force": force, "editions": tuple(editions) if editions else None,
               "write_html": write_html, "strict": strict}
    jobs = jobs or os.cpu_count() or 1
    results: dict[str, BuildResult | NotespressError] = {}
    if jobs == 1 or len(names) == 1:
        for index, name in enumerate(names, start=1):
            results[name] = _build_one((str(root), name, options))[1]
            if progress:
                progress(name, index, len(names))
    else:
        # each worker already keeps a core busy: its editions are made one after another
        with ProcessPoolExecutor(max_workers=min(jobs, len(names)),
                                 initializer=_serial_editions) as pool:
            futures = [pool.submit(_build_one, (str(root), name, options)) for name in names]
            for index, future in enumerate(as_completed(futures), start=1):
                name, outcome = future.result()
                results[name] = outcome
                if progress:
                    progress(name, index, len(names))
    return [(name, results[name]) for name in names]


def _serial_editions() -> None:
    os.environ["NOTESPRESS_SERIAL"] = "1"


def _raise_errors(problems: list[Problem], strict: bool) -> None:
    errors = [p for p in problems if p.severity == "error" or strict]
    if errors:
        raise NotespressError(errors)
