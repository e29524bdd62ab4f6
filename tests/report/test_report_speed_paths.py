"""The report's narrower reads return what the old wide reads returned (issue 14).

A hand-made store: SimFin-format fundamentals of S1, S2, L1 (FY2020 published 2021-02-20,
FY2021 published 2022-02-20), closes of S1, S2, L1 and of X (no fundamentals) through February
2022, and a second, non-preferred source for S1 with other closes. A screen on 2022-02-25 may
use closes in (2022-02-15, 2022-02-25] only (the metrics' 10-day price window).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sizeup.app import StoreRef
from sizeup.app.reports import ReportData
from sizeup.app.screens import (
    ScreenRequest,
    StoreFundamentals,
    load_screen_data,
    read_fundamentals,
    run_screen_request,
)
from sizeup.app.valuation import ValuationRequest, run_valuation
from sizeup.data.formats.simfin import parse_simfin_csv
from sizeup.data.store import Store
from sizeup.fundamentals import normalize

ASOF = pd.Timestamp("2022-02-25")
_HEAD = "Ticker;SimFinId;Currency;Fiscal Year;Fiscal Period;Report Date;Publish Date;Restated Date"
# ticker -> FY2020 (net income, shares), FY2021 (net income, shares)
_NI = {"S1": ((10, 2), (12, 2)), "S2": ((-4, 1), (3, 1)), "L1": ((100, 10), (80, 10))}
# last close day in February 2022 of each symbol (closes every calendar day from Feb 1);
# S1 and X run past the screen date
_LAST = {"S1": 28, "S2": 15, "L1": 16, "X": 28}
_BASE = {"S1": 100.0, "S2": 200.0, "L1": 300.0, "X": 400.0}


def _facts() -> pd.DataFrame:
    inc = [_HEAD + ";Shares (Basic);Shares (Diluted);Revenue;Net Income"]
    bal = [_HEAD + ";Shares (Basic);Shares (Diluted);Total Equity"]
    for k, (sym, years) in enumerate(_NI.items()):
        for year, (ni, sh) in zip((2020, 2021), years, strict=True):
            lead = f"{sym};{k + 1};USD;{year};FY;{year}-12-31;{year + 1}-02-20;{year + 1}-02-20"
            inc.append(f"{lead};{sh};{sh};{5 * abs(ni) + 10};{ni}")
            bal.append(f"{lead};{sh};{sh};{4 * abs(ni)}")
    return pd.concat(
        [
            parse_simfin_csv(("\n".join(inc) + "\n").encode(), name="income.csv"),
            parse_simfin_csv(("\n".join(bal) + "\n").encode(), name="balance.csv"),
        ],
        ignore_index=True,
    )


def _close(sym: str, day: int) -> float:
    return _BASE[sym] + day


@pytest.fixture
def store(tmp_path: Path) -> Store:
    st = Store.open(tmp_path / "store")
    rows = []
    for sym, last in _LAST.items():
        for day in range(1, last + 1):
            d = pd.Timestamp(2022, 2, day)
            rows.append((sym, d, _close(sym, day), _close(sym, day), "hand"))
    # S1 also from a shorter second source (fewer rows, same end): not the preferred one
    for day in range(20, 26):
        rows.append(("S1", pd.Timestamp(2022, 2, day), 1.0, 1.0, "other"))
    bars = pd.DataFrame(rows, columns=["symbol", "date", "close", "adj_close", "source"])
    holdings = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.Timestamp("2022-01-31"),
            "symbol": ["S1", "S2"],
            "asset_class": "Equity",
            "source": "hand",
        }
    )
    symbols = pd.DataFrame(
        {"symbol": ["L1"], "name": ["L one"], "source": "constituents_csv/sp500"}
    )
    st.write({"fundamentals": _facts(), "bars": bars, "holdings": holdings, "symbols": symbols})
    return st


def _key(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["symbol", "date", "close"]].copy()
    out["symbol"] = out["symbol"].astype(str)
    return out.sort_values(["symbol", "date"]).reset_index(drop=True)


def test_narrow_prices_are_the_wide_reads_rows_in_the_window(store: Store) -> None:
    wide = load_screen_data(store).prices
    narrow = load_screen_data(store, as_of=ASOF).prices
    # the old wide read: every preferred close (S1 from "hand", not "other"), X included
    assert len(wide) == sum(_LAST.values())
    assert set(wide["close"]) >= {_close("X", 28), _close("S1", 1)}
    assert 1.0 not in set(wide["close"])
    # the narrow read keeps names with fundamentals and the window the metrics use
    lo = ASOF - pd.Timedelta(days=10)
    sel = wide["symbol"].astype(str).isin(["S1", "S2", "L1"])
    inside = wide[sel & (wide["date"] > lo) & (wide["date"] <= ASOF)]
    got = _key(narrow)
    got = got[got["date"] > lo]  # the read may start a day early; the SQL drops that day
    pd.testing.assert_frame_equal(got.reset_index(drop=True), _key(inside))
    # by hand: S1 Feb 16..25 (10 closes), S2 none (last close Feb 15), L1 Feb 16 (one)
    assert got.groupby("symbol").size().to_dict() == {"L1": 1, "S1": 10}
    assert "X" not in set(narrow["symbol"].astype(str))
    assert narrow["date"].max() <= ASOF


def test_screen_on_narrow_prices_equals_screen_on_the_wide_read(store: Store) -> None:
    req = ScreenRequest("quality-value", as_of=ASOF, universe="all", store=StoreRef(store.root))
    narrow = run_screen_request(req)
    wide = run_screen_request(req, data=load_screen_data(store))
    pd.testing.assert_frame_equal(narrow.result.table, wide.result.table)
    assert narrow.n_passed == wide.n_passed
    price = narrow.result.table.set_index("symbol")["price"]
    # price on the date: S1 Feb 25, L1 Feb 16 (9 days before), S2 none (10 days: outside)
    assert price["S1"] == _close("S1", 25)
    assert price["L1"] == _close("L1", 16)
    assert pd.isna(price["S2"])
    assert narrow.provenance.to_dict() == wide.provenance.to_dict()


def test_subset_of_shared_fundamentals_equals_normalising_the_subset(store: Store) -> None:
    fund = read_fundamentals(store)
    sub = fund.of(["S1", "L1"])
    alone = store.fundamentals(["S1", "L1"])
    pd.testing.assert_frame_equal(sub.items, normalize(alone))
    assert sorted(sub.facts["symbol"].astype(str).unique()) == ["L1", "S1"]
    assert len(sub.facts) == len(alone)


@pytest.mark.shared_data
def test_subset_equals_normalising_the_subset_on_real_sec_facts(shared_fixtures: Path) -> None:
    from sizeup.data.formats.sec import parse_companyfacts

    files = {
        "AAPL": ("sec/companyfacts_CIK0000320193_AAPL_trimmed.json", 320193),
        "NVDA": ("sec/companyfacts_CIK0001045810_NVDA_trimmed.json", 1045810),
    }
    facts = pd.concat(
        [
            parse_companyfacts((shared_fixtures / f).read_bytes(), name=f, tickers={cik: sym})
            for sym, (f, cik) in files.items()
        ],
        ignore_index=True,
    )
    both = StoreFundamentals(facts, normalize(facts))
    for sym in files:
        alone = normalize(facts[facts["symbol"] == sym].reset_index(drop=True))
        pd.testing.assert_frame_equal(both.of([sym]).items, alone)


def test_valuation_with_shared_fundamentals_equals_its_own_read(store: Store) -> None:
    req = ValuationRequest(small="IWM", large="SPY", asof=ASOF, history="yearly")
    own = run_valuation(req, store=store)
    shared = run_valuation(req, store=store, fundamentals=read_fundamentals(store))
    pd.testing.assert_frame_equal(shared.history, own.history)
    pd.testing.assert_frame_equal(shared.ratios, own.ratios)
    assert shared.to_dict() == own.to_dict()


def test_report_reads_fundamentals_once_for_screen_and_valuation(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sizeup.fundamentals import _normalize
    from sizeup.report.sections._valuation import store_valuation_section

    calls: list[object] = []
    real = _normalize.normalize

    def counted(facts: pd.DataFrame, **kw: object) -> pd.DataFrame:
        calls.append(facts)
        return real(facts, **kw)  # type: ignore[arg-type]

    for mod in ("sizeup.app.screens", "sizeup.app.valuation"):
        monkeypatch.setattr(f"{mod}.normalize", counted)
    data = ReportData(store, ASOF)
    res = data.screen("quality-value", top=25)
    section = store_valuation_section(data, "IWM", "SPY")
    assert data.reads["fundamentals"] == 1
    assert len(calls) == 1  # one normalisation for both
    assert section.tables and not section.missing  # the valuation ran, no placeholder
    monkeypatch.undo()
    assert res is not None
    alone = run_screen_request(
        ScreenRequest("quality-value", as_of=ASOF, top=25, store=StoreRef(store.root))
    )
    pd.testing.assert_frame_equal(res.result.table, alone.result.table)


def _old_range_join(store: Store, chosen: pd.DataFrame, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """The valuation's former read: a range join of every bar with the date windows."""
    win = pd.DataFrame({"lo": [d - pd.Timedelta(days=10) for d in dates], "hi": dates})
    with store.connect() as con:
        con.register("_pref", chosen)
        con.register("_win", win)
        out: pd.DataFrame = con.execute(
            "SELECT DISTINCT b.symbol, b.date, b.close, b.adj_close, b.source FROM bars b "
            "JOIN _pref p ON b.symbol = p.symbol AND b.source = p.source "
            "JOIN _win w ON b.date > w.lo AND b.date <= w.hi "
            "WHERE b.close IS NOT NULL AND b.close > 0"
        ).df()
    return out


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["symbol", "date", "close", "adj_close", "source"]].copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    for c in ("symbol", "source"):
        out[c] = out[c].astype(str)
    out = out.astype({"close": "float64", "adj_close": "float64"})
    return out.sort_values(["symbol", "date", "source"]).reset_index(drop=True)


def test_valuation_window_read_equals_the_old_range_join(store: Store) -> None:
    from sizeup.app.valuation import _window_bars

    pref = store.sources(["S1", "S2", "L1", "X"], field="close")
    chosen = pref.loc[pref["preferred"], ["symbol", "source"]]
    # two dates whose windows overlap (Feb 20 and Feb 25) and one with no closes (Jan 10)
    dates = [pd.Timestamp("2022-01-10"), pd.Timestamp("2022-02-20"), ASOF]
    new = _rows(_window_bars(store, chosen, dates))
    pd.testing.assert_frame_equal(new, _rows(_old_range_join(store, chosen, dates)))
    # by hand: windows (Feb 10, Feb 25]: S1 Feb 11..25 = 15 closes from "hand" (not "other"),
    # S2 Feb 11..15 = 5, L1 Feb 11..16 = 6, X Feb 11..25 = 15; no row twice
    assert new.groupby("symbol").size().to_dict() == {"L1": 6, "S1": 15, "S2": 5, "X": 15}
    assert set(new["source"]) == {"hand"}
    assert new["date"].min() == pd.Timestamp("2022-02-11")


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("1993-01-29", "2024-06-28"),  # SPY's first session to a Friday
        ("2000-01-03", "2000-01-04"),  # two sessions
        ("2001-09-10", "2001-09-17"),  # the exchange closed Sep 11-14
        ("2024-11-27", "2024-12-02"),  # Thanksgiving
    ],
)
def test_coverage_sessions_cut_from_one_calendar_equal_a_calendar_of_the_range(
    first: str, last: str
) -> None:
    from sizeup.report.sections import _sections

    got = _sections._xnys_sessions.__wrapped__(first, last)
    own = _sections._xnys_range(first, last)
    assert got is not None and own is not None
    pd.testing.assert_index_equal(got, own)
    if (first, last) == ("2001-09-10", "2001-09-17"):  # by hand: Mon 10, Mon 17
        assert list(got.strftime("%m-%d")) == ["09-10", "09-17"]
    if (first, last) == ("2024-11-27", "2024-12-02"):  # by hand: Wed 27, Fri 29, Mon 2
        assert list(got.strftime("%m-%d")) == ["11-27", "11-29", "12-02"]


def test_coverage_sessions_outside_one_calendar_fall_back_to_the_range() -> None:
    from sizeup.report.sections import _sections

    # a weekend first day or a one-day range: the range's own calendar decides (None: no
    # expected sessions), as before
    for first, last in (("2024-06-01", "2024-06-28"), ("2000-01-03", "2000-01-03")):
        assert _sections._xnys_range(first, last) is None
        assert _sections._xnys_sessions.__wrapped__(first, last) is None
