"""Flow arithmetic on hand-made shares-outstanding snapshots; every expected figure is worked
out by hand in the comments (2026 sessions: Jan 5-9, Jan 12-16; Jan 19 is a holiday)."""

from __future__ import annotations

import pandas as pd
import pytest

from sizeup.analytics.flows import aggregate_flows, interval_flows, window_flow
from sizeup.errors import DataError


def _s(values: dict[str, float]) -> pd.Series:
    return pd.Series(list(values.values()), index=pd.to_datetime(list(values)), dtype=float)


SHARES = _s(
    {
        "2026-01-05": 1_000_000,
        "2026-01-06": 1_010_000,
        "2026-01-07": 1_005_000,
        # Jan 8 and Jan 9 missing: one interval Jan 7 -> Jan 12 (3 sessions)
        "2026-01-12": 1_025_000,
        "2026-01-13": 2_060_000,  # 2-for-1 split plus 10,000 new shares
        "2026-01-14": 2_060_000,
        "2026-01-15": 2_040_000,
    }
)
NAV = _s(
    {
        "2026-01-05": 50.00,
        "2026-01-06": 50.50,
        "2026-01-07": 50.20,
        "2026-01-12": 51.00,
        "2026-01-13": 25.60,
        "2026-01-14": 25.70,
        # no NAV on Jan 15: the close is used
    }
)
CLOSE = _s({"2026-01-14": 25.71, "2026-01-15": 25.80})


def test_interval_flows_by_hand() -> None:
    out = interval_flows(SHARES, NAV, close=CLOSE)
    assert list(out.index) == list(SHARES.index[1:])
    # Jan 6: (1,010,000 - 1,000,000) x 50.50 = 505,000
    # Jan 7: (1,005,000 - 1,010,000) x 50.20 = -251,000
    # Jan 12: (1,025,000 - 1,005,000) x 51.00 = 1,020,000, one figure over 3 sessions
    # Jan 13: split detected (2,060,000 / 1,025,000 = 2.0098; 51.00 / 25.60 = 1.9922 -> 2):
    #         (2,060,000 - 2 x 1,025,000) x 25.60 = 10,000 x 25.60 = 256,000
    # Jan 14: 0 x 25.70 = 0
    # Jan 15: (2,040,000 - 2,060,000) x 25.80 (close, no NAV) = -516,000
    assert out["flow"].tolist() == pytest.approx(
        [505_000.0, -251_000.0, 1_020_000.0, 256_000.0, 0.0, -516_000.0], abs=1e-6
    )
    assert out["sessions"].tolist() == [1, 1, 3, 1, 1, 1]
    assert out["gap"].tolist() == [False, False, True, False, False, False]
    assert out.loc["2026-01-12", "start"] == pd.Timestamp("2026-01-07")
    assert out["split_ratio"].tolist() == [1.0, 1.0, 1.0, 2.0, 1.0, 1.0]
    assert out["split_how"].tolist() == ["", "", "", "detected", "", ""]
    assert out["price_kind"].tolist() == ["nav"] * 5 + ["close"]


def test_weekly_and_monthly_sums_keep_the_gap_whole() -> None:
    flows = interval_flows(SHARES, NAV, close=CLOSE)
    weeks = aggregate_flows(flows, "W")
    # week to Fri Jan 9: 505,000 - 251,000 = 254,000
    # week to Fri Jan 16: 1,020,000 + 256,000 + 0 - 516,000 = 760,000, starting Jan 7
    assert list(weeks.index) == [pd.Timestamp("2026-01-09"), pd.Timestamp("2026-01-16")]
    assert weeks["flow"].tolist() == pytest.approx([254_000.0, 760_000.0], abs=1e-6)
    assert weeks["start"].tolist() == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-07")]
    assert weeks["gaps"].tolist() == [0, 1]
    assert weeks["sessions"].tolist() == [2, 6]
    assert weeks["price_kinds"].tolist() == ["nav", "close+nav"]
    months = aggregate_flows(flows, "M")
    assert months["flow"].tolist() == pytest.approx([1_014_000.0], abs=1e-6)
    days = aggregate_flows(flows, "D")
    assert days["flow"].tolist() == pytest.approx(flows["flow"].tolist())


def test_gap_over_a_month_end_counts_whole_in_the_later_month() -> None:
    shares = _s({"2026-01-28": 100.0, "2026-01-29": 110.0, "2026-02-03": 150.0})
    nav = _s({"2026-01-28": 10.0, "2026-01-29": 10.0, "2026-02-03": 12.0})
    flows = interval_flows(shares, nav)
    # Jan 29 -> Feb 3 holds Jan 30, Feb 2, Feb 3: one interval, (150 - 110) x 12 = 480
    assert flows.loc["2026-02-03", "sessions"] == 3
    months = aggregate_flows(flows, "M")
    assert months["flow"].tolist() == pytest.approx([100.0, 480.0])  # Jan: 10 x 10
    assert months.loc["2026-02-28", "start"] == pd.Timestamp("2026-01-29")


def test_known_split_action_with_split_adjusted_closes() -> None:
    shares = _s({"2026-03-02": 1_000.0, "2026-03-03": 3_000.0})
    close = _s({"2026-03-02": 10.0, "2026-03-03": 10.0})  # a source that split-adjusted
    with_action = interval_flows(shares, close=close, splits=_s({"2026-03-03": 3.0}))
    assert with_action["flow"].tolist() == [0.0]  # 3,000 - 3 x 1,000 = 0
    assert with_action["split_how"].tolist() == ["action"]
    # without the action nothing can tell a split from closes: (3,000 - 1,000) x 10
    assert interval_flows(shares, close=close)["flow"].tolist() == [20_000.0]


def test_reverse_split_detected_and_real_creation_not_taken_for_a_split() -> None:
    shares = _s({"2026-03-02": 1_000.0, "2026-03-03": 500.0, "2026-03-04": 550.0})
    nav = _s({"2026-03-02": 10.0, "2026-03-03": 20.2, "2026-03-04": 20.0})
    out = interval_flows(shares, nav)
    # 500 / 1,000 = 0.5 and 10 / 20.2 = 0.495: a 1-for-2 split, flow (500 - 0.5 x 1,000) x 20.2
    assert out["split_ratio"].tolist() == [0.5, 1.0]
    # then 10 % more shares at a flat NAV is a creation: (550 - 500) x 20 = 1,000
    assert out["flow"].tolist() == pytest.approx([0.0, 1_000.0])


def test_missing_price_gives_nan_flow_and_nan_sums() -> None:
    shares = _s({"2026-03-02": 1_000.0, "2026-03-03": 1_100.0})
    out = interval_flows(shares)
    assert out["price_kind"].tolist() == ["missing"]
    assert out["flow"].isna().all()
    assert aggregate_flows(out, "M")["flow"].isna().all()


def test_window_flow_includes_a_gap_over_its_start() -> None:
    flows = interval_flows(SHARES, NAV, close=CLOSE)
    total, first, last, gaps = window_flow(
        flows, pd.Timestamp("2026-01-09"), pd.Timestamp("2026-01-15")
    )
    assert total == pytest.approx(760_000.0)
    assert (first, last, gaps) == (pd.Timestamp("2026-01-07"), pd.Timestamp("2026-01-15"), 1)
    with pytest.raises(DataError, match="no shares-outstanding change"):
        window_flow(flows, pd.Timestamp("2026-02-01"), pd.Timestamp("2026-02-27"))


def test_bad_inputs() -> None:
    with pytest.raises(DataError, match="must be positive"):
        interval_flows(_s({"2026-03-02": 1_000.0, "2026-03-03": 0.0}))
    dup = pd.Series([1.0, 2.0], index=pd.to_datetime(["2026-03-02", "2026-03-02"]))
    with pytest.raises(DataError, match="two values on 2026-03-02"):
        interval_flows(dup)
    with pytest.raises(DataError, match="frequency 'Q'"):
        aggregate_flows(interval_flows(SHARES, NAV), "Q")
    assert interval_flows(_s({"2026-03-02": 1.0})).empty
