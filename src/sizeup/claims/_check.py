"""Claims checker: evaluate declarative market claims against data (pure; no I/O).

A claim is one ``[[claim]]`` table of a TOML file::

    [[claim]]
    text = "SMB averaged 0.1744 %/month from 1926-07 to 2024-06"
    metric = "factor_premium"
    series = "FF:SMB:M"
    start = "1926-07"
    end = "2024-06"
    stat = "mean"
    stated = 0.001744
    tolerance = 0.0001
    source = "METHODS.md §6.1"

Common fields: ``text`` (required), ``metric`` (required), ``stated`` (required; number or bool),
``tolerance`` (default 0), ``compare`` (``approx`` default: ``|measured - stated| <= tolerance``;
``at_least``: ``measured >= stated - tolerance``; ``at_most``: ``measured <= stated + tolerance``),
``asof`` (date; default end of data), ``source`` (free text). Every other field is a parameter of
the metric; :data:`METRICS` lists them. Unknown metrics, unknown or missing fields and wrong types
raise :class:`ClaimSpecError` naming the claim (index and text), the field and the valid choices.

Units: returns, premia, shares, hit rates, breadth and rate *changes* are decimal fractions
(0.0388, 0.001 = 10 bp); ``series_value`` is in the series' own units (FRED yields in percent).

Evaluation needs a :class:`ClaimData` object (prices by symbol, series by id, index members) and
returns a :class:`ClaimResult` with the verdict SUPPORTED / CONTRADICTED / NOT_CHECKABLE, the
measured figure and, for NOT_CHECKABLE, the missing data.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from sizeup.analytics.performance import (
    best_since,
    outperformance_streak,
    signed_streak,
    total_return,
)
from sizeup.analytics.stats import _conditional as conditional
from sizeup.analytics.stats import _rates as rates
from sizeup.analytics.stats import _seasonality as seasonality
from sizeup.analytics.stats import hac_t_stat, t_stat
from sizeup.errors import ClaimSpecError, DataError, SizeupError

__all__ = [
    "COMMON_FIELDS",
    "METRICS",
    "Claim",
    "ClaimData",
    "ClaimResult",
    "ClaimSpecError",
    "Compare",
    "Verdict",
    "evaluate_claim",
    "evaluate_claims",
    "parse_claims",
    "parse_claims_text",
    "results_table",
]

logger = logging.getLogger(__name__)

Verdict = Literal["SUPPORTED", "CONTRADICTED", "NOT_CHECKABLE"]
Compare = Literal["approx", "at_least", "at_most"]


class ClaimData(Protocol):
    """What the evaluator needs from the outside world (the CLI backs it with the store)."""

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        """Wide frame DatetimeIndex x symbol of ``field`` (``"close"`` or ``"adj_close"``)."""
        ...

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        """Wide frame DatetimeIndex x series id (rates as published, factors decimal).

        ``vintage`` asks for one data vintage (e.g. the French CRSP vintage ``"202412"``);
        ``None`` means the newest available.
        """
        ...

    def members(self, universe: str, asof: pd.Timestamp) -> list[str] | None:
        """Symbols of ``universe`` as of a date; None when unknown."""
        ...


# ------------------------------------------------------------------ field specification
_Kind = Literal["str", "int", "float", "bool", "date", "month", "int_list", "int_or_all", "number"]


@dataclass(frozen=True)
class _Field:
    kind: _Kind
    required: bool = True
    default: Any = None
    choices: tuple[Any, ...] | None = None


_PRICE_FIELD = _Field("str", False, "close", ("close", "adj_close"))

COMMON_FIELDS: dict[str, _Field] = {
    "text": _Field("str"),
    "metric": _Field("str"),
    "stated": _Field("number"),
    "tolerance": _Field("float", False, 0.0),
    "compare": _Field("str", False, "approx", ("approx", "at_least", "at_most")),
    "asof": _Field("date", False),
    "source": _Field("str", False),
    "vintage": _Field("str", False),
}
"""Fields every claim may have."""

METRICS: dict[str, dict[str, _Field]] = {
    "window_return": {
        "symbol": _Field("str"),
        "start": _Field("date"),
        "end": _Field("date", False),
        "field": _PRICE_FIELD,
    },
    "relative_return": {
        "symbol": _Field("str"),
        "benchmark": _Field("str"),
        "start": _Field("date"),
        "end": _Field("date", False),
        "how": _Field("str", False, "diff", ("diff", "ratio")),
        "field": _PRICE_FIELD,
    },
    "streak": {
        "symbol": _Field("str"),
        "benchmark": _Field("str"),
        "freq": _Field("str", False, "W", ("D", "W", "M")),
        "field": _PRICE_FIELD,
    },
    "record": {
        "symbol": _Field("str"),
        "benchmark": _Field("str", False),
        "lookback": _Field("int_or_all", False, "all"),
        "field": _PRICE_FIELD,
    },
    "breadth_level": {
        "universe": _Field("str"),
        "measure": _Field("str", False, "pct_advancing", ("pct_advancing", "pct_above_ma")),
        "ma": _Field("int", False, 50),
        "change": _Field("int", False, 0),
        "field": _PRICE_FIELD,
    },
    "breadth_rank": {
        "universe": _Field("str"),
        "measure": _Field("str", False, "pct_advancing", ("pct_advancing", "pct_above_ma")),
        "ma": _Field("int", False, 50),
        "change": _Field("int", False, 0),
        "lookback": _Field("int", False, 756),
        "since": _Field("date", False),
        "field": _PRICE_FIELD,
    },
    "conditional_mean": {
        "condition": _Field("str", True, None, ("calendar_year", "h2")),
        "symbol": _Field("str"),
        "benchmark": _Field("str"),
        "bucket": _Field("str", True, None, ("outperform", "underperform")),
        "outcome": _Field("str", False, "a", ("a", "b", "relative")),
        "start_year": _Field("int", False),
        "end_year": _Field("int", False),
        "field": _PRICE_FIELD,
    },
    "seasonal_mean": {
        "series": _Field("str", False),
        "symbol": _Field("str", False),
        "benchmark": _Field("str", False),
        "window": _Field("str", True, None, ("month", "turn_of_year", "first_days_january")),
        "month": _Field("int", False),
        "sessions": _Field("int", False, 5),
        "start": _Field("month", False),
        "end": _Field("month", False),
        "stat": _Field("str", False, "mean", ("mean", "median", "t_stat", "hit_rate", "n")),
        "field": _PRICE_FIELD,
    },
    "factor_premium": {
        "series": _Field("str"),
        "start": _Field("month", False),
        "end": _Field("month", False),
        "months": _Field("int_list", False),
        "stat": _Field(
            "str",
            False,
            "mean",
            ("mean", "annualised", "t_stat", "hac_t", "january_share", "geometric_annual", "n"),
        ),
    },
    "rate_change": {
        "series": _Field("str"),
        "start": _Field("date"),
        "end": _Field("date", False),
        "units": _Field("str", False, "percent", ("percent", "decimal")),
    },
    "series_value": {
        "series": _Field("str"),
        "date": _Field("date"),
    },
    "calendar_year_return": {
        "symbol": _Field("str"),
        "year": _Field("int"),
        "benchmark": _Field("str", False),
        "field": _PRICE_FIELD,
    },
    "hit_rate": {
        "symbol": _Field("str"),
        "benchmark": _Field("str"),
        "freq": _Field("str", False, "Y", ("Y", "M")),
        "start": _Field("date"),
        "end": _Field("date"),
        "field": _PRICE_FIELD,
    },
    "correlation": {
        "symbol": _Field("str"),
        "other": _Field("str"),
        "start": _Field("date", False),
        "end": _Field("date", False),
        "freq": _Field("str", False, "D", ("D", "W", "M")),
        "field": _PRICE_FIELD,
    },
    "screen_share": {
        "universe": _Field("str"),
        "screen": _Field("str"),
        "date": _Field("date", False),
    },
}
"""Metric name -> its parameters (besides :data:`COMMON_FIELDS`)."""


@dataclass(frozen=True)
class Claim:
    """One validated claim.

    Attributes
    ----------
    index
        0-based position in the file.
    text, metric
        As written.
    params
        Metric parameters with defaults filled in (dates as :class:`pandas.Timestamp`).
    stated
        Stated figure (bool claims as 1.0 / 0.0).
    tolerance, compare
        How measured and stated are compared.
    asof
        As-of date (None = end of the data).
    source
        Where the stated figure comes from.
    vintage
        Data vintage the stated figure was computed on (series only; None = newest).
    """

    index: int
    text: str
    metric: str
    params: Mapping[str, Any]
    stated: float
    tolerance: float = 0.0
    compare: Compare = "approx"
    asof: pd.Timestamp | None = None
    source: str | None = None
    vintage: str | None = None

    @property
    def label(self) -> str:
        """``claim #i ("text")`` for messages."""
        return f'claim #{self.index} ("{self.text}")'


@dataclass(frozen=True)
class ClaimResult:
    """Verdict on one claim.

    Attributes
    ----------
    claim
        The claim.
    verdict
        ``SUPPORTED``, ``CONTRADICTED`` or ``NOT_CHECKABLE``.
    measured
        The measured figure (NaN when not checkable).
    detail
        How it was measured (dates, n, data used).
    missing
        For NOT_CHECKABLE: the data that are missing.
    """

    claim: Claim
    verdict: Verdict
    measured: float
    detail: str = ""
    missing: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        """One line."""
        m = "n/a" if not math.isfinite(self.measured) else f"{self.measured:.6g}"
        extra = f" missing: {', '.join(self.missing)}" if self.missing else ""
        return (
            f"[{self.verdict}] {self.claim.text} | stated {self.claim.stated:.6g} measured {m}"
            f"{extra}"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "index": self.claim.index,
            "text": self.claim.text,
            "metric": self.claim.metric,
            "stated": self.claim.stated,
            "tolerance": self.claim.tolerance,
            "compare": self.claim.compare,
            "measured": self.measured if math.isfinite(self.measured) else None,
            "verdict": self.verdict,
            "detail": self.detail,
            "missing": list(self.missing),
            "source": self.claim.source,
        }


# ------------------------------------------------------------------ parsing and validation
def _describe(kind: _Kind) -> str:
    return {
        "str": "a string",
        "int": "an integer",
        "float": "a number",
        "number": "a number or true/false",
        "bool": "true/false",
        "date": "a date (2024-06-28 or '2024-06-28')",
        "month": "a month or date ('1926-07' or '2024-06-30')",
        "int_list": "a list of integers",
        "int_or_all": "an integer or 'all'",
    }[kind]


def _convert(value: Any, spec: _Field, where: str, name: str) -> Any:
    bad = ClaimSpecError(
        f"{where}: field {name!r} must be {_describe(spec.kind)}, got {value!r} "
        f"({type(value).__name__})"
    )
    kind = spec.kind
    if kind == "str":
        if not isinstance(value, str) or not value.strip():
            raise bad
        out: Any = value.strip()
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad
        out = value
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad
        out = float(value)
    elif kind == "number":
        if isinstance(value, bool):
            out = 1.0 if value else 0.0
        elif isinstance(value, int | float):
            out = float(value)
        else:
            raise bad
    elif kind in ("date", "month"):
        if isinstance(value, dt.datetime | dt.date):
            out = pd.Timestamp(value)
        elif isinstance(value, str):
            try:
                out = pd.Timestamp(value.strip())
            except (ValueError, TypeError):
                raise bad from None
            if kind == "month" and len(value.strip()) <= 7:
                out = pd.Period(value.strip(), freq="M").end_time.normalize()
        else:
            raise bad
    elif kind == "int_list":
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise bad
        out = tuple(value)
    elif kind == "int_or_all":
        if value == "all":
            out = "all"
        elif isinstance(value, int) and not isinstance(value, bool) and value > 0:
            out = value
        else:
            raise bad
    else:  # pragma: no cover - exhaustive
        raise bad
    if spec.choices is not None and out not in spec.choices:
        raise ClaimSpecError(
            f"{where}: field {name!r} = {value!r} is not valid; valid: {list(spec.choices)}"
        )
    return out


def _validate(index: int, raw: Any) -> Claim:
    if not isinstance(raw, Mapping):
        raise ClaimSpecError(f"claim #{index}: expected a table, got {type(raw).__name__}")
    text = raw.get("text")
    where = f'claim #{index} ("{text}")' if isinstance(text, str) else f"claim #{index}"
    for name in ("text", "metric"):
        if name not in raw:
            raise ClaimSpecError(f"{where}: missing required field {name!r}")
    metric = raw["metric"]
    if not isinstance(metric, str) or metric not in METRICS:
        raise ClaimSpecError(
            f"{where}: field 'metric' = {metric!r} is unknown; valid: {sorted(METRICS)}"
        )
    specs = METRICS[metric]
    allowed = {**COMMON_FIELDS, **specs}
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise ClaimSpecError(
            f"{where}: unknown field(s) {unknown} for metric {metric!r}; valid: {sorted(allowed)}"
        )
    values: dict[str, Any] = {}
    for name, spec in allowed.items():
        if name in raw:
            values[name] = _convert(raw[name], spec, where, name)
        elif spec.required:
            raise ClaimSpecError(
                f"{where}: missing required field {name!r} for metric {metric!r}; "
                f"required: {sorted(k for k, s in allowed.items() if s.required)}"
            )
        else:
            values[name] = spec.default
    if values["tolerance"] < 0:
        raise ClaimSpecError(f"{where}: field 'tolerance' must be >= 0, got {values['tolerance']}")
    params = {k: values[k] for k in specs}
    _check_combinations(where, metric, params)
    return Claim(
        index=index,
        text=values["text"],
        metric=metric,
        params=params,
        stated=values["stated"],
        tolerance=values["tolerance"],
        compare=values["compare"],
        asof=values["asof"],
        source=values["source"],
        vintage=values["vintage"],
    )


def _check_combinations(where: str, metric: str, p: Mapping[str, Any]) -> None:
    if metric == "seasonal_mean":
        if (p["series"] is None) == (p["symbol"] is None):
            raise ClaimSpecError(
                f"{where}: metric 'seasonal_mean' needs exactly one of 'series' or 'symbol'"
            )
        if p["window"] == "month" and p["month"] not in range(1, 13):
            raise ClaimSpecError(
                f"{where}: field 'month' must be 1..12 when window = 'month', got {p['month']!r}"
            )
        if p["series"] is not None and p["window"] != "month":
            raise ClaimSpecError(
                f"{where}: window {p['window']!r} needs daily prices ('symbol'), not 'series'"
            )
    if metric == "factor_premium" and p["months"] is not None:
        bad = [m for m in p["months"] if m not in range(1, 13)]
        if bad:
            raise ClaimSpecError(f"{where}: field 'months' has invalid months {bad}; valid 1..12")


def parse_claims(document: Mapping[str, Any]) -> list[Claim]:
    """Validate a parsed claims document (``{"claim": [ {...}, ... ]}``).

    Raises
    ------
    ClaimSpecError
        Naming the claim (index and text), the field and the valid choices.
    """
    extra = sorted(set(document) - {"claim"})
    if extra:
        raise ClaimSpecError(f"claims file: unknown top-level key(s) {extra}; valid: ['claim']")
    raw = document.get("claim")
    if not isinstance(raw, list) or not raw:
        raise ClaimSpecError("claims file: expected a non-empty array of [[claim]] tables")
    return [_validate(i, c) for i, c in enumerate(raw)]


def parse_claims_text(text: str, *, name: str = "claims") -> list[Claim]:
    """Parse TOML text of ``[[claim]]`` tables and validate it (:func:`parse_claims`)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ClaimSpecError(f"{name}: not valid TOML: {exc}") from exc
    return parse_claims(doc)


# ------------------------------------------------------------------ evaluation helpers
class _MissingDataError(Exception):
    """Raised inside evaluation when data are absent; becomes NOT_CHECKABLE."""

    def __init__(self, *what: str) -> None:
        super().__init__(", ".join(what))
        self.what = what


def _prices(data: ClaimData, symbols: Sequence[str], fld: str) -> pd.DataFrame:
    try:
        frame = data.prices(list(symbols), field=fld)
    except SizeupError as exc:
        raise _MissingDataError(*(f"prices {s} ({fld})" for s in symbols)) from exc
    missing = [s for s in symbols if s not in frame.columns or frame[s].dropna().empty]
    if missing:
        raise _MissingDataError(*(f"prices {s} ({fld})" for s in missing))
    out = frame[list(symbols)].astype("float64").sort_index()
    return out


def _series(claim: Claim, data: ClaimData, ids: Sequence[str]) -> pd.DataFrame:
    try:
        frame = data.series(list(ids), vintage=claim.vintage)
    except SizeupError as exc:
        raise _MissingDataError(*(f"series {i}" for i in ids)) from exc
    missing = [i for i in ids if i not in frame.columns or frame[i].dropna().empty]
    if missing:
        what = f" (vintage {claim.vintage})" if claim.vintage else ""
        raise _MissingDataError(*(f"series {i}{what}" for i in missing))
    return frame[list(ids)].astype("float64").sort_index()


def _cover(frame: pd.DataFrame | pd.Series, date: pd.Timestamp, what: str) -> None:
    """Require data on or after ``date`` (else the data end too early) and before it."""
    idx = frame.dropna(how="all").index if isinstance(frame, pd.DataFrame) else frame.dropna().index
    if len(idx) == 0 or idx[-1] < date - pd.Timedelta(days=4) or idx[0] > date:
        span = f"{idx[0]:%Y-%m-%d}..{idx[-1]:%Y-%m-%d}" if len(idx) else "none"
        raise _MissingDataError(f"{what} around {date:%Y-%m-%d} (have {span})")


def _end(claim: Claim, frame: pd.DataFrame | pd.Series) -> pd.Timestamp:
    p = claim.params
    if p.get("end") is not None:
        return pd.Timestamp(p["end"])
    if claim.asof is not None:
        return claim.asof
    return pd.Timestamp(frame.dropna(how="all").index[-1])


def _upto(frame: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    return frame if claim.asof is None else frame.loc[: claim.asof]


def _window_return(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    px = _prices(data, [p["symbol"]], p["field"])
    end = _end(claim, px)
    _cover(px, p["start"] - pd.Timedelta(days=1), f"prices {p['symbol']}")
    _cover(px, end, f"prices {p['symbol']}")
    r = float(total_return(px, p["start"], end).iloc[0])
    return r, f"{p['symbol']} {p['field']} {p['start']:%Y-%m-%d}..{end:%Y-%m-%d}"


def _relative_return(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"], p["benchmark"]]
    px = _prices(data, syms, p["field"])
    end = _end(claim, px)
    for s in syms:
        _cover(px[s], p["start"] - pd.Timedelta(days=1), f"prices {s}")
        _cover(px[s], end, f"prices {s}")
    r = total_return(px, p["start"], end)
    a, b = float(r.iloc[0]), float(r.iloc[1])
    rel = a - b if p["how"] == "diff" else (1 + a) / (1 + b) - 1
    return rel, (
        f"{syms[0]} {100 * a:.2f}% vs {syms[1]} {100 * b:.2f}% "
        f"{p['start']:%Y-%m-%d}..{end:%Y-%m-%d} ({p['how']})"
    )


def _streak(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"], p["benchmark"]]
    px = _upto(_prices(data, syms, p["field"]), claim).dropna()
    if claim.asof is not None:
        _cover(px, claim.asof, f"prices {'/'.join(syms)}")
    if p["freq"] == "D":
        r = px.pct_change().iloc[1:]
        rel = (1 + r[syms[0]]) / (1 + r[syms[1]]) - 1
        streak = signed_streak(rel)
        cur = int(streak.iloc[-1])
        return float(cur), f"daily streak {cur:+d} as of {streak.index[-1]:%Y-%m-%d}"
    res = outperformance_streak(px, syms[0], syms[1], freq=p["freq"], asof=claim.asof)
    return float(res.current), f"{res.freq} streak {res.current:+d} as of {res.asof:%Y-%m-%d}"


def _record(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"]] + ([p["benchmark"]] if p["benchmark"] else [])
    px = _upto(_prices(data, syms, p["field"]), claim).dropna()
    if claim.asof is not None:
        _cover(px, claim.asof, f"prices {'/'.join(syms)}")
    s = px[syms[0]] / px[syms[1]] if len(syms) == 2 else px[syms[0]]
    if p["lookback"] != "all":
        s = s.iloc[-(int(p["lookback"]) + 1) :]
    bs = best_since(s)
    flag = 1.0 if bs.is_record else 0.0
    return flag, f"{'/'.join(syms)} {bs.summary()}"


def _breadth_series(claim: Claim, data: ClaimData, extra: int) -> pd.Series:
    """Breadth (share of members) per session, ending at ``asof``; ``change`` applied."""
    p = claim.params
    asof = claim.asof
    if asof is None:
        raise _MissingDataError("an 'asof' date for a breadth claim")
    members = data.members(p["universe"], asof)
    if not members:
        raise _MissingDataError(f"members of universe {p['universe']!r} as of {asof:%Y-%m-%d}")
    try:
        frame = data.prices(list(members), field=p["field"])
    except SizeupError as exc:
        raise _MissingDataError(f"member prices of {p['universe']!r}") from exc
    frame = frame.loc[:asof].astype("float64")
    window = p["ma"] if p["measure"] == "pct_above_ma" else 1
    frame = frame.iloc[-(extra + int(p["change"]) + window + 1) :]
    if frame.empty or frame.index[-1] < asof - pd.Timedelta(days=4):
        raise _MissingDataError(f"member prices of {p['universe']!r} on {asof:%Y-%m-%d}")
    if p["measure"] == "pct_advancing":
        prev = frame.shift(1)
        valid = frame.notna() & prev.notna()
        up = (frame > prev) & valid
    else:
        ma = frame.rolling(window, min_periods=window).mean()
        valid = frame.notna() & ma.notna()
        up = (frame > ma) & valid
    counts = valid.sum(axis=1)
    share = (up.sum(axis=1) / counts.where(counts > 0)).dropna()
    if p["change"]:
        share = share.diff(int(p["change"])).dropna()
    return share


def _breadth_level(claim: Claim, data: ClaimData) -> tuple[float, str]:
    s = _breadth_series(claim, data, 0)
    what = claim.params["measure"] + (
        f" change over {claim.params['change']} sessions" if claim.params["change"] else ""
    )
    return float(s.iloc[-1]), f"{what} on {s.index[-1]:%Y-%m-%d} (current members only)"


def _breadth_rank(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    asof = claim.asof
    if p["since"] is not None and asof is not None:
        extra = int(np.busday_count(p["since"].date(), asof.date())) + 5
    else:
        extra = int(p["lookback"])
    s = _breadth_series(claim, data, extra)
    s = s[s.index > p["since"]] if p["since"] is not None else s.iloc[-(int(p["lookback"]) + 1) :]
    bs = best_since(s)
    flag = 1.0 if bs.is_record else 0.0
    return flag, f"{p['measure']}: {bs.summary()} (window from {s.index[0]:%Y-%m-%d})"


def _conditional_mean(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"], p["benchmark"]]
    px = _upto(_prices(data, syms, p["field"]), claim)
    a, b = px[syms[0]].dropna(), px[syms[1]].dropna()
    if p["condition"] == "h2":
        table = conditional.next_year_given_h2(
            a, b, outcome=p["outcome"], start_year=p["start_year"], end_year=p["end_year"]
        )
    else:
        table = conditional.next_year_given_year(
            conditional.calendar_year_returns(a),
            conditional.calendar_year_returns(b),
            outcome=p["outcome"],
            start_year=p["start_year"],
            end_year=p["end_year"],
        )
    key = "True" if p["bucket"] == "outperform" else "False"
    if key not in table.stats:
        raise _MissingDataError(f"years in bucket {p['bucket']!r}")
    st = table.stats[key]
    pairs = table.pairs
    years = f"{int(pairs.index.min())}..{int(pairs.index.max())}"
    return st.mean, f"n={st.n} condition years {years}, t={st.t_stat:.2f}"


def _returns_for(claim: Claim, data: ClaimData) -> tuple[pd.Series, str]:
    p = claim.params
    if p.get("series"):
        s = _upto(_series(claim, data, [p["series"]]), claim)[p["series"]].dropna()
        return s, str(p["series"])
    syms = [p["symbol"]] + ([p["benchmark"]] if p.get("benchmark") else [])
    px = _upto(_prices(data, syms, p["field"]), claim)
    r = px.pct_change(fill_method=None)
    out = r[syms[0]].dropna()
    if len(syms) == 2:
        out = seasonality.relative_returns(out, r[syms[1]].dropna())
    return out, "/".join(syms)


def _clip(s: pd.Series, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    if start is not None:
        s = s[s.index >= start.to_period("M").start_time]
    if end is not None:
        s = s[s.index <= end]
    return s


def _seasonal_mean(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    r, what = _returns_for(claim, data)
    r = _clip(r, p["start"], p["end"])
    if p["window"] == "month":
        tab = seasonality.by_month(r, reps=200)
        st = tab.stats[seasonality.MONTH_NAMES[p["month"] - 1]]
    elif p["window"] == "turn_of_year":
        tab = seasonality.turn_of_year(r, n_dec=p["sessions"], n_jan=p["sessions"], reps=200)
        st = tab.stats["window"]
    else:
        tab = seasonality.first_sessions_of_january(r, n=p["sessions"], reps=200)
        st = tab.stats["window"]
    value = {
        "mean": st.mean,
        "median": st.median,
        "t_stat": st.t_stat,
        "hit_rate": st.hit_rate,
        "n": float(st.n),
    }[p["stat"]]
    return value, f"{what} {tab.name}: n={st.n}, mean={100 * st.mean:.3f}%, t={st.t_stat:.2f}"


def _factor_premium(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    s = _upto(_series(claim, data, [p["series"]]), claim)[p["series"]].dropna()
    s = _clip(s, p["start"], p["end"])
    if s.empty:
        raise _MissingDataError(f"series {p['series']} between {p['start']} and {p['end']}")
    span = f"{s.index[0]:%Y-%m}..{s.index[-1]:%Y-%m}"
    if p["stat"] == "january_share":
        return seasonality.january_share(s), f"{p['series']} {span}"
    if p["stat"] == "geometric_annual":
        g = float(np.prod(1.0 + s.to_numpy()) ** (12.0 / len(s)) - 1.0)
        return g, f"{p['series']} {span}, n={len(s)} months"
    if p["months"] is not None:
        s = s[pd.DatetimeIndex(s.index).month.isin(list(p["months"]))]
    value = {
        "mean": lambda: float(s.mean()),
        "annualised": lambda: float(s.mean()) * 12,
        "t_stat": lambda: t_stat(s),
        "hac_t": lambda: hac_t_stat(s).t,
        "n": lambda: float(len(s)),
    }[p["stat"]]()
    return value, f"{p['series']} {span}, n={len(s)}, mean={100 * s.mean():.4f}%/month"


def _rate_change(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    s = _series(claim, data, [p["series"]])[p["series"]].dropna()
    end = _end(claim, s)
    _cover(s, p["start"], f"series {p['series']}")
    _cover(s, end, f"series {p['series']}")
    ch = rates.cumulative_change(s, p["start"], asof=end, units=p["units"])
    return ch, f"{p['series']} {p['start']:%Y-%m-%d}..{end:%Y-%m-%d}"


def _series_value(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    s = _series(claim, data, [p["series"]])[p["series"]].dropna()
    on = s[s.index <= p["date"]]
    if on.empty or on.index[-1] < p["date"] - pd.Timedelta(days=4):
        raise _MissingDataError(f"series {p['series']} on {p['date']:%Y-%m-%d}")
    return float(on.iloc[-1]), f"{p['series']} on {on.index[-1]:%Y-%m-%d}"


def _calendar_year_return(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"]] + ([p["benchmark"]] if p["benchmark"] else [])
    px = _prices(data, syms, p["field"])
    y = int(p["year"])
    out = []
    for s in syms:
        cy = conditional.calendar_year_returns(px[s].dropna())
        if y not in cy.index:
            raise _MissingDataError(f"prices {s} for calendar year {y} and the prior year-end")
        out.append(float(cy.loc[y]))
    if len(out) == 2:
        return out[0] - out[1], f"{syms[0]} {100 * out[0]:.2f}% - {syms[1]} {100 * out[1]:.2f}%"
    return out[0], f"{syms[0]} {y}: {100 * out[0]:.2f}%"


def _hit_rate(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"], p["benchmark"]]
    px = _prices(data, syms, p["field"])
    if p["freq"] == "Y":
        a = conditional.calendar_year_returns(px[syms[0]].dropna())
        b = conditional.calendar_year_returns(px[syms[1]].dropna())
        years = range(p["start"].year, p["end"].year + 1)
        missing = [y for y in years if y not in a.index or y not in b.index]
        if missing:
            raise _MissingDataError(f"calendar-year prices of {'/'.join(syms)} for {missing}")
        diff = a.loc[list(years)] - b.loc[list(years)]
    else:
        r = px.pct_change(fill_method=None)
        ma = seasonality.period_returns(r[syms[0]].dropna(), "M")
        mb = seasonality.period_returns(r[syms[1]].dropna(), "M")
        diff = (ma - mb).dropna()
        diff = diff[(diff.index >= p["start"]) & (diff.index <= p["end"])]
    wins = int((diff > 0).sum())
    return wins / len(diff), f"{syms[0]} beat {syms[1]} in {wins} of {len(diff)} periods"


def _correlation(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    fld = p["field"]
    a = _upto(_prices(data, [p["symbol"]], fld), claim)[p["symbol"]].dropna()
    other_is_series = ":" in p["other"]
    if other_is_series:
        b = _upto(_series(claim, data, [p["other"]]), claim)[p["other"]].dropna()
    else:
        b = _upto(_prices(data, [p["other"]], fld), claim)[p["other"]].dropna()
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    if p["freq"] != "D":
        both = both.resample("W-FRI" if p["freq"] == "W" else "ME").last().dropna()
    ra = both["a"].pct_change()
    rb = both["b"].diff() if other_is_series else both["b"].pct_change()
    pair = pd.concat([ra, rb], axis=1).iloc[1:].dropna()
    if p["start"] is not None:
        pair = pair[pair.index >= p["start"]]
    if p["end"] is not None:
        pair = pair[pair.index <= p["end"]]
    if len(pair) < 3:
        raise _MissingDataError(f"overlapping data of {p['symbol']} and {p['other']}")
    c = float(pair.iloc[:, 0].corr(pair.iloc[:, 1]))
    kind = "changes" if other_is_series else "returns"
    return c, (
        f"{p['freq']} returns of {p['symbol']} vs {kind} of {p['other']}, n={len(pair)}, "
        f"{pair.index[0]:%Y-%m-%d}..{pair.index[-1]:%Y-%m-%d}"
    )


def _screen_share(claim: Claim, data: ClaimData) -> tuple[float, str]:
    raise _MissingDataError(
        f"fundamentals of {claim.params['universe']!r} members for screen "
        f"{claim.params['screen']!r} (fundamentals are not available to the checker yet)"
    )


_EVALUATORS: dict[str, Callable[[Claim, ClaimData], tuple[float, str]]] = {
    "window_return": _window_return,
    "relative_return": _relative_return,
    "streak": _streak,
    "record": _record,
    "breadth_level": _breadth_level,
    "breadth_rank": _breadth_rank,
    "conditional_mean": _conditional_mean,
    "seasonal_mean": _seasonal_mean,
    "factor_premium": _factor_premium,
    "rate_change": _rate_change,
    "series_value": _series_value,
    "calendar_year_return": _calendar_year_return,
    "hit_rate": _hit_rate,
    "correlation": _correlation,
    "screen_share": _screen_share,
}


def _compare(claim: Claim, measured: float) -> bool:
    eps = 1e-12 * max(1.0, abs(claim.stated))
    if claim.compare == "at_least":
        return measured >= claim.stated - claim.tolerance - eps
    if claim.compare == "at_most":
        return measured <= claim.stated + claim.tolerance + eps
    return abs(measured - claim.stated) <= claim.tolerance + eps


def evaluate_claim(claim: Claim, data: ClaimData) -> ClaimResult:
    """Measure one claim and give the verdict.

    Missing data (a symbol or series absent, data ending before the date, no members, no
    fundamentals) give NOT_CHECKABLE naming what is missing; data errors raised by the
    computations themselves (e.g. too few observations) also give NOT_CHECKABLE with the message.
    """
    fn = _EVALUATORS[claim.metric]
    try:
        measured, detail = fn(claim, data)
    except _MissingDataError as miss:
        return ClaimResult(claim, "NOT_CHECKABLE", math.nan, "", tuple(miss.what))
    except DataError as exc:
        return ClaimResult(claim, "NOT_CHECKABLE", math.nan, str(exc), (str(exc),))
    if not math.isfinite(measured):
        return ClaimResult(claim, "NOT_CHECKABLE", math.nan, detail, ("a finite measurement",))
    verdict: Verdict = "SUPPORTED" if _compare(claim, measured) else "CONTRADICTED"
    return ClaimResult(claim, verdict, measured, detail)


def evaluate_claims(claims: Sequence[Claim], data: ClaimData) -> list[ClaimResult]:
    """Evaluate every claim in order (:func:`evaluate_claim`)."""
    return [evaluate_claim(c, data) for c in claims]


def results_table(results: Sequence[ClaimResult]) -> pd.DataFrame:
    """One row per claim: index, text, metric, stated, measured, tolerance, verdict, detail."""
    return pd.DataFrame([r.as_dict() for r in results]).set_index("index")
