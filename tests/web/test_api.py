"""The JSON API on a small store: values checked by hand, clear 4xx errors, provenance."""

from __future__ import annotations

import json
from typing import Any

import pytest
import web_support

pytestmark = pytest.mark.web


def _error(res: Any, status: int, input_name: str) -> dict[str, Any]:
    assert res.status_code == status, res.text
    body = res.json()
    assert body["input"] == input_name, body
    assert body["message"] and body["valid"], body
    return dict(body)


# ------------------------------------------------------------------------------ store


def test_health_and_symbols(client: Any) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["store_version"] >= 0
    sym = client.get("/api/symbols").json()
    expected = sorted([*web_support.INDEXES, *web_support.FUNDS, *web_support.MEMBERS, "STEP"])
    assert sym["symbols"] == expected
    assert sym["last_date"] == web_support.LAST_DAY


def test_store_info(client: Any) -> None:
    body = client.get("/api/store").json()
    bars = next(t for t in body["tables"] if t["table"] == "bars")
    n_days = len(__import__("pandas").bdate_range("2016-01-04", web_support.LAST_DAY))
    n_sym = len(web_support.INDEXES) + len(web_support.FUNDS) + len(web_support.MEMBERS)
    assert bars["rows"] == n_days * n_sym + len(web_support.STEP_CLOSES)
    assert "provenance" in body


# ------------------------------------------------------------------------------ monitor


def test_monitor_scoreboard_matches_hand_computed_returns(client: Any, prices: Any) -> None:
    body = client.get("/api/monitor", params={"asof": "2024-06-28"}).json()
    assert body["asof"] == "2024-06-28" and body["pair"] == ["IWM", "SPY"]
    rows = body["scoreboard_tr"]
    rows = rows["rows"] if isinstance(rows, dict) else rows
    one_day = {r["symbol"]: r for r in rows if r["window"] == "1D"}
    px = prices
    iwm = px["IWM"].iloc[-1] / px["IWM"].iloc[-2] - 1
    spy = px["SPY"].iloc[-1] / px["SPY"].iloc[-2] - 1
    assert one_day["IWM"]["ret"] == pytest.approx(iwm, rel=1e-9)
    assert one_day["IWM"]["bench_ret"] == pytest.approx(spy, rel=1e-9)
    assert one_day["IWM"]["excess"] == pytest.approx(iwm - spy, rel=1e-9)
    prov = body["provenance"]
    assert prov["as_of"] == "2024-06-28" and "synthetic" in prov["sources"]
    assert "figures" not in body


def test_monitor_asof_earlier_never_reads_past_it(client: Any, prices: Any) -> None:
    body = client.get(
        "/api/monitor", params={"asof": "2021-03-10", "sections": "scoreboard", "figures": True}
    ).json()
    assert body["asof"] == "2021-03-10"
    rows = body["scoreboard_tr"]
    rows = rows["rows"] if isinstance(rows, dict) else rows
    one_day = {r["symbol"]: r for r in rows if r["window"] == "1D"}
    at = prices.loc[:"2021-03-10", "IWM"]
    assert one_day["IWM"]["ret"] == pytest.approx(at.iloc[-1] / at.iloc[-2] - 1, rel=1e-9)
    fig = body["figures"]["relative"]
    xs = fig["data"][0]["x"]
    assert max(str(x)[:10] for x in xs) <= "2021-03-10"
    assert "2021-03-10" in json.dumps(fig["layout"])  # the as-of date is shown on the chart


def test_breadth_and_bpi_with_their_figures(client: Any) -> None:
    body = client.get("/api/breadth", params={"figures": "true"}).json()
    assert body["breadth"] is not None and body["bpi"] is not None
    assert 0 <= body["bpi"]["bpi"] <= 100
    assert {"breadth", "bpi", "bpi_pnf"} <= set(body["figures"])
    scores = client.get("/api/fund-scores").json()
    assert [s["fund"] for s in scores["fund_scores"]] == ["IWM", "IVV"]


def test_monitor_bad_inputs_are_clear_4xx(client: Any) -> None:
    _error(client.get("/api/monitor", params={"asof": "31/12/2023"}), 422, "asof")
    _error(client.get("/api/monitor", params={"sections": "scoreboard,nope"}), 422, "--sections")
    _error(client.get("/api/monitor", params={"sections": " , "}), 422, "sections")
    _error(client.get("/api/monitor", params={"universe": "../IWM"}), 422, "universe")


# ------------------------------------------------------------------------------ P&F, RS


def test_pnf_of_a_hand_made_series(client: Any) -> None:
    # closes 10, 11, ..., 20 then 19, ..., 15; 1-point boxes, 3-box reversal, close method:
    # one X column topping at 20, then an O column from 19 down to 15.
    res = client.get(
        "/api/pnf/STEP", params={"box": "1", "reversal": 3, "method": "close", "figure": True}
    )
    body = res.json()
    cols = body["columns"]
    assert [c["kind"] for c in cols][-2:] == ["X", "O"]
    assert cols[-2]["high"] == 20 and cols[-1]["high"] == 19 and cols[-1]["low"] == 15
    assert body["state"]["column"]["kind"] == "O"
    assert body["provenance"]["sources"] == ["handmade"]
    assert body["figure"]["data"], "the figure has traces"
    # as of the top (11th session) the chart has only the X column
    top = str(__import__("pandas").bdate_range("2024-01-02", periods=11)[-1].date())
    early = client.get("/api/pnf/STEP", params={"box": "1", "method": "close", "asof": top}).json()
    assert [c["kind"] for c in early["columns"]] == ["X"] and early["columns"][0]["high"] == 20


def test_pnf_of_a_hand_made_yield_series(client: Any) -> None:
    # yields 4.0, 4.1, ..., 5.0 then 4.9, ..., 4.5; 0.1 boxes, 3-box reversal: an X column
    # topping at 5.0, then an O column from 4.9 down to 4.5; units, not a price basis
    body = client.get("/api/pnf/DGS10", params={"box": "0.1", "vs": "SPY"}).json()
    cols = body["columns"]
    assert [c["kind"] for c in cols][-2:] == ["X", "O"]
    assert cols[-2]["high"] == pytest.approx(5.0)
    assert cols[-1]["high"] == pytest.approx(4.9) and cols[-1]["low"] == pytest.approx(4.5)
    assert body["method"] == "close" and body["basis"] == "the series' own units"
    assert body["rs"] is None and body["kind"] == "series"
    assert body["provenance"]["sources"] == ["handmade"]
    assert "DGS10" in client.get("/api/symbols").json()["series"]


def test_pnf_with_rs_and_the_rs_chart(client: Any) -> None:
    body = client.get("/api/pnf/IWM", params={"box": "2%", "vs": "SPY"}).json()
    assert body["rs"]["vs"] == "SPY" and body["box"] == "2%"
    names = [i["name"] for i in body["provenance"]["inputs"]]
    assert names == ["IWM", "SPY"]
    rs = client.get("/api/rs/IWM", params={"vs": "SPY", "figure": "1"}).json()
    assert rs["vs"] == "SPY" and rs["figure"]["data"]
    assert rs["asof"] == web_support.LAST_DAY


def test_pnf_bad_inputs_are_clear_4xx(client: Any) -> None:
    _error(client.get("/api/pnf/NOPE"), 404, "symbol")
    _error(client.get("/api/pnf/IWM", params={"box": "0.5 points"}), 422, "box")
    _error(client.get("/api/pnf/IWM", params={"box": "40%"}), 422, "box")
    _error(client.get("/api/pnf/IWM", params={"reversal": 0}), 422, "reversal")
    _error(client.get("/api/pnf/IWM", params={"method": "open"}), 422, "method")
    _error(client.get("/api/pnf/IWM", params={"asof": "2030-13-01"}), 422, "asof")
    _error(client.get("/api/pnf/IWM", params={"asof": "2001-01-02"}), 422, "--asof")
    _error(client.get("/api/pnf/IWM", params={"vs": "NOPE"}), 404, "vs")
    _error(client.get("/api/pnf/SPY", params={"vs": "SPY"}), 422, "vs")
    _error(client.get("/api/rs/IWM", params={"vs": "IWM"}), 422, "vs")
    _error(client.get("/api/rs/IWM", params={"box_pct": 2}), 422, "box_pct")


# ------------------------------------------------------------------------------ screens


def test_screens_catalog_and_earnings_screen_by_hand(client: Any) -> None:
    names = client.get("/api/screens").json()["screens"]
    assert {"earnings", "value", "quality"} <= set(names)
    body = client.get("/api/screens/earnings").json()
    # members M00, M03, ..., M21 (every third) lost money in the last quarter: 8 of 24 fail
    assert body["n_passed"] == 16
    failed = sorted(r["symbol"] for r in body["rows"] if not r["passed"])
    assert failed == [f"M{i:02d}" for i in range(0, 24, 3)]
    top = client.get("/api/screens/earnings", params={"top": 5}).json()
    assert len(top["rows"]) == 5
    _error(client.get("/api/screens/nope"), 404, "name")
    _error(client.get("/api/screens/earnings", params={"top": 0}), 422, "top")


# ------------------------------------------------------------------------------ claims

_CLAIMS = """
[[claim]]
text = "IWM returned {ret:.6f} on 28 June 2024"
metric = "window_return"
symbol = "IWM"
field = "adj_close"
start = 2024-06-28
end = 2024-06-28
stated = {ret:.6f}
tolerance = 0.00001

[[claim]]
text = "IWM returned 5 points more than it did on 28 June 2024"
metric = "window_return"
symbol = "IWM"
field = "adj_close"
start = 2024-06-28
end = 2024-06-28
stated = {wrong:.6f}
tolerance = 0.00001
"""


def test_claims_body_and_upload(client: Any, prices: Any) -> None:
    ret = prices["IWM"].iloc[-1] / prices["IWM"].iloc[-2] - 1
    text = _CLAIMS.format(ret=ret, wrong=ret + 0.05)
    res = client.post("/api/claims", content=text, headers={"content-type": "text/plain"})
    assert res.status_code == 200, res.text
    verdicts = [c["verdict"] for c in res.json()["claims"]]
    assert verdicts == ["SUPPORTED", "CONTRADICTED"]
    up = client.post("/api/claims/upload", files={"file": ("c.toml", text.encode(), "text/plain")})
    assert [c["verdict"] for c in up.json()["claims"]] == ["SUPPORTED", "CONTRADICTED"]


def test_claims_bad_bodies(client: Any) -> None:
    res = client.post("/api/claims", content="[[claim]]\ntext = 'x'\nstated = 1\nmetric = 'nope'\n")
    assert res.status_code == 422 and "nope" in res.json()["message"]
    _error(client.post("/api/claims", content="  "), 422, "text")
    res = client.post("/api/claims", content="[[claim\n")
    assert res.status_code == 422, res.text
    bad = client.post("/api/claims/upload", files={"file": ("c.toml", b"\xff\xfe\x00", "text/x")})
    _error(bad, 422, "file")


# ------------------------------------------------------------------------------ backtests


def test_backtests_catalog_and_a_run(client: Any, prices: Any) -> None:
    cat = client.get("/api/backtests").json()["strategies"]
    assert "size-rs" in cat and cat["size-rs"]["spec"]["signal"]["kind"] == "rs"
    res = client.post(
        "/api/backtests/size-rs",
        json={"params": {"signal.box_pct": 0.05}, "end": "2023-12-29", "figure": True},
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["spec"]["signal"]["box_pct"] == 0.05
    assert body["end"][:10] <= "2023-12-29"
    series = body["series"]
    assert series["date"][-1] <= "2023-12-29"
    assert min(series["drawdown"]) <= 0 and max(series["drawdown"]) <= 1e-12
    # the benchmark line is SPY rebased to the starting capital: ratio of two days by hand
    start, end = series["date"][0], series["date"][-1]
    spy = prices["SPY"]
    want = spy.loc[end] / spy.loc[start]
    assert series["benchmark"][-1] / series["benchmark"][0] == pytest.approx(want, rel=1e-9)
    assert body["provenance"]["sources"] == ["synthetic"]
    assert body["figure"]["data"]


def test_backtest_bad_inputs(client: Any) -> None:
    _error(client.post("/api/backtests/nope", json={}), 404, "name")
    res = client.post("/api/backtests/size-rs", json={"params": {"signal.box_pct": -1}})
    assert res.status_code == 422 and "box_pct" in res.json()["message"], res.text
    _error(client.post("/api/backtests/size-rs", json={"params": {"../x": 1}}), 422, "params key")
    _error(client.post("/api/backtests/size-rs", json={"end": "yesterday"}), 422, "end")
    _error(client.post("/api/backtests/size-rs", json={"mode": "fast"}), 422, "mode")
    res = client.post(
        "/api/backtests/size-rs", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert res.status_code == 422, res.text


# ------------------------------------------------------------------------------ pages


@pytest.mark.parametrize("path", ["/", "/pnf", "/screens", "/claims", "/backtests"])
def test_pages_are_served_with_local_scripts_only(client: Any, path: str) -> None:
    res = client.get(path)
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    html = res.text
    assert 'src="/vendor/plotly.min.js"' in html and "cdn" not in html.lower()
    assert "http://" not in html and "https://" not in html
    assert "default-src 'self'" in res.headers["content-security-policy"]


def test_plotly_is_served_from_the_installed_package(client: Any) -> None:
    import plotly

    res = client.get("/vendor/plotly.min.js")
    assert res.status_code == 200
    from pathlib import Path

    local = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert res.content == local.read_bytes()


def test_user_text_in_pages_is_escaped(client: Any) -> None:
    evil = '"><script>alert(1)</script>'
    html = client.get("/pnf", params={"symbol": evil}).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html or "&#34;&gt;&lt;script&gt;" in html


def test_box_too_small_for_the_range_is_refused_with_the_least_box(
    client: Any, prices: Any
) -> None:
    # STEP spans 10 .. 20: 0.001 boxes would be 10,000 of them; 0.005 is the least that fits
    body = _error(client.get("/api/pnf/STEP", params={"box": "0.001"}), 422, "box")
    assert "10,000 boxes" in body["message"] and "at least 0.005" in body["message"]
    assert (
        client.get("/api/pnf/STEP", params={"box": "0.005", "method": "close"}).status_code == 200
    )
    # IWM: the range of its highs and lows, computed here from the generated closes (+-1 %)
    lo, hi = prices["IWM"].min() * 0.99, prices["IWM"].max() * 1.01
    least = (hi - lo) / 2000
    res = client.get("/api/pnf/IWM", params={"box": f"{least * 0.98:.6f}"})
    assert res.status_code == 422
    assert client.get("/api/pnf/IWM", params={"box": f"{least * 1.02:.6f}"}).status_code == 200


def test_a_pinned_store_version_is_served_as_it_was(web_store: Any) -> None:
    from fastapi.testclient import TestClient

    from sizeup.app import StoreRef
    from sizeup.web import create_app

    # version 0 is the first write: the random-walk bars, before STEP, holdings and series
    pinned = TestClient(create_app(StoreRef(web_store, version=0)))
    assert pinned.get("/api/health").json()["store_version"] == 0
    body = pinned.get("/api/symbols").json()
    assert "STEP" not in body["symbols"] and "IWM" in body["symbols"]
    assert body["series"] == []
    assert pinned.get("/api/pnf/STEP").status_code == 404
