"""Benchmark of ``sizeup check`` (issue 15): a 1,000-word article checked against the full store.

Workload: a market-commentary article of about 1,000 words written from sentence templates of
this file (seeded choices of index, period, figure and direction; no third-party text), with
about one figure per sentence: returns over days, weeks, months and year to date, relative
returns, streaks, records, levels and yield changes. The store is built once by
``sizeup import ../shared/data`` under ``$SIZEUP_BENCH_FULL_STORE`` (default
``/tmp/sizeup_bench_full_store``).

Timed: :func:`sizeup.app.check.run_check` in process, cold (first call: grammar compiled,
dateparser loaded, prices read) and warm (median of 5 further calls on the same open store).
Goal: warm <= 2 s.

Usage: ``python benchmarks/bench_check.py [--quick]``; ``run(quick)`` returns a dict.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
STORE = Path(os.environ.get("SIZEUP_BENCH_FULL_STORE", "/tmp/sizeup_bench_full_store"))
GOAL_WARM_S = 2.0

_NAMES = ["The Russell 2000", "Small caps", "The S&P 500", "Large caps", "The Dow", "IWM"]
_UP = ["rose", "gained", "climbed", "added", "advanced"]
_DOWN = ["fell", "slipped", "declined", "dropped", "lost"]
_PERIODS = [
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "for the week",
    "last week",
    "so far this month",
    "last month",
    "year to date",
    "so far this year",
    "in the second half",
    "in the first quarter",
    "since the end of March",
    "since September 2024",
    "over the past three months",
]
_FILLER = (
    "Traders pointed to the economy, earnings and the path of interest rates as the reasons, "
    "and several strategists said the rotation could run further if growth holds up."
)


def article(words: int = 1000, seed: int = 15) -> str:
    """A synthetic article of about ``words`` words, written from this module's templates."""
    rng = random.Random(seed)
    out: list[str] = ["published: 2025-06-13", "---"]
    count = 0
    while count < words:
        kind = rng.randrange(7)
        name = rng.choice(_NAMES)
        period = rng.choice(_PERIODS)
        pct = f"{rng.uniform(0.1, 9.9):.1f}%"
        verb = rng.choice(_UP + _DOWN)
        if kind == 0:
            s = f"{name} {verb} {pct} {period}, while the Nasdaq {rng.choice(_DOWN)} {pct}."
        elif kind == 1:
            s = f"Small caps beat the S&P 500 by {pct} {period}."
        elif kind == 2:
            n = rng.randrange(2, 12)
            s = f"The Russell 2000 outperformed the S&P 500 for {n} straight sessions."
        elif kind == 3:
            s = f"The S&P 500 closed at a record high {period}."
        elif kind == 4:
            s = f"The 10-year yield {verb} {rng.randrange(2, 30)} basis points {period}."
        elif kind == 5:
            s = f"The Russell 2000 closed at {rng.uniform(1800, 2300):,.2f} on Friday."
        else:
            s = f"{name} {verb} more than {pct} {period}. {_FILLER}"
        out.append(s)
        count += len(s.split())
    return "\n".join(out)


def _ensure_store() -> float | None:
    if STORE.exists() and any(STORE.iterdir()):
        return None
    t0 = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("sizeup")),
            "--data-dir",
            str(STORE),
            "import",
            str(SHARED),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def run(quick: bool = False) -> dict[str, Any]:
    """Time the check of a 1,000-word article, cold and warm."""
    from sizeup.app.check import CheckRequest, run_check
    from sizeup.data.store import Store

    built = _ensure_store()
    text = article(500 if quick else 1000)
    words = len(text.split())
    store = Store.open(STORE)
    request = CheckRequest("-", allow_proxies=True, data=text.encode())
    t0 = time.perf_counter()
    first = run_check(request, store)
    cold = time.perf_counter() - t0
    warm_times = []
    cpu_times = []
    for _ in range(3 if quick else 5):
        t0, c0 = time.perf_counter(), time.process_time()
        result = run_check(request, store)
        warm_times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
    warm = statistics.median(warm_times)
    warm_cpu = statistics.median(cpu_times)
    counts = result.counts()
    assert first.counts() == counts
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| article | {words:,} words, {len(result.extraction.sentences)} sentences |",
        f"| claims | {len(result.checked)} ({', '.join(f'{k} {v}' for k, v in counts.items())}) |",
        f"| numbers not understood | {len(result.not_understood)} |",
        f"| cold (first call in the process) | {cold:.2f} s |",
        f"| warm (median of {len(warm_times)}) | {warm:.2f} s wall, {warm_cpu:.2f} s cpu "
        f"(goal <= {GOAL_WARM_S:g} s) |",
    ]
    if built is not None:
        lines.append(f"| store import (first build) | {built:.0f} s |")
    return {
        "title": "sizeup check on a 1,000-word article (issue 15)",
        "words": words,
        "claims": len(result.checked),
        "cold_s": cold,
        "warm_s": warm,
        "warm_cpu_s": warm_cpu,
        "goal_met": warm <= GOAL_WARM_S,
        "markdown": "\n".join(lines),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a 500-word article")
    args = parser.parse_args()
    res = run(args.quick)
    print(res["markdown"])
    return 0 if res["goal_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
