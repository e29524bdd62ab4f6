"""``sizeup import PATH...``: load local files in the sources' real formats into the store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sizeup.cli._common import handle_errors, store_ref

if TYPE_CHECKING:
    from sizeup.app.data import FileReport

__all__ = ["import_command", "register"]

_STYLE = {
    "imported": "green",
    "unchanged": "cyan",
    "dry-run": "cyan",
    "skipped": "yellow",
    "failed": "bold red",
}


@handle_errors
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (folders are walked recursively; .gz is read)."),
    ],
    *,
    source: Annotated[
        str | None,
        typer.Option(help="Source label for every row (default: <format>/<parent folder>)."),
    ] = None,
    symbol: Annotated[
        str | None,
        typer.Option(help="Symbol of a single-symbol price file, or FRED id of a rates file."),
    ] = None,
    fund: Annotated[
        str | None, typer.Option(help="Fund ticker of holdings files (e.g. IWM).")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--asof",
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Snapshot date of holdings files lacking one.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Parse and report; write nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Parse files again even if their content was imported."),
    ] = False,
    accept_changes: Annotated[
        bool,
        typer.Option(
            "--accept-changes",
            help="Write changes to stored values beyond the limits (a price moving by more "
            "than 50 %, a value turning empty); undo with `sizeup store restore`.",
        ),
    ] = False,
) -> None:
    """Import price, rate, factor, holdings and fundamentals files into the store.

    The format of each file is recognised from its content. Each file is one store commit
    (applied whole or not at all). Files that cannot be imported are listed with the reason
    (rows breaking the value rules, refused changes to stored values); the command fails
    (exit 1) only if no file was imported.

    Example: sizeup --data-dir ./data import ../shared/data
    """
    from sizeup.app.data import ImportRequest, expand_paths, run_import

    console = Console()
    files = expand_paths(paths)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("importing", total=len(files))

        def step(report: FileReport) -> None:
            bar.update(task, advance=1, description=Path(report.path).name[:40])

        request = ImportRequest(
            paths=tuple(files),
            store=store_ref(),
            source=source,
            symbol=symbol,
            fund=fund,
            as_of=as_of.date().isoformat() if as_of else None,
            dry_run=dry_run,
            force=force,
            accept_changes=accept_changes,
        )
        result = run_import(request, progress=step)
    report = result.report
    title = f"import into {result.root}, now version {result.provenance.store_version}"
    table = Table(title=escape(title + (" (dry run)" if dry_run else "")))
    for col in ("file", "format", "table", "rows", "symbols", "status"):
        table.add_column(col, justify="right" if col in ("rows", "symbols") else "left")
    for f in report.files:
        status = f"[{_STYLE[f.status]}]{f.status}[/]"
        if f.message:
            status += f": {escape(f.message)}"
        table.add_row(
            escape(_short(f.path, paths)),
            f.format,
            ",".join(f.tables) or "-",
            f"{f.rows:,}" if f.rows else "-",
            f"{f.symbols:,}" if f.symbols else "-",
            status,
        )
    console.print(table)
    console.print(report.summary())
    if report.imported == 0:
        raise typer.Exit(code=1)


def _short(path: str, roots: list[Path]) -> str:
    p = Path(path)
    for root in roots:
        if root.is_dir():
            try:
                return str(p.relative_to(root))
            except ValueError:
                continue
    return p.name


def register(app: typer.Typer) -> None:
    """Add the ``import`` command to the root app."""
    app.command("import")(import_command)
