"""Stooq (keyed CSV, error bodies with HTTP 200) and Nasdaq Trader directories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pandas as pd
import pytest
from provider_helpers import mock_client

from sizeup.config import Settings
from sizeup.data.providers import nasdaqtrader, stooq
from sizeup.data.providers.http import Response
from sizeup.data.schema import validate
from sizeup.errors import ProviderResponseError, RateLimitError, SymbolNotFoundError


def _stooq_response(body: bytes, settings: Settings) -> tuple[Response, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=body, headers={"content-type": "text/csv"})

    request = stooq.build_request(
        "SPY", api_key="MYKEY42", start=dt.date(2025, 12, 1), end=dt.date(2026, 2, 9)
    )
    with mock_client(handler, settings) as client:
        return client.send(request), seen


@pytest.mark.shared_data
def test_stooq_contract(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    response, seen = _stooq_response(fixture_bytes("stooq/spy_us_d_tail40.csv"), settings)
    sent = seen[0].url
    assert sent.params["s"] == "spy.us" and sent.params["apikey"] == "MYKEY42"
    assert sent.params["d1"] == "20251201" and sent.params["d2"] == "20260209"
    assert "MYKEY42" not in response.url  # archived/logged URL is scrubbed
    stooq.check(response, symbol="SPY")
    bars = stooq.parse(response.body, symbol="SPY")["bars"]
    pd.testing.assert_frame_equal(bars, validate(bars, "bars"))
    assert len(bars) == 40
    assert bars["date"].is_monotonic_increasing and not bars["date"].duplicated().any()
    first = bars.iloc[0]
    assert first["date"] == pd.Timestamp("2025-12-11")
    assert (first["open"], first["high"], first["low"], first["close"]) == (
        685.14,
        689.25,
        682.165,
        689.17,
    )
    assert first["volume"] == 86173678
    assert first["adj_close"] == first["close"]  # Stooq prices are already adjusted
    last = bars.iloc[-1]
    assert last["date"] == pd.Timestamp("2026-02-09") and last["close"] == 695.16
    bad_tick = bars[bars["date"] == pd.Timestamp("2026-02-02")].iloc[0]
    assert bad_tick["low"] == 69.005  # the source's bad tick is kept as published
    assert set(bars["symbol"]) == {"SPY"} and set(bars["source"]) == {"stooq"}


@pytest.mark.parametrize(
    ("body", "error", "pattern"),
    [
        (b"No data", SymbolNotFoundError, "no data"),
        (b"Brak danych", SymbolNotFoundError, "no data"),
        (b"Exceeded the daily hits limit", RateLimitError, "quota"),
        (b"<!DOCTYPE html><html><body>get_apikey</body></html>", ProviderResponseError, "API key"),
        (b"Warning: mysql_connect() failed\nDate,Open", ProviderResponseError, "warning"),
    ],
)
def test_stooq_error_bodies_with_http_200(
    settings: Settings, body: bytes, error: type[Exception], pattern: str
) -> None:
    response, _ = _stooq_response(body, settings)
    assert response.status == 200
    with pytest.raises(error, match=pattern):
        stooq.check(response, symbol="SPY")
    with pytest.raises(ProviderResponseError):
        stooq.parse(body, symbol="SPY")


def test_stooq_symbols() -> None:
    assert stooq.stooq_symbol("IWM") == "iwm.us"
    assert stooq.stooq_symbol("BRK-B") == "brk-b.us"
    assert stooq.stooq_symbol("^GSPC") == "^spx"
    keyless = stooq.build_request("IWM", api_key=None)
    assert dict(keyless.params) == {"s": "iwm.us", "i": "d"}


@pytest.mark.shared_data
@pytest.mark.parametrize("directory", ["nasdaqlisted", "otherlisted"])
def test_nasdaqtrader_contract(
    fixture_bytes: Callable[[str], bytes], settings: Settings, directory: str
) -> None:
    body = fixture_bytes(f"nasdaqtrader/{directory}_2025-07-21_trimmed.txt")

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == f"/dynamic/SymDir/{directory}.txt"
        return httpx.Response(200, content=body)

    with mock_client(handler, settings) as client:
        response = client.send(nasdaqtrader.build_request(directory))
    nasdaqtrader.check(response, directory=directory)
    symbols = nasdaqtrader.parse_directory(response.body, directory=directory)["symbols"]
    pd.testing.assert_frame_equal(symbols, validate(symbols, "symbols"))
    assert symbols["symbol"].is_monotonic_increasing
    assert not symbols["symbol"].duplicated().any()
    assert set(symbols["as_of"]) == {
        pd.Timestamp("2025-07-21")
    }  # File Creation Time: 0721202521:31
    by = symbols.set_index("symbol")
    if directory == "nasdaqlisted":
        assert len(symbols) == 18
        assert by.loc["AAL", "exchange"] == "NASDAQ-GS" and by.loc["AAL", "asset_type"] == "stock"
        assert by.loc["AACBR", "asset_type"] == "right"
        assert by.loc["AACBU", "asset_type"] == "unit"
        assert by.loc["AACIW", "asset_type"] == "warrant"
        assert by.loc["AACG", "asset_type"] == "adr"
        assert by.loc["AACG", "exchange"] == "NASDAQ-CM"
        assert by.loc["QQQ", "asset_type"] == "etf"
        assert by.loc["ZAZZT", "asset_type"] == "test"
        assert by.loc["ZYXI", "name"] == "Zynex, Inc. - Common Stock"
    else:
        assert len(symbols) == 18
        assert by.loc["BRK-A", "exchange"] == "NYSE" and by.loc["BRK-A", "asset_type"] == "stock"
        assert by.loc["ABR-PD", "asset_type"] == "preferred"
        assert by.loc["AACT-U", "asset_type"] == "unit"
        assert by.loc["AACT-W", "asset_type"] == "warrant"
        assert by.loc["IWM", "exchange"] == "NYSE ARCA" and by.loc["IWM", "asset_type"] == "etf"
        assert by.loc["AAAA", "exchange"] == "CBOE BZX"
        assert by.loc["ZXIET", "asset_type"] == "test" and by.loc["ZXIET", "exchange"] == "IEX"
        assert by.loc["AA", "name"] == "Alcoa Corporation Common Stock"


@pytest.mark.shared_data
def test_nasdaqtrader_truncated_body_is_detected(fixture_bytes: Callable[[str], bytes]) -> None:
    body = fixture_bytes("nasdaqtrader/nasdaqlisted_2025-07-21_trimmed.txt")
    cut = body[: body.index(b"File Creation Time")]
    with pytest.raises(ProviderResponseError, match="truncated"):
        nasdaqtrader.parse_directory(cut, directory="nasdaqlisted")
    with pytest.raises(ProviderResponseError, match="fields"):
        nasdaqtrader.parse_directory(body[: len(body) // 2] + b"\n", directory="nasdaqlisted")


def test_nasdaqtrader_html_page_with_http_200() -> None:
    page = b"<html><head><title>Page Not Available</title></head></html>"
    with pytest.raises(ProviderResponseError, match="HTML"):
        nasdaqtrader.check(Response("nasdaqtrader", "u", 200, page), directory="nasdaqlisted")
    with pytest.raises(ProviderResponseError, match="header"):
        nasdaqtrader.parse_directory(page, directory="otherlisted")


def test_nasdaqtrader_crlf_and_empty_directory() -> None:
    header = "|".join(nasdaqtrader.HEADERS["nasdaqlisted"])
    body = (
        f"{header}\r\nXYZ|X Corp - Common Stock|S|N|N|100|N|N\r\n"
        "File Creation Time: 0102202612:00|||||||\r\n"
    )
    frame = nasdaqtrader.parse_directory(body.encode(), directory="nasdaqlisted")["symbols"]
    assert frame[["symbol", "exchange", "asset_type"]].to_dict("records") == [
        {"symbol": "XYZ", "exchange": "NASDAQ-CM", "asset_type": "stock"}
    ]
    assert frame["as_of"].iloc[0] == pd.Timestamp("2026-01-02")
    empty = f"{header}\nFile Creation Time: 0102202612:00|||||||\n"
    assert nasdaqtrader.parse_directory(empty.encode(), directory="nasdaqlisted")["symbols"].empty
