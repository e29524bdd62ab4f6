"""The wide frame of long rows equals a pandas pivot, on the numba kernels and the numpy path.

The reference builds a tidy frame of the wanted rows, pivots it with pandas and drops days on
which every value is missing: an independent, slow computation of the same frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.data.store import _wide


def _reference(
    tidy: pd.DataFrame,
    keep: set[str] | None,
    order: list[str] | None,
    start: str | None,
    end: str | None,
) -> pd.DataFrame:
    rows = tidy if keep is None else tidy[tidy["symbol"].isin(keep)]
    if start is not None:
        rows = rows[rows["date"] >= pd.Timestamp(start)]
    if end is not None:
        rows = rows[rows["date"] <= pd.Timestamp(end)]
    wide = rows.pivot(index="date", columns="symbol", values="v").sort_index()
    wide = wide.dropna(how="all")
    wide.columns.name = None
    wide.index = pd.DatetimeIndex(wide.index, name="date").as_unit("ns")
    cols = sorted(wide.columns) if order is None else [s for s in order if s in wide.columns]
    return wide.reindex(columns=cols).astype("float64")


def _table(tidy: pd.DataFrame, dictionary: bool) -> pa.Table:
    sym = pa.array(tidy["symbol"].tolist(), pa.string())
    return pa.table(
        {
            "symbol": sym.dictionary_encode() if dictionary else sym,
            "date": pa.array(tidy["date"].to_numpy().astype("datetime64[D]"), pa.date32()),
            "v": pa.array(tidy["v"].to_numpy(), pa.float64(), from_pandas=True),
        }
    )


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(1, 300),
    symbols=st.integers(1, 9),
    seed=st.integers(0, 2**32 - 1),
    batches=st.integers(1, 4),
    dictionary=st.booleans(),
    use_keep=st.booleans(),
    use_order=st.booleans(),
    window=st.sampled_from(
        [
            (None, None),
            ("2001-01-10", None),
            (None, "2001-02-01"),
            ("2001-01-05 12:00", "2001-01-20"),
        ]
    ),
    kernels=st.booleans(),
)
def test_wide_frame_equals_the_pandas_pivot(
    n: int,
    symbols: int,
    seed: int,
    batches: int,
    dictionary: bool,
    use_keep: bool,
    use_order: bool,
    window: tuple[str | None, str | None],
    kernels: bool,
) -> None:
    rng = np.random.default_rng(seed)
    names = [f"S{i}" for i in range(symbols)]
    # distinct (symbol, day) keys, shuffled; some values missing, some days fully missing
    keys = rng.choice(symbols * 60, size=min(n, symbols * 60), replace=False)
    tidy = pd.DataFrame(
        {
            "symbol": [names[k // 60] for k in keys],
            "date": pd.Timestamp("2001-01-01") + pd.to_timedelta(keys % 60, unit="D"),
            "v": rng.normal(size=len(keys)),
        }
    )
    tidy.loc[rng.random(len(tidy)) < 0.2, "v"] = np.nan
    keep = {s for s in names if rng.random() < 0.7} if use_keep else None
    order = list(rng.permutation([*names, "NOT_READ"])) if use_order else None
    start, end = window
    # several tables, each read in its own batches (own dictionaries, own codes)
    cuts = np.sort(rng.integers(0, len(tidy) + 1, size=batches - 1))
    parts = []
    for piece in np.split(np.arange(len(tidy)), cuts):
        parts += _wide.rows_of(_table(tidy.iloc[piece], dictionary), "v", keep=keep)
    got = _wide.wide_frame(parts, order=order, start=start, end=end, kernels=kernels)
    want = _reference(tidy, keep, order, start, end)
    if want.shape == (0, 0):  # no row in the window: the frames differ only in their labels' type
        assert got.shape == (0, 0)
        return
    pd.testing.assert_frame_equal(got, want, check_freq=False)


def test_both_paths_agree_on_a_large_read() -> None:
    rng = np.random.default_rng(11)
    days = np.arange(3_000)
    codes = np.repeat(np.arange(300, dtype=np.int32), len(days))
    table = pa.table(
        {
            "symbol": pa.DictionaryArray.from_arrays(
                pa.array(codes), pa.array([f"X{i:03d}" for i in range(300)])
            ),
            "date": pa.array(np.tile(days, 300).astype(np.int32)).cast(pa.date32()),
            "v": rng.normal(size=len(codes)),
        }
    )
    # shuffled rows, cut into batches: the scatter needs no order
    table = table.take(pa.array(rng.permutation(table.num_rows))).combine_chunks()
    parts = _wide.rows_of(pa.Table.from_batches(table.to_batches(max_chunksize=70_000)), "v")
    assert sum(len(p.codes) for p in parts) >= _wide.KERNEL_ROWS
    fast = _wide.wide_frame(parts)
    slow = _wide.wide_frame(parts, kernels=False)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast.shape == (3_000, 300)
    assert (
        fast.loc["1970-01-01", "X000"]
        == table.filter(
            pa.compute.and_(
                pa.compute.equal(table["symbol"].cast(pa.string()), "X000"),
                pa.compute.equal(table["date"].cast(pa.int32()), 0),
            )
        )["v"][0].as_py()
    )


def test_a_spliced_history_and_an_empty_read() -> None:
    dates = np.array(["2020-01-02", "2020-01-03"], dtype="datetime64[D]")
    later = np.array(["2020-01-03", "2020-01-06"], dtype="datetime64[D]")
    both = _wide.histories([("Z", dates, np.array([1.0, 2.0])), ("X", later, np.array([5.0, 6.0]))])
    got = _wide.wide_frame([both], order=["Y", "Z", "X"])
    assert list(got.columns) == ["Z", "X"]
    assert got["Z"].tolist()[:2] == [1.0, 2.0]
    assert got["X"].tolist()[1:] == [5.0, 6.0]
    assert list(got.index) == [pd.Timestamp(d) for d in ("2020-01-02", "2020-01-03", "2020-01-06")]
    assert _wide.wide_frame([_wide.histories([])]).shape == (0, 0)
    empty = _wide.wide_frame([])
    assert empty.shape == (0, 0)
    assert isinstance(empty.index, pd.DatetimeIndex)
    # a window after every row: nothing, not an error
    one = _wide.histories([("Z", dates, np.ones(2))])
    assert _wide.wide_frame([one], start="2021-01-01").empty


@pytest.mark.parametrize("kernels", [True, False])
def test_a_day_with_every_value_missing_is_left_out(kernels: bool) -> None:
    table = pa.table(
        {
            "symbol": ["A", "B", "A", "B"],
            "date": pa.array([0, 0, 1, 1], pa.int32()).cast(pa.date32()),
            "v": [1.0, None, None, None],
        }
    )
    got = _wide.wide_frame(_wide.rows_of(table, "v"), kernels=kernels)
    # B keeps its column (it has rows) though every value is missing; day 1 has no value
    assert list(got.columns) == ["A", "B"]
    assert list(got.index) == [pd.Timestamp("1970-01-01")]
    assert got["B"].isna().all()


@pytest.mark.parametrize("kernels", [True, False])
def test_batches_sharing_a_dictionary_keep_their_own_symbols(kernels: bool) -> None:
    table = pa.table(
        {
            "symbol": pa.array(["A", "B", "A", "B"]).dictionary_encode(),
            "date": pa.array([0, 0, 1, 1], pa.int32()).cast(pa.date32()),
            "v": [1.0, 2.0, 3.0, 4.0],
        }
    )
    # the same batches, read twice with different wanted symbols (as two sources would be)
    parts = _wide.rows_of(table, "v", keep={"A"}) + _wide.rows_of(table, "v", keep={"B"})
    got = _wide.wide_frame(parts, kernels=kernels)
    assert got.to_dict("list") == {"A": [1.0, 3.0], "B": [2.0, 4.0]}
