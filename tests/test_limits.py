"""One size and nesting policy (limits.py): input past a limit is one line with its file and
line, never a silent loss, a raw warning, hours of layout or gigabytes of memory."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

from notespress import limits

from .conftest import FIXTURES, copy_workspace
from .test_markup_content import errors, render


def test_picture_pixels_are_limited_without_a_raw_warning(tmp_path: Path,
                                                          monkeypatch) -> None:
    from PIL import Image

    monkeypatch.setattr(limits, "MAX_PICTURE_PIXELS", 100 * 100)
    Image.new("RGB", (200, 200), "white").save(tmp_path / "big.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 150 * 150)  # over Pillow's own limit too
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = render("![Big.](big.png)\n", tmp_path)
    assert errors(result) == ["1: image 'big.png' is too large to print (over 0 million "
                              "pixels): scale it down"]


# ------------------------------------------------------------------ limits


def test_deep_nesting_is_an_error_not_silent_loss(tmp_path: Path) -> None:
    lines = [" " * (2 * level) + f"- level {level}" for level in range(30)]
    result = render("\n".join(lines) + "\n\nThe paragraph after the list.\n", tmp_path)
    assert len(errors(result)) == 1
    assert "nested more than 24 levels" in errors(result)[0]
    line = int(errors(result)[0].split(":")[0])
    assert 10 <= line <= 14  # the item that goes too deep
    assert "The paragraph after the list." in result.html
    shallow = render("\n".join(lines[:10]) + "\n", tmp_path)
    assert not shallow.problems and "level 9" in shallow.html


def test_a_word_longer_than_any_page_is_refused(tmp_path: Path) -> None:
    result = render("Before.\n\nBefore " + "x" * 3000 + " after.\n\nNext paragraph.\n",
                    tmp_path)
    assert errors(result) == [f"3: a word of 3,000 characters ('{'x' * 30}…'): no page can "
                              "show more than 2,000 without a space; break it up"]
    huge = render("Before " + "x" * (2 * 1024 * 1024) + " after.\n", tmp_path)
    assert len(errors(huge)) == 1 and "characters long" in errors(huge)[0]
    fine = render("Before " + "x" * 300 + " after.\n", tmp_path)
    assert not fine.problems and "after." in fine.html


def test_an_article_too_long_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_ARTICLE_CHARS", 1000)
    result = render("word " * 300, tmp_path)
    assert errors(result) == ["1: the article is 1,500 characters long, more than 1,000: "
                              "split it into several articles"]


def build_cli(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "notespress", "build", "3", "-w", str(root)],
                          capture_output=True, text=True, timeout=120)


def test_a_huge_article_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "mini", tmp_path / "ws")
    article = root / "issues/issue-3/02-second.md"
    with open(article, "w") as handle:  # 6 MB: over MAX_SOURCE_BYTES
        handle.write("---\ntitle: Huge\n---\n\n")
        handle.write(("word " * 200 + "\n\n") * 6000)
    done = build_cli(root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "02-second.md: article is larger than 5 MB" in done.stderr


def test_a_picture_of_too_many_pixels_is_one_line(tmp_path: Path) -> None:
    from PIL import Image

    root = copy_workspace(FIXTURES / "mini", tmp_path / "ws")
    Image.new("1", (13000, 13000)).save(root / "issues/issue-3/images/huge.png")
    article = root / "issues/issue-3/01-first.md"
    article.write_text(article.read_text() + "\n![A huge picture.](images/huge.png)\n")
    done = build_cli(root)
    assert done.returncode == 1, done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "huge.png" in line]
    assert len(lines) == 1 and "01-first.md:" in lines[0] and "too large to print" in lines[0]
