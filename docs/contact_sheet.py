"""A contact sheet of the demo issue: every page, as the reader sees the spreads.

    python3 docs/contact_sheet.py            # builds issue-12 (screen edition) if need be
    python3 docs/contact_sheet.py FILE.pdf [DPI]   # any PDF: FILE-sheet.png beside it

Writes docs/contact-sheet.png (page 1 alone, then 2-3, 4-5...) and docs/pages.png (the
cover and the first spread, for the README), from the screen edition rendered by poppler's
pdftoppm.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
DPI = 60  # (look at the pages themselves at 100 dpi: `python3 docs/contact_sheet.py X.pdf 100`)
GAP, SPINE, MARGIN = 28, 2, 24
BACKGROUND, SHADOW = (96, 96, 96), (70, 70, 70)


def pages_of(pdf: Path, dpi: int = DPI) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), f"{folder}/p"],
                       check=True)
        files = sorted(Path(folder).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [Image.open(f).convert("RGB") for f in files]


def spreads(count: int) -> list[tuple[int | None, int | None]]:
    """Reader spreads (0-based pages): the cover alone on the right, then 1-2, 3-4..."""
    out: list[tuple[int | None, int | None]] = [(None, 0)]
    for left in range(1, count, 2):
        out.append((left, left + 1 if left + 1 < count else None))
    return out


def sheet(pages: list[Image.Image], per_row: int = 4) -> Image.Image:
    """The pages as spreads, `per_row` spreads a row, on a gray ground."""
    width, height = pages[0].size
    rows = [spreads(len(pages))[i:i + per_row]
            for i in range(0, len(spreads(len(pages))), per_row)]
    spread_width = 2 * width + SPINE
    image = Image.new("RGB", (MARGIN * 2 + per_row * spread_width + (per_row - 1) * GAP,
                              MARGIN * 2 + len(rows) * height + (len(rows) - 1) * GAP),
                      BACKGROUND)
    draw = ImageDraw.Draw(image)
    for row_index, row in enumerate(rows):
        y = MARGIN + row_index * (height + GAP)
        for index, (left, right) in enumerate(row):
            x = MARGIN + index * (spread_width + GAP)
            for page, dx in ((left, 0), (right, width + SPINE)):
                if page is None:
                    continue
                draw.rectangle([x + dx + 4, y + 4, x + dx + width + 4, y + height + 4],
                               fill=SHADOW)
                image.paste(pages[page], (x + dx, y))
    return image


def demo_pdf() -> Path:
    """The demo issue's screen edition, built (in the checkout) when it is not there."""
    found = sorted((ROOT / "build" / "issue-12").glob("*-screen.pdf"))
    if not found:
        subprocess.run([sys.executable, "-m", "notespress", "build", "issue-12", "-e",
                        "screen", "--workspace", str(ROOT)], check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        found = sorted((ROOT / "build" / "issue-12").glob("*-screen.pdf"))
    return found[0]


def main(argv: list[str]) -> None:
    if argv:
        pdf = Path(argv[0])
        dpi = int(argv[1]) if len(argv) > 1 else DPI
        sheet(pages_of(pdf, dpi)).save(pdf.with_name(pdf.stem + "-sheet.png"), optimize=True)
        return
    pages = pages_of(demo_pdf())
    sheet(pages).quantize(colors=128, dither=Image.Dither.NONE).save(
        ROOT / "docs" / "contact-sheet.png", optimize=True)
    # the README's picture: the cover and the spread after it, sharper
    small = pages_of(demo_pdf(), 80)[:3]
    width, height = small[0].size
    front = Image.new("RGB", (MARGIN * 2 + 3 * width + GAP + SPINE, MARGIN * 2 + height),
                      BACKGROUND)
    front.paste(small[0], (MARGIN, MARGIN))
    front.paste(small[1], (MARGIN + width + GAP, MARGIN))
    front.paste(small[2], (MARGIN + 2 * width + GAP + SPINE, MARGIN))
    front.quantize(colors=128, dither=Image.Dither.NONE).save(ROOT / "docs" / "pages.png",
                                                              optimize=True)


if __name__ == "__main__":
    main(sys.argv[1:])
