"""Editions derived from the one laid-out PDF, without laying it out again.

The layout's pages carry the bleed and, outside it, room for crop marks (see assemble.py).
- print: BleedBox at the configured bleed, crop marks drawn outside it, no link annotations;
- screen: every box cropped to the trim: no bleed, no marks, live links;
- booklet: the trimmed pages imposed two-up for saddle stitching (impose.py);
- grayscale: the print edition converted to gray by Ghostscript, for the photocopier.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from .errors import NotespressError, Problem

MARK_GAP = 3.0  # points between the bleed and the start of a crop mark
MARK_WIDTH = 0.25


def _rect(left: float, bottom: float, right: float, top: float) -> RectangleObject:
    return RectangleObject([FloatObject(left), FloatObject(bottom), FloatObject(right),
                            FloatObject(top)])


def _crop_marks(trim: RectangleObject, media: RectangleObject, bleed: float) -> bytes:
    """Eight short lines in registration black, outside the bleed, on the trim lines."""
    left, bottom, right, top = (float(trim.left), float(trim.bottom), float(trim.right),
                                float(trim.top))
    start = bleed + MARK_GAP
    end = min(float(trim.left) - float(media.left), float(media.top) - float(trim.top)) - 1.0
    if end - start < 4:
        return b""
    ops = [f"q {MARK_WIDTH} w 0 0 0 1 K 0 J"]
    for x, sign_x in ((left, -1), (right, 1)):
        for y, sign_y in ((bottom, -1), (top, 1)):
            ops.append(f"{x + sign_x * start:.2f} {y:.2f} m {x + sign_x * end:.2f} {y:.2f} l S")
            ops.append(f"{x:.2f} {y + sign_y * start:.2f} m {x:.2f} {y + sign_y * end:.2f} l S")
    ops.append("Q")
    return ("\n".join(ops) + "\n").encode()


def _append_content(writer: PdfWriter, page, data: bytes) -> None:
    stream = DecodedStreamObject()
    stream.set_data(data)
    ref = writer._add_object(stream)
    contents = page.get("/Contents")
    if contents is None:
        page[NameObject("/Contents")] = ArrayObject([ref])
        return
    contents = contents.get_object()
    if isinstance(contents, ArrayObject):
        contents.append(ref)
    else:
        page[NameObject("/Contents")] = ArrayObject([page.raw_get("/Contents"), ref])


def make_print(source: Path, target: Path, bleed: float) -> None:
    """Bleed box, crop marks, no annotations."""
    writer = PdfWriter(clone_from=source)
    for page in writer.pages:
        trim = page.trimbox
        media = page.mediabox
        page.bleedbox = _rect(float(trim.left) - bleed, float(trim.bottom) - bleed,
                              float(trim.right) + bleed, float(trim.top) + bleed)
        page.artbox = trim
        if "/Annots" in page:
            del page[NameObject("/Annots")]
        marks = _crop_marks(trim, media, bleed)
        if marks:
            _append_content(writer, page, marks)
    with open(target, "wb") as handle:
        writer.write(handle)


@dataclass(frozen=True)
class ScreenImages:
    """How pictures are resampled for the screen edition."""

    dpi: float = 150.0
    jpeg_quality: int = 80
    # pixel size (width, height) of each picture -> (the widest it is printed, in inches;
    # its original file)
    printed: dict[tuple[int, int], tuple[float, Path]] = field(default_factory=dict)


def make_trimmed(source: Path, target: Path, *, images: ScreenImages | None = None) -> None:
    """Every box set to the trim box: what a reader on a screen should see. With `images`,
    pictures are resampled to about `images.dpi` at their printed size."""
    writer = PdfWriter(clone_from=source)
    done: set[int] = set()
    for page in writer.pages:
        if images is not None:
            _resample(page, images, done)
        trim = page.trimbox
        for box in ("/MediaBox", "/CropBox", "/BleedBox", "/ArtBox"):
            page[NameObject(box)] = _rect(float(trim.left), float(trim.bottom),
                                          float(trim.right), float(trim.top))
    with open(target, "wb") as handle:
        writer.write(handle)


def _resample(page, settings: ScreenImages, done: set[int]) -> None:
    """Replace each picture on the page by a smaller copy made from its original file."""
    import zlib

    from PIL import Image

    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources else None
    for ref in (xobjects.get_object().values() if xobjects else []):
        if not isinstance(ref, IndirectObject) or ref.idnum in done:
            continue
        done.add(ref.idnum)
        image = ref.get_object()
        if image.get("/Subtype") != "/Image" or "/SMask" in image or "/Mask" in image:
            continue
        size = (int(image.get("/Width", 0)), int(image.get("/Height", 0)))
        placed = settings.printed.get(size)
        if placed is None:
            continue
        inches, original = placed
        width = max(1, round(inches * settings.dpi))
        if width >= size[0] * 0.9:
            continue  # already small enough: resampling would only blur it
        height = max(1, round(size[1] * width / size[0]))
        with Image.open(original) as picture:
            is_jpeg = picture.format == "JPEG"
            picture = picture.convert("L" if picture.mode in ("L", "LA", "1") else "RGB")
            smaller = picture.resize((width, height), Image.Resampling.LANCZOS)
        if is_jpeg:
            buffer = io.BytesIO()
            smaller.save(buffer, "JPEG", quality=settings.jpeg_quality, optimize=True)
            data, filters = buffer.getvalue(), NameObject("/DCTDecode")
        else:
            data, filters = zlib.compress(smaller.tobytes(), 9), NameObject("/FlateDecode")
        image._data = data
        image[NameObject("/Filter")] = filters
        image.pop(NameObject("/DecodeParms"), None)
        image[NameObject("/Width")] = NumberObject(width)
        image[NameObject("/Height")] = NumberObject(height)
        image[NameObject("/BitsPerComponent")] = NumberObject(8)
        image[NameObject("/ColorSpace")] = NameObject(
            "/DeviceGray" if smaller.mode == "L" else "/DeviceRGB")
        image[NameObject("/Length")] = NumberObject(len(data))


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


def compact(path: Path) -> None:
    """Pack the PDF's objects into compressed object streams (qpdf), when qpdf is installed:
    a tagged PDF has thousands of small objects, and this roughly halves the screen edition."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return
    packed = path.with_suffix(".packed.pdf")
    done = subprocess.run([qpdf, "--object-streams=generate", "--compression-level=9",
                           "--recompress-flate", "--deterministic-id", str(path), str(packed)],
                          capture_output=True)
    if done.returncode in (0, 3) and packed.is_file():
        packed.replace(path)
    else:
        packed.unlink(missing_ok=True)


def _xmp_date(pdf_date: str) -> str:
    """'D:20260501000000Z' -> '2026-05-01T00:00:00Z'."""
    digits = re.sub(r"\D", "", pdf_date)[:14].ljust(14, "0")
    return (f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}T{digits[8:10]}:{digits[10:12]}:"
            f"{digits[12:14]}Z")


def _uuid_from(info: dict[str, str]) -> str:
    digest = hashlib.sha256(repr(sorted(info.items())).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def page_count(path: Path) -> int:
    return len(PdfReader(path).pages)
