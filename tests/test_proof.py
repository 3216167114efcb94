"""proof: the issue's pages as reader spreads on one picture, with the articles' table."""

from __future__ import annotations

import itertools
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from notespress.cli import app
from notespress.proof import make_proof, page_roles, spreads

from .conftest import FIXTURES, copy_workspace

runner = CliRunner()


def _ink_columns(image: Image.Image, y: int) -> list[int]:
    """The x of every non-white pixel on row y."""
    pixels = image.convert("L").load()
    return [x for x in range(image.width) if pixels[x, y] < 200]


def test_spreads() -> None:
    assert spreads(1) == [[None, 1]]
    assert spreads(4) == [[None, 1], [2, 3], [4, None]]
    assert spreads(5) == [[None, 1], [2, 3], [4, 5]]


def test_proof_of_a_left_to_right_issue(mini: Path) -> None:
    result = runner.invoke(app, ["proof", "3", "-w", str(mini)])
    assert result.exit_code == 0, result.output
    made = mini / "build/issue-3/mini-bulletin-3-proof.png"
    assert made.is_file() and "build/issue-3/mini-bulletin-3-proof.png" in result.output
    assert "2 articles" in result.output and "reading" in result.output
    proof = make_proof(mini, "3")  # up to date: not built again
    roles = page_roles(proof.pdf, list(proof.rows), 0)
    firsts = [r.number for r in roles if r.first and r.kind == "article"]
    # (articles run on: a page where two meet is shown as the first's)
    assert firsts == sorted({row.pages[0] for row in proof.rows}) and firsts[0] == 1
    assert roles[-1].kind in ("platform", "back")
    with Image.open(made) as image:
        assert image.width > 1500
        # the first spread: page 1 alone, on the right (its left page is empty)
        ink = _ink_columns(image, 200)
        assert ink and ink[0] > 180  # (a page is about 210 px wide)


def test_proof_of_a_right_to_left_issue_is_mirrored(tmp_path: Path) -> None:
    root = copy_workspace(FIXTURES / "langs", tmp_path / "langs")
    proof = make_proof(root, "issue-2")
    ranges = [r.pages for r in proof.rows]  # each article from its first page to its last, in order
    assert len(ranges) == 5 and ranges[0][0] == 1
    assert all(first <= last for first, last in ranges)
    assert all(later[0] in (earlier[1], earlier[1] + 1)
               for earlier, later in itertools.pairwise(ranges))
    assert proof.rows[0].title == "اعتصاب در انبار"
    with Image.open(proof.image) as image:
        ink = _ink_columns(image, 200)
        # the first spread is at the right of its row, page 1 on its left, its right empty
        assert ink and ink[-1] < image.width - 180
        assert ink[0] < image.width / 2  # the spreads 2-3, 4-5... follow to the left
