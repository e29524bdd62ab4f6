"""The JSON API: one endpoint per use case, answered from the results' ``to_dict()``.

Each request takes one committed store version from the app's
:class:`~sizeup.app.serving.StorePool` and reads only it. Results are cached per store version
and request, so a dashboard that polls the same view pays for the computation once per import.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from sizeup.app.serving import Snapshot, StorePool, screen_catalog, strategy_catalog
from sizeup.web._inputs import (
    MAX_BODY,
    TooLargeError,
    WebInputError,
    check_box,
    check_box_count,
    check_name,
    known,
)

__all__ = ["ResultCache", "router"]

router = APIRouter(prefix="/api", tags=["api"])

Basis = Literal["as-traded", "total-return"]
Method = Literal["hl", "close"]
Mode = Literal["native", "empyrical"]

AsOf = Annotated[
    str | None,
    Query(
        description="As-of date YYYY-MM-DD (default: the latest date of the data).", max_length=40
    ),
]
Figures = Annotated[bool, Query(description="Also return the Plotly figure(s) as JSON.")]


class ResultCache:
    """Small thread-safe LRU of computed response bodies, one computation per key at a time."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._data: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._busy: dict[tuple[Any, ...], threading.Lock] = {}

    def get(self, key: tuple[Any, ...], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Return the cached body of ``key``, computing it once when absent."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            gate = self._busy.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._data:
                    return self._data[key]
            body = compute()
            with self._lock:
                self._data[key] = body
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
                self._busy.pop(key, None)
        return body

    def response(
        self, key: tuple[Any, ...], compute: Callable[[], dict[str, Any]], drop: str | None
    ) -> Response:
        """Return the JSON response of ``key`` (without field ``drop``), encoded once."""
        encoded_key = ("__json__", key, drop)
        with self._lock:
            cached = self._data.get(encoded_key)
        if cached is None:
            body = self.get(key, compute)
            if drop is not None:
                body = {k: v for k, v in body.items() if k != drop}
            raw = json.dumps(body, allow_nan=False, separators=(",", ":")).encode("utf-8")
            cached = {"raw": raw}
            with self._lock:
                self._data[encoded_key] = cached
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
        return Response(cached["raw"], media_type="application/json")


def _snapshot(request: Request) -> Snapshot:
    pool: StorePool = request.app.state.pool
    return pool.snapshot()


def _cache(request: Request) -> ResultCache:
    cache = getattr(request.app.state, "results", None)
    if cache is None:
        cache = ResultCache()
        request.app.state.results = cache
    return cache


def _asof(text: str | None) -> Any:
    from sizeup.calendar import parse_date

    return parse_date(text, option="asof")


def _figure_json(fig: Any) -> dict[str, Any]:
    import plotly.io as pio

    out: dict[str, Any] = json.loads(pio.to_json(fig, validate=False))
    return out


def _fill_sources(body: dict[str, Any], snap: Snapshot) -> dict[str, Any]:
    """Fill the source of inputs a use case left blank with the store's preferred source."""
    prov = body.get("provenance") or {}
    inputs = prov.get("inputs") or []
    blank = [str(i.get("name")) for i in inputs if not i.get("source")]
    if not blank:
        return body
    found = snap.preferred_sources(blank)
    for item in inputs:
        if not item.get("source") and str(item.get("name")) in found:
            item["source"] = found[str(item.get("name"))]
    seen: dict[str, None] = {}
    for item in inputs:
        for s in str(item.get("source") or "").split("+"):
            if s:
                seen.setdefault(s, None)
    prov["sources"] = list(seen)
    return body


def _symbol(snap: Snapshot, value: str, input: str = "symbol") -> str:
    check_name(value, input=input)
    return known(value, snap.symbols(), input=input, what="symbol with prices in the store")


def _symbol_or_series(snap: Snapshot, value: str) -> str:
    """Return ``value`` when it names stored prices or a stored series, else a 404."""
    return known(
        value,
        [*snap.symbols(), *snap.series_ids()],
        input="symbol",
        what="symbol or series in the store",
    )


# ------------------------------------------------------------------------------- store


@router.get("/health", summary="Liveness and the store version served")
def health(request: Request) -> dict[str, Any]:
    """Return ``ok``, the package version and the store version a request would read now."""
    from sizeup import __version__

    snap = _snapshot(request)
    return {"status": "ok", "version": __version__, "store_version": snap.version}


@router.get("/store", summary="Store info: tables, rows, symbols, date ranges")
def store(request: Request) -> Response:
    """Describe the store version being served (``sizeup store info``)."""
    from sizeup.app.data import StoreInfoRequest, store_info

    snap = _snapshot(request)

    def compute() -> dict[str, Any]:
        body = store_info(StoreInfoRequest(store=snap.ref, disagreements=False)).to_dict()
        body["symbols"] = snap.symbols()
        body["series"] = snap.series_ids()
        last = snap.last_date()
        body["last_date"] = None if last is None else str(last.date())
        return body

    return _cache(request).response(("store", snap.version), compute, None)


@router.get("/symbols", summary="Symbols and series in the store")
def symbols(request: Request) -> dict[str, Any]:
    """List the symbols with prices and the series ids of the store version served."""
    snap = _snapshot(request)
    last = snap.last_date()
    return {
        "store_version": snap.version,
        "symbols": snap.symbols(),
        "series": snap.series_ids(),
        "last_date": None if last is None else str(last.date()),
    }


# ------------------------------------------------------------------------------- monitor


def _monitor_body(
    request: Request,
    *,
    asof: str | None,
    universe: str,
    sections: tuple[str, ...] | None,
    figures: bool,
) -> Response:
    from sizeup.app.monitor import MonitorRequest, run_monitor

    check_name(universe, input="universe")
    when = _asof(asof)
    req = MonitorRequest(asof=when, universe=universe, sections=sections)
    snap = _snapshot(request)

    def compute() -> dict[str, Any]:
        from sizeup.web._figures import monitor_figures

        result = run_monitor(req, snap.store)
        body = result.to_dict()
        body.pop("timings", None)
        body["figures"] = {k: _figure_json(f) for k, f in monitor_figures(result).items()}
        return body

    key = ("monitor", snap.version, str(when), universe, sections)
    return _cache(request).response(key, compute, None if figures else "figures")


@router.get("/monitor", summary="Rotation monitor: scoreboard, streaks, records, breadth, BPI")
def monitor(
    request: Request,
    *,
    asof: AsOf = None,
    universe: Annotated[str, Query(description="Fund whose holdings are the breadth universe.")] = (
        "IWM"
    ),
    sections: Annotated[
        str | None,
        Query(
            description="Comma-separated subset of scoreboard, streaks, records, calendar,"
            " breadth, bpi, rs, fundscore (default: all).",
            max_length=200,
        ),
    ] = None,
    figures: Figures = False,
) -> Response:
    """Return the rotation page's data (``sizeup monitor --json``), optionally with its figures."""
    parts = None
    if sections is not None:
        parts = tuple(s.strip() for s in sections.split(",") if s.strip())
        if not parts:
            raise WebInputError(
                "sections is empty; give one or more section names",
                input="sections",
                value=sections,
                valid="scoreboard, streaks, records, calendar, breadth, bpi, rs, fundscore",
            )
    return _monitor_body(request, asof=asof, universe=universe, sections=parts, figures=figures)


@router.get("/breadth", summary="Breadth, bullish percent (with its P&F chart) and RS breadth")
def breadth(
    request: Request,
    *,
    asof: AsOf = None,
    universe: Annotated[str, Query(description="Fund whose holdings are the universe.")] = "IWM",
    figures: Figures = False,
) -> Response:
    """Breadth, the bullish percent and its risk state, % on RS buy, for one universe."""
    return _monitor_body(
        request, asof=asof, universe=universe, sections=("breadth", "bpi", "rs"), figures=figures
    )


@router.get("/fund-scores", summary="Open fund scores of the small- and large-cap funds")
def fund_scores(request: Request, *, asof: AsOf = None, figures: Figures = False) -> Response:
    """OpenFundScore of each fund and the small-minus-large gap."""
    return _monitor_body(
        request, asof=asof, universe="IWM", sections=("fundscore",), figures=figures
    )


# ------------------------------------------------------------------------------- charts


@router.get("/pnf/{symbol:path}", summary="Point-and-figure chart of a symbol or series")
def pnf(
    request: Request,
    *,
    symbol: str,
    box: Annotated[
        str, Query(description="traditional, atr, atr:N, a percentage (1%) or a fixed size.")
    ] = "traditional",
    reversal: Annotated[int, Query(ge=1, le=10, description="Reversal in boxes.")] = 3,
    method: Annotated[Method, Query(description="hl (high/low) or close.")] = "hl",
    basis: Annotated[Basis, Query(description="Price basis.")] = "as-traded",
    asof: AsOf = None,
    vs: Annotated[str | None, Query(description="Benchmark of the RS reading.")] = None,
    figure: Figures = False,
) -> Response:
    """Return the P&F chart: state, columns, patterns, objectives, RS reading (and figure).

    ``symbol`` may also be a stored series (a FRED id such as ``DGS10``): it is charted with
    the close method in its own units, without an RS reading.
    """
    from sizeup.app import PriceBasis
    from sizeup.app.pnf import PnfRequest, run_pnf
    from sizeup.app.series_pnf import run_series_pnf

    snap = _snapshot(request)
    check_name(symbol, input="symbol")
    is_series = symbol not in snap.symbols() and symbol in snap.series_ids()
    sym = symbol if is_series else _symbol_or_series(snap, symbol)
    bench = None if vs in (None, "") or is_series else _symbol(snap, str(vs), "vs")
    if bench == sym:
        raise WebInputError(
            f"vs {vs!r} is the charted symbol itself; compare with another symbol",
            input="vs",
            value=vs,
            valid="a symbol other than the charted one",
        )
    spec = check_box(box)
    check_box_count(spec, snap.value_range(sym), name=sym)
    when = _asof(asof)
    pb = PriceBasis.AS_TRADED if basis == "as-traded" else PriceBasis.TOTAL_RETURN
    req = PnfRequest(sym, box=spec, reversal=reversal, method=method, basis=pb, asof=when, vs=bench)

    def compute() -> dict[str, Any]:
        result = run_series_pnf(req, snap.store) if is_series else run_pnf(req, snap.store)
        body = result.to_dict()
        body["figure"] = _figure_json(result.figure())
        return body

    return _cache(request).response(
        ("pnf", snap.version, is_series, req), compute, None if figure else "figure"
    )


@router.get("/rs/{symbol:path}", summary="Relative-strength P&F chart of a symbol against another")
def rs(
    request: Request,
    *,
    symbol: str,
    vs: Annotated[str, Query(description="Benchmark (denominator).")] = "SPY",
    box_pct: Annotated[
        float, Query(ge=0.001, le=0.25, description="Box as a fraction (0.065 = 6.5 %).")
    ] = 0.065,
    reversal: Annotated[int, Query(ge=1, le=10)] = 3,
    asof: AsOf = None,
    figure: Figures = False,
) -> Response:
    """Return the RS chart of ``symbol / vs`` on total returns, its reading and figure."""
    from sizeup.app.rs import RsRequest, run_rs

    snap = _snapshot(request)
    sym = _symbol(snap, symbol)
    bench = _symbol(snap, vs, "vs")
    req = RsRequest(sym, bench, box_pct=box_pct, reversal=reversal, asof=_asof(asof))

    def compute() -> dict[str, Any]:
        result = run_rs(req, snap.store)
        body = result.to_dict()
        body["figure"] = _figure_json(result.figure())
        return body

    return _cache(request).response(
        ("rs", snap.version, req), compute, None if figure else "figure"
    )


# ------------------------------------------------------------------------------- screens


@router.get("/screens", summary="Built-in screens")
def screens() -> dict[str, Any]:
    """Name and description of each built-in screen."""
    return {"screens": screen_catalog()}


@router.get("/screens/{name:path}", summary="Run a built-in screen on the store's fundamentals")
def screen(
    request: Request,
    *,
    name: str,
    asof: AsOf = None,
    top: Annotated[int | None, Query(ge=1, le=5000, description="Keep the best N.")] = None,
    universe: Annotated[str | None, Query(description="Fund whose holdings to screen.")] = None,
) -> Response:
    """Ranked names that pass the screen, with reasons, coverage and exclusions."""
    from sizeup.app.screens import ScreenRequest, run_screen_request

    known(name, list(screen_catalog()), input="name", what="built-in screen")
    if universe is not None:
        check_name(universe, input="universe")
    when = _asof(asof)
    snap = _snapshot(request)
    req = ScreenRequest(name, as_of=when, top=top, universe=universe, store=snap.ref)

    def compute() -> dict[str, Any]:
        return run_screen_request(req).to_dict()

    return _cache(request).response(("screen", snap.version, req), compute, None)


# ------------------------------------------------------------------------------- claims


def _claims_body(request: Request, text: str, asof: str | None) -> dict[str, Any]:
    from sizeup.app.claims import ClaimsRequest, StoreClaimData, check_claims

    if len(text.encode("utf-8")) > MAX_BODY:
        raise TooLargeError(
            f"claims text is larger than {MAX_BODY} bytes",
            input="text",
            value=len(text.encode("utf-8")),
            valid=f"at most {MAX_BODY} bytes",
        )
    if not text.strip():
        raise WebInputError(
            "claims text is empty; paste or upload a TOML file of [[claim]] tables",
            input="text",
            value="",
            valid="a TOML file of [[claim]] tables",
        )
    snap = _snapshot(request)
    req = ClaimsRequest(text=text, asof=_asof(asof), store=snap.ref)
    return check_claims(req, data=StoreClaimData(snap.store)).to_dict()


@router.post("/claims", summary="Check a claims file sent as the body (TOML text)")
def claims(
    request: Request,
    *,
    body: Annotated[
        str,
        Body(
            media_type="text/plain",
            description="A claims file: TOML with [[claim]] tables (at most 1 MB).",
        ),
    ],
    asof: AsOf = None,
) -> Response:
    """Evaluate each claim: SUPPORTED, CONTRADICTED or NOT_CHECKABLE, with measured values."""
    return JSONResponse(_claims_body(request, body, asof))


@router.post("/claims/upload", summary="Check an uploaded claims file (multipart form)")
def claims_upload(
    request: Request,
    *,
    file: Annotated[UploadFile, File(description="A claims TOML file (at most 1 MB).")],
    asof: AsOf = None,
) -> Response:
    """Evaluate an uploaded claims file; the file name is never used as a path."""
    raw = file.file.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise TooLargeError(
            f"uploaded file is larger than {MAX_BODY} bytes",
            input="file",
            value=f"more than {MAX_BODY} bytes",
            valid=f"at most {MAX_BODY} bytes",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WebInputError(
            "the uploaded file is not UTF-8 text",
            input="file",
            value=file.filename,
            valid="a UTF-8 TOML file",
        ) from None
    return JSONResponse(_claims_body(request, text, asof))


# ------------------------------------------------------------------------------- backtests


@router.get("/backtests", summary="Built-in strategies and their parameters")
def backtests() -> dict[str, Any]:
    """Name, description and spec (the parameters one can override) of each strategy."""
    return {"strategies": strategy_catalog()}


_Scalar = str | int | float | bool


@router.post("/backtests/{name:path}", summary="Backtest a built-in strategy with parameters")
def backtest(
    request: Request,
    *,
    name: str,
    params: Annotated[
        dict[str, _Scalar | list[str]] | None,
        Body(
            description='Dotted keys overriding the spec, e.g. {"signal.box_pct": 0.05}.',
            embed=True,
        ),
    ] = None,
    start: Annotated[str | None, Body(embed=True, max_length=40)] = None,
    end: Annotated[str | None, Body(embed=True, max_length=40)] = None,
    asof: Annotated[str | None, Body(embed=True, max_length=40)] = None,
    mode: Annotated[Mode, Body(embed=True)] = "native",
    figure: Annotated[bool, Body(embed=True)] = False,
) -> Response:
    """Run the strategy on the store's total-return closes: metrics, events, equity, drawdown."""
    import pandas as pd

    from sizeup.app.backtest import BacktestRequest, run_backtest
    from sizeup.calendar import parse_date

    known(name, list(strategy_catalog()), input="name", what="built-in strategy")
    params = dict(params or {})
    if len(params) > 50:
        raise WebInputError(
            f"params: {len(params)} keys; at most 50",
            input="params",
            value=len(params),
            valid="at most 50 keys",
        )
    for dotted in params:
        for part in dotted.split("."):
            check_name(part, input="params key")
    snap = _snapshot(request)
    req = BacktestRequest(
        name,
        params=params,
        start=parse_date(start, option="start"),
        end=parse_date(end, option="end"),
        asof=parse_date(asof, option="asof"),
        mode=mode,
        store=snap.ref,
    )

    def compute() -> dict[str, Any]:
        result = run_backtest(req, snap.store)
        body = _fill_sources(result.to_dict(), snap)
        frame = result.to_frame()
        series = frame[["equity", "drawdown", *(["benchmark"] if "benchmark" in frame else [])]]
        body["series"] = {
            "date": [d.date().isoformat() for d in series.index],
            **{c: [None if pd.isna(v) else float(v) for v in series[c]] for c in series.columns},
        }
        body["figure"] = _figure_json(result.figure())
        return body

    cache_key = (
        "backtest",
        snap.version,
        name,
        json.dumps(params, sort_keys=True),
        start,
        end,
        asof,
        mode,
    )
    return _cache(request).response(cache_key, compute, None if figure else "figure")
