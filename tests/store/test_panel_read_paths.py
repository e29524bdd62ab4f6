"""``Store.panel`` read paths: per-source reads, symbol selection in numpy, spliced sources.

The panel must equal the tidy path (``Store.bars`` pivoted) on the same store, and a small
case is checked against values written out by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sizeup.data.store import Store


def _rows(symbol: str, source: str, dates: pd.DatetimeIndex, close: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": symbol,
            "date": dates,
            "close": close,
            "adj_close": close * 0.9,
            "source": source,
        }
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root: Path = tmp_path_factory.mktemp("panel_store")
    st = Store.open(root)
    rng = np.random.default_rng(3)
    days = pd.bdate_range("2020-01-01", periods=120)
    parts = []
    # "big": 30 symbols, so a read of most of them selects symbols after the read
    for k in range(30):
        n = int(rng.integers(40, 120))
        d = days[120 - n :]
        parts.append(_rows(f"B{k:02d}", "big", d, 10 + k + rng.random(n).cumsum()))
    # "other": three symbols also in "big": one agrees exactly and runs later (spliced), one
    # disagrees (never mixed in), one has too little overlap (not spliced)
    b00 = parts[0].set_index("date")["close"]
    later = pd.bdate_range(b00.index[-10], periods=25)
    agree = np.r_[b00.to_numpy()[-10:], 50 + rng.random(15).cumsum()]
    parts.append(_rows("B00", "other", later, agree))
    b01 = parts[1]
    parts.append(
        _rows("B01", "other", pd.DatetimeIndex(b01["date"]), b01["close"].to_numpy() * 1.01)
    )
    b02 = parts[2]
    short = pd.bdate_range(pd.Timestamp(b02["date"].iloc[-3]), periods=8)
    parts.append(
        _rows("B02", "other", short, np.r_[b02["close"].to_numpy()[-3:], np.arange(1.0, 6.0)])
    )
    b04 = parts[4].set_index("date")["close"]
    b04_next = pd.bdate_range(b04.index[-10], periods=20)
    b04_other = _rows("B04", "other", b04_next, np.r_[b04.to_numpy()[-10:], 60 + np.arange(10.0)])
    b04_other["adj_close"] = b04_other["close"]  # same closes, but not the same adjusted basis
    parts.append(b04_other)
    parts.append(_rows("ONLY", "other", days[:50], 100 + rng.random(50).cumsum()))
    st.upsert("bars", pd.concat(parts, ignore_index=True))
    # a second write: new symbols and later days of B03, so "big" has rows of one symbol in two
    # files (the reader must sort them back together)
    more = [_rows(f"A{k}", "big", days[:60], 5 + k + rng.random(60).cumsum()) for k in range(3)]
    b03_next = pd.bdate_range(pd.Timestamp(parts[3]["date"].iloc[-1]), periods=11)[1:]
    more.append(_rows("B03", "big", b03_next, 80 + rng.random(10).cumsum()))
    st.upsert("bars", pd.concat(more, ignore_index=True))
    return st


def _tidy_pivot(
    st: Store, symbols: list[str], field: str, start: str | None, end: str | None
) -> pd.DataFrame:
    rows = st.bars(symbols, start=start, end=end, prefer_field=field)  # type: ignore[arg-type]
    wide = rows.pivot(index="date", columns="symbol", values=field).sort_index()
    wide = wide.dropna(how="all")
    wide.columns.name = None
    wide.index.name = "date"
    return wide.reindex(columns=[s for s in symbols if s in wide.columns])


@pytest.mark.parametrize("field", ["close", "adj_close"])
@pytest.mark.parametrize(
    ("symbols", "start", "end"),
    [
        ([f"B{k:02d}" for k in range(30)], None, None),  # most of "big": selected after reading
        ([f"B{k:02d}" for k in range(0, 30, 2)] + ["A1", "A2"], None, None),
        ([f"B{k:02d}" for k in range(10, 30)], "2020-01-20", None),
        ([f"B{k:02d}" for k in range(30)] + ["ONLY"], "2020-02-03", "2020-05-01"),
        (["B05", "ONLY"], None, "2020-03-02"),  # few: the symbol filter is pushed down
        (["B00", "B01", "B02", "B07"], "2020-03-16", None),  # the spliced ones
        # windows the other sources cannot reach: read as single-source symbols
        (["B00", "B01", "B04"], "2020-05-04", "2020-06-05"),
        (["B00", "B02", "B04"], None, "2020-04-01"),
        (["NOPE", "B03"], None, None),
    ],
)
def test_panel_equals_the_tidy_path(
    store: Store, symbols: list[str], start: str | None, end: str | None, field: str
) -> None:
    got = store.panel(symbols, field=field, start=start, end=end)  # type: ignore[arg-type]
    want = _tidy_pivot(store, symbols, field, start, end)
    # the panel keeps a symbol whose history lies outside the window as an empty column
    empty = [c for c in got.columns if got[c].isna().all()]
    assert not set(empty) & set(want.columns)
    got = got.drop(columns=empty)
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_freq=False)


def test_which_splices_can_reach_the_window(store: Store) -> None:
    from sizeup.data.store._store import _splice_outside_window

    ranked = store.sources(["B00", "B01", "B02", "B04", "B05"], field="close")
    ranked = ranked[ranked["symbol"].isin(["B00", "B01", "B02", "B04"])]
    spans = {(r.symbol, r.source): (r.first, r.last) for r in ranked.itertuples()}
    # B00: "other" (preferred, ends later) starts 10 days before "big" ends; "big" reaches
    # back before "other" starts, so only windows after other's first day are safe
    other_first = spans[("B00", "other")][0]
    assert "B00" in _splice_outside_window(ranked, other_first, None)
    day = pd.Timedelta(days=1)
    assert "B00" not in _splice_outside_window(ranked, other_first - day, None)
    # B01: both sources span the same days: nothing to add anywhere
    assert "B01" in _splice_outside_window(ranked, None, None)
    # a preferred source that ends first (e.g. the later one lacks the field): days after it
    ts = pd.Timestamp
    hand = pd.DataFrame(
        {
            "symbol": ["X", "X"],
            "source": ["a", "b"],
            "first": [ts("2020-01-01"), ts("2019-06-01")],
            "last": [ts("2020-12-31"), ts("2021-06-30")],
            "preferred": [True, False],
        }
    )
    assert _splice_outside_window(hand, "2020-02-01", "2020-12-31") == {"X"}
    assert _splice_outside_window(hand, "2020-02-01", "2021-01-04") == set()  # after a's last
    assert _splice_outside_window(hand, "2019-12-31", "2020-06-30") == set()  # before a's first


def test_splice_by_hand(store: Store) -> None:
    syms = ["B00", "B01", "B02", "B04"]
    panel = store.panel(syms, field="close")
    big = store.bars(syms, source="big").set_index(["symbol", "date"])["close"]
    other = store.bars(syms, source="other").set_index(["symbol", "date"])
    other = other["close"]
    # B00: "other" agrees on its 10 common days, so its 15 later days extend the column
    b00 = panel["B00"].dropna()
    assert len(b00) == len(big.loc["B00"]) + 15
    assert b00.iloc[-1] == other.loc["B00"].iloc[-1]
    assert b00.loc[big.loc["B00"].index].tolist() == big.loc["B00"].tolist()
    # B01: "other" is 1 % off everywhere: the column is "big" alone
    assert panel["B01"].dropna().tolist() == big.loc["B01"].tolist()
    # B02: "other" ends later, so it is preferred for closes; 3 common days (< 5): not spliced
    assert panel["B02"].dropna().tolist() == other.loc["B02"].tolist()
    assert len(other.loc["B02"]) == 8
    # B04: closes agree on 10 days but adjusted closes do not: "other" (later end) alone
    assert panel["B04"].dropna().tolist() == other.loc["B04"].tolist()
    assert len(other.loc["B04"]) == 20


def test_bars_of_several_sources_equal_reading_them_one_by_one(store: Store) -> None:
    both = store.bars(["B00", "B04", "ONLY"], source=["big", "other"])
    assert set(both["source"]) == {"big", "other"}
    for src in ("big", "other"):
        alone = store.bars(["B00", "B04", "ONLY"], source=src)
        part = both[both["source"] == src].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone)


def test_as_traded_bars_reads_once_and_picks_the_raw_source(store: Store) -> None:
    from sizeup.app._prices import as_traded_bars

    # B04: "big" stores raw closes (adjusted = 0.9 x close), "other" only adjusted ones
    rows, notes = as_traded_bars(store, "B04")
    pd.testing.assert_frame_equal(rows, store.bars(["B04"], source="big"))
    assert notes and "not used (dividend-adjusted only): other" in notes[0]


def test_sql_reads_load_duckdb_on_demand(store: Store) -> None:
    # duckdb is imported inside the SQL read paths only (a plain read never needs it)
    by_sql = store.read("bars", where="symbol = ? AND source = ?", params=["B04", "other"])
    pd.testing.assert_frame_equal(by_sql, store.bars(["B04"], source="other"))
    counts = store.query("SELECT source, count(*) AS n FROM bars WHERE symbol = 'B04' GROUP BY 1")
    assert dict(zip(counts["source"], counts["n"], strict=True)) == {
        "big": len(store.bars(["B04"], source="big")),
        "other": 20,
    }


def test_as_traded_closes_in_one_read_equal_symbol_by_symbol(store: Store) -> None:
    from sizeup.app._prices import as_traded_bars, as_traded_closes

    symbols = ["B04", "NOPE", "B00", "ONLY", "B02"]
    frame, sources, notes = as_traded_closes(store, symbols, end=pd.Timestamp("2020-05-29"))
    assert list(frame.columns) == ["B04", "B00", "ONLY", "B02"]  # NOPE is not in the store
    want_notes: list[str] = []
    for sym in frame.columns:
        rows, sym_notes = as_traded_bars(store, sym)
        want = rows.set_index("date")["close"].loc[:"2020-05-29"]
        got = frame[sym].dropna()
        assert got.index.equals(pd.DatetimeIndex(want.index))
        assert got.tolist() == want.tolist()
        assert sources[sym] == ",".join(sorted(set(rows["source"])))
        want_notes += sym_notes
    assert notes == want_notes
