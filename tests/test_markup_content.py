"""Articles as members paste them: raw HTML, code, links and anchors, boxes, task lists,
mixed directions, pictures. Each test renders Markdown and reads the HTML (or the problems)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from notespress.markup import Source, check_references, render_markdown
from notespress.markup_code import pieces


def render(text: str, tmp_path: Path, lang: str = "en", **options):
    source = Source(path=tmp_path / "a.md", first_line=1, folder=tmp_path, lang=lang,
                    id_prefix="a-", **options)
    return render_markdown(text, source)


def errors(result) -> list[str]:
    return [f"{p.line}: {p.message}" for p in result.problems if p.severity == "error"]


def warned(result) -> list[str]:
    return [f"{p.line}: {p.message}" for p in result.problems if p.severity == "warning"]


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# ------------------------------------------------------------------ raw HTML


def test_comments_never_reach_paper(tmp_path: Path) -> None:
    result = render("Before.\n\n<!--\nEditors:\n- [a link](https://x.org) -- to check\n-->\n\n"
                    "Inline <!-- a note\nover two lines --> text.\n", tmp_path)
    assert "Editors" not in result.html and "to check" not in result.html
    assert "a note" not in result.html and "x.org" not in result.html
    assert "<p>Inline  text.</p>" in result.html
    assert not result.problems


def test_allowed_tags_are_set_and_others_removed_with_a_warning(tmp_path: Path) -> None:
    result = render('A<br>b <small>small</small> x<sup>2</sup> <abbr title="t" onclick="x">'
                    'ab</abbr> <span style="color:red">s</span> <mark>m</mark> <kbd>K</kbd>\n\n'
                    "Then <div>kept text</div> and <script>alert(1)</script> and "
                    "<img src=x onerror=alert(1)> end.\n\n<table><tr><td>c1</td><td>c2</td>"
                    "</tr></table>\n", tmp_path)
    html = result.html
    for tag in ("<br>", "<small>small</small>", "<sup>2</sup>", '<abbr title="t">ab</abbr>',
                "<span>s</span>", "<mark>m</mark>", "<kbd>K</kbd>"):
        assert tag in html, tag
    assert "onclick" not in html and "style" not in html
    assert "kept text" in html and "<div" not in html
    assert "alert" not in html and "<img" not in html and "<script" not in html
    assert "c1 c2" in text_of(html) and "<td" not in html
    messages = warned(result)
    assert "3: HTML tag <div> is not set; its text is kept" in messages
    assert "3: HTML tag <script> is not set; it is left out with its content" in messages
    assert any(m.startswith("3: HTML tag <img> is not set") for m in messages)
    assert any(m.startswith("5: HTML tag <table> is not set") for m in messages)


def test_no_markup_is_ever_printed_as_text(tmp_path: Path) -> None:
    result = render("A <b>bold <i>and</i> word</b> and </span></p> stray closers and "
                    "<span>an open one.\n", tmp_path)
    assert "&lt;" not in result.html
    assert result.html.count("<span>") == result.html.count("</span>") == 1
    assert "</p></p>" not in result.html


def test_no_typography_inside_raw_html_code_or_addresses(tmp_path: Path) -> None:
    result = render("<abbr title='a \"quoted\" -- title'>Q</abbr> and `a -- \"b\" ...` and "
                    "https://example.org/a--b/c...d and [https://x.org/p--q](https://x.org/p--q)"
                    "\n\n```\nx -- y \"z\" ...\n```\n", tmp_path)
    html = result.html
    assert 'title="a "' not in html  # (nh3 keeps the attribute as typed, escaped)
    assert "a -- " in text_of(html) and "“" not in html.split("<abbr")[1].split("</abbr>")[0]
    assert 'a -- "b" ...' in text_of(html)
    assert "example.<wbr>org/<wbr>a--<wbr>b/" in html
    assert "p--<wbr>q" in html
    assert 'x -- y "z" ...' in html


def test_no_french_spacing_inside_code_html_or_addresses(tmp_path: Path) -> None:
    result = render('« Voir » : `a: b ; c ?` et <span title="x : y">z</span> et '
                    "https://example.org/q?a=1;b=2 !\n", tmp_path, lang="fr")
    html = result.html
    assert "«\u00a0Voir\u00a0»\u00a0:" in html  # the text is set the French way
    assert "a: b ; c ?" in text_of(html)
    assert "q?<wbr>a=<wbr>1;b=<wbr>2" in html


# ------------------------------------------------------------------ code


def test_code_blocks_are_left_to_right_lines_without_smart_punctuation(tmp_path: Path) -> None:
    result = render("```rust\nfn main() {\n\tlet s = \"it's\"; // -- ...\n}\n```\n", tmp_path,
                    lang="fa")
    html = result.html
    assert '<pre class="code" dir="ltr" data-lang="rust">' in html
    assert html.count('<span class="line"') == 3
    assert "let s = &quot;it's&quot;; // -- ..." in html or 'let s = "it\'s"; // -- ...' in html
    assert 'style="padding-left: 6ch; text-indent: -6ch"' in html  # a tab: four spaces


@pytest.mark.parametrize(("code", "expected"), [
    ("std::ops::Add::add(self, other)", ["std::", "ops::", "Add::", "add(", "self, ", "other)"]),
    ("very_long_identifier", ["very_", "long_", "identifier"]),
    ("git commit --amend", ["git ", "commit ", "--amend"]),
    ("a/b/c.d", ["a/", "b/", "c.", "d"]),
    ("x" * 70, ["x" * 30, "x" * 30, "x" * 10]),
])
def test_inline_code_breaks_only_after_its_break_points(code: str, expected: list[str]) -> None:
    assert pieces(code) == expected
    assert "".join(pieces(code)) == code


def test_inline_code_is_isolated_left_to_right(tmp_path: Path) -> None:
    result = render("کد `const [a, b] = useState(false);` را ببینید.\n", tmp_path, lang="fa")
    assert '<code class="code" dir="ltr"><span class="cc">' in result.html
    assert "useState(" in result.html


# ------------------------------------------------------------------ links and anchors


def test_links_get_numbered_addresses_at_the_end(tmp_path: Path) -> None:
    result = render("See [one](https://one.example/a) and [two](https://two.example/b?x=1&y=2)"
                    " and [one again](https://one.example/a), <https://auto.example/x> and "
                    "[https://same.example](https://same.example/) and "
                    "[write](mailto:sam@example.org).\n", tmp_path,
                    words={"links": "Liens"})
    html = result.html
    calls = re.findall(r'<span class="link-call">(\d+)</span>', html)
    assert calls == ["1", "2", "1", "3"]
    notes = html.split('<div class="link-notes"')[1]
    assert "Liens" in notes
    assert notes.count("<li") == 3
    assert "https://one.<wbr>example/<wbr>a" in notes
    assert "two.<wbr>example/<wbr>b?<wbr>x=<wbr>1&amp;<wbr>y=<wbr>2" in notes
    assert ">sam@example.<wbr>org</a>" in notes and "mailto:sam" not in text_of(notes)
    assert not result.problems


@pytest.mark.parametrize("mode", ["inline", "hidden"])
def test_link_modes(mode: str, tmp_path: Path) -> None:
    result = render("See [one](https://one.example/a).\n", tmp_path, links=mode)
    assert "link-notes" not in result.html and "link-call" not in result.html
    shown = "(https://one.example/a)" in text_of(result.html)
    assert shown is (mode == "inline")


def test_web_links_are_live_without_notes(tmp_path: Path) -> None:
    source = Source(path=tmp_path / "a.md", first_line=1, folder=tmp_path, lang="en",
                    id_prefix="a-")
    result = render_markdown("See [one](https://one.example/a).\n", source, medium="web")
    assert '<a href="https://one.example/a">one</a>' in result.html
    assert "link-call" not in result.html and "link-notes" not in result.html


def test_headings_get_unique_readable_ids(tmp_path: Path) -> None:
    result = render("## The calendar\n\n## The calendar\n\n## L'été à Montréal\n\n"
                    "## Custom {#my-id}\n\n## React {/*mdx-id*/}\n", tmp_path)
    ids = re.findall(r'<h2 id="([^"]+)"', result.html)
    assert ids == ["a-the-calendar", "a-the-calendar-2", "a-lété-à-montréal", "a-my-id",
                   "a-mdx-id"]
    persian = render("## جلسه‌های هفتگی\n\n[x](#جلسه-های-هفتگی)\n", tmp_path, lang="fa")
    assert 'id="a-جلسههای-هفتگی"' in persian.html
    assert 'href="#a-جلسههای-هفتگی"' in persian.html and not persian.problems


def test_internal_links_are_rewritten_or_refused_before_layout(tmp_path: Path) -> None:
    (tmp_path / "02-other.md").write_text("---\ntitle: Other\n---\n\n## Its part\n")
    result = render("## The calendar\n\n[below](#the-calendar) [other](02-other.md) "
                    "[part](02-other.md#its-part) [missing](#no-such-heading)\n", tmp_path)
    assert 'href="#a-the-calendar"' in result.html
    assert 'href="#02-other"' in result.html and 'href="#02-other-its-part"' in result.html
    assert errors(result) == ["3: link '#no-such-heading': no heading 'no-such-heading' in "
                              "this article (to link to another article, name its file: "
                              "other.md#no-such-heading)"]
    assert [r[0] for r in result.references] == ["02-other", "02-other-its-part"]
    problems = check_references([(tmp_path / "a.md", result)], {"a"})
    assert [p.message for p in problems] == [
        "link '02-other.md': no such article or heading in this issue",
        "link '02-other.md#its-part': no such article or heading in this issue"]


def test_local_and_root_relative_links_follow_one_rule(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    text = ("[a](/guide/x) [b](./reactivity-in-depth) [c](report.pdf) "
            "[d](../../../../etc/passwd)\n")
    result = render(text, tmp_path)
    assert len(errors(result)) == 3
    assert all("a PDF cannot open it" in e and "link_base" in e for e in errors(result))
    # a file of the issue folder: its text is kept, not a link on paper, and the editor told
    local = [p for p in result.problems if p.severity == "warning" and "report.pdf" in p.message]
    assert len(local) == 1 and "cannot open the file" in local[0].message
    assert " c " in result.html and "report.pdf" not in result.html
    assert "file:" not in result.html and "etc/passwd" not in result.html
    based = render(text, tmp_path, link_base="https://vuejs.org/guide/")
    assert not errors(based)
    for address in ("https://vuejs.org/guide/x", "https://vuejs.org/guide/reactivity-in-depth",
                    "https://vuejs.org/guide/report.pdf", "https://vuejs.org/etc/passwd"):
        assert f'href="{address}"' in based.html
    assert "file:" not in based.html


def test_footnotes_and_captions_get_the_same_checks(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (40, 30), "red").save(tmp_path / "ok.png")
    outside = tmp_path.parent / "outside.png"
    Image.new("RGB", (40, 30), "red").save(outside)
    text = ("Text.[^1]\n\n![A caption with [a bad link](../../../../etc/passwd)](ok.png)\n\n"
            "[^1]: A note with ![pic](ok.png), ![out](../outside.png) and "
            "[a link](../../../../etc/passwd).\n")
    result = render(text, tmp_path)
    found = errors(result)
    assert any(e.startswith("3: link '../../../../etc/passwd'") for e in found)
    assert any(e.startswith("5: link '../../../../etc/passwd'") for e in found)
    assert "5: image '../outside.png' leads out of the issue folder" in found
    assert (tmp_path / "ok.png").as_uri() in result.html.split('class="footnote"')[1]


# ------------------------------------------------------------------ boxes and tasks


def test_boxes_alerts_and_stray_markers(tmp_path: Path) -> None:
    result = render("::: tip\nA tip.\n:::\n\n::: warning Mind this\nCareful.\n:::\n\n"
                    "::: details\nPlain.\n:::\n\n:::\n\n> [!NOTE]\n> Noted.\n", tmp_path,
                    lang="fr", words={"box_tip": "Astuce", "box_note": "Note"})
    html = result.html
    assert '<div class="box box-tip"><p class="box-label">Astuce</p>' in html
    assert '<div class="box box-warning"><p class="box-label">Mind this</p>' in html
    assert '<div class="box">' in html and "Plain." in html
    assert '<div class="box box-note"><p class="box-label">Note</p>' in html
    assert "Noted." in html and "[!NOTE]" not in html
    assert ":::" not in html and ":: :" not in html
    assert [m.split(":", 1)[0] for m in warned(result)] == ["9", "13"]


def test_task_lists_print_ballot_boxes(tmp_path: Path) -> None:
    result = render("- [ ] to do\n- [x] done\n", tmp_path)
    assert '<span class="task-box">☐</span> to do' in result.html
    assert '<span class="task-box">☑</span> done' in result.html
    assert "<input" not in result.html


# ------------------------------------------------------------------ directions


def test_latin_runs_with_links_are_isolated_in_persian(tmp_path: Path) -> None:
    result = render("این راهنما در تاریخ June 8, 2021 by [Andrew Clark](https://a.example), "
                    "[Brian Vaughn](https://b.example) نوشته شد و 15 kg وزن دارد.\n", tmp_path,
                    lang="fa")
    html = result.html
    run = re.search(r'<span dir="ltr">(.*?)</span> نوشته', html).group(1)
    assert text_of(run).startswith("June 8, 2021 by Andrew Clark")
    assert "Brian Vaughn" in text_of(run)
    assert '<span dir="ltr">15 kg</span>' in html
    # a bracket pair opened inside a run is closed inside it too, whichever side opens
    brackets = render("تماس با Ali Karimi (ali@example.org). و (Ali) Karimi آمد.\n", tmp_path,
                      lang="fa").html
    assert re.search(r'<span dir="ltr">Ali Karimi \((?:(?!</span>).)*\)</span>\.', brackets)
    assert '<span dir="ltr">(Ali) Karimi</span> آمد' in brackets
    latin = render("English with a Persian phrase: نشست عمومی in it.\n", tmp_path)
    assert '<span dir="rtl">نشست عمومی</span>' in latin.html


# ------------------------------------------------------------------ pictures


def test_a_picture_without_description_is_decorative_with_a_warning(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (300, 200), "white").save(tmp_path / "map.png")
    result = render("Text.\n\n![](map.png)\n\n![](map.png \"A map of the route\")\n", tmp_path)
    figures = result.html.split("<figure")[1:]
    assert 'class="picture decorative"' in figures[0] and "<img" not in figures[0]
    assert (tmp_path / "map.png").as_uri() in figures[0]
    assert 'alt="A map of the route"' in figures[1]  # the caption describes it
    assert warned(result) == ["3: image 'map.png' has no description (alt text): it is "
                              "printed as a decoration; describe it as ![what it shows](file)"]


def test_broken_pictures_are_refused_with_their_line(tmp_path: Path) -> None:
    import io

    import weasyprint  # noqa: F401 - (it lets Pillow read truncated files: not here)
    from PIL import Image

    data = io.BytesIO()
    Image.effect_noise((300, 200), 50).convert("RGB").save(data, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(data.getvalue()[: len(data.getvalue()) // 2])
    (tmp_path / "fake.png").write_text("not a picture")
    result = render("![Cut.](cut.jpg)\n\n![Fake.](fake.png)\n", tmp_path)
    assert errors(result)[0].startswith("1: image 'cut.jpg' is a broken image")
    assert errors(result)[1] == "3: image 'fake.png' is not an image"


def test_pictures_weasyprint_cannot_print_are_converted(tmp_path: Path) -> None:
    from PIL import Image

    gray = Image.linear_gradient("L").resize((64, 32))
    gray.convert("I").point(lambda v: v * 257).convert("I;16").save(tmp_path / "deep.png")
    gray.convert("F").save(tmp_path / "float.tif")
    gray.convert("CMYK").save(tmp_path / "cmyk.tif")
    cache = tmp_path / "cache"
    result = render("![Deep.](deep.png)\n\n![Float.](float.tif)\n\n![Ink.](cmyk.tif)\n",
                    tmp_path, cache=cache)
    assert not result.problems
    for ref in result.images:
        assert ref.path.parent == cache and ref.source is not None
        with Image.open(ref.path) as copy:
            assert copy.format == "PNG" and copy.mode in ("L", "RGB")
            assert copy.getextrema() != (0, 0)  # not solid black
    assert len(list(cache.glob("*.png"))) == 3
    again = render("![Deep.](deep.png)\n", tmp_path, cache=cache)
    assert again.images[0].path == result.images[0].path  # named by content, kept
    refused = render("![Deep.](deep.png)\n", tmp_path)  # no cache: refused, with a reason
    assert errors(refused) == ["1: image 'deep.png' is a PNG picture in mode I;16, which "
                               "cannot be printed as it is: save it as an 8-bit PNG or JPEG"]


def test_pictures_are_decoded_once_and_again_when_changed(tmp_path: Path,
                                                          monkeypatch) -> None:
    import io

    from PIL import Image

    data = io.BytesIO()
    Image.effect_noise((300, 200), 50).convert("RGB").save(data, "JPEG")
    (tmp_path / "photo.jpg").write_bytes(data.getvalue())
    cache = tmp_path / "cache"
    assert not render("![A photo.](photo.jpg)\n", tmp_path, cache=cache).problems
    with monkeypatch.context() as patch:
        patch.setattr(Image, "open", lambda *a, **k: pytest.fail("decoded again"))
        same = render("![A photo.](photo.jpg)\n", tmp_path, cache=cache)
    assert not same.problems and same.images[0].width == 300
    (tmp_path / "photo.jpg").write_bytes(data.getvalue()[:-4000])  # changed: cut short
    assert errors(render("![A photo.](photo.jpg)\n", tmp_path, cache=cache))[0].startswith(
        "1: image 'photo.jpg' is a broken image")


# ------------------------------------------------------------------ the web


def test_web_medium_footnotes_are_end_notes_with_back_links(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (300, 200), "white").save(tmp_path / "a.png")
    source = Source(path=tmp_path / "a.md", first_line=1, folder=tmp_path, lang="en",
                    id_prefix="art-")
    text = "## Part one\n\nA claim.[^1] Again.[^1]\n\n![A figure.](a.png)\n\n[^1]: The note.\n"
    result = render_markdown(text, source, medium="web")
    html = result.html
    assert '<h2 id="art-part-one">' in html
    assert ('<sup class="note-call"><a href="#art-note-1" id="art-call-1" '
            'role="doc-noteref">1</a></sup>') in html
    assert 'id="art-call-1-2"' in html  # the second call of the same note
    section = html.split('<section class="notes" role="doc-endnotes"')[1]
    assert '<li id="art-note-1" role="doc-endnote">' in section and "The note." in section
    assert section.count('class="note-back"') == 2  # back to each call
    assert 'href="#art-call-1" class="note-back" role="doc-backlink"' in section
    assert "<figcaption>A figure.</figcaption>" in html
    printed = render_markdown(text, source)
    assert '<span class="footnote" id="art-fn1">The note.</span>' in printed.html
    with pytest.raises(ValueError):
        render_markdown(text, source, medium="tv")


def test_links_to_files_and_scripts_are_refused_not_printed(tmp_path: Path) -> None:
    result = render("[a](file:///etc/passwd) [b](javascript:alert(1)) [c](https://ok.example)\n",
                    tmp_path)
    assert [e.split(" is ")[0] for e in errors(result)] == [
        "1: link 'file:///etc/passwd'", "1: link 'javascript:alert(1)'"]
    assert "](" not in result.html and "passwd" not in result.html
    assert "javascript" not in result.html and 'href="https://ok.example"' in result.html
