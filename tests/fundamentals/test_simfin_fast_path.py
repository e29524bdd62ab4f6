"""The pyarrow read of SimFin files gives what the line-by-line reader gives.

``parse_simfin_csv`` reads a well-formed file with pyarrow's CSV reader and falls back to the
``csv`` module (which names the line of any problem) otherwise; both must give the same rows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.data.formats import simfin
from sizeup.errors import ImportFormatError

HEADER = (
    'Ticker;SimFinId;Currency;"Fiscal Year";"Fiscal Period";"Report Date";"Publish Date";'
    '"Restated Date";"Shares (Diluted)";Revenue;"Net Income"\n'
)


@contextlib.contextmanager
def _line_reader_only() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(simfin, "_fast_wide", lambda raw, header: None)
        yield


def _both(body: bytes) -> tuple[object, object]:
    """Result (frame or error text) of the fast path and of the line reader."""

    def run() -> object:
        try:
            return simfin.parse_simfin_csv(body, name="f.csv")
        except ImportFormatError as exc:
            return f"error: {exc}"

    fast = run()
    with _line_reader_only():
        slow = run()
    return fast, slow


def _same(body: bytes) -> None:
    fast, slow = _both(body)
    if isinstance(slow, pd.DataFrame):
        assert isinstance(fast, pd.DataFrame), fast
        pd.testing.assert_frame_equal(fast, slow)
    else:
        assert fast == slow


@pytest.mark.parametrize(
    "rows",
    [
        "ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01;2021-03-01;1000;500;-20\n",
        # spaces around fields, quoted fields, a doubled quote, a missing final newline
        ' zzz ; 1 ;USD;" 2021";FY;2021-06-30;2021-09-01;2021-09-01; 1100 ;;"30"\n'
        'A""B;2;USD;2021;FY;2021-06-30;2021-09-01;2021-09-01;5;6;7',
        # a blank line and a row of empty fields (skipped by the line reader)
        "ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01;2021-03-01;1000;500;-20\n\n;;;;;;;;;;\n",
        # a quoted line break, CRLF line ends, a row with a missing field
        'ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01;2021-03-01;1000;"5\n00";-20\n',
        "ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01;2021-03-01;1000;500;-20\r\n",
        "ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01;2021-03-01;1000;500\n",
        # bad values keep the line reader's message and line number
        "ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01;2021-03-01;1000;500;-20\n"
        "ZZZ;1;USD;2021;FY;2021-13-31;2022-03-01;2022-03-01;1000;500;-20\n",
        "",
    ],
)
def test_fast_path_equals_the_line_reader(rows: str) -> None:
    _same((HEADER + rows).encode())


def test_fast_path_is_taken_on_a_plain_file() -> None:
    body = HEADER + "ZZZ;1;USD;2020;FY;2020-12-31;2021-03-01;2021-03-01;1000;500;-20\n"
    header = [h.strip().strip('"') for h in HEADER.strip().split(";")]
    got = simfin._fast_wide(body.encode(), header)
    assert got is not None
    wide, lines = got
    assert wide.shape == (1, 11) and lines.tolist() == [2]
    assert simfin._fast_wide((body + "\n").encode(), header) is None  # blank line: line reader


_field = st.text(alphabet=st.sampled_from(list('0123456789-. ;"aZ\n')), max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_field, min_size=10, max_size=12), max_size=5))
def test_fuzzed_rows_agree(rows: list[list[str]]) -> None:
    _same((HEADER + "\n".join(";".join(r) for r in rows)).encode())


@pytest.mark.shared_data
@pytest.mark.parametrize("kind", ["income", "balance", "cashflow"])
def test_real_files_agree(shared_data: Path, kind: str) -> None:
    body = (shared_data / f"fundamentals/simfin_us-{kind}-annual.csv.gz").read_bytes()
    raw = simfin.gunzip(body, "f")
    header = [h.strip().strip('"') for h in raw.split(b"\n", 1)[0].decode("utf-8-sig").split(";")]
    assert simfin._fast_wide(raw, header) is not None  # the real files take the fast path
    _same(body)
