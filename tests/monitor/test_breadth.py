"""Breadth on a hand-made panel; numba kernels against their pure-Python references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sizeup.analytics.breadth import (
    breadth,
    membership_mask,
    rolling_extreme_last_n,
    rolling_mean_last_n,
    trailing_rank,
)
from sizeup.analytics.breadth._breadth import _extreme_last_n_py, _mean_last_n_py
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


def test_breadth_hand_computed():
    f = breadth(PANEL, ma_windows=(2,), hl_window=3, hli_window=2).frame
    assert f["members"].tolist() == [2, 3, 2, 3, 3]
    assert f["adv"].tolist() == [0, 1, 1, 1, 1]
    assert f["dec"].tolist() == [0, 1, 0, 1, 1]
    assert f["unch"].tolist() == [0, 0, 1, 0, 1]  # B on day 3 has no previous row: not counted
    assert np.isnan(f["pct_adv"].iloc[0])
    assert f["pct_adv"].iloc[1:].tolist() == pytest.approx([50.0, 50.0, 50.0, 100 / 3])
    assert f["adl"].tolist() == [0, 0, 1, 1, 1]
    # SMA of the last 2 closes (gaps skipped); equal to the SMA is not above
    assert np.isnan(f["pct_above_2"].iloc[0])
    assert f["pct_above_2"].iloc[1:].tolist() == pytest.approx([50.0, 50.0, 200 / 3, 100 / 3])
    assert f["new_highs"].tolist() == [0, 0, 1, 2, 1]
    assert f["new_lows"].tolist() == [0, 0, 0, 1, 2]
    assert f["nh_nl"].tolist() == [0, 0, 1, 1, -1]
    assert f["rhp"].iloc[2:].tolist() == pytest.approx([100.0, 200 / 3, 100 / 3])
    assert f["hli"].iloc[2:].tolist() == pytest.approx([100.0, 250 / 3, 50.0])


def test_breadth_nonpositive_prices_are_missing():
    bad = PANEL.copy()
    bad.loc[IDX[4], "A"] = -1.0
    f = breadth(bad, ma_windows=(2,), hl_window=3).frame
    assert f["members"].iloc[4] == 2


def test_membership_mask_point_in_time_and_note():
    snaps = {IDX[2]: ["A", "B"], IDX[4]: ["A", "C"]}
    mask, note = membership_mask(IDX, PANEL.columns, snaps)
    assert mask.tolist() == [
        [True, True, False],
        [True, True, False],
        [True, True, False],
        [True, True, False],
        [True, False, True],
    ]
    assert "survivorship" in note and "2 holdings snapshot" in note
    f = breadth(PANEL, members=mask, ma_windows=(2,), hl_window=3).frame
    assert f["members"].tolist() == [2, 2, 1, 2, 2]
    full, note2 = membership_mask(IDX, PANEL.columns, None)
    assert full.all() and "survivorship" in note2
    with pytest.raises(DataError, match="shape"):
        breadth(PANEL, members=mask[:2])


def test_trailing_rank():
    s = pd.Series([1.0, 3.0, 2.0, 3.0, 4.0, 0.5])
    r = trailing_rank(s, window=3)
    assert r["is_max"].tolist() == [False, False, False, True, True, False]
    assert r["pct_rank"].iloc[3] == pytest.approx(2 / 3)  # prior (1, 3, 2): 1 and 2 below 3
    assert r["pct_rank"].iloc[4] == pytest.approx(1.0)
    assert r["pct_rank"].iloc[5] == pytest.approx(0.0)


_values = arrays(
    np.float64,
    st.tuples(st.integers(1, 30), st.integers(1, 4)),
    elements=st.one_of(st.integers(1, 9).map(float), st.just(NAN)),
)


@settings(max_examples=150, deadline=None)
@given(_values, st.integers(1, 6))
def test_kernels_match_references(values, n):
    np.testing.assert_allclose(
        rolling_mean_last_n(values, n), _mean_last_n_py(values, n), rtol=1e-12, equal_nan=True
    )
    for kind in ("max", "min"):
        np.testing.assert_array_equal(
            rolling_extreme_last_n(values, n, kind=kind),
            _extreme_last_n_py(values, n, kind == "max"),
        )


@settings(max_examples=60, deadline=None)
@given(_values, st.integers(1, 5), st.integers(1, 5))
def test_fused_breadth_counts_match_reference_arrays(values, ma, hl):
    frame = pd.DataFrame(values, index=pd.bdate_range("2020-01-01", periods=len(values)))
    f = breadth(frame, ma_windows=(ma,), hl_window=hl).frame
    sma = _mean_last_n_py(values, ma)
    hi = _extreme_last_n_py(values, hl, True)
    lo = _extreme_last_n_py(values, hl, False)
    with np.errstate(invalid="ignore"):
        above = (values > sma + 1e-12 * np.abs(sma)).sum(axis=1)
        nh = (values >= hi).sum(axis=1)
        nl = (values <= lo).sum(axis=1)
    defined = np.isfinite(sma).sum(axis=1)
    expect_above = np.where(defined > 0, 100.0 * above / np.maximum(defined, 1), np.nan)
    np.testing.assert_allclose(f[f"pct_above_{ma}"], expect_above, equal_nan=True)
    assert f["new_highs"].tolist() == nh.tolist()
    assert f["new_lows"].tolist() == nl.tolist()
    prev = np.vstack([np.full((1, values.shape[1]), NAN), values[:-1]])
    with np.errstate(invalid="ignore"):
        assert f["adv"].tolist() == (values > prev).sum(axis=1).tolist()
        assert f["dec"].tolist() == (values < prev).sum(axis=1).tolist()


def test_constant_prices_are_not_above_their_average():
    v = np.full((60, 2), 12.34)
    f = breadth(pd.DataFrame(v, index=pd.bdate_range("2020-01-01", periods=60)), ma_windows=(50,))
    assert f.frame["pct_above_50"].iloc[-1] == 0.0
