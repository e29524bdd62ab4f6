"""Window returns, calendar-period returns and the relative scoreboard on hand-made frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.performance import (
    calendar_table,
    period_returns,
    relative_return,
    resolve_window,
    scoreboard,
    total_return,
    window_returns,
)
from sizeup.errors import DataError


def _ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


@pytest.mark.parametrize(
    ("spec", "asof", "start", "end"),
    [
        ("1D", "2024-03-15", "2024-03-15", "2024-03-15"),
        ("5D", "2024-01-12", "2024-01-08", "2024-01-12"),
        ("1W", "2024-03-15", "2024-03-09", "2024-03-15"),  # base = close on or before 03-08
        ("1M", "2024-03-15", "2024-02-16", "2024-03-15"),
        ("1Y", "2024-03-15", "2023-03-16", "2024-03-15"),
        ("WTD", "2024-03-14", "2024-03-11", "2024-03-14"),
        ("MTD", "2024-03-14", "2024-03-01", "2024-03-14"),
        ("QTD", "2024-05-10", "2024-04-01", "2024-05-10"),
        ("HTD", "2024-08-10", "2024-07-01", "2024-08-10"),
        ("YTD", "2024-05-10", "2024-01-01", "2024-05-10"),
        ("H1", "2024-08-10", "2024-01-01", "2024-06-30"),
        ("H2", "2024-03-15", "2023-07-01", "2023-12-31"),  # H2 not started: previous year's
        ("H2", "2024-08-10", "2024-07-01", "2024-08-10"),  # running H2: to date
        ("F5", "2024-06-28", "2024-01-01", "2024-01-08"),  # 2024 sessions: Jan 2,3,4,5,8
        ("F5", "2024-01-04", "2024-01-01", "2024-01-04"),  # capped at as-of
        ("2023", "2024-06-28", "2023-01-01", "2023-12-31"),
        ("2023H2", "2024-06-28", "2023-07-01", "2023-12-31"),
        ("2024Q1", "2024-06-28", "2024-01-01", "2024-03-31"),
        ("2024-02", "2024-06-28", "2024-02-01", "2024-02-29"),
        ("2023F20", "2024-06-28", "2023-01-01", "2023-01-31"),  # 20th session of 2023 = Jan 31
    ],
)
def test_resolve_window(spec, asof, start, end):
    w = resolve_window(spec, asof)
    assert (w.start, w.end) == (_ts(start), _ts(end))


def test_resolve_window_custom_and_errors():
    w = resolve_window(("2024-03-30", "2024-05-31"), "2024-12-31")
    assert (w.start, w.end) == (_ts("2024-03-30"), _ts("2024-05-31"))
    with pytest.raises(DataError, match="after its end"):
        resolve_window(("2024-05-31", "2024-03-30"), "2024-12-31")
    with pytest.raises(DataError, match="not understood"):
        resolve_window("fortnight", "2024-12-31")


def _prices() -> pd.DataFrame:
    # Thu 03-28, (Good Friday closed), Mon 04-01, Tue 04-02, Wed 04-03
    idx = pd.DatetimeIndex(["2024-03-27", "2024-03-28", "2024-04-01", "2024-04-02", "2024-04-03"])
    return pd.DataFrame(
        {"A": [100.0, 110.0, 99.0, 121.0, 132.0], "B": [50.0, 50.0, 55.0, 55.0, 44.0]}, index=idx
    )


def test_total_return_window_starting_on_non_session():
    px = _prices()
    # window starting Saturday 03-30: base is the Thursday 03-28 close
    r = total_return(px, "2024-03-30", "2024-04-02")
    assert r["A"] == pytest.approx(121.0 / 110.0 - 1)
    assert r["B"] == pytest.approx(55.0 / 50.0 - 1)
    # window starting on a session includes that session's return
    r2 = total_return(px, "2024-04-01", "2024-04-01")
    assert r2["A"] == pytest.approx(99.0 / 110.0 - 1)


def test_total_return_nan_without_base_or_without_data_in_window():
    px = _prices()
    assert np.isnan(total_return(px, "2024-03-27", "2024-04-03")["A"])  # no close before start
    px2 = px.copy()
    px2.loc["2024-04-01":, "B"] = np.nan
    r = total_return(px2, "2024-04-01", "2024-04-03")
    assert np.isnan(r["B"])  # no B close inside the window
    assert r["A"] == pytest.approx(132.0 / 110.0 - 1)


def test_window_returns_respect_asof():
    px = _prices()
    out, wins = window_returns(px, ["1D", "WTD"], asof="2024-04-02")
    assert out.loc["1D", "A"] == pytest.approx(121.0 / 99.0 - 1)
    assert out.loc["WTD", "A"] == pytest.approx(121.0 / 110.0 - 1)  # base: Thu 03-28
    assert [w.label for w in wins] == ["1D", "WTD"]


def test_period_returns_weekly_good_friday_and_missing_week():
    idx = pd.DatetimeIndex(
        ["2024-03-15", "2024-03-22", "2024-03-28", "2024-04-05", "2024-04-19", "2024-04-26"]
    )
    s = pd.Series([100.0, 110.0, 99.0, 108.9, 120.0, 132.0], index=idx, name="A")
    r = period_returns(s, "W")["A"]
    # weeks end 03-22, 03-28 (Thursday: Good Friday), 04-05, 04-12 (no data), 04-19, 04-26
    assert list(r.index[1:]) == [
        _ts("2024-03-22"),
        _ts("2024-03-28"),
        _ts("2024-04-05"),
        _ts("2024-04-12"),
        _ts("2024-04-19"),
        _ts("2024-04-26"),
    ]
    assert r[_ts("2024-03-28")] == pytest.approx(-0.1)
    assert r[_ts("2024-04-05")] == pytest.approx(0.1)
    assert np.isnan(r[_ts("2024-04-12")])  # week without data
    assert np.isnan(r[_ts("2024-04-19")])  # its successor has no base
    assert r[_ts("2024-04-26")] == pytest.approx(0.1)


def test_period_returns_years_and_halves():
    idx = pd.DatetimeIndex(["2022-12-30", "2023-06-30", "2023-12-29", "2024-06-28"])
    s = pd.Series([100.0, 120.0, 90.0, 99.0], index=idx, name="A")
    y = period_returns(s, "Y")["A"]
    assert y[_ts("2023-12-29")] == pytest.approx(-0.1)
    h = period_returns(s, "H", complete_only=True)["A"]
    assert h[_ts("2023-06-30")] == pytest.approx(0.2)
    assert h[_ts("2023-12-29")] == pytest.approx(-0.25)
    assert h.index[-1] == _ts("2024-06-28")  # 2024H1 completed on Fri 06-28


def test_relative_return_measures():
    assert relative_return(0.10, 0.05) == pytest.approx(0.05)
    assert relative_return(0.10, 0.10 - 0.1 * 0.0, how="ratio") == pytest.approx(0.0)
    assert relative_return(0.21, 0.10, how="ratio") == pytest.approx(0.10)
    with pytest.raises(DataError, match="valid"):
        relative_return(0.1, 0.1, how="log")


def test_scoreboard_hand_computed():
    px = _prices()
    sb = scoreboard(
        px, benchmark="B", windows=["1D", ("2024-03-29", "2024-04-03")], asof="2024-04-03"
    )
    assert sb.returns.loc["1D", "A"] == pytest.approx(132.0 / 121.0 - 1)
    assert sb.returns.loc["1D", "B"] == pytest.approx(44.0 / 55.0 - 1)
    assert sb.excess.loc["1D", "A"] == pytest.approx((132.0 / 121.0 - 1) - (44.0 / 55.0 - 1))
    custom = sb.windows[1].label
    assert sb.excess.loc[custom, "A"] == pytest.approx(0.2 - (-0.12))
    table = sb.table()
    assert table["led"].tolist() == [True, True]
    assert "pp" in sb.summary()
    with pytest.raises(DataError, match="benchmark"):
        scoreboard(px, benchmark="C")


def test_calendar_table_who_led():
    idx = pd.DatetimeIndex(["2021-12-31", "2022-12-30", "2023-12-29", "2024-12-31"])
    px = pd.DataFrame(
        {"S": [100.0, 80.0, 100.0, 100.0], "L": [100.0, 81.0, 101.25, 126.5625]}, index=idx
    )
    t = calendar_table(px, "S", "L")
    assert t["label"].tolist() == ["2022", "2023", "2024"]
    assert t["diff"].tolist() == pytest.approx([-0.2 + 0.19, 0.0, 0.0 - 0.25])
    assert t["diff"].iloc[1] == 0.0  # exact tie (1.25 on both)
    assert t["a_led"].tolist() == [False, False, False]  # 2023 is a tie: not a lead
