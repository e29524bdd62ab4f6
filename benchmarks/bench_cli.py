"""Whole-process timings of the commands users wait for (issue 10), beside ``python -c pass``.

Each command runs as its own process, 5 times after one warm-up run; the median wall time is
reported with the ratio to the bare interpreter start of the same run, and beside it the median
CPU time (user + sys of the child, from ``os.wait4``), which a loaded machine inflates far less
than wall time. Workload: a store built by ``sizeup import ../shared/data`` (once, under
``$SIZEUP_BENCH_FULL_STORE``, default ``/tmp/sizeup_bench_full_store``; the import time of that
first build is reported too).

"Warm" means what a user's second run sees: Python bytecode cached (the warm-up run writes it;
``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment, else every run would
recompile pandas & co. from source, ~3 s) and numba's on-disk JIT cache filled.

The monitor run also checks that reading writes nothing into the data directory: the set of
files with their sizes and modification times is compared before and after.

Usage: ``python benchmarks/bench_cli.py [--quick]``; ``run(quick)`` returns a dict.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
STORE = Path(os.environ.get("SIZEUP_BENCH_FULL_STORE", "/tmp/sizeup_bench_full_store"))
SIZEUP = str(Path(sys.executable).with_name("sizeup"))

GOALS = {"sizeup --help": 0.3, "sizeup monitor --asof 2025-12-12": 2.0, "sizeup pnf IWM": 1.0}


def _run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, bytes]:
    """Wall and CPU (user + sys) seconds, exit code and stderr of one child process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, proc.returncode, err.read()


def _time(cmd: list[str], repeats: int, env: dict[str, str]) -> dict[str, Any]:
    _run_once(cmd, env)  # warm-up (writes bytecode, fills numba's cache)
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu, code, err = _run_once(cmd, env)
        if code != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {err.decode()[-2000:]}")
        walls.append(wall)
        cpus.append(cpu)
    return {
        "median_s": statistics.median(walls),
        "cpu_median_s": statistics.median(cpus),
        "runs": [round(t, 3) for t in walls],
        "cpu_runs": [round(t, 3) for t in cpus],
    }


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def _ensure_store(env: dict[str, str]) -> float | None:
    if (STORE / ".sizeup-bench-complete").exists():
        return None
    t0 = time.perf_counter()
    subprocess.run(
        [SIZEUP, "--data-dir", str(STORE), "import", str(SHARED)],
        env=env,
        capture_output=True,
        check=False,
    )
    took = time.perf_counter() - t0
    (STORE / ".sizeup-bench-complete").write_text("ok")
    return took


def run(quick: bool = False) -> dict[str, Any]:
    """Time the commands and return the figures with a Markdown table."""
    repeats = 3 if quick else 5
    env = {**os.environ, "SIZEUP_DATA_DIR": str(STORE), "COLUMNS": "100"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # warm = bytecode cached, as after a first run
    built = _ensure_store(env)
    cases = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("sizeup --help", [SIZEUP, "--help"]),
        ("sizeup pnf IWM", [SIZEUP, "pnf", "IWM"]),
        ("sizeup monitor --asof 2025-12-12", [SIZEUP, "monitor", "--asof", "2025-12-12"]),
    ]
    rows: dict[str, Any] = {}
    before = _snapshot(STORE)
    load_before = os.getloadavg()[0]
    for label, cmd in cases:
        rows[label] = _time(cmd, repeats, env)
    after = _snapshot(STORE)
    base = rows["python -c pass"]["median_s"]
    lines = [
        f"Store: `{STORE}` (imported from ../shared/data"
        + (f" in {built:.1f} s this run" if built is not None else ", reused")
        + f"); median of {repeats} runs after one warm-up, each a separate process; "
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} before / "
        f"{os.getloadavg()[0]:.1f} after.",
        "",
        "| command | wall median (s) | x `python -c pass` | CPU median (s) | goal (s) "
        "| wall runs (s) | CPU runs (s) |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for label, r in rows.items():
        goal = GOALS.get(label)
        lines.append(
            f"| `{label}` | {r['median_s']:.3f} | {r['median_s'] / base:.1f} | "
            f"{r['cpu_median_s']:.3f} | {'' if goal is None else f'{goal:g}'} | "
            f"{', '.join(map(str, r['runs']))} | {', '.join(map(str, r['cpu_runs']))} |"
        )
    unchanged = before == after
    lines += ["", f"Data directory unchanged by these reads: {'yes' if unchanged else 'NO'}."]
    return {
        "title": "Command start-up and answer times, whole process (issue 10)",
        "rows": rows,
        "store_unchanged": unchanged,
        "markdown": "\n".join(lines),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sys.stdout.write(run(args.quick)["markdown"] + "\n")
