"""`check` tells the truth on real content: none of the false alarms it raised on pasted
articles (issue 12), and the losses it must still find."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from notespress.cli import app

from .conftest import FIXTURES, copy_workspace

runner = CliRunner()


def check(root: Path, issue: str) -> dict:
    result = runner.invoke(app, ["check", issue, "--workspace", str(root), "--json"])
    assert "Traceback" not in result.output, result.output
    return json.loads(result.output)


def errors(report: dict) -> list[str]:
    return [f"{f['rule']}: {f['message']}" for f in report["findings"]
            if f["severity"] == "error"]


def write(path: Path, title: str, body: str) -> None:
    path.write_text(f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")


def test_no_false_alarms_on_pasted_articles(tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "mini", tmp_path / "ws")
    issue = root / "issues" / "issue-3"
    # an article that ends with a heading (a pasted page often does)
    with open(issue / "02-second.md", "a", encoding="utf-8") as handle:
        handle.write("\n## Further reading\n")
    # a first line in small caps, with ligatures, accents, quotes, figures and code
    write(issue / "03-caps.md", "Small caps",
          "Œuvre « finale » d'IJsselmonde : 1.500 € — the “first” line's «äöü», "
          "ß-strasse, état… and `code_span_inside.the_first_line()` keeps going on "
          "for a while, over several lines of the column.\n\nSecond paragraph.")
    # inline code that wraps from one line to the next, more than once
    write(issue / "04-wrap.md", "Wrapping code",
          'The call `subscribers.filter(active=True).order_by("surname").values_list("email",'
          ' "name", "lang")` is long, `std::collections::hash_map::DefaultHasher::new()` too, '
          "and `windows_process_creation_flags_detached_process` wraps as well. "
          "Extend `dropping_{references,copy_types}` lints to `drop_in_place`.")
    (issue / "issue.yaml").write_text("number: 3\ndate: 2026-05-01\ntitle: Pasted\n")
    report = check(root, "3")
    assert errors(report) == [], report["findings"]


def test_persian_issue_has_no_false_overflow_or_loss(tmp_path: Path) -> None:
    # a contents list with leaders, lines that start with Latin words, Latin names, code
    for fixture, issue in ((FIXTURES / "langs", "issue-2"), (FIXTURES / "corpus-fa", "1")):
        root = copy_workspace(fixture, tmp_path / fixture.name)
        report = check(root, issue)
        found = [e for e in errors(report)
                 if e.startswith(("overflow", "text-lost", "lone-heading"))]
        assert found == [], (fixture.name, report["findings"])


def test_text_lost_in_persian_is_still_found(tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "corpus-fa", tmp_path / "ws")
    (root / "layouts").mkdir(exist_ok=True)
    (root / "layouts" / "custom.css").write_text(
        ".article-body > p:nth-of-type(2) { display: none; }\n")
    report = check(root, "1")
    lost = [f for f in report["findings"] if f["rule"] == "text-lost"]
    assert lost and "useState" in lost[0]["message"], report["findings"]


WIDE_TABLE = "\n".join([
    "| Crate | Version | Downloads | Licence | Repository | Status | Notes |",
    "|-------|---------|-----------|---------|------------|--------|-------|",
    "| `serde_json::value::RawValue` | 1.0.140 | 512,000,000 | MIT OR Apache-2.0 "
    "| https://github.com/serde-rs/json/tree/master/src/value | stable "
    "| `#[serde(untagged)]` |",
    "| Donaudampfschifffahrtsgesellschaftskapitän | 0.1 | 3 | GPL "
    "| https://example.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | beta | ok |", ""])


def test_a_wide_table_spans_the_columns_and_one_that_overflows_is_found(
        tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "mini", tmp_path / "ws")
    text = "Workers talked about the line speed and the heat, and what to do next week."
    write(root / "issues" / "issue-3" / "03-table.md", "A wide table",
          WIDE_TABLE + "\n" + "\n\n".join([text] * 40))
    (root / "issues" / "issue-3" / "issue.yaml").write_text(
        "number: 3\ndate: 2026-05-01\ntitle: Tables\narticles:\n  - 03-table.md\n")
    assert errors(check(root, "3")) == []
    (root / "layouts").mkdir()
    (root / "layouts" / "custom.css").write_text(".table-wide { column-span: none; }\n")
    found = errors(check(root, "3"))
    assert found and found[0].startswith("overflow: a table is wider than its column by"), found
