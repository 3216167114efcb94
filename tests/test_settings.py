"""Settings through the one schema: what a mistake says, the smaller points editors met
(quotes around a value with ': ', lowercase keys, ASCII file names, init in other languages),
and `check` leaving the build record as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from notespress.build import build
from notespress.cli import app
from notespress.config import slugify

from .conftest import FIXTURES, copy_workspace

runner = CliRunner()
A1 = Path("issues/issue-3/01-first.md")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "mini", tmp_path / "ws")


def run(root: Path, *args: str):
    return runner.invoke(app, [*args, "-w", str(root)])


def set_front_matter(root: Path, old: str, new: str) -> None:
    path = root / A1
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_value_with_a_colon_says_to_quote_it(ws: Path) -> None:
    set_front_matter(ws, "title:", "title: Rust 1.0: the release\nold_title:")
    result = run(ws, "build", "3")
    assert result.exit_code == 1
    assert "must be in quotes" in result.output and 'title: "Rust 1.0: the release"' in (
        result.output)
    assert "01-first.md:" in result.output


def test_a_quote_never_closed_is_found_on_its_line(ws: Path) -> None:
    set_front_matter(ws, "title:", 'title: "The strike\nold_title:')
    result = run(ws, "build", "3")
    assert result.exit_code == 1
    assert "01-first.md:2: " in result.output, result.output  # the title's line
    assert "a quote is opened and never closed" in result.output


def test_a_key_in_capitals_says_keys_are_lowercase(ws: Path) -> None:
    set_front_matter(ws, "title:", "Title:")
    result = run(ws, "build", "3")
    assert result.exit_code == 1
    assert "Title: unknown front matter key; keys are lowercase: write 'title'" in result.output
    assert "title: required key is missing" in result.output


def test_output_files_have_ascii_names_or_the_slug_chosen(ws: Path) -> None:
    assert slugify("Lettre de Montréal") == "lettre-de-montreal"
    assert slugify("اخبار کارگری") == "newsletter"
    config = ws / "notespress.yaml"
    config.write_text(config.read_text().replace("name: Mini Bulletin", "name: اخبار کارگری"))
    result = build(ws, "3", editions=("screen",))
    assert result.output("screen").path.name == "newsletter-3-screen.pdf"
    config.write_text(config.read_text() + "slug: akhbar\n")
    result = build(ws, "3", editions=("screen",))
    assert result.output("screen").path.name == "akhbar-3-screen.pdf"
    config.write_text(config.read_text().replace("slug: akhbar", "slug: Akhbar Kargari"))
    failed = run(ws, "build", "3")
    assert failed.exit_code == 1 and "slug: 'Akhbar Kargari' is not a file-name slug" in (
        failed.output)


def test_strict_says_the_last_editions_are_kept(ws: Path) -> None:
    assert run(ws, "build", "3").exit_code == 0
    result = run(ws, "build", "3", "--strict")  # the fixture warns (a <script> tag left out)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "error: --strict: nothing was replaced; build/ keeps the editions of the last good "
        "build")


def test_check_leaves_the_build_record_as_it_was(ws: Path) -> None:
    assert run(ws, "build", "3").exit_code == 0
    assert run(ws, "check", "3").exit_code in (0, 1)
    assert "up to date" in run(ws, "build", "3").output


@pytest.mark.parametrize(("lang", "tagline", "title"), [
    ("fr", "Bulletin d'informations et d'analyses", "Bienvenue dans ce premier numéro"),
    ("fa", "نشریهٔ خبر و تحلیل", "به نخستین شماره خوش آمدید"),
])
def test_init_in_another_language(tmp_path: Path, lang: str, tagline: str, title: str) -> None:
    target = tmp_path / "pub"
    name = "اخبار کارگری" if lang == "fa" else "Notes ouvrières"
    result = runner.invoke(app, ["init", str(target), "--name", name, "--lang", lang])
    assert result.exit_code == 0, result.output
    config = (target / "notespress.yaml").read_text(encoding="utf-8")
    assert f'name: "{name}"' in config and "\\u" not in config  # letters, not escapes
    assert f'tagline: "{tagline}"' in config
    assert (target / "platform" / f"{lang}.md").is_file()
    platform = (target / "platform" / f"{lang}.md").read_text(encoding="utf-8")
    assert "Replace this text" not in platform
    welcome = (target / "issues/issue-1/01-welcome.md").read_text(encoding="utf-8")
    assert f"title: {title}" in welcome and f"lang: {lang}" in welcome
    built = runner.invoke(app, ["build", "1", "-w", str(target), "-e", "screen"])
    assert built.exit_code == 0, built.output


def test_build_prints_where_each_article_falls(ws: Path) -> None:
    result = run(ws, "build", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("#  article"))
    first, second = lines[header + 2], lines[header + 3]
    assert first.startswith("1  The first article") and second.startswith("2  The second")
    assert "min" in first and "2 articles" in lines[header + 4]


def test_a_finding_is_one_line_with_its_page() -> None:
    from notespress.preflight import Finding

    problem = Finding("error", "overflow", "a line overflows its column by 9pt",
                      "issues/x/a.md:12", 4).as_problem()
    assert str(problem) == "issues/x/a.md:12: page 4: a line overflows its column by 9pt " \
        "[overflow]"
    assert problem.is_error
