"""iShares holdings parser and content sniffing on hand-made bodies."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from sizeup.data.formats.detect import decompress, detect_format
from sizeup.data.formats.ishares import parse_holdings_csv
from sizeup.errors import ImportFormatError

_HEADER = (
    "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,"
    "Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)


def _row(t: str, n: str, ac: str, mv: str, w: str, q: str, p: str) -> str:
    cells = [t, n, "Industrials", ac, mv, w, mv, q, p, "United States", "NYSE", "USD", "1.00"]
    cells += ["USD", "-"]
    return ",".join(f'"{c}"' for c in cells)


def _current(rows: list[str], shares_word: str = "Quantity") -> bytes:
    text = "\n".join(
        [
            "\ufeffiShares Russell 2000 ETF",
            'Fund Holdings as of,"May 05, 2026"',
            'Inception Date,"May 22, 2000"',
            'Shares Outstanding,"278,750,000.00"',
            'Stock,"-"',
            "\u00a0",
            _HEADER.replace("Quantity", shares_word),
            *rows,
            "\u00a0",
            '"The content contained herein is owned or licensed by BlackRock',
            'Holdings subject to change."',
        ]
    )
    return text.encode("utf-8")


def test_current_layout_all_quirks() -> None:
    rows = [
        _row(
            "BE",
            "BLOOM ENERGY CLASS A CORP",
            "Equity",
            "1,532,594,919.50",
            "1.93",
            "5,190,838.00",
            "295.25",
        ),
        _row("BRK.B", "BERKSHIRE B", "Equity", "10.00", "0.50", "1.00", "10.00"),
        _row("-", "OMNIAB INC $12.50 VESTING Prvt", "Equity", "1.31", "0.00", "130,676.00", "0.00"),
        _row("-", "OMNIAB INC $15.00 VESTING Prvt", "Equity", "1.31", "0.00", "130,676.00", "0.00"),
        _row(
            "ADRO", "CHINOOK THERAPEUTICS INC", "Equity", "223,817.75", "0.00", "1,316,575.00", "-"
        ),
        _row(
            "ADRO",
            "CHINOOK THERAPEUTICS INC CVR",
            "Equity",
            "138,892.89",
            "0.00",
            "272,339.00",
            "0.00",
        ),
        _row(
            "RTYM6",
            "RUSSELL 2000 EMINI CME JUN 26",
            "Futures",
            "0.00",
            "0.00",
            "1,998.00",
            "2,852.90",
        ),
        _row("USD", "USD CASH", "Cash", "-", "0.10", "-", "100.00"),
    ]
    frame = parse_holdings_csv(_current(rows), name="iwm.csv")
    assert set(frame["fund"]) == {"IWM"}
    assert set(frame["as_of"]) == {pd.Timestamp("2026-05-05")}
    by = frame.set_index("symbol")
    assert len(frame) == 8
    be = by.loc["BE"]
    assert be["weight"] == pytest.approx(0.0193) and be["shares"] == 5190838.0
    assert be["market_value"] == 1532594919.50 and be["price"] == 295.25
    assert "BRK-B" in by.index
    assert "-:OMNIAB INC $12.50 VESTING Prvt" in by.index
    assert "-:OMNIAB INC $15.00 VESTING Prvt" in by.index
    assert "ADRO:CHINOOK THERAPEUTICS INC CVR" in by.index
    assert pd.isna(by.loc["ADRO", "price"])  # "-" = missing
    assert by.loc["RTYM6", "asset_class"] == "Futures"
    assert pd.isna(by.loc["USD", "market_value"])
    assert frame.loc[frame.asset_class == "Equity", "weight"].sum() == pytest.approx(0.0243)


def test_shares_header_and_overrides() -> None:
    rows = [_row("AAA", "A CO", "Equity", "1.00", "1.00", "1.00", "1.00")]
    frame = parse_holdings_csv(
        _current(rows, "Shares"), name="x", fund="IWMX", as_of="2026-01-02", source="s"
    )
    assert frame.iloc[0][["fund", "as_of", "source"]].tolist() == [
        "IWMX",
        pd.Timestamp("2026-01-02"),
        "s",
    ]


def test_old_layout_aggregates_repeated_ticker_and_requires_as_of() -> None:
    header = (
        "\ufeffTicker,Name,Type,Sector,Asset Class,Market Value,Weight (%),Notional Value,"
        "Shares,CUSIP,ISIN,SEDOL,Price,Location,Exchange,Currency,FX Rate,Market Currency,"
        "Accrual Date"
    )

    def old(t: str, typ: str, mv: str, w: str, sh: str) -> str:
        cells = [
            t,
            "MACYS INC",
            typ,
            "Consumer Discretionary",
            "Equity",
            mv,
            w,
            mv,
            sh,
            "55616P104",
            "US55616P1049",
            "2345022",
            "16.95",
            "United States",
            "NYSE",
            "USD",
            "1.00",
            "USD",
            "-",
        ]
        return ",".join(f'"{c}"' for c in cells)

    body = "\n".join(
        [
            header,
            old("M", "Equity", "325,787,136.00", "0.46", "19,220,480.00"),
            old("M", "Swap", "26,522,783.70", "0.04", "1,564,766.00"),
            "\u00a0",
            '"footer"',
        ]
    ).encode()
    with pytest.raises(ImportFormatError, match="no 'Fund Holdings as of' line"):
        parse_holdings_csv(body, name="ijr.csv", fallback_fund="IJR")
    with pytest.raises(ImportFormatError, match="cannot tell the fund"):
        parse_holdings_csv(body, name="ijr.csv", as_of="2021-03-12")
    frame = parse_holdings_csv(body, name="ijr.csv", as_of="2021-03-12", fallback_fund="IJR")
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["fund"] == "IJR" and row["symbol"] == "M"
    assert row["weight"] == pytest.approx(0.0050)
    assert row["shares"] == 19220480.0 + 1564766.0
    assert row["market_value"] == pytest.approx(325787136.00 + 26522783.70)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"hello\nworld\n", "no holdings header"),
        (b"Ticker,Name\n", r"header lacks \['asset class'"),
        (
            (_HEADER + '\n"A","B"\n').encode(),
            r"line 2: expected 15 fields",
        ),
        (_current([_row("A", "B", "Equity", "x1", "1", "1", "1")]), "'x1' is not a number"),
    ],
)
def test_holdings_malformed(body: bytes, match: str) -> None:
    with pytest.raises(ImportFormatError, match=match):
        parse_holdings_csv(body, name="h.csv", fund="F", as_of="2026-01-01")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,1,1,1,1,1,1\n", "yahoo_csv"),
        (b"Date,close,high,low,open,volume\n", "yahoo_csv"),
        (b"Date,Open,High,Low,Close,Volume\r\n2026-01-02,1,1,1,1,1\r\n", "stooq_csv"),
        (b"Date,Open,High,Low,Close,Volume\n2026-01-02,1,1,1,1,1\n", "yahoo_csv"),
        (b"Exceeded the daily hits limit", "stooq_error"),
        (b"Price,Close\nTicker,^RUT\nDate,\n", "yfinance_csv"),
        (b"Date,Close\n2020-01-02,1\n", "close_csv"),
        (b"Date,^RUT\n2020-01-02,1\n", "close_csv"),
        (b"Date,AAA,BBB,LOW\n2020-01-02,1,2,3\n", "matrix_csv"),
        (
            b"ticker,timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,"
            b"split_coefficient\n",
            "alphavantage_csv",
        ),
        (b"DATE,DGS10\n2020-11-26,.\n", "fred_csv"),
        (b"observation_date,DGS2\n", "fred_csv"),
        (b"Date,Value\n1962-01-02,4.06\n", "fred_csv"),
        (b"This file was created using the 202604 CRSP database.\r\n", "french_csv"),
        (b",Mkt-RF,SMB,HML,RMW,CMA,RF\n196307,1,1,1,1,1,1\n", "french5_csv"),
        (b"Date,Mkt-RF,SMB,HML,RF\n2026-04-30,1,1,1,1\n", "french_csv"),
        (b",<= 0,Lo 30,Med 40,Hi 30,Lo 20,2-Dec\n", "french_csv"),
        (
            b'\xef\xbb\xbfiShares Russell 2000 ETF\nFund Holdings as of,"May 05, 2026"\n',
            "ishares_csv",
        ),
        (b"Ticker,Name,Type,Sector,Asset Class,Market Value,Weight (%)\n", "ishares_csv"),
        (b"Symbol,Security,GICS Sector,CIK\n", "constituents_csv"),
        (
            b'{"0": {"cik_str": 789019, "ticker": "MSFT", "title": "MICROSOFT"}}',
            "sec_company_tickers_json",
        ),
        (b'{"cik": 1, "entityName": "X", "facts": {}}', "sec_companyfacts_json"),
        (b'Ticker;SimFinId;Currency;"Fiscal Year";Revenue\n', "simfin_income_csv"),
        (b'Ticker;SimFinId;Currency;"Total Assets"\n', "simfin_balance_csv"),
        (b"Date,DayOfWeek,Holiday\n1990-01-01,MON,New Year\n", "holiday_calendar_csv"),
        (b"# Title\n\ntext\n", "markdown_text"),
        (b'[\n {\n  "dest": "x.csv",\n  "repo": "a/b"\n }\n]', "provenance_json"),
        (b"", "unknown"),
        (b"\x00\x01\x02 binary", "unknown"),
        (b"col1;col2\n1;2\n", "unknown"),
    ],
)
def test_detect_format_from_content(head: bytes, expected: str) -> None:
    assert detect_format(head) == expected


def test_decompress_by_magic_not_name() -> None:
    raw = b"Date,Close\n2020-01-02,1\n"
    assert decompress(gzip.compress(raw), name="x.csv") == raw
    assert decompress(raw, name="x.csv.gz") == raw
    with pytest.raises(ImportFormatError, match="corrupt gzip"):
        decompress(gzip.compress(raw)[:12], name="x.gz")
