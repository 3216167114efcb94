"""The converted documents placed in an issue: each article NN-title.md (the next number)
with its front matter, its pictures in the issue's images/ folder, the article added to the
issue's `articles:` list, and what notespress says of it once the issue is read back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import NotespressError, Problem
from .convert import Converted, convert
from .lost import Lost
from .pictures import Picture
from .read import refusal


@dataclass(frozen=True)
class Imported:
    """One document imported: the article written, what it holds and what was lost."""

    source: Path
    article: Path
    title: str
    title_from: str  # "metadata", "front matter", "first heading", "bold first line", "file name"
    author: str
    lang: str
    pictures: tuple[Path, ...]
    footnotes: int
    tables: int
    lost: tuple[Lost, ...]
    problems: tuple[Problem, ...] = ()  # what notespress says of the article as written


@dataclass(frozen=True)
class ImportReport:
    issue: Path
    imported: tuple[Imported, ...]
    listed: bool  # the articles were added to issue.yaml's `articles:` list


def import_files(root: Path, files: list[Path], issue_ref: str | None = None
                 ) -> ImportReport:
    """Import each document as a new article of the issue (the newest when None): every
    file is checked before anything is written; each article is written whole or not at
    all; the issue is read back to report what notespress says of the new articles."""
    from ..listing import issue_folder, read_issue_info

    folder = issue_folder(root, issue_ref)
    problems = [Problem(path, why) for path in files if (why := refusal(path)) is not None]
    if problems:
        raise NotespressError(problems)
    issue_lang = read_issue_info(folder).lang or _publication_lang(root)
    converted: list[tuple[Path, Converted]] = []
    for path in files:
        try:
            converted.append((path, convert(path, issue_lang)))
        except NotespressError as exc:
            problems += [Problem(path, p.message, p.line) if p.path is None else p
                         for p in exc.problems]
    if problems:
        raise NotespressError(problems)
    results: list[Imported] = []
    listed = False
    for path, doc in converted:
        imported, added = place(folder, path, doc, issue_lang)
        results.append(imported)
        listed = added or listed
    checked = _check(root, folder, [r.article for r in results])
    results = [replace(r, problems=tuple(checked.get(r.article, ()))) for r in results]
    return ImportReport(issue=folder, imported=tuple(results), listed=listed)


def place(folder: Path, source: Path, doc: Converted, issue_lang: str) -> tuple[Imported, bool]:
    """Write one converted document as the next article of the issue in `folder`, and its
    pictures; whether it was added to the issue's `articles:` list."""
    from ..files import atomic_write
    from ..newissue import add_to_articles, ascii_slug, next_article_name, yaml_front_matter
    from ..typography import base_lang

    name = next_article_name(folder, ascii_slug(doc.front.title,
                                                fallback=ascii_slug(source.stem)))
    stem = name.removesuffix(".md")
    images = folder / "images"
    written: list[Path] = []
    markdown = doc.markdown
    for number, (placeholder, picture) in enumerate(doc.pictures.items(), start=1):
        images.mkdir(exist_ok=True)
        target = _free_name(images, f"{stem}-{number}", picture)
        if not target.exists():
            target.write_bytes(picture.data)
        written.append(target)
        markdown = markdown.replace(placeholder, f"images/{target.name}")
    lang = doc.front.lang
    fields = {"title": doc.front.title, "subtitle": doc.front.subtitle,
              "author": doc.front.author,
              "lang": lang if lang and lang != base_lang(issue_lang) else "",
              "summary": doc.front.summary}
    article = folder / name
    atomic_write(article, yaml_front_matter(fields) + "\n" + markdown)
    listed = add_to_articles(folder, name)
    return Imported(source=source, article=article, title=doc.front.title,
                    title_from=doc.front.title_from, author=doc.front.author,
                    lang=lang or issue_lang, pictures=tuple(written),
                    footnotes=doc.footnotes, tables=doc.tables, lost=tuple(doc.lost)), listed


def _free_name(folder: Path, stem: str, picture: Picture) -> Path:
    """images/<stem>.<ext>, or the same with -2, -3... when a different file has the name."""
    candidate = folder / f"{stem}.{picture.ext}"
    number = 1
    while candidate.exists() and candidate.read_bytes() != picture.data:
        number += 1
        candidate = folder / f"{stem}-{number}.{picture.ext}"
    return candidate


def _publication_lang(root: Path) -> str:
    from ..sources import parse_yaml, read_text

    try:
        path = root / "notespress.yaml"
        return str(parse_yaml(read_text(path), path).data.get("lang") or "en")
    except NotespressError:
        return "en"


def _check(root: Path, folder: Path, articles: list[Path]) -> dict[Path, list[Problem]]:
    """What notespress says of the new articles when it reads the issue."""
    from ..adapter import load

    try:
        _, issue = load(root, str(folder))
        problems = list(issue.warnings)
    except NotespressError as exc:
        problems = exc.problems
    by_real_path = {article.resolve(): article for article in articles}
    found: dict[Path, list[Problem]] = {}
    for problem in problems:
        article = by_real_path.get(problem.path.resolve()) if problem.path is not None else None
        if article is not None:
            found.setdefault(article, []).append(problem)
    return found
