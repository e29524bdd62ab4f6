"""Acceptance on ../shared/data: SimFin FY2017-2021 joined with the IWM cross-section.

Coverage (stated with every figure): SimFin covers 722 of the 1,921 equity members of the
2026-05-05 IWM file; membership is that one current snapshot, so every earlier figure carries
survivorship bias (names that left the index are missing). Prices are the adjusted closes of
the xsec matrix; SimFin values are restated in place (approximate point in time).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pandas as pd
import pytest

from sizeup.data.formats.simfin import parse_simfin_csv
from sizeup.fundamentals import (
    ScreenData,
    load_screen,
    normalize,
    run_screen,
    universe_report,
    unprofitable_by_fiscal_year,
)

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
log = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def simfin_items(shared_data: Path) -> pd.DataFrame:
    parts = [
        parse_simfin_csv(
            (shared_data / f"fundamentals/simfin_us-{k}-annual.csv.gz").read_bytes(), name=k
        )
        for k in ("income", "balance", "cashflow")
    ]
    return normalize(pd.concat(parts, ignore_index=True))


@pytest.fixture(scope="module")
def iwm_members(shared_data: Path) -> list[str]:
    lines = (
        (shared_data / "holdings/IWM_holdings_2026-05-05.csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()
    )
    start = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    table = pd.read_csv(io.StringIO("\n".join(lines[start:])))
    return sorted(set(table.loc[table["Asset Class"] == "Equity", "Ticker"].astype(str)))


@pytest.fixture(scope="module")
def prices(shared_data: Path) -> pd.DataFrame:
    wide = pd.read_csv(
        shared_data / "xsec/iwm_members_adjclose_2000_2026.csv.gz", index_col=0, parse_dates=True
    )
    return wide[(wide.index >= "2016-10-01") & (wide.index <= "2022-12-31")]


def test_unprofitable_share_per_fiscal_year(
    simfin_items: pd.DataFrame, iwm_members: list[str], prices: pd.DataFrame, shared_data: Path
) -> None:
    assert len(iwm_members) == 1921
    covered = set(iwm_members) & set(simfin_items["symbol"])
    assert len(covered) == 722  # MANIFEST §5: SimFin covers 722 current IWM members
    table = unprofitable_by_fiscal_year(simfin_items, iwm_members, prices=prices)
    log.info("unprofitable share of current IWM members by fiscal year:\n%s", table)
    by = table.set_index("fiscal_year")
    for year in range(2017, 2022):
        row = by.loc[year]
        assert 500 <= row["with_data"] <= 722
        # METHODS §6.4: 35 % (Mar 2018) .. 42 % (Jun 2020) .. ~40 %; survivors-only data can
        # sit below that (failed losers are missing), so accept a wide band
        assert 0.2 < row["share"] < 0.6
    # the Covid fiscal year has the highest share of losses among 2017-2021
    assert by.loc[2020, "share"] == by.loc[2017:2021, "share"].max()
    # count check against the raw rows, independently of the pipeline: FY2020 loss makers
    raw = pd.read_csv(shared_data / "fundamentals/simfin_us-income-annual.csv.gz", sep=";")
    raw = raw[raw["Ticker"].isin(iwm_members)]
    raw["year"] = pd.to_datetime(raw["Report Date"]).dt.year
    y20 = raw[raw["year"] == 2020]
    assert by.loc[2020, "with_data"] == y20["Ticker"].nunique()
    assert by.loc[2020, "unprofitable"] == int((y20["Net Income"] < 0).sum())


def test_quality_value_screen_2021(
    simfin_items: pd.DataFrame, iwm_members: list[str], prices: pd.DataFrame
) -> None:
    holdings = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.Timestamp("2026-05-05"),
            "symbol": iwm_members,
            "asset_class": "Equity",
        }
    )
    data = ScreenData.from_frames(simfin_items, prices=prices, holdings=holdings)
    res = run_screen(load_screen("quality-value"), data, as_of="2021-06-30")
    log.info("%s\n%s", res.summary(), res.passed.head(20)[["symbol", "score", "reason"]])
    # names whose current fiscal year is implausible are left out of the universe, with reasons
    assert res.coverage["universe"] + len(res.excluded) == 1921
    assert 1 <= len(res.excluded) <= 20
    assert all(r.startswith(("shares_jump", "income_vs_revenue")) for r in res.excluded.values())
    assert f"excluded {len(res.excluded)} names" in res.summary()
    kept = run_screen(load_screen("quality-value"), data, as_of="2021-06-30", include_flagged=True)
    assert kept.coverage["universe"] == 1921 and not kept.excluded
    assert 650 <= res.coverage["with_fundamentals"] <= 722
    assert res.coverage["quarterly"] == 0  # SimFin annual files only
    assert res.not_applied["last quarter earnings > 0"] == res.coverage["annual_only"]
    assert any("survivorship" in n for n in res.notes)
    passed = res.passed
    assert 50 < len(passed) < 400
    # every passing name satisfies the tests on its own numbers
    assert (passed["net_income_ttm"] > 0).all()
    assert (passed["net_debt_to_ebitda"] < 3).all()
    assert (passed["interest_coverage"] > 3).all()
    assert passed["score"].is_monotonic_decreasing
    # nothing published after the date is used: TTM ends are fiscal years published by then
    assert (passed["ttm_end"] <= pd.Timestamp("2021-06-30")).all()


def test_universe_report_2021(
    simfin_items: pd.DataFrame, iwm_members: list[str], prices: pd.DataFrame
) -> None:
    rep = universe_report(simfin_items, iwm_members, as_of="2021-06-30", prices=prices)
    log.info("%s", rep.summary())
    assert rep.members == 1921
    assert 0.3 < rep.unprofitable["share"] < 0.6
    assert 0.0 <= rep.coverage["share_lt_1"] <= 1.0
    assert rep.wall.empty  # SimFin has no maturity schedules
    assert "maturity schedules for 0" in rep.summary()
