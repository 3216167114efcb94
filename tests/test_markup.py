"""Markdown to HTML, checked against golden files in tests/markup/ (NAME.md -> NAME.html)."""

from __future__ import annotations

from pathlib import Path

import pytest

from notespress.markup import Source, render_markdown

HERE = Path(__file__).resolve().parent / "markup"
CASES = sorted(p.stem for p in HERE.glob("*.md"))


def render(name: str, text: str, tmp_path: Path):
    lang = "fr" if name.startswith("french") else "en"
    source = Source(path=tmp_path / f"{name}.md", first_line=1, folder=tmp_path, lang=lang,
                    id_prefix="t-")
    return render_markdown(text, source)


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, tmp_path: Path) -> None:
    text = (HERE / f"{name}.md").read_text(encoding="utf-8")
    result = render(name, text, tmp_path)
    assert not [p for p in result.problems if p.severity == "error"]
    assert result.html.strip() == (HERE / f"{name}.html").read_text(encoding="utf-8").strip()


def test_figure_from_an_image_alone_in_its_paragraph(tmp_path: Path) -> None:
    from PIL import Image

    (tmp_path / "images").mkdir()
    Image.new("RGB", (300, 200), "white").save(tmp_path / "images" / "a.png")
    result = render("fig", 'Text.\n\n![The "caption".](images/a.png)\n', tmp_path)
    assert not result.problems
    assert '<figure class="figure">' in result.html
    assert "<figcaption>The “caption”.</figcaption>" in result.html
    assert (tmp_path / "images" / "a.png").as_uri() in result.html
    assert result.images[0].width == 300


def test_unused_footnote_is_a_warning(tmp_path: Path) -> None:
    result = render("fn", "Text.\n\n[^x]: Never called.\n", tmp_path)
    assert [(p.severity, p.line) for p in result.problems] == [("warning", 3)]


@pytest.mark.parametrize(("lang", "expected"), [
    ("it", "«lotta»"), ("es", "«lucha»"), ("de", "„Kampf“"), ("fr", "«\u00a0lutte\u00a0»")])
def test_quotation_marks_by_language(lang: str, expected: str, tmp_path: Path) -> None:
    word = expected.strip("«»„“\u00a0 ")
    source = Source(path=tmp_path / "a.md", first_line=1, folder=tmp_path, lang=lang)
    assert expected in render_markdown(f'"{word}"', source).html


def test_svg_pictures_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "map.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" '
                                      'height="10"><rect width="10" height="10"/></svg>')
    (tmp_path / "fake.svg").write_text("not a picture")
    result = render("svg", "![A map.](map.svg)\n\n![Fake.](fake.svg)\n", tmp_path)
    assert [p.message for p in result.problems] == ["image 'fake.svg' is not an image"]
    assert "<figure" in result.html and "map.svg" in result.html
