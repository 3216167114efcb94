"""import: Word, LibreOffice, web pages and other sites' Markdown become articles that build.

The .docx and .odt files are made here: pandoc writes them from Markdown (footnotes, a table,
a picture), then a comment, tracked changes and a text box are put in their XML as Word and
LibreOffice write them.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from notespress.build import build
from notespress.cli import app
from notespress.importer import count_lost, import_files, split_markdown

from .pdfcheck import Pdf

runner = CliRunner()

SOURCE = """---
title: Strike at the depot
author: Ana Ruiz
lang: en-GB
---

# Strike at the depot

Drivers at the Eastfield depot *stopped* the **buses** on Tuesday morning.[^1] The
company's offer is at [its site](https://example.org/offer).

## The meeting

| Shift | Drivers | Rate |
|-------|--------:|-----:|
| Early | 41 | 21.50 |
| Late | 37 | 23.10 |

![The picket line at dawn](picture.png)

> We are not going back for a promise.

- one demand
- another demand

[^1]: Seven hundred drivers, by the union's count.
"""


def _pandoc(source: Path, target: Path) -> None:
    import pypandoc

    subprocess.run([pypandoc.get_pandoc_path(), str(source), "-o", str(target)],
                   check=True, cwd=source.parent)


def _picture(path: Path) -> None:
    image = Image.new("RGB", (600, 400), (225, 225, 225))
    ImageDraw.Draw(image).rectangle([60, 60, 340, 340], fill=(30, 30, 30))
    image.save(path)


def _rewrite(archive: Path, member: str, change) -> None:
    """Put `change(text)` in place of one file of a zip archive (a .docx, an .odt)."""
    with zipfile.ZipFile(archive) as old:
        items = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(archive, "w") as new:
        for info, data in items:
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            new.writestr(info, data, compress_type=zipfile.ZIP_STORED
                         if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A .docx and an .odt with footnotes, a table, a picture, a comment, tracked changes
    and a text box."""
    import docx
    from docx.oxml import parse_xml

    folder = tmp_path_factory.mktemp("documents")
    _picture(folder / "picture.png")
    (folder / "source.md").write_text(SOURCE, encoding="utf-8")
    _pandoc(folder / "source.md", folder / "strike.docx")
    _pandoc(folder / "source.md", folder / "strike.odt")

    word = docx.Document(str(folder / "strike.docx"))
    body = next(p for p in word.paragraphs if p.text.startswith("Drivers"))
    word.add_comment(body.runs[0], text="Was it Tuesday or Wednesday?", author="Ana Ruiz",
                     initials="AR")
    body._p.append(parse_xml(f'<w:ins {W} w:id="901" w:author="Sam" w:date="2026-11-01T10:00:00Z">'
                             '<w:r><w:t xml:space="preserve"> Buses stayed in.</w:t></w:r>'
                             '</w:ins>'))
    body._p.append(parse_xml(f'<w:del {W} w:id="902" w:author="Sam" w:date="2026-11-01T10:00:00Z">'
                             '<w:r><w:delText>A sentence taken out.</w:delText></w:r></w:del>'))
    meeting = next(p for p in word.paragraphs if p.text == "The meeting")
    meeting._p.addnext(parse_xml(
        f'<w:p {W} xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:pict><v:shape '
        'style="width:200pt;height:60pt"><v:textbox><w:txbxContent><w:p><w:r><w:t>Join the '
        'picket on Friday at six.</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>'
        '</w:pict></w:r></w:p>'))
    word.save(str(folder / "strike.docx"))

    def odt_extras(text: str) -> str:
        office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
        if 'xmlns:dc="http://purl.org/dc/elements/1.1/"' not in text:
            text = text.replace(f'xmlns:office="{office}"',
                                f'xmlns:office="{office}" '
                                'xmlns:dc="http://purl.org/dc/elements/1.1/"', 1)
        tracked = ('<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
                   '<office:change-info><dc:creator>Sam</dc:creator><dc:date>2026-11-01T10:00:00'
                   '</dc:date></office:change-info><text:p>A sentence taken out.</text:p>'
                   '</text:deletion></text:changed-region></text:tracked-changes>')
        text = re.sub(r"(<office:text[^>]*>)", r"\1" + tracked, text, count=1)
        comment = ('<office:annotation><dc:creator>Ana Ruiz</dc:creator><text:p>Was it Tuesday '
                   'or Wednesday?</text:p></office:annotation><text:change text:change-id="ct1"/>')
        text = text.replace(">Drivers at the", f">{comment}Drivers at the", 1)
        box = ('<text:p><draw:frame draw:name="box1" svg:width="5cm" svg:height="2cm">'
               '<draw:text-box><text:p>Join the picket on Friday at six.</text:p>'
               '</draw:text-box></draw:frame></text:p>')
        return re.sub(r"(<text:h[^>]*>(?:<[^>]*>)*The meeting(?:<[^>]*>)*</text:h>)",
                      lambda m: m.group(1) + box, text, count=1)

    _rewrite(folder / "strike.odt", "content.xml", odt_extras)
    return {"docx": folder / "strike.docx", "odt": folder / "strike.odt"}


def _front(path: Path) -> tuple[dict, str]:
    import yaml

    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_a_document_becomes_an_article_that_builds(kind: str, documents: dict[str, Path],
                                                   mini: Path) -> None:
    report = import_files(mini, [documents[kind]], "3")
    (item,) = report.imported
    assert item.article.name == "03-strike-at-the-depot.md"  # after 01- and 02-
    assert "03-strike-at-the-depot.md" in (mini / "issues/issue-3/issue.yaml").read_text()
    meta, body = _front(item.article)
    assert meta["title"] == "Strike at the depot" and meta["author"] == "Ana Ruiz"
    assert "lang" not in meta  # English, as the issue
    # the title is not repeated as a heading; the sections are ## under it
    assert "# Strike at the depot" not in body and "## The meeting" in body
    assert re.search(r"\[\^1\]: Seven hundred drivers", body)
    assert "| Early" in body and "|---" in body.replace(":", "-")
    assert not re.search(r"[{}]|:::|<[a-z]", body), body  # no attributes, divs or HTML
    (picture,) = item.pictures
    assert picture.parent == mini / "issues/issue-3/images"
    assert re.fullmatch(r"03-strike-at-the-depot-1\.png", picture.name)
    assert f"(images/{picture.name})" in body
    if kind == "docx":  # Word keeps the figure's caption (LibreOffice's is read back too)
        assert f"![The picket line at dawn](images/{picture.name})" in body
    lost = [str(x) for x in item.lost]
    assert any("comment by Ana Ruiz" in x and "Tuesday or Wednesday" in x
               and "Drivers at the Eastfield" in x for x in lost), lost
    assert any("deletion" in x and "A sentence taken out" in x for x in lost), lost
    assert any("text box" in x and "Join the picket" in x and "The meeting" in x
               for x in lost), lost
    if kind == "docx":
        assert any("insertion by Sam" in x and "Buses stayed in" in x for x in lost), lost
    assert count_lost(item.lost)["comment"] == 1

    result = build(mini, "3", editions=("screen",))
    pdf = Pdf(result.output("screen").path)
    page = pdf.first_page("Drivers at the Eastfield depot")
    assert pdf.find("Strike at the depot")
    text = " ".join(pdf.pages[page - 1:page + 1])
    for needle in ("Seven hundred drivers, by the union's count", "Early", "41", "23.10",
                   "We are not going back for a promise", "The picket line at dawn"
                   if kind == "docx" else "one demand"):
        assert needle.replace("'", "’") in text or needle in text, needle
    images = [name for p in pdf.reader.pages[page - 1:page + 1]
              for name in (p["/Resources"].get("/XObject") or {})]
    assert images, "the picture is not on the article's pages"


def test_the_cli_says_what_was_not_carried_over(documents: dict[str, Path], mini: Path) -> None:
    result = runner.invoke(app, ["import", str(documents["docx"]), "-w", str(mini)])
    assert result.exit_code == 0, result.output
    assert "issues/issue-3/03-strike-at-the-depot.md" in result.output
    assert "not carried over" in result.output and "Was it Tuesday" in result.output
    assert "next: " in result.output


def test_wrong_files_are_refused_before_anything_is_written(tmp_path: Path, mini: Path) -> None:
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "notes.xyz").write_text("x")
    before = sorted(p.name for p in (mini / "issues/issue-3").iterdir())
    result = runner.invoke(app, ["import", str(tmp_path / "old.doc"),
                                 str(tmp_path / "notes.xyz"), str(tmp_path / "missing.docx"),
                                 "-w", str(mini)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 3
    assert "save it as .docx" in lines[0] and "not a format" in lines[1]
    assert "file not found" in lines[2]
    assert sorted(p.name for p in (mini / "issues/issue-3").iterdir()) == before
    bad = runner.invoke(app, ["import", str(tmp_path / "old.doc"), "--issue", "issue-33",
                              "-w", str(mini)])
    assert "did you mean 'issue-3'" in bad.output


def test_a_web_page(tmp_path: Path, mini: Path) -> None:
    _picture(tmp_path / "dawn.png")
    (tmp_path / "page.html").write_text("""<!DOCTYPE html>
<html lang="fr"><head><title>La grève du dépôt | Le site</title>
<meta name="author" content="Jean Dupont"></head>
<body><header><nav><a href="/">Accueil</a></nav></header>
<main><article><h1>La grève du dépôt</h1><p>Par Jean Dupont</p>
<p>Les chauffeurs ont <em>arrêté</em> les bus.<sup><a href="#fn1" id="r1">1</a></sup>
Voir <a href="/autre">l'autre article</a>.<br>Ligne suivante.</p>
<div class="wp-block"><h2>La réunion</h2><p>Texte <u>souligné</u>.</p></div>
<figure><img src="dawn.png" alt="x"><figcaption>Le piquet à l'aube</figcaption></figure>
<p><img src="https://example.org/remote.jpg" alt="ailleurs"></p>
<table><tr><th>Poste</th><th>Taux</th></tr><tr><td><p>Jour</p><p>matin</p></td>
<td>21,50</td></tr></table>
<hr><ol><li id="fn1">Sept cents chauffeurs. <a href="#r1">↩</a></li></ol>
</article></main><footer>© 2026</footer></body></html>""", encoding="utf-8")
    (item,) = import_files(mini, [tmp_path / "page.html"]).imported
    meta, body = _front(item.article)
    assert meta == {"title": "La grève du dépôt", "author": "Jean Dupont", "lang": "fr"}
    assert "Accueil" not in body and "©" not in body and "Par Jean" not in body
    assert "bus.[^1]" in body and "[^1]: Sept cents chauffeurs." in body and "↩" not in body
    assert "## La réunion" in body and "*souligné*" in body
    assert re.search(r"!\[Le piquet à l'aube\]\(images/03-la-greve-du-depot-1\.png\)", body)
    assert "| Jour matin | 21,50 |" in body
    lost = " ".join(str(x) for x in item.lost)
    assert "remote.jpg" in lost and "not fetched" in lost and "/autre" in lost
    build(mini, "3", editions=("screen",))


def test_a_web_page_with_a_menu_above_its_heading_and_an_empty_one(tmp_path: Path,
                                                                   mini: Path) -> None:
    """The title is the first heading below a menu (not the site's <title>); a document
    of which nothing could be read says so."""
    (tmp_path / "page.html").write_text(
        "<html><head><title>My Site | Home</title></head><body><p><a href='/'>Home</a> "
        "<a href='/about'>About</a></p><h1>Rent strike</h1><p>The tenants stopped paying "
        "rent on Monday.</p></body></html>", encoding="utf-8")
    (tmp_path / "empty.html").write_text("<html><head><title>Drawing</title></head><body>"
                                         "<h1>Drawing</h1></body></html>", encoding="utf-8")
    page, empty = import_files(mini, [tmp_path / "page.html", tmp_path / "empty.html"]
                               ).imported
    meta, body = _front(page.article)
    assert meta["title"] == "Rent strike" and page.article.name.endswith("rent-strike.md")
    assert "Home" not in body and body.strip().startswith("The tenants")
    assert any(x.what == "text" and "nothing of the document" in x.detail
               for x in empty.lost), empty.lost


@pytest.mark.parametrize(("head", "kind"), [
    ('+++\ntitle = "Rent strike"\nauthors = ["Lu Wen", "Bo Li"]\nlanguageCode = "it"\n'
     'description = "Why tenants stopped paying."\n+++\n', "toml"),
    ("---\nlayout: post\ntitle: Rent strike\nauthor: Lu Wen, Bo Li\nlang: it\n"
     "summary: Why tenants stopped paying.\n---\n", "yaml"),
    ("Title: Rent strike\nDate: 2026-01-02\nAuthors: Lu Wen, Bo Li\nLang: it\n"
     "Summary: Why tenants stopped paying.\n", "pelican"),
])
def test_markdown_from_other_sites(head: str, kind: str, tmp_path: Path, mini: Path) -> None:
    _picture(tmp_path / "flat.png")
    source = tmp_path / "rent.md"
    source.write_text(head + """
Tenants at *Via Roma 12* stopped paying rent.[^a] Costs are $5 and $10.

{{< figure src="flat.png" caption="The building" >}}

{{< youtube abc123 >}}

<!-- check the address -->

<table><tr><th>Year</th><th>Rent</th></tr><tr><td>2025</td><td>900</td></tr></table>

See the {{domxref("Lease")}} page.

```html
<p>{{ not a tag in code }}</p>
```

{: .lead}
| Floor | Flats |
|---|---:|
| 1 | 4 |

[^a]: Since March.
""", encoding="utf-8")
    assert split_markdown(source.read_text(), source).kind == kind
    (item,) = import_files(mini, [source], "issue-3").imported
    meta, body = _front(item.article)
    assert meta == {"title": "Rent strike", "author": "Lu Wen, Bo Li", "lang": "it",
                    "summary": "Why tenants stopped paying."}
    assert "$5 and $10" in body  # not read as mathematics
    assert "![The building](images/03-rent-strike-1.png)" in body
    assert "[^1]: Since March." in body and "| Floor | Flats |" in body
    assert re.search(r"\| Year +\| Rent +\|", body) and re.search(r"\| 2025 +\| 900 +\|", body)
    assert "See the `Lease` page." in body
    assert "<p>{{ not a tag in code }}</p>" in body  # code as it was written
    assert "{{<" not in body and "{:" not in body and "<!--" not in body
    lost = " ".join(str(x) for x in item.lost)
    assert "Hugo shortcode" in lost and "youtube" in lost and "check the address" in lost
    build(mini, "3", editions=("screen",))


def test_persian_in_a_word_set_up_for_english(tmp_path: Path, mini: Path) -> None:
    (tmp_path / "fa.md").write_text("---\ntitle: اعتصاب\n---\n\n# اعتصاب در انبار\n\n"
                                    "کارگران انبار در همیلتون کار را متوقف کردند.\n",
                                    encoding="utf-8")
    _pandoc(tmp_path / "fa.md", tmp_path / "fa.docx")
    (item,) = import_files(mini, [tmp_path / "fa.docx"]).imported
    meta, _ = _front(item.article)
    assert meta["lang"] == "fa" and item.article.name == "03-fa.md"
