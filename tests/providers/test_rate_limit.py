"""SEC fair access: 200 requests against a local server never exceed 10 in any 1 s window."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fake_server import FakeServer
from provider_helpers import make_settings

from sizeup.data.providers import sec
from sizeup.data.providers.http import HttpClient

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

N_REQUESTS = 200
N_THREADS = 4


def test_200_sec_requests_stay_under_10_per_second(tmp_path: Path) -> None:
    routes = {f"/api/xbrl/companyfacts/CIK{cik:010d}.json": b"{}" for cik in range(1, 201)}
    routes["/files/company_tickers.json"] = b"{}"
    settings = make_settings(tmp_path, sec_user_agent="Rate Test rate@example.org")
    with FakeServer(routes=routes) as server:
        client = HttpClient(settings, base_urls={"*": server.url})  # production SEC limiter

        def worker(ciks: list[int]) -> None:
            for cik in ciks:
                # www.sec.gov and data.sec.gov share one bucket: mix both hosts
                if cik % 10 == 0:
                    request = sec.company_tickers_request(base_url=client.base_url("sec"))
                else:
                    request = sec.companyfacts_request(cik, base_url=client.base_url("secdata"))
                assert client.send(request).status == 200

        ciks = list(range(1, N_REQUESTS + 1))
        threads = [
            threading.Thread(target=worker, args=(ciks[i::N_THREADS],)) for i in range(N_THREADS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        client.close()
    times = sorted(h.at for h in server.hits)
    assert len(times) == N_REQUESTS
    worst = max(
        sum(1 for u in times[i:] if u < t + 1.0) for i, t in enumerate(times)
    )  # most arrivals in any half-open 1 s window starting at an arrival
    assert worst <= 10, worst
    # and the limiter is not needlessly slow: 8/s means about 25 s for 200 requests
    span = times[-1] - times[0]
    assert 199 / 8 * 0.95 <= span <= 199 / 8 * 1.3, span
    assert {h.user_agent for h in server.hits} == {"Rate Test rate@example.org"}
