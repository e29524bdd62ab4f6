"""Price-file parsers on small hand-made bodies (every layout and documented quirk)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.data.formats.prices import (
    canonical_symbol,
    ohlc_suspicious,
    parse_price_csv,
    parse_stooq_csv,
    stooq_error_kind,
    symbol_from_stem,
)
from sizeup.errors import ImportFormatError


def _bars(body: str, **kw: object) -> pd.DataFrame:
    kw.setdefault("name", "t.csv")
    kw.setdefault("source", "test")
    return parse_price_csv(body.encode(), **kw)["bars"]


def test_raw_yahoo_keeps_raw_close_and_adj_close() -> None:
    body = (
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2021-12-30,477.93,479.0,475.67,476.86,466.21,55329000\n"
        "2021-12-31,475.64,476.86,474.67,474.96,464.36,65237400\n"
    )
    bars = _bars(body, fallback_symbol="SPY")
    assert list(bars["symbol"]) == ["SPY", "SPY"]
    last = bars.iloc[-1]
    assert last["date"] == pd.Timestamp("2021-12-31")
    assert (last["open"], last["high"], last["low"]) == (475.64, 476.86, 474.67)
    assert last["close"] == 474.96 and last["adj_close"] == 464.36
    assert last["volume"] == 65237400.0 and last["source"] == "test"


def test_adjusted_only_layouts_set_adj_close_equal_close() -> None:
    upper = "Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10.5,100\n"
    lower = "Date,close,high,low,open,volume\n2024-01-02,10.5,11,9,10,100\n"
    for body in (upper, lower):
        row = _bars(body, fallback_symbol="IWM").iloc[0]
        assert (row["open"], row["high"], row["low"], row["close"]) == (10, 11, 9, 10.5)
        assert row["adj_close"] == 10.5


def test_adj_close_first_column_order() -> None:
    body = "Date,Adj Close,Close,High,Low,Open,Volume\n1927-12-30,17.5,17.66,17.7,17.6,17.62,0\n"
    row = _bars(body, symbol="^SPX").iloc[0]
    assert row["symbol"] == "^GSPC"
    assert (row["adj_close"], row["close"], row["high"], row["low"], row["open"]) == (
        17.5,
        17.66,
        17.7,
        17.6,
        17.62,
    )


def test_yfinance_three_row_header_symbol_from_ticker_row() -> None:
    body = (
        "Price,Close,High,Low,Open,Volume\n"
        "Ticker,^RUT,^RUT,^RUT,^RUT,^RUT\n"
        "Date,,,,,\n"
        "2023-12-28,2041.64,2046.34,2032.62,2037.97,3870000000\n"
        "2023-12-29,2027.07,2045.12,2015.81,2041.58,3220000000\n"
    )
    bars = _bars(body, fallback_symbol="WRONG")
    assert set(bars["symbol"]) == {"^RUT"}
    assert bars.iloc[-1]["close"] == 2027.07 and bars.iloc[-1]["adj_close"] == 2027.07
    assert bars.iloc[-1]["open"] == 2041.58


def test_yfinance_symbol_override_and_spx_alias() -> None:
    body = "Price,Close\nTicker,^SPX\nDate,\n2023-12-29,4769.83\n"
    assert _bars(body).iloc[0]["symbol"] == "^GSPC"
    assert _bars(body, symbol="MYIDX").iloc[0]["symbol"] == "MYIDX"


def test_close_only_and_ticker_column_files() -> None:
    close = _bars("Date,Close\n2026-08-03,295.635\n", fallback_symbol="IWM").iloc[0]
    assert close["symbol"] == "IWM" and close["close"] == close["adj_close"] == 295.635
    assert np.isnan(close["open"]) and np.isnan(close["volume"])
    tick = _bars("Date,^RUT\n2023-12-29,2027.07\n", fallback_symbol="IGNORED").iloc[0]
    assert tick["symbol"] == "^RUT" and tick["close"] == 2027.07


def test_matrix_long_rows_only_for_present_cells_and_class_shares() -> None:
    body = "Date,ZZZ,BRK.B,LOW\n2000-01-04,1.5,,3\n2000-01-03,1.0,2.0,\n"
    bars = _bars(body)
    got = {(r.symbol, str(r.date.date())): r.close for r in bars.itertuples()}
    assert got == {
        ("BRK-B", "2000-01-03"): 2.0,
        ("LOW", "2000-01-04"): 3.0,
        ("ZZZ", "2000-01-03"): 1.0,
        ("ZZZ", "2000-01-04"): 1.5,
    }
    assert (bars["adj_close"] == bars["close"]).all()


_AV = (
    "ticker,timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient\n"
)


def test_alphavantage_bars_dividends_splits_and_exact_duplicates() -> None:
    rows = [
        "AAON,2001-09-28,19.0,19.5,18.5,19.2,2.1,1000,0.0000,1.0",
        "AAON,2001-10-01,19.0,21.29,17.5,19.95,2.2165,8112,0.0000,1.5",
        "AAON,2001-10-02,20.0,20.5,19.5,20.1,2.23,900,0.1200,1.0",
        "ABCB,2001-10-01,10,10,10,10,9,5,0.0000,1.0",
        "ABCB,2001-10-01,10,10,10,10,9,5,0.0000,1.0",  # the source repeats whole blocks
    ]
    frames = parse_price_csv((_AV + "\n".join(rows) + "\n").encode(), name="av", source="av")
    bars, actions = frames["bars"], frames["actions"]
    assert len(bars) == 4 and bars.attrs["duplicate_rows_dropped"] == 1
    split_day = bars[(bars.symbol == "AAON") & (bars.date == "2001-10-01")].iloc[0]
    assert split_day["close"] == 19.95 and split_day["adj_close"] == 2.2165
    got = {(r.symbol, str(r.date.date()), r.kind): r.value for r in actions.itertuples()}
    assert got == {("AAON", "2001-10-01", "split"): 1.5, ("AAON", "2001-10-02", "dividend"): 0.12}


def test_alphavantage_conflicting_duplicate_is_an_error() -> None:
    body = _AV + "A,2001-10-01,1,1,1,1,1,1,0,1\nA,2001-10-01,1,1,1,2,1,1,0,1\n"
    with pytest.raises(ImportFormatError, match=r"line 3: .*appears twice"):
        parse_price_csv(body.encode(), name="av", source="av")


def test_stooq_crlf_and_error_bodies() -> None:
    body = b"Date,Open,High,Low,Close,Volume\r\n2026-02-02,689.58,696.93,69.005,695.41,79286521\r\n"
    bars = parse_stooq_csv(body, name="stooq", symbol="spy.us")
    row = bars.iloc[0]
    assert row["symbol"] == "SPY" and row["close"] == row["adj_close"] == 695.41
    assert ohlc_suspicious(bars) == 0  # low 69.005 is below min(O,C): plausible ordering
    assert stooq_error_kind(b"No data") == "no_data"
    assert stooq_error_kind(b"Exceeded the daily hits limit") == "quota"
    assert stooq_error_kind(b"<!DOCTYPE html><html>") == "html"
    assert stooq_error_kind(body) is None
    for bad, what in (
        (b"No data", "no data"),
        (b"Exceeded the daily hits limit", "quota"),
        (b"<html><body>captcha</body></html>", "HTML"),
    ):
        with pytest.raises(ImportFormatError, match=what):
            parse_stooq_csv(bad, name="stooq", symbol="spy.us")


def test_ohlc_sanity_counts_bad_rows_without_fixing() -> None:
    body = (
        "Date,Open,High,Low,Close,Volume\n"
        "2024-01-02,10,11,9,10.5,100\n"  # fine
        "2024-01-03,10,9.5,9,10.5,100\n"  # high < close
        "2024-01-04,10,11,10.2,10.5,100\n"  # low > open
        "2024-01-05,10,11,9,-1,100\n"  # negative close
    )
    bars = _bars(body, fallback_symbol="X")
    assert ohlc_suspicious(bars) == 3
    assert bars.iloc[1]["high"] == 9.5  # kept as the file has it


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("", "empty file"),
        ("Foo,Bar\n1,2\n", r"line 1: header .*expected a first column 'Date'"),
        ("Date,Close\n2024-13-45,1\n", r"line 2: date '2024-13-45' is not a date"),
        ("Date,Close\n2024-01-02,abc\n", r"line 2: column 'close': 'abc' is not a number"),
        ("Date,Close\n2024-01-02,1\n2024-01-02,2\n", r"line 3: date 2024-01-02 appears twice"),
        ("Date,Open,High,Low,Close\n2024-01-02,1,2\n", r"line 2: expected 5 comma-separated"),
        ("Date,Close\n2024-01-02,1\n", "names no symbol"),
    ],
)
def test_malformed_bodies_name_line_and_expectation(body: str, match: str) -> None:
    fallback = None if match == "names no symbol" else "X"
    with pytest.raises(ImportFormatError, match=match):
        parse_price_csv(body.encode(), name="bad.csv", source="t", fallback_symbol=fallback)


def test_symbol_helpers() -> None:
    assert canonical_symbol("brk.b") == "BRK-B"
    assert canonical_symbol("BRK/B") == "BRK-B"
    assert canonical_symbol("^SPX") == canonical_symbol("SPX") == canonical_symbol("GSPC")
    assert canonical_symbol("^GSPC") == "^GSPC"
    assert canonical_symbol("^rut") == "^RUT"
    assert symbol_from_stem("IWM.csv") == "IWM"
    assert symbol_from_stem("IDX_RUT.csv") == "^RUT"
    assert symbol_from_stem("RUT_1987_2024_hjyssg.csv.gz") == "^RUT"
    assert symbol_from_stem("TNX_yahoo_1962_2020_ksn38.csv.gz") == "^TNX"
    assert symbol_from_stem("SPX_1927_2026_hjyssg.csv.gz") == "^GSPC"
    assert symbol_from_stem("spy.us.csv") == "SPY"
    assert symbol_from_stem("/some/dir/brk.b.csv") == "BRK-B"
