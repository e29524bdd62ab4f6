"""``sizeup report``: write the offline HTML report.

The report leads with the rotation of small caps against large caps (``--pair``, default
``IWM:SPY`` with ``^RUT`` / ``^GSPC``), then point and figure, breadth, seasonality, the size
premium, conditional history, screens, backtests and claims (``--sections`` picks parts).
``sizeup report --sample`` builds it from the data bundled in the arch and linearmodels wheels
(no network, no store); without ``--sample`` it reads the local store (cut at ``--asof``). A part
whose data are missing says so in the report and names the ``sizeup fetch`` / ``sizeup
import`` command that brings them; the same list goes to standard error.
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
def report(  # noqa: PLR0917 - Typer maps parameters to options
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
    pair: Annotated[
        str | None,
        typer.Option("--pair", help="Small-cap and large-cap fund, SMALL:LARGE (default IWM:SPY)."),
    ] = None,
    sections: Annotated[
        str | None,
        typer.Option(
            "--sections",
            help="Comma list of parts: rotation, pnf, breadth, seasonality, size-premium, "
            "conditional, screens, valuation, flows, backtests, claims (default: all).",
        ),
    ] = None,
    claims: Annotated[
        Path | None,
        typer.Option("--claims", help="Claims file (TOML) checked in the claims part."),
    ] = None,
    png_dir: Annotated[
        Path | None,
        typer.Option(
            "--png-dir",
            help="Also write one PNG per chart into this folder (needs Chromium).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Write the HTML report: rotation first, then P&F, breadth, statistics, screens, backtests.

    Example: sizeup report --pair IWM:SPY --asof 2025-12-12 --sections rotation,pnf --out r.html
    """
    from sizeup.app.reports import ReportRequest, open_report_data, parse_pair, parse_sections
    from sizeup.report import render_report
    from sizeup.report._layout import report_plan

    request = ReportRequest(
        sample=sample,
        asof=parse_asof(asof),
        pair=parse_pair(pair),
        sections=parse_sections(sections),
        claims=claims,
    )
    with err_console.status("building the report...", spinner="dots"):
        data = open_report_data(request, store_ref())
        plan = report_plan(data, request)
    for skipped in plan.skipped:
        err_console.print(Text(f"missing data: {skipped.title}: {' '.join(skipped.missing)}"))
    if not any(s.has_data for s in plan.sections) or plan.as_of is None:
        err_console.print(
            Text(
                "error: no section has data in the store; fetch data first (sizeup fetch core) "
                "or run `sizeup report --sample` for the offline sample"
            ),
            soft_wrap=True,
        )
        raise typer.Exit(code=1)
    path = render_report(
        plan.sections, out=out, title=plan.title, asof=plan.as_of, intro=plan.intro
    )
    if png_dir is not None:
        from sizeup.report._images import write_report_images

        with err_console.status("writing chart images...", spinner="dots"):
            images = write_report_images(plan.sections, png_dir)
        err_console.print(Text(f"wrote {len(images)} chart images to {png_dir}"))
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to a Typer app.

    Parameters
    ----------
    app
        The application (``sizeup.cli.app``).
    """
    app.command("report")(report)
