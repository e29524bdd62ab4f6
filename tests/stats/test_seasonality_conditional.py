"""Seasonality and conditional-history tables on hand-made data and the METHODS §6.3 TR table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.stats import (
    by_month,
    calendar_year_returns,
    conditional_forward,
    conditional_outcomes,
    first_sessions_of_january,
    forward_relative_returns,
    half_year_returns,
    january_share,
    next_year_given_h2,
    next_year_given_year,
    period_returns,
    relative_returns,
    returns_from_levels,
    turn_of_year,
)
from sizeup.errors import DataError

# METHODS.md §6.3: calendar-year total returns (%) of the Russell 2000 and the S&P 500, 1995-2024.
TR_TABLE = {
    1995: (28.45, 37.58), 1996: (16.49, 22.96), 1997: (22.36, 33.36), 1998: (-2.55, 28.58),
    1999: (21.26, 21.04), 2000: (-3.02, -9.10), 2001: (2.49, -11.89), 2002: (-20.48, -22.10),
    2003: (47.25, 28.68), 2004: (18.33, 10.88), 2005: (4.55, 4.91), 2006: (18.37, 15.79),
    2007: (-1.57, 5.49), 2008: (-33.79, -37.00), 2009: (27.17, 26.46), 2010: (26.85, 15.06),
    2011: (-4.18, 2.11), 2012: (16.35, 16.00), 2013: (38.82, 32.39), 2014: (4.89, 13.69),
    2015: (-4.41, 1.38), 2016: (21.31, 11.96), 2017: (14.65, 21.83), 2018: (-11.01, -4.38),
    2019: (25.52, 31.49), 2020: (20.0, 18.40), 2021: (14.5, 28.71), 2022: (-20.5, -18.11),
    2023: (16.8, 26.29), 2024: (11.4, 25.0),
}  # fmt: skip


def _tr_series() -> tuple[pd.Series, pd.Series]:
    a = pd.Series({y: v[0] / 100 for y, v in TR_TABLE.items()}, name="R2K")
    b = pd.Series({y: v[1] / 100 for y, v in TR_TABLE.items()}, name="SPX")
    return a, b


def test_methods_63_conditional_means_from_published_table() -> None:
    """METHODS §6.3: 7.8 % (n = 15) after lagging years, 12.2 % (n = 14) after leading ones."""
    a, b = _tr_series()
    table = next_year_given_year(a, b, start_year=1995, end_year=2023, reps=200)
    assert table.bucket(True).n == 14
    assert table.bucket(False).n == 15
    assert table.bucket(True).mean == pytest.approx(0.122, abs=0.0005)
    assert table.bucket(False).mean == pytest.approx(0.078, abs=0.0005)
    # 14 of 30 years outperformed (METHODS §6.3 derived)
    assert int(((1 + a) / (1 + b) - 1 > 0).sum()) == 14
    assert 0 <= table.p_value <= 1
    assert "permutation p" in table.summary()


def test_relative_and_period_returns_by_hand() -> None:
    idx = pd.to_datetime(["2024-01-02", "2024-01-03", "2024-02-01"])
    ra = pd.Series([0.10, -0.05, 0.02], index=idx, name="a")
    rb = pd.Series([0.05, 0.00, 0.02], index=idx, name="b")
    rel = relative_returns(ra, rb)
    assert rel.iloc[0] == pytest.approx(1.10 / 1.05 - 1)
    assert rel.iloc[2] == pytest.approx(0.0)
    m = period_returns(ra, "M")
    assert m.iloc[0] == pytest.approx(1.10 * 0.95 - 1)
    assert m.index[0] == pd.Timestamp("2024-01-31")
    lv = pd.Series([100.0, 110.0, 99.0], index=idx)
    assert list(returns_from_levels(lv).round(10)) == [0.1, -0.1]


def _bday_returns(start: str, end: str, value: float = 0.0) -> pd.Series:
    idx = pd.bdate_range(start, end)
    return pd.Series(value, index=idx, dtype="float64")


def test_turn_of_year_window_by_hand() -> None:
    r = _bday_returns("2020-11-02", "2023-02-28")
    for y in (2020, 2021, 2022):
        dec = r.index[(r.index.year == y) & (r.index.month == 12)][-3:]
        jan = r.index[(r.index.year == y + 1) & (r.index.month == 1)][:2]
        r[dec] = 0.01
        r[jan] = 0.01
    t = turn_of_year(r, n_dec=3, n_jan=2, reps=200)
    assert list(t.windows.index) == [2021, 2022, 2023]
    assert t.windows.to_numpy() == pytest.approx([1.01**5 - 1] * 3)
    assert t.stats["in_window"].mean == pytest.approx(0.01)
    assert t.stats["in_window"].n == 15
    assert t.stats["out_of_window"].mean == pytest.approx(0.0)
    f = first_sessions_of_january(r, n=2, reps=200)
    assert f.windows.to_numpy() == pytest.approx([0.0201] * 3)


def test_turn_of_year_skips_incomplete_windows() -> None:
    r = _bday_returns(
        "2021-01-04", "2022-01-04"
    )  # first Jan has no December; last Jan has 2 sessions
    with pytest.raises(DataError, match="no complete"):
        turn_of_year(r, n_dec=5, n_jan=5)


def test_by_month_and_january_share_by_hand() -> None:
    idx = pd.date_range("2000-01-31", periods=36, freq="ME")
    r = pd.Series(np.where(idx.month == 1, 0.02, 0.0), index=idx)
    r.iloc[5] = 0.03  # one June
    t = by_month(r, reps=200)
    assert t.stats["Jan"].mean == pytest.approx(0.02)
    assert t.stats["Jan"].n == 3
    assert t.stats["Jun"].mean == pytest.approx(0.01)
    assert t.stats["all"].n == 36
    assert january_share(r) == pytest.approx(0.06 / 0.09)
    rel = by_month(r, benchmark=r * 0, reps=200)
    assert rel.stats["Jan"].mean == pytest.approx(0.02)


def test_conditional_outcomes_shift_and_buckets() -> None:
    idx = pd.date_range("2001-12-31", periods=8, freq="YE")
    cond = pd.Series([True, False, True, False, True, False, True, False], index=idx, name="up")
    out = pd.Series([0.0, 0.1, 0.3, 0.2, 0.4, 0.1, 0.5, 0.3], index=idx, name="ret")
    t = conditional_outcomes(cond, out, periods_ahead=1, reps=200)
    # next outcomes after True: 0.1, 0.2, 0.1, 0.3 ; after False: 0.3, 0.4, 0.5 (last dropped)
    assert t.bucket(True).mean == pytest.approx(0.175)
    assert t.bucket(False).mean == pytest.approx(0.4)
    assert t.bucket(False).n == 3
    assert t.difference == pytest.approx(-0.225)
    # exact enumeration over C(7,4) = 35 splits of {0.1, 0.1, 0.2, 0.3, 0.3, 0.4, 0.5} into 4 + 3:
    # |d| >= 0.225 for {0.1, 0.1, 0.2, 0.3} (two ways: either 0.3) and for {0.3, 0.3, 0.4, 0.5}
    # (d = 0.375 - 0.1333 = 0.2417); every other split is closer -> 3 / 35
    assert t.p_value == pytest.approx(3 / 35)
    same = conditional_outcomes(cond, out, periods_ahead=0, reps=200)
    assert same.bucket(True).mean == pytest.approx(0.3)
    cat = pd.Series(["lo", "mid", "hi", "lo", "mid", "hi", "lo", "mid"], index=idx)
    t3 = conditional_outcomes(cat, out, periods_ahead=0, reps=200, permutation_reps=500)
    assert set(t3.stats) == {"hi", "lo", "mid"}
    assert 0 < t3.p_value <= 1
    with pytest.raises(DataError, match="no bucket"):
        t.bucket("maybe")


def test_calendar_and_half_year_returns_by_hand() -> None:
    idx = pd.to_datetime(
        ["2019-12-31", "2020-06-30", "2020-12-31", "2021-06-30", "2021-12-31", "2022-03-01"]
    )
    lv = pd.Series([100.0, 90.0, 120.0, 150.0, 135.0, 140.0], index=idx)
    cy = calendar_year_returns(lv)
    assert list(cy.index) == [2020, 2021]
    assert cy.to_numpy() == pytest.approx([0.2, 0.125])
    assert calendar_year_returns(lv, include_partial=True).loc[2022] == pytest.approx(140 / 135 - 1)
    h2 = half_year_returns(lv, half=2)
    assert h2.to_dict() == pytest.approx({2020: 120 / 90 - 1, 2021: 135 / 150 - 1})
    h1 = half_year_returns(lv, half=1)
    assert h1.to_dict() == pytest.approx({2020: -0.1, 2021: 150 / 120 - 1})


def test_next_year_given_h2_on_synthetic_levels() -> None:
    idx = pd.bdate_range("2010-01-01", "2016-12-31")
    rng = np.random.default_rng(0)
    a = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(idx)))), index=idx)
    b = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(idx)))), index=idx)
    t = next_year_given_h2(a, b, reps=200)
    ha, hb = half_year_returns(a), half_year_returns(b)
    cy = calendar_year_returns(a)
    sign = (1 + ha) / (1 + hb) - 1 > 0
    expected_true = [cy[y + 1] for y in sign.index if sign[y] and y + 1 in cy.index]
    assert t.bucket(True).n == len(expected_true)
    assert t.bucket(True).mean == pytest.approx(np.mean(expected_true))


def test_forward_relative_returns_by_hand() -> None:
    idx = pd.date_range("2024-01-31", periods=5, freq="ME")
    a = pd.Series([100.0, 110, 121, 121, 133.1], index=idx)
    b = pd.Series([100.0, 100, 100, 110, 110], index=idx)
    f = forward_relative_returns(a, b, months=2)
    assert f.iloc[0] == pytest.approx(1.21 - 1)
    # 2024-02-29 + 2 months = 2024-04-29 -> last date on or before: 2024-03-31
    assert f.iloc[1] == pytest.approx(121 / 110 - 1)
    assert np.isnan(f.iloc[-1])
    cond = pd.Series([True, False, True, False, True], index=idx, name="flag")
    out = conditional_forward(cond, a, b, horizons=(1,), reps=200, permutation_reps=100)
    assert out[1].bucket(True).n == 2
