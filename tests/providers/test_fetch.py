"""Fetch orchestration on httpx.MockTransport: incremental, resumable, offline, failures."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import httpx
import pandas as pd
import pytest
from provider_helpers import make_settings, mock_client
from routes import IWM_PATH, YAHOO_FILES, Router, core_routes, other_routes

from sizeup.config import Settings
from sizeup.data.providers import yahoo
from sizeup.data.providers.fetch import (
    CORE_FRED,
    CORE_FRENCH,
    FetchOptions,
    FetchReport,
    ItemResult,
    parse_base_urls,
    run_fetch,
)
from sizeup.data.store import Store
from sizeup.errors import ConfigError

pytestmark = pytest.mark.shared_data

NOW = dt.datetime(2026, 7, 1, 22, 0, tzinfo=dt.UTC)  # after the close in New York
SYMBOLS = ("AAPL", "MSFT", "NVDA")
N_CORE = len(SYMBOLS) + len(CORE_FRED) + len(CORE_FRENCH)


def _run(
    router: Router,
    store: Store,
    settings: Settings,
    bundle: str = "core",
    **options: object,
) -> FetchReport:
    opts = FetchOptions(**({"symbols": SYMBOLS} | options))
    with mock_client(router, settings) as client:
        return run_fetch(
            bundle,
            store=store,
            settings=settings,
            options=opts,
            client=client,
            now=NOW,
        )


def _tables(store: Store) -> dict[str, pd.DataFrame]:
    out = {name: store.read(name) for name in ("bars", "actions", "series")}
    payloads = store.read("payloads")
    out["payloads"] = (
        payloads[["url", "sha256", "bytes", "source", "status"]]
        .sort_values(["url", "sha256"])
        .reset_index(drop=True)
    )
    return out


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name, frame in a.items():
        pd.testing.assert_frame_equal(frame, b[name], obj=name)


@pytest.fixture
def router(shared_fixtures: Path) -> Router:
    return Router(core_routes(shared_fixtures, SYMBOLS) | other_routes(shared_fixtures))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "data")


def test_core_fetch_then_nothing_new(
    router: Router, store: Store, settings: Settings, shared_fixtures: Path
) -> None:
    report = _run(router, store, settings)
    assert [r.status for r in report.results] == ["ok"] * N_CORE, report.summary()
    assert report.requests == N_CORE == len(router.requests)
    assert report.exit_code == 0
    # the stored bars are exactly the parsed fixture
    expected = yahoo.parse_chart((shared_fixtures / YAHOO_FILES[1]).read_bytes(), symbol="MSFT")
    got = store.bars(["MSFT"], source="yahoo")
    pd.testing.assert_frame_equal(got, expected["bars"])
    actions = store.read("actions")
    assert len(actions[actions["symbol"] == "MSFT"]) == 4
    series = store.series(["FRED:DGS10"])
    assert series["FRED:DGS10"].loc["2025-12-24"] == pytest.approx(4.15)
    # every raw body was archived, keyed by its scrubbed URL
    payloads = store.read("payloads")
    assert len(payloads) == N_CORE
    first_chart = next(u for u in payloads["url"] if "/chart/AAPL" in u)
    assert store.latest_payload(first_chart) is not None

    again = _run(router, store, settings)
    assert again.requests == 0 and len(router.requests) == N_CORE
    assert {r.status for r in again.results} == {"skipped"}
    assert all("up to date" in r.reason for r in again.results)
    assert again.exit_code == 0


def test_bars_are_incremental_from_the_stored_end(
    router: Router, store: Store, settings: Settings
) -> None:
    first = _run(router, store, settings, until=dt.date(2022, 1, 28))
    assert first.ok
    req = next(r for r in router.requests if r.url.path.endswith("/MSFT"))
    assert req.url.params["period1"] == "-2208988800"  # whole history for a new symbol
    router.requests.clear()
    later = _run(router, store, settings, until=dt.date(2022, 2, 4), symbols=("MSFT",))
    chart = [r for r in router.requests if r.url.path.endswith("/MSFT")]
    assert len(chart) == 1
    # stored bars end 2022-01-28; the request starts at the second-to-last bar, 2022-01-27
    assert chart[0].url.params["period1"] == str(
        int(dt.datetime(2022, 1, 27, tzinfo=dt.UTC).timestamp())
    )
    assert chart[0].url.params["period2"] == str(
        int(dt.datetime(2022, 2, 5, tzinfo=dt.UTC).timestamp())
    )
    msft = next(r for r in later.results if r.key == "yahoo:MSFT")
    assert msft.status == "ok" and msft.rows == 0  # same data served: nothing changed


def test_changed_adjustment_refetches_the_whole_history(
    router: Router, store: Store, settings: Settings, shared_fixtures: Path
) -> None:
    _run(router, store, settings, until=dt.date(2022, 1, 28), symbols=("MSFT",))
    doc = json.loads((shared_fixtures / YAHOO_FILES[1]).read_bytes())
    result = doc["chart"]["result"][0]
    # a new dividend lowers every earlier adjusted close by 1 %
    result["indicators"]["adjclose"][0]["adjclose"] = [
        v * 0.99 for v in result["indicators"]["adjclose"][0]["adjclose"]
    ]
    changed = json.dumps(doc).encode()
    router.overrides["/v8/finance/chart/MSFT"] = lambda r: httpx.Response(200, content=changed)
    router.requests.clear()
    report = _run(router, store, settings, until=dt.date(2022, 2, 4), symbols=("MSFT",))
    msft = next(r for r in report.results if r.key == "yahoo:MSFT")
    assert msft.requests == 2 and "full history" in msft.reason
    periods = [r.url.params["period1"] for r in router.requests if "chart" in r.url.path]
    assert periods[1] == "-2208988800"
    stored = store.bars(["MSFT"], source="yahoo")
    assert stored["adj_close"].iloc[0] == pytest.approx(231.1864776611328 * 0.99)
    assert len(stored) == 252


def _chart_error(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, content=b'{"chart":{"result":null,"error":{"code":"Bad","description":"oops"}}}'
    )


def test_per_item_failures_leave_only_complete_items(
    router: Router, store: Store, settings: Settings, shared_fixtures: Path
) -> None:
    notfound = (shared_fixtures / "yahoo/chart-404-notfound.quoted.json").read_bytes()
    router.overrides["/v8/finance/chart/BAD"] = lambda r: httpx.Response(404, content=notfound)
    router.overrides["/v8/finance/chart/HTML"] = lambda r: httpx.Response(
        200, content=b"<html><body>Will be right back</body></html>"
    )
    router.overrides["/v8/finance/chart/ERR"] = _chart_error
    full = (shared_fixtures / YAHOO_FILES[0]).read_bytes()
    router.overrides["/v8/finance/chart/CUT"] = lambda r: httpx.Response(200, content=full[:500])
    router.overrides["/v8/finance/chart/EMPTY"] = lambda r: httpx.Response(
        200, content=b'{"chart":{"result":[{"meta":{},"indicators":{"quote":[{}]}}],"error":null}}'
    )
    report = _run(router, store, settings, symbols=("AAPL", "BAD", "HTML", "ERR", "CUT", "EMPTY"))
    by = {r.key: r for r in report.results}
    assert by["yahoo:AAPL"].status == "ok"
    assert by["yahoo:BAD"].status == "failed" and "delisted" in by["yahoo:BAD"].reason
    assert by["yahoo:HTML"].status == "failed" and "HTML" in by["yahoo:HTML"].reason
    assert by["yahoo:ERR"].status == "failed" and "oops" in by["yahoo:ERR"].reason
    assert by["yahoo:CUT"].status == "failed" and "not JSON" in by["yahoo:CUT"].reason
    assert by["yahoo:EMPTY"] == ItemResult("yahoo:EMPTY", "ok", "", 0, 1)
    assert report.exit_code == 0
    assert set(store.read("bars")["symbol"]) == {"AAPL"}
    archived = " ".join(store.read("payloads")["url"])
    for bad in ("BAD", "HTML", "ERR"):  # error bodies are not archived as data
        assert f"/chart/{bad}?" not in archived
    # the failed ones are tried again next time, the good ones are not
    router.requests.clear()
    _run(router, store, settings, symbols=("AAPL", "BAD", "HTML"))
    chart_paths = [p for p in router.paths() if "/chart/" in p]
    assert chart_paths == ["/v8/finance/chart/BAD", "/v8/finance/chart/HTML"]


def test_nothing_fetched_gives_a_non_zero_exit_code(store: Store, settings: Settings) -> None:
    empty = Router({})
    report = _run(empty, store, settings)
    assert not report.ok and len(report.failed) == N_CORE
    assert report.exit_code == 1
    assert store.read("bars").empty and store.read("payloads").empty
    assert "FAILED yahoo:AAPL" in report.summary()


def test_repeated_429_stops_asking_that_site(router: Router, store: Store, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_retries=2)
    router.overrides["/v8/finance/chart/AAPL"] = lambda r: httpx.Response(
        429, headers={"Retry-After": "0"}
    )
    report = _run(router, store, settings)
    by = {r.key: r for r in report.results}
    assert by["yahoo:AAPL"].status == "failed" and "429" in by["yahoo:AAPL"].reason
    assert by["yahoo:MSFT"].status == "skipped" and "rate limit" in by["yahoo:MSFT"].reason
    assert by["fred:DGS10"].status == "ok"  # other sites go on
    assert router.paths().count("/v8/finance/chart/AAPL") == 2
    assert "/v8/finance/chart/MSFT" not in router.paths()


@pytest.mark.slow
def test_offline_rebuilds_identical_tables_without_requests(
    router: Router, store: Store, settings: Settings
) -> None:
    _run(router, store, settings, until=dt.date(2022, 1, 28))
    _run(router, store, settings, until=dt.date(2022, 2, 4))  # a second, incremental piece
    before = _tables(store)
    # the tables are lost; only the raw archive and its index survive
    rebuilt = Store.open(store.root.parent / "rebuilt")
    shutil.copytree(store.root / "raw", rebuilt.root / "raw")
    rebuilt.write({"payloads": store.read("payloads")})
    router.requests.clear()
    offline = _run(router, rebuilt, settings, offline=True)
    assert router.requests == [] and offline.requests == 0
    assert {r.status for r in offline.results} == {"ok"}, offline.summary()
    _assert_same(before, _tables(rebuilt))


def test_offline_with_empty_archive_skips(store: Store, settings: Settings) -> None:
    report = _run(Router({}), store, settings, offline=True)
    assert {r.status for r in report.results} == {"skipped"}
    assert report.exit_code == 0


class _StopAfter:
    def __init__(self, n: int) -> None:
        self.n = n
        self.done: list[ItemResult] = []

    def planned(self, count: int) -> None:
        pass

    def started(self, key: str) -> None:
        pass

    def finished(self, result: ItemResult) -> None:
        self.done.append(result)
        if len(self.done) == self.n:
            raise KeyboardInterrupt


@pytest.mark.slow
def test_interrupted_run_resumes_to_the_same_store(
    router: Router, tmp_path: Path, settings: Settings
) -> None:
    clean = Store.open(tmp_path / "clean")
    _run(router, clean, settings)
    resumed = Store.open(tmp_path / "resumed")
    stopper = _StopAfter(4)
    with mock_client(router, settings) as client, pytest.raises(KeyboardInterrupt):
        run_fetch(
            "core",
            store=resumed,
            settings=settings,
            options=FetchOptions(symbols=SYMBOLS),
            client=client,
            observer=stopper,
            now=NOW,
        )
    assert len(stopper.done) == 4
    router.requests.clear()
    rest = _run(router, resumed, settings)
    statuses = [r.status for r in rest.results]
    assert statuses == ["skipped"] * 4 + ["ok"] * (N_CORE - 4)
    assert len(router.requests) == N_CORE - 4
    _assert_same(_tables(clean), _tables(resumed))


def test_universe_holdings_then_member_bars(
    router: Router, store: Store, settings: Settings
) -> None:
    report = _run(router, store, settings, bundle="universe", symbols=None)
    keys = [r.key for r in report.results]
    assert keys[0] == "ishares:IWM" and report.results[0].status == "ok"
    holdings = store.holdings("IWM")
    assert not holdings.empty
    members = [k.split(":")[1] for k in keys[1:]]
    equity = holdings[holdings["asset_class"] == "Equity"]
    assert len(members) == len(set(members)) > 0
    assert "-" not in members and "RTYM6" not in members  # futures and private rows dropped
    assert set(members) <= set(equity["symbol"].str.replace(".", "-", regex=False))
    # members are not served by the router: each is a per-item failure, not a crash
    assert all(r.status == "failed" for r in report.results[1:])
    assert report.exit_code == 0


def test_fundamentals_need_the_sec_contact(store: Store, tmp_path: Path) -> None:
    no_contact = make_settings(tmp_path, sec_user_agent=None)
    with pytest.raises(ConfigError, match="SIZEUP_SEC_USER_AGENT"):
        run_fetch("fundamentals", store=store, settings=no_contact, now=NOW)


def test_fundamentals_facts_for_symbols(router: Router, store: Store, settings: Settings) -> None:
    report = _run(router, store, settings, bundle="fundamentals", symbols=("AAPL", "NVDA", "ZZZZ"))
    by = {r.key: r for r in report.results}
    assert by["sec:company_tickers"].status == "ok"
    assert by["sec:companyfacts:AAPL"].status == "ok"
    assert by["sec:companyfacts:NVDA"].status == "ok"
    assert by["sec:companyfacts:ZZZZ"].status == "failed"
    assert "no CIK" in by["sec:companyfacts:ZZZZ"].reason
    facts = store.fundamentals(["AAPL"])
    ni = facts[
        (facts["concept"] == "us-gaap:NetIncomeLoss")
        & (facts["period_end"] == pd.Timestamp("2024-09-28"))
        & (facts["filed"] == pd.Timestamp("2024-11-01"))
    ]
    assert list(ni["value"]) == [93_736_000_000]
    assert all(r.headers["User-Agent"] == settings.sec_user_agent for r in router.requests)


def test_sec_403_stops_the_sec_part_of_the_run(
    router: Router, store: Store, settings: Settings
) -> None:
    router.overrides["/api/xbrl/companyfacts/CIK0000320193.json"] = lambda r: httpx.Response(
        403, content=b"<html>Request Rate Threshold Exceeded</html>"
    )
    report = _run(router, store, settings, bundle="fundamentals", symbols=("AAPL", "NVDA"))
    by = {r.key: r for r in report.results}
    assert by["sec:companyfacts:AAPL"].status == "failed"
    assert "Threshold" in by["sec:companyfacts:AAPL"].reason
    assert by["sec:companyfacts:NVDA"].status == "skipped"
    assert store.read("fundamentals").empty


def test_symbols_bundle(router: Router, store: Store, settings: Settings) -> None:
    report = _run(router, store, settings, bundle="symbols", symbols=None)
    assert [r.status for r in report.results] == ["ok", "ok", "ok"]
    symbols = store.read("symbols")
    assert set(symbols["source"]) == {"nasdaqtrader", "sec"}
    assert len(symbols[symbols["source"] == "nasdaqtrader"]) == 36


def test_fred_api_key_is_used_and_never_archived(
    router: Router, store: Store, tmp_path: Path, shared_fixtures: Path
) -> None:
    keyed = make_settings(tmp_path, fred_api_key="abcdef0123456789abcdef0123456789")
    body = (shared_fixtures / "fred/api_series_observations_HQMCB10YR_2023H1.json").read_bytes()
    router.routes["/fred/series/observations"] = body
    _run(router, store, keyed, symbols=())
    sent = [r for r in router.requests if r.url.path == "/fred/series/observations"]
    assert len(sent) == len(CORE_FRED)
    assert sent[0].url.params["api_key"] == "abcdef0123456789abcdef0123456789"
    urls = " ".join(store.read("payloads")["url"])
    assert "abcdef0123456789" not in urls and "series_id=DGS10" in urls
    # HQMCB10YR 2023-01-01 .. 2023-06-01 served for every id: 4.98 on 2023-01-01
    assert store.series(["FRED:DFF"])["FRED:DFF"].loc["2023-01-01"] == pytest.approx(4.98)


def test_parse_base_urls() -> None:
    assert parse_base_urls(["http://127.0.0.1:9000/"]) == {"*": "http://127.0.0.1:9000"}
    assert parse_base_urls(["yahoo=http://a", "sec=https://b"]) == {
        "yahoo": "http://a",
        "sec": "https://b",
    }
    with pytest.raises(ConfigError, match="unknown site"):
        parse_base_urls(["bloomberg=http://x"])
    with pytest.raises(ConfigError, match="not an http"):
        parse_base_urls(["yahoo=ftp://x"])


def test_stooq_without_key_is_a_config_error(store: Store, settings: Settings) -> None:
    with pytest.raises(ConfigError, match="SIZEUP_STOOQ_API_KEY"):
        run_fetch("core", store=store, settings=settings, options=FetchOptions(prices="stooq"))


def test_unknown_bundle(store: Store, settings: Settings) -> None:
    with pytest.raises(ConfigError, match="valid bundles"):
        run_fetch("everything", store=store, settings=settings)


def test_holdings_route_constant_matches_the_provider() -> None:
    from sizeup.data.providers import ishares

    assert ishares.build_request("IWM").url.endswith(IWM_PATH)
