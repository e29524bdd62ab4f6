"""Report section of a backtest: equity and drawdown chart, metrics, provenance."""

from __future__ import annotations

import math

import pandas as pd

from sizeup.app.backtest import BacktestResult
from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable

__all__ = ["backtest_section"]


def _pct(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x * 100:.2f}%"


def _num(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.2f}"


def backtest_section(result: BacktestResult) -> ReportSection:
    """Render a :class:`~sizeup.app.backtest.BacktestResult` as a report section.

    Parameters
    ----------
    result
        The backtest (``sizeup.app.backtest.run_backtest``).
    """
    m = result.metrics
    frame = result.to_frame()
    at = pd.Timestamp(frame.index[-1])
    rows = [
        ("CAGR", _pct(m.cagr)),
        ("volatility", _pct(m.volatility)),
        ("Sharpe", _num(m.sharpe)),
        ("Sortino", _num(m.sortino)),
        ("max drawdown", f"{_pct(m.max_drawdown)} ({m.max_drawdown_sessions} sessions)"),
        ("Calmar", _num(m.calmar)),
        ("turnover per year", _num(m.turnover)),
        ("exposure", _pct(m.exposure)),
    ]
    if result.benchmark is not None:
        rows += [
            (f"alpha vs {result.strategy.benchmark}", _pct(m.alpha)),
            ("beta", _num(m.beta)),
            ("information ratio", _num(m.information_ratio)),
        ]
    table = ReportTable(
        f"{result.strategy.name}: metrics ({m.mode} definitions)",
        pd.DataFrame(rows, columns=["metric", "value"]),
        at,
        (),
    )
    figure = ReportFigure(
        f"{result.strategy.name}: equity, drawdown and weights",
        result.figure(),
        at,
        (Coverage.of(frame["equity"], name="simulated equity", source="store"),),
    )
    notes = [
        result.strategy.description or result.strategy.name,
        "A decision at the close of a session trades at the next session's close; costs and "
        "slippage as in the strategy; total-return closes (dividends through adjusted prices).",
        *result.provenance.notes,
        *result.provenance.warnings,
    ]
    return ReportSection(
        f"Backtest: {result.strategy.name}",
        figures=(figure,),
        tables=(table,),
        notes=tuple(n for n in notes if n),
    )
