"""The editions, each written from the one laid-out document without laying it out again.

The layout's pages carry the bleed and, outside it, room for crop marks (see assemble.py).
WeasyPrint writes each edition from the laid-out document; a finisher adjusts its PDF objects
just before they are written, so nothing is parsed back and written twice:
- print: BleedBox at the configured bleed, crop marks drawn outside it, no link annotations;
- screen: every box cropped to the trim: no bleed, no marks; live links, tags, and pictures
  resampled from their original files to the resolution a screen needs;
- booklet: the print edition's trimmed pages imposed two-up for saddle stitching (impose.py);
- grayscale: the print edition cut to the trim and converted to gray by Ghostscript, for the
  photocopier (printed at 100 % on paper of the trim size).

`write_editions` writes the wanted ones into a folder: the print family (print, booklet,
grayscale) and the screen edition side by side where the system allows (workers.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import NotespressError, Problem
from .files import atomic_write

if TYPE_CHECKING:
    from .render import LaidOut

MARK_GAP = 3.0  # points between the bleed and the start of a crop mark
MARK_WIDTH = 0.25
PRINT_FAMILY = ("print", "booklet", "grayscale")

Box = tuple[float, float, float, float]  # left, bottom, right, top in points
Finisher = Callable[[Any, Any], None]  # (WeasyPrint document, pydyf PDF) -> None


@dataclass(frozen=True)
class ScreenImages:
    """How pictures are resampled for the screen edition."""

    dpi: float = 150.0
    jpeg_quality: int = 80
    root: Path = Path(".")  # the workspace, whose files WeasyPrint sees under WORKSPACE_URI
    files: dict[str, Path] = field(default_factory=dict)  # picture file URI -> its file
    # where resampled copies are kept from one build to the next (None: not kept)
    cache: Path | None = None


@dataclass(frozen=True)
class EditionPlan:
    """What to write, and the settings each edition needs."""

    wanted: tuple[str, ...]
    identifier: bytes  # the PDF identifier, from the inputs' content
    bleed: float  # points
    creep_mm: float
    rtl: bool  # a right-to-left issue: the booklet is bound on the right
    date_epoch: int  # the documents' date, for what Ghostscript stamps
    screen: ScreenImages = field(default_factory=ScreenImages)


@dataclass(frozen=True)
class Written:
    """One edition written to the staging folder."""

    kind: str
    path: Path
    pages: int
    note: str = ""


def write_editions(laid_out: LaidOut, plan: EditionPlan, folder: Path
                   ) -> tuple[list[Written], list[Problem]]:
    """Every wanted edition of `laid_out`, written into `folder`, with WeasyPrint's words."""
    from .workers import side_by_side

    tasks: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
    if set(PRINT_FAMILY) & set(plan.wanted):
        tasks.append((_print_family, (plan, folder)))
    if "screen" in plan.wanted:
        tasks.append((_screen, (plan, folder)))
    written: list[Written] = []
    problems: list[Problem] = []
    for made, said in side_by_side(tasks, laid_out):
        written += made
        problems += [p for p in said if p not in problems]
    order = {kind: i for i, kind in enumerate(("print", "screen", "booklet", "grayscale"))}
    return sorted(written, key=lambda w: order[w.kind]), problems


Made = tuple[list[Written], list[Problem]]


def _print_family(laid_out: LaidOut, plan: EditionPlan, folder: Path) -> Made:
    """The print edition, and what derives from it: the booklet and the grayscale edition."""
    from .impose import impose
    from .render import write_pdf

    printed = folder / "print.pdf"
    # Tags serve readers on screens (the screen edition has them); a printer needs none.
    problems = write_pdf(laid_out, printed, identifier=plan.identifier, tags=False,
                         finisher=print_finisher(plan.bleed))
    pages = laid_out.pages
    made = [Written("print", printed, pages)] if "print" in plan.wanted else []
    if "booklet" in plan.wanted:
        sheets = impose(printed, folder / "booklet.pdf", creep_mm=plan.creep_mm, rtl=plan.rtl)
        made.append(Written("booklet", folder / "booklet.pdf", 2 * sheets,
                            f"{sheets} sheet{'s' if sheets > 1 else ''}: print double-sided, "
                            "flip on short edge, then fold and staple"))
    if "grayscale" in plan.wanted:
        make_grayscale(printed, folder / "grayscale.pdf", plan.identifier, plan.date_epoch)
        made.append(Written("grayscale", folder / "grayscale.pdf", pages,
                            "trimmed to the page size: copy at 100 %"))
    return made, problems


def _screen(laid_out: LaidOut, plan: EditionPlan, folder: Path) -> Made:
    from .compat import screen_picture_hook
    from .render import write_pdf

    widths = printed_widths(laid_out, plan.screen)
    target = folder / "screen.pdf"
    with screen_picture_hook(lambda image: _screen_copy(image, plan.screen, widths)):
        problems = write_pdf(laid_out, target, identifier=plan.identifier, tags=True,
                             finisher=screen_finisher())
    return [Written("screen", target, laid_out.pages)], problems


# ------------------------------------------------------------------ print


def _box(array: Any) -> Box:
    """A PDF rectangle as (left, bottom, right, top), whatever corners it was given by."""
    x1, y1, x2, y2 = (float(v) for v in array)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def crop_marks(trim: Box, media: Box, bleed: float) -> bytes:
    """Eight short lines in registration black, outside the bleed, on the trim lines."""
    left, bottom, right, top = trim
    start = bleed + MARK_GAP
    end = min(left - media[0], media[3] - top) - 1.0
    if end - start < 4:
        return b""
    ops = [f"q {MARK_WIDTH} w 0 0 0 1 K 0 J"]
    for x, sign_x in ((left, -1), (right, 1)):
        for y, sign_y in ((bottom, -1), (top, 1)):
            ops.append(f"{x + sign_x * start:.2f} {y:.2f} m {x + sign_x * end:.2f} {y:.2f} l S")
            ops.append(f"{x:.2f} {y + sign_y * start:.2f} m {x:.2f} {y + sign_y * end:.2f} l S")
    ops.append("Q")
    return ("\n".join(ops) + "\n").encode()


def print_finisher(bleed: float) -> Finisher:
    """Bleed box, crop marks, no annotations."""
    import pydyf

    from .compat import pdf_pages

    def finish(document: Any, pdf: Any) -> None:
        for page in pdf_pages(pdf):
            trim = _box(page["TrimBox"])
            page["BleedBox"] = pydyf.Array([trim[0] - bleed, trim[1] - bleed,
                                            trim[2] + bleed, trim[3] + bleed])
            page["ArtBox"] = pydyf.Array(trim)
            page.pop("Annots", None)
            marks = crop_marks(trim, _box(page["MediaBox"]), bleed)
            if marks:
                # the page's own drawing is wrapped in q/Q so that its graphics state does
                # not reach the marks (line ends keep the joined streams' tokens apart)
                before, after = pydyf.Stream([b"q", b""]), pydyf.Stream([b"", b"Q", marks])
                pdf.add_object(before)
                pdf.add_object(after)
                page["Contents"] = pydyf.Array([before.reference, page["Contents"],
                                                after.reference])

    return finish


def make_grayscale(source: Path, target: Path, identifier: bytes, date_epoch: int) -> None:
    """The print edition cut to its trim and every colour and picture in gray, by
    Ghostscript; the same bytes from the same inputs (Ghostscript dates the file from
    SOURCE_DATE_EPOCH, and its random identifier is replaced by the edition's)."""
    gs = shutil.which("gs")
    if gs is None:
        raise NotespressError(Problem(None, "the grayscale edition needs Ghostscript ('gs'); "
                                            "install it with: apt-get install ghostscript"))
    command = [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
               "-sColorConversionStrategy=Gray", "-sProcessColorModel=DeviceGray",
               "-dOverrideICC", "-dAutoRotatePages=/None", "-dCompatibilityLevel=1.7",
               "-dUseTrimBox", "-dEmbedAllFonts=true", "-dSubsetFonts=true",
               "-dPDFSETTINGS=/printer", f"-sOutputFile={target}", str(source)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(date_epoch)}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise NotespressError(Problem(None, f"Ghostscript could not make the grayscale "
                                            f"edition: {done.stderr.strip()[:300]}"))
    data = target.read_bytes()
    ident = identifier.hex().upper().encode()
    # the trailer's /ID (two strings, written by Ghostscript as hex or as literal strings)
    # in place of Ghostscript's random one. The trailer comes after the cross-reference
    # table, which startxref points to: its length may change, no offset moves.
    trailer = data.rfind(b"trailer")
    if trailer < 0:
        raise NotespressError(Problem(None, "Ghostscript wrote the grayscale edition without "
                                            "a trailer notespress can read"))
    fixed, count = re.subn(rb"/ID\s*\[\s*(?:<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))\s*"
                           rb"(?:<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))\s*\]",
                           b"/ID [<" + ident + b"><" + ident + b">]", data[trailer:], count=1,
                           flags=re.DOTALL)
    if count:
        atomic_write(target, data[:trailer] + fixed)


# ------------------------------------------------------------------ screen


def screen_finisher() -> Finisher:
    """Every box set to the trim box: what a reader on a screen should see."""
    import pydyf

    from .compat import pdf_pages

    def finish(document: Any, pdf: Any) -> None:
        for page in pdf_pages(pdf):
            trim = pydyf.Array(_box(page["TrimBox"]))
            for name in ("MediaBox", "CropBox", "BleedBox", "ArtBox", "TrimBox"):
                page[name] = trim

    return finish


def printed_widths(laid_out: LaidOut, settings: ScreenImages
                   ) -> dict[str, tuple[float, Path]]:
    """Each raster picture of the issue (by WeasyPrint's image id): the widest it is printed,
    in inches, and its file."""
    from .compat import CSS_PX_PER_IN, page_box, walk_boxes
    from .render import real_uri

    widths: dict[str, tuple[float, Path]] = {}
    for page in laid_out.document.pages:
        for box, _ in walk_boxes(page_box(page)):
            image, element = getattr(box, "replacement", None), getattr(box, "element", None)
            if image is None or element is None or not hasattr(image, "mode"):
                continue  # not a raster picture (an SVG drawing, say)
            path = settings.files.get(real_uri(element.get("src", ""), settings.root))
            if path is not None:
                inches = max(box.width / CSS_PX_PER_IN, widths.get(image.id, (0.0, path))[0])
                widths[image.id] = (inches, path)
    return widths


CACHE_VERSION = "1"


def _screen_copy(image: Any, settings: ScreenImages,
                 widths: dict[str, tuple[float, Path]]
                 ) -> tuple[bytes, str, tuple[int, int], str] | None:
    """The resampled picture as (data, PDF filter, size, mode), or None when it is kept as it
    is (small enough already, or with transparency)."""
    placed = widths.get(image.id)
    if placed is None or image.mode not in ("RGB", "L", "CMYK"):
        return None
    inches, original = placed
    width = max(1, round(inches * settings.dpi))
    if width >= image.width * 0.9:
        return None  # already small enough: resampling would only blur it
    height = max(1, round(image.height * width / image.width))
    mode = "L" if image.mode == "L" else "RGB"
    jpeg = image.format == "JPEG"
    cached = None
    if settings.cache is not None:
        from PIL import __version__ as pillow

        key = hashlib.sha256(b"\0".join([
            CACHE_VERSION.encode(), pillow.encode(), original.read_bytes(),
            f"{image.width}x{image.height} {width}x{height} {mode} {jpeg} "
            f"{settings.jpeg_quality}".encode()])).hexdigest()
        cached = settings.cache / f"{key}.{'jpeg' if jpeg else 'zlib'}"
        try:
            return cached.read_bytes(), _filter(jpeg), (width, height), mode
        except OSError:
            pass
    from PIL import Image, ImageOps

    with Image.open(original) as opened:
        # turned as WeasyPrint shows it: by its EXIF orientation (image-orientation:
        # from-image, the default), or as stored
        turned = ImageOps.exif_transpose(opened)
        picture = next((p for p in (turned, opened) if p.size == (image.width, image.height)),
                       None)
        if picture is None:
            return None
        smaller = picture.convert(mode).resize((width, height), Image.Resampling.LANCZOS)
    if jpeg:
        buffer = io.BytesIO()
        smaller.save(buffer, "JPEG", quality=settings.jpeg_quality, optimize=True)
        data = buffer.getvalue()
    else:
        import zlib

        data = zlib.compress(smaller.tobytes(), 9)
    if cached is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written is no cache
            atomic_write(cached, data)
    return data, _filter(jpeg), (width, height), mode


def _filter(jpeg: bool) -> str:
    return "/DCTDecode" if jpeg else "/FlateDecode"
