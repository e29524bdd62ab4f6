"""Benchmark of the P&F engine: many symbols, high/low method, full per-bar event log.

Workload: seeded random walks (daily log-return sigma 1 %, high/low half-range sigma 0.5 %),
5,000 symbols x 5,000 bars (``--quick``: 500 x 2,000), 1 % boxes, 3-box reversal.

The engine's chart kernel writes a packed event log: per bar the current box (int32) and one
byte of action / signal-fired / trend bits (5 bytes per bar), plus the two starting boxes per
symbol; every other field (column, direction, boxes added, signal in effect, consecutive
signals, trend line, status) is replayed from it on access
(:meth:`sizeup.analytics.pnf._panel.PackedPanel.field`).

Side by side:

- sizeup engine (:func:`sizeup.analytics.pnf._panel.build_panel_packed`) on 1 and 2 threads,
  both thread backends (a thread pool over nogil kernel calls, and numba ``prange``), fresh
  and reused outputs;
- the cost of expanding fields from the packed log (one field, every field on the last bar, and
  :func:`~sizeup.analytics.pnf._panel.build_panel`: build plus all 11 per-bar arrays);
- the pandas front door :func:`sizeup.analytics.pnf._chart.pnf_charts` (adds input validation);
- a minimal close-only numba column builder written here ("speed of light": one price per bar,
  two outputs, no signals or trend);
- pypnf (GPL; benchmark-only oracle) on a subset of symbols, extrapolated per bar.

Usage: ``python benchmarks/bench_pnf.py [--quick]``. ``run(quick)`` returns the results as a
dict for the lead's BENCHMARKS.md writer.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
from numba import njit

from sizeup.analytics.pnf import (
    REL_EPS,
    PackedPanel,
    PercentScale,
    build_panel,
    build_panel_packed,
    kernel_grid,
    packed_outputs,
    pnf_charts,
)

BOX = PercentScale(0.01)
REVERSAL = 3


@njit(nogil=True)  # no cache: this file is also loaded by path from the tests
def _minimal_close_builder(close, tab, off, rev, s0, s1, col_out, box_out):  # pragma: no cover
    """Close-only column builder on a level table: column id and extreme box per bar.

    Same columns as the engine's close method (first close sets the box; no NaN handling, no
    tolerance, no signals, no trend); box indices are table positions plus ``off``.
    """
    nt = tab.shape[0]
    for s in range(s0, s1):
        c = close[s]
        n = c.shape[0]
        # up(c0) and dn(c0) by binary search
        lo, hi = 0, nt
        while lo < hi:
            mid = (lo + hi) >> 1
            if tab[mid] <= c[0]:
                lo = mid + 1
            else:
                hi = mid
        k_up = lo - 1
        lo, hi = 0, nt
        while lo < hi:
            mid = (lo + hi) >> 1
            if tab[mid] < c[0]:
                lo = mid + 1
            else:
                hi = mid
        k_dn = lo
        up_at = tab[k_up + 1]
        dn_at = tab[k_dn - 1]
        d = 0
        k = 0
        ncol = -1
        for t in range(n):
            p = c[t]
            if t > 0 and (p >= up_at or p <= dn_at):
                if d == 1:
                    if p >= up_at:
                        k += 1
                        while tab[k + 1] <= p:
                            k += 1
                    else:
                        ncol += 1
                        d = -1
                        k -= rev
                        while tab[k - 1] >= p:
                            k -= 1
                elif d == -1:
                    if p <= dn_at:
                        k -= 1
                        while tab[k - 1] >= p:
                            k -= 1
                    else:
                        ncol += 1
                        d = 1
                        k += rev
                        while tab[k + 1] <= p:
                            k += 1
                elif p >= up_at:
                    ncol = 0
                    d = 1
                    k = k_up + 1
                    while tab[k + 1] <= p:
                        k += 1
                else:
                    ncol = 0
                    d = -1
                    k = k_dn - 1
                    while tab[k - 1] >= p:
                        k -= 1
                if d == 1:
                    up_at = tab[k + 1]
                    dn_at = tab[k - rev]
                else:
                    up_at = tab[k + rev]
                    dn_at = tab[k - 1]
            col_out[s, t] = ncol
            box_out[s, t] = k + off


def _walks(m: int, n: int, seed: int = 20240101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(symbols, bars) C-contiguous high, low, close."""
    rng = np.random.default_rng(seed)
    close = np.empty((m, n))
    high = np.empty((m, n))
    low = np.empty((m, n))
    step = 500
    for s0 in range(0, m, step):
        s1 = min(m, s0 + step)
        r = rng.standard_normal((s1 - s0, n)) * 0.01
        c = 100.0 * np.exp(np.cumsum(r, axis=1))
        close[s0:s1] = c
        high[s0:s1] = c * np.exp(np.abs(rng.standard_normal((s1 - s0, n))) * 0.005)
        low[s0:s1] = c * np.exp(-np.abs(rng.standard_normal((s1 - s0, n))) * 0.005)
    return high, low, close


def _best(fn: Any, repeats: int) -> tuple[float, float]:
    """Best wall time and the CPU time (all threads) of that run."""
    best, cpu = math.inf, math.inf
    for _ in range(repeats):
        c = time.process_time()
        t = time.perf_counter()
        fn()
        wall = time.perf_counter() - t
        if wall < best:
            best, cpu = wall, time.process_time() - c
    return best, cpu


def _minimal(close: np.ndarray, threads: int, out: list[np.ndarray] | None = None) -> None:
    tab, off, _, _ = kernel_grid(BOX.kind, BOX.params(), REVERSAL)
    m, n = close.shape
    col, box = out if out is not None else (np.empty((m, n), np.int32), np.empty((m, n), np.int32))
    if threads == 1:
        _minimal_close_builder(close, tab, off, REVERSAL, 0, m, col, box)
        return
    bounds = [(m * c) // threads for c in range(threads + 1)]
    with ThreadPoolExecutor(threads) as pool:
        futs = [
            pool.submit(
                _minimal_close_builder,
                close,
                tab,
                off,
                REVERSAL,
                bounds[c],
                bounds[c + 1],
                col,
                box,
            )
            for c in range(threads)
        ]
        for f in futs:
            f.result()


def _engine(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    threads: int,
    backend: str,
    out: PackedPanel | None = None,
) -> PackedPanel:
    return build_panel_packed(
        high,
        low,
        close,
        np.zeros(close.shape[0], np.int64),
        kind=BOX.kind,
        params=BOX.params(),
        reversal=REVERSAL,
        eps=REL_EPS,
        threads=threads,
        backend=backend,
        out=out,
    )


def _engine_expanded(high: np.ndarray, low: np.ndarray, close: np.ndarray, threads: int) -> Any:
    return build_panel(
        high,
        low,
        close,
        np.zeros(close.shape[0], np.int64),
        kind=BOX.kind,
        params=BOX.params(),
        reversal=REVERSAL,
        eps=REL_EPS,
        threads=threads,
    )


def _pypnf_rate(high: np.ndarray, low: np.ndarray, close: np.ndarray, k: int) -> float | None:
    try:
        from pypnf import PointFigureChart  # GPL: benchmark-only oracle
    except ImportError:
        return None
    t = time.perf_counter()
    for s in range(k):
        PointFigureChart(
            {"high": high[s], "low": low[s], "close": close[s]},
            method="h/l",
            reversal=REVERSAL,
            boxsize=1,
            scaling="log",
        )
    return k * close.shape[1] / (time.perf_counter() - t)


def run(quick: bool = False) -> dict[str, Any]:
    """Run the benchmark; return the measured figures (bars per second, ratios)."""
    m, n = (500, 2000) if quick else (5000, 5000)
    repeats = 5
    high, low, close = _walks(m, n)
    bars = m * n
    small = (slice(0, 4), slice(None))
    # compile / load caches outside the timings
    _engine(high[small], low[small], close[small], 1, "pool")
    _engine(high[small], low[small], close[small], 2, "prange")
    _engine_expanded(high[small], low[small], close[small], 2)
    _minimal(close[small], 1)

    results: dict[str, Any] = {
        "workload": {
            "symbols": m,
            "bars": n,
            "total_bars": bars,
            "box": BOX.name,
            "reversal": REVERSAL,
            "method": "hl",
            "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        },
        "rows": [],
    }
    rows: list[dict[str, Any]] = results["rows"]

    def add(name: str, threads: int, timing: tuple[float, float], note: str = "") -> None:
        seconds, cpu = timing
        rows.append(
            {
                "name": name,
                "threads": threads,
                "seconds": seconds,
                "bars_per_s": bars / seconds,
                "bars_per_cpu_s": bars / cpu if cpu > 0 else None,
                "note": note,
            }
        )

    packed_note = "hl, packed event log (5 B/bar), fresh outputs"
    for threads in (1, 2):
        add(
            "sizeup engine (thread pool)",
            threads,
            _best(lambda t=threads: _engine(high, low, close, t, "pool"), repeats),
            packed_note,
        )
    add(
        "sizeup engine (numba prange)",
        2,
        _best(lambda: _engine(high, low, close, 2, "prange"), repeats),
        packed_note,
    )
    out = packed_outputs(m, n)
    for threads in (1, 2):
        add(
            "sizeup engine, outputs reused",
            threads,
            _best(lambda t=threads: _engine(high, low, close, t, "pool", out), repeats),
            "hl, packed event log, out= buffers",
        )
    packed = _engine(high, low, close, 2, "pool", out)
    add(
        "derive one field from the packed log",
        2,
        _best(lambda: packed.field("trend_line", threads=2), repeats),
        "trend_line (replay incl. line anchors), fresh output",
    )
    add(
        "derive every field on the last bar",
        2,
        _best(lambda: packed.last(threads=2), repeats),
        "PackedPanel.last (one replay)",
    )
    add(
        "build_panel: engine + all 11 per-bar arrays",
        2,
        _best(lambda: _engine_expanded(high, low, close, 2), 2),
        "hl, 11 expanded arrays (29 B/bar), fresh",
    )

    idx = pd.bdate_range("2000-01-03", periods=n)
    cols = pd.Index([f"S{i}" for i in range(m)])
    fh = pd.DataFrame(high.T, index=idx, columns=cols, copy=False)
    fl = pd.DataFrame(low.T, index=idx, columns=cols, copy=False)
    fc = pd.DataFrame(close.T, index=idx, columns=cols, copy=False)
    add(
        "sizeup pnf_charts (DataFrames in)",
        2,
        _best(
            lambda: pnf_charts(fc, high=fh, low=fl, box=BOX, reversal=REVERSAL, threads=2),
            repeats,
        ),
        "incl. input validation",
    )

    for threads in (1, 2):
        add(
            "minimal close-only builder",
            threads,
            _best(lambda t=threads: _minimal(close, t), repeats),
            "close, 2 outputs, fresh",
        )
    mout = [np.empty((m, n), np.int32), np.empty((m, n), np.int32)]
    for threads in (1, 2):
        add(
            "minimal close-only builder, outputs reused",
            threads,
            _best(lambda t=threads: _minimal(close, t, mout), repeats),
            "close, 2 outputs",
        )

    k = 5 if quick else 20
    rate = _pypnf_rate(high, low, close, k)
    if rate is not None:
        rows.append(
            {
                "name": "pypnf",
                "threads": 1,
                "seconds": bars / rate,
                "bars_per_s": rate,
                "bars_per_cpu_s": None,
                "note": f"{k} symbols timed, extrapolated",
            }
        )

    by = {(r["name"], r["threads"]): r["bars_per_s"] for r in rows}
    engine2 = max(by[("sizeup engine (thread pool)", 2)], by[("sizeup engine (numba prange)", 2)])
    reused2 = by[("sizeup engine, outputs reused", 2)]
    results["ratios"] = {
        "engine_2t_bars_per_s": engine2,
        "engine_reused_2t_bars_per_s": reused2,
        "minimal_over_engine_2t": by[("minimal close-only builder", 2)] / engine2,
        "minimal_over_engine_reused_2t": by[("minimal close-only builder, outputs reused", 2)]
        / reused2,
        "engine_2t_over_1t": engine2 / by[("sizeup engine (thread pool)", 1)],
        "engine_2t_over_pypnf": engine2 / rate if rate else None,
    }
    return results


def markdown(results: dict[str, Any]) -> str:
    """Render the results as a Markdown table with ratios."""
    w = results["workload"]
    lines = [
        f"P&F engine: {w['symbols']:,} symbols x {w['bars']:,} bars = {w['total_bars']:,} bars, "
        f"{w['box']} boxes, {w['reversal']}-box reversal, {w['method']} method "
        f"(cpus {w['cpu_count']}, load average {w['load_average']})",
        "",
        "Engine output: packed per-bar event log (int32 box + uint8 action/signal/trend bits = "
        "5 bytes per bar, plus 2 start boxes per symbol); other fields replayed on access.",
        "",
        "| engine | threads | seconds (wall) | M bars/s | M bars per CPU-s | note |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results["rows"]:
        per_cpu = f"{r['bars_per_cpu_s'] / 1e6:,.1f}" if r["bars_per_cpu_s"] else ""
        lines.append(
            f"| {r['name']} | {r['threads']} | {r['seconds']:.3f} | "
            f"{r['bars_per_s'] / 1e6:,.2f} | {per_cpu} | {r['note']} |"
        )
    q = results["ratios"]
    lines.append("")
    lines.append(
        f"engine on 2 threads: {q['engine_2t_bars_per_s'] / 1e6:.1f} M bars/s; "
        f"minimal builder / engine = {q['minimal_over_engine_2t']:.2f}x "
        f"(outputs reused: {q['minimal_over_engine_reused_2t']:.2f}x); "
        f"2 threads / 1 thread = {q['engine_2t_over_1t']:.2f}x"
        + (
            f"; engine / pypnf = {q['engine_2t_over_pypnf']:,.0f}x"
            if q["engine_2t_over_pypnf"]
            else ""
        )
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 symbols x 2,000 bars")
    args = parser.parse_args()
    print(markdown(run(quick=args.quick)))


if __name__ == "__main__":
    main()
