"""Statistics.

Sample statistics with honest errors, conditional history, seasonality, the size premium and factor
regressions, rate sensitivity.
"""

from __future__ import annotations

from sizeup.analytics.stats._conditional import (
    ConditionalTable,
    Outcome,
    calendar_year_returns,
    conditional_forward,
    conditional_outcomes,
    forward_relative_returns,
    half_year_returns,
    next_year_given_h2,
    next_year_given_year,
)
from sizeup.analytics.stats._core import (
    SampleStats,
    bootstrap_mean_ci,
    hac_t_stat,
    newey_west_lags,
    permutation_pvalue,
    sample_stats,
    stats_table,
    t_stat,
)
from sizeup.analytics.stats._factors import (
    canonical_factor_columns,
    decile_spread,
    drawdowns,
    factor_regression,
    infer_periods_per_year,
    rolling_betas,
    rolling_premium,
    size_premium,
)
from sizeup.analytics.stats._rates import (
    cumulative_change,
    cutting_cycles,
    rate_regimes,
    rate_sensitivity,
    yield_changes,
)
from sizeup.analytics.stats._seasonality import (
    MONTH_NAMES,
    SeasonalTable,
    by_month,
    first_sessions_of_january,
    january_share,
    period_returns,
    relative_returns,
    returns_from_levels,
    turn_of_year,
)

__all__ = [
    "MONTH_NAMES",
    "ConditionalTable",
    "Outcome",
    "SampleStats",
    "SeasonalTable",
    "bootstrap_mean_ci",
    "by_month",
    "calendar_year_returns",
    "canonical_factor_columns",
    "conditional_forward",
    "conditional_outcomes",
    "cumulative_change",
    "cutting_cycles",
    "decile_spread",
    "drawdowns",
    "factor_regression",
    "first_sessions_of_january",
    "forward_relative_returns",
    "hac_t_stat",
    "half_year_returns",
    "infer_periods_per_year",
    "january_share",
    "newey_west_lags",
    "next_year_given_h2",
    "next_year_given_year",
    "period_returns",
    "permutation_pvalue",
    "rate_regimes",
    "rate_sensitivity",
    "relative_returns",
    "returns_from_levels",
    "rolling_betas",
    "rolling_premium",
    "sample_stats",
    "size_premium",
    "stats_table",
    "t_stat",
    "turn_of_year",
    "yield_changes",
]
