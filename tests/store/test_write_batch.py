"""Store.write_batch: several inputs, few store versions, each input whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sizeup.data.store import ChangesRefusedError, Store, check_frames
from sizeup.errors import SchemaError


def _bars(symbol: str, closes: list[float], source: str = "s") -> pd.DataFrame:
    dates = pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"][: len(closes)])
    return pd.DataFrame({"symbol": symbol, "date": dates, "close": closes, "source": source})


def test_a_bad_input_is_refused_and_the_others_share_one_version(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    bad = _bars("B", [1.0, float("inf"), 3.0])
    outcomes = store.write_batch(
        [
            ("a", {"bars": _bars("A", [1.0, 2.0, 3.0])}),
            ("b", {"bars": bad}),
            ("c", check_frames({"bars": _bars("C", [4.0, 5.0])})),  # checked beforehand
        ]
    )
    assert isinstance(outcomes[1], SchemaError) and "non-finite" in str(outcomes[1])
    ok_a, ok_c = outcomes[0], outcomes[2]
    assert isinstance(ok_a, dict) and ok_a["bars"].rows_added == 3
    assert isinstance(ok_c, dict) and ok_c["bars"].rows_added == 2
    assert ok_a["bars"].files_written == 1 and ok_c["bars"].files_written == 0  # one file
    assert sorted(set(store.read("bars")["symbol"])) == ["A", "C"]
    history = store.history()
    assert history["detail"].tolist() == ["2 inputs: a; c"]
    assert history["rows_added"].tolist() == [5]


def test_refused_change_and_same_slice_inputs(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.write_batch([("first", {"bars": _bars("A", [10.0, 11.0, 12.0])})])
    outcomes = store.write_batch(
        [
            ("cut", {"bars": _bars("A", [10.0, 11.0, 1.2])}),  # 12 -> 1.2: -90 %
            ("new", {"bars": _bars("D", [7.0])}),
            ("revise", {"bars": _bars("D", [7.5])}),  # same slice as "new": next version
        ]
    )
    assert isinstance(outcomes[0], ChangesRefusedError)
    assert isinstance(outcomes[1], dict) and outcomes[1]["bars"].rows_added == 1
    assert isinstance(outcomes[2], dict) and outcomes[2]["bars"].rows_updated == 1
    bars = store.read("bars")
    assert bars[bars["symbol"] == "A"]["close"].tolist() == [10.0, 11.0, 12.0]
    assert bars[bars["symbol"] == "D"]["close"].tolist() == [7.5]
    assert store.history()["detail"].tolist() == ["first", "new", "revise"]
