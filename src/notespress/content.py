"""An issue of the newsletter: `issue.yaml` and its articles, read and validated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import PAGE_SIZES, Publication, check_lang, slugify, text_value
from .errors import NotespressError, Problem, Problems
from .production import KEYS as PRODUCTION_KEYS
from .production import Production, read_production

if TYPE_CHECKING:
    from .markup import ImageRef
from .sources import list_item_lines, parse_yaml, read_text, split_front_matter

ISSUE_FILE = "issue.yaml"


@dataclass(frozen=True)
class Platform:
    """The publication's platform, in the issue's language when there is one."""

    path: Path
    lang: str
    html: str


@dataclass(frozen=True)
class Assembled:
    """The issue as one HTML document (made by assemble.py)."""

    html: str
    base_url: str
    lang: str
    title: str
    platform: Platform | None = None


@dataclass(frozen=True)
class Article:
    path: Path
    slug: str
    title: str
    subtitle: str
    author: str
    translator: str
    lang: str
    summary: str
    html: str
    images: tuple[ImageRef, ...] = ()
    block_ends: tuple[int, ...] = ()  # where each top-level block ends in `html`
    anchors: frozenset[str] = frozenset()  # the ids of its headings
    references: tuple[tuple[str, int, str], ...] = ()  # links to other articles (markup.py)


@dataclass(frozen=True)
class Issue:
    folder: Path
    name: str  # the folder name, e.g. issue-12
    number: int
    date: dt.date
    title: str
    lang: str
    volume: str
    articles: tuple[Article, ...]
    page_size: str = "letter"
    production: Production = field(default_factory=Production)
    warnings: tuple[Problem, ...] = ()


def resolve_issue(root: Path, ref: str) -> Path:
    """An issue folder from a folder name under issues/, a path, or a number."""
    issues_dir = root / "issues"
    candidates = [issues_dir / ref, Path(ref)]
    if ref.isdigit():
        candidates.insert(0, issues_dir / f"issue-{int(ref)}")
    for candidate in candidates:
        if (candidate / ISSUE_FILE).is_file():
            return candidate.resolve()
    if ref.isdigit() and issues_dir.is_dir():
        for folder in sorted(issues_dir.iterdir()):
            yaml_path = folder / ISSUE_FILE
            if yaml_path.is_file():
                try:
                    number = parse_yaml(read_text(yaml_path), yaml_path).data.get("number")
                except NotespressError:
                    continue
                if number == int(ref):
                    return folder.resolve()
    known = sorted(p.parent.name for p in issues_dir.glob(f"*/{ISSUE_FILE}"))
    hint = f" (issues here: {', '.join(known)})" if known else ""
    for candidate in candidates:
        if candidate.is_dir():
            raise NotespressError(Problem(candidate / ISSUE_FILE, "file not found: an issue "
                                          "folder needs an issue.yaml"))
    raise NotespressError(Problem(None, f"no issue '{ref}' in {issues_dir}{hint}"))


def load_issue(pub: Publication, folder: Path) -> Issue:
    """Read issue.yaml and every article, collecting all problems before raising."""
    problems = Problems()
    yaml_path = folder / ISSUE_FILE
    text = read_text(yaml_path)
    meta = parse_yaml(text, yaml_path, what=ISSUE_FILE)

    number = meta.data.get("number")
    if number is None:
        problems.add(yaml_path, "required key is missing (the issue number, e.g. 12)",
                     meta.first_line, "number")
        number = 0
    elif isinstance(number, bool) or not isinstance(number, int) or number < 0:
        problems.add(yaml_path, f"'{number}' is not a whole number", meta.line("number"),
                     "number")
        number = 0

    date = dt.date(1970, 1, 1)
    raw_date = meta.data.get("date")
    if raw_date is None:
        problems.add(yaml_path, "required key is missing (the date of the issue, YYYY-MM-DD)",
                     meta.first_line, "date")
    else:
        try:
            date = dt.date.fromisoformat(str(raw_date).strip())
        except ValueError:
            problems.add(yaml_path, f"'{raw_date}' is not a date; write it as YYYY-MM-DD",
                         meta.line("date"), "date")

    title = text_value(meta, "title", problems)
    volume = text_value(meta, "volume", problems)
    lang = text_value(meta, "lang", problems) or pub.lang
    check_lang(lang, meta, "lang", problems)
    page_size = (text_value(meta, "page_size", problems) or pub.page_size).lower()
    if page_size not in PAGE_SIZES:
        problems.add(yaml_path, f"'{page_size}' is not a page size; use one of "
                                f"{', '.join(PAGE_SIZES)}", meta.line("page_size"), "page_size")
    production = read_production(meta, problems, pub.production)
    known = {"number", "date", "title", "volume", "lang", "page_size", "articles",
             *PRODUCTION_KEYS}
    unknown = [Problem(yaml_path, "unknown key (a typo?); it is ignored", meta.line(key), key,
                       severity="warning") for key in meta.data if key not in known]

    files = _article_files(folder, meta, text, problems)
    articles: list[Article] = []
    warnings: list[Problem] = list(pub.warnings) + unknown
    slugs: set[str] = set()
    for path in files:
        try:
            article, found = _load_article(path, folder, lang, slugs, production, pub.root)
        except NotespressError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(p for p in found if p.severity == "error")
        warnings.extend(p for p in found if p.severity != "error")
        if article is not None:
            articles.append(article)
    if not files and not problems:
        problems.add(folder, "the issue has no articles (*.md files)")
    problems.extend(_check_references(articles))
    problems.raise_if_any()
    return Issue(folder=folder, name=folder.name, number=number, date=date, title=title,
                 lang=lang, volume=volume, articles=tuple(articles), page_size=page_size,
                 production=production, warnings=tuple(warnings))


def _article_files(folder: Path, meta, text: str, problems: Problems) -> list[Path]:
    listed = meta.data.get("articles")
    if listed is None:
        return sorted(folder.glob("*.md"))
    if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
        problems.add(meta.path, "must be a list of file names", meta.line("articles"),
                     "articles")
        return []
    lines = list_item_lines(text, "articles")
    seen: set[str] = set()
    files: list[Path] = []
    for index, name in enumerate(listed):
        line = lines[index] if index < len(lines) else meta.line("articles")
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()):
            problems.add(meta.path, f"article '{name}' is outside the issue folder", line,
                         "articles")
        elif name in seen:
            problems.add(meta.path, f"article '{name}' is listed twice", line, "articles")
        elif not path.is_file():
            problems.add(meta.path, f"article '{name}' not found in {folder.name}/", line,
                         "articles")
        else:
            files.append(path)
        seen.add(name)
    return files


def _check_references(articles: list[Article]) -> list[Problem]:
    """Links from one article to another must find their article and heading."""
    from .markup import Rendered, check_references

    documents = [(a.path, Rendered(html="", anchors=set(a.anchors),
                                   references=list(a.references))) for a in articles]
    return check_references(documents, {a.slug for a in articles})


def _load_article(path: Path, folder: Path, issue_lang: str, slugs: set[str],
                  production: Production, root: Path) -> tuple[Article | None, list[Problem]]:
    from .assemble import load_strings
    from .markup import Source, render_markdown, typeset_plain

    doc = split_front_matter(read_text(path), path)
    problems = Problems()
    meta = doc.meta
    title = text_value(meta, "title", problems, required=True)
    lang = text_value(meta, "lang", problems) or issue_lang
    check_lang(lang, meta, "lang", problems)
    fields = {key: text_value(meta, key, problems)
              for key in ("subtitle", "author", "translator", "summary")}
    title = typeset_plain(title, lang)
    for key in ("subtitle", "summary"):
        fields[key] = typeset_plain(fields[key], lang)
    for key in meta.data:
        if key not in ("title", "lang", "subtitle", "author", "translator", "summary"):
            problems.items.append(Problem(path, "unknown front matter key (title, subtitle, "
                                          "author, translator, lang, summary)",
                                          meta.line(key), key, severity="warning"))
    slug = slugify(path.stem)
    while slug in slugs:
        slug += "-x"
    slugs.add(slug)
    rendered = render_markdown(doc.body, Source(
        path=path, first_line=doc.body_line, folder=folder, lang=lang, id_prefix=f"{slug}-",
        links=production.links, link_base=production.link_base,
        words=load_strings(root, lang), cache=root / "build" / ".cache" / "pictures"))
    found = problems.items + rendered.problems
    if any(p.severity == "error" for p in problems.items):
        return None, found
    article = Article(path=path, slug=slug, title=title, lang=lang, html=rendered.html,
                      images=tuple(rendered.images), block_ends=rendered.block_ends,
                      anchors=frozenset(rendered.anchors),
                      references=tuple(rendered.references), **fields)
    return article, found
