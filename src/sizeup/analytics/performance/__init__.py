"""Returns and relative performance.

Windows, scoreboards, streaks, records and the open fund score.
"""

from __future__ import annotations

from sizeup.analytics.performance._fundscore import (
    OFS_INPUTS,
    OFS_LABEL,
    FundScore,
    FundScoreGap,
    fund_score_gap,
    open_fund_score,
    peer_index,
    peer_percentile,
)
from sizeup.analytics.performance._ranks import (
    monthly_gap_rank,
    monthly_gaps,
    start_of_year_gaps,
    start_of_year_rank,
)
from sizeup.analytics.performance._records import (
    RecordStatus,
    drawdown_episodes,
    first_to_record,
    outperformance_history,
    record_flags,
    record_status,
)
from sizeup.analytics.performance._relative import (
    Scoreboard,
    calendar_table,
    relative_return,
    scoreboard,
)
from sizeup.analytics.performance._returns import (
    DEFAULT_WINDOWS,
    period_returns,
    resolve_window,
    total_return,
    window_returns,
)
from sizeup.analytics.performance._streaks import (
    BestSince,
    StreakResult,
    best_since,
    longest_prior_run,
    outperformance_streak,
    record_since_index,
    signed_streak,
)

__all__ = [
    "DEFAULT_WINDOWS",
    "OFS_INPUTS",
    "OFS_LABEL",
    "BestSince",
    "FundScore",
    "FundScoreGap",
    "RecordStatus",
    "Scoreboard",
    "StreakResult",
    "best_since",
    "calendar_table",
    "drawdown_episodes",
    "first_to_record",
    "fund_score_gap",
    "longest_prior_run",
    "monthly_gap_rank",
    "monthly_gaps",
    "open_fund_score",
    "outperformance_history",
    "outperformance_streak",
    "peer_index",
    "peer_percentile",
    "period_returns",
    "record_flags",
    "record_since_index",
    "record_status",
    "relative_return",
    "resolve_window",
    "scoreboard",
    "signed_streak",
    "start_of_year_gaps",
    "start_of_year_rank",
    "total_return",
    "window_returns",
]
