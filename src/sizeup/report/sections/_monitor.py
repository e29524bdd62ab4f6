"""Report section of the rotation monitor: the same panels as ``sizeup monitor``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sizeup.analytics.performance import OFS_LABEL
from sizeup.app.monitor import Monitor
from sizeup.charts import line_chart
from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable

__all__ = ["monitor_section"]


def monitor_section(m: Monitor) -> ReportSection:
    """Report section with the same panels as ``sizeup monitor``."""
    tables: list[ReportTable] = []
    figures: list[ReportFigure] = []
    at = m.asof
    for sb in (m.scoreboard_tr, m.scoreboard_px):
        if sb is None:
            continue
        t = sb.table()
        tables.append(
            ReportTable(
                f"Relative performance vs {sb.benchmark}",
                t[["window", "start", "end", "symbol", "ret", "bench_ret", "excess"]],
                at,
                (),
                formats={"ret": "{:.2%}", "bench_ret": "{:.2%}", "excess": "{:+.2%}"},
                caption="excess = symbol return - benchmark return (x100 = percentage points)",
            )
        )
    rows: list[dict[str, Any]] = []
    for st in (m.streak_week, m.streak_month):
        if st is not None:
            rows.append({"item": f"streak ({st.freq})", "value": st.summary()})
    for r in m.records:
        rows.append({"item": f"record {r.symbol}", "value": r.summary()})
    for key, h in (("calendar years", m.years_history), ("half years", m.halves_history)):
        if h is not None:
            rows.append(
                {
                    "item": key,
                    "value": f"{m.pair[0]} led {h['led_count']} of {h['periods']}; last led "
                    f"{h['last_led']} ({h['periods_since_led']} periods ago); {h['outcomes']}",
                }
            )
    for key, bs in (("start of year", m.start_rank), ("monthly gap", m.month_gap_rank)):
        if bs is not None:
            rows.append({"item": key, "value": bs.summary()})
    if rows:
        tables.append(ReportTable("Streaks, records and history", pd.DataFrame(rows), at, ()))
    if m.years is not None and not m.years.empty:
        y = m.years[["label", "ret_a", "ret_b", "diff", "a_led", "source"]]
        tables.append(
            ReportTable(
                f"Calendar years: {m.pair[0]} vs {m.pair[1]}",
                y,
                at,
                (),
                formats={"ret_a": "{:.2%}", "ret_b": "{:.2%}", "diff": "{:+.2%}"},
            )
        )
    surv = None
    if m.breadth is not None:
        f = m.breadth.frame
        surv = m.breadth.note or None
        cols = ["pct_adv", "pct_above_50", "pct_above_200", "hli"]
        figures.append(
            ReportFigure(
                f"Breadth of {m.breadth.universe}",
                line_chart(f[cols].iloc[-756:], title="Breadth", y_title="% of members", as_of=at),
                at,
                (Coverage.of(f["members"], name=f"{m.breadth.universe} members", source="store"),),
            )
        )
    if m.bpi is not None:
        f = m.bpi.frame
        last = m.bpi.latest()
        tables.append(
            ReportTable(
                "Bullish percent",
                pd.DataFrame(
                    [
                        {
                            "date": last.name,
                            "bpi": last["bpi"],
                            "column": last["bpi_column"],
                            "state": last["state"],
                            "field": last["field"],
                            "coverage": last["coverage"],
                            "pct_pos_trend": last["pct_pos_trend"],
                        }
                    ]
                ),
                at,
                (),
                formats={"bpi": "{:.1f}", "coverage": "{:.0%}", "pct_pos_trend": "{:.1f}"},
                caption=f"member charts: {m.bpi.method}",
            )
        )
        figures.append(
            ReportFigure(
                "Bullish percent index",
                line_chart(
                    f[["bpi", "pct_pos_trend"]].iloc[-756:], title="BPI", y_title="%", as_of=at
                ),
                at,
                (Coverage.of(f["bpi"], name="BPI", source="computed"),),
            )
        )
    if m.scores:
        tables.append(
            ReportTable(
                OFS_LABEL,
                pd.DataFrame(
                    [
                        {
                            "fund": s.fund,
                            "ofs": s.latest()["ofs"],
                            "trend": s.latest()["T"],
                            "market_rs": s.latest()["M"],
                            "peer_rs": s.latest()["P"],
                            "dir_126": s.latest()["dir_126"],
                        }
                        for s in m.scores
                    ]
                ),
                at,
                (),
                formats={k: "{:.2f}" for k in ("ofs", "trend", "market_rs", "peer_rs", "dir_126")},
                caption=m.score_gap.summary() if m.score_gap is not None else "",
            )
        )
    notes = [
        "Returns are total returns from adjusted closes for funds and price returns for index "
        "levels; excess is in percentage points.",
        f"{OFS_LABEL}: docs/methods.md §F1–§F3.",
        *m.notes,
    ]
    return ReportSection(
        "Rotation monitor",
        figures=tuple(figures),
        tables=tuple(tables),
        notes=tuple(notes),
        survivorship=surv,
    )
