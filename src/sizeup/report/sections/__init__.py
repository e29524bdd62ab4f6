"""Report sections: each turns results into tables, figures and notes for the HTML report."""

from __future__ import annotations

from sizeup.report.sections._backtest import backtest_section
from sizeup.report.sections._common import (
    IndexBars,
    StatsOptions,
)
from sizeup.report.sections._conditional import (
    TITLE_CONDITIONAL,
    conditional_section,
    smb_momentum_pairs,
)
from sizeup.report.sections._monitor import monitor_section
from sizeup.report.sections._pnf import (
    TITLE_PNF,
    TITLE_RS,
    pnf_section,
    rs_section,
)
from sizeup.report.sections._seasonality import (
    TITLE_SEASONALITY,
    seasonality_section,
)
from sizeup.report.sections._sections import (
    BIG_IDS,
    SMALL_IDS,
    SMB_ID,
    TITLE_INDEX_PRICES,
    TITLE_SIZE_PREMIUM,
    TITLE_SMALL_BIG,
    SectionPlan,
    SkippedSection,
    index_summary,
    premium_stats,
    sample_plan,
    size_premium_table,
    small_big_frame,
    store_plan,
)
from sizeup.report.sections._size_regime import (
    TITLE_SIZE_REGIME,
    size_regime_section,
)

__all__ = [
    "BIG_IDS",
    "SMALL_IDS",
    "SMB_ID",
    "TITLE_CONDITIONAL",
    "TITLE_INDEX_PRICES",
    "TITLE_PNF",
    "TITLE_RS",
    "TITLE_SEASONALITY",
    "TITLE_SIZE_PREMIUM",
    "TITLE_SIZE_REGIME",
    "TITLE_SMALL_BIG",
    "IndexBars",
    "SectionPlan",
    "SkippedSection",
    "StatsOptions",
    "backtest_section",
    "conditional_section",
    "index_summary",
    "monitor_section",
    "pnf_section",
    "premium_stats",
    "rs_section",
    "sample_plan",
    "seasonality_section",
    "size_premium_table",
    "size_regime_section",
    "small_big_frame",
    "smb_momentum_pairs",
    "store_plan",
]
