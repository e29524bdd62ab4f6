"""HTTP bodies are capped, a request has a whole deadline, and a dead network stops fetch fast."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from provider_helpers import make_settings

from sizeup.data.providers.fetch import FetchOptions, run_fetch
from sizeup.data.providers.http import HttpClient, NetworkDownError, Request
from sizeup.data.store import Store
from sizeup.errors import ProviderError, ProviderResponseError

_URL = "https://query1.finance.yahoo.com/v8/finance/chart/IWM"


def _client(tmp_path: Path, handler: httpx.MockTransport, **kw: object) -> HttpClient:
    return HttpClient(make_settings(tmp_path), transport=handler, backoff=0.001, **kw)


def test_body_larger_than_the_cap_is_refused(tmp_path: Path) -> None:
    declared = httpx.MockTransport(lambda r: httpx.Response(200, content=b"x" * 5000))
    with (
        _client(tmp_path, declared, max_body=4096) as client,
        pytest.raises(ProviderResponseError, match="larger than the limit of 4,096 bytes"),
    ):
        client.send(Request("yahoo", _URL))

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap applies while reading
        for _ in range(100):
            yield b"y" * 1000

    streamed = httpx.MockTransport(lambda r: httpx.Response(200, content=chunks()))
    with (
        _client(tmp_path, streamed, max_body=10_000) as client,
        pytest.raises(ProviderResponseError, match="body larger than the limit") as err,
    ):
        client.send(Request("yahoo", _URL))
    assert err.value.value is not None and int(str(err.value.value)) <= 11_000
    small = httpx.MockTransport(lambda r: httpx.Response(200, content=b"ok"))
    with _client(tmp_path, small, max_body=10) as client:
        assert client.send(Request("yahoo", _URL)).body == b"ok"


def test_whole_request_deadline_covers_a_slow_trickle(tmp_path: Path) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(1000):
            time.sleep(0.05)
            yield b"z"

    slow = httpx.MockTransport(lambda r: httpx.Response(200, content=trickle()))
    started = time.monotonic()
    with (
        _client(tmp_path, slow, deadline=0.5) as client,
        pytest.raises(ProviderError, match="timed out"),
    ):
        client.send(Request("yahoo", _URL))
    assert time.monotonic() - started < 5.0  # not 1000 x 50 ms, not once per retry


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_fetch_stops_within_seconds_when_no_host_answers(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, timeout=2.0, max_retries=4)
    store = Store.open(tmp_path / "data")
    dead = f"http://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with HttpClient(settings, base_urls={"*": dead}, backoff=0.2) as client:
        report = run_fetch(
            "core", store=store, settings=settings, options=FetchOptions(), client=client
        )
    elapsed = time.monotonic() - started
    assert elapsed < 10.0, elapsed
    assert "network looks down" in report.stopped
    assert len(report.results) == 1 and report.exit_code == 1
    assert "STOPPED" in report.summary()


def test_a_host_that_answered_once_is_not_called_down(tmp_path: Path) -> None:
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(200, content=b"first")
        raise httpx.ConnectError("refused", request=request)

    with _client(tmp_path, httpx.MockTransport(flaky)) as client:
        assert client.send(Request("yahoo", _URL)).body == b"first"
        with pytest.raises(ProviderError) as err:
            client.send(Request("yahoo", _URL))
    assert not isinstance(err.value, NetworkDownError) and "cannot connect" in str(err.value)
