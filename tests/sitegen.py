"""A generated publication of a dozen issues, for the web edition's tests: English, French,
Italian and Persian articles (the first three issues full, the others short) with footnotes
(one called twice, one of two paragraphs), pictures of every kind (PNG, JPEG turned by its
EXIF orientation, SVG, a small one, a large one, one inline), a wide table, code with long
lines, long addresses, pull quotes, links to another article (and to a heading of it) and to
a file of the issue, raw HTML, issues with and without a title or a volume, PDF editions of
several kinds."""
# ruff: noqa: E501  (the Markdown has the long lines of real articles: tables, code, pictures)

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PIL import Image, ImageDraw

LONG_URL = ("https://example.org/archive/2026/11/a-very-long-address-that-a-phone-could-"
            "never-fit-on-one-line-without-breaking-it/index.html?ref=newsletter&lang=en")
WIDE_TABLE = """\
| Sector | Site | Workers | Strike days | Quota before | Quota after | Change | Pay before | Pay after |
|:---|:---|---:|---:|---:|---:|---:|---:|---:|
| Logistics | Hamilton distribution centre | 900 | 3 | 110 | 152 | +38% | 21.40 | 22.10 |
| Health | Montréal east hospital centre | 2400 | 0 | n/a | n/a | n/a | 31.00 | 31.00 |
| Transport | Laval bus depot | 650 | 2 | 14 | 19 | +36% | 27.80 | 28.60 |
"""
CODE = """\
```python
def quota(before: int, after: int) -> str:
    return f"{(after - before) / before:+.0%} more scans per hour, for the same pay, on the same floor, in the same heat"
```
"""


def _picture(path: Path, size: tuple[int, int], colour: str, orientation: int = 1) -> None:
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 8, size[1] // 8, size[0] // 2, size[1] // 2), fill="white")
    draw.line((0, 0, size[0], size[1]), fill="black", width=max(2, size[0] // 200))
    if path.suffix == ".jpg":
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(path, "JPEG", quality=85, exif=exif)
    else:
        image.save(path)


def _short(number: int) -> list[tuple[str, str]]:
    return [("01-lead.md", f"""---
title: "Notes from the floor, part {number}"
author: The editors
---

The committee reported back to the parking lot before agreeing to anything.[^1]

[^1]: As the meeting had mandated it to.
""")]


def _english(number: int, folder: Path) -> list[tuple[str, str]]:
    images = folder / "images"
    images.mkdir()
    _picture(images / "chart.png", (1800, 1000), "#7a1712")
    _picture(images / "photo.jpg", (1200, 900), "#335577", orientation=6)  # a quarter turn
    _picture(images / "small.png", (300, 200), "#557733")
    (images / "diagram.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" '
        'height="200"><rect width="400" height="200" fill="#eee"/><circle cx="100" cy="100" '
        'r="80" fill="#7a1712"/><text x="200" y="110" font-size="24">Quota</text></svg>\n',
        encoding="utf-8")
    (folder / "report.txt").write_text("The committee's report, as voted.\n", encoding="utf-8")
    lead = f"""---
title: "The winter of the strikes, part {number}"
subtitle: What the mass meetings decided, and what the union gave back.
author: The editors
summary: How the strikes of this season spread from the warehouses to the hospitals, what the mass meetings decided and what the officials gave back.
---

Workers met on Monday morning and voted "to stop work" -- all of them.[^heat] The vote was
taken by a show of hands in the parking lot, and the committee was told to report back.[^heat]

Raw HTML such as <b>bold</b> and <script>alert(1)</script> is shown as text, never run.

![The distribution centre's quota, hour by hour, against the temperature on the floor.](images/chart.png "Drawn by the editors")

The figures circulated that night are in the table below; read the [committee's report](report.txt)
and the [letter from Montréal](02-lettre.md#les-assemblées).

{WIDE_TABLE}
::: pullquote
We stay out together or we do not stay out at all.
:::

A picture in the text ![a small square](images/small.png) sits in its line. The full
address of the archive is {LONG_URL} and nobody should have to scroll sideways for it.

## Lessons

> They tell us the heat is personal and the overtime is reasonable and the rate is science.

![Strikers outside the depot at dusk, turned upright from the camera's sideways file.](images/photo.jpg)

{CODE}
The call `quota(110, 152)` gives the answer in one line.[^long]

## Lessons

A second heading with the same words gets an address of its own.

![A diagram of the quota.](images/diagram.svg)

[^heat]: The thermometer in aisle 31 read 38 degrees.
[^long]: The first paragraph of a long note.

    Its second paragraph, after a blank line.
"""
    letter = """---
title: "Lettre de Montréal : les assemblées"
author: C. Moretti
translator: M. Lanctôt
lang: fr
---

Les infirmières ont dit "non" ; la direction a répondu : « pas question ». Vraiment ?[^1]

## Les assemblées

Elles réunissent toutes les catégories de personnel ; voir aussi
[l'article principal](01-lead.md).

[^1]: Voir le compte rendu de l'assemblée du 3 mars.
"""
    return [("01-lead.md", lead), ("02-lettre.md", letter)]


def _persian() -> list[tuple[str, str]]:
    return [("01-anbar.md", """---
title: اعتصاب در انبار
subtitle: گزارشی از همیلتون
author: م. اکافور
summary: کارگران انبار در همیلتون کار را متوقف کردند و در جلسهٔ عمومی نمایندگانی انتخاب کردند.
---

کارگران انبار در شهر همیلتون روز سه‌شنبه کار را متوقف کردند.[^1] شرکت Northgate Logistics
و اتحادیه هر دو خواستار بازگشت به کار بودند. در سال 2026 بیش از 400 کارگر در این انبار بودند.

## درس‌های اعتصاب

ما از هیچ جناح امپریالیستی حمایت نمی‌کنیم. دستور `quota(110, 152)` را ببینید.

| بخش | کارگران | روزهای اعتصاب |
|:---|---:|---:|
| انبار | ۹۰۰ | ۳ |
| بیمارستان | ۲۴۰۰ | ۰ |

[^1]: گزارش یکی از کارگران انبار، ژوئیهٔ ۲۰۲۶.
"""), ("02-nameh.md", """---
title: نامه‌ای از تهران
author: خواننده‌ای از تهران
---

شما می‌نویسید که اتحادیه‌ها دیگر ابزار دفاع از کارگران نیستند.[^1]

[^1]: نامه در شهریور رسید.
""")]


def _italian(number: int) -> list[tuple[str, str]]:
    return [("01-linea.md", f"""---
title: Nove giorni sulla linea {number}
author: R. Kowalczyk
lang: it
---

Il romanzo si apre sulla linea di verniciatura di una fabbrica torinese.[^1]

[^1]: Traduzione dall'italiano di T. Aldridge.
""")]


def make_publication(root: Path, issues: int = 12) -> Path:
    """A publication of `issues` issues under `root` (created), one a month from January
    2025: English ones (most), a Persian one, an Italian one; editions vary."""
    root.mkdir(parents=True)
    (root / "platform").mkdir()
    (root / "platform" / "en.md").write_text(
        "## Who we are\n\nWe are internationalists: the struggle of the working class knows "
        "no borders.[^1]\n\n[^1]: Adopted at the founding conference.\n", encoding="utf-8")
    (root / "platform" / "fa.md").write_text(
        "## ما که هستیم\n\nما انترناسیونالیست هستیم.\n", encoding="utf-8")
    (root / "notespress.yaml").write_text(
        "name: Workers' Dozen\npublisher: The Dozen Collective\n"
        "tagline: Twelve issues, for the tests of the web edition\nlang: en\n"
        "page_size: a5\nplatform:\n  en: platform/en.md\n  fa: platform/fa.md\n"
        "contact:\n  email: dozen@example.org\n  website: https://dozen.example.org\n"
        "price: free\neditions: [screen]\n", encoding="utf-8")
    for number in range(1, issues + 1):
        folder = root / "issues" / f"issue-{number}"
        folder.mkdir(parents=True)
        date = dt.date(2025, 1, 1) + dt.timedelta(days=31 * (number - 1))
        meta = [f"number: {number}", f"date: {date.isoformat()}"]
        if number == 4:
            meta.append("title: چه کسی بهای بحران را می‌پردازد؟")
        elif number % 5 != 0:
            meta.append(f'title: "Issue {number}: who pays?"')
        if number % 2:
            meta.append("volume: 2")
        if number == 4:
            meta.append("lang: fa")
            articles = _persian()
        elif number == 7:
            meta.append("lang: it")
            articles = _italian(number)
        elif number <= 3:
            articles = _english(number, folder)
        else:
            articles = _short(number)
        if number == 3:
            meta.append("editions: [print]")  # the cover cut from the print edition
        elif number == 9:
            meta.append("editions: [screen, booklet]")
        (folder / "issue.yaml").write_text("\n".join(meta) + "\n", encoding="utf-8")
        for name, text in articles:
            (folder / name).write_text(text, encoding="utf-8")
    return root


_font_cache: list[Path] = []


def seed_font_cache(root: Path, scratch: Path) -> None:
    """Put the web fonts, made once for the whole test run (in `scratch`), in the site cache
    of the workspace at `root`: each test need not subset them again (a test that wants to
    see them made deletes build/.cache)."""
    if not _font_cache:
        import shutil

        from notespress.site import build_site

        from .conftest import FIXTURES

        work = scratch / "font-cache"
        shutil.copytree(FIXTURES / "mini", work)
        build_site(work, pdfs=False)
        _font_cache.append(work / "build" / ".cache" / "site" / "fonts")
    import shutil

    shutil.copytree(_font_cache[0], root / "build" / ".cache" / "site" / "fonts",
                    dirs_exist_ok=True)
