"""``sizeup fetch holdings`` and ``sizeup store info`` end to end, on a server on 127.0.0.1.

The holdings files are hand-made in the current iShares layout (preamble with ``Fund Holdings
as of``, NBSP line, quoted rows, NBSP line, footer).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from typer.testing import CliRunner

from sizeup.cli import app

NBSP = b"\xc2\xa0"
HEADER = (
    b"Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,"
    b"Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)


def holdings_file(day: str, tickers: list[str]) -> bytes:
    """A small holdings file dated ``day`` (e.g. ``Oct 31, 2024``) holding ``tickers``."""
    rows = [
        f'"{t}","{t} CORP","Industrials","Equity","100.00","{100 / len(tickers):.2f}",'
        f'"100.00","10.00","10.00","United States","NASDAQ","USD","1.00","USD","-"'.encode()
        for t in tickers
    ]
    rows.append(
        b'"USD","USD CASH","Cash and/or Derivatives","Cash","5.00","0.01","5.00","5.00",'
        b'"100.00","United States","-","USD","1.00","USD","-"'
    )
    lines = [
        b"\xef\xbb\xbfiShares Russell 2000 ETF",
        f'Fund Holdings as of,"{day}"'.encode(),
        b'Inception Date,"May 22, 2000"',
        NBSP,
        HEADER,
        *rows,
        NBSP,
        b'"The content is hand-made for a test."',
        b"Footer line.",
    ]
    return b"\r\n".join(lines) + b"\r\n"


ANSWERS = {
    "20241031": (200, holdings_file("Oct 31, 2024", ["AAA", "BBB"])),
    "20241129": (200, b"<!DOCTYPE html><html><body>Access Denied</body></html>"),
    "20241231": (200, holdings_file("Dec 31, 2024", ["BBB", "CCC"])),
}


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            query = dict(parse_qsl(urlsplit(self.path).query))
            day = query.get("asOfDate", "")
            asked.append(day)
            status, body = ANSWERS.get(day, (404, b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    finally:
        httpd.shutdown()
        httpd.server_close()


def _invoke(data: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["--data-dir", str(data), *args], env={"COLUMNS": "200"})
    return res.exit_code, res.output


def test_fetch_a_range_then_store_info_lists_the_snapshots(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    base, asked = server
    data = tmp_path / "data"
    code, out = _invoke(
        data,
        "fetch",
        "holdings",
        "IWM",
        "--from",
        "2024-10-01",
        "--to",
        "2024-12-31",
        "--every",
        "month",
        "--base-url",
        f"ishares={base}",
    )
    assert code == 0, out
    # month ends on the exchange calendar: Nov 30 2024 was a Saturday -> Nov 29
    assert asked == ["20241031", "20241129", "20241231"]
    assert "2 ok, 1 failed" in out
    assert "ishares:IWM@2024-11-29" in out and "HTML" in out
    code, out = _invoke(data, "store", "info", "--no-disagreements")
    assert code == 0, out
    assert "holdings IWM: 2 snapshots: 2024-10-31, 2024-12-31" in out
    code, out = _invoke(data, "store", "info", "--no-disagreements", "--json")
    assert code == 0, out
    payload = json.loads(out)
    assert payload["holdings_snapshots"] == {"IWM": ["2024-10-31", "2024-12-31"]}


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["holdings", "IWM", "--asof", "2024-12-31", "--from", "2024-01-01"], "--asof"),
        (["holdings", "IWM", "--from", "2024-01-01"], "--to"),
        (
            ["holdings", "IWM", "--from", "2024-01-01", "--to", "2024-06-30", "--every", "day"],
            "--every",
        ),
        (["holdings", "IWM", "--asof", "2024-13-01"], "--asof"),
        (["core", "--asof", "2024-12-31"], "--asof"),
    ],
)
def test_bad_holdings_options_exit_2_with_a_message(
    tmp_path: Path, args: list[str], names: str
) -> None:
    code, out = _invoke(tmp_path / "data", "fetch", *args, "--base-url", "http://127.0.0.1:9")
    assert code == 2, out
    assert names in out and "Traceback" not in out
    assert not (tmp_path / "data" / "raw").exists()
