"""Acceptance: import ../shared/data and check the MANIFEST sanity values through the store.

The whole folder is imported once per test session (module fixture); the expected values are
the published closes and rates listed in ../shared/data/MANIFEST.md ("Sanity checks").
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from sizeup.data.ingest import ImportReport, import_paths
from sizeup.data.store import Store

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def imported(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, ImportReport, float]:
    store = Store.open(tmp_path_factory.mktemp("shared_store"))
    started = time.perf_counter()
    report = import_paths([shared_data], store)
    elapsed = time.perf_counter() - started
    # the IJR snapshot states no date; MANIFEST dates it 2021-03-12 (commit date, prices)
    extra = import_paths(
        [shared_data / "holdings" / "IJR_holdings_2021-03.csv"], store, as_of="2021-03-12"
    )
    assert extra.files[0].status == "imported"
    return store, report, elapsed


def _close(store: Store, symbol: str, day: str, source: str | None = None) -> float:
    bars = store.bars([symbol], start=day, end=day, source=source)
    assert len(bars) == 1, (symbol, day, source)
    return float(bars.iloc[0]["close"])


def test_every_market_data_file_imported(imported: tuple[Store, ImportReport, float]) -> None:
    _, report, elapsed = imported
    frame = report.to_frame()
    skipped = {Path(p).name for p in frame.loc[frame.status == "skipped", "path"]}
    assert skipped == {"MANIFEST.md", "_provenance.json", "us_market_holidays.csv"}
    failed = frame[frame.status == "failed"]
    assert [Path(p).name for p in failed["path"]] == ["IJR_holdings_2021-03.csv"]
    assert "Fund Holdings as of" in failed.iloc[0]["message"]
    assert report.imported == len(frame) - 4
    print(f"\nimported {report.rows:,} rows from {report.imported} files in {elapsed:.1f} s")


def test_reimport_changes_nothing(
    imported: tuple[Store, ImportReport, float], shared_data: Path
) -> None:
    store, _, _ = imported
    again = import_paths([shared_data], store)
    assert again.files_written == 0
    assert all(r.files_written == 0 for r in again.results.values())
    assert {f.status for f in again.files} <= {"unchanged", "skipped", "failed"}


def test_index_and_etf_closes(imported: tuple[Store, ImportReport, float]) -> None:
    store, _, _ = imported
    for src in (
        "yahoo_csv/indexes",
        "yfinance_csv/indexes",
        "close_csv/indexes",
    ):
        assert _close(store, "^RUT", "2023-12-29", src) == pytest.approx(2027.07, abs=0.005)
    assert _close(store, "^GSPC", "2023-12-29", "yfinance_csv/indexes") == pytest.approx(
        4769.83, abs=0.005
    )
    assert _close(store, "^GSPC", "2023-12-29", "close_csv/indexes") == pytest.approx(
        4769.83, abs=0.005
    )
    raw = "yahoo_csv/yahoo_raw_2000_2022"
    assert _close(store, "SPY", "2021-12-31", raw) == pytest.approx(474.96, abs=0.005)
    assert _close(store, "IWM", "2022-11-18", raw) == pytest.approx(183.72, abs=0.005)
    assert _close(store, "^RUT", "2021-12-31", raw) == pytest.approx(2245.31, abs=0.005)
    # raw source keeps Adj Close apart: SPY paid dividends after 2021, so adj < raw
    spy = store.bars(["SPY"], start="2021-12-31", end="2021-12-31", source=raw).iloc[0]
    assert spy["adj_close"] < spy["close"]
    # adjusted-only source: adj_close == close
    adj = store.bars(["IWM"], source="yahoo_csv/etf_ohlcv_adjusted")
    assert (adj["adj_close"] == adj["close"]).all()


def test_rates(imported: tuple[Store, ImportReport, float]) -> None:
    store, _, _ = imported
    s = store.series(["FRED:DGS10", "FRED:DGS2", "FRED:DFF", "FRED:EFFR", "FRED:FEDFUNDS"])
    day = pd.Timestamp("2023-12-29")
    assert s.loc[day, "FRED:DGS10"] == 3.88
    assert s.loc[day, "FRED:DGS2"] == 4.23
    assert s.loc[day, "FRED:DFF"] == 5.33
    assert s.loc[day, "FRED:EFFR"] == 5.33
    assert s.loc[pd.Timestamp("2023-12-01"), "FRED:FEDFUNDS"] == 5.33


def test_holdings(imported: tuple[Store, ImportReport, float]) -> None:
    store, _, _ = imported
    iwm = store.holdings("IWM")
    eq = iwm[iwm["asset_class"] == "Equity"]
    assert len(eq) == 1924
    assert eq["weight"].sum() == pytest.approx(0.9939, abs=1e-9)
    assert iwm["market_value"].sum() == pytest.approx(79.3e9, rel=0.001)
    ijr = store.holdings("IJR")
    eq = ijr[ijr["asset_class"] == "Equity"]
    assert len(eq) == 602  # 687 equity rows, 85 tickers repeated (equity + swap)
    assert eq["weight"].sum() == pytest.approx(0.9979, abs=1e-9)


def test_french_values_and_vintages(imported: tuple[Store, ImportReport, float]) -> None:
    store, _, _ = imported
    smb = store.series(["FF:SMB:A"], vintage="202412")
    assert smb.loc[pd.Timestamp("2024-12-31"), "FF:SMB:A"] == pytest.approx(-0.1113)
    m412 = store.series(["FF:SMB:M", "FF:MKT-RF:M"], vintage="202412")
    assert m412.loc[pd.Timestamp("1926-07-31"), "FF:SMB:M"] == pytest.approx(-0.0256)
    assert m412.loc[pd.Timestamp("2023-12-31"), "FF:MKT-RF:M"] == pytest.approx(0.0487)
    m511 = store.series(["FF:MKT-RF:M"], vintage="202511")
    assert m511.loc[pd.Timestamp("2023-12-31"), "FF:MKT-RF:M"] == pytest.approx(0.0485)
    me = store.series(["FF:ME_VW_M:DEC01", "FF:ME_VW_M:DEC10"], vintage="202412")
    me = me.loc[: pd.Timestamp("2024-12-31")]
    assert me["FF:ME_VW_M:DEC01"].mean() == pytest.approx(0.0134, abs=0.0005)
    assert me["FF:ME_VW_M:DEC10"].mean() == pytest.approx(0.0092, abs=0.0005)


def test_french_1926_smb_by_vintage(shared_fixtures: Path) -> None:
    from sizeup.data.formats.french import parse_french_csv

    old = (shared_fixtures / "kenfrench" / "F-F_Research_Data_Factors.CSV").read_bytes()
    frame = parse_french_csv(old, name="fixture")
    assert set(frame["vintage"]) == {"202108"}
    row = frame[(frame.series_id == "FF:SMB:M") & (frame.date == "1926-07-31")]
    assert row["value"].iloc[0] == pytest.approx(-0.0238)


def test_cross_section(imported: tuple[Store, ImportReport, float]) -> None:
    store, _, _ = imported
    src = store.sources()
    xsec = src[src["source"] == "matrix_csv/xsec"]
    assert len(xsec) == 1848
    av = src[src["source"] == "alphavantage_csv/xsec"]
    assert len(av) == 453
    actions = store.read("actions")
    assert set(actions["kind"]) == {"dividend", "split"}
    one = str(xsec["symbol"].iloc[0])
    rows = store.read("bars", files=[store.partition_path("bars", ["matrix_csv/xsec", one])])
    assert rows.shape[1] == 9 and set(rows["symbol"]) == {one} and len(rows) > 100
    assert len(store.files("bars")) < 200  # Delta files partitioned by source, not by symbol


def test_simfin_revenue_once_parser_lands(imported: tuple[Store, ImportReport, float]) -> None:
    store, _, _ = imported
    facts = store.fundamentals(["AAON", "SAIA"])
    rev = facts[(facts["concept"] == "simfin:Revenue") & (facts["fiscal_year"] == 2021)]
    by = dict(zip(rev["symbol"], rev["value"], strict=True))
    assert by["AAON"] == pytest.approx(534.5e6, rel=0.001)
    assert by["SAIA"] == pytest.approx(2288.7e6, rel=0.001)
