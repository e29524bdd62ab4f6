"""Fetched holdings snapshots carry the fund's shares outstanding; the fund-history provider
builds its request, refuses HTML and bad bodies without writing, and stores the series
(hand-made bodies on httpx.MockTransport; no network)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pandas as pd
import pytest
from test_flows_formats import _ROWS, holdings_csv, workbook

from sizeup.config import Settings
from sizeup.data.providers import ishares, ishares_history
from sizeup.data.providers.http import HttpClient
from sizeup.data.store import Store
from sizeup.errors import ConfigError, ProviderError


def test_fetched_snapshot_keeps_shares_outstanding() -> None:
    body = holdings_csv("Nov 05, 2025", "281,300,000.00")
    tables = ishares.parse(body, fund="IWM")
    assert tables["series"][["series_id", "value"]].values.tolist() == [
        ["IWM.shares_outstanding", 281_300_000.0]
    ]
    snap = ishares.parse_snapshot(body, fund="IWM", asked=dt.date(2025, 11, 5))
    assert pd.Timestamp(snap.tables["series"]["date"].iloc[0]) == pd.Timestamp("2025-11-05")


def test_build_request() -> None:
    req = ishares_history.build_request("iwm", base_url="http://127.0.0.1:9")
    assert req.full_url == (
        "http://127.0.0.1:9/us/products/239710/ishares-russell-2000-etf/1521942788811.ajax"
        "?fileType=xls&fileName=IWM_fund&dataType=fund"
    )
    with pytest.raises(ConfigError, match="'XYZ' is unknown"):
        ishares_history.build_request("XYZ")
    with pytest.raises(ConfigError, match="not a ticker"):
        ishares_history.build_request("I W M")


def _client(tmp_path: Path, body: bytes, status: int = 200) -> tuple[HttpClient, list[str]]:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(status, content=body)

    settings = Settings(
        data_dir=tmp_path / "data", user_agent="sizeup-tests/0.1", timeout=2.0, max_retries=1
    )
    client = HttpClient(
        settings,
        transport=httpx.MockTransport(handler),
        base_urls={"*": "http://127.0.0.1:9"},
        backoff=0.001,
        rates={"ishares": 1000.0},
    )
    return client, seen


def test_fetch_stores_series_and_archives_the_body(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    body = workbook(_ROWS)
    client, seen = _client(tmp_path, body)
    with client:
        rows = ishares_history.fetch_fund_history(store, "IWM", client)
    assert rows == 5  # 3 shares + 2 NAV rows
    assert seen == [
        "http://127.0.0.1:9/us/products/239710/ishares-russell-2000-etf/1521942788811.ajax"
        "?fileType=xls&fileName=IWM_fund&dataType=fund"
    ]
    wide = store.series(["IWM.shares_outstanding"])
    assert wide["IWM.shares_outstanding"].tolist() == [281_000_000.0, 281_300_000.0, 281_450_000.0]
    payloads = store.read("payloads")
    assert payloads["url"].str.contains("1521942788811", regex=False).sum() == 1


@pytest.mark.parametrize(
    ("body", "status", "match"),
    [
        (b"<!doctype html><html><body>Access denied</body></html>", 200, "HTML page"),
        (b"", 200, "body is empty"),
        (workbook(_ROWS, sheet="Holdings2"), 200, "no 'Historical' worksheet"),
        (workbook([*_ROWS, ["Jan 08, 2026", "1", "--", "x"]]), 200, "'x' is not a positive"),
        (b"oops", 503, "503"),
    ],
)
def test_bad_answers_write_nothing(tmp_path: Path, body: bytes, status: int, match: str) -> None:
    store = Store.open(tmp_path / "store")
    version = store.version
    client, _ = _client(tmp_path, body, status)
    with client, pytest.raises(ProviderError, match=match):
        ishares_history.fetch_fund_history(store, "IWM", client)
    assert store.refresh().version == version
    assert store.read("payloads").empty
