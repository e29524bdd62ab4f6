"""Benchmark: a screen over N companies x Q quarters of standard items (synthetic, real shape).

The synthetic items copy the shape of real filings: per company and quarter, the flow items
(revenue, operating income, net income, interest, D&A, operating cash flow, capex) as discrete
quarters, fiscal-year rows every fourth quarter, the balance-sheet items as instants, and a
restated second vintage for 5 % of the periods. ``run(quick)`` returns the timings.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from sizeup.fundamentals import ITEM_COLUMNS, ITEMS, ScreenData, load_screen, run_screen


def synthetic_items(n_companies: int, n_quarters: int, *, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    symbols = np.array([f"S{i:05d}" for i in range(n_companies)])
    ends = pd.date_range("2012-03-31", periods=n_quarters, freq="QE")
    frames = []
    size = rng.lognormal(19, 1.5, n_companies)
    for name, item in ITEMS.items():
        if item.kind == "flow":
            scale = {
                "revenue": 0.25,
                "operating_income": 0.02,
                "net_income": 0.012,
                "interest_expense": 0.004,
                "depreciation_amortization": 0.01,
                "operating_cash_flow": 0.03,
                "capex": 0.01,
            }[name]
            vals = size[:, None] * scale * (1 + rng.normal(0, 0.8, (n_companies, n_quarters)))
            span = "Q"
        else:
            scale = {"cash": 0.3, "total_debt": 0.8, "equity": 1.0, "shares": 1e-2}.get(name, 0.1)
            vals = size[:, None] * scale * rng.uniform(0.5, 1.5, (n_companies, n_quarters))
            span = "I"
        sym = np.repeat(symbols, n_quarters)
        end = np.tile(ends.values, n_companies)
        filed = end + np.timedelta64(40, "D")
        frame = pd.DataFrame(
            {
                "symbol": sym,
                "item": name,
                "span": span,
                "period_start": (end - np.timedelta64(90, "D")) if span == "Q" else pd.NaT,
                "period_end": end,
                "filed": filed,
                "value": vals.ravel(),
                "rank": 0,
                "concepts": "synthetic",
            }
        )
        frames.append(frame)
        if item.kind == "flow":
            fy = frame.iloc[3::4].copy()
            fy["span"] = "FY"
            fy["value"] = fy["value"] * 4
            frames.append(fy)
        restated = frame.sample(frac=0.05, random_state=seed).copy()
        restated["filed"] = restated["filed"] + np.timedelta64(200, "D")
        restated["value"] = restated["value"] * 1.01
        frames.append(restated)
    out = pd.concat(frames, ignore_index=True)[list(ITEM_COLUMNS)]
    return out


def run(quick: bool) -> dict[str, float]:
    n_comp, n_q = (600, 40) if quick else (6000, 40)
    t0 = time.perf_counter()
    items = synthetic_items(n_comp, n_q)
    build = time.perf_counter() - t0
    syms = sorted(items["symbol"].unique())
    dates = pd.bdate_range("2021-05-01", "2021-07-15")
    prices = pd.DataFrame(
        np.random.default_rng(1).uniform(5, 50, (len(dates), len(syms))), index=dates, columns=syms
    )
    data = ScreenData.from_frames(items, prices=prices)
    screen = load_screen("quality-value")
    run_screen(screen, data, as_of="2021-06-30", universe="all")  # warm-up
    times = []
    for _ in range(3):
        t = time.perf_counter()
        res = run_screen(screen, data, as_of="2021-06-30", universe="all")
        times.append(time.perf_counter() - t)
    return {
        "companies": float(n_comp),
        "quarters": float(n_q),
        "item_rows": float(len(items)),
        "build_s": build,
        "screen_s_best": min(times),
        "screen_s_median": float(np.median(times)),
        "passed": float(res.table["passed"].sum()),
    }


if __name__ == "__main__":
    import sys

    print(run(quick="--quick" in sys.argv))
