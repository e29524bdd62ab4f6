"""Use case: a fund's net flows from its shares outstanding (``sizeup flows IWM``).

Inputs (all from the store): the series ``<FUND>.shares_outstanding`` (holdings snapshots'
preambles and the iShares fund-history download), ``<FUND>.nav`` (end-of-day NAV per share,
fund history only), the fund's as-traded closes (used where a NAV is missing) and its split
actions. The flow of each interval between two observations is ``(S_end - k S_start) x NAV of
the later day`` (see :mod:`sizeup.analytics.flows` and docs/methods.md §E): a
missing day makes one figure over the gap, a split is not a flow.

Examples
--------
>>> from sizeup.app.flows import FlowsRequest, run_flows   # doctest: +SKIP
>>> print(run_flows(FlowsRequest("IWM", freq="M")).summary())  # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from sizeup.analytics.flows import FlowFrequency, aggregate_flows, interval_flows
from sizeup.app._policy import PriceBasis, coverage_of, period_in_progress, resolve_asof
from sizeup.app._prices import as_traded_closes
from sizeup.app._result import ChartResult, InputCoverage, Provenance
from sizeup.app._store import StoreRef, open_store
from sizeup.data.formats.ishares import SERIES_SOURCE, nav_series_id, shares_series_id
from sizeup.errors import ConfigError, DataError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sizeup.data.store import Store

__all__ = ["FlowsRequest", "FlowsResult", "format_money", "run_flows"]

_FREQ_WORD = {"D": "daily", "W": "weekly", "M": "monthly"}
METHOD_NOTE = (
    "flow = (shares outstanding at the end - split ratio x shares at the start) x end-of-day "
    "NAV per share of the later day (the close where no NAV is stored); a gap between "
    "observations is one figure over the gap, never spread; splits come from split actions "
    "or are detected from share and NAV ratios (docs/methods.md §E)"
)


def format_money(value: float) -> str:
    """Return ``+$1.23 bn`` / ``-$456.7 m`` / ``+$12,345`` (``n/a`` for NaN).

    Examples
    --------
    >>> format_money(2_012_000_000.0)
    '+$2.01 bn'
    >>> format_money(-456_700_000.0)
    '-$456.7 m'
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else "+"
    a = abs(value)
    if a >= 1e9:
        return f"{sign}${a / 1e9:,.2f} bn"
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.1f} m"
    return f"{sign}${a:,.0f}"


@dataclass(frozen=True)
class FlowsRequest:
    """Which fund, as of when, summed how.

    Attributes
    ----------
    fund
        Fund ticker (``IWM``).
    asof
        Last date used (default: the latest shares-outstanding observation).
    freq
        ``D`` (each interval between observations), ``W`` (weekly sums) or ``M`` (monthly).
    split_tolerance
        Relative tolerance of split detection (0.10).
    """

    fund: str
    asof: pd.Timestamp | None = None
    freq: FlowFrequency = "D"
    split_tolerance: float = 0.10

    def __post_init__(self) -> None:
        if self.freq not in _FREQ_WORD:
            raise ConfigError(
                f"--freq {self.freq!r} is not valid; use D (daily), W (weekly) or M (monthly)",
                input="--freq",
                value=self.freq,
                valid="D, W or M",
            )
        if not self.fund or not self.fund.strip():
            raise ConfigError(
                "the fund ticker is empty", input="fund", value=self.fund, valid="e.g. IWM"
            )
        if not 0 < self.split_tolerance < 0.5:
            raise ConfigError(
                f"split tolerance {self.split_tolerance} is outside (0, 0.5)",
                input="split_tolerance",
                value=self.split_tolerance,
                valid="a fraction between 0 and 0.5",
            )


@dataclass(frozen=True)
class FlowsResult(ChartResult):
    """A fund's flows by interval and by period.

    Attributes
    ----------
    request
        The request.
    asof
        The as-of date (no observation after it was read).
    intervals
        One row per interval between observations (:func:`sizeup.analytics.flows.interval_flows`).
    table
        The flows at the requested frequency (:func:`sizeup.analytics.flows.aggregate_flows`).
    in_progress
        Label of the last week/month when it is not finished at the as-of date, else ``None``.
    provenance
        As-of, inputs (shares, NAV, closes) with sources and coverage, notes and warnings.
    """

    request: FlowsRequest
    asof: pd.Timestamp
    intervals: pd.DataFrame
    table: pd.DataFrame
    in_progress: str | None
    provenance: Provenance

    @property
    def fund(self) -> str:
        """The fund ticker."""
        return self.request.fund.upper()

    def title(self) -> str:
        """Return the heading: fund, frequency and as-of date."""
        word = _FREQ_WORD[self.request.freq]
        return f"{self.fund} net flows ({word}, USD) — as of {self.asof.date()}"

    def rows(self, last: int = 20) -> list[tuple[str, str, str]]:
        """Return (period, flow, remark) text rows of the newest ``last`` periods."""
        out: list[tuple[str, str, str]] = []
        tail = self.table.tail(last)
        periods = pd.DatetimeIndex(tail.index)
        for i, (period, (_, row)) in enumerate(zip(periods, tail.iterrows(), strict=True)):
            remarks = []
            if int(row["gaps"]) > 0:
                remarks.append(
                    f"covers {pd.Timestamp(row['start']).date()} .. "
                    f"{pd.Timestamp(row['end']).date()} ({int(row['sessions'])} sessions) with "
                    f"{int(row['gaps'])} gap(s), each one figure"
                )
            if "close" in str(row["price_kinds"]):
                remarks.append("priced at the close (no NAV)")
            if "missing" in str(row["price_kinds"]):
                remarks.append("no NAV or close: flow unknown")
            if i == len(tail) - 1 and self.in_progress:
                remarks.append(self.in_progress)
            out.append(
                (
                    str(period.date()),
                    format_money(float(row["flow"])),
                    "; ".join(remarks),
                )
            )
        return out

    def summary(self) -> str:
        """Return heading, one line per period (newest 20) and the provenance."""
        lines = [self.title()]
        lines += [f"{p}  {f:>14}  {r}".rstrip() for p, f, r in self.rows()]
        lines += self.provenance.lines()
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the flows at the requested frequency, one row per period."""
        return self.table.reset_index()

    def payload(self) -> dict[str, Any]:
        """Return fund, frequency, as-of, the period table and the intervals."""
        return {
            "fund": self.fund,
            "freq": self.request.freq,
            "asof": self.asof,
            "in_progress": self.in_progress,
            "periods": self.table.reset_index(),
            "intervals": self.intervals.reset_index(drop=True),
        }

    def figure(self) -> go.Figure:
        """Return a bar chart of the flows with as-of, coverage, sources and price basis."""
        from sizeup.charts import bar_chart

        values = self.table["flow"] / 1e6
        values.index = [f"{pd.Timestamp(p).date()}" for p in self.table.index]
        fig = bar_chart(
            values,
            title=self.title().split(" — ")[0],
            y_title="USD million",
            as_of=self.asof,
        )
        foot = "<br>".join(
            [
                *(f"data: {c.describe()}" for c in self.provenance.inputs),
                "flow = Δshares x NAV of the later day (close where no NAV); gaps one figure; "
                "splits removed",
            ]
        )
        fig.add_annotation(
            text=foot,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.12,
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font={"size": 10},
        )
        fig.update_layout(margin={"b": 60 + 16 * (foot.count("<br>") + 1)})
        return fig


def _splits(store: Store, fund: str, asof: pd.Timestamp) -> pd.Series:
    rows = store.read("actions", where="symbol = ? AND kind = 'split'", params=[fund])
    if rows.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([]))
    rows = rows.assign(date=pd.to_datetime(rows["date"]))
    rows = rows[rows["date"] <= asof].drop_duplicates("date")
    return pd.Series(rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["date"]))


def _fill_closes(
    st: Store,
    fund: str,
    asof: pd.Timestamp,
    *,
    close: pd.Series | None,
    days: pd.DatetimeIndex,
    inputs: list[InputCoverage],
    notes: list[str],
) -> pd.Series | None:
    """Add closes of ``days`` the as-traded source lacks, from the store's latest source."""
    have = close if close is not None else pd.Series(dtype=float)
    lacking = days.difference(pd.DatetimeIndex(have.index))
    if not len(lacking):
        return close
    panel = st.panel([fund], field="close", end=asof)
    if fund not in panel:
        return close
    extra = panel[fund].dropna()
    extra = extra[extra.index.isin(lacking)]
    if extra.empty:
        return close
    srcs = st.sources([fund], field="close")
    source = ",".join(srcs.loc[srcs["preferred"], "source"].astype(str))
    cov, _ = coverage_of(
        f"{fund} close (latest source)", extra.index, as_of=asof, basis="close", source=source
    )
    inputs.append(cov)
    notes.append(
        f"closes of {len(extra)} day(s) the as-traded source lacks come from the store's "
        f"latest source of {fund} ({source}); if it stores dividend-adjusted closes they are "
        "lower than the traded price by the dividends paid after that day"
    )
    out: pd.Series = pd.concat([have, extra]).sort_index()
    return out


def run_flows(request: FlowsRequest, store: StoreRef | Store | None = None) -> FlowsResult:
    """Compute a fund's flows from the store.

    Parameters
    ----------
    request
        Fund, as-of and frequency.
    store
        A :class:`~sizeup.app.StoreRef` (default: the settings' store) or an open store.

    Returns
    -------
    FlowsResult

    Raises
    ------
    DataError
        No shares outstanding for the fund, an as-of date after the data, or fewer than two
        observations on or before the as-of date.
    """
    st = open_store(store)
    fund = request.fund.strip().upper()
    sid, nid = shares_series_id(fund), nav_series_id(fund)
    wide = st.series([sid, nid])
    shares = wide[sid].dropna() if sid in wide else pd.Series(dtype=float)
    if shares.empty:
        raise DataError(
            f"no shares outstanding for {fund} in the store; import or fetch iShares holdings "
            "snapshots or the fund-history download first (sizeup import FILE)",
            input="fund",
            value=fund,
            valid="a fund with stored shares outstanding (see sizeup store info)",
        )
    asof = resolve_asof(request.asof, {f"{fund} shares outstanding": shares.index.max()})
    shares = shares.loc[:asof]
    if len(shares) < 2:
        first = shares.index.min() if len(shares) else wide[sid].dropna().index.min()
        raise DataError(
            f"{fund}: flows need two shares-outstanding observations on or before "
            f"{asof.date()}; the store has {len(shares)} (first on {first.date()})",
            input="--asof",
            value=str(asof.date()),
            valid="a date after the second observation",
        )
    nav = wide[nid].dropna().loc[:asof] if nid in wide else pd.Series(dtype=float)
    notes = [METHOD_NOTE]
    inputs: list[InputCoverage] = []
    warnings: list[str] = []
    cov, warn = coverage_of(
        f"{fund} shares outstanding", shares.index, as_of=asof, basis="shares", source=SERIES_SOURCE
    )
    inputs.append(cov)
    warnings += [w for w in (warn,) if w]
    if not nav.empty:
        cov, _ = coverage_of(
            f"{fund} NAV", nav.index, as_of=asof, basis="USD per share", source=SERIES_SOURCE
        )
        inputs.append(cov)
    close = None
    need_close = pd.DatetimeIndex(shares.index[1:]).difference(pd.DatetimeIndex(nav.index))
    if len(need_close):
        frame, sources, close_notes = as_traded_closes(st, [fund], end=asof)
        if fund in frame and frame[fund].dropna().index.isin(need_close).any():
            close = frame[fund].dropna()
            cov, _ = coverage_of(
                f"{fund} close",
                close.index,
                as_of=asof,
                basis=PriceBasis.AS_TRADED,
                source=sources.get(fund, ""),
            )
            inputs.append(cov)
            notes += close_notes
        close = _fill_closes(
            st, fund, asof, close=close, days=need_close, inputs=inputs, notes=notes
        )
        notes.append(
            f"{len(need_close)} of {len(shares) - 1} intervals have no stored NAV on their end "
            "day: priced at that day's close instead"
        )
    splits = _splits(st, fund, asof)
    flows = interval_flows(
        shares, nav, close=close, splits=splits, split_tolerance=request.split_tolerance
    )
    for _, row in flows[flows["split_how"] != ""].iterrows():
        notes.append(
            f"split {row['split_ratio']:g}-for-1 between {pd.Timestamp(row['start']).date()} "
            f"and {pd.Timestamp(row['end']).date()} ({row['split_how']}): shares before it scaled, "
            "not counted as a flow"
        )
    gaps = int(flows["gap"].sum())
    if gaps:
        notes.append(
            f"{gaps} interval(s) span missing days; each is one figure over its gap "
            "(the daily split of that money is unknown)"
        )
    missing = flows[flows["price_kind"] == "missing"]
    if len(missing):
        warnings.append(
            f"{len(missing)} interval(s) have neither NAV nor close on their end day "
            f"(first {pd.Timestamp(missing['end'].iloc[0]).date()}): their flow is unknown"
        )
    table = aggregate_flows(flows, request.freq)
    in_progress = None
    if request.freq in ("W", "M"):
        in_progress = period_in_progress(asof, "W" if request.freq == "W" else "M")
    return FlowsResult(
        request=request,
        asof=asof,
        intervals=flows,
        table=table,
        in_progress=in_progress,
        provenance=Provenance(
            as_of=asof,
            inputs=tuple(inputs),
            store_version=getattr(st, "version", None),
            notes=tuple(notes),
            warnings=tuple(warnings),
        ),
    )
