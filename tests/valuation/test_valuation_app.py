"""``run_valuation`` and ``sizeup valuation`` on the small hand-made store of conftest.py.

The expected P/Es are worked out by hand in the comments from the rows written there.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sizeup.app import StoreRef
from sizeup.app.valuation import NO_ESTIMATES, ValuationRequest, run_valuation
from sizeup.cli._root import app
from sizeup.data.store import Store
from sizeup.errors import ConfigError, DataError

# by hand: 2021-12-31 (FY2020 known): small ex-loss P/E = 30*2 / 10 = 6 (S2 loses 4, S3 has no
# fundamentals); large = (200*10 + 100*5) / (100 + 50) = 2500 / 150
# 2022-06-30 (FY2021 known): small = (36*2 + 9*1) / (12 + 3) = 81 / 15 = 5.4;
# large = (160*10 + 100*5) / (80 + 50) = 2100 / 130
_R1 = 6 / (2500 / 150)
_R2 = 5.4 / (2100 / 130)


def test_run_valuation_by_hand(store: Store) -> None:
    req = ValuationRequest(asof="2022-06-30", history="yearly", store=StoreRef(store.root))
    res = run_valuation(req, store=store)
    frame = res.to_frame().set_index("date")
    assert list(frame.index) == [pd.Timestamp("2021-12-31"), pd.Timestamp("2022-06-30")]
    assert frame["small_pe_agg_ex"].tolist() == pytest.approx([6.0, 5.4])
    assert frame["large_pe_agg_ex"].tolist() == pytest.approx([2500 / 150, 2100 / 130])
    assert frame["ratio_pe_agg_ex"].tolist() == pytest.approx([_R1, _R2])
    # loss-maker S2 at 2021-12-31: included P/E = (60 + 10) / (10 - 4)
    assert frame.loc["2021-12-31", "small_pe_agg_incl"] == pytest.approx(70 / 6)
    assert frame.loc["2021-12-31", "small_loss_makers"] == 1
    assert frame["small_coverage"].tolist() == pytest.approx([2 / 3, 2 / 3])
    assert frame["large_coverage"].tolist() == pytest.approx([1.0, 1.0])
    st = res.stats.set_index("measure").loc["pe_agg_ex"]
    assert st["mean"] == pytest.approx((_R1 + _R2) / 2)
    assert st["percentile"] == pytest.approx(50.0)  # _R2 < _R1: 1 of 2 points <= latest
    text = res.summary()
    assert "2/3 (67%)" in text and "2/2 (100%)" in text
    assert NO_ESTIMATES in text
    prov = "\n".join(res.provenance.lines())
    assert "survivorship" in prov and "2022-05-31" in prov and "sp500" in prov
    assert "as of 2022-06-30" in prov
    body = res.to_dict()
    json.dumps(body, allow_nan=False)
    assert body["forward"]["available"] is False
    fig = res.figure()
    assert "as of 2022-06-30" in fig.layout.title.text and "hand" in fig.layout.title.text
    assert "<table" in res._repr_html_()


def test_point_in_time_before_the_filing(store: Store) -> None:
    # on 2022-02-19 FY2021 is not yet published: the P/E uses FY2020 earnings
    res = run_valuation(
        ValuationRequest(asof="2022-02-19", history="none", store=StoreRef(store.root)),
        store=store,
    )
    comp = res.companies.set_index("symbol")
    assert comp.loc["L1", "net_income_ttm"] == 100.0
    assert comp.loc["L1", "ttm_end"] == pd.Timestamp("2020-12-31")


def test_forward_pe_and_estimates_errors(store: Store, tmp_path: Path) -> None:
    est = tmp_path / "est.csv"
    est.write_text(
        "symbol,fiscal_period_end,eps_estimate,as_of\n"
        "S1,2022-12-31,9.0,2022-05-01\nL1,2022-12-31,10.0,2022-05-01\n"
    )
    res = run_valuation(
        ValuationRequest(asof="2022-06-30", estimates=est, store=StoreRef(store.root)),
        store=store,
    )
    last = res.to_frame().iloc[-1]
    assert last["small_fwd_pe_median"] == pytest.approx(36 / 9)
    assert last["large_fwd_pe_agg"] == pytest.approx(1600 / (10 * 10))
    assert last["ratio_fwd_pe_agg"] == pytest.approx(4.0 / 16.0)
    assert NO_ESTIMATES not in res.summary() and "fwd_pe_agg" in res.summary()
    bad = tmp_path / "bad.csv"
    bad.write_text("symbol,period,eps_estimate,as_of\nS1,2022-12-31,1,2022-01-01\n")
    with pytest.raises(DataError, match="fiscal_period_end") as info:
        run_valuation(ValuationRequest(estimates=bad, store=StoreRef(store.root)), store=store)
    assert "bad.csv" in str(info.value)
    with pytest.raises(DataError, match="cannot read"):
        run_valuation(
            ValuationRequest(estimates=tmp_path / "nope.csv", store=StoreRef(store.root)),
            store=store,
        )


def test_request_and_universe_errors(store: Store) -> None:
    with pytest.raises(ConfigError, match="--history"):
        ValuationRequest(history="weekly")
    with pytest.raises(ConfigError, match="both"):
        ValuationRequest(small="IWM", large="iwm")
    with pytest.raises(ConfigError, match="--min-coverage"):
        ValuationRequest(min_coverage=1.5)
    with pytest.raises(DataError) as info:
        run_valuation(ValuationRequest(large="QQQ", store=StoreRef(store.root)), store=store)
    assert info.value.input == "--large" and "IWM" in str(info.value) and "sp500" in str(info.value)
    with pytest.raises(DataError, match="before the first filing"):
        run_valuation(ValuationRequest(asof="2020-06-30", store=StoreRef(store.root)), store=store)


def test_cli_json_and_bad_estimates(store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    root = ["--data-dir", str(store.root)]
    res = runner.invoke(
        app, [*root, "valuation", "--small", "IWM", "--large", "SPY", "--asof", "2022-06-30",
              "--history", "yearly", "--json"]
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    ratios = [r["ratio_pe_agg_ex"] for r in body["history"]]
    assert ratios == pytest.approx([_R1, _R2])
    assert body["provenance"]["as_of"].startswith("2022-06-30")
    text = runner.invoke(app, [*root, "valuation", "--asof", "2022-06-30"])
    assert text.exit_code == 0, text.output
    assert "2/3 (67%)" in text.output and "survivorship" in text.output
    bad = tmp_path / "[bold]est.csv"
    bad.write_text("symbol,fiscal_period_end,eps_estimate,as_of\nS1,2022-12-31,n/a,2022-01-01\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    res = runner.invoke(app, [*root, "valuation", "--estimates", str(bad)])
    assert res.exit_code == 2
    assert "[bold]est.csv" in res.stderr and "column eps_estimate" in res.stderr
    assert "'n/a'" in res.stderr and "Traceback" not in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    res = runner.invoke(app, [*root, "valuation", "--history", "weekly"])
    assert res.exit_code == 2 and "--history" in res.stderr
    assert not math.isnan(_R1)


def test_membership_on_each_date_from_snapshots(store: Store) -> None:
    # an earlier snapshot without S3: the 2021-12-31 point uses it (the earlier one rules),
    # the 2022-06-30 point the 2022-05-31 one
    early = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.Timestamp("2021-06-30"),
            "symbol": ["S1", "S2"],
            "asset_class": "Equity",
            "source": "hand",
        }
    )
    store.write({"holdings": early})
    res = run_valuation(
        ValuationRequest(asof="2022-06-30", store=StoreRef(store.root)), store=store
    )
    frame = res.to_frame().set_index("date")
    assert frame["small_members"].tolist() == [2, 3]
    assert frame["small_coverage"].tolist() == pytest.approx([1.0, 2 / 3])
    assert frame["small_pe_agg_ex"].tolist() == pytest.approx([6.0, 5.4])
    prov = "\n".join(res.provenance.lines())
    assert "2 holdings snapshot(s)" in res.small_label and "holdings IWM (2 snapshots)" in prov
    # every point is on or after the first snapshot: no survivorship note for IWM's points
    assert "points (" not in prov
