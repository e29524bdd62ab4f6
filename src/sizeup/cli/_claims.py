"""``sizeup claims FILE``: check a TOML file of market claims against the store.

The evaluation itself is pure (:mod:`sizeup.claims._check`); this module only reads the file,
backs the :class:`~sizeup.claims._check.ClaimData` protocol with the store and renders the
verdicts as a Rich table or JSON.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from sizeup.claims import Claim, ClaimResult, evaluate_claims, parse_claims_text
from sizeup.config import load_settings
from sizeup.data.store import Store
from sizeup.errors import DataError, SizeupError

__all__ = ["StoreClaimData", "claims", "register", "render_results"]

log = logging.getLogger(__name__)

_VERDICT_STYLE = {"SUPPORTED": "green", "CONTRADICTED": "red", "NOT_CHECKABLE": "yellow"}


class StoreClaimData:
    """:class:`~sizeup.claims._check.ClaimData` backed by a :class:`~sizeup.data.store.Store`.

    Prices come from :meth:`Store.panel` (``field`` = ``close`` or ``adj_close``), series from
    :meth:`Store.series`, and universe members from the fund's holdings snapshot on or before
    the as-of date (current-members-only snapshots make breadth survivorship-biased).
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        """Wide frame of one price field."""
        if field not in ("close", "adj_close"):
            raise DataError(f"price field {field!r} is not valid; valid: ['adj_close', 'close']")
        return self.store.panel(list(symbols), field="close" if field == "close" else "adj_close")

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        """Wide frame of series by id (one vintage when asked, else the newest)."""
        return self.store.series(list(ids), vintage=vintage)

    def members(self, universe: str, asof: pd.Timestamp) -> list[str] | None:
        """Symbols in the fund's latest holdings on or before ``asof`` (None when absent)."""
        snap = self.store.holdings(universe, as_of=asof)
        if snap.empty:
            return None
        return sorted(str(s) for s in snap["symbol"].dropna().unique())


def render_results(results: Sequence[ClaimResult], console: Console) -> None:
    """Print a Rich table: claim, stated, measured, verdict (and what is missing)."""
    table = Table(title="Claims", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("claim", overflow="fold", max_width=60)
    table.add_column("metric")
    table.add_column("stated", justify="right")
    table.add_column("measured", justify="right")
    table.add_column("verdict")
    table.add_column("detail / missing", overflow="fold", max_width=50)
    for r in results:
        style = _VERDICT_STYLE[r.verdict]
        measured = "-" if r.verdict == "NOT_CHECKABLE" else f"{r.measured:.6g}"
        note = ", ".join(r.missing) if r.missing else r.detail
        table.add_row(
            str(r.claim.index),
            r.claim.text,
            r.claim.metric,
            f"{r.claim.stated:.6g}",
            measured,
            f"[{style}]{r.verdict}[/]",
            note,
        )
    console.print(table)
    counts = pd.Series([r.verdict for r in results]).value_counts()
    console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


def _with_asof(claims_: list[Claim], asof: str | None) -> list[Claim]:
    if asof is None:
        return claims_
    try:
        ts = pd.Timestamp(asof)
    except (TypeError, ValueError) as exc:
        raise DataError(f"--asof {asof!r} is not a date; give e.g. 2024-06-28") from exc
    return [c if c.asof is not None else replace(c, asof=ts) for c in claims_]


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
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Store folder (default: settings / SIZEUP_DATA_DIR)."),
    ] = None,
) -> None:
    """Check each claim of FILE against the store: SUPPORTED, CONTRADICTED or NOT_CHECKABLE."""
    try:
        parsed = parse_claims_text(file.read_text(encoding="utf-8"), name=str(file))
        parsed = _with_asof(parsed, asof)
        settings = load_settings({"data_dir": data_dir})
        results = evaluate_claims(parsed, StoreClaimData(Store.open(settings.data_dir)))
    except SizeupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in results], indent=2, default=str))
    else:
        render_results(results, Console())


def register(app: typer.Typer) -> None:
    """Add the ``claims`` command to a Typer app.

    Parameters
    ----------
    app
        The root ``sizeup`` app.
    """
    app.command("claims")(claims)
