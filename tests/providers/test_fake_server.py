"""End to end: ``sizeup fetch core --base-url`` against a local server with injected faults."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import typer
from fake_server import FakeServer
from provider_helpers import make_settings
from routes import core_routes
from typer.testing import CliRunner

from sizeup.cli._fetch import register
from sizeup.data.providers.fetch import (
    CORE_FRED,
    CORE_FRENCH,
    CORE_SYMBOLS,
    FetchOptions,
    ItemResult,
    run_fetch,
)
from sizeup.data.providers.http import HttpClient
from sizeup.data.store import Store

pytestmark = [pytest.mark.shared_data, pytest.mark.slow, pytest.mark.timeout(240)]

N_ITEMS = len(CORE_SYMBOLS) + len(CORE_FRED) + len(CORE_FRENCH)
# transient faults: each item still succeeds after the client's retries
FAULTS = {
    "/v8/finance/chart/IWM": ["503"],
    "/v8/finance/chart/SPY": ["429"],  # Retry-After: 1
    "/v8/finance/chart/QQQ": ["truncate"],  # Content-Length promises more than is sent
    "/v8/finance/chart/DIA": ["slow"],  # longer than the 1 s timeout
    "/v8/finance/chart/^RUT": ["reset"],  # connection closed without a response
    "/graph/fredgraph.csv": ["503"],
}


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root."""

    register(app)
    return app


def _cli(args: list[str], data_dir: Path) -> tuple[int, str]:
    env = {
        "SIZEUP_DATA_DIR": str(data_dir),
        "SIZEUP_TIMEOUT": "1.0",
        "SIZEUP_MAX_RETRIES": "3",
        "SIZEUP_USER_AGENT": "sizeup-e2e (e2e@example.org)",
        "SIZEUP_CONFIG": str(data_dir.parent / "absent.toml"),
    }
    result = CliRunner().invoke(_app(), args, env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _content(store: Store) -> dict[str, pd.DataFrame]:
    out = {name: store.read(name) for name in ("bars", "actions", "series")}
    out["payloads"] = (
        store.read("payloads")[["url", "sha256", "bytes", "source", "status"]]
        .sort_values(["url", "sha256"])
        .reset_index(drop=True)
    )
    return out


@pytest.fixture(scope="module")
def routes(shared_fixtures: Path) -> dict:
    return core_routes(shared_fixtures, CORE_SYMBOLS)


def test_fetch_core_twice_then_resume_after_kill(routes: dict, tmp_path: Path) -> None:
    faults = {k: list(v) for k, v in FAULTS.items()}
    until = dt.date.today().isoformat()
    with FakeServer(routes=routes, faults=faults) as server:
        # ---- first run: every fault is transient, every item ends ok
        code, out = _cli(
            ["fetch", "core", "--base-url", server.url, "--until", until], tmp_path / "a"
        )
        assert code == 0, out
        assert "ok" in out and "failed" in out  # the report table
        first_hits = len(server.hits)
        statuses = {h.status for h in server.hits}
        assert {429, 503} <= statuses
        store = Store.open(tmp_path / "a")
        assert set(store.read("bars")["symbol"]) == set(CORE_SYMBOLS)
        assert len(store.read("payloads")) == N_ITEMS
        assert {h.user_agent for h in server.hits} == {"sizeup-e2e (e2e@example.org)"}
        for path in FAULTS:  # each fault cost exactly one extra request
            assert server.paths().count(path) == (2 if "chart" in path else len(CORE_FRED) + 1)

        # ---- second run: nothing new is requested
        code, out = _cli(
            ["fetch", "core", "--base-url", server.url, "--until", until], tmp_path / "a"
        )
        assert code == 0, out
        assert len(server.hits) == first_hits
        assert "skipped" in out

        # ---- a run killed after 9 items, then the CLI again: same store content
        settings = make_settings(tmp_path, data_dir=tmp_path / "b", timeout=1.0)
        resumed = Store.open(tmp_path / "b")
        done: list[ItemResult] = []

        class Kill:
            def planned(self, count: int) -> None:
                pass

            def started(self, key: str) -> None:
                pass

            def finished(self, result: ItemResult) -> None:
                done.append(result)
                if len(done) == 9:
                    raise KeyboardInterrupt

        with (
            HttpClient(settings, base_urls={"*": server.url}) as client,
            pytest.raises(KeyboardInterrupt),
        ):
            run_fetch(
                "core",
                store=resumed,
                settings=settings,
                options=FetchOptions(until=dt.date.fromisoformat(until)),
                client=client,
                observer=Kill(),
            )
        assert [r.status for r in done] == ["ok"] * 9
        before = len(server.hits)
        code, out = _cli(
            ["fetch", "core", "--base-url", server.url, "--until", until], tmp_path / "b"
        )
        assert code == 0, out
        assert len(server.hits) - before == N_ITEMS - 9  # only the missing items
        clean, again = _content(store), _content(resumed)
        for name, frame in clean.items():
            pd.testing.assert_frame_equal(frame, again[name], obj=name)


def test_permanent_failures_are_reported_and_exit_codes(routes: dict, tmp_path: Path) -> None:
    faults = {
        "/v8/finance/chart/DIA": ["html"] * 5,
        "/v8/finance/chart/NOPE": ["404"] * 5,
    }
    with FakeServer(routes=routes, faults=faults) as server:
        code, out = _cli(
            ["fetch", "core", "--symbols", "IWM,DIA", "-s", "NOPE", "--base-url", server.url],
            tmp_path / "c",
        )
        assert code == 0, out  # something was fetched
        assert "yahoo:DIA" in out and "HTML" in out
        assert "yahoo:NOPE" in out and "delisted" in out
        store = Store.open(tmp_path / "c")
        assert set(store.read("bars")["symbol"]) == {"IWM"}

    with FakeServer(routes={}) as empty:
        code, out = _cli(["fetch", "core", "--base-url", empty.url], tmp_path / "d")
        assert code == 1, out
        assert "nothing could be fetched" in out


def test_offline_cli_rebuilds_without_a_server(routes: dict, tmp_path: Path) -> None:
    with FakeServer(routes=routes) as server:
        code, out = _cli(["fetch", "core", "-s", "IWM", "--base-url", server.url], tmp_path / "e")
        assert code == 0, out
    store = Store.open(tmp_path / "e")
    before = _content(store)
    for name in ("bars", "actions", "series"):
        for path in (store.root / name).rglob("*.parquet"):
            path.unlink()
    code, out = _cli(["fetch", "core", "-s", "IWM", "--offline"], tmp_path / "e")
    assert code == 0, out
    after = _content(store)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


def test_cli_rejects_bad_input(tmp_path: Path) -> None:
    code, out = _cli(["fetch", "everything"], tmp_path / "f")
    assert code == 2 and "core" in out
    code, out = _cli(["fetch", "core", "--since", "yesterday"], tmp_path / "f")
    assert code == 2 and "YYYY-MM-DD" in out
    code, out = _cli(["fetch", "core", "--base-url", "bloomberg=http://x"], tmp_path / "f")
    assert code == 2 and "unknown site" in out
