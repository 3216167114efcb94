"""Two publications of real-world Markdown habits (tests/fixtures/corpus-en and corpus-fa),
built and checked as an editor would: nothing printed over anything, nothing off the page,
code set as code and left to right, every address on paper, the internal link live on
screen, the emoji printed. Read from the PDFs with poppler's tools."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from notespress.build import BuildResult, build

from .conftest import FIXTURES, copy_workspace

XHTML = "{http://www.w3.org/1999/xhtml}"
Word = tuple[float, float, float, float, str]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, BuildResult]]:
    built = {}
    for name in ("corpus-en", "corpus-fa"):
        root = copy_workspace(FIXTURES / name, tmp_path_factory.mktemp(name) / "ws")
        built[name] = (root, build(root, "1", preflight=True, html=True))
    return built


def pages_of(pdf: Path) -> list[tuple[float, float, list[list[Word]]]]:
    """Each page's size and lines of word boxes."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    pages = []
    for page in root.iter(XHTML + "page"):
        lines = [[(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                   float(w.get("yMax")), w.text or "") for w in line.iter(XHTML + "word")]
                 for line in page.iter(XHTML + "line")]
        pages.append((float(page.get("width")), float(page.get("height")),
                      [line for line in lines if line]))
    return pages


def overlap(a: Word, b: Word) -> float:
    """How much of the smaller box the two boxes share."""
    x = min(a[2], b[2]) - max(a[0], b[0])
    y = min(a[3], b[3]) - max(a[1], b[1])
    if x <= 0 or y <= 0:
        return 0.0
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])) or 1.0
    return x * y / small


def text(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("name", ["corpus-en", "corpus-fa"])
def test_builds_and_checks_clean(corpus, name: str) -> None:
    _, result = corpus[name]
    errors = [str(f) for f in result.findings if f.severity == "error"]
    assert not errors, errors
    # the warnings are the ones the articles ask for: nothing about the layout
    rules = {f.rule for f in result.findings if f.severity == "warning"}
    assert rules <= {"content"}, [str(f) for f in result.findings]
    warned = " ".join(f.message for f in result.findings)
    if name == "corpus-en":
        assert "image 'images/map.png' has no description" in warned
        assert "HTML tag <div> is not set" in warned and "'::: sidebar'" in warned
    assert "no font" not in warned and "missing-glyph" not in rules


@pytest.mark.parametrize("name", ["corpus-en", "corpus-fa"])
@pytest.mark.parametrize("kind", ["print", "screen"])
def test_no_word_over_another_nor_off_the_page(corpus, name: str, kind: str) -> None:
    _, result = corpus[name]
    for number, (width, height, lines) in enumerate(pages_of(result.output(kind).path), 1):
        words = [(word, index) for index, line in enumerate(lines) for word in line
                 if word[4].strip()]
        for word, _ in words:
            assert word[0] >= 0 and word[1] >= 0 and word[2] <= width and word[3] <= height, (
                number, word)
        ordered = sorted(words, key=lambda item: item[0][1])
        for position, (a, line_a) in enumerate(ordered):
            for b, line_b in ordered[position + 1:]:
                if b[1] > a[3]:
                    break
                if line_a != line_b:
                    assert overlap(a, b) < 0.25, (number, a, b)


def test_code_is_monospaced_and_left_to_right(corpus) -> None:
    for name in ("corpus-en", "corpus-fa"):
        _, result = corpus[name]
        fonts = subprocess.run(["pdffonts", str(result.output("print").path)],
                               capture_output=True, text=True, check=True).stdout
        assert "JetBrains-Mono" in fonts, (name, fonts)
    _, persian = corpus["corpus-fa"]
    for _, _, lines in pages_of(persian.output("print").path):
        for line in lines:
            words = [w[4] for w in sorted(line)]
            if "const" in words:  # the line of code, left to right as written
                assert words == ["const", "[isSent,", "setIsSent]", "=", "useState(false);"]
                return
    pytest.fail("the Persian article's code line is not in the PDF")


def test_latin_names_keep_their_order_in_persian(corpus) -> None:
    _, result = corpus["corpus-fa"]
    for _, _, lines in pages_of(result.output("print").path):
        for line in lines:
            words = [w[4] for w in sorted(line)]
            if "June" in words:
                start = words.index("June")
                assert words[start:start + 5] == ["June", "8,", "2021", "by", "Andrew"], words
                assert words.index("Andrew") < words.index("Brian"), words
                return
    pytest.fail("the Latin names are not in the PDF")


def test_every_external_address_is_printed(corpus) -> None:
    for name in ("corpus-en", "corpus-fa"):
        _, result = corpus[name]
        printed = re.sub(r"\s+", "", text(result.output("print").path, "-raw"))
        addresses = {href for article in result.issue.articles
                     for href in re.findall(r'<a href="([^"#][^"]*)"', article.html)}
        assert len(addresses) >= 5
        for href in addresses:
            shown = href.removeprefix("mailto:").replace("&amp;", "&")
            assert shown in printed, (name, shown)
        assert "file:" not in printed


def test_no_markup_printed_and_symbols_in_glyphs(corpus) -> None:
    _, result = corpus["corpus-en"]
    printed = text(result.output("print").path)
    for markup in ("<div", "<small", "<br", "</", "<!--", ":::", "[!NOTE]", "[ ]", "&copy;",
                   "Editors, before printing"):
        assert markup not in printed, markup
    for char in "✊🔥✅❌☭🚩→✓✗€½☐☑":
        assert char in printed, char
    fonts = subprocess.run(["pdffonts", str(result.output("print").path)],
                           capture_output=True, text=True, check=True).stdout
    assert "Noto-Emoji" in fonts and "Noto-Sans-Symbols" in fonts


def test_internal_link_is_live_on_screen(corpus) -> None:
    _, result = corpus["corpus-en"]
    reader = PdfReader(result.output("screen").path)
    calendar_page = next(number for number, page in enumerate(reader.pages)
                         if "The calendar" in (page.extract_text() or ""))
    targets = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            destination = annotation.get("/Dest")
            if destination is None and "/A" in annotation:
                destination = annotation["/A"].get("/D")
            if destination is not None:
                if isinstance(destination, str):
                    destination = reader.named_destinations[destination]
                    targets.append(reader.get_destination_page_number(destination))
                else:
                    targets.append(reader.get_page_number(destination[0].get_object()))
    assert calendar_page in targets
    printed = PdfReader(result.output("print").path)
    assert not any(page.get("/Annots") for page in printed.pages)
