"""Saddle-stitch imposition: pages two-up on sheets, in printer's spread order.

A booklet of N pages (N a multiple of 4) is printed on N/4 sheets, both sides. Sheet k (from
the outside in, 0-based) carries on its front N-2k (left) and 2k+1 (right), on its back 2k+2
(left) and N-2k-1 (right). Sheets are landscape, twice the page's width: printed double-sided
with "flip on short edge", stacked in order, folded and stapled, they read 1..N.

For right-to-left booklets (binding on the right) the halves of every side swap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

MM = 72 / 25.4


@dataclass(frozen=True)
class Side:
    left: int  # 1-based page numbers
    right: int


def spread_order(pages: int, rtl: bool = False) -> list[Side]:
    """Both sides of every sheet, outside sheet first: front, back, front, back..."""
    if pages % 4:
        raise ValueError(f"a booklet needs a multiple of 4 pages, not {pages}")
    sides: list[Side] = []
    for k in range(pages // 4):
        front = Side(left=pages - 2 * k, right=2 * k + 1)
        back = Side(left=2 * k + 2, right=pages - 2 * k - 1)
        for side in (front, back):
            sides.append(Side(side.right, side.left) if rtl else side)
    return sides


def impose(source: Path, target: Path, *, rtl: bool = False, creep_mm: float = 0.0) -> int:
    """Write the booklet of `source` (trim-size pages) to `target`; return the sheet count.

    `creep_mm` is the paper thickness to compensate per sheet: pages of inner sheets are moved
    toward the spine by half that much for each sheet outside them, so the outer margins stay
    even once the folded booklet is trimmed.
    """
    reader = PdfReader(source)
    count = len(reader.pages)
    first = reader.pages[0]
    width = float(first.trimbox.width)
    height = float(first.trimbox.height)
    writer = PdfWriter()
    sides = spread_order(count, rtl)
    for index, side in enumerate(sides):
        sheet = PageObject.create_blank_page(width=2 * width, height=height)
        sheet_number = index // 2
        shift = creep_mm * MM * sheet_number / 2
        for slot, number in enumerate((side.left, side.right)):
            page = reader.pages[number - 1]
            box = page.trimbox
            inward = shift if slot == 0 else -shift  # toward the fold in the middle
            tx = slot * width - float(box.left) + inward
            ty = -float(box.bottom)
            page.mediabox = page.trimbox  # crop marks and bleed stay off the sheet
            page.cropbox = page.trimbox
            sheet.merge_transformed_page(page, Transformation().translate(tx, ty), over=True)
        writer.add_page(sheet)
    writer.add_metadata({k: v for k, v in (reader.metadata or {}).items()
                         if isinstance(v, str)})
    with open(target, "wb") as handle:
        writer.write(handle)
    return len(sides) // 2
