"""import_paths / read_file on small hand-made files, and garbage fuzzing of every parser."""

from __future__ import annotations

import contextlib
import gzip
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.data.formats.fred import parse_fred_csv
from sizeup.data.formats.french import parse_french_csv
from sizeup.data.formats.ishares import parse_holdings_csv
from sizeup.data.formats.prices import parse_price_csv, parse_stooq_csv
from sizeup.data.ingest import import_paths, read_file
from sizeup.data.store import Store
from sizeup.errors import ImportFormatError


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def _tree(root: Path) -> Path:
    data = root / "data"
    (data / "etf").mkdir(parents=True)
    (data / "rates").mkdir()
    (data / "etf" / "IWM.csv").write_text(
        "Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10,10.2,9.5,10,1\n"
    )
    (data / "etf" / "IDX_RUT.csv.gz").write_bytes(
        gzip.compress(
            b"Date,Open,High,Low,Close,Adj Close,Volume\n"
            b"2023-12-29,2020,2030,2010,2027.07,2027.07,0\n"
        )
    )
    (data / "rates" / "DGS10.csv").write_text("Date,Value\n2023-12-29,3.88\n")
    (data / "rates" / ".hidden.csv").write_text("Date,Close\n2024-01-02,1\n")
    (data / "MANIFEST.md").write_text("# Manifest\n")
    (data / "broken.csv").write_text("Date,Close\n2024-01-02,not-a-number\n")
    return data


def test_import_paths_folder_sources_gz_skips_and_failures(tmp_path: Path) -> None:
    data = _tree(tmp_path)
    store = Store.open(tmp_path / "store")
    report = import_paths([data], store)
    by = {Path(f.path).name: f for f in report.files}
    assert ".hidden.csv" not in by
    assert by["MANIFEST.md"].status == "skipped"
    assert "not a market-data file" in by["MANIFEST.md"].message
    assert by["broken.csv"].status == "failed"
    assert "line 2" in by["broken.csv"].message and "not a number" in by["broken.csv"].message
    assert by["IWM.csv"].status == "imported" and by["IWM.csv"].suspicious == 0
    assert by["IDX_RUT.csv.gz"].format == "yahoo_csv"
    assert report.imported == 3 and report.failed == 1
    src = store.sources()
    assert set(zip(src.symbol, src.source, strict=True)) == {
        ("IWM", "yahoo_csv/etf"),
        ("^RUT", "yahoo_csv/etf"),
    }
    assert store.bars(["^RUT"]).iloc[0]["close"] == 2027.07
    series = store.series(["FRED:DGS10"])
    assert series.loc[pd.Timestamp("2023-12-29"), "FRED:DGS10"] == 3.88
    payloads = store.read("payloads")
    assert len(payloads) == 3 and (payloads["bytes"] > 0).all()
    before = _snapshot(store.root)
    again = import_paths([data], store)  # same content: recognised by digest, not parsed
    assert again.files_written == 0
    assert {f.status for f in again.files if f.ok} == {"unchanged"}
    assert _snapshot(store.root) == before
    forced = import_paths([data], store, force=True)  # parsed and upserted: still no change
    assert forced.files_written == 0
    assert {f.status for f in forced.files if f.ok} == {"unchanged"}
    assert _snapshot(store.root) == before
    (data / "rates" / "DGS10.csv").write_text("Date,Value\n2023-12-29,3.88\n2024-01-02,3.95\n")
    changed = import_paths([data], store)  # new content is parsed again, the rest is not
    assert [Path(f.path).name for f in changed.files if f.status == "imported"] == ["DGS10.csv"]
    assert store.series(["FRED:DGS10"]).iloc[-1, 0] == 3.95


def test_source_and_symbol_overrides_and_dry_run(tmp_path: Path) -> None:
    data = _tree(tmp_path)
    store = Store.open(tmp_path / "store")
    dry = import_paths([data / "etf" / "IWM.csv"], store, dry_run=True)
    assert dry.files[0].status == "dry-run" and dry.files[0].rows == 2
    assert _snapshot(store.root) == {}
    import_paths([data / "etf" / "IWM.csv"], store, source="mine", symbol="iwm2")
    assert set(store.sources()["source"]) == {"mine"}
    assert set(store.sources()["symbol"]) == {"IWM2"}


def test_failed_file_writes_nothing(tmp_path: Path) -> None:
    data = _tree(tmp_path)
    store = Store.open(tmp_path / "store")
    import_paths([data / "etf" / "IWM.csv"], store)
    before = _snapshot(store.root)
    # good header, then a bad line far down: nothing of the file may reach the store
    rows = "".join(f"2020-01-{d:02d},1,1,1,1,1\n" for d in range(1, 29))
    bad = data / "etf" / "QQQ.csv"
    bad.write_text("Date,Open,High,Low,Close,Volume\n" + rows + "2020-02-01,1,1,1,oops,1\n")
    report = import_paths([bad], store)
    assert report.files[0].status == "failed" and "line 30" in report.files[0].message
    assert _snapshot(store.root) == before


def test_read_file_reports_missing_and_unknown(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="cannot read the file"):
        read_file(tmp_path / "nope.csv")
    odd = tmp_path / "odd.txt"
    odd.write_text("hello;world\n")
    with pytest.raises(ImportFormatError, match="unrecognised format"):
        read_file(odd)


# ------------------------------------------------------------------------------- fuzzing
_PREFIXES = [
    b"",
    b"Date,Open,High,Low,Close,Adj Close,Volume\n",
    b"Date,Close\n",
    b"Date,AAA,BBB\n",
    b"Price,Close\nTicker,^RUT\nDate,\n",
    b"ticker,timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,"
    b"split_coefficient\n",
    b"DATE,DGS10\n",
    b"observation_date,DGS2\n",
    b"Date,Value\n",
    b",Mkt-RF,SMB,HML,RF\n",
    b"This file was created using the 202604 CRSP database.\n\nDate,Mom\n",
    b",<= 0,Lo 30,Med 40,Hi 30\n",
    b'\xef\xbb\xbfiShares Russell 2000 ETF\nFund Holdings as of,"May 05, 2026"\n',
    b"Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Quantity,Price\n",
    b"Symbol,Security,CIK\n",
    b"\x1f\x8b",
]
_garbage = st.tuples(
    st.sampled_from(_PREFIXES),
    st.one_of(
        st.binary(max_size=300),
        st.text(alphabet='0123456789-,.\n\r" ;eE+abc\u00a0', max_size=300).map(str.encode),
    ),
).map(lambda t: t[0] + t[1])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_garbage)
def test_parsers_raise_only_import_format_error(body: bytes) -> None:
    calls = [
        lambda: parse_price_csv(body, name="g", source="g", fallback_symbol="G"),
        lambda: parse_stooq_csv(body, name="g", symbol="g.us"),
        lambda: parse_fred_csv(body, name="g", series_id="G"),
        lambda: parse_french_csv(body, name="g"),
        lambda: parse_holdings_csv(body, name="g", fund="F", as_of="2026-01-01"),
    ]
    for call in calls:
        try:
            out = call()
        except ImportFormatError:
            continue
        assert out is not None


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(body=_garbage)
def test_read_file_and_import_garbage(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(body)
    with contextlib.suppress(ImportFormatError):
        read_file(path)
    store = Store.open(tmp_path / "s")
    before = _snapshot(store.root)
    report = import_paths([path], store)
    if report.files[0].status in ("failed", "skipped"):
        assert _snapshot(store.root) == before


def test_parser_guard_maps_malformed_input_only() -> None:
    """A parser bug (here a TypeError) surfaces as itself, not as a format error of the file."""
    import pytest

    from sizeup.data.formats.prices import _guard
    from sizeup.errors import ImportFormatError

    @_guard("test CSV")
    def bad_number(data: bytes, *, name: str) -> float:
        return float(data.decode())

    @_guard("test CSV")
    def buggy(data: bytes, *, name: str) -> float:
        return data + 1

    with pytest.raises(ImportFormatError, match=r"x\.csv: not a valid test CSV file"):
        bad_number(b"12,5", name="x.csv")
    with pytest.raises(TypeError):
        buggy(b"1", name="x.csv")
