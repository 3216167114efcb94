"""The pictures a document shows: found (a file pandoc extracted, a file beside the
document or in a site's static folder, a data: URL; never the network), checked to be
pictures notespress can print (others converted to PNG), and given a placeholder name until
the article's own names are known."""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

PICTURE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
MAX_PICTURE_BYTES = 60_000_000
WINDOWS_DRAWING = ("is a Windows drawing (EMF/WMF) that cannot be converted here: export it "
                   "as PNG and add it by hand")


@dataclass(frozen=True)
class Picture:
    """A picture of the document: its bytes, and its extension (png, jpg, svg...)."""

    data: bytes
    ext: str


class PictureResolver:
    """Finds the bytes of each picture the document shows: a file pandoc extracted (in
    `media`), a file beside the document (in `base`, or in a site's static folder above it),
    or a data: URL. Remote pictures are never fetched. Each picture found is kept once in
    `pictures`, under a placeholder name that `__call__` returns."""

    def __init__(self, base: Path, media: Path) -> None:
        self.base, self.media = base, media
        self.pictures: dict[str, Picture] = {}  # placeholder -> picture, in order met
        self.by_hash: dict[str, str] = {}

    def __call__(self, url: str) -> tuple[str | None, str]:
        """The placeholder of the picture at `url`, or None and why it was left out."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            header, _, payload = url.partition(",")
            try:
                data = (base64.b64decode(payload) if header.endswith(";base64")
                        else unquote(payload).encode())
            except ValueError:
                return None, "a picture in a broken data: address was left out"
        elif parts.scheme in ("http", "https", "ftp") or parts.netloc:
            return None, (f"'{url[:100]}' is on the web and was not fetched (notespress "
                          "reads nothing from the network): save it and add it by hand")
        else:
            found = self._find(unquote(parts.path))
            if found is None:
                return None, f"'{url[:100]}' not found beside the document"
            if found.stat().st_size > MAX_PICTURE_BYTES:
                return None, f"'{found.name}' is too large (over 60 MB)"
            data = found.read_bytes()
        ext, why = picture_format(data)
        if ext is None:
            return None, f"'{Path(parts.path).name or 'a picture'}' {why}"
        if ext != "svg" and ext not in PICTURE_FORMATS.values():
            data, ext = _to_png(data), "png"
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.by_hash:
            return self.by_hash[digest], ""
        placeholder = f"notespress-picture-{len(self.pictures) + 1}.{ext}"
        self.pictures[placeholder] = Picture(data=data, ext=ext)
        self.by_hash[digest] = placeholder
        return placeholder, ""

    def _find(self, path: str) -> Path | None:
        candidate = Path(path)
        if candidate.is_absolute():
            if candidate.is_file() and candidate.resolve().is_relative_to(self.media.resolve()):
                return candidate
            # a site's absolute path (/images/x.png): in the site's folders above the file
            relative = path.lstrip("/")
            for folder in [self.base, *list(self.base.parents)[:6]]:
                for where in (folder / relative, folder / "static" / relative,
                              folder / "assets" / relative, folder / "public" / relative):
                    if where.is_file():
                        return where
            return None
        for where in (self.base / path, self.media / path):
            if where.is_file():
                return where
        return None


def picture_format(data: bytes) -> tuple[str | None, str]:
    """The picture's extension ("svg", "png", "jpg"... or Pillow's name of another format),
    or None and why it is not a picture notespress can print."""
    if b"<svg" in data[:4096]:
        return "svg", ""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        head = data[:64]
        if head[:4] in (b"\x01\x00\x00\x00", b"\xd7\xcd\xc6\x9a") or b" EMF" in head:
            return None, WINDOWS_DRAWING
        return None, "is not a picture notespress can print"
    if kind in ("WMF", "EMF"):
        return None, WINDOWS_DRAWING
    return PICTURE_FORMATS.get(kind, kind.lower()), ""


def _to_png(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "PNG")
        return out.getvalue()
