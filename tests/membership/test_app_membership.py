"""The membership helper in the use cases, on a store of hand-made snapshots and closes.

Snapshots of the fund TOY (a cash row in the first must not count):

* 2024-03-28: M1, M2
* 2024-04-30: M2, M3            (M1 dropped)
* 2024-05-31: M1, M2, M3, M4    (M1 re-added, M4 joins)

Closes are flat except on three days, where each member moves up (+1 %) or down (-1 %):

=============  ====  ====  ====  ====  ==================================================
day            M1    M2    M3    M4    % advancing by the rule (other readings)
=============  ====  ====  ====  ====  ==================================================
2024-03-15     down  up    up    up    50 (first snapshot, fallback); 75 with everyone
2024-04-15     up    up    down  down  100 (03-28 rules); 50 with the later 04-30
2024-05-15     up    down  down  up    0 (04-30 rules); 50 with the later 05-31
=============  ====  ====  ====  ====  ==================================================
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.breadth import breadth
from sizeup.app import StoreRef
from sizeup.app._membership import load_membership
from sizeup.app.backtest import load_market_data
from sizeup.app.claims import ClaimsRequest, check_claims
from sizeup.app.monitor import load_monitor_inputs
from sizeup.app.screens import (
    ScreenRequest,
    ScreenRunResult,
    UniverseRequest,
    run_screen_request,
    run_universe_report,
)
from sizeup.backtest import strategy_from_dict
from sizeup.data.formats.sec import parse_companyfacts
from sizeup.data.store import Store
from sizeup.errors import DataError

T = pd.Timestamp
MOVES = {
    "2024-03-15": {"M1": -1, "M2": 1, "M3": 1, "M4": 1},
    "2024-04-15": {"M1": 1, "M2": 1, "M3": -1, "M4": -1},
    "2024-05-15": {"M1": 1, "M2": -1, "M3": -1, "M4": 1},
}
SNAPS = {
    "2024-03-28": ["M1", "M2"],
    "2024-04-30": ["M2", "M3"],
    "2024-05-31": ["M1", "M2", "M3", "M4"],
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    st = Store.open(tmp_path_factory.mktemp("membership") / "store")
    idx = pd.bdate_range("2024-03-01", "2024-06-28")
    frames = []
    for sym in ("M1", "M2", "M3", "M4"):
        steps = np.ones(len(idx))
        for day, move in MOVES.items():
            steps[idx.get_loc(T(day))] = 1.0 + 0.01 * move[sym]
        close = 10.0 * np.cumprod(steps)
        frames.append(
            pd.DataFrame(
                {"symbol": sym, "date": idx, "close": close, "adj_close": close, "source": "t"}
            )
        )
    for sym in ("IWM", "SPY"):
        close = 100.0 + np.arange(len(idx), dtype=float)
        frames.append(
            pd.DataFrame(
                {"symbol": sym, "date": idx, "close": close, "adj_close": close, "source": "t"}
            )
        )
    rows = [
        {"fund": "TOY", "as_of": T(day), "symbol": s, "asset_class": "Equity", "source": "hand"}
        for day, names in SNAPS.items()
        for s in names
    ]
    rows.append(
        {"fund": "TOY", "as_of": T("2024-03-28"), "symbol": "USD", "asset_class": "Cash"}
        | {"source": "hand"}
    )
    st.write({"bars": pd.concat(frames, ignore_index=True), "holdings": pd.DataFrame(rows)})
    return st


def test_helper_reads_only_snapshots_up_to_the_asof_date(store: Store) -> None:
    uni = load_membership(store, "toy", as_of="2024-05-20")
    assert uni.fund == "TOY"
    assert list(uni.stored) == [T("2024-03-28"), T("2024-04-30"), T("2024-05-31")]
    assert list(uni.membership.snapshot_dates) == [T("2024-03-28"), T("2024-04-30")]
    assert uni.symbols == ("M1", "M2", "M3")  # no M4 (joins after the as-of date), no USD cash
    assert "1 later snapshot(s) not read (after 2024-05-20)" in uni.note
    assert "earlier one rules" in uni.note and "survivorship" in uni.note
    cov = uni.coverage()
    assert (cov.first, cov.last, cov.source) == (T("2024-03-28"), T("2024-04-30"), "hand")
    # before every snapshot: the first one, dated after the as-of date, labelled as such
    early = load_membership(store, "TOY", as_of="2024-03-20")
    assert early.after_asof and early.symbols == ("M1", "M2")
    assert "no snapshot on or before 2024-03-20" in early.note and "survivorship" in early.note
    assert load_membership(store, "NONE").empty


def test_monitor_breadth_uses_the_snapshot_in_force_each_day(store: Store) -> None:
    inputs = load_monitor_inputs(store, asof="2024-05-20", universe="TOY")
    assert inputs.members is not None and inputs.member_mask is not None
    assert list(inputs.members.columns) == ["M1", "M2", "M3"]  # M4 only appears later
    b = breadth(inputs.members, members=inputs.member_mask, ma_windows=(2,), hl_window=2)
    adv = b.frame["pct_adv"]
    assert adv[T("2024-03-15")] == pytest.approx(50.0)  # fallback: first snapshot {M1, M2}
    assert adv[T("2024-04-15")] == pytest.approx(100.0)  # 03-28 rules: M1 up, M2 up
    assert adv[T("2024-05-15")] == pytest.approx(0.0)  # 04-30 rules: M2, M3 down
    assert "TOY membership from 2 holdings snapshot(s)" in inputs.membership_note
    assert "days are before it" in inputs.membership_note
    assert any(c.name.startswith("holdings TOY") for c in inputs.coverage)
    # with the as-of date after the third snapshot, M4 counts from 05-31 on, not before
    later = load_monitor_inputs(store, asof="2024-06-28", universe="TOY")
    assert later.member_mask is not None and later.members is not None
    j = list(later.members.columns).index("M4")
    rows = later.members.index
    assert not later.member_mask[rows < T("2024-05-31"), j].any()
    assert later.member_mask[rows >= T("2024-05-31"), j].all()


def test_claims_breadth_between_snapshots_and_note_in_provenance(store: Store) -> None:
    text = """
[[claim]]
text = "all TOY members rose on 15 April"
metric = "breadth_level"
universe = "TOY"
measure = "pct_advancing"
asof = 2024-04-15
stated = 1.0

[[claim]]
text = "half of TOY rose on 15 March"
metric = "breadth_level"
universe = "TOY"
measure = "pct_advancing"
asof = 2024-03-15
stated = 0.5
"""
    res = check_claims(ClaimsRequest(text=text, store=StoreRef(store.root)))
    april, march = res.results
    assert april.measured == pytest.approx(1.0) and april.verdict == "SUPPORTED"
    assert march.measured == pytest.approx(0.5) and "survivorship" in march.detail
    assert any("TOY membership from 3 holdings snapshot(s)" in n for n in res.provenance.notes)


@pytest.mark.shared_data
def test_screen_and_universe_report_use_the_snapshot_of_the_date(
    tmp_path_factory: pytest.TempPathFactory, shared_fixtures: Path
) -> None:
    """AAPL (real SEC companyfacts) is a member in October and December, not in November."""
    st = Store.open(tmp_path_factory.mktemp("screens") / "store")
    name = "sec/companyfacts_CIK0000320193_AAPL_trimmed.json"
    facts = parse_companyfacts(
        (shared_fixtures / name).read_bytes(), name=name, tickers={320193: "AAPL"}
    )
    holdings = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.to_datetime(["2024-10-31", "2024-10-31", "2024-11-29", "2024-11-29"]),
            "symbol": ["AAPL", "ZZZZ", "ZZZZ", "YYYY"],
            "asset_class": "Equity",
            "source": "hand",
        }
    )
    st.write({"fundamentals": facts, "holdings": holdings})
    ref = StoreRef(st.root)

    def screen(asof: str) -> ScreenRunResult:
        return run_screen_request(ScreenRequest("earnings", as_of=asof, universe="IWM", store=ref))

    mid_nov = screen("2024-11-15")  # between the snapshots: October's rules
    assert set(mid_nov.to_frame()["symbol"]) == {"AAPL", "ZZZZ"}
    assert mid_nov.result.universe == "IWM members of the 2024-10-31 snapshot (2 names)"
    notes = " ".join(mid_nov.result.notes)
    assert "IWM membership from 1 holdings snapshot(s) (2024-10-31)" in notes
    assert "1 later snapshot(s) not read (after 2024-11-15)" in notes
    assert any(c.name.startswith("holdings IWM") for c in mid_nov.provenance.inputs)
    december = screen("2024-12-05")
    assert set(december.to_frame()["symbol"]) == {"YYYY", "ZZZZ"}
    early = screen("2024-09-30")  # before the first: the labelled fallback
    assert set(early.to_frame()["symbol"]) == {"AAPL", "ZZZZ"}
    assert "no snapshot on or before 2024-09-30" in " ".join(early.result.notes)
    rep = run_universe_report(UniverseRequest(fund="IWM", as_of="2024-12-05", store=ref))
    assert "IWM members of the 2024-11-29 snapshot (2 names)" in rep.report.notes
    with pytest.raises(DataError, match="no holdings of fund 'IJR'"):
        run_universe_report(UniverseRequest(fund="IJR", as_of="2024-12-05", store=ref))


def test_backtest_universe_membership_by_date(store: Store) -> None:
    strategy = strategy_from_dict(
        {
            "name": "toy",
            "universe": {"fund": "TOY"},
            "signal": {"kind": "momentum", "lookback": 5, "skip": 0},
        }
    )
    data, resolved, _ = load_market_data(store, strategy, asof="2024-05-20")
    assert resolved.universe.symbols == ("M1", "M2", "M3")  # M4 joins after the as-of date
    assert data.membership is not None
    m = data.membership
    # M1: fallback before 03-28, member to 04-29, out from 04-30 (dropped)
    assert bool(m.loc["2024-03-15", "M1"]) and bool(m.loc["2024-04-29", "M1"])
    assert not m.loc["2024-04-30":, "M1"].any()
    # M3 joins on 04-30, not before
    assert not m.loc[:"2024-04-29", "M3"].any() and m.loc["2024-04-30":, "M3"].all()
    assert "TOY membership from 2 holdings snapshot(s)" in data.survivorship
