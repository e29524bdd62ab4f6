"""The result protocol every use case returns, and the provenance every figure carries."""

from __future__ import annotations

import abc
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from sizeup.app._json import to_jsonable

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["ChartResult", "InputCoverage", "Provenance", "Result"]


@dataclass(frozen=True)
class InputCoverage:
    """One input of a result: where it came from and how far its data run.

    Attributes
    ----------
    name
        Symbol, series id or table (``"IWM"``, ``"DGS10"``, ``"holdings IWM"``).
    source
        Store source the value was read from (``"yahoo"``, ``"fred"``; several joined by ``+``
        when sources were spliced), ``""`` when not from the store (bundled sample).
    first, last
        First and last date of the data used (``last`` is "data through").
    basis
        Price basis or units (see :class:`~sizeup.app.PriceBasis`).
    sessions_behind
        Exchange sessions between ``last`` and the as-of date (0 = current).
    """

    name: str
    source: str
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    basis: str
    sessions_behind: int = 0

    def describe(self) -> str:
        """Return one line: ``IWM (yahoo, as traded): 2000-05-26 .. 2026-08-03``."""
        span = f"{_day(self.first)} .. {_day(self.last)}"
        src = f"{self.source}, " if self.source else ""
        lag = f" [{self.sessions_behind} sessions behind]" if self.sessions_behind > 0 else ""
        return f"{self.name} ({src}{self.basis}): {span}{lag}"


@dataclass(frozen=True)
class Provenance:
    """What a result was computed from.

    Attributes
    ----------
    as_of
        The as-of date: no input was read past it.
    inputs
        Coverage of each input.
    store_version
        Store version read (``None`` for the bundled sample or a store without versions).
    notes
        Method and data notes (survivorship, splicing, proxies).
    warnings
        Problems a reader must see (an input ending before the as-of date).
    """

    as_of: pd.Timestamp | None
    inputs: tuple[InputCoverage, ...] = ()
    store_version: int | None = None
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct sources of the inputs, in order of first use."""
        seen: dict[str, None] = {}
        for cov in self.inputs:
            for s in cov.source.split("+"):
                if s:
                    seen.setdefault(s, None)
        return tuple(seen)

    def lines(self) -> list[str]:
        """Return the provenance as text lines (as-of, store version, inputs, notes)."""
        head = f"as of {_day(self.as_of)}"
        if self.store_version is not None:
            head += f"; store version {self.store_version}"
        out = [head]
        out += [f"  data: {c.describe()}" for c in self.inputs]
        out += [f"  warning: {w}" for w in self.warnings]
        out += [f"  note: {n}" for n in self.notes]
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe mapping."""
        return {
            "as_of": to_jsonable(self.as_of),
            "store_version": self.store_version,
            "sources": list(self.sources),
            "inputs": [to_jsonable(c) for c in self.inputs],
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


class Result(abc.ABC):
    """Base of every result object sizeup returns.

    Subclasses are frozen dataclasses with a ``provenance`` field and implement
    :meth:`summary`, :meth:`to_frame` and :meth:`payload` (the result's own JSON-safe content);
    :meth:`to_dict` adds the provenance, :meth:`_repr_html_` renders both for notebooks.
    """

    provenance: Provenance

    @abc.abstractmethod
    def summary(self) -> str:
        """Return a plain-text digest (what the CLI prints)."""

    @abc.abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """Return the main table of the result."""

    @abc.abstractmethod
    def payload(self) -> dict[str, Any]:
        """Return the result's own fields as a mapping (made JSON-safe by :meth:`to_dict`)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the whole result as JSON-safe types, provenance included."""
        body = to_jsonable(self.payload())
        body["provenance"] = self.provenance.to_dict()
        return dict(body)

    def _repr_html_(self) -> str:
        """Render for notebooks: the summary, the main table and the provenance, escaped."""
        title = html.escape(type(self).__name__)
        frame = self.to_frame()
        table = (
            frame.head(200).to_html(escape=True, border=0, classes="sizeup-table")
            if not frame.empty
            else "<p><em>no rows</em></p>"
        )
        prov = "<br>".join(html.escape(line) for line in self.provenance.lines())
        return (
            f'<div class="sizeup-result"><strong>{title}</strong>'
            f"<pre>{html.escape(self.summary())}</pre>{table}"
            f'<p style="font-size:smaller">{prov}</p></div>'
        )

    def __str__(self) -> str:
        return self.summary()


class ChartResult(Result):
    """A result with a chart: adds :meth:`figure` (a Plotly figure)."""

    @abc.abstractmethod
    def figure(self) -> go.Figure:
        """Return the chart as a Plotly figure."""


def _day(value: pd.Timestamp | None) -> str:
    if value is None or pd.isna(value):
        return "-"
    return str(pd.Timestamp(value).date())
