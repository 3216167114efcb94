"""An issue of the newsletter: `issue.yaml` and its articles, read and validated."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema as s
from .config import Publication, slugify
from .errors import NotespressError, Problem, Problems
from .files import refusal
from .limits import MAX_CONFIG_BYTES
from .production import FIELDS as PRODUCTION_FIELDS
from .production import TRIMS, Production, read_production
from .sources import YamlDoc, list_item_lines, parse_yaml, read_text, split_front_matter

if TYPE_CHECKING:
    from .markup import ImageRef

ISSUE_FILE = "issue.yaml"
MAX_ISSUE_NUMBER = 999_999


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
    hyphen_ladder: int = 2  # the issue's production.hyphen_ladder, for the layout


@dataclass(frozen=True)
class Article:
    """One article: its front matter, and its body rendered to HTML (with its pictures and block
    ends)."""

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
    words: int = 0
    anchors: frozenset[str] = frozenset()  # the ids of its headings
    link_base: str = ""  # its own link_base (front matter), else ""
    references: tuple[tuple[str, int, str], ...] = ()  # links to other articles (markup.py)


@dataclass(frozen=True)
class Cover:
    """The cover picture of an issue (`cover:` in issue.yaml): a picture of the issue folder
    that bleeds off the cover, with its description and credit."""

    picture: ImageRef
    alt: str = ""
    credit: str = ""


@dataclass(frozen=True)
class Issue:
    """One issue: `issue.yaml` validated, and its articles in order."""

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
    cover: Cover | None = None


# ------------------------------------------------------------------ finding an issue

_NUMBER_LINE = re.compile(r"^number:\s*['\"]?(\d+)['\"]?\s*(?:#.*)?$", re.MULTILINE)


def issue_folders(root: Path) -> list[Path]:
    """Every folder under issues/ that holds an issue.yaml, in name order."""
    return sorted(p.parent for p in (root / "issues").glob(f"*/{ISSUE_FILE}"))


def _declared_number(folder: Path) -> int | None:
    """The `number:` of an issue.yaml, read without a YAML parser (finding an issue by its
    number must stay cheap: a build with nothing changed parses no YAML)."""
    try:
        head = (folder / ISSUE_FILE).read_bytes()[:MAX_CONFIG_BYTES].decode("utf-8", "replace")
    except OSError:
        return None
    match = _NUMBER_LINE.search(head)
    return int(match.group(1)) if match else None


def resolve_issue(root: Path, ref: str) -> Path:
    """An issue folder from a folder name under issues/, a path inside the workspace, or a
    number (the folder issue-N, or the one issue whose issue.yaml has that number)."""
    root = root.resolve()
    issues_dir = root / "issues"
    ref = ref.strip()
    if ref.isascii() and ref.isdigit():
        number = int(ref)
        named = [f for f in (issues_dir / f"issue-{number}", issues_dir / ref)
                 if (f / ISSUE_FILE).is_file()]
        numbered = [f for f in issue_folders(root) if _declared_number(f) == number]
        found = list(dict.fromkeys(p.resolve() for p in [*named, *numbered]))
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise NotespressError(Problem(None, f"issue number {number} is ambiguous: {names} "
                                                "all match; name the folder instead"))
        if found:
            return found[0]
    for candidate in (issues_dir / ref, Path(ref)):
        if (candidate / ISSUE_FILE).is_file():
            folder = candidate.resolve()
            if not folder.is_relative_to(root):
                raise NotespressError(Problem(
                    folder, "is outside this publication; build it from its own publication "
                            "(cd into it, or --workspace DIR)"))
            if refusal(folder / ISSUE_FILE, root) is not None:
                raise NotespressError(Problem(folder / ISSUE_FILE, "leads out of the workspace"))
            return folder
        if candidate.is_dir() and candidate.resolve().is_relative_to(root):
            raise NotespressError(Problem(candidate / ISSUE_FILE, "file not found: an issue "
                                          "folder needs an issue.yaml"))
    known = [f.name for f in issue_folders(root)]
    near = suggest(ref, known)
    if near:
        hint = "did you mean " + " or ".join(f"'{n}'" for n in near) + "?"
    elif known:
        hint = f"issues here: {', '.join(known[:12])}{', …' if len(known) > 12 else ''}"
    else:
        hint = "there is no issue yet: create one with 'notespress new'"
    raise NotespressError(Problem(None, f"no issue '{ref}' under {issues_dir}; {hint} "
                                        "('notespress list' shows them all)"))


def suggest(name: str, known: list[str]) -> list[str]:
    """The known names nearest to `name` (a typo, a number, a folder written another way)."""
    key = name.strip().strip("/").lower()
    digits = re.sub(r"\D", "", key)
    exact = [k for k in known if digits and re.sub(r"\D", "", k) == digits]
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    return list(dict.fromkeys(exact + close))[:3]


# ------------------------------------------------------------------ reading an issue


@s.described("list of file names", "the .md files of the issue's folder")
def _articles_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise s.Invalid("must be a list of file names")
    return value


COVER = s.Schema((
    s.Field("picture", s.text(max_length=500), required=True,
            help="the picture's path in the issue folder, e.g. images/cover.jpg"),
    s.Field("alt", s.text(max_length=500), help="what the picture shows, for readers who "
                                                "cannot see it"),
    s.Field("credit", s.text(max_length=200), help="who made the picture"),
), what="cover key")


@s.described("a picture's path, or a mapping", "picture, alt, credit")
def _cover_value(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"picture": value}
    if not isinstance(value, dict):
        raise s.Invalid("must be a picture's path, or a mapping with picture, alt and credit")
    return value  # its keys are validated against COVER in load_issue


ISSUE_FIELDS = (
    s.Field("number", s.integer(0, MAX_ISSUE_NUMBER), required=True,
            help="the issue number, e.g. 12"),
    s.Field("date", s.date(), required=True, help="the date of the issue, YYYY-MM-DD"),
    s.Field("title", s.text(max_length=300),
            help="the theme of the issue, on the cover and in the PDF's title"),
    s.Field("volume", s.text(max_length=40), help="the volume, printed before the number"),
    s.Field("lang", s.language(),
            help="the language of the issue (default: the publication's); fa or ar mirror "
            "the whole issue"),
    s.Field("page_size", s.choice(*TRIMS), help="the page size of this issue (default: the "
            "publication's)"),
    s.Field("articles", _articles_list, help="the articles in order (default: every .md "
            "file of the folder, in name order)"),
    s.Field("cover", _cover_value, help="a picture for the cover: picture (a file of the "
            "issue folder), alt (what it shows), credit"),
    *PRODUCTION_FIELDS,
)
ISSUE_SCHEMA = s.Schema(ISSUE_FIELDS)

ARTICLE_FIELDS = (
    s.Field("title", s.text(max_length=500), required=True, help="the article's title"),
    s.Field("subtitle", s.text(max_length=1000), help="a line under the title (the deck)"),
    s.Field("author", s.text(max_length=300), help="printed under the title: By ..."),
    s.Field("translator", s.text(max_length=300), help="printed beside the author: "
            "Translated by ..."),
    s.Field("lang", s.language(), help="the article's language (default: the issue's)"),
    s.Field("link_base", s.url(), help="the website this article's relative and "
            "root-relative links belong to (default: the issue's link_base), e.g. "
            "https://example.org/docs/"),
    s.Field("summary", s.text(max_length=2000, one_line=False),
            help="one or two sentences: a teaser on the cover (for the articles after the "
                 "first), and the article's description in the email and the web edition"),
)
ARTICLE_SCHEMA = s.Schema(ARTICLE_FIELDS, what="front matter key")
# Keys that Markdown from elsewhere (Hugo, Jekyll, Pelican, documentation sites) carries and
# that mean nothing on paper: accepted without a word. `description` stands for a summary.
FOREIGN_KEYS = frozenset({"date", "tags", "categories", "draft", "layout", "weight", "aliases",
                          "permalink", "slug", "toc", "image", "keywords", "sidebar",
                          "sidebar_position", "id", "nav_order", "parent", "comments", "type",
                          "lastmod", "updated", "description", "authors"})


def load_issue(pub: Publication, folder: Path) -> Issue:
    """Read issue.yaml and every article, collecting all problems before raising."""
    problems = Problems()
    yaml_path = folder / ISSUE_FILE
    text = read_text(yaml_path, pub.root, limit=MAX_CONFIG_BYTES)
    meta = parse_yaml(text, yaml_path, what=ISSUE_FILE)
    values = ISSUE_SCHEMA.validate(meta, problems, defaults=False)
    lang = values.get("lang", pub.lang)
    production = read_production(meta, problems, pub.production)

    files = _article_files(pub.root, folder, meta, text, problems)
    articles: list[Article] = []
    slugs: set[str] = set()
    for path in files:
        try:
            article, found = _load_article(pub.root, path, folder, lang, slugs, production)
        except NotespressError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(found)
        if article is not None:
            articles.append(article)
    if not files and not problems.errors:
        problems.add(folder, "the issue has no articles (*.md files); add one with "
                             "'notespress new article \"Title\"'")
    problems.extend(_check_references(articles))
    cover = _cover(pub.root, folder, meta, values.get("cover"), problems)
    problems.raise_if_any()
    return Issue(folder=folder, name=folder.name, number=values.get("number", 0),
                 date=values.get("date", dt.date(1970, 1, 1)), title=values.get("title", ""),
                 lang=lang, volume=values.get("volume", ""), articles=tuple(articles),
                 page_size=values.get("page_size", pub.page_size), production=production,
                 warnings=(*pub.warnings, *problems.warnings), cover=cover)


def _cover(root: Path, folder: Path, meta: YamlDoc, value: dict[str, Any] | None,
           problems: Problems) -> Cover | None:
    """The cover picture, checked as an article's pictures are (a file of the issue folder
    that decodes whole)."""
    if value is None:
        return None
    from .markup_images import check

    data = dict(value)
    values = COVER.validate(meta, problems, data=data, prefix="cover.", unknown="error")
    if "picture" not in values:
        return None
    line = meta.line("cover.picture") or meta.line("cover")
    checked = check(values["picture"], folder, folder, line or 0,
                    root / "build" / ".cache" / "pictures")
    if checked.ref is None:
        problems.add(meta.path, checked.error.replace("image ", "cover picture ", 1), line,
                     "cover.picture")
        return None
    return Cover(picture=checked.ref, alt=values.get("alt", ""),
                 credit=values.get("credit", ""))


def _article_files(root: Path, folder: Path, meta: YamlDoc, text: str,
                   problems: Problems) -> list[Path]:
    listed = meta.data.get("articles")
    files: list[Path] = []
    if listed is None:
        for path in sorted(folder.glob("*.md")):
            why = refusal(path, folder)
            if why is not None:
                problems.add(path, f"article {why}")
            else:
                files.append(path)
        return files
    if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
        return []  # reported by the schema
    lines = list_item_lines(text, "articles")
    seen: set[str] = set()
    for index, name in enumerate(listed):
        line = lines[index] if index < len(lines) else meta.line("articles")
        path = folder / name
        why = refusal(path, folder)
        if name in seen:
            problems.add(meta.path, f"article '{name}' is listed twice", line, "articles")
        elif why == "not found":
            problems.add(meta.path, f"article '{name}' not found in {folder.name}/", line,
                         "articles")
        elif why is not None:
            problems.add(meta.path, f"article '{name}' {why.replace('workspace', 'issue folder')}",
                         line, "articles")
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


def _load_article(root: Path, path: Path, folder: Path, issue_lang: str,
                  slugs: set[str], production: Production
                  ) -> tuple[Article | None, list[Problem]]:
    from .assemble import load_strings
    from .markup import Source, render_markdown, typeset_plain

    doc = split_front_matter(read_text(path, folder, what="article"), path)
    problems = Problems()
    meta = doc.meta
    known = {k: v for k, v in meta.data.items() if k not in FOREIGN_KEYS}
    values = ARTICLE_SCHEMA.validate(meta, problems, data=known)
    if "summary" not in values and isinstance(meta.data.get("description"), str):
        values["summary"] = meta.data["description"].strip()
    if "author" not in values and isinstance(meta.data.get("authors"), list):
        values["author"] = ", ".join(str(a) for a in meta.data["authors"] if a)
    lang = values.get("lang", issue_lang)
    title = typeset_plain(values.get("title", ""), lang)
    fields = {key: values.get(key, "") for key in ("subtitle", "author", "translator", "summary")}
    for key in ("subtitle", "summary"):
        fields[key] = typeset_plain(fields[key], lang)
    slug = slugify(path.stem, fallback="article")
    while slug in slugs:
        slug += "-x"
    slugs.add(slug)
    rendered = render_markdown(doc.body, Source(
        path=path, first_line=doc.body_line, folder=folder, lang=lang, id_prefix=f"{slug}-",
        links=production.links, link_base=values.get("link_base") or production.link_base,
        words=load_strings(root, lang), cache=root / "build" / ".cache" / "pictures"))
    found = problems.items + rendered.problems
    if problems.errors:
        return None, found
    article = Article(path=path, slug=slug, title=title, lang=lang, html=rendered.html,
                      images=tuple(rendered.images), block_ends=rendered.block_ends,
                      words=len(doc.body.split()), anchors=frozenset(rendered.anchors),
                      references=tuple(rendered.references),
                      link_base=values.get("link_base", ""), **fields)
    return article, found

