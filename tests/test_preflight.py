"""`notespress check`: each rule fires on a fixture made to break it, and stays quiet on a
good issue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from notespress.cli import app
from notespress.preflight import check_fonts, check_page_counts, check_qpdf, check_text

runner = CliRunner()
ISSUE = Path("issues/issue-3")
A1 = ISSUE / "01-first.md"


def check(root: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["check", "3", "--workspace", str(root), "--json"])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.output)


def rules(report: dict, severity: str | None = None) -> set[str]:
    return {f["rule"] for f in report["findings"]
            if severity is None or f["severity"] == severity}


def add_css(root: Path, css: str) -> None:
    (root / "layouts").mkdir(exist_ok=True)
    with open(root / "layouts" / "custom.css", "a", encoding="utf-8") as handle:
        handle.write(css + "\n")


def append(root: Path, path: Path, text: str) -> None:
    with open(root / path, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_quiet_on_a_good_issue(mini: Path) -> None:
    code, report = check(mini)
    assert code == 0, report
    # only what the article itself asks for: a <script> in its text, which is not set
    assert [(f["rule"], f["path"].rsplit("/", 1)[-1]) for f in report["findings"]
            if f["severity"] != "note"] == [("content", "01-first.md:9")], report
    assert "HTML tag <script> is not set" in report["findings"][0]["message"]


def test_human_output_and_exit_status(mini: Path) -> None:
    append(mini, A1, "\nThe word 労働 is set in no font we have.\n")
    result = runner.invoke(app, ["check", "3", "--workspace", str(mini)])
    assert result.exit_code == 1
    assert "01-first.md: page 1: error: no font in fonts/ has '労'" in result.output
    assert "issue-3: 2 error(s)" in result.output  # one per character


def test_missing_glyph(mini: Path) -> None:
    append(mini, A1, "\nThe word 労働 is set in no font we have.\n")
    code, report = check(mini)
    assert code == 1
    found = [f for f in report["findings"] if f["rule"] == "missing-glyph"]
    assert {re.search(r"has '(.)'", f["message"]).group(1) for f in found} == {"労", "働"}
    assert all(f["path"].endswith("01-first.md") and f["page"] == 1 for f in found)


def test_low_resolution_and_over_compressed_images(mini: Path) -> None:
    images = mini / ISSUE / "images"
    Image.new("RGB", (160, 120), (120, 40, 40)).save(images / "small.png")
    noisy = Image.effect_noise((800, 600), 60).convert("RGB")
    noisy.save(images / "crushed.jpg", quality=15)
    append(mini, A1, "\n![Small.](images/small.png)\n\n![Crushed.](images/crushed.jpg)\n")
    add_css(mini, "figure img { width: 100%; max-height: none; }")
    code, report = check(mini)
    assert code == 0  # warnings only
    messages = {f["rule"]: f["message"] for f in report["findings"]}
    assert "'small.png' prints at" in messages["low-resolution"]
    assert "'crushed.jpg' is a JPEG saved at about quality" in messages["over-compressed"]


def test_content_outside_the_safe_area(mini: Path) -> None:
    add_css(mini, ".deck { margin-left: -0.55in; }")
    code, report = check(mini)
    assert code == 1
    assert "outside-safe-area" in rules(report, "error")


def test_line_overflowing_its_column(mini: Path) -> None:
    append(mini, A1, "\nSee " + "x" * 90 + " for details.\n")
    # (the layouts break a word longer than the column: a publication's own may not)
    add_css(mini, ".article-body { overflow-wrap: normal; }")
    code, report = check(mini)
    assert code == 1
    assert "overflow" in rules(report, "error")


def test_text_lost_in_layout(mini: Path) -> None:
    add_css(mini, ".article-body > p:nth-of-type(2) { display: none; }")
    code, report = check(mini)
    assert code == 1
    lost = [f for f in report["findings"] if f["rule"] == "text-lost"]
    assert lost and "The second call comes here" in lost[0]["message"]


def test_lone_heading_at_the_foot_of_a_column(mini: Path) -> None:
    filler = " ".join(["Workers talked about the line speed and the heat."] * 95)
    append(mini, ISSUE / "02-second.md",
           f"\n{filler}\n\n## A heading left behind\n\n![A tall figure.](images/tall.png)\n")
    Image.new("RGB", (600, 1600), (80, 80, 80)).save(mini / ISSUE / "images" / "tall.png")
    append(mini, ISSUE / "issue.yaml", "article_start: page\n")  # (the page this was made on)
    add_css(mini, ".article-body h2 { break-after: auto; }")
    code, report = check(mini)
    assert code == 1
    lone = [f for f in report["findings"] if f["rule"] == "lone-heading"]
    assert lone and "A heading left behind" in lone[0]["message"]
    assert lone[0]["path"].endswith("02-second.md")


def test_widow_at_the_top_of_a_column(mini: Path) -> None:
    paragraphs = "\n\n".join(
        " ".join(["The meeting went on late into the night, and nobody left early."] * n)
        for n in (3, 5, 2, 7, 4, 6, 3, 5, 8, 2, 6, 4, 7, 3, 5, 6, 2, 4, 8, 3, 5, 7))
    append(mini, ISSUE / "02-second.md", "\n" + paragraphs + "\n")
    add_css(mini, "p { widows: 1; orphans: 1; }")
    _code, report = check(mini)
    assert "widow" in rules(report, "warning"), report


def test_page_count_rule(mini_built) -> None:
    _root, result = mini_built
    printed = result.output("print").path
    assert check_page_counts({"print": printed}, 4) == []
    found = check_page_counts({"print": printed}, 6)
    assert found and found[0].rule == "page-count"


def test_fonts_not_embedded(tmp_path: Path) -> None:
    pdf = tmp_path / "plain.pdf"
    pdf.write_bytes(_pdf_with_standard_font())
    found = check_fonts(pdf, "print")
    assert [f.rule for f in found] == ["font-not-embedded"]
    assert "Helvetica" in found[0].message


def test_qpdf_rejects_a_damaged_pdf(mini_built, tmp_path: Path) -> None:
    _, result = mini_built
    data = result.output("print").path.read_bytes()
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(data[: len(data) // 2])
    assert check_qpdf(result.output("print").path, "print") == []
    assert [f.rule for f in check_qpdf(damaged, "print")] == ["qpdf"]


def test_text_check_finds_a_paragraph_the_pdf_lacks(mini_built) -> None:
    _, result = mini_built
    printed = result.output("print").path
    article = result.issue.articles[0]
    assert check_text(printed, [(article.slug, "a.md", article.html)]) == []
    extra = article.html + "<p>This paragraph was never laid out on any page.</p>"
    found = check_text(printed, [(article.slug, "a.md", extra)])
    assert [f.rule for f in found] == ["text-lost"]


def _pdf_with_standard_font() -> bytes:
    """A one-page PDF that uses Helvetica without embedding it, as old tools do."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = b"BT /F1 12 Tf 20 100 Td (Hello) Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize("flag", ["--strict"])
def test_build_strict_fails_on_what_check_calls_an_error(mini: Path, flag: str) -> None:
    runner.invoke(app, ["build", "3", "--workspace", str(mini)])
    before = (mini / "build/issue-3/mini-bulletin-3-print.pdf").read_bytes()
    append(mini, A1, "\nThe word 労働 is set in no font we have.\n")
    result = runner.invoke(app, ["build", "3", "--workspace", str(mini), flag])
    assert result.exit_code == 1
    assert "U+52B4" in result.output
    assert (mini / "build/issue-3/mini-bulletin-3-print.pdf").read_bytes() == before
