"""Use case: the data behind the HTML report, read once under the data policy.

The report (:mod:`sizeup.report`) decides which sections to draw and how; this module decides
what data they read. :func:`open_report_data` returns a :class:`ReportData` that reads the store
cut at the as-of date (no section sees a later day) and names the source of each input;
:func:`load_sample` returns the offline sample bundled with the ``arch`` and ``linearmodels``
wheels (``sizeup report --sample``, no store, no network).
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sizeup.app._store import StoreRef, open_store
from sizeup.errors import SizeupError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sizeup.app._result import Provenance
    from sizeup.app.backtest import BacktestResult
    from sizeup.app.monitor import Monitor
    from sizeup.data.store import Store

__all__ = [
    "ReportData",
    "ReportRequest",
    "SampleData",
    "footnote",
    "load_sample",
    "open_report_data",
    "save_chart",
    "write_bytes_atomic",
]


@dataclass(frozen=True)
class ReportRequest:
    """What report to build.

    Attributes
    ----------
    sample
        Use the offline sample instead of the store.
    asof
        Cut every input at this date (default: no cut; the report states each input's end).
    monitor
        Compute the rotation monitor for the report's first section.
    """

    sample: bool = False
    asof: pd.Timestamp | None = None
    monitor: bool = True


@dataclass(frozen=True)
class SampleData:
    """The offline sample: S&P 500 and NASDAQ Composite bars, Fama-French factors, portfolios.

    Attributes
    ----------
    sp500, nasdaq
        Daily OHLC frames (DatetimeIndex).
    factors
        Monthly Fama-French factors (decimal returns; column ``smb``).
    size_value
        Monthly 25 size x book-to-market portfolio returns.
    source_arch, source_linearmodels
        Source labels of the two wheels.
    """

    sp500: pd.DataFrame
    nasdaq: pd.DataFrame
    factors: pd.DataFrame
    size_value: pd.DataFrame
    source_arch: str
    source_linearmodels: str


def load_sample() -> SampleData:
    """Load the offline sample bundled with the arch and linearmodels wheels.

    Raises
    ------
    DataError
        A bundled file is missing or malformed.
    """
    from sizeup.data.datasets import (
        SAMPLE_SOURCE_ARCH,
        SAMPLE_SOURCE_LINEARMODELS,
        load_ff_factors,
        load_nasdaq,
        load_size_value_portfolios,
        load_sp500,
    )

    return SampleData(
        sp500=load_sp500(),
        nasdaq=load_nasdaq(),
        factors=load_ff_factors(),
        size_value=load_size_value_portfolios(),
        source_arch=SAMPLE_SOURCE_ARCH,
        source_linearmodels=SAMPLE_SOURCE_LINEARMODELS,
    )


@dataclass
class ReportData:
    """Read access to the store for report sections, cut at the as-of date.

    Every method returns data on or before :attr:`asof` only. Sources are named as
    ``"store: <source>"`` so a section can print them in its coverage lines.

    Parameters
    ----------
    store
        The opened store.
    asof
        Cut date (``None``: no cut).
    """

    store: Store
    asof: pd.Timestamp | None = None
    _monitor: Monitor | None = field(default=None, repr=False)

    @property
    def location(self) -> str:
        """Where the store is (for the report's introduction)."""
        return str(self.store.root)

    @property
    def store_version(self) -> int | None:
        """Store version read, when the store has versions."""
        version = getattr(self.store, "version", None)
        return version if isinstance(version, int) else None

    def series(self, ids: Sequence[str]) -> pd.DataFrame:
        """Return series (DatetimeIndex x id), newest vintage per id, cut at the as-of date."""
        wide = self.store.series(list(ids))
        return wide if self.asof is None else wide.loc[: self.asof]

    def series_sources(self, ids: Sequence[str]) -> dict[str, str]:
        """Return id -> ``"store: <sources>"`` for the ids the store holds."""
        frame = self.store.query(
            "SELECT series_id, string_agg(DISTINCT source, ', ' ORDER BY source) AS sources "
            "FROM series WHERE series_id IN (SELECT unnest(?)) GROUP BY series_id",
            [list(ids)],
        )
        return {
            str(r.series_id): f"store: {r.sources}"
            for r in frame.itertuples()
            if isinstance(r.sources, str)
        }

    def bars(self, symbol: str) -> pd.DataFrame:
        """Return tidy bars of one symbol (the store's one-source-per-symbol rule), cut."""
        return self.store.bars([symbol], end=self.asof)

    def panel(self, symbols: Sequence[str], *, field: str = "close") -> pd.DataFrame:
        """Return a wide frame of one price field, cut at the as-of date."""
        return self.store.panel(list(symbols), field=field, end=self.asof)  # type: ignore[arg-type]

    def preferred_sources(self, symbols: Sequence[str]) -> dict[str, str]:
        """Return symbol -> ``"store: <source>"`` of the source each read uses."""
        chosen = self.store.sources(list(symbols))
        if chosen.empty:
            return {}
        chosen = chosen[chosen["preferred"]]
        return {str(r.symbol): f"store: {r.source}" for r in chosen.itertuples()}

    def backtest(self, strategy: str = "size-rs") -> BacktestResult | None:
        """Return a built-in backtest at the as-of date, or ``None`` without its inputs."""
        from sizeup.app.backtest import BacktestRequest, run_backtest
        from sizeup.errors import SizeupError

        try:
            return run_backtest(BacktestRequest(strategy, asof=self.asof), self.store)
        except SizeupError:
            return None

    def monitor(self) -> Monitor | None:
        """Return the rotation monitor at the as-of date, or ``None`` without its inputs."""
        from sizeup.app.monitor import MonitorRequest, run_monitor
        from sizeup.errors import DataError

        if self._monitor is None:
            try:
                self._monitor = run_monitor(MonitorRequest(asof=self.asof), self.store)
            except DataError:
                return None
        return self._monitor


def open_report_data(
    request: ReportRequest, store: StoreRef | Store | None = None
) -> ReportData | SampleData:
    """Open the data a report reads: the offline sample or the store cut at the as-of date.

    Parameters
    ----------
    request
        Sample or store, and the as-of date.
    store
        A :class:`~sizeup.app.StoreRef` (default: the settings' store) or an open store.
    """
    if request.sample:
        return load_sample()
    st = open_store(store)
    return ReportData(st, request.asof)


def footnote(provenance: Provenance, *, max_inputs: int = 4) -> str:
    """Text written under an exported chart: as-of date, inputs with source, basis and dates.

    Parameters
    ----------
    provenance
        The result's provenance.
    max_inputs
        At most this many inputs are listed (the rest are counted).

    Returns
    -------
    str
        Lines joined with ``<br>``, user text HTML-escaped (Plotly reads a subset of HTML).
    """
    lines = provenance.lines()
    head = [lines[0]]
    inputs = [c.describe() for c in provenance.inputs]
    shown = inputs[:max_inputs]
    if len(inputs) > max_inputs:
        shown.append(f"... and {len(inputs) - max_inputs} more inputs")
    text = [*head, *(f"data: {t}" for t in shown), *(f"warning: {w}" for w in provenance.warnings)]
    return "<br>".join(html.escape(t) for t in text)


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write bytes to ``path`` through a temporary file in the same folder.

    Raises
    ------
    SizeupError
        The file cannot be written (the message names it).
    """
    target = Path(path).expanduser().resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise SizeupError(f"cannot write {target}: {exc}", input="path", value=str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SizeupError(f"cannot write {target}: {exc}", input="path", value=str(path)) from exc
    return target


def save_chart(
    figure: go.Figure,
    provenance: Provenance | None = None,
    *,
    png: Path | None = None,
    svg: Path | None = None,
    scale: float = 2.0,
) -> list[Path]:
    """Export a result's chart to PNG and/or SVG files (``--png`` / ``--svg`` of the CLI).

    The image carries the result's as-of date, inputs, sources and price basis under the plot
    (:func:`footnote`). Rendering needs a Chromium browser already installed
    (:func:`sizeup.charts.browser_path`); none is downloaded.

    Parameters
    ----------
    figure
        The chart (``result.figure()``).
    provenance
        The result's provenance (``None``: no footnote).
    png, svg
        Files to write; ``None`` skips that format.
    scale
        Pixel ratio of the PNG.

    Returns
    -------
    list of pathlib.Path
        Files written.

    Raises
    ------
    ConfigError
        No browser installed (the message names ``apt-get install chromium``).
    SizeupError
        Rendering or writing failed.
    """
    from sizeup.charts import export_figures

    note = footnote(provenance) if provenance is not None else None
    written: list[Path] = []
    for fmt, path in (("png", png), ("svg", svg)):
        if path is None:
            continue
        (data,) = export_figures(
            [figure],
            "png" if fmt == "png" else "svg",
            scale=scale if fmt == "png" else 1.0,
            footnotes=[note],
        )
        written.append(write_bytes_atomic(path, data))
    return written
