"""SEC parsers on the real fixtures (../shared/fixtures/sec) and under fuzzing."""

from __future__ import annotations

import contextlib
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.data.formats.sec import (
    looks_like_company_tickers,
    looks_like_companyfacts,
    parse_company_tickers,
    parse_companyfacts,
)
from sizeup.data.schema import FUNDAMENTALS, SYMBOLS, validate
from sizeup.errors import ImportFormatError

AAPL = "sec/companyfacts_CIK0000320193_AAPL_trimmed.json"
NVDA = "sec/companyfacts_CIK0001045810_NVDA_trimmed.json"
TICKERS = "sec/company_tickers_2024-05_trimmed.json"


def _rows(frame: pd.DataFrame, concept: str, start: str | None, end: str) -> pd.DataFrame:
    sel = (frame["concept"] == concept) & (frame["period_end"] == pd.Timestamp(end))
    sel &= (
        frame["period_start"].isna()
        if start is None
        else (frame["period_start"] == pd.Timestamp(start))
    )
    return frame[sel].sort_values("filed")


@pytest.mark.shared_data
def test_company_tickers_fixture(shared_fixtures: Path) -> None:
    data = (shared_fixtures / TICKERS).read_bytes()
    assert looks_like_company_tickers(data[:500])
    assert not looks_like_companyfacts(data[:500])
    out = parse_company_tickers(data, name=TICKERS)
    validate(out, SYMBOLS)
    assert len(out) == 15  # the trimmed file keeps the first 10 and last 5 entries
    row = out.set_index("symbol").loc["NVDA"]
    assert row["cik"] == 1045810  # "2":{"cik_str":1045810,"ticker":"NVDA","title":"NVIDIA CORP"}
    assert row["name"] == "NVIDIA CORP"
    assert (out["source"] == "sec").all()
    assert "BRK-B" in set(out["symbol"])


@pytest.mark.shared_data
def test_companyfacts_aapl_values(shared_fixtures: Path) -> None:
    data = (shared_fixtures / AAPL).read_bytes()
    assert looks_like_companyfacts(data[:300])
    out = parse_companyfacts(data, name=AAPL, tickers={320193: "AAPL"})
    validate(out, FUNDAMENTALS)
    assert (out["symbol"] == "AAPL").all() and (out["cik"] == 320193).all()
    # us-gaap:NetIncomeLoss FY2024 10-K: start 2023-10-01 end 2024-09-28 val 93736000000
    ni = _rows(out, "us-gaap:NetIncomeLoss", "2023-10-01", "2024-09-28")
    assert ni["value"].tolist() == [93_736_000_000.0]
    assert ni["form"].tolist() == ["10-K"] and ni["fiscal_period"].tolist() == ["FY"]
    assert ni["filed"].tolist() == [pd.Timestamp("2024-11-01")]
    # restatement kept as two rows: FY2007 net income 3,496M (10-K 2009-10-27),
    # 3,495M (10-K/A 2010-01-25)
    old = _rows(out, "us-gaap:NetIncomeLoss", "2006-10-01", "2007-09-29")
    assert old["value"].tolist() == [3_496_000_000.0, 3_495_000_000.0]
    assert old["form"].tolist() == ["10-K", "10-K/A"]
    # instant: dei:EntityCommonStockSharesOutstanding end 2024-10-18 val 15115823000 (shares)
    sh = _rows(out, "dei:EntityCommonStockSharesOutstanding", None, "2024-10-18")
    assert sh["value"].tolist() == [15_115_823_000.0]
    assert sh["unit"].tolist() == ["shares"]


@pytest.mark.shared_data
def test_companyfacts_unknown_cik_symbol_and_gzip(shared_fixtures: Path) -> None:
    data = (shared_fixtures / NVDA).read_bytes()
    plain = parse_companyfacts(data, name=NVDA)
    assert set(plain["symbol"]) == {"CIK0001045810"}
    zipped = parse_companyfacts(gzip.compress(data), name=NVDA)
    pd.testing.assert_frame_equal(plain, zipped)
    assert looks_like_companyfacts(gzip.compress(data)[:400])
    # us-gaap:InterestExpenseNonoperating start 2024-07-29 end 2024-10-27 val 61000000
    ie = _rows(plain, "us-gaap:InterestExpenseNonoperating", "2024-07-29", "2024-10-27")
    assert ie["value"].tolist() == [61_000_000.0]


@pytest.mark.shared_data
def test_net_sample_gzip(shared_data: Path) -> None:
    path = shared_data / "fundamentals/sec_companyfacts_sample_NET_CIK0001477333.json.gz"
    out = parse_companyfacts(path.read_bytes(), name=path.name, tickers={1477333: "NET"})
    validate(out, FUNDAMENTALS)
    assert (out["symbol"] == "NET").all()
    assert out["concept"].str.startswith(("us-gaap:", "dei:")).all()


def _doc(facts: object) -> bytes:
    return json.dumps({"cik": 1, "entityName": "X", "facts": facts}).encode()


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"", "invalid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "expected a companyfacts object"),
        (
            _doc(
                {
                    "us-gaap": {
                        "T": {
                            "units": {
                                "USD": [{"end": "2020-13-01", "val": 1, "filed": "2021-01-01"}]
                            }
                        }
                    }
                }
            ),
            "calendar date",
        ),
        (
            _doc(
                {
                    "us-gaap": {
                        "T": {
                            "units": {
                                "USD": [{"end": "2020-01-01", "val": "x", "filed": "2021-01-01"}]
                            }
                        }
                    }
                }
            ),
            "'val'",
        ),
        (
            _doc({"us-gaap": {"T": {"units": {"USD": [{"end": "2020-01-01", "val": 1}]}}}}),
            "'filed'",
        ),
        (_doc({"us-gaap": {"T": {"nounits": 1}}}), "units"),
        (json.dumps({"cik": "abc", "facts": {}}).encode(), "CIK"),
    ],
)
def test_companyfacts_errors(body: bytes, needle: str) -> None:
    with pytest.raises(ImportFormatError, match=needle) as info:
        parse_companyfacts(body, name="bad.json")
    assert "bad.json" in str(info.value)


def test_companyfacts_empty_facts() -> None:
    out = parse_companyfacts(_doc({}), name="e.json")
    assert out.empty and list(out.columns) == FUNDAMENTALS.column_names


def test_company_tickers_errors_and_columnar() -> None:
    with pytest.raises(ImportFormatError, match="cik_str"):
        parse_company_tickers(b'{"0": {"ticker": "A"}}', name="t.json")
    with pytest.raises(ImportFormatError, match="CIK"):
        parse_company_tickers(b'{"0": {"cik_str": -4, "ticker": "A"}}', name="t.json")
    body = json.dumps(
        {
            "fields": ["cik", "name", "ticker", "exchange"],
            "data": [[320193, "Apple Inc.", "AAPL", "Nasdaq"], [1, "Dup", "aapl", "NYSE"]],
        }
    ).encode()
    assert looks_like_company_tickers(body)
    out = parse_company_tickers(body, name="x.json")
    assert out[["symbol", "cik", "exchange"]].values.tolist() == [["AAPL", 320193, "Nasdaq"]]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
fact = st.fixed_dictionaries(
    {},
    optional={
        "start": st.sampled_from(["2020-01-01", "2020-02-30", "x", None]) | json_values,
        "end": st.sampled_from(["2020-03-31", "1800-01-01", "2020-3-31"]) | json_values,
        "val": st.integers() | st.floats() | json_values,
        "filed": st.sampled_from(["2020-05-01", "9999-01-01"]) | json_values,
        "fy": json_values,
        "fp": json_values,
        "form": json_values,
        "accn": json_values,
    },
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    facts=st.dictionaries(
        st.sampled_from(["us-gaap", "dei"]),
        st.dictionaries(
            st.text(min_size=1, max_size=6),
            st.fixed_dictionaries(
                {
                    "units": st.dictionaries(
                        st.sampled_from(["USD", "shares"]), st.lists(fact, max_size=4)
                    )
                }
            )
            | json_values,
            max_size=3,
        ),
        max_size=2,
    )
    | json_values,
    cik=st.integers(min_value=-5, max_value=10**11) | json_values,
)
def test_companyfacts_fuzz_raises_only_import_format_error(facts: object, cik: object) -> None:
    body = json.dumps({"cik": cik, "facts": facts}).encode()
    try:
        out = parse_companyfacts(body, name="fuzz.json")
    except ImportFormatError:
        return
    validate(out, FUNDAMENTALS)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parsers_fuzz_bytes(data: bytes) -> None:
    for parse in (parse_companyfacts, parse_company_tickers):
        with contextlib.suppress(ImportFormatError):
            parse(data, name="fuzz.bin")
    looks_like_companyfacts(data)
    looks_like_company_tickers(data)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_company_tickers_fuzz(doc: object) -> None:
    try:
        out = parse_company_tickers(json.dumps(doc).encode(), name="fuzz.json")
    except ImportFormatError:
        return
    validate(out, SYMBOLS)
