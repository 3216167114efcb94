"""`notespress proof`: the whole issue on one picture, for the editorial meeting.

Every page of the screen edition as a reader sees the copy: page 1 alone, then the spreads
2-3, 4-5... (mirrored for a right-to-left issue), each page with its number and a band that
shows which article it belongs to, and below them the per-article table (words, pages,
pictures, reading time). Where each article falls is read from the PDF itself (its named
destinations), not from the build's internals. The sheet is laid out by WeasyPrint with the
publication's own fonts (so Persian titles are shaped and set right to left) and written as
build/<issue>/<name>-proof.png.
"""

from __future__ import annotations

import base64
import html
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import NotespressError, Problem
from .listing import ArticleStats, article_table, destination_pages, pages_filled
from .markup_bidi import bidi_html

THUMB_HEIGHT = 300  # CSS px, one per pixel of the sheet
SPREADS_PER_ROW = 4
COLOURS = ("#c0392b", "#2874a6", "#1e8449", "#b9770e", "#7d3c98", "#117a65", "#a04000",
           "#2e4053", "#b03a2e", "#1f618d")


@dataclass(frozen=True)
class PageRole:
    number: int  # 1-based
    kind: str  # "cover", "article", "padding", "platform", "back"
    article: int | None = None  # index in the rows (the first article on the page)
    first: bool = False  # the article (or part) starts on this page
    articles: tuple[int, ...] = ()  # every article on the page (articles run on)
    opening: tuple[int, ...] = ()  # the articles that start on the page


@dataclass(frozen=True)
class Proof:
    image: Path
    pdf: Path
    pages: int
    rows: tuple[ArticleStats, ...]


def page_roles(pdf: Path, rows: list[ArticleStats], pad: int) -> list[PageRole]:
    """What each page of the PDF is: which article, a padding page, the platform."""
    starts, total = destination_pages(pdf, {"platform"})
    platform = starts.get("platform")
    roles = []
    for number in range(1, total + 1):
        role = PageRole(number, "back")
        here = tuple(index for index, row in enumerate(rows)
                     if row.pages and row.pages[0] <= number <= row.pages[1])
        if here:
            opening = tuple(i for i in here if (rows[i].pages or (0, 0))[0] == number)
            role = PageRole(number, "article", here[0], here[0] in opening, here, opening)
        else:
            if platform is not None and platform - pad <= number < platform:
                role = PageRole(number, "padding")
            elif platform is not None and number >= platform:
                role = PageRole(number, "platform", first=number == platform)
        roles.append(role)
    return roles


def spreads(pages: int) -> list[list[int | None]]:
    """Reader spreads, left page first: [None, 1], [2, 3], ... [n, None] when n is even.
    (A right-to-left issue shows each spread mirrored.)"""
    out: list[list[int | None]] = [[None, 1]] if pages else []
    for left in range(2, pages + 1, 2):
        out.append([left, left + 1 if left + 1 <= pages else None])
    return out


def thumbnails(pdf: Path, folder: Path, height: int = THUMB_HEIGHT) -> list[Path]:
    """Each page of `pdf` as a PNG `height` pixels high (pdftoppm)."""
    if shutil.which("pdftoppm") is None:
        raise NotespressError(Problem(None, "pdftoppm is not installed (apt-get install "
                                      "poppler-utils): the proof sheet needs it"))
    done = subprocess.run(["pdftoppm", "-png", "-scale-to-y", str(height), "-scale-to-x",
                           "-1", str(pdf), str(folder / "p")], capture_output=True, text=True)
    if done.returncode:
        raise NotespressError(Problem(pdf, f"pdftoppm could not read it: {done.stderr[:200]}"))
    return sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def sheet_html(title: list[str], pictures: list[Path], roles: list[PageRole],
               rows: list[ArticleStats], *, rtl: bool, platform_title: str,
               table_header: list[str]) -> str:
    """The proof sheet as one HTML page; `title` is its heading's parts (each set in its own
    direction: a Persian title and a date side by side keep their order)."""
    from PIL import Image

    e = html.escape
    with Image.open(pictures[0]) as first:
        width, height = first.size
    row_width = SPREADS_PER_ROW * (2 * width + 40)
    lines = -(-len(spreads(len(pictures))) // SPREADS_PER_ROW)
    sheet_height = 160 + lines * (height + 120) + (len(rows) + 3) * 40 + 120
    parts = []
    for spread in spreads(len(pictures)):
        figures = []
        for number in spread:
            if number is None:
                figures.append(f'<div class="page none" style="width:{width}px"></div>')
                continue
            role = roles[number - 1]
            data = base64.b64encode(pictures[number - 1].read_bytes()).decode()
            colour, label = "#bbb", ""
            if role.kind == "article" and role.article is not None:
                articles = role.articles or (role.article,)
                colours = [COLOURS[i % len(COLOURS)] for i in articles]
                share = 100 / len(colours)  # articles that share the page share its band
                colour = "linear-gradient(to right, " + ", ".join(
                    f"{c} {k * share:.0f}%, {c} {(k + 1) * share:.0f}%"
                    for k, c in enumerate(colours)) + ")"
                label = " / ".join(f"{i + 1} · {bidi_html(rows[i].title, rows[i].lang)}"
                                   for i in (role.opening or ((role.article,) if role.first
                                                              else ())))
            elif role.kind == "padding":
                colour, label = "#ddd", "house page"
            elif role.kind == "platform":
                colour = "#555"
                label = bidi_html(platform_title) if role.first else ""
            figures.append(
                f'<div class="page" style="width:{width}px">'
                f'<div class="band" style="background:{colour}"></div>'
                f'<div class="label">{label}</div>'
                f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
                f'alt="page {number}"><div class="folio">{number}</div></div>')
        parts.append(f'<div class="spread">{"".join(figures)}</div>')
    cells = []
    for index, row in enumerate(rows, start=1):
        colour = COLOURS[(index - 1) % len(COLOURS)]
        cells.append(
            f'<tr><td class="n"><span class="swatch" style="background:{colour}"></span>'
            f'{index}</td><td lang="{e(row.lang)}">{bidi_html(row.title, row.lang)}</td>'
            f'<td>{bidi_html(row.author, row.lang)}</td><td class="n">{row.page_span("–")}</td>'
            f'<td class="n">{row.page_count or ""}</td><td class="n">{row.words:,}</td>'
            f'<td class="n">{row.pictures}</td><td class="n">{row.minutes} min</td></tr>')
    words = sum(r.words for r in rows)
    from .listing import reading_minutes

    cells.append(f'<tr class="total"><td></td><td>{len(rows)} articles</td><td></td><td></td>'
                 f'<td class="n">{pages_filled(rows)}</td>'
                 f'<td class="n">{words:,}</td><td class="n">{sum(r.pictures for r in rows)}'
                 f'</td><td class="n">{reading_minutes(words)} min</td></tr>')
    head = "".join(f"<th>{e(h)}</th>" for h in table_header)
    direction = "rtl" if rtl else "ltr"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(" · ".join(title))}</title><style>
@page {{ size: {row_width + 60}px {sheet_height}px; margin: 0; }}
html {{ font-family: "Lato", "Noto Naskh Arabic", sans-serif; font-size: 15px; }}
body {{ margin: 30px; width: {row_width}px; }}
h1 {{ font-size: 26px; margin: 0 0 24px; unicode-bidi: isolate; }}
.sheet {{ display: flex; flex-wrap: wrap; gap: 46px 40px; direction: {direction}; }}
.spread {{ display: flex; gap: 0; }}
.page {{ position: relative; }}
.page img {{ display: block; border: 1px solid #999; box-sizing: border-box; }}
.page.none {{ visibility: hidden; }}
.band {{ height: 8px; }}
.label {{ height: 36px; font: bold 13px/17px "Lato", "Noto Naskh Arabic", sans-serif;
          overflow: hidden; padding: 2px 4px 0; }}
.folio {{ text-align: center; font-size: 14px; margin-top: 4px; }}
table {{ border-collapse: collapse; margin-top: 36px; font-size: 16px; direction: ltr; }}
th, td {{ padding: 5px 12px; border-bottom: 1px solid #ccc; text-align: left; }}
td[dir="auto"] {{ unicode-bidi: plaintext; }}
th {{ border-bottom: 2px solid #000; }}
.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.total td {{ border-bottom: none; border-top: 2px solid #000; font-weight: bold; }}
.swatch {{ display: inline-block; width: 12px; height: 12px; margin-right: 8px; }}
</style></head><body>
<h1>{" · ".join(f"<bdi>{e(part)}</bdi>" for part in title)}</h1>
<div class="sheet">{"".join(parts)}</div>
<table><thead><tr>{head}</tr></thead><tbody>{"".join(cells)}</tbody></table>
</body></html>"""


def make_proof(root: Path, issue_ref: str, *, force: bool = False) -> Proof:
    """Build the issue if it is not up to date, then write its proof sheet."""
    from . import adapter
    from .listing import issue_folder
    from .manifest import read_manifest, recorded_sections
    from .typography import is_rtl

    root = root.resolve()
    folder = issue_folder(root, issue_ref)
    screen = _screen_edition(root, issue_ref, force)
    out_dir = root / "build" / folder.name
    manifest = read_manifest(out_dir)
    pad = int(manifest.get("pad", 0))
    rows = article_table(folder, screen, pad, recorded_sections(manifest))
    pub, issue = adapter.load(root, issue_ref)
    roles = page_roles(screen, rows, pad)
    stem = screen.name.removesuffix(".pdf").removesuffix("-screen")
    target = out_dir / f"{stem}-proof.png"
    title = [f"{pub.name} No. {issue.number}", *([issue.title] if issue.title else []),
             issue.date.isoformat(), f"{len(roles)} pages"]
    with tempfile.TemporaryDirectory(prefix=".proof-", dir=out_dir) as tmp:
        pictures = thumbnails(screen, Path(tmp))
        markup = sheet_html(title, pictures, roles, rows, rtl=is_rtl(issue.lang),
                            platform_title=pub.platform_title or "Platform",
                            table_header=["#", "article", "author", "pages", "count", "words",
                                          "pictures", "reading"])
        _write_sheet(root, markup, Path(tmp), target)
    return Proof(image=target, pdf=screen, pages=len(roles), rows=tuple(rows))


def _screen_edition(root: Path, issue_ref: str, force: bool) -> Path:
    """The issue's screen edition, built if the issue is not up to date (and built alone
    when the issue's editions leave it out)."""
    from . import adapter

    result = adapter.build_editions(root, issue_ref, force=force)
    screen = next((o for o in result.outputs if o.kind == "screen"), None)
    if screen is None:
        result = adapter.build_editions(root, issue_ref, editions=("screen",), force=force)
        screen = next(o for o in result.outputs if o.kind == "screen")
    return screen.path


def _write_sheet(root: Path, markup: str, folder: Path, target: Path) -> None:
    """Lay the sheet out (in `folder`) and write it to `target` as one PNG."""
    from . import adapter

    sheet_pdf = folder / "proof.pdf"
    adapter.render_page(root, markup, sheet_pdf)
    done = subprocess.run(["pdftoppm", "-png", "-r", "96", "-singlefile", str(sheet_pdf),
                           str(folder / "sheet")], capture_output=True, text=True)
    if done.returncode:
        raise NotespressError(Problem(sheet_pdf, f"pdftoppm: {done.stderr[:200]}"))
    _crop(folder / "sheet.png", target)


def _crop(source: Path, target: Path) -> None:
    """The sheet without the empty page below it."""
    from PIL import Image, ImageChops

    from .files import atomic_path

    with Image.open(source) as image:
        sheet = image.convert("RGB")
    background = Image.new("RGB", sheet.size, (255, 255, 255))
    box = ImageChops.difference(sheet, background).getbbox()
    if box:
        sheet = sheet.crop((0, 0, sheet.width, min(sheet.height, box[3] + 30)))
    with atomic_path(target) as tmp:
        sheet.save(tmp, "PNG", optimize=True)
