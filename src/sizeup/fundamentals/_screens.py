"""Declarative stock screens (TOML) compiled to DuckDB SQL over point-in-time metrics.

A screen file::

    name = "quality"
    description = "Profitable, moderately levered, covered small caps"
    universe = "IWM"          # a fund in the holdings table, "all", or a list of symbols
    as_of = "2021-06-30"      # optional; the CLI's --asof wins
    top = 25                  # optional
    stability_quarters = 8    # optional, N of quarters_positive

    [[filter]]
    field = "net_income_ttm"  # any name of sizeup.fundamentals._metrics.FIELDS
    op = ">"                  # one of > >= < <= == !=
    value = 0
    label = "TTM earnings positive"   # optional
    missing = "fail"          # "fail" (default) or "skip" when the field has no data

    [[rank]]
    field = "earnings_yield"
    order = "desc"            # "desc": higher is better; "asc": lower is better
    weight = 1.0

    [score]
    method = "rank"           # "rank" (mean percentile) or "zscore" (mean clipped z)

    [[flag]]
    name = "refinancing_risk"
    combine = "any"           # "any" or "all"
    [[flag.condition]]
    field = "debt_due_24m_share"
    op = ">="
    value = 0.3

Filters on fields that need quarterly statements are *not applied* to names whose data are
annual only (SimFin), and the result lists which tests were not applied and for how many names.
Scores are computed among the names that pass the filters. Built-in screens live in
``sizeup/fundamentals/screen_specs/*.toml`` (:func:`builtin_screens`).

Companies whose current fiscal year is flagged as implausible
(:func:`sizeup.fundamentals.quality_report`) are excluded from the universe unless
``include_flagged=True``; the result lists them with the reason. With ``top`` the table keeps the
best names only, but the result still reports how many passed in all.
"""

from __future__ import annotations

import logging
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, cast

import duckdb
import pandas as pd

from sizeup.errors import ConfigError, DataError
from sizeup.fundamentals._metrics import FIELDS, metrics_sql, tidy_prices
from sizeup.fundamentals._normalize import empty_items
from sizeup.fundamentals._quality import QualityReport, quality_report
from sizeup.types import DateLike

__all__ = [
    "Condition",
    "Flag",
    "Rank",
    "Screen",
    "ScreenData",
    "ScreenResult",
    "builtin_screens",
    "compile_screen",
    "load_screen",
    "parse_screen",
    "run_screen",
]

log = logging.getLogger(__name__)

Op = Literal[">", ">=", "<", "<=", "==", "!="]
Missing = Literal["fail", "skip"]
Order = Literal["asc", "desc"]
ScoreMethod = Literal["rank", "zscore"]

_OPS: Final = (">", ">=", "<", "<=", "==", "!=")
_SQL_OP: Final = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "==": "=", "!=": "<>"}
_TOP_KEYS: Final = (
    "name",
    "description",
    "universe",
    "as_of",
    "top",
    "stability_quarters",
    "filter",
    "rank",
    "score",
    "flag",
)
_COND_KEYS: Final = ("field", "op", "value", "label", "missing")
_RANK_KEYS: Final = ("field", "order", "weight")
_FLAG_KEYS: Final = ("name", "combine", "condition")
_SCORE_KEYS: Final = ("method",)
_NUMERIC: Final = tuple(n for n, f in FIELDS.items() if f.kind == "number")


@dataclass(frozen=True)
class Condition:
    """One test ``field op value``."""

    field: str
    op: Op
    value: float
    label: str
    missing: Missing = "fail"

    def sql(self) -> str:
        """Return the SQL boolean expression (NULL when the field is NULL)."""
        return f"({self.field} {_SQL_OP[self.op]} {self.value!r})"


@dataclass(frozen=True)
class Rank:
    """A ranked field of the composite score."""

    field: str
    order: Order = "desc"
    weight: float = 1.0


@dataclass(frozen=True)
class Flag:
    """A named boolean column: ``any``/``all`` of its conditions."""

    name: str
    conditions: tuple[Condition, ...]
    combine: Literal["any", "all"] = "any"


@dataclass(frozen=True)
class Screen:
    """A parsed, validated screen."""

    name: str
    description: str = ""
    universe: str | tuple[str, ...] = "all"
    as_of: str | None = None
    top: int | None = None
    stability_quarters: int = 8
    filters: tuple[Condition, ...] = ()
    ranks: tuple[Rank, ...] = ()
    flags: tuple[Flag, ...] = ()
    score_method: ScoreMethod = "rank"


# ----------------------------------------------------------------------------- parsing
def _check_keys(table: Any, valid: Sequence[str], where: str, source: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"screen {source}: {where} must be a table, got {table!r:.60}")
    unknown = [k for k in table if k not in valid]
    if unknown:
        raise ConfigError(
            f"screen {source}: unknown key(s) {unknown} in {where}; valid keys are {list(valid)}"
        )
    return table


def _field(value: Any, where: str, source: str, *, numeric: bool = False) -> str:
    valid = _NUMERIC if numeric else tuple(FIELDS)
    if not isinstance(value, str) or value not in valid:
        raise ConfigError(
            f"screen {source}: {where} field {value!r} is unknown; valid fields are {sorted(valid)}"
        )
    return value


def _choice(value: Any, valid: Sequence[str], what: str, source: str) -> str:
    if not isinstance(value, str) or value not in valid:
        raise ConfigError(f"screen {source}: {what} {value!r} is not one of {list(valid)}")
    return value


def _number(value: Any, what: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ConfigError(f"screen {source}: {what} {value!r} is not a number")
    return float(value)


def _condition(raw: Any, where: str, source: str) -> Condition:
    tbl = _check_keys(raw, _COND_KEYS, where, source)
    for key in ("field", "op", "value"):
        if key not in tbl:
            raise ConfigError(f"screen {source}: {where} lacks {key!r} (needs field, op, value)")
    name = _field(tbl["field"], where, source, numeric=True)
    op = cast(Op, _choice(tbl["op"], _OPS, f"{where} op", source))
    value = _number(tbl["value"], f"{where} value", source)
    label = tbl.get("label", f"{name} {op} {value:g}")
    if not isinstance(label, str):
        raise ConfigError(f"screen {source}: {where} label {label!r} is not a string")
    missing = cast(
        Missing, _choice(tbl.get("missing", "fail"), ("fail", "skip"), f"{where} missing", source)
    )
    return Condition(name, op, value, label, missing)


def parse_screen(text: str, *, source: str = "<string>") -> Screen:
    """Parse and validate a screen from TOML text.

    Parameters
    ----------
    text
        TOML document (see the module docstring).
    source
        Name used in error messages (file name or built-in name).

    Raises
    ------
    ConfigError
        Malformed TOML (with the line), an unknown key or field (naming the valid ones), or a
        value of the wrong kind.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"screen {source}: not valid TOML: {exc}") from None
    doc = _check_keys(doc, _TOP_KEYS, "the top level", source)
    name = doc.get("name", Path(source).stem)
    if not isinstance(name, str) or not name:
        raise ConfigError(f"screen {source}: name {name!r} is not a non-empty string")
    description = doc.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"screen {source}: description {description!r:.40} is not a string")
    universe_raw = doc.get("universe", "all")
    universe: str | tuple[str, ...]
    if isinstance(universe_raw, str) and universe_raw:
        universe = universe_raw
    elif isinstance(universe_raw, list) and all(isinstance(s, str) for s in universe_raw):
        universe = tuple(s.upper() for s in universe_raw)
    else:
        raise ConfigError(
            f"screen {source}: universe {universe_raw!r:.60} must be a fund name, 'all', or a "
            "list of symbols"
        )
    as_of = doc.get("as_of")
    if as_of is not None:
        as_of = str(as_of)
        try:
            pd.Timestamp(as_of)
        except ValueError:
            raise ConfigError(f"screen {source}: as_of {as_of!r} is not a date") from None
    top = doc.get("top")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ConfigError(f"screen {source}: top {top!r} is not a positive integer")
    nq = doc.get("stability_quarters", 8)
    if isinstance(nq, bool) or not isinstance(nq, int) or not 1 <= nq <= 40:
        raise ConfigError(f"screen {source}: stability_quarters {nq!r} is not an integer 1..40")
    filters_raw = doc.get("filter", [])
    ranks_raw = doc.get("rank", [])
    flags_raw = doc.get("flag", [])
    for key, val in (("filter", filters_raw), ("rank", ranks_raw), ("flag", flags_raw)):
        if not isinstance(val, list):
            raise ConfigError(f"screen {source}: {key!r} must be an array of tables ([[{key}]])")
    filters = tuple(_condition(f, f"filter {i + 1}", source) for i, f in enumerate(filters_raw))
    ranks: list[Rank] = []
    for i, raw in enumerate(ranks_raw):
        where = f"rank {i + 1}"
        tbl = _check_keys(raw, _RANK_KEYS, where, source)
        if "field" not in tbl:
            raise ConfigError(f"screen {source}: {where} lacks 'field'")
        weight = _number(tbl.get("weight", 1.0), f"{where} weight", source)
        if weight <= 0:
            raise ConfigError(f"screen {source}: {where} weight {weight} must be > 0")
        ranks.append(
            Rank(
                _field(tbl["field"], where, source, numeric=True),
                cast(
                    Order,
                    _choice(tbl.get("order", "desc"), ("asc", "desc"), f"{where} order", source),
                ),
                weight,
            )
        )
    flags: list[Flag] = []
    for i, raw in enumerate(flags_raw):
        where = f"flag {i + 1}"
        tbl = _check_keys(raw, _FLAG_KEYS, where, source)
        fname = tbl.get("name")
        if not isinstance(fname, str) or not fname.isidentifier() or fname in FIELDS:
            raise ConfigError(
                f"screen {source}: {where} name {fname!r} must be an identifier that is not a "
                "metric field"
            )
        conds = tbl.get("condition", [])
        if not isinstance(conds, list) or not conds:
            raise ConfigError(f"screen {source}: {where} needs at least one [[flag.condition]]")
        combine = _choice(tbl.get("combine", "any"), ("any", "all"), f"{where} combine", source)
        flags.append(
            Flag(
                fname,
                tuple(
                    _condition(c, f"{where} condition {j + 1}", source) for j, c in enumerate(conds)
                ),
                cast(Literal["any", "all"], combine),
            )
        )
    score = _check_keys(doc.get("score", {}), _SCORE_KEYS, "[score]", source)
    method = cast(
        ScoreMethod,
        _choice(score.get("method", "rank"), ("rank", "zscore"), "score method", source),
    )
    return Screen(
        name=name,
        description=description,
        universe=universe,
        as_of=as_of,
        top=top,
        stability_quarters=nq,
        filters=filters,
        ranks=tuple(ranks),
        flags=tuple(flags),
        score_method=method,
    )


def builtin_screens() -> dict[str, str]:
    """Built-in screen names -> their TOML text."""
    root = resources.files("sizeup.fundamentals.screen_specs")
    return {
        p.name.removesuffix(".toml"): p.read_text(encoding="utf-8")
        for p in sorted(root.iterdir(), key=lambda q: q.name)
        if p.name.endswith(".toml")
    }


def load_screen(name_or_path: str | Path) -> Screen:
    """Load a built-in screen by name, or a screen file by path.

    Raises
    ------
    ConfigError
        Neither a built-in name nor a readable file, or an invalid screen.
    """
    builtins = builtin_screens()
    key = str(name_or_path)
    if key in builtins:
        return parse_screen(builtins[key], source=f"builtin:{key}")
    path = Path(name_or_path)
    if not path.is_file():
        raise ConfigError(
            f"screen {key!r} is neither a built-in screen {sorted(builtins)} nor a file"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"screen file {path}: cannot read it: {exc}") from None
    return parse_screen(text, source=str(path))


# ----------------------------------------------------------------------------- compiling
def _status(cond: Condition) -> str:
    quarterly = FIELDS[cond.field].quarterly
    na = "WHEN basis = 'annual' THEN 'n/a' " if quarterly else ""
    return (
        f"CASE {na}WHEN {cond.field} IS NULL THEN 'missing' "
        f"WHEN {cond.sql()} THEN 'pass' ELSE 'fail' END"
    )


def compile_screen(screen: Screen, *, as_of: DateLike) -> str:
    """DuckDB SQL of a screen over relations ``std_items``, ``prices`` and ``universe``.

    The result has one row per universe symbol: the metric columns, a status column per filter
    (``f1``, ``f2``, ...: ``pass``/``fail``/``missing``/``n/a``), one boolean column per flag,
    ``passed``, ``score`` (0..1 for ``rank``, z for ``zscore``; among passing names) and
    ``position`` (1 = best passing name).
    """
    metrics = metrics_sql(as_of, stability_quarters=screen.stability_quarters)
    status = [f"{_status(c)} AS f{i + 1}" for i, c in enumerate(screen.filters)]
    ok = []
    for i, c in enumerate(screen.filters):
        allowed = ["'pass'", "'n/a'"] + (["'missing'"] if c.missing == "skip" else [])
        ok.append(f"f{i + 1} IN ({', '.join(allowed)})")
    passed = " AND ".join(ok) if ok else "TRUE"
    flags = []
    for fl in screen.flags:
        joiner = " OR " if fl.combine == "any" else " AND "
        flags.append(f"coalesce({joiner.join(c.sql() for c in fl.conditions)}, false) AS {fl.name}")
    parts = []
    weights = []
    for r in screen.ranks:
        if screen.score_method == "rank":
            order = "ASC" if r.order == "desc" else "DESC"
            expr = (
                f"CASE WHEN {r.field} IS NULL OR NOT passed THEN NULL ELSE percent_rank() OVER "
                f"(PARTITION BY passed, {r.field} IS NULL ORDER BY {r.field} {order}) END"
            )
        else:
            sign = "" if r.order == "desc" else "-"
            win = f"OVER (PARTITION BY passed, {r.field} IS NULL OR isinf({r.field}))"
            expr = (
                f"CASE WHEN {r.field} IS NULL OR isinf({r.field}) OR NOT passed THEN NULL ELSE "
                f"greatest(-3, least(3, {sign}({r.field} - avg({r.field}) {win}) / "
                f"nullif(stddev_samp({r.field}) {win}, 0))) END"
            )
        parts.append(f"({expr})")
        weights.append(r.weight)
    if parts:
        num = " + ".join(f"coalesce({p} * {w!r}, 0)" for p, w in zip(parts, weights, strict=True))
        den = " + ".join(
            f"(CASE WHEN {p} IS NULL THEN 0 ELSE {w!r} END)"
            for p, w in zip(parts, weights, strict=True)
        )
        score = f"CASE WHEN passed THEN ({num}) / nullif({den}, 0) END"
    else:
        score = "CAST(NULL AS DOUBLE)"
    select = ",\n  ".join(["un.symbol AS universe_symbol", "m.* EXCLUDE (symbol)", *status, *flags])
    return f"""
WITH metrics AS ({metrics}),
s AS (
  SELECT {select}
  FROM universe AS un LEFT JOIN metrics AS m ON m.symbol = un.symbol
),
p AS (SELECT *, {passed} AS passed FROM s),
scored AS (SELECT *, {score} AS score FROM p)
SELECT universe_symbol AS symbol, * EXCLUDE (universe_symbol),
  CASE WHEN passed THEN row_number() OVER (
    PARTITION BY passed ORDER BY score DESC NULLS LAST, universe_symbol) END AS position
FROM scored
ORDER BY passed DESC, score DESC NULLS LAST, symbol
"""


# ----------------------------------------------------------------------------- data and running
@dataclass(frozen=True)
class ScreenData:
    """What a screen runs on.

    Parameters
    ----------
    items
        Standard items (:func:`sizeup.fundamentals.normalize`).
    prices
        Tidy closes (symbol, date, close).
    holdings
        ``holdings`` table rows (fund membership snapshots), may be empty.
    notes
        Provenance and coverage notes carried into every result.
    """

    items: pd.DataFrame
    prices: pd.DataFrame
    holdings: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()

    @classmethod
    def from_frames(
        cls,
        items: pd.DataFrame,
        *,
        prices: pd.DataFrame | None = None,
        holdings: pd.DataFrame | None = None,
        notes: Sequence[str] = (),
    ) -> ScreenData:
        """Build from frames; prices may be tidy or wide (DatetimeIndex x symbol)."""
        return cls(
            items if not items.empty else empty_items(),
            tidy_prices(prices),
            holdings if holdings is not None else pd.DataFrame(),
            tuple(notes),
        )

    @cached_property
    def quality(self) -> QualityReport:
        """Implausible company-years of ``items`` (computed once)."""
        return quality_report(self.items)


@dataclass(frozen=True)
class ScreenResult:
    """A ranked screen result.

    Attributes
    ----------
    table
        One row per universe symbol: symbol, position, passed, score, reason, the filter
        statuses, flags and the metrics; passing names first, best first.
    not_applied
        Filter label -> number of names for which the test could not be applied (annual-only
        data), or was skipped for missing data.
    coverage
        Universe size, names with fundamentals, with prices, with quarterly data.
    notes
        Survivorship and data-coverage notes.
    sql
        The compiled query.
    n_passed
        Names that passed, before any ``top`` cut of ``table``.
    top
        The ``top`` cut applied to ``table`` (None = all rows).
    excluded
        Symbol -> reason, for universe names left out because their current fiscal year is
        flagged as implausible (empty with ``include_flagged``).
    """

    screen: Screen
    as_of: pd.Timestamp
    universe: str
    table: pd.DataFrame = field(repr=False)
    not_applied: dict[str, int]
    coverage: dict[str, int]
    notes: tuple[str, ...]
    sql: str = field(repr=False)
    n_passed: int = 0
    top: int | None = None
    excluded: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> pd.DataFrame:
        """Rows of the names that passed, best first."""
        return self.table[self.table["passed"]].reset_index(drop=True)

    def summary(self) -> str:
        """Plain-text summary: counts, coverage, tests not applied, notes."""
        c = self.coverage
        lines = [
            f"screen {self.screen.name!r} as of {self.as_of.date()} on {self.universe}: "
            f"{self.n_passed} of {c['universe']} names pass"
            + (f" (showing the best {len(self.table)})" if self.top is not None else ""),
            f"coverage: {c['with_fundamentals']} with fundamentals, {c['with_prices']} with a "
            f"price, {c['quarterly']} with quarterly data, {c['annual_only']} annual only",
        ]
        for label, n in self.not_applied.items():
            lines.append(f"not applied to {n} names: {label}")
        if self.excluded:
            kinds = pd.Series([r.split(":", 1)[0] for r in self.excluded.values()])
            counts = ", ".join(f"{k} {v}" for k, v in kinds.value_counts().items())
            lines.append(
                f"excluded {len(self.excluded)} names with implausible data ({counts}); "
                "include them with include_flagged / --include-flagged"
            )
            for sym, why in sorted(self.excluded.items()):
                lines.append(f"  excluded {sym}: {why}")
        lines.extend(self.notes)
        return "\n".join(lines)


def _universe(
    screen: Screen, data: ScreenData, as_of: pd.Timestamp, universe: str | Sequence[str] | None
) -> tuple[list[str] | None, str, list[str]]:
    spec: str | tuple[str, ...] = (
        screen.universe
        if universe is None
        else (universe if isinstance(universe, str) else tuple(universe))
    )
    notes: list[str] = []
    if isinstance(spec, tuple):
        return sorted(set(spec)), f"{len(set(spec))} listed symbols", notes
    if spec.lower() == "all":
        return None, "all symbols with fundamentals", notes
    h = data.holdings
    if h.empty or "fund" not in h.columns:
        raise DataError(
            f"universe {spec!r}: no holdings in the data; import the fund's holdings or use "
            "universe 'all' or a list of symbols"
        )
    fund = h[h["fund"].astype(str).str.upper() == spec.upper()]
    if fund.empty:
        raise DataError(
            f"universe {spec!r}: fund not in holdings; funds present are "
            f"{sorted(h['fund'].astype(str).unique())}"
        )
    dates = pd.to_datetime(fund["as_of"])
    before = dates[dates <= as_of]
    snap = before.max() if not before.empty else dates.min()
    if snap > as_of:
        notes.append(
            f"survivorship: {spec} membership is the {snap.date()} snapshot, after the as-of date "
            f"{as_of.date()}; names that left the index before then are missing"
        )
    members = fund[dates == snap]
    if "asset_class" in members.columns:
        eq = members["asset_class"].astype(str).str.lower().isin(["equity", "none", "nan", ""])
        members = members[eq | members["asset_class"].isna()]
    syms = sorted(set(members["symbol"].astype(str)))
    return syms, f"{spec} members ({snap.date()} snapshot, {len(syms)} names)", notes


def _reason(row: Mapping[Any, Any], screen: Screen) -> str:
    bad: list[str] = []
    na: list[str] = []
    for i, c in enumerate(screen.filters):
        st = row[f"f{i + 1}"]
        if st == "fail":
            val = row.get(c.field)
            bad.append(f"{c.label} ({c.field}={_fmt(val)})")
        elif st == "missing":
            (na if c.missing == "skip" else bad).append(f"{c.label} (no data)")
        elif st == "n/a":
            na.append(f"{c.label} (annual data only)")
    flags = [fl.name for fl in screen.flags if bool(row.get(fl.name))]
    if bad:
        text = "fail: " + "; ".join(bad)
    else:
        n = len(screen.filters) - len(na)
        text = f"pass: {n}/{len(screen.filters)} tests"
    if na:
        text += "; not applied: " + "; ".join(na)
    if flags:
        text += "; flags: " + ", ".join(flags)
    return text


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if abs(value) >= 1e6:
            return f"{value / 1e6:,.1f}M"
        return f"{value:.3g}"
    return str(value)


def run_screen(
    screen: Screen,
    data: ScreenData,
    *,
    as_of: DateLike | None = None,
    top: int | None = None,
    universe: str | Sequence[str] | None = None,
    include_flagged: bool = False,
) -> ScreenResult:
    """Run a screen as of a date.

    Parameters
    ----------
    screen
        From :func:`load_screen` / :func:`parse_screen`.
    data
        Items, prices, holdings.
    as_of
        The date (default: the screen's ``as_of``, else the latest filing date in the data).
    top
        Keep only the best ``top`` passing names (plus no failing ones); default the screen's
        ``top``, else all rows.
    universe
        Override the screen's universe.
    include_flagged
        Keep companies whose current fiscal year is flagged as implausible
        (:attr:`ScreenData.quality`); by default they are excluded and listed.

    Returns
    -------
    ScreenResult
    """
    if as_of is None:
        as_of = screen.as_of
    if as_of is None:
        if data.items.empty:
            raise DataError("screen: no as-of date given and no fundamentals to infer one from")
        as_of = pd.Timestamp(data.items["filed"].max())
    when = pd.Timestamp(as_of)
    symbols, label, notes = _universe(screen, data, when, universe)
    excluded: dict[str, str] = {}
    if not include_flagged:
        excluded = data.quality.excluded_at(when, symbols)
        if excluded:
            if symbols is None:
                symbols = sorted(set(data.items["symbol"].astype(str)))
            symbols = [s for s in symbols if s not in excluded]
    sql = compile_screen(screen, as_of=when)
    try:
        with duckdb.connect() as con:
            con.register("std_items", data.items)
            con.register("prices", data.prices)
            if symbols is None:
                con.execute("CREATE TEMP TABLE universe AS SELECT DISTINCT symbol FROM std_items")
            else:
                frame = pd.DataFrame({"symbol": pd.Series(symbols, dtype=object)})
                con.register("universe", frame)
            table = con.execute(sql).df()
    except duckdb.Error as exc:
        raise DataError(f"screen {screen.name!r}: query failed: {exc}") from exc
    table["passed"] = table["passed"].fillna(False).astype(bool)
    table["reason"] = [_reason(r, screen) for r in table.to_dict("records")]
    not_applied: dict[str, int] = {}
    for i, c in enumerate(screen.filters):
        col = table[f"f{i + 1}"]
        n = int((col == "n/a").sum()) + (
            int((col == "missing").sum()) if c.missing == "skip" else 0
        )
        if n:
            not_applied[c.label] = n
    has_f = table["basis"].notna() | table["total_debt"].notna() | table["equity"].notna()
    coverage = {
        "universe": len(table),
        "with_fundamentals": int(has_f.sum()),
        "with_prices": int(table["price"].notna().sum()),
        "quarterly": int((table["basis"] == "quarterly").sum()),
        "annual_only": int((table["basis"] == "annual").sum()),
    }
    missing = coverage["universe"] - coverage["with_fundamentals"]
    if missing:
        notes.append(
            f"coverage: {missing} of {coverage['universe']} universe names have no fundamentals "
            "known at the date and cannot pass"
        )
    n_passed = int(table["passed"].sum())
    limit = top if top is not None else screen.top
    if limit is not None:
        table = table[table["passed"]].head(limit)
    lead = ["symbol", "position", "passed", "score", "reason"]
    table = table[lead + [c for c in table.columns if c not in lead]].reset_index(drop=True)
    return ScreenResult(
        screen=screen,
        as_of=when,
        universe=label,
        table=table,
        not_applied=not_applied,
        coverage=coverage,
        notes=(*data.notes, *notes),
        sql=sql,
        n_passed=n_passed,
        top=limit,
        excluded=excluded,
    )
