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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

import pandas as pd

from sizeup.app._store import StoreRef, open_store
from sizeup.errors import ConfigError, SizeupError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sizeup.app._result import Provenance
    from sizeup.app.backtest import BacktestResult
    from sizeup.app.claims import ClaimsResult
    from sizeup.app.monitor import Monitor
    from sizeup.app.screens import ScreenRunResult, StoreFundamentals
    from sizeup.data.store import Store

T = TypeVar("T")

__all__ = [
    "DEFAULT_PAIR",
    "REPORT_SECTIONS",
    "ReportData",
    "ReportRequest",
    "SampleData",
    "footnote",
    "load_sample",
    "open_report_data",
    "parse_pair",
    "parse_sections",
    "save_chart",
    "write_bytes_atomic",
]


REPORT_SECTIONS: Final = (
    "rotation",
    "pnf",
    "breadth",
    "seasonality",
    "size-premium",
    "conditional",
    "screens",
    "valuation",
    "flows",
    "backtests",
    "claims",
)
"""Parts of the report in display order (names of ``sizeup report --sections``)."""

DEFAULT_PAIR: Final = ("IWM", "SPY")


def parse_pair(text: str | None) -> tuple[str, str]:
    """Parse ``SMALL:LARGE`` (e.g. ``IWM:SPY``) into two upper-case symbols.

    Raises
    ------
    ConfigError
        Not two non-empty symbols separated by one colon, or twice the same symbol.
    """
    if text is None:
        return DEFAULT_PAIR
    parts = [p.strip() for p in str(text).split(":")]
    if len(parts) != 2 or not all(parts) or any(len(p) > 20 or " " in p for p in parts):
        raise ConfigError(
            f"--pair {text!r} is not SMALL:LARGE; e.g. IWM:SPY",
            input="--pair",
            value=text,
            valid="two symbols separated by a colon, e.g. IWM:SPY or IJR:IVV",
        )
    a, b = (p.upper() for p in parts)
    if a == b:
        raise ConfigError(
            f"--pair {text!r} compares a symbol with itself",
            input="--pair",
            value=text,
            valid="two different symbols, e.g. IWM:SPY",
        )
    return a, b


def parse_sections(text: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """Parse a comma list of report parts (``None``: all), keeping the report's order.

    Raises
    ------
    ConfigError
        An unknown name (the message lists the valid ones) or an empty list.
    """
    if text is None:
        return None
    items = text.split(",") if isinstance(text, str) else list(text)
    names = [n.strip().lower() for n in items if n.strip()]
    bad = [n for n in names if n not in REPORT_SECTIONS]
    if bad or not names:
        raise ConfigError(
            f"--sections: unknown section(s) {', '.join(bad) or '(none given)'}; "
            f"valid: {', '.join(REPORT_SECTIONS)}",
            input="--sections",
            value=",".join(bad) if bad else str(text),
            valid=", ".join(REPORT_SECTIONS),
        )
    return tuple(n for n in REPORT_SECTIONS if n in names)


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
    pair
        Small-cap and large-cap fund compared (``IWM``, ``SPY``); their indexes (``^RUT``,
        ``^GSPC``) are added when the pair is the default one.
    sections
        Parts to build (names in :data:`REPORT_SECTIONS`; ``None``: all).
    claims
        Claims file (TOML) for the claims part; ``None`` names the command that adds one.
    """

    sample: bool = False
    asof: pd.Timestamp | None = None
    monitor: bool = True
    pair: tuple[str, str] = DEFAULT_PAIR
    sections: tuple[str, ...] | None = None
    claims: Path | None = None

    def __post_init__(self) -> None:
        parse_sections(self.sections)
        parse_pair(":".join(self.pair) if len(self.pair) == 2 else str(self.pair))

    def wants(self, name: str) -> bool:
        """Return True when the part ``name`` is asked for."""
        return self.sections is None or name in self.sections


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
    _cache: dict[tuple[str, ...], object] = field(default_factory=dict, repr=False)
    _tried: set[str] = field(default_factory=set, repr=False)
    reads: dict[str, int] = field(default_factory=dict, repr=False)
    """Store reads per kind (``series``, ``bars``, ``panel``...): each input is read once."""

    def _memo(self, key: tuple[str, ...], read: Callable[[], T]) -> T:
        if key not in self._cache:
            self.reads[key[0]] = self.reads.get(key[0], 0) + 1
            self._cache[key] = read()
        return self._cache[key]  # type: ignore[return-value]

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
        """Return series (DatetimeIndex x id), newest vintage per id, cut at the as-of date.

        Each set of ids is read from the store once per report (later calls get a copy).
        """

        def read() -> pd.DataFrame:
            wide = self.store.series(list(ids))
            return wide if self.asof is None else wide.loc[: self.asof]

        return self._memo(("series", *ids), read).copy()

    def series_sources(self, ids: Sequence[str]) -> dict[str, str]:
        """Return id -> ``"store: <sources>"`` for the ids the store holds."""
        return dict(self._memo(("series_sources", *ids), lambda: self._series_sources(ids)))

    def _series_sources(self, ids: Sequence[str]) -> dict[str, str]:
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
        """Return tidy bars of one symbol (the store's one-source-per-symbol rule), cut.

        Read once per report.
        """
        return self._memo(("bars", symbol), lambda: self.store.bars([symbol], end=self.asof)).copy()

    def traded_bars(self, symbol: str) -> tuple[pd.DataFrame, list[str]]:
        """Return tidy bars of one symbol as traded (split-adjusted, not dividend-adjusted), cut.

        The data policy's choice of source (:func:`sizeup.app._prices.as_traded_bars`), read
        once per report; the notes say when no source separates raw from adjusted closes.
        Empty bars when the store has none.
        """
        from sizeup.app._prices import as_traded_bars
        from sizeup.errors import DataError

        def read() -> tuple[pd.DataFrame, list[str]]:
            try:
                rows, notes = as_traded_bars(self.store, symbol)
            except DataError:
                return pd.DataFrame(), []
            if self.asof is not None:
                rows = rows[pd.DatetimeIndex(rows["date"]) <= self.asof]
            return rows, notes

        rows, notes = self._memo(("traded_bars", symbol), read)
        return rows.copy(), list(notes)

    def panel(self, symbols: Sequence[str], *, field: str = "close") -> pd.DataFrame:
        """Return a wide frame of one price field, cut at the as-of date (read once)."""

        def read() -> pd.DataFrame:
            return self.store.panel(list(symbols), field=field, end=self.asof)  # type: ignore[arg-type]

        return self._memo(("panel", field, *symbols), read).copy()

    def preferred_sources(self, symbols: Sequence[str]) -> dict[str, str]:
        """Return symbol -> ``"store: <source>"`` of the source each read uses."""
        return dict(self._memo(("sources", *symbols), lambda: self._preferred(symbols)))

    def _preferred(self, symbols: Sequence[str]) -> dict[str, str]:
        chosen = self.store.sources(list(symbols))
        if chosen.empty:
            return {}
        chosen = chosen[chosen["preferred"]]
        return {str(r.symbol): f"store: {r.source}" for r in chosen.itertuples()}

    def backtest(self, strategy: str = "size-rs") -> BacktestResult | None:
        """Return a built-in backtest at the as-of date, or ``None`` without its inputs."""
        from sizeup.app.backtest import BacktestRequest, run_backtest
        from sizeup.errors import SizeupError

        def read() -> BacktestResult | None:
            try:
                return run_backtest(BacktestRequest(strategy, asof=self.asof), self.store)
            except SizeupError:
                return None

        return self._memo(("backtest", strategy), read)

    def fundamentals(self) -> StoreFundamentals:
        """Return the store's fundamentals and their standard items (read and normalised once).

        Screens and the valuation section share them. Rows are all filings; each use case
        keeps the ones filed on or before its date.
        """
        from sizeup.app.screens import read_fundamentals

        return self._memo(("fundamentals",), lambda: read_fundamentals(self.store))

    def screen(self, name: str = "quality-value", *, top: int = 25) -> ScreenRunResult | None:
        """Return a built-in screen on the store's fundamentals, or ``None`` without them."""
        from sizeup.app.screens import ScreenRequest, run_screen_request

        def read() -> ScreenRunResult | None:
            try:
                return run_screen_request(
                    ScreenRequest(name, as_of=self.asof, top=top, store=StoreRef(self.store.root)),
                    store=self.store,
                    fundamentals=self.fundamentals(),
                )
            except SizeupError:
                return None

        return self._memo(("screen", name, str(top)), read)

    def claims(self, path: Path) -> ClaimsResult:
        """Check a claims file against the store (as-of date as the claims' default).

        Raises
        ------
        ClaimSpecError
            The file is missing or malformed.
        """
        from sizeup.app.claims import ClaimsRequest, StoreClaimData, check_claims

        request = ClaimsRequest(file=path, asof=self.asof)
        return check_claims(request, data=StoreClaimData(self.store))

    def monitor(self) -> Monitor | None:
        """Return the rotation monitor at the as-of date, or ``None`` without its inputs."""
        from sizeup.app.monitor import MonitorRequest, run_monitor
        from sizeup.errors import DataError

        if self._monitor is None and "monitor" not in self._tried:
            self._tried.add("monitor")
            self.reads["monitor"] = self.reads.get("monitor", 0) + 1
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
