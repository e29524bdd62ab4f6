"""FRED and Ken French parsers on hand-made bodies (both FRED header generations, French quirks)."""

from __future__ import annotations

import pandas as pd
import pytest

from sizeup.data.formats.fred import parse_fred_csv
from sizeup.data.formats.french import french_vintage, parse_french_csv
from sizeup.errors import ImportFormatError


def _values(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(r.series_id, str(r.date.date())): r.value for r in frame.itertuples()}


def test_fred_legacy_header_with_dot_missing() -> None:
    body = b"DATE,DGS10\n2020-11-25,0.88\n2020-11-26,.\n2020-11-27,0.84\n"
    frame = parse_fred_csv(body, name="fred")
    assert _values(frame) == {
        ("FRED:DGS10", "2020-11-25"): 0.88,
        ("FRED:DGS10", "2020-11-27"): 0.84,
    }
    assert set(frame["vintage"]) == {""} and set(frame["source"]) == {"fred"}


def test_fred_observation_date_header_with_empty_missing() -> None:
    body = b"observation_date,DGS10\n2025-12-24,4.15\n2025-12-25,\n2025-12-26,4.14\n"
    frame = parse_fred_csv(body, name="fred", source="x")
    assert _values(frame) == {
        ("FRED:DGS10", "2025-12-24"): 4.15,
        ("FRED:DGS10", "2025-12-26"): 4.14,
    }


def test_fred_date_value_copy_needs_series_id() -> None:
    body = b"Date,Value\n2023-12-01,5.33\n"
    assert _values(parse_fred_csv(body, name="f", series_id="fedfunds")) == {
        ("FRED:FEDFUNDS", "2023-12-01"): 5.33
    }
    with pytest.raises(ImportFormatError, match="names no series"):
        parse_fred_csv(body, name="f")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"DATE,DGS10\n2020-11-25,abc\n", r"line 2: 'abc' is not a number"),
        (b"DATE,DGS10\n20201125,1\n", r"line 2: '20201125' is not a date"),
        (b"DATE,DGS10\n2020-11-25,1\n2020-11-25,2\n", r"line 3: date 2020-11-25 appears twice"),
        (b"DATE,DGS10,X\n", "expected two columns"),
        (b"when,DGS10\n", "expected the first column DATE"),
        (b"DATE,dgs 10\n", "is not a FRED series id"),
    ],
)
def test_fred_malformed(body: bytes, match: str) -> None:
    with pytest.raises(ImportFormatError, match=match):
        parse_fred_csv(body, name="fred")


_FACTORS = (
    "This file was created by CMPT_ME_BEME_RETS using the 202108 CRSP database.\r\n"
    "The 1-month TBill return is from Ibbotson and Associates, Inc.\r\n"
    "\r\n"
    ",Mkt-RF,SMB,HML,RF\r\n"
    "192607,    2.96,   -2.38,   -2.73,    0.22\r\n"
    "192608,    2.64,   -1.47,    4.14,    0.25\r\n"
    "\r\n"
    " Annual Factors: January-December \r\n"
    ",Mkt-RF,SMB,HML,RF\r\n"
    "  1927,   29.47,   -2.83,   -3.40,    3.12\r\n"
    "\r\n"
    "Copyright 2021 Kenneth R. French\r\n"
)


def test_french_monthly_and_annual_factors_in_decimal() -> None:
    frame = parse_french_csv(_FACTORS.encode("cp1252"), name="ff")
    got = _values(frame)
    assert got[("FF:SMB:M", "1926-07-31")] == pytest.approx(-0.0238)
    assert got[("FF:HML:M", "1926-08-31")] == pytest.approx(0.0414)
    assert got[("FF:MKT-RF:A", "1927-12-31")] == pytest.approx(0.2947)
    assert got[("FF:RF:A", "1927-12-31")] == pytest.approx(0.0312)
    assert len(got) == 4 * 2 + 4
    assert set(frame["vintage"]) == {"202108"}


def test_french_vintage_line_variants_and_fallback() -> None:
    assert french_vintage(b"This file was created using the 202604 CRSP database.\r\n") == "202604"
    assert french_vintage(b"This file was created by using the 202604 CRSP database.  It\n") == (
        "202604"
    )
    headless = b",Mkt-RF,SMB,HML,RF\n192607,    2.89,  -2.55,  -2.39,   0.22\n"
    assert french_vintage(headless) == ""
    assert set(parse_french_csv(headless, name="ff")["vintage"]) == {""}
    assert set(parse_french_csv(headless, name="ff", vintage="202511")["vintage"]) == {"202511"}
    stated = _FACTORS.encode()
    assert set(parse_french_csv(stated, name="ff", vintage="199901")["vintage"]) == {"202108"}


def test_french_daily_both_date_forms_missing_markers_and_momentum() -> None:
    compact = (
        b"The Tbill return is the simple daily rate\n\n"
        b",Mkt-RF,SMB,HML,RF\n"
        b"19260701,    0.10,   -0.25,   -0.27,   0.009\n"
        b"19260702,    0.45,  -99.99,   -0.06,   0.009\n"
        b"20240927,   -0.08,    0.44,    0.55,\n"
    )
    got = _values(parse_french_csv(compact, name="d"))
    assert got[("FF:RF:D", "1926-07-01")] == pytest.approx(0.00009)
    assert ("FF:SMB:D", "1926-07-02") not in got  # -99.99 = missing
    assert ("FF:RF:D", "2024-09-27") not in got  # empty cell = missing
    iso = (
        b"Missing data are indicated by -99.99 or -999.\n\n"
        b"Date,Mom\n2026-04-30,-999\n2026-04-29,1.5\n"
    )
    got = _values(parse_french_csv(iso, name="m"))
    assert got == {("FF:MOM:D", "2026-04-29"): pytest.approx(0.015)}


def test_french_size_portfolios_titles_labels_and_units() -> None:
    cols = ",<= 0,Lo 30,Med 40,Hi 30,Lo 20,Qnt 2,Qnt 3,Qnt 4,Hi 20,Lo 10,Dec 2,Dec 3,Dec 4,"
    cols += "Dec 5,Dec 6,Dec 7,Dec 8,Dec 9,Hi 10"
    vals = ",".join(f"{v:.2f}" for v in range(1, 19))
    body = "\n".join(
        [
            "  Value Weight Returns -- Monthly",
            cols,
            f"192607,  -99.99,{vals}",
            "",
            "",
            "  Equal Weight Returns -- Annual from January to December",
            cols,
            f"  1927,  -99.99,{vals}",
            "",
            "  Number of Firms in Portfolios",
            cols,
            f"192607,       0,{vals}",
            "",
            "  Average Firm Size",
            cols,
            f"192607,  -99.99,{vals}",
        ]
    )
    got = _values(parse_french_csv(body.encode(), name="me"))
    assert ("FF:ME_VW_M:LE0", "1926-07-31") not in got
    assert got[("FF:ME_VW_M:LO30", "1926-07-31")] == pytest.approx(0.01)
    assert got[("FF:ME_VW_M:QNT1", "1926-07-31")] == pytest.approx(0.04)  # Lo 20
    assert got[("FF:ME_VW_M:QNT5", "1926-07-31")] == pytest.approx(0.08)  # Hi 20
    assert got[("FF:ME_VW_M:DEC01", "1926-07-31")] == pytest.approx(0.09)  # Lo 10
    assert got[("FF:ME_VW_M:DEC02", "1926-07-31")] == pytest.approx(0.10)
    assert got[("FF:ME_VW_M:DEC10", "1926-07-31")] == pytest.approx(0.18)  # Hi 10
    assert got[("FF:ME_EW_A:MED40", "1927-12-31")] == pytest.approx(0.02)
    assert got[("FF:ME_NFIRMS_M:LE0", "1926-07-31")] == 0.0
    assert got[("FF:ME_NFIRMS_M:DEC10", "1926-07-31")] == 18.0  # counts, not percent
    assert got[("FF:ME_AVGSIZE_M:HI30", "1926-07-31")] == 3.0  # $ millions, not percent


def test_french_excel_mangled_decile_headers_untitled_table_is_vw() -> None:
    body = b",<= 0,Lo 10,2-Dec,9-Dec,Hi 10\n192607,  -99.99,   -0.62,    0.57,    3.53,    3.67\n"
    got = _values(parse_french_csv(body, name="me"))
    assert got == {
        ("FF:ME_VW_M:DEC01", "1926-07-31"): pytest.approx(-0.0062),
        ("FF:ME_VW_M:DEC02", "1926-07-31"): pytest.approx(0.0057),
        ("FF:ME_VW_M:DEC09", "1926-07-31"): pytest.approx(0.0353),
        ("FF:ME_VW_M:DEC10", "1926-07-31"): pytest.approx(0.0367),
    }


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"just text\nno table here\n", "no table found"),
        (b",Mkt-RF,SMB\n192607,1.0\n", r"line 2: expected 3 fields"),
        (b",Mkt-RF,SMB\n192607,1.0,x\n", r"line 2: column 'SMB': 'x' is not a number"),
        (b",Foo,Bar\n192607,1.0,2.0\n", r"line 1: unsupported columns \['Foo', 'Bar'\]"),
        (b",Mkt-RF\n192607,1\n1926071,2\n", r"line 3: '1926071' is not a date like the rows above"),
        (b",Mkt-RF\n192613,1\n", r"line 2: '192613' is not a valid date"),
    ],
)
def test_french_malformed(body: bytes, match: str) -> None:
    with pytest.raises(ImportFormatError, match=match):
        parse_french_csv(body, name="ff")


def test_five_factor_smb_has_its_own_id() -> None:
    # made-up numbers; the five-factor SMB (three 2x3 sorts) must not overwrite FF:SMB
    five = b",Mkt-RF,SMB,HML,RMW,CMA,RF\n196307,-0.39,-0.48,-0.81,0.64,-1.15,0.27\n"
    ids = set(parse_french_csv(five, name="ff5.csv")["series_id"])
    assert ids == {"FF:MKT-RF:M", "FF:SMB5:M", "FF:HML:M", "FF:RMW:M", "FF:CMA:M", "FF:RF:M"}
    three = b",Mkt-RF,SMB,HML,RF\n196307,-0.39,-0.46,-0.81,0.27\n"
    assert "FF:SMB:M" in set(parse_french_csv(three, name="ff3.csv")["series_id"])
