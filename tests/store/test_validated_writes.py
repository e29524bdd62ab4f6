"""Damaged files never reach the store silently: refused (nothing written) or reported per row.

Each case imports a good hand-made file first, then a damaged copy of it, and checks the file
report names the row and the value and that the stored rows did not change.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sizeup.data.ingest import import_paths
from sizeup.data.store import ChangesRefusedError, InvalidRowsError, Store

_HEADER = "Date,Open,High,Low,Close,Adj Close,Volume\n"
_GOOD = [
    "2024-01-02,290.00,296.00,289.00,295.10,295.10,1000",
    "2024-01-03,295.00,297.50,293.00,294.20,294.20,1100",
    "2024-01-04,294.00,296.20,292.80,295.64,295.64,1200",
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text(_HEADER + "\n".join(lines) + "\n")
    return path


def _stored(store: Store) -> pd.DataFrame:
    return store.refresh().read("bars")[["date", "open", "high", "low", "close", "adj_close"]]


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Store, Path, pd.DataFrame]:
    folder = tmp_path / "etf"
    folder.mkdir()
    path = _write(folder / "SPY.csv", _GOOD)
    store = Store.open(tmp_path / "store")
    report = import_paths([path], store)
    assert report.files[0].status == "imported"
    return store, path, _stored(store)


def _reimport(store: Store, path: Path, lines: list[str], **kw: bool) -> tuple[str, str]:
    _write(path, lines)
    report = import_paths([path], store, **kw)
    return report.files[0].status, report.files[0].message


def test_truncated_last_value_is_refused_then_accepted_then_restored(
    loaded: tuple[Store, Path, pd.DataFrame],
) -> None:
    store, _path, _ = loaded
    path = _path
    # the last line cut mid-number: 295.64 -> 29 (close-only copy, so no OHLC rule applies)
    close_only = path.with_name("SPY_close.csv")
    close_only.write_text("Date,Close\n2024-01-02,295.10\n2024-01-03,294.20\n2024-01-04,295.64\n")
    assert import_paths([close_only], store).files[0].status == "imported"
    good_version = store.refresh().version
    close_only.write_text("Date,Close\n2024-01-02,295.10\n2024-01-03,294.20\n2024-01-04,29\n")
    report = import_paths([close_only], store)
    status, message = report.files[0].status, report.files[0].message
    assert status == "failed"
    assert "2024-01-04" in message and "295.64 -> 29.0" in message and "-90.2%" in message
    assert store.refresh().version == good_version  # nothing committed
    kept = store.read("bars")
    assert kept.loc[kept["date"] == "2024-01-04", "close"].tolist() == [295.64, 295.64]
    accepted = import_paths([close_only], store, accept_changes=True)
    assert accepted.files[0].status == "imported" and accepted.rows_changed == 1
    bad = store.refresh().read("bars")
    assert 29.0 in bad["close"].tolist()
    store.restore(good_version)
    back = store.refresh().read("bars")
    assert back.loc[back["date"] == "2024-01-04", "close"].tolist() == [295.64, 295.64]
    assert store.history()["operation"].tolist()[-1] == "restore"


def test_truncated_ohlc_line_breaks_the_ohlc_rule(
    loaded: tuple[Store, Path, pd.DataFrame],
) -> None:
    store, path, before = loaded
    status, message = _reimport(store, path, [*_GOOD[:2], "2024-01-04,294.00,296.20,292.80,29"])
    assert status == "failed" and "line 4" in message  # cut mid-line: the parser refuses it
    pd.testing.assert_frame_equal(_stored(store), before)
    mangled = "2024-01-04,294.00,296.20,292.80,29.00,29.00,1200"
    status, message = _reimport(store, path, [*_GOOD[:2], mangled])
    assert status == "failed" and "low above open or close" in message
    assert "date=2024-01-04" in message and "low=292.8" in message
    pd.testing.assert_frame_equal(_stored(store), before)


@pytest.mark.parametrize(
    ("value", "expect"),
    [
        ("inf", "non-finite values"),
        ("-inf", "non-finite values"),
        ("NaN", "no close but other prices"),
    ],
)
def test_inf_and_nan_are_refused_with_row_and_value(
    loaded: tuple[Store, Path, pd.DataFrame], value: str, expect: str
) -> None:
    store, path, before = loaded
    line = f"2024-01-05,295.00,296.00,294.00,{value},{value},900"
    status, message = _reimport(store, path, [*_GOOD, line])
    assert status == "failed" and expect in message and "2024-01-05" in message
    pd.testing.assert_frame_equal(_stored(store), before)


def test_nan_over_a_stored_value_is_refused(loaded: tuple[Store, Path, pd.DataFrame]) -> None:
    store, path, _ = loaded
    close_only = path.with_name("IWM.csv")
    close_only.write_text("Date,Close\n2024-01-02,200.5\n2024-01-03,201.5\n")
    import_paths([close_only], store)
    snapshot = _stored(store)
    close_only.write_text("Date,Close\n2024-01-02,200.5\n2024-01-03,NaN\n")
    report = import_paths([close_only], store)
    # a NULL close turns the row into one without any price: it is not written
    assert report.files[0].status == "unchanged"
    assert "1 rows without any price not written" in report.files[0].message
    pd.testing.assert_frame_equal(_stored(store), snapshot)
    with pytest.raises(ChangesRefusedError, match="turn into NULL") as err:
        store.upsert(
            "bars",
            pd.DataFrame(
                {
                    "symbol": ["IWM"],
                    "date": ["2024-01-03"],
                    "close": [201.5],
                    "adj_close": [None],
                    "source": ["close_csv/etf"],
                }
            ),
        )
    assert err.value.report.refused == 1
    pd.testing.assert_frame_equal(_stored(store), snapshot)


def test_huge_and_nonpositive_prices_are_reported_and_not_written(
    loaded: tuple[Store, Path, pd.DataFrame],
) -> None:
    store, path, before = loaded
    lines = [
        *_GOOD,
        "2024-01-05,1e308,1e308,1e308,1e308,1e308,900",
        "2024-01-08,0,0,0,0,0,900",
        "2024-01-09,-5,-5,-5,-5,-5,900",
    ]
    status, message = _reimport(store, path, lines)
    assert status == "unchanged"  # the good rows were already stored; the bad ones are dropped
    assert "3 rows with a price <= 0 or > 1e+09 not written" in message
    assert "2024-01-05 open=1e+308" in message
    pd.testing.assert_frame_equal(_stored(store), before)


def test_duplicate_keys_are_refused(loaded: tuple[Store, Path, pd.DataFrame]) -> None:
    store, path, before = loaded
    status, message = _reimport(store, path, [*_GOOD, _GOOD[1].replace("294.20", "294.30")])
    assert status == "failed" and "2024-01-03" in message
    pd.testing.assert_frame_equal(_stored(store), before)
    frame = store.read("bars")
    twice = pd.concat([frame, frame.iloc[[0]].assign(close=frame["close"].iloc[0] * 1.001)])
    with pytest.raises(InvalidRowsError.__mro__[1], match="duplicate key"):
        store.upsert("bars", twice)
    pd.testing.assert_frame_equal(_stored(store), before)


def test_dates_outside_the_calendar_are_refused(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with pytest.raises(InvalidRowsError, match="dates outside the calendar") as err:
        store.upsert(
            "series",
            pd.DataFrame(
                {
                    "series_id": ["X", "X"],
                    "date": ["2020-01-02", "2199-01-01"],
                    "value": [1.0, 2.0],
                    "source": "s",
                    "vintage": "",
                }
            ),
        )
    assert err.value.column == "date" and err.value.row["date"] == pd.Timestamp("2199-01-01")
    assert store.version == -1 and not (tmp_path / "tables").exists()
