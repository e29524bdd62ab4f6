"""SEC fair access on a controlled clock: 200 requests never exceed 10 in any 1 s window.

The rate limiter's clock and sleep are injected: no wall time is measured, so the result does not
depend on the machine's load. Requests go to an ``httpx.MockTransport`` (no network).
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
from provider_helpers import make_settings

from sizeup.data.providers import sec
from sizeup.data.providers.http import SITES, HttpClient, Request

N_REQUESTS = 200
N_THREADS = 4
SEC_RATE = 8.0  # SITES["sec"].rate, typed here as the expected policy


class VirtualClock:
    """A clock that only moves when the code under test sleeps (or the test advances it)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def _requests(client: HttpClient, ciks: list[int]) -> list[Request]:
    out = []
    for cik in ciks:
        # www.sec.gov and data.sec.gov share one bucket: mix both hosts
        if cik % 10 == 0:
            out.append(sec.company_tickers_request(base_url=client.base_url("sec")))
        else:
            out.append(sec.companyfacts_request(cik, base_url=client.base_url("secdata")))
    return out


def _most_in_one_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for u in times[i:] if u < t + 1.0 - 1e-9) for i, t in enumerate(times))


def test_sec_policy_is_eight_per_second() -> None:
    assert SITES["sec"].rate == SEC_RATE
    assert SITES["secdata"].bucket == SITES["sec"].bucket


def test_200_sec_requests_sequential_virtual_clock(tmp_path: Path) -> None:
    clock = VirtualClock()
    arrivals: list[float] = []
    agents: set[str] = set()

    def handler(request: httpx.Request) -> httpx.Response:
        arrivals.append(clock())
        agents.add(request.headers["User-Agent"])
        return httpx.Response(200, content=b"{}")

    settings = make_settings(tmp_path, sec_user_agent="Rate Test rate@example.org")
    client = HttpClient(
        settings, transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep
    )
    for request in _requests(client, list(range(1, N_REQUESTS + 1))):
        assert client.send(request).status == 200
    client.close()
    assert len(arrivals) == N_REQUESTS
    assert _most_in_one_second(arrivals) <= 10
    # one token per 1/8 s: request k arrives at exactly k/8 s (no needless waiting either)
    assert arrivals == pytest.approx([k / SEC_RATE for k in range(N_REQUESTS)])
    assert agents == {"Rate Test rate@example.org"}


def test_idle_time_refills_the_bucket_but_never_beyond_one(tmp_path: Path) -> None:
    """After 10 idle seconds a burst still waits 1/8 s between requests (capacity 1)."""
    clock = VirtualClock()
    arrivals: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        arrivals.append(clock())
        return httpx.Response(200, content=b"{}")

    settings = make_settings(tmp_path, sec_user_agent="Rate Test rate@example.org")
    client = HttpClient(
        settings, transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep
    )
    reqs = _requests(client, list(range(1, 6)))
    client.send(reqs[0])
    clock.advance(10.0)
    for r in reqs[1:]:
        client.send(r)
    client.close()
    assert arrivals == pytest.approx([0.0, 10.0, 10.125, 10.25, 10.375])


def test_four_threads_share_one_bucket(tmp_path: Path) -> None:
    """Clock frozen at 0: the k-th acquisition over all threads must wait exactly k/8 s."""
    frozen = VirtualClock()
    waits: list[float] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            waits.append(seconds)

    settings = make_settings(tmp_path, sec_user_agent="Rate Test rate@example.org")
    client = HttpClient(
        settings,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, content=b"{}")),
        clock=frozen,
        sleep=sleep,
    )
    reqs = _requests(client, list(range(1, N_REQUESTS + 1)))

    def worker(part: list[Request]) -> None:
        for r in part:
            assert client.send(r).status == 200

    threads = [threading.Thread(target=worker, args=(reqs[i::N_THREADS],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    # the first request finds the token; the others are scheduled 1/8 s apart, no two alike
    scheduled = sorted([0.0, *waits])
    assert scheduled == pytest.approx([k / SEC_RATE for k in range(N_REQUESTS)])
    assert _most_in_one_second(scheduled) <= 10
