"""Window specs, window and period returns: dates and values written down by hand.

Sessions used as expected values come from ``exchange_calendars`` (XNYS) directly, not from
sizeup's calendar; every other expected date is a calendar fact written in the table.
"""

from __future__ import annotations

import exchange_calendars as xcals
import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.performance import (
    period_returns,
    resolve_window,
    total_return,
    window_returns,
)
from sizeup.errors import DataError

_CAL = xcals.get_calendar("XNYS", start="2020-01-01", end="2026-12-31")


def _sessions(start: str, end: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(_CAL.sessions_in_range(start, end)).tz_localize(None)


@pytest.mark.parametrize(
    ("spec", "asof", "start", "end"),
    [
        # to-date windows at the edges of quarters and halves
        ("QTD", "2024-01-15", "2024-01-01", "2024-01-15"),
        ("QTD", "2024-03-29", "2024-01-01", "2024-03-29"),
        ("QTD", "2024-04-15", "2024-04-01", "2024-04-15"),
        ("QTD", "2024-12-31", "2024-10-01", "2024-12-31"),
        ("HTD", "2024-06-14", "2024-01-01", "2024-06-14"),
        ("HTD", "2024-07-15", "2024-07-01", "2024-07-15"),
        ("HTD", "2024-01-10", "2024-01-01", "2024-01-10"),
        ("WTD", "2024-03-17", "2024-03-11", "2024-03-17"),  # a Sunday: the week began Mon 11
        # the running half of the as-of year; H1 stays this year's in the first half
        ("H1", "2024-03-15", "2024-01-01", "2024-03-15"),
        ("H2", "2024-07-15", "2024-07-01", "2024-07-15"),
        ("H2", "2024-06-28", "2023-07-01", "2023-12-31"),
        # fixed halves, quarters and months
        ("2024H1", "2025-01-31", "2024-01-01", "2024-06-30"),
        ("2024H2", "2025-01-31", "2024-07-01", "2024-12-31"),
        ("2024H1", "2024-03-15", "2024-01-01", "2024-03-15"),
        ("2024Q4", "2025-01-31", "2024-10-01", "2024-12-31"),
        ("2024Q2", "2025-01-31", "2024-04-01", "2024-06-30"),
        ("2024-01", "2025-01-31", "2024-01-01", "2024-01-31"),
        ("2024-12", "2025-01-31", "2024-12-01", "2024-12-31"),
        ("2023-02", "2025-01-31", "2023-02-01", "2023-02-28"),
        ("2024", "2024-05-10", "2024-01-01", "2024-05-10"),
        ("3M", "2024-05-31", "2024-03-01", "2024-05-31"),
        ("2Y", "2024-02-29", "2022-03-01", "2024-02-29"),
    ],
)
def test_resolve_window_calendar_edges(spec: str, asof: str, start: str, end: str) -> None:
    w = resolve_window(spec, asof)
    assert (w.start, w.end) == (pd.Timestamp(start), pd.Timestamp(end))
    assert w.label == spec


def test_trailing_sessions_count_from_the_calendar() -> None:
    sess = _sessions("2023-06-01", "2024-06-28")
    for n in (1, 2, 20, 60, 120, 250):
        w = resolve_window(f"{n}D", "2024-06-28")
        assert (w.label, w.start, w.end) == (f"{n}D", sess[-n], pd.Timestamp("2024-06-28")), n


def test_first_sessions_of_a_year() -> None:
    s2024 = _sessions("2024-01-01", "2024-12-31")
    assert len(s2024) == 252
    w = resolve_window("F252", "2024-12-31")
    assert (w.label, w.start, w.end) == ("F252", pd.Timestamp("2024-01-01"), s2024[-1])
    w = resolve_window("2024F252", "2025-03-31")
    assert (w.label, w.start, w.end) == ("2024F252", pd.Timestamp("2024-01-01"), s2024[-1])
    w = resolve_window("2024F1", "2025-03-31")
    assert (w.start, w.end) == (pd.Timestamp("2024-01-01"), s2024[0])
    with pytest.raises(DataError, match=r"window F253: n must be in 1\.\.252 for 2024"):
        resolve_window("2024F253", "2025-03-31")
    with pytest.raises(DataError, match=r"window F0: n must be in 1\.\.252 for 2024"):
        resolve_window("2024F0", "2025-03-31")
    with pytest.raises(DataError, match=r"window F0: n must be in 1\.\.252 for 2024"):
        resolve_window("F0", "2024-06-28")


def test_custom_window_of_one_day_and_bad_dates() -> None:
    w = resolve_window(("2024-03-15", "2024-03-15"), "2024-12-31")
    assert (w.label, w.start, w.end) == (
        "2024-03-15..2024-03-15",
        pd.Timestamp("2024-03-15"),
        pd.Timestamp("2024-03-15"),
    )
    w = resolve_window(("2024-03-01", "2025-03-15"), "2024-12-31")  # capped at the as-of date
    assert (w.label, w.end) == ("2024-03-01..2024-12-31", pd.Timestamp("2024-12-31"))
    with pytest.raises(DataError, match=r"^asof='soon' is not a date; give e\.g\. '2024-06-28'$"):
        resolve_window("1D", "soon")
    with pytest.raises(DataError, match=r"^window start='x' is not a date"):
        resolve_window(("x", "2024-03-15"), "2024-12-31")
    with pytest.raises(DataError, match=r"^window end='y' is not a date"):
        resolve_window(("2024-03-15", "y"), "2024-12-31")


def test_bad_specs_name_what_is_valid() -> None:
    with pytest.raises(DataError, match=r"window '0D': the count must be >= 1"):
        resolve_window("0D", "2024-06-28")
    with pytest.raises(DataError, match=r"window '2024-13': month 13 is not in 1\.\.12"):
        resolve_window("2024-13", "2025-06-28")
    with pytest.raises(DataError, match=r"window '2024-00': month 0 is not in 1\.\.12"):
        resolve_window("2024-00", "2025-06-28")
    with pytest.raises(
        DataError,
        match=r"valid: nD, nW, nM, nY, WTD, MTD, QTD, HTD, YTD, H1, H2, Fn, YYYY, YYYYH1, "
        r"YYYYQ1, YYYY-MM, YYYYFn or a \(start, end\) tuple",
    ):
        resolve_window("fortnight", "2024-06-28")


def _px() -> pd.DataFrame:
    idx = pd.DatetimeIndex(["2024-06-26", "2024-06-27", "2024-06-28", "2024-07-01", "2024-07-02"])
    return pd.DataFrame(
        {"A": [100.0, 110.0, 121.0, 133.1, 119.79], "B": [10.0, 10.0, 12.0, 12.0, 15.0]}, index=idx
    )


def test_window_returns_default_asof_is_the_last_row() -> None:
    out, wins = window_returns(_px(), ["1D", "2D"])
    assert list(out.columns) == ["A", "B"]
    assert list(out.index) == ["1D", "2D"]
    assert out.loc["1D", "A"] == pytest.approx(119.79 / 133.1 - 1.0)  # -10 %
    assert out.loc["1D", "B"] == pytest.approx(0.25)
    assert out.loc["2D", "A"] == pytest.approx(119.79 / 121.0 - 1.0)
    assert wins[0].end == pd.Timestamp("2024-07-02")


def test_window_returns_errors() -> None:
    with pytest.raises(DataError, match=r"^prices are empty; nothing to compute returns from$"):
        window_returns(pd.DataFrame({"A": []}, index=pd.DatetimeIndex([])), ["1D"])
    with pytest.raises(DataError, match=r"^asof='later' is not a date"):
        window_returns(_px(), ["1D"], asof="later")


def _monthly() -> pd.Series:
    # month-end closes Jan..Jun 2024 plus a close inside July (July is still running)
    idx = pd.DatetimeIndex(
        ["2023-12-29", "2024-01-31", "2024-02-29", "2024-03-28", "2024-04-30", "2024-07-10"]
    )
    return pd.Series([100.0, 110.0, 99.0, 108.9, 98.01, 120.0], index=idx, name="A")


def test_period_returns_default_keeps_the_running_period_and_names_the_index() -> None:
    r = period_returns(_monthly(), "M")
    assert r.index.name == "period_end"
    # the running July is reported by default, as of its last close; no May or June closes
    assert r.index[-1] == pd.Timestamp("2024-07-10")
    assert np.isnan(r["A"].iloc[-1])  # June had no close: no base for July
    assert r.loc[pd.Timestamp("2024-01-31"), "A"] == pytest.approx(0.10)
    full = period_returns(_monthly(), "M", complete_only=True)
    assert full.index[-1] == pd.Timestamp("2024-06-28")  # the last complete month


def test_period_returns_start_and_end_cut_the_range() -> None:
    r = period_returns(_monthly(), "M", start="2024-02-15", end="2024-04-30")
    assert list(r.index) == [
        pd.Timestamp("2024-02-29"),
        pd.Timestamp("2024-03-28"),
        pd.Timestamp("2024-04-30"),
    ]
    assert r["A"].tolist() == pytest.approx([-0.10, 0.10, -0.10])
    # a start after the end is pulled back to the end
    r = period_returns(_monthly(), "M", start="2024-06-01", end="2024-04-30")
    assert list(r.index) == [pd.Timestamp("2024-04-30")]
    with pytest.raises(DataError, match=r"^start='x' is not a date"):
        period_returns(_monthly(), "M", start="x")
    with pytest.raises(DataError, match=r"^end='y' is not a date"):
        period_returns(_monthly(), "M", end="y")
    with pytest.raises(DataError, match=r"^prices are empty; nothing to compute returns from$"):
        period_returns(pd.Series([], index=pd.DatetimeIndex([]), dtype=float), "M")


def test_period_returns_first_reported_year_after_a_start() -> None:
    # year-end closes; with start mid-2023 the first reported year is 2023, based on 2022's close
    idx = pd.DatetimeIndex(["2022-12-30", "2023-12-29", "2024-12-31"])
    s = pd.Series([80.0, 100.0, 125.0], index=idx, name="A")
    r = period_returns(s, "Y", start="2023-06-01")["A"]
    assert list(r.index) == [pd.Timestamp("2023-12-29"), pd.Timestamp("2024-12-31")]
    assert r.tolist() == pytest.approx([0.25, 0.25])


def test_total_return_of_an_unnamed_series_and_bad_dates() -> None:
    s = pd.Series(
        [100.0, 110.0, 99.0], index=pd.DatetimeIndex(["2024-06-27", "2024-06-28", "2024-07-01"])
    )
    r = total_return(s, "2024-06-28", "2024-07-01")
    assert list(r.index) == ["value"]
    assert r["value"] == pytest.approx(99.0 / 100.0 - 1.0)
    with pytest.raises(DataError, match=r"^start='x' is not a date; give e\.g\. '2024-06-28'$"):
        total_return(s, "x", "2024-07-01")
    with pytest.raises(DataError, match=r"^end='y' is not a date; give e\.g\. '2024-06-28'$"):
        total_return(s, "2024-06-28", "y")
    with pytest.raises(DataError, match=r"^start 2024-07-01 is after end 2024-06-28$"):
        total_return(s, "2024-07-01", "2024-06-28")
