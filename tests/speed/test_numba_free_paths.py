"""Fast paths that skip numba give what the numba kernels give on the same input.

- ``best_since`` finds its "since" observation with one numpy scan (no numba) instead of the
  whole-series kernel ``record_since_index``; both are compared on the same series, at every
  label, for both modes, with ties, NaN and infinities.
- Importing the breadth and performance packages no longer loads numba; the kernels still run
  (and match the slow references) when called.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.analytics.performance import best_since, record_since_index
from sizeup.analytics.performance._streaks import _last_record_since
from sizeup.errors import DataError

_VALUES = st.one_of(
    st.integers(-4, 4).map(float),
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(float("-inf")),
    st.just(-0.0),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VALUES, min_size=1, max_size=30), st.sampled_from(["max", "min"]))
def test_last_record_since_equals_kernel_at_every_position(values, mode):
    v = np.asarray(values, dtype=float)
    kernel = record_since_index(v, mode=mode)
    got = [_last_record_since(v, i, mode) for i in range(len(v))]
    assert got == kernel.tolist()


@settings(max_examples=150, deadline=None)
@given(st.lists(_VALUES, min_size=1, max_size=30), st.sampled_from(["max", "min"]))
def test_best_since_equals_kernel_answer(values, mode):
    s = pd.Series(values, index=pd.RangeIndex(2000, 2000 + len(values)), dtype=float)
    clean = s.dropna()
    if clean.empty:
        return
    kernel = record_since_index(clean.to_numpy(), mode=mode)
    for pos, label in enumerate(clean.index):
        got = best_since(s, mode=mode, at=label)
        j = int(kernel[pos])
        assert got.since == (None if j < 0 else clean.index[j])
        assert got.periods_since == (pos if j < 0 else pos - j)
        if j >= 0:
            assert got.since_value == float(clean.iloc[j])


def test_best_since_by_hand():
    # 3, 1, 4, 1, 5, 2: the last 2 is the best since the 5 (one period before), and the worst
    # since the first 1 (four periods before; the later 1 ties it and is the answer, 2 before)
    s = pd.Series([3.0, 1.0, 4.0, 1.0, 5.0, 2.0], index=range(6))
    hi = best_since(s, mode="max")
    assert (hi.since, hi.periods_since, hi.rank) == (4, 1, 4)
    lo = best_since(s, mode="min")
    assert (lo.since, lo.periods_since, lo.since_value) == (3, 2, 1.0)
    top = best_since(s, mode="max", at=4)
    assert top.is_record and top.periods_since == 4


def test_bad_mode_named():
    with pytest.raises(DataError, match="mode='mid'"):
        best_since(pd.Series([1.0, 2.0]), mode="mid")  # type: ignore[arg-type]


def test_packages_import_without_numba():
    code = (
        "import sys; import sizeup.analytics.breadth, sizeup.analytics.performance; "
        "import pandas as pd; from sizeup.analytics.performance import best_since; "
        "best_since(pd.Series([1.0, 3.0, 2.0])); "
        "assert 'numba' not in sys.modules, 'numba was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
