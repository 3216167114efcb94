"""The editions, each written from the one laid-out document without laying it out again.

The layout's pages carry the bleed and, outside it, room for crop marks (see assemble.py).
WeasyPrint writes each edition from the laid-out document; a finisher adjusts its PDF objects
just before they are written, so nothing is parsed back and written twice:
- print: BleedBox at the configured bleed, crop marks drawn outside it, no link annotations;
- screen: every box cropped to the trim: no bleed, no marks; live links, tags, and pictures
  resampled from their original files to the resolution a screen needs;
- booklet: the print edition's trimmed pages imposed two-up for saddle stitching (impose.py);
- grayscale: the print edition converted to gray by Ghostscript, for the photocopier.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NotespressError, Problem

MARK_GAP = 3.0  # points between the bleed and the start of a crop mark
MARK_WIDTH = 0.25

Box = tuple[float, float, float, float]  # left, bottom, right, top in points
Finisher = Callable[[Any, Any], None]  # (WeasyPrint document, pydyf PDF) -> None


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


def _pages(pdf: Any) -> list[Any]:
    """The page dictionaries of a pydyf PDF, in order."""
    return [pdf.objects[number] for number in pdf.pages["Kids"][::3]]


def print_finisher(bleed: float) -> Finisher:
    """Bleed box, crop marks, no annotations."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        for page in _pages(pdf):
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


@dataclass(frozen=True)
class ScreenImages:
    """How pictures are resampled for the screen edition."""

    dpi: float = 150.0
    jpeg_quality: int = 80
    # WeasyPrint's id of each picture -> (the widest it is printed, in inches; its file)
    printed: dict[str, tuple[float, Path]] = field(default_factory=dict)
    # where resampled copies are kept from one build to the next (None: not kept)
    cache: Path | None = None


def screen_finisher() -> Finisher:
    """Every box set to the trim box: what a reader on a screen should see."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        for page in _pages(pdf):
            trim = pydyf.Array(_box(page["TrimBox"]))
            for name in ("MediaBox", "CropBox", "BleedBox", "ArtBox", "TrimBox"):
                page[name] = trim

    return finish


@contextlib.contextmanager
def screen_pictures(settings: ScreenImages) -> Iterator[None]:
    """While the screen edition is written, each picture printed larger than it needs to be
    on a screen goes into the PDF as a copy resampled to about `settings.dpi` at its printed
    size, made from its original file (or taken from the cache of the last build), instead
    of the whole picture."""
    from weasyprint.images import RasterImage

    original = RasterImage.get_x_object

    def get_x_object(image: Any, interpolate: bool, dpi_ratio: float) -> Any:
        made = _screen_copy(image, settings)
        if made is None:
            return original(image, interpolate, dpi_ratio)
        data, filters, (width, height), mode = made
        import pydyf

        return pydyf.Stream([data], pydyf.Dictionary({
            "Type": "/XObject", "Subtype": "/Image", "Width": width, "Height": height,
            "ColorSpace": "/DeviceGray" if mode == "L" else "/DeviceRGB",
            "BitsPerComponent": 8, "Interpolate": "true" if interpolate else "false",
            "Filter": filters}))

    RasterImage.get_x_object = get_x_object  # type: ignore[method-assign]
    try:
        yield
    finally:
        RasterImage.get_x_object = original  # type: ignore[method-assign]


CACHE_VERSION = "1"


def _screen_copy(image: Any, settings: ScreenImages
                 ) -> tuple[bytes, str, tuple[int, int], str] | None:
    """The resampled picture as (data, PDF filter, size, mode), or None when it is kept as it
    is (small enough already, or with transparency)."""
    placed = settings.printed.get(image.id)
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
        _keep(cached, data)
    return data, _filter(jpeg), (width, height), mode


def _keep(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all; a cache that cannot be written is no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def _filter(jpeg: bool) -> str:
    return "/DCTDecode" if jpeg else "/FlateDecode"


def make_grayscale(source: Path, target: Path) -> None:
    """Every colour and picture in gray, by Ghostscript."""
    gs = shutil.which("gs")
    if gs is None:
        raise NotespressError(Problem(None, "the grayscale edition needs Ghostscript ('gs'); "
                                            "install it with: apt-get install ghostscript"))
    command = [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
               "-sColorConversionStrategy=Gray", "-sProcessColorModel=DeviceGray",
               "-dOverrideICC", "-dAutoRotatePages=/None", "-dCompatibilityLevel=1.7",
               "-dEmbedAllFonts=true", "-dSubsetFonts=true",
               "-dPDFSETTINGS=/printer", f"-sOutputFile={target}", str(source)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise NotespressError(Problem(None, f"Ghostscript could not make the grayscale "
                                            f"edition: {done.stderr.strip()[:300]}"))
    # Ghostscript stamps the clock's time and a new identifier: put back the source's, so
    # that the same inputs give the same bytes.
    from pypdf import PdfReader, PdfWriter

    original = PdfReader(source)
    writer = PdfWriter(clone_from=target)
    info = {k: v for k, v in (original.metadata or {}).items() if isinstance(v, str)}
    writer.add_metadata(info)
    metadata = writer._root_object.get("/Metadata")
    if metadata is not None:  # Ghostscript's XMP carries the clock's time and a random uuid
        stream = metadata.get_object()
        stamp = _xmp_date(info.get("/CreationDate", ""))
        xmp = stream.get_data().decode("utf-8", "replace")
        xmp = re.sub(r"(<xmp:(?:ModifyDate|CreateDate|MetadataDate)>)[^<]*", rf"\g<1>{stamp}",
                     xmp)
        xmp = re.sub(r"uuid:[0-9a-f-]+", "uuid:" + _uuid_from(info), xmp)
        stream.set_data(xmp.encode("utf-8"))
    identifier = original.trailer.get("/ID")
    if identifier is not None:
        writer._ID = identifier
    with open(target, "wb") as handle:
        writer.write(handle)


def _xmp_date(pdf_date: str) -> str:
    """'D:20260501000000Z' -> '2026-05-01T00:00:00Z'."""
    digits = re.sub(r"\D", "", pdf_date)[:14].ljust(14, "0")
    return (f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}T{digits[8:10]}:{digits[10:12]}:"
            f"{digits[12:14]}Z")


def _uuid_from(info: dict[str, str]) -> str:
    digest = hashlib.sha256(repr(sorted(info.items())).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
