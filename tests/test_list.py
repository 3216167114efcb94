"""list: the issues and their state; the per-article table; quick, without WeasyPrint."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from notespress.build import build
from notespress.cli import app
from notespress.content import suggest
from notespress.listing import (
    article_table,
    count_words,
    format_article_table,
    list_issues,
    reading_minutes,
)

from .conftest import FIXTURES, copy_workspace

runner = CliRunner()


def test_states_follow_the_builds(mini: Path) -> None:
    (row,) = list_issues(mini)
    assert (row.info.name, row.info.number, row.state, row.pages) == ("issue-3", 3,
                                                                       "never built", None)
    result = build(mini, "3")
    (row,) = list_issues(mini)
    assert row.state == "built" and row.pages == result.output("print").pages
    article = mini / "issues/issue-3/02-second.md"
    article.write_text(article.read_text() + "\nOne more sentence.\n")
    (row,) = list_issues(mini)
    assert row.state == "stale"
    build(mini, "3", editions=("screen",))  # -e: the options are in the manifest
    (row,) = list_issues(mini)
    assert row.state == "built"
    output = runner.invoke(app, ["list", "-w", str(mini)]).output
    assert "issue-3" in output and "built" in output and "A fixture issue" in output


def test_the_article_table_reads_pages_from_the_pdf(tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "langs", tmp_path / "langs")
    result = build(root, "issue-2")
    rows = article_table(root / "issues/issue-2", result.output("screen").path, result.pad)
    ranges = [r.pages for r in rows]  # each article from its first page to its last, in order
    assert len(ranges) == 5 and ranges[0][0] == 1
    assert all(first <= last for first, last in ranges)
    assert all(later[0] in (earlier[1], earlier[1] + 1)
               for earlier, later in itertools.pairwise(ranges))
    assert rows[0].title == "اعتصاب در انبار" and rows[0].words > 40
    table = format_article_table(rows)
    assert "\u2068اعتصاب در انبار" in table  # isolated, for terminals that reorder
    output = runner.invoke(app, ["list", "issue-2", "-w", str(root)]).output
    assert "5 articles" in output and "min" in output


def test_counting() -> None:
    body = ("Words *here* and [a link](https://example.org/long/address).[^1]\n\n"
            "<!-- an editor's note -->\n\n![A caption of three](images/x.png)\n\n"
            "| a | b |\n|---|---|\n\n[^1]: The note.\n\nمی‌روم به خانه\n")
    # 5 of the text and link, 4 of the caption, 2 of the table, 2 of the note, 3 Persian
    assert count_words(body) == 5 + 4 + 2 + 2 + 3
    assert reading_minutes(0) == 0 and reading_minutes(10) == 1 and reading_minutes(460) == 2
    assert suggest("isue-12", ["issue-12", "issue-2"])[0] == "issue-12"
    assert suggest("12", ["issue-1", "issue-12"]) == ["issue-12"]


def test_list_does_not_import_weasyprint(mini: Path) -> None:
    code = ("import sys; from notespress.cli import app; from typer.testing import CliRunner; "
            f"r = CliRunner().invoke(app, ['list', '-w', {str(mini)!r}]); "
            "assert r.exit_code == 0, r.output; print('weasyprint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_version_and_completion() -> None:
    from notespress import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"notespress {__version__}"
    # the installed command, as a shell would run it (typer reads its name from the process)
    completion = subprocess.run([sys.executable, "-m", "notespress", "--show-completion", "bash"],
                                capture_output=True, text=True)
    assert completion.returncode == 0, completion.stderr
    assert "_NOTESPRESS_COMPLETE" in completion.stdout, completion.stdout


def test_unknown_issue_everywhere(mini: Path) -> None:
    for command in (["build", "issue-33"], ["check", "issue33"], ["list", "isue-3"],
                    ["proof", "issue-33"]):
        result = runner.invoke(app, [*command, "-w", str(mini)])
        assert result.exit_code == 1, command
        assert "did you mean 'issue-3'?" in result.output, result.output


def test_a_picture_written_in_code_is_no_picture() -> None:
    from notespress.listing import count_pictures

    body = ("![A picture.](a.png)\n\n```markdown\n![An example](b.png)\n```\n\n"
            "Write `![text](file)` for a picture, as here: ![Another.](c.png)\n")
    assert count_pictures(body) == 2
    # an indented code block (as the starter article of `notespress new` shows the syntax),
    # an editors' note; and a picture in a footnote and in a list, which are pictures
    assert count_pictures("Pictures go in images/:\n\n    ![The caption.](images/x.jpg)\n\n"
                          "<!-- ![Not yet.](y.png) -->\n") == 0
    assert count_pictures("- an item\n\n    ![In the list.](a.png)\n\nA call.[^1]\n\n"
                          "[^1]: ![In a note.](b.png)\n") == 2


def test_the_total_counts_each_page_once() -> None:
    """Articles that run on share pages: the total of the table's page count is the pages
    the articles fill (2 to 5 here: 4), not the sum of their counts (6)."""
    from notespress.listing import ArticleStats, format_article_table

    rows = [ArticleStats(f"0{i}.md", f"a{i}", f"Article {i}", "", "en", 100, 0, pages)
            for i, pages in enumerate([(2, 3), (3, 4), (4, 5)], start=1)]
    total = format_article_table(rows).splitlines()[-1].split()
    assert total[:3] == ["3", "articles", "4"], total
