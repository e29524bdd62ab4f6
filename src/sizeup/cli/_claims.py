"""``sizeup claims FILE``: check a TOML file of market claims against the store.

A thin front end over :func:`sizeup.app.claims.check_claims`: it reads the options, renders the
verdicts (stated, measured, tolerance, basis, detail) as a Rich table or JSON, and turns bad
input into a clear message with exit code 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from sizeup.cli._common import console, emit_json, handle_errors, parse_asof, store_ref

if TYPE_CHECKING:
    from sizeup.claims import ClaimResult

__all__ = ["claims", "register", "render_results"]

_VERDICT_STYLE = {"SUPPORTED": "green", "CONTRADICTED": "red", "NOT_CHECKABLE": "yellow"}


def render_results(results: Sequence[ClaimResult], console: Console) -> None:
    """Print one block per claim: verdict and text, the figures, then how it was measured."""
    for r in results:
        style = _VERDICT_STYLE[r.verdict]
        measured = "n/a" if r.verdict == "NOT_CHECKABLE" else f"{r.measured:.6g}"
        stated = r.claim.stated_text or f"{r.claim.stated:.6g}"
        console.print(
            f"#{r.claim.index} [{style}]{r.verdict}[/] {escape(r.claim.text)} "
            f"[dim]({escape(r.claim.metric)})[/]",
            soft_wrap=True,
        )
        console.print(
            escape(
                f"    stated {stated} | measured {measured} | tolerance {r.tolerance_text} | "
                f"basis: {r.claim.basis}"
            ),
            soft_wrap=True,
        )
        note = ("missing: " + ", ".join(r.missing)) if r.missing else r.detail
        if note:
            console.print(escape(f"    {note}"), soft_wrap=True)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    console.print(escape(", ".join(f"{k}: {v}" for k, v in counts.items())))


@handle_errors
def claims(
    file: Annotated[
        Path,
        typer.Argument(help="TOML file of [[claim]] tables.", exists=True, dir_okay=False),
    ],
    asof: Annotated[
        str | None,
        typer.Option("--asof", help="Default as-of date for claims that do not set one."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Check each claim of FILE against the store: SUPPORTED, CONTRADICTED or NOT_CHECKABLE.

    Example: sizeup claims examples/claims.toml --asof 2025-12-12 --json
    """
    from sizeup.app.claims import ClaimsRequest, check_claims

    request = ClaimsRequest(file=file, asof=parse_asof(asof), store=store_ref())
    with console.status("checking claims...", spinner="dots"):
        result = check_claims(request)
    if as_json:
        emit_json(result)
    else:
        render_results(result.results, console)
        for line in result.provenance.lines():
            console.print(escape(line), soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``claims`` command to a Typer app.

    Parameters
    ----------
    app
        The root ``sizeup`` app.
    """
    app.command("claims")(claims)
