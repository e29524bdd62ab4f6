"""Run every benchmark side by side with its peers and write BENCHMARKS.md.

Each ``benchmarks/bench_*.py`` module exposes ``run(quick: bool) -> dict`` returning
``{"title": str, "markdown": str, ...}``. Benchmarks report figures and ratios; they are not
timed tests (tests assert correctness).

Usage: ``python benchmarks/run.py [--quick] [--only NAME] [--out BENCHMARKS.md]``
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "bench_import",
    "bench_cli",
    "bench_pnf",
    "bench_monitor",
    "bench_screens",
    "bench_backtest",
    "bench_check",
    "bench_web",
]
TITLES = {
    "bench_import": "Import of ../shared/data and panel read-back (issue 2)",
    "bench_cli": "Command start-up and answer times, whole process (issue 10)",
    "bench_pnf": "Point-and-figure engine vs peers (issue 4)",
    "bench_monitor": "sizeup monitor on the full IWM universe (issue 5)",
    "bench_screens": "Screen over 6,000 companies x 40 quarters (issue 7)",
    "bench_backtest": "Backtest engine and sweeps vs vectorbt and bt (issue 13)",
    "bench_check": "sizeup check on a 1,000-word article (issue 15)",
    "bench_web": "sizeup serve: rotation data latency and a 50-client load test (issue 14)",
}


def _flatten(value: object, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        rows: list[tuple[str, str]] = []
        for key, inner in value.items():
            rows += _flatten(
                inner, f"{prefix}{key}." if not isinstance(inner, dict) or True else ""
            )
        return [(k.rstrip("."), v) for k, v in rows]
    if isinstance(value, float):
        return [(prefix, f"{value:,.4g}")]
    return [(prefix, str(value))]


def _render(module: object, result: dict) -> str:
    """Markdown of a result: the module's own renderer if it has one, else a key/value table."""
    if isinstance(result.get("markdown"), str):
        return result["markdown"]
    for attr in ("markdown", "_markdown"):
        fn = getattr(module, attr, None)
        if callable(fn):
            return str(fn(result))
    rows = _flatten(result)
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows if k]
    return "\n".join(lines)


def _machine() -> str:
    import numba
    import numpy
    import pandas

    cpu = platform.processor() or platform.machine()
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"pandas {pandas.__version__}, numba {numba.__version__}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller workloads")
    parser.add_argument("--only", action="append", help="run only these modules")
    parser.add_argument("--out", type=Path, default=HERE.parent / "BENCHMARKS.md")
    parser.add_argument(
        "--update",
        action="store_true",
        help="replace only the sections of the modules run, keep the others in --out",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    names = [n for n in ORDER if (HERE / f"{n}.py").exists()]
    if args.only:
        names = [n for n in names if n in args.only or n.removeprefix("bench_") in args.only]
    parts = [
        "# sizeup benchmarks",
        "",
        f"Written by `make bench` ({'quick' if args.quick else 'full'} run) on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        f"Machine: {_machine()}.",
        "",
        "Figures are wall-clock medians of the stated repeats; ratios compare runs made in the "
        "same process, side by side. Correctness is asserted by the test suite, not here.",
        "",
    ]
    failed = 0
    for name in names:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(name)
            result = module.run(quick=args.quick)
        except Exception:  # a broken benchmark is reported, the others still run
            failed += 1
            parts += [f"## {name}", "", "```", traceback.format_exc(), "```", ""]
            print(traceback.format_exc(), flush=True)
            continue
        took = time.perf_counter() - started
        text = _render(module, result)
        print(text, flush=True)
        parts += [
            f"## {result.get('title', TITLES.get(name, name))}",
            "",
            text.strip(),
            "",
            f"_(section ran in {took:.1f} s)_",
            "",
        ]
    text = "\n".join(parts)
    if args.update and args.out.exists():
        text = _merge(args.out.read_text(encoding="utf-8"), text)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if failed else 0


def _sections(text: str) -> tuple[str, dict[str, str]]:
    head, *rest = text.split("\n## ")
    return head, {r.split("\n", 1)[0]: "## " + r for r in rest}


def _merge(old: str, new: str) -> str:
    """Sections of ``new`` replace those of ``old`` with the same title; others are kept."""
    _, old_secs = _sections(old)
    head, new_secs = _sections(new)
    merged = dict(old_secs)
    merged.update(new_secs)
    order = [t for t in old_secs] + [t for t in new_secs if t not in old_secs]
    return head.rstrip() + "\n\n" + "\n".join(merged[t].rstrip() + "\n" for t in order)


if __name__ == "__main__":
    raise SystemExit(main())
