"""``sizeup report``: write the offline HTML report.

``sizeup report --sample`` builds it from the data bundled in the arch and linearmodels wheels
(no network, no store); without ``--sample`` it reads the local store and lists the sections it
had to skip, naming the missing series or symbols.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from sizeup.config import load_settings
from sizeup.data.store import Store
from sizeup.errors import SizeupError
from sizeup.report import render_report
from sizeup.report._plans import full_sample_plan, full_store_plan

__all__ = ["DEFAULT_REPORT_NAME", "register", "report"]

log = logging.getLogger(__name__)

DEFAULT_REPORT_NAME = "sizeup-report.html"


def report(
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            help="Use the offline sample bundled with arch/linearmodels instead of the store.",
        ),
    ] = False,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="HTML file to write.", dir_okay=False),
    ] = Path(DEFAULT_REPORT_NAME),
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Store folder (default: settings / SIZEUP_DATA_DIR)."),
    ] = None,
) -> None:
    """Write the HTML report (size effect, seasonality, conditional, P&F) and print its path."""
    try:
        if sample:
            plan = full_sample_plan()
        else:
            settings = load_settings({"data_dir": data_dir})
            plan = full_store_plan(Store.open(settings.data_dir))
        for skipped in plan.skipped:
            typer.echo(f"skipped {skipped.text()}", err=True)
        if not plan.sections or plan.as_of is None:
            typer.echo(
                "error: no section has data in the store; fetch data first or run "
                "`sizeup report --sample` for the offline sample",
                err=True,
            )
            raise typer.Exit(code=1)
        path = render_report(
            plan.sections, out=out, title=plan.title, asof=plan.as_of, intro=plan.intro
        )
    except SizeupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to a Typer app.

    Parameters
    ----------
    app
        The application (``sizeup.cli.app``).
    """
    app.command("report")(report)
