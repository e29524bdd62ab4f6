"""``sizeup fetch BUNDLE``: download data from the free public sources into the store.

Register with :func:`register`; the command renders progress bars and a final report with
Rich and exits non-zero only when nothing could be fetched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from sizeup.cli._common import store_ref
from sizeup.errors import ConfigError

if TYPE_CHECKING:
    from sizeup.app.data import FetchReport, ItemResult

__all__ = ["fetch", "register"]

_MAX_DETAIL_ROWS = 60
_STYLE = {"ok": "green", "failed": "bold red", "skipped": "yellow"}


class _Bars:
    """Rich progress bars fed by the fetch observer events."""

    def __init__(self, progress: Progress, bundle: str) -> None:
        self.progress = progress
        self.task: TaskID = progress.add_task(f"fetch {bundle}", total=0)
        self.results: list[ItemResult] = []

    def planned(self, count: int) -> None:
        total = self.progress.tasks[0].total or 0
        self.progress.update(self.task, total=total + count)

    def started(self, key: str) -> None:
        self.progress.update(self.task, description=key)

    def finished(self, result: ItemResult) -> None:
        self.results.append(result)
        self.progress.advance(self.task)


def _render(console: Console, report: FetchReport) -> None:
    console.print(escape(report.summary().splitlines()[0]))
    counts = Table()
    for col in ("status", "items", "rows", "requests"):
        counts.add_column(col, justify="left" if col == "status" else "right")
    for status in ("ok", "failed", "skipped"):
        group = [r for r in report.results if r.status == status]
        counts.add_row(
            f"[{_STYLE[status]}]{status}[/]",
            str(len(group)),
            f"{sum(r.rows for r in group):,}",
            str(sum(r.requests for r in group)),
        )
    console.print(counts)
    detail = (
        list(report.results)
        if len(report.results) <= _MAX_DETAIL_ROWS
        else [r for r in report.results if r.status != "ok"]
    )
    if not detail:
        return
    table = Table(title="items" if len(detail) == len(report.results) else "not ok")
    for col in ("item", "status", "rows", "requests", "reason"):
        table.add_column(col, overflow="fold")
    for r in detail:
        table.add_row(
            escape(r.key),
            f"[{_STYLE[r.status]}]{r.status}[/]",
            f"{r.rows:,}",
            str(r.requests),
            escape(r.reason),
        )
    console.print(table)


def fetch(
    bundle: Annotated[
        str,
        typer.Argument(
            help="core | universe | fundamentals | symbols | holdings | fund-history",
            show_default=False,
        ),
    ],
    target: Annotated[
        str | None,
        typer.Argument(
            help="holdings, fund-history: the fund (IWM, IJR...); same as --fund.",
            show_default=False,
        ),
    ] = None,
    *,
    symbols: Annotated[
        list[str] | None,
        typer.Option(
            "--symbols",
            "-s",
            help="Symbols instead of the bundle's own (repeat or comma-separate).",
        ),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Rebuild the tables from archived bodies only.")
    ] = False,
    base_url: Annotated[
        list[str] | None,
        typer.Option(
            "--base-url",
            help="Base URL for every source (e.g. a local fake server) or SITE=URL for one "
            "(yahoo, stooq, fred, fredapi, french, ishares, sec, secdata, nasdaqtrader).",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="First date (YYYY-MM-DD) for items not yet in the store."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last date wanted (default: today).")
    ] = None,
    fund: Annotated[
        str, typer.Option("--fund", help="Fund whose members form the universe (IWM, IJR).")
    ] = "IWM",
    prices: Annotated[
        str, typer.Option("--prices", help="Price source: yahoo or stooq (needs an API key).")
    ] = "yahoo",
    asof: Annotated[
        str | None,
        typer.Option("--asof", help="holdings: the snapshot of one date (YYYY-MM-DD)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="holdings: first date of a range of snapshots."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="holdings: last date of a range of snapshots.")
    ] = None,
    every: Annotated[
        str,
        typer.Option(
            "--every", help="holdings: one snapshot per week, month, quarter or year of the range."
        ),
    ] = "month",
) -> None:
    """Fetch a bundle of data from the free public sources (incremental and resumable).

    When the network is down (every host fails to resolve or connect) the run stops after the
    first items with one message instead of trying each item. ``holdings`` fetches a fund's
    holdings snapshots (best effort: the dates that failed are listed with the reason);
    ``fund-history`` a fund's daily NAV and shares outstanding (iShares data download, not yet
    met a live response).

    Example: sizeup fetch core; sizeup fetch holdings IWM --from 2024-01-01 --to 2024-12-31;
    sizeup fetch fund-history IWM
    """
    from sizeup.app.data import BUNDLES, FetchReport, FetchRequest, describe_bundle
    from sizeup.app.data import run_fetch_request as run

    console = Console(stderr=False)
    if bundle not in BUNDLES:
        raise typer.BadParameter(
            f"{bundle!r} is not a bundle; choose one of: "
            + "; ".join(f"{b} ({describe_bundle(b)})" for b in BUNDLES),
            param_hint="BUNDLE",
        )
    if prices not in ("yahoo", "stooq"):
        raise typer.BadParameter(f"{prices!r}: use yahoo or stooq", param_hint="--prices")
    if target is not None and bundle not in ("holdings", "fund-history"):
        raise typer.BadParameter(
            f"{target!r}: only the holdings and fund-history bundles take a fund argument "
            "(use --symbols)",
            param_hint="TARGET",
        )
    wanted = [s.strip().upper() for v in symbols or [] for s in v.split(",") if s.strip()]
    request = FetchRequest(
        bundle=bundle,
        store=store_ref(),
        symbols=tuple(wanted),
        offline=offline,
        base_urls=tuple(base_url or []),
        since=since,
        until=until,
        fund=target or fund,
        prices=prices,
        asof=asof,
        start=start,
        end=end,
        every=every,
    )
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        bars = _Bars(progress, bundle)
        try:
            report = run(request, observer=bars).report
        except KeyboardInterrupt:
            progress.stop()
            partial = FetchReport(bundle, tuple(bars.results), offline, interrupted=True)
            _render(console, partial)
            console.print("interrupted: run the same command again to continue")
            raise typer.Exit(130) from None
        except ConfigError as exc:
            progress.stop()
            console.print(f"[bold red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from None
    _render(console, report)
    if report.exit_code:
        console.print("[bold red]nothing could be fetched[/]")
    raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    """Add the ``fetch`` command to a Typer app."""
    app.command("fetch")(fetch)
