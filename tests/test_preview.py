"""preview: driven over HTTP (and in Chromium when it is there) while articles are edited."""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.request
from pathlib import Path

import pytest

from notespress.build import build
from notespress.preview import Running, article_element, start_preview


def _get(url: str, host: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _state(running: Running) -> dict:
    return json.loads(_get(running.url + "state.json")[1])


def _wait(running: Running, after: int, timeout: float = 90.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _state(running)
        if state["build"] > after:
            return state
        time.sleep(0.05)
    raise AssertionError(f"no build after {after} in {timeout} s")


def _settled(running: Running, state: dict) -> dict:
    """The state once a provisional layout has been followed by the whole one."""
    while state["provisional"]:
        state = _wait(running, state["build"])
    return state


def _page_texts(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]


PARAGRAPH = ("Workers on the night shift met in the canteen and chose three delegates, "
             "each recallable at any time by the meeting that chose them. ") * 6


def _longer_articles(mini: Path, paragraphs: int, settings: str = "") -> Path:
    """The fixture issue's second article, and a third, made `paragraphs` paragraphs long;
    `settings` added to issue.yaml. Returns the issue folder."""
    folder = mini / "issues/issue-3"
    for name, title in (("02-second.md", "The second article"),
                        ("03-third.md", "The third article")):
        (folder / name).write_text(f"---\ntitle: {title}\n---\n\n" + "\n\n".join(
            f"{n}. {PARAGRAPH}" for n in range(paragraphs)) + "\n")
    yaml_path = folder / "issue.yaml"
    yaml_path.write_text(yaml_path.read_text() + "  - 03-third.md\n" + settings)
    return folder


@pytest.fixture
def three_articles(mini: Path):
    """The fixture issue with three articles of a few pages each."""
    _longer_articles(mini, paragraphs=14, settings="article_start: page\n")
    running = start_preview(mini, "3", port=0)
    try:
        yield mini, running
    finally:
        running.close()


@pytest.mark.slow
def test_edits_update_the_pages_and_errors_keep_the_last_good_ones(three_articles) -> None:
    root, running = three_articles
    assert running.server.server_address[0] == "127.0.0.1"
    first = _wait(running, 0)
    assert not first["errors"] and len(first["pages"]) >= 5 and first["how"] == "full"
    status, page = _get(running.url)
    assert status == 200 and b"EventSource" in page
    status, picture = _get(running.url + "pages/2.png")
    assert status == 200 and picture.startswith(b"\x89PNG")
    assert _get(running.url + "state.json", host="evil.example:80")[0] == 403

    # an article in the middle: only it is laid out, only its changed pages drawn
    article = root / "issues/issue-3/02-second.md"
    article.write_text(article.read_text().replace(
        "\n\n", "\n\nA sentence the editor just added.\n\n", 1))
    state = _wait(running, first["build"])
    assert not state["errors"] and state["how"] == "articles"
    assert state["changed"] and len(state["changed"]) < len(state["pages"])
    changed = state["changed"][0]
    assert state["pages"][changed - 1]["version"] != first["pages"][changed - 1]["version"]
    state = _settled(running, state)
    status, pdf = _get(running.url + "preview.pdf")
    assert status == 200
    preview_pdf = root / "preview-copy.pdf"
    preview_pdf.write_bytes(pdf)
    texts = _page_texts(preview_pdf)
    assert any("A sentence the editor just added" in t for t in texts)
    # the pages put together from parts are the pages of a whole layout (but for the
    # padding pages the editions have before the platform, and the platform's number in
    # the contents)
    whole = build(root, "issue-3", editions=("screen",), force=True)
    built = _page_texts(whole.output("screen").path)
    platform = next(i for i, t in enumerate(texts) if t.startswith("Who we are"))
    assert built[1:platform] == texts[1:platform]
    assert built[-1] == texts[-1].replace(f" {len(texts)}", f" {len(built)}")

    def cover(text: str) -> str:
        return re.sub(r"Who we are[ .]+\d+", "Who we are", text)

    assert cover(built[0]) == cover(texts[0])

    # a broken edit: the error is shown, the last good pages stay
    good = state
    article.write_text(article.read_text().replace("title:", "title: [broken", 1))
    broken = _wait(running, good["build"])
    assert broken["errors"] and "02-second.md" in broken["errors"][0]
    assert broken["pages"] == good["pages"]
    assert _get(running.url + f"pages/{changed}.png")[0] == 200
    article.write_text(article.read_text().replace("title: [broken", "title:", 1))
    fixed = _wait(running, broken["build"])
    assert not fixed["errors"]


@pytest.mark.slow
def test_articles_that_run_on_show_a_draft_then_the_whole_issue(mini: Path) -> None:
    """With articles running on (the default), an edited article is laid out alone and
    shown at once (a draft, provisional), then the whole issue: the same pages a build
    makes."""
    folder = _longer_articles(mini, paragraphs=9)
    running = start_preview(mini, "3", port=0)
    try:
        first = _settled(running, _wait(running, 0))
        article = folder / "02-second.md"
        article.write_text(article.read_text().replace(
            "\n\n", "\n\nA sentence the editor just added.\n\n", 1))
        draft = _wait(running, first["build"])
        assert not draft["errors"] and draft["how"] == "draft" and draft["provisional"]
        assert draft["changed"]
        state = _settled(running, draft)
        assert state["how"] == "full" and not state["provisional"]
        pdf = mini / "preview-copy.pdf"
        pdf.write_bytes(_get(running.url + "preview.pdf")[1])
        texts = _page_texts(pdf)
        assert any("A sentence the editor just added" in t for t in texts)
        whole = build(mini, "issue-3", editions=("screen",), force=True)
        built = _page_texts(whole.output("screen").path)
        platform = next(i for i, t in enumerate(texts) if t.startswith("Who we are"))
        assert built[1:platform] == texts[1:platform]
    finally:
        running.close()


def test_article_element() -> None:
    html = ('<body><article class="article" id="a"><p>x</p></article>'
            '<article class="article" id="b"><article id="c"></article><p>y</p></article>')
    assert article_element(html, "a") == '<article class="article" id="a"><p>x</p></article>'
    assert article_element(html, "b").endswith("<p>y</p></article>")
    assert article_element(html, "d") is None


def test_the_server_listens_on_this_computer_only(mini: Path) -> None:
    running = start_preview(mini, "3", port=0)
    try:
        state = _wait(running, 0)
        assert not state["errors"]
        assert running.server.server_address[0] == "127.0.0.1"
        connection = http.client.HTTPConnection("127.0.0.1", running.server.server_address[1],
                                                timeout=30)
        connection.request("GET", "/events")
        response = connection.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"
        line = response.fp.readline().decode()
        assert line.startswith("data: ") and json.loads(line[6:])["build"] >= 1
        connection.close()
        assert running.previewer.out_dir == mini / "build/.preview/issue-3"
        assert not (mini / "build/issue-3").exists()  # the editions are not touched
    finally:
        running.close()


def _chromium() -> str | None:
    import shutil

    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="needs playwright and Chromium")
def test_in_chromium_the_page_updates_and_keeps_the_page_in_view(mini: Path) -> None:
    from playwright.sync_api import sync_playwright

    article = mini / "issues/issue-3/02-second.md"
    article.write_text(article.read_text() + "\n\n" + "\n\n".join(
        f"Paragraph {n} of a longer article, to give it pages to scroll. " * 12
        for n in range(40)) + "\n")
    running = start_preview(mini, "3", port=0)
    try:
        first = _wait(running, 0)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium(),
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(running.url)
            page.wait_for_function(f"document.body.dataset.build >= {first['build']}")
            page.evaluate("document.getElementById('page-4').scrollIntoView()")
            page.wait_for_timeout(300)
            top = page.evaluate("document.getElementById('page-4').getBoundingClientRect().top")
            article.write_text(article.read_text().replace("Paragraph 1 ", "Paragraph ONE ", 1))
            state = _settled(running, _wait(running, first["build"]))
            page.wait_for_function(f"document.body.dataset.build >= {state['build']}")
            page.wait_for_timeout(500)
            after = page.evaluate(
                "document.getElementById('page-4').getBoundingClientRect().top")
            assert abs(after - top) < 5
            versions = page.evaluate("[...document.querySelectorAll('figure[data-page] img')]"
                                     ".map(i => Number(i.dataset.version))")
            assert versions == [p["version"] for p in state["pages"]]
            article.write_text("no front matter any more\n")
            broken = _wait(running, state["build"])
            page.wait_for_function(f"document.body.dataset.build >= {broken['build']}")
            assert page.is_visible("#errors")
            assert "02-second.md" in page.inner_text("#errors")
            assert page.locator("figure[data-page] img").count() == len(state["pages"])
            page.screenshot(path=str(mini / "preview.png"))
            browser.close()
    finally:
        running.close()


def test_watch_builds_again_after_a_change_and_keeps_the_last_pdf(mini: Path) -> None:
    import threading

    from notespress.errors import NotespressError
    from notespress.preview import watch_builds

    reports: list[object] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch_builds, args=(mini, "3"), kwargs={
        "editions": ("screen",), "report": reports.append, "stop": stop}, daemon=True)
    thread.start()

    def reported(count: int) -> object:
        deadline = time.monotonic() + 90
        while len(reports) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(reports) >= count, reports
        return reports[count - 1]

    try:
        first = reported(1)
        assert not isinstance(first, NotespressError) and first.outputs
        pdf = first.output("screen").path
        time.sleep(0.5)  # the watcher is watching
        article = mini / "issues/issue-3/02-second.md"
        article.write_text(article.read_text().replace("title:", "title: [broken", 1))
        broken = reported(2)
        assert isinstance(broken, NotespressError) and "02-second.md" in str(broken)
        assert pdf.is_file()  # the last good PDF stays
        article.write_text(article.read_text().replace("title: [broken", "title:", 1))
        again = reported(3)
        assert not isinstance(again, NotespressError)
    finally:
        stop.set()
        thread.join(timeout=10)


def test_articles_that_run_on_are_laid_out_with_the_whole_issue(mini: Path) -> None:
    """By default articles run on after one another: an edit moves the ones after it, so
    the preview shows the article alone at once, then lays out the whole issue, whose pages
    are those of a build."""
    from notespress.preview import Previewer

    previewer = Previewer(mini, "3")
    first = previewer.rebuild()
    article = mini / "issues/issue-3/02-second.md"
    article.write_text(article.read_text().replace("\n\n", "\n\nA sentence just added.\n\n", 1))
    state = previewer.rebuild({article})  # at once: the article alone (a draft)
    assert not state.errors and state.how == "draft" and state.provisional
    state = previewer.rebuild(set(), whole=True)  # then the whole issue
    assert not state.errors and state.how == "full" and state.build == first.build + 2
    texts = _page_texts(previewer.write_pdf())
    assert any("A sentence just added" in t for t in texts)
