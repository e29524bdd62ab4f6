"""Shares outstanding from holdings preambles and the iShares fund history, on hand-made files.

The fund-history files below are written by hand in the layout public readers of the iShares
"data download" describe (an Excel 2003 XML workbook whose ``Historical`` sheet has As Of, NAV
per Share, Ex-Dividends, Shares Outstanding); no live response has been seen.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sizeup.data.formats.detect import detect_format
from sizeup.data.formats.ishares import (
    parse_holdings_file,
    parse_holdings_preamble,
)
from sizeup.data.formats.ishares_history import parse_fund_history
from sizeup.data.ingest import import_paths, read_file
from sizeup.data.store import Store
from sizeup.errors import ImportFormatError

_HEADER = (
    "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,"
    "Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)
_ROW = (
    '"AAA","ALPHA CORP","Industrials","Equity","1,000.00","60.00","1,000.00","10.00","100.00",'
    '"United States","NYSE","USD","1.00","USD","-"'
)


def holdings_csv(day: str, shares: str) -> bytes:
    lines = [
        "\ufeffiShares Russell 2000 ETF",
        f'Fund Holdings as of,"{day}"',
        'Inception Date,"May 22, 2000"',
        f'Shares Outstanding,"{shares}"',
        'Stock,"-"',
        "\u00a0",
        _HEADER,
        _ROW,
        "\u00a0",
        '"The content contained herein is owned or licensed by BlackRock"',
        "Holdings subject to change.",
    ]
    return "\n".join(lines).encode("utf-8")


def _cell(value: str, kind: str = "String", index: int | None = None) -> str:
    at = f' ss:Index="{index}"' if index else ""
    return f'<ss:Cell{at}><ss:Data ss:Type="{kind}">{value}</ss:Data></ss:Cell>'


def workbook(rows: list[list[str]], *, sheet: str = "Historical", name: str = "") -> bytes:
    """An Excel 2003 XML workbook with a Holdings sheet (fund name) and a history sheet."""
    body = "".join("<ss:Row>" + "".join(_cell(c) for c in r) + "</ss:Row>" for r in rows)
    return (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<ss:Workbook xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
        '<ss:Worksheet ss:Name="Holdings"><ss:Table>'
        f"<ss:Row>{_cell(name)}</ss:Row>"
        "</ss:Table></ss:Worksheet>\n"
        f'<ss:Worksheet ss:Name="{sheet}"><ss:Table>{body}</ss:Table></ss:Worksheet>\n'
        '<ss:Worksheet ss:Name="Performance"><ss:Table>'
        f"<ss:Row>{_cell('NAV')}{_cell('100')}</ss:Row>"
        "</ss:Table></ss:Worksheet>\n</ss:Workbook>\n"
    ).encode()


_HEAD = ["As Of", "NAV per Share", "Ex-Dividends", "Shares Outstanding"]
_ROWS = [
    _HEAD,
    ["Jan 07, 2026", "201.50", "--", "281,450,000"],
    ["Jan 06, 2026", "200.00", "0.55", "281,300,000.00"],
    ["Jan 05, 2026", "--", "--", "281,000,000"],
]


def test_holdings_preamble_gives_shares_and_date() -> None:
    pre = parse_holdings_preamble(holdings_csv("Nov 05, 2025", "281,300,000.00"), name="h.csv")
    assert pre.fund_name == "iShares Russell 2000 ETF"
    assert pre.as_of == pd.Timestamp("2025-11-05")
    assert pre.shares_outstanding == 281_300_000.0


def test_holdings_file_adds_one_shares_row() -> None:
    frames = parse_holdings_file(holdings_csv("Nov 05, 2025", "281,300,000.00"), name="h.csv")
    assert list(frames["holdings"]["symbol"]) == ["AAA"]
    series = frames["series"]
    assert series[["series_id", "value", "source"]].values.tolist() == [
        ["IWM.shares_outstanding", 281_300_000.0, "ishares"]
    ]
    assert pd.Timestamp(series["date"].iloc[0]) == pd.Timestamp("2025-11-05")


def test_holdings_without_shares_line_has_no_series() -> None:
    body = holdings_csv("Nov 05, 2025", "-")
    assert "series" not in parse_holdings_file(body, name="h.csv")


def test_holdings_bad_shares_is_an_error() -> None:
    with pytest.raises(ImportFormatError, match=r"line 4: 'Shares Outstanding' 'abc'"):
        parse_holdings_preamble(holdings_csv("Nov 05, 2025", "abc"), name="h.csv")


def test_real_fixture_preamble(shared_fixtures: Path) -> None:
    path = shared_fixtures / "ishares" / "IWM_holdings_2025-11-05_head16.csv"
    parsed = read_file(path)
    series = parsed.frames["series"]
    assert series["series_id"].tolist() == ["IWM.shares_outstanding"]
    # the preamble line of that file reads "Shares Outstanding","281,300,000.00"
    assert series["value"].tolist() == [281_300_000.0]
    assert pd.Timestamp(series["date"].iloc[0]) == pd.Timestamp("2025-11-05")


def test_workbook_history_parsed_and_sorted() -> None:
    body = workbook(_ROWS, name="iShares Russell 2000 ETF")
    assert detect_format(body) == "ishares_fund_xml"
    frame = parse_fund_history(body, name="dl.xls")
    wide = frame.pivot(index="date", columns="series_id", values="value")
    assert list(wide.index) == [pd.Timestamp(d) for d in ("2026-01-05", "2026-01-06", "2026-01-07")]
    assert wide["IWM.shares_outstanding"].tolist() == [281_000_000.0, 281_300_000.0, 281_450_000.0]
    assert wide["IWM.nav"].iloc[1:].tolist() == [200.0, 201.5]
    assert pd.isna(wide["IWM.nav"].iloc[0])  # "--" is missing: no row written
    assert set(frame["source"]) == {"ishares"}


def test_workbook_cells_with_index_and_entities() -> None:
    row = (
        "<ss:Row>"
        + _cell("Jan 08, 2026")
        + _cell("202", "Number")
        + _cell("282000000", "Number", index=4)  # Ex-Dividends cell left out
        + "</ss:Row>"
    )
    body = workbook([_HEAD], name="iShares Core S&amp;P Small-Cap ETF").replace(
        b'</ss:Table></ss:Worksheet>\n<ss:Worksheet ss:Name="Performance"',
        row.encode() + b'</ss:Table></ss:Worksheet>\n<ss:Worksheet ss:Name="Performance"',
    )
    frame = parse_fund_history(body, name="dl.xls")
    assert sorted(frame["series_id"]) == ["IJR.nav", "IJR.shares_outstanding"]
    assert frame.set_index("series_id")["value"].to_dict() == {
        "IJR.nav": 202.0,
        "IJR.shares_outstanding": 282_000_000.0,
    }


def test_csv_history() -> None:
    text = "As Of,NAV per Share,Ex-Dividends,Shares Outstanding\n" + "\n".join(
        ",".join(f'"{c}"' for c in r) for r in _ROWS[1:]
    )
    assert detect_format(text.encode()) == "ishares_history_csv"
    frame = parse_fund_history(text.encode(), name="IWM_history.csv", fallback_fund="IWM")
    assert len(frame) == 5  # three shares rows, two NAV rows


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ([_HEAD, ["", "200", "--", "1,000"]], "row 2: no 'As Of' date"),
        ([_HEAD, ["Jan 32, 2026", "200", "--", "1,000"]], "'Jan 32, 2026' is not a date"),
        ([_HEAD, ["Jan 05, 2026", "abc", "--", "1,000"]], "NAV per Share.*'abc'"),
        ([_HEAD, ["Jan 05, 2026", "200", "--", "-5"]], "Shares Outstanding.*'-5'"),
        ([_HEAD], "header but no rows"),
        ([["As Of", "NAV per Share"], ["Jan 05, 2026", "1"]], "lacks 'As Of' or 'Shares"),
        (
            [_HEAD, ["Jan 05, 2026", "200", "--", "1,000"], ["Jan 05, 2026", "201", "--", "1,000"]],
            "2026-01-05 appears twice",
        ),
    ],
)
def test_bad_histories(rows: list[list[str]], match: str) -> None:
    with pytest.raises(ImportFormatError, match=match):
        parse_fund_history(workbook(rows), name="x.xls", fund="IWM")


def test_no_history_sheet_and_no_fund() -> None:
    with pytest.raises(ImportFormatError, match="no 'Historical' worksheet"):
        parse_fund_history(workbook(_ROWS, sheet="Other"), name="x.xls", fund="IWM")
    with pytest.raises(ImportFormatError, match="cannot tell the fund"):
        parse_fund_history(workbook(_ROWS), name="x.xls")


def test_import_writes_series_and_bad_file_writes_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    good = tmp_path / "in" / "IWM_fund.xls"
    good.parent.mkdir()
    good.write_bytes(workbook(_ROWS))
    snap = tmp_path / "in" / "IWM_holdings_2026-01-08.csv"
    snap.write_bytes(holdings_csv("Jan 08, 2026", "282,000,000.00"))
    report = import_paths([good.parent], store, workers=1)
    assert report.failed == 0, report.to_frame()["message"].tolist()
    wide = store.series(["IWM.shares_outstanding", "IWM.nav"])
    assert wide["IWM.shares_outstanding"].dropna().tolist() == [
        281_000_000.0,
        281_300_000.0,
        281_450_000.0,
        282_000_000.0,
    ]
    assert wide["IWM.nav"].dropna().tolist() == [200.0, 201.5]

    version = store.refresh().version
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "IWM_fund.xls").write_bytes(workbook([*_ROWS, ["Jan 09, 2026", "199", "--", "2x"]]))
    (bad / "IWM_history.csv").write_bytes(
        b'As Of,NAV per Share,Shares Outstanding\n"Jan 09, 2026",199,282000000\n,200,1\n'
    )
    report = import_paths([bad], store, workers=1)
    assert report.failed == 2
    messages = report.to_frame()["message"].tolist()
    bad_number = "row 5: column 'Shares Outstanding': '2x' is not a positive"
    assert any(bad_number in m for m in messages), messages
    assert any("line 3: no 'As Of' date" in m for m in messages), messages
    assert store.refresh().version == version
