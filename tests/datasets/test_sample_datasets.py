"""Loaders of the offline sample shipped inside the arch and linearmodels wheels.

Expected values are read by eye from the raw bundled files; the line numbers (1-based, header
= line 1) are those of the decompressed file, e.g. ``zcat .../sp500.csv.gz | sed -n 2206p``.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sizeup.data import datasets
from sizeup.data.datasets import (
    describe_sample,
    import_sample,
    load_corporate_yields,
    load_ff_factors,
    load_ff_momentum,
    load_industry_portfolios,
    load_nasdaq,
    load_size_momentum_portfolios,
    load_size_value_portfolios,
    load_sp500,
    sample_bars,
    sample_series,
)
from sizeup.data.store import Store
from sizeup.errors import DataError, ImportFormatError


def _pkg(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def _assert_month_ends(index: pd.DatetimeIndex) -> None:
    assert (index == index + pd.offsets.MonthEnd(0)).all()


# ------------------------------------------------------------------ shapes and date ranges
@pytest.mark.parametrize(
    ("loader", "rows", "columns", "first", "last"),
    [
        (
            load_sp500,
            5031,
            ["open", "high", "low", "close", "adj_close", "volume"],
            "1999-01-04",
            "2018-12-31",
        ),
        (
            load_nasdaq,
            5031,
            ["open", "high", "low", "close", "adj_close", "volume"],
            "1999-01-04",
            "2018-12-31",
        ),
        (load_ff_factors, 1109, ["mkt_rf", "smb", "hml", "rf"], "1926-07-31", "2018-11-30"),
        (load_ff_momentum, 819, ["mom"], "1949-01-31", "2017-03-31"),
        (
            load_size_value_portfolios,
            819,
            ["s1v1", "s1v3", "s1v5", "s3v1", "s3v3", "s3v5", "s5v1", "s5v3", "s5v5"],
            "1949-01-31",
            "2017-03-31",
        ),
        (
            load_size_momentum_portfolios,
            819,
            ["s1m1", "s1m3", "s1m5", "s3m1", "s3m3", "s3m5", "s5m1", "s5m3", "s5m5"],
            "1949-01-31",
            "2017-03-31",
        ),
        (
            load_industry_portfolios,
            819,
            [
                "nodur",
                "durbl",
                "manuf",
                "enrgy",
                "chems",
                "buseq",
                "telcm",
                "utils",
                "shops",
                "hlth",
                "money",
                "other",
            ],
            "1949-01-31",
            "2017-03-31",
        ),
        (load_corporate_yields, 1200, ["aaa", "baa"], "1919-01-01", "2018-12-01"),
    ],
)
def test_loader_shape_and_range(loader, rows, columns, first, last):
    frame = loader()
    assert frame.shape == (rows, len(columns))
    assert list(frame.columns) == columns
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.name == "date"
    assert frame.index[0] == pd.Timestamp(first)
    assert frame.index[-1] == pd.Timestamp(last)
    assert frame.index.is_monotonic_increasing and not frame.index.has_duplicates
    assert frame.index.dtype == np.dtype("datetime64[ns]")
    assert all(frame[c].dtype == np.float64 for c in frame.columns)
    assert not frame.isna().any().any()


def test_monthly_french_dates_are_consecutive_month_ends():
    for frame in (load_ff_factors(), load_size_value_portfolios()):
        _assert_month_ends(frame.index)
        expected = pd.date_range(frame.index[0], frame.index[-1], freq="ME")
        assert frame.index.equals(expected)


def test_yields_dated_first_of_month_every_month():
    frame = load_corporate_yields()
    assert (frame.index.day == 1).all()
    assert frame.index.equals(pd.date_range("1919-01-01", "2018-12-01", freq="MS"))


def test_french_dates_parse_under_pandas3_unlike_arch_loader():
    # arch's own loader reads YYYYMM with pd.to_datetime and, under pandas 3, gets 1970-01-01
    # plus 192607 nanoseconds; ours must give 1926-07-31 for the first row of the same file.
    first = load_ff_factors().index[0]
    assert (first.year, first.month, first.day) == (1926, 7, 31)
    assert load_ff_factors().index.year.min() == 1926


# ------------------------------------------------------------------ hand-checked raw values
def test_sp500_values_from_raw_lines():
    sp = load_sp500()
    # line 2: 1/4/1999,1229.22998,1248.810059,1219.099976,1228.099976,1228.099976,877000000
    row = sp.loc["1999-01-04"]
    assert row["open"] == pytest.approx(1229.22998)
    assert row["high"] == pytest.approx(1248.810059)
    assert row["low"] == pytest.approx(1219.099976)
    assert row["close"] == pytest.approx(1228.099976)
    assert row["volume"] == 877000000
    # line 2206: 10/9/2007,...,1565.150024 (close, the 2007 peak)
    assert sp.loc["2007-10-09", "close"] == pytest.approx(1565.150024)
    # line 2561: 3/9/2009,...,676.530029 (close, the 2009 trough)
    assert sp.loc["2009-03-09", "close"] == pytest.approx(676.530029)
    # lines 679-680: 9/10/2001 then 9/17/2001 (market closed after 9/11)
    assert sp.index[sp.index.get_loc(pd.Timestamp("2001-09-10")) + 1] == pd.Timestamp("2001-09-17")
    # last line 5032: 12/31/2018,...,2506.850098
    assert sp["close"].iloc[-1] == pytest.approx(2506.850098)


def test_nasdaq_values_from_raw_lines():
    nq = load_nasdaq()
    # line 2: 1/4/1999,2207.540039,2233.570068,2192.679932,2208.050049,2208.050049,936660000
    assert nq.loc["1999-01-04", "close"] == pytest.approx(2208.050049)
    assert nq.loc["1999-01-04", "volume"] == 936660000
    # line 301: 3/10/2000,5060.339844,5132.52002,5039.350098,5048.620117,... (dot-com peak)
    assert nq.loc["2000-03-10", "close"] == pytest.approx(5048.620117)
    assert nq.loc["2000-03-10", "high"] == pytest.approx(5132.52002)
    # line 5032: 12/31/2018,...,6635.279785
    assert nq.loc["2018-12-31", "adj_close"] == pytest.approx(6635.279785)


def test_ff_factor_values_are_percent_over_100():
    ff = load_ff_factors()
    # line 2: 192607,2.96,-2.3,-2.87,0.22
    assert ff.loc["1926-07-31"].tolist() == pytest.approx([0.0296, -0.023, -0.0287, 0.0022])
    # line 728: 198701,12.47,-1.81,-3.18,0.42
    assert ff.loc["1987-01-31"].tolist() == pytest.approx([0.1247, -0.0181, -0.0318, 0.0042])
    # line 884: 200001,-4.74,4.95,-0.31,0.41
    assert ff.loc["2000-01-31", "smb"] == pytest.approx(0.0495)
    # line 1110: 201811,1.69,-0.75,0.22,0.18
    assert ff.loc["2018-11-30"].tolist() == pytest.approx([0.0169, -0.0075, 0.0022, 0.0018])


def test_linearmodels_values_from_raw_line_467():
    # french.csv.bz2 line 467 (1987-10-01): MktRF -0.2324, SMB -0.0842, HML 0.0423, Mom -0.0786,
    # RF 0.006, NoDur -0.2103 ... Other -0.2924, S1V1 -0.3423 ... S5V5 -0.1873,
    # S1M1 -0.2909 ... S5M5 -0.2488.
    day = "1987-10-31"
    assert load_ff_momentum().loc[day, "mom"] == pytest.approx(-0.0786)
    sv = load_size_value_portfolios().loc[day]
    assert sv.tolist() == pytest.approx(
        [-0.3423, -0.287, -0.2888, -0.2979, -0.2429, -0.2617, -0.2164, -0.2171, -0.1873]
    )
    sm = load_size_momentum_portfolios().loc[day]
    assert sm.tolist() == pytest.approx(
        [-0.2909, -0.2805, -0.3274, -0.207, -0.2557, -0.3293, -0.1329, -0.2114, -0.2488]
    )
    ind = load_industry_portfolios().loc[day]
    assert ind["nodur"] == pytest.approx(-0.2103)
    assert ind["utils"] == pytest.approx(-0.0694)
    assert ind["other"] == pytest.approx(-0.2924)
    # line 2 (1949-01-01): Mom -0.0292 (4th value), Other 0.0062 (17th), S1V1 -0.0071 (18th),
    # S1V3 0.0534 (19th)
    assert load_ff_momentum().iloc[0, 0] == pytest.approx(-0.0292)
    assert load_industry_portfolios().iloc[0]["other"] == pytest.approx(0.0062)
    assert load_size_value_portfolios().iloc[0, 0] == pytest.approx(-0.0071)
    assert load_size_value_portfolios().iloc[0, 1] == pytest.approx(0.0534)


def test_corporate_yields_from_raw_lines():
    y = load_corporate_yields()
    # line 2: 1/1/1919,5.35,7.12 ; line 1079: 10/1/2008,6.28,8.88 ; line 1201: 12/1/2018,4.02,5.13
    assert y.loc["1919-01-01"].tolist() == pytest.approx([5.35, 7.12])
    assert y.loc["2008-10-01"].tolist() == pytest.approx([6.28, 8.88])
    assert y.loc["2018-12-01"].tolist() == pytest.approx([4.02, 5.13])


def test_ff_factors_match_independent_csv_read():
    path = _pkg("arch") / "data" / "frenchdata" / "frenchdata.csv.gz"
    with gzip.open(path, "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Date", "Mkt-RF", "SMB", "HML", "RF"]
    smb = np.array([float(r[2]) for r in rows[1:]]) / 100.0
    assert np.allclose(load_ff_factors()["smb"].to_numpy(), smb, rtol=0, atol=1e-15)


def test_linearmodels_file_is_decimal_not_percent():
    path = _pkg("linearmodels") / "datasets" / "french" / "french.csv.bz2"
    with bz2.open(path, "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    mom = np.array([float(r[header.index("Mom")]) for r in rows[1:]])
    assert np.abs(mom).max() < 1.0  # decimals: the worst month is -34.58 %
    assert np.allclose(load_ff_momentum()["mom"].to_numpy(), mom)


# ------------------------------------------------------------------ catalogue
def test_describe_sample_lists_every_dataset():
    desc = describe_sample()
    assert list(desc["dataset"]) == [
        "sp500",
        "nasdaq",
        "ff_factors",
        "ff_momentum",
        "size_value_portfolios",
        "size_momentum_portfolios",
        "industry_portfolios",
        "corporate_yields",
    ]
    by = desc.set_index("dataset")
    assert by.loc["sp500", "rows"] == 5031
    assert by.loc["ff_factors", "first"] == pd.Timestamp("1926-07-31")
    assert by.loc["ff_factors", "last"] == pd.Timestamp("2018-11-30")
    assert by.loc["corporate_yields", "units"] == "percent per year"
    assert by.loc["ff_factors", "units"] == "decimal fraction per month"
    assert (desc["missing"] == 0).all()
    assert set(desc["package"]) == {"arch", "linearmodels"}


# ------------------------------------------------------------------ errors
def test_missing_package_is_a_data_error(monkeypatch):
    monkeypatch.setattr(datasets.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(DataError, match="'arch'"):
        load_sp500()


def test_malformed_date_names_file_and_line(tmp_path, monkeypatch):
    bad = tmp_path / "sp500.csv.gz"
    with gzip.open(bad, "wt") as handle:
        handle.write("Date,Open,High,Low,Close,Adj Close,Volume\n")
        handle.write("1/4/1999,1,1,1,1,1,1\n")
        handle.write("1999-01-05,1,1,1,1,1,1\n")
    monkeypatch.setattr(datasets, "_package_file", lambda *parts: bad)
    with pytest.raises(ImportFormatError, match=r"line 3.*'1999-01-05'"):
        load_sp500()


def test_french_missing_marker_becomes_nan(tmp_path, monkeypatch):
    f = tmp_path / "frenchdata.csv.gz"
    with gzip.open(f, "wt") as handle:
        handle.write("Date,Mkt-RF,SMB,HML,RF\n192607,2.96,-99.99,-2.87,0.22\n192608,1,2,3,-999\n")
    monkeypatch.setattr(datasets, "_package_file", lambda *parts: f)
    ff = load_ff_factors()
    assert np.isnan(ff.loc["1926-07-31", "smb"])
    assert np.isnan(ff.loc["1926-08-31", "rf"])
    assert ff.loc["1926-08-31", "hml"] == pytest.approx(0.03)


# ------------------------------------------------------------------ store rows
def test_sample_rows_and_ids():
    bars = sample_bars()
    assert set(bars["symbol"]) == {"^GSPC", "^IXIC"}
    assert set(bars["source"]) == {"sample/arch"}
    assert len(bars) == 2 * 5031
    series = sample_series()
    ids = set(series["series_id"])
    for sid in (
        "FF:MKT-RF:M",
        "FF:SMB:M",
        "FF:HML:M",
        "FF:RF:M",
        "FF:MOM:M",
        "FRED:AAA",
        "FRED:BAA",
    ):
        assert sid in ids
    assert {f"FF:25P:S{i}V{j}:M" for i in (1, 3, 5) for j in (1, 3, 5)} <= ids
    assert {f"FF:25PM:S{i}M{j}:M" for i in (1, 3, 5) for j in (1, 3, 5)} <= ids
    assert "FF:IND12:NODUR:M" in ids and "FF:IND12:HLTH:M" in ids
    assert len(ids) == 4 + 2 + 1 + 9 + 9 + 12
    src = series.groupby("series_id")["source"].first()
    assert src["FF:SMB:M"] == "sample/arch"
    assert src["FRED:AAA"] == "sample/arch"
    assert src["FF:MOM:M"] == "sample/linearmodels"
    assert src["FF:25P:S1V1:M"] == "sample/linearmodels"
    assert set(series["vintage"]) == {""}


def test_import_sample_into_store_round_trip(tmp_path):
    store = Store.open(tmp_path / "data")
    result = import_sample(store)
    assert result["bars"].rows_added == 2 * 5031
    assert result["series"].rows_added == len(sample_series())

    wide = store.series(["FF:SMB:M", "FRED:BAA", "FF:25P:S5V5:M"])
    assert wide.loc["1926-07-31", "FF:SMB:M"] == pytest.approx(-0.023)
    assert wide.loc["2018-11-30", "FF:SMB:M"] == pytest.approx(-0.0075)
    assert wide.loc["2008-10-01", "FRED:BAA"] == pytest.approx(8.88)  # percent, as published
    assert wide.loc["1987-10-31", "FF:25P:S5V5:M"] == pytest.approx(-0.1873)
    assert wide["FF:SMB:M"].notna().sum() == 1109

    panel = store.panel(["^GSPC", "^IXIC"], field="close")
    assert panel.shape == (5031, 2)
    assert panel.loc["2009-03-09", "^GSPC"] == pytest.approx(676.530029)
    src = store.sources(["^GSPC"])
    assert src.loc[src["preferred"], "source"].tolist() == ["sample/arch"]

    again = import_sample(store)
    assert again["bars"].files_written == 0 and again["series"].files_written == 0
