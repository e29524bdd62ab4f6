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
ORDER = ["bench_import", "bench_pnf", "bench_monitor", "bench_screens"]


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
        print(result.get("markdown", ""), flush=True)
        parts += [
            f"## {result.get('title', name)}",
            "",
            result.get("markdown", "").strip(),
            "",
            f"_(section ran in {took:.1f} s)_",
            "",
        ]
    args.out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
