"""Every language the movement writes in: French typography, Persian right-to-left issues,
mixed issues. Checked on the PDFs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notespress.build import BuildResult, build
from notespress.cli import app
from notespress.typography import french_spacing

from .conftest import FIXTURES, copy_workspace
from .pdfcheck import Pdf

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


@pytest.fixture(scope="module")
def langs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, BuildResult]]:
    root = copy_workspace(FIXTURES / "langs", tmp_path_factory.mktemp("langs") / "ws")
    return root, {name: build(root, name) for name in ("issue-1", "issue-2", "issue-3")}


def text_of(result: BuildResult, kind: str = "screen") -> str:
    return subprocess.run(["pdftotext", str(result.output(kind).path), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(("typed", "expected"), [
    ("Il a dit : « non » ; puis ! Vraiment ?",
     "Il a dit\u00a0: «\u00a0non\u00a0»\u202f; puis\u202f! Vraiment\u202f?"),
    ("déjà\u202f; espacé\u00a0: «\u00a0ok\u00a0»", "déjà\u202f; espacé\u00a0: «\u00a0ok\u00a0»"),
    ("sans espace:«ainsi»; puis!", "sans espace\u00a0:«\u00a0ainsi\u00a0»\u202f; puis\u202f!"),
    ("à 12:30, voir http://example.org/a:b", "à 12:30, voir http://example.org/a:b"),
    ("Quoi ?!", "Quoi\u202f?!"),
])
def test_french_spacing_rules(typed: str, expected: str) -> None:
    assert french_spacing(typed) == expected
    assert french_spacing(expected) == expected  # never doubled


def test_french_issue_has_no_break_spaces_where_they_belong(langs) -> None:
    _, results = langs
    result = results["issue-1"]
    text = " ".join(Pdf(result.output("print").path).raw_pages)
    flat = text.replace("\n", " ").lower()  # the first line is in small capitals
    assert "répondu\u00a0: «\u00a0pas question\u00a0»" in flat  # typed with spaces
    assert "dit «\u00a0non\u00a0»\u202f;" in flat  # typed as "non" ;
    assert "vraiment\u202f? oui\u202f!" in flat
    assert "\u00a0\u00a0" not in text and " \u00a0" not in text and "\u00a0 " not in text
    titles = [title for title, _ in Pdf(result.output("print").path).outline()]
    assert "Lettre de Montréal\u00a0: la grève" in titles  # the title too
    assert "DANS CE NUMÉRO" in text.upper()  # the layouts' own words, in French
    assert re.search(r"mars 2026", text, re.IGNORECASE)


def test_french_words_break_at_french_points(langs) -> None:
    import pyphen

    _, results = langs
    text = "\n".join(Pdf(results["issue-1"].output("print").path).raw_pages)
    broken = re.findall(r"(\w+)\u2010\n(\w+)", text)
    french = pyphen.Pyphen(lang="fr")
    long_words = [(h, t) for h, t in broken if len(h + t) > 12]
    assert long_words, broken
    for head, tail in broken:
        assert len(head) in french.positions(head + tail), (head, tail)


def test_persian_issue_reads_right_to_left(langs) -> None:
    _root, results = langs
    result = results["issue-2"]
    pdf = Pdf(result.output("print").path)
    first = pdf.raw_pages[0]
    # logical order: the sentence comes out as it was written
    assert "کارگران انبار در شهر همیلتون" in first
    assert "در جلسهٔ عمومی، نمایندگانی انتخاب شدند" in first
    assert "Northgate" in first and "Logistics" in first  # Latin names inside Persian
    assert "در این شماره" in first  # the contents in Persian
    fonts = [f["name"] for f in pdf.fonts()]
    assert any("Vazirmatn" in name for name in fonts), fonts
    # folios in Persian digits
    for number in (2, 3):
        folio = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-y", "540", "-H", "60",
             "-x", "0", "-W", "420", str(result.output("screen").path), "-"],
            capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        assert folio == PERSIAN_DIGITS[number], (number, folio)  # (under a house page's foot)
    # the contents' page numbers in Persian digits too
    assert re.search(r"[۱-۹]", first)
    assert not re.search(r"\. ?[0-9]\s*$", first, re.MULTILINE)


def test_persian_datelines_are_not_separated_by_a_dot(langs) -> None:
    """A middle dot between Persian digits reads as the Persian zero (۱ · ۱ as ۱۰۱): the
    running head, the colophon and the cover's volume line use the strings table's `sep`."""
    _root, results = langs
    text = subprocess.run(["pdftotext", str(results["issue-2"].output("print").path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "|" in text
    assert not re.search(r"[\u0600-\u06ff]\s*·|·\s*[\u0600-\u06ff]", text), re.findall(
        r".{0,12}·.{0,12}", text)
    english = subprocess.run(["pdftotext", str(results["issue-3"].output("print").path), "-"],
                             capture_output=True, text=True, check=True).stdout
    assert " · " in english


def test_persian_footnote_calls_use_persian_digits(langs) -> None:
    _, results = langs
    first = Pdf(results["issue-2"].output("print").path).raw_pages[0]
    assert "۱." in first or ".۱" in first  # the footnote marker
    assert "1." not in first


def test_persian_booklet_has_its_front_page_on_the_left(langs) -> None:
    _, results = langs
    booklet = results["issue-2"].output("booklet").path
    sheet = Pdf(booklet).reader.pages[0]
    width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)

    def half(left: bool) -> str:
        x = 0 if left else int(width / 2)
        return subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", str(x), "-y", "0",
                               "-W", str(int(width / 2)), "-H", str(int(height)),
                               str(booklet), "-"], capture_output=True, text=True).stdout

    assert "Notes Internationalistes" in half(True).split("ما که هستیم")[0]
    assert "ما که هستیم" in half(False)  # the back page on the right: the spine is there


def test_persian_platform_follows_the_issue(langs) -> None:
    _, results = langs
    pages = Pdf(results["issue-2"].output("print").path).raw_pages
    assert "ما انترناسیونالیست هستیم" in pages[-1] or "ما انترناسیونالیست هستیم" in pages[-2]


def test_mixed_issue_sets_each_article_in_its_own_rules(langs) -> None:
    _, results = langs
    result = results["issue-3"]
    pdf = Pdf(result.output("print").path)
    outline = dict(pdf.outline())
    french = pdf.raw_pages[outline["Lettre de Montréal\u00a0: la grève"] - 1]
    assert "Vraiment\u202f?" in french
    persian = pdf.raw_pages[outline["اعتصاب در انبار"] - 1]
    assert "کارگران انبار در شهر همیلتون" in persian
    # the furniture follows the issue: English words, Western digits on every folio
    assert "IN THIS ISSUE" in pdf.raw_pages[0].upper()
    for number in range(2, len(pdf.raw_pages) + 1):
        folio = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-y", "558", "-H", "37",
             "-x", "0", "-W", "420", str(result.output("screen").path), "-"],
            capture_output=True, text=True, check=True).stdout.strip()
        assert folio == str(number), (number, folio)
    last = pdf.raw_pages[-1]
    assert "Who we are" in last or "WHO WE ARE" in last


def test_check_warns_when_the_platform_is_not_in_the_issue_language(langs) -> None:
    root, _ = langs
    result = CliRunner().invoke(app, ["check", "issue-1", "--workspace", str(root)])
    assert "no platform in 'fr'" in result.output
    persian = CliRunner().invoke(app, ["check", "issue-2", "--workspace", str(root)])
    assert "no platform in" not in persian.output


def test_the_addresses_of_a_persian_article_are_numbered_once(tmp_path: Path) -> None:
    """The list of a right-to-left article's addresses carries its own numbers ([۱]): no
    list marker of the article's ordered lists before them (it printed '۱. [۱] https://...',
    and indented)."""
    from notespress.api import init

    root = tmp_path / "pub"
    init(root, name="Red Notes")
    (root / "issues" / "issue-1" / "03-fa.md").write_text(
        "---\ntitle: اعتصاب در انبار\nlang: fa\n---\n\nبیانیه را در [سایت اتحادیه]"
        "(https://example.org/fa) بخوانید.\n\n1. یک\n2. دو\n", encoding="utf-8")
    result = build(root, "issue-1", editions=("screen",))
    text = text_of(result)
    line = next(x for x in text.splitlines() if "example.org/fa" in x)
    assert line.count("۱") == 1, line
    assert "۲" in text  # (the article's own numbered list keeps its Persian numbers)
