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

import hashlib
import io
import re
import shutil
import subprocess
from collections.abc import Callable
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
    # pixel size (width, height) of each picture -> (the widest it is printed, in inches;
    # its original file)
    printed: dict[tuple[int, int], tuple[float, Path]] = field(default_factory=dict)


def screen_finisher(images: ScreenImages | None = None) -> Finisher:
    """Every box set to the trim box: what a reader on a screen should see. With `images`,
    pictures are resampled to about `images.dpi` at their printed size."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        for page in _pages(pdf):
            trim = pydyf.Array(_box(page["TrimBox"]))
            for name in ("MediaBox", "CropBox", "BleedBox", "ArtBox", "TrimBox"):
                page[name] = trim
        if images is not None:
            for obj in pdf.objects:
                if isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/Image":
                    _resample(obj, images)

    return finish


def _resample(image: Any, settings: ScreenImages) -> None:
    """Replace a picture by a smaller copy made from its original file."""
    import zlib

    from PIL import Image

    if "SMask" in image.extra or "Mask" in image.extra:
        return
    size = (int(image.extra.get("Width", 0)), int(image.extra.get("Height", 0)))
    placed = settings.printed.get(size)
    if placed is None:
        return
    inches, original = placed
    width = max(1, round(inches * settings.dpi))
    if width >= size[0] * 0.9:
        return  # already small enough: resampling would only blur it
    height = max(1, round(size[1] * width / size[0]))
    with Image.open(original) as picture:
        is_jpeg = picture.format == "JPEG"
        picture = picture.convert("L" if picture.mode in ("L", "LA", "1") else "RGB")
        smaller = picture.resize((width, height), Image.Resampling.LANCZOS)
    if is_jpeg:
        buffer = io.BytesIO()
        smaller.save(buffer, "JPEG", quality=settings.jpeg_quality, optimize=True)
        data, filters = buffer.getvalue(), "/DCTDecode"
    else:
        data, filters = zlib.compress(smaller.tobytes(), 9), "/FlateDecode"
    image.stream = [data]
    image.compress = False
    image.extra.pop("DecodeParms", None)
    image.extra.pop("Decode", None)
    image.extra.update({"Filter": filters, "Width": width, "Height": height,
                        "BitsPerComponent": 8,
                        "ColorSpace": "/DeviceGray" if smaller.mode == "L" else "/DeviceRGB"})


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
