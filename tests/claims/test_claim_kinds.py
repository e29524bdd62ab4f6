"""Each new claim kind on hand-built frames; every expected value is worked out in the comments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sizeup.claims import (
    ClaimResult,
    ClaimSpecError,
    evaluate_claim,
    implied_tolerance,
    make_claim,
    parse_claims_text,
)
from sizeup.fundamentals import ScreenData
from sizeup.fundamentals._normalize import empty_items


class Data:
    """In-memory ClaimData: prices, series, snapshots and fundamentals given by the test."""

    def __init__(
        self,
        px: pd.DataFrame | None = None,
        ser: pd.DataFrame | None = None,
        snaps: Mapping[pd.Timestamp, list[str]] | None = None,
        fund: ScreenData | None = None,
    ) -> None:
        self.px = px if px is not None else pd.DataFrame()
        self.ser = ser if ser is not None else pd.DataFrame()
        self.snaps = dict(snaps or {})
        self.fund = fund

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return self.px[[s for s in symbols if s in self.px.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return self.ser[[i for i in ids if i in self.ser.columns]]

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return self.snaps if universe == "U" else {}

    def fundamentals(self) -> ScreenData | None:
        return self.fund


def _check(data: Data, **fields: Any) -> ClaimResult:
    raw: dict[str, Any] = {"text": "t"}
    raw.update(fields)
    return evaluate_claim(make_claim(raw), data)


# ------------------------------------------------------------------ streaks
def _yearly() -> Data:
    # closes 2000..2015; returns from 2001: +5 run ends 2005, -1 (2006), +4 run ends 2010,
    # -1 (2011), current +4 run 2012..2015
    closes = [100, 101, 102, 103, 104, 105, 104, 105, 106, 107, 108, 107, 108, 109, 110, 111.0]
    idx = pd.DatetimeIndex([f"{y}-06-30" for y in range(2000, 2016)])
    return Data(px=pd.DataFrame({"A": closes}, index=idx))


def test_streak_length_longest_and_since_year() -> None:
    data = _yearly()
    base = {"metric": "streak", "symbol": "A", "freq": "D"}
    r = _check(data, **base, stated=4)
    assert r.measured == 4 and r.verdict == "SUPPORTED"
    # the run of 5 that ended in 2005 is longer: not the longest in 252 periods
    assert _check(data, **base, stat="is_longest", stated=True).measured == 0
    # runs ending within the 4 periods before now (2011..2014): none -> 4 is the longest
    assert _check(data, **base, stat="is_longest", lookback=4, stated=True).measured == 1
    # within 5 periods the run of 4 ending 2010 ties: only a "longest" with ties allowed
    assert _check(data, **base, stat="is_longest", lookback=5, stated=True).measured == 0
    tie = _check(data, **base, stat="is_longest", lookback=5, allow_tie=True, stated=True)
    assert tie.measured == 1
    # "the longest streak since 2010": the last earlier run at least 4 long ended in 2010
    since = _check(data, **base, stat="since_year", stated=2010)
    assert since.measured == 2010 and since.verdict == "SUPPORTED"
    assert _check(data, **base, stat="since_year", stated=2005).verdict == "CONTRADICTED"


def test_weekly_streak_against_a_benchmark() -> None:
    # 2024-01-02..2024-01-26 sessions; A rises 0.1 % a day, B flat. The week ending 5 Jan has no
    # base (no earlier data): weeks ending 12, 19, 26 Jan are three straight outperforming weeks
    idx = pd.bdate_range("2024-01-02", "2024-01-26")
    a = 100 * 1.001 ** np.arange(len(idx))
    data = Data(px=pd.DataFrame({"A": a, "B": 100.0}, index=idx))
    r = _check(data, metric="streak", symbol="A", benchmark="B", freq="W", stated=3)
    assert r.measured == 3 and r.verdict == "SUPPORTED"
    assert "A over B per week" in r.detail


# ------------------------------------------------------------------ extremes
def test_window_extreme_distance_value_and_sessions() -> None:
    idx = pd.bdate_range("2024-03-01", "2024-06-28")
    a = pd.Series(100.0, index=idx)
    a[pd.Timestamp("2024-04-15")] = 110.0  # spring peak
    a[pd.Timestamp("2024-06-10")] = 109.67  # 109.67 / 110 - 1 = -0.003 = 30 bp below
    y = pd.Series(4.5, index=idx)
    y[pd.Timestamp("2024-04-25")] = 4.70
    y[pd.Timestamp("2024-06-10")] = 4.40
    data = Data(px=pd.DataFrame({"A": a}), ser=pd.DataFrame({"Y": y}))
    spring = {"metric": "window_extreme", "start": "2024-03-01", "end": "2024-05-31"}
    r = _check(data, **spring, symbol="A", asof="2024-06-10", stated=-0.0030)
    assert r.measured == pytest.approx(-0.003) and r.verdict == "SUPPORTED"
    assert "high 110 on 2024-04-15" in r.detail and "-30.0 bp" in r.detail
    assert _check(data, **spring, symbol="A", stat="value", stated=110).measured == 110
    # sessions after 15 Apr up to 10 Jun: 11 in April, 23 in May, 6 in June = 40
    n = _check(data, **spring, symbol="A", stat="sessions_since", asof="2024-06-10", stated=40)
    assert n.measured == 40
    # a series: distance in its own units (4.40 - 4.70 = -0.30 percentage points)
    ry = _check(data, **spring, series="Y", asof="2024-06-10", stated=-0.30)
    assert ry.measured == pytest.approx(-0.30) and ry.verdict == "SUPPORTED"
    low = _check(data, **spring, series="Y", extreme="min", stat="value", stated=4.5)
    assert low.measured == pytest.approx(4.5)


def _monthly_levels() -> Data:
    # one level per month (every weekday of the month); monthly returns 1 % except
    # 2019-11 +5 %, 2022-03 +4 %, 2023-08 -3 %, 2024-04 -2 %, 2024-05 +4.5 %
    idx = pd.bdate_range("2018-12-03", "2024-06-14")
    months = pd.period_range("2018-12", "2024-06", freq="M")
    rets = pd.Series(0.01, index=months)
    rets[pd.Period("2018-12", "M")] = 0.0
    rets[pd.Period("2019-11", "M")] = 0.05
    rets[pd.Period("2022-03", "M")] = 0.04
    rets[pd.Period("2023-08", "M")] = -0.03
    rets[pd.Period("2024-04", "M")] = -0.02
    rets[pd.Period("2024-05", "M")] = 0.045
    level = 100 * (1 + rets).cumprod()
    a = level.reindex(idx.to_period("M")).to_numpy()
    return Data(px=pd.DataFrame({"A": a, "B": 100.0}, index=idx))


def test_period_rank_best_month_since() -> None:
    data = _monthly_levels()
    base = {"metric": "period_rank", "symbol": "A", "period": "month", "asof": "2024-05-31"}
    r = _check(data, **base, stated=2019)
    # May 2024 (+4.5 %) is the best month since November 2019 (+5 %)
    assert r.measured == 2019 and r.verdict == "SUPPORTED"
    assert _check(data, **base, stat="value", stated=0.045).measured == pytest.approx(0.045)
    assert _check(data, **base, stat="rank", stated=2).measured == 2
    assert _check(data, **base, stat="is_record", stated=False).measured == 0
    # against a flat benchmark the difference is the same return
    rel = _check(data, **base, benchmark="B", stat="value", stated=0.045)
    assert rel.measured == pytest.approx(0.045)
    # April 2024 (-2 %) is the worst month since August 2023 (-3 %)
    worst = _check(data, **{**base, "asof": "2024-04-30"}, mode="worst", stated=2023)
    assert worst.measured == 2023 and worst.verdict == "SUPPORTED"


def test_period_rank_best_start_to_a_year() -> None:
    # the first 5 sessions of year y earn g[y]; prices are flat otherwise
    g = {2017: 0.01, 2018: 0.02, 2019: 0.03, 2020: -0.01, 2021: 0.005, 2022: 0.01, 2023: 0.02,
         2024: 0.025}  # fmt: skip
    from sizeup.calendar import nth_session_of_year

    idx = pd.bdate_range("2016-12-01", "2024-03-01")
    level, values = 100.0, []
    fifth = {y: nth_session_of_year(y, 5) for y in g}
    cur_year = 2016
    prev_level = level
    for d in idx:
        if d.year != cur_year:
            cur_year, prev_level = d.year, level
        if d.year in g and d >= fifth[d.year]:
            level = prev_level * (1 + g[d.year])
        values.append(level)
    data = Data(px=pd.DataFrame({"A": values}, index=idx))
    base = {"metric": "period_rank", "symbol": "A", "asof": "2024-02-01"}
    r = _check(data, **base, period="first_week", stated=2019)
    # 2024's +2.5 % start is the best since 2019's +3 %
    assert r.measured == 2019 and r.verdict == "SUPPORTED"
    v = _check(data, **base, period="first_sessions", sessions=5, stat="value", stated=0.025)
    assert v.measured == pytest.approx(0.025)
    # first days are all flat (0 %): the best since the year before (ties count)
    assert _check(data, **base, period="first_day", stated=2023).measured == 2023
    early = _check(data, **{**base, "asof": "2024-01-04"}, period="first_week", stated=2019)
    assert early.verdict == "NOT_CHECKABLE" and "not complete" in early.detail


# ------------------------------------------------------------------ records
def _records() -> Data:
    idx = pd.bdate_range("2024-01-01", periods=10)  # 01-01 .. 01-12
    a = [100, 105, 103, 106, 106, 104, 107, 108, 102, 101.0]
    b = [50, 49, 51, 48, 50, 52, 53, 47, 49, 54.0]
    return Data(px=pd.DataFrame({"A": a, "B": b}, index=idx))


def test_records_count_first_and_since() -> None:
    data = _records()
    win = {"metric": "records", "start": "2024-01-03", "end": "2024-01-12"}
    # A's record closes in the window: 106 (01-04; the repeat 106 on 01-05 is no record),
    # 107 (01-09), 108 (01-10) -> 3; B: 51, 52, 53, 54 -> 4
    r = _check(data, **win, symbol="A", others=["B"], stated=3)
    assert r.measured == 3 and r.verdict == "SUPPORTED"
    assert "A 3 [2024-01-04, 2024-01-09, 2024-01-10]" in r.detail
    assert "B 4 [2024-01-03, 2024-01-08, 2024-01-09, 2024-01-12]" in r.detail
    assert _check(data, **win, symbol="B", stated=4).measured == 4
    # race from 01-02: A must beat 105 (first 106 on 01-04), B must beat 50 (51 on 01-03)
    race = {"metric": "records", "start": "2024-01-02", "end": "2024-01-12", "stat": "first"}
    assert _check(data, **race, symbol="A", others=["B"], stated=False).measured == 0
    assert _check(data, **race, symbol="B", others=["A"], stated=True).measured == 1
    # last record of A on 01-10; data end 01-12: 2 sessions, 2 days
    since = {"metric": "records", "end": "2024-01-12", "symbol": "A"}
    assert _check(data, **since, stat="sessions_since", stated=2).measured == 2
    assert _check(data, **since, stat="days_since", stated=2).measured == 2


# ------------------------------------------------------------------ breadth
def _breadth() -> Data:
    idx = pd.bdate_range("2024-01-01", periods=10)  # 01-01 .. 01-12
    px = pd.DataFrame(
        {
            "M1": [10, 11, 12, 11, 12, 13, 14, 15, 14, 15.0],
            "M2": [10, 9, 8, 9, 10, 9, 8, 9, 10, 11.0],
            "M3": [5, 5, 6, 6, 5, 6, 7, 6, 7, 8.0],
            "M4": [20, 21, 22, 23, 24, 23, 22, 21, 20, 19.0],
        },
        index=idx,
    )
    snaps = {
        pd.Timestamp("2024-01-08"): ["M1", "M2", "M3"],
        pd.Timestamp("2024-01-10"): ["M1", "M2", "M4"],
    }
    return Data(px=px, snaps=snaps)


def test_breadth_before_the_first_snapshot_and_after() -> None:
    data = _breadth()
    base = {"metric": "breadth_level", "universe": "U", "measure": "pct_advancing"}
    # 01-04, before the first snapshot: its members M1 (12->11 down), M2 (8->9 up), M3 (6->6)
    early = _check(data, **base, asof="2024-01-04", stated=0.3333)
    assert early.measured == pytest.approx(1 / 3) and early.verdict == "SUPPORTED"
    assert "survivorship-biased" in early.detail and "first snapshot" in early.detail
    # 01-12 with the 01-10 snapshot: M1 up, M2 up, M4 (20->19) down -> 2/3
    late = _check(data, **base, asof="2024-01-12", stated=0.667)
    assert late.measured == pytest.approx(2 / 3) and late.verdict == "SUPPORTED"
    # ranks after 01-02: 2/3, 1/3, 2/3, 2/3, 2/3, 1 (01-10: M4 just joined, not counted),
    # 1/3, 2/3 -> 01-12's 2/3 is not the best since 01-02 (1.0 on 01-10 is higher)
    rank = _check(
        data, metric="breadth_rank", universe="U", since="2024-01-02", asof="2024-01-12",
        stated=True,
    )  # fmt: skip
    assert rank.measured == 0 and "best since 2024-01-10" in rank.detail


def test_breadth_without_holdings_is_not_checkable() -> None:
    r = _check(_breadth(), metric="breadth_level", universe="V", asof="2024-01-12", stated=0.5)
    assert r.verdict == "NOT_CHECKABLE" and "holdings snapshots of 'V'" in r.missing[0]


# ------------------------------------------------------------------ shares of a universe
def _items(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    base = empty_items()
    frame = pd.DataFrame(
        {
            "symbol": [r[0] for r in rows],
            "item": [r[1] for r in rows],
            "span": [r[2] for r in rows],
            "period_start": [pd.Timestamp(r[3]) - pd.DateOffset(years=1) + pd.Timedelta(days=1)
                             if r[2] == "FY" else pd.NaT for r in rows],
            "period_end": [pd.Timestamp(r[3]) for r in rows],
            "filed": [pd.Timestamp(r[3]) + pd.Timedelta(days=60) for r in rows],
            "value": [r[4] for r in rows],
            "rank": 0,
            "concepts": "test",
        }
    )  # fmt: skip
    return pd.concat([base, frame], ignore_index=True).astype(base.dtypes.to_dict())


def test_screen_share_unprofitable_with_flagged_excluded() -> None:
    fy = "2020-12-31"
    items = _items(
        [
            ("S1", "net_income", "FY", fy, 10.0),
            ("S2", "net_income", "FY", fy, -5.0),
            ("S3", "net_income", "FY", fy, -1.0),
            ("S4", "net_income", "FY", fy, 3.0),
            ("S6", "net_income", "FY", fy, 80.0),  # 8x its revenue: implausible
            ("S6", "revenue", "FY", fy, 10.0),
        ]
    )
    fund = ScreenData.from_frames(items)
    snaps = {pd.Timestamp("2021-01-15"): ["S1", "S2", "S3", "S4", "S5", "S6"]}
    data = Data(snaps=snaps, fund=fund)
    base = {"metric": "screen_share", "universe": "U", "screen": "unprofitable",
            "date": "2021-06-30"}  # fmt: skip
    # S6 excluded; S5 has no data: 2 losses among S1..S4 -> 0.5
    r = _check(data, **base, stated=0.5)
    assert r.measured == pytest.approx(0.5) and r.verdict == "SUPPORTED"
    assert "1 excluded for implausible data" in r.detail and "2 of 4" in r.detail
    # kept on request: 2 of 5
    kept = _check(data, **base, include_flagged=True, stated=0.4)
    assert kept.measured == pytest.approx(0.4)
    none = _check(Data(snaps=snaps), **base, stated=0.4)
    assert none.verdict == "NOT_CHECKABLE" and "fundamentals" in none.missing[0]


# ------------------------------------------------------------------ correlation and beta
def test_correlation_and_beta_with_alignment() -> None:
    # five weeks; B has no Friday closes. B's Thursday closes are half of A's Thursday closes
    a_thu = [100, 102, 101, 104, 103.0]
    a_fri = [100, 101, 103, 102, 106.0]
    thursdays = pd.date_range("2024-01-04", periods=5, freq="7D")
    fridays = thursdays + pd.Timedelta(days=1)
    a = pd.Series(a_thu + a_fri, index=thursdays.append(fridays)).sort_index()
    b = pd.Series([x / 2 for x in a_thu], index=thursdays)
    data = Data(px=pd.DataFrame({"A": a, "B": b}))
    base = {"metric": "correlation", "symbol": "A", "other": "B", "freq": "W",
            "start": "2024-01-01", "end": "2024-02-02"}  # fmt: skip
    # days both have = Thursdays: identical returns -> correlation 1, beta 1
    common = _check(data, **base, stated=1.0)
    assert common.measured == pytest.approx(1.0) and "days both have" in common.detail
    assert _check(data, **base, stat="beta", stated=1.0).measured == pytest.approx(1.0)
    # calendar weeks: A's Friday vs B's Thursday closes
    ra = np.diff(a_fri) / np.array(a_fri[:-1])
    rb = np.diff(a_thu) / np.array(a_thu[:-1])
    expected = float(np.corrcoef(ra, rb)[0, 1])
    beta = float(np.cov(ra, rb)[0, 1] / np.var(rb, ddof=1))
    cal = _check(data, **base, align="calendar", stated=round(expected, 3))
    assert cal.measured == pytest.approx(expected) and cal.verdict == "SUPPORTED"
    assert "own calendar-period closes" in cal.detail
    cal_beta = _check(data, **base, align="calendar", stat="beta", stated=0.0)
    assert cal_beta.measured == pytest.approx(beta)


# ------------------------------------------------------------------ tolerance policy and windows
@pytest.mark.parametrize(
    ("value", "tol"),
    [("0.036", 0.0005), ("0.0350", 0.00005), ("14", 0.5), ("-1", 0.5), ("1.5e-3", 0.00005),
     ("2019", 0.5), ("0.10", 0.005)],
)  # fmt: skip
def test_implied_tolerance_from_written_digits(value: str, tol: float) -> None:
    text = '[[claim]]\ntext = "x"\nmetric = "series_value"\nseries = "S"\ndate = 2024-01-02\n'
    claim = parse_claims_text(text + f"stated = {value}\n")[0]
    assert claim.tolerance == pytest.approx(tol)
    assert claim.tolerance_rule == f"rounding of {value}"
    assert implied_tolerance(True) == 0.0


def test_tolerance_rules_and_verdict_text() -> None:
    idx = pd.bdate_range("2024-01-01", periods=3)
    data = Data(ser=pd.DataFrame({"S": [3.0, 3.86, 3.94]}, index=idx))
    text = '[[claim]]\ntext = "x"\nmetric = "series_value"\nseries = "S"\n'
    on = parse_claims_text(text + "date = 2024-01-02\nstated = 3.9\n")[0]
    r = evaluate_claim(on, data)  # |3.86 - 3.9| = 0.04 <= 0.05
    assert r.verdict == "SUPPORTED"
    s = r.summary()
    assert "stated 3.9" in s and "measured 3.86" in s and "±0.05 (rounding of 3.9)" in s
    assert "basis: series S as published" in s
    tight = parse_claims_text(text + "date = 2024-01-02\nstated = 3.90\ntolerance = 0.01\n")[0]
    assert evaluate_claim(tight, data).verdict == "CONTRADICTED"
    assert tight.tolerance_rule == "stated in the claim"
    bound = parse_claims_text(text + 'date = 2024-01-03\nstated = 3.95\ncompare = "at_least"\n')[0]
    assert bound.tolerance == 0.0 and evaluate_claim(bound, data).verdict == "CONTRADICTED"
    px = make_claim({"text": "p", "metric": "window_return", "symbol": "A", "start": "2024-01-02",
                     "end": "2024-01-03", "field": "adj_close", "stated": 0.1})  # fmt: skip
    assert px.basis.startswith("total return")


@pytest.mark.parametrize(
    ("fields", "pattern"),
    [
        ({"metric": "window_return", "symbol": "A", "start": "2024-02-01", "end": "2024-01-01"},
         r"reversed: start 2024-02-01 is after end 2024-01-01"),
        ({"metric": "window_return", "symbol": "A", "start": "2024-02-01"},
         r"needs the end of its window"),
        ({"metric": "records", "symbol": "A", "start": "2024-02-01", "asof": "2024-01-01"},
         r"reversed: start 2024-02-01 is after asof"),
        ({"metric": "records", "symbol": "A", "end": "2024-02-01"}, r"give 'start'"),
        ({"metric": "breadth_level", "universe": "U"}, r"about one date: give 'asof'"),
        ({"metric": "period_rank", "symbol": "A"}, r"about one date: give 'asof'"),
        ({"metric": "window_extreme", "symbol": "A", "start": "2024-01-01", "end": "2024-02-01"},
         r"give 'asof'"),
        ({"metric": "window_extreme", "symbol": "A", "series": "S", "start": "2024-01-01",
          "end": "2024-02-01", "stat": "value"}, r"exactly one of 'symbol' or 'series'"),
        ({"metric": "breadth_rank", "universe": "U", "since": "2024-02-01", "asof": "2024-01-01"},
         r"'since' 2024-02-01 is not before asof"),
        ({"metric": "correlation", "symbol": "A", "other": "B", "start": "2024-01-01"},
         r"needs the end of its window"),
    ],
)  # fmt: skip
def test_reversed_or_missing_windows_are_errors(fields: dict[str, Any], pattern: str) -> None:
    with pytest.raises(ClaimSpecError, match=pattern) as info:
        make_claim({"text": "t", "stated": 1.0, **fields})
    assert info.value.input is not None and "claim #0" in info.value.input
