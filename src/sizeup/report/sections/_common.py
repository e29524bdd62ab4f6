"""Shared pieces of the statistics sections: index inputs, coverage, stats tables, CI charts.

The seasonality, conditional-history, size-regime and point-and-figure sections
(:mod:`sizeup.report.sections._seasonality`, :mod:`~sizeup.report.sections._conditional`,
:mod:`~sizeup.report.sections._size_regime`, :mod:`~sizeup.report.sections._pnf`) take their
price inputs as :class:`IndexBars` and show :class:`~sizeup.analytics.stats.SampleStats`
rows through :func:`stats_frame` with the formats of :func:`stats_formats`, so every
statistical table has the same columns: n, mean, median, hit rate, Newey-West t (with its
lag) and the stationary-bootstrap confidence interval of the mean.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sizeup.analytics.stats import SampleStats
from sizeup.charts import bar_chart
from sizeup.errors import DataError
from sizeup.report._render import Coverage
from sizeup.report.sections._sections import _daily_coverage, _monthly_coverage

__all__ = [
    "DEFAULT_PERMUTATION_REPS",
    "DEFAULT_REPS",
    "DEFAULT_SEED",
    "INDEX_SMB_SURVIVORSHIP",
    "IndexBars",
    "StatsOptions",
    "daily_coverage",
    "mean_ci_chart",
    "monthly_coverage",
    "stats_formats",
    "stats_frame",
]

log = logging.getLogger(__name__)

DEFAULT_REPS: Final = 300
"""Stationary-bootstrap replications per bucket in the report (seeded, :class:`StatsOptions`)."""
DEFAULT_PERMUTATION_REPS: Final = 5000
"""Monte Carlo permutations per two-bucket comparison (exact enumeration when fewer splits)."""
DEFAULT_SEED: Final = 20240601
"""Seed of every bootstrap and permutation in the report, so the file is reproducible."""
INDEX_SMB_SURVIVORSHIP: Final = (
    "index levels are as published at each date (constituents of that date); "
    "French's SMB is built from all CRSP stocks of each date, delisted ones included."
)
"""Survivorship note of the sections built from index levels and French's SMB."""


@dataclass(frozen=True)
class StatsOptions:
    """Resampling settings of the statistics sections.

    Parameters
    ----------
    reps
        Stationary-bootstrap replications per bucket (>= 10).
    permutation_reps
        Permutations per two-bucket test.
    seed
        Seed of the bootstrap and permutation generators.
    level
        Confidence level of the bootstrap intervals, in (0, 1).
    """

    reps: int = DEFAULT_REPS
    permutation_reps: int = DEFAULT_PERMUTATION_REPS
    seed: int = DEFAULT_SEED
    level: float = 0.95

    def __post_init__(self) -> None:
        if self.reps < 10:
            raise DataError(f"StatsOptions: reps={self.reps}; at least 10 are needed")
        if self.permutation_reps < 1:
            raise DataError(
                f"StatsOptions: permutation_reps={self.permutation_reps}; at least 1 is needed"
            )
        if not 0.0 < self.level < 1.0:
            raise DataError(f"StatsOptions: level={self.level}; must be in (0, 1)")

    def text(self) -> str:
        """One sentence describing the resampling, for section notes."""
        return (
            f"Confidence intervals: {self.level:.0%} percentile intervals of the mean from the "
            f"stationary bootstrap (Politis-Romano), {self.reps:,} replications, expected block "
            "length by the Politis-White rule; HAC t: Newey-West with the lag shown "
            f"(floor(4 (n/100)^(2/9))). Seed {self.seed}, so the numbers are reproducible."
        )


@dataclass(frozen=True)
class IndexBars:
    """Daily bars of one index with its labels.

    Parameters
    ----------
    symbol
        Canonical symbol (``^GSPC``).
    name
        Display name (``S&P 500``).
    bars
        Daily rows indexed by date with at least a ``close`` column; ``high`` and ``low`` when
        the source has them.
    source
        Where the bars come from (coverage lines).
    """

    symbol: str
    name: str
    bars: pd.DataFrame = field(repr=False)
    source: str

    def __post_init__(self) -> None:
        if "close" not in self.bars.columns:
            raise DataError(
                f"{self.symbol}: bars need a 'close' column; got {list(self.bars.columns)}"
            )
        if not isinstance(self.bars.index, pd.DatetimeIndex):
            raise DataError(f"{self.symbol}: bars need a DatetimeIndex")

    @property
    def close(self) -> pd.Series:
        """Daily closes (NaN dropped), named after the symbol."""
        return self.bars["close"].dropna().astype("float64").rename(self.symbol)

    @property
    def has_high_low(self) -> bool:
        """True when ``high`` and ``low`` exist and have values."""
        return all(c in self.bars.columns and self.bars[c].notna().any() for c in ("high", "low"))

    @property
    def label(self) -> str:
        """``S&P 500 (^GSPC)`` (just the symbol when the name is the symbol)."""
        return self.symbol if self.name == self.symbol else f"{self.name} ({self.symbol})"


def daily_coverage(index: IndexBars) -> Coverage:
    """Coverage of an index's closes against the XNYS session calendar."""
    return _daily_coverage(index.close, index.symbol, index.source)


def monthly_coverage(series: pd.Series, name: str, source: str) -> Coverage:
    """Coverage of a monthly series against the month-end grid."""
    return _monthly_coverage(series, name, source)


def stats_frame(
    rows: Mapping[str, SampleStats],
    *,
    label: str,
    extra: Mapping[str, Sequence[object]] | None = None,
) -> pd.DataFrame:
    """Display frame of named :class:`SampleStats` rows.

    Parameters
    ----------
    rows
        Bucket label -> statistics, in display order.
    label
        Header of the first column (the bucket labels).
    extra
        Further columns inserted after the label (one value per row), e.g. the series.

    Returns
    -------
    pandas.DataFrame
        Columns ``label``, the ``extra`` ones, ``n``, ``mean``, ``median``, ``hit rate``,
        ``HAC t (lag)`` (text: Newey-West t and its lag, e.g. ``"2.07 (6)"``), ``CI low``,
        ``CI high`` (decimal fractions; see :func:`stats_formats`).
    """
    data: dict[str, list[object]] = {label: list(rows)}
    for name, values in (extra or {}).items():
        if len(values) != len(rows):
            raise DataError(
                f"stats_frame: column {name!r} has {len(values)} values for {len(rows)} rows"
            )
        data[name] = list(values)
    stats = list(rows.values())
    data["n"] = [s.n for s in stats]
    data["mean"] = [s.mean for s in stats]
    data["median"] = [s.median for s in stats]
    data["hit rate"] = [s.hit_rate for s in stats]
    data["HAC t (lag)"] = [
        f"{s.hac_t:.2f} ({s.hac_lags})" if math.isfinite(s.hac_t) else "" for s in stats
    ]
    data["CI low"] = [s.ci_low for s in stats]
    data["CI high"] = [s.ci_high for s in stats]
    return pd.DataFrame(data)


def stats_formats(*, digits: int = 2) -> dict[str, str]:
    """Return the formats of the :func:`stats_frame` columns (returns in percent, ``digits``)."""
    pct = f"{{:.{digits}%}}"
    return {
        "mean": pct,
        "median": pct,
        "hit rate": "{:.0%}",
        "CI low": pct,
        "CI high": pct,
        "difference": pct,
        "permutation p": "{:.3f}",
    }


def mean_ci_chart(
    rows: Mapping[str, SampleStats],
    *,
    title: str,
    y_title: str,
    as_of: pd.Timestamp,
) -> go.Figure:
    """Bar chart of bucket means with their bootstrap intervals as error bars.

    Parameters
    ----------
    rows
        Bucket label -> statistics (means and CIs as decimal fractions); the categories read
        ``"<label> (n=<n>)"``.
    title, y_title
        Chart and axis titles.
    as_of
        Shown under the title.
    """
    means = pd.Series({f"{k} (n={v.n})": v.mean for k, v in rows.items()}, dtype="float64")
    fig = bar_chart(means, title=title, y_title=y_title, as_of=as_of, percent=True)
    up = np.array([v.ci_high - v.mean for v in rows.values()], dtype=np.float64)
    down = np.array([v.mean - v.ci_low for v in rows.values()], dtype=np.float64)
    if np.isfinite(up).any():
        fig.update_traces(
            error_y={
                "type": "data",
                "symmetric": False,
                "array": np.where(np.isfinite(up), up, 0.0),
                "arrayminus": np.where(np.isfinite(down), down, 0.0),
                "color": "#52606d",
                "thickness": 1.2,
                "width": 4,
            },
            customdata=np.column_stack(
                [[v.ci_low for v in rows.values()], [v.ci_high for v in rows.values()]]
            ),
            hovertemplate="%{x}: %{y:.2%} (CI %{customdata[0]:.2%} to %{customdata[1]:.2%})"
            "<extra></extra>",
        )
    return fig
