"""Yahoo chart v8: contract tests on the real responses, error bodies, request building."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pandas as pd
import pytest
from provider_helpers import mock_client

from sizeup.config import Settings
from sizeup.data.providers import yahoo
from sizeup.data.providers.http import Response
from sizeup.data.schema import validate
from sizeup.errors import ProviderResponseError, SymbolNotFoundError

pytestmark = pytest.mark.shared_data


def _fetch(body: bytes, settings: Settings, symbol: str, status: int = 200) -> dict:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    request = yahoo.build_request(symbol, start=dt.date(2020, 8, 31), end=dt.date(2020, 11, 6))
    with mock_client(handler, settings) as client:
        response = client.send(request)
    assert seen[0].url.path == f"/v8/finance/chart/{symbol}"
    yahoo.check(response, symbol=symbol)
    return yahoo.parse_chart(response.body, symbol=symbol)


def _row(frame: pd.DataFrame, day: str) -> pd.Series:
    hit = frame[frame["date"] == pd.Timestamp(day)]
    assert len(hit) == 1, day
    return hit.iloc[0]


def _contract(tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, validate(frame, name))
    bars = tables["bars"]
    assert bars["date"].is_monotonic_increasing
    assert not bars.duplicated(["symbol", "date", "source"]).any()


def test_aapl_single_day(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    tables = _fetch(
        fixture_bytes("yahoo/chart-AAPL-2020-01-01-to-2020-01-03.body.json"), settings, "AAPL"
    )
    _contract(tables)
    bars = tables["bars"]
    assert len(bars) == 1
    # timestamp 1577975400 = 2020-01-02 14:30Z = 09:30 New York: the 2020-01-02 session
    row = _row(bars, "2020-01-02")
    assert row["open"] == pytest.approx(74.05999755859375)
    assert row["high"] == pytest.approx(75.1500015258789)
    assert row["low"] == pytest.approx(73.79750061035156)
    assert row["close"] == pytest.approx(75.0875015258789)  # split-adjusted only
    assert row["adj_close"] == pytest.approx(72.71607208251953)  # split + dividend adjusted
    assert row["volume"] == 135480400
    assert row["symbol"] == "AAPL" and row["source"] == "yahoo"
    assert tables["actions"].empty


def test_aapl_split_and_dividend(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    tables = _fetch(
        fixture_bytes("yahoo/chart-AAPL-2020-08-31-to-2020-11-07.body.json"), settings, "AAPL"
    )
    _contract(tables)
    bars, actions = tables["bars"], tables["actions"]
    assert len(bars) == 49
    assert bars["date"].iloc[0] == pd.Timestamp("2020-08-31")
    assert bars["date"].iloc[-1] == pd.Timestamp("2020-11-06")
    first = _row(bars, "2020-08-31")
    assert first["close"] == pytest.approx(129.0399932861328)
    assert first["adj_close"] == pytest.approx(125.82673645019531)
    assert first["volume"] == 225702700
    second = _row(bars, "2020-09-01")
    assert second["open"] == pytest.approx(132.75999450683594)
    assert second["high"] == pytest.approx(134.8000030517578)
    # events: {"splits":{"1598880600":{"numerator":4,"denominator":1}}} -> 2020-08-31, ratio 4
    # {"dividends":{"1604673000":{"amount":0.205}}} -> 1604673000 = 2020-11-06 14:30Z
    assert actions[["date", "kind", "value"]].to_dict("records") == [
        {"date": pd.Timestamp("2020-08-31"), "kind": "split", "value": 4.0},
        {"date": pd.Timestamp("2020-11-06"), "kind": "dividend", "value": 0.205},
    ]
    last = _row(bars, "2020-11-06")
    assert last["close"] == pytest.approx(118.69000244140625)


def test_msft_dividends(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    name = "yahoo/historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.body.json"
    tables = _fetch(fixture_bytes(name), settings, "MSFT")
    _contract(tables)
    bars, actions = tables["bars"], tables["actions"]
    assert len(bars) == 252
    first = _row(bars, "2021-02-01")
    assert first["open"] == pytest.approx(235.05999755859375)
    assert first["close"] == pytest.approx(239.64999389648438)
    assert first["adj_close"] == pytest.approx(231.1864776611328)
    assert first["volume"] == 33314200
    assert list(actions["kind"]) == ["dividend"] * 4
    assert list(actions["value"]) == pytest.approx([0.56, 0.56, 0.56, 0.62])
    # 1637159400 = 2021-11-17 14:30Z: ex-date 2021-11-17
    assert actions["date"].iloc[-1] == pd.Timestamp("2021-11-17")


def test_nvda_split(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    name = "yahoo/historical-via-chart-NVDA-split-2021-02-01-to-2022-01-31.csv.body.json"
    tables = _fetch(fixture_bytes(name), settings, "NVDA")
    _contract(tables)
    bars, actions = tables["bars"], tables["actions"]
    assert len(bars) == 252
    first = _row(bars, "2021-02-01")
    assert first["close"] == pytest.approx(13.237000465393066)
    assert first["adj_close"] == pytest.approx(13.2034912109375)
    assert first["volume"] == 217204000
    # 1626787800 = 2021-07-20 13:30Z = 09:30 EDT
    assert actions.to_dict("records")[0] | {} == {
        "symbol": "NVDA",
        "date": pd.Timestamp("2021-07-20"),
        "kind": "split",
        "value": 4.0,
        "source": "yahoo",
    }


def test_404_chart_error_is_symbol_not_found(
    fixture_bytes: Callable[[str], bytes], settings: Settings
) -> None:
    body = fixture_bytes("yahoo/chart-404-notfound.quoted.json")
    with pytest.raises(SymbolNotFoundError, match="symbol may be delisted"):
        _fetch(body, settings, "INVALID", status=404)
    with pytest.raises(ProviderResponseError, match=r"chart\.error"):
        yahoo.parse_chart(body, symbol="INVALID")


def test_chart_error_with_http_200_is_an_error(settings: Settings) -> None:
    body = b'{"chart":{"result":null,"error":{"code":"Bad Request","description":"Invalid input"}}}'
    with pytest.raises(ProviderResponseError, match="Invalid input"):
        _fetch(body, settings, "IWM")


def test_html_page_with_http_200_is_an_error(settings: Settings) -> None:
    body = b"<!DOCTYPE html><html><body>consent.yahoo.com</body></html>"
    with pytest.raises(ProviderResponseError, match="HTML"):
        _fetch(body, settings, "IWM")


def test_truncated_body_is_an_error(fixture_bytes: Callable[[str], bytes]) -> None:
    body = fixture_bytes("yahoo/chart-AAPL-2020-08-31-to-2020-11-07.body.json")
    for cut in (10, len(body) // 2, len(body) - 2):
        with pytest.raises(ProviderResponseError, match="not JSON"):
            yahoo.parse_chart(body[:cut], symbol="AAPL")


def test_empty_result_gives_empty_frames() -> None:
    body = (
        b'{"chart":{"result":[{"meta":{"symbol":"IWM","exchangeTimezoneName":"America/New_York"},'
        b'"indicators":{"quote":[{}],"adjclose":[{}]}}],"error":null}}'
    )
    tables = yahoo.parse_chart(body, symbol="IWM")
    assert tables["bars"].empty and tables["actions"].empty
    assert list(tables["bars"].columns) == list(validate(tables["bars"], "bars").columns)


def test_null_rows_are_dropped_and_repeated_dates_keep_the_last() -> None:
    # two bars on 2024-01-02 (Yahoo's live bar repeated) and a halted day with nulls
    body = (
        b'{"chart":{"result":[{"meta":{"exchangeTimezoneName":"America/New_York"},'
        b'"timestamp":[1704205800,1704220000,1704292200],'
        b'"indicators":{"quote":[{"open":[1,2,null],"high":[1,2,null],"low":[1,2,null],'
        b'"close":[1,2,null],"volume":[10,20,null]}],"adjclose":[{"adjclose":[1,2,null]}]}}],'
        b'"error":null}}'
    )
    bars = yahoo.parse_chart(body, symbol="X")["bars"]
    assert list(bars["date"]) == [pd.Timestamp("2024-01-02")]
    assert bars["close"].iloc[0] == 2.0


def test_mismatched_array_lengths_are_an_error() -> None:
    body = (
        b'{"chart":{"result":[{"meta":{},"timestamp":[1704205800,1704292200],'
        b'"indicators":{"quote":[{"open":[1],"high":[1],"low":[1],"close":[1],"volume":[1]}]}}],'
        b'"error":null}}'
    )
    with pytest.raises(ProviderResponseError, match="1 values for 2 timestamps"):
        yahoo.parse_chart(body, symbol="X")


def test_build_request_dates_and_events() -> None:
    req = yahoo.build_request("^RUT", start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 3))
    params = dict(req.params)
    assert params["period1"] == "1577836800"  # 2020-01-01T00:00Z
    assert params["period2"] == "1578096000"  # 2020-01-04T00:00Z: the end day is included
    assert params["interval"] == "1d"
    assert params["events"] == "div,splits,capitalGains"
    assert req.url == "https://query2.finance.yahoo.com/v8/finance/chart/^RUT"
    assert req.identity.endswith(
        "/v8/finance/chart/^RUT?interval=1d&includePrePost=false&events=div,splits,capitalGains"
    )
    whole = yahoo.build_request("IWM", base_url="http://127.0.0.1:5000/")
    assert dict(whole.params)["period1"] == "-2208988800"
    assert whole.url == "http://127.0.0.1:5000/v8/finance/chart/IWM"


def test_check_passes_good_bodies() -> None:
    yahoo.check(Response("yahoo", "u", 200, b'{"chart":{"result":[],"error":null}}'), symbol="X")
