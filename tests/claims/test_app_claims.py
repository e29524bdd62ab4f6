"""The claims use case: request validation, default as-of, provenance, and the store adapter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sizeup.app import StoreRef
from sizeup.app.claims import ClaimsRequest, StoreClaimData, check_claims
from sizeup.claims import ClaimSpecError, make_claim
from sizeup.data.store import Store

CLAIMS = """
[[claim]]
text = "A rose 4 % from 3 January"
metric = "window_return"
symbol = "A"
start = 2024-01-03
stated = 0.04

[[claim]]
text = "A beat B for a third straight session"
metric = "streak"
symbol = "A"
benchmark = "B"
freq = "D"
stated = 3

[[claim]]
text = "Members: two of three rose"
metric = "breadth_level"
universe = "FUND"
stated = 0.667
"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "store")
    idx = pd.bdate_range("2024-01-02", periods=6)  # 01-02 .. 01-09
    closes = {
        "A": [100, 101, 102, 103, 103.5, 104.0],
        "B": [50, 50, 50, 50, 50, 50.0],
        "M1": [10, 11, 12, 11, 12, 13.0],
        "M2": [10, 9, 8, 9, 10, 9.0],
        "M3": [5, 5, 6, 6, 5, 6.0],
    }
    bars = pd.concat(
        [
            pd.DataFrame({"symbol": s, "date": idx, "close": v, "adj_close": v, "source": "test"})
            for s, v in closes.items()
        ],
        ignore_index=True,
    )
    holdings = pd.DataFrame(
        {
            "fund": "FUND",
            "as_of": pd.Timestamp("2024-01-05"),
            "symbol": ["M1", "M2", "M3"],
            "asset_class": "Equity",
            "source": "test",
        }
    )
    store.write({"bars": bars, "holdings": holdings})
    return store


def test_check_claims_with_default_asof_and_provenance(store: Store) -> None:
    req = ClaimsRequest(text=CLAIMS, asof=pd.Timestamp("2024-01-09"), store=StoreRef(store.root))
    res = check_claims(req)
    window, streak, breadth = res.results
    # 01-03 .. 01-09 with the 01-02 base: 104 / 100 - 1 = 4 %
    assert window.measured == pytest.approx(0.04) and window.verdict == "SUPPORTED"
    # daily A/B: +, +, +, +, + -> 5 straight sessions, not 3
    assert streak.measured == 5 and streak.verdict == "CONTRADICTED"
    # 01-09: M1 12->13 up, M2 10->9 down, M3 5->6 up -> 2/3; before the 01-05 snapshot too
    assert breadth.measured == pytest.approx(2 / 3) and breadth.verdict == "SUPPORTED"
    assert res.counts == {"SUPPORTED": 2, "CONTRADICTED": 1}
    names = [c.name for c in res.provenance.inputs]
    assert "A (close)" in names and "holdings FUND" in names
    assert res.provenance.as_of == pd.Timestamp("2024-01-09")
    body = res.to_dict()
    assert body["claims"][0]["tolerance_rule"] == "rounding of 0.04"
    assert body["claims"][0]["basis"].startswith("price")
    assert list(res.to_frame()["verdict"]) == ["SUPPORTED", "CONTRADICTED", "SUPPORTED"]
    assert "stated 0.04, measured 0.04" in res.summary()


def test_request_needs_exactly_one_source_of_claims(tmp_path: Path) -> None:
    claim = make_claim(
        {"text": "x", "metric": "series_value", "series": "S", "date": "2024-01-02", "stated": 1}
    )
    with pytest.raises(ClaimSpecError, match="exactly one"):
        ClaimsRequest().load()
    with pytest.raises(ClaimSpecError, match="exactly one"):
        ClaimsRequest(text=CLAIMS, claims=(claim,)).load()
    with pytest.raises(ClaimSpecError, match="cannot read"):
        ClaimsRequest(file=tmp_path / "absent.toml").load()
    assert ClaimsRequest(claims=(claim,)).load() == [claim]


def test_store_adapter_reads_every_snapshot(store: Store) -> None:
    data = StoreClaimData(store)
    snaps = data.snapshots("FUND")
    assert snaps == {pd.Timestamp("2024-01-05"): ["M1", "M2", "M3"]}
    assert data.snapshots("NONE") == {}
    assert data.fundamentals() is None
    with pytest.raises(Exception, match="not valid"):
        data.prices(["A"], field="open")


def test_session_claims_read_highs_and_lows_from_the_store(tmp_path: Path) -> None:
    """`sizeup claims` checks intraday claims on stored session highs and lows (as traded)."""
    store = Store.open(tmp_path / "hl")
    idx = pd.bdate_range("2024-01-02", periods=3)
    bars = pd.DataFrame(
        {
            "symbol": "A",
            "date": idx,
            "open": [100.0, 101.0, 102.0],
            "high": [101.0, 103.5, 102.5],
            "low": [99.0, 100.5, 101.0],
            "close": [100.5, 102.0, 101.5],
            "adj_close": [100.5, 102.0, 101.5],
            "source": "test",
        }
    )
    store.write({"bars": bars})
    text = """
[[claim]]
text = "A touched 103.5 during the session"
metric = "session"
symbol = "A"
date = 2024-01-03
stat = "high"
stated = 103.5

[[claim]]
text = "A was up as much as 3 % at one point"
metric = "session"
symbol = "A"
date = 2024-01-03
start = 2024-01-03
stat = "high_return"
stated = 0.03
"""
    res = check_claims(
        ClaimsRequest(text=text, asof=pd.Timestamp("2024-01-04"), store=StoreRef(store.root))
    )
    level, ret = res.results
    # the 01-03 session high is 103.5 (the close is 102.0)
    assert level.measured == pytest.approx(103.5) and level.verdict == "SUPPORTED"
    # base: the 01-02 close 100.5 -> 103.5 / 100.5 - 1 = 2.985 %
    assert ret.measured == pytest.approx(103.5 / 100.5 - 1) and ret.verdict == "SUPPORTED"
    data = StoreClaimData(store)
    assert list(data.prices(["A"], field="low")["A"]) == [99.0, 100.5, 101.0]


def test_a_close_that_is_the_adjusted_close_is_noted(tmp_path: Path) -> None:
    """A source with one (adjusted) close makes price claims read adjusted prices: said so."""
    store = Store.open(tmp_path / "adj")
    idx = pd.bdate_range("2024-01-02", periods=70)
    level = [100.0 + i for i in range(70)]
    paid = [v - (0.5 if i < 40 else 0.0) for i, v in enumerate(level)]  # a dividend on day 40
    bars = pd.concat(
        [
            pd.DataFrame({"symbol": "ONE", "date": idx, "close": level, "adj_close": level}),
            pd.DataFrame({"symbol": "RAW", "date": idx, "close": level, "adj_close": paid}),
            pd.DataFrame({"symbol": "^IDX", "date": idx, "close": level, "adj_close": level}),
            pd.DataFrame(
                {"symbol": "SHORT", "date": idx[:59], "close": level[:59], "adj_close": level[:59]}
            ),
        ],
        ignore_index=True,
    ).assign(source="test")
    store.write({"bars": bars})
    data = StoreClaimData(store)
    close = data.prices(["ONE", "RAW", "^IDX", "SHORT"], field="close")
    assert close["ONE"].iloc[-1] == 169.0
    assert set(data.notes) == {"ONE (close)"}
    assert "equals the dividend-adjusted close on all 70 days" in data.notes["ONE (close)"]
    data.prices(["RAW"], field="adj_close")  # total-return reads are not flagged
    assert set(data.notes) == {"ONE (close)"}
