"""`notespress init`: a new, complete publication that builds at once."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .config import LANG_RE, PAGE_SIZES
from .errors import NotespressError, Problem
from .resources import default_fonts, default_layouts, starter_dir


@dataclass(frozen=True)
class Created:
    root: Path
    sample_issue: str


def init_workspace(directory: Path, *, name: str, lang: str = "en",
                   page_size: str = "letter") -> Created:
    problems = []
    if not name.strip():
        problems.append(Problem(None, "--name must not be empty"))
    if any(c in name for c in "\r\n"):
        problems.append(Problem(None, "--name must be one line"))
    if not LANG_RE.match(lang):
        problems.append(Problem(None, f"--lang '{lang}' is not a language code such as en"))
    if page_size not in PAGE_SIZES:
        problems.append(Problem(None, f"--page-size '{page_size}' is not one of "
                                      f"{', '.join(PAGE_SIZES)}"))
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        problems.append(Problem(directory, "already exists and is not empty"))
    if problems:
        raise NotespressError(problems)

    root = directory.resolve()
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(default_layouts(), root / "layouts", dirs_exist_ok=True)
    shutil.copytree(default_fonts(), root / "fonts", dirs_exist_ok=True)
    env = jinja2.Environment(keep_trailing_newline=True, autoescape=False,
                             undefined=jinja2.StrictUndefined)
    values = {"name": name.strip(), "lang": lang, "page_size": page_size,
              "today": dt.date.today().isoformat()}
    starter = starter_dir()
    for source in sorted(starter.rglob("*")):
        if source.is_dir() or source.name == "__pycache__" or source.suffix == ".pyc":
            continue
        relative = source.relative_to(starter)
        target = root / relative
        if target.name == "platform.md":
            target = target.with_name(f"{lang}.md")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in (".yaml", ".md"):
            text = source.read_text(encoding="utf-8")
            target.write_text(env.from_string(text).render(values), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    return Created(root=root, sample_issue="issue-1")
