"""The editors' docs: every example builds as shown, every command runs, the settings page is
the settings' own, and the README keeps what reviewers quote.

Examples and their pictures: tests/docs_examples.py and tests/docs_pictures.py; the settings
page: tests/docs_settings.py.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from notespress.build import build, read
from notespress.cli import app
from notespress.errors import NotespressError, Problem

from . import docs_settings
from .docs_examples import (
    DOCS,
    PICTURES,
    REPO,
    Block,
    Example,
    Issue,
    blocks,
    docs_pages,
    examples,
    init,
    merge_yaml,
    publications,
    unexpected,
    warnings_of,
)

runner = CliRunner()
EXAMPLES = examples()
README = REPO / "README.md"
EDITOR_PAGES = ("writing.md", "settings.md", "look.md", "importing.md", "previewing.md",
                "printing.md", "email.md")


# ------------------------------------------------------------------ the pages


def test_the_editors_pages_are_there_and_linked_from_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    for name in EDITOR_PAGES:
        assert (DOCS / name).is_file(), name
        assert f"(docs/{name})" in readme, f"README.md does not link to docs/{name}"


def test_the_readme_keeps_the_set_up_commands_and_the_benchmark_table() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "bash .ci/setup && notespress build issue-12" in readme
    assert "bash .ci/setup && python3 -m pytest" in readme
    assert "| pages | a floor | b cold | c unchanged | d one article |" in readme


def test_links_between_the_pages_lead_somewhere() -> None:
    """Every relative link of the docs and the README names a file that exists, and a
    heading of it that exists (as GitHub makes heading anchors)."""
    from notespress.markup_links import heading_slug

    def anchors(page: Path) -> set[str]:
        text = re.sub(r"^(```+).*?^\1", "", page.read_text(encoding="utf-8"),
                      flags=re.DOTALL | re.MULTILINE)
        return {heading_slug(m) for m in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}

    wrong = []
    for page in docs_pages():
        text = re.sub(r"^(```+).*?^\1", "", page.read_text(encoding="utf-8"),
                      flags=re.DOTALL | re.MULTILINE)
        text = re.sub(r"(`+).+?\1", "", text)  # code spans show links, they are not links
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                wrong.append(f"{page.name}: {target} (no such file)")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                wrong.append(f"{page.name}: {target} (no such heading)")
    assert not wrong, "\n".join(wrong)


# ------------------------------------------------------------------ the examples


def test_every_block_of_settings_or_markdown_is_built() -> None:
    """A Markdown, YAML, CSS or CSV block of the docs is an example (built by the tests), or
    says it is a fragment that cannot be built alone."""
    loose = [b.where for page in docs_pages() for b in blocks(page)
             if b.lang in ("markdown", "yaml", "css", "csv")
             and "example" not in b.attributes and "fragment" not in b.flags]
    assert not loose, f"neither example=NAME nor fragment: {loose}"


def test_the_examples_are_named_and_pictured() -> None:
    """Each example that shows something has its picture beside it in its page, and every
    picture in docs/pictures is one an example makes, small enough to read quickly."""
    assert len([e for e in EXAMPLES if e.is_article]) >= 20
    pictured = {f"{e.name}.png" for e in EXAMPLES if e.show != "none"}
    for example in EXAMPLES:
        if example.show == "none":
            continue
        page = example.block.doc.read_text(encoding="utf-8")
        assert f"](pictures/{example.name}.png)" in page, \
            f"{example.where}: no link to pictures/{example.name}.png"
        assert (PICTURES / f"{example.name}.png").is_file(), \
            f"{example.where}: run python3 -m tests.docs_pictures {example.name}"
    files = {p.name for p in PICTURES.glob("*")}
    assert files == pictured, f"not made by an example: {sorted(files - pictured)}"
    for picture in PICTURES.glob("*.png"):
        assert picture.stat().st_size < 100_000, f"{picture.name} is too large"


WRITING = ("front-matter", "paragraphs", "emphasis", "headings", "lists", "task-lists",
           "block-quotes", "footnotes", "figure", "wide-picture", "decorative-picture",
           "pull-quotes", "boxes", "alerts", "tables", "code", "links", "links-inline",
           "links-hidden", "link-base", "internal-links", "html", "html-removed", "emoji",
           "french", "persian", "cover")


def test_the_writing_page_shows_every_feature() -> None:
    """Each thing an article can hold has its example (and so its picture) in writing.md."""
    shown = {e.name for e in EXAMPLES if e.block.doc.name == "writing.md"}
    assert not set(WRITING) - shown, sorted(set(WRITING) - shown)


def test_the_typography_report_is_explained_note_by_note() -> None:
    """printing.md's table of the typography report has a row for each kind of note that
    `check` gives (the rules typeset_report.py names), and no other."""
    import notespress.typeset_report as report

    source = Path(report.__file__).read_text(encoding="utf-8")
    rules = set(re.findall(r'note\("([a-z-]+)"', source)) | set(
        re.findall(r'"note", "([a-z-]+)"', source))
    assert {"loose-line", "hyphen-ladder", "typography"} <= rules, rules
    page = (DOCS / "printing.md").read_text(encoding="utf-8")
    table = page.split("## The typography report", 1)[1]
    explained = set(re.findall(r"^\| `([a-z-]+)` \|", table, re.MULTILINE))
    assert explained == rules, (sorted(rules - explained), sorted(explained - rules))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> list[Issue]:
    """Every example in fresh publications made by `notespress init`."""
    return publications(EXAMPLES, tmp_path_factory.mktemp("docs"), right=False)


def test_right_to_left_examples_are_built_apart(made: list[Issue]) -> None:
    """A right-to-left article makes its issue one of mixed directions (the rule above the
    footnotes then runs the whole measure): the Persian example has an issue of its own, so
    that the other pictures show an ordinary issue's pages."""
    articles = [issue for issue in made if any(e.is_article for e in issue.examples)]
    for issue in articles:
        assert len({e.right_to_left for e in issue.examples}) == 1, issue.name
    persian = next(i for i in articles if any(e.name == "persian" for e in i.examples))
    assert all(e.right_to_left for e in persian.examples)
    footnotes = next(i for i in articles if any(e.name == "footnotes" for e in i.examples))
    assert not any(e.right_to_left for e in footnotes.examples)


def _issue_of(example: Example, issues: list[Issue]) -> Issue:
    return next(i for i in issues if example in i.examples)


@pytest.fixture(scope="module")
def read_problems(made: list[Issue]) -> dict[str, list[Problem]]:
    """What reading each issue says (the publication, the articles, their Markdown, the
    glyphs the fonts lack: everything but the layout)."""
    found: dict[str, list[Problem]] = {}
    for issue in made:
        try:
            _, read_issue = read(issue.root, issue.folder)
            problems = list(read_issue.warnings)
        except NotespressError as exc:
            problems = exc.problems
        found[str(issue.folder)] = problems
    return found


BUILT = [e for e in EXAMPLES if e.lang in ("markdown", "yaml", "css")]  # (a CSV: the commands')


@pytest.mark.parametrize("example", BUILT, ids=lambda e: e.name)
def test_an_example_reads_as_the_docs_say(example: Example, made: list[Issue],
                                          read_problems: dict[str, list[Problem]]) -> None:
    issue = _issue_of(example, made)
    problems = warnings_of(example, issue, read_problems[str(issue.folder)])
    errors = [str(p) for p in problems if p.is_error]
    assert not errors, f"{example.where}:\n" + "\n".join(errors)
    assert not unexpected(example, problems), f"{example.where}:\n" + "\n".join(
        unexpected(example, problems))


@pytest.mark.slow
def test_every_example_builds_as_the_docs_say(made: list[Issue]) -> None:
    """The whole build of each example's issue: no error, no warning but those the docs
    show. An example of printing settings makes every edition it sets; the others the screen
    edition (the one laid out page the others are written from)."""
    from notespress.production import KEYS as PRINTING

    wrong = []
    for issue in made:
        printing = any(e.lang == "yaml" and set(yaml.safe_load(e.text) or {}) & set(PRINTING)
                       for e in issue.examples)
        try:
            result = build(issue.root, issue.name, force=True,
                           editions=None if printing else ("screen",))
            problems = list(result.warnings)
        except NotespressError as exc:
            problems = exc.problems
        for example in issue.examples:
            mine = warnings_of(example, issue, problems)
            wrong += [f"{example.where}: {line}" for line in unexpected(example, mine)]
        shown = {str(p) for e in issue.examples for p in warnings_of(e, issue, problems)}
        wrong += [f"{issue.name}: {p}" for p in problems if str(p) not in shown]
    assert not wrong, "\n".join(wrong)


def test_an_example_that_warns_unexpectedly_fails(tmp_path: Path) -> None:
    """The check above can fail: an example whose build says something it does not expect
    (here a picture without a description, and an expectation that is not met)."""
    quiet = next(e for e in EXAMPLES if e.name == "figure")
    block = Block(quiet.block.doc, 1, "markdown", {"example": "x"}, (),
                  "Text.\n\n![](images/picket.jpg)\n")
    noisy = Example(block, "noisy", "noisy.md", "none", warns=("never said",))
    issue = publications([noisy], tmp_path)[0]
    _, read_issue = read(issue.root, issue.folder)
    said = unexpected(noisy, warnings_of(noisy, issue, list(read_issue.warnings)))
    assert any("has no description" in s for s in said)
    assert any("never said" in s for s in said)


# ------------------------------------------------------------------ the settings page


def test_the_settings_page_is_made_from_the_settings() -> None:
    assert (DOCS / "settings.md").read_text(encoding="utf-8") == docs_settings.page(), \
        "docs/settings.md is not up to date: run python3 -m tests.docs_settings"


def test_every_setting_says_what_it_is() -> None:
    """Each field of notespress.yaml, issue.yaml, the front matter and mail: has help, and a
    parser that says what it accepts: the settings page has something to say for each."""
    from notespress.config import CONTACT, FIELDS
    from notespress.content import ARTICLE_FIELDS, ISSUE_FIELDS
    from notespress.mail.settings import FIELDS as MAIL_FIELDS
    from notespress.schema import accepts

    for field in (*FIELDS, *CONTACT.fields, *ISSUE_FIELDS, *ARTICLE_FIELDS, *MAIL_FIELDS):
        assert field.help, f"{field.key}: no help"
        kind, _ = accepts(field.parse)
        assert kind, f"{field.key}: its parser does not say what it accepts"


def test_the_settings_page_changes_with_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from notespress import production
    from notespress.schema import Field, choice

    before = docs_settings.page()
    added = Field("fold", choice("half", "tri"), help="how the sheet is folded")
    monkeypatch.setattr(production, "FIELDS", (*production.FIELDS, added))
    after = docs_settings.page()
    assert before != after
    assert "| `fold` | one of |  | half, tri | how the sheet is folded |" in after


# ------------------------------------------------------------------ the commands


def _command_lines() -> list[tuple[str, str]]:
    """Every `notespress ...` line of the sh blocks of the docs and the README."""
    found = []
    for page in docs_pages():
        for block in blocks(page):
            if block.lang != "sh":
                continue
            for number, line in enumerate(block.text.splitlines()):
                words = shlex.split(line, comments=True)
                if words and words[0] == "notespress":
                    found.append((f"{block.where}+{number}", line))
    return found


COMMANDS = _command_lines()


@pytest.mark.parametrize(("where", "line"), COMMANDS, ids=[w for w, _ in COMMANDS])
def test_each_command_in_the_docs_exists_with_its_options(where: str, line: str) -> None:
    """The command and every option exist (`--help` after them stops before anything runs,
    but not before an unknown command or option is refused)."""
    args = shlex.split(line, comments=True)[1:]
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0, f"{where}: {line}\n{result.output}"


def test_a_wrong_command_line_would_be_caught() -> None:
    for args in (["build", "1", "--no-such-option"], ["biuld", "1"], ["layouts", "cpy", "x"]):
        assert runner.invoke(app, [*args, "--help"]).exit_code != 0, args


def _sessions() -> dict[str, list[Block]]:
    found: dict[str, list[Block]] = {}
    for page in docs_pages():
        for block in blocks(page):
            if block.lang == "sh" and "session" in block.attributes:
                found.setdefault(block.attributes["session"], []).append(block)
    return found


SESSIONS = _sessions()


def _import_documents(root: Path) -> None:
    """The contributions docs/importing.md imports: a Word file and a LibreOffice file with a
    footnote, a table and a picture (written by pandoc), and a web page."""
    import subprocess

    import pypandoc
    from PIL import Image, ImageDraw

    source = root / "source"
    source.mkdir()
    image = Image.new("RGB", (600, 400), (225, 225, 225))
    ImageDraw.Draw(image).rectangle([60, 60, 340, 340], fill=(30, 30, 30))
    image.save(source / "picture.png")
    (source / "strike.md").write_text(
        "---\ntitle: Strike at the depot\nauthor: Ana Ruiz\n---\n\nDrivers stopped the "
        "buses on Tuesday.[^1]\n\n| Shift | Drivers |\n|---|--:|\n| Early | 41 |\n\n"
        "![The picket line at dawn](picture.png)\n\n[^1]: By the union's count.\n",
        encoding="utf-8")
    (source / "letter.md").write_text("---\ntitle: A letter from the depot\n---\n\nDear "
                                      "editors, we read the last issue.\n", encoding="utf-8")
    for name, target in (("strike.md", root / "strike-report.docx"),
                         ("letter.md", root / "letter.odt")):
        subprocess.run([pypandoc.get_pandoc_path(), name, "-o", str(target)], check=True,
                       cwd=source)
    (root / "page.html").write_text(
        "<html><head><title>Site</title></head><body><h1>Rent strike</h1><p>Tenants of "
        "Maple Court <em>withheld</em> the rent.</p></body></html>", encoding="utf-8")


SETUP: dict[str, Callable[[Path], None]] = {"import": _import_documents}


@pytest.mark.slow
@pytest.mark.parametrize("session", sorted(SESSIONS))
def test_the_commands_of_a_page_run_in_a_fresh_publication(
        session: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command blocks marked session=NAME run in order, in a publication made by
    `notespress init`, with the page's files (a subscribers' CSV) beside them and its
    notespress.yaml examples in its settings: each one succeeds."""
    root = init(tmp_path / "pub")
    pages = {b.doc for b in SESSIONS[session]}
    for example in EXAMPLES:
        if example.block.doc not in pages:
            continue
        if example.lang == "yaml" and example.file == "notespress.yaml":
            merge_yaml(root / example.file, example.text)
        elif example.lang not in ("markdown", "yaml", "css"):
            (root / example.file).write_text(example.text, encoding="utf-8")
    SETUP.get(session, lambda _: None)(root)
    monkeypatch.chdir(root)
    for block in SESSIONS[session]:
        for line in block.text.splitlines():
            args = shlex.split(line, comments=True)
            if not args:
                continue
            assert args[0] == "notespress", f"{block.where}: only notespress runs: {line}"
            result = runner.invoke(app, args[1:])
            assert result.exit_code == 0, f"{block.where}: {line}\n{result.output}"


def test_the_sessions_are_there() -> None:
    assert {"editor", "layouts", "import", "printing", "mail"} <= set(SESSIONS)


def _inline_commands() -> list[tuple[str, str]]:
    """The `notespress ...` commands written inside the text of the docs (code spans)."""
    found = []
    for page in docs_pages():
        text = re.sub(r"^(```+).*?^\1", "", page.read_text(encoding="utf-8"),
                      flags=re.DOTALL | re.MULTILINE)
        for number, match in enumerate(re.finditer(r"`(notespress [^`]+)`", text)):
            line = match.group(1)
            if "..." not in line and "NAME" not in line:
                found.append((f"{page.name}~{number}", line))
    return found


INLINE = _inline_commands()


@pytest.mark.parametrize(("where", "line"), INLINE, ids=[w for w, _ in INLINE])
def test_each_command_named_in_the_text_exists(where: str, line: str) -> None:
    args = shlex.split(line)[1:]
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0, f"{where}: {line}\n{result.output}"


def _own_font(root: Path) -> None:
    """fonts/docs-sans/: Lato under another family name ("Docs Sans"), with its licence."""
    from fontTools.ttLib import TTFont

    from notespress.resources import default_fonts

    family = root / "fonts" / "docs-sans"
    family.mkdir(parents=True)
    font = TTFont(default_fonts() / "lato" / "Lato-Regular.ttf")
    names = {1: "Docs Sans", 16: "Docs Sans", 4: "Docs Sans Regular", 6: "DocsSans-Regular"}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    font.save(family / "DocsSans-Regular.ttf")
    (family / "OFL.txt").write_bytes((default_fonts() / "lato" / "OFL.txt").read_bytes())


def _uses_own_font(root: Path) -> bool:
    from .pdfcheck import Pdf

    result = build(root, "issue-1", editions=("screen",))
    assert not [w for w in result.warnings if w.is_error]
    names = [f["name"] for f in Pdf(result.output("screen").path).fonts()]
    return any(name.split("+")[-1] in ("Docs-Sans", "DocsSans-Regular") for name in names)


@pytest.mark.slow
def test_a_font_of_ones_own_as_look_md_says(tmp_path: Path) -> None:
    """docs/look.md, "Fonts of your own": a family in fonts/ with its licence, named in
    layouts/custom.css, is the face the PDF uses."""
    root = init(tmp_path / "pub")
    _own_font(root)
    assert not _uses_own_font(root)
    (root / "layouts" / "custom.css").write_text(
        '.article-title { font-family: "Docs Sans"; font-weight: normal; }\n',
        encoding="utf-8")
    assert _uses_own_font(root)


@pytest.mark.slow
@pytest.mark.parametrize("key", ["text_font", "heading_font"])
def test_the_faces_set_in_notespress_yaml_as_look_md_says(key: str, tmp_path: Path) -> None:
    """docs/look.md, "A colour and the faces": text_font and heading_font name a family of
    fonts/, and the PDF uses it."""
    root = init(tmp_path / "pub")
    _own_font(root)
    merge_yaml(root / "notespress.yaml", f"{key}: Docs Sans")
    assert _uses_own_font(root)
