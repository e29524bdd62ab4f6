"""Yahoo Finance chart API v8: daily OHLCV, adjusted close, dividends and splits.

``build_request`` (pure) -> :meth:`~sizeup.data.providers.http.HttpClient.send` -> ``check`` (pure,
error bodies) -> ``parse_chart`` (pure, bytes -> ``bars`` and ``actions`` frames).

Notes
-----
Format (SOURCES.md §2): ``{"chart": {"result": [{meta, timestamp[], events?, indicators}],
"error": null}}``. Timestamps are the session open in epoch seconds; the trading date is taken
in ``meta.exchangeTimezoneName``. ``indicators.quote[0].close`` is split-adjusted only and goes
to ``close``; ``indicators.adjclose[0].adjclose`` (split and dividend adjusted) goes to
``adj_close``. Events are objects keyed by epoch strings; a split ``numerator:denominator``
becomes the ratio ``numerator / denominator`` (4.0 for 4:1). Capital-gain events are not
stored (the ``actions`` table knows dividends and splits only).

Terms: personal use only (see docs/sources.md). Treat it as best effort and cache hard.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from sizeup.data.providers.http import SITES, Request, Response, check_status, looks_like_html
from sizeup.data.schema import validate
from sizeup.errors import ProviderResponseError, SchemaError, SymbolNotFoundError

__all__ = ["SOURCE", "build_request", "check", "parse_chart"]

SOURCE: Final = "yahoo"
_MIN_EPOCH: Final = -2_208_988_800  # 1900-01-01
_MAX_EPOCH: Final = 4_102_444_800  # 2100-01-01
_PRICE_FIELDS: Final = ("open", "high", "low", "close", "volume")


def _epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def build_request(
    symbol: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    base_url: str = SITES["yahoo"].base_url,
) -> Request:
    """Build the chart request for daily bars of one symbol.

    Parameters
    ----------
    symbol
        Yahoo symbol (``IWM``, ``^RUT``, ``BRK-B``).
    start, end
        First and last calendar day wanted (inclusive); default the whole history and today.
    base_url
        Scheme and host (override for a fake server).

    Returns
    -------
    Request
        ``GET {base}/v8/finance/chart/{symbol}?period1=..&period2=..&interval=1d&events=..``.
    """
    period1 = _MIN_EPOCH if start is None else _epoch(start)
    last = end if end is not None else dt.datetime.now(dt.UTC).date()
    period2 = _epoch(last + dt.timedelta(days=1))
    params = (
        ("period1", str(period1)),
        ("period2", str(period2)),
        ("interval", "1d"),
        ("includePrePost", "false"),
        ("events", "div,splits,capitalGains"),
    )
    return Request(
        site="yahoo",
        url=f"{base_url.rstrip('/')}/v8/finance/chart/{symbol}",
        params=params,
        range_params=frozenset({"period1", "period2"}),
    )


def _chart_error(body: bytes) -> tuple[str, str] | None:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict):
        return None
    chart = doc.get("chart")
    if isinstance(chart, dict) and isinstance(chart.get("error"), dict):
        err = chart["error"]
        return str(err.get("code", "")), str(err.get("description", ""))
    if isinstance(doc.get("finance"), dict) and isinstance(doc["finance"].get("error"), dict):
        err = doc["finance"]["error"]
        return str(err.get("code", "")), str(err.get("description", ""))
    return None


def check(response: Response, *, symbol: str) -> None:
    """Raise the project's error when a response carries no chart.

    Raises
    ------
    SymbolNotFoundError
        HTTP 404, or ``chart.error`` with code ``Not Found``.
    ProviderResponseError
        An HTML page, or any other ``chart.error`` (also with HTTP 200).
    RateLimitError, ProviderError
        From :func:`~sizeup.data.providers.http.check_status` for other statuses.
    """
    what = f"Yahoo chart for {symbol}"
    error = _chart_error(response.body)
    if error is not None:
        code, description = error
        message = f"{what}: {code}: {description} (HTTP {response.status}, {response.url})"
        if code.lower().replace(" ", "") == "notfound" or response.status == 404:
            raise SymbolNotFoundError(message)
        raise ProviderResponseError(message)
    check_status(response, what=what)
    if looks_like_html(response.body):
        raise ProviderResponseError(
            f"{what}: got an HTML page with HTTP {response.status} instead of chart JSON "
            f"({response.url}); Yahoo may be asking for consent or blocking the client"
        )


def _fail(symbol: str, message: str) -> ProviderResponseError:
    return ProviderResponseError(f"Yahoo chart for {symbol}: {message}")


def _timezone(meta: dict[str, Any]) -> dt.tzinfo:
    name = meta.get("exchangeTimezoneName")
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    offset = meta.get("gmtoffset")
    if isinstance(offset, int) and not isinstance(offset, bool) and abs(offset) < 86_400:
        return dt.timezone(dt.timedelta(seconds=offset))
    return dt.UTC


def _epoch_value(value: Any, symbol: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(symbol, f"{where}: epoch {value!r} is not a number")
    if not _MIN_EPOCH <= value <= _MAX_EPOCH:
        raise _fail(symbol, f"{where}: epoch {value!r} outside 1900..2100")
    return int(value)


def _dates(epochs: list[int], tz: dt.tzinfo) -> list[dt.date]:
    return [dt.datetime.fromtimestamp(e, tz).date() for e in epochs]


def _finite(value: float, symbol: str, where: str) -> float:
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if math.isinf(number):
        raise _fail(symbol, f"{where} holds {value!r}; finite numbers expected")
    return number


def _numbers(values: Any, n: int, symbol: str, name: str) -> list[float]:
    if not isinstance(values, list) or len(values) != n:
        size = len(values) if isinstance(values, list) else type(values).__name__
        raise _fail(symbol, f"indicator {name!r} has {size} values for {n} timestamps")
    out: list[float] = []
    for v in values:
        if v is None:
            out.append(math.nan)
        elif isinstance(v, bool) or not isinstance(v, int | float):
            raise _fail(symbol, f"indicator {name!r} holds {v!r}; numbers or null expected")
        else:
            out.append(_finite(v, symbol, f"indicator {name!r}"))
    return out


def _event_rows(events: Any, symbol: str, tz: dt.tzinfo, source: str) -> list[dict[str, Any]]:
    if events is None:
        return []
    if not isinstance(events, dict):
        raise _fail(symbol, f"'events' is {type(events).__name__}; an object expected")
    rows: list[dict[str, Any]] = []
    for kind, key in (("dividend", "dividends"), ("split", "splits")):
        group = events.get(key)
        if group is None:
            continue
        if not isinstance(group, dict):
            raise _fail(symbol, f"events.{key} is {type(group).__name__}; an object expected")
        for stamp, event in group.items():
            if not isinstance(event, dict):
                raise _fail(symbol, f"events.{key}[{stamp!r}] is not an object")
            epoch = _epoch_value(event.get("date", stamp), symbol, f"events.{key}")
            if kind == "dividend":
                value = event.get("amount")
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise _fail(symbol, f"dividend {stamp}: amount {value!r} is not a number")
                ratio = _finite(value, symbol, f"dividend {stamp}")
            else:
                num, den = event.get("numerator"), event.get("denominator")
                if (
                    isinstance(num, bool)
                    or isinstance(den, bool)
                    or not isinstance(num, int | float)
                    or not isinstance(den, int | float)
                    or not den
                ):
                    raise _fail(symbol, f"split {stamp}: numerator {num!r} / denominator {den!r}")
                ratio = _finite(num, symbol, "split") / _finite(den, symbol, "split")
            if not math.isfinite(ratio) or ratio <= 0:
                raise _fail(symbol, f"{kind} {stamp}: value {ratio!r} is not a positive number")
            day = dt.datetime.fromtimestamp(epoch, tz).date()
            rows.append(
                {"symbol": symbol, "date": day, "kind": kind, "value": ratio, "source": source}
            )
    return rows


def parse_chart(body: bytes, *, symbol: str, source: str = SOURCE) -> dict[str, pd.DataFrame]:
    """Parse a chart v8 JSON body into ``bars`` and ``actions`` frames.

    Parameters
    ----------
    body
        The response body.
    symbol
        Canonical symbol written into the rows (the request's symbol).
    source
        Source name of the rows.

    Returns
    -------
    dict
        ``{"actions": frame, "bars": frame}`` validated against :mod:`sizeup.data.schema`, sorted by
        date, one row per date (Yahoo's occasional repeated live bar keeps the last). Rows
        whose prices are all null (halted days) are dropped. An empty result (no trading day in
        the range) gives empty frames.

    Raises
    ------
    ProviderResponseError
        Anything that is not a well-formed chart (including ``chart.error`` bodies).
    """
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise _fail(symbol, f"body is not JSON ({exc.__class__.__name__})") from None
    chart = doc.get("chart") if isinstance(doc, dict) else None
    if not isinstance(chart, dict):
        raise _fail(symbol, "body has no 'chart' object")
    if chart.get("error") is not None:
        raise _fail(symbol, f"chart.error = {chart.get('error')!r}")
    results = chart.get("result")
    if not isinstance(results, list) or not results or not isinstance(results[0], dict):
        raise _fail(symbol, "chart.result is empty or not a list of objects")
    result = results[0]
    meta = result.get("meta")
    if not isinstance(meta, dict):
        raise _fail(symbol, "chart.result[0].meta is missing")
    tz = _timezone(meta)
    stamps = result.get("timestamp")
    if stamps is None:
        stamps = []
    if not isinstance(stamps, list):
        raise _fail(symbol, "'timestamp' is not a list")
    epochs = [_epoch_value(s, symbol, "timestamp") for s in stamps]
    n = len(epochs)
    indicators = result.get("indicators")
    if not isinstance(indicators, dict):
        raise _fail(symbol, "'indicators' is missing")
    quotes = indicators.get("quote")
    if not isinstance(quotes, list) or not quotes or not isinstance(quotes[0], dict):
        if n:
            raise _fail(symbol, "indicators.quote[0] is missing")
        quotes = [{}]
    quote = quotes[0]
    columns: dict[str, list[float]] = {}
    for name in _PRICE_FIELDS:
        columns[name] = _numbers(quote.get(name, [] if n == 0 else None), n, symbol, name)
    adj = indicators.get("adjclose")
    if adj is None:
        columns["adj_close"] = [math.nan] * n
    else:
        if not isinstance(adj, list) or not adj or not isinstance(adj[0], dict):
            raise _fail(symbol, "indicators.adjclose is not [{adjclose: [...]}]")
        values = adj[0].get("adjclose", [] if n == 0 else None)
        columns["adj_close"] = _numbers(values, n, symbol, "adjclose")
    bars = pd.DataFrame({"date": _dates(epochs, tz), **columns})
    priced = bars[["open", "high", "low", "close", "adj_close"]].notna().any(axis=1)
    bars = bars[priced].drop_duplicates("date", keep="last")
    bars.insert(0, "symbol", symbol)
    bars["source"] = source
    actions = pd.DataFrame(
        _event_rows(result.get("events"), symbol, tz, source),
        columns=["symbol", "date", "kind", "value", "source"],
    ).drop_duplicates(["date", "kind"], keep="last")
    try:
        return {"actions": validate(actions, "actions"), "bars": validate(bars, "bars")}
    except SchemaError as exc:
        raise _fail(symbol, f"rows break the table contract: {exc}") from None
