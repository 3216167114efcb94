"""import, stage by stage: each stage a function over pandoc's tree or plain data, tried on
small trees written as pandoc writes them (no pandoc run here)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image

from notespress.importer.clean import clean, settle_internal_links, web_footnotes
from notespress.importer.front import Front, front_from_document, normal_lang, settle_front
from notespress.importer.pandoc import Block, Inline, plain
from notespress.importer.pictures import PictureResolver
from notespress.importer.scan import Scan


def words(text: str) -> list[Inline]:
    out: list[Inline] = []
    for word in text.split():
        if out:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def para(*inlines: Inline) -> Block:
    return {"t": "Para", "c": list(inlines)}


def header(level: int, text: str) -> Block:
    return {"t": "Header", "c": [level, ["", [], []], words(text)]}


def link(url: str, text: str) -> Inline:
    return {"t": "Link", "c": [["", [], []], words(text), [url, ""]]}


def no_pictures(url: str) -> tuple[str | None, str]:
    return None, f"'{url}' left out"


def test_the_first_heading_is_the_title_a_byline_the_author_and_sections_are_level_two(
        ) -> None:
    blocks = [header(1, "Strike at the depot"), para(*words("By Ana Ruiz")),
              para(*words("Drivers stopped.")), header(3, "The meeting"),
              {"t": "BlockQuote", "c": [header(4, "Quoted heading")]}]
    settled, front = settle_front(blocks, Front(), "docx", "strike", set())
    assert (front.title, front.title_from, front.author) == (
        "Strike at the depot", "first heading", "Ana Ruiz")
    assert [plain([b]) for b in settled][:1] == ["Drivers stopped."]
    assert settled[1]["c"][0] == 2  # the highest heading left is ##
    assert settled[2]["c"][0]["c"][0] == 3  # and the one below it stays below it
    assert len(blocks) == 5  # the caller's list is not changed


def test_a_title_from_the_metadata_drops_the_same_heading_and_the_title_page() -> None:
    blocks = [para(*words("Draft for the bulletin")), header(1, "Strike at the Depot."),
              para(*words("Text."))]
    settled, front = settle_front(blocks, Front(title="Strike at the depot",
                                                title_from="metadata"),
                                  "docx", "strike", {"draft for the bulletin"})
    assert front.title_from == "metadata"
    assert [plain([b]) for b in settled] == ["Text."]


def test_without_heading_or_metadata_the_title_is_the_bold_line_else_the_file_name() -> None:
    bold = [para({"t": "Strong", "c": words("Rent strike")}), para(*words("Text."))]
    _, front = settle_front(bold, Front(), "odt", "x", set())
    assert (front.title, front.title_from) == ("Rent strike", "bold first line")
    _, front = settle_front([para(*words("Text."))], Front(), "odt", "rent_strike-2026", set())
    assert (front.title, front.title_from) == ("Rent strike 2026", "file name")


def test_what_a_word_processor_makes_up_is_no_title_and_no_author() -> None:
    meta = {"title": {"t": "MetaInlines", "c": words("Document1")},
            "author": {"t": "MetaInlines", "c": words("Microsoft Office User")}}
    front = front_from_document(meta, Scan(lang="fr-FR"), "docx", "strike")
    assert (front.title, front.author, front.lang) == ("", "", "fr-FR")
    signed_out = {"author": {"t": "MetaInlines", "c": words("Учетная запись Майкрософт")}}
    assert front_from_document(signed_out, Scan(), "docx", "strike").author == ""
    page = front_from_document({"title": {"t": "MetaString", "c": "La grève | Le site"}},
                               Scan(), "html", "page")
    assert (page.title, page.title_from) == ("La grève", "metadata")


def test_persian_text_is_persian_whatever_the_word_processor_says() -> None:
    assert normal_lang("en-US", "کارگران انبار در همیلتون کار را متوقف کردند") == "fa"
    assert normal_lang("fr_CA", "Les chauffeurs") == "fr"
    assert normal_lang("not a language") == ""
    # a Word set up in Russian, a text in English: not Russian (the language then)
    assert normal_lang("ru-RU", "This is Heading 1") == ""
    assert normal_lang("ru-RU", "Забастовка на складе") == "ru"
    assert normal_lang("el", "Η απεργία") == "el"


def test_a_web_pages_notes_become_footnotes_without_their_backlinks() -> None:
    call = {"t": "Superscript", "c": [link("#fn1", "1")]}
    blocks = [para(*words("The drivers stopped."), call),
              {"t": "HorizontalRule"},
              header(2, "Notes"),
              {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}],
                                         [[para(*words("Seven hundred."), link("#r1", "↩"))]]]}]
    out = web_footnotes(blocks)
    assert len(out) == 1  # the rule, the heading and the list are gone
    note = out[0]["c"][-1]
    assert note["t"] == "Note" and plain(note["c"]) == "Seven hundred."
    assert "↩" not in str(note)


def test_calls_to_a_list_that_is_not_the_notes_leave_the_page_alone() -> None:
    blocks = [para(link("#fn7", "7")),
              {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}],
                                         [[para(*words("one"))]]]}]
    assert web_footnotes(blocks) == blocks


def test_cleaning_keeps_what_prints_and_reports_what_does_not() -> None:
    blocks = [
        para(*words("Line one"), {"t": "RawInline", "c": ["html", "<br>"]},
             *words("line two"), {"t": "Superscript", "c": words("2")},
             {"t": "Space"}, link("../other.html", "another page"), {"t": "Space"},
             link("//example.org/x", "a site")),
        {"t": "RawBlock", "c": ["html", "<!-- check the figures -->"]},
        {"t": "Div", "c": [["", ["wp-block"], []], [para(*words("Inside a div."))]]},
        para({"t": "Span", "c": [["", [], []], []]}),  # empty once cleaned: dropped
        {"t": "Header", "c": [2, ["sec", ["x"], [["k", "v"]]], words("Kept")]},
    ]
    cleaned = clean(blocks, "html", Scan(), no_pictures)
    first = cleaned.blocks[0]["c"]
    assert {"t": "LineBreak"} in first
    assert plain([cleaned.blocks[0]]) == "Line one line two² another page a site"
    assert [i["c"][2][0] for i in first if i["t"] == "Link"] == ["https://example.org/x"]
    assert [b["t"] for b in cleaned.blocks] == ["Para", "Para", "Header"]
    assert cleaned.blocks[2]["c"][1] == ["", [], []]  # no attributes
    lost = [str(x) for x in cleaned.lost]
    assert any(x.startswith("editor's note") and "check the figures" in x for x in lost)
    assert any(x.startswith("link: to '../other.html'") for x in lost)


def test_links_to_headings_follow_them_other_places_in_the_document_become_text() -> None:
    def titled(level: int, ident: str, text: str) -> Block:
        return {"t": "Header", "c": [level, [ident, [], []], words(text)]}

    blocks = [titled(1, "top", "The strike"),
              para(link("#the-calendar", "see the calendar"), {"t": "Space"},
                   link("#_Toc123", "the vote"), {"t": "Space"}, link("#top", "top")),
              titled(2, "the-calendar", "Le calendrier d'été"),
              titled(2, "_Toc123", "Vote"), para(*words("Passed."))]
    cleaned = clean(blocks, "docx", Scan(), no_pictures)
    body, front = settle_front(cleaned.blocks, Front(), "docx", "strike", set())
    assert front.title == "The strike"
    body, unlinked = settle_internal_links(body)
    targets = [i["c"][2][0] for i in body[0]["c"] if i["t"] == "Link"]
    assert targets == ["#le-calendrier-dété", "#vote"]  # notespress's ids for the headings
    assert plain([body[0]]) == "see the calendar the vote top"  # the title's link: its text
    assert [str(x).split(" (")[0] for x in unlinked] == ["link: to '#the-strike'"]


def test_a_caption_paragraph_becomes_its_pictures_caption() -> None:
    picture = {"t": "Image", "c": [["", [], []], [], ["media/a.png", ""]]}
    blocks = [para(picture), para(*words("Figure 1: the picket"))]
    cleaned = clean(blocks, "odt", Scan(captions={"figure 1: the picket"}),
                    lambda url: ("placeholder.png", ""))
    (only,) = cleaned.blocks
    assert plain(only["c"][0]["c"][1]) == "Figure 1: the picket"


def test_pictures_are_found_once_and_never_fetched(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(out, "PNG")
    (tmp_path / "a.png").write_bytes(out.getvalue())
    data_url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    resolve = PictureResolver(tmp_path, tmp_path / "media")
    first, _ = resolve("a.png")
    assert first == "notespress-picture-1.png"
    assert resolve(data_url) == (first, "")  # the same picture: one file
    remote, why = resolve("https://example.org/b.png")
    assert remote is None and "not fetched" in why
    missing, why = resolve("c.png")
    assert missing is None and "not found" in why
    (tmp_path / "d.png").write_text("not a picture")
    assert resolve("d.png")[0] is None
    assert list(resolve.pictures) == [first]
