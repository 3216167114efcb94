"""The demo publication: the platform is the publisher's text, verbatim; the issue is a real
issue of the bulletin; preflight finds nothing to send back."""

from __future__ import annotations

import re

import pytest

from notespress.preflight import _found

from .conftest import REPO
from .pdfcheck import Pdf, squash

SEED = REPO.parent / "shared" / "seeds" / "000_c89f0393eb3d4388.txt"


@pytest.mark.skipif(not SEED.is_file(), reason="../shared is not beside the checkout")
def test_platform_is_the_publishers_text_verbatim() -> None:
    seed = SEED.read_text(encoding="utf-8")
    platform = (REPO / "platform" / "en.md").read_text(encoding="utf-8")
    # only the section titles may have become Markdown headings
    assert re.sub(r"^#{1,2} ", "", platform, flags=re.MULTILINE).rstrip("\n") == seed.rstrip("\n")


def test_every_platform_paragraph_is_in_the_pdf(demo) -> None:
    root, result = demo
    pdf = Pdf(result.output("print").path)
    text = squash(" ".join(pdf.raw_pages))
    platform = (root / "platform" / "en.md").read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", platform):
        block = block.strip().lstrip("#").strip()
        if block:
            assert _found(squash(block), text) is None, block[:60]


def test_the_demo_issue_is_a_real_issue(demo) -> None:
    _root, result = demo
    issue = result.issue
    assert len(issue.articles) == 6
    bodies = {a.slug: a.html for a in issue.articles}
    html = " ".join(bodies.values())
    assert html.count("<figure") >= 2
    assert "<table" in html and "<blockquote" in html and 'class="pullquote"' in html
    french = [a for a in issue.articles if a.lang == "fr"]
    assert french and french[0].translator
    assert sum(a.html.count('class="footnote"') for a in issue.articles) >= 8
    pdf = Pdf(result.output("print").path)
    platform_page = dict(pdf.outline())["Who we are"]
    assert 12 <= platform_page - 1 <= 16  # pages of articles before the platform


def test_preflight_is_quiet_on_the_demo(demo) -> None:
    root, _ = demo
    from typer.testing import CliRunner

    from notespress.cli import app

    result = CliRunner().invoke(app, ["check", "issue-12", "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_hyphenation_follows_the_article_language(demo) -> None:
    """Words broken at line ends break where their own language's dictionary allows."""
    import pyphen

    _, result = demo
    pdf = Pdf(result.output("print").path)
    outline = dict(pdf.outline())
    french = next(a for a in result.issue.articles if a.lang == "fr")
    start = outline[french.title]
    end = min(p for t, p in outline.items() if p > start)
    checked = {"fr": 0, "en": 0}
    shared = {start, end}  # (articles run on: a page where two meet is left out)
    for number, text in enumerate(pdf.raw_pages, start=1):
        if number == 1 or number >= outline["Who we are"] or number in shared:
            continue
        lang = "fr" if start < number < end else "en"
        dictionary = pyphen.Pyphen(lang=lang)
        for head, tail in re.findall(r"(\w+)\u2010\n(\w+)", text):
            word = head + tail
            if not word.isalpha() or word[0].isupper():
                continue
            assert len(head) in dictionary.positions(word), (lang, head, tail)
            checked[lang] += 1
    assert checked["fr"] >= 3 and checked["en"] >= 15, checked
