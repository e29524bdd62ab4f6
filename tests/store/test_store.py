from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.data.schema import validate
from sizeup.data.store import Store
from sizeup.errors import SchemaError, StoreError


def _bars(symbols: list[str], n: int, source: str = "test", seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2020-01-01", periods=n)
    frames = []
    for sym in symbols:
        close = 100 * np.cumprod(1 + rng.normal(0, 0.01, n))
        frames.append(
            pd.DataFrame(
                {
                    "symbol": sym,
                    "date": dates,
                    "open": close,
                    "high": close * 1.01,
                    "low": close * 0.99,
                    "close": close,
                    "adj_close": close,
                    "volume": rng.integers(1, 1000, n).astype(float),
                    "source": source,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def test_round_trip_and_idempotent_upsert(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    frame = _bars(["IWM", "^RUT", "BRK-B"], 30)
    first = store.upsert("bars", frame)
    assert first.files_written >= 1 and first.rows_added == 90 and first.rows_in == 90
    assert store.version == 0
    before = _snapshot(tmp_path)
    again = store.upsert("bars", frame)
    assert again.files_written == 0 and again.files_unchanged == 1 and again.version is None
    assert _snapshot(tmp_path) == before  # nothing committed, not even the journal
    assert Store.open(tmp_path).version == 0
    back = store.read("bars")
    pd.testing.assert_frame_equal(back, validate(frame, "bars"))


def test_upsert_replaces_by_key_and_keeps_other_rows(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    frame = _bars(["IWM"], 10)
    store.upsert("bars", frame)
    change = frame.iloc[[3]].copy()
    change["close"] = change["close"] * 1.001  # a small revision is written
    res = store.upsert("bars", change)
    assert res.rows_updated == 1 and res.rows_added == 0
    assert res.changes is not None and res.changes.values_changed == 1
    back = store.read("bars")
    assert len(back) == 10
    assert back.loc[3, "close"] == change["close"].iloc[0]
    assert back.loc[4, "close"] == frame.loc[4, "close"]
    assert store.history()["operation"].tolist() == ["write", "write"]


def test_interrupted_commit_is_invisible_and_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sizeup.data.store import _store

    store = Store.open(tmp_path)
    store.upsert("bars", _bars(["IWM"], 10, seed=1))

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # dies after the bars commit, before catalog and journal

    monkeypatch.setattr(_store.Store, "_write_catalog", killed)
    with pytest.raises(KeyboardInterrupt):
        store.upsert("bars", _bars(["IWM", "SPY"], 20, seed=2))
    monkeypatch.undo()
    reader = Store.open(tmp_path)  # a reader sees the last committed version only
    assert reader.version == 0
    pd.testing.assert_frame_equal(reader.read("bars"), validate(_bars(["IWM"], 10, seed=1), "bars"))
    assert (tmp_path / ".writing").exists()
    (tmp_path / "tables" / "bars" / "source=test" / "part-stray.parquet").write_bytes(b"x")
    writer = Store.open(tmp_path)
    writer.upsert(
        "series",
        pd.DataFrame(
            {"series_id": "X", "date": ["2020-01-01"], "value": [1.0], "source": "t", "vintage": ""}
        ),
    )
    assert not (tmp_path / ".writing").exists()
    assert not list((tmp_path / "tables").rglob("part-stray*"))
    assert not [p for p in (tmp_path / "tables").rglob("*") if p.name.endswith(".tmp")]
    ops = writer.history()["operation"].tolist()
    assert ops == ["write", "recover", "write"]
    pd.testing.assert_frame_equal(writer.read("bars"), validate(_bars(["IWM"], 10, seed=1), "bars"))


def test_disk_full_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from sizeup.data.store import _store

    store = Store.open(tmp_path)
    store.upsert("bars", _bars(["IWM"], 10, seed=1))

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_store, "write_deltalake", full)
    with pytest.raises(StoreError, match="No space left"):
        store.upsert("bars", _bars(["SPY"], 20, seed=2))
    monkeypatch.undo()
    again = Store.open(tmp_path)
    assert again.version == 0 and set(again.read("bars")["symbol"]) == {"IWM"}
    again.upsert("bars", _bars(["SPY"], 20, seed=2))
    assert set(Store.open(tmp_path).read("bars")["symbol"]) == {"IWM", "SPY"}


def test_invalid_frame_writes_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    good = _bars(["IWM"], 5)
    bad = good.copy()
    bad.loc[2, "date"] = None
    with pytest.raises(SchemaError, match=r"unknown column\(s\) \['x'\]"):
        store.write({"bars": good.assign(symbol="SPY"), "series": pd.DataFrame({"x": [1]})})
    with pytest.raises(SchemaError, match="'date' is required"):
        store.upsert("bars", bad)
    assert not (tmp_path / "tables").exists()


def test_duplicate_keys_rejected(tmp_path: Path) -> None:
    frame = _bars(["IWM"], 3)
    with pytest.raises(SchemaError, match="duplicate key"):
        Store.open(tmp_path).upsert("bars", pd.concat([frame, frame]))


def test_source_preference_never_mixes_sources(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    ohlc = _bars(["IWM"], 10, source="yahoo_csv/a")
    close_only = _bars(["IWM"], 15, source="close_csv/b", seed=9)[
        ["symbol", "date", "close", "adj_close", "source"]
    ]
    store.write({"bars": pd.concat([ohlc, close_only])})
    prefs = store.sources(["IWM"])
    assert prefs.loc[prefs["preferred"], "source"].tolist() == ["yahoo_csv/a"]
    bars = store.bars(["IWM"])
    assert bars["source"].unique().tolist() == ["yahoo_csv/a"] and len(bars) == 10
    other = store.panel(["IWM"], source="close_csv/b")
    assert len(other) == 15


def test_panel_dates_and_filters(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.upsert("bars", _bars(["IWM", "SPY"], 20))
    wide = store.panel(["SPY", "IWM"], start="2020-01-06", end="2020-01-10")
    assert list(wide.columns) == ["SPY", "IWM"]
    assert wide.index.min() == pd.Timestamp("2020-01-06")
    assert wide.index.max() == pd.Timestamp("2020-01-10")
    assert store.panel(["NOPE"]).empty


def test_series_prefers_newest_vintage(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    rows = pd.DataFrame(
        {
            "series_id": "FF:SMB:M",
            "date": ["1926-07-31", "1926-07-31"],
            "value": [-0.0238, -0.0256],
            "source": "french",
            "vintage": ["202108", "202412"],
        }
    )
    store.upsert("series", rows)
    assert store.series(["FF:SMB:M"]).iloc[0, 0] == pytest.approx(-0.0256)
    assert store.series(["FF:SMB:M"], vintage="202108").iloc[0, 0] == pytest.approx(-0.0238)


def test_payload_archive_and_info(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    digest = store.archive_payload(b"Date,Close\n", url="https://x/y.csv", source="test")
    store.archive_payload(b"Date,Close\n", url="https://x/y.csv", source="test")
    assert store.payload_body(digest) == b"Date,Close\n"
    assert len(store.read("payloads")) == 1
    body, _ = store.latest_payload("https://x/y.csv") or (b"", None)
    assert body == b"Date,Close\n"
    (tmp_path / "raw" / digest[:2] / digest).write_bytes(b"tampered")
    with pytest.raises(StoreError, match="corrupt"):
        store.payload_body(digest)
    store.upsert("bars", _bars(["IWM"], 4))
    info = store.info()
    bars = next(t for t in info.tables if t.table == "bars")
    assert (bars.rows, bars.entities, bars.first) == (4, 1, pd.Timestamp("2020-01-01"))
    assert "bars" in info.summary()


def test_open_rejects_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(StoreError, match="not a folder"):
        Store.open(target)


_symbols = st.sampled_from(["IWM", "SPY", "^RUT", "BRK-B", "A/B", "x y"])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(_symbols, st.integers(0, 40), st.floats(0.01, 1e6, allow_nan=False)),
        min_size=1,
        max_size=60,
        unique_by=lambda r: (r[0], r[1]),
    ),
    split=st.integers(0, 60),
)
def test_property_round_trip_and_upsert_order(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, int, float]], split: int
) -> None:
    root = tmp_path_factory.mktemp("prop")
    frame = pd.DataFrame(
        {
            "symbol": [r[0] for r in rows],
            "date": [pd.Timestamp("2020-01-01") + pd.Timedelta(days=r[1]) for r in rows],
            "close": [r[2] for r in rows],
            "source": "prop",
        }
    )
    store = Store.open(root)
    store.upsert("bars", frame.iloc[:split])
    store.upsert("bars", frame.iloc[split:])
    store.upsert("bars", frame)  # idempotent
    pd.testing.assert_frame_equal(store.read("bars"), validate(frame, "bars"))


def test_splice_joins_only_agreeing_sources(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    full = _bars(["^RUT"], 40, source="old")  # OHLC, dates 0..39
    recent = full.iloc[30:].copy()
    extra = _bars(["^RUT"], 50, source="tmp").iloc[40:].copy()  # 10 later dates
    recent = pd.concat([recent, extra]).assign(source="new")  # OHLC, dates 30..49, agrees on 30..39
    other = full.iloc[:20].copy()
    other["close"] = other["close"] * 1.01
    other["adj_close"] = other["close"]
    other["source"] = "bad"
    store.upsert("bars", pd.concat([full.iloc[:35], recent, other]).reset_index(drop=True))
    bars = store.bars(["^RUT"])
    assert len(bars) == 50 and bars["date"].is_unique
    assert set(bars["source"]) == {"new", "old"}  # 'bad' disagrees by 1 % and is never mixed in
    assert (bars.loc[bars["source"] == "new", "date"] > full["date"].iloc[34]).all()
    one = store.bars(["^RUT"], splice=False)  # longest OHLC history is preferred for bars
    assert set(one["source"]) == {"old"} and len(one) == 35
    closes = store.sources(["^RUT"], field="adj_close")  # latest end is preferred for closes
    assert closes.loc[closes["preferred"], "source"].tolist() == ["new"]
    wide = store.panel(["^RUT"], field="close")  # the array splice agrees with bars()
    np.testing.assert_allclose(wide["^RUT"].to_numpy(), bars["close"].to_numpy())
    window = store.bars(["^RUT"], start=full["date"].iloc[10], end=full["date"].iloc[19])
    assert len(window) == 10


def test_panel_prefers_latest_source_for_closes(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    ohlc = _bars(["IWM"], 30, source="ohlc")  # OHLC, 30 days
    closes = _bars(["IWM"], 40, source="close", seed=3)[
        ["symbol", "date", "close", "adj_close", "source"]
    ]
    store.write({"bars": pd.concat([ohlc, closes])})
    wide = store.panel(["IWM"], field="adj_close")
    assert len(wide) == 40  # the close-only source runs longer and is not mixed with the other
    np.testing.assert_allclose(wide["IWM"].to_numpy(), closes["adj_close"].to_numpy())
    high = store.panel(["IWM"], field="high")
    assert len(high) == 30
