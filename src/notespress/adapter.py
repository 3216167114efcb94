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
    from .render import Rendered


def build_editions(root: Path, issue_ref: str, *, editions: Iterable[str] | None = None,
                   force: bool = False) -> BuildResult:
    """Build an issue's editions into build/<issue>/, as `notespress build` does."""
    from .build import build

    return build(root, issue_ref, editions=editions, force=force)


def load(root: Path, issue_ref: str) -> tuple[Publication, Issue]:
    """Read and validate the publication and the issue (every problem at once)."""
    from .build import load as load_issue

    return load_issue(root, issue_ref)


def build_state(root: Path, folder: Path) -> tuple[str, int | None]:
    """The state of an issue's last build, and its page count: "built" (the editions are
    those its inputs make now), "stale" (an input changed since), or "never built"."""
    from .build import build_settings
    from .errors import NotespressError
    from .manifest import hash_inputs, read_manifest, up_to_date

    out_dir = root / "build" / folder.name
    manifest = read_manifest(out_dir)
    outputs = manifest.get("outputs") or []
    if not outputs:
        return "never built", None
    pages = next((o.get("pages") for kind in ("print", "screen") for o in outputs
                  if o["kind"] == kind), None)
    kinds = sorted(o["kind"] for o in outputs if o["kind"] != "html")
    html = any(o["kind"] == "html" for o in outputs)
    try:
        # the digest holds the options of the build that wrote them: the default editions,
        # or those named with -e
        for editions in (None, kinds):
            inputs = hash_inputs(root, folder, build_settings(editions, html),
                                 manifest.get("files"))
            if up_to_date(root, out_dir, manifest, inputs):
                return "built", pages
    except NotespressError:
        pass
    return "stale", pages


# ------------------------------------------------------------------ for the preview


def import_renderer() -> None:
    """Load WeasyPrint and the renderer now (a warm process keeps them)."""
    from .build import _import_renderer

    _import_renderer(None)


def collect_garbage() -> None:
    """In a warm process, between two layouts: collect now what the last layouts left (the
    renderer leaves its objects frozen and collects them when the next layout starts), so
    that the next layout after an edit does not pay for it."""
    import gc

    from . import render

    if render._left_frozen[0] and gc.isenabled():
        gc.unfreeze()
        gc.collect()
        render._left_frozen[0] = False


def assemble_issue(pub: Publication, issue: Issue, *, part: str = "all",
                   toc_pages: dict[str, int] | None = None, first_page: int = 1
                   ) -> Assembled:
    """The issue as one HTML document (no padding pages: the preview is the screen
    edition). `part` is "all", "cover" (the cover and the lead article, with the contents'
    page numbers given) or "back" (the platform and colophon, from page `first_page`)."""
    from .assemble import assemble

    return assemble(pub, issue, pad=0, part=part, toc_pages=toc_pages,
                    first_page=first_page)


def lays_out_parts(root: Path) -> bool:
    """Whether the layouts in use can lay out the cover and the back on their own."""
    from .assemble import layouts_lay_out_parts

    return layouts_lay_out_parts(root)


def lay_out(pub: Publication, issue: Issue, assembled: Assembled) -> Rendered:
    """Lay an assembled document out with the workspace's fonts and the build's safety
    rules; errors (WeasyPrint's too) raise NotespressError."""
    from .build import lay_out as lay_out_issue

    return lay_out_issue(pub, issue, 0, False, assembled=assembled)[1]


def write_screen_pdf(rendered: Rendered, pages: list[Any] | None, target: Path
                     ) -> list[Problem]:
    """Write `pages` (WeasyPrint pages, from one or more layouts; all of `rendered` when
    None) as a PDF cut to the trim, untagged: what the preview shows."""
    from .editions import screen_finisher
    from .render import Rendered as RenderedDocument
    from .render import write_pdf

    if pages is not None:
        rendered = RenderedDocument(document=rendered.document.copy(pages))
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


def font_folders(root: Path) -> tuple[Path, ...]:
    """The fonts a build may use: the workspace's, then notespress's own."""
    from .build import font_dirs

    return font_dirs(root)


def default_layouts() -> Path:
    from .resources import default_layouts as layouts

    return layouts()


def default_fonts() -> Path:
    from .resources import default_fonts as fonts

    return fonts()
