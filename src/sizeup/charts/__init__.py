"""Plotly figures shared by result objects (``figure()``), the report and the dashboard.

Figures are built from analytics results only: no store, no I/O.
"""

from __future__ import annotations

from sizeup.charts._export import browser_path, export_figure, export_figures
from sizeup.charts._lines import bar_chart, line_chart
from sizeup.charts._pnf import pnf_figure

__all__ = [
    "bar_chart",
    "browser_path",
    "export_figure",
    "export_figures",
    "line_chart",
    "pnf_figure",
]
