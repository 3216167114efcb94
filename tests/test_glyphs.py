"""Characters no font has: found before layout, named with their article and line; the
fonts' coverage kept per state of the font files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notespress import glyphs
from notespress.build import build, font_dirs

from .conftest import REPO

FONTS = (REPO / "fonts",)


def test_missing_characters() -> None:
    text = "Workers ✊ 🔥 ✅ ❌ ☭ 🚩 → ✓ ✗ € ½ ☐ ☑ Persian کارگر, code ->, 労働 and 👍\ufe0f\u200c"
    assert glyphs.missing(text, FONTS) == {"労", "働"}
    assert glyphs.missing("plain ASCII only", FONTS) == set()


def test_coverage_is_kept_per_state_of_the_fonts(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "fonts"
    folder.mkdir()
    shutil.copy(REPO / "fonts" / "lato" / "Lato-Regular.ttf", folder)
    first = glyphs.coverage((folder,))
    assert ord("A") in first and ord("✊") not in first
    glyphs._coverage.cache_clear()

    def no_font_read(*args, **kwargs):
        raise AssertionError("the fonts were read again")

    import fontTools.ttLib

    monkeypatch.setattr(fontTools.ttLib, "TTFont", no_font_read)
    assert glyphs.coverage((folder,)) == first  # from the cache on disk
    monkeypatch.undo()
    shutil.copy(REPO / "fonts" / "noto-emoji" / "NotoEmoji-Regular.ttf", folder)
    glyphs._coverage.cache_clear()
    assert ord("✊") in glyphs.coverage((folder,))  # a new font: read again


def test_build_names_the_article_and_line(mini: Path) -> None:
    article = mini / "issues" / "issue-3" / "01-first.md"
    lines = article.read_text().count("\n")
    with open(article, "a", encoding="utf-8") as handle:
        handle.write("\nThe word 労働 and &#x52B4; again, with ✊ and ☭.\n")
    result = build(mini, "3", editions=["print"])
    messages = [str(w) for w in result.warnings]
    found = [m for m in messages if "no font in fonts/ has" in m]
    assert len(found) == 2, messages
    assert all(f"01-first.md:{lines + 2}: warning:" in m for m in found), found
    assert not any("WeasyPrint" in m and ".notdef" in m for m in messages)
    assert glyphs.missing("✊☭", font_dirs(mini)) == set()


@pytest.mark.parametrize("char", ["\u200d", "\u200e", "\ufe0f", " ", "\u00a0"])
def test_invisible_characters_need_no_glyph(char: str) -> None:
    assert not glyphs.needs_glyph(char)
