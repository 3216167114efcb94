"""Benchmark: notespress against bare WeasyPrint on synthetic issues.

    python -m notespress.bench                      # 8, 24, 100 and 400 pages, 3 repetitions
    python -m notespress.bench --pages 8,24 --repeat 5 --output bench.json

For each size, a synthetic issue is generated from a fixed seed (articles with footnotes,
figures and tables, and a platform). The cases run in separate processes, interleaved (every
case of every size in turn, repetition after repetition) so that machine noise hits all alike:

  a  floor: bare WeasyPrint writing the same assembled HTML to one PDF
  b  `notespress build`, cold, all default editions
  c  `notespress build` again with nothing changed (the whole command)
  d  the rebuild after one article changed

It prints medians and the ratios b/a, c/a, d/a, the peak memory of b, and writes them as JSON.
Apart from the sizes, `mail`: a dry run of `notespress mail` (one .eml file per subscriber)
to 10,000 synthetic subscribers (`--mail N`), its time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TypedDict

WORDS = (
    "the", "workers", "meeting", "strike", "wage", "price", "rent", "union", "capital",
    "profit", "war", "state", "class", "struggle", "assembly", "delegates", "shift", "warehouse",
    "hospital", "contract", "overtime", "heat", "speed", "quota", "management", "solidarity",
    "sector", "border", "crisis", "accumulation", "military", "budget", "factory", "line",
    "night", "day", "city", "province", "movement", "committee", "strike", "fund", "picket",
    "organisation", "internationalism", "revolution", "history", "lesson", "question",
    "answer",
)
WORDS_PER_PAGE = 505


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, words: int) -> str:
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(_sentence(rng))
    return " ".join(out)


def make_workspace(folder: Path, pages: int, seed: int = 12) -> Path:
    """A publication with one issue of about `pages` pages."""
    from PIL import Image, ImageDraw

    from .scaffold import init_workspace

    rng = random.Random(seed + pages)
    root = init_workspace(folder, name="Bench Notes").root
    shutil.rmtree(root / "issues")
    issue = root / "issues" / "issue-1"
    (issue / "images").mkdir(parents=True)
    picture = Image.new("RGB", (1600, 1000), (200, 200, 200))
    draw = ImageDraw.Draw(picture)
    for x in range(0, 1600, 80):
        draw.rectangle([x, 1000 - rng.randint(100, 900), x + 60, 1000], fill=(60, 60, 60))
    picture.save(issue / "images" / "chart.png")
    total_words = pages * WORDS_PER_PAGE
    articles = max(2, pages // 4)
    per_article = total_words // articles
    for n in range(1, articles + 1):
        body: list[str] = []
        words = 0
        note = 0
        while words < per_article:
            size = rng.randint(60, 160)
            text = _paragraph(rng, size)
            if rng.random() < 0.25:
                note += 1
                text += f"[^{note}]"
            body.append(text)
            words += size
            if rng.random() < 0.05:
                body.append("![A chart of the period.](images/chart.png)")
            if rng.random() < 0.04:
                body.append("| Year | Wage | Price |\n|---|---:|---:|\n| 2024 | 21.5 | 100 |\n"
                            "| 2025 | 22.0 | 104 |")
            if rng.random() < 0.08:
                body.append(f"## {_sentence(rng)[:40].rstrip('.')}")
        notes = [f"[^{i}]: {_sentence(rng)}" for i in range(1, note + 1)]
        (issue / f"{n:03d}-article.md").write_text(
            f"---\ntitle: Article {n}\nauthor: Writer {n}\n---\n\n" + "\n\n".join(body)
            + "\n\n" + "\n".join(notes) + "\n", encoding="utf-8")
    (issue / "issue.yaml").write_text("number: 1\ndate: 2026-11-30\ntitle: Benchmark\n")
    return root


# ------------------------------------------------------------------ the cases (child side)


def _child(case: str, root: Path) -> dict[str, float]:
    start = time.perf_counter()
    if case == "mail":  # the whole command, in this process, to measure its peak memory
        from .cli import app

        try:
            app(["mail", "issue-1", "-w", str(root), "-s", str(root / "subscribers.csv")],
                prog_name="notespress")
        except SystemExit as exc:
            if exc.code:
                raise
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb(),
                "cpu_seconds": usage.ru_utime + usage.ru_stime}
    if case == "a":
        from .build import font_dirs
        from .render import _only_our_fonts, make_url_fetcher
        from .resources import default_fonts, default_layouts

        html = next((root / "build" / "issue-1").glob("*.html")).read_text(encoding="utf-8")
        start = time.perf_counter()
        from weasyprint import HTML

        with _only_our_fonts(font_dirs(root)):
            HTML(string=html, base_url=root.as_uri() + "/",
                 url_fetcher=make_url_fetcher((root, default_layouts(), default_fonts()))
                 ).write_pdf(root / "floor.pdf")
    else:
        from .build import build

        build(root, "issue-1")
    elapsed = time.perf_counter() - start
    # the editions are written by forked workers, which share the parent's pages until they
    # write to them: their peak is reported apart
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": elapsed, "peak_mb": _peak_mb(), "peak_worker_mb": workers}


def _peak_mb() -> float:
    """This process's peak resident memory since it started its program. (ru_maxrss would
    count the memory of the parent it was forked from, before exec.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_case(case: str, root: Path) -> dict[str, float]:
    if case == "b":  # cold: no earlier editions, and no pictures kept from them
        shutil.rmtree(root / "build" / "issue-1", ignore_errors=True)
        shutil.rmtree(root / "build" / ".cache", ignore_errors=True)
        (root / "build" / "issue-1").mkdir(parents=True)
        html_copy = root / "bench-html"
        if html_copy.is_dir():  # the floor needs the assembled HTML
            for path in html_copy.iterdir():
                shutil.copy(path, root / "build" / "issue-1")
    if case == "d":
        article = sorted((root / "issues" / "issue-1").glob("*.md"))[0]
        article.write_text(article.read_text() + f"\nOne more line {time.time_ns()}.\n")
    if case == "c":  # the whole command, as an editor runs it
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "notespress", "build", "issue-1", "-w",
                        str(root)], check=True, capture_output=True)
        return {"seconds": time.perf_counter() - start, "peak_mb": 0.0}
    done = subprocess.run([sys.executable, "-m", "notespress.bench", "--child", case,
                           str(root)], check=True, capture_output=True, text=True)
    measured: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def _bench_all(folder: Path, count: int) -> dict[str, float]:
    """`notespress build --all` (the whole command) of `count` stale 8-page issues: everything
    in one process, then one process per core."""
    root = make_workspace(folder, 8)
    for number in range(2, count + 1):
        target = root / "issues" / f"issue-{number}"
        shutil.copytree(root / "issues" / "issue-1", target)
        (target / "issue.yaml").write_text(f"number: {number}\ndate: 2026-11-30\n")
    cores = os.cpu_count() or 1
    timings = {}
    for label, jobs in (("one_process", 1), ("parallel", cores)):
        shutil.rmtree(root / "build", ignore_errors=True)
        env = dict(os.environ)
        if jobs == 1:  # not even the editions side by side
            env["NOTESPRESS_SERIAL"] = "1"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "notespress", "build", "--all", "--jobs",
                        str(jobs), "-w", str(root)], check=True, capture_output=True, env=env)
        timings[label] = time.perf_counter() - start
    return {"issues": count, "processes": cores, **timings,
            "speedup": timings["one_process"] / timings["parallel"]}


def _demo_workspace(folder: Path) -> Path:
    """A copy of the demo publication (the repository's issues/issue-12), or, from an
    installed notespress without it, a synthetic 16-page issue named issue-12."""
    from .resources import defaults_dir

    checkout = defaults_dir()
    if (checkout / "issues" / "issue-12" / "issue.yaml").is_file():
        folder.mkdir(parents=True)
        for name in ("notespress.yaml", "issues", "platform", "layouts", "fonts"):
            source = checkout / name
            if source.is_dir():
                shutil.copytree(source, folder / name)
            elif source.is_file():
                shutil.copy(source, folder / name)
        return folder
    root = make_workspace(folder, 16)
    (root / "issues" / "issue-1").rename(root / "issues" / "issue-12")
    return root


def _edits(article: Path, repetition: int) -> list[tuple[str, str]]:
    """Two edits of an article as an editor makes them: a word changed in the middle (the
    same length), and a sentence added to a paragraph."""
    text = article.read_text(encoding="utf-8")
    body_start = text.index("\n---", 3) + 4
    paragraphs = [m.start() for m in re.finditer(r"\n\n(?=[A-Za-z])", text[body_start:])]
    middle = body_start + paragraphs[len(paragraphs) // 2] + 2
    word = re.search(r"\b[a-z]{4,}\b", text[middle:])
    assert word is not None
    at = middle + word.start()
    changed = text[:at] + word.group(0).upper() + text[at + len(word.group(0)):]
    end = text.index("\n\n", middle)
    added = text[:end] + f" A sentence added in edit {repetition}." + text[end:]
    return [("word changed", changed), ("sentence added", added)]


class PreviewSample(TypedDict):
    article: str
    edit: str
    seconds: float  # from the save to the changed pages' pictures served
    server_seconds: float  # the preview's own time (from the change seen)
    how: str
    redrawn: int
    provisional: bool
    errors: list[str]


class PreviewBench(TypedDict):
    edits: int
    median: float
    max: float
    under_1_5_s: int
    samples: list[PreviewSample]


def bench_preview(work: Path, repeat: int) -> PreviewBench:
    """`notespress preview` of the demo issue, in its own process: from saving an edited
    article to the preview's build counter changing and the changed pages' pictures served."""
    import urllib.request

    root = _demo_workspace(work / "preview")
    env = dict(os.environ)
    process = subprocess.Popen([sys.executable, "-m", "notespress", "preview", "issue-12",
                                "-w", str(root), "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"http://[\d.]+:\d+/", first)
        if match is None:
            raise RuntimeError(f"preview did not start: {first!r}")
        base = match.group(0)

        def state() -> dict[str, Any]:
            with urllib.request.urlopen(base + "state.json", timeout=30) as answer:
                now: dict[str, Any] = json.load(answer)
                return now

        def wait_for(build: int, limit: float = 120.0) -> dict[str, Any]:
            deadline = time.perf_counter() + limit
            while time.perf_counter() < deadline:
                now = state()
                if now["build"] > build:
                    return now
                time.sleep(0.005)
            raise RuntimeError("the preview did not answer in time")

        now = wait_for(0)
        articles = sorted((root / "issues" / "issue-12").glob("*.md"))
        samples: list[PreviewSample] = []
        for repetition in range(repeat):
            for article in articles:
                for label, text in _edits(article, repetition):
                    while now["provisional"]:  # the follow-up layout of the whole issue
                        now = wait_for(now["build"])
                    time.sleep(0.3)  # the watcher settles
                    before = now["build"]
                    start = time.perf_counter()
                    article.write_text(text, encoding="utf-8")
                    now = wait_for(before)
                    for number in now["changed"]:
                        version = now["pages"][number - 1]["version"]
                        with urllib.request.urlopen(
                                f"{base}pages/{number}.png?v={version}", timeout=30) as page:
                            page.read()
                    samples.append({"article": article.name, "edit": label,
                                    "seconds": round(time.perf_counter() - start, 3),
                                    "server_seconds": now["seconds"], "how": now["how"],
                                    "redrawn": len(now["changed"]),
                                    "provisional": now["provisional"],
                                    "errors": now["errors"]})
    finally:
        process.terminate()
        process.wait(timeout=30)
    seconds = sorted(s["seconds"] for s in samples)
    return {"edits": len(samples), "median": statistics.median(seconds),
            "max": seconds[-1], "under_1_5_s": sum(1 for s in seconds if s < 1.5),
            "samples": samples}
NAMES = ("Ana Reyes", "Chris O'Neil", "Dana", "Ève Martin", "Farid Rahimi", "مریم رضایی", "",
         "Jo, the treasurer")


def make_subscribers(path: Path, count: int, seed: int = 12) -> Path:
    """A subscribers CSV of `count` distinct addresses, with names (some non-ASCII, some
    with commas) and a language for one in five."""
    import csv

    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "lang"])
        for n in range(count):
            writer.writerow([f"reader{n}+news@example.org", rng.choice(NAMES),
                             rng.choice(("", "", "", "", "fr"))])
    return path


def bench_mail(folder: Path, subscribers: int, repeat: int, pages: int = 8) -> dict[str, float]:
    """`notespress mail issue-1 -s subscribers.csv` (a dry run: one .eml per subscriber) on
    a synthetic issue of about `pages` pages, built beforehand: the median time of the whole
    command, the processor time it used (less sensitive to a busy machine), and its peak
    memory."""
    from .build import build

    root = make_workspace(folder, pages)
    with (root / "notespress.yaml").open("a", encoding="utf-8") as config:
        config.write("mail:\n  from: Bench Notes <notes@example.org>\n"
                     "  unsubscribe_url: https://example.org/unsubscribe?email={email}\n")
    make_subscribers(root / "subscribers.csv", subscribers)
    pdf = build(root, "issue-1").output("screen").path
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "notespress.bench", "--child", "mail",
                               str(root)], check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        runs.append({**json.loads(done.stdout.strip().splitlines()[-1]), "seconds": seconds})
    written = sum(1 for _ in (root / "build" / "issue-1" / "mail").glob("*.eml"))
    return {"subscribers": subscribers, "written": written,
            "pdf_kb": round(pdf.stat().st_size / 1024, 1),
            "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
            "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
            "peak_mb": round(max(r["peak_mb"] for r in runs), 1),
            "samples": [round(r["seconds"], 2) for r in runs]}


def _exponent(rows: list[dict[str, Any]]) -> float | None:
    """k in time ~ pages^k for the cold build: a least-squares fit in log-log over the issues
    of 24 pages and more (below that, fixed costs dominate), or over all when too few."""
    fitted = [r for r in rows if r["target_pages"] >= 24]
    if len({r["pages"] for r in fitted}) < 2:
        fitted = rows
    if len({r["pages"] for r in fitted}) < 2:
        return None
    xs = [math.log(r["pages"]) for r in fitted]
    ys = [math.log(r["b_seconds"]) for r in fitted]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
             / sum((x - mx) ** 2 for x in xs))
    return round(slope, 3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m notespress.bench",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="8,24,100,400")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=Path("bench.json"))
    parser.add_argument("--all-issues", type=int, default=8, metavar="N",
                        help="also time `build --all` of N stale issues, 1 process vs all "
                             "cores (0 to skip)")
    parser.add_argument("--preview", action="store_true",
                        help="only the preview case: from saving an article of the demo "
                             "issue to its new pages served by `notespress preview` "
                             "(--repeat rounds of two edits of every article)")
    parser.add_argument("--mail", type=int, default=10000, metavar="N",
                        help="also time a dry run of `notespress mail` to N subscribers "
                             "(0 to skip)")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child[0], Path(args.child[1]))))
        return
    if args.preview:
        work = Path(tempfile.mkdtemp(prefix="notespress-bench-"))
        try:
            result = bench_preview(work, args.repeat)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        args.output.write_text(json.dumps({"preview": result}, indent=2) + "\n")
        print(f"{'article':<28} {'edit':<15} {'seconds':>8} {'server':>7} {'redrawn':>7}  how")
        for sample in result["samples"]:
            print(f"{sample['article']:<28} {sample['edit']:<15} {sample['seconds']:>8.2f} "
                  f"{sample['server_seconds']:>7.2f} {sample['redrawn']:>7}  {sample['how']}"
                  f"{' (page numbers redone after)' if sample['provisional'] else ''}"
                  f"{' ERROR' if sample['errors'] else ''}")
        print(f"preview: {result['edits']} edits, median {result['median']:.2f} s, "
              f"max {result['max']:.2f} s, {result['under_1_5_s']} under 1.5 s")
        print(f"written to {args.output}")
        return

    sizes = [int(p) for p in args.pages.split(",")]
    work = Path(tempfile.mkdtemp(prefix="notespress-bench-"))
    roots = {}
    from .build import build

    for size in sizes:
        root = make_workspace(work / f"p{size}", size)
        # one build with the HTML, kept for the floor case
        built = build(root, "issue-1", html=True)
        keep = root / "bench-html"
        keep.mkdir()
        shutil.copy(built.output("html").path, keep)
        roots[size] = (root, built.output("print").pages)
    samples: dict[tuple[int, str], list[dict[str, float]]] = {}
    for repetition in range(args.repeat):
        for size in sizes:
            root = roots[size][0]
            for case in ("a", "b", "c", "d"):
                samples.setdefault((size, case), []).append(_run_case(case, root))
        print(f"repetition {repetition + 1}/{args.repeat} done", file=sys.stderr)

    rows = []
    for size in sizes:
        median = {case: statistics.median(s["seconds"] for s in samples[(size, case)])
                  for case in "abcd"}
        peak = max(s["peak_mb"] for s in samples[(size, "b")])
        peak_worker = max(s.get("peak_worker_mb", 0.0) for s in samples[(size, "b")])
        rows.append({"target_pages": size, "pages": roots[size][1],
                     **{f"{c}_seconds": round(median[c], 3) for c in "abcd"},
                     "b_over_a": round(median["b"] / median["a"], 3),
                     "c_over_a": round(median["c"] / median["a"], 3),
                     "d_over_a": round(median["d"] / median["a"], 3),
                     "peak_mb_b": round(peak, 1),
                     "peak_worker_mb_b": round(peak_worker, 1),
                     "samples": {c: [round(x["seconds"], 3) for x in samples[(size, c)]]
                                 for c in "abcd"}})
    exponent = _exponent(rows)
    report = {"machine": {"python": platform.python_version(), "system": platform.platform(),
                          "processor": platform.processor() or platform.machine(),
                          "cpus": os.cpu_count()},
              "repeat": args.repeat, "rows": rows, "time_exponent_b": exponent}
    if args.all_issues:
        report["build_all"] = _bench_all(work / "all", args.all_issues)
    if args.mail:
        report["mail"] = bench_mail(work / "mail", args.mail, args.repeat)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    header = (f"{'pages':>6} {'a floor':>9} {'b cold':>9} {'c same':>8} {'d one':>8} "
              f"{'b/a':>6} {'c/a':>6} {'d/a':>6} {'peak MB':>8} {'worker MB':>9}")
    print(header)
    for row in rows:
        print(f"{row['pages']:>6} {row['a_seconds']:>9.2f} {row['b_seconds']:>9.2f} "
              f"{row['c_seconds']:>8.2f} {row['d_seconds']:>8.2f} {row['b_over_a']:>6.2f} "
              f"{row['c_over_a']:>6.2f} {row['d_over_a']:>6.2f} {row['peak_mb_b']:>8.0f} "
              f"{row['peak_worker_mb_b']:>9.0f}")
    if exponent is not None:
        print(f"time grows as pages^{exponent} (cold build, fitted from 24 pages up)")
    if "build_all" in report:
        every = report["build_all"]
        print(f"build --all, {every['issues']} stale issues: {every['one_process']:.2f} s in one "
              f"process, {every['parallel']:.2f} s in {every['processes']} "
              f"({every['speedup']:.2f}x)")
    if "mail" in report:
        mail = report["mail"]
        print(f"mail dry run, {mail['subscribers']} subscribers, PDF of {mail['pdf_kb']:.0f} KB "
              f"attached: {mail['seconds']:.2f} s ({mail['cpu_seconds']:.2f} s of processor), "
              f"peak {mail['peak_mb']:.0f} MB")
    print(f"written to {args.output}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
