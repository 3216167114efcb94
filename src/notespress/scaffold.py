"""`notespress init`: a new, complete publication that builds at once.

The publication holds its own words (notespress.yaml, platform, a sample issue in its
language) and a layouts/ folder for what it changes; the default layouts and fonts come with
notespress, so that the publication gets their improvements (themes.py).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .errors import NotespressError, Problem
from .production import TRIMS
from .resources import starter_dir
from .schema import LANG_RE
from .typography import base_lang

LAYOUTS_README = """\
# Layouts of this publication

The default layouts and fonts come with notespress: this folder holds only what this
publication changes, and the defaults serve for everything else (so the publication gets
notespress's improvements when it is updated).

- `notespress layouts` lists the layouts and which of them this publication changes.
- `notespress layouts copy article.html` copies one default here to change it; a build warns
  when that default changes later (`notespress layouts diff article.html` shows how).
- `custom.css` here is loaded after the default styles: the easiest way to change a detail.
- Colours and faces without any copy: `accent`, `text_font` and `heading_font` in
  notespress.yaml.
- Fonts of your own go in `fonts/` beside this folder, each with its licence.
"""


@dataclass(frozen=True)
class Created:
    """A publication `init` created, and the name of its sample issue."""

    root: Path
    sample_issue: str


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar of `value`, letters of every script left as they are."""
    return json.dumps(value, ensure_ascii=False)


def init_workspace(directory: Path, *, name: str, lang: str = "en",
                   page_size: str = "letter") -> Created:
    """Create a new publication in `directory`; raise NotespressError with every problem of the
    options."""
    problems = []
    if not name.strip():
        problems.append(Problem(None, "--name must not be empty"))
    if any(c in name for c in "\r\n\v\f\x85\u2028\u2029"):
        problems.append(Problem(None, "--name must be one line"))
    if not LANG_RE.match(lang):
        problems.append(Problem(None, f"--lang '{lang}' is not a language code such as en, "
                                      "fr or fa"))
    if page_size not in TRIMS:
        problems.append(Problem(None, f"--page-size '{page_size}' is not one of "
                                      f"{', '.join(TRIMS)}"))
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        problems.append(Problem(directory, "already exists and is not empty; choose a new "
                                           "folder"))
    if problems:
        raise NotespressError(problems)

    root = directory.resolve()
    root.mkdir(parents=True, exist_ok=True)
    starter = starter_dir()
    texts = starter / "texts" / base_lang(lang)
    if not texts.is_dir():  # a language without starter texts: English ones to replace
        texts = starter / "texts" / "en"
    env = jinja2.Environment(keep_trailing_newline=True, autoescape=False,
                             undefined=jinja2.StrictUndefined)
    env.filters["yaml"] = yaml_text
    import yaml

    words = yaml.safe_load((texts / "words.yaml").read_text(encoding="utf-8"))
    values: dict[str, Any] = {"name": name.strip(), "lang": lang, "page_size": page_size,
                              "today": dt.date.today().isoformat(), "words": words}

    def write(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in (".yaml", ".md"):
            text = env.from_string(source.read_text(encoding="utf-8")).render(values)
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, target)

    common = starter / "common"
    for source in sorted(common.rglob("*")):
        if source.is_file():
            write(source, root / source.relative_to(common))
    issue = root / "issues" / "issue-1"
    for source in sorted(texts.glob("0*.md")):
        write(source, issue / source.name)
    write(texts / "platform.md", root / "platform" / f"{lang}.md")
    (root / "layouts").mkdir()
    (root / "layouts" / "README.md").write_text(LAYOUTS_README, encoding="utf-8")
    return Created(root=root, sample_issue="issue-1")
