"""Static export of Plotly figures (PNG, SVG) through kaleido and a browser already installed.

kaleido (v1) renders figures in a headless Chromium driven by choreographer. sizeup never lets
it download a browser: :func:`browser_path` looks for one in this order -- the ``BROWSER_PATH``
environment variable (choreographer's own setting), Debian's ``/usr/bin/chromium``, then
``chromium`` / ``chromium-browser`` / ``google-chrome`` on ``PATH`` -- and raises a
:class:`~sizeup.errors.ConfigError` naming ``apt-get install chromium`` when none exists.

The page kaleido renders in loads plotly.js from the installed ``plotly`` package (a local
file) and no MathJax, so an export makes no network request.

This module returns bytes; writing files is the caller's business (CLI, app).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

import plotly.graph_objects as go

from sizeup.errors import ConfigError, SizeupError

__all__ = [
    "DEBIAN_CHROMIUM",
    "EXPORT_FORMATS",
    "ExportFormat",
    "browser_path",
    "export_figure",
    "export_figures",
    "format_of",
]

ExportFormat = Literal["png", "svg"]
EXPORT_FORMATS: Final = ("png", "svg")
DEBIAN_CHROMIUM: Final = "/usr/bin/chromium"
_PATH_NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_INSTALL_HINT: Final = (
    "install one with `apt-get install chromium` (Debian/Ubuntu) or point BROWSER_PATH at a "
    "Chromium or Chrome executable; sizeup never downloads a browser"
)
DEFAULT_WIDTH: Final = 1100
DEFAULT_HEIGHT: Final = 600

T = TypeVar("T")


def browser_path() -> str:
    """Return the browser executable kaleido will drive, without downloading anything.

    Raises
    ------
    ConfigError
        ``BROWSER_PATH`` names a file that is not an executable, or no browser is installed.
    """
    env = os.environ.get("BROWSER_PATH")
    if env:
        if os.path.isfile(env) and os.access(env, os.X_OK):
            return env
        raise ConfigError(
            f"BROWSER_PATH={env!r} is not an executable browser; {_INSTALL_HINT}",
            input="BROWSER_PATH",
            value=env,
            valid="path of a Chromium or Chrome executable",
        )
    if os.path.isfile(DEBIAN_CHROMIUM) and os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    for name in _PATH_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError(
        f"chart export needs a Chromium browser and none was found; {_INSTALL_HINT}",
        input="browser",
        value="none found",
        valid=f"{DEBIAN_CHROMIUM}, chromium on PATH or BROWSER_PATH",
    )


def format_of(path: Path | str, default: ExportFormat | None = None) -> ExportFormat:
    """Return the export format a file name asks for (``.png`` or ``.svg``).

    Raises
    ------
    ConfigError
        The suffix is neither and no default is given.
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "png":
        return "png"
    if suffix == "svg":
        return "svg"
    if default is not None:
        return default
    raise ConfigError(
        f"cannot tell the image format of {str(path)!r}: use a .png or .svg file name",
        input="path",
        value=str(path),
        valid=".png or .svg",
    )


def _with_footnote(fig: go.Figure, footnote: str) -> go.Figure:
    out = go.Figure(fig)
    bottom = int(out.layout.margin.b or 60)
    lines = footnote.count("<br>") + 1
    out.add_annotation(
        text=footnote,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(bottom + 24),  # below the tick labels and the axis title
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": 10, "color": "#52606d"},
    )
    out.update_layout(margin={"b": bottom + 16 * lines + 36})
    return out


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion, also from inside a running event loop (in a thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="sizeup-export")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


async def _render(
    figures: Sequence[go.Figure], opts: Sequence[dict[str, Any]], browser: str, timeout: float
) -> list[bytes]:
    import kaleido  # type: ignore[import-untyped]

    async with kaleido.Kaleido(n=1, timeout=timeout, mathjax=False, path=browser) as k:
        out: list[bytes] = []
        for fig, opt in zip(figures, opts, strict=True):
            out.append(bytes(await k.calc_fig(fig, opts=opt)))
        return out


def export_figures(
    figures: Sequence[go.Figure],
    fmt: ExportFormat = "png",
    *,
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.0,
    footnotes: Sequence[str | None] | None = None,
    timeout: float = 120.0,
) -> list[bytes]:
    """Render figures to PNG or SVG bytes in one browser session.

    Parameters
    ----------
    figures
        Plotly figures.
    fmt
        ``"png"`` or ``"svg"``.
    width, height
        Image size in CSS pixels (default: the figure's layout size, else 1100 x 600). A PNG is
        ``width * scale`` by ``height * scale`` pixels.
    scale
        Pixel ratio of PNG images.
    footnotes
        Optional text per figure (e.g. as-of date, sources, price basis) written under the plot,
        so an image carries its data window when it leaves the report; ``<br>`` breaks lines.
    timeout
        Seconds before the browser is given up.

    Raises
    ------
    ConfigError
        Unknown format, bad size, or no browser installed (the message names
        ``apt-get install chromium``).
    SizeupError
        The browser failed to render a figure.
    """
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(
            f"image format {fmt!r} is not supported; use one of {', '.join(EXPORT_FORMATS)}",
            input="format",
            value=fmt,
            valid=", ".join(EXPORT_FORMATS),
        )
    for label, value in (("width", width), ("height", height)):
        if value is not None and not 10 <= value <= 10_000:
            raise ConfigError(
                f"{label}={value}: between 10 and 10000 pixels",
                input=label,
                value=value,
                valid="10..10000",
            )
    if not 0.1 <= scale <= 10:
        raise ConfigError(f"scale={scale}: between 0.1 and 10", input="scale", value=scale)
    if not figures:
        return []
    notes = list(footnotes) if footnotes is not None else [None] * len(figures)
    if len(notes) != len(figures):
        raise ConfigError(f"{len(notes)} footnotes for {len(figures)} figures: one per figure")
    browser = browser_path()
    os.environ.setdefault("BROWSER_PATH", browser)
    prepared: list[go.Figure] = []
    opts: list[dict[str, Any]] = []
    for fig, note in zip(figures, notes, strict=True):
        f = _with_footnote(fig, note) if note else fig
        w = width or (int(f.layout.width) if f.layout.width else DEFAULT_WIDTH)
        h = height or (int(f.layout.height) if f.layout.height else DEFAULT_HEIGHT)
        prepared.append(f)
        opts.append({"format": fmt, "width": w, "height": h, "scale": scale})
    try:
        return _run(_render(prepared, opts, browser, timeout))
    except SizeupError:
        raise
    except Exception as exc:  # kaleido/choreographer raise their own types
        raise SizeupError(
            f"chart export with {browser} failed: {type(exc).__name__}: {exc}"
        ) from exc


def export_figure(
    figure: go.Figure,
    fmt: ExportFormat = "png",
    *,
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.0,
    footnote: str | None = None,
) -> bytes:
    """Render one figure to PNG or SVG bytes (see :func:`export_figures`)."""
    return export_figures(
        [figure], fmt, width=width, height=height, scale=scale, footnotes=[footnote]
    )[0]
