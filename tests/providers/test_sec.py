"""SEC EDGAR: contract tests on the real responses, 403 handling, frames, request building."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pandas as pd
import pytest
from provider_helpers import mock_client

from sizeup.config import Settings
from sizeup.data.providers import sec
from sizeup.data.providers.http import Request, Response
from sizeup.data.schema import validate
from sizeup.errors import (
    ProviderError,
    ProviderResponseError,
    RateLimitError,
    SymbolNotFoundError,
)


def _send(request: Request, body: bytes, settings: Settings, status: int = 200) -> Response:
    def handler(req: httpx.Request) -> httpx.Response:
        assert req.headers["User-Agent"] == settings.sec_user_agent
        return httpx.Response(status, content=body)

    with mock_client(handler, settings) as client:
        return client.send(request)


@pytest.mark.shared_data
def test_company_tickers(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    request = sec.company_tickers_request()
    assert request.full_url == "https://www.sec.gov/files/company_tickers.json"
    response = _send(request, fixture_bytes("sec/company_tickers_2024-05_trimmed.json"), settings)
    sec.check(response, what="tickers")
    symbols = sec.parse_company_tickers_body(response.body)["symbols"]
    pd.testing.assert_frame_equal(symbols, validate(symbols, "symbols"))
    assert len(symbols) == 15
    assert not symbols["symbol"].duplicated().any()
    by = symbols.set_index("symbol")
    assert by.loc["MSFT", "cik"] == 789019
    assert by.loc["AAPL", "name"] == "Apple Inc."
    assert by.loc["BRK-B", "cik"] == 1067983
    assert by.loc["PTNYD", "cik"] == 1819074
    assert set(symbols["source"]) == {"sec"}


@pytest.mark.shared_data
def test_submissions(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    request = sec.submissions_request(320193)
    assert request.full_url == "https://data.sec.gov/submissions/CIK0000320193.json"
    body = fixture_bytes("sec/submissions_CIK0000320193_AAPL_trimmed.json")
    response = _send(request, body, settings)
    sec.check(response, what="submissions")
    sub = sec.parse_submissions(response.body)
    assert sub.cik == 320193
    assert sub.name == "Apple Inc."
    assert sub.category == "Large accelerated filer"
    assert sub.fiscal_year_end == "0927"
    assert sub.sic == "3571"
    assert sub.symbols[["symbol", "cik", "exchange"]].to_dict("records") == [
        {"symbol": "AAPL", "cik": 320193, "exchange": "Nasdaq"}
    ]
    filings = sub.filings
    assert len(filings) == 15
    assert filings["filing_date"].is_monotonic_increasing
    assert not filings["accession"].duplicated().any()
    ten_k = filings[filings["form"] == "10-K"].iloc[0]
    assert ten_k["accession"] == "0000320193-24-000123"
    assert ten_k["filing_date"] == pd.Timestamp("2024-11-01")
    assert ten_k["report_date"] == pd.Timestamp("2024-09-28")
    assert ten_k["accepted"] == pd.Timestamp("2024-11-01 06:01:36")
    assert ten_k["primary_document"] == "aapl-20240928.htm"
    assert filings["filing_date"].iloc[-1] == pd.Timestamp("2025-01-10")
    assert "15 recent filings" in sub.summary()


@pytest.mark.shared_data
def test_companyfacts_aapl(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    request = sec.companyfacts_request(320193)
    assert request.full_url == "https://data.sec.gov/api/xbrl/companyfacts/CIK0000320193.json"
    body = fixture_bytes("sec/companyfacts_CIK0000320193_AAPL_trimmed.json")
    response = _send(request, body, settings)
    sec.check(response, what="facts")
    facts = sec.parse_companyfacts_body(response.body, name="x", tickers={320193: "AAPL"})
    frame = facts["fundamentals"]
    pd.testing.assert_frame_equal(frame, validate(frame, "fundamentals"))
    key = ["symbol", "concept", "unit", "period_start", "period_end", "filed", "source"]
    assert not frame.duplicated(key).any()
    assert set(frame["symbol"]) == {"AAPL"}

    def one(concept: str, end: str, filed: str) -> pd.Series:
        hit = frame[
            (frame["concept"] == concept)
            & (frame["period_end"] == pd.Timestamp(end))
            & (frame["filed"] == pd.Timestamp(filed))
        ]
        assert len(hit) == 1
        return hit.iloc[0]

    ni = one("us-gaap:NetIncomeLoss", "2024-09-28", "2024-11-01")
    assert ni["value"] == 93_736_000_000
    assert ni["period_start"] == pd.Timestamp("2023-10-01")
    assert ni["fiscal_period"] == "FY" and ni["form"] == "10-K"
    shares = one("dei:EntityCommonStockSharesOutstanding", "2024-10-18", "2024-11-01")
    assert shares["value"] == 15_115_823_000 and shares["unit"] == "shares"
    assert pd.isna(shares["period_start"])
    maturity = one(
        "us-gaap:LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths",
        "2024-09-28",
        "2024-11-01",
    )
    assert maturity["value"] == 10_930_000_000


@pytest.mark.shared_data
def test_companyfacts_nvda_interest_switch(fixture_bytes: Callable[[str], bytes]) -> None:
    body = fixture_bytes("sec/companyfacts_CIK0001045810_NVDA_trimmed.json")
    frame = sec.parse_companyfacts_body(body, name="nvda", tickers={1045810: "NVDA"})[
        "fundamentals"
    ]
    q3 = frame[
        (frame["concept"] == "us-gaap:InterestExpenseNonoperating")
        & (frame["period_start"] == pd.Timestamp("2024-07-29"))
        & (frame["period_end"] == pd.Timestamp("2024-10-27"))
    ]
    assert list(q3["value"]) == [61_000_000]
    fy = frame[
        (frame["concept"] == "us-gaap:InterestExpense")
        & (frame["period_end"] == pd.Timestamp("2024-01-28"))
        & (frame["period_start"] == pd.Timestamp("2023-01-30"))
        & (frame["filed"] == pd.Timestamp("2024-02-21"))
    ]
    assert list(fy["value"]) == [257_000_000]


def test_403_rate_threshold_is_a_rate_limit(settings: Settings) -> None:
    body = b"<html><h1>Request Rate Threshold Exceeded</h1></html>"
    response = _send(sec.submissions_request(320193), body, settings, status=403)
    with pytest.raises(RateLimitError, match="10 minutes") as info:
        sec.check(response, what="submissions")
    assert info.value.retry_after == 600


def test_403_undeclared_tool_names_the_user_agent_setting(settings: Settings) -> None:
    body = b"<html>Your request has been identified as part of an Undeclared Automated Tool</html>"
    response = _send(sec.companyfacts_request(1), body, settings, status=403)
    with pytest.raises(ProviderError, match="SIZEUP_SEC_USER_AGENT") as info:
        sec.check(response, what="facts")
    assert not isinstance(info.value, RateLimitError)


def test_404_is_symbol_not_found_and_html_200_is_rejected(settings: Settings) -> None:
    with pytest.raises(SymbolNotFoundError):
        sec.check(Response("secdata", "u", 404, b"<Error>NoSuchKey</Error>"), what="facts")
    with pytest.raises(ProviderResponseError, match="HTML"):
        sec.check(Response("secdata", "u", 200, b"<!DOCTYPE html><html>"), what="facts")


_FRAME = {
    "taxonomy": "us-gaap",
    "tag": "Revenues",
    "ccp": "CY2026Q2",
    "uom": "USD",
    "label": "Revenues",
    "description": "Amount of revenue recognized",
    "pts": 3,
    "data": [
        {
            "accn": "0001628280-26-050134",
            "cik": 1800,
            "entityName": "ABBOTT LABORATORIES",
            "loc": "US-IL",
            "start": "2026-04-01",
            "end": "2026-06-30",
            "val": 12593000000,
        },
        {
            "accn": "0000000002-26-000001",
            "cik": 2,
            "entityName": "SMALL CO",
            "loc": "US-TX",
            "start": "2026-04-01",
            "end": "2026-06-30",
            "val": 1500000,
        },
        {
            "accn": "0000000003-26-000001",
            "cik": 3,
            "entityName": "TINY CO",
            "loc": "US-NY",
            "start": "2026-03-29",
            "end": "2026-06-27",
            "val": -25000.5,
        },
    ],
}


def test_frames_hand_made_from_the_documented_shape() -> None:
    request = sec.frames_request("Revenues", "CY2026Q2")
    assert request.full_url == (
        "https://data.sec.gov/api/xbrl/frames/us-gaap/Revenues/USD/CY2026Q2.json"
    )
    frame = sec.parse_frames(json.dumps(_FRAME).encode())
    assert (frame.taxonomy, frame.tag, frame.unit, frame.period) == (
        "us-gaap",
        "Revenues",
        "USD",
        "CY2026Q2",
    )
    data = frame.data
    assert list(data["cik"]) == [2, 3, 1800]  # sorted by CIK
    abbott = data.iloc[2]
    assert abbott["value"] == 12_593_000_000
    assert abbott["entity_name"] == "ABBOTT LABORATORIES"
    assert abbott["period_end"] == pd.Timestamp("2026-06-30")
    assert data.iloc[1]["value"] == -25000.5
    assert "3 filers" in frame.summary()


def test_frames_truncation_and_duplicates_are_errors() -> None:
    short = dict(_FRAME, data=_FRAME["data"][:2])
    with pytest.raises(ProviderResponseError, match="pts"):
        sec.parse_frames(json.dumps(short).encode())
    dup = dict(_FRAME, pts=4, data=[*_FRAME["data"], _FRAME["data"][0]])
    with pytest.raises(ProviderResponseError, match="twice"):
        sec.parse_frames(json.dumps(dup).encode())
    empty = dict(_FRAME, pts=0, data=[])
    assert sec.parse_frames(json.dumps(empty).encode()).data.empty


def test_request_builders_reject_bad_input() -> None:
    with pytest.raises(ProviderResponseError, match="CIK"):
        sec.companyfacts_request(0)
    with pytest.raises(ProviderResponseError, match="period"):
        sec.frames_request("Revenues", "2023")
    with pytest.raises(ProviderResponseError, match="tag"):
        sec.frames_request("Rev/../x", "CY2023")
