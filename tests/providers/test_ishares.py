"""iShares holdings: contract tests on the real files, truncation, HTML, request building."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pandas as pd
import pytest
from provider_helpers import mock_client

from sizeup.config import Settings
from sizeup.data.providers import ishares
from sizeup.data.providers.http import Response
from sizeup.data.schema import validate
from sizeup.errors import ConfigError, ProviderResponseError


@pytest.mark.shared_data
def test_iwm_holdings(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    body = fixture_bytes("ishares/IWM_holdings_2026-05-05_trimmed.csv")

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["fileName"] == "IWM_holdings"
        return httpx.Response(200, content=body)

    with mock_client(handler, settings) as client:
        response = client.send(ishares.build_request("IWM"))
    ishares.check(response, fund="IWM")
    frame = ishares.parse(response.body, fund="IWM")["holdings"]
    pd.testing.assert_frame_equal(frame, validate(frame, "holdings"))
    assert not frame.duplicated(["fund", "as_of", "symbol"]).any()
    assert frame["symbol"].is_monotonic_increasing
    assert set(frame["as_of"]) == {pd.Timestamp("2026-05-05")}  # Fund Holdings as of,"May 05, 2026"
    assert set(frame["fund"]) == {"IWM"} and set(frame["source"]) == {"ishares"}
    be = frame.set_index("symbol").loc["BE"]
    # "BE","BLOOM ENERGY CLASS A CORP","Industrials","Equity","1,532,594,919.50","1.93",
    # "1,532,594,919.50","5,190,838.00","295.25",...
    assert be["market_value"] == pytest.approx(1_532_594_919.50)
    assert be["weight"] == pytest.approx(0.0193)
    assert be["shares"] == 5_190_838
    assert be["price"] == pytest.approx(295.25)
    assert be["sector"] == "Industrials" and be["asset_class"] == "Equity"
    futures = frame.set_index("symbol").loc["RTYM6"]
    assert futures["asset_class"] == "Futures" and futures["price"] == pytest.approx(2852.90)
    assert len(frame[frame["asset_class"] == "Equity"]) == 15  # 12 listed + 3 private "-"


@pytest.mark.shared_data
def test_truncated_holdings_are_rejected(fixture_bytes: Callable[[str], bytes]) -> None:
    head = fixture_bytes("ishares/IWM_holdings_2025-11-05_head16.csv")  # no footer
    with pytest.raises(ProviderResponseError, match="truncated"):
        ishares.parse(head, fund="IWM")
    full = fixture_bytes("ishares/IWM_holdings_2026-05-05_trimmed.csv")
    cut = full[: full.index(b'"RTYM6"') + 20]
    with pytest.raises(ProviderResponseError):
        ishares.parse(cut, fund="IWM")
    # the head16 file itself is a fine local file when the footer is not required
    older = ishares.parse(head, fund="IWM", require_footer=False)["holdings"]
    assert set(older["as_of"]) == {pd.Timestamp("2025-11-05")}
    assert older.set_index("symbol").loc["OKLO", "price"] == pytest.approx(121.23)


def test_html_page_and_errors() -> None:
    page = Response("ishares", "u", 200, b"<!DOCTYPE html><html>Access Denied</html>")
    with pytest.raises(ProviderResponseError, match="HTML"):
        ishares.check(page, fund="IWM")
    with pytest.raises(ProviderResponseError):
        ishares.check(Response("ishares", "u", 503, b"AkamaiGHost"), fund="IWM")


def test_requests_for_known_and_other_funds() -> None:
    iwm = ishares.build_request("iwm", as_of=dt.date(2024, 3, 1))
    assert iwm.full_url == (
        "https://www.ishares.com/us/products/239710/ishares-russell-2000-etf/1467271812596.ajax"
        "?fileType=csv&fileName=IWM_holdings&dataType=fund&asOfDate=20240301"
    )
    ijr = ishares.build_request("IJR")
    assert "/239774/ishares-core-sp-smallcap-etf/" in ijr.url
    other = ishares.build_request("IWC", product_id="239716", slug="ishares-microcap-etf")
    assert "/239716/ishares-microcap-etf/" in other.url
    with pytest.raises(ConfigError, match="product id and slug"):
        ishares.build_request("XYZ")
    with pytest.raises(ConfigError):
        ishares.build_request("IWC", product_id="12a", slug="x")
