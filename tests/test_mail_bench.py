"""The benchmark's mail case: a dry run of the whole command on a synthetic issue, with its
time and peak memory (the figures themselves are the benchmark's, not asserted here)."""

from __future__ import annotations

import csv
from pathlib import Path

from notespress.bench import bench_mail, make_subscribers


def test_make_subscribers_gives_distinct_valid_lines(tmp_path: Path) -> None:
    from notespress.mail import read_subscribers

    path = make_subscribers(tmp_path / "s.csv", 50)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 50 and len({r["email"] for r in rows}) == 50
    result = read_subscribers(path)
    assert len(result.subscribers) == 50 and result.warnings == []
    assert any("," in s.name for s in result.subscribers)
    assert {s.lang for s in result.subscribers} == {"", "fr"}


def test_bench_mail_runs_the_dry_run(tmp_path: Path) -> None:
    figures = bench_mail(tmp_path / "mail", subscribers=25, repeat=1, pages=4)
    assert figures["subscribers"] == 25 and figures["written"] == 25
    assert figures["seconds"] > 0 and figures["peak_mb"] > 20
    assert 0 < figures["cpu_seconds"] <= figures["seconds"] * 2
    assert figures["pdf_kb"] > 10 and len(figures["samples"]) == 1
