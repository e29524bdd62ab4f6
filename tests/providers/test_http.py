"""The shared HTTP layer: retries, Retry-After, timeouts, truncation, scrubbing, rate limits."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import httpx
import pytest
from provider_helpers import make_settings, mock_client

from sizeup.data.providers.http import (
    HttpClient,
    Request,
    TokenBucket,
    check_status,
    looks_like_html,
    scrub_url,
)
from sizeup.errors import ConfigError, ProviderError, RateLimitError


def _req(site: str = "yahoo", **params: str) -> Request:
    return Request(site, "https://example.test/path", tuple(params.items()))


# ------------------------------------------------------------------------------ scrubbing
def test_scrub_removes_every_secret_parameter_and_userinfo() -> None:
    url = "https://u:pw@stooq.com/q/d/l/?s=iwm.us&apikey=SECRET1&i=d&API_KEY=SECRET2&Key=S3"
    out = scrub_url(url)
    assert "SECRET1" not in out and "SECRET2" not in out and "S3" not in out
    assert "pw" not in out and "u:" not in out
    assert out == "https://stooq.com/q/d/l/?s=iwm.us&i=d"


def test_scrub_keeps_urls_without_secrets_unchanged() -> None:
    url = "https://query2.finance.yahoo.com/v8/finance/chart/%5ERUT?period1=1&interval=1d"
    assert scrub_url(url) == url


def test_request_identity_drops_ranges_and_secrets() -> None:
    req = Request(
        "fredapi",
        "https://api.stlouisfed.org/fred/series/observations",
        (("series_id", "DGS10"), ("api_key", "abc"), ("observation_start", "2020-01-01")),
        range_params=frozenset({"observation_start"}),
    )
    assert "abc" in req.full_url
    assert "abc" not in req.scrubbed_url and "abc" not in repr(req)
    assert req.identity == "https://api.stlouisfed.org/fred/series/observations?series_id=DGS10"


# ------------------------------------------------------------------------------ retries
def test_429_with_retry_after_waits_then_succeeds(tmp_path: Path) -> None:
    calls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "0.3"}, text="slow down")
        return httpx.Response(200, text="ok")

    with mock_client(handler, make_settings(tmp_path)) as client:
        resp = client.send(_req())
    assert resp.status == 200 and resp.body == b"ok"
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.28  # the Retry-After was honoured


def test_429_every_time_raises_rate_limit_error_with_retry_after(tmp_path: Path) -> None:
    hits = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal hits
        hits += 1
        return httpx.Response(429, headers={"Retry-After": "0.01"})

    with (
        mock_client(handler, make_settings(tmp_path, max_retries=3)) as client,
        pytest.raises(RateLimitError) as info,
    ):
        client.send(_req())
    assert hits == 3
    assert info.value.retry_after == pytest.approx(0.01)


def test_retry_after_beyond_max_wait_fails_at_once(tmp_path: Path) -> None:
    hits = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal hits
        hits += 1
        return httpx.Response(429, headers={"Retry-After": "3600"})

    with (
        mock_client(handler, make_settings(tmp_path)) as client,
        pytest.raises(RateLimitError) as info,
    ):
        client.send(_req())
    assert hits == 1
    assert info.value.retry_after == 3600


def test_5xx_then_success(tmp_path: Path) -> None:
    statuses = iter([503, 500, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(statuses), text="body")

    with mock_client(handler, make_settings(tmp_path, max_retries=3)) as client:
        resp = client.send(_req())
        assert client.attempts == 3
    assert resp.status == 200


def test_5xx_every_time_is_a_provider_error(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="bad gateway")

    with (
        mock_client(handler, make_settings(tmp_path, max_retries=2)) as client,
        pytest.raises(ProviderError, match="HTTP 502") as info,
    ):
        client.send(_req())
        assert client.attempts == 2
    assert not isinstance(info.value, RateLimitError)


def test_timeouts_are_retried_then_reported(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    with (
        mock_client(handler, make_settings(tmp_path, max_retries=3)) as client,
        pytest.raises(ProviderError, match="timed out"),
    ):
        client.send(_req())
        assert client.attempts == 3


def test_timeout_then_success(tmp_path: Path) -> None:
    seen = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal seen
        seen += 1
        if seen == 1:
            raise httpx.ConnectTimeout("connect timed out", request=request)
        return httpx.Response(200, text="fine")

    with mock_client(handler, make_settings(tmp_path)) as client:
        assert client.send(_req()).body == b"fine"


def test_truncated_body_is_retried_and_reported(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body", request=request
        )

    with (
        mock_client(handler, make_settings(tmp_path, max_retries=2)) as client,
        pytest.raises(ProviderError, match="truncated"),
    ):
        client.send(_req())
        assert client.attempts == 2


def test_403_is_not_retried_and_returned(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, text="Forbidden")

    with mock_client(handler, make_settings(tmp_path)) as client:
        resp = client.send(_req())
        assert client.attempts == 1
    assert resp.status == 403
    with pytest.raises(ProviderError, match="refused"):
        check_status(resp, what="x")


# ------------------------------------------------------------------------------ user agents
def test_sec_requests_send_the_contact_user_agent(tmp_path: Path) -> None:
    agents: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        agents[request.url.host] = request.headers["User-Agent"]
        return httpx.Response(200, text="{}")

    settings = make_settings(tmp_path, sec_user_agent="Jane Doe jane@example.org")
    with mock_client(handler, settings) as client:
        client.send(Request("sec", "https://www.sec.gov/files/company_tickers.json"))
        client.send(Request("yahoo", "https://query2.finance.yahoo.com/v8/finance/chart/IWM"))
    assert agents["www.sec.gov"] == "Jane Doe jane@example.org"
    assert agents["query2.finance.yahoo.com"] == settings.user_agent


@pytest.mark.parametrize("ua", [None, "", "python-httpx/0.28"])
def test_sec_without_contact_is_a_config_error_and_sends_nothing(
    tmp_path: Path, ua: str | None
) -> None:
    hits = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal hits
        hits += 1
        return httpx.Response(200)

    with (
        mock_client(handler, make_settings(tmp_path, sec_user_agent=ua)) as client,
        pytest.raises(ConfigError, match="SIZEUP_SEC_USER_AGENT"),
    ):
        client.send(Request("secdata", "https://data.sec.gov/submissions/CIK0000320193.json"))
    assert hits == 0


# ------------------------------------------------------------------------------ logging
def test_credentials_never_reach_the_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500 if "retry" in str(request.url) else 200, text="x")

    caplog.set_level(logging.DEBUG)
    with mock_client(handler, make_settings(tmp_path, max_retries=2)) as client:
        client.send(_req("fredapi", series_id="DGS10", api_key="SUPERSECRET123"))
        with pytest.raises(ProviderError) as info:
            client.send(_req("stooq", s="retry", apikey="SUPERSECRET123"))
    assert "HTTP Request" in caplog.text  # httpx did log the requests ...
    assert "SUPERSECRET123" not in caplog.text  # ... without the key
    assert "SUPERSECRET123" not in str(info.value)


# ------------------------------------------------------------------------------ base URLs
def test_base_url_overrides(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    one = HttpClient(settings, base_urls={"*": "http://127.0.0.1:9/"})
    assert one.base_url("yahoo") == "http://127.0.0.1:9"
    assert one.base_url("secdata") == "http://127.0.0.1:9"
    per = HttpClient(settings, base_urls={"sec": "http://127.0.0.1:8"})
    assert per.base_url("sec") == per.base_url("secdata") == "http://127.0.0.1:8"
    assert per.base_url("yahoo") == "https://query2.finance.yahoo.com"
    with pytest.raises(ConfigError, match="unknown site"):
        HttpClient(settings, base_urls={"bloomberg": "http://x"})
    one.close()
    per.close()


def test_looks_like_html() -> None:
    assert looks_like_html(b"\xef\xbb\xbf  <!DOCTYPE html><html>")
    assert looks_like_html(b"<HTML><body>Page Not Available</body></HTML>")
    assert not looks_like_html(b"Date,Open,High,Low,Close,Volume\r\n")
    assert not looks_like_html(b'{"chart":{}}')


# ------------------------------------------------------------------------------ token bucket
class _FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_token_bucket_never_exceeds_rate_plus_one_in_any_second() -> None:
    clock = _FakeClock()
    bucket = TokenBucket(8.0, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(100):
        bucket.acquire()
        times.append(clock.now)
    # 100 tokens at 8/s starting with one in the bucket: the last one at (100 - 1) / 8 s.
    assert times[-1] - times[0] == pytest.approx(99 / 8)
    for i, t in enumerate(times):
        in_window = sum(1 for u in times[i:] if u <= t + 1.0)
        assert in_window <= 9


def test_token_bucket_refills_after_idle_but_only_to_capacity() -> None:
    clock = _FakeClock()
    bucket = TokenBucket(2.0, clock=clock, sleep=clock.sleep)
    assert bucket.acquire() == 0.0
    clock.now += 60.0  # a long pause must not bank 120 tokens
    assert bucket.acquire() == 0.0
    assert bucket.acquire() == pytest.approx(0.5)


def test_token_bucket_rejects_bad_rates() -> None:
    with pytest.raises(ConfigError):
        TokenBucket(0.0)
