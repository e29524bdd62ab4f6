"""``sizeup flows FUND``: net flows from shares outstanding, from :mod:`sizeup.app.flows`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sizeup.cli._common import (
    console,
    emit_json,
    handle_errors,
    parse_asof,
    print_provenance,
    store_ref,
)

if TYPE_CHECKING:
    from sizeup.app.flows import FlowsResult

__all__ = ["flows", "register", "render_flows"]


def render_flows(result: FlowsResult, out: Console, *, last: int = 20) -> None:
    """Print a :class:`~sizeup.app.flows.FlowsResult` with Rich (text is never read as markup)."""
    out.print(Text(result.title(), style="bold"))
    print_provenance(out, result.provenance)
    rows = result.rows(last)
    if not rows:
        out.print(Text("no flows yet"))
        return
    table = Table(title=f"last {len(rows)} periods", title_justify="left")
    table.add_column("period")
    table.add_column("net flow", justify="right")
    table.add_column("remarks", overflow="fold")
    for period, flow, remark in rows:
        style = "red" if flow.startswith("-") else "green" if flow.startswith("+") else ""
        table.add_row(Text(period), Text(flow, style=style), Text(remark))
    out.print(table)


@handle_errors
def flows(
    fund: Annotated[str, typer.Argument(help="Fund ticker, e.g. IWM.")],
    asof: Annotated[
        str | None, typer.Option(help="Flows up to this date (YYYY-MM-DD; default: latest).")
    ] = None,
    freq: Annotated[
        str, typer.Option(help="D (each interval), W (weekly sums) or M (monthly sums).")
    ] = "D",
    last: Annotated[int, typer.Option(help="Periods shown (the newest).")] = 20,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Net creations/redemptions of a fund: change in shares outstanding x NAV.

    Example: sizeup flows IWM --freq M --asof 2026-05-29
    """
    from sizeup.app.flows import FlowsRequest, run_flows
    from sizeup.errors import ConfigError

    code = freq.strip().upper()
    if code not in ("D", "W", "M"):
        raise ConfigError(
            f"--freq {freq!r} is not valid; use D (daily), W (weekly) or M (monthly)",
            input="--freq",
            value=freq,
            valid="D, W or M",
        )
    if last < 1:
        raise ConfigError(
            f"--last {last}: show at least 1 period", input="--last", value=last, valid=">= 1"
        )
    request = FlowsRequest(
        fund=fund,
        asof=parse_asof(asof),
        freq="D" if code == "D" else "W" if code == "W" else "M",
    )
    result = run_flows(request, store_ref())
    if json_out:
        emit_json(result)
    else:
        render_flows(result, console, last=last)


def register(app: typer.Typer) -> None:
    """Add the ``flows`` command to a Typer app."""
    app.command("flows")(flows)
