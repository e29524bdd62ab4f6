"""The Arrow write path (fast conversion, row rules on Arrow, sort on integer ranks) against the
pandas reference path it replaces: same rows, same notes, same errors.

The references are the slower implementations kept in the code base:
``schema.validate`` + ``_delta.to_arrow`` for the conversion, ``_checks.check_rows`` (pandas) for
the row rules and ``pyarrow.Table.sort_by`` for the sort.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.data.schema import BARS, SERIES, TABLES, validate
from sizeup.data.store import _delta
from sizeup.data.store._checks import check_rows, check_table
from sizeup.data.store._store import _sorted_by_ranks, _unique_sorted
from sizeup.errors import SchemaError

_PRICE = st.one_of(
    *[st.floats(0.5, 500.0)] * 12,  # mostly valid prices, so the OHLC rules get exercised
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(0.0),
    st.just(-3.0),
    st.just(1e308),
)


@st.composite
def _bars(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 6))
    rows = []
    for i in range(n):
        o, h, low, c = (draw(_PRICE) for _ in range(4))
        rows.append(
            {
                "symbol": draw(st.sampled_from(["A", "B", "BRK-B"])),
                "date": pd.Timestamp("2020-01-01")
                + pd.Timedelta(
                    days=draw(st.sampled_from([i, i, i, i, i * 3, i * 3, -250 * 365, 200 * 365]))
                ),
                "open": o,
                "high": h,
                "low": low,
                "close": c,
                "adj_close": draw(_PRICE),
                "volume": draw(st.sampled_from([100.0] * 8 + [float("nan"), -1.0, 1e16])),
                "source": "s",
            }
        )
    return pd.DataFrame(rows)


def _reference(frame: pd.DataFrame, schema_name: str) -> tuple[pa.Table | None, str, str]:
    schema = TABLES[schema_name]
    try:
        valid, note = check_rows(validate(frame, schema, keys_and_order=False), schema)
    except SchemaError as exc:
        return None, "", str(exc)
    return _delta.to_arrow(valid, schema), note, ""


def _fast(frame: pd.DataFrame, schema_name: str) -> tuple[pa.Table | None, str, str]:
    schema = TABLES[schema_name]
    table = _delta.frame_to_arrow(frame, schema)
    assert table is not None  # contract dtypes: no fallback
    try:
        out, note = check_table(table, schema)
    except SchemaError as exc:
        return None, "", str(exc)
    return out, note, ""


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=_bars())
def test_row_rules_on_arrow_match_the_pandas_rules(frame: pd.DataFrame) -> None:
    ref_rows, ref_note, ref_err = _reference(frame, "bars")
    rows, note, err = _fast(frame, "bars")
    assert err == ref_err
    assert note == ref_note
    if ref_rows is None:
        assert rows is None
    else:
        assert rows is not None and _delta.plain(rows, BARS).equals(ref_rows)


@settings(max_examples=200, deadline=None)
@given(
    prices=st.lists(
        st.tuples(*[st.floats(0.5, 500.0) | st.just(float("nan"))] * 4), min_size=1, max_size=6
    )
)
def test_ohlc_ordering_rules_match_the_pandas_rules(
    prices: list[tuple[float, float, float, float]],
) -> None:
    n = len(prices)
    frame = pd.DataFrame(
        {
            "symbol": ["A"] * n,
            "date": pd.bdate_range("2024-01-02", periods=n),
            "open": [p[0] for p in prices],
            "high": [p[1] for p in prices],
            "low": [p[2] for p in prices],
            "close": [p[3] for p in prices],
            "source": ["s"] * n,
        }
    )
    ref_rows, ref_note, ref_err = _reference(frame, "bars")
    rows, note, err = _fast(frame, "bars")
    assert (err, note) == (ref_err, ref_note)
    if ref_rows is not None:
        assert rows is not None and _delta.plain(rows, BARS).equals(ref_rows)


def _one_bar(**values: float) -> pd.DataFrame:
    row = {"open": 10.0, "high": 11.0, "low": 9.0, "close": 10.5, "adj_close": 10.5}
    row.update(values)
    good = {"open": 10.0, "high": 11.0, "low": 9.0, "close": 10.5, "adj_close": 10.5}
    return pd.DataFrame(
        {
            "symbol": ["A", "A", "A"],
            "date": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]),
            **{k: [good[k], row[k], good[k]] for k in good},
            "volume": [100.0, values.get("volume", 100.0), 100.0],
            "source": ["s", "s", "s"],
        }
    )


@pytest.mark.parametrize(
    "damage",
    [
        {"close": 0.0},  # price <= 0: row left out, counted in the note
        {"adj_close": -2.0},
        {"close": 1e308},  # absurd price: left out
        {"close": float("inf")},  # refused: not finite
        {
            "open": float("nan"),
            "high": float("nan"),
            "low": float("nan"),
            "close": float("nan"),
            "adj_close": float("nan"),
        },  # no price at all: left out
        {"close": float("nan"), "adj_close": float("nan")},  # range without a close: refused
        {"high": 10.0},  # high below the close: refused
        {"low": 10.6},  # low above the close and open: refused
        {"volume": -1.0},  # negative volume: refused
        {"volume": 1e16},  # volume out of range: refused
    ],
    ids=lambda d: ",".join(f"{k}={v}" for k, v in d.items()),
)
def test_damaged_rows_get_the_same_verdict_as_the_pandas_rules(damage: dict[str, float]) -> None:
    frame = _one_bar(**damage)
    ref_rows, ref_note, ref_err = _reference(frame, "bars")
    rows, note, err = _fast(frame, "bars")
    assert (err, note) == (ref_err, ref_note)
    assert bool(err) or bool(note)  # every damage is either refused or reported
    if ref_rows is not None:
        assert rows is not None and _delta.plain(rows, BARS).equals(ref_rows)
        assert rows.num_rows == 2  # the damaged row is left out, the good ones stay


def test_first_bad_row_is_named_with_its_key_and_value() -> None:
    frame = pd.DataFrame(
        {
            "symbol": ["A", "A", "A"],
            "date": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]),
            "open": [10.0, 10.0, 10.0],
            "high": [11.0, 9.0, 8.0],  # rows 2 and 3: high below open and close
            "low": [9.0, 8.5, 7.0],
            "close": [10.5, 10.5, 10.5],
            "source": ["s", "s", "s"],
        }
    )
    _, _, err = _fast(frame, "bars")
    assert err.startswith("table 'bars': 2 rows with high below open or close, e.g. row 2 ")
    assert "(symbol=A, date=2024-01-03, source=s) high=9.0" in err


def test_categoricals_and_missing_columns_convert_like_the_reference() -> None:
    n = 5
    frame = pd.DataFrame(
        {
            "symbol": pd.Categorical(["B", "A", "B", "A", "C"]),
            "date": pd.to_datetime(
                [
                    "2024-01-02 15:30",
                    "2024-01-03 00:00",
                    "1969-12-31 23:00",
                    "2024-01-05 00:00",
                    "2024-01-08 00:00",
                ]
            ),
            "close": [1.0, np.nan, 3.0, 4.0, 5.0],
            "volume": np.arange(n, dtype=np.int64),
            "source": pd.Categorical(["x"] * n),
        }
    )
    fast = _delta.frame_to_arrow(frame, BARS)
    ref = _delta.to_arrow(validate(frame, BARS, keys_and_order=False), BARS)
    assert fast is not None and _delta.plain(fast, BARS).equals(ref)
    # categoricals stay dictionary-encoded until the Delta writer gets them, slice by slice
    assert pa.types.is_dictionary(fast.column("symbol").type)
    # a time of day is dropped (1969-12-31 23:00 is the day 1969-12-31, not 1970-01-01)
    assert fast.column("date")[2].as_py().isoformat() == "1969-12-31"
    assert fast.column("close").null_count == 1 and fast.column("open").null_count == n


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(
            {
                "symbol": [1, 2],
                "date": ["2024-01-02", "2024-01-03"],
                "close": [1.0, 2.0],
                "source": ["s", "s"],
            }
        ),
        pd.DataFrame(
            {
                "symbol": ["A", None],
                "date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
                "close": [1.0, 2.0],
                "source": ["s", "s"],
            }
        ),
        pd.DataFrame(
            {
                "symbol": ["A"],
                "date": pd.to_datetime(["2024-01-02"]),
                "close": ["1.5"],
                "source": ["s"],
            }
        ),
        pd.DataFrame(
            {
                "symbol": ["A"],
                "date": pd.to_datetime(["2024-01-02"]),
                "close": [1.0],
                "source": ["s"],
                "extra": [1],
            }
        ),
    ],
    ids=["int-symbols-and-text-dates", "null-symbol", "text-number", "unknown-column"],
)
def test_frames_needing_coercion_take_the_slow_path(frame: pd.DataFrame) -> None:
    assert _delta.frame_to_arrow(frame, BARS) is None


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "^RUT", "BRK-B", "é"]),
            st.integers(0, 6),
            st.sampled_from(["s1", "s2"]),
            st.sampled_from(["202412", "202604"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_rank_sort_matches_arrow_sort_and_finds_duplicates(
    rows: list[tuple[str, int, str, str]],
) -> None:
    table = pa.table(
        {
            "series_id": pa.array([r[0] for r in rows], pa.string()),
            "date": pa.array([18000 + r[1] for r in rows], pa.int32()).cast(pa.date32()),
            "value": pa.array([float(i) for i in range(len(rows))]),
            "vintage": pa.array([r[3] for r in rows], pa.string()),
            "source": pa.array([r[2] for r in rows], pa.string()),
        }
    ).select(_delta.arrow_schema(SERIES).names)
    columns = list(dict.fromkeys([*SERIES.sort_by, *SERIES.key]))
    keys = set(rows)
    if len(keys) < len(rows):
        with pytest.raises(SchemaError, match="duplicate key"):
            _sorted_by_ranks(table, SERIES, columns)
        return
    fast = _sorted_by_ranks(table, SERIES, columns)
    assert fast is not None
    expected = table.sort_by([(c, "ascending") for c in columns])
    assert fast.equals(expected)
    assert _unique_sorted(table, SERIES).equals(expected)
