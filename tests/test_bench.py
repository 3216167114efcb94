"""The benchmark runs end to end on a small issue and reports what the README quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notespress.bench import _exponent, main


@pytest.mark.slow
def test_bench_runs_and_writes_its_table(tmp_path: Path, capsys) -> None:
    output = tmp_path / "bench.json"
    main(["--pages", "4", "--repeat", "1", "--all-issues", "2", "--mail", "0",
          "--output", str(output)])
    report = json.loads(output.read_text())
    (row,) = report["rows"]
    assert row["pages"] % 4 == 0 and row["pages"] >= 4
    for case in "abcd":
        assert row[f"{case}_seconds"] > 0
        assert len(row["samples"][case]) == 1
    # nothing changed costs a small part of a layout; the ratios are the medians' ratios
    assert row["c_seconds"] < row["a_seconds"]
    # (the seconds are rounded to milliseconds, so the ratio is checked to that precision)
    for case in "bcd":
        ratio = row[f"{case}_seconds"] / row["a_seconds"]
        assert abs(row[f"{case}_over_a"] - ratio) < 0.005
    assert row["peak_mb_b"] > 20
    assert report["build_all"]["issues"] == 2 and report["build_all"]["speedup"] > 0
    printed = capsys.readouterr().out
    assert "b/a" in printed and f"{row['pages']:>6}" in printed


def test_exponent_is_fitted_from_24_pages_up() -> None:
    def row(target: int, pages: int, seconds: float) -> dict:
        return {"target_pages": target, "pages": pages, "b_seconds": seconds}

    # 8 pages carry a fixed cost that would bend the fit; from 24 pages up time is linear
    rows = [row(8, 8, 3.0), row(24, 24, 3.0), row(100, 100, 12.5), row(400, 400, 50.0)]
    assert _exponent(rows) == 1.0
    assert _exponent([row(8, 8, 1.0), row(24, 16, 4.0)]) == 2.0  # too few rows: all of them
    assert _exponent([row(8, 8, 1.0)]) is None
