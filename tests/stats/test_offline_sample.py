"""The statistics run on the embedded offline sample (data inside the arch/linearmodels wheels)."""

from __future__ import annotations

import pytest

from sizeup.analytics.stats import (
    by_month,
    factor_regression,
    period_returns,
    returns_from_levels,
    size_premium,
    turn_of_year,
)
from sizeup.data import datasets


def test_offline_sample_statistics() -> None:
    ff = datasets.load_ff_factors()
    sp = size_premium(ff["smb"], reps=200)
    assert sp.table.loc["january", "mean"] > sp.table.loc["feb_dec", "mean"]
    spx = datasets.load_sp500()["adj_close"]
    nasdaq = datasets.load_nasdaq()["adj_close"]
    r = returns_from_levels(spx)
    monthly = period_returns(r, "M")
    reg = factor_regression(monthly, ff, model="ff3")
    # S&P 500 price return on the market factor: beta near one, large caps load negatively on SMB
    assert reg.beta("MKT-RF") == pytest.approx(1.0, abs=0.1)
    assert reg.beta("SMB") < 0
    toy = turn_of_year(returns_from_levels(nasdaq), benchmark=r, reps=200)
    assert toy.stats["window"].n >= 18
    assert by_month(r, reps=200).stats["all"].n == len(monthly)
