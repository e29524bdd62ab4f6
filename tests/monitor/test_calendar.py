"""XNYS calendar helpers: sessions, period ends around holidays, as-of alignment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup import calendar as cal
from sizeup.errors import DataError


def test_asof_session_weekend_and_holidays():
    assert cal.asof_session("2024-03-30") == pd.Timestamp("2024-03-28")  # Sat after Good Friday
    assert cal.asof_session("2024-03-29") == pd.Timestamp("2024-03-28")  # Good Friday
    assert cal.asof_session("2024-07-04") == pd.Timestamp("2024-07-03")  # Independence Day
    assert cal.asof_session("2001-09-13") == pd.Timestamp("2001-09-10")  # 9/11 closure
    assert cal.asof_session("2024-01-02") == pd.Timestamp("2024-01-02")  # a session maps to itself


def test_previous_and_next_session():
    assert cal.previous_session("2024-01-02") == pd.Timestamp("2023-12-29")
    assert cal.next_session("2024-03-28") == pd.Timestamp("2024-04-01")


def test_week_ends_use_thursday_before_good_friday():
    ends = cal.period_ends("2024-03-18", "2024-04-06", "W")
    assert list(ends) == [pd.Timestamp(d) for d in ("2024-03-22", "2024-03-28", "2024-04-05")]


def test_running_period_is_kept_or_dropped():
    ends = cal.period_ends("2024-03-18", "2024-04-03", "W")
    assert ends[-1] == pd.Timestamp("2024-04-03")
    done = cal.period_ends("2024-03-18", "2024-04-03", "W", complete_only=True)
    assert done[-1] == pd.Timestamp("2024-03-28")


def test_half_year_and_year_ends():
    assert list(cal.period_ends("2023-01-01", "2023-12-31", "H")) == [
        pd.Timestamp("2023-06-30"),
        pd.Timestamp("2023-12-29"),
    ]
    assert list(cal.period_ends("2021-01-01", "2022-12-31", "Y")) == [
        pd.Timestamp("2021-12-31"),
        pd.Timestamp("2022-12-30"),
    ]
    assert cal.period_starts("2024-01-01", "2024-12-31", "Q")[0] == pd.Timestamp("2024-01-02")


def test_nth_session_of_year():
    # 2024: Jan 1 holiday; sessions Jan 2, 3, 4, 5, 8
    assert cal.nth_session_of_year(2024, 5) == pd.Timestamp("2024-01-08")
    with pytest.raises(DataError, match=r"valid: 1\.\."):
        cal.nth_session_of_year(2024, 300)


def test_period_key_consecutive():
    d = pd.DatetimeIndex(["2024-03-28", "2024-04-01", "2024-04-08"])
    k = cal.period_key(d, "W")
    assert list(np.diff(k)) == [1, 1]
    assert list(cal.period_key(d, "M")) == [2024 * 12 + 2, 2024 * 12 + 3, 2024 * 12 + 3]
    with pytest.raises(DataError, match="valid"):
        cal.period_key(d, "X")


def test_asof_values_same_period_leaves_missing_weeks_nan():
    idx = pd.DatetimeIndex(["2024-03-18", "2024-03-22", "2024-04-01", "2024-04-05"])
    s = pd.Series([1.0, 2.0, 3.0, np.nan], index=idx, name="x")
    targets = pd.DatetimeIndex(["2024-03-22", "2024-03-28", "2024-04-05"])
    plain = cal.asof_values(s, targets)["x"].tolist()
    assert plain == [2.0, 2.0, 3.0]  # the NaN on 04-05 falls back to 04-01
    same = cal.asof_values(s, targets, same_period="W")["x"].tolist()
    assert same[0] == 2.0 and np.isnan(same[1]) and same[2] == 3.0


def test_out_of_range_and_bad_dates():
    with pytest.raises(DataError, match="outside the XNYS calendar"):
        cal.asof_session("1900-01-01")
    with pytest.raises(DataError, match="not a date"):
        cal.sessions("yesterday-ish")
