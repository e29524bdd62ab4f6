"""Fuzzing every provider parse function: any bytes give frames or ProviderResponseError."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.data.providers import fred, french, ishares, nasdaqtrader, sec, stooq, yahoo
from sizeup.data.providers.http import UNEXPECTED_FORMAT_ERRORS
from sizeup.errors import ProviderResponseError

pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Parser = Callable[[bytes], Any]

PARSERS: dict[str, Parser] = {
    "yahoo": lambda b: yahoo.parse_chart(b, symbol="X"),
    "stooq": lambda b: stooq.parse(b, symbol="SPY"),
    "fred_graph": lambda b: fred.parse_graph(b, series_id="DGS10"),
    "fred_api": lambda b: fred.parse_api(b, series_id="DGS10"),
    "french": lambda b: french.parse(b, dataset="F-F_Research_Data_Factors"),
    "ishares": lambda b: ishares.parse(b, fund="IWM"),
    "sec_tickers": sec.parse_company_tickers_body,
    "sec_facts": lambda b: sec.parse_companyfacts_body(b, name="x", tickers={320193: "AAPL"}),
    "sec_submissions": sec.parse_submissions,
    "sec_frames": sec.parse_frames,
    "nasdaqlisted": lambda b: nasdaqtrader.parse_directory(b, directory="nasdaqlisted"),
    "otherlisted": lambda b: nasdaqtrader.parse_directory(b, directory="otherlisted"),
}

FIXTURES: dict[str, str] = {
    "yahoo": "yahoo/chart-AAPL-2020-08-31-to-2020-11-07.body.json",
    "stooq": "stooq/spy_us_d_tail40.csv",
    "fred_graph": "fred/fredgraph_DGS10_legacy_DATE_dot_2021-01.csv",
    "fred_api": "fred/api_series_observations_HQMCB10YR_2023H1.json",
    "french": "kenfrench/F-F_Research_Data_Factors.CSV",
    "ishares": "ishares/IWM_holdings_2026-05-05_trimmed.csv",
    "sec_tickers": "sec/company_tickers_2024-05_trimmed.json",
    "sec_facts": "sec/companyfacts_CIK0001045810_NVDA_trimmed.json",
    "sec_submissions": "sec/submissions_CIK0000320193_AAPL_trimmed.json",
    "nasdaqlisted": "nasdaqtrader/nasdaqlisted_2025-07-21_trimmed.txt",
    "otherlisted": "nasdaqtrader/otherlisted_2025-07-21_trimmed.txt",
}


def _zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("F-F_Research_Data_Factors.CSV", data)
    return out.getvalue()


def _only_provider_errors(parser: Parser, data: bytes) -> None:
    before = len(UNEXPECTED_FORMAT_ERRORS)
    with contextlib.suppress(ProviderResponseError):
        parser(data)
    # a format parser raising something other than ImportFormatError is converted, but it is a
    # bug all the same: fail loudly so that it gets reported
    assert len(UNEXPECTED_FORMAT_ERRORS) == before, UNEXPECTED_FORMAT_ERRORS[before:]


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes(name: str, data: bytes) -> None:
    _only_provider_errors(PARSERS[name], data)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    [
        "chart",
        "result",
        "error",
        "meta",
        "timestamp",
        "indicators",
        "quote",
        "adjclose",
        "events",
        "dividends",
        "splits",
        "open",
        "close",
        "date",
        "amount",
        "numerator",
        "denominator",
        "observations",
        "value",
        "count",
        "cik",
        "facts",
        "filings",
        "recent",
        "accessionNumber",
        "filingDate",
        "data",
        "pts",
        "taxonomy",
        "tag",
        "ccp",
        "uom",
        "val",
        "end",
        "start",
        "tickers",
        "units",
        "USD",
        "us-gaap",
        "cik_str",
        "ticker",
        "0",
    ]
)
_shaped = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["2020-01-02", ".", "1.5", "CY2024Q1", "America/New_York"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=30,
)


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(doc=st.one_of(_json, _shaped))
def test_json_shaped_documents(name: str, doc: Any) -> None:
    data = json.dumps(doc, allow_nan=True).encode()
    _only_provider_errors(PARSERS[name], _zip(data) if name == "french" else data)


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(FIXTURES))
@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=100_000),
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=100_000), st.binary(max_size=3)), max_size=4
    ),
)
def test_mutated_real_bodies(
    shared_fixtures: Path, name: str, cut: int, edits: list[tuple[int, bytes]]
) -> None:
    body = bytearray((shared_fixtures / FIXTURES[name]).read_bytes())
    for pos, replacement in edits:
        at = pos % (len(body) + 1)
        body[at : at + len(replacement)] = replacement
    data = bytes(body[: cut % (len(body) + 1)] if cut % 3 == 0 else body)
    _only_provider_errors(PARSERS[name], _zip(data) if name == "french" else data)
