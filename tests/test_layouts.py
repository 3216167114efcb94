"""Layout lookup (the workspace first, built-ins after) and fonts only from fonts/."""

from __future__ import annotations

from pathlib import Path

from notespress.build import build

from .pdfcheck import Pdf


def test_a_workspace_template_overrides_and_extends_a_builtin(mini: Path) -> None:
    (mini / "layouts").mkdir()
    (mini / "layouts" / "colophon.html").write_text(
        '{% extends "default/colophon.html" %}\n', encoding="utf-8")
    (mini / "layouts" / "cover.html").write_text(
        '<section class="cover"><p class="nameplate">{{ pub.name }} — SPECIAL EDITION</p>\n'
        '{% include "contents.html" %}</section>\n', encoding="utf-8")
    result = build(mini, "3", html=True)
    html = next(o for o in result.outputs if o.kind == "html").path.read_text()
    assert "SPECIAL EDITION" in html
    assert 'class="colophon"' in html  # the built-in colophon, through extends
    pdf = Pdf(next(o for o in result.outputs if o.kind == "print").path)
    assert pdf.find("Mini Bulletin — SPECIAL EDITION")


def test_layout_words_come_from_the_strings_table(mini: Path) -> None:
    (mini / "layouts" / "strings").mkdir(parents=True)
    (mini / "layouts" / "strings" / "en.yaml").write_text("contents: Inside\n")
    result = build(mini, "3")
    pdf = Pdf(next(o for o in result.outputs if o.kind == "print").path)
    assert pdf.find("Inside") == [1]
    assert pdf.find("Who we are")  # words not overridden fall back to the built-in table


def test_no_fallback_to_fonts_installed_on_the_machine(mini: Path) -> None:
    """Ask for faces the machine has (DejaVu) or nobody has: only fonts/ is ever used."""
    (mini / "layouts").mkdir()
    (mini / "layouts" / "custom.css").write_text(
        '.article-body { font-family: "DejaVu Sans", "Liberation Serif", sans-serif; }\n'
        '.deck { font-family: "No Such Face"; }\n', encoding="utf-8")
    result = build(mini, "3")
    pdf = Pdf(next(o for o in result.outputs if o.kind == "print").path)
    names = [f["name"].split("+", 1)[-1].lower() for f in pdf.fonts()]
    assert names
    assert not [n for n in names if "dejavu" in n or "liberation" in n], names
