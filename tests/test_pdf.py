"""The built issue, read back from real PDFs with pypdf, poppler and qpdf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from notespress.build import BuildResult
from notespress.sources import split_front_matter

from .pdfcheck import Pdf, normalize, qpdf_check, squash

BUILDS = ["demo", "mini_built", "mini_small"]


_READ: dict[Path, Pdf] = {}


@pytest.fixture(params=BUILDS)
def built(request: pytest.FixtureRequest) -> tuple[Path, BuildResult, Pdf]:
    root, result = request.getfixturevalue(request.param)
    printed = next(o for o in result.outputs if o.kind == "print")
    if printed.path not in _READ:  # (each session build is read once)
        _READ[printed.path] = Pdf(printed.path)
    return root, result, _READ[printed.path]


def article_sources(result: BuildResult) -> list[tuple[str, str]]:
    """(title, markdown body) of every article, in issue order."""
    out = []
    for article in result.issue.articles:
        doc = split_front_matter(article.path.read_text(encoding="utf-8"), article.path)
        out.append((article.title, doc.body))
    return out


def paragraphs(markdown: str) -> list[str]:
    """Plain paragraphs of a Markdown body (no headings, figures, tables, notes, quotes)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", markdown) if b.strip()]
    keep = []
    for block in blocks:
        if block[0] in "#!|>:[-*" or block[0].isdigit():
            continue
        keep.append(re.sub(r"\[\^[^\]]+\]", "", block))
    return keep


def test_outputs_and_page_counts(built) -> None:
    root, result, _pdf = built
    kinds = {o.kind for o in result.outputs}
    assert {"print", "screen", "html"} <= kinds
    for output in result.outputs:
        assert output.path.is_file()
        assert output.path.parent == root / "build" / result.issue.name
        if output.pages is not None:
            assert output.pages == len(Pdf(output.path).reader.pages)
    assert not [w for w in result.warnings if "WeasyPrint" in w.message]


def test_every_title_and_the_platform_are_in_the_text(built) -> None:
    root, result, pdf = built
    for title, _ in article_sources(result):
        assert pdf.find(title), title
    platform_md = (root / "platform" / "en.md").read_text(encoding="utf-8")
    last = paragraphs(platform_md)[-1]
    assert pdf.find(last[-120:]), "the platform's last paragraph is missing"


def test_platform_comes_after_every_article(built) -> None:
    root, result, pdf = built
    outline = dict(pdf.outline())
    platform_page = outline["Who we are"]
    for title, body in article_sources(result):
        assert outline[title] < platform_page
        last = paragraphs(body)[-1] if paragraphs(body) else title
        assert max(pdf.find(last[-80:])) < platform_page
    platform_md = (root / "platform" / "en.md").read_text(encoding="utf-8")
    assert min(pdf.find(paragraphs(platform_md)[-1][-120:])) >= platform_page


def test_bookmarks_one_per_article_and_the_platform(built) -> None:
    _, result, pdf = built
    titles = [title for title, _ in pdf.outline()]
    assert titles == [a.title for a in result.issue.articles] + ["Who we are"]


def test_contents_page_numbers_are_the_real_pages(built) -> None:
    _, result, pdf = built
    contents = next(text for text in pdf.pages[:2] if "IN THIS ISSUE" in text.upper())
    cover = contents[contents.upper().index("IN THIS ISSUE"):]  # (after the cover's teasers)
    outline = dict(pdf.outline())
    for article in result.issue.articles:
        index = cover.find(normalize(article.title))
        assert index >= 0, f"{article.title!r} is not in the contents"
        tail = cover[index + len(normalize(article.title)):]
        match = re.match(r"\s*(?:\s?\.)+\s*(\d+)", tail)
        assert match, f"no leader and page number after {article.title!r} in the contents"
        page = int(match.group(1))
        assert page == outline[article.title]
        assert page in pdf.find(article.title)
        if article.author:  # the author is printed under the title
            assert squash(article.author) in squash(tail[match.end():match.end() + 80])


def test_footnotes_on_the_page_of_their_call(built) -> None:
    _, result, pdf = built
    checked = 0
    for _, body in article_sources(result):
        notes = dict(re.findall(r"^\[\^([^\]]+)\]:\s*(.+)$", body, re.MULTILINE))
        text = re.sub(r"^\[\^[^\]]+\]:.*$", "", body, flags=re.MULTILINE)
        for label, note in notes.items():
            before = text[: text.index(f"[^{label}]")]
            before = re.sub(r"\[\^[^\]]+\]|[*_`]|\]\([^)]*\)", "", before)
            words = re.findall(r"[\w’']+", before)[-6:]
            call_pages = pdf.find(" ".join(words))
            note_words = re.findall(r"[\w’']+", re.sub(r"[*_`]", "", note))[:8]
            note_pages = pdf.find(" ".join(note_words))
            assert call_pages and note_pages, f"footnote {label}"
            assert note_pages[0] in call_pages, (
                f"footnote [^{label}] is on page {note_pages}, its call on {call_pages}")
            checked += 1
    assert checked >= 2


def font_families(folder: Path) -> set[str]:
    names = set()
    for path in folder.rglob("*"):
        if path.suffix.lower() in (".ttf", ".otf"):
            table = TTFont(path, lazy=True)["name"]
            for name_id in (1, 4, 6, 16):
                value = table.getDebugName(name_id)
                if value:
                    names.add(re.sub(r"[\W_]+", "", value).lower())
    return names


def test_every_font_is_embedded_and_comes_from_fonts(built) -> None:
    root, _, pdf = built
    folder = root / "fonts" if (root / "fonts").is_dir() else Path(
        __file__).resolve().parent.parent / "fonts"
    families = font_families(folder)
    fonts = pdf.fonts()
    assert fonts
    for font in fonts:
        assert font["emb"] == "yes", font
        name = re.sub(r"[\W_]+", "", font["name"].split("+", 1)[-1]).lower()
        assert any(name.startswith(f) or f.startswith(name) for f in families), font


def test_qpdf_accepts_both_editions(built) -> None:
    _, result, _ = built
    for output in result.outputs:
        if output.path.suffix == ".pdf":
            check = qpdf_check(output.path)
            assert check.returncode == 0, check.stdout + check.stderr


def test_metadata(built) -> None:
    _root, result, pdf = built
    info = pdf.info()
    issue = result.issue
    assert f"No. {issue.number}" in info["Title"]
    assert info["Author"]
    assert info.get("Subject")
    assert pdf.reader.trailer["/Root"]["/Lang"] == issue.lang
    assert info["Creator"] or info["Producer"]


def test_screen_edition_has_live_links_print_has_none(built) -> None:
    _, result, _ = built
    def uri_links(path: Path) -> int:
        reader = Pdf(path).reader
        count = 0
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                action = annot.get_object().get("/A")
                if action and action.get("/S") == "/URI":
                    count += 1
        return count
    screen = next(o for o in result.outputs if o.kind == "screen").path
    printed = next(o for o in result.outputs if o.kind == "print").path
    assert uri_links(screen) >= 1  # the colophon's email and website at least
    assert uri_links(printed) == 0


def test_raw_html_is_sanitized_never_printed_as_markup(mini_built) -> None:
    _root, result = mini_built
    html = next(o for o in result.outputs if o.kind == "html").path.read_text()
    assert "<script>" not in html and "alert(1)" not in html and "<b>bold</b>" in html
    text = " ".join(Pdf(next(o for o in result.outputs if o.kind == "print").path).pages)
    assert "such as bold and is set" in text
    assert "<b>" not in text and "alert" not in text


def test_smart_punctuation(mini_built) -> None:
    _, result = mini_built
    pdf = Pdf(next(o for o in result.outputs if o.kind == "print").path)
    text = " ".join(pdf.pages)
    assert "“voted”" in text and "\"voted\"" not in text
    assert "–" in text or "—" in text
