"""``sizeup monitor``: the small-cap rotation dashboard in the terminal (or as JSON).

Reads index levels, fund prices and the universe (holdings + member prices) from the store,
computes the panels of :mod:`sizeup.report.sections._monitor` and prints them with Rich:
relative performance, streaks, records, calendar history, breadth, bullish percent and
OpenFundScore (sizeup's open score, never a vendor's). Missing inputs are listed, never fatal.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sizeup.cli._common import (
    console,
    emit_json,
    err_console,
    handle_errors,
    parse_asof,
    print_provenance,
    store_ref,
)

if TYPE_CHECKING:
    from sizeup.app.monitor import Monitor

__all__ = ["monitor", "register", "render_monitor", "sparkline"]

log = logging.getLogger(__name__)

_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Any, *, width: int = 40) -> str:
    """Unicode sparkline of the last ``width`` finite values (empty for no data)."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)][-width:]
    if v.size == 0:
        return ""
    lo, hi = float(v.min()), float(v.max())
    if hi == lo:
        return str(_BARS[3] * int(v.size))
    idx = np.round((v - lo) / (hi - lo) * (len(_BARS) - 1)).astype(int)
    return "".join(_BARS[i] for i in idx)


def _pct(x: float, digits: int = 2) -> str:
    import numpy as np

    return "" if x is None or not np.isfinite(x) else f"{x * 100:.{digits}f}%"


def _pp(x: float) -> str:
    import numpy as np

    return "" if x is None or not np.isfinite(x) else f"{x * 100:+.2f}"


def _scoreboard_table(sb: Any, width: int) -> Table:
    """One row per window when it fits (``width``), else one row per (window, symbol).

    A wide table on a narrow terminal would cut numbers; the long layout keeps six columns.
    """
    symbols = [str(s) for s in sb.excess.columns]
    bench = str(sb.benchmark)
    title = Text(f"Relative performance vs {bench}")
    wide = 8 + 24 + 9 * (1 + 2 * len(symbols)) + 3 * (3 + 2 * len(symbols))
    if width >= wide:
        t = Table(title=title, title_justify="left")
        t.add_column("window")
        t.add_column("from..to")
        t.add_column(Text(bench), justify="right")
        for s in symbols:
            t.add_column(Text(s), justify="right")
            t.add_column("pp", justify="right")
        for w in sb.windows:
            row: list[Text | str] = [w.label, f"{w.start.date()}..{w.end.date()}"]
            row.append(_pct(sb.value(w.label, bench)))
            for s in symbols:
                row += [_pct(sb.value(w.label, s)), _pp_text(sb.value(w.label, s, excess=True))]
            t.add_row(*row)
        return t
    t = Table(title=title, title_justify="left")
    for col in ("window", "from", "symbol"):
        t.add_column(col, no_wrap=True)
    for col in ("return", bench, "pp"):
        t.add_column(Text(col), justify="right", no_wrap=True)
    for w in sb.windows:
        for i, s in enumerate(symbols):
            t.add_row(
                w.label if i == 0 else "",
                str(w.start.date()) if i == 0 else "",
                Text(s),
                _pct(sb.value(w.label, s)),
                _pct(sb.value(w.label, bench)) if i == 0 else "",
                _pp_text(sb.value(w.label, s, excess=True)),
            )
    return t


def _pp_text(ex: float) -> Text:
    style = "green" if ex > 0 else "red" if ex < 0 else ""
    return Text(_pp(ex), style=style)


def render_monitor(m: Monitor, console: Console) -> None:
    """Print the dashboard with Rich tables (user text is never read as markup)."""
    import numpy as np
    import pandas as pd

    from sizeup.analytics.performance import OFS_LABEL
    from sizeup.app import period_in_progress

    console.rule(
        Text(f"Rotation monitor as of {m.asof.date()}  ({m.pair[0]} vs {m.pair[1]})", "bold")
    )
    print_provenance(console, m.provenance)
    for label in (period_in_progress(m.asof, "W"), period_in_progress(m.asof, "M")):
        if label is not None:
            console.print(Text(f"current {label}: in progress", style="yellow"))
    for sb in (m.scoreboard_tr, m.scoreboard_px):
        if sb is None:
            continue
        console.print(_scoreboard_table(sb, console.width))
    t = Table(title="Streaks, records, history", title_justify="left", show_header=False)
    t.add_column("item")
    t.add_column("value")
    for st in (m.streak_week, m.streak_month):
        if st is not None:
            rel = st.periods["rel"].to_numpy()
            t.add_row(f"streak ({st.freq})", f"{st.summary()}  {sparkline(rel, width=26)}")
    for rec in m.records:
        t.add_row(f"record {rec.symbol}", rec.summary())
    if m.race is not None:
        order = ", ".join(
            f"{s} {d.date()}" if pd.notna(d) else f"{s} not yet"
            for s, d in m.race["record_date"].items()
        )
        t.add_row("back to a record first", order)
    for key, h in (("calendar years", m.years_history), ("half years", m.halves_history)):
        if h is not None:
            t.add_row(
                key,
                f"{m.pair[0]} led {h['led_count']} of {h['periods']}; last led {h['last_led']} "
                f"({h['periods_since_led']} ago); {h['outcomes'][-30:]}",
            )
    for key, bs in (("start of year", m.start_rank), ("monthly gap", m.month_gap_rank)):
        if bs is not None:
            t.add_row(key, bs.summary())
    console.print(t)
    if m.breadth is not None:
        f = m.breadth.frame
        last = f.iloc[-1]
        b = Table(
            title=f"Breadth of {m.breadth.universe} ({f.index[-1].date()})", title_justify="left"
        )
        spark = max(8, min(60, console.width - 56))  # fits the terminal, never cut
        for col in ("measure", "value", f"last {spark} sessions"):
            b.add_column(col)
        rank = m.pct_adv_rank
        extra = ""
        if rank is not None and np.isfinite(rank["pct_rank"]):
            high = "; 3-year high" if rank["is_max"] else ""
            extra = f" (3-year percentile {rank['pct_rank'] * 100:.0f}{high})"
        b.add_row(
            "% advancing", f"{last['pct_adv']:.1f}{extra}", sparkline(f["pct_adv"], width=spark)
        )
        b.add_row("AD line", f"{int(last['adl']):,}", sparkline(f["adl"], width=spark))
        b.add_row(
            "% above 50-d", f"{last['pct_above_50']:.1f}", sparkline(f["pct_above_50"], width=spark)
        )
        b.add_row(
            "% above 200-d",
            f"{last['pct_above_200']:.1f}",
            sparkline(f["pct_above_200"], width=spark),
        )
        b.add_row("new highs - lows", f"{int(last['nh_nl'])}", sparkline(f["nh_nl"], width=spark))
        b.add_row("High-Low index", f"{last['hli']:.1f}", sparkline(f["hli"], width=spark))
        if m.bpi is not None:
            p = m.bpi.frame
            lb = p.iloc[-1]
            b.add_row(
                "bullish percent",
                f"{lb['bpi']:.1f} {lb['bpi_column']} {lb['state']} ({lb['field']}; coverage "
                f"{lb['coverage'] * 100:.0f}%)",
                sparkline(p["bpi"], width=spark),
            )
            b.add_row(
                "% positive P&F trend",
                f"{lb['pct_pos_trend']:.1f}",
                sparkline(p["pct_pos_trend"], width=spark),
            )
        if m.rs is not None:
            r = m.rs.frame
            b.add_row(
                f"% on RS buy vs {m.rs.benchmark}",
                f"{r['pct_rs_buy'].iloc[-1]:.1f} ({r['pct_rs_x'].iloc[-1]:.1f}% in X)",
                sparkline(r["pct_rs_buy"], width=spark),
            )
        console.print(b)
    if m.scores:
        sct = Table(title=OFS_LABEL, title_justify="left")
        for col in ("fund", "score", "trend", "market RS", "peer RS", "dir 126d", "missing"):
            sct.add_column(col, justify="right")
        for sc in m.scores:
            cur = sc.latest()
            sct.add_row(
                sc.fund,
                f"{cur['ofs']:.2f}",
                f"{cur['T']:.2f}",
                f"{cur['M']:.2f}",
                f"{cur['P']:.2f}",
                f"{cur['dir_126']:+.2f}" if np.isfinite(cur["dir_126"]) else "",
                f"{int(cur['missing'])}",
            )
        console.print(sct)
        if m.score_gap is not None:
            console.print(m.score_gap.summary())
    for n in m.notes:
        console.print(Text("note: ", style="yellow") + Text(str(n)))


@handle_errors
def monitor(  # noqa: PLR0917 - Typer maps parameters to options
    asof: Annotated[
        str | None,
        typer.Option("--asof", help="As-of date YYYY-MM-DD (default: latest covered session)."),
    ] = None,
    fund: Annotated[
        str,
        typer.Option("--fund", "--universe", help="Fund whose holdings are the breadth universe."),
    ] = "IWM",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    no_universe: Annotated[
        bool, typer.Option("--no-universe", help="Skip breadth / bullish percent panels.")
    ] = False,
    png: Annotated[
        Path | None,
        typer.Option("--png", help="Also write the chart as a PNG image.", dir_okay=False),
    ] = None,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Also write the chart as an SVG image.", dir_okay=False),
    ] = None,
) -> None:
    """Small caps vs large caps: relative performance, streaks, records, breadth, BPI, scores.

    Example: sizeup monitor --asof 2025-12-12 --fund IWM
    """
    from sizeup.app.monitor import MonitorRequest, run_monitor

    request = MonitorRequest(asof=parse_asof(asof), universe=None if no_universe else fund)
    with err_console.status("computing the monitor...", spinner="dots"):
        m = run_monitor(request, store_ref())
    if png or svg:  # needs a Chromium browser (apt-get install chromium)
        from sizeup.app.reports import save_chart

        for path in save_chart(m.figure(), m.provenance, png=png, svg=svg):
            err_console.print(Text(f"wrote {path}", style="dim"))
    if as_json:
        emit_json(m)
    else:
        render_monitor(m, console)


def register(app: typer.Typer) -> None:
    """Add the ``monitor`` command to a Typer app (``sizeup.cli.app``)."""
    app.command("monitor")(monitor)
