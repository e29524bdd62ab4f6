"""Membership intervals from hand-made holdings snapshots (pure; no store)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.analytics.breadth import breadth, membership_intervals, membership_mask
from sizeup.errors import DataError

T = pd.Timestamp

# Three month-end snapshots. A leaves at the second and comes back at the third; C is only in
# the second; B is in all three; D joins at the third.
SNAPS = {
    "2024-01-31": ["A", "B"],
    "2024-02-29": ["B", "C"],
    "2024-03-28": ["A", "B", "D"],
}


def test_interval_table_by_hand() -> None:
    m = membership_intervals(SNAPS, universe="TOY")
    iv = m.intervals
    assert list(iv.columns) == [
        "symbol",
        "start",
        "end",
        "first_snapshot",
        "last_snapshot",
        "n_snapshots",
        "backfilled",
    ]
    got = [
        (
            r.symbol,
            r.start,
            None if pd.isna(r.end) else r.end,
            r.last_snapshot,
            r.n_snapshots,
            r.backfilled,
        )
        for r in iv.itertuples()
    ]
    assert got == [
        # dropped at 02-29, re-added at 03-28: two intervals
        ("A", T("2024-01-31"), T("2024-02-29"), T("2024-01-31"), 1, True),
        ("A", T("2024-03-28"), None, T("2024-03-28"), 1, False),
        ("B", T("2024-01-31"), None, T("2024-03-28"), 3, True),
        ("C", T("2024-02-29"), T("2024-03-28"), T("2024-02-29"), 1, False),
        ("D", T("2024-03-28"), None, T("2024-03-28"), 1, False),
    ]
    assert m.symbols == ("A", "B", "C", "D")
    assert list(m.snapshot_dates) == [T("2024-01-31"), T("2024-02-29"), T("2024-03-28")]


def test_members_on_dates() -> None:
    m = membership_intervals(SNAPS, universe="TOY")
    # between two snapshots the earlier one rules
    names, label = m.members_on("2024-02-15")
    assert names == ("A", "B")
    assert "2024-01-31 snapshot" in label and "before the first" not in label
    # on a snapshot date that snapshot rules
    assert m.members_on("2024-02-29")[0] == ("B", "C")
    assert m.members_on("2024-03-27")[0] == ("B", "C")
    # re-added
    assert m.members_on("2024-03-28")[0] == ("A", "B", "D")
    assert m.members_on("2030-01-01")[0] == ("A", "B", "D")
    # before the first snapshot: the labelled fallback (the first snapshot)
    names, label = m.members_on("2023-06-30")
    assert names == ("A", "B")
    assert "before the first snapshot" in label and "survivorship" in label
    assert m.snapshot_for("2023-06-30") == (T("2024-01-31"), True)
    assert m.snapshot_for("2024-03-01") == (T("2024-02-29"), False)


def test_mask_by_hand() -> None:
    m = membership_intervals(SNAPS)
    dates = pd.DatetimeIndex(
        ["2024-01-30", "2024-01-31", "2024-02-28", "2024-02-29", "2024-03-27", "2024-03-28"]
    )
    mask, note = m.mask(dates, ["D", "A", "C", "B", "Z"])
    expected = np.array(
        [
            # D      A      C      B      Z (never a member)
            [False, True, False, True, False],  # 01-30 before the first: the first snapshot
            [False, True, False, True, False],  # 01-31
            [False, True, False, True, False],  # 02-28 between: the earlier one
            [False, False, True, True, False],  # 02-29
            [False, False, True, True, False],  # 03-27
            [True, True, False, True, False],  # 03-28 A re-added, D joins
        ]
    )
    np.testing.assert_array_equal(mask, expected)
    assert "the 1 days before 2024-01-31 use the first snapshot" in note
    assert "survivorship" in note


def test_no_snapshots_and_bad_snapshots() -> None:
    empty = membership_intervals({})
    assert empty.empty and empty.symbols == ()
    mask, note = empty.mask(pd.DatetimeIndex(["2024-01-02"]), ["A", "B"])
    assert mask.all() and "no holdings snapshots" in note
    with pytest.raises(DataError, match="no holdings snapshots"):
        empty.members_on("2024-01-02")
    with pytest.raises(DataError, match=r"2024-01-31 .*no members"):
        membership_intervals({"2024-01-31": []}, universe="IWM")
    with pytest.raises(DataError, match="dated 2024-01-31"):
        membership_intervals({"2024-01-31": ["A"], T("2024-01-31 00:00"): ["B"]})


def test_breadth_between_snapshots_uses_the_earlier_one() -> None:
    """% advancing on hand-made closes: the membership decides the answer."""
    dates = pd.DatetimeIndex(["2024-01-24", "2024-01-25", "2024-02-14", "2024-02-15"])
    close = pd.DataFrame(
        {
            # 01-25: A down, B up, C up   02-15: A up, B up, C down
            "A": [10.0, 9.0, 10.0, 11.0],
            "B": [20.0, 21.0, 20.0, 21.0],
            "C": [30.0, 31.0, 30.0, 29.0],
        },
        index=dates,
    )
    m = membership_intervals(SNAPS)
    mask, note = m.mask(dates, close.columns)
    b = breadth(close, members=mask, note=note, universe="TOY", ma_windows=(2,), hl_window=2)
    # 02-15 lies between 01-31 {A, B} and 02-29 {B, C}: the earlier rules -> A up, B up = 100 %
    # (the later snapshot would give B up, C down = 50 %; everyone 2 of 3 = 66.7 %)
    assert b.frame.loc["2024-02-15", "pct_adv"] == pytest.approx(100.0)
    # 01-25 is before the first snapshot: the fallback {A, B} -> A down, B up = 50 %
    assert b.frame.loc["2024-01-25", "pct_adv"] == pytest.approx(50.0)
    assert "survivorship" in b.note


_SYMS = st.sampled_from(list("ABCDEFG"))
_SNAPSHOTS = st.dictionaries(
    st.dates(
        min_value=pd.Timestamp("2020-01-01").date(), max_value=pd.Timestamp("2020-12-31").date()
    ),
    st.sets(_SYMS, min_size=1),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(_SNAPSHOTS)
def test_mask_agrees_with_membership_mask(snaps: dict[object, set[str]]) -> None:
    """Two algorithms, one policy: intervals vs the latest snapshot searched per day."""
    by_ts = {pd.Timestamp(k): sorted(v) for k, v in snaps.items()}
    dates = pd.bdate_range("2019-12-20", "2021-01-10")
    cols = list("ABCDEFGH")
    mine, _ = membership_intervals(by_ts).mask(dates, cols)
    ref, _ = membership_mask(dates, cols, dict(by_ts.items()))
    np.testing.assert_array_equal(mine, ref)
    # and members_on agrees with the rows of the mask
    m = membership_intervals(by_ts)
    for k in (0, 17, 150, len(dates) - 1):
        names = m.members_on(dates[k])[0]
        assert names == tuple(c for c, flag in zip(cols, ref[k], strict=True) if flag)
