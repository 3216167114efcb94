"""Links on paper and on screen: the `links` and `link_base` settings, read from
notespress.yaml and issue.yaml, and what each edition shows."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from notespress.build import build
from notespress.cli import app

ARTICLE = """---
title: Links
---

Read [the report](https://reports.example.org/2026/the-long-report-on-warehouse-heat?lang=en&page=2)
and <https://plain.example.org/a> and [the guide](/guide/start).

## The calendar

Back to [the calendar](#the-calendar).
"""


def add_article(root: Path, settings: str = "") -> None:
    issue = root / "issues" / "issue-3"
    (issue / "03-links.md").write_text(ARTICLE, encoding="utf-8")
    (issue / "issue.yaml").write_text("number: 3\ndate: 2026-05-01\ntitle: Links\n"
                                      "link_base: https://union.example.org/\n" + settings)


def text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def uris(pdf: Path) -> list[str]:
    found = []
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def test_notes_by_default_addresses_on_paper_live_on_screen(mini: Path) -> None:
    add_article(mini)
    result = build(mini, "3", editions=["print", "screen"])
    printed = text(result.output("print").path)
    report = "https://reports.example.org/2026/the-long-report-on-warehouse-heat?lang=en&page=2"
    assert "thereport[1]" in printed and f"[1]{report}" in printed
    assert "https://union.example.org/guide/start" in printed  # resolved against link_base
    assert printed.count("https://plain.example.org/a") == 1  # its text is its address
    live = uris(result.output("screen").path)
    # the link's text and the address in the notes (WeasyPrint makes one annotation for each
    # piece of a broken address)
    assert live.count(report) >= 2
    assert not uris(result.output("print").path)


def test_inline_and_hidden(mini: Path) -> None:
    add_article(mini, "links: inline\n")
    printed = text(build(mini, "3", editions=["print"]).output("print").path)
    assert "thereport(https://reports.example.org/2026/the-long-report" in printed
    assert "[1]" not in printed
    add_article(mini, "links: hidden\n")
    printed = text(build(mini, "3", editions=["print"]).output("print").path)
    assert "reports.example.org" not in printed and "thereport" in printed


@pytest.mark.parametrize(("setting", "message"), [
    ("links: footnotes\n", "links: 'footnotes' is not one of notes, inline, hidden"),
    ("link_base: guide/\n", "link_base: 'guide/' is not a web address"),
])
def test_settings_are_checked(mini: Path, setting: str, message: str) -> None:
    add_article(mini, setting)
    result = CliRunner().invoke(app, ["build", "3", "--workspace", str(mini)])
    assert result.exit_code == 1
    assert message in result.output and "issue.yaml:" in result.output


def test_links_to_pages_of_a_website_need_link_base(mini: Path) -> None:
    add_article(mini)
    yaml = mini / "issues" / "issue-3" / "issue.yaml"
    yaml.write_text(yaml.read_text().replace("link_base: https://union.example.org/\n", ""))
    result = CliRunner().invoke(app, ["build", "3", "--workspace", str(mini)])
    assert result.exit_code == 1
    assert "03-links.md:6: link '/guide/start' is a path on a website" in result.output
    assert "link_base" in result.output


def test_an_article_can_name_its_own_website(mini: Path) -> None:
    """Articles from two websites in one issue: each resolves its root-relative links
    against its own `link_base` (front matter), the issue's serving the others."""
    add_article(mini)  # (issue.yaml lists no articles: every .md of the folder)
    (mini / "issues" / "issue-3" / "04-vue.md").write_text(
        "---\ntitle: Les composants\nlink_base: https://fr.vuejs.org/\n---\n\n"
        "Voir [le guide](/guide/essentials).\n", encoding="utf-8")
    printed = text(build(mini, "3", editions=["print"]).output("print").path)
    assert "https://fr.vuejs.org/guide/essentials" in printed
    assert "https://union.example.org/guide/start" in printed
