"""Language rules for punctuation and numbers that Markdown's smart quotes do not cover."""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space
RTL_LANGS = {"fa", "ar", "he", "ur", "ps", "ckb"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# French: a narrow no-break space before ; ! ? and a no-break space before : and inside « ».
# What the author typed (a space, a no-break space, or nothing) becomes the right space, once.
_FR_BEFORE_TIGHT = re.compile(
    r"(?<=[^\s\u00a0\u202f(\[«;!?])[ \u00a0\u202f]?(?=[;!?](?:\s|$|[»)\]”’.,;:!?]))")
_FR_BEFORE_COLON = re.compile(r"(?<=[^\s\u00a0\u202f(\[«\d/])[ \u00a0\u202f]?(?=:(?:\s|$|«))")
_FR_OPEN = re.compile(r"«[ \u00a0\u202f]*")
_FR_CLOSE = re.compile(r"[ \u00a0\u202f]*»")


def french_spacing(text: str) -> str:
    """French spaces: no-break inside « » and before :, narrow no-break before ; ! ?"""
    text = _FR_OPEN.sub("«" + NBSP, text)
    text = _FR_CLOSE.sub(NBSP + "»", text)
    text = _FR_BEFORE_TIGHT.sub(NNBSP, text)
    return _FR_BEFORE_COLON.sub(NBSP, text)


def base_lang(lang: str) -> str:
    """The language of a code without its region: 'fr' for 'fr-CA'."""
    return lang.split("-")[0].lower()


def is_rtl(lang: str) -> bool:
    """Whether `lang` is written right to left."""
    return base_lang(lang) in RTL_LANGS


def local_digits(value: object, lang: str) -> str:
    """`value` with its digits in the script of `lang` (Persian or Arabic-Indic)."""
    text = str(value)
    if base_lang(lang) in ("fa", "ur", "ps"):
        return text.translate(PERSIAN_DIGITS)
    if base_lang(lang) == "ar":
        return text.translate(ARABIC_DIGITS)
    return text


def numerals(lang: str) -> str:
    """The CSS counter style for page numbers and footnote calls in `lang`."""
    return {"fa": "persian", "ur": "persian", "ps": "persian", "ar": "arabic-indic"}.get(
        base_lang(lang), "decimal")
