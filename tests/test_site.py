"""The web edition (`notespress site`), stage by stage, without a browser: the articles'
HTML for the web, the pictures, covers and fonts, the pages, the feed and the sitemap, what
a build writes and what it leaves alone. (In a browser: test_site_browser.py.)"""

from __future__ import annotations

import hashlib
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from notespress.cli import app
from notespress.errors import NotespressError
from notespress.site import build_site
from notespress.site.adapters import web_markdown_html

from .conftest import FIXTURES, copy_workspace
from .sitegen import seed_font_cache

ATOM = "{http://www.w3.org/2005/Atom}"
LABELS = {"notes": "Notes", "back": "Back to the text", "table": "Table"}
SITE_URL = "https://example.org/mini/"


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def times_of(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in sorted(folder.rglob("*")) if p.is_file()}


def set_site_url(root: Path, url: str) -> None:
    config = root / "notespress.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"site_url: {url}\n",
                      encoding="utf-8")


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory: pytest.TempPathFactory):
    """The small fixture publication with an address, its PDFs built, and its site."""
    root = copy_workspace(FIXTURES / "mini", tmp_path_factory.mktemp("mini-site") / "ws")
    set_site_url(root, SITE_URL.rstrip("/"))  # the '/' is added
    seed_font_cache(root, tmp_path_factory.getbasetemp())
    return root, build_site(root)


@pytest.fixture
def langs(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The publication in several languages (its PDFs not built: the tests that use it are
    about the pages)."""
    root = copy_workspace(FIXTURES / "langs", tmp_path / "langs")
    seed_font_cache(root, tmp_path_factory.getbasetemp())
    return root


# ------------------------------------------------------------------ the articles' HTML


def web(body: str, tmp_path: Path, lang: str = "en") -> str:
    path = tmp_path / "a.md"
    path.write_text(body, encoding="utf-8")
    return web_markdown_html(body, path, 1, tmp_path, lang, LABELS)


def test_footnotes_become_end_notes_with_links_back(tmp_path: Path) -> None:
    html = web((FIXTURES.parent / "markup" / "footnotes.md").read_text(), tmp_path)
    calls = re.findall(r'<sup class="note-call"><a href="#(note-\d)" id="(call-[\d-]+)"', html)
    assert calls == [("note-1", "call-1"), ("note-2", "call-2"), ("note-1", "call-1-2")]
    notes = html.split('<section class="notes"', 1)[1]
    assert '<h2 class="notes-title" id="notes">Notes</h2>' in notes
    first = notes.split('<li id="note-1"', 1)[1].split("</li>")[0]
    # the note called twice links back to both calls
    assert re.findall(r'href="#(call-[\d-]+)" class="note-back"', first) == ["call-1", "call-1-2"]
    assert "<em>first</em>" in first
    second = notes.split('<li id="note-2"', 1)[1].split("</li>")[0]
    assert second.count("<p>") == 2 and "second paragraph" in second  # a note of two paragraphs
    assert 'aria-label="Back to the text"' in second
    assert 'class="footnote"' not in html  # nothing of the paper's notes is left


def test_persian_notes_are_numbered_in_persian_digits(tmp_path: Path) -> None:
    html = web("متن.[^1]\n\n[^1]: یادداشت.\n", tmp_path, "fa")
    assert 'role="doc-noteref">۱</a>' in html


def test_headings_get_unique_ids_that_no_note_takes(tmp_path: Path) -> None:
    html = web("## Lessons\n\ntext[^1]\n\n## Lessons\n\n## Notes\n\n## Note 1\n\n"
               "## درس‌ها\n\n[^1]: a note\n", tmp_path)
    ids = re.findall(r'<h2 id="([^"]+)"', html)
    assert ids == ["lessons", "lessons-2", "notes-2", "note-1-2", "درسها"]
    assert len(set(re.findall(r'id="([^"]+)"', html))) == len(re.findall(r'id="', html))


def test_tables_scroll_in_a_labelled_frame_and_code_is_kept(tmp_path: Path) -> None:
    html = web("| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nx = '<b>'\n```\n", tmp_path)
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Table">' in html
    assert html.index("</table>") < html.index("</div>")
    assert ('<pre class="code" dir="ltr" data-lang="python"><code><span class="line">'
            'x = \'&lt;b&gt;\'') in html


def test_links_are_pointed_at_the_site_or_made_plain_text(tmp_path: Path) -> None:
    from notespress.site.assets import Hashes
    from notespress.site.content import place

    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 a report")
    (tmp_path / "02-other.md").write_text("---\ntitle: x\n---\n")
    source = tmp_path / "01-this.md"
    source.write_text("---\ntitle: x\n---\n\nSee [lost](#nowhere).\n\n[missing](missing.pdf)\n")
    body = ('<h2 id="lessons">Lessons</h2><p><a href="#lessons">up</a> <a href="#nowhere">'
            'lost</a> <a href="02-other.md#part">other</a> <a href="report.pdf">report</a> '
            '<a href="missing.pdf">missing</a> <a href="https://example.org/">out</a></p>')
    placed = place(body, page="issues/x/01-this.html", base="issues/x/", source=source,
                   folder=tmp_path, pages={(tmp_path / "02-other.md").resolve():
                                           "issues/x/02-other.html"},
                   cache=tmp_path / "cache", hashes=Hashes())
    assert '<a href="#lessons">up</a>' in placed.html
    assert "<a>lost</a>" in placed.html and "<a>missing</a>" in placed.html
    assert '<a href="02-other.html#part">other</a>' in placed.html
    assert '<a href="files/report.pdf">report</a>' in placed.html
    assert placed.files["issues/x/files/report.pdf"].read() == b"%PDF-1.4 a report"
    assert '<a href="https://example.org/">out</a>' in placed.html
    said = [p.message for p in placed.problems]
    assert len(said) == 2 and "'#nowhere' points to no heading" in said[0]
    assert "'missing.pdf' points to no file" in said[1]
    assert [p.line for p in placed.problems] == [5, 7]  # where the editor finds them


def test_root_relative_links_follow_the_issues_link_base_as_on_paper(mini: Path) -> None:
    folder = mini / "issues" / "issue-3"
    (folder / "issue.yaml").write_text((folder / "issue.yaml").read_text()
                                       + "link_base: https://fr.vuejs.org/\n")
    first = folder / "01-first.md"
    first.write_text(first.read_text() + "\nVoir [ce guide](/guide/extras/web-components).\n")
    result = build_site(mini, pdfs=False)
    page = next((mini / "build" / "site").rglob("01-first.html")).read_text()
    assert '<a href="https://fr.vuejs.org/guide/extras/web-components">ce guide</a>' in page
    assert not [w for w in result.warnings if "guide" in str(w)]


def test_pictures_for_screens_are_turned_and_never_enlarged(tmp_path: Path) -> None:
    from notespress.site.assets import Hashes, picture

    photo = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side: shown turned a quarter
    Image.new("CMYK", (1600, 1000), (0, 80, 80, 0)).save(photo, exif=exif)
    made = picture(photo, tmp_path / "cache", Hashes())
    assert [(v.width, v.height, v.suffix) for v in made.variants] == [
        (480, 768, ".jpg"), (800, 1280, ".jpg"), (1000, 1600, ".jpg")]
    with Image.open(made.variants[0].file) as small:
        assert small.size == (480, 768) and small.mode == "RGB"
        assert not small.getexif().get(0x0112)  # turned, not labelled
    assert made.default.width == 800
    gif = tmp_path / "small.gif"
    Image.new("P", (300, 200)).save(gif)
    assert [(v.width, v.suffix) for v in picture(gif, tmp_path / "cache", Hashes()).variants] == [
        (300, ".png")]
    svg = tmp_path / "d.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="200">'
                   "</svg>")
    assert [(v.width, v.height) for v in picture(svg, tmp_path / "c", Hashes()).variants] == [
        (200, 100)]


# ------------------------------------------------------------------ the whole site


def test_the_site_has_every_page_and_file(mini_site) -> None:
    root, result = mini_site
    site = root / "build" / "site"
    assert result.folder == site and not result.up_to_date and result.rebuilt == ("issue-3",)
    names = set(files_of(site))
    for name in ("index.html", "feed.xml", "sitemap.xml", "assets/site.css", "platform/en.html",
                 "issues/issue-3/index.html", "issues/issue-3/01-first.html",
                 "issues/issue-3/02-second.html", "issues/issue-3/cover.jpg",
                 "issues/issue-3/mini-bulletin-3-print.pdf",
                 "issues/issue-3/mini-bulletin-3-screen.pdf",
                 "issues/issue-3/mini-bulletin-3-booklet.pdf",
                 "assets/fonts/lato/OFL.txt"):
        assert name in names, name
    assert set(result.written) == names
    # nothing points at this machine: no file: address, no absolute path, no other host
    for name, data in files_of(site).items():
        if name.endswith((".html", ".css")):
            text = data.decode()
            assert "file:" not in text and str(root) not in text, name
            hosts = set(re.findall(r'(?:src|href)="(https?://[^/"]+)', text))
            assert hosts <= {"https://mini.example.org", "https://example.org"}, (name, hosts)
            # (only links to the site's address: canonical, Open Graph, the contact's site)
            assert not re.search(r'<(?:link rel="(?:stylesheet|icon)"|script|img)[^>]+'
                                 r'(?:href|src)="(?:https?:)?//', text), name
            assert "url(http" not in text and "@import" not in text, name


def test_pdfs_are_copied_with_their_sizes_and_a_cover(mini_site) -> None:
    root, _ = mini_site
    site = root / "build" / "site" / "issues" / "issue-3"
    page = (site / "index.html").read_text()
    for kind in ("print", "screen", "booklet"):
        copy = site / f"mini-bulletin-3-{kind}.pdf"
        assert copy.read_bytes() == (root / "build" / "issue-3" / copy.name).read_bytes()
        assert f'href="{copy.name}" type="application/pdf"' in page
    size = (site / "mini-bulletin-3-print.pdf").stat().st_size
    assert f"{size / 1_000_000:.1f} MB" in page or f"{round(size / 1000)} kB" in page
    with Image.open(site / "cover.jpg") as cover:
        assert cover.width == 480
        assert abs(cover.height / cover.width - 297 / 210) < 0.01  # the A4 page, cut to trim
        assert f'width="480" height="{cover.height}"' in page


def test_pictures_are_resized_with_their_size_set(mini_site) -> None:
    root, _ = mini_site
    site = root / "build" / "site" / "issues" / "issue-3"
    page = (site / "01-first.html").read_text()
    tag = re.search(r'<figure class="figure"><img [^>]+>', page).group(0)
    assert 'alt="A small test figure."' in tag and 'width="400" height="300"' in tag
    assert 'src="images/square-400.png"' in tag  # no wider than the picture itself
    with Image.open(site / "images" / "square-400.png") as image:
        assert image.size == (400, 300)
    assert "<figcaption>A small test figure.</figcaption>" in page


def test_pages_say_what_they_are(mini_site) -> None:
    root, _ = mini_site
    site = root / "build" / "site"
    page = (site / "issues" / "issue-3" / "01-first.html").read_text()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')
    assert "<title>The first article · Mini Bulletin, No. 3</title>" in page
    assert '<meta name="description" content="A first article for the tests.">' in page
    assert '<meta property="og:title" content="The first article">' in page
    assert '<meta property="og:type" content="article">' in page
    assert (f'<meta property="og:url" content="{SITE_URL}issues/issue-3/01-first.html">'
            in page)
    assert f'<meta property="og:image" content="{SITE_URL}issues/issue-3/images/' in page
    assert f'<link rel="canonical" href="{SITE_URL}issues/issue-3/01-first.html">' in page
    # links relative to the page
    assert 'href="../../assets/site.css"' in page and 'href="../../index.html"' in page
    assert 'rel="next" href="02-second.html"' in page
    assert "<script" not in page and "alert(1)" not in page  # sanitized, as on paper
    index = (site / "index.html").read_text()
    assert f'<link rel="canonical" href="{SITE_URL}">' in index
    assert 'href="issues/issue-3/01-first.html">The first article</a>' in index


def test_the_feed_is_atom_with_absolute_links(mini_site) -> None:
    root, _ = mini_site
    feed = ET.parse(root / "build" / "site" / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{tag}").text
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "The Mini Collective"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == SITE_URL + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Mini Bulletin, No. 3: A fixture issue", "The first article", "The second article"]
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith(SITE_URL)
        assert entry.find(f"{ATOM}updated").text == "2026-05-01T00:00:00Z"
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(SITE_URL)
    enclosures = entries[0].findall(f"{ATOM}link[@rel='enclosure']")
    assert {e.get("type") for e in enclosures} == {"application/pdf"} and len(enclosures) == 3
    sitemap = ET.parse(root / "build" / "site" / "sitemap.xml").getroot()
    locations = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations[0] == SITE_URL and SITE_URL + "issues/issue-3/02-second.html" in locations
    assert SITE_URL + "platform/en.html" in locations


def test_fonts_are_woff2_subset_unless_their_licence_reserves_the_name(mini_site) -> None:
    from fontTools.ttLib import TTFont

    root, _ = mini_site
    fonts = root / "build" / "site" / "assets" / "fonts"
    css = (root / "build" / "site" / "assets" / "site.css").read_text()
    libertine = next((fonts / "linux-libertine").glob("LinLibertine_R.*.woff2"))
    lato = next((fonts / "lato").glob("Lato-Black.*.woff2"))
    source = TTFont(REPO_FONTS / "linux-libertine" / "LinLibertine_R.otf")
    subset = TTFont(libertine)
    assert subset.flavor == "woff2"
    cmap = subset.getBestCmap()
    assert ord("é") in cmap and ord("ő") in cmap and 0x201C in cmap  # Latin, quotes
    cyrillic = [c for c in source.getBestCmap() if 0x400 <= c < 0x500]
    assert len(cyrillic) > 200 and len([c for c in cmap if 0x400 <= c < 0x500]) < 10
    assert "smcp" in {f.FeatureTag for f in subset["GSUB"].table.FeatureList.FeatureRecord}
    assert len(cmap) < len(source.getBestCmap())
    # Lato's licence reserves its name: the font is served whole
    assert len(TTFont(lato).getBestCmap()) == len(
        TTFont(REPO_FONTS / "lato" / "Lato-Black.ttf").getBestCmap())
    assert f'url("fonts/linux-libertine/{libertine.name}") format("woff2")' in css
    assert "unicode-range: U+0000-024F" in css
    lato_rule = css.split(lato.name)[1].split("}")[0]
    assert "unicode-range" not in lato_rule
    assert (fonts / "linux-libertine" / "OFL.txt").is_file()


REPO_FONTS = FIXTURES.parent.parent / "fonts"


# ------------------------------------------------------------------ what a build writes


def test_nothing_changed_means_nothing_written(mini_site) -> None:
    root, _ = mini_site
    site = root / "build" / "site"
    before = times_of(site)
    again = build_site(root)
    assert again.up_to_date and not again.written
    forced = build_site(root, force=True)  # everything made again, found the same
    assert not forced.up_to_date and not forced.written and not forced.removed
    assert forced.unchanged == len(before)
    assert times_of(site) == before


def test_only_the_issue_that_changed_is_made_again(langs: Path) -> None:
    first = build_site(langs, pdfs=False)
    assert set(first.rebuilt) == {"issue-1", "issue-2", "issue-3"}
    site = langs / "build" / "site"
    before = times_of(site)
    article = langs / "issues" / "issue-1" / "01-lettre.md"
    article.write_text(article.read_text().replace("la grève", "la grève générale"))
    second = build_site(langs, pdfs=False)
    assert second.rebuilt == ("issue-1",)
    assert set(second.written) == {"issues/issue-1/01-lettre.html", "issues/issue-1/index.html",
                                   "index.html", "feed.xml"}
    after = times_of(site)
    assert all(after[name] == before[name] for name in before if "issue-1/" not in name
               and name not in ("index.html", "feed.xml"))
    assert "la grève générale" in (site / "index.html").read_text()


def test_a_page_nobody_makes_any_more_is_removed(langs: Path) -> None:
    build_site(langs, pdfs=False)
    site = langs / "build" / "site"
    (langs / "issues" / "issue-2" / "05-yaddasht.md").unlink()
    (site / "stray.txt").write_text("left by hand")
    result = build_site(langs, pdfs=False)
    assert set(result.removed) == {"issues/issue-2/05-yaddasht.html", "stray.txt"}
    assert not (site / "issues" / "issue-2" / "05-yaddasht.html").exists()
    assert "05-yaddasht" not in (site / "issues" / "issue-2" / "index.html").read_text()


@pytest.mark.slow
def test_the_caches_give_the_same_bytes(langs: Path) -> None:
    build_site(langs, pdfs=False)
    site = langs / "build" / "site"
    made = files_of(site)
    shutil.rmtree(site)
    build_site(langs, pdfs=False)  # from the caches
    assert files_of(site) == made
    shutil.rmtree(langs / "build" / ".cache")
    result = build_site(langs, pdfs=False)  # from nothing, over the same files
    assert not result.written and files_of(site) == made


def test_a_broken_issue_stops_the_build_and_the_site_stays(langs: Path) -> None:
    build_site(langs, pdfs=False)
    site = langs / "build" / "site"
    made = files_of(site)
    (langs / "issues" / "issue-1" / "issue.yaml").write_text("number: x\ndate: 2026-13-01\n")
    (langs / "issues" / "issue-3" / "01-english.md").write_text("no front matter\n")
    with pytest.raises(NotespressError) as caught:
        build_site(langs, pdfs=False)
    said = "\n".join(str(p) for p in caught.value.problems)
    assert "issue-1/issue.yaml:1: number: 'x' is not a whole number" in said
    assert "issue.yaml:2: date: '2026-13-01' is not a date" in said
    assert "issue-3/01-english.md:1: no front matter" in said
    assert files_of(site) == made


# ------------------------------------------------------------------ settings and layouts


def test_without_site_url_the_feed_is_relative_and_there_is_no_sitemap(langs: Path) -> None:
    result = build_site(langs, pdfs=False)
    assert [w.key for w in result.warnings] == ["site_url"]
    site = langs / "build" / "site"
    assert not (site / "sitemap.xml").exists()
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "feed.xml"
    assert "canonical" not in (site / "index.html").read_text()


@pytest.mark.parametrize("value", ["example.org", "ftp://example.org/", "https://",
                                   "https://example.org/?page=1"])
def test_a_site_url_that_is_no_web_address_is_an_error(langs: Path, value: str) -> None:
    set_site_url(langs, value)
    result = CliRunner().invoke(app, ["site", "--no-pdfs", "-w", str(langs)])
    assert result.exit_code == 1
    line = (langs / "notespress.yaml").read_text().splitlines().index(f"site_url: {value}") + 1
    assert f"notespress.yaml:{line}: site_url: '{value}' is not a web address" in result.output
    assert not (langs / "build" / "site").exists()


def test_the_workspace_layouts_and_words_come_first(langs: Path) -> None:
    (langs / "layouts" / "site").mkdir(parents=True)
    (langs / "layouts" / "site" / "article.html").write_text(
        '{% extends "default/site/article.html" %}\n{% block main %}<p class="ours">OURS</p>'
        "{{ super() }}{% endblock %}\n", encoding="utf-8")
    (langs / "layouts" / "strings").mkdir()
    (langs / "layouts" / "strings" / "en.yaml").write_text("site_all_issues: Every issue\n")
    build_site(langs, pdfs=False)
    site = langs / "build" / "site"
    article = (site / "issues" / "issue-3" / "01-english.html").read_text()
    assert '<p class="ours">OURS</p>' in article and "An English article" in article
    assert ">Every issue</a>" in (site / "index.html").read_text()
    assert "Who we are" in article  # words not overridden fall back to the built-in table


def test_each_page_has_the_language_and_direction_of_its_text(langs: Path) -> None:
    build_site(langs, pdfs=False)
    site = langs / "build" / "site" / "issues"
    persian = (site / "issue-3" / "03-farsi.html").read_text()  # in an English issue
    assert persian.startswith('<!DOCTYPE html>\n<html lang="fa" dir="rtl">')
    assert '<header class="site-head" lang="en" dir="ltr">' in persian
    assert '<p class="byline">نوشتهٔ' in persian  # the article's own words
    french = (site / "issue-1" / "01-lettre.html").read_text()
    assert french.startswith('<!DOCTYPE html>\n<html lang="fr" dir="ltr">')
    assert "Dans ce numéro" in french and "Lettre de Montréal\u00a0: la grève" in french
    issue = (site / "issue-2" / "index.html").read_text()
    assert issue.startswith('<!DOCTYPE html>\n<html lang="fa" dir="rtl">')
    assert "شماره ۱۲" in issue and "در این شماره" in issue


def test_the_cli_makes_the_site_and_build_all_can_too(langs: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["site", "--no-pdfs", "-w", str(langs)])
    assert result.exit_code == 0, result.output
    assert "wrote " in result.output and "issues made again: issue-1, issue-2, issue-3" in (
        result.output)
    again = runner.invoke(app, ["site", "--no-pdfs", "-w", str(langs)])
    assert "up to date" in again.output
    # not on a terminal: no progress bar's label printed on a line of its own
    assert not {"PDF editions", "building"} & {line.strip() for line in again.output.splitlines()}
    (langs / "platform" / "fa.md").write_text("## ما\n\nما انترناسیونالیست هستیم.\n")
    built = runner.invoke(app, ["build", "--all", "--site", "-e", "screen", "-w", str(langs)])
    assert built.exit_code == 0, built.output
    assert "issues made again" in built.output
    site = langs / "build" / "site" / "issues" / "issue-2"
    assert (site / "notes-internationalistes-12-screen.pdf").is_file()
    assert hashlib.sha256((site / "cover.jpg").read_bytes()).hexdigest()


def test_the_web_layouts_make_no_pdf_stale(langs: Path) -> None:
    from notespress.build import build

    assert not build(langs, "issue-1", editions=["screen"]).up_to_date
    build_site(langs, pdfs=False)
    (langs / "layouts" / "site").mkdir(parents=True)
    (langs / "layouts" / "site" / "site.css").write_text(
        '{% include "default/site/site.css" %}\nbody { background: #fff; }\n')
    assert build(langs, "issue-1", editions=["screen"]).up_to_date
    result = build_site(langs, pdfs=False)
    assert result.written == ("assets/site.css",)
    assert "body { background: #fff; }" in (
        langs / "build" / "site" / "assets" / "site.css").read_text()
