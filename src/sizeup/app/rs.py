"""Use case: the point-and-figure relative-strength chart of one symbol against another.

The RS chart plots ``100 * A / B`` of total-return closes on a percentage P&F scale (methods
§P8); :func:`sizeup.app.pnf.run_pnf` reports its reading, this use case returns the chart
itself so a front end can draw it beside the price chart.

Examples
--------
>>> from sizeup.app.rs import RsRequest, run_rs            # doctest: +SKIP
>>> run_rs(RsRequest("IWM", "SPY")).figure().show()         # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from sizeup.analytics.pnf import (
    RS_BOX_DEFAULT,
    PnfChart,
    RsReading,
    column_arrays,
    relative_strength_chart,
    rs_reading,
)
from sizeup.app._policy import PriceBasis, coverage_of, resolve_asof
from sizeup.app._result import ChartResult, Provenance
from sizeup.app._store import StoreRef, open_store
from sizeup.errors import ConfigError, DataError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sizeup.data.store import Store

__all__ = ["RsRequest", "RsResult", "run_rs"]


@dataclass(frozen=True)
class RsRequest:
    """Which RS chart to draw.

    Attributes
    ----------
    symbol
        The security (numerator).
    vs
        The benchmark (denominator).
    box_pct
        Percentage box as a decimal (0.065 = the 6.5 % default, 0.0325 half of it).
    reversal
        Reversal in boxes.
    asof
        Chart as of this date (default: the last date both have).
    """

    symbol: str
    vs: str = "SPY"
    box_pct: float = RS_BOX_DEFAULT
    reversal: int = 3
    asof: pd.Timestamp | None = None

    def __post_init__(self) -> None:
        if not 0.001 <= self.box_pct <= 0.25:
            raise ConfigError(
                f"box_pct {self.box_pct}: the RS box is a fraction between 0.001 and 0.25",
                input="box_pct",
                value=self.box_pct,
                valid="0.001 .. 0.25 (0.065 = 6.5 %)",
            )
        if self.reversal < 1:
            raise ConfigError(
                f"reversal {self.reversal}: the reversal is at least 1 box",
                input="reversal",
                value=self.reversal,
                valid="an integer >= 1",
            )
        if self.symbol == self.vs:
            raise ConfigError(
                f"vs {self.vs!r} is the symbol itself; compare with another symbol",
                input="vs",
                value=self.vs,
                valid="a symbol other than the charted one",
            )


@dataclass(frozen=True)
class RsResult(ChartResult):
    """An RS chart with its reading.

    Attributes
    ----------
    request
        The request.
    chart
        The P&F chart of ``100 * symbol / vs``.
    reading
        Signal, column and level at the as-of bar.
    asof
        Date of the chart's last bar.
    provenance
        As-of, both inputs (total return) with their coverage.
    """

    request: RsRequest
    chart: PnfChart
    reading: RsReading
    asof: pd.Timestamp
    provenance: Provenance

    def title(self) -> str:
        """Return the heading: pair, box, reversal, basis and as-of."""
        r = self.request
        return (
            f"RS {r.symbol} / {r.vs}  {r.box_pct * 100:g}% boxes, {r.reversal}-box reversal, "
            f"total return — as of {self.asof.date()}"
        )

    def summary(self) -> str:
        """Return the heading, the reading and the provenance as text."""
        return "\n".join([self.title(), self.reading.summary(), *self.provenance.lines()])

    def to_frame(self) -> pd.DataFrame:
        """Return one row per column: number, kind, low, high, first and last date."""
        cols = column_arrays(self.chart)
        dates = self.chart.dates
        return pd.DataFrame(
            {
                "column": range(1, len(cols.direction) + 1),
                "kind": ["X" if int(d) == 1 else "O" for d in cols.direction],
                "low": [float(self.chart.level(int(v))) for v in cols.low],
                "high": [float(self.chart.level(int(v))) for v in cols.high],
                "first_date": [dates[int(i)] for i in cols.first_bar],
                "last_date": [dates[int(i)] for i in cols.last_bar],
            }
        )

    def payload(self) -> dict[str, Any]:
        """Return the pair, box, reading and columns."""
        r = self.request
        return {
            "symbol": r.symbol,
            "vs": r.vs,
            "box_pct": r.box_pct,
            "reversal": r.reversal,
            "asof": self.asof,
            "reading": self.reading.summary(),
            "signal": {1: "buy", -1: "sell"}.get(int(self.chart.bar_signal[-1])),
            "columns": self.to_frame(),
        }

    def figure(self) -> go.Figure:
        """Return the RS chart as a Plotly P&F figure (trend lines, no price objectives)."""
        from sizeup.charts import pnf_figure

        return pnf_figure(self.chart, title=self.title(), objectives=None)


def run_rs(request: RsRequest, store: StoreRef | Store | None = None) -> RsResult:
    """Build the RS chart of ``request.symbol`` against ``request.vs`` from total returns.

    Raises
    ------
    DataError
        Either symbol has no total-return closes, or nothing is left on or before the as-of.
    """
    st = open_store(store)
    req = request
    closes = st.panel([req.symbol, req.vs], field="adj_close")
    for sym, opt in ((req.symbol, "symbol"), (req.vs, "vs")):
        if sym not in closes or closes[sym].isna().all():
            raise DataError(
                f"{opt} {sym!r}: no total-return closes in the store; fetch or import it first",
                input=opt,
                value=sym,
                valid="a symbol in the store",
            )
    both = closes[[req.symbol, req.vs]].dropna()
    if both.empty:
        raise DataError(
            f"{req.symbol} and {req.vs} have no date in common",
            input="vs",
            value=req.vs,
            valid="a symbol whose history overlaps the charted one",
        )
    asof = resolve_asof(req.asof, {f"{req.symbol}/{req.vs}": both.index.max()})
    chart = relative_strength_chart(
        closes[req.symbol], closes[req.vs], box_pct=req.box_pct, reversal=req.reversal, asof=asof
    )
    if len(chart.dates) == 0:
        raise DataError(
            f"RS {req.symbol}/{req.vs}: no common close on or before {asof.date()}",
            input="asof",
            value=str(asof.date()),
            valid=f"on or after {both.index.min().date()}",
        )
    srcs = st.sources([req.symbol, req.vs], field="adj_close")
    inputs = []
    warnings = []
    for sym in (req.symbol, req.vs):
        rows = srcs[(srcs["symbol"] == sym) & srcs["preferred"]]
        source = ",".join(rows["source"].astype(str))
        cov, warn = coverage_of(
            sym,
            closes[sym].dropna().index,
            as_of=asof,
            basis=PriceBasis.TOTAL_RETURN,
            source=source,
        )
        inputs.append(cov)
        if warn:
            warnings.append(warn)
    return RsResult(
        request=req,
        chart=chart,
        reading=rs_reading(chart),
        asof=pd.Timestamp(chart.dates[-1]),
        provenance=Provenance(
            as_of=asof,
            inputs=tuple(inputs),
            store_version=getattr(st, "version", None),
            notes=(f"basis: {PriceBasis.TOTAL_RETURN.label}",),
            warnings=tuple(warnings),
        ),
    )
