"""Use case: the point-and-figure chart of a symbol, with its RS chart, patterns and counts.

Price basis (the data policy, :mod:`sizeup.app._policy`): P&F charts are drawn on prices as
traded (split-adjusted, not dividend-adjusted), as chart services draw them. A store source
holds as-traded closes when it carries a separate adjusted close (raw + adjusted files such as
Yahoo's with ``Adj Close``, Alpha Vantage) or when the symbol is an index level (``^RUT``); a
source whose only prices are dividend-adjusted (auto-adjusted OHLC, close-only adjusted files)
is used for the total-return basis. ``basis=TOTAL_RETURN`` charts adjusted prices; RS charts
(``vs``) always compare total returns.

Examples
--------
>>> from sizeup.app.pnf import PnfRequest, run_pnf          # doctest: +SKIP
>>> result = run_pnf(PnfRequest("IWM", box="1%", vs="SPY"))  # doctest: +SKIP
>>> print(result.summary())                                  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from sizeup.analytics.pnf import (
    RS_BOX_DEFAULT,
    STATUS_NAMES,
    PnfChart,
    PriceObjective,
    RsReading,
    column_arrays,
    detect_patterns,
    pnf_chart,
    price_objective,
    relative_strength_chart,
    render_text,
    rs_reading,
)
from sizeup.app._policy import PriceBasis, coverage_of, resolve_asof
from sizeup.app._prices import as_traded_bars
from sizeup.app._result import ChartResult, InputCoverage, Provenance
from sizeup.app._store import StoreRef, open_store
from sizeup.errors import ConfigError, DataError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sizeup.data.store import Store

__all__ = ["BULLISH_PATTERNS", "PnfRequest", "PnfResult", "run_pnf"]

BULLISH_PATTERNS = frozenset(
    {
        "double_top_buy", "triple_top_buy", "quadruple_top_buy", "ascending_triple_top",
        "spread_triple_top", "bullish_catapult", "signal_reversed_to_buy", "bullish_triangle",
        "bullish_shakeout", "low_pole", "bear_trap", "long_tail_down",
    }
)  # fmt: skip


@dataclass(frozen=True)
class PnfRequest:
    """What to chart.

    Attributes
    ----------
    symbol
        Symbol or series to chart (``IWM``, ``^RUT``).
    box
        Box spec: ``traditional``, a fixed size (``1``), a percentage (``1%``), ``atr``/``atr:N``.
    reversal
        Reversal in boxes (>= 1).
    method
        ``hl`` (high/low) or ``close``.
    basis
        :class:`~sizeup.app.PriceBasis` of the chart (default as traded).
    asof
        Chart as of this date (default: the last session of the data on that basis).
    vs
        Benchmark for the relative-strength chart (total returns).
    columns
        Columns drawn in the text chart.
    """

    symbol: str
    box: str = "traditional"
    reversal: int = 3
    method: Literal["hl", "close"] = "hl"
    basis: PriceBasis = PriceBasis.AS_TRADED
    asof: pd.Timestamp | None = None
    vs: str | None = None
    columns: int = 40

    def __post_init__(self) -> None:
        if self.method not in ("hl", "close"):
            raise ConfigError(
                f"--method {self.method!r} is not valid; use 'hl' or 'close'",
                input="--method",
                value=self.method,
                valid="hl or close",
            )
        if self.reversal < 1:
            raise ConfigError(
                f"--reversal {self.reversal}: the reversal is at least 1 box",
                input="--reversal",
                value=self.reversal,
                valid="an integer >= 1",
            )
        if self.columns < 1:
            raise ConfigError(
                f"--columns {self.columns}: draw at least 1 column",
                input="--columns",
                value=self.columns,
                valid="an integer >= 1",
            )
        if self.basis is PriceBasis.UNITS:
            raise ConfigError(
                "--basis: P&F of a price uses 'as traded' or 'total return'",
                input="--basis",
                value=self.basis.value,
                valid="as-traded or total-return",
            )


@dataclass(frozen=True)
class PnfResult(ChartResult):
    """A P&F chart with its state, patterns, price objectives and RS reading.

    Attributes
    ----------
    request
        The request (symbol, box, reversal, method, basis).
    chart
        The chart as of :attr:`asof`.
    asof
        Date of the chart's last bar.
    patterns
        Pattern events (date, pattern, level, column).
    vertical, horizontal
        Price objectives in force (``None`` without a signal).
    rs
        RS reading against ``request.vs``.
    provenance
        As-of, inputs with sources and coverage, notes and warnings.
    """

    request: PnfRequest
    chart: PnfChart
    asof: pd.Timestamp
    patterns: pd.DataFrame
    vertical: PriceObjective | None
    horizontal: PriceObjective | None
    rs: RsReading | None
    provenance: Provenance

    # -- state -------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Return the chart's state at the as-of bar (column, signal, status, trend...)."""
        chart = self.chart
        t = len(chart.dates) - 1
        c = int(chart.bar_column[t])
        out: dict[str, Any] = {"column": None, "signal": None, "signal_since": None}
        if c >= 0:
            out["column"] = {
                "number": c + 1,
                "kind": "X" if chart.col_direction[c] == 1 else "O",
                "low": float(chart.level(int(chart.col_low[c]))),
                "high": float(chart.level(int(chart.col_high[c]))),
                "since": chart.dates[int(chart.col_first_bar[c])],
            }
        sig = int(chart.bar_signal[t])
        if sig:
            fired = chart.bar_signal_fired[: t + 1].nonzero()[0]
            out["signal"] = "buy" if sig > 0 else "sell"
            out["signal_since"] = chart.dates[int(fired[-1])] if fired.size else None
            out["status"] = STATUS_NAMES[int(chart.bar_status[t])]
        out["consecutive_buys"] = int(chart.bar_consec_buys[t])
        out["consecutive_sells"] = int(chart.bar_consec_sells[t])
        trend = int(chart.bar_trend[t])
        out["trend"] = {1: "positive", -1: "negative"}.get(trend, "undefined")
        out["trend_line"] = float(chart.level(int(chart.bar_trend_line[t]))) if trend else None
        return out

    def state_lines(self) -> list[tuple[str, str]]:
        """Return the state as (label, text) rows, as the CLI prints them."""
        s = self.state()
        rows: list[tuple[str, str]] = []
        col = s["column"]
        if col is None:
            rows.append(("column", "none yet (price has not moved one box)"))
        else:
            rows.append(
                (
                    "column",
                    f"{col['kind']} {col['low']:g} .. {col['high']:g} since "
                    f"{pd.Timestamp(col['since']).date()} (column {col['number']})",
                )
            )
        if s["signal"] is None:
            rows.append(("signal", "none yet"))
        else:
            since = s["signal_since"]
            when = "?" if since is None else str(pd.Timestamp(since).date())
            rows.append(("signal", f"{s['signal']} since {when}"))
            rows.append(("status", str(s["status"])))
        rows.append(
            ("consecutive", f"{s['consecutive_buys']} buys / {s['consecutive_sells']} sells")
        )
        if s["trend_line"] is None:
            rows.append(("trend", "undefined (no signal yet)"))
        else:
            line = "BSL" if s["trend"] == "positive" else "BRL"
            tag = "POS" if s["trend"] == "positive" else "NEG"
            rows.append(("trend", f"{tag} ({line} {s['trend_line']:g})"))
        for label, po in (("vertical count", self.vertical), ("horizontal count", self.horizontal)):
            if po is not None:
                rows.append((label, po.summary()))
        if self.rs is not None:
            rows.append((f"RS vs {self.request.vs}", f"{self.rs.summary()} [total return]"))
        return rows

    def title(self) -> str:
        """Return the heading: symbol, scale, reversal, method, basis and as-of."""
        chart, req = self.chart, self.request
        how = "high/low" if chart.method == "hl" else "close"
        return (
            f"{req.symbol}  P&F {chart.scale.name} boxes, {chart.reversal}-box reversal, "
            f"{how} method, {req.basis.value} — as of {self.asof.date()}"
        )

    def text_chart(self, columns: int | None = None) -> str:
        """Return the text chart of the newest ``columns`` columns."""
        return render_text(self.chart, columns=columns or self.request.columns)

    # -- protocol ----------------------------------------------------------------------
    def summary(self) -> str:
        """Return heading, text chart, state, latest patterns and provenance as text."""
        lines = [self.title(), self.text_chart() or "(no column yet)"]
        lines += [f"{k}: {v}" for k, v in self.state_lines()]
        recent = self.patterns.tail(8)
        for d, p, lv in zip(recent["date"], recent["pattern"], recent["level"], strict=True):
            lines.append(f"pattern {pd.Timestamp(d).date()} {p} at {lv:g}")
        lines += self.provenance.lines()
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per column: number, kind, low, high, first and last date."""
        cols = column_arrays(self.chart)
        dates = self.chart.dates
        n = len(cols.direction)
        return pd.DataFrame(
            {
                "column": np.arange(1, n + 1),
                "kind": np.where(np.asarray(cols.direction) == 1, "X", "O"),
                "low": [float(self.chart.level(int(v))) for v in cols.low],
                "high": [float(self.chart.level(int(v))) for v in cols.high],
                "first_date": [dates[int(i)] for i in cols.first_bar],
                "last_date": [dates[int(i)] for i in cols.last_bar],
            }
        )

    def payload(self) -> dict[str, Any]:
        """Return the request, state, columns, patterns, objectives and RS reading."""
        req = self.request
        return {
            "symbol": req.symbol,
            "box": req.box,
            "scale": self.chart.scale.name,
            "reversal": req.reversal,
            "method": self.chart.method,
            "basis": req.basis.value,
            "asof": self.asof,
            "state": self.state(),
            "columns": self.to_frame(),
            "patterns": self.patterns,
            "vertical": None if self.vertical is None else self.vertical.summary(),
            "horizontal": None if self.horizontal is None else self.horizontal.summary(),
            "rs": None if self.rs is None else {"vs": req.vs, "reading": self.rs.summary()},
        }

    def figure(self) -> go.Figure:
        """Return the chart as a Plotly figure (patterns marked)."""
        from sizeup.charts import pnf_figure

        return pnf_figure(self.chart, columns=None, title=self.title(), patterns=self.patterns)


def _total_return_bars(store: Store, symbol: str) -> pd.DataFrame:
    rows = store.bars([symbol], prefer_field="adj_close")
    if rows.empty:
        raise DataError(
            f"no bars for symbol {symbol!r} in the store; fetch or import it first",
            input="symbol",
            value=symbol,
            valid="a symbol in the store",
        )
    # Dividend-adjusted OHLC: scale high/low by the day's adjustment factor adj_close/close.
    factor = (rows["adj_close"] / rows["close"]).where(rows["close"] > 0)
    return rows.assign(
        high=rows["high"] * factor, low=rows["low"] * factor, close=rows["adj_close"]
    )


def run_pnf(request: PnfRequest, store: StoreRef | Store | None = None) -> PnfResult:
    """Build the P&F result of one symbol from the store.

    Parameters
    ----------
    request
        What to chart.
    store
        A :class:`~sizeup.app.StoreRef` (default: the settings' store) or an open store.

    Returns
    -------
    PnfResult

    Raises
    ------
    DataError
        The symbol (or the benchmark) is not in the store, or the as-of date is after its data.
    ConfigError
        A bad box spec or option.
    """
    st = open_store(store)
    req = request
    if req.basis is PriceBasis.AS_TRADED:
        rows, notes = as_traded_bars(st, req.symbol)
    else:
        rows, notes = _total_return_bars(st, req.symbol), []
    frame = rows.assign(date=pd.to_datetime(rows["date"])).sort_values("date").set_index("date")
    source = ",".join(sorted({str(s) for s in frame["source"]}))
    asof = resolve_asof(req.asof, {f"{req.symbol} ({req.basis.value})": frame.index.max()})
    method = req.method
    has_hl = bool(frame[["high", "low"]].notna().all(axis=1).any())
    if method == "hl" and not has_hl:
        notes.append(f"source {source} has no high/low for {req.symbol}: close method used")
        method = "close"
    if method == "hl":
        hl = frame[["high", "low", "close"]].copy()
        missing = hl["high"].isna() | hl["low"].isna()
        hl.loc[missing, "high"] = hl.loc[missing, "close"]
        hl.loc[missing, "low"] = hl.loc[missing, "close"]
        data: pd.DataFrame | pd.Series = hl.dropna(subset=["close"])
    else:
        data = frame["close"].dropna()
    # One chart: the plain-Python engine draws it without loading numba (same chart, tested).
    chart = pnf_chart(
        data, box=req.box, reversal=req.reversal, method=method, asof=asof, engine="python"
    )
    if len(chart.dates) == 0:
        raise DataError(
            f"{req.symbol}: no bar on or before the as-of date {asof.date()}",
            input="--asof",
            value=str(asof.date()),
            valid=f"on or after {frame.index.min().date()}",
        )
    cov, warn = coverage_of(req.symbol, frame.index, as_of=asof, basis=req.basis, source=source)
    inputs: list[InputCoverage] = [cov]
    warnings = [w for w in (warn,) if w]
    rs = None
    if req.vs is not None:
        closes = st.panel([req.symbol, req.vs], field="adj_close", end=asof)
        if req.vs not in closes or req.symbol not in closes or closes[req.vs].isna().all():
            raise DataError(
                f"--vs {req.vs}: no total-return closes for {req.symbol} and {req.vs} in the store",
                input="--vs",
                value=req.vs,
                valid="a symbol in the store",
            )
        rs_chart = relative_strength_chart(
            closes[req.symbol],
            closes[req.vs],
            box_pct=RS_BOX_DEFAULT,
            reversal=3,
            asof=asof,
            engine="python",
        )
        rs = rs_reading(rs_chart)
        srcs = st.sources([req.vs], field="adj_close")
        vs_source = ",".join(srcs.loc[srcs["preferred"], "source"].astype(str))
        vcov, vwarn = coverage_of(
            req.vs,
            closes[req.vs].dropna().index,
            as_of=asof,
            basis=PriceBasis.TOTAL_RETURN,
            source=vs_source,
        )
        inputs.append(vcov)
        warnings += [w for w in (vwarn,) if w]
    return PnfResult(
        request=req,
        chart=chart,
        asof=pd.Timestamp(chart.dates[-1]),
        patterns=detect_patterns(chart),
        vertical=price_objective(chart, kind="vertical"),
        horizontal=price_objective(chart, kind="horizontal"),
        rs=rs,
        provenance=Provenance(
            as_of=asof,
            inputs=tuple(inputs),
            store_version=getattr(st, "version", None),
            notes=(f"basis: {req.basis.label}", *notes),
            warnings=tuple(warnings),
        ),
    )
