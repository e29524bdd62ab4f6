"""The holdings read of ``load_membership``: a filter pushed to the files, not SQL (issue 10).

The old read was ``store.read("holdings", where="fund = ?", params=[fund])`` (a DuckDB query,
whose import alone costs ~0.1 s per command). The new one is a pyarrow dataset filter. On a
hand-made store of three funds written in two batches, both reads return the same frame, and
the membership built from it holds only the asked fund's snapshots.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.dataset as pds
import pytest

from sizeup.app._membership import load_membership
from sizeup.data.store import Store

T = pd.Timestamp


def _rows(fund: str, day: str, names: list[str], source: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i, sym in enumerate(names):
        out.append(
            {
                "fund": fund,
                "as_of": T(day),
                "symbol": sym,
                "name": None if i == 0 else f"{sym} Corp",
                "asset_class": "Equity",
                "weight": float("nan") if i == 1 else 0.5 + i,
                "shares": 100.0 * (i + 1),
                "source": source,
            }
        )
    return out


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("holdings_reads") / "store"
    st = Store.open(path)
    first = [
        *_rows("TOY", "2024-03-28", ["B1", "A1"], "hand"),
        *_rows("TOYX", "2024-03-28", ["Z9"], "prefix"),  # a fund name TOY is a prefix of
        *_rows("OTHER", "2024-03-28", ["Q1", "Q2"], "other"),
    ]
    cash = {"fund": "TOY", "as_of": T("2024-03-28"), "symbol": "USD"}
    first.append(cash | {"asset_class": "Cash", "source": "hand"})
    st.write({"holdings": pd.DataFrame(first)})
    second = [
        *_rows("TOY", "2024-04-30", ["A1", "C3", "D4"], "hand2"),
        *_rows("OTHER", "2024-04-30", ["Q3"], "other"),
    ]
    st.write({"holdings": pd.DataFrame(second)})
    return path


@pytest.mark.parametrize("fund", ["TOY", "TOYX", "OTHER", "NONE"])
def test_filter_read_returns_what_the_sql_read_returned(store_path: Path, fund: str) -> None:
    st = Store(store_path)
    old = st.read("holdings", where="fund = ?", params=[fund])
    new = st.read("holdings", filter=pds.field("fund") == fund)
    pd.testing.assert_frame_equal(new, old)
    expected = {"TOY": 6, "TOYX": 1, "OTHER": 3, "NONE": 0}[fund]
    assert len(new) == expected


def test_membership_holds_only_the_asked_fund(store_path: Path) -> None:
    uni = load_membership(Store(store_path), "toy", as_of="2024-05-01")
    assert uni.fund == "TOY"
    assert list(uni.stored) == [T("2024-03-28"), T("2024-04-30")]
    # members of either snapshot read (TOY's only: no Z9, Q1..Q3, no USD cash row)
    assert uni.symbols == ("A1", "B1", "C3", "D4")
    assert uni.sources == ("hand", "hand2")  # not "prefix" (TOYX) nor "other"
    early = load_membership(Store(store_path), "TOY", as_of="2024-04-01")
    assert early.symbols == ("A1", "B1")  # the 03-28 snapshot only
    assert load_membership(Store(store_path), "NONE").empty


def test_membership_read_does_not_import_duckdb(store_path: Path) -> None:
    code = (
        "import sys\n"
        "from sizeup.app._membership import load_membership\n"
        "from sizeup.data.store import Store\n"
        f"uni = load_membership(Store({str(store_path)!r}), 'TOY')\n"
        "assert uni.symbols == ('A1', 'B1', 'C3', 'D4'), uni.symbols\n"
        "print('duckdb' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"
