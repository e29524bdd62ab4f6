"""Routes serving the real fixtures (read in place) under the sources' URL paths (tests only)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx

Body = bytes | Callable[[dict[str, str]], bytes]

YAHOO_FILES = (
    "yahoo/chart-AAPL-2020-08-31-to-2020-11-07.body.json",
    "yahoo/historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.body.json",
    "yahoo/historical-via-chart-NVDA-split-2021-02-01-to-2022-01-31.csv.body.json",
    "yahoo/chart-AAPL-2020-01-01-to-2020-01-03.body.json",
)
FRENCH_FILES = {
    "F-F_Research_Data_Factors": "kenfrench/F-F_Research_Data_Factors.CSV",
    "F-F_Research_Data_Factors_daily": "kenfrench/F-F_Research_Data_Factors_daily.CSV",
    "Portfolios_Formed_on_ME": "kenfrench/Portfolios_Formed_on_ME.CSV",
}
IWM_PATH = "/us/products/239710/ishares-russell-2000-etf/1467271812596.ajax"
IJR_PATH = "/us/products/239774/ishares-core-sp-smallcap-etf/1467271812596.ajax"


def zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def fred_body(fixtures: Path, series: str) -> bytes:
    """The 2026 fredgraph file for DGS10; the legacy file, renamed to the id, for the others."""
    if series == "DGS10":
        return (fixtures / "fred/fredgraph_DGS10_observation_date_2026-03.csv").read_bytes()
    legacy = (fixtures / "fred/fredgraph_DGS10_legacy_DATE_dot_2021-01.csv").read_bytes()
    return legacy.replace(b"DATE,DGS10", b"DATE," + series.encode(), 1)


def core_routes(fixtures: Path, symbols: tuple[str, ...]) -> dict[str, Body]:
    routes: dict[str, Body] = {}
    for i, symbol in enumerate(symbols):
        routes[f"/v8/finance/chart/{symbol}"] = (fixtures / YAHOO_FILES[i % 3]).read_bytes()

    def fred(query: dict[str, str]) -> bytes:
        return fred_body(fixtures, query.get("id", ""))

    routes["/graph/fredgraph.csv"] = fred
    for dataset, path in FRENCH_FILES.items():
        routes[f"/pages/faculty/ken.french/ftp/{dataset}_CSV.zip"] = zipped(
            Path(path).name, (fixtures / path).read_bytes()
        )
    return routes


def other_routes(fixtures: Path) -> dict[str, Body]:
    return {
        IWM_PATH: (fixtures / "ishares/IWM_holdings_2026-05-05_trimmed.csv").read_bytes(),
        "/files/company_tickers.json": (
            fixtures / "sec/company_tickers_2024-05_trimmed.json"
        ).read_bytes(),
        "/api/xbrl/companyfacts/CIK0000320193.json": (
            fixtures / "sec/companyfacts_CIK0000320193_AAPL_trimmed.json"
        ).read_bytes(),
        "/api/xbrl/companyfacts/CIK0001045810.json": (
            fixtures / "sec/companyfacts_CIK0001045810_NVDA_trimmed.json"
        ).read_bytes(),
        "/dynamic/SymDir/nasdaqlisted.txt": (
            fixtures / "nasdaqtrader/nasdaqlisted_2025-07-21_trimmed.txt"
        ).read_bytes(),
        "/dynamic/SymDir/otherlisted.txt": (
            fixtures / "nasdaqtrader/otherlisted_2025-07-21_trimmed.txt"
        ).read_bytes(),
    }


class Router:
    """An httpx.MockTransport handler over routes; ``overrides`` answer chosen paths first."""

    def __init__(self, routes: dict[str, Body]) -> None:
        self.routes = dict(routes)
        self.overrides: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
        self.requests: list[httpx.Request] = []

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path in self.overrides:
            return self.overrides[path](request)
        route = self.routes.get(path)
        if route is None:
            return httpx.Response(404, text="not found")
        query = dict(request.url.params)
        return httpx.Response(200, content=route(query) if callable(route) else route)
