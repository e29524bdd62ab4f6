"""``sizeup backtest NAME|FILE`` and ``sizeup sweep NAME|FILE``, from :mod:`sizeup.app.backtest`."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
    from sizeup.app import StoreRef
    from sizeup.app.backtest import BacktestResult

__all__ = ["backtest", "parse_assignments", "register", "sweep"]

_MODES = ("native", "empyrical")
_EXPORTS = ("csv", "parquet")


def _value(text: str) -> object:
    """Read a TOML scalar or list (``10``, ``0.5``, ``true``, ``[11, 12]``), else keep the text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _values(text: str) -> list[object]:
    """Read a comma-separated list of values: TOML (``10,20``, ``[11,12],[7]``) or bare words."""
    try:
        value = tomllib.loads(f"v = [{text}]")["v"]
    except tomllib.TOMLDecodeError:
        return [_value(v.strip()) for v in text.split(",") if v.strip()]
    return list(value)


def parse_assignments(items: list[str], option: str, *, grid: bool = False) -> dict[str, object]:
    """Parse ``key=value`` options (``key=v1,v2`` lists for a grid).

    Raises
    ------
    BacktestError
        An item without ``=`` or with an empty key (naming the option and the item).
    """
    from sizeup.errors import BacktestError

    out: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip() or not raw.strip():
            valid = "key=v1,v2,..." if grid else "key=value"
            raise BacktestError(
                f"{option} {item!r} is not valid; valid: {valid} (e.g. signal.fast=10)",
                input=option,
                value=item,
                valid=valid,
            )
        if grid:
            out[key.strip()] = _values(raw.strip())
        else:
            out[key.strip()] = _value(raw.strip())
    return out


def _check_choice(value: str, choices: tuple[str, ...], option: str) -> None:
    from sizeup.errors import BacktestError

    if value not in choices:
        raise BacktestError(
            f"{option} {value!r} is not valid; valid: {', '.join(choices)}",
            input=option,
            value=value,
            valid=", ".join(choices),
        )


def _metrics_table(result: BacktestResult) -> Table:
    table = Table(title="metrics", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for key, value in result.metrics.to_dict().items():
        if key == "mode":
            continue
        if value is None:
            shown = "n/a"
        elif isinstance(value, float):
            shown = f"{value:.4f}"
        else:
            shown = str(value)
        table.add_row(Text(key), Text(shown))
    return table


def _full_ref() -> StoreRef:
    """Return the store reference with the data folder spelled out (for Dask workers)."""
    from sizeup.config import load_settings

    ref = store_ref()
    return replace(ref, root=str(load_settings().data_dir)) if ref.root is None else ref


@handle_errors
def backtest(  # noqa: PLR0917 - Typer maps parameters to options
    strategy: Annotated[
        str | None,
        typer.Argument(help="Built-in strategy name or a strategy TOML file (see --list)."),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Override a strategy key: key=value (repeatable)."),
    ] = None,
    start: Annotated[str | None, typer.Option(help="First simulated date (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Last simulated date (YYYY-MM-DD).")] = None,
    asof: Annotated[str | None, typer.Option(help="Read no data after this date.")] = None,
    mode: Annotated[str, typer.Option(help="Metric definitions: native or empyrical.")] = "native",
    export: Annotated[
        str | None, typer.Option(help="Write daily, weights and orders tables: csv or parquet.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for --export and --html.")] = Path("."),
    html: Annotated[bool, typer.Option("--html", help="Write the figure as HTML.")] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the built-in strategies.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    png: Annotated[
        Path | None,
        typer.Option("--png", help="Also write the chart as a PNG image.", dir_okay=False),
    ] = None,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Also write the chart as an SVG image.", dir_okay=False),
    ] = None,
) -> None:
    """Backtest a strategy on the store's total-return closes.

    Example: sizeup backtest size-rs --param signal.box_pct=0.02 --mode empyrical
    """
    from sizeup.app.backtest import BacktestRequest, run_backtest
    from sizeup.backtest import builtin_names, builtin_strategy
    from sizeup.errors import BacktestError

    if list_ or strategy is None:
        if strategy is None and not list_:
            raise BacktestError(
                "give a strategy name or file; valid: " + ", ".join(builtin_names()),
                input="STRATEGY",
                value=None,
                valid=", ".join(builtin_names()),
            )
        table = Table(title="built-in strategies", title_justify="left")
        table.add_column("name", style="bold")
        table.add_column("description")
        for name in builtin_names():
            table.add_row(Text(name), Text(builtin_strategy(name).description))
        console.print(table)
        return
    _check_choice(mode, _MODES, "--mode")
    if export is not None:
        _check_choice(export, _EXPORTS, "--export")
    request = BacktestRequest(
        strategy=strategy,
        params=parse_assignments(param or [], "--param"),
        start=parse_asof(start, "--start"),
        end=parse_asof(end, "--end"),
        asof=parse_asof(asof),
        mode="empyrical" if mode == "empyrical" else "native",
        store=store_ref(),
    )
    with err_console.status(Text(f"backtesting {strategy}")):
        result = run_backtest(request)
    written: list[Path] = []
    if png or svg:  # needs a Chromium browser (apt-get install chromium)
        from sizeup.app.reports import save_chart

        written += save_chart(result.figure(), result.provenance, png=png, svg=svg)
    if export is not None or html:
        out.mkdir(parents=True, exist_ok=True)
        stem = result.strategy.name
        tables = {
            "daily": result.to_frame(),
            "weights": result.weights(),
            "orders": result.orders(),
        }
        for name, frame in tables.items() if export else ():
            path = out / f"{stem}-{name}.{export}"
            if export == "csv":
                frame.to_csv(path)
            else:
                frame.to_parquet(path)
            written.append(path)
        if html:
            path = out / f"{stem}.html"
            result.figure().write_html(path, include_plotlyjs=True)
            written.append(path)
    if json_out:
        emit_json(result)
        return
    console.print(Text(result.summary()))
    console.print(_metrics_table(result))
    print_provenance(console, result.provenance)
    for path in written:
        console.print(Text(f"wrote {path}", style="dim"))


@handle_errors
def sweep(  # noqa: PLR0917 - Typer maps parameters to options
    strategy: Annotated[str, typer.Argument(help="Built-in strategy name or TOML file.")],
    grid: Annotated[
        list[str],
        typer.Option("--grid", "-g", help="Values of a key: key=v1,v2,... (repeatable)."),
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for resumable result chunks (run again to resume)."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Run on a Dask LocalCluster with N worker processes.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on a Dask scheduler, e.g. tcp://127.0.0.1:8786.")
    ] = None,
    threads: Annotated[int, typer.Option(help="Local threads (without Dask).")] = 2,
    chunk: Annotated[int, typer.Option(help="Runs per chunk (unit of work and resume).")] = 16,
    walk_forward: Annotated[
        str | None,
        typer.Option("--walk-forward", help="Walk-forward TRAIN:TEST sessions, e.g. 756:252."),
    ] = None,
    metric: Annotated[str, typer.Option(help="Metric that ranks runs.")] = "sharpe",
    mode: Annotated[str, typer.Option(help="Metric definitions: native or empyrical.")] = "native",
    asof: Annotated[str | None, typer.Option(help="Read no data after this date.")] = None,
    export: Annotated[
        Path | None, typer.Option(help="Write the run table (.csv/.parquet).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Sweep a strategy's parameters (grid or walk-forward) on threads or Dask.

    Example: sizeup sweep examples/strategies/ma-cross.toml -g signal.fast=10,20,50
    -g signal.slow=100,200 --out sweeps/ma --workers 2
    """
    from sizeup.app.backtest import SweepRequest, run_sweep_request
    from sizeup.backtest import Metrics
    from sizeup.errors import BacktestError

    _check_choice(mode, _MODES, "--mode")
    metrics = tuple(k for k in Metrics.__dataclass_fields__ if k != "mode")
    _check_choice(metric, metrics, "--metric")
    wf = None
    if walk_forward is not None:
        a, sep, b = walk_forward.partition(":")
        if not sep or not a.isdigit() or not b.isdigit() or int(a) < 1 or int(b) < 1:
            raise BacktestError(
                f"--walk-forward {walk_forward!r} is not valid; valid: TRAIN:TEST sessions, "
                "e.g. 756:252",
                input="--walk-forward",
                value=walk_forward,
                valid="TRAIN:TEST, two positive integers",
            )
        wf = (int(a), int(b))
    if export is not None and export.suffix not in (".csv", ".parquet"):
        raise BacktestError(
            f"--export {export} must end in .csv or .parquet",
            input="--export",
            value=str(export),
            valid="a .csv or .parquet path",
        )
    values = parse_assignments(grid, "--grid", grid=True)
    request = SweepRequest(
        strategy=strategy,
        grid={k: list(v) for k, v in values.items() if isinstance(v, list)},
        out=out,
        workers=workers,
        scheduler=scheduler,
        threads=threads,
        chunk_size=chunk,
        walk_forward=wf,
        metric=metric,
        mode="empyrical" if mode == "empyrical" else "native",
        asof=parse_asof(asof),
        store=_full_ref(),
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=json_out) as bar:
        task = bar.add_task("runs", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run_sweep_request(request, progress=progress)
    if export is not None:
        table = result.to_frame()
        if export.suffix == ".csv":
            table.to_csv(export, index=False)
        else:
            table.to_parquet(export, index=False)
    if json_out:
        emit_json(result)
        return
    console.print(Text(result.summary()))
    if export is not None:
        console.print(Text(f"wrote {export}", style="dim"))


def register(app: typer.Typer) -> None:
    """Add the ``backtest`` and ``sweep`` commands to a Typer app."""
    app.command("backtest")(backtest)
    app.command("sweep")(sweep)
