"""``breadth_level`` and ``breadth_rank`` of ``sizeup.claims._kinds`` on a hand-built panel.

Members X, Y, Z move +1 % or -1 % a session; the share advancing each session is the number of
members that rose over three, written out below. The fourth holding, W, has no prices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pytest

from sizeup.claims import ClaimResult, evaluate_claim, make_claim
from sizeup.errors import DataError

SNAP = pd.Timestamp("2023-12-01")


def _panel(ups: Sequence[int], start: str = "2024-01-01") -> pd.DataFrame:
    """X, Y, Z from 100; on session k the first ``ups[k]`` of them rise 1 %, the others fall."""
    rows = [[100.0, 100.0, 100.0]]
    for k in ups:
        rows.append([c * (1.01 if i < k else 0.99) for i, c in enumerate(rows[-1])])
    idx = pd.bdate_range(start, periods=len(rows))
    return pd.DataFrame(rows, index=idx, columns=["X", "Y", "Z"])


class Data:
    """Closes by field, holdings snapshots of U (or a legacy member list), failing prices."""

    def __init__(
        self,
        close: pd.DataFrame,
        snaps: Mapping[pd.Timestamp, list[str]] | None = None,
        *,
        fail: bool = False,
    ) -> None:
        self.frames = {"close": close}
        self.snaps = dict(snaps) if snaps is not None else {SNAP: ["W", "X", "Y", "Z"]}
        self.fail = fail

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        if self.fail:
            raise DataError("no price store")
        frame = self.frames[field]
        return frame[[s for s in symbols if s in frame.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return pd.DataFrame()

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return self.snaps if universe == "U" else {}


class LegacyData:
    """An older data object: ``members(universe, asof)`` only."""

    def __init__(self, close: pd.DataFrame, asof: pd.Timestamp) -> None:
        self.close = close
        self.asof = asof

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return self.close[[s for s in symbols if s in self.close.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return pd.DataFrame()

    def members(self, universe: str, asof: pd.Timestamp) -> list[str]:
        return ["X", "Y", "Z"] if universe == "U" and asof == self.asof else []


def _check(data: object, metric: str, **fields: Any) -> ClaimResult:
    raw: dict[str, Any] = {"text": "t", "metric": metric, "universe": "U"}
    raw.update(fields)
    # ``data`` may be LegacyData, an older data object with ``members()`` instead of
    # ``snapshots()``: not a ClaimData by type, but the checker's fallback for it is under test
    return evaluate_claim(make_claim(raw), data)  # type: ignore[arg-type]


# sessions 01-02 .. 01-16 (closes from 01-01): members up 3 1 0 2 1 3 1 2 1 2 3
# share advancing:                              1 1/3 0 2/3 1/3 1 1/3 2/3 1/3 2/3 1
UPS = [3, 1, 0, 2, 1, 3, 1, 2, 1, 2, 3]
PANEL = _panel(UPS)
NOTE = "point-in-time membership from 1 holdings snapshot(s) (2023-12-01)"
ABSENT = "; 1 of 4 holdings have no prices in this range"


def test_share_advancing_on_a_date() -> None:
    r = _check(Data(PANEL), "breadth_level", asof="2024-01-16", stated=1.0)
    assert r.measured == 1.0
    assert r.detail == f"pct_advancing on 2024-01-16; membership: {NOTE}{ABSENT}"


def test_change_of_the_share_advancing_over_two_sessions() -> None:
    # 01-16: 1, 01-12: 1/3 -> +2/3
    r = _check(Data(PANEL), "breadth_level", asof="2024-01-16", change=2, stated=0.67)
    assert r.measured == pytest.approx(2 / 3)
    assert r.detail == (
        f"pct_advancing, change over 2 sessions on 2024-01-16; membership: {NOTE}{ABSENT}"
    )


def test_prices_four_days_old_are_recent_enough() -> None:
    # Saturday 01-20: the last session (01-16) is four days before
    r = _check(Data(PANEL), "breadth_level", asof="2024-01-20", stated=1.0)
    assert r.measured == 1.0
    assert r.detail.startswith("pct_advancing on 2024-01-16; ")


def test_prices_five_days_old_are_stale() -> None:
    r = _check(Data(PANEL), "breadth_level", asof="2024-01-21", stated=1.0)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("member prices of 'U' on 2024-01-21",)


def test_one_session_of_prices_has_no_breadth() -> None:
    r = _check(Data(PANEL.iloc[:1]), "breadth_level", asof="2024-01-01", stated=1.0)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("enough member history of 'U' before 2024-01-01",)


def test_price_store_errors_name_the_universe() -> None:
    r = _check(Data(PANEL, fail=True), "breadth_level", asof="2024-01-16", stated=1.0)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("member prices of 'U'",)


def test_legacy_member_list_as_of_the_date() -> None:
    asof = pd.Timestamp("2024-01-16")
    r = _check(LegacyData(PANEL, asof), "breadth_level", asof="2024-01-16", stated=1.0)
    assert r.measured == 1.0
    assert r.detail.startswith(
        "pct_advancing on 2024-01-16; membership: point-in-time membership from 1 holdings "
        "snapshot(s) (2024-01-16)"
    )


def test_best_share_in_a_look_back() -> None:
    # the last 4 + 1 sessions 01-10 .. 01-16: 1/3 2/3 1/3 2/3 1 -> 1 is the best
    r = _check(Data(PANEL), "breadth_rank", asof="2024-01-16", lookback=4, stated=1)
    assert r.measured == 1.0
    assert r.detail.startswith("pct_advancing: ")
    assert r.detail.endswith(f" (window from 2024-01-10); membership: {NOTE}{ABSENT}")


def test_worst_share_in_a_look_back() -> None:
    # to 01-04: 1, 1/3, 0 (all there is) -> 0 is the worst
    r = _check(Data(PANEL), "breadth_rank", asof="2024-01-04", lookback=4, mode="worst",
               stated=1)  # fmt: skip
    assert r.measured == 1.0
    assert r.detail.endswith(f" (window from 2024-01-02); membership: {NOTE}{ABSENT}")


def test_best_share_since_a_date() -> None:
    # after 01-09: 1/3 2/3 1/3 2/3 1 -> the best
    r = _check(Data(PANEL), "breadth_rank", asof="2024-01-16", since="2024-01-09", stated=1)
    assert r.measured == 1.0
    assert r.detail.endswith(f" (window from 2024-01-10); membership: {NOTE}{ABSENT}")


def test_since_before_the_member_prices() -> None:
    r = _check(Data(PANEL), "breadth_rank", asof="2024-01-16", since="2023-12-15", stated=1)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("member prices of 'U' from 2023-12-15",)


def _above_ma(close: pd.DataFrame, n: int) -> pd.Series:
    """Share of members above their n-session average (today included), full windows only."""
    ma = close.rolling(n).mean()
    return (close > ma).sum(axis=1) / ma.notna().sum(axis=1)


def test_share_above_a_two_session_average() -> None:
    expected = _above_ma(PANEL, 2)
    assert expected.loc["2024-01-16"] == 1.0  # all three rose on 01-16
    r = _check(Data(PANEL), "breadth_level", asof="2024-01-16", measure="pct_above_ma", ma=2,
               stated=1.0)  # fmt: skip
    assert r.measured == pytest.approx(expected.loc["2024-01-16"])
    assert r.detail == f"share above 2-day average on 2024-01-16; membership: {NOTE}{ABSENT}"


def test_two_session_average_skips_its_warm_up_rows() -> None:
    # closes from 01-01; the 2-session average exists from 01-02, the first two rows are
    # warm-up: the look-back (longer than the data) starts on 01-03
    r = _check(Data(PANEL), "breadth_rank", asof="2024-01-16", measure="pct_above_ma", ma=2,
               lookback=20, stated=1)  # fmt: skip
    assert r.detail.startswith("share above 2-day average: ")
    assert r.detail.endswith(f" (window from 2024-01-03); membership: {NOTE}{ABSENT}")


# 300 sessions: X and Z rise every session, Y falls: from the 252nd session on, two new highs
# and one new low each session (net +1); before it none
LONG = pd.DataFrame(
    {
        "X": [100.0 * 1.001**i for i in range(300)],
        "Y": [100.0 * 0.999**i for i in range(300)],
        "Z": [50.0 * 1.002**i for i in range(300)],
    },
    index=pd.bdate_range("2023-01-02", periods=300),
)


def test_net_new_highs_is_a_count() -> None:
    day = LONG.index[-1]
    r = _check(Data(LONG), "breadth_level", asof=f"{day:%Y-%m-%d}", measure="net_new_highs",
               stated=1)  # fmt: skip
    assert r.measured == 1.0
    assert r.detail.startswith(f"net_new_highs on {day:%Y-%m-%d}; membership: ")


def test_net_new_highs_skip_a_year_of_warm_up() -> None:
    # the first 252 rows are warm-up: the look-back of 100 (longer than what is left) starts
    # at row 252
    day = LONG.index[-1]
    r = _check(Data(LONG), "breadth_rank", asof=f"{day:%Y-%m-%d}", measure="net_new_highs",
               lookback=100, stated=1)  # fmt: skip
    assert f" (window from {LONG.index[252]:%Y-%m-%d}); membership: " in r.detail


def test_since_counts_the_rows_of_the_data_not_weekdays() -> None:
    # closes every calendar day, 2023-12-28 .. 2024-01-29 (32 moves): 28 rows after 01-01 but
    # only 20 weekdays, so a window sized in weekdays stopped short of 01-01 and reported the
    # member prices missing. Members up: 1 or 2 a day, all 3 on the last day -> the best
    ups = [1, 2] * 15 + [1, 3]
    close = _panel(ups, start="2023-12-28")
    close.index = pd.date_range("2023-12-28", periods=len(close), freq="D")
    assert close.index[-1] == pd.Timestamp("2024-01-29")
    r = _check(Data(close), "breadth_rank", asof="2024-01-29", since="2024-01-01", stated=1)
    assert r.verdict == "SUPPORTED"
    assert r.measured == 1.0
    assert " (window from 2024-01-02); " in r.detail
