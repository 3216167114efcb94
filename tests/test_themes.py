"""Themes that upgrade: a publication holds only what it changes of the default layouts;
untouched copies made by an older `init` are passed over for today's defaults."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from typer.testing import CliRunner

from notespress import themes
from notespress.build import build
from notespress.cli import app
from notespress.resources import default_fonts, default_layouts

from .conftest import REPO
from .pdfcheck import Pdf

runner = CliRunner()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_history_holds_every_current_default() -> None:
    """Whoever changes a default layout or font runs `python -m notespress.themes`, so that
    publications holding today's copy get tomorrow's default."""
    known = themes.history()
    for label, folder in (("layouts", default_layouts()), ("fonts", default_fonts())):
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                name = f"{label}/{path.relative_to(folder).as_posix()}"
                assert sha(path) in known.get(name, ()), f"{name}: run python -m notespress.themes"


def test_an_old_copy_is_passed_over_and_a_change_is_kept(mini: Path, monkeypatch) -> None:
    """A publication made by the old `init` holds copies of every layout and font. A copy
    that is an old default (byte for byte) gives way to today's default; a layout the
    editors changed is kept."""
    shutil.copytree(REPO / "layouts", mini / "layouts", dirs_exist_ok=True)
    shutil.copytree(REPO / "fonts", mini / "fonts")
    old_cover = mini / "layouts" / "cover.html"
    old_cover.write_text(old_cover.read_text().replace('class="nameplate"',
                                                       'class="nameplate old-default"'))
    changed = mini / "layouts" / "contents.html"
    changed.write_text(changed.read_text().replace("<ol>", "<ol class='ours'>"))
    history = dict(themes.history())
    history["layouts/cover.html"] = history["layouts/cover.html"] | {sha(old_cover)}
    monkeypatch.setattr(themes, "history", lambda: history)
    themes._passed_over.cache_clear()
    states = {s.name: s.state for s in themes.layout_states(mini)}
    assert states["cover.html"] == "old copy"
    assert states["contents.html"] == "changed"
    assert states["article.html"] == "copy"
    result = build(mini, "3", editions=("print",), html=True)
    html = result.output("html").path.read_text()
    assert "old-default" not in html  # today's default cover
    assert "class='ours'" in html  # the editors' own contents
    fonts = Pdf(result.output("print").path).fonts()
    assert fonts and all(f["emb"] == "yes" for f in fonts)  # the copies gave way, not the text
    removed = runner.invoke(app, ["layouts", "prune", "-w", str(mini)])
    assert removed.exit_code == 0, removed.output
    assert "layouts/cover.html" in removed.output and "layouts/article.html" in removed.output
    assert changed.is_file() and not old_cover.exists()
    assert not list((mini / "fonts").rglob("*.ttf"))


def test_copy_records_the_default_and_build_warns_when_it_changes(mini: Path,
                                                                  monkeypatch) -> None:
    copied = runner.invoke(app, ["layouts", "copy", "article.html", "-w", str(mini)])
    assert copied.exit_code == 0, copied.output
    mine = mini / "layouts" / "article.html"
    mine.write_text(mine.read_text().replace("article-head", "article-head ours"))
    listing = runner.invoke(app, ["layouts", "-w", str(mini)])
    assert "article.html" in listing.output and "changed by this publication" in listing.output
    assert not any("default layout changed" in str(w)
                   for w in build(mini, "3", editions=("screen",)).warnings)
    # the default changes (a newer notespress): the build says so, and diff shows how
    monkeypatch.setattr(themes, "_copies", lambda root: {"article.html": "0" * 64})
    result = build(mini, "3", editions=("screen",), force=True)
    assert any("default layout changed" in str(w) for w in result.warnings)
    diff = runner.invoke(app, ["layouts", "diff", "article.html", "-w", str(mini)])
    assert "+<article" in diff.output or "ours" in diff.output
    wrong = runner.invoke(app, ["layouts", "copy", "artcle.html", "-w", str(mini)])
    assert wrong.exit_code == 1 and "did you mean article.html" in wrong.output


def test_colours_and_faces_come_from_the_settings(mini: Path) -> None:
    config = mini / "notespress.yaml"
    config.write_text(config.read_text() + 'accent: "#1d4e89"\n')
    html = build(mini, "3", editions=("screen",), html=True).output("html").path.read_text()
    assert "--accent: #1d4e89;" in html
    config.write_text(config.read_text().replace('"#1d4e89"', "not a colour"))
    failed = runner.invoke(app, ["build", "3", "-w", str(mini)])
    assert failed.exit_code == 1 and "accent: 'not a colour' is not a colour" in failed.output
