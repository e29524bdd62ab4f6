"""Acceptance on ../shared/data: METHODS §6.1-6.3 figures, IWM factor loadings, rate sensitivity,
Fed cutting cycles and the example claims file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from stats_shared_readers import SharedData
from test_seasonality_conditional import TR_TABLE

from sizeup.analytics.stats import (
    by_month,
    calendar_year_returns,
    cutting_cycles,
    decile_spread,
    factor_regression,
    next_year_given_year,
    rate_sensitivity,
    returns_from_levels,
    size_premium,
)
from sizeup.claims import evaluate_claims, parse_claims_text

pytestmark = pytest.mark.shared_data

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "claims.toml"
PP = 0.0001  # 0.01 percentage point in decimal


def test_smb_statistics_methods_61_62(ff_monthly: pd.DataFrame) -> None:
    sp = size_premium(ff_monthly["SMB"], start="1926-07", end="2024-06", reps=200)
    t = sp.table
    assert t.loc["full", "n"] == 1176
    assert t.loc["full", "mean"] == pytest.approx(0.001744, abs=PP)
    assert t.loc["full", "t_stat"] == pytest.approx(1.886, abs=0.01)
    assert t.loc["january", "n"] == 98
    assert t.loc["january", "mean"] == pytest.approx(0.01945, abs=PP)
    assert t.loc["january", "t_stat"] == pytest.approx(5.55, abs=0.01)
    assert t.loc["feb_dec", "mean"] == pytest.approx(0.0001, abs=PP)  # "0.01 %/month Feb-Dec"
    assert sp.january_share == pytest.approx(0.929, abs=0.0005)
    # §6.1 table, annualised x12 (tolerance 0.01 pp/month = 0.12 pp/yr; t within 0.01)
    rows = {
        "1926-07..1980-12 (pre-Banz)": (0.0340, 2.19),
        "1981-01.. (post-Banz)": (0.0047, 0.30),
        "1963-01..1979-12 (Keim)": (0.0547, 2.06),
    }
    for label, (ann, tt) in rows.items():
        assert t.loc[label, "annualised"] == pytest.approx(ann, abs=12 * PP), label
        assert t.loc[label, "t_stat"] == pytest.approx(tt, abs=0.01), label
    assert t.loc["full", "annualised"] == pytest.approx(0.0210, abs=12 * PP)
    # §6.2 sub-period Januaries
    smb = ff_monthly["SMB"]
    keim = smb["1963-01":"1979-12"]
    assert keim[keim.index.month == 1].mean() == pytest.approx(0.0411, abs=PP)
    post = size_premium(smb, start="1981-01", end="2024-06", subperiods={}, reps=200).table
    assert post.loc["january", "mean"] == pytest.approx(0.0052, abs=PP)
    assert post.loc["january", "t_stat"] == pytest.approx(1.05, abs=0.02)
    assert post.loc["feb_dec", "mean"] == pytest.approx(-0.00005, abs=PP)
    months = by_month(smb["1926-07":"2024-06"], reps=200)
    assert months.stats["Jan"].mean == pytest.approx(0.01945, abs=PP)


def test_size_decile_spread_methods_61_62(shared: SharedData) -> None:
    me = shared.me_monthly
    ds = decile_spread(me["Lo 10"], me["Hi 10"], start="1926-07", end="2024-06", reps=200)
    assert ds.geometric_small == pytest.approx(0.1165, abs=0.0005)
    assert ds.geometric_large == pytest.approx(0.0989, abs=0.0005)
    assert ds.january_small == pytest.approx(0.0708, abs=PP)
    assert ds.january_large == pytest.approx(0.0101, abs=PP)
    assert ds.january.mean == pytest.approx(0.0607, abs=PP)
    assert ds.other_months.mean == pytest.approx(-0.0010, abs=PP)
    post = decile_spread(me["Lo 10"], me["Hi 10"], start="1981-01", end="2024-06", reps=200)
    assert post.january.mean == pytest.approx(0.0283, abs=PP)


# Wikipedia "Russell 2000 Index" annual *price* returns (owiki.org mirror), %.
WIKI_PRICE = {1995: 26.21, 1996: 14.76, 1997: 20.52, 1998: -3.45, 1999: 19.62, 2000: -4.20,
              2001: 1.03, 2002: -21.58, 2003: 45.37}  # fmt: skip


def test_calendar_year_table_methods_63_from_index_levels(shared: SharedData) -> None:
    """Index levels give *price* returns; the §6.3 table is *total* return.

    - vs the published price returns (Wikipedia table): 0.05 pp (METHODS §9.9);
    - vs the TR table: TR - price = dividend yield, so every year must satisfy
      0.5 pp < TR - price < 2.5 pp (R2K) and 0.9 pp < TR - price < 4.5 pp (S&P 500, which paid
      higher yields before 2000);
    - the conditional next-year means on price data sit below the TR means by the dividend yield
      plus the effect of 2005 changing bucket (TR -0.36 pp vs price +0.32 pp): within 0.5-3 pp.
    """
    rut = calendar_year_returns(shared.index_close("^RUT"))
    spx = calendar_year_returns(shared.index_close("^GSPC"))
    for year, pct in WIKI_PRICE.items():
        assert rut.loc[year] == pytest.approx(pct / 100, abs=0.0005), year
    for year, (r_tr, s_tr) in TR_TABLE.items():
        assert 0.005 < r_tr / 100 - rut.loc[year] < 0.025, year
        assert 0.009 < s_tr / 100 - spx.loc[year] < 0.045, year
    table = next_year_given_year(rut, spx, start_year=1995, end_year=2023, reps=200)
    up, down = table.bucket(True), table.bucket(False)
    assert up.n == 15 and down.n == 14  # 2005 moves into the outperform bucket on price data
    assert 0.005 < 0.122 - up.mean < 0.03
    assert 0.005 < 0.078 - down.mean < 0.03


def test_iwm_ff3_regression_daily_and_monthly(shared: SharedData) -> None:
    iwm = shared.etf_adjclose("IWM")
    assert iwm is not None
    r = returns_from_levels(iwm)
    daily = factor_regression(r, shared.ff_daily, model="ff3")
    assert daily.periods_per_year == 252
    assert daily.beta("SMB") > 0.6
    assert daily.table.loc["SMB", "t_stat"] > 20
    assert daily.beta("MKT-RF") == pytest.approx(1.0, abs=0.15)
    assert daily.r_squared > 0.9
    monthly_r = (1 + r).resample("ME").prod() - 1
    monthly = factor_regression(monthly_r.iloc[1:], shared.ff_monthly, model="ff3")
    assert monthly.periods_per_year == 12
    assert monthly.beta("SMB") > 0.6 and monthly.table.loc["SMB", "t_stat"] > 8


def test_rate_sensitivity_iwm_spy_dgs10(shared: SharedData) -> None:
    px = shared.prices(["IWM", "SPY"], field="adj_close")
    dgs10 = shared.series(["FRED:DGS10"])["FRED:DGS10"]
    rs = rate_sensitivity(px, dgs10, start="2001-01-01", end="2024-12-31")
    # independent computation on the same common dates
    both = px.join((dgs10 / 100).rename("y"), how="inner").dropna()
    ret = both[["IWM", "SPY"]].pct_change().iloc[1:]
    chg = both["y"].diff().iloc[1:]
    ret, chg = ret.loc["2001-01-01":"2024-12-31"], chg.loc["2001-01-01":"2024-12-31"]
    for sym in ("IWM", "SPY"):
        expected = np.corrcoef(ret[sym], chg)[0, 1]
        assert rs.table.loc[sym, "correlation"] == pytest.approx(expected, abs=1e-12)
        assert -0.6 < expected < 0.6
    weekly = rate_sensitivity(px, dgs10, freq="W", start="2022-01-01", end="2024-12-31")
    assert weekly.table["n"].min() > 150
    assert not weekly.rolling_correlation.empty


def test_fed_cutting_cycles_match_fomc_history(shared: SharedData) -> None:
    """First cut month of each cycle since 1988 vs the FOMC's first announced cut (public record):
    1989-06, 1995-07, 2001-01, 2007-09, 2019-07, 2024-09. The monthly average can lead by a month
    (Aug 2007) or lag by one (a cut on Jul 31, 2019 shows in August)."""
    ff = shared.series(["FRED:FEDFUNDS"])["FRED:FEDFUNDS"]
    cyc = cutting_cycles(ff)
    cyc = cyc[cyc["first_cut"] >= "1988-01-01"]
    fomc = ["1989-06", "1995-07", "2001-01", "2007-09", "2019-07", "2024-09"]
    assert len(cyc) == len(fomc)
    for first_cut, month in zip(cyc["first_cut"], fomc, strict=True):
        gap = (first_cut.to_period("M") - pd.Period(month, freq="M")).n
        assert abs(gap) <= 1, (first_cut, month)
    assert bool(cyc.iloc[-1]["ongoing"])


@pytest.mark.slow
def test_example_claims_on_shared_data(shared: SharedData) -> None:
    claims = parse_claims_text(EXAMPLES.read_text(encoding="utf-8"))
    results = evaluate_claims(claims, shared)
    checked = [r for r in results if r.verdict != "NOT_CHECKABLE"]
    assert len(checked) >= 20
    assert len({r.claim.metric for r in checked}) >= 10
    by_text = {r.claim.text: r for r in results}
    # METHODS-based and exact published figures must be supported
    for r in results:
        if r.claim.source and r.claim.source.startswith("METHODS.md §6.1"):
            assert r.verdict == "SUPPORTED", r.summary()
    assert by_text["The 10-year Treasury yield ended 2023 at 3.88 %"].verdict == "SUPPORTED"
    streak = by_text[
        "The Russell 2000 beat the S&P 500 for 14 straight sessions to 22 January 2026"
    ]
    assert streak.measured == 14
    unprofitable = [r for r in results if r.claim.metric == "screen_share"]
    assert unprofitable and all(r.verdict == "NOT_CHECKABLE" for r in unprofitable)
    assert all("fundamentals" in r.missing[0] for r in unprofitable)
