"""Report sections of the rotation monitor: the rotation (lead) and the breadth detail.

:func:`monitor_section` renders the same panels as ``sizeup monitor``: relative performance of
the small-cap ETF and index against their large-cap peers, the relative-strength line of small
vs large, streaks, records and calendar history, breadth and the bullish percent with its own
P&F chart and risk state, and the fund scores. :func:`breadth_section` draws the breadth
indicators over time (% advancing, % above the 50/200-day averages, High-Low index, advance/
decline line, % on an RS buy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sizeup.analytics.performance import OFS_LABEL
from sizeup.app.monitor import Monitor
from sizeup.charts import line_chart, pnf_figure
from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable

__all__ = ["BPI_STATES", "RsLine", "breadth_section", "monitor_section", "rs_line_figure"]

BPI_STATES = {
    "BULL_CONFIRMED": "bull confirmed (X column, last signal buy)",
    "BULL_CORRECTION": "bull correction (O column, signal buy, previous X top below 70)",
    "BEAR_ALERT": "bear alert (O column, signal buy, previous X column reached 70 or more)",
    "BEAR_CONFIRMED": "bear confirmed (O column, last signal sell)",
    "BEAR_CORRECTION": "bear correction (X column, signal sell, previous O bottom above 30)",
    "BULL_ALERT": "bull alert (X column, signal sell, previous O column fell to 30 or less)",
    "NONE": "none yet (no signal on the BPI chart)",
}
"""Plain words for the bullish percent's risk states (docs/methods.md §B1)."""


@dataclass(frozen=True)
class RsLine:
    """A relative-strength line to draw: ``small / large`` rebased to 100.

    Parameters
    ----------
    label
        Legend name, e.g. ``"IWM / SPY (total return)"``.
    ratio
        The ratio series (any level; rebased at its first shown point).
    coverage
        Coverage of its inputs.
    """

    label: str
    ratio: pd.Series
    coverage: tuple[Coverage, ...]


def rs_line_figure(lines: Sequence[RsLine], at: pd.Timestamp, sessions: int = 756) -> ReportFigure:
    """Figure of relative-strength lines rebased to 100 on the first of the last sessions."""
    shown = {}
    for line in lines:
        r = line.ratio.dropna().iloc[-sessions:]
        if len(r):
            shown[line.label] = r / float(r.iloc[0]) * 100.0
    frame = pd.DataFrame(shown)
    cov = tuple(c for line in lines for c in line.coverage)
    return ReportFigure(
        "Relative strength line: small caps / large caps",
        line_chart(
            frame,
            title="Small / large, rebased to 100 (rising = small caps leading)",
            y_title="ratio, first day = 100",
            as_of=at,
        ),
        at,
        cov,
        caption="Each line divides the small-cap series by its large-cap peer and is rebased to "
        "100 on the first day shown (last three years).",
    )


def _state_text(state: object) -> str:
    key = str(state)
    return BPI_STATES.get(key, key.replace("_", " ").lower())


def monitor_section(
    m: Monitor,
    *,
    title: str = "Rotation monitor",
    rs_lines: Sequence[RsLine] = (),
    coverage: Sequence[Coverage] = (),
    rs_sessions: int = 756,
    bpi_columns: int = 40,
) -> ReportSection:
    """Report section with the same panels as ``sizeup monitor``.

    Parameters
    ----------
    m
        The monitor (:func:`sizeup.app.monitor.run_monitor`).
    title
        Section title.
    rs_lines
        Relative-strength lines to draw (small / large); empty draws the monitor's own pair.
    coverage
        Coverage of the monitor's inputs (shown with the scoreboard tables).
    rs_sessions
        Sessions of the RS line shown.
    bpi_columns
        Columns of the bullish percent's P&F chart shown.
    """
    tables: list[ReportTable] = []
    figures: list[ReportFigure] = []
    at = m.asof
    cov = tuple(coverage)
    for sb in (m.scoreboard_tr, m.scoreboard_px):
        if sb is None:
            continue
        t = sb.table()
        basis = "total return" if sb is m.scoreboard_tr else "price return (index levels)"
        tables.append(
            ReportTable(
                f"Relative performance vs {sb.benchmark} ({basis})",
                t[["window", "start", "end", "symbol", "ret", "bench_ret", "excess"]],
                at,
                cov,
                formats={"ret": "{:.2%}", "bench_ret": "{:.2%}", "excess": "{:+.2%}"},
                caption="excess = symbol return - benchmark return (x100 = percentage points)",
            )
        )
    lines = list(rs_lines)
    if not lines and m.relative_line is not None and not m.relative_line.empty:
        a, b = m.pair
        lines.append(RsLine(f"{a} / {b}", m.relative_line, cov))
    if lines:
        figures.append(rs_line_figure(lines, at, rs_sessions))
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
        tables.append(ReportTable("Streaks, records and history", pd.DataFrame(rows), at, cov))
    if m.years is not None and not m.years.empty:
        y = m.years[["label", "ret_a", "ret_b", "diff", "a_led", "source"]]
        tables.append(
            ReportTable(
                f"Calendar years: {m.pair[0]} vs {m.pair[1]}",
                y,
                at,
                cov,
                formats={"ret_a": "{:.2%}", "ret_b": "{:.2%}", "diff": "{:+.2%}"},
            )
        )
    surv = None
    if m.breadth is not None:
        f = m.breadth.frame
        surv = m.breadth.note or None
        last = f.iloc[-1]
        members = Coverage.of(f["members"], name=f"{m.breadth.universe} members", source="store")
        tables.append(
            ReportTable(
                f"Breadth of {m.breadth.universe} today",
                pd.DataFrame(
                    [
                        {
                            "date": f.index[-1],
                            "members": last["members"],
                            "% advancing": last["pct_adv"],
                            "% above 50-day": last["pct_above_50"],
                            "% above 200-day": last["pct_above_200"],
                            "new highs - lows": last["nh_nl"],
                            "High-Low index": last["hli"],
                        }
                    ]
                ),
                at,
                (members,),
                formats={
                    "% advancing": "{:.1f}",
                    "% above 50-day": "{:.1f}",
                    "% above 200-day": "{:.1f}",
                    "new highs - lows": "{:,.0f}",
                    "High-Low index": "{:.1f}",
                },
                caption="Percent of members (0-100 scale). The breadth section below draws "
                "them over time.",
            )
        )
    if m.bpi is not None:
        f = m.bpi.frame
        last = m.bpi.latest()
        bpi_cov = (Coverage.of(f["bpi"], name=f"BPI of {m.bpi.universe}", source="computed"),)
        tables.append(
            ReportTable(
                "Bullish percent and risk state",
                pd.DataFrame(
                    [
                        {
                            "date": last.name,
                            "bpi": last["bpi"],
                            "column": last["bpi_column"],
                            "risk state": _state_text(last["state"]),
                            "field": last["field"],
                            "coverage": last["coverage"],
                            "pct_pos_trend": last["pct_pos_trend"],
                        }
                    ]
                ),
                at,
                bpi_cov,
                formats={"bpi": "{:.1f}", "coverage": "{:.0%}", "pct_pos_trend": "{:.1f}"},
                caption=f"member charts: {m.bpi.method}. Field: above 70 high risk, below 30 "
                "low risk (docs/methods.md §B1).",
            )
        )
        chart = m.bpi.chart
        shown = min(bpi_columns, max(1, int(chart.n_columns)))
        figures.append(
            ReportFigure(
                f"Bullish percent of {m.bpi.universe}: its own P&F chart",
                pnf_figure(
                    chart,
                    columns=shown,
                    objectives=None,
                    y_title="% of members on a buy signal",
                    title=f"BPI of {m.bpi.universe}: P&F, 2-point boxes, 3-box reversal<br>"
                    f"<sup>as of {at:%Y-%m-%d}; state: {_state_text(last['state'])}</sup>",
                ),
                at,
                bpi_cov,
                caption="X = rising, O = falling column of the percent of members on a P&F buy "
                "signal; dotted lines separate years; green/red lines are the 45-degree trend "
                "lines.",
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
                cov,
                formats={k: "{:.2f}" for k in ("ofs", "trend", "market_rs", "peer_rs", "dir_126")},
                caption=m.score_gap.summary() if m.score_gap is not None else "",
            )
        )
    absent = [n.removeprefix("missing: ") for n in m.notes if n.startswith("missing: ")]
    notes = [
        "Returns are total returns from adjusted closes for funds and price returns for index "
        "levels; excess is in percentage points.",
        f"{OFS_LABEL}: docs/methods.md §F1–§F3.",
        *(n for n in m.notes if not n.startswith("missing: ")),
    ]
    if absent:
        notes.append(f"Not in the store (panels that need them are left out): {'; '.join(absent)}.")
    return ReportSection(
        title,
        figures=tuple(figures),
        tables=tuple(tables),
        notes=tuple(notes),
        survivorship=surv,
        basis="total return (adjusted closes) for funds; price return for index levels",
        key="rotation",
    )


def breadth_section(m: Monitor, *, sessions: int = 756) -> ReportSection | None:
    """Breadth of the monitor's universe over time (``None`` without breadth).

    Parameters
    ----------
    m
        The monitor.
    sessions
        Sessions drawn (the last three years by default).
    """
    if m.breadth is None:
        return None
    f = m.breadth.frame.iloc[-sessions:]
    at = m.asof
    cov = (Coverage.of(f["members"], name=f"{m.breadth.universe} members", source="store"),)
    figures = [
        ReportFigure(
            f"Breadth of {m.breadth.universe}",
            line_chart(
                f[["pct_adv", "pct_above_50", "pct_above_200", "hli"]],
                title=f"Breadth of {m.breadth.universe}",
                y_title="% of members",
                as_of=at,
            ),
            at,
            cov,
            caption="% advancing, % above the 50- and 200-day averages, High-Low index "
            "(10-day average of new highs / (new highs + new lows)); docs/methods.md §B3-§B5.",
        ),
        ReportFigure(
            f"Advance/decline line of {m.breadth.universe}",
            line_chart(f["adl"], title="Cumulative advances - declines", y_title="level", as_of=at),
            at,
            cov,
            caption="The level is arbitrary; its direction is what counts.",
        ),
    ]
    if m.rs is not None:
        r = m.rs.frame.iloc[-sessions:]
        figures.append(
            ReportFigure(
                f"Members on a relative-strength buy vs {m.rs.benchmark}",
                line_chart(
                    r[["pct_rs_buy", "pct_rs_x"]],
                    title=f"% of members on an RS buy / in an RS X column vs {m.rs.benchmark}",
                    y_title="% of members",
                    as_of=at,
                ),
                at,
                (Coverage.of(r["pct_rs_buy"], name="RS breadth", source="computed"),),
            )
        )
    return ReportSection(
        f"Breadth of {m.breadth.universe}",
        figures=tuple(figures),
        notes=(
            "Member closes are adjusted closes; a member counts on a day when it was a member "
            "that day and has a close.",
        ),
        survivorship=m.breadth.note or None,
        basis="adjusted closes of the members",
        key="breadth",
    )
