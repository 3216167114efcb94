"""`notespress site`: the web edition of every issue, in build/site/.

Static files that work from any web server and opened from disk: an index of the issues
(newest first, with a cover thumbnail and the contents), a page per issue (contents, and the
PDF editions to download), a page per article, the platform in each of its languages, an Atom
feed and a sitemap; the stylesheet and the web fonts. No JavaScript, nothing from another
host, every link relative (but the feed's and the sitemap's, from `site_url`).

The stages, each from plain data to plain data:

1. the PDF editions of each issue, built when their inputs changed (adapters.make_pdfs);
2. what each issue is made from, and whether anything changed since the last site build
   (write.inputs_state; nothing at all: nothing is read, nothing written);
3. for each issue that changed: read it, its articles' HTML for the web, their pictures
   resized, its cover thumbnail, its PDFs; its pages (make_issue);
4. the pages of the whole site (index, platform, stylesheet and fonts, feed, sitemap);
5. the files written, only those whose bytes changed; those nobody makes any more removed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotespressError, Problem
from . import adapters, write
from .model import Cover, Files, IssueCard, PdfCard, SiteFile, SiteResult

if TYPE_CHECKING:
    from ..content import Issue
    from .pages import Site

__all__ = ["SiteResult", "build_site", "web_article_html"]

web_article_html = adapters.web_article_html
EDITION_ORDER = ("screen", "print", "booklet", "grayscale")


def build_site(root: Path, *, force: bool = False, pdfs: bool = True, jobs: int | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> SiteResult:
    """Make the web edition of the publication at `root` in build/site/.

    With `pdfs`, the PDF editions of the issues whose inputs changed are built first (in
    parallel processes, `jobs`; `progress` is told of each); without, the site takes the PDFs
    the last builds left (an issue never built has no cover and no downloads). Nothing is
    done when nothing changed since the last site build, unless `force`."""
    from .assets import Hashes

    root = root.resolve()
    names = adapters.issue_names(root)
    folder = root / "build" / "site"
    cache = root / "build" / ".cache" / "site"
    previous = write.read_manifest(cache)
    editions, pdfs_built = _editions(root, names, pdfs, jobs, progress)
    hashes = Hashes(previous.get("hashes"))
    state = write.inputs_state(root, names, editions, previous,
                               {"layouts": write.layouts_digest(root, hashes)})
    if (not force and previous.get("digest") == state.digest
            and write.intact(folder, previous["files"])):
        return SiteResult(folder=folder, up_to_date=True, issues=len(names),
                          unchanged=len(previous["files"]), pdfs_built=tuple(pdfs_built))

    from .pages import Site

    def unchanged(name: str) -> bool:
        known = previous.get("issues", {}).get(name)
        return bool(not force and known and known.get("digest") == state.issues[name].digest
                    and write.intact(folder, previous["files"], known["files"]))

    stale = [name for name in names if not unchanged(name)]
    problems: list[Problem] = []
    loaded = {}
    for name in stale:  # every problem of every issue is reported at once
        try:
            loaded[name] = adapters.load_issue(root, name)
        except NotespressError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise NotespressError(problems)
    pub = next(iter(loaded.values()))[0] if loaded else adapters.load_publication(root)
    url, warnings = adapters.site_url(pub)
    warnings = adapters.publication_warnings(pub) + warnings
    site = Site(root=root, pub=pub, url=url, cache=cache, hashes=hashes,
                platforms={lang: f"platform/{lang}.html" for lang in pub.platform})
    files: Files = {}
    kept: dict[str, list] = {}
    cards: dict[str, IssueCard] = {}
    issue_files: dict[str, list[str]] = {}
    for name in names:
        if name not in stale:
            known = previous["issues"][name]
            cards[name] = IssueCard.from_json(known["card"])
            issue_files[name] = list(known["files"])
            kept.update({path: previous["files"][path] for path in known["files"]})
            continue
        try:
            card, made, found = make_issue(site, loaded[name][1], editions.get(name, []))
        except NotespressError as exc:
            problems.extend(exc.problems)
            continue
        cards[name], issue_files[name] = card, sorted(made)
        files.update(made)
        warnings += [w for w in found if w not in warnings]
    if problems:
        raise NotespressError(problems)
    newest = sorted(cards.values(), key=lambda c: (c.date, c.number, c.name), reverse=True)
    files.update(site_pages(site, newest))
    done = write.write_files(folder, files, kept, previous.get("files", {}))
    write.write_manifest(cache, state, {n: c.as_json() for n, c in cards.items()},
                         issue_files, done.records, site.hashes.records())
    return SiteResult(folder=folder, written=tuple(done.written), removed=tuple(done.removed),
                      unchanged=done.unchanged + len(kept), rebuilt=tuple(stale),
                      issues=len(names), warnings=tuple(warnings),
                      pdfs_built=tuple(pdfs_built))


def _editions(root: Path, names: list[str], build: bool, jobs: int | None,
              progress: Callable[[str, int, int], None] | None
              ) -> tuple[dict[str, list[adapters.Pdf]], list[str]]:
    """Each issue's PDF editions (built first when `build`), and the issues built."""
    if not build:
        return {name: adapters.existing_pdfs(root, name) for name in names}, []
    found, built = adapters.make_pdfs(root, jobs=jobs, progress=progress)
    problems = [p for outcome in found.values() if isinstance(outcome, NotespressError)
                for p in outcome.problems]
    if problems:
        raise NotespressError(problems)
    return ({name: outcome for name, outcome in found.items() if isinstance(outcome, list)},
            built)


def make_issue(site: Site, issue: Issue, pdfs: list[adapters.Pdf]
               ) -> tuple[IssueCard, Files, list[Problem]]:
    """An issue's pages and files: its page, a page per article (with their pictures and the
    files they link to), its cover thumbnail and its PDF editions; and the warnings."""
    from . import assets, content, pages

    name = issue.name
    base = f"issues/{name}/"
    files: Files = {}
    warnings = [w for w in issue.warnings if w.key != "site_url"]
    ordered = sorted(pdfs, key=lambda p: (EDITION_ORDER.index(p.kind)
                                          if p.kind in EDITION_ORDER else 9, p.kind))
    pdf_cards = []
    for pdf in ordered:
        files[base + pdf.path.name] = SiteFile(source=pdf.path)
        pdf_cards.append(PdfCard(kind=pdf.kind, path=base + pdf.path.name, pages=pdf.pages,
                                 size=pdf.path.stat().st_size))
    cover = None
    first = next((p for p in ordered if p.kind != "booklet"), None)
    if first is not None:
        file, width, height = assets.thumbnail(first, site.cache, site.hashes)
        files[base + "cover.jpg"] = SiteFile(source=file)
        cover = Cover(path=base + "cover.jpg", width=width, height=height)
    paths = {a.path.resolve(): base + ("index-article" if a.slug == "index" else a.slug)
             + ".html" for a in issue.articles}
    bodies, cards = [], []
    for article in issue.articles:
        words = site.strings(article.lang)
        path = paths[article.path.resolve()]
        html = adapters.web_article_html(article, issue.folder, {
            **words, "notes": words["notes"], "back": words["site_back_to_text"],
            "table": words["site_table"]},
            link_base=article.link_base or issue.production.link_base)
        placed = content.place(html, page=path, base=base, source=article.path,
                               folder=issue.folder, pages=paths, cache=site.cache,
                               hashes=site.hashes)
        files.update(placed.files)
        warnings += placed.problems
        cards.append(pages.article_card(article, path, placed.html, placed.first_picture))
        bodies.append(placed.html)
    card = IssueCard(name=name, number=issue.number, date=issue.date.isoformat(),
                     title=issue.title, volume=issue.volume, lang=issue.lang,
                     dir=pages.direction(issue.lang), path=base + "index.html",
                     articles=tuple(cards), pdfs=tuple(pdf_cards), cover=cover)
    files[card.path] = SiteFile(data=pages.issue_page(site, card))
    for index, body in enumerate(bodies):
        files[card.articles[index].path] = SiteFile(
            data=pages.article_page(site, card, index, body))
    return card, files, warnings


def site_pages(site: Site, newest: list[IssueCard]) -> Files:
    """The pages of the whole site: the index, the platform in each language, the stylesheet
    (and the fonts it names), the feed and the sitemap."""
    from . import content, feeds, pages

    files: Files = {}
    for lang in site.platforms:
        words = site.strings(lang)
        found = adapters.web_platform_html(site.pub, lang, {
            "notes": words["notes"], "back": words["site_back_to_text"],
            "table": words["site_table"]})
        if found is None:
            continue
        path, html = found
        page = site.platforms[lang]
        # (its pictures and files where they are in the workspace: platform/images/...)
        placed = content.place(html, page=page, base="", source=path,
                               folder=site.root, pages={}, cache=site.cache,
                               hashes=site.hashes)
        files.update(placed.files)
        files[page] = SiteFile(data=pages.platform_page(site, lang, placed.html,
                                                        content.describe("", placed.html)))
    files[pages.STYLESHEET] = SiteFile(data=pages.stylesheet(site, files))
    files[pages.INDEX] = SiteFile(data=pages.index_page(site, newest))
    files[pages.FEED] = SiteFile(data=feeds.atom_feed(site, newest))
    sitemap = feeds.sitemap(site, newest)
    if sitemap is not None:
        files["sitemap.xml"] = SiteFile(data=sitemap)
    return files
