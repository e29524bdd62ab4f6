"""Conventions every command shares: store reference, ``--asof``, ``--json``, errors, output.

Commands import :mod:`sizeup.app` use cases inside their function bodies, so ``sizeup --help``
starts without pandas, numba or the analytics.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

if TYPE_CHECKING:
    from sizeup.app import Provenance, Result, StoreRef

__all__ = [
    "STATE",
    "console",
    "emit_json",
    "err_console",
    "handle_errors",
    "parse_asof",
    "print_provenance",
    "store_ref",
]

console = Console()
err_console = Console(stderr=True)

#: Root options (set by the root callback): store version / timestamp for time travel.
STATE: dict[str, Any] = {"version": None, "timestamp": None}

P = ParamSpec("P")
R = TypeVar("R")


def store_ref() -> StoreRef:
    """Return the store reference the root options describe."""
    from sizeup.app import StoreRef

    return StoreRef(version=STATE["version"], timestamp=STATE["timestamp"])


def parse_asof(text: str | None, option: str = "--asof") -> Any:
    """Parse an ISO ``--asof`` value (``None`` stays ``None``); a bad value exits 2."""
    from sizeup.calendar import parse_date

    return parse_date(text, option=option)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`~sizeup.errors.SizeupError` into a one-line message and exit code 2.

    Messages are printed literally (never read as Rich markup).
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from sizeup.errors import SizeupError

        try:
            return func(*args, **kwargs)
        except SizeupError as exc:
            err_console.print(Text("error: ", style="bold red") + Text(str(exc)), soft_wrap=True)
            raise typer.Exit(code=2) from exc

    return wrapper


def emit_json(result: Result | dict[str, Any]) -> None:
    """Print a result's ``to_dict()`` (or a mapping) as JSON on standard output."""
    from sizeup.app import to_jsonable

    body = result if isinstance(result, dict) else result.to_dict()
    sys.stdout.write(json.dumps(to_jsonable(body), indent=2, allow_nan=False) + "\n")


def print_provenance(out: Console, prov: Provenance) -> None:
    """Print as-of, store version, inputs with their data-through dates, warnings and notes."""
    lines = prov.lines()
    out.print(Text(lines[0], style="dim"))
    for line in lines[1:]:
        style = "yellow" if line.lstrip().startswith("warning:") else "dim"
        out.print(Text(line, style=style))


def safe(text: object) -> str:
    """Escape user text for use inside a Rich markup string."""
    return escape(str(text))
