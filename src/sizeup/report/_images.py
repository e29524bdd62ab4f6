"""One PNG per chart of the report (``sizeup report --png-dir DIR``).

Every image carries the data window of its chart under the plot: as-of date, the coverage line
of each input (name, source, first and last date) and the section's price basis, so a chart
taken out of the report still says what it shows. Rendering goes through
:func:`sizeup.charts.export_figures` (kaleido with the system Chromium, never downloaded), all
charts in one browser session.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from sizeup.app.reports import write_bytes_atomic
from sizeup.report._render import ReportFigure, ReportSection

__all__ = ["figure_footnote", "image_name", "write_report_images"]


def image_name(section_no: int, figure_no: int, title: str, suffix: str = "png") -> str:
    """File name of a chart: ``03-02-p-f-chart-of-iwm.png`` (section, figure, slug of the title)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "chart"
    return f"{section_no:02d}-{figure_no:02d}-{slug}.{suffix}"


def figure_footnote(figure: ReportFigure, section: ReportSection, *, max_inputs: int = 4) -> str:
    """Text under an exported chart: as-of, coverage and sources of its inputs, price basis."""
    lines = [
        f"as of {figure.as_of:%Y-%m-%d}" + (f"; basis: {section.basis}" if section.basis else "")
    ]
    cov = list(figure.coverage)
    lines += [f"data: {c.text()}" for c in cov[:max_inputs]]
    if len(cov) > max_inputs:
        lines.append(f"... and {len(cov) - max_inputs} more inputs")
    return "<br>".join(html.escape(t) for t in lines)


def write_report_images(
    sections: Sequence[ReportSection], directory: Path, *, scale: float = 1.0
) -> list[Path]:
    """Write one PNG per chart of the sections into ``directory`` (created when absent).

    Parameters
    ----------
    sections
        The report's sections, in display order (numbering follows the report).
    directory
        Output folder.
    scale
        Pixel ratio of the images.

    Returns
    -------
    list of pathlib.Path
        Files written, in report order.

    Raises
    ------
    ConfigError
        No browser installed (the message names ``apt-get install chromium``).
    SizeupError
        Rendering or writing failed.
    """
    from sizeup.charts import export_figures

    items: list[tuple[str, ReportFigure, ReportSection]] = []
    for s_no, section in enumerate(sections, start=1):
        for f_no, fig in enumerate(section.figures, start=1):
            items.append((image_name(s_no, f_no, f"{section.title} {fig.title}"), fig, section))
    if not items:
        return []
    images = export_figures(
        [fig.figure for _, fig, _ in items],
        "png",
        scale=scale,
        footnotes=[figure_footnote(fig, section) for _, fig, section in items],
    )
    root = Path(directory).expanduser()
    return [
        write_bytes_atomic(root / name, data)
        for (name, _, _), data in zip(items, images, strict=True)
    ]
