"""``sizeup serve``: the local web dashboard and its JSON API (uvicorn on 127.0.0.1)."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer
from rich.text import Text

from sizeup.cli._common import console, err_console, handle_errors, store_ref

__all__ = ["is_loopback", "register"]


def is_loopback(host: str) -> bool:
    """Return True when ``host`` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@handle_errors
def serve(
    host: Annotated[
        str,
        typer.Option(
            help="Interface to listen on. Anything but a loopback address exposes the store to"
            " the network (a warning is printed)."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8765,
    log_level: Annotated[
        str, typer.Option("--log-level", help="uvicorn log level (warning, info, debug).")
    ] = "info",
) -> None:
    """Serve the local web dashboard and its JSON API on 127.0.0.1.

    Pages: rotation, P&F, screens, claims, backtests. Each request reads the latest committed
    store version, so `sizeup import` may write to the same store meanwhile. The API schema
    is at /openapi.json, interactive docs at /docs.

    Example: sizeup --data-dir ./data serve --port 8765
    """
    import uvicorn

    from sizeup.web import create_app

    if log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
        raise typer.BadParameter(
            f"{log_level!r} is not a log level; use warning, info or debug",
            param_hint="--log-level",
        )
    if not is_loopback(host):
        err_console.print(
            Text(
                f"warning: --host {host} is not a loopback address: anyone who can reach this "
                "machine can read the store through the dashboard (no authentication).",
                style="bold yellow",
            ),
            soft_wrap=True,
        )
    hosts = None
    if not is_loopback(host):
        # the names this machine is reached by are not known here: accept any Host header
        hosts = ["*"]
    app = create_app(store_ref(), allowed_hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    console.print(Text(f"sizeup dashboard on http://{shown}:{port}/  (Ctrl+C to stop)"))
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the root app."""
    app.command("serve")(serve)
