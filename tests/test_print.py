"""Print production: boxes, page counts, booklet imposition, grayscale, padding, mailer."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat
from typer.testing import CliRunner

from notespress.build import build
from notespress.cli import app
from notespress.impose import spread_order

from .pdfcheck import Pdf

runner = CliRunner()


def boxes(path: Path) -> list[dict[str, list[float]]]:
    out = subprocess.run(["pdfinfo", "-box", "-f", "1", "-l", "999", str(path)],
                         capture_output=True, text=True, check=True).stdout
    pages: dict[int, dict[str, list[float]]] = {}
    for match in re.finditer(r"Page\s+(\d+)\s+(\w+Box):\s+([-\d.\s]+)\n", out):
        pages.setdefault(int(match.group(1)), {})[match.group(2)] = [
            float(v) for v in match.group(3).split()]
    return [pages[k] for k in sorted(pages)]


def set_config(root: Path, key: str, value: str) -> None:
    path = root / "notespress.yaml"
    path.write_text(path.read_text() + f"{key}: {value}\n")


def test_print_edition_has_trim_and_bleed_boxes(mini_built) -> None:
    _, result = mini_built
    for page in boxes(result.output("print").path):
        trim, bleed, media = page["TrimBox"], page["BleedBox"], page["MediaBox"]
        assert [round(v) for v in trim] == [0, 0, 595, 842]  # A4
        assert [round(v - t, 1) for v, t in zip(bleed, trim, strict=True)] == [
            -8.5, -8.5, 8.5, 8.5]  # 3 mm for A4
        assert media[0] < bleed[0] and media[2] > bleed[2]  # room for the crop marks
    for page in boxes(result.output("screen").path):
        assert page["MediaBox"] == page["TrimBox"]


def test_print_edition_is_untagged_and_the_screen_edition_tagged(mini_built) -> None:
    """Tags serve readers on screens: the print edition has no structure tree, no PDF/UA
    claim and no links; the screen edition has them all. Their text is the same."""
    from pypdf import PdfReader

    _, result = mini_built
    printed, screen = (PdfReader(result.output(k).path) for k in ("print", "screen"))
    catalog = printed.trailer["/Root"]
    assert not {"/StructTreeRoot", "/MarkInfo", "/Metadata"} & set(catalog)
    for page in printed.pages:
        assert not {"/StructParents", "/Tabs", "/Annots"} & set(page)
    expanded = {k: subprocess.run(["qpdf", "--qdf", "--object-streams=disable",
                                   str(result.output(k).path), "-"],
                                  capture_output=True, check=True).stdout
                for k in ("print", "screen")}
    for word in (b"/StructElem", b"/StructTreeRoot", b"pdfuaid"):
        assert word not in expanded["print"] and word in expanded["screen"]
    root = screen.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and "/Metadata" in root
    assert all("/StructParents" in page for page in screen.pages)
    assert text_of(result.output("print").path) == text_of(result.output("screen").path)


def text_of(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_bleed_is_configurable(mini: Path) -> None:
    set_config(mini, "bleed", "0.25in")
    result = build(mini, "3", editions=["print"])
    page = boxes(result.output("print").path)[0]
    assert round(page["TrimBox"][0] - page["BleedBox"][0], 1) == 18.0


def test_page_counts_are_multiples_of_four_with_the_platform_last(mini_built) -> None:
    _, result = mini_built
    pdf = Pdf(result.output("print").path)
    assert len(pdf.pages) % 4 == 0
    assert result.pad > 0  # the fixture's 3 pages needed one more
    platform_page = dict(pdf.outline())["Who we are"]
    assert platform_page == len(pdf.pages)  # the platform is still the back page
    assert pdf.find("Send me every issue of") == [platform_page - 1]  # the padding before it


def test_padding_with_notes_pages(mini: Path) -> None:
    set_config(mini, "padding", "notes")
    result = build(mini, "3", editions=["print"])
    pdf = Pdf(result.output("print").path)
    assert len(pdf.pages) % 4 == 0
    assert pdf.find("Notes") and not pdf.find("Send me every issue of")


def folio(path: Path, page: int, left: bool, width: float, height: float) -> str:
    """The text at the foot of one half of a booklet sheet."""
    x = 0 if left else width / 2
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-x", str(int(x)),
                          "-y", str(int(height - 70)), "-W", str(int(width / 2)), "-H", "70",
                          "-r", "72", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.strip()


def test_booklet_sheets_carry_the_right_pages_on_the_right_halves(tmp_path: Path) -> None:
    from .conftest import FIXTURES, copy_workspace

    root = copy_workspace(FIXTURES / "mini", tmp_path / "ws")
    issue = root / "issues" / "issue-3"
    for n in range(3, 7):  # enough articles for 8 pages, each opening a page
        (issue / f"0{n}-more.md").write_text(f"---\ntitle: Article {n}\n---\nText {n}.\n")
    (issue / "issue.yaml").write_text("number: 3\ndate: 2026-05-01\narticle_start: page\n")
    result = build(root, "3")
    printed = Pdf(result.output("print").path)
    count = len(printed.pages)
    assert count == 8
    booklet = result.output("booklet").path
    sheet = Pdf(booklet).reader.pages[0]
    width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
    assert (round(width), round(height)) == (1191, 842)  # two A4 pages on A3
    sides = spread_order(count)
    assert len(Pdf(booklet).reader.pages) == len(sides) == count // 2
    for index, side in enumerate(sides, start=1):
        for left, number in ((True, side.left), (False, side.right)):
            text = folio(booklet, index, left, width, height)
            if number == 1:  # the cover has no folio: look for the nameplate instead
                continue
            assert text.split()[-1] == str(number), (index, left, text)
    cover = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", str(int(width / 2)),
                            "-y", "0", "-W", str(int(width / 2)), "-H", "200", str(booklet),
                            "-"], capture_output=True, text=True).stdout
    assert "Mini Bulletin" in cover  # page 1 on the right half of the outer sheet's front


def test_spread_order() -> None:
    assert [(s.left, s.right) for s in spread_order(8)] == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert [(s.left, s.right) for s in spread_order(4, rtl=True)] == [(1, 4), (3, 2)]
    with pytest.raises(ValueError):
        spread_order(6)


def test_grayscale_edition_has_no_colour(mini: Path) -> None:
    result = build(mini, "3", editions=["grayscale"])
    gray = result.output("grayscale").path
    assert len(Pdf(gray).reader.pages) % 4 == 0
    # at the trim size, no bleed and no marks: the copier prints it at 100 %
    for page in Pdf(gray).reader.pages:
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]  # A4
    text = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(gray), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert 'width="595.' in text or 'width="595"' in text
    first = gray.read_bytes()  # and the same bytes again from the same inputs
    assert build(mini, "3", editions=["grayscale"], force=True).output(
        "grayscale").path.read_bytes() == first
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(gray), str(mini / "g")], check=True)
    pictures = sorted(mini.glob("g-*.png"))
    assert pictures
    for picture in pictures:
        worst = colourfulness(Image.open(picture))
        assert worst <= 3, f"{picture.name}: colour left ({worst})"
    # and the colour edition does have colour (the cover band and the figure)
    colour = build(mini, "3", editions=["screen"]).output("screen").path
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", str(colour),
                    str(mini / "c")], check=True)
    assert colourfulness(Image.open(next(mini.glob("c-*.png")))) > 40


def colourfulness(image: Image.Image) -> int:
    """The largest difference between two colour channels of any pixel."""
    red, green, blue = image.convert("RGB").split()
    return max(ImageChops.difference(a, b).getextrema()[1]
               for a, b in ((red, green), (green, blue), (red, blue)))


def test_edition_subset_from_the_command_line(mini: Path) -> None:
    result = runner.invoke(app, ["build", "3", "-w", str(mini), "--edition", "print,booklet"])
    assert result.exit_code == 0, result.output
    assert "flip on short edge" in result.output
    built = sorted(p.name for p in (mini / "build" / "issue-3").glob("*.pdf"))
    assert built == ["mini-bulletin-3-booklet.pdf", "mini-bulletin-3-print.pdf"]
    bad = runner.invoke(app, ["build", "3", "-w", str(mini), "--edition", "print,poster"])
    assert bad.exit_code == 1 and "unknown edition poster" in bad.output


def test_default_editions_from_the_config(mini: Path) -> None:
    set_config(mini, "editions", "[screen]")
    result = build(mini, "3")
    assert [o.kind for o in result.outputs] == ["screen"]
    # the screen edition has the pages of the printed one, built beside it or not
    assert result.output("screen").pages % 4 == 0
    alone = Pdf(result.output("screen").path)
    set_config(mini, "editions", "[print, screen]")
    both = build(mini, "3")
    assert Pdf(both.output("screen").path).raw_pages == alone.raw_pages


@pytest.mark.parametrize("fold", ["half", "tri"])
def test_self_mailer_back_page(mini: Path, fold: str) -> None:
    issue_yaml = mini / "issues" / "issue-3" / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text() + f"mailer: {fold}\n")
    result = build(mini, "3", editions=["print"])
    pdf = Pdf(result.output("print").path)
    last = pdf.pages[-1]
    assert "1 Test Street" in last and "place stamp here" in last.lower()
    assert dict(pdf.outline())["Who we are"] == len(pdf.pages) - 1  # platform just before
    assert len(pdf.pages) % 4 == 0


def test_creep_moves_inner_pages_toward_the_spine(tmp_path: Path) -> None:
    from .conftest import FIXTURES, copy_workspace

    def booklet_x(creep: str) -> float:
        root = copy_workspace(FIXTURES / "mini", tmp_path / creep)
        issue = root / "issues" / "issue-3"
        for n in range(3, 7):
            (issue / f"0{n}-more.md").write_text(f"---\ntitle: Article {n}\n---\nText {n}.\n")
        (issue / "issue.yaml").write_text(f"number: 3\ndate: 2026-05-01\ncreep: {creep}\n"
                                          "article_start: page\n")
        booklet = build(root, "3", editions=["booklet"]).output("booklet").path
        # x of the first text on the inner sheet's front, left half (page 6)
        bbox = subprocess.run(["pdftotext", "-bbox", "-f", "3", "-l", "3", str(booklet), "-"],
                              capture_output=True, text=True, check=True).stdout
        return min(float(x) for x in re.findall(r'xMin="([\d.]+)"', bbox))

    assert booklet_x("0.5mm") - booklet_x("0mm") == pytest.approx(0.5 * 72 / 25.4 / 2, abs=0.1)


def test_articles_can_open_on_right_hand_pages(mini: Path) -> None:
    set_config(mini, "article_start", "right")
    result = build(mini, "3", editions=["print"])
    pdf = Pdf(result.output("print").path)
    outline = dict(pdf.outline())
    assert outline["The second article"] % 2 == 1  # odd: a right-hand page
    assert len(pdf.pages) % 4 == 0


def _pictures(path: Path) -> dict[str, Image.Image]:
    """The raster pictures of a PDF by their name (once each), as pypdf decodes them."""
    from pypdf import PdfReader

    found: dict[str, Image.Image] = {}
    for page in PdfReader(path).pages:
        for picture in page.images:
            found.setdefault(picture.name, picture.image)
    return found


def test_screen_edition_resamples_each_picture_from_its_own_file(mini: Path) -> None:
    """Two different pictures of the same pixel size, and a photo turned by its EXIF
    orientation: in the screen edition each is its own picture, the photo stands upright, and
    all are resampled to about 150 dpi at their printed width. The copies kept for the next
    build give the same bytes."""
    issue = mini / "issues" / "issue-3"
    red, blue = Image.new("RGB", (1800, 1100), (200, 30, 30)), Image.new("RGB", (1800, 1100),
                                                                          (30, 30, 200))
    red.save(issue / "images" / "red.png")
    blue.save(issue / "images" / "blue.png")
    photo = Image.new("RGB", (1600, 1000), (30, 160, 30))
    exif = photo.getexif()
    exif[0x0112] = 6  # stored on its side: turn 90 degrees to show it
    photo.save(issue / "images" / "photo.jpg", exif=exif, quality=90)
    article = issue / "02-second.md"
    article.write_text(article.read_text() + "\n\n![Red.](images/red.png)\n\n"
                       "![Blue.](images/blue.png)\n\n![A photo.](images/photo.jpg)\n")
    screen = build(mini, "3", editions=["screen"]).output("screen").path
    pictures = _pictures(screen)
    by_colour = {}
    for picture in pictures.values():
        r, g, b = ImageStat.Stat(picture.convert("RGB")).mean
        if max(r, g, b) - min(r, g, b) > 100:  # (not the fixture's own gray square)
            by_colour[max((r, "red"), (g, "green"), (b, "blue"))[1]] = picture
    assert set(by_colour) == {"red", "green", "blue"}, pictures
    upright = by_colour["green"]
    assert upright.height > upright.width  # turned as the print edition shows it
    column_px, measure_px = 150 * 3.6, 150 * 7.2  # a column's 3.6 in; both columns' 7.2 in
    for colour, picture in by_colour.items():
        widest = measure_px if colour in ("red", "blue") else column_px  # (wide ones span)
        assert 100 < picture.width <= widest * 1.05
    first = screen.read_bytes()
    cache = mini / "build" / ".cache" / "screen-pictures"
    assert len(list(cache.iterdir())) == 3
    assert build(mini, "3", editions=["screen"], force=True).output("screen").path \
        .read_bytes() == first
    shutil.rmtree(cache)
    for kept in ("red.png", "blue.png"):  # and made again from the files, the same bytes
        assert (issue / "images" / kept).is_file()
    assert build(mini, "3", editions=["screen"], force=True).output("screen").path \
        .read_bytes() == first
