"""A small hand-made store for the valuation tests.

Fundamentals are two hand-written files in SimFin's bulk format (FY2020 published 2021-02-20,
FY2021 published 2022-02-20); IWM holdings (one 2022-05-31 snapshot: S1, S2, S3), an S&P 500
member list (L1, L2) and closes on 2021-12-31 and 2022-06-30.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sizeup.data.formats.simfin import parse_simfin_csv
from sizeup.data.store import Store

_HEAD = "Ticker;SimFinId;Currency;Fiscal Year;Fiscal Period;Report Date;Publish Date;Restated Date"
# ticker -> FY2020 (net income, shares), FY2021 (net income, shares); revenue = 5 x |NI| + 10
_NI = {
    "S1": ((10, 2), (12, 2)),
    "S2": ((-4, 1), (3, 1)),
    "L1": ((100, 10), (80, 10)),
    "L2": ((50, 5), (50, 5)),
}
_CLOSES = {
    "2021-12-31": {"S1": 30.0, "S2": 10.0, "L1": 200.0, "L2": 100.0, "S3": 5.0},
    "2022-06-30": {"S1": 36.0, "S2": 9.0, "L1": 160.0, "L2": 100.0, "S3": 5.0},
}


def _simfin_files() -> tuple[str, str]:
    inc = [_HEAD + ";Shares (Basic);Shares (Diluted);Revenue;Net Income"]
    bal = [_HEAD + ";Shares (Basic);Shares (Diluted);Total Equity"]
    for k, (sym, years) in enumerate(_NI.items()):
        for year, (ni, sh) in zip((2020, 2021), years, strict=True):
            dates = f"{year}-12-31;{year + 1}-02-20;{year + 1}-02-20"
            lead = f"{sym};{k + 1};USD;{year};FY;{dates}"
            inc.append(f"{lead};{sh};{sh};{5 * abs(ni) + 10};{ni}")
            bal.append(f"{lead};{sh};{sh};{4 * abs(ni)}")
    return "\n".join(inc) + "\n", "\n".join(bal) + "\n"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    st = Store.open(tmp_path / "store")
    inc, bal = _simfin_files()
    facts = pd.concat(
        [
            parse_simfin_csv(inc.encode(), name="income.csv"),
            parse_simfin_csv(bal.encode(), name="balance.csv"),
        ],
        ignore_index=True,
    )
    rows = [
        (sym, pd.Timestamp(day), px, px, "hand")
        for day, closes in _CLOSES.items()
        for sym, px in closes.items()
    ]
    bars = pd.DataFrame(rows, columns=["symbol", "date", "close", "adj_close", "source"])
    holdings = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.Timestamp("2022-05-31"),
            "symbol": ["S1", "S2", "S3"],
            "asset_class": "Equity",
            "source": "hand",
        }
    )
    symbols = pd.DataFrame(
        {"symbol": ["L1", "L2"], "name": ["L one", "L two"], "source": "constituents_csv/sp500"}
    )
    st.write({"fundamentals": facts, "bars": bars, "holdings": holdings, "symbols": symbols})
    return st
