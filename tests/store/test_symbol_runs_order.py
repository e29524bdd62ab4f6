"""The (symbol, date) order of rows read from several files equals a lexsort of the pair."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.data.store._store import _symbol_runs


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 400),
    symbols=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    dictionary=st.booleans(),
    timestamps=st.booleans(),
)
def test_order_is_the_lexsort_of_symbol_and_date(
    n: int, symbols: int, seed: int, dictionary: bool, timestamps: bool
) -> None:
    rng = np.random.default_rng(seed)
    names = np.array([f"S{i:02d}" for i in range(symbols)])
    # distinct (symbol, date) keys in a shuffled order, dates spread over a century
    keys = rng.choice(symbols * 40_000, size=min(n, symbols * 40_000), replace=False)
    sym = names[keys // 40_000]
    day = (keys % 40_000 - 3_000).astype("int32")
    col = pa.array(sym).dictionary_encode() if dictionary else pa.array(sym)
    dates = pa.array(day, pa.int32()).cast(pa.date32())
    if timestamps:  # a date column read as timestamps takes the slower conversion
        dates = pa.array(day.astype("datetime64[D]").astype("datetime64[ns]"))
    table = pa.table({"symbol": col, "date": dates})
    order, runs, days = _symbol_runs(table, None)
    enc = pa.array(sym).dictionary_encode()
    codes = enc.indices.to_numpy()
    want = np.lexsort((day, codes))
    got = np.arange(len(sym)) if order is None else order
    np.testing.assert_array_equal(got, want)
    # the days come back in the same order, as calendar days
    np.testing.assert_array_equal(days, day[want].astype("datetime64[D]"))
    # each run is one symbol's rows, dates increasing
    seen = []
    for name, a, b in runs:
        rows = got[a:b]
        assert set(sym[rows]) == {name}
        assert np.all(np.diff(day[rows]) > 0)
        seen.append(name)
    assert sorted(seen) == sorted(set(sym))
