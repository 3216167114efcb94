"""The one place where the editor's commands (import, list, preview, watch, proof) call the
build. Everything they need of it goes through the functions below, so that a change in the
build's interface is made here and nowhere else.

Nothing here imports WeasyPrint at module level: `list` must stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import BuildResult
    from .config import Publication
    from .content import Assembled, Issue
    from .errors import Problem
    from .render import LaidOut


def build_editions(root: Path, issue_ref: str, *, editions: Iterable[str] | None = None,
                   force: bool = False) -> BuildResult:
    """Build an issue's editions into build/<issue>/, as `notespress build` does."""
    from .build import BuildOptions, build

    return build(root, issue_ref, BuildOptions(editions=tuple(editions) if editions else None,
                                               force=force))


def load(root: Path, issue_ref: str) -> tuple[Publication, Issue]:
    """Read and validate the publication and the issue (every problem at once)."""
    from .build import load as load_issue

    return load_issue(root, issue_ref)


def build_state(root: Path, folder: Path) -> tuple[str, int | None]:
    """The state of an issue's last build, and its page count: "built" (the editions are
    those its inputs make now), "stale" (an input changed since), or "never built"."""
    from .build import BuildOptions, build_settings, source_date_epoch
    from .errors import NotespressError
    from .manifest import hash_inputs, read_manifest, up_to_date

    out_dir = root / "build" / folder.name
    manifest = read_manifest(out_dir)
    outputs = manifest.get("outputs") or []
    if not outputs:
        return "never built", None
    pages = next((o.get("pages") for kind in ("print", "screen") for o in outputs
                  if o["kind"] == kind), None)
    settings = manifest.get("settings")
    if not isinstance(settings, dict):
        settings = {}
    try:
        # the digest holds the options of the build that wrote them (recorded beside it)
        options = BuildOptions(editions=tuple(settings.get("editions") or ()) or None,
                               html=bool(settings.get("html")))
        inputs = hash_inputs(root, folder, build_settings(options, source_date_epoch()),
                             manifest.get("files"))
        if up_to_date(root, out_dir, manifest, inputs):
            return "built", pages
    except NotespressError:
        pass
    return "stale", pages


# ------------------------------------------------------------------ for the preview


def import_renderer() -> None:
    """Load WeasyPrint and the renderer now (a warm process keeps them)."""
    import weasyprint  # noqa: F401

    from . import editions, render  # noqa: F401


def collect_garbage() -> None:
    """In a warm process, between two layouts: collect now what the last layouts left, so
    that the next layout after an edit does not pay for it."""
    import gc

    if gc.isenabled():
        gc.collect()


def assemble_issue(pub: Publication, issue: Issue, *, part: str = "all",
                   toc_pages: dict[str, int] | None = None, first_page: int = 1
                   ) -> Assembled:
    """The issue as one HTML document (no padding pages: the preview is the screen
    edition). `part` is "all", "cover" (the cover and the lead article, with the contents'
    page numbers given) or "back" (the platform and colophon, from page `first_page`)."""
    from .assemble import Part, assemble
    from .build import source_date_epoch

    return assemble(pub, issue, pad=0, epoch=source_date_epoch(),
                    part=Part(part, toc_pages=toc_pages or {}, first_page=first_page))


def lays_out_parts(root: Path) -> bool:
    """Whether the layouts in use can lay out the cover and the back on their own."""
    from .assemble import layouts_lay_out_parts

    return layouts_lay_out_parts(root)


def lay_out(pub: Publication, assembled: Assembled) -> LaidOut:
    """Lay an assembled document out with the workspace's fonts and the build's safety
    rules; errors (WeasyPrint's too) raise NotespressError."""
    from .build import lay_out as lay_out_issue

    return lay_out_issue(pub, assembled, False)


def write_screen_pdf(rendered: LaidOut, pages: list[Any] | None, target: Path
                     ) -> list[Problem]:
    """Write `pages` (WeasyPrint pages, from one or more layouts; all of `rendered` when
    None) as a PDF cut to the trim, untagged: what the preview shows."""
    from .editions import screen_finisher
    from .render import LaidOut, write_pdf

    if pages is not None:
        rendered = LaidOut(document=rendered.document.copy(pages))
    return write_pdf(rendered, target, tags=False, finisher=screen_finisher())


def render_page(root: Path, html: str, target: Path) -> None:
    """Lay out and write a page of notespress's own (the proof sheet) with the workspace's
    fonts and the build's rules (files of the workspace only, nothing from the network)."""
    from .build import _raise_errors, font_dirs
    from .render import RenderSettings, render, write_pdf
    from .resources import default_fonts, default_layouts

    rendered = render(RenderSettings(
        html=html, base_url=root.resolve().as_uri() + "/",
        allowed_roots=(root, default_layouts(), default_fonts()), font_dirs=font_dirs(root)))
    _raise_errors(rendered.problems, False)
    _raise_errors(write_pdf(rendered, target, tags=False), False)

