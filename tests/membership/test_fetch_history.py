"""Historical holdings fetch (iShares ``asOfDate``) on httpx.MockTransport.

The good answers are the real iShares files of ../shared/fixtures (one of them re-dated in
memory); the failing ones are written here by hand: HTTP 503, an HTML page with 200, an empty
body, a file cut before its footer, and a file whose date is not the one asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd
import pytest

from sizeup.config import Settings
from sizeup.data.providers import ishares
from sizeup.data.providers.fetch import FetchOptions, FetchReport, run_fetch, snapshot_dates
from sizeup.data.providers.http import HttpClient
from sizeup.data.store import Store
from sizeup.errors import ConfigError, ProviderResponseError

D = dt.date
NOW = dt.datetime(2026, 7, 1, 22, 0, tzinfo=dt.UTC)
RATES = {site: 1000.0 for site in ("yahoo", "stooq", "fred", "fredapi", "french", "ishares")}


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        user_agent="sizeup-tests/0.1 (tests@example.org)",
        sec_user_agent="Sizeup Tests tests@example.org",
        timeout=2.0,
        max_retries=2,
    )


def _fetch(
    handler: Callable[[httpx.Request], httpx.Response],
    store: Store,
    settings: Settings,
    dates: tuple[dt.date, ...],
) -> FetchReport:
    client = HttpClient(
        settings,
        transport=httpx.MockTransport(handler),
        backoff=0.001,
        max_wait=5.0,
        rates=RATES,
    )
    with client:
        return run_fetch(
            "holdings",
            store=store,
            settings=settings,
            options=FetchOptions(fund="IWM", dates=dates),
            client=client,
            now=NOW,
        )


@pytest.fixture
def bodies(shared_fixtures: Path) -> dict[str, bytes]:
    full = (shared_fixtures / "ishares/IWM_holdings_2026-05-05_trimmed.csv").read_bytes()
    head = (shared_fixtures / "ishares/IWM_holdings_2025-11-05_head16.csv").read_bytes()
    assert b'"May 05, 2026"' in full
    return {
        "20260505": full,
        "20251231": full.replace(b'"May 05, 2026"', b'"Dec 31, 2025"'),  # re-dated in memory
        "20251105": head,  # real, but cut after 16 lines: no footer
        "20260430": full,  # the server answers another date's file
        "20260227": b"<!DOCTYPE html><html><body>Access Denied</body></html>",
        "20260130": b"",
        "20260331": b"Service Unavailable",  # sent with HTTP 503
    }


def _handler(
    bodies: dict[str, bytes], seen: list[str]
) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.params["fileName"] == "IWM_holdings"
        day = request.url.params["asOfDate"]
        seen.append(day)
        status = 503 if day == "20260331" else 200
        return httpx.Response(status, content=bodies[day])

    return handle


ASKED = (
    D(2025, 11, 5),
    D(2025, 12, 31),
    D(2026, 1, 30),
    D(2026, 2, 27),
    D(2026, 3, 31),
    D(2026, 4, 30),
    D(2026, 5, 5),
)


@pytest.mark.shared_data
def test_history_reports_failed_dates_and_stores_good_snapshots(
    tmp_path: Path, bodies: dict[str, bytes]
) -> None:
    store = Store.open(tmp_path / "data")
    seen: list[str] = []
    report = _fetch(_handler(bodies, seen), store, _settings(tmp_path), ASKED)
    by_key = {r.key: r for r in report.results}
    assert list(by_key) == [f"ishares:IWM@{d.isoformat()}" for d in ASKED]
    status = {k.split("@")[1]: (r.status, r.reason) for k, r in by_key.items()}
    assert status["2025-12-31"][0] == "ok"
    assert "15 equity rows" in status["2025-12-31"][1]  # 12 listed + 3 private, as in the file
    assert status["2025-11-05"][0] == "failed" and "truncated" in status["2025-11-05"][1]
    assert status["2026-01-30"][0] == "failed" and "empty" in status["2026-01-30"][1]
    assert status["2026-02-27"][0] == "failed" and "HTML" in status["2026-02-27"][1]
    assert status["2026-03-31"][0] == "failed" and "503" in status["2026-03-31"][1]
    # another date's file: the date asked failed, the real date is named and stored
    assert status["2026-04-30"][0] == "failed"
    assert "as of 2026-05-05" in status["2026-04-30"][1]
    assert by_key["ishares:IWM@2026-04-30"].rows > 0
    # ...so asking 2026-05-05 itself needs no request
    assert status["2026-05-05"] == ("skipped", "snapshot 2026-05-05 already stored")
    assert "20260505" not in seen
    failed = [r.key for r in report.failed]
    assert len(failed) == 5 and report.exit_code == 0
    text = report.summary()
    for day in ("2025-11-05", "2026-01-30", "2026-02-27", "2026-03-31", "2026-04-30"):
        assert f"FAILED ishares:IWM@{day}" in text
    # what the store holds: the two good snapshots, under their real dates, nothing else
    held = store.read("holdings")
    assert sorted(held["as_of"].dt.date.unique()) == [D(2025, 12, 31), D(2026, 5, 5)]
    assert set(held["fund"]) == {"IWM"}
    assert len(store.read("payloads")) == 2  # only bodies that parsed were archived
    # a second run asks only for the dates that failed
    seen.clear()
    again = _fetch(_handler(bodies, seen), store, _settings(tmp_path), ASKED)
    assert {r.key.split("@")[1] for r in again.skipped} == {"2025-12-31", "2026-05-05"}
    assert "20251231" not in seen and "20260505" not in seen
    # offline: one item re-parses every archived snapshot of the fund, no request
    offline = run_fetch(
        "holdings",
        store=store,
        settings=_settings(tmp_path),
        options=FetchOptions(fund="IWM", dates=ASKED, offline=True),
        now=NOW,
    )
    assert [(r.key, r.status, r.reason) for r in offline.results] == [
        ("ishares:IWM", "ok", "2 archived bodies")
    ]
    assert offline.requests == 0


def test_only_bad_answers_leave_the_store_unchanged(tmp_path: Path) -> None:
    bad = {
        "20260130": b"",
        "20260227": b"<html><head></head><body>Please enable cookies</body></html>",
        "20260331": b"oops",
        # a holdings header and no rows; a file without its date line
        "20260430": b'Fund Holdings as of,"Apr 30, 2026"\r\n\xc2\xa0\r\n'
        b"Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Price,Quantity\r\n"
        b"\xc2\xa0\r\nfooter\r\n",
        "20260529": b"iShares Russell 2000 ETF\r\n\xc2\xa0\r\n"
        b"Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price\r\n"
        b'"AAA","A CO","Industrials","Equity","1.00","1.00","1.00","1.00","1.00"\r\n'
        b"\xc2\xa0\r\nfooter\r\n",
    }
    store = Store.open(tmp_path / "data")
    store.write(
        {
            "holdings": pd.DataFrame(
                {
                    "fund": ["IWM"],
                    "as_of": [pd.Timestamp("2025-12-31")],
                    "symbol": ["ZZZ"],
                    "name": ["Z CO"],
                    "sector": ["x"],
                    "asset_class": ["Equity"],
                    "weight": [1.0],
                    "shares": [1.0],
                    "price": [1.0],
                    "market_value": [1.0],
                    "source": ["hand"],
                }
            )
        }
    )
    before = store.version
    seen: list[str] = []
    dates = tuple(D(int(k[:4]), int(k[4:6]), int(k[6:])) for k in bad)
    report = _fetch(_handler(bad, seen), store, _settings(tmp_path), dates)
    assert [r.status for r in report.results] == ["failed"] * 5
    reasons = {r.key.split("@")[1]: r.reason for r in report.results}
    assert "no rows" in reasons["2026-04-30"]
    assert "'Fund Holdings as of'" in reasons["2026-05-29"]
    assert report.exit_code == 1
    store.refresh()
    assert store.version == before
    assert store.read("payloads").empty
    assert list(store.read("holdings")["symbol"]) == ["ZZZ"]


def test_parse_snapshot_errors_name_the_date() -> None:
    with pytest.raises(ProviderResponseError, match=r"IWM for 2024-12-31: the body is empty"):
        ishares.parse_snapshot(b"\xef\xbb\xbf \r\n", fund="IWM", asked=D(2024, 12, 31))
    with pytest.raises(ProviderResponseError, match="HTML"):
        ishares.parse_snapshot(b"<html></html>", fund="IWM", asked=D(2024, 12, 31))


def test_snapshot_dates_are_exchange_month_ends() -> None:
    # 2024: Mar 29 was Good Friday (closed) -> Mar 28; Jun 30 and Nov 30 fell on weekends
    got = snapshot_dates(start=D(2024, 1, 15), end=D(2024, 12, 31))
    assert got == (
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 28),
        D(2024, 4, 30),
        D(2024, 5, 31),
        D(2024, 6, 28),
        D(2024, 7, 31),
        D(2024, 8, 30),
        D(2024, 9, 30),
        D(2024, 10, 31),
        D(2024, 11, 29),
        D(2024, 12, 31),
    )
    # a month still running at --to is not asked
    assert snapshot_dates(start=D(2024, 1, 1), end=D(2024, 3, 15)) == (
        D(2024, 1, 31),
        D(2024, 2, 29),
    )
    assert snapshot_dates(start=D(2023, 1, 1), end=D(2024, 12, 31), every="year") == (
        D(2023, 12, 29),
        D(2024, 12, 31),
    )
    assert snapshot_dates(asof=D(2024, 12, 31)) == (D(2024, 12, 31),)
    assert snapshot_dates() == ()


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        ({"asof": D(2024, 1, 31), "start": D(2024, 1, 1)}, "--asof"),
        ({"start": D(2024, 1, 1)}, "--to"),
        ({"start": D(2024, 3, 1), "end": D(2024, 1, 1)}, "--from"),
        ({"start": D(2024, 1, 1), "end": D(2024, 3, 1), "every": "fortnight"}, "--every"),
        ({"start": D(2024, 3, 4), "end": D(2024, 3, 15)}, "--from"),
    ],
)
def test_snapshot_dates_errors(kwargs: dict[str, object], option: str) -> None:
    with pytest.raises(ConfigError) as info:
        snapshot_dates(**kwargs)  # type: ignore[arg-type]
    assert info.value.input == option


def test_universe_bundle_fetches_members_of_every_snapshot(tmp_path: Path) -> None:
    from sizeup.data.providers.fetch import _members

    store = Store.open(tmp_path / "data")
    rows = [
        ("2024-10-31", "AAA", "Equity"),
        ("2024-10-31", "BBB", "Equity"),
        ("2024-10-31", "USD", "Cash"),
        ("2024-12-31", "BBB", "Equity"),
        ("2024-12-31", "CCC", "Equity"),
        ("2024-12-31", "-:PRIVATE CO", "Equity"),
    ]
    store.write(
        {
            "holdings": pd.DataFrame(
                {
                    "fund": "IWM",
                    "as_of": [pd.Timestamp(r[0]) for r in rows],
                    "symbol": [r[1] for r in rows],
                    "asset_class": [r[2] for r in rows],
                    "source": "hand",
                }
            )
        }
    )
    # AAA left before the latest snapshot; its prices are still needed for earlier breadth
    assert _members(store, "IWM") == ["AAA", "BBB", "CCC"]
