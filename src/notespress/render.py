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
from .files import atomic_path, atomic_write, read_bytes, refusal
from .limits import MAX_FETCHED_BYTES

if TYPE_CHECKING:
    from weasyprint.document import Document


@dataclass(frozen=True)
class RenderSettings:
    """What WeasyPrint is given: the HTML, the folders it may read, the fonts it may use."""

    html: str
    base_url: str
    allowed_roots: tuple[Path, ...]
    font_dirs: tuple[Path, ...]
    passed_over_fonts: tuple[Path, ...] = ()  # untouched copies of default fonts (themes.py)
    hyphen_ladder: int = 2  # at most this many hyphenated lines in a row (0: no limit)


@dataclass
class LaidOut:
    """The issue laid out by WeasyPrint, and what WeasyPrint said and read meanwhile."""

    document: Document
    problems: list[Problem] = field(default_factory=list)
    read: tuple[Path, ...] = ()  # the files layout asked for (found or not), for the manifest

    @property
    def pages(self) -> int:
        return len(self.document.pages)


# After the faces a rule asks for, and before any other font: the shipped monochrome
# fallbacks for symbols and emoji (fonts/noto-sans-symbols, fonts/noto-emoji), in this order.
FALLBACK_FAMILIES = ("Noto Sans Symbols2", "Noto Sans Symbols", "Noto Emoji")


def fontconfig_file(font_dirs: tuple[Path, ...], rejected: tuple[Path, ...] = ()) -> Path:
    """A fontconfig configuration that knows only the given font folders (but the `rejected`
    files), with a cache of its own for each state of their files: fontconfig looks again at
    a folder only when the folder's time changes, which a font file copied over another does
    not do."""
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
    digest.update("".join(f"{path}\n" for path in rejected).encode())
    key = digest.hexdigest()[:16]
    base = Path(tempfile.gettempdir()) / f"notespress-fontconfig-{os.getuid()}"
    base.mkdir(parents=True, exist_ok=True)
    conf = base / f"fonts-{key}.conf"
    dirs = "".join(f"  <dir>{_xml(str(d))}</dir>\n" for d in font_dirs)
    cache = base / f"cache-{key}"
    reject = "".join(f"    <glob>{_xml(str(p))}</glob>\n" for p in rejected)
    if reject:
        reject = f"  <selectfont>\n   <rejectfont>\n{reject}   </rejectfont>\n  </selectfont>\n"
    fallbacks = "".join(f"<string>{_xml(f)}</string>" for f in FALLBACK_FAMILIES)
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            f"{dirs}{reject}  <cachedir>{_xml(str(cache))}</cachedir>\n"
            '  <match target="pattern"><edit name="family" mode="append_last">'
            f"{fallbacks}</edit></match>\n</fontconfig>\n")
    if not conf.is_file() or conf.read_text() != text:
        atomic_write(conf, text)
    return conf


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@contextlib.contextmanager
def _only_our_fonts(font_dirs: tuple[Path, ...], rejected: tuple[Path, ...] = ()
                   ) -> Iterator[None]:
    previous = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(fontconfig_file(font_dirs, rejected))
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
    """WeasyPrint's log records as Problems (each message once; a failure to load is an error)."""
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


def real_uri(uri: str, root: Path) -> str:
    """A URI WeasyPrint saw under WORKSPACE_URI, as the file's own URI in `root`."""
    if uri.startswith(WORKSPACE_URI):
        return root.resolve().as_uri() + "/" + uri[len(WORKSPACE_URI):]
    return uri


def make_url_fetcher(allowed_roots: tuple[Path, ...], workspace: Path | None = None,
                     record: list[Path] | None = None) -> Any:
    """A URL fetcher for WeasyPrint; each local file it is asked for is added to `record`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = tuple(allowed_roots)

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
            path = Path(url2pathname(parts.path))
            if record is not None:
                record.append(path.resolve())
            why = refusal(path, *roots)
            if why is not None:
                raise ValueError(f"not fetched: {path} {why}")
            return URLFetcherResponse(url, read_bytes(path, *roots, limit=MAX_FETCHED_BYTES))

    return WorkspaceFetcher(allowed_protocols=("file", "data"))


def render(settings: RenderSettings) -> LaidOut:
    """Lay out the document once: its lines broken evenly (compat.even_lines), the space
    above a block that opens a column taken away (compat.lift_column_tops)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from .compat import even_lines, lift_column_tops

    with (_only_our_fonts(settings.font_dirs, settings.passed_over_fonts),
          capture_weasyprint_log() as capture, even_lines(settings.hyphen_ladder)):
        font_config = FontConfiguration()
        workspace = settings.allowed_roots[0]
        read: list[Path] = []
        html = HTML(string=settings.html.replace(workspace.resolve().as_uri() + "/",
                                                 WORKSPACE_URI),
                    base_url=WORKSPACE_URI,
                    url_fetcher=make_url_fetcher(settings.allowed_roots, workspace, read))
        document = html.render(font_config=font_config)
        lift_column_tops(document)
    return LaidOut(document=document, problems=problems_from_log(capture.records),
                   read=tuple(dict.fromkeys(read)))


def write_pdf(laid_out: LaidOut, target: Path, *, identifier: bytes | None = None,
              tags: bool = True, finisher: Any = None) -> list[Problem]:
    """Write one edition, whole or not at all. `tags` makes it a tagged PDF/UA-1;
    `finisher(document, pdf)` adjusts the PDF objects before they are written (editions.py)."""
    from .compat import writing_faster

    with atomic_path(target) as tmp, capture_weasyprint_log() as capture, writing_faster():
        laid_out.document.write_pdf(tmp, pdf_identifier=identifier, pdf_tags=tags,
                                    pdf_variant="pdf/ua-1" if tags else None, finisher=finisher)
    return problems_from_log(capture.records)
