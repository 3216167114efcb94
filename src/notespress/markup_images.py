"""Pictures: each one checked, decoded and made printable before layout.

A picture is accepted when it is a file inside the issue folder (never fetched from the
network), within the size limits (limits.py), and decodes whole (Pillow's ``load()``: a
truncated JPEG is refused, not printed half blank); what decoded is remembered by file size
and time in ``build/.cache/pictures/decoded.json``, so that a picture is decoded once.
Pictures WeasyPrint cannot print as they are (16-bit and floating-point grey, TIFF, WebP,
BMP, CMYK outside JPEG...) are converted once to a PNG kept in ``build/.cache/pictures/``,
named by the hash of the original's content.

A picture with no description (alt text) gets its caption as the description; without one
it is decorative: drawn as the background of an empty box, which WeasyPrint marks as an
artifact in the tagged PDF (it asks an ``<img>`` for a description it will not do without).
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import limits

PRINT_DPI = 150  # as the layouts' `image-resolution` (never enlarged past it)
MAX_HEIGHT_IN = 4.8  # as the layouts' `max-height` of a figure's picture
PRINTABLE = {"PNG": {"1", "L", "LA", "P", "RGB", "RGBA"}, "JPEG": {"L", "RGB", "CMYK"},
             "GIF": {"L", "P"}}


@dataclass
class ImageRef:
    path: Path  # the file printed (a converted copy, for a picture converted)
    line: int
    width: int = 0
    height: int = 0
    source: Path | None = None  # the file in the issue, when `path` is a converted copy


@dataclass(frozen=True)
class Checked:
    ref: ImageRef | None
    error: str = ""


def check(src: str, base: Path, folder: Path, line: int, cache: Path | None) -> Checked:
    """The picture at `src` (relative to `base`, the article's folder), or why it is not
    printed."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return Checked(None, f"image '{src}' is not a file in the issue folder (remote "
                             "images are never fetched)")
    if not parts.path:
        return Checked(None, "image with an empty path")
    path = (base / unquote(parts.path)).resolve()
    if not path.is_relative_to(folder.resolve()):
        return Checked(None, f"image '{src}' leads out of the issue folder")
    try:
        stat = path.stat()
    except OSError:
        return Checked(None, f"image '{src}' not found")
    if not path.is_file():
        return Checked(None, f"image '{src}' is not a file")
    if stat.st_size > limits.MAX_PICTURE_BYTES:
        return Checked(None, f"image '{src}' is {stat.st_size // 1_000_000} MB, more than "
                             f"{limits.MAX_PICTURE_BYTES // 1_000_000} MB: scale it down")
    if path.suffix.lower() == ".svg":
        return _check_svg(path, src, line)
    known = _decoded(cache).get(str(path))
    if known and known[:2] == [stat.st_size, stat.st_mtime_ns]:
        width, height, copy = known[2:]
        printed = Path(copy) if copy else path
        if not copy or printed.is_file():
            return Checked(ImageRef(path=printed, line=line, width=width, height=height,
                                    source=path if copy else None))
    checked = _check_raster(path, src, line, cache)
    if checked.ref is not None and cache is not None:
        ref = checked.ref
        _remember(cache, str(path), [stat.st_size, stat.st_mtime_ns, ref.width, ref.height,
                                     str(ref.path) if ref.source else ""])
    return checked


DECODED = "decoded.json"  # in the pictures' cache: what decoded whole, as it was then


def _decoded(cache: Path | None) -> dict[str, list]:
    """The pictures already decoded whole (by file size and time): a build decodes only the
    pictures that are new or changed."""
    if cache is None:
        return {}
    try:
        stat = (cache / DECODED).stat()
    except OSError:
        return {}
    return _read_decoded(cache / DECODED, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _read_decoded(path: Path, size: int, mtime: int) -> dict[str, list]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember(cache: Path, key: str, value: list) -> None:
    data = dict(_decoded(cache))
    data[key] = value
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f".{DECODED}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        tmp.replace(cache / DECODED)
    except OSError:  # a cache that cannot be written: the picture is decoded next time
        pass


def _check_svg(path: Path, src: str, line: int) -> Checked:
    """A vector picture: accepted when it is an SVG document (drawn by WeasyPrint)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return Checked(None, f"image '{src}' cannot be read")
    if "<svg" not in head:
        return Checked(None, f"image '{src}' is not an image")
    return Checked(ImageRef(path=path, line=line))


def _check_raster(path: Path, src: str, line: int, cache: Path | None) -> Checked:
    from PIL import Image, ImageFile, UnidentifiedImageError

    too_large = (f"image '{src}' is too large to print (over "
                 f"{limits.MAX_PICTURE_PIXELS // 1_000_000} million pixels): scale it down")
    # WeasyPrint, once imported, lets Pillow load truncated files as if whole
    truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                if width * height > limits.MAX_PICTURE_PIXELS:
                    return Checked(None, too_large)
                image_format, mode = img.format or "", img.mode
                printable = mode in PRINTABLE.get(image_format, set())
                if printable and image_format == "JPEG":
                    img.draft(img.mode, (max(1, width // 8), max(1, height // 8)))
                img.load()  # the whole picture decodes (verify() does not read JPEG data)
                copy = None if printable else _printable_copy(img, path, cache)
    except PermissionError:
        return Checked(None, f"image '{src}' cannot be read")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return Checked(None, too_large)
    except UnidentifiedImageError:
        return Checked(None, f"image '{src}' is not an image")
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return Checked(None, f"image '{src}' is a broken image ({_reason(exc)}): save it "
                             "again from the original")
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok
    if not printable and copy is None:
        return Checked(None, f"image '{src}' is a {image_format} picture in mode {mode}, "
                             "which cannot be printed as it is: save it as an 8-bit PNG or "
                             "JPEG")
    ref = ImageRef(path=copy or path, line=line, width=width, height=height,
                   source=path if copy else None)
    return Checked(ref)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".")
    return text[:80] if text else type(exc).__name__


def _printable_copy(img: Any, path: Path, cache: Path | None) -> Path | None:
    """A PNG of `img` that WeasyPrint prints as it should, kept in `cache` by the hash of
    the original's content; None when there is no cache to keep it in."""
    if cache is None:
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    target = cache / f"{digest}.png"
    if target.is_file():
        return target
    converted = _to_eight_bits(img)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        converted.save(tmp, "PNG")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _to_eight_bits(img):
    """Grey, grey with alpha, colour or colour with alpha, in 8 bits a channel."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        low, high = img.getextrema()
        if mode.startswith("I;16") and (low, high) != (0, 0):
            img = img.convert("I")
        span = (high - low) or 1
        return img.point(lambda v: (v - low) * 255 / span).convert("L")
    if "A" in mode or "transparency" in img.info or mode == "PA":
        return img.convert("LA" if mode in ("L", "LA", "La") else "RGBA")
    if mode in ("1", "L"):
        return img.convert("L")
    return img.convert("RGB")


def decorative_html(ref: ImageRef, uri: str, inline: bool = False) -> str:
    """A picture with no description, as the background of an empty box (an artifact in
    the tagged PDF), sized as the layouts size a figure's picture."""
    ratio = ref.height / ref.width if ref.width else 0.75
    width = ref.width / PRINT_DPI if ref.width else 2.0
    if ratio and width * ratio > MAX_HEIGHT_IN:
        width = MAX_HEIGHT_IN / ratio
    tag = "span" if inline else "div"
    return (f'<{tag} class="picture decorative" style="width: {width:.3f}in">'
            f'<span class="picture-box" style="padding-bottom: {ratio * 100:.3f}%; '
            f'background-image: url(&quot;{escape(uri)}&quot;)"></span></{tag}>')
