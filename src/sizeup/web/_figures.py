"""Figures of the rotation page, built from a monitor result with the shared chart builders."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sizeup.app.monitor import Monitor

__all__ = ["monitor_figures"]

_WINDOW = 756  # about three years of sessions


def monitor_figures(m: Monitor) -> dict[str, go.Figure]:
    """Return the rotation page's charts: RS line, breadth, BPI, BPI P&F and fund scores.

    Parameters
    ----------
    m
        A monitor result.

    Returns
    -------
    dict
        ``relative``, and when the panels were computed ``breadth``, ``bpi``, ``bpi_pnf``,
        ``rs_breadth`` and ``fund_scores``; every figure states the as-of date in its title.
    """
    from sizeup.charts import line_chart, pnf_figure

    out: dict[str, go.Figure] = {}
    at = m.asof
    if m.relative_line is not None and not m.relative_line.empty:
        out["relative"] = m.figure()
    if m.breadth is not None:
        f = m.breadth.frame
        cols = [c for c in ("pct_adv", "pct_above_50", "pct_above_200", "hli") if c in f.columns]
        if cols:
            out["breadth"] = line_chart(
                f[cols].iloc[-_WINDOW:],
                title=f"Breadth of {m.breadth.universe}",
                y_title="% of members",
                as_of=at,
            )
    if m.bpi is not None:
        f = m.bpi.frame
        out["bpi"] = line_chart(
            f[["bpi", "pct_pos_trend"]].iloc[-_WINDOW:],
            title=f"Bullish percent of {m.bpi.universe} and % in positive P&F trend",
            y_title="%",
            as_of=at,
        )
        if len(m.bpi.chart.dates):
            last = m.bpi.latest()
            out["bpi_pnf"] = pnf_figure(
                m.bpi.chart,
                title=f"Bullish percent P&F (2-point boxes, 3-box reversal): {last['state']}"
                f" — as of {at.date()}",
                objectives=None,
            )
    if m.rs is not None and not m.rs.frame.empty:
        out["rs_breadth"] = line_chart(
            m.rs.frame[["pct_rs_buy", "pct_rs_x"]].iloc[-_WINDOW:],
            title=f"% of members on an RS buy signal / in an RS X column vs {m.rs.benchmark}",
            y_title="%",
            as_of=at,
        )
    if m.scores:
        frame = pd.DataFrame({s.fund: s.frame["ofs"] for s in m.scores}).iloc[-_WINDOW:]
        out["fund_scores"] = line_chart(
            frame, title="OpenFundScore (sizeup's open score)", y_title="score", as_of=at
        )
    return out
