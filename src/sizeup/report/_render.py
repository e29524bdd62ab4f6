"""Section model of the HTML report and the renderer that writes one self-contained file.

A report is a sequence of :class:`ReportSection`; each holds figures (:class:`ReportFigure`,
Plotly) and tables (:class:`ReportTable`), free-text notes and an optional survivorship note.
Every figure and table carries its as-of date and the :class:`Coverage` of the data behind it
(first and last date, rows, missing dates), and the renderer prints them under each item, so
no number appears without its data window.

The output is one HTML file with plotly.js from the installed ``plotly`` package embedded
inline: it opens with no network and loads nothing from a CDN.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline

from sizeup.errors import DataError, SizeupError
from sizeup.types import DateLike

__all__ = [
    "Coverage",
    "ReportFigure",
    "ReportSection",
    "ReportTable",
    "render_report",
]

log = logging.getLogger(__name__)

_PLOTLY_CONFIG: Mapping[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def _date(ts: pd.Timestamp | None) -> str:
    return "-" if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Coverage:
    """Data window behind a figure or table.

    Parameters
    ----------
    name
        What the data is (series id, symbol, or a short label).
    source
        Where it came from (store source, sample package).
    first, last
        First and last date with data (``None`` when empty).
    rows
        Number of dated rows (``-1``: not counted, only the date range is known).
    missing
        Dates without a value inside ``first .. last``: dates of the expected calendar
        (``calendar``) that are absent or NaN, or NaN rows when no calendar is given.
    calendar
        The calendar ``missing`` is counted against (e.g. ``"month ends"``, ``"XNYS sessions"``),
        empty when only NaN rows are counted.
    """

    name: str
    source: str
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    rows: int
    missing: int
    calendar: str = ""

    @classmethod
    def of(
        cls,
        data: pd.Series | pd.DataFrame,
        *,
        name: str,
        source: str,
        expected: pd.DatetimeIndex | None = None,
        calendar: str = "",
    ) -> Coverage:
        """Measure the coverage of a dated series or frame.

        Parameters
        ----------
        data
            Values indexed by date; a frame row counts as missing when any column is NaN.
        name, source
            Labels (see the class parameters).
        expected
            Dates that should be present between the first and last date (e.g. every month
            end); ``None`` counts only NaN rows.
        calendar
            Name of the ``expected`` calendar, shown in the text.
        """
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        index = pd.DatetimeIndex(frame.index)
        if len(index) == 0:
            return cls(name, source, None, None, 0, 0, calendar)
        complete = ~frame.isna().any(axis=1).to_numpy()
        first, last = index.min(), index.max()
        if expected is None:
            missing = int((~complete).sum())
        else:
            grid = expected[(expected >= first) & (expected <= last)]
            have = index[complete]
            missing = int((~grid.isin(have)).sum())
        return cls(name, source, first, last, len(index), missing, calendar)

    def text(self) -> str:
        """One-line description, e.g. ``FF:SMB:M (sample/arch): 1926-07-31 to ... 0 missing``."""
        if self.rows == 0 or self.first is None:
            return f"{self.name} ({self.source}): no data"
        if self.rows < 0:  # rows not counted (coverage reported by a use case's provenance)
            return f"{self.name} ({self.source}): {_date(self.first)} to {_date(self.last)}"
        against = f" {self.calendar}" if self.calendar else ""
        return (
            f"{self.name} ({self.source}): {_date(self.first)} to {_date(self.last)}, "
            f"{self.rows:,} rows, {self.missing:,} missing{against}"
        )


@dataclass(frozen=True)
class ReportFigure:
    """A Plotly figure with its data window.

    Parameters
    ----------
    title
        Heading shown above the chart.
    figure
        The Plotly figure.
    as_of
        Date of the last data point shown.
    coverage
        Coverage of every input.
    caption
        Optional sentence explaining what is drawn.
    """

    title: str
    figure: go.Figure = field(repr=False)
    as_of: pd.Timestamp
    coverage: tuple[Coverage, ...]
    caption: str = ""


@dataclass(frozen=True)
class ReportTable:
    """A table with its data window.

    Parameters
    ----------
    title
        Heading shown above the table.
    frame
        The values; the index is not shown (put labels in a column).
    as_of
        Date of the last data point used.
    coverage
        Coverage of every input.
    formats
        Column -> :meth:`str.format` pattern for numbers, e.g. ``{"mean": "{:.3%}"}``.
        Dates print as ``YYYY-MM-DD``, NaN as an empty cell, other values with :class:`str`.
    caption
        Optional sentence explaining the columns.
    """

    title: str
    frame: pd.DataFrame = field(repr=False)
    as_of: pd.Timestamp
    coverage: tuple[Coverage, ...]
    formats: Mapping[str, str] = field(default_factory=dict)
    caption: str = ""

    def cells(self) -> list[list[str]]:
        """Rows of display strings."""
        out: list[list[str]] = []
        for row in self.frame.itertuples(index=False, name=None):
            out.append(
                [
                    _cell(value, self.formats.get(str(col)))
                    for col, value in zip(self.frame.columns, row, strict=True)
                ]
            )
        return out


def _cell(value: Any, fmt: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, pd.Timestamp | np.datetime64):
        return "" if pd.isna(value) else _date(pd.Timestamp(value))
    if isinstance(value, float | np.floating):
        if math.isnan(float(value)):
            return ""
        return fmt.format(float(value)) if fmt else f"{float(value):,.4g}"
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return fmt.format(int(value)) if fmt else f"{int(value):,}"
    return str(value)


@dataclass(frozen=True)
class ReportSection:
    """One section of the report.

    Parameters
    ----------
    title
        Section heading (also the table-of-contents entry).
    figures
        Charts, in display order.
    tables
        Tables, shown before the charts.
    notes
        Paragraphs of method notes and caveats.
    survivorship
        Survivorship-bias statement where it applies (``None`` when it does not).
    basis
        Price basis of the section's numbers (e.g. ``"prices as traded"``), shown with the
        coverage; empty when the section has no prices.
    missing
        Sentences saying which data are missing and which ``sizeup fetch`` / ``sizeup import``
        command brings them; a section with ``missing`` and nothing else is a placeholder that
        tells the reader what to do instead of silently disappearing.
    key
        Name of the report part the section belongs to (``--sections``), e.g. ``"rotation"``.
    """

    title: str
    figures: tuple[ReportFigure, ...] = ()
    tables: tuple[ReportTable, ...] = ()
    notes: tuple[str, ...] = ()
    survivorship: str | None = None
    basis: str = ""
    missing: tuple[str, ...] = ()
    key: str = ""

    @property
    def has_data(self) -> bool:
        """True when the section shows at least one table or figure."""
        return bool(self.figures or self.tables)

    @property
    def as_of(self) -> pd.Timestamp | None:
        """Latest as-of date of the section's figures and tables."""
        dates = [t.as_of for t in self.tables] + [f.as_of for f in self.figures]
        return max(dates) if dates else None

    @property
    def coverage(self) -> tuple[Coverage, ...]:
        """Distinct coverage entries of all items, in first-seen order."""
        seen: dict[Coverage, None] = {}
        items: list[ReportTable | ReportFigure] = [*self.tables, *self.figures]
        for item in items:
            for cov in item.coverage:
                seen.setdefault(cov, None)
        return tuple(seen)

    def summary(self) -> str:
        """Plain-text outline: title, as-of date, item titles and coverage."""
        lines = [f"{self.title} (as of {_date(self.as_of)})"]
        lines += [f"  table: {t.title}" for t in self.tables]
        lines += [f"  figure: {f.title}" for f in self.figures]
        lines += [f"  data: {c.text()}" for c in self.coverage]
        return "\n".join(lines)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sizeup.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.lru_cache(maxsize=1)
def _plotly_js() -> str:
    return str(plotly.offline.get_plotlyjs())


def _sizeup_version() -> str:
    try:
        return version("sizeup")
    except PackageNotFoundError:
        return "unknown"


def _figure_html(fig: ReportFigure, div_id: str) -> str:
    return str(
        pio.to_html(
            fig.figure,
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            div_id=div_id,
            config=dict(_PLOTLY_CONFIG),
            default_height="460px",
            validate=False,
        )
    )


def render_report(
    sections: Sequence[ReportSection],
    *,
    out: Path,
    title: str,
    asof: DateLike,
    intro: Sequence[str] = (),
) -> Path:
    """Write the report as one self-contained HTML file.

    Parameters
    ----------
    sections
        Sections in display order.
    out
        Output file; parent folders are created, an existing file is replaced atomically.
    title
        Report title.
    asof
        As-of date of the whole report (usually the latest as-of of the sections).
    intro
        Paragraphs for the header: data sources, sample statement, skipped sections.

    Returns
    -------
    pathlib.Path
        The absolute path written.

    Raises
    ------
    DataError
        ``sections`` is empty.
    SizeupError
        The file cannot be written.
    """
    if not sections:
        raise DataError("render_report: no sections given; pass at least one ReportSection")
    as_of = pd.Timestamp(asof)
    rendered = []
    for s_no, section in enumerate(sections, start=1):
        figures = [
            {"item": fig, "html": _figure_html(fig, f"fig-{s_no}-{f_no}")}
            for f_no, fig in enumerate(section.figures, start=1)
        ]
        rendered.append(
            {
                "anchor": f"section-{s_no}",
                "section": section,
                "figures": figures,
                "tables": [{"item": t, "cells": t.cells()} for t in section.tables],
            }
        )
    html = (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=title,
            as_of=_date(as_of),
            intro=list(intro),
            sections=rendered,
            plotly_js=_plotly_js(),
            version=_sizeup_version(),
            fmt_date=_date,
        )
    )
    path = Path(out).expanduser().resolve()
    _atomic_write_text(path, html)
    log.info("report written to %s (%d sections, %d bytes)", path, len(sections), len(html))
    return path


def _atomic_write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".html", dir=path.parent)
    except OSError as exc:
        raise SizeupError(f"cannot write report {path}: {exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SizeupError(f"cannot write report {path}: {exc}") from exc
