"""The site's derived files: pictures resized for screens, cover thumbnails rendered from the
PDFs, web fonts. Each is made once and kept in build/.cache/site/, named by the hash of what
it is made from, so that the next build (of any issue) takes it as it is; the folder can be
deleted at any time.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NotespressError, Problem
from . import adapters

PICTURE_WIDTHS = (480, 800, 1280)  # the copies made of each picture, in pixels (srcset)
DEFAULT_WIDTH = 800  # the one a browser without srcset takes
JPEG_QUALITY = 80
THUMB_WIDTH = 480  # the cover thumbnails (shown at up to 240 CSS px, sharp at 2x)
VERSION = "2"  # changes when what is made from the same file changes


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    file: Path  # in the cache
    suffix: str  # .jpg, .png, .webp, .svg


@dataclass(frozen=True)
class Picture:
    source: Path
    variants: tuple[Variant, ...]  # narrowest first

    @property
    def default(self) -> Variant:
        fits = [v for v in self.variants if v.width <= DEFAULT_WIDTH]
        return fits[-1] if fits else self.variants[0]


class Hashes:
    """The SHA-256 of files, remembered with their size and time: a file not touched since the
    last build is not read again."""

    def __init__(self, known: dict[str, list] | None = None) -> None:
        self.known = dict(known or {})
        self.used: dict[str, list] = {}

    def __call__(self, path: Path) -> str:
        key = str(path)
        stat = path.stat()
        record = self.used.get(key) or self.known.get(key)
        if not (record and record[0] == stat.st_size and record[1] == stat.st_mtime_ns):
            record = [stat.st_size, stat.st_mtime_ns, adapters.sha256_file(path)]
        self.used[key] = record
        return record[2]

    def records(self) -> dict[str, list]:
        """Those used by this build, and those of the last that still exist."""
        kept = {k: v for k, v in self.known.items() if k not in self.used and Path(k).exists()}
        return dict(sorted({**kept, **self.used}.items()))


def _key(*parts: object) -> str:
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _cached(cache: Path, name: str, make: Callable[[Path], object]) -> Path:
    """`cache/name`, made by `make(path)` through a temporary file when it is not there."""
    target = cache / name
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".", dir=cache)
        os.close(handle)
        try:
            make(Path(temporary))
            os.replace(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
    return target


# ------------------------------------------------------------------ pictures


def picture(path: Path, cache: Path, hashes: Hashes) -> Picture:
    """Copies of a picture for screens: as wide as PICTURE_WIDTHS (never wider than the
    picture), turned as its EXIF orientation says, without its metadata but its colour
    profile; JPEG stays JPEG, PNG (or WebP) stays so, other kinds become PNG; SVG is copied
    as it is."""
    digest = hashes(path)
    folder = cache / "pictures"
    if path.suffix.lower() == ".svg":
        width, height = _svg_size(path)
        file = _cached(folder, f"{_key(digest, VERSION)}.svg",
                       lambda target: shutil.copyfile(path, target))
        return Picture(path, (Variant(width, height, file, ".svg"),))
    sizes = folder / f"{_key(digest, VERSION, 'size')}.txt"
    try:
        width_text, height_text, kind = sizes.read_text().split()
        full = (int(width_text), int(height_text))
    except (OSError, ValueError):
        full_width, full_height, kind = _describe(path)
        folder.mkdir(parents=True, exist_ok=True)
        sizes.write_text(f"{full_width} {full_height} {kind}\n")
        full = (int(full_width), int(full_height))
    suffix = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}.get(kind, ".png")
    widths = [w for w in PICTURE_WIDTHS if w < full[0]]
    if full[0] <= PICTURE_WIDTHS[-1]:
        widths.append(full[0])
    variants = []
    for width in widths:
        height = max(1, round(full[1] * width / full[0]))
        file = _cached(folder, f"{_key(digest, VERSION, width, JPEG_QUALITY)}{suffix}",
                       functools.partial(_resize_to, path, (width, height), suffix))
        variants.append(Variant(width, height, file, suffix))
    return Picture(path, tuple(variants))


def _describe(path: Path) -> tuple[int, int, str]:
    """A picture's size as shown (turned by its EXIF orientation), and its kind."""
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
        if _orientation(image) in (5, 6, 7, 8):  # a quarter turn
            width, height = height, width
        return width, height, image.format or ""


def _orientation(image: Any) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # a damaged EXIF block: the picture as stored
        return 1


def _resize_to(source: Path, size: tuple[int, int], suffix: str, target: Path) -> None:
    _resize(source, target, size, suffix)


def _resize(source: Path, target: Path, size: tuple[int, int], suffix: str) -> None:
    from PIL import Image, ImageOps

    with Image.open(source) as opened:
        opened.seek(0)
        image: Image.Image = opened
        profile = image.info.get("icc_profile")  # (the colours as the camera meant them)
        if _orientation(image) != 1:
            image = ImageOps.exif_transpose(image)
        if suffix == ".jpg":
            image = image.convert("RGB")
        elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        if image.size != size:
            if image.mode == "P":
                image = image.convert("RGBA")
            image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        extra = {"icc_profile": profile} if profile else {}
        if suffix == ".jpg":
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True,
                       **extra)
        elif suffix == ".webp":
            image.save(out, "WEBP", quality=JPEG_QUALITY, method=4, **extra)
        else:
            image.save(out, "PNG", optimize=True, **extra)
    target.write_bytes(out.getvalue())


def _svg_size(path: Path) -> tuple[int, int]:
    """An SVG's size in CSS pixels from its width and height (or viewBox); 0 when unknown."""
    head = path.read_bytes()[:8192].decode("utf-8", "replace")
    tag = re.search(r"<svg\b[^>]*>", head, re.S)
    if not tag:
        return 0, 0

    def attribute(name: str) -> str:
        found = re.search(rf'\s{name}\s*=\s*["\']([^"\']*)["\']', tag.group(0))
        return found.group(1).strip() if found else ""

    def pixels(text: str) -> float:
        found = re.fullmatch(r"([\d.]+)\s*(px)?", text)
        return float(found.group(1)) if found else 0.0

    width, height = pixels(attribute("width")), pixels(attribute("height"))
    box = attribute("viewBox").replace(",", " ").split()
    if (not width or not height) and len(box) == 4:
        try:
            box_width, box_height = float(box[2]), float(box[3])
        except ValueError:
            return 0, 0
        if width and box_width:
            height = width * box_height / box_width
        elif height and box_height:
            width = height * box_width / box_height
        else:
            width, height = box_width, box_height
    return round(width), round(height)


# ------------------------------------------------------------------ cover thumbnails


def thumbnail(pdf: adapters.Pdf, cache: Path, hashes: Hashes) -> tuple[Path, int, int]:
    """A JPEG of the edition's first page, THUMB_WIDTH pixels wide (the print edition's is cut
    to the trim), rendered by pdftoppm; and its size."""
    key = _key(hashes(pdf.path), VERSION, THUMB_WIDTH, pdf.kind != "screen")
    file = _cached(cache / "covers", f"{key}.jpg",
                   lambda target: _render_cover(pdf.path, target, pdf.kind != "screen"))
    sizes = cache / "covers" / f"{key}.txt"
    try:
        width, height = (int(n) for n in sizes.read_text().split())
    except (OSError, ValueError):
        from PIL import Image

        with Image.open(file) as image:
            width, height = image.size
        sizes.write_text(f"{width} {height}\n")
    return file, width, height


def _render_cover(pdf: Path, target: Path, trim: bool) -> None:
    if shutil.which("pdftoppm") is None:
        raise NotespressError(Problem(None, "pdftoppm not found: install poppler-utils "
                                            "(apt-get install poppler-utils) for the covers"))
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "cover"
        command = ["pdftoppm", "-f", "1", "-l", "1", "-singlefile", "-png"]
        box = _trim_fraction(pdf) if trim else None
        if box is None:
            command += ["-scale-to-x", str(THUMB_WIDTH), "-scale-to-y", "-1"]
        else:
            command += ["-r", "150"]
        done = subprocess.run([*command, str(pdf), str(prefix)], capture_output=True, text=True)
        if done.returncode != 0:
            raise NotespressError(Problem(pdf, "could not render the first page for the cover "
                                               f"thumbnail: {done.stderr.strip()}"))
        from PIL import Image

        with Image.open(f"{prefix}.png") as image:
            page = image.convert("RGB")
        if box is not None:
            left, top, right, bottom = box
            page = page.crop((round(left * page.width), round(top * page.height),
                              round(right * page.width), round(bottom * page.height)))
        if page.width != THUMB_WIDTH:
            height = max(1, round(page.height * THUMB_WIDTH / page.width))
            page = page.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)
        page.save(target, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)


def _trim_fraction(pdf: Path) -> tuple[float, float, float, float] | None:
    """The first page's TrimBox as fractions of its MediaBox (left, top, right, bottom)."""
    from pypdf import PdfReader

    page = PdfReader(pdf).pages[0]
    media, trim = page.mediabox, page.trimbox
    width, height = float(media.width), float(media.height)
    if not width or not height or tuple(trim) == tuple(media):
        return None
    return ((float(trim.left) - float(media.left)) / width,
            (float(media.top) - float(trim.top)) / height,
            (float(trim.right) - float(media.left)) / width,
            (float(media.top) - float(trim.bottom)) / height)


# ------------------------------------------------------------------ fonts

# Characters kept in a font when the layouts ask for a subset (what the page may need of the
# font's script): Unicode ranges, as @font-face's unicode-range writes them.
SUBSETS = {
    "latin": "U+0000-024F, U+0259, U+02B0-02FF, U+0300-036F, U+1E00-1EFF, U+2000-206F, "
             "U+20A0-20CF, U+2100-215F, U+2190-21FF, U+2212, U+2215, U+2248, U+2260-2265, "
             "U+25CA, U+FB00-FB06, U+FEFF, U+FFFD",
    "arabic": "U+0000-002F, U+003A-0040, U+005B-0060, U+007B-007E, U+00A0-00BF, U+00D7, "
              "U+00F7, "
              "U+0600-06FF, U+0750-077F, U+08A0-08FF, U+200C-200F, U+2010-2027, U+202A-202F, "
              "U+2066-2069, U+25CC, U+FB50-FDFF, U+FE70-FEFF",
    "symbols": "U+2190-21FF, U+2200-22FF, U+2300-23FF, U+2460-24FF, U+2500-27BF, U+2900-2BFF, "
               "U+1F000-1F0FF, U+1F100-1F1FF, U+1F650-1F67F, U+1F780-1F7FF, U+1F800-1F8FF, "
               "U+1FB00-1FBFF",
    "emoji": "U+00A9, U+00AE, U+203C, U+2049, U+2122, U+2139, U+2194-21AA, U+231A-23FF, "
             "U+24C2, U+25AA-25FE, U+2600-27BF, U+2934-2935, U+2B05-2B55, U+3030, U+303D, "
             "U+3297-3299, U+1F000-1FAFF, U+FE0F, U+200D",
}
# how a copyright line declares one ("..., with Reserved Font Name "Lato".")
RESERVED_NAME_RE = re.compile(r"with\s+Reserved\s+Font\s+Names?\s+[\"“]", re.I)


@dataclass(frozen=True)
class WebFont:
    file: Path  # the WOFF2 file, in the cache
    name: str  # its name in the site: the font's, with the hash of its content
    licence: Path | None  # the licence file beside the font
    whole: bool  # not subset (its licence reserves its name for the unmodified font)


def codepoints(ranges: str) -> list[int]:
    found: list[int] = []
    for part in ranges.replace(" ", "").split(","):
        first, _, last = part.removeprefix("U+").partition("-")
        found.extend(range(int(first, 16), int(last or first, 16) + 1))
    return found


def find_font(root: Path, name: str) -> Path:
    """A font file by its path under fonts/ (the workspace's first, then notespress's)."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise NotespressError(Problem(None, f"font '{name}': give its path under fonts/, such "
                                            "as lato/Lato-Black.ttf"))
    for folder in adapters.font_dirs(root):
        if (folder / relative).is_file():
            return folder / relative
    where = ", ".join(str(d) for d in adapters.font_dirs(root))
    raise NotespressError(Problem(None, f"font '{name}' not found in {where}"))


def web_font(path: Path, subset: str, cache: Path, hashes: Hashes) -> WebFont:
    """The font as WOFF2: subset to `subset`'s ranges ('all' for none), unless its licence
    reserves its name (the OFL's Reserved Font Name), which a subset may not carry: such a
    font is served whole. The copyright and licence names are kept in the font."""
    licence, whole, name = _font_plan(path, subset, hashes)
    file = _cached(cache / "fonts", name,
                   lambda target: _woff2(path, target, None if whole else SUBSETS[subset]))
    content = hashes(file)[:10]
    return WebFont(file=file, name=f"{path.stem}.{content}.woff2", licence=licence,
                   whole=whole)


def _font_plan(path: Path, subset: str, hashes: Hashes) -> tuple[Path | None, bool, str]:
    """The font's licence file, whether it is served whole, and its name in the cache."""
    if subset != "all" and subset not in SUBSETS:
        raise NotespressError(Problem(None, f"font subset '{subset}' is not one of "
                                            f"{', '.join([*SUBSETS, 'all'])}"))
    licence = next((p for p in sorted(path.parent.iterdir())
                    if p.is_file() and re.search(r"ofl|licen[cs]e|copying", p.name, re.I)),
                   None)
    whole = subset == "all" or bool(
        licence and RESERVED_NAME_RE.search(licence.read_text("utf-8", "replace")))
    return licence, whole, f"{_key(hashes(path), VERSION, 'whole' if whole else subset)}.woff2"


def prepare_fonts(fonts: list[tuple[Path, str]], cache: Path, hashes: Hashes) -> None:
    """Make the WOFF2 files of `fonts` (path, subset) that the cache lacks, side by side in
    forked processes when there are several and cores for them (a font takes about half a
    second to subset): the first build of a site is not six fonts long."""
    import multiprocessing
    import sys
    import threading

    missing = {}
    for path, subset in fonts:
        _, whole, name = _font_plan(path, subset, hashes)
        if not (cache / "fonts" / name).is_file():
            missing[name] = (path, None if whole else SUBSETS[subset])
    if (len(missing) < 2 or (os.cpu_count() or 1) < 2 or threading.active_count() > 1
            or not sys.platform.startswith("linux")):
        return  # (made one by one, as they are asked for)
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(len(missing), os.cpu_count() or 1),
                             mp_context=context) as pool:
        jobs = [pool.submit(_cache_font, cache / "fonts", name, path, ranges)
                for name, (path, ranges) in missing.items()]
        for job in jobs:
            job.result()


def _cache_font(folder: Path, name: str, path: Path, ranges: str | None) -> None:
    _cached(folder, name, lambda target: _woff2(path, target, ranges))


def _woff2(path: Path, target: Path, ranges: str | None) -> None:
    import importlib.util

    if not (importlib.util.find_spec("brotli") or importlib.util.find_spec("brotlicffi")):
        raise NotespressError(Problem(None, "WOFF2 fonts need the brotli package (with "
                                            "fontTools): pip install 'fonttools[woff]'"))
    import logging

    from fontTools import subset as subsetter
    from fontTools.ttLib import TTFont

    log = logging.getLogger("fontTools")
    level = log.level
    log.setLevel(logging.ERROR)  # (its notes on the tables it drops are for font makers)
    try:
        if ranges is None:
            font = TTFont(path, recalcTimestamp=False)
            font.flavor = "woff2"
            font.save(target)
            return
        options = subsetter.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]  # small caps, old-style figures, Arabic forms...
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]  # with copyright and licence
        options.notdef_outline = True
        options.recalc_timestamp = False
        font = subsetter.load_font(str(path), options)
        engine = subsetter.Subsetter(options)
        engine.populate(unicodes=codepoints(ranges))
        engine.subset(font)
        subsetter.save_font(font, str(target), options)
    finally:
        log.setLevel(level)
