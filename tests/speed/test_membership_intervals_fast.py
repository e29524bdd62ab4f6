"""``membership_intervals`` (snapshot dates indexed as a list) against a run-length reference.

The reference below groups each symbol's in/out flags over the sorted snapshots with
:func:`itertools.groupby`, written independently of the library's loop.
"""

from __future__ import annotations

import itertools

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.analytics.breadth import membership_intervals


def _reference(snapshots: dict[str, list[str]]) -> list[tuple[object, ...]]:
    dates = sorted(pd.Timestamp(k) for k in snapshots)
    by_date = {pd.Timestamp(k): set(v) for k, v in snapshots.items()}
    rows = []
    for sym in sorted(set().union(*by_date.values())):
        flags = [sym in by_date[d] for d in dates]
        pos = 0
        for inside, grp in itertools.groupby(flags):
            n = len(list(grp))
            if inside:
                end = dates[pos + n] if pos + n < len(dates) else pd.NaT
                rows.append((sym, dates[pos], end, dates[pos], dates[pos + n - 1], n, pos == 0))
            pos += n
    return rows


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sets(st.sampled_from(["AA", "BB", "CC", "DD", "EE"]), min_size=1),
        min_size=1,
        max_size=8,
    ),
    st.permutations(range(8)),
)
def test_intervals_equal_run_length_reference(sets, order):
    days = pd.date_range("2020-01-31", periods=8, freq="ME")
    snapshots = {str(days[order[i]].date()): sorted(s) for i, s in enumerate(sets)}
    got = membership_intervals(snapshots, universe="T").intervals
    rows = [
        (r.symbol, r.start, r.end, r.first_snapshot, r.last_snapshot, r.n_snapshots, r.backfilled)
        for r in got.itertuples()
    ]
    ref = _reference(snapshots)
    assert len(rows) == len(ref)
    for a, b in zip(rows, ref, strict=True):
        assert a[0] == b[0] and a[5:] == b[5:]
        for x, y in zip(a[1:5], b[1:5], strict=True):
            assert (pd.isna(x) and pd.isna(y)) or pd.Timestamp(x) == pd.Timestamp(y)


def test_by_hand():
    snaps = {"2024-03-28": ["X", "Y"], "2024-01-31": ["X"], "2024-02-29": ["Y"]}
    got = membership_intervals(snaps).intervals
    assert got["symbol"].tolist() == ["X", "X", "Y"]
    assert got["start"].tolist() == [
        pd.Timestamp(d) for d in ("2024-01-31", "2024-03-28", "2024-02-29")
    ]
    assert got["end"].iloc[0] == pd.Timestamp("2024-02-29") and pd.isna(got["end"].iloc[1])
    assert got["n_snapshots"].tolist() == [1, 1, 2]
    assert got["backfilled"].tolist() == [True, False, False]
    assert got["last_snapshot"].tolist() == [
        pd.Timestamp(d) for d in ("2024-01-31", "2024-03-28", "2024-03-28")
    ]
