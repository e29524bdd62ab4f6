"""SimFin bulk CSV parser: hand-made samples, the real files, fuzzing."""

from __future__ import annotations

import contextlib
import gzip
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.data.formats.simfin import looks_like_simfin, parse_simfin_csv
from sizeup.data.schema import FUNDAMENTALS, validate
from sizeup.errors import ImportFormatError

HEADER = (
    'Ticker;SimFinId;Currency;"Fiscal Year";"Fiscal Period";"Report Date";"Publish Date";'
    '"Restated Date";"Shares (Diluted)";Revenue;"Net Income"\n'
)
ROWS = (
    "ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01;2021-03-01;1000;500;-20\n"
    "zzz;1;USD;2021;FY;2021-06-30;2021-09-01;2021-09-01;1100;;30\n"
)


def test_income_sample() -> None:
    body = (HEADER + ROWS).encode()
    assert looks_like_simfin(body)
    out = parse_simfin_csv(body, name="inc.csv")
    validate(out, FUNDAMENTALS)
    assert len(out) == 5  # 6 cells, one empty
    ni = out[out["concept"] == "simfin:Net Income"].sort_values("period_end")
    assert ni["value"].tolist() == [-20.0, 30.0]
    assert (ni["symbol"] == "ZZZ").all() and (ni["source"] == "simfin").all()
    # FY ending at a month end: start is the day after the month end 12 months earlier
    assert ni["period_start"].tolist() == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-07-01")]
    assert ni["filed"].tolist() == [pd.Timestamp("2021-03-01"), pd.Timestamp("2021-09-01")]
    sh = out[out["concept"] == "simfin:Shares (Diluted)"]
    assert set(sh["unit"]) == {"shares"}
    assert set(out.loc[out["concept"] == "simfin:Revenue", "unit"]) == {"USD"}


def test_balance_sheet_is_instant_and_gzip() -> None:
    head = HEADER.replace('"Net Income"', '"Total Equity"').replace(";FY;", ";Q4;")
    body = gzip.compress((head + ROWS.replace(";FY;", ";Q4;")).encode())
    assert looks_like_simfin(body[:200])
    out = parse_simfin_csv(body, name="bal.csv.gz")
    assert out["period_start"].isna().all()


@pytest.mark.parametrize(
    ("body", "line", "needle"),
    [
        ("", 1, "empty file"),
        ("a;b\n1;2\n", 1, "lacks column"),
        (HEADER + "ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01\n", 2, "fields"),
        (HEADER + "ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01;x;1;2;abc\n", 2, "Net Income"),
        (HEADER + "ZZZ;1;USD;2020;FY;2020-02-30;2021-03-01;x;1;2;3\n", 2, "Report Date"),
        (HEADER + "ZZZ;1;USD;2020;Q7;2020-12-31;2021-03-01;x;1;2;3\n", 2, "Fiscal Period"),
        (HEADER + ROWS + ROWS.splitlines()[0] + "\n", 4, "second row"),
    ],
)
def test_errors_name_line(body: str, line: int, needle: str) -> None:
    with pytest.raises(ImportFormatError, match=needle) as info:
        parse_simfin_csv(body.encode(), name="f.csv")
    assert info.value.line == line
    assert "f.csv" in str(info.value)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                [
                    "ZZZ",
                    "",
                    "2020",
                    "FY",
                    "Q1",
                    "2020-12-31",
                    "2021-02-29",
                    "1e3",
                    "nan",
                    "inf",
                    "-5",
                    '"',
                    "x;y",
                    "\x00",
                ]
            )
            | st.text(max_size=6),
            min_size=0,
            max_size=12,
        ),
        max_size=5,
    )
)
def test_fuzz_rows(rows: list[list[str]]) -> None:
    body = HEADER + "\n".join(";".join(r) for r in rows)
    try:
        out = parse_simfin_csv(body.encode(), name="fuzz.csv")
    except ImportFormatError:
        return
    validate(out, FUNDAMENTALS)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_bytes(data: bytes) -> None:
    looks_like_simfin(data)
    with contextlib.suppress(ImportFormatError):
        parse_simfin_csv(data, name="fuzz.bin")


@pytest.mark.shared_data
@pytest.mark.slow
def test_real_income_file(shared_data: Path) -> None:
    path = shared_data / "fundamentals/simfin_us-income-annual.csv.gz"
    out = parse_simfin_csv(path.read_bytes(), name=path.name)
    # MANIFEST §5 spot check: AAON FY2021 revenue 534.5 M (matches the 10-K)
    rev = out[
        (out["symbol"] == "AAON")
        & (out["concept"] == "simfin:Revenue")
        & (out["fiscal_year"] == 2021)
    ]
    assert rev["value"].iloc[0] == pytest.approx(534.5e6, rel=1e-3)
    assert out["symbol"].nunique() > 2500
