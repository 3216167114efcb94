"""Where the built-in layouts, fonts and starter files live.

In a wheel they are packaged under ``notespress/_defaults``; in a source checkout they are the
demo publication's own ``layouts/`` and ``fonts/`` at the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def defaults_dir() -> Path:
    """The folder that holds the default layouts and fonts."""
    packaged = PACKAGE_DIR / "_defaults"
    if (packaged / "layouts").is_dir():
        return packaged
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "layouts").is_dir() and (checkout / "fonts").is_dir():
        return checkout
    raise RuntimeError(f"notespress is installed without its layouts ({packaged})")


def default_layouts() -> Path:
    """The default layouts' folder."""
    return defaults_dir() / "layouts"


def default_fonts() -> Path:
    """The default fonts' folder."""
    return defaults_dir() / "fonts"


def starter_dir() -> Path:
    """The sample issue and placeholder platform that `notespress init` copies."""
    return PACKAGE_DIR / "starter"
