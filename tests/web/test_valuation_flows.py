"""``/api/valuation``, ``/api/flows/{fund}`` and the "Valuation & flows" page on a hand-made store.

The store (written here, no shared data): fundamentals in SimFin's bulk layout (FY2020
published 2021-02-20, FY2021 published 2022-02-20) of P, Q (IJR members, holdings snapshot
2022-05-31) and of G, H (IVV members, same date); closes on 2021-12-31 and 2022-06-30; IJR
shares outstanding and NAV in the iShares fund-history columns. Expected values by hand below.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sizeup.data.formats.ishares_history import parse_fund_history
from sizeup.data.formats.simfin import parse_simfin_csv
from sizeup.data.store import Store

_HEAD = "Ticker;SimFinId;Currency;Fiscal Year;Fiscal Period;Report Date;Publish Date;Restated Date"
# ticker -> (FY2020 net income, FY2021 net income), shares
_NI = {"P": ((6, 8), 3), "Q": ((4, 4), 5), "G": ((50, 60), 10), "H": ((30, -10), 4)}
_CLOSES = {
    "2021-12-31": {"P": 20.0, "Q": 8.0, "G": 90.0, "H": 45.0},
    "2022-06-30": {"P": 24.0, "Q": 10.0, "G": 72.0, "H": 50.0},
}
# 2021-12-31 (FY2020): IJR = (20*3 + 8*5) / (6 + 4) = 100 / 10 = 10;
#                      IVV = (90*10 + 45*4) / (50 + 30) = 1080 / 80 = 13.5
# 2022-06-30 (FY2021): IJR = (24*3 + 10*5) / (8 + 4) = 122 / 12;
#                      IVV: H loses 10 -> 72*10 / 60 = 12
_IJR = [10.0, 122 / 12]
_IVV = [13.5, 12.0]
_RATIO = [a / b for a, b in zip(_IJR, _IVV, strict=True)]

_HISTORY = """As Of,NAV per Share,Ex-Dividends,Shares Outstanding
"Mar 04, 2026",101.00,--,"2,000,000"
"Mar 03, 2026",100.00,--,"2,030,000"
"Feb 27, 2026",99.00,--,"2,010,000"
"Feb 26, 2026",98.00,--,"2,000,000"
"""
# intervals: Feb 27 +10,000 x 99 = 990,000; Mar 3 (gap: Mar 2 missing) +20,000 x 100 =
# 2,000,000; Mar 4 -30,000 x 101 = -3,030,000 -> Feb 990,000; Mar -1,030,000


def _build(root: Path) -> Path:
    st = Store.open(root)
    inc = [_HEAD + ";Shares (Basic);Shares (Diluted);Revenue;Net Income"]
    bal = [_HEAD + ";Shares (Basic);Shares (Diluted);Total Equity"]
    for k, (sym, (years, sh)) in enumerate(_NI.items()):
        for year, ni in zip((2020, 2021), years, strict=True):
            lead = f"{sym};{k + 1};USD;{year};FY;{year}-12-31;{year + 1}-02-20;{year + 1}-02-20"
            inc.append(f"{lead};{sh};{sh};{6 * abs(ni) + 5};{ni}")
            bal.append(f"{lead};{sh};{sh};{2 * abs(ni)}")
    facts = pd.concat(
        [
            parse_simfin_csv(("\n".join(inc) + "\n").encode(), name="income.csv"),
            parse_simfin_csv(("\n".join(bal) + "\n").encode(), name="balance.csv"),
        ],
        ignore_index=True,
    )
    bars = pd.DataFrame(
        [
            (sym, pd.Timestamp(day), px, px, "hand")
            for day, closes in _CLOSES.items()
            for sym, px in closes.items()
        ],
        columns=["symbol", "date", "close", "adj_close", "source"],
    )
    holdings = pd.DataFrame(
        {
            "fund": ["IJR", "IJR", "IVV", "IVV"],
            "as_of": pd.Timestamp("2022-05-31"),
            "symbol": ["P", "Q", "G", "H"],
            "asset_class": "Equity",
            "source": "hand",
        }
    )
    series = parse_fund_history(_HISTORY.encode(), name="IJR_fund.csv", fund="IJR")
    st.write({"fundamentals": facts, "bars": bars, "holdings": holdings, "series": series})
    return root


@pytest.fixture(scope="module")
def vf_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from sizeup.app import StoreRef
    from sizeup.web import create_app

    root = _build(tmp_path_factory.mktemp("web_vf") / "store")
    with TestClient(create_app(StoreRef(root)), raise_server_exceptions=True) as c:
        yield c


def test_valuation_values_by_hand(vf_client: Any) -> None:
    r = vf_client.get(
        "/api/valuation", params={"small": "ijr", "large": "IVV", "asof": "2022-06-30"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["small"], body["large"]) == ("IJR", "IVV")
    hist = body["history"]
    assert [h["date"][:10] for h in hist] == ["2021-12-31", "2022-06-30"]
    assert [h["small_pe_agg_ex"] for h in hist] == pytest.approx(_IJR)
    assert [h["large_pe_agg_ex"] for h in hist] == pytest.approx(_IVV)
    assert [h["ratio_pe_agg_ex"] for h in hist] == pytest.approx(_RATIO)
    assert [h["large_loss_makers"] for h in hist] == [0, 1]
    assert [(h["small_with_data"], h["small_members"]) for h in hist] == [(2, 2), (2, 2)]
    pe = next(s for s in body["ratio_stats"] if s["measure"] == "pe_agg_ex")
    assert pe["latest"] == pytest.approx(_RATIO[1])
    assert pe["mean"] == pytest.approx(sum(_RATIO) / 2)
    assert body["forward"]["available"] is False
    prov = body["provenance"]
    assert prov["as_of"][:10] == "2022-06-30"
    assert "simfin" in prov["sources"] and "hand" in prov["sources"]
    names = [i["name"] for i in prov["inputs"]]
    assert "fundamentals" in names
    assert any(i["basis"].startswith("adjusted closes") for i in prov["inputs"])
    assert "figure" not in body


def test_valuation_figure_and_asof_cut(vf_client: Any) -> None:
    r = vf_client.get(
        "/api/valuation",
        params={"small": "IJR", "large": "IVV", "asof": "2022-01-31", "figure": "true"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    # FY2021 is published 2022-02-20: the 2021-12-31 point from FY2020; the as-of point has
    # no close on 2022-01-31 in the store, so no P/E (nothing later is read)
    assert [h["date"][:10] for h in body["history"]] == ["2021-12-31", "2022-01-31"]
    assert body["history"][0]["small_pe_agg_ex"] == pytest.approx(_IJR[0])
    assert body["history"][1]["small_pe_agg_ex"] is None
    assert "as of 2022-01-31" in body["figure"]["layout"]["title"]["text"]


def test_flows_values_by_hand(vf_client: Any) -> None:
    r = vf_client.get("/api/flows/IJR", params={"freq": "M", "figure": "true"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [p["flow"] for p in body["periods"]] == pytest.approx([990_000.0, -1_030_000.0])
    assert [p["period"][:10] for p in body["periods"]] == ["2026-02-28", "2026-03-31"]
    assert body["rows"][-1]["flow"] == "-$1.0 m"
    assert "gap" in body["rows"][-1]["remarks"]
    daily = vf_client.get("/api/flows/ijr", params={"freq": "D"}).json()
    assert [p["flow"] for p in daily["periods"]] == pytest.approx(
        [990_000.0, 2_000_000.0, -3_030_000.0]
    )
    assert "figure" not in daily
    assert daily["provenance"]["as_of"][:10] == "2026-03-04"
    assert daily["provenance"]["sources"] == ["ishares"]
    assert "IJR net flows" in body["figure"]["layout"]["title"]["text"]
    cut = vf_client.get("/api/flows/IJR", params={"freq": "D", "asof": "2026-03-03"}).json()
    assert [p["flow"] for p in cut["periods"]] == pytest.approx([990_000.0, 2_000_000.0])


@pytest.mark.parametrize(
    ("path", "params", "status", "needle"),
    [
        ("/api/flows/IWM", {}, 404, "no shares outstanding"),
        ("/api/flows/I W M", {}, 422, "not a valid name"),
        ("/api/flows/..", {}, 404, ""),  # never reaches a file: the router finds no route
        ("/api/flows/%2E%2E%2Fetc", {}, 404, ""),  # decoded to ../etc: no route either
        ("/api/flows/IJR..", {}, 422, "not a valid name"),
        ("/api/flows/^RUT", {}, 422, "not a fund ticker"),
        ("/api/flows/ABCDEFGHIJK", {}, 422, "not a fund ticker"),
        ("/api/flows/IJR", {"freq": "Q"}, 422, "freq"),
        ("/api/flows/IJR", {"asof": "2026-13-01"}, 422, "asof"),
        ("/api/valuation", {"small": "../x"}, 422, "not a valid name"),
        ("/api/valuation", {"large": "S&P"}, 422, "not a valid name"),
        ("/api/valuation", {"history": "daily"}, 422, "history"),
        ("/api/valuation", {"small": "XYZ", "large": "IVV"}, 404, "XYZ"),
        ("/api/valuation", {"small": "IJR", "large": "IVV", "asof": "2020-01-31"}, 404, "asof"),
    ],
)
def test_bad_inputs_are_clear_4xx(
    vf_client: Any, path: str, params: dict[str, str], status: int, needle: str
) -> None:
    r = vf_client.get(path, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    if needle:
        assert needle in body["message"] or needle in str(body.get("input")), body
        assert {"input", "value", "valid"} <= set(body)
    assert "Traceback" not in r.text


def test_flows_404_names_the_commands(vf_client: Any) -> None:
    body = vf_client.get("/api/flows/IWM").json()
    assert "funds with them: IJR" in body["message"]
    assert "sizeup fetch fund-history IWM" in body["message"]
    assert body["valid"] == "IJR"


def test_page_is_listed_and_served(vf_client: Any) -> None:
    home = vf_client.get("/")
    assert home.status_code == 200 and 'href="/valuation-flows"' in home.text
    page = vf_client.get("/valuation-flows", params={"fund": "IJR", "freq": "W"})
    assert page.status_code == 200
    text = page.text
    assert "Valuation &amp; flows" in text and 'src="/static/valuation_flows.js"' in text
    assert 'name="fund" value="IJR"' in text and '<option value="W" selected>' in text
    # user text is escaped, never markup
    evil = vf_client.get("/valuation-flows", params={"small": '"><script>x</script>'}).text
    assert "<script>x</script>" not in evil
    js = vf_client.get("/static/valuation_flows.js")
    assert js.status_code == 200 and "innerHTML" not in js.text
    schema = vf_client.get("/openapi.json").json()
    assert {"/api/valuation", "/api/flows/{fund}"} <= set(schema["paths"])
