"""Built-in strategies on the project's own signals (TOML files in ``backtest/builtin``).

===========================  ==========================================================
name                         rule
===========================  ==========================================================
``size-rs``                  IWM while its P&F RS chart vs SPY is on a buy signal, else SPY
``size-pnf-trend``           IWM while its own P&F chart is in a positive trend, else SPY
``size-bpi``                 IWM unless the small-cap bullish percent is Bear Confirmed
``etf-fund-score``           top 3 small-cap ETFs by OpenFundScore, monthly
``small-caps-nov-jan``       IWM from November to January, SPY otherwise
``small-cap-quality-value``  IWM members passing the quality-value screen, monthly
===========================  ==========================================================
"""

from __future__ import annotations

from importlib import resources

from sizeup.backtest._strategy import Strategy, parse_strategy
from sizeup.errors import BacktestError

__all__ = ["builtin_names", "builtin_strategy", "builtin_text"]


def builtin_names() -> tuple[str, ...]:
    """Names of the built-in strategies, sorted."""
    folder = resources.files("sizeup.backtest") / "builtin"
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
    )


def builtin_text(name: str) -> str:
    """TOML text of a built-in strategy.

    Raises
    ------
    BacktestError
        Unknown name (the message lists the built-ins).
    """
    names = builtin_names()
    if name not in names:
        raise BacktestError(
            f"strategy {name!r} is not a built-in or a file; valid: {', '.join(names)} "
            "or a path to a .toml file",
            input="strategy",
            value=name,
            valid=", ".join(names),
        )
    return (resources.files("sizeup.backtest") / "builtin" / f"{name}.toml").read_text("utf-8")


def builtin_strategy(name: str) -> Strategy:
    """Parse a built-in strategy by name."""
    return parse_strategy(builtin_text(name), source=f"builtin:{name}")
