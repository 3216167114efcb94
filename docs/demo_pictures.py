"""Draw the demo issue's pictures: its two charts and its cover.

    python3 docs/demo_pictures.py [FOLDER]     # default: issues/issue-12/images

The charts are drawn for one column of a Letter page (3.45 in) at 300 dpi, their text 7 pt or
more at that size, in the layouts' sans (Lato, from fonts/); without a title (the caption
under the figure gives it); black, grays and hatching only, so that they print the same on a
black-and-white copier. The cover is a drawing of a picket line at a warehouse gate, made
here rather than taken from anywhere. Pillow only; the same files every time.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts" / "lato"
DPI = 300
COLUMN_IN = 3.45  # one column of a two-column Letter page


def pt(points: float) -> int:
    """Points at print size, in pixels at DPI."""
    return round(points * DPI / 72)


def font(points: float, weight: str = "Regular") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / f"Lato-{weight}.ttf"), pt(points))


BLACK, DARK, MID, LIGHT, RULE, WHITE = (0, 0, 0), (60, 60, 60), (120, 120, 120), \
    (200, 200, 200), (215, 215, 215), (255, 255, 255)


def hatch(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], step: int,
          color: tuple[int, int, int], width: int) -> None:
    """Diagonal hatching inside a rectangle."""
    x0, y0, x1, y1 = box
    for start in range(x0 - (y1 - y0), x1, step):
        # the segment of the line x - start = y1 - y inside the box
        a = (max(x0, start), y1 - (max(x0, start) - start))
        b = (min(x1, start + (y1 - y0)), y1 - (min(x1, start + (y1 - y0)) - start))
        if a[1] < y0:
            a = (start + (y1 - y0), y0)
        draw.line([a, b], fill=color, width=width)


def text_width(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont) -> int:
    left, _, right, _ = draw.textbbox((0, 0), text, font=face)
    return right - left


# ------------------------------------------------------------------ wages against prices

YEARS = [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]
PRICES = [100.0, 101.0, 105.6, 114.2, 118.6, 121.6, 125.2, 128.4]
REAL = [100.0, 103.5, 102.2, 99.5, 99.7, 100.3, 100.4, 100.2]  # what an hour buys
WAGES = [round(p * r / 100, 1) for p, r in zip(PRICES, REAL, strict=True)]


def wages_chart() -> Image.Image:
    width, height = pt(COLUMN_IN * 72), pt(2.55 * 72)
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    small, label, bold = font(7), font(7.5), font(7.5, "Bold")
    # legend, two rows
    y = pt(2)
    swatch = pt(7)
    draw.rectangle([0, y, swatch, y + swatch], fill=LIGHT, outline=DARK, width=2)
    hatch(draw, (0, y, swatch, y + swatch), pt(2.2), MID, 2)
    draw.text((swatch + pt(3), y - pt(1)), "Consumer prices", font=label, fill=BLACK)
    x2 = pt(95)
    draw.rectangle([x2, y, x2 + swatch, y + swatch], fill=BLACK)
    draw.text((x2 + swatch + pt(3), y - pt(1)), "Hourly wages", font=label, fill=BLACK)
    y += pt(11)
    draw.line([(0, y + swatch // 2), (swatch * 2, y + swatch // 2)], fill=BLACK, width=pt(1.2))
    draw.ellipse([swatch - pt(2.4), y + swatch // 2 - pt(2.4), swatch + pt(2.4),
                  y + swatch // 2 + pt(2.4)], fill=WHITE, outline=BLACK, width=pt(0.9))
    draw.text((swatch * 2 + pt(3), y - pt(1)), "Real wage: what an hour buys",
              font=bold, fill=BLACK)
    # plot area
    left, right = pt(16), width - pt(2)
    top, bottom = pt(42), height - pt(14)
    high = 140

    def at(value: float) -> float:
        return bottom - (bottom - top) * value / high

    for tick in range(0, high + 1, 20):
        y = at(tick)
        draw.line([(left, y), (right, y)], fill=RULE if tick else BLACK, width=2 if tick else 3)
        face = small
        draw.text((left - pt(3) - text_width(draw, str(tick), face), y - pt(4.3)), str(tick),
                  font=face, fill=DARK)
    slot = (right - left) / len(YEARS)
    bar = slot * 0.34
    real_points = []
    for index, year in enumerate(YEARS):
        middle = left + slot * (index + 0.5)
        box = (round(middle - bar - pt(0.4)), round(at(PRICES[index])), round(middle - pt(0.4)),
               round(bottom))
        draw.rectangle(box, fill=LIGHT, outline=DARK, width=2)
        hatch(draw, box, pt(2.2), MID, 2)
        draw.rectangle((round(middle + pt(0.4)), round(at(WAGES[index])),
                        round(middle + bar + pt(0.4)), round(bottom)), fill=BLACK)
        name = str(year) if index in (0, len(YEARS) - 1) else f"’{str(year)[2:]}"
        draw.text((middle - text_width(draw, name, label) / 2, bottom + pt(2.5)), name,
                  font=label, fill=BLACK)
        real_points.append((middle, at(REAL[index])))
    # the real wage, flat: a thick line with open markers; its values in a row above
    draw.line(real_points, fill=WHITE, width=pt(2.6))
    draw.line(real_points, fill=BLACK, width=pt(1.2))
    for (x, y), value in zip(real_points, REAL, strict=True):
        r = pt(2.4)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=WHITE, outline=BLACK, width=pt(0.9))
        text = "100" if value == 100 else f"{value:.1f}"
        draw.text((x - text_width(draw, text, bold) / 2, top - pt(10)), text, font=bold,
                  fill=BLACK)
    return image


# ------------------------------------------------------------------ US military spending

MILITARY = {
    1948: 3.5, 1949: 4.8, 1950: 4.9, 1951: 7.2, 1952: 12.9, 1953: 13.8, 1954: 12.7,
    1955: 10.5, 1956: 9.7, 1957: 9.8, 1958: 9.9, 1959: 9.7, 1960: 9.0, 1961: 9.1, 1962: 8.9,
    1963: 8.6, 1964: 8.3, 1965: 7.1, 1966: 7.4, 1967: 8.5, 1968: 9.1, 1969: 8.4, 1970: 7.8,
    1971: 6.8, 1972: 6.3, 1973: 5.2, 1974: 5.1, 1975: 5.2, 1976: 4.9, 1977: 4.8, 1978: 4.6,
    1979: 4.5, 1980: 4.8, 1981: 5.0, 1982: 5.6, 1983: 5.9, 1984: 5.8, 1985: 5.9, 1986: 6.0,
    1987: 5.9, 1988: 5.6, 1989: 5.4, 1990: 5.1, 1991: 4.5, 1992: 4.6, 1993: 4.3, 1994: 3.9,
    1995: 3.6, 1996: 3.3, 1997: 3.2, 1998: 3.0, 1999: 2.9, 2000: 2.9, 2001: 2.9, 2002: 3.2,
    2003: 3.6, 2004: 3.8, 2005: 3.8, 2006: 3.8, 2007: 3.8, 2008: 4.2, 2009: 4.6, 2010: 4.7,
    2011: 4.6, 2012: 4.2, 2013: 3.8, 2014: 3.5, 2015: 3.2, 2016: 3.2, 2017: 3.1, 2018: 3.1,
    2019: 3.2, 2020: 3.4, 2021: 3.3, 2022: 3.0, 2023: 3.0, 2024: 3.0,
}
NOTES = {1953: ("Korea 13.8", 1, 0), 1968: ("Vietnam 9.1", 0, -1), 1986: ("Reagan 6.0", 0, -1),
         1999: ("After the Cold War 2.9", 0, 1), 2010: ("Iraq 4.7", 0, -1), 2024: ("3.0", -1, -1)}


def military_chart() -> Image.Image:
    width, height = pt(COLUMN_IN * 72), pt(2.35 * 72)
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    small, label, bold = font(7), font(7.5), font(7.5, "Bold")
    left, right = pt(19), width - pt(4)
    top, bottom = pt(6), height - pt(14)
    first, last, high = 1945, 2025, 15

    def x_of(year: float) -> float:
        return left + (right - left) * (year - first) / (last - first)

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / high

    # the postwar boom: a hatched band, labelled at its foot
    band = (round(x_of(1948)), round(top), round(x_of(1970)), round(bottom))
    draw.rectangle(band, fill=(238, 238, 238))
    hatch(draw, band, pt(4), (214, 214, 214), 2)
    text = "Postwar boom"
    draw.rectangle([band[0] + pt(2), bottom - pt(12), band[0] + pt(4) +
                    text_width(draw, text, small) + pt(2), bottom - pt(2)], fill=(238, 238, 238))
    draw.text((band[0] + pt(4), bottom - pt(11.5)), text, font=small, fill=DARK)
    for tick in (0, 3, 6, 9, 12, 15):
        y = y_of(tick)
        if tick:
            draw.line([(left, y), (right, y)], fill=RULE, width=2)
        name = f"{tick}%" if tick == 15 else str(tick)
        draw.text((left - pt(2) - text_width(draw, name, small), y - pt(4.3)), name,
                  font=small, fill=DARK)
    draw.line([(left, bottom), (right, bottom)], fill=BLACK, width=3)
    for year in range(1950, 2030, 10):
        x = x_of(year)
        draw.line([(x, bottom), (x, bottom + pt(2))], fill=BLACK, width=2)
        name = str(year) if year in (1950, 2020) else f"’{str(year)[2:]}"
        draw.text((x - text_width(draw, name, label) / 2, bottom + pt(3)), name, font=label,
                  fill=BLACK)
    points = [(x_of(year), y_of(value)) for year, value in MILITARY.items()]
    draw.line(points, fill=BLACK, width=pt(1.3), joint="curve")
    for year, (text, shift, side) in NOTES.items():
        x, y = x_of(year), y_of(MILITARY[year])
        r = pt(1.7)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=WHITE, outline=BLACK, width=pt(0.8))
        w = text_width(draw, text, bold)
        tx = x - w / 2 + shift * (w / 2 + pt(4))
        tx = min(max(tx, left + pt(1)), right - w)
        ty = y + ({1: pt(4), 0: -pt(5), -1: -pt(13)}[side])
        draw.text((tx, ty), text, font=bold, fill=BLACK)
    return image


# ------------------------------------------------------------------ the cover


def cover_picture() -> Image.Image:
    """A picket line at a warehouse's gate, at dusk: flat shapes in a few tones that keep
    apart in gray (1800 x 1000 px: 8.75 in across the cover at 200 dpi)."""
    width, height = 1800, 1000
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # the sky, lighter toward the horizon
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(70 + 150 * t), int(40 + 120 * t),
                                              int(45 + 95 * t)))
    sun = (1380, 560)
    for radius, tone in ((260, (236, 170, 120)), (170, (246, 196, 140)), (110, (252, 222, 170))):
        draw.ellipse([sun[0] - radius, sun[1] - radius, sun[0] + radius, sun[1] + radius],
                     fill=tone)
    ground = 760
    # the warehouse: a long box with dock doors and a sign
    draw.rectangle([120, 430, 1650, ground], fill=(58, 52, 60))
    draw.polygon([(120, 430), (1650, 430), (1600, 395), (170, 395)], fill=(46, 42, 50))
    for door in range(14):
        x = 200 + door * 100
        draw.rectangle([x, 600, x + 70, ground], fill=(92, 86, 94))
        for slat in range(606, ground, 16):
            draw.line([(x, slat), (x + 70, slat)], fill=(74, 68, 76), width=3)
    draw.rectangle([600, 442, 1170, 494], fill=(30, 28, 34))
    sign = ImageFont.truetype(str(FONTS / "Lato-Black.ttf"), 38)
    draw.text((634, 447), "NORTHGATE LOGISTICS", font=sign, fill=(150, 145, 150))
    # the road and the gate
    draw.rectangle([0, ground, width, height], fill=(34, 30, 36))
    for x in range(0, width, 160):
        draw.rectangle([x, 880, x + 90, 892], fill=(120, 112, 110))
    draw.line([(0, ground + 4), (width, ground + 4)], fill=(20, 18, 22), width=6)
    for post in range(60, width, 70):
        draw.line([(post, ground - 150), (post, ground + 10)], fill=(24, 22, 26), width=6)
    draw.line([(0, ground - 150), (width, ground - 150)], fill=(24, 22, 26), width=5)
    for x in range(0, width, 26):  # the chain link
        draw.line([(x, ground - 150), (x + 80, ground)], fill=(40, 38, 42), width=2)
        draw.line([(x + 80, ground - 150), (x, ground)], fill=(40, 38, 42), width=2)
    # the picket: people in silhouette, some with placards
    words = ["STRIKE", "38°", "WE WON'T", "NO", "UNITY", "STRIKE", "HEAT", "TOGETHER"]
    placard = ImageFont.truetype(str(FONTS / "Lato-Black.ttf"), 30)
    for index in range(16):
        x = 80 + index * 106 + (23 if index % 2 else 0)
        tall = 250 + (index * 37) % 60
        feet = height - 40 - (index % 3) * 18
        head = feet - tall
        tone = (16 + (index % 3) * 6, 14 + (index % 3) * 5, 18 + (index % 3) * 6)
        draw.ellipse([x - 22, head, x + 22, head + 46], fill=tone)
        draw.rounded_rectangle([x - 40, head + 50, x + 40, feet - 95], radius=26, fill=tone)
        draw.rectangle([x - 32, feet - 110, x - 6, feet], fill=tone)
        draw.rectangle([x + 6, feet - 110, x + 32, feet], fill=tone)
        if index % 2 == 0:
            word = words[(index // 2) % len(words)]
            stick_top = head - 150
            draw.line([(x + 34, head + 70), (x + 52, stick_top + 60)], fill=tone, width=10)
            w = max(130, int(draw.textlength(word, font=placard)) + 30)
            box = (x + 52 - w // 2, stick_top - 10, x + 52 + w // 2, stick_top + 62)
            draw.rectangle(box, fill=(238, 232, 222), outline=tone, width=5)
            draw.text((box[0] + (w - draw.textlength(word, font=placard)) / 2,
                       stick_top + 6), word, font=placard, fill=(122, 23, 18))
        else:  # a raised fist
            draw.line([(x - 30, head + 70), (x - 50, head - 10)], fill=tone, width=22)
            draw.ellipse([x - 70, head - 42, x - 30, head], fill=tone)
    # a barrel fire, and its glow
    glow = Image.new("RGB", (width, height), (0, 0, 0))
    glow_draw = ImageDraw.Draw(glow)
    for radius in range(160, 0, -8):
        tone = int(90 * (1 - radius / 160))
        glow_draw.ellipse([905 - radius, 845 - radius, 905 + radius, 845 + radius],
                          fill=(tone, tone // 2, 0))
    image = ImageChops.add(image, glow)
    draw = ImageDraw.Draw(image)
    draw.rectangle([870, 850, 940, height - 30], fill=(70, 60, 58))
    for flame in range(7):
        angle = flame / 7 * math.pi
        fx = 905 + math.cos(angle) * 28
        draw.polygon([(fx - 14, 852), (fx + 14, 852), (fx + 4 * math.cos(angle * 3), 790 -
                                                       (flame % 3) * 18)],
                     fill=(250, 170 + flame * 10, 70))
    return image


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # the charts are black and grays only: saved as gray pictures
    wages_chart().convert("L").save(folder / "wages-chart.png", dpi=(DPI, DPI), optimize=True)
    military_chart().convert("L").save(folder / "fig-us-military-gdp.png", dpi=(DPI, DPI),
                                       optimize=True)
    # the cover: flat shapes, as a screen print in 64 colours
    cover_picture().quantize(colors=64, dither=Image.Dither.NONE).convert("RGB").save(
        folder / "cover.jpg", quality=86, optimize=True, dpi=(200, 200))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "issues" / "issue-12" / "images")
