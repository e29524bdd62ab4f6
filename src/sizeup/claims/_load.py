"""Claim files: field specifications, validation and the TOML loader.

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
    source = "docs/methods.md §V1"

Common fields (:data:`COMMON_FIELDS`): ``text``, ``metric`` and ``stated`` (number or bool) are
required; ``tolerance`` (default: the stated number's own rounding, see
:mod:`sizeup.claims._tolerance`), ``compare`` (``approx`` default; ``at_least``; ``at_most``),
``asof`` (date), ``source`` and ``vintage`` are optional. Every other field is a parameter of
the metric; :data:`METRICS` lists them. Unknown metrics, unknown or missing fields, wrong types,
reversed windows (start after end) and windows without an end (no ``end`` and no ``asof``)
raise :class:`~sizeup.errors.ClaimSpecError` naming the claim, the field, the bad value and what
is valid.

Units: returns, premia, shares, hit rates, breadth and rate *changes* are decimal fractions
(0.0388, 0.001 = 10 bp); ``series_value`` and series distances are in the series' own units
(FRED yields in percent); counts and years are integers.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from sizeup.claims._model import Claim
from sizeup.claims._tolerance import WrittenNumber, implied_tolerance, written_text
from sizeup.errors import ClaimSpecError

__all__ = [
    "COMMON_FIELDS",
    "METRICS",
    "make_claim",
    "parse_claims",
    "parse_claims_text",
]

_Kind = Literal[
    "str", "int", "float", "bool", "date", "month", "int_list", "int_or_all", "number", "str_list"
]


@dataclass(frozen=True)
class _Field:
    kind: _Kind
    required: bool = True
    default: Any = None
    choices: tuple[Any, ...] | None = None


_PRICE_FIELD = _Field("str", False, "close", ("close", "adj_close"))
_MODE = _Field("str", False, "best", ("best", "worst"))

COMMON_FIELDS: dict[str, _Field] = {
    "text": _Field("str"),
    "metric": _Field("str"),
    "stated": _Field("number"),
    "tolerance": _Field("float", False),
    "compare": _Field("str", False, "approx", ("approx", "at_least", "at_most")),
    "asof": _Field("date", False),
    "source": _Field("str", False),
    "vintage": _Field("str", False),
}
"""Fields every claim may have."""

_BREADTH_MEASURES = ("pct_advancing", "pct_above_ma", "net_new_highs")

METRICS: dict[str, dict[str, _Field]] = {
    "window_return": {
        "symbol": _Field("str"),
        "start": _Field("date"),
        "end": _Field("date", False),
        "field": _PRICE_FIELD,
    },
    "window_change": {
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
        "how": _Field("str", False, "diff", ("diff", "ratio", "multiple")),
        "field": _PRICE_FIELD,
    },
    "streak": {
        "symbol": _Field("str"),
        "benchmark": _Field("str", False),
        "freq": _Field("str", False, "W", ("D", "W", "M")),
        "stat": _Field(
            "str",
            False,
            "length",
            ("length", "is_longest", "since_year", "rank", "longest", "longest_end"),
        ),
        "min_move": _Field("float", False, 0.0),
        "length": _Field("int", False),
        "lookback": _Field("int", False),
        "allow_tie": _Field("bool", False, False),
        "field": _PRICE_FIELD,
    },
    "record": {
        "symbol": _Field("str"),
        "benchmark": _Field("str", False),
        "lookback": _Field("int_or_all", False, "all"),
        "field": _PRICE_FIELD,
    },
    "records": {
        "symbol": _Field("str"),
        "others": _Field("str_list", False, ()),
        "start": _Field("date", False),
        "end": _Field("date", False),
        "stat": _Field("str", False, "count", ("count", "first", "sessions_since", "days_since")),
        "field": _PRICE_FIELD,
    },
    "window_extreme": {
        "symbol": _Field("str", False),
        "series": _Field("str", False),
        "benchmark": _Field("str", False),
        "start": _Field("date"),
        "end": _Field("date"),
        "extreme": _Field("str", False, "max", ("max", "min")),
        "stat": _Field("str", False, "distance", ("distance", "value", "sessions_since")),
        "field": _PRICE_FIELD,
    },
    "period_rank": {
        "symbol": _Field("str"),
        "benchmark": _Field("str", False),
        "period": _Field(
            "str",
            False,
            "month",
            ("first_day", "first_week", "first_sessions", "month", "quarter", "year"),
        ),
        "sessions": _Field("int", False, 5),
        "mode": _MODE,
        "stat": _Field("str", False, "since_year", ("since_year", "value", "rank", "is_record")),
        "field": _PRICE_FIELD,
    },
    "breadth_level": {
        "universe": _Field("str"),
        "measure": _Field("str", False, "pct_advancing", _BREADTH_MEASURES),
        "ma": _Field("int", False, 50),
        "change": _Field("int", False, 0),
        "field": _PRICE_FIELD,
    },
    "breadth_rank": {
        "universe": _Field("str"),
        "measure": _Field("str", False, "pct_advancing", _BREADTH_MEASURES),
        "ma": _Field("int", False, 50),
        "change": _Field("int", False, 0),
        "lookback": _Field("int", False, 756),
        "since": _Field("date", False),
        "mode": _MODE,
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
        "start": _Field("date"),
        "end": _Field("date", False),
        "freq": _Field("str", False, "D", ("D", "W", "M")),
        "align": _Field("str", False, "common_days", ("common_days", "calendar")),
        "stat": _Field("str", False, "correlation", ("correlation", "beta")),
        "field": _PRICE_FIELD,
    },
    "since_when": {
        "symbol": _Field("str", False),
        "series": _Field("str", False),
        "measure": _Field("str", False, "level", ("level", "change", "record", "first_negative")),
        "freq": _Field("str", False, "D", ("D", "M")),
        "mode": _MODE,
        "field": _PRICE_FIELD,
    },
    "year_streak": {
        "symbol": _Field("str"),
        "benchmark": _Field("str", False),
        "field": _PRICE_FIELD,
    },
    "last_beat": {
        "symbol": _Field("str"),
        "benchmark": _Field("str"),
        "basis": _Field("str", False, "calendar_year", ("calendar_year", "ytd")),
        "field": _PRICE_FIELD,
    },
    "rsi": {
        "symbol": _Field("str"),
        "n": _Field("int", False, 14),
        "field": _PRICE_FIELD,
    },
    "session": {
        "symbol": _Field("str"),
        "date": _Field("date"),
        "start": _Field("date", False),
        "base": _Field("str", False, "previous_close", ("previous_close", "max_close")),
        "stat": _Field(
            "str",
            False,
            "high",
            (
                "high",
                "low",
                "record_high",
                "high_return",
                "low_return",
                "within_level",
                "within_return",
            ),
        ),
    },
    "screen_share": {
        "universe": _Field("str"),
        "screen": _Field("str"),
        "date": _Field("date"),
        "weight": _Field("str", False, "count", ("count", "cap")),
        "include_flagged": _Field("bool", False, False),
    },
    "fund_flow": {
        "fund": _Field("str"),
        "window": _Field("str", False, "month", ("day", "week", "month", "quarter", "year")),
        "start": _Field("date", False),
        "end": _Field("date", False),
    },
    "relative_valuation": {
        "small": _Field("str", False, "IWM"),
        "large": _Field("str", False, "SPY"),
        "date": _Field("date"),
        "measure": _Field("str", False, "pe", ("pe", "pb", "ps", "earnings_yield")),
        "aggregate": _Field("str", False, "index", ("index", "median")),
        "losses": _Field("str", False, "exclude", ("exclude", "include")),
        "stat": _Field("str", False, "ratio", ("ratio", "vs_mean", "percentile")),
        "history": _Field("str", False, "yearly", ("yearly", "monthly")),
        "start": _Field("date", False),
        "min_coverage": _Field("float", False, 0.2),
    },
}
"""Metric name -> its parameters (besides :data:`COMMON_FIELDS`)."""

# metrics whose window needs an end: ``end`` or the claim's ``asof``
_NEEDS_END = (
    "window_return",
    "relative_return",
    "rate_change",
    "records",
    "correlation",
    "window_change",
)
# metrics that are about one date and need it stated
_NEEDS_ASOF = (
    "breadth_level",
    "breadth_rank",
    "period_rank",
    "since_when",
    "rsi",
    "year_streak",
    "last_beat",
)


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
        "str_list": "a list of strings",
    }[kind]


def _error(where: str, name: str, message: str, value: Any, valid: str) -> ClaimSpecError:
    return ClaimSpecError(
        f"{where}: {message}", input=f"{where} field {name!r}", value=value, valid=valid
    )


def _convert(value: Any, spec: _Field, where: str, name: str) -> Any:
    bad = _error(
        where,
        name,
        f"field {name!r} must be {_describe(spec.kind)}, got {value!r} ({type(value).__name__})",
        value,
        _describe(spec.kind),
    )
    kind = spec.kind
    out: Any
    if kind == "str":
        if not isinstance(value, str) or not value.strip():
            raise bad
        out = value.strip()
    elif kind == "bool":
        if not isinstance(value, bool):
            raise bad
        out = value
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad
        out = value
    elif kind in ("float", "number"):
        if isinstance(value, bool):
            if kind == "float":
                raise bad
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
    elif kind == "str_list":
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad
        out = tuple(v.strip() for v in value)
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
        raise _error(
            where,
            name,
            f"field {name!r} = {value!r} is not valid; valid: {list(spec.choices)}",
            value,
            str(list(spec.choices)),
        )
    return out


def _tolerance(raw: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[float, str]:
    """Return the tolerance and how it was set (see :mod:`sizeup.claims._tolerance`)."""
    if values.get("tolerance") is not None:
        return float(values["tolerance"]), "stated in the claim"
    stated = raw["stated"]
    if isinstance(stated, bool):
        return 0.0, "exact (true/false)"
    if values["compare"] != "approx":
        return 0.0, "exact bound"
    return implied_tolerance(stated), f"rounding of {written_text(stated)}"


def make_claim(
    raw: Mapping[str, Any], *, index: int = 0, asof: pd.Timestamp | None = None
) -> Claim:
    """Validate one claim given as a mapping of fields (a ``[[claim]]`` table).

    Parameters
    ----------
    raw
        The fields (see the module docstring and :data:`METRICS`).
    index
        Position used in messages.
    asof
        Default as-of date for a claim that does not set one (e.g. ``--asof``); it also ends
        windows that give no ``end``.

    Raises
    ------
    ClaimSpecError
        Naming the claim (index and text), the field, the bad value and what is valid.
    """
    if not isinstance(raw, Mapping):
        raise ClaimSpecError(
            f"claim #{index}: expected a table, got {type(raw).__name__}",
            input=f"claim #{index}",
            value=raw,
            valid="a table of fields",
        )
    text = raw.get("text")
    where = f'claim #{index} ("{text}")' if isinstance(text, str) else f"claim #{index}"
    for name in ("text", "metric", "stated"):
        if name not in raw:
            raise _error(where, name, f"missing required field {name!r}", None, "a value")
    metric = raw["metric"]
    if not isinstance(metric, str) or metric not in METRICS:
        raise _error(
            where,
            "metric",
            f"field 'metric' = {metric!r} is unknown; valid: {sorted(METRICS)}",
            metric,
            str(sorted(METRICS)),
        )
    specs = METRICS[metric]
    allowed = {**COMMON_FIELDS, **specs}
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise _error(
            where,
            unknown[0],
            f"unknown field(s) {unknown} for metric {metric!r}; valid: {sorted(allowed)}",
            unknown,
            str(sorted(allowed)),
        )
    values: dict[str, Any] = {}
    for name, spec in allowed.items():
        if name in raw:
            values[name] = _convert(raw[name], spec, where, name)
        elif spec.required:
            required = sorted(k for k, s in allowed.items() if s.required)
            raise _error(
                where,
                name,
                f"missing required field {name!r} for metric {metric!r}; required: {required}",
                None,
                str(required),
            )
        else:
            values[name] = spec.default
    if values["tolerance"] is not None and values["tolerance"] < 0:
        raise _error(
            where,
            "tolerance",
            f"field 'tolerance' must be >= 0, got {values['tolerance']}",
            values["tolerance"],
            ">= 0",
        )
    if values["asof"] is None and asof is not None:
        values["asof"] = pd.Timestamp(asof)
    tolerance, rule = _tolerance(raw, values)
    params = {k: values[k] for k in specs}
    _check_combinations(where, metric, params, values["asof"])
    return Claim(
        index=index,
        text=values["text"],
        metric=metric,
        params=params,
        stated=values["stated"],
        tolerance=tolerance,
        compare=values["compare"],
        asof=values["asof"],
        source=values["source"],
        vintage=values["vintage"],
        tolerance_rule=rule,
        stated_text=written_text(raw["stated"]),
    )


def _check_window(where: str, p: Mapping[str, Any], asof: pd.Timestamp | None, metric: str) -> None:
    start, end = p.get("start"), p.get("end")
    if metric in _NEEDS_END and end is None and asof is None:
        raise _error(
            where,
            "end",
            f"metric {metric!r} needs the end of its window: give 'end' (or 'asof')",
            None,
            "a date on or after 'start'",
        )
    stop = end if end is not None else asof
    if start is not None and stop is not None and start > stop:
        name = "end" if end is not None else "asof"
        raise _error(
            where,
            name,
            f"the window is reversed: start {start:%Y-%m-%d} is after {name} {stop:%Y-%m-%d}",
            f"{stop:%Y-%m-%d}",
            f"a date on or after {start:%Y-%m-%d}",
        )


def _check_combinations(
    where: str, metric: str, p: Mapping[str, Any], asof: pd.Timestamp | None
) -> None:
    if metric not in ("seasonal_mean", "factor_premium"):  # month windows may be open
        _check_window(where, p, asof, metric)
    if metric in _NEEDS_ASOF and asof is None:
        raise _error(
            where, "asof", f"metric {metric!r} is about one date: give 'asof'", None, "a date"
        )
    if metric == "seasonal_mean":
        if (p["series"] is None) == (p["symbol"] is None):
            raise _error(
                where,
                "series",
                "metric 'seasonal_mean' needs exactly one of 'series' or 'symbol'",
                None,
                "one of 'series', 'symbol'",
            )
        if p["window"] == "month" and p["month"] not in range(1, 13):
            raise _error(
                where,
                "month",
                f"field 'month' must be 1..12 when window = 'month', got {p['month']!r}",
                p["month"],
                "1..12",
            )
        if p["series"] is not None and p["window"] != "month":
            raise _error(
                where,
                "window",
                f"window {p['window']!r} needs daily prices ('symbol'), not 'series'",
                p["window"],
                "'month' with 'series'",
            )
        if p["start"] is not None and p["end"] is not None and p["start"] > p["end"]:
            raise _error(
                where, "end", "the window is reversed: start after end", p["end"], ">= start"
            )
    if metric == "factor_premium":
        if p["months"] is not None:
            bad = [m for m in p["months"] if m not in range(1, 13)]
            if bad:
                raise _error(
                    where, "months", f"field 'months' has invalid months {bad}", bad, "1..12"
                )
        if p["start"] is not None and p["end"] is not None and p["start"] > p["end"]:
            raise _error(
                where, "end", "the window is reversed: start after end", p["end"], ">= start"
            )
    if metric == "window_extreme":
        if (p["series"] is None) == (p["symbol"] is None):
            raise _error(
                where,
                "symbol",
                "metric 'window_extreme' needs exactly one of 'symbol' or 'series'",
                None,
                "one of 'symbol', 'series'",
            )
        if p["series"] is not None and p["benchmark"] is not None:
            raise _error(
                where, "benchmark", "'benchmark' needs 'symbol', not 'series'", None, "no benchmark"
            )
        if p["stat"] != "value":
            if asof is None:
                raise _error(
                    where,
                    "asof",
                    f"stat {p['stat']!r} measures from the window's extreme to a date: give 'asof'",
                    None,
                    "a date on or after 'start'",
                )
            if asof < p["start"]:
                raise _error(
                    where,
                    "asof",
                    "asof is before the window starts",
                    f"{asof:%Y-%m-%d}",
                    ">= start",
                )
    if metric == "since_when" and (p["series"] is None) == (p["symbol"] is None):
        raise _error(
            where,
            "symbol",
            "metric 'since_when' needs exactly one of 'symbol' or 'series'",
            None,
            "one of 'symbol', 'series'",
        )
    if metric == "records" and p["stat"] in ("count", "first") and p["start"] is None:
        raise _error(
            where,
            "start",
            f"stat {p['stat']!r} counts from the start of a window: give 'start'",
            None,
            "a date",
        )
    if metric == "period_rank" and p["period"] == "first_sessions" and p["sessions"] < 1:
        raise _error(where, "sessions", "field 'sessions' must be >= 1", p["sessions"], ">= 1")
    if (
        metric == "breadth_rank"
        and p["since"] is not None
        and asof is not None
        and p["since"] >= asof
    ):
        raise _error(
            where,
            "since",
            f"'since' {p['since']:%Y-%m-%d} is not before asof {asof:%Y-%m-%d}",
            f"{p['since']:%Y-%m-%d}",
            "a date before 'asof'",
        )
    if metric == "streak" and p["lookback"] is not None and p["lookback"] < 1:
        raise _error(where, "lookback", "field 'lookback' must be >= 1", p["lookback"], ">= 1")


def parse_claims(document: Mapping[str, Any], *, asof: pd.Timestamp | None = None) -> list[Claim]:
    """Validate a parsed claims document (``{"claim": [ {...}, ... ]}``).

    ``asof`` is the default as-of date of claims that do not set one (:func:`make_claim`).

    Raises
    ------
    ClaimSpecError
        Naming the claim (index and text), the field and the valid choices.
    """
    extra = sorted(set(document) - {"claim"})
    if extra:
        raise ClaimSpecError(
            f"claims file: unknown top-level key(s) {extra}; valid: ['claim']",
            input="claims file",
            value=extra,
            valid="['claim']",
        )
    raw = document.get("claim")
    if not isinstance(raw, list) or not raw:
        raise ClaimSpecError(
            "claims file: expected a non-empty array of [[claim]] tables",
            input="claims file",
            value=raw,
            valid="[[claim]] tables",
        )
    return [make_claim(c, index=i, asof=asof) for i, c in enumerate(raw)]


def parse_claims_text(
    text: str, *, name: str = "claims", asof: pd.Timestamp | None = None
) -> list[Claim]:
    """Parse TOML text of ``[[claim]]`` tables and validate it (:func:`parse_claims`).

    Floats keep their written digits (:class:`~sizeup.claims._tolerance.WrittenNumber`), so the
    implied tolerance of ``stated = 0.0350`` is 0.00005.
    """
    try:
        doc = tomllib.loads(text, parse_float=WrittenNumber)
    except tomllib.TOMLDecodeError as exc:
        raise ClaimSpecError(
            f"{name}: not valid TOML: {exc}", input=name, value=None, valid="TOML"
        ) from exc
    return parse_claims(doc, asof=asof)
