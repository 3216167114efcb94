"""The examples of the editors' docs (docs/*.md): found, and made into publications that build.

An example is a fenced block whose info string names it; GitHub shows the first word as the
block's language and ignores the rest:

    ```markdown example=footnotes
    A call.[^1]

    [^1]: The note.
    ```

The info string is ``LANG example=NAME`` followed by any of:

- ``file=PATH``: where the example goes in the publication. A Markdown example is an article
  of its own (``NAME.md`` unless ``file`` says otherwise); a YAML example names
  ``notespress.yaml`` or ``issue.yaml`` and its keys are merged into that file; a CSS example
  is ``layouts/custom.css``; anything else (a subscribers' CSV) is written as it is.
- ``show=body|head|cover|back|none``: what its picture (docs/pictures/NAME.png, made by
  ``python3 -m tests.docs_pictures``) shows: the article below its title (the default for
  Markdown), the article with its title, the issue's first page, its last pages (the pages
  added before the platform, and the back page), or nothing (the default for settings and
  files).
- ``article=NAME``: for a settings or CSS example, the Markdown example that is built with it
  (and shown, with ``show=body``).
- ``warns="WORDS"``: a warning the build is expected to give for it (any words of its
  message). Any other warning, and any error, fails the tests.
- ``KEY=VALUE``: for a Markdown example, a setting of the issue.yaml it is built in
  (``links=inline``).

A Markdown example without front matter gets ``title:`` from its name. Each settings or CSS
example is built in a publication of its own (made by ``notespress init``, with the sample
issue and the pictures the examples name in its images/ folder); the Markdown examples of
every page are built together in one publication, one issue per set of settings (and one
for the right-to-left articles), after a short lead article on the cover, each article
opening on a right-hand page (``article_start: right``) so that each has a page of its own.

Command blocks (```sh) are checked too: each line that starts with ``notespress`` must be a
command line the program accepts; blocks marked ``session=NAME`` are run, in order, in a
fresh publication (tests/test_docs.py).
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
PICTURES = DOCS / "pictures"
DEMO_IMAGES = REPO / "issues" / "issue-12" / "images"
SHOWS = ("body", "head", "cover", "back", "none")
RESERVED = ("example", "file", "show", "article", "warns", "session")
LEAD = "00-lead.md"
# Each Markdown example is a short article of its own, which the default layouts would
# balance over the two columns of its page; in an article of some length the same Markdown
# sits within a column. The examples' publication fills the first column first, so that each
# picture shows its example as it looks inside an article (layouts/custom.css).
FILL_FIRST_COLUMN = ".article-body { column-fill: auto; }\n"


@dataclass(frozen=True)
class Block:
    """A fenced block of a docs page."""

    doc: Path
    line: int  # 1-based line of the opening fence
    lang: str
    attributes: dict[str, str]
    flags: tuple[str, ...]  # words without '=' after the language
    text: str

    @property
    def where(self) -> str:
        doc = self.doc.relative_to(REPO) if self.doc.is_relative_to(REPO) else self.doc
        return f"{doc}:{self.line}"


@dataclass(frozen=True)
class Example:
    """One example: what it is, where it goes, and what it may say."""

    block: Block
    name: str
    file: str
    show: str
    warns: tuple[str, ...] = ()
    settings: dict[str, str] = field(default_factory=dict)  # issue.yaml, for Markdown
    article: str = ""

    @property
    def lang(self) -> str:
        return self.block.lang

    @property
    def text(self) -> str:
        return self.block.text

    @property
    def where(self) -> str:
        return self.block.where

    @property
    def is_article(self) -> bool:
        return self.lang == "markdown"

    @property
    def right_to_left(self) -> bool:
        """A Markdown example whose front matter names a right-to-left language."""
        from notespress.typography import is_rtl

        head = front_matter(self.text) if self.is_article else None
        return bool(head and is_rtl(str(head.get("lang") or "")))

    @property
    def title(self) -> str:
        """The article's title: its front matter's, else made from the name."""
        head = front_matter(self.text)
        if head is not None and head.get("title"):
            return str(head["title"])
        return self.name.replace("-", " ").capitalize()


def front_matter(text: str) -> dict | None:
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    return yaml.safe_load(match.group(1)) if match else None


def blocks(doc: Path) -> list[Block]:
    """Every fenced block of a Markdown page, with its info string read."""
    from markdown_it import MarkdownIt

    found = []
    for token in MarkdownIt("commonmark").parse(doc.read_text(encoding="utf-8")):
        if token.type != "fence":
            continue
        words = shlex.split(token.info)
        lang = words[0] if words else ""
        attributes = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        flags = tuple(w for w in words[1:] if "=" not in w)
        line = token.map[0] + 1 if token.map else 0
        found.append(Block(doc, line, lang, attributes, flags, token.content))
    return found


def docs_pages() -> list[Path]:
    """The pages whose examples are built: the docs, and the README."""
    return [*sorted(DOCS.glob("*.md")), REPO / "README.md"]


class BadExample(ValueError):
    """An info string the docs' tooling cannot read (the message names the page and line)."""


def example_of(block: Block) -> Example | None:
    """The example a block is, if it is one."""
    a = block.attributes
    if "example" not in a:
        if block.lang != "sh" and set(a) - {"session"}:
            raise BadExample(f"{block.where}: attributes without example=NAME")
        return None
    name = a["example"]
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise BadExample(f"{block.where}: example name '{name}' must be lowercase letters, "
                         "digits and hyphens")
    if block.lang == "markdown":
        file, show = a.get("file", f"{name}.md"), a.get("show", "body")
    elif block.lang == "yaml":
        file, show = a.get("file", ""), a.get("show", "none")
        if file not in ("notespress.yaml", "issue.yaml"):
            raise BadExample(f"{block.where}: a YAML example needs file=notespress.yaml or "
                             "file=issue.yaml")
    elif block.lang == "css":
        file, show = a.get("file", "layouts/custom.css"), a.get("show", "none")
    else:
        file, show = a.get("file", ""), a.get("show", "none")
        if not file:
            raise BadExample(f"{block.where}: a {block.lang or 'plain'} example needs file=PATH")
    if show not in SHOWS:
        raise BadExample(f"{block.where}: show={show} is not one of {', '.join(SHOWS)}")
    settings = {k: v for k, v in a.items() if k not in RESERVED}
    if settings and not block.lang == "markdown":
        raise BadExample(f"{block.where}: unknown attributes {', '.join(settings)}")
    warns = tuple(w for w in re.split(r"\s*\|\s*", a.get("warns", "")) if w)
    return Example(block, name, file, show, warns, settings, a.get("article", ""))


def examples(pages: list[Path] | None = None) -> list[Example]:
    """Every example of the docs pages, in page order; names are unique."""
    found: list[Example] = []
    seen: dict[str, str] = {}
    for doc in pages or docs_pages():
        for block in blocks(doc):
            example = example_of(block)
            if example is None:
                continue
            if example.name in seen:
                raise BadExample(f"{example.where}: example name '{example.name}' is used "
                                 f"already at {seen[example.name]}")
            seen[example.name] = example.where
            found.append(example)
    return found


# ------------------------------------------------------------------ publications


@dataclass
class Issue:
    """An issue made of examples, in a publication."""

    root: Path
    name: str  # issues/<name>
    examples: list[Example]  # the examples built in it: articles, or the publication's files

    @property
    def folder(self) -> Path:
        return self.root / "issues" / self.name

    def article_path(self, example: Example) -> Path:
        return self.folder / example_file(example)


def example_file(example: Example) -> str:
    return example.file if example.is_article else f"{example.article}.md"


def article_text(example: Example) -> str:
    if front_matter(example.text) is not None:
        return example.text
    return f"---\ntitle: {yaml_quote(example.title)}\n---\n\n{example.text}"


def yaml_quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def make_pictures(folder: Path) -> None:
    """The pictures the examples name, in an issue's images/ folder: the demo issue's photo,
    chart and cover drawing, and a wide crop of the photo."""
    from PIL import Image

    images = folder / "images"
    images.mkdir(exist_ok=True)
    for name in ("picket.jpg", "wages-chart.png", "cover.jpg"):
        shutil.copyfile(DEMO_IMAGES / name, images / name)
    with Image.open(DEMO_IMAGES / "picket.jpg") as photo:
        width, height = photo.size
        banner = photo.crop((0, height // 3, width, height // 3 + width * 3 // 8))
        banner.save(images / "banner.jpg", quality=85)


def init(root: Path, name: str = "Red Notes") -> Path:
    from notespress.api import init as make

    make(root, name=name)
    return root


def merge_yaml(path: Path, text: str) -> None:
    """The example's keys over the file's."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data.update(yaml.safe_load(text) or {})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def write_articles(issue: Issue, number: int, date: str, settings: dict[str, str],
                   right: bool) -> None:
    """An issue of Markdown examples: a short lead article (on the cover), then each example,
    each opening on a right-hand page when `right`."""
    folder = issue.folder
    folder.mkdir(parents=True)
    make_pictures(folder)
    names = [LEAD]
    (folder / LEAD).write_text("---\ntitle: Examples\n---\n\nThe examples of the docs, one "
                               "after another.\n", encoding="utf-8")
    for example in issue.examples:
        (folder / example.file).write_text(article_text(example), encoding="utf-8")
        names.append(example.file)
    meta: dict[str, object] = {"number": number, "date": date, "title": "Examples",
                               "articles": names}
    if right:
        meta["article_start"] = "right"
    for key, value in settings.items():
        meta[key] = yaml.safe_load(value)
    (folder / "issue.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True,
                                                      sort_keys=False), encoding="utf-8")


def publications(found: list[Example], scratch: Path, *, right: bool = True) -> list[Issue]:
    """Every example in a publication made by `notespress init` under `scratch`: the Markdown
    examples in one publication, an issue for each set of settings; each settings, CSS or
    other example in a publication of its own, with the Markdown example it names. Returns
    the issues, with the examples each holds."""
    by_name = {e.name: e for e in found}
    issues: list[Issue] = []
    articles = [e for e in found if e.is_article]
    if articles:
        root = init(scratch / "articles")
        (root / "layouts" / "custom.css").write_text(FILL_FIRST_COLUMN, encoding="utf-8")
        # (a right-to-left article makes an issue of mixed directions, which sets the rule
        # above the footnotes across the whole measure: such examples get an issue of their
        # own, so that the others show the pages of an ordinary issue)
        groups: dict[tuple[tuple[tuple[str, str], ...], bool], list[Example]] = {}
        for example in articles:
            key = (tuple(sorted(example.settings.items())), example.right_to_left)
            groups.setdefault(key, []).append(example)
        for number, ((settings, _), members) in enumerate(groups.items(), start=2):
            issue = Issue(root, f"issue-{number}", members)
            write_articles(issue, number, "2026-12-01", dict(settings), right)
            issues.append(issue)
    for example in found:
        if example.is_article or example.lang not in ("yaml", "css"):
            continue  # (a file such as a subscribers' CSV is used by the commands' tests)
        root = init(scratch / example.name)
        issue = Issue(root, "issue-1", [example])
        make_pictures(issue.folder)  # (a cover: picture)
        if example.article:
            shown = by_name.get(example.article)
            if shown is None or not shown.is_article:
                raise BadExample(f"{example.where}: article={example.article} is not a "
                                 "Markdown example")
            (issue.folder / f"{shown.name}.md").write_text(article_text(shown),
                                                           encoding="utf-8")
            merge_yaml(issue.folder / "issue.yaml", "articles: [01-welcome.md, 02-writing.md, "
                                                     f"{shown.name}.md]")
        target = issue.folder / "issue.yaml" if example.file == "issue.yaml" else \
            root / example.file
        if example.lang == "yaml":
            merge_yaml(target, example.text)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(example.text, encoding="utf-8")
        if example.article and example.show in ("body", "head"):  # (after its own CSS)
            custom = root / "layouts" / "custom.css"
            before = custom.read_text(encoding="utf-8") if custom.is_file() else ""
            custom.write_text(before + FILL_FIRST_COLUMN, encoding="utf-8")
        issues.append(issue)
    return issues


def warnings_of(example: Example, issue: Issue, problems: list) -> list:
    """The problems of a build that belong to an example: those naming its article, or, for a
    settings example, all of them."""
    if not example.is_article:
        return list(problems)
    path = issue.article_path(example).resolve()
    return [p for p in problems if p.path is not None and Path(p.path).resolve() == path]


def unexpected(example: Example, problems: list) -> list[str]:
    """What an example's build said that it does not expect, and what it expects but did not
    hear: each as one line."""
    said = [str(p) for p in problems]
    wrong = [s for s in said if not any(w in s for w in example.warns)]
    wrong += [f"expected a warning with '{w}', none came" for w in example.warns
              if not any(w in s for s in said)]
    return wrong
