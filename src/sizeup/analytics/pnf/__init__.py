"""Point-and-figure charts.

Box scales, the numba kernel and its pure-Python reference, signals, patterns, price objectives,
relative-strength charts and text rendering.
"""

from __future__ import annotations

from sizeup.analytics.pnf._chart import (
    NO_BOX,
    NO_LINE,
    STATUS_NAMES,
    PnfChart,
    PnfMethod,
    PnfPanel,
    pnf_chart,
    pnf_charts,
    relative_strength_chart,
)
from sizeup.analytics.pnf._counts import (
    PriceObjective,
    horizontal_count,
    horizontal_count_at,
    label_box_size,
    price_objective,
    vertical_count,
    vertical_count_at,
)
from sizeup.analytics.pnf._kernel import (
    Action,
    Status,
)
from sizeup.analytics.pnf._panel import (
    PackedPanel,
    PanelFields,
    build_panel,
    build_panel_packed,
    packed_outputs,
)
from sizeup.analytics.pnf._patterns import (
    ColumnArrays,
    Pattern,
    PatternEvent,
    PnfChartLike,
    column_arrays,
    detect_patterns,
    find_pattern_events,
    signal_columns,
)
from sizeup.analytics.pnf._reference import (
    reference_chart,
)
from sizeup.analytics.pnf._render import (
    box_fills,
    month_marker,
    month_marks,
    price_labels,
    render_columns,
    render_text,
)
from sizeup.analytics.pnf._replay import (
    FIELD_DTYPES,
)
from sizeup.analytics.pnf._rs import (
    CONFIGURATION_RANK,
    RsReading,
    rs_column,
    rs_configuration,
    rs_matrix,
    rs_reading,
    rs_signal,
)
from sizeup.analytics.pnf._scale import (
    REL_EPS,
    RS_BOX_DEFAULT,
    RS_BOX_HALF,
    AtrSpec,
    BoxScale,
    FixedScale,
    LevelsScale,
    PercentScale,
    TraditionalScale,
    kernel_grid,
    parse_box_spec,
)
from sizeup.analytics.pnf._series import (
    SeriesResult,
    build_series,
)

__all__ = [
    "CONFIGURATION_RANK",
    "FIELD_DTYPES",
    "NO_BOX",
    "NO_LINE",
    "REL_EPS",
    "RS_BOX_DEFAULT",
    "RS_BOX_HALF",
    "STATUS_NAMES",
    "Action",
    "AtrSpec",
    "BoxScale",
    "ColumnArrays",
    "FixedScale",
    "LevelsScale",
    "PackedPanel",
    "PanelFields",
    "Pattern",
    "PatternEvent",
    "PercentScale",
    "PnfChart",
    "PnfChartLike",
    "PnfMethod",
    "PnfPanel",
    "PriceObjective",
    "RsReading",
    "SeriesResult",
    "Status",
    "TraditionalScale",
    "box_fills",
    "build_panel",
    "build_panel_packed",
    "build_series",
    "column_arrays",
    "detect_patterns",
    "find_pattern_events",
    "horizontal_count",
    "horizontal_count_at",
    "kernel_grid",
    "label_box_size",
    "month_marker",
    "month_marks",
    "packed_outputs",
    "parse_box_spec",
    "pnf_chart",
    "pnf_charts",
    "price_labels",
    "price_objective",
    "reference_chart",
    "relative_strength_chart",
    "render_columns",
    "render_text",
    "rs_column",
    "rs_configuration",
    "rs_matrix",
    "rs_reading",
    "rs_signal",
    "signal_columns",
    "vertical_count",
    "vertical_count_at",
]
