"""The report leads with the rotation; parts say when their data are missing; inputs read once.

A small hand-made store (synthetic random walks, seed fixed) holds IWM, SPY, ^RUT, ^GSPC and
FRED:DGS10 but no holdings, French factors or fundamentals, so some parts must name the
command that brings their data.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sizeup.app.reports import (
    REPORT_SECTIONS,
    ReportData,
    ReportRequest,
    parse_pair,
    parse_sections,
)
from sizeup.data.store import Store
from sizeup.errors import ConfigError
from sizeup.report._layout import report_plan
from sizeup.report.sections import StatsOptions

FAST = StatsOptions(reps=20, permutation_reps=50)


def _bars(sym: str, close: np.ndarray, idx: pd.DatetimeIndex) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": sym,
            "date": idx,
            "open": close,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "adj_close": close * np.linspace(0.8, 1.0, len(close)),  # dividends accumulate
            "volume": np.nan,
            "source": "handmade",
        }
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("report_store")
    st = Store.open(root)
    rng = np.random.default_rng(7)
    idx = pd.bdate_range("2017-01-02", "2024-06-28")
    frames = []
    for sym, start in (("IWM", 130.0), ("SPY", 220.0), ("^RUT", 1350.0), ("^GSPC", 2250.0)):
        px = start * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(idx))))
        frames.append(_bars(sym, px, idx))
    st.write({"bars": pd.concat(frames, ignore_index=True)})
    dgs = 2.5 + np.cumsum(rng.normal(0.0, 0.04, len(idx)))
    st.upsert(
        "series",
        pd.DataFrame(
            {
                "series_id": "FRED:DGS10",
                "date": idx,
                "value": dgs,
                "source": "handmade_fred",
                "vintage": "",
            }
        ),
    )
    return st


@pytest.fixture(scope="module")
def plan(store: Store):  # type: ignore[no-untyped-def]
    return report_plan(ReportData(store), ReportRequest(), options=FAST)


def test_rotation_leads_and_parts_follow_in_order(plan) -> None:  # type: ignore[no-untyped-def]
    keys = [s.key for s in plan.sections]
    assert keys[0] == "rotation"
    # parts appear in the report's order, each at least once (with data or as a placeholder)
    firsts = [k for i, k in enumerate(keys) if k not in keys[:i]]
    assert firsts == list(REPORT_SECTIONS)
    lead = plan.sections[0]
    assert lead.title == "Rotation: small caps vs large caps (IWM vs SPY, ^RUT vs ^GSPC)"
    assert lead.has_data and lead.as_of == pd.Timestamp("2024-06-28")
    assert "total return" in lead.basis and "price return" in lead.basis
    rs = [f for f in lead.figures if f.title.startswith("Relative strength line")]
    assert len(rs) == 1
    names = [t.name for t in rs[0].figure.data]
    assert names == ["IWM / SPY (total return)", "^RUT / ^GSPC (price)"]


def test_rs_line_values_are_the_rebased_ratio(store: Store, plan) -> None:  # type: ignore[no-untyped-def]
    lead = plan.sections[0]
    fig = next(f for f in lead.figures if f.title.startswith("Relative strength line")).figure
    trace = next(t for t in fig.data if t.name == "IWM / SPY (total return)")
    raw = store.panel(["IWM", "SPY"], field="adj_close").dropna().iloc[-756:]
    ratio = (raw["IWM"] / raw["SPY"]).to_numpy()
    expected = ratio / ratio[0] * 100.0
    assert len(trace.y) == 756
    assert np.allclose(np.asarray(trace.y, dtype=float), expected)
    assert trace.y[0] == pytest.approx(100.0)


def test_missing_parts_name_the_command(plan) -> None:  # type: ignore[no-untyped-def]
    by_title = {s.title: s for s in plan.sections}
    breadth = by_title["Breadth"]
    assert not breadth.has_data
    assert "sizeup fetch universe --fund IWM" in breadth.missing[0]
    # the rotation itself says its breadth panels need the universe
    assert any("sizeup fetch universe --fund IWM" in m for m in plan.sections[0].missing)
    screens = next(s for s in plan.sections if s.key == "screens")
    assert "sizeup fetch fundamentals" in screens.missing[0]
    size = [s for s in plan.sections if s.key == "size-premium"]
    assert size and all("FF:" in " ".join(s.missing) or s.has_data for s in size)
    assert "FF:SMB:M" in size[0].missing[0]
    assert any("sizeup fetch core" in " ".join(s.missing) for s in size)
    claims = next(s for s in plan.sections if s.key == "claims")
    assert "--claims" in claims.missing[0]
    assert {s.title for s in plan.skipped} >= {"Breadth", claims.title, screens.title}


def test_pnf_part_charts_the_fund_ratio_and_yield(plan) -> None:  # type: ignore[no-untyped-def]
    pnf = [s for s in plan.sections if s.key == "pnf"]
    titles = [s.title for s in pnf]
    assert titles == [
        "Point and figure: iShares Russell 2000 ETF (IWM)",
        "Relative strength (point and figure): iShares Russell 2000 ETF vs SPDR S&P 500 ETF",
        "Relative strength (point and figure): Russell 2000 vs S&P 500",
        "Point and figure: 10-year Treasury yield (FRED:DGS10)",
    ]
    iwm, _, _, tnx = pnf
    assert iwm.basis.startswith("prices as traded") and iwm.survivorship is None
    fig = iwm.figures[0].figure
    ticks = list(fig.layout.xaxis.ticktext)
    # first tick: the start date of the first column shown, with its year
    first_day, first_year = ticks[0].split("<br>")
    assert 2017 <= int(first_year) <= 2024
    assert pd.Timestamp(f"{first_day} {first_year}") <= pd.Timestamp("2024-06-28")
    years = [int(t.split("<br>")[1]) for t in ticks if "<br>" in t]
    assert years == sorted(years) and len(set(years)) == len(years)
    assert "yield in percent" in tnx.basis
    assert "store: handmade_fred" in tnx.coverage[0].text()
    assert any("0.1 percentage point" in n for n in tnx.notes)


def test_every_part_with_data_states_as_of_coverage_and_basis(plan) -> None:  # type: ignore[no-untyped-def]
    for s in plan.sections:
        if s.has_data:
            assert s.as_of is not None and s.as_of <= pd.Timestamp("2024-06-28"), s.title
            assert s.coverage, s.title
        else:
            assert s.missing, s.title


def test_inputs_are_read_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[tuple[str, ...]] = Counter()
    original = {name: getattr(Store, name) for name in ("bars", "panel", "series")}

    def counting(name: str):  # type: ignore[no-untyped-def]
        def wrapper(self, ids, *args, **kwargs):  # type: ignore[no-untyped-def]
            field = kwargs.get("field", "")
            calls[(name, field, *ids)] += 1
            return original[name](self, ids, *args, **kwargs)

        return wrapper

    for name in original:
        monkeypatch.setattr(Store, name, counting(name))
    # P&F of IWM and the IWM/SPY RS chart both use IWM; the statistics parts share ^GSPC
    report_plan(
        ReportData(store),
        ReportRequest(sections=("pnf", "seasonality", "conditional")),
        options=FAST,
    )
    repeated = {k: n for k, n in calls.items() if n > 1}
    assert repeated == {}
    assert calls[("bars", "", "IWM")] == 1 and calls[("bars", "", "^GSPC")] == 1


def test_sections_option_keeps_only_the_named_parts(store: Store) -> None:
    plan = report_plan(
        ReportData(store), ReportRequest(sections=parse_sections("pnf,rotation")), options=FAST
    )
    assert {s.key for s in plan.sections} == {"rotation", "pnf"}
    assert plan.sections[0].key == "rotation"


def test_another_pair(store: Store) -> None:
    plan = report_plan(
        ReportData(store),
        ReportRequest(pair=("SPY", "IWM"), sections=("rotation", "pnf")),
        options=FAST,
    )
    lead = plan.sections[0]
    assert lead.title == "Rotation: small caps vs large caps (SPY vs IWM)"
    sb = lead.tables[0]
    assert set(sb.frame["symbol"]) == {"SPY"}
    assert "--pair SPY:IWM" in lead.notes[0]
    assert any(s.title == "Point and figure: SPDR S&P 500 ETF (SPY)" for s in plan.sections)


def test_parse_pair_and_sections() -> None:
    assert parse_pair("iwm:spy") == ("IWM", "SPY")
    assert parse_pair(None) == ("IWM", "SPY")
    for bad in ("IWM", "IWM:", ":SPY", "IWM:SPY:X", "IWM:IWM"):
        with pytest.raises(ConfigError, match="--pair"):
            parse_pair(bad)
    assert parse_sections("claims, Rotation") == ("rotation", "claims")
    with pytest.raises(ConfigError, match="valid: rotation, pnf, breadth"):
        parse_sections("rotation,bogus")
    with pytest.raises(ConfigError):
        ReportRequest(sections=("nope",))


def test_cli_sections_errors_exit_2(tmp_path: Path) -> None:
    from sizeup.cli import app

    res = CliRunner().invoke(app, ["report", "--sample", "--sections", "rotation,<b>x</b>"])
    assert res.exit_code == 2
    assert "<b>x</b>" in res.output and "valid: rotation, pnf, breadth" in res.output
    assert "Traceback" not in res.output
    res = CliRunner().invoke(app, ["report", "--sample", "--pair", "IWM"])
    assert res.exit_code == 2 and "SMALL:LARGE" in res.output


def test_cli_store_report_with_claims(store: Store, tmp_path: Path) -> None:
    from sizeup.cli import app

    claims = tmp_path / "c.toml"
    claims.write_text(
        '[[claim]]\ntext = "the 10-year yield was 999"\nmetric = "series_value"\n'
        'series = "FRED:DGS10"\ndate = "2024-06-28"\nstated = 999\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    res = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(store.root),
            "report",
            "--sections",
            "rotation,claims",
            "--claims",
            str(claims),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert html.index("Rotation: small caps vs large caps") < html.index("Claims checked")
    assert "Price basis: total return" in html
    assert "Data missing:" in html and "sizeup fetch universe --fund IWM" in html
    assert "the 10-year yield was 999" in html and "CONTRADICTED" in html


def test_asof_cuts_every_part(store: Store) -> None:
    cut = pd.Timestamp("2022-06-30")
    plan = report_plan(
        ReportData(store, cut),
        ReportRequest(asof=cut, sections=("rotation", "pnf", "seasonality", "backtests")),
        options=FAST,
    )
    with_data = [s for s in plan.sections if s.has_data]
    assert len(with_data) >= 5
    for s in with_data:
        assert s.as_of is not None and s.as_of <= cut, s.title
        for cov in s.coverage:
            assert cov.last is None or cov.last <= cut, (s.title, cov.text())
    # the P&F chart of the fund ends on the cut date: its last tick is no later
    iwm = next(s for s in plan.sections if s.title.startswith("Point and figure: iShares"))
    assert iwm.as_of == cut
