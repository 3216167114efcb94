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

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    StreamObject,
)

from .production import MM


@dataclass(frozen=True)
class Side:
    """One side of a booklet sheet: the pages on its left and right halves."""

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
    """Write the booklet of `source` to `target`; return the sheet count.

    Each page becomes a form XObject whose bounding box is its trim box (so its bleed and crop
    marks are clipped away), drawn on its half of the sheet: nothing is re-parsed or copied.
    `creep_mm` is the paper thickness to compensate per sheet: pages of inner sheets move
    toward the spine by half that much for each sheet outside them, so that the outer margins
    stay even once the folded booklet is trimmed.
    """
    reader = PdfReader(source)
    writer = PdfWriter()
    count = len(reader.pages)
    trim = reader.pages[0].trimbox
    width, height = float(trim.width), float(trim.height)
    forms: dict[int, StreamObject] = {}

    def form(number: int) -> StreamObject:
        if number not in forms:
            page = reader.pages[number - 1]
            box = page.trimbox
            xobject = StreamObject()
            xobject[NameObject("/Type")] = NameObject("/XObject")
            xobject[NameObject("/Subtype")] = NameObject("/Form")
            xobject[NameObject("/BBox")] = ArrayObject(
                [FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)])
            resources = page.get("/Resources")
            if resources is not None:
                xobject[NameObject("/Resources")] = resources.get_object().clone(writer)
            contents = page.get_contents()
            xobject.set_data(contents.get_data() if contents is not None else b"")
            forms[number] = xobject.flate_encode()  # (made an indirect object when written)
        return forms[number]

    sides = spread_order(count, rtl)
    for index, side in enumerate(sides):
        sheet = PageObject.create_blank_page(writer, width=2 * width, height=height)
        shift = creep_mm * MM * (index // 2) / 2
        names = DictionaryObject()
        ops = []
        for slot, number in enumerate((side.left, side.right)):
            box = reader.pages[number - 1].trimbox
            inward = shift if slot == 0 else -shift  # toward the fold in the middle
            tx = slot * width - float(box.left) + inward
            ty = -float(box.bottom)
            name = f"/P{number}"
            names[NameObject(name)] = form(number)
            ops.append(f"q 1 0 0 1 {tx:.3f} {ty:.3f} cm {name} Do Q")
        sheet[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): names})
        content = StreamObject()
        content.set_data(("\n".join(ops) + "\n").encode())
        sheet[NameObject("/Contents")] = content
        writer.add_page(sheet)
    writer.add_metadata({k: v for k, v in (reader.metadata or {}).items()
                         if isinstance(v, str)})
    with open(target, "wb") as handle:
        writer.write(handle)
    return len(sides) // 2
