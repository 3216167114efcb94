"""WeasyPrint lays out the assembled HTML; the laid-out document is written as PDF editions.

Three rules hold here:
- fonts come only from the workspace's and notespress's own ``fonts/`` folders: fontconfig is
  given a configuration that lists nothing else, so there is no fallback to system fonts;
- WeasyPrint may read files inside the allowed folders and nothing else, never the network;
- every warning WeasyPrint logs is captured and returned, never printed behind our back.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .errors import Problem

if TYPE_CHECKING:
    from weasyprint.document import Document


@dataclass(frozen=True)
class RenderSettings:
    html: str
    base_url: str
    allowed_roots: tuple[Path, ...]
    font_dirs: tuple[Path, ...]


@dataclass
class Rendered:
    document: Document
    problems: list[Problem] = field(default_factory=list)
    read: tuple[Path, ...] = ()  # the files layout asked for (found or not), for the manifest

    @property
    def pages(self) -> int:
        return len(self.document.pages)


# After the faces a rule asks for, and before any other font: the shipped monochrome
# fallbacks for symbols and emoji (fonts/noto-sans-symbols, fonts/noto-emoji), in this order.
FALLBACK_FAMILIES = ("Noto Sans Symbols2", "Noto Sans Symbols", "Noto Emoji")


def fontconfig_file(font_dirs: tuple[Path, ...]) -> Path:
    """A fontconfig configuration that knows only the given font folders, with a cache of
    its own for each state of their files: fontconfig looks again at a folder only when the
    folder's time changes, which a font file copied over another does not do."""
    from .manifest import files_under

    digest = hashlib.sha256()
    for folder in font_dirs:
        digest.update(f"{folder}\n".encode())
        for path in files_under(folder):
            try:
                stat = path.stat()
            except OSError:
                continue
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    key = digest.hexdigest()[:16]
    base = Path(tempfile.gettempdir()) / f"notespress-fontconfig-{os.getuid()}"
    base.mkdir(parents=True, exist_ok=True)
    conf = base / f"fonts-{key}.conf"
    dirs = "".join(f"  <dir>{_xml(str(d))}</dir>\n" for d in font_dirs)
    cache = base / f"cache-{key}"
    fallbacks = "".join(f"<string>{_xml(f)}</string>" for f in FALLBACK_FAMILIES)
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            f"{dirs}  <cachedir>{_xml(str(cache))}</cachedir>\n"
            '  <match target="pattern"><edit name="family" mode="append_last">'
            f"{fallbacks}</edit></match>\n</fontconfig>\n")
    if not conf.is_file() or conf.read_text() != text:
        tmp = conf.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(text)
        tmp.replace(conf)
    return conf


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@contextlib.contextmanager
def _only_our_fonts(font_dirs: tuple[Path, ...]) -> Iterator[None]:
    previous = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(fontconfig_file(font_dirs))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = previous


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def capture_weasyprint_log() -> Iterator[_Capture]:
    """Route WeasyPrint's log to a list while rendering (and keep it off stderr)."""
    logger = logging.getLogger("weasyprint")
    capture = _Capture()
    saved = logger.handlers[:], logger.propagate, logger.level
    logger.handlers = [capture]
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        yield capture
    finally:
        logger.handlers, logger.propagate, _ = saved
        logger.setLevel(saved[2])


FATAL_HINTS = ("Failed to load", "fetch", "disallowed", "not allowed", "Error")


# Said better before layout: a character no font has, with its article and line (glyphs.py)
REPORTED_BEFORE = (".notdef glyph rendered",)


def problems_from_log(records: list[logging.LogRecord]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for record in records:
        message = record.getMessage().strip().replace("\n", " ")
        if message in seen or message.startswith(REPORTED_BEFORE):
            continue
        seen.add(message)
        fatal = record.levelno >= logging.ERROR or any(h in message for h in FATAL_HINTS)
        problems.append(Problem(None, f"WeasyPrint: {message}",
                                severity="error" if fatal else "warning"))
    return problems


# Files of the workspace are given to WeasyPrint under this fixed address rather than their
# place on disk: WeasyPrint names images after their URL, and a PDF built in another folder
# or on another machine must come out byte for byte the same.
WORKSPACE_URI = "file:///notespress-workspace/"


def virtual_uri(uri: str, root: Path) -> str:
    real = root.resolve().as_uri() + "/"
    return WORKSPACE_URI + uri[len(real):] if uri.startswith(real) else uri


def real_uri(uri: str, root: Path) -> str:
    if uri.startswith(WORKSPACE_URI):
        return root.resolve().as_uri() + "/" + uri[len(WORKSPACE_URI):]
    return uri


def make_url_fetcher(allowed_roots: tuple[Path, ...], workspace: Path | None = None,
                     record: list[Path] | None = None) -> Any:
    """A URL fetcher for WeasyPrint; each local file it is asked for is added to `record`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = tuple(r.resolve() for r in allowed_roots)

    class WorkspaceFetcher(URLFetcher):
        """Reads files inside the workspace and notespress's own folders; nothing else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "file":
                raise ValueError(f"not fetched: {url} (notespress reads nothing from the "
                                 "network)")
            if workspace is not None:
                url = real_uri(url, workspace)
                parts = urlsplit(url)
            path = Path(url2pathname(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise ValueError(f"not fetched: {path} is outside the workspace")
            if record is not None:
                record.append(path)
            return URLFetcherResponse(url, path.read_bytes())

    return WorkspaceFetcher(allowed_protocols=("file", "data"))


_left_frozen = [False]  # whether the last build left its objects to the permanent generation


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Laying out and writing make millions of small objects that live until the end: the
    cyclic garbage collector would scan them again and again for nothing (about 5% of the
    time), and in a forked process it would copy every page it scans. Reference counting
    still frees what can be freed.

    Turned on again, the collector would at once scan every object made meanwhile (0.05 s
    for 12 pages, 0.25 s for 100): instead they are left in its permanent generation, which
    it does not scan. The next build in the same process (a test run, a long-lived program)
    first hands them back and collects what is garbage, so that memory does not grow from
    build to build; a command that builds once and exits never pays for it."""
    import gc

    enabled = gc.isenabled()
    if not enabled:  # inside another no_cyclic_gc, or the program's own choice
        yield
        return
    gc.disable()
    if _left_frozen[0]:
        gc.unfreeze()
        gc.collect()
        _left_frozen[0] = False
    try:
        yield
    finally:
        gc.freeze()
        _left_frozen[0] = True
        gc.enable()


class _PageReferences:
    """pydyf's ``PDF.page_references``, built once per page count instead of on every call.

    pydyf 0.13 rebuilds the tuple of all page references each time it is read, and
    WeasyPrint reads it for every link and every tagged element: a cost that grows with
    pages x elements (0.5 s of a 2.7 s write at 124 pages). The tuple is the same; only
    the time changes."""

    def __get__(self, pdf: Any, owner: Any = None) -> Any:
        if pdf is None:
            return self
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), tuple(f"{number} 0 R".encode("ascii")
                                       for number in kids[::3]))
            pdf.__dict__["_page_references"] = cached
        return cached[1]


@contextlib.contextmanager
def _cached_page_references() -> Iterator[None]:
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property):  # another pydyf: leave it as it is
        yield
        return
    pydyf.PDF.page_references = _PageReferences()  # type: ignore[assignment]
    try:
        yield
    finally:
        pydyf.PDF.page_references = original  # type: ignore[method-assign]


FLATE_LEVEL = 6  # zlib's own default


class _ZlibAtLevel:
    """zlib as pydyf sees it while writing: its streams compressed at FLATE_LEVEL.

    pydyf 0.13 compresses every stream at level 9, which costs 4 times the time of level 6
    for 3% fewer bytes (0.5 s of a 2 s write at 104 pages). Level 6 is what zlib, and most
    PDF writers, use by default."""

    def __getattr__(self, name: str) -> Any:
        import zlib

        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        import zlib

        return zlib.compressobj(FLATE_LEVEL, *args, **kwargs)


@contextlib.contextmanager
def _flate_level() -> Iterator[None]:
    import zlib

    import pydyf

    if getattr(pydyf, "zlib", None) is not zlib:  # another pydyf: leave it as it is
        yield
        return
    pydyf.zlib = _ZlibAtLevel()  # type: ignore[attr-defined]
    try:
        yield
    finally:
        pydyf.zlib = zlib  # type: ignore[attr-defined]


def render(settings: RenderSettings) -> Rendered:
    """Lay out the document once."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with (_only_our_fonts(settings.font_dirs), capture_weasyprint_log() as capture,
          no_cyclic_gc()):
        font_config = FontConfiguration()
        workspace = settings.allowed_roots[0]
        read: list[Path] = []
        html = HTML(string=settings.html.replace(workspace.resolve().as_uri() + "/",
                                                 WORKSPACE_URI),
                    base_url=WORKSPACE_URI,
                    url_fetcher=make_url_fetcher(settings.allowed_roots, workspace, read))
        document = html.render(font_config=font_config)
    return Rendered(document=document, problems=problems_from_log(capture.records),
                    read=tuple(dict.fromkeys(read)))


def write_pdf(rendered: Rendered, target: Path, *, identifier: bytes | None = None,
              tags: bool = True, finisher: Any = None) -> list[Problem]:
    """Write one edition atomically: a temporary file renamed over the target. `tags` makes
    it a tagged PDF/UA-1; `finisher(document, pdf)` adjusts the PDF objects before they are
    written (see editions.py)."""
    document = rendered.document
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with (capture_weasyprint_log() as capture, no_cyclic_gc(), _cached_page_references(),
              _flate_level()):
            document.write_pdf(tmp, pdf_identifier=identifier, pdf_tags=tags,
                               pdf_variant="pdf/ua-1" if tags else None, finisher=finisher)
        tmp.chmod(0o644)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return problems_from_log(capture.records)
