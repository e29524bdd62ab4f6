"""Breadth of a three-member panel, worked out by hand row by row.

Panel (Mon 2024-01-01 .. Fri 2024-01-05)::

    A  10  11  11  12   9
    B  20  19   -  21  22
    C   -   5   6   4   4

Advances / declines / unchanged (a member needs a close on the day and on its previous row):
day 1 A up, B down; day 2 A unch, C up; day 3 A up, C down (B has no previous close);
day 4 A down, B up, C unch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.breadth import (
    breadth,
    membership_mask,
    rolling_extreme_last_n,
    rolling_mean_last_n,
    trailing_rank,
)
from sizeup.analytics.breadth._breadth import pct_true
from sizeup.errors import DataError

NAN = np.nan
IDX = pd.bdate_range("2024-01-01", periods=5)
PANEL = pd.DataFrame(
    {
        "A": [10.0, 11.0, 11.0, 12.0, 9.0],
        "B": [20.0, 19.0, NAN, 21.0, 22.0],
        "C": [NAN, 5.0, 6.0, 4.0, 4.0],
    },
    index=IDX,
)


def _ewm_adjusted(values: list[float], span: int) -> list[float]:
    """Adjusted EWMA skipping NaN (weights (1 - a)^k over the valid values so far)."""
    a = 2.0 / (span + 1.0)
    seen: list[float] = []
    out = []
    for v in values:
        if not np.isnan(v):
            seen.append(v)
        if not seen:
            out.append(NAN)
            continue
        w = [(1.0 - a) ** k for k in range(len(seen))][::-1]
        out.append(sum(x * wk for x, wk in zip(seen, w, strict=True)) / sum(w))
    return out


def test_net_advances_ad_percent_and_hli_ema_by_hand() -> None:
    b = breadth(PANEL, ma_windows=(2,), hl_window=3, hli_window=2, universe="U", note="n")
    f = b.frame
    assert f.index.name == "date"
    assert (b.universe, b.n_symbols, b.note) == ("U", 3, "n")
    assert f["net_adv"].tolist() == [0, 0, 1, 0, 0]
    assert np.isnan(f["ad_pct"].iloc[0])
    assert f["ad_pct"].iloc[1:].tolist() == pytest.approx([0.0, 50.0, 0.0, 0.0])
    # new highs / lows over 3 closes: rhp from day 2 = 100, 200/3, 100/3
    rhp = [NAN, NAN, 100.0, 200 / 3, 100 / 3]
    assert f["hli"].iloc[:2].isna().all()
    assert f["hli"].iloc[2:].tolist() == pytest.approx([100.0, 250 / 3, 50.0])
    want = _ewm_adjusted(rhp, 2)
    assert f["hli_ema"].iloc[:2].isna().all()
    assert f["hli_ema"].iloc[2:].tolist() == pytest.approx(want[2:])
    assert f["hli_ema"].iloc[4] == pytest.approx(
        (100 / 3 + 200 / 9 + 100 / 9) / (1 + 1 / 3 + 1 / 9)
    )


def test_hli_uses_at_most_its_window() -> None:
    # four days of new highs, one of new lows: rhp 100,100,100,0 -> 3-day SMA 100, 100, 200/3
    close = pd.DataFrame(
        {"A": [1.0, 2.0, 3.0, 4.0, 5.0, 1.0]}, index=pd.bdate_range("2024-01-01", periods=6)
    )
    f = breadth(close, ma_windows=(1,), hl_window=2, hli_window=3).frame
    assert f["rhp"].iloc[1:].tolist() == pytest.approx([100.0, 100.0, 100.0, 100.0, 0.0])
    assert f["hli"].iloc[1:].tolist() == pytest.approx([100.0, 100.0, 100.0, 100.0, 200 / 3])


def test_summary_and_latest() -> None:
    b = breadth(PANEL, hl_window=3, hli_window=2, universe="U", note="my note")
    assert b.summary() == (
        "Breadth of U on 2024-01-05: 3 members with data; 33.3% advancing; "
        "nan% above 50-d, nan% above 200-d; NH-NL -1; HLI 50.0\nmy note"
    )
    assert repr(b) == b.summary()
    row = b.latest("2024-01-03")
    assert row.name == pd.Timestamp("2024-01-03")
    assert int(row["members"]) == 2
    with pytest.raises(DataError, match=r"^breadth of U has no date on or before 2023-12-31$"):
        b.latest("2023-12-31")


def test_window_and_shape_errors() -> None:
    with pytest.raises(DataError, match=r"^window=0 must be >= 1$"):
        breadth(PANEL, hl_window=0)
    with pytest.raises(DataError, match=r"^window=0 must be >= 1$"):
        trailing_rank(pd.Series([1.0, 2.0]), window=0)
    with pytest.raises(DataError, match=r"^n=0 must be >= 1$"):
        rolling_mean_last_n(np.ones((3, 1)), 0)
    with pytest.raises(DataError, match=r"^n=0 must be >= 1$"):
        rolling_extreme_last_n(np.ones((3, 1)), 0)
    with pytest.raises(DataError, match=r"^values must be 2-D \(rows, cols\); got shape \(3,\)$"):
        rolling_mean_last_n(np.ones(3), 2)
    with pytest.raises(DataError, match=r"^values must be 2-D \(rows, cols\); got shape \(3,\)$"):
        rolling_extreme_last_n(np.ones(3), 2)
    with pytest.raises(DataError, match=r"^kind='mid'; valid: 'max', 'min'$"):
        rolling_extreme_last_n(np.ones((3, 1)), 2, kind="mid")
    with pytest.raises(
        DataError, match=r"^members mask has shape \(2, 3\); the close panel has \(5, 3\)$"
    ):
        breadth(PANEL, members=np.ones((2, 3), dtype=bool))


def test_rolling_windows_by_hand() -> None:
    v = np.array([[1.0, 5.0], [NAN, 4.0], [3.0, 6.0], [2.0, NAN]])
    mean = rolling_mean_last_n(v, 2)
    np.testing.assert_allclose(mean, [[NAN, NAN], [NAN, 4.5], [2.0, 5.0], [2.5, NAN]])
    hi = rolling_extreme_last_n(v, 2)  # default kind is max
    np.testing.assert_allclose(hi, [[NAN, NAN], [NAN, 5.0], [3.0, 6.0], [3.0, NAN]])
    lo = rolling_extreme_last_n(v, 2, kind="min")
    np.testing.assert_allclose(lo, [[NAN, NAN], [NAN, 4.0], [1.0, 4.0], [2.0, NAN]])


def test_membership_notes_name_the_snapshots_and_the_biased_days() -> None:
    snaps = {IDX[4]: ["A", "C"], IDX[2]: ["A", "B"]}  # not in date order
    mask, note = membership_mask(IDX, PANEL.columns, snaps)
    assert mask[:, 0].all()
    assert mask[:4, 1].all() and not mask[4, 1]
    assert not mask[:4, 2].any() and mask[4, 2]
    assert note == (
        "point-in-time membership from 2 holdings snapshot(s) (2024-01-03, 2024-01-05); "
        "the 2 days before 2024-01-03 use the first snapshot, so they count only names that "
        "survived into it (survivorship-biased: delisted and removed members are missing)"
    )
    _, note = membership_mask(IDX, PANEL.columns, {IDX[0]: ["A"]})
    assert note == "point-in-time membership from 1 holdings snapshot(s) (2024-01-01)"
    full, note = membership_mask(IDX, PANEL.columns, {})
    assert full.shape == (5, 3) and full.all()
    assert full.dtype == bool  # a mask, usable with ~ in breadth()
    assert note == (
        "no holdings snapshots: every symbol of the panel counts as a member on every day "
        "(today's members only; survivorship-biased)"
    )


def test_pct_true_by_hand() -> None:
    flags = np.array(
        [[True, False, True], [False, False, False], [True, True, True], [True, True, False]]
    )
    defined = np.array(
        [[True, True, False], [False, False, False], [True, True, True], [False, True, False]]
    )
    got = pct_true(flags, defined)
    assert got[0] == pytest.approx(50.0)
    assert np.isnan(got[1])
    assert got[2] == pytest.approx(100.0)
    assert got[3] == pytest.approx(100.0)  # one member defined


def test_trailing_rank_of_an_empty_dated_series() -> None:
    idx = pd.DatetimeIndex([], name="date")
    got = trailing_rank(pd.Series([], index=idx, dtype=float), window=5)
    assert got.index.equals(idx)
    assert list(got.columns) == ["prior_max", "is_max", "pct_rank"]
    assert got["is_max"].dtype == bool
    assert len(got) == 0


def test_hli_ema_skips_days_without_highs_or_lows() -> None:
    # 3-close window: day 2 a new high (rhp 100), day 3 neither (NaN), day 4 a new low (rhp 0)
    close = pd.DataFrame({"A": [1.0, 2.0, 3.0, 2.5, 1.0]}, index=IDX)
    f = breadth(close, ma_windows=(1,), hl_window=3, hli_window=2).frame
    rhp = [NAN, NAN, 100.0, NAN, 0.0]
    np.testing.assert_allclose(f["rhp"].to_numpy(), rhp)
    # the NaN day carries no weight: (0 + 100 / 3) / (1 + 1 / 3) = 25
    assert f["hli_ema"].iloc[4] == pytest.approx(25.0)
    assert f["hli_ema"].iloc[4] == pytest.approx(_ewm_adjusted(rhp, 2)[4])
    assert f["hli"].iloc[4] == pytest.approx(0.0)  # the SMA of 2 days: only day 4 is defined


def test_zero_close_is_no_observation() -> None:
    zero = PANEL.copy()
    zero.loc[IDX[4], "A"] = 0.0
    f = breadth(zero, ma_windows=(2,), hl_window=3).frame
    assert f["members"].iloc[4] == 2  # B and C
    assert (f["adv"].iloc[4], f["dec"].iloc[4], f["unch"].iloc[4]) == (1, 0, 1)


def test_default_windows_252_day_highs_and_10_day_hli() -> None:
    # A rises every day, B falls every day but has no close on a few late days: from row 251
    # (252 closes) A is a new high every day and B a new low on the days it trades, so
    # rhp = 50, or 100 on B's missing days
    n = 330
    gaps = {300, 305, 306, 315, 322}
    a = 100.0 + np.arange(n)
    b = 1000.0 - np.arange(n, dtype=float)
    b[sorted(gaps)] = NAN
    close = pd.DataFrame({"A": a, "B": b}, index=pd.bdate_range("2020-01-01", periods=n))
    res = breadth(close)
    assert (res.universe, res.note) == ("universe", "")
    f = res.frame
    assert f["new_highs"].iloc[250] == 0 and f["new_highs"].iloc[251] == 1
    rhp = [NAN] * 251 + [100.0 if t in gaps else 50.0 for t in range(251, n)]
    np.testing.assert_allclose(f["rhp"].to_numpy(), rhp)
    sma10 = []
    for t in range(n):
        win = [x for x in rhp[max(0, t - 9) : t + 1] if not np.isnan(x)]
        sma10.append(sum(win) / len(win) if win else NAN)
    np.testing.assert_allclose(f["hli"].to_numpy(), sma10)
    np.testing.assert_allclose(f["hli_ema"].to_numpy(), _ewm_adjusted(rhp, 10))
    # A is above its rising averages, B below its falling ones; 50 %, or 100 % without B
    for n in (50, 200):
        want = [NAN] * (n - 1) + [100.0 if t in gaps else 50.0 for t in range(n - 1, 330)]
        np.testing.assert_allclose(f[f"pct_above_{n}"].to_numpy(), want, err_msg=str(n))


def test_one_member_with_a_previous_close() -> None:
    close = pd.DataFrame({"A": [1.0, 2.0, 1.5]}, index=IDX[:3])
    f = breadth(close, ma_windows=(1,), hl_window=2, hli_window=2).frame
    # one member counted per day: 100 % or 0 % advancing, A-D % +100 or -100
    assert np.isnan(f["pct_adv"].iloc[0]) and np.isnan(f["ad_pct"].iloc[0])
    assert f["pct_adv"].iloc[1:].tolist() == [100.0, 0.0]
    assert f["ad_pct"].iloc[1:].tolist() == [100.0, -100.0]


def test_one_member_and_a_second_moving_average_by_hand() -> None:
    # one member: 10, 11, 10, 12. Each day one member moves: 100 % or 0 % advancing, A/D
    # +100 % or -100 %. SMA-1 is the close itself (a tie: never above); SMA-2 from the second
    # row: 10.5 (11 above), 10.5 (10 below), 11 (12 above)
    one = pd.DataFrame({"A": [10.0, 11.0, 10.0, 12.0]}, index=IDX[:4])
    f = breadth(one, ma_windows=(1, 2), hl_window=3, hli_window=2).frame
    np.testing.assert_array_equal(f["pct_adv"], [NAN, 100.0, 0.0, 100.0])
    np.testing.assert_array_equal(f["ad_pct"], [NAN, 100.0, -100.0, 100.0])
    np.testing.assert_array_equal(f["pct_above_1"], [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(f["pct_above_2"], [NAN, 100.0, 0.0, 100.0])
