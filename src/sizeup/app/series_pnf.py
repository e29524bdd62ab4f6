"""Use case: the point-and-figure chart of a stored series (a yield, a rate, a spread).

Series (FRED ids such as ``DGS10``) have one value per date and no high or low, so the chart
uses the close method on the values in their own units; everything else — box, reversal,
as-of, patterns, objectives, trend lines — is as for a price chart
(:func:`sizeup.app.pnf.run_pnf`).

Examples
--------
>>> from sizeup.app.pnf import PnfRequest                               # doctest: +SKIP
>>> run_series_pnf(PnfRequest("DGS10", box="0.1", method="close"))      # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from sizeup.analytics.pnf import detect_patterns, pnf_chart, price_objective
from sizeup.app._policy import PriceBasis, coverage_of, resolve_asof
from sizeup.app._result import Provenance
from sizeup.app._store import StoreRef, open_store
from sizeup.app.pnf import PnfRequest, PnfResult
from sizeup.errors import DataError

if TYPE_CHECKING:
    from sizeup.data.store import Store

__all__ = ["SeriesPnfResult", "run_series_pnf"]


@dataclass(frozen=True)
class SeriesPnfResult(PnfResult):
    """A P&F chart of a series: a :class:`~sizeup.app.pnf.PnfResult` in the series' units."""

    units: str = "series units"

    def title(self) -> str:
        """Return the heading: series, scale, reversal, units and as-of."""
        chart, req = self.chart, self.request
        return (
            f"{req.symbol}  P&F {chart.scale.name} boxes, {chart.reversal}-box reversal, "
            f"close method, {self.units} — as of {self.asof.date()}"
        )

    def payload(self) -> dict[str, Any]:
        """Return the chart's fields with the basis given as the series' units."""
        body = super().payload()
        body["basis"] = self.units
        body["kind"] = "series"
        return body


def run_series_pnf(request: PnfRequest, store: StoreRef | Store | None = None) -> SeriesPnfResult:
    """Build the P&F chart of the series ``request.symbol`` (close method, own units).

    Raises
    ------
    DataError
        The series is not in the store, or has no value on or before the as-of date.
    """
    st = open_store(store)
    req = replace(request, method="close", vs=None)
    wide = st.series([req.symbol])
    if req.symbol not in wide.columns or wide[req.symbol].dropna().empty:
        raise DataError(
            f"series {req.symbol!r} is not in the store; fetch or import it first",
            input="symbol",
            value=req.symbol,
            valid="a series id in the store",
        )
    values = wide[req.symbol].dropna()
    values.index = pd.DatetimeIndex(values.index)
    asof = resolve_asof(req.asof, {req.symbol: values.index.max()})
    chart = pnf_chart(values, box=req.box, reversal=req.reversal, method="close", asof=asof)
    if len(chart.dates) == 0:
        raise DataError(
            f"{req.symbol}: no value on or before the as-of date {asof.date()}",
            input="asof",
            value=str(asof.date()),
            valid=f"on or after {values.index.min().date()}",
        )
    cat = st.catalog()
    rows = cat[(cat["table"] == "series") & (cat["entity"] == req.symbol)]
    source = ",".join(sorted({str(s) for s in rows["source"]})) if not rows.empty else ""
    cov, warn = coverage_of(
        req.symbol, values.index, as_of=asof, basis=PriceBasis.UNITS, source=source
    )
    return SeriesPnfResult(
        request=req,
        chart=chart,
        asof=pd.Timestamp(chart.dates[-1]),
        patterns=detect_patterns(chart),
        vertical=price_objective(chart, kind="vertical"),
        horizontal=price_objective(chart, kind="horizontal"),
        rs=None,
        provenance=Provenance(
            as_of=asof,
            inputs=(cov,),
            store_version=getattr(st, "version", None),
            notes=("series values in their own units; close method (one value per date)",),
            warnings=(warn,) if warn else (),
        ),
        units=PriceBasis.UNITS.label,
    )
