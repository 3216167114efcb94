"""The Atom feed (RFC 4287) of the issues and their articles, and the sitemap.

Both are written with the standard library. The feed's links are absolute when `site_url` is
set (relative to the feed's own address otherwise, which Atom allows); its ids are the pages'
addresses, or stable `urn:uuid:` names made from the publication and the page when the site
has no address. Every date comes from the issues, never from the clock, so that the same
inputs give the same bytes.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

from .model import IssueCard
from .pages import FEED, INDEX, Site, issue_view

ATOM = "http://www.w3.org/2005/Atom"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_ISSUES = 10  # the newest issues (and their articles) the feed carries


def _stamp(date: str) -> str:
    return f"{date}T00:00:00Z"


def _link(site: Site, path: str) -> str:
    return site.absolute(path) or ("./" if path == INDEX else path)


def _id(site: Site, path: str) -> str:
    if site.url:
        return site.absolute(path)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'notespress:{site.pub.name}:{path}')}"


def atom_feed(site: Site, cards: list[IssueCard]) -> bytes:
    """The feed: an entry for each of the newest issues, and for each of its articles."""
    ET.register_namespace("", ATOM)
    pub = site.pub

    def add(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed", {LANG: pub.lang})
    add(feed, "id", _id(site, INDEX))
    add(feed, "title", pub.name)
    if pub.tagline:
        add(feed, "subtitle", pub.tagline)
    add(feed, "updated", _stamp(max((c.date for c in cards), default="1970-01-01")))
    author = add(feed, "author")
    add(author, "name", pub.publisher or pub.name)
    if pub.contact.email:
        add(author, "email", pub.contact.email)
    add(feed, "link", rel="alternate", type="text/html", href=_link(site, INDEX))
    add(feed, "link", rel="self", type="application/atom+xml", href=_link(site, FEED))
    add(feed, "generator", "notespress")
    for card in cards[:FEED_ISSUES]:
        view = issue_view(site, card)
        entry = add(feed, "entry", **{LANG: card.lang})
        add(entry, "id", _id(site, card.path))
        add(entry, "title", f"{pub.name}, {view['number']}"
                            + (f": {card.title}" if card.title else ""))
        add(entry, "updated", _stamp(card.date))
        add(entry, "published", _stamp(card.date))
        add(entry, "link", rel="alternate", type="text/html", href=_link(site, card.path))
        for pdf in card.pdfs:
            add(entry, "link", rel="enclosure", type="application/pdf",
                href=_link(site, pdf.path), length=str(pdf.size),
                title=view["pdfs"][card.pdfs.index(pdf)]["label"])
        add(entry, "summary", "\n".join(
            a.title + (f" ({a.author})" if a.author else "") for a in card.articles)
            or view["number"])
        for article in card.articles:
            item = add(feed, "entry", **{LANG: article.lang})
            add(item, "id", _id(site, article.path))
            add(item, "title", article.title)
            add(item, "updated", _stamp(card.date))
            add(item, "published", _stamp(card.date))
            if article.author:
                add(add(item, "author"), "name", article.author)
            add(item, "link", rel="alternate", type="text/html", href=_link(site, article.path))
            add(item, "summary", article.description or article.title)
    ET.indent(feed, space=" ")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def sitemap(site: Site, cards: list[IssueCard]) -> bytes | None:
    """The sitemap of every page (None without site_url: a sitemap needs full addresses)."""
    if not site.url:
        return None
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")

    def add(path: str, date: str = "") -> None:
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = site.absolute(path)
        if date:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = date

    add(INDEX, max((c.date for c in cards), default=""))
    for path in site.platforms.values():
        add(path)
    for card in cards:
        add(card.path, card.date)
        for article in card.articles:
            add(article.path, card.date)
    ET.indent(urlset, space=" ")
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
