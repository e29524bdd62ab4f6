"""The offline HTML report: a section model, Plotly charts and a Jinja2 renderer.

A report is a sequence of :class:`ReportSection` (figures, tables, notes, survivorship note),
each figure and table carrying its as-of date and data :class:`Coverage`. :func:`render_report`
writes one self-contained HTML file with plotly.js embedded, so it opens with no network.

Other features add sections by building :class:`ReportSection` objects (see
:mod:`sizeup.report.sections._sections` for the size-effect sections and their builders
:func:`sample_plan`, for the offline sample, and :func:`store_plan`, for the local store).
"""

from __future__ import annotations

from sizeup.report._render import (
    Coverage,
    ReportFigure,
    ReportSection,
    ReportTable,
    render_report,
)
from sizeup.report.sections import SectionPlan, SkippedSection, sample_plan, store_plan

__all__ = [
    "Coverage",
    "ReportFigure",
    "ReportSection",
    "ReportTable",
    "SectionPlan",
    "SkippedSection",
    "render_report",
    "sample_plan",
    "store_plan",
]
