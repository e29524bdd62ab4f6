"""Point-and-figure charts.

Box scales, the numba kernel and its pure-Python reference, signals, patterns, price objectives,
relative-strength charts and text rendering.

Importing this package does not import numba: the kernel loads on the first chart drawn with
``engine="numba"`` (the default) or the first panel, so one chart drawn with
``engine="python"`` in a fresh process skips numba entirely. The panel names
(``build_panel``...) load on first access.
"""

from __future__ import annotations

import importlib
import typing as _typing

from sizeup.analytics.pnf._chart import (
    NO_BOX,
    NO_LINE,
    STATUS_NAMES,
    PnfChart,
    PnfEngine,
    PnfMethod,
    PnfPanel,
    pnf_chart,
    pnf_charts,
    relative_strength_chart,
)
from sizeup.analytics.pnf._codes import (
    Action,
    Status,
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
    reference_series,
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
    "PnfEngine",
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
    "reference_series",
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

if _typing.TYPE_CHECKING:
    from sizeup.analytics.pnf._panel import (
        PackedPanel,
        PanelFields,
        build_panel,
        build_panel_packed,
        packed_outputs,
    )

_NUMBA_NAMES = frozenset(
    {"PackedPanel", "PanelFields", "build_panel", "build_panel_packed", "packed_outputs"}
)


def __getattr__(name: str) -> _typing.Any:
    """Load the panel names (numba) on first access."""
    if name in _NUMBA_NAMES:
        value = getattr(importlib.import_module("sizeup.analytics.pnf._panel"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
