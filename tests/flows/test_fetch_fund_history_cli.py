"""``sizeup fetch fund-history IWM``: the iShares fund download through the fetch bundle, the app
layer and the CLI, on httpx.MockTransport with hand-made bodies (no network).

The good body is an Excel 2003 XML workbook written here by hand in the layout the format's own
tests use (``Historical`` sheet: As Of, NAV per Share, Ex-Dividends, Shares Outstanding); the bad
ones are an HTML page served with 200, an empty body, HTTP 503 and a workbook with a bad row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

import sizeup.app.data as app_data
from sizeup.cli import app
from sizeup.config import Settings
from sizeup.data.providers.fetch import FetchOptions, FetchReport, run_fetch
from sizeup.data.providers.http import HttpClient
from sizeup.data.store import Store

NOW = dt.datetime(2026, 1, 9, 23, 0, tzinfo=dt.UTC)
URL_PATH = "/us/products/239710/ishares-russell-2000-etf/1521942788811.ajax"


def _cell(value: str) -> str:
    return f'<ss:Cell><ss:Data ss:Type="String">{value}</ss:Data></ss:Cell>'


def _workbook(rows: list[list[str]]) -> bytes:
    body = "".join("<ss:Row>" + "".join(_cell(c) for c in r) + "</ss:Row>" for r in rows)
    return (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<ss:Workbook xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
        '<ss:Worksheet ss:Name="Holdings"><ss:Table><ss:Row>'
        f"{_cell('iShares Russell 2000 ETF')}</ss:Row></ss:Table></ss:Worksheet>\n"
        f'<ss:Worksheet ss:Name="Historical"><ss:Table>{body}</ss:Table></ss:Worksheet>\n'
        "</ss:Workbook>\n"
    ).encode()


_HEAD = ["As Of", "NAV per Share", "Ex-Dividends", "Shares Outstanding"]
GOOD = _workbook(
    [
        _HEAD,
        ["Jan 08, 2026", "202.25", "--", "281,600,000"],
        ["Jan 07, 2026", "201.50", "--", "281,450,000"],
        ["Jan 06, 2026", "200.00", "0.55", "281,300,000.00"],
        ["Jan 05, 2026", "--", "--", "281,000,000"],
    ]
)
BAD_ROW = _workbook([_HEAD, ["Jan 08, 2026", "202.25", "--", "2x"]])


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        user_agent="sizeup-tests/0.1 (tests@example.org)",
        timeout=2.0,
        max_retries=1,
    )


def _handler(
    body: bytes, seen: list[str], status: int = 200
) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(status, content=body)

    return handle


def _run(
    tmp_path: Path, store: Store, handler: Callable[[httpx.Request], httpx.Response]
) -> FetchReport:
    settings = _settings(tmp_path)
    client = HttpClient(
        settings,
        transport=httpx.MockTransport(handler),
        base_urls={"*": "http://127.0.0.1:9"},
        backoff=0.001,
        rates={"ishares": 1000.0},
    )
    with client:
        return run_fetch(
            "fund-history",
            store=store,
            settings=settings,
            options=FetchOptions(fund="IWM"),
            client=client,
            now=NOW,
        )


def test_bundle_stores_shares_and_nav_then_skips_the_same_day(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "data")
    seen: list[str] = []
    report = _run(tmp_path, store, _handler(GOOD, seen))
    (item,) = report.results
    assert item.key == "ishares:IWM:fund-history"
    # 4 shares-outstanding rows + 3 NAV rows (Jan 05 has no NAV: "--")
    assert (item.status, item.rows, item.requests) == ("ok", 7, 1)
    assert item.reason == "shares outstanding stored 2026-01-05..2026-01-08 (4 days)"
    assert seen == [f"http://127.0.0.1:9{URL_PATH}?fileType=xls&fileName=IWM_fund&dataType=fund"]
    wide = store.series(["IWM.shares_outstanding", "IWM.nav"])
    assert wide["IWM.shares_outstanding"].tolist() == [
        281_000_000.0,
        281_300_000.0,
        281_450_000.0,
        281_600_000.0,
    ]
    assert wide["IWM.nav"].dropna().tolist() == [200.0, 201.5, 202.25]
    assert len(store.read("payloads")) == 1
    # a second run on the same day asks for nothing
    again = _run(tmp_path, store, _handler(GOOD, seen))
    assert again.results[0].status == "skipped" and len(seen) == 1


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b"<!DOCTYPE html><html><body>Access Denied</body></html>", 200, "HTML"),
        (b"", 200, "empty"),
        (b"Service Unavailable", 503, "503"),
        (BAD_ROW, 200, "2x"),
    ],
)
def test_bad_answers_fail_with_the_reason_and_write_nothing(
    tmp_path: Path, body: bytes, status: int, reason: str
) -> None:
    store = Store.open(tmp_path / "data")
    before = store.version
    report = _run(tmp_path, store, _handler(body, [], status))
    (item,) = report.results
    assert item.status == "failed" and reason in item.reason, item.reason
    assert report.exit_code != 0
    store.refresh()
    assert store.version == before
    assert store.read("series").empty and store.read("payloads").empty


def test_offline_rebuild_reparses_the_archived_body(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "data")
    _run(tmp_path, store, _handler(GOOD, []))
    report = run_fetch(
        "fund-history",
        store=store,
        settings=_settings(tmp_path),
        options=FetchOptions(fund="IWM", offline=True),
        now=NOW,
    )
    (item,) = report.results
    assert item.status == "ok" and item.reason == "1 archived bodies" and item.requests == 0


@pytest.fixture
def mocked_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Route the CLI's HttpClient through a MockTransport answering ``state["body"]``."""
    state: dict[str, Any] = {"body": GOOD, "status": 200, "seen": []}

    def handle(request: httpx.Request) -> httpx.Response:
        state["seen"].append(str(request.url))
        return httpx.Response(state["status"], content=state["body"])

    real = app_data.HttpClient

    def client(settings: Settings, **kwargs: Any) -> HttpClient:
        kwargs.setdefault("transport", httpx.MockTransport(handle))
        return real(settings, backoff=0.001, rates={"ishares": 1000.0}, **kwargs)

    monkeypatch.setattr(app_data, "HttpClient", client)
    yield state


def _invoke(data: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["--data-dir", str(data), *args], env={"COLUMNS": "200"})
    return res.exit_code, res.output


def test_cli_fetches_then_flows_reads_the_history(
    tmp_path: Path, mocked_cli: dict[str, Any]
) -> None:
    data = tmp_path / "data"
    code, out = _invoke(data, "fetch", "fund-history", "IWM", "--until", "2026-01-09")
    assert code == 0, out
    assert "ishares:IWM:fund-history" in out and "ok" in out
    assert len(mocked_cli["seen"]) == 1 and URL_PATH in mocked_cli["seen"][0]
    code, out = _invoke(data, "flows", "IWM", "--freq", "D", "--json")
    assert code == 0, out
    payload = json.loads(out)
    flows = [r["flow"] for r in payload["periods"]]
    # (281,300,000 - 281,000,000) x 200.00 = 60,000,000; 150,000 x 201.50 = 30,225,000;
    # 150,000 x 202.25 = 30,337,500 (NAV of the later day)
    assert flows == pytest.approx([60_000_000.0, 30_225_000.0, 30_337_500.0])


def test_cli_failed_fetch_is_reported_and_exits_non_zero(
    tmp_path: Path, mocked_cli: dict[str, Any]
) -> None:
    mocked_cli["body"] = b"<html><body>Access Denied</body></html>"
    code, out = _invoke(tmp_path / "data", "fetch", "fund-history", "IWM")
    assert code == 1, out
    assert "failed" in out and "HTML" in out and "nothing could be fetched" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["fund-history", "XYZ"], "'XYZ' is unknown"),
        (["fund-history", "../etc"], "not a ticker"),
        (["fund-history", "IWM", "--asof", "2026-01-05"], "--asof"),
    ],
)
def test_cli_bad_fund_or_option_exits_2_without_a_request(
    tmp_path: Path, mocked_cli: dict[str, Any], args: list[str], needle: str
) -> None:
    data = tmp_path / "data"
    code, out = _invoke(data, "fetch", *args)
    assert code == 2, out
    assert needle in out and "Traceback" not in out
    assert mocked_cli["seen"] == []
    assert not data.exists()  # refused before the store is opened
