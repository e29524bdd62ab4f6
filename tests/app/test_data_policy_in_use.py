"""The data policy as commands apply it: one as-of, the same data-through dates, price bases."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sizeup.app.monitor import MonitorRequest, run_monitor
from sizeup.app.pnf import PnfRequest, run_pnf
from sizeup.cli import app
from sizeup.data.store import Store

IDX = pd.bdate_range("2019-01-02", "2022-12-30")
ASOF = "2022-06-30"


def _bars(sym: str, close: np.ndarray, adj: np.ndarray, source: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": sym,
            "date": IDX[: len(close)],
            "open": close,
            "high": close * 1.005,
            "low": close * 0.995,
            "close": close,
            "adj_close": adj,
            "volume": 1e6,
            "source": source,
        }
    )


def _raw_and_adjusted(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A price as traded whose peak comes early, and its dividend-adjusted series.

    Dividends of 2 % a year make the adjusted series climb relative to the raw one, so the two
    bases disagree on the record: the raw close peaks in 2019, the adjusted close later.
    """
    rng = np.random.default_rng(seed)
    n = len(IDX)
    raw = 100 + 8 * np.sin(np.linspace(0, 3 * np.pi, n)) + rng.normal(0, 0.3, n)
    growth = np.exp(np.linspace(0, 0.02 * n / 252, n))  # dividends reinvested
    adj = raw * growth / growth[-1]
    return raw, adj


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    st = Store.open(tmp_path_factory.mktemp("policy_store"))
    frames = []
    for i, sym in enumerate(("IWM", "SPY")):
        raw, adj = _raw_and_adjusted(i)
        frames.append(_bars(sym, raw, adj, "raw"))  # as traded + adjusted close
        frames.append(_bars(sym, adj, adj, "adjonly"))  # adjusted only (close == adj_close)
    for i, sym in enumerate(("^RUT", "^GSPC")):
        raw, _ = _raw_and_adjusted(10 + i)
        frames.append(_bars(sym, raw * 20, raw * 20, "index"))
    st.write({"bars": pd.concat(frames, ignore_index=True)})
    return st


def test_pnf_and_records_use_prices_as_traded_scoreboard_total_return(store: Store) -> None:
    raw, adj = _raw_and_adjusted(0)  # IWM
    asof = pd.Timestamp(ASOF)
    n_at = int((asof >= IDX).sum())
    raw_s = pd.Series(raw[:n_at], index=IDX[:n_at])
    adj_s = pd.Series(adj[:n_at], index=IDX[:n_at])
    assert raw_s.idxmax() != adj_s.idxmax()  # the two bases disagree on the record

    p = run_pnf(PnfRequest("IWM", box="1", asof=asof), store)
    assert p.provenance.inputs[0].source == "raw"
    assert p.provenance.inputs[0].basis == "as traded"
    top = p.to_frame()["high"].max()
    assert int(raw_s.mul(1.005).max()) == top  # highest X box of the raw highs ($1 boxes)

    m = run_monitor(MonitorRequest(asof=asof, universe=None), store)
    rec = {r.symbol: r for r in m.records}["IWM"]
    assert rec.record == pytest.approx(raw_s.max())
    assert rec.record_date == raw_s.idxmax()
    # total-return scoreboard: the YTD return of IWM from adjusted closes
    sb = m.scoreboard_tr
    assert sb is not None
    ytd = sb.value("YTD", "IWM")
    start = adj_s.loc[: pd.Timestamp("2021-12-31")].iloc[-1]
    assert ytd == pytest.approx(adj_s.iloc[-1] / start - 1.0, rel=1e-9)
    bases = {(c.name, c.basis) for c in m.provenance.inputs}
    assert ("IWM", "as traded") in bases and ("IWM", "total return") in bases


def _data_through(inputs: list[dict[str, object]]) -> dict[tuple[str, str], str]:
    return {(str(i["name"]), str(i["basis"])): str(i["last"]) for i in inputs}


def test_every_command_states_the_same_asof_and_data_through(store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"SIZEUP_DATA_DIR": str(store.root), "COLUMNS": "100"}
    mon = runner.invoke(app, ["monitor", "--asof", ASOF, "--no-universe", "--json"], env=env)
    assert mon.exit_code == 0, mon.output
    pnf = runner.invoke(app, ["pnf", "IWM", "--asof", ASOF, "--json"], env=env)
    assert pnf.exit_code == 0, pnf.output
    dm, dp = json.loads(mon.stdout), json.loads(pnf.stdout)
    assert dm["provenance"]["as_of"] == dp["provenance"]["as_of"] == ASOF
    assert dm["asof"] == dp["asof"] == ASOF
    through_m = _data_through(dm["provenance"]["inputs"])
    through_p = _data_through(dp["provenance"]["inputs"])
    assert through_p.items() <= through_m.items()
    assert through_m[("IWM", "as traded")] == ASOF

    out = tmp_path / "r.html"
    rep = runner.invoke(app, ["report", "--asof", ASOF, "--out", str(out)], env=env)
    assert rep.exit_code == 0, rep.output
    html = out.read_text(encoding="utf-8")
    assert f"as of {ASOF}" in html
    assert "Rotation: small caps vs large caps" in html  # the report leads with the rotation
    # nothing after the as-of date reaches the report (the data run to 2022-12-30)
    assert not re.search(r"2022-(0[7-9]|1[0-2])-\d\d", html)


def test_asof_after_the_data_is_refused_by_every_command(store: Store) -> None:
    runner = CliRunner()
    env = {"SIZEUP_DATA_DIR": str(store.root)}
    for args in (["monitor", "--no-universe"], ["pnf", "IWM"]):
        res = runner.invoke(app, [*args, "--asof", "2023-01-10"], env=env)
        assert res.exit_code == 2, res.output
        assert "on or before 2022-12-30" in res.stderr


def test_bad_asof_format_is_refused(store: Store) -> None:
    res = CliRunner().invoke(
        app, ["monitor", "--asof", "22-06-30"], env={"SIZEUP_DATA_DIR": str(store.root)}
    )
    assert res.exit_code == 2
    assert "YYYY-MM-DD" in res.stderr
