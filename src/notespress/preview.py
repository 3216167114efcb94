"""`notespress preview` and `notespress watch`: the pages while the editor edits.

`preview` keeps one process warm (WeasyPrint, the fonts and the layouts loaded), watches the
issue, the layouts, the fonts, the platform and notespress.yaml (watchfiles), lays the issue out
again after each change, and serves a page on 127.0.0.1 that shows the pages as pictures
(pdftoppm) and updates itself (Server-Sent Events) with the page in view kept in view.

What a save costs is kept small:
- the preview is the screen edition only (no print, booklet, padding, tags or resampled
  pictures), written to build/.preview/<issue>/, never over the real editions;
- when only articles changed, only they are laid out again: an article is laid out on its
  own from the page where it starts (the layouts' "back" part continues an issue at a given
  page; the article is put in its body) and its pages take the place of its old ones. With
  `article_start: page` or `right` each article opens a page, and those pages are final (the
  lead article is laid out with the cover, the platform with the back). By default articles
  run on after one another: the pages are then a draft, shown at once, and the whole issue
  is laid out right after. When an article's page count changes, the later pages' numbers
  and the contents are stale: those pages are shown at once, and the whole issue is laid
  out again right after;
- only pages whose drawing changed are made pictures again.

A change that breaks the issue (a YAML error, a missing picture, a template error) keeps the
last good pages and shows the errors above them. `watch` runs the real build after each change,
in the same warm process, and prints what it wrote.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import itertools
import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .errors import NotespressError, Problem

if TYPE_CHECKING:
    from .build import BuildResult
    from .config import Publication
    from .content import Article, Issue
    from .render import LaidOut

Page = Any  # a page WeasyPrint laid out (weasyprint.document.Page)

DEFAULT_PORT = 8765
DEFAULT_DPI = 80
PAGE_HTML = Path(__file__).with_name("preview.html")


# ------------------------------------------------------------------ what to watch


@dataclass(frozen=True)
class Watched:
    """The files whose change the preview follows, by kind."""

    root: Path
    issue: Path

    def kind(self, path: Path) -> str | None:
        """"article" (a Markdown file of the issue), "picture" (another file of the issue),
        "platform", "layout" (layouts, fonts, notespress.yaml, issue.yaml), or None for a
        file the build does not read (the build folder, editors' backup files)."""
        try:
            relative = path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return None
        parts = relative.parts
        name = path.name
        if not parts or any(p.startswith(".") for p in parts) or name.endswith("~") or (
                name.startswith("#") or name.endswith((".swp", ".tmp", ".part"))):
            return None
        if parts[0] == "build":
            return None
        if parts == ("notespress.yaml",) or parts[0] in ("layouts", "fonts"):
            return "layout"
        if parts[0] == "platform":
            return "platform"
        if path.resolve().is_relative_to(self.issue.resolve()):
            if name == "issue.yaml":
                return "layout"
            here = path.parent.resolve() == self.issue.resolve()
            return "article" if path.suffix == ".md" and here else "picture"
        if parts[0] != "issues" and path.suffix == ".md":  # a platform kept elsewhere
            return "platform"
        return None


def watch_changes(watched: Watched, stop: threading.Event | None = None
                  ) -> Iterator[set[Path]]:
    """The changed files the build reads, each time some change (grouped: a save that
    writes and renames is one change)."""
    import watchfiles

    def keep(_: Any, path: str) -> bool:
        return watched.kind(Path(path)) is not None

    for changes in watchfiles.watch(watched.root, watch_filter=keep, debounce=800,
                                    step=40, stop_event=stop, yield_on_timeout=False,
                                    rust_timeout=1000):
        paths = {Path(path) for _, path in changes}
        if paths:
            yield paths


# ------------------------------------------------------------------ the preview's state


@dataclass(frozen=True)
class PageImage:
    number: int  # 1-based
    version: int  # changes whenever the picture does
    file: Path
    width: int
    height: int


@dataclass(frozen=True)
class State:
    build: int = 0  # how many builds (good or failed) have finished
    pages: tuple[PageImage, ...] = ()
    errors: tuple[str, ...] = ()
    seconds: float = 0.0  # the last build's time, from the change seen to the pictures made
    how: str = ""  # "full", "articles", or "" before the first build
    provisional: bool = False  # page numbers after a changed article are being redone
    rtl: bool = False
    changed: tuple[int, ...] = ()  # the pages whose picture changed in the last build

    def as_json(self) -> dict[str, Any]:
        return {"build": self.build, "errors": list(self.errors), "seconds": self.seconds,
                "how": self.how, "provisional": self.provisional, "rtl": self.rtl,
                "changed": list(self.changed),
                "pages": [{"number": p.number, "version": p.version, "width": p.width,
                           "height": p.height} for p in self.pages]}


@dataclass
class _Layout:
    """The laid-out pages the preview shows, and what they were made from."""

    pub: Publication
    issue: Issue
    pages: list[Page]  # maybe from several layouts
    signatures: list[tuple[Any, ...]]
    rendered: LaidOut  # one of the layouts (any will do to write the pages)
    starts: dict[str, int] = field(default_factory=dict)  # anchor -> first page index
    opens_page: dict[str, bool] = field(default_factory=dict)  # anchor -> at a page's top


class Previewer:
    """Lays the issue out after each change and keeps the pictures of its pages."""

    def __init__(self, root: Path, issue_ref: str, *, dpi: int = DEFAULT_DPI,
                 out_dir: Path | None = None) -> None:
        from .listing import issue_folder

        self.root = root.resolve()
        self.issue_ref = issue_ref
        self.folder = issue_folder(self.root, issue_ref)
        self.watched = Watched(self.root, self.folder)
        self.dpi = dpi
        self.out_dir = out_dir or self.root / "build" / ".preview" / self.folder.name
        self.pictures = self.out_dir / "pages"
        self.state = State()
        self.state_changed = threading.Condition()  # notified with each new state
        self._layout: _Layout | None = None
        self._version = 0
        self._lock = threading.Lock()  # one layout or PDF at a time
        self._pdf_for: int | None = None
        self._images: list[PageImage] = []

    # the build

    def rebuild(self, changes: set[Path] | None = None, started: float | None = None,
                whole: bool = False) -> State:
        """Lay the issue out again after `changes` (None: anything may have changed), or
        all of it with `whole` (after a provisional layout), make pictures of the pages that
        changed, and publish the new state; on an error, publish the errors and keep the
        pages."""
        from . import adapter

        started = started or time.perf_counter()
        with self._lock:
            try:
                pub, issue = adapter.load(self.root, self.issue_ref)
                layout, how, provisional, redraw = self._lay_out(pub, issue, changes, whole)
                changed = self._pictures(layout, redraw)
            except NotespressError as exc:
                return self._publish(errors=tuple(str(p) for p in exc.problems if p.is_error),
                                     started=started)
            except Exception as exc:  # a bug: shown, and the preview goes on
                return self._publish(errors=(f"internal error: {type(exc).__name__}: {exc}",),
                                     started=started)
            self._layout = layout
            from .typography import is_rtl

            return self._publish(errors=(), started=started, how=how,
                                 provisional=provisional, changed=changed,
                                 rtl=is_rtl(issue.lang))

    def _publish(self, *, errors: tuple[str, ...], started: float, how: str = "",
                 provisional: bool = False, changed: tuple[int, ...] = (),
                 rtl: bool | None = None) -> State:
        with self.state_changed:
            old = self.state
            self.state = State(build=old.build + 1, pages=tuple(self._images), errors=errors,
                               seconds=round(time.perf_counter() - started, 3),
                               how=how or old.how, provisional=provisional,
                               rtl=old.rtl if rtl is None else rtl, changed=changed)
            self.state_changed.notify_all()
            return self.state

    def _lay_out(self, pub: Publication, issue: Issue, changes: set[Path] | None,
                 whole: bool = False) -> tuple[_Layout, str, bool, bool]:
        """The new layout, how it was made ("full", "articles", or "draft" when articles run
        on and the changed ones were laid out alone), whether its page numbers
        after a changed article are provisional, and whether every picture must be made
        again (a layout, font or setting changed: the same text may look different)."""
        from . import adapter

        old = self._layout
        kinds: set[str | None] = ({self.watched.kind(p) for p in changes}
                                  if changes is not None else {"layout"})
        redraw = old is None or "layout" in kinds
        parts = None
        if old is not None and not redraw and not whole:
            try:
                parts = self._parts(old, pub, issue, changes or set(), kinds)
            except _CannotSplit:
                parts = None
        if old is None or parts is None:
            rendered = adapter.lay_out(pub, adapter.assemble_issue(pub, issue))
            pages = list(rendered.document.pages)
            return (_Layout(pub, issue, pages, [page_signature(p) for p in pages], rendered,
                            anchors(pages), opening(pages)), "full", False, redraw)
        pages = list(old.pages)
        signatures = list(old.signatures)
        rendered = old.rendered
        moved = False
        for start, end, new in sorted(parts, key=lambda part: -part[0]):
            new_pages = list(new.document.pages)
            pages[start:end] = new_pages
            signatures[start:end] = [page_signature(p) for p in new_pages]
            moved = moved or len(new_pages) != end - start
            rendered = new
        draft = issue.production.article_start == "any"  # (see _drafts)
        return (_Layout(pub, issue, pages, signatures, rendered, anchors(pages), opening(pages)),
                "draft" if draft else "articles", moved or draft, False)

    def _parts(self, old: _Layout, pub: Publication, issue: Issue, changes: set[Path],
               kinds: set[str | None]) -> list[tuple[int, int, LaidOut]] | None:
        """The parts to lay out again, as (first page index, end index, new layout), or
        None when the whole issue must be laid out again."""
        from . import adapter

        if (pub != old.pub or _issue_key(issue) != _issue_key(old.issue)
                or not adapter.lays_out_parts(self.root)):
            return None
        changed = self._changed_articles(old.issue, issue, changes)
        if issue.production.article_start == "any":
            return self._drafts(old, pub, issue, changed)
        toc = [(a.slug, a.title, a.author, a.lang) for a in issue.articles]
        old_toc = [(a.slug, a.title, a.author, a.lang) for a in old.issue.articles]
        starts = old.starts
        slugs = [a.slug for a in issue.articles]
        if (slugs != [a.slug for a in old.issue.articles] or any(s not in starts for s in slugs)
                or len(changed) > max(2, len(slugs) // 2)):
            return None  # articles added, removed or reordered; or most of them changed
        ends = {slug: starts[slugs[index + 1]] if index + 1 < len(slugs)
                else starts.get("platform", len(old.pages)) for index, slug in enumerate(slugs)}
        parts = []
        cover = toc != old_toc or issue.articles[0] in changed
        for article in changed:
            if article.slug == slugs[0]:
                continue
            start, end = starts[article.slug], ends[article.slug]
            if end <= start or (article.slug == slugs[-1] and "platform" not in starts):
                return None  # it runs on after another, or the colophon follows it
            parts.append((start, end, self._article_part(pub, issue, article, start)))
        if cover:
            toc_pages = {slug: starts[slug] + 1 for slug in slugs}
            if "platform" in starts:
                toc_pages["platform"] = starts["platform"] + 1
            assembled = adapter.assemble_issue(pub, issue, part="cover", toc_pages=toc_pages)
            end = ends[slugs[0]]
            parts.append((0, end, adapter.lay_out(pub, assembled)))
        if "platform" in kinds:
            if "platform" not in starts:
                return None
            start = starts["platform"]
            assembled = adapter.assemble_issue(pub, issue, part="back", first_page=start + 1)
            parts.append((start, len(old.pages), adapter.lay_out(pub, assembled)))
        if not parts and "picture" in kinds:
            return None  # a picture no article shows (the layouts' own, maybe)
        return parts

    def _drafts(self, old: _Layout, pub: Publication, issue: Issue, changed: list[Article]
                ) -> list[tuple[int, int, LaidOut]] | None:
        """Articles that run on after one another move each other: a changed article is laid
        out on its own, from the page where it starts, and shown at once in place of the
        pages it had (a draft: the article before it and the one after are not on those
        pages); the whole issue is laid out right after (the state is provisional)."""
        slugs = [a.slug for a in issue.articles]
        starts = old.starts
        if (slugs != [a.slug for a in old.issue.articles] or not changed
                or any(s not in starts for s in slugs) or len(changed) > 2):
            return None
        parts = []
        for article in changed:
            index = slugs.index(article.slug)
            following = (slugs[index + 1] if index + 1 < len(slugs)
                         else "platform" if "platform" in starts else None)
            if following is None:
                return None
            start = starts[article.slug]
            end = starts[following] + (0 if old.opens_page.get(following) else 1)
            parts.append((start, max(end, start + 1),
                          self._article_part(pub, issue, article, start)))
        if any(a[0] < b[1] and b[0] < a[1] for a, b in itertools.combinations(parts, 2)):
            return None  # two changed articles on the same pages: the whole issue
        return parts

    def _changed_articles(self, old: Issue, issue: Issue, changes: set[Path]) -> list[Article]:
        """The articles whose text changed, then those that show a picture that changed."""
        before = {a.slug: a for a in old.articles}
        changed = [a for a in issue.articles if a != before.get(a.slug)]
        pictures = {p.resolve() for p in changes if self.watched.kind(p) == "picture"}
        return changed + [a for a in issue.articles if a not in changed
                          and any(ref.path.resolve() in pictures for ref in a.images)]

    def _article_part(self, pub: Publication, issue: Issue, article: Article, start: int
                      ) -> LaidOut:
        """One article laid out on its own from page `start` (0-based): the layouts' back
        part (which continues an issue at a given page) with the article in its body."""
        from . import adapter

        back = adapter.assemble_issue(pub, issue, part="back", first_page=start + 1)
        whole = adapter.assemble_issue(pub, issue)
        element = article_element(whole.html, article.slug)
        body = re.search(r"<body\b[^>]*>", back.html)
        close = back.html.rfind("</body>")
        if element is None or body is None or close < 0:
            raise _CannotSplit
        html = back.html[:body.end()] + "\n" + element + "\n" + back.html[close:]
        rendered = adapter.lay_out(pub, dataclasses.replace(back, html=html))
        first = rendered.document.pages[0] if rendered.document.pages else None
        if first is None or article.slug not in first.anchors:
            raise _CannotSplit
        return rendered

    # the pictures

    def _pictures(self, layout: _Layout, redraw: bool) -> tuple[int, ...]:
        """Make pictures of the pages whose drawing changed; return their numbers."""
        from . import adapter

        old = {(i, sig): image for i, (sig, image) in enumerate(zip(
            self._layout.signatures if self._layout else [], self._images, strict=False))}
        todo = [i for i, sig in enumerate(layout.signatures)
                if redraw or (i, sig) not in old]
        self.pictures.mkdir(parents=True, exist_ok=True)
        made: dict[int, PageImage] = {}
        if todo:
            subset = self.out_dir / "changed.pdf"
            adapter.write_screen_pdf(layout.rendered, [layout.pages[i] for i in todo], subset)
            files = rasterize(subset, self.pictures / "new", self.dpi, len(todo))
            for index, file in zip(todo, files, strict=True):
                self._version += 1
                target = self.pictures / f"page-{index + 1}-{self._version}.png"
                file.replace(target)
                width, height = _png_size(target)
                made[index] = PageImage(index + 1, self._version, target, width, height)
        images = [made.get(i) or old[(i, sig)] for i, sig in enumerate(layout.signatures)]
        keep = {image.file for image in images}
        for stale in self.pictures.glob("page-*.png"):
            if stale not in keep:
                stale.unlink(missing_ok=True)
        self._images = images
        return tuple(i + 1 for i in sorted(made))

    def write_pdf(self) -> Path | None:
        """The pages shown, as one PDF (made when asked for, then kept until they change)."""
        from . import adapter

        with self._lock:
            layout = self._layout
            if layout is None:
                return None
            target = self.out_dir / f"{self.folder.name}-preview.pdf"
            if self._pdf_for != id(layout) or not target.is_file():
                adapter.write_screen_pdf(layout.rendered, layout.pages, target)
                self._pdf_for = id(layout)
            return target

    def collect_garbage(self) -> None:
        """Collect now what the last layouts left (between two layouts: while the editor
        reads, not at the start of the next layout)."""
        from . import adapter

        with self._lock:
            adapter.collect_garbage()

    def wait(self, after: int, timeout: float) -> State:
        """The state once build number `after` is passed (or the timeout)."""
        with self.state_changed:
            self.state_changed.wait_for(lambda: self.state.build > after, timeout=timeout)
            return self.state


class _CannotSplit(NotespressError):
    def __init__(self) -> None:
        super().__init__(Problem(None, "the layouts cannot lay out one article on its own"))


def _issue_key(issue: Issue) -> tuple[Any, ...]:
    """What of an issue besides its articles' text changes every page."""
    return tuple(getattr(issue, f.name) for f in dataclasses.fields(issue)
                 if f.name not in ("articles", "warnings"))


def article_element(html: str, slug: str) -> str | None:
    """The `<article ... id="slug">...</article>` element of the assembled issue."""
    start = re.search(rf'<article\b[^>]*\bid="{re.escape(slug)}"', html)
    if start is None:
        return None
    depth, position = 0, start.start()
    for tag in re.finditer(r"<(/?)article\b", html[position:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = html.index(">", position + tag.end()) + 1
            return html[position:end]
    return None


def anchors(pages: list[Page]) -> dict[str, int]:
    """The first page (0-based) of each anchor (an article's id, 'platform'...)."""
    where: dict[str, int] = {}
    for index, page in enumerate(pages):
        for name in page.anchors:
            where.setdefault(name, index)
    return where


def opening(pages: list[Page]) -> dict[str, bool]:
    """Whether each anchor begins at the top of its first page."""
    from .compat import page_box

    found: dict[str, bool] = {}
    for page in pages:
        top = page_box(page).content_box_y() + 2
        for name, (_, y, *_) in page.anchors.items():
            found.setdefault(name, y <= top)
    return found


def page_signature(page: Page) -> tuple[Any, ...]:
    """What a laid-out page draws, compared between two layouts: every box's kind, place and
    size, its text, and the picture it shows."""
    out: list[Any] = []
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        text = getattr(box, "text", None)
        element = getattr(box, "element", None)
        source = element.get("src") if element is not None and hasattr(
            box, "replacement") else None
        out.append((type(box).__name__, round(box.position_x, 2), round(box.position_y, 2),
                    round(box.width or 0, 2), round(box.height or 0, 2), text, source))
        children = getattr(box, "children", None)
        if children:
            stack.extend(reversed(children))
    return tuple(out)


def rasterize(pdf: Path, prefix: Path, dpi: int, pages: int) -> list[Path]:
    """Each page of `pdf` as a PNG (pdftoppm), on both cores when there are several."""
    import os

    for old in prefix.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    if shutil.which("pdftoppm") is None:
        raise NotespressError(Problem(None, "pdftoppm is not installed (apt-get install "
                                      "poppler-utils): the preview needs it"))
    workers = min(pages, os.cpu_count() or 1, 4)
    size = -(-pages // workers)
    runs = []
    for first in range(1, pages + 1, size):
        last = min(pages, first + size - 1)
        runs.append(subprocess.Popen(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", str(first), "-l", str(last),
             str(pdf), str(prefix)], stderr=subprocess.PIPE))
    for run in runs:
        _, err = run.communicate()
        if run.returncode:
            raise NotespressError(Problem(pdf, f"pdftoppm failed: {err.decode()[:200]}"))
    made = sorted(prefix.parent.glob(f"{prefix.name}-*.png"),
                  key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if len(made) != pages:
        raise NotespressError(Problem(pdf, f"pdftoppm made {len(made)} pictures of {pages} "
                                      "pages"))
    return made


def _png_size(path: Path) -> tuple[int, int]:
    with open(path, "rb") as handle:
        head = handle.read(24)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


# ------------------------------------------------------------------ the local web page


class _Handler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "notespress-preview"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").lower()
        if host not in self.server.hosts:  # another site's page reaching here through its name
            self._send(403, b"forbidden", "text/plain")
            return
        path = urlsplit(self.path).path
        previewer = self.server.previewer
        if path == "/":
            self._send(200, PAGE_HTML.read_bytes(), "text/html; charset=utf-8")
        elif path == "/state.json":
            body = json.dumps(previewer.state.as_json()).encode()
            self._send(200, body, "application/json")
        elif path == "/events":
            self._events()
        elif (match := re.fullmatch(r"/pages/(\d+)\.png", path)) is not None:
            number = int(match.group(1))
            pages = previewer.state.pages
            if not 1 <= number <= len(pages):
                self._send(404, b"no such page", "text/plain")
                return
            try:
                data = pages[number - 1].file.read_bytes()
            except OSError:
                self._send(404, b"no such page", "text/plain")
                return
            self._send(200, data, "image/png", cache="max-age=31536000, immutable")
        elif path == "/preview.pdf":
            try:
                pdf = previewer.write_pdf()
            except NotespressError as exc:
                self._send(500, str(exc).encode(), "text/plain; charset=utf-8")
                return
            if pdf is None:
                self._send(404, b"not built yet", "text/plain")
                return
            self._send(200, pdf.read_bytes(), "application/pdf")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, kind: str, cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while not self.server.stopping.is_set():
                state = self.server.previewer.wait(seen, timeout=15)
                if state.build > seen:
                    seen = state.build
                    self.wfile.write(f"data: {json.dumps(state.as_json())}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


class PreviewServer(http.server.ThreadingHTTPServer):
    """The preview's web page, on `host`:`port`; it answers only requests addressed to it by
    one of its own names (`hosts`), so that another site cannot read it through DNS."""

    daemon_threads = True

    def __init__(self, previewer: Previewer, host: str, port: int) -> None:
        self.previewer = previewer
        self.stopping = threading.Event()
        super().__init__((host, port), _Handler)
        address, self.port = self.server_address[0], self.server_address[1]
        self.address = address if isinstance(address, str) else bytes(address).decode()
        names = {host, "127.0.0.1", "localhost", "[::1]"} if host in (
            "127.0.0.1", "localhost", "::1") else {host}
        self.hosts = frozenset(f"{name}:{self.port}".lower() for name in names)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("127.0.0.1", "0.0.0.0") else self.address
        return f"http://{host}:{self.port}/"


@dataclass
class Running:
    """A preview running in this process: its server and its builder."""

    previewer: Previewer
    server: PreviewServer
    stop: threading.Event
    threads: list[threading.Thread]

    @property
    def url(self) -> str:
        return self.server.url

    def close(self) -> None:
        self.stop.set()
        self.server.stopping.set()
        with self.previewer.state_changed:
            self.previewer.state_changed.notify_all()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def start_preview(root: Path, issue_ref: str, *, host: str = "127.0.0.1",
                  port: int = DEFAULT_PORT, dpi: int = DEFAULT_DPI,
                  on_build: Callable[[State], None] | None = None) -> Running:
    """Lay the issue out, then serve the preview and follow changes, in background threads
    of this process; `close()` stops it all."""
    from . import adapter

    previewer = Previewer(root, issue_ref, dpi=dpi)
    adapter.import_renderer()
    try:
        server = PreviewServer(previewer, host, port)
    except OSError as exc:
        raise NotespressError(Problem(None, f"cannot listen on {host}:{port} ({exc.strerror})"
                                      ": another preview may be running; choose another "
                                      "port with --port")) from None
    stop = threading.Event()
    pending: set[Path] = set()
    first_seen = [0.0]
    wake = threading.Condition()

    def watcher() -> None:
        with contextlib.suppress(Exception):
            for paths in watch_changes(previewer.watched, stop):
                with wake:
                    if not pending:
                        first_seen[0] = time.perf_counter()
                    pending.update(paths)
                    wake.notify_all()

    def builder() -> None:
        state = previewer.rebuild(None)
        if on_build:
            on_build(state)
        previewer.collect_garbage()
        while not stop.is_set():
            with wake:
                if not pending and not previewer.state.provisional:
                    wake.wait(timeout=0.5)
                changes, started = set(pending), first_seen[0]
                pending.clear()
            if changes:
                state = previewer.rebuild(changes, started=started)
            elif previewer.state.provisional and not stop.is_set():
                # the page numbers after an article that grew or shrank
                state = previewer.rebuild(set(), whole=True)
            else:
                continue
            if on_build:
                on_build(state)
            if not pending:  # while the editor reads: not at the start of the next layout
                previewer.collect_garbage()

    threads = [threading.Thread(target=target, name=name, daemon=True)
               for name, target in (("preview-watch", watcher), ("preview-build", builder),
                                    ("preview-serve", server.serve_forever))]
    for thread in threads:
        thread.start()
    return Running(previewer=previewer, server=server, stop=stop, threads=threads)


# ------------------------------------------------------------------ watch: real builds


def watch_builds(root: Path, issue_ref: str, *, editions: Iterable[str] | None = None,
                 report: Callable[[BuildResult | NotespressError], None],
                 stop: threading.Event | None = None) -> None:
    """Build the issue's editions now and after every change, until `stop` (or Ctrl-C);
    `report` gets each BuildResult or NotespressError."""
    from . import adapter
    from .listing import issue_folder

    root = root.resolve()
    watched = Watched(root, issue_folder(root, issue_ref))

    def once() -> None:
        try:
            report(adapter.build_editions(root, issue_ref, editions=editions))
        except NotespressError as exc:
            report(exc)

    once()
    for _ in watch_changes(watched, stop):
        once()
