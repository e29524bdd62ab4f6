"""``sizeup report``: write the offline HTML report.

``sizeup report --sample`` builds it from the data bundled in the arch and linearmodels wheels
(no network, no store); without ``--sample`` it reads the local store (cut at ``--asof``) and
lists the sections it had to skip, naming the missing series or symbols.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from sizeup.cli._common import err_console, handle_errors, parse_asof, store_ref

__all__ = ["DEFAULT_REPORT_NAME", "register", "report"]

DEFAULT_REPORT_NAME = "sizeup-report.html"


@handle_errors
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
    asof: Annotated[
        str | None,
        typer.Option("--asof", help="Cut every input at this date (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Write the HTML report (rotation, size effect, seasonality, conditional, P&F).

    Example: sizeup report --asof 2025-12-12 --out report.html
    """
    from sizeup.app.reports import ReportRequest, SampleData, open_report_data
    from sizeup.report import render_report
    from sizeup.report._plans import full_sample_plan, full_store_plan

    request = ReportRequest(sample=sample, asof=parse_asof(asof))
    with err_console.status("building the report...", spinner="dots"):
        data = open_report_data(request, store_ref())
        plan = full_sample_plan(data) if isinstance(data, SampleData) else full_store_plan(data)
    for skipped in plan.skipped:
        err_console.print(Text(f"skipped {skipped.text()}"), soft_wrap=True)
    if not plan.sections or plan.as_of is None:
        err_console.print(
            Text(
                "error: no section has data in the store; fetch data first or run "
                "`sizeup report --sample` for the offline sample"
            ),
            soft_wrap=True,
        )
        raise typer.Exit(code=1)
    path = render_report(
        plan.sections, out=out, title=plan.title, asof=plan.as_of, intro=plan.intro
    )
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to a Typer app.

    Parameters
    ----------
    app
        The application (``sizeup.cli.app``).
    """
    app.command("report")(report)
