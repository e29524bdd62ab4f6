"""Properties of the aggregates on random company tables (Hypothesis).

The index-style P/E is checked against a second formula (the cap-weighted harmonic mean of the
company P/Es), the median against a sort, and the ratio's scale behaviour.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.fundamentals._valuation import aggregate_valuation

_company = st.tuples(
    st.floats(1e6, 1e12),  # market cap
    st.floats(-1e10, 1e10).filter(lambda x: abs(x) > 1.0),  # TTM net income
)


def _frame(rows: list[tuple[float, float]]) -> pd.DataFrame:
    cap = np.array([r[0] for r in rows])
    ni = np.array([r[1] for r in rows])
    pe = np.where(ni > 0, cap / np.where(ni > 0, ni, 1.0), np.nan)
    return pd.DataFrame(
        {
            "symbol": [f"S{i}" for i in range(len(rows))],
            "market_cap": cap,
            "net_income_ttm": ni,
            "equity": np.nan,
            "revenue_ttm": np.nan,
            "shares": 1.0,
            "pe": pe,
            "pb": np.nan,
            "ps": np.nan,
            "earnings_yield": ni / cap,
            "eps_estimate": np.nan,
            "fwd_pe": np.nan,
            "implausible": "",
        }
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(_company, min_size=1, max_size=30))
def test_index_pe_is_the_cap_weighted_harmonic_mean(rows: list[tuple[float, float]]) -> None:
    a = aggregate_valuation(_frame(rows), len(rows) + 2)
    prof = [(c, e) for c, e in rows if e > 0]
    assert a["profitable"] == len(prof) and a["loss_makers"] == len(rows) - len(prof)
    assert a["coverage"] == len(rows) / (len(rows) + 2)
    if not prof:
        assert math.isnan(a["pe_agg_ex"]) and math.isnan(a["pe_median_ex"])
        return
    total = sum(c for c, _ in prof)
    harmonic = 1 / sum((c / total) / (c / e) for c, e in prof)
    assert math.isclose(a["pe_agg_ex"], harmonic, rel_tol=1e-9)
    pes = sorted(c / e for c, e in prof)
    k = len(pes)
    median = pes[k // 2] if k % 2 else (pes[k // 2 - 1] + pes[k // 2]) / 2
    assert math.isclose(a["pe_median_ex"], median, rel_tol=1e-12)
    # the index P/E lies between the smallest and largest company P/E
    assert pes[0] * (1 - 1e-12) <= a["pe_agg_ex"] <= pes[-1] * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(st.lists(_company, min_size=1, max_size=20), st.floats(0.1, 10.0))
def test_scaling_every_cap_scales_every_pe(rows: list[tuple[float, float]], k: float) -> None:
    a = aggregate_valuation(_frame(rows), len(rows))
    b = aggregate_valuation(_frame([(c * k, e) for c, e in rows]), len(rows))
    for col in ("pe_agg_ex", "pe_agg_incl", "pe_median_ex", "pe_median_incl"):
        if math.isnan(a[col]):
            assert math.isnan(b[col])
        else:
            assert math.isclose(b[col], a[col] * k, rel_tol=1e-9), col
