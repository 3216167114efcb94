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
