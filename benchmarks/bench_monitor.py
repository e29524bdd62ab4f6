"""Benchmark of ``sizeup monitor`` on the imported shared data (full IWM universe).

Workload: a store holding ^RUT / ^GSPC levels, the ETFs of ``etf_adjclose_dsturdy`` and the
1,848 IWM members' adjusted closes 2000-2026 with the 2026-05-05 IWM holdings snapshot. The
store is built once (through :func:`sizeup.data.ingest.import_paths` when that module exists,
else with a small loader here) under ``$SIZEUP_BENCH_STORE`` (default
``/tmp/sizeup_bench_monitor_store``) and reused.

Timed: loading the inputs from the store, then each monitor section (scoreboard, streaks,
records, calendar, breadth, bullish percent, RS breadth, fund scores). "Warm" = second run in
the same process (numba kernels compiled, files in the OS cache). ``--quick`` restricts the
universe to 200 members.

Usage: ``python benchmarks/bench_monitor.py [--quick]``; ``run(quick)`` returns a dict.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sizeup.app.monitor import build_monitor, load_monitor_inputs
from sizeup.data.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
STORE = Path(os.environ.get("SIZEUP_BENCH_STORE", "/tmp/sizeup_bench_monitor_store"))
ETFS = ("IWM", "SPY", "IJR", "RSP", "IVV", "VB", "SCHA", "VOO", "IWB")


def _bars(sym: str, close: pd.Series, source: str) -> pd.DataFrame:
    close = close.dropna()
    return pd.DataFrame(
        {
            "symbol": sym,
            "date": close.index,
            "open": np.nan,
            "high": np.nan,
            "low": np.nan,
            "close": close.to_numpy(),
            "adj_close": close.to_numpy(),
            "volume": np.nan,
            "source": source,
        }
    )


def _fallback_import(store: Store) -> None:
    """Minimal loader used only while sizeup.data.ingest is not available."""
    frames = []
    rut = pd.read_csv(SHARED / "indexes/RUT_1987_2024_hjyssg.csv.gz", index_col=0, parse_dates=True)
    rut2 = pd.read_csv(
        SHARED / "indexes/RUT_2021_2026_shresth.csv",
        skiprows=3,
        header=None,
        index_col=0,
        parse_dates=True,
    )
    spx = pd.read_csv(
        SHARED / "indexes/SPX_1927_2026_hjyssg.csv.gz",
        skiprows=3,
        header=None,
        index_col=0,
        parse_dates=True,
    )
    frames.append(_bars("^RUT", rut["Close"].combine_first(rut2[1]), "bench"))
    frames.append(_bars("^GSPC", spx[2], "bench"))
    for sym in ETFS:
        s = pd.read_csv(SHARED / f"etf_adjclose_dsturdy/{sym}.csv", index_col=0, parse_dates=True)
        frames.append(_bars(sym, s["Close"], "bench"))
    store.write({"bars": pd.concat(frames, ignore_index=True)})
    wide = pd.read_csv(
        SHARED / "xsec/iwm_members_adjclose_2000_2026.csv.gz",
        index_col=0,
        parse_dates=True,
        engine="pyarrow",
    )
    long = (
        wide.rename_axis("date")
        .reset_index()
        .melt(id_vars="date", var_name="symbol", value_name="close")
    )
    long = long.dropna(subset=["close"])
    long = long.assign(
        open=np.nan, high=np.nan, low=np.nan, adj_close=long["close"], volume=np.nan,
        source="bench-xsec",
    )  # fmt: skip
    store.write({"bars": long})
    hold = pd.read_csv(SHARED / "holdings/IWM_holdings_2026-05-05.csv", skiprows=9)
    hold = hold[hold["Asset Class"] == "Equity"]
    store.write(
        {
            "holdings": pd.DataFrame(
                {
                    "fund": "IWM",
                    "as_of": pd.Timestamp("2026-05-05"),
                    "symbol": hold["Ticker"].astype(str),
                    "name": hold["Name"],
                    "sector": hold["Sector"],
                    "asset_class": "Equity",
                    "weight": pd.to_numeric(hold["Weight (%)"], errors="coerce") / 100,
                    "shares": np.nan,
                    "price": np.nan,
                    "market_value": np.nan,
                    "source": "bench",
                }
            ).drop_duplicates("symbol")
        }
    )


def build_store() -> tuple[Store, str]:
    """The benchmark store (built on first use) and how it was built."""
    store = Store.open(STORE)
    marker = STORE / ".bench_ready"
    if marker.exists():
        return store, marker.read_text()
    try:
        from sizeup.data.ingest import import_paths  # type: ignore[attr-defined]
    except ImportError:
        _fallback_import(store)
        how = "fallback loader (sizeup.data.ingest missing)"
    else:
        paths = [
            SHARED / "indexes/RUT_1987_2024_hjyssg.csv.gz",
            SHARED / "indexes/RUT_2021_2026_shresth.csv",
            SHARED / "indexes/SPX_1927_2026_hjyssg.csv.gz",
            *(SHARED / f"etf_adjclose_dsturdy/{s}.csv" for s in ETFS),
            SHARED / "xsec/iwm_members_adjclose_2000_2026.csv.gz",
            SHARED / "holdings/IWM_holdings_2026-05-05.csv",
        ]
        import_paths(paths, store)
        how = "sizeup.data.ingest.import_paths"
    marker.write_text(how)
    return store, how


def _one(store: Store, quick: bool) -> dict[str, float]:
    t0 = time.perf_counter()
    inputs = load_monitor_inputs(store)
    t_load = time.perf_counter() - t0
    if quick and inputs.members is not None:
        keep = inputs.members.columns[:200]
        pos = inputs.members.columns.get_indexer(keep)
        inputs = type(inputs)(
            asof=inputs.asof,
            levels=inputs.levels,
            tr=inputs.tr,
            members=inputs.members[keep],
            member_mask=None if inputs.member_mask is None else inputs.member_mask[:, pos],
            membership_note=inputs.membership_note,
            universe=inputs.universe,
            missing=inputs.missing,
            sources=inputs.sources,
            notes=inputs.notes,
        )
    t1 = time.perf_counter()
    m = build_monitor(inputs)
    t_build = time.perf_counter() - t1
    out = {"load": t_load, **m.timings, "compute": t_build, "total": t_load + t_build}
    out["members"] = float(0 if inputs.members is None else inputs.members.shape[1])
    out["member_rows"] = float(0 if inputs.members is None else inputs.members.shape[0])
    return out


def run(quick: bool = False) -> dict[str, Any]:
    """Build (or reuse) the store, run the monitor cold then warm; timings in seconds."""
    t0 = time.perf_counter()
    store, how = build_store()
    setup = time.perf_counter() - t0
    cold = _one(store, quick)
    warm = _one(store, quick)
    return {
        "store": str(STORE),
        "store_built_by": how,
        "setup_seconds": setup,
        "cold": cold,
        "warm": warm,
        "warm_under_5s": warm["total"] < 5.0,
        "cpu_count": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    res = run(parser.parse_args().quick)
    print(f"store: {res['store']} ({res['store_built_by']}), setup {res['setup_seconds']:.1f}s")
    for phase in ("cold", "warm"):
        parts = ", ".join(f"{k} {v:.2f}" for k, v in res[phase].items())
        print(f"{phase}: {parts}")
    print(f"warm total under 5 s: {res['warm_under_5s']}")


if __name__ == "__main__":
    main()
