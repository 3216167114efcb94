"""Screenshots of the web edition for docs/screenshots/: the index, an article and a Persian
article, at a desktop and a phone width, in Debian's Chromium.

    python3 -m tests.site_shots              # from the repository's root
    python3 -m tests.site_shots --out /tmp/shots

The demo publication and the publication in several languages (tests/fixtures/langs) are
copied to a temporary folder, built (PDFs and site), served on 127.0.0.1 and photographed.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from .browser import chromium, serve
from .conftest import FIXTURES, REPO, copy_workspace

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SHOTS = [  # (file name, publication, page)
    ("index", "demo", "index.html"),
    ("article", "demo", "issues/issue-12/01-editorial.html"),
    ("persian", "langs", "issues/issue-2/01-anbar.html"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots",
                        help="where the PNG files go (default: docs/screenshots)")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    from notespress.site import build_site

    with tempfile.TemporaryDirectory() as scratch:
        sites = {}
        for name, source in (("demo", REPO), ("langs", FIXTURES / "langs")):
            root = copy_workspace(source, Path(scratch) / name)
            sites[name] = build_site(root).folder
        with chromium() as browser:
            for name, folder in sites.items():
                with serve(folder) as base:
                    for file, publication, path in SHOTS:
                        if publication != name:
                            continue
                        for size, viewport in SIZES.items():
                            page = browser.new_page(viewport=viewport)
                            page.goto(base + path, wait_until="load")
                            # every picture now, not when scrolled to
                            page.evaluate("document.querySelectorAll('img[loading]')"
                                          ".forEach(i => i.loading = 'eager')")
                            page.wait_for_load_state("networkidle")
                            page.evaluate("document.fonts.ready")
                            target = out / f"{file}-{size}.png"
                            page.screenshot(path=str(target))
                            page.close()
                            print(f"wrote {target}")


if __name__ == "__main__":
    main()
