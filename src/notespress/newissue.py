"""`notespress new`: the next issue, and a new article in an issue."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import NotespressError, Problem
from .listing import IssueInfo, find_issues, issue_folder, read_issue_info

PREFIX = re.compile(r"^(\d+)-")


@dataclass(frozen=True)
class NewIssue:
    folder: Path
    number: int
    date: dt.date
    article: Path


@dataclass(frozen=True)
class NewArticle:
    path: Path
    issue: IssueInfo
    listed: bool  # added to the issue's `articles:` list


def ascii_slug(text: str, fallback: str = "article", limit: int = 48) -> str:
    """A safe file name part: ASCII letters, digits and hyphens (accents dropped, other
    scripts left out, the fallback when nothing is left)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug or fallback


def next_article_name(folder: Path, slug: str) -> str:
    """`NN-slug.md`, NN one more than the highest number prefix in the issue folder (as wide
    as the widest there, at least two digits)."""
    numbers, width = [0], 2
    for path in folder.glob("*.md"):
        match = PREFIX.match(path.name)
        if match:
            numbers.append(int(match.group(1)))
            width = max(width, len(match.group(1)))
    name = f"{max(numbers) + 1:0{width}d}-{slug}.md"
    while (folder / name).exists():  # (only when a prefix is not a number we read)
        name = name.replace(".md", "-x.md")
    return name


def add_to_articles(folder: Path, name: str) -> bool:
    """Append `name` to issue.yaml's `articles:` list, when it has one (else every *.md of
    the folder is an article already). The file is edited as text: comments stay."""
    from .sources import list_item_lines, parse_yaml, read_text

    path = folder / "issue.yaml"
    text = read_text(path)
    data = parse_yaml(text, path, what="issue.yaml")
    listed = data.data.get("articles")
    if listed is None:
        return False
    if not isinstance(listed, list):
        raise NotespressError(Problem(path, "must be a list of file names; add "
                                      f"'- {name}' to it by hand", data.line("articles"),
                                      "articles"))
    if name in listed:
        return True
    lines = text.split("\n")
    items = list_item_lines(text, "articles")
    if items:
        last = lines[items[-1] - 1]
        indent = last[:len(last) - len(last.lstrip())]
        lines.insert(items[-1], f"{indent}- {name}")
    else:  # `articles: []`, or an empty key
        key = data.line("articles") - 1
        lines[key] = "articles:"
        lines.insert(key + 1, f"  - {name}")
    new_text = "\n".join(lines)
    parsed = parse_yaml(new_text, path, what="issue.yaml").data.get("articles")
    if not isinstance(parsed, list) or name not in parsed:
        raise NotespressError(Problem(path, f"could not add '{name}' to the articles list; "
                                      "add it by hand", data.line("articles"), "articles"))
    _write_whole(path, new_text, overwrite=True)
    return True


def _write_whole(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write a file whole or not at all; never over an existing one unless `overwrite`."""
    from .files import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        if not overwrite and path.exists():
            raise NotespressError(Problem(path, "already exists; nothing was changed"))


def yaml_front_matter(fields: dict[str, str]) -> str:
    """`---` front matter with the non-empty fields, quoted where YAML needs it."""
    import yaml

    data = {k: v for k, v in fields.items() if v}
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000,
                            default_flow_style=False)
    return f"---\n{dumped}---\n"


def starter(root: Path, lang: str = "") -> tuple[str, str]:
    """The title and the text of a new article, in `lang` or else the publication's
    language (English when notespress has no starter text in it)."""
    import yaml

    from .resources import starter_dir
    from .typography import base_lang

    if not lang:
        try:
            config = yaml.safe_load((root / "notespress.yaml").read_text(encoding="utf-8"))
            lang = str((config or {}).get("lang") or "")
        except (OSError, yaml.YAMLError, AttributeError):
            lang = ""  # (the build says what is wrong with the file)
    texts = starter_dir() / "texts"
    path = texts / base_lang(lang or "en") / "new-article.md"
    if not path.is_file():
        path = texts / "en" / "new-article.md"
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return str(yaml.safe_load(front)["title"]), body.lstrip("\n")


def create_issue(root: Path, *, date: dt.date | None = None, title: str = "") -> NewIssue:
    """issues/issue-N with N one more than the highest issue number, an issue.yaml and a
    starter article."""
    import yaml

    title = title.strip()
    if "\n" in title or "\r" in title:
        raise NotespressError(Problem(None, "--title must be one line"))
    issues = find_issues(root)
    number = _next_number(root, issues)
    date = date or dt.date.today()
    folder = root / "issues" / f"issue-{number}"
    folder.mkdir(parents=True)
    (folder / "images").mkdir()
    meta: dict[str, object] = {"number": number, "date": date.isoformat()}
    if title:
        meta["title"] = title
    if issues and issues[-1].lang:  # a Persian publication's issues stay Persian
        meta["lang"] = issues[-1].lang
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    _write_whole(folder / "issue.yaml", text.replace(f"'{date.isoformat()}'", date.isoformat()))
    article = folder / "01-editorial.md"
    heading, text = starter(root, str(meta.get("lang") or ""))
    _write_whole(article, yaml_front_matter({"title": heading}) + "\n" + text)
    return NewIssue(folder=folder, number=number, date=date, article=article)


def _next_number(root: Path, issues: list[IssueInfo]) -> int:
    """One more than the highest issue number, or more while issues/issue-N is taken."""
    number = max([i.number for i in issues if i.number is not None] + [0]) + 1
    taken = {i.name for i in issues} | {p.name for p in (root / "issues").glob("*")}
    while f"issue-{number}" in taken:
        number += 1
    return number


def create_article(root: Path, title: str, issue_ref: str | None = None, *,
                   author: str = "", lang: str = "") -> NewArticle:
    """A new article with front matter and the next number prefix, in the issue named (the
    newest when None), added to the issue's `articles:` list when it has one."""
    from .config import LANG_RE

    title = title.strip()
    problems = []
    if not title:
        problems.append(Problem(None, 'the article needs a title: notespress new article '
                                      '"The title"'))
    if any(c in title + author for c in "\r\n"):
        problems.append(Problem(None, "the title and the author must be one line each"))
    if lang and not LANG_RE.match(lang):
        problems.append(Problem(None, f"--lang '{lang}' is not a language code such as "
                                      "en, fr or fa"))
    if problems:
        raise NotespressError(problems)
    folder = issue_folder(root, issue_ref)
    info = read_issue_info(folder)
    name = next_article_name(folder, ascii_slug(title))
    path = folder / name
    fields = {"title": title, "author": author.strip(), "lang": lang}
    _write_whole(path, yaml_front_matter(fields) + "\n" + starter(root, lang or info.lang)[1])
    try:
        listed = add_to_articles(folder, name)
    except NotespressError:
        path.unlink()
        raise
    return NewArticle(path=path, issue=info, listed=listed)
