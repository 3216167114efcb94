"""The web edition in a real browser: Debian's Chromium, driven by Playwright, reading the
site from a plain static file server on 127.0.0.1 (and from disk). On the demo publication,
the publication in several languages (French, Persian) and a generated one of a dozen
issues: every page loads with no console error and no failed request, nothing is asked of
another host, every internal link and anchor resolves, every picture has its text (or is
marked decorative), every page has its language and direction, no page scrolls sideways on
a phone, and the feed is Atom."""

from __future__ import annotations

import posixpath
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from notespress.site import build_site

from .browser import CHROMIUM, chromium, serve
from .conftest import FIXTURES, REPO, copy_workspace
from .sitegen import make_publication, seed_font_cache

pytestmark = pytest.mark.slow
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/setup does)",
                allow_module_level=True)
pytest.importorskip("playwright", reason="pip install playwright (the test extra)")

ATOM = "{http://www.w3.org/2005/Atom}"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
URLS = {"demo": "https://example.org/notes/", "dozen": "https://dozen.example.org/archive/",
        "langs": "", "corpus": ""}  # (those two have no address)

PAGE_FACTS = """() => {
  const html = document.documentElement;
  const meta = (key, name) => {
    const found = document.querySelector(`meta[${key}="${name}"]`);
    return found ? found.content : "";
  };
  const absolute = text => new URL(text, document.baseURI).href;
  return {
    lang: html.getAttribute("lang"), dir: html.getAttribute("dir"), title: document.title,
    description: meta("name", "description"), ogTitle: meta("property", "og:title"),
    ids: [...document.querySelectorAll("[id]")].map(e => e.id),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    pictures: [...document.querySelectorAll("img")].map(i => ({
      html: i.outerHTML.slice(0, 120), alt: i.getAttribute("alt"), role: i.getAttribute("role"),
      hidden: i.closest("[aria-hidden='true']") !== null,
      sized: i.hasAttribute("width") && i.hasAttribute("height"),
      files: [i.src, ...(i.srcset ? i.srcset.split(",").map(
        s => absolute(s.trim().split(/\\s+/)[0])) : [])]})),
    rtlLeftToRight: [...document.querySelectorAll("[lang]")].filter(
      e => /^(fa|ar|ur|ps|ckb)(-|$)/.test(e.lang) && getComputedStyle(e).direction !== "rtl"
    ).map(e => e.outerHTML.slice(0, 100)),
    stylesheets: document.styleSheets.length,
    width: [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth],
  };
}"""
FONT_FACTS = """async () => {
  await document.fonts.ready;
  return [...document.fonts].map(f => [f.family, f.weight, f.style, f.status]);
}"""


@pytest.fixture(scope="module", params=["demo", "langs", "dozen", "corpus"])
def site(request, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A publication's site, its PDFs built: (its name, its build/site folder)."""
    name = request.param
    where = tmp_path_factory.mktemp(f"site-{name}") / "ws"
    if name == "demo":
        root = copy_workspace(REPO, where)
    elif name == "langs":
        root = copy_workspace(FIXTURES / "langs", where)
    elif name == "corpus":  # every construct of CommonMark and of notespress, as pasted
        root = copy_workspace(FIXTURES / "corpus-en", where)
    else:
        root = make_publication(where)
    if URLS[name]:
        with (root / "notespress.yaml").open("a", encoding="utf-8") as config:
            config.write(f"site_url: {URLS[name]}\n")
    seed_font_cache(root, tmp_path_factory.getbasetemp())
    result = build_site(root)
    assert not result.up_to_date and result.written
    return name, result.folder


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


class Watch:
    """Everything a page does that it should not: console errors and warnings, uncaught
    errors, failed requests, answers other than 200, requests to another host."""

    def __init__(self, page, base: str) -> None:
        self.problems: list[str] = []
        self.page = page
        page.on("console", lambda m: m.type in ("error", "warning") and self.problems.append(
            f"{page.url}: console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"{page.url}: error: {e}"))
        # (a request cut short by leaving the page, a picture still loading, is no failure:
        # every file a page names is fetched apart, and a refused host is noted by route)
        page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
                and self.problems.append(f"{page.url}: request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"{page.url}: {r.status} for {r.url}"))

        def route(route) -> None:
            url = route.request.url
            if url.startswith((base, "data:")):
                route.continue_()
            else:
                self.problems.append(f"{page.url}: asked another host: {url}")
                route.abort()

        page.route("**/*", route)


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def crawl(browser, base: str, viewport: dict[str, int]) -> tuple[dict[str, dict], list[str]]:
    """Every page reachable from the index, loaded in the browser: the facts of each page, and
    the problems found on the way (besides those the caller checks in the facts)."""
    page = browser.new_page(viewport=viewport)
    watch = Watch(page, base)
    facts: dict[str, dict] = {}
    queue, files, anchors = [base + "index.html"], set(), set()
    while queue:
        url = queue.pop(0)
        if url in facts:
            continue
        page.goto(url, wait_until="load")
        found = facts[url] = page.evaluate(PAGE_FACTS)
        found["fonts"] = page.evaluate(FONT_FACTS)
        for link in found["links"]:
            target, fragment = urldefrag(link)
            if not target.startswith(base):
                assert urlsplit(target).scheme in ("https", "http", "mailto"), (url, link)
                continue  # another site, or an address to write to: not followed
            if fragment:
                anchors.add((target, unquote(fragment), url))
            if urlsplit(target).path.endswith(".html"):
                queue.append(target)
            else:
                files.add(target)
        for picture in found["pictures"]:
            files.update(picture["files"])
    page.close()
    problems = list(watch.problems)
    problems += [f"{file}: {status}" for file in sorted(files)
                 if (status := fetch(file)) != 200]
    problems += [f"{source}: no #{fragment} in {target}" for target, fragment, source
                 in sorted(anchors) if target in facts and fragment not in facts[target]["ids"]
                 and fragment != "top"]  # (#top is the top of any page)
    problems += [f"{source}: link to a page that is not there: {target}"
                 for target, _, source in sorted(anchors) if target not in facts]
    return facts, problems


def test_every_page_and_link_in_the_browser(site, browser) -> None:
    name, folder = site
    with serve(folder) as base:
        facts, problems = crawl(browser, base, PHONE)
    assert not problems, "\n".join(problems)
    pages = {url[len(base):]: found for url, found in facts.items()}
    html_files = {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}
    assert set(pages) == html_files  # every page is reached from the index
    for path, found in pages.items():
        assert found["lang"] and found["dir"] in ("ltr", "rtl"), path
        if found["lang"].split("-")[0] in ("fa", "ar"):
            assert found["dir"] == "rtl", path
        assert not found["rtlLeftToRight"], (path, found["rtlLeftToRight"])
        assert found["title"] and found["ogTitle"] and found["stylesheets"] == 1, path
        if path != "index.html":
            assert found["description"], path
        width, visible = found["width"]
        assert width <= visible, f"{path} scrolls sideways on a phone ({width} > {visible})"
        for picture in found["pictures"]:
            assert picture["alt"] is not None, (path, picture["html"])
            if picture["alt"] == "":  # decorative: said so
                assert picture["role"] == "presentation" or picture["hidden"], picture["html"]
            assert picture["sized"], (path, picture["html"])
        statuses = {status for _, _, _, status in found["fonts"]}
        assert "error" not in statuses and "loaded" in statuses, (path, found["fonts"])
    if name in ("langs", "dozen"):
        persian = [p for p, f in pages.items() if f["lang"] == "fa"]
        assert persian and all(pages[p]["dir"] == "rtl" for p in persian)


def test_pages_on_a_wide_screen(site, browser) -> None:
    """Every page at a desktop width, every picture loaded (others from the srcset): no
    error, nothing wider than the window."""
    _, folder = site
    paths = ["index.html", *sorted(p.relative_to(folder).as_posix()
                                   for p in folder.glob("issues/*/*.html"))]
    with serve(folder) as base:
        page = browser.new_page(viewport=DESKTOP)
        watch = Watch(page, base)
        for path in paths:
            page.goto(base + path, wait_until="load")
            page.evaluate("document.querySelectorAll('img[loading]')"
                          ".forEach(i => i.loading = 'eager')")  # every picture, now
            page.wait_for_function("[...document.images].every(i => i.complete)")
            width, visible = page.evaluate(
                "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
            assert width <= visible, path
            broken = page.evaluate("[...document.images].filter(i => i.complete && "
                                   "!i.naturalWidth).map(i => i.src)")
            assert not broken, (path, broken)
        page.close()
    assert not watch.problems, "\n".join(watch.problems)


def test_the_feed_is_atom(site) -> None:
    name, folder = site
    with serve(folder) as base:
        feed = ET.fromstring(urllib.request.urlopen(base + "feed.xml", timeout=10).read())

        def local(href: str) -> str:  # a link of the feed, on this server
            if URLS[name]:
                assert href.startswith(URLS[name]), href
                return base + href[len(URLS[name]):]
            assert not urlsplit(href).scheme, href
            return base + posixpath.normpath(href)

        assert feed.tag == f"{ATOM}feed"
        for tag in ("id", "title", "updated"):
            assert (feed.findtext(f"{ATOM}{tag}") or "").strip(), tag
        assert feed.findtext(f"{ATOM}author/{ATOM}name")  # (so no entry needs one)
        assert fetch(local(feed.find(f"{ATOM}link[@rel='self']").get("href"))) == 200
        entries = feed.findall(f"{ATOM}entry")
        assert entries
        ids = [entry.findtext(f"{ATOM}id") for entry in entries]
        assert len(set(ids)) == len(ids)
        for entry in entries:
            for tag in ("id", "title", "updated"):
                assert (entry.findtext(f"{ATOM}{tag}") or "").strip(), (tag, ids)
            updated = entry.findtext(f"{ATOM}updated")
            assert len(updated) == 20 and updated.endswith("Z"), updated  # RFC 3339
            alternate = entry.find(f"{ATOM}link[@rel='alternate']")
            assert fetch(local(alternate.get("href"))) == 200
            for enclosure in entry.findall(f"{ATOM}link[@rel='enclosure']"):
                assert fetch(local(enclosure.get("href"))) == 200
                assert int(enclosure.get("length")) > 1000
        sitemap = folder / "sitemap.xml"
        assert sitemap.is_file() == bool(URLS[name])
        if URLS[name]:
            for loc in ET.parse(sitemap).getroot().iter(
                    "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
                assert fetch(local(loc.text)) == 200, loc.text


def test_the_site_opened_from_disk(site, browser) -> None:
    """No server: the folder opened as files, following links from the index to an issue and
    to an article; pictures and fonts load."""
    _, folder = site
    page = browser.new_page(viewport=PHONE)
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto((folder / "index.html").as_uri(), wait_until="load")
    page.locator(".issue-title a").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/index.html") and "/issues/" in page.url
    page.locator(".toc-title").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(".html") and page.locator("h1.article-title").count() == 1
    page.evaluate("document.querySelectorAll('img[loading]').forEach(i => i.loading = 'eager')")
    page.wait_for_function("[...document.images].every(i => i.complete)")
    fonts = page.evaluate(FONT_FACTS)
    assert any(status == "loaded" for *_, status in fonts), fonts
    assert page.evaluate("[...document.images].every(i => !i.complete || i.naturalWidth > 0)")
    page.close()
    assert not problems, problems
