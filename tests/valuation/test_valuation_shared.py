"""Relative valuation on ../shared/data: SimFin FY2017-2021, IWM and S&P 500 members, closes.

The expected values are computed here from the raw SimFin rows and the raw price matrices read
with plain pandas (not through sizeup's parsers or metrics): a few companies by hand, and the
S&P 500 index-style P/E at one year end as an independent slow reference. Membership is one
snapshot per universe (survivorship-biased); closes are adjusted (see docs/methods.md §D6).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pandas as pd
import pytest

from sizeup.data.formats.simfin import parse_simfin_csv
from sizeup.fundamentals import normalize
from sizeup.fundamentals._valuation import (
    company_valuations,
    relative_valuation,
    valuation_history,
)

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
log = logging.getLogger(__name__)

_YEAR_ENDS = ["2018-12-31", "2019-12-31", "2020-12-31", "2021-12-31"]


@pytest.fixture(scope="module")
def items(shared_data: Path) -> pd.DataFrame:
    parts = [
        parse_simfin_csv(
            (shared_data / f"fundamentals/simfin_us-{k}-annual.csv.gz").read_bytes(), name=k
        )
        for k in ("income", "balance", "cashflow")
    ]
    return normalize(pd.concat(parts, ignore_index=True))


@pytest.fixture(scope="module")
def raw_income(shared_data: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared_data / "fundamentals/simfin_us-income-annual.csv.gz", sep=";")
    for col in ("Report Date", "Publish Date"):
        raw[col] = pd.to_datetime(raw[col])
    return raw


@pytest.fixture(scope="module")
def iwm(shared_data: Path) -> list[str]:
    lines = (
        (shared_data / "holdings/IWM_holdings_2026-05-05.csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()
    )
    start = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    table = pd.read_csv(io.StringIO("\n".join(lines[start:])))
    return sorted(set(table.loc[table["Asset Class"] == "Equity", "Ticker"].astype(str)))


@pytest.fixture(scope="module")
def sp500(shared_data: Path) -> list[str]:
    table = pd.read_csv(shared_data / "sp500/sp500_constituents_2026-08.csv")
    return sorted(set(table["Symbol"].astype(str).str.replace(".", "-", regex=False)))


def _matrix(path: Path, wanted: set[str]) -> pd.DataFrame:
    header = pd.read_csv(path, nrows=0).columns
    cols = [header[0], *(c for c in header[1:] if c in wanted)]
    wide = pd.read_csv(path, usecols=cols, index_col=0, parse_dates=True)
    return wide[(wide.index >= "2017-12-01") & (wide.index <= "2022-01-31")]


@pytest.fixture(scope="module")
def closes(
    shared_data: Path, raw_income: pd.DataFrame, iwm: list[str], sp500: list[str]
) -> pd.DataFrame:
    covered = set(raw_income["Ticker"].astype(str))
    small = _matrix(shared_data / "xsec/iwm_members_adjclose_2000_2026.csv.gz", covered & set(iwm))
    large = _matrix(
        shared_data / "sp500/sp500_members_adjclose_1976_2026.csv.gz", covered & set(sp500)
    )
    both = small.join(large[[c for c in large.columns if c not in small.columns]], how="outer")
    return both[both > 0]


def _close_on(closes: pd.DataFrame, sym: str, day: str) -> float:
    col = closes[sym].dropna()
    col = col[(col.index <= day) & (col.index > pd.Timestamp(day) - pd.Timedelta(days=10))]
    return float(col.iloc[-1])


def _raw_fy(raw: pd.DataFrame, sym: str, report: str) -> pd.Series:
    rows = raw[(raw["Ticker"] == sym) & (raw["Report Date"] == report)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("sym", "day", "report"),
    [
        ("ENSG", "2021-06-30", "2020-12-31"),  # IWM member
        ("WTS", "2021-06-30", "2020-12-31"),  # IWM member
        ("MSFT", "2021-07-28", "2020-06-30"),  # FY2021 published 2021-07-29: not yet known
        ("MSFT", "2021-07-30", "2021-06-30"),  # ... known the day after
    ],
)
def test_pe_by_hand_from_raw_rows(
    items: pd.DataFrame,
    raw_income: pd.DataFrame,
    closes: pd.DataFrame,
    sym: str,
    day: str,
    report: str,
) -> None:
    row = _raw_fy(raw_income, sym, report)
    eps = row["Net Income"] / row["Shares (Diluted)"]  # TTM EPS on diluted shares
    price = _close_on(closes, sym, day)
    comp = company_valuations(items, [sym], as_of=day, prices=closes).set_index("symbol")
    log.info("%s %s: close %.4f, EPS %.4f, P/E %.3f", sym, day, price, eps, price / eps)
    assert comp.loc[sym, "ttm_end"] == pd.Timestamp(report)
    assert comp.loc[sym, "pe"] == pytest.approx(price / eps, rel=1e-9)
    assert comp.loc[sym, "ps"] == pytest.approx(
        price * row["Shares (Diluted)"] / row["Revenue"], rel=1e-9
    )


def test_sp500_index_pe_against_a_slow_reference(
    items: pd.DataFrame, raw_income: pd.DataFrame, closes: pd.DataFrame, sp500: list[str]
) -> None:
    day = pd.Timestamp("2019-12-31")
    # reference: latest fiscal year published by the day and ending within 470 days
    known = raw_income[
        raw_income["Ticker"].isin(sp500)
        & (raw_income["Publish Date"] <= day)
        & (raw_income["Report Date"] > day - pd.Timedelta(days=470))
    ]
    known = known.sort_values("Report Date").drop_duplicates("Ticker", keep="last")
    caps, earnings = 0.0, 0.0
    n = 0
    for rec in known.to_dict("records"):
        sym, ni = str(rec["Ticker"]), float(rec["Net Income"])
        if sym not in closes.columns or not ni > 0:
            continue
        try:
            px = _close_on(closes, sym, str(day.date()))
        except IndexError:
            continue
        cap = px * float(rec["Shares (Diluted)"])
        if cap < ni or float(rec["Revenue"]) > 100 * cap:  # the documented implausibility rule
            continue
        caps += cap
        earnings += ni
        n += 1
    hist, comp = valuation_history(items, {"large": sp500}, [day], prices=closes)
    row = hist.iloc[0]
    log.info("S&P 500 members 2019-12-31: %d profitable names, P/E %.3f", n, caps / earnings)
    # BKNG's close is adjusted for a split after SimFin restated its share count: 80.44 x
    # 48.0 M shares = 3.86 bn < 4.0 bn net income, so the P/E < 1 rule leaves it out
    bad = comp[comp["implausible"] != ""]
    assert bad["symbol"].tolist() == ["BKNG"] and row["implausible"] == 1
    assert row["profitable"] == n
    assert row["pe_agg_ex"] == pytest.approx(caps / earnings, rel=1e-9)


def test_small_large_pe_ratio_by_year(
    items: pd.DataFrame, iwm: list[str], sp500: list[str], closes: pd.DataFrame
) -> None:
    hist, _ = valuation_history(items, {"IWM": iwm, "SPX": sp500}, _YEAR_ENDS, prices=closes)
    ratios, stats = relative_valuation(hist, "IWM", "SPX")
    table = hist.pivot(index="date", columns="universe", values=["pe_agg_ex", "with_data"])
    log.info("P/E and names with data by year end:\n%s\n%s", table, ratios[["date", "pe_agg_ex"]])
    by = hist.set_index(["universe", "date"])
    for d in _YEAR_ENDS:
        small, large = by.loc[("IWM", pd.Timestamp(d))], by.loc[("SPX", pd.Timestamp(d))]
        assert small["members"] == 1921 and large["members"] == len(sp500)
        # SimFin covers 722 of the IWM members (MANIFEST §5) and most of the S&P 500
        assert 450 <= small["with_data"] <= 722
        assert 0.6 <= large["coverage"] <= 1.0
        assert 0.2 <= small["loss_share"] <= 0.6 and large["loss_share"] <= 0.2
        assert 5 < small["pe_agg_ex"] < 60 and 10 < large["pe_agg_ex"] < 60
    assert ratios["usable"].all()
    st = stats.set_index("measure").loc["pe_agg_ex"]
    assert st["n"] == 4 and 0 < st["percentile"] <= 100
    assert st["mean"] == pytest.approx(ratios["pe_agg_ex"].mean())
