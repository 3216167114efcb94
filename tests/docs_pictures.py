"""The pictures of the editors' docs (docs/pictures/*.png): each example as it prints.

    python3 -m tests.docs_pictures                 # from the repository's root: every picture
    python3 -m tests.docs_pictures footnotes boxes # only these examples
    python3 -m tests.docs_pictures --out /tmp/pictures

Each example of docs/*.md (see tests/docs_examples.py) is built in a fresh publication made by
`notespress init`, with the default layouts and fonts; the page where it lands in the screen
edition is drawn by pdftoppm, and the picture is cut from it:

- ``show=body``: the article below its title, down to the folio; bands of empty paper (the
  space between the text and the footnotes) are left out and marked by a dotted line;
- ``show=head``: the same with the article's title, deck and byline;
- ``show=cover``: the whole first page, smaller;
- ``show=back``: the last pages, smaller, side by side: the pages added before the platform
  (the house pages) and the platform's pages, the back page last.

The article's title is found from its words (pdftotext -bbox: the largest words that spell
it), the folio from the page number at the foot. The same docs and the same notespress give
the same pictures, byte for byte. Pictures of examples that are gone are removed.
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from .docs_examples import PICTURES, Example, examples, publications

DPI = 110  # body text of 9.5-10.5 pt is 15 pixels high: readable at its own size
COVER_DPI = 60  # a whole page: its layout, the larger type readable
PAD = 12  # pixels of paper kept around what is shown
GAP = 36  # a band of empty paper at least this high (pixels) is cut out
CUT = 22  # the height of the mark left where paper was cut out
WHITE = 246  # a pixel lighter than this in every channel is paper
COLOURS = 96  # the palette of a picture (text, rules and the accent need few)
GROUND = (225, 225, 225)  # around pages shown side by side
LIMIT = 90_000  # bytes: a picture of the docs stays under it (tests/test_docs.py: 100 kB)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def words(pdf: Path, page: int) -> tuple[list[Word], float, float]:
    """The words of one page (in points from the top left) and the page's size."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                          "-"], capture_output=True, text=True, check=True).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    assert size, f"no page {page} in {pdf}"
    found = [Word(html.unescape(m.group(5)), *(float(m.group(i)) for i in range(1, 5)))
             for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                  r'yMax="([\d.]+)">(.*?)</word>', out)]
    return found, float(size.group(1)), float(size.group(2))


def draw(pdf: Path, page: int, dpi: int) -> Image.Image:
    with tempfile.TemporaryDirectory() as scratch:
        stem = Path(scratch) / "page"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-singlefile", "-png", str(pdf), str(stem)], check=True)
        with Image.open(stem.with_suffix(".png")) as image:
            return image.convert("RGB")


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def title_box(found: list[Word], title: str) -> tuple[float, float] | None:
    """The top and bottom (points) of the article's title: the page's largest words that
    spell it (in any order: pdftotext gives right-to-left words in the order they are seen,
    their letters reversed)."""
    wanted = [_key(w) for w in title.split() if _key(w)]
    for height in sorted({round(w.height, 1) for w in found}, reverse=True):
        picked: list[Word] = []
        left = list(wanted)
        for word in found:
            if abs(word.height - height) >= 0.6:
                continue
            key = _key(word.text)
            for form in (key, key[::-1]):
                if form in left:
                    left.remove(form)
                    picked.append(word)
                    break
        if not left:
            return min(w.y0 for w in picked), max(w.y1 for w in picked)
    return None


def folio_top(found: list[Word], page: int, height: float) -> float:
    """The top (points) of the page number at the foot of the page, or the foot itself."""
    digits = {str(page), str(page).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))}
    folios = [w for w in found if w.text in digits and w.y0 > 0.85 * height]
    return min((w.y0 for w in folios), default=height)


def bands(image: Image.Image, top: int, bottom: int) -> list[tuple[int, int]]:
    """The rows of `image` between top and bottom that hold something, as (first, end) bands
    separated by at least GAP rows of paper."""
    gray = image.convert("L").crop((0, top, image.width, bottom))
    ink = gray.point(lambda v: 255 if v < WHITE else 0)
    rows = [i for i in range(gray.height) if ink.crop((0, i, gray.width, i + 1)).getbbox()]
    found: list[tuple[int, int]] = []
    for row in rows:
        if found and row - found[-1][1] < GAP:
            found[-1] = (found[-1][0], row + 1)
        else:
            found.append((row, row + 1))
    return [(top + a, top + b) for a, b in found]


def cut(image: Image.Image, top: int, bottom: int) -> Image.Image:
    """What lies between two heights of the page: its bands of content stacked, each kept at
    its place across the page, the empty paper between them replaced by a dotted line."""
    found = bands(image, top, bottom)
    if not found:
        raise ValueError("nothing is printed there")
    ink = image.convert("L").point(lambda v: 255 if v < WHITE else 0)
    boxes = [ink.crop((0, a, image.width, b)).getbbox() for a, b in found]
    left = max(0, min(box[0] for box in boxes if box) - PAD)
    right = min(image.width, max(box[2] for box in boxes if box) + PAD)
    middle = image.width // 2  # what stays in one column is shown a column wide
    if right <= middle:
        right = middle
    elif left >= middle:
        left = middle
    pieces = [image.crop((left, max(top, a - PAD), right, min(bottom, b + PAD)))
              for a, b in found]
    height = sum(p.height for p in pieces) + CUT * (len(pieces) - 1)
    sheet = Image.new("RGB", (right - left, height), "white")
    y = 0
    pen = ImageDraw.Draw(sheet)
    for index, piece in enumerate(pieces):
        if index:
            middle = y + CUT // 2
            for x in range(PAD, sheet.width - PAD, 8):
                pen.line([(x, middle), (x + 3, middle)], fill=(150, 150, 150))
            y += CUT
        sheet.paste(piece, (0, y))
        y += piece.height
    return sheet


def article_pages(pdf: Path, slugs: list[str]) -> dict[str, tuple[int, int]]:
    """The first and last page of each article, from the PDF's named destinations (each
    article runs to the page before the next one, or before the platform)."""
    from notespress.listing import destination_pages

    starts, total = destination_pages(pdf, {*slugs, "platform"})
    order = sorted((page, slug) for slug, page in starts.items())
    ranges = {}
    for index, (page, slug) in enumerate(order):
        end = order[index + 1][0] - 1 if index + 1 < len(order) else total
        ranges[slug] = (page, max(page, end))
    return ranges


def side_by_side(pdf: Path, first: int, last: int, dpi: int) -> Image.Image:
    """Pages `first` to `last` of the PDF in a row, on a light gray ground."""
    drawn = [draw(pdf, page, dpi) for page in range(first, last + 1)]
    width, height = drawn[0].size
    sheet = Image.new("RGB", (len(drawn) * (width + PAD) + PAD, height + 2 * PAD), GROUND)
    for index, page in enumerate(drawn):
        sheet.paste(page, (PAD + index * (width + PAD), PAD))
    return sheet


def picture(example: Example, title: str, pdf: Path,
            pages: dict[str, tuple[int, int]], pad: int = 0) -> Image.Image:
    """The picture of one example, from the screen edition it was built in; `title` is the
    title of the article it shows, `pad` the number of pages the build added before the
    platform."""
    if example.show == "cover":
        return draw(pdf, 1, COVER_DPI)
    if example.show == "back":
        start, total = pages["platform"]
        return side_by_side(pdf, start - pad, total, COVER_DPI)
    slug = Path(example.file if example.is_article else f"{example.article}.md").stem
    from notespress.config import slugify

    first, last = pages[slugify(slug)]
    shown = [p for p in range(first, last + 1) if words(pdf, p)[0]]  # (blank versos)
    if len(shown) != 1:
        raise ValueError(f"{example.where}: example '{example.name}' takes {len(shown)} "
                         "pages; a picture shows one: shorten it")
    page = shown[0]
    found, _, height = words(pdf, page)
    image = draw(pdf, page, DPI)
    scale = DPI / 72
    box = title_box(found, title)
    if box is None:
        raise ValueError(f"{example.where}: the title '{title}' is not on page {page}")
    top = box[0] - 14 if example.show == "head" else box[1] + 2
    bottom = folio_top(found, page, height) - 2
    return cut(image, round(top * scale), round(bottom * scale))


def save(image: Image.Image, path: Path) -> None:
    """A small PNG: a palette of few colours, no dithering, nothing but the pixels; fewer
    colours for a picture with a photo or a drawing in it, until it is under LIMIT bytes."""
    import io

    path.parent.mkdir(parents=True, exist_ok=True)
    for colours in (COLOURS, 64, 48, 32):
        small = image.quantize(colours, method=Image.Quantize.MEDIANCUT,
                               dither=Image.Dither.NONE)
        data = io.BytesIO()
        small.save(data, format="PNG", optimize=True)
        if data.tell() < LIMIT:
            break
    path.write_bytes(data.getvalue())


def make(found: list[Example], out: Path, *, only: set[str] | None = None) -> list[Path]:
    """Build every example and write the pictures of those that show something (or of
    `only`); returns the files written."""
    from notespress.build import build

    titles = {e.name: e.title for e in found}
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        for issue in publications(found, Path(scratch)):
            wanted = [e for e in issue.examples if e.show != "none"
                      and (only is None or e.name in only)]
            if not wanted:
                continue
            result = build(issue.root, issue.name, editions=("screen",))
            errors = [str(w) for w in result.warnings if w.is_error]
            if errors:
                raise ValueError("\n".join(errors))
            pdf = result.output("screen").path
            slugs = [Path(e.file if e.is_article else f"{e.article}.md").stem
                     for e in issue.examples]
            pages = article_pages(pdf, slugs)
            for example in wanted:
                target = out / f"{example.name}.png"
                title = titles.get(example.name if example.is_article else example.article, "")
                save(picture(example, title, pdf, pages, result.pad), target)
                written.append(target)
                print(f"wrote {target}  ({target.stat().st_size // 1024} kB)")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only these examples (default: all)")
    parser.add_argument("--out", type=Path, default=PICTURES,
                        help="where the PNG files go (default: docs/pictures)")
    args = parser.parse_args(argv)
    found = examples()
    known = {e.name for e in found}
    unknown = sorted(set(args.names) - known)
    if unknown:
        print(f"no example named {', '.join(unknown)}", file=sys.stderr)
        return 2
    make(found, args.out, only=set(args.names) or None)
    if not args.names:  # pictures of examples that are gone, or that show nothing now
        shown = {f"{e.name}.png" for e in found if e.show != "none"}
        for stale in sorted(args.out.glob("*.png")):
            if stale.name not in shown:
                stale.unlink()
                print(f"removed {stale}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
