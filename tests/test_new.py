"""new: the next issue and a new article, each ready to build, each saying what to do next."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from typer.testing import CliRunner

from notespress.build import build
from notespress.cli import app
from notespress.newissue import ascii_slug, next_article_name

runner = CliRunner()


def test_new_issue_after_the_highest_number(mini: Path) -> None:
    result = runner.invoke(app, ["new", "--date", "2026-12-15", "--title", "The winter",
                                 "-w", str(mini)])
    assert result.exit_code == 0, result.output
    folder = mini / "issues/issue-4"
    assert "created issues/issue-4 (No. 4, 2026-12-15)" in result.output.replace(str(mini) +
                                                                                  "/", "")
    assert "next: " in result.output and "notespress preview issue-4" in result.output
    meta = yaml.safe_load((folder / "issue.yaml").read_text())
    assert meta == {"number": 4, "date": dt.date(2026, 12, 15), "title": "The winter"}
    assert (folder / "01-editorial.md").is_file() and (folder / "images").is_dir()
    result = build(mini, "issue-4", editions=("screen",))
    assert result.output("screen").pages >= 2
    again = runner.invoke(app, ["new", "-w", str(mini)])
    assert again.exit_code == 0 and (mini / "issues/issue-5/issue.yaml").is_file()


def test_new_issue_refuses_a_bad_date(mini: Path) -> None:
    result = runner.invoke(app, ["new", "--date", "15/12/2026", "-w", str(mini)])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output
    assert not (mini / "issues/issue-4").exists()


def test_new_article_goes_into_the_articles_list(mini: Path) -> None:
    yaml_path = mini / "issues/issue-3/issue.yaml"
    yaml_path.write_text(yaml_path.read_text() + "# the end\n")
    result = runner.invoke(app, ["new", "article", "Grève à l'usine: «tous»!", "--author",
                                 "C. Roy", "--lang", "fr", "-w", str(mini)])
    assert result.exit_code == 0, result.output
    path = mini / "issues/issue-3/03-greve-a-l-usine-tous.md"
    assert path.is_file(), result.output
    text = path.read_text()
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta == {"title": "Grève à l'usine: «tous»!", "author": "C. Roy", "lang": "fr"}
    listed = yaml.safe_load(yaml_path.read_text())["articles"]
    assert listed[-1] == "03-greve-a-l-usine-tous.md"
    assert yaml_path.read_text().endswith("# the end\n")  # comments kept
    assert "next: write the article" in result.output
    result = build(mini, "3", editions=("screen",))
    assert not [w for w in result.warnings if "03-greve" in str(w.path)]


def test_new_article_in_an_unknown_issue_suggests_one(mini: Path) -> None:
    result = runner.invoke(app, ["new", "article", "X", "--issue", "isue-3", "-w", str(mini)])
    assert result.exit_code == 1
    assert "did you mean 'issue-3'" in result.output
    empty = runner.invoke(app, ["new", "article", "  ", "-w", str(mini)])
    assert empty.exit_code == 1 and 'notespress new article "The title"' in empty.output


def test_names(tmp_path: Path) -> None:
    assert ascii_slug("Lettre de Montréal : la santé") == "lettre-de-montreal-la-sante"
    assert ascii_slug("اعتصاب در انبار") == "article"
    for name in ("01-a.md", "009-b.md", "notes.md"):
        (tmp_path / name).write_text("")
    assert next_article_name(tmp_path, "c") == "010-c.md"


def test_new_texts_are_in_the_publications_language(tmp_path: Path) -> None:
    """`new` and `new article` in a Persian publication write Persian starter texts (an
    English one in a Persian issue printed its notes under a rule at the other side)."""
    root = tmp_path / "persian"
    assert runner.invoke(app, ["init", str(root), "--name", "یادداشت‌ها", "--lang", "fa"]
                         ).exit_code == 0
    assert runner.invoke(app, ["new", "-w", str(root)]).exit_code == 0
    editorial = (root / "issues" / "issue-2" / "01-editorial.md").read_text()
    assert "title: سرمقاله" in editorial and "پانوشت" in editorial
    assert "Write the article" not in editorial
    made = runner.invoke(app, ["new", "article", "گزارش", "-w", str(root)])
    assert made.exit_code == 0, made.output
    (article,) = (root / "issues" / "issue-2").glob("02-*.md")
    assert "پانوشت" in article.read_text()
    english = runner.invoke(app, ["new", "article", "A letter", "--lang", "en", "-w",
                                  str(root)])
    assert english.exit_code == 0
    (letter,) = (root / "issues" / "issue-2").glob("03-*.md")
    assert "Write the article here" in letter.read_text()
