"""Pictures as members send them, built into real PDFs: without a description, in a footnote
beside a figure, in modes WeasyPrint cannot print as they are."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image, ImageStat

from notespress.build import build

ISSUE = Path("issues/issue-3")


def append(root: Path, text: str) -> None:
    with open(root / ISSUE / "01-first.md", "a", encoding="utf-8") as handle:
        handle.write(text)


def pictures(pdf: Path, folder: Path) -> list[Image.Image]:
    folder.mkdir()
    subprocess.run(["pdfimages", "-png", str(pdf), str(folder / "p")], check=True)
    return [Image.open(path) for path in sorted(folder.glob("*.png"))]


def test_footnote_picture_beside_a_figure_and_a_picture_without_description(
        mini: Path, tmp_path: Path) -> None:
    Image.new("RGB", (400, 300), (200, 40, 40)).save(mini / ISSUE / "images" / "mark.png")
    append(mini, "\nA note with a picture.[^pic]\n\n![A figure after it.](images/square.png)"
                 "\n\n![](images/mark.png)\n\n[^pic]: The mark: ![The red mark](images/mark.png)."
                 "\n")
    result = build(mini, "3", editions=["print", "screen"])
    assert not [w for w in result.warnings if w.severity == "error"]
    warned = [str(w) for w in result.warnings]
    assert any("01-first.md:27: warning: image 'images/mark.png' has no description" in w
               for w in warned), warned
    assert not any("alt description" in w or "WeasyPrint" in w for w in warned), warned
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(result.output("print").path),
                           "-"], capture_output=True, text=True, check=True).stdout
    assert "The mark:" in text  # the note is on the page of its call
    # the figure, the note's picture and the decorative one (a background) are all printed
    assert len(pictures(result.output("print").path, tmp_path / "print")) >= 3


def test_a_deep_grey_picture_prints_as_grey_not_black(mini: Path, tmp_path: Path) -> None:
    gradient = Image.linear_gradient("L").resize((300, 200))
    gradient.convert("I").point(lambda v: v * 257).convert("I;16").save(
        mini / ISSUE / "images" / "scan.png")
    append(mini, "\n![A scanned leaflet.](images/scan.png)\n")
    result = build(mini, "3", editions=["print"])
    assert (mini / "build" / ".cache" / "pictures").is_dir()
    grey = [p for p in pictures(result.output("print").path, tmp_path / "out")
            if p.size == (300, 200)]
    assert grey, "the picture is not in the PDF"
    low, high = grey[0].convert("L").getextrema()
    assert low < 30 and high > 225  # the whole range, not solid black
    assert 100 < ImageStat.Stat(grey[0].convert("L")).mean[0] < 155
