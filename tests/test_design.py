"""Pages a designer would sign (issue 15), checked on the PDFs' word boxes: right to left
everywhere, Persian digits, articles that run on, house pages, the cover, running heads, the
back page, even text and its report, the settings, the strings tables."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notespress.build import BuildResult, build
from notespress.cli import app
from notespress.typeset_report import PageWords, Word, read_words

from .conftest import FIXTURES, REPO, copy_workspace
from .pdfcheck import Pdf

runner = CliRunner()
PAGECHECK = REPO.parent / "shared" / "tools" / "pagecheck.py"


@pytest.fixture(scope="module")
def langs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, BuildResult]]:
    root = copy_workspace(FIXTURES / "langs", tmp_path_factory.mktemp("design") / "langs")
    return root, {name: build(root, name) for name in ("issue-1", "issue-2", "issue-3")}


def lines_of(page: PageWords) -> list[list[Word]]:
    return [line for block in page.blocks for line in block]


def line_with(page: PageWords, text: str) -> list[Word]:
    """The lowest line holding `text` (poppler gives right-to-left words letters last
    first)."""
    for line in reversed(lines_of(page)):
        words = " ".join(w.text for w in line)
        if text in words or text[::-1] in words:
            return line
    raise AssertionError(f"{text!r} not on the page")


def body_right(page: PageWords) -> float:
    """The right edge of the page's text column: where most lines end."""
    ends = sorted(round(line[-1].x1) for line in lines_of(page) if len(line) > 3)
    return max(ends, key=ends.count)


# ------------------------------------------------------------------ right to left


def test_persian_headings_and_footnotes_sit_on_the_right_margin(langs) -> None:
    """In an all-Persian issue and in a Persian article of an English issue alike."""
    _, results = langs
    persian = read_words(results["issue-2"].output("screen").path)
    page = persian[0]
    right = body_right(page)
    title = line_with(page, "اعتصاب در انبار")  # the lead article's title
    assert abs(title[-1].x1 - right) < 1.5 and title[0].x0 > page.width / 2, title
    note = line_with(page, "کارگران انبار،")  # its footnote
    assert abs(note[-1].x1 - right) < 1.5 and note[0].x0 > page.width / 3, note
    mixed = read_words(results["issue-3"].output("screen").path)
    where = next(p for p in mixed if any(w.text in ("انبار", "رابنا") for line in lines_of(p)
                                         for w in line))
    heading = line_with(where, "انبار")
    assert abs(heading[-1].x1 - body_right(where)) < 1.5, heading
    subhead = line_with(where, "اعتصاب")  # (the subhead "درس‌های اعتصاب")
    assert abs(subhead[-1].x1 - body_right(where)) < 1.5


def test_persian_paragraphs_are_indented_at_the_right(langs) -> None:
    _, results = langs
    page = read_words(results["issue-3"].output("screen").path)[1]
    second = line_with(page, "نمایندگانی")  # the second paragraph's first line
    assert body_right(page) - second[-1].x1 > 5  # its indent, at the start of the line


def test_note_numbers_are_in_the_digits_of_their_article(langs) -> None:
    """In the mixed issue (English, French, Persian): the Persian article's note is ۱, the
    others' 1; in the all-Persian issue, ۱ too."""
    def text(issue: str) -> str:  # (poppler reads the Persian digits' glyphs back right)
        path = results[issue].output("print").path
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout

    _, results = langs
    mixed = text("issue-3")
    notes = [line for line in mixed.splitlines() if "گزارش یکی از کارگران" in line]
    assert notes and "۱" in notes[0] and "1" not in notes[0], notes
    assert "1. From a report sent to the editors." in mixed
    persian = [line for line in text("issue-2").splitlines() if ".۱" in line
               or "۱." in line]
    assert persian and not any("1." in line or ".1" in line for line in persian), persian


def test_titles_and_names_keep_their_order_in_the_other_direction(tmp_path: Path) -> None:
    """A Persian title ending in a Latin name in an English contents list; English names and
    an English summary on a Persian cover: each in its own direction, from word boxes."""
    from notespress.markup_bidi import bidi_html, text_direction

    assert text_direction("Northgate گزارش") == "ltr" and text_direction("گزارش Northgate") == "rtl"
    assert text_direction("2026", "fa") == "rtl"
    assert bidi_html("گزارش Northgate (UK)", "en") == (
        '<span dir="rtl">گزارش <span dir="ltr">Northgate (UK)</span></span>')
    root = copy_workspace(FIXTURES / "langs", tmp_path / "langs")
    farsi = root / "issues" / "issue-3" / "03-farsi.md"
    farsi.write_text(farsi.read_text().replace("title: اعتصاب در انبار",
                                               "title: گزارش جلسهٔ کارگران Northgate"))
    pages = read_words(build(root, "3", editions=["print"]).output("print").path)
    line = line_with(pages[0], "Northgate")
    northgate = next(w for w in line if w.text == "Northgate")
    persian = [w for w in line if any("\u0600" <= c <= "\u06ff" for c in w.text)]
    assert persian and all(northgate.x1 < w.x0 for w in persian), line  # read right to left


def test_code_never_stretches_a_justified_line(mini: Path) -> None:
    """A line that holds code and would be loose (code's spaces do not stretch: the one
    space before it took it all) is set ragged; from word boxes, its gaps stay usual."""
    first = mini / "issues" / "issue-3" / "01-first.md"
    code = ("`cargo build --release --target=x86_64-unknown-linux-gnu_with_a_very_long_suffix`"
            " then `notespress::build::run_the_whole_pipeline(issue)` afterwards, and fix "
            "`unfulfilled_lint_expectations` incorrectly reported when the lint is denied.")
    first.write_text(first.read_text() + "".join(
        f"\n{lead} {code}\n" for lead in ("Run", "Then run", "We ran", "Run it all", "So",
                                            "Now we run it", "After the meeting run")))
    pages = read_words(build(mini, "3", editions=["print"]).output("print").path)
    lines = [line for page in pages for line in lines_of(page)
             if any(w.text in ("cargo", "unfulfilled_lint_expectations") for w in line)]
    assert lines
    for line in lines:
        gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(line)]
        assert max(gaps) < 8, [(w.text, round(w.x0)) for w in line]  # (a space is 2-4 pt)


def test_a_name_in_a_link_is_not_cut_at_a_lines_end(tmp_path: Path) -> None:
    """Names linked one after another, in an English line of a Persian article: each word
    whole on its line (WeasyPrint took the first word of a link for a line's start, and
    cut it without a hyphen where it did not fit: "Christin|e Abernathy")."""
    from notespress.api import init
    from notespress.newissue import create_issue

    root = init(tmp_path / "fa", name="یادداشت‌ها", lang="fa").root
    issue = create_issue(root).folder  # (issue-2, no title: the lead under the masthead)
    for old in issue.glob("*.md"):
        old.unlink()
    names = ["Andrew Clark", "Brian Vaughn", "Christine Abernathy", "Dan Abramov",
             "Rachel Nabors", "Rick Hanlon", "Sebastian Markbage", "Seth Webster"]
    links = ", ".join(f"[{n}](https://example.org/{n.split()[0].lower()})" for n in names)
    (issue / "01-plan.md").write_text(
        f"---\ntitle: برنامه برای ری‌اکت ۱۸\nauthor: {', '.join(names)}\n---\n\n"
        f"June 8, 2021 by {links}\n\nتیم ری‌اکت برای به اشتراک گذاشتن چند بروزرسانی هیجان "
        "زده است.\n")
    path = build(root, "issue-2", editions=["print"]).output("print").path
    words = {w.text.strip(",.") for page in read_words(path) for line in lines_of(page)
             for w in line}
    cut = {word[:end] for name in names for word in name.split() for end in range(3, len(word))}
    assert not cut & words, sorted(cut & words)  # ("Christin", then "e" on the next line)


def test_list_items_are_set_ragged(mini: Path) -> None:
    """A digest's list of links and names is ragged: its lines end where their words do."""
    first = mini / "issues" / "issue-3" / "01-first.md"
    item = ("Protecting the standard library from accidental breakage, with a review of the "
            "whole build and the migration of the seven remaining manual workflows")
    first.write_text(first.read_text() + "\n" + "".join(f"- {item} ({n})\n" for n in range(6)))
    pages = read_words(build(mini, "3", editions=["print"]).output("print").path)
    lines = [line for page in pages for line in lines_of(page)
             if {"workflows", "standard", "whole", "migration"} & {w.text for w in line}]
    inner = [line for line in lines if not line[-1].text.endswith(")")]  # not an item's last
    margin = max(line[-1].x1 for line in inner)
    # justified, every line of an item but its last would end at the column's edge
    assert any(margin - line[-1].x1 > 5 for line in inner), [ln[-1].x1 for ln in inner]


def test_labels_are_in_the_article_language(langs) -> None:
    import re

    _, results = langs
    text = " ".join(Pdf(results["issue-3"].output("print").path).raw_pages)
    assert "نوشتهٔ" in text and "اکافور" in text  # "نوشتهٔ م. اکافور"
    assert not [m for m in re.findall(r"\bBY\s+(\S+)", text.upper())
                if any("\u0600" <= c <= "\u06ff" for c in m)]  # not "BY م. اکافور"
    assert "BY J. VARGA" in text.upper() and "PAR C. MORETTI" in text.upper()


def test_persian_digits_have_their_persian_forms() -> None:
    """The Persian face draws ۴ ۵ ۶ ۷ in their Persian forms, which differ from the
    Arabic-Indic ٤ ٥ ٦ ٧, and no substitution of its Persian (FAR) rules changes them
    (Noto Naskh Arabic 2.004 turned them into Urdu and Arabic forms)."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    folder = REPO / "fonts" / "vazirmatn"
    assert (folder / "OFL.txt").is_file()
    persian = [f"uni06F{d}" for d in range(10)]
    for path in sorted(folder.glob("*.ttf")):
        font = TTFont(path)
        cmap = font.getBestCmap()
        assert [cmap[0x6F0 + d] for d in range(10)] == persian
        glyphs = font.getGlyphSet()

        def outline(name: str, glyphs=glyphs) -> list:
            pen = RecordingPen()
            glyphs[name].draw(pen)
            return pen.value

        arabic = {f"uni06F{d}": outline(cmap[0x660 + d]) for d in range(4, 8)}
        for name, shape in arabic.items():
            assert outline(name) != shape, name
        gsub = font["GSUB"].table
        features = set()
        for record in gsub.ScriptList.ScriptRecord:
            if record.ScriptTag not in ("arab", "DFLT"):
                continue
            systems = [record.Script.DefaultLangSys] + [
                r.LangSys for r in record.Script.LangSysRecord if r.LangSysTag == "FAR "]
            features |= {i for s in systems if s is not None for i in s.FeatureIndex}
        lookups = {i for f in features
                   for i in gsub.FeatureList.FeatureRecord[f].Feature.LookupListIndex}
        for index in lookups:
            for table in gsub.LookupList.Lookup[index].SubTable:
                table = getattr(table, "ExtSubTable", table)
                mapping = getattr(table, "mapping", None) or {}
                for name, shape in arabic.items():  # (tabular forms are Persian too)
                    assert name not in mapping or outline(mapping[name]) != shape, \
                        (path.name, index, name)


def test_persian_digits_are_printed_in_the_persian_face(langs) -> None:
    from pypdf import PdfReader

    _, results = langs
    faces: dict[str, int] = {}

    def visit(text: str, cm, tm, font, size) -> None:
        if font is not None and any("\u06f0" <= c <= "\u06f9" for c in text):
            name = str(font.get("/BaseFont", ""))
            faces[name] = faces.get(name, 0) + 1

    for page in PdfReader(results["issue-2"].output("print").path).pages:
        page.extract_text(visitor_text=visit)
    assert faces and all("Vazirmatn" in name for name in faces), faces


# ------------------------------------------------------------------ paper


def test_articles_run_on_and_no_page_is_half_empty(demo) -> None:
    from notespress.typeset_report import measure

    root, result = demo
    pdf = Pdf(result.output("print").path)
    starts = [page for _, page in pdf.outline()]
    sections = result.sections
    # an article starts on the page where the one before it ends
    assert any(sections[a.slug][1] == sections[b.slug][0]
               for a, b in itertools.pairwise(result.issue.articles))
    layout = _layout(root)
    report = measure(layout.document, result.output("screen").path)
    checked = [p for p in report.pages if p.checked_fill]
    assert len(checked) >= len(pdf.pages) - 4 and all(p.fill >= 0.6 for p in checked), \
        [(p.page, p.fill) for p in checked]
    assert starts == sorted(starts)


def _layout(root: Path):
    from notespress.assemble import assemble
    from notespress.build import lay_out, load

    pub, issue = load(root, "issue-12")
    return lay_out(pub, assemble(pub, issue, pad=0), strict=False)


def test_article_start_page_opens_each_article_on_a_page(mini: Path) -> None:
    issue = mini / "issues" / "issue-3" / "issue.yaml"
    issue.write_text(issue.read_text() + "article_start: page\n")
    pdf = Pdf(build(mini, "3", editions=["print"]).output("print").path)
    pages = [page for _, page in pdf.outline()]
    assert len(set(pages)) == len(pages)  # (run on, both share page 1)
    issue.write_text(issue.read_text().replace("article_start: page", "article_start: spread"))
    wrong = runner.invoke(app, ["build", "3", "-w", str(mini)])
    assert wrong.exit_code == 1 and "article_start: 'spread' is not one of any, page, " \
        "right" in wrong.output


def _picture_articles(mini: Path) -> Path:
    """Six articles that are each a head and a picture a column wide: the third head of a
    page has room below it for some lines, not for its picture."""
    from PIL import Image

    folder = mini / "issues" / "issue-3"
    for old in folder.glob("*.md"):
        old.unlink()
    Image.new("L", (600, 600), 90).save(folder / "images" / "tall.png")
    names = []
    for n in range(1, 7):
        names.append(f"{n:02d}-picture.md")
        (folder / names[-1]).write_text(f"---\ntitle: Picture {n}\n---\n\n"
                                        f"![Picture number {n}](images/tall.png)\n")
    (folder / "issue.yaml").write_text("number: 3\ndate: 2026-05-01\narticles:\n"
                                       + "".join(f"  - {n}\n" for n in names))
    return folder


def test_an_article_head_goes_with_the_picture_that_opens_it(mini: Path) -> None:
    """From the PDF: each article's title is on the page of its picture."""
    from notespress.api import check

    _picture_articles(mini)
    result = build(mini, "3", editions=["print"])
    path = result.output("print").path
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    pictures = [int(line.split()[0]) for line in listing]
    heads = {title: page for title, page in Pdf(path).outline() if title.startswith("Picture")}
    assert len(heads) == 6 and len(pictures) == 6, (heads, pictures)
    for title, page in heads.items():  # as many pictures on a page as heads
        assert pictures.count(page) == list(heads.values()).count(page), (title, heads, pictures)
    # and the report finds a head left alone when a publication's own style allows it
    (mini / "layouts").mkdir(exist_ok=True)
    (mini / "layouts" / "custom.css").write_text(
        ".article-head.opens-with-block { break-after: auto }")  # (as before the fix)
    stranded = [f for f in check(mini, "3").notes if f.rule == "stranded-head"]
    assert stranded and all("the head of 'Picture " in f.message for f in stranded), stranded


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_new_publications_lead_article_starts_on_the_cover(tmp_path: Path, lang: str) -> None:
    """(Keeping every head with its text moved the Persian sample's lead article, whose
    columns end in a wide picture, off the cover: page 1 was two thirds empty.)"""
    from notespress.api import init

    root = init(tmp_path / lang, name="Notes", lang=lang).root
    path = build(root, "issue-1", editions=["print"]).output("print").path
    outline = Pdf(path).outline()
    assert outline[0][1] == 1, outline


def test_the_coupon_never_backs_onto_the_cover(langs) -> None:
    """The French issue's article ends on page 1: the house pages start on page 2, the back
    of the cover and its contents, which gets a call for contributions; the coupon is on
    page 3 (backed by the platform)."""
    _, results = langs
    pages = Pdf(results["issue-1"].output("print").path).pages
    assert len(pages) == 4
    assert "Écrivez pour nous" in pages[1] and "Courriel" not in pages[1]
    assert "Abonnez-vous" in pages[2] and "Courriel" in pages[2] and "Adresse" in pages[2]


def test_the_back_page_is_a_panel_without_running_head(demo) -> None:
    _, result = demo
    path = result.output("screen").path
    last = read_words(path)[-1]
    top = [w for line in lines_of(last) for w in line if w.y1 < 50]
    assert not top, top  # no running head
    names = [w for line in lines_of(last) for w in line if w.text == "Internationalist"]
    assert names and names[-1].y0 > last.height * 0.75  # the colophon's name, at the foot


def test_a_spread_does_not_repeat_its_running_head(demo) -> None:
    """Verso: the publication and the issue; recto: the article."""
    _, result = demo
    words = read_words(result.output("screen").path)
    checked = 0
    for left, right in ((words[3], words[4]), (words[5], words[6])):
        head = [" ".join(w.text for w in line) for page in (left, right)
                for line in lines_of(page) if line[0].y1 < 50]
        assert len(head) == 2 and head[0] != head[1], head
        assert "INTERNATIONALIST" in head[0].replace(" ", "")
        checked += 1
    assert checked == 2


# ------------------------------------------------------------------ the cover


def test_the_cover_sells_the_issue(demo) -> None:
    root, result = demo
    cover = read_words(result.output("screen").path)[0]
    height = {}
    for needle in ("Internationalist", "crisis?", "Wages,"):
        height[needle] = max(w.y1 - w.y0 for line in lines_of(cover) for w in line
                             if w.text.startswith(needle))
    # the masthead strongest, then the theme, larger than any article's title
    assert height["Internationalist"] > height["crisis?"] > 1.05 * height["Wages,"]
    text = Pdf(result.output("print").path).pages[0]
    teasers = [a for a in result.issue.articles[1:] if a.summary and a.title in text]
    assert len(teasers) >= 2 and "P. 3" in text.upper()
    # the picture runs off the page into the bleed, on both sides
    layout = _layout(root)
    from notespress.compat import page_box, walk_boxes

    page = page_box(layout.document.pages[0])
    image = next(b for b, _ in walk_boxes(page) if type(b).__name__ == "BlockReplacedBox")
    assert image.position_x < 0 and image.position_x + image.width > page.margin_width()


def test_a_cover_picture_must_be_in_the_issue(mini: Path) -> None:
    issue = mini / "issues" / "issue-3" / "issue.yaml"
    issue.write_text(issue.read_text() + "cover:\n  picture: images/none.jpg\n  foo: 1\n")
    result = runner.invoke(app, ["build", "3", "-w", str(mini)])
    assert result.exit_code == 1
    assert "issue.yaml:" in result.output and "cover picture 'images/none.jpg' not found" \
        in result.output
    assert "cover.foo" in result.output


def test_french_details_of_the_cover_and_colophon(langs) -> None:
    _, results = langs
    pdf = Pdf(results["issue-1"].output("print").path)
    text = " ".join(pdf.pages)
    assert "Nº 7" in " ".join(pdf.raw_pages).upper()
    assert "Prix : gratuit" in text  # (a no-break space before the colon)
    assert "Publié par le Groupe Internationaliste Ouvrier" in text


def test_the_platform_heading_is_printed_once(langs) -> None:
    _, results = langs
    last = Pdf(results["issue-2"].output("print").path).raw_pages[-1]
    assert last.count("ما که هستیم") == 1


# ------------------------------------------------------------------ even text


@pytest.fixture(scope="module")
def demo_check(demo) -> dict:
    root, _ = demo
    result = runner.invoke(app, ["check", "issue-12", "--json", "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.slow
def test_the_typography_report_meets_its_targets_on_the_demo(demo_check) -> None:
    notes = [f for f in demo_check["findings"] if f["severity"] == "note"]
    summary = notes[-1]
    assert summary["rule"] == "typography" and summary["message"].startswith("typography:")
    counts = {rule: sum(1 for f in notes if f["rule"] == rule) for rule in (
        "loose-line", "hyphen-ladder", "mostly-empty-page", "column-top-space")}
    assert counts["loose-line"] <= 4 and counts["hyphen-ladder"] == 0, counts
    assert counts["mostly-empty-page"] == 0 and counts["column-top-space"] == 0, counts
    # each finding names its page, and its article when it is in one
    assert all(f["page"] for f in notes[:-1])
    assert all(f["path"] for f in notes if f["rule"] == "loose-line")


@pytest.mark.skipif(not PAGECHECK.is_file(), reason="../shared is not beside the checkout")
@pytest.mark.slow
def test_the_report_agrees_with_the_outside_check(demo, demo_check) -> None:
    _, result = demo
    outside = json.loads(subprocess.run(
        [sys.executable, str(PAGECHECK), str(result.output("print").path)],
        capture_output=True, text=True, check=True).stdout)
    notes = [f for f in demo_check["findings"] if f["severity"] == "note"]
    loose = sum(1 for f in notes if f["rule"] == "loose-line")
    assert abs(outside["loose"] - loose) <= 1
    assert outside["ladders"] == sum(1 for f in notes if f["rule"] == "hyphen-ladder")
    assert outside["overprint"] == 0 and outside["outside"] == 0 and not outside["empty_pages"]


def test_ragged_text_and_no_hyphens_when_asked(mini: Path) -> None:
    config = mini / "notespress.yaml"
    article = mini / "issues" / "issue-3" / "01-first.md"  # the lead, on the cover
    article.write_text(article.read_text() + "\n" + " ".join(
        ["Delegates from every shift reported on the speed-up of the line."] * 30) + "\n")
    config.write_text(config.read_text() + "justify: false\nhyphenate: false\n")
    words = read_words(build(mini, "3", editions=["screen"]).output("screen").path)
    lines = [line for page in words for line in lines_of(page) if len(line) > 5]
    ends = {round(line[-1].x1) for line in lines}
    assert len(ends) > len(lines) / 3  # ragged: the lines end where their words end
    assert not any(line[-1].text.endswith("\u2010") for line in lines)


@pytest.mark.parametrize(("setting", "message"), [
    ("hyphen_ladder: 12", "hyphen_ladder: must be a whole number from 0 to 9"),
    ("justify: maybe", "justify: must be true or false"),
    ("hyphen_zone: 50", "hyphen_zone: must be a number from 0 to 30"),
    ("hyphen_min_word: 2", "hyphen_min_word: must be a whole number from 4 to 20"),
])
def test_even_text_settings_are_checked(mini: Path, setting: str, message: str) -> None:
    config = mini / "notespress.yaml"
    config.write_text(config.read_text() + setting + "\n")
    result = runner.invoke(app, ["build", "3", "-w", str(mini)])
    assert result.exit_code == 1 and message in result.output, result.output
    assert "notespress.yaml:" in result.output


# ------------------------------------------------------------------ the demo's pictures


def test_the_demo_pictures_are_made_by_their_script(tmp_path: Path) -> None:
    from PIL import Image, ImageChops, ImageStat

    subprocess.run([sys.executable, str(REPO / "docs" / "demo_pictures.py"), str(tmp_path)],
                   check=True)
    for name in ("wages-chart.png", "fig-us-military-gdp.png", "cover.jpg"):
        with Image.open(tmp_path / name) as made, \
                Image.open(REPO / "issues" / "issue-12" / "images" / name) as kept:
            assert made.size == kept.size
            difference = ImageStat.Stat(ImageChops.difference(
                made.convert("L"), kept.convert("L"))).mean[0]
            assert difference < 2, name
    with Image.open(tmp_path / "wages-chart.png") as chart:
        assert chart.mode == "L"  # grays only: the same on a copier
        assert chart.info.get("dpi", (0,))[0] == pytest.approx(300, abs=1)
        assert chart.width == round(3.45 * 300)  # one column, at 300 dpi


def test_a_small_page_with_a_cover_picture_has_its_contents_on_page_2(tmp_path: Path) -> None:
    """On an A5 page the picture takes the cover's room: the contents open page 2, with the
    pages of a full layout even when the padding was guessed wrong (the cover's two pages
    are laid out again with the back)."""
    from PIL import Image

    root = copy_workspace(FIXTURES / "langs", tmp_path / "langs")
    issue = root / "issues" / "issue-2"
    (issue / "images").mkdir()
    Image.new("RGB", (900, 500), (90, 40, 40)).save(issue / "images" / "cover.jpg")
    (issue / "issue.yaml").write_text((issue / "issue.yaml").read_text() + (
        "cover:\n  picture: images/cover.jpg\n  alt: A red field.\n  credit: Test\n"))
    result = build(root, "issue-2")
    pdf = Pdf(result.output("print").path)
    assert "در این شماره" not in pdf.raw_pages[0] and "در این شماره" in pdf.raw_pages[1]
    outline = dict(pdf.outline())
    persian = "۰۱۲۳۴۵۶۷۸۹"
    for title, page in outline.items():
        if title != "ما که هستیم":
            assert persian[page] in pdf.raw_pages[1], title  # the contents give its page
    assert len(pdf.pages) % 4 == 0
    again = build(root, "issue-2", force=True)  # (the padding now known: one layout)
    assert Pdf(again.output("print").path).raw_pages == pdf.raw_pages


def test_the_screen_edition_has_the_same_pages_built_alone(langs, tmp_path: Path) -> None:
    """The French issue: built with the print edition or alone, its screen edition has the
    same pages, and its contents the same page for the platform."""
    _, results = langs
    root = copy_workspace(FIXTURES / "langs", tmp_path / "alone")
    alone = build(root, "issue-1", editions=("screen",))
    assert Pdf(alone.output("screen").path).raw_pages == \
        Pdf(results["issue-1"].output("screen").path).raw_pages


@pytest.mark.parametrize("issue", ["issue-1", "issue-2", "issue-3"])
def test_the_fixtures_in_three_languages_check_clean(langs, issue: str) -> None:
    """French, all-Persian and mixed A5 issues: nothing a print shop would send back (the
    running heads and the tall Persian folios inside the safe area)."""
    root, _ = langs
    result = runner.invoke(app, ["check", issue, "--workspace", str(root)])
    assert result.exit_code == 0 and "0 error(s)" in result.output, result.output
