"""Reading built PDFs with real tools: pypdf for text and outlines, poppler and qpdf."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader


def normalize(text: str) -> str:
    """Text as a reader sees it: automatic hyphens joined, white space folded."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010\u00ad]\s*\n\s*", "", text)  # hyphenation at line ends
    text = re.sub(r"-\s*\n\s*", "-", text)  # a real hyphen that ended a line
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    """Letters and digits only: for text set letter-spaced or in small caps."""
    return re.sub(r"[\W_]+", "", normalize(text)).lower()


@dataclass
class Pdf:
    path: Path

    def __post_init__(self) -> None:
        self.reader = PdfReader(self.path)
        self.raw_pages = [page.extract_text() or "" for page in self.reader.pages]
        self.pages = [normalize(t) for t in self.raw_pages]

    def find(self, needle: str) -> list[int]:
        """1-based numbers of the pages whose text holds `needle` (letters and digits only)."""
        key = squash(needle)
        return [i + 1 for i, text in enumerate(self.raw_pages) if key in squash(text)]

    def first_page(self, needle: str) -> int:
        pages = self.find(needle)
        assert pages, f"{needle!r} is not in {self.path.name}"
        return pages[0]

    def outline(self) -> list[tuple[str, int]]:
        result = []
        for item in self.reader.outline:
            if isinstance(item, list):
                continue
            result.append((item.title, self.reader.get_destination_page_number(item) + 1))
        return result

    def fonts(self) -> list[dict[str, str]]:
        out = subprocess.run(["pdffonts", str(self.path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
        fonts = []
        for line in out:
            parts = line.split()
            # name type... encoding emb sub uni object-id generation
            fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
        return fonts

    def info(self) -> dict[str, str]:
        out = subprocess.run(["pdfinfo", str(self.path)], capture_output=True, text=True,
                             check=True).stdout
        return {k.strip(): v.strip() for k, v in
                (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def qpdf_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
