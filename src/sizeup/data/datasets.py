"""The embedded offline sample: real market data shipped in the arch and linearmodels wheels.

Nothing here touches the network. The files are read straight from the installed packages'
folders (located with :func:`importlib.util.find_spec`, so neither package is imported) and parsed
here, with explicit date formats, because ``arch.data.frenchdata.load()`` turns ``192607`` into a
nanosecond offset from 1970 under pandas 3.

Datasets
--------
- :func:`load_sp500`, :func:`load_nasdaq`: ``arch/data/{sp500,nasdaq}/*.csv.gz``, S&P 500 and
  NASDAQ Composite daily OHLCV, 1999-01-04 .. 2018-12-31.
- :func:`load_ff_factors`: ``arch/data/frenchdata/frenchdata.csv.gz``, Fama-French market,
  size and value factors and the risk-free rate, monthly 1926-07 .. 2018-11.
- :func:`load_ff_momentum`, :func:`load_size_value_portfolios`,
  :func:`load_size_momentum_portfolios`, :func:`load_industry_portfolios`:
  ``linearmodels/datasets/french/french.csv.bz2``, monthly 1949-01 .. 2017-03.
- :func:`load_corporate_yields`: ``arch/data/default/default.csv.gz``, Moody's AAA and BAA
  yields, monthly 1919-01 .. 2018-12.

Units
-----
Returns (factors and portfolios) are **decimal fractions** per month (the arch factor file is in
percent and is divided by 100 here; the linearmodels file is already in decimals). Index levels
are index points, volume is shares. Bond yields are **percent per year**, as FRED publishes them.
Missing-value markers of the French library (``-99.99`` / ``-999`` in percent files,
``-0.9999`` / ``-9.99`` in decimal files) become NaN; none occur in the shipped files.

Dates
-----
Daily files: the trading date. French monthly returns: the month's **last calendar day**
(``1926-07-31``). AAA/BAA: the **first day of the month**, FRED's observation date for monthly
averages (``1919-01-01``).

Store ids written by :func:`import_sample`
------------------------------------------
- bars ``^GSPC`` and ``^IXIC``, source ``"sample/arch"``.
- series (source ``"sample/arch"``, vintage ``""`` since the file names none):
  ``FF:MKT-RF:M``, ``FF:SMB:M``, ``FF:HML:M``, ``FF:RF:M`` (decimal) and ``FRED:AAA``,
  ``FRED:BAA`` (percent).
- series (source ``"sample/linearmodels"``, vintage ``""``): ``FF:MOM:M``; size x book-to-market
  portfolios ``FF:25P:S<i>V<j>:M`` (``S1`` smallest size quintile, ``S5`` largest; ``V1`` lowest
  book-to-market, ``V5`` highest; i, j in 1, 3, 5); size x momentum portfolios
  ``FF:25PM:S<i>M<j>:M`` (``M1`` losers, ``M5`` winners); industries ``FF:IND12:<NAME>:M``
  (``NODUR``, ``DURBL``, ``MANUF``, ``ENRGY``, ``CHEMS``, ``BUSEQ``, ``TELCM``, ``UTILS``,
  ``SHOPS``, ``HLTH``, ``MONEY``, ``OTHER``).

Original providers: Yahoo Finance for the indices (the files have Yahoo's download layout with
``Adj Close``),
the Kenneth R. French Data Library (CRSP based) for factors and portfolios, Moody's via FRED for
AAA/BAA. The French portfolios use all CRSP firms at each date, delisted ones included, so they
carry no survivorship bias from current membership.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from sizeup.data.store import Store, UpsertResult
from sizeup.errors import DataError, ImportFormatError

__all__ = [
    "SAMPLE_DATASETS",
    "SAMPLE_SOURCE_ARCH",
    "SAMPLE_SOURCE_LINEARMODELS",
    "SampleDataset",
    "describe_sample",
    "import_sample",
    "load_corporate_yields",
    "load_ff_factors",
    "load_ff_momentum",
    "load_industry_portfolios",
    "load_nasdaq",
    "load_size_momentum_portfolios",
    "load_size_value_portfolios",
    "load_sp500",
    "sample_bars",
    "sample_series",
]

log = logging.getLogger(__name__)

SAMPLE_SOURCE_ARCH: Final = "sample/arch"
"""Store ``source`` of rows read from the arch wheel."""
SAMPLE_SOURCE_LINEARMODELS: Final = "sample/linearmodels"
"""Store ``source`` of rows read from the linearmodels wheel."""

_OHLCV: Final = {
    "Open": "open",
    "High": "high",
    "Low": "low",
    "Close": "close",
    "Adj Close": "adj_close",
    "Volume": "volume",
}
_FACTORS: Final = {"Mkt-RF": "mkt_rf", "SMB": "smb", "HML": "hml", "RF": "rf"}
_SIZE_VALUE: Final = ("S1V1", "S1V3", "S1V5", "S3V1", "S3V3", "S3V5", "S5V1", "S5V3", "S5V5")
_SIZE_MOM: Final = ("S1M1", "S1M3", "S1M5", "S3M1", "S3M3", "S3M5", "S5M1", "S5M3", "S5M5")
_INDUSTRIES: Final = (
    "NoDur",
    "Durbl",
    "Manuf",
    "Enrgy",
    "Chems",
    "BusEq",
    "Telcm",
    "Utils",
    "Shops",
    "Hlth",
    "Money",
    "Other",
)
_MISSING_PERCENT: Final = (-99.99, -999.0)
_MISSING_DECIMAL: Final = (-0.9999, -9.99)


# ---------------------------------------------------------------------------------- file access
def _package_file(package: str, *parts: str) -> Path:
    """Locate a data file inside an installed package without importing the package."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise DataError(
            f"the offline sample needs the installed package {package!r}, which was not found; "
            f"install sizeup's dependencies (it requires arch and linearmodels)"
        )
    path = Path(locations[0]).joinpath(*parts)
    if not path.is_file():
        raise DataError(
            f"sample file {'/'.join(parts)} is missing from the installed {package!r} package "
            f"at {locations[0]}; reinstall {package}"
        )
    return path


def _read_csv(path: Path, *, date_column: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype={date_column: str})
    except (OSError, ValueError, EOFError) as exc:
        raise ImportFormatError(f"cannot read the bundled CSV: {exc}", path=str(path)) from exc


def _parse_dates(raw: pd.Series, fmt: str, path: Path, column: str) -> pd.DatetimeIndex:
    text = raw.astype(str).str.strip()
    parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ImportFormatError(
            f"column {column!r}: value {text.iloc[first]!r} is not a date in format {fmt!r}",
            path=str(path),
            line=first + 2,
        )
    index = pd.DatetimeIndex(pd.DatetimeIndex(parsed).astype("datetime64[ns]"))
    if not index.is_monotonic_increasing or index.has_duplicates:
        raise ImportFormatError(
            f"column {column!r}: dates are not strictly increasing", path=str(path)
        )
    return index


def _numeric(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    path: Path,
    *,
    missing: tuple[float, ...],
    scale: float = 1.0,
) -> pd.DataFrame:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise ImportFormatError(
            f"columns {absent} are missing; found {list(frame.columns)}", path=str(path)
        )
    out = pd.DataFrame(index=frame.index)
    for raw_name, name in columns.items():
        try:
            values = pd.to_numeric(frame[raw_name], errors="raise").astype("float64")
        except (ValueError, TypeError) as exc:
            raise ImportFormatError(
                f"column {raw_name!r} holds non-numeric values: {exc}", path=str(path)
            ) from exc
        values = values.mask(values.isin(missing))
        out[name] = values * scale
    return out


# ---------------------------------------------------------------------------------- loaders
def _load_daily_index(folder: str) -> pd.DataFrame:
    path = _package_file("arch", "data", folder, f"{folder}.csv.gz")
    raw = _read_csv(path, date_column="Date")
    frame = _numeric(raw, _OHLCV, path, missing=())
    frame.index = _parse_dates(raw["Date"], "%m/%d/%Y", path, "Date")
    frame.index.name = "date"
    return frame


def load_sp500() -> pd.DataFrame:
    """S&P 500 index, daily, 1999-01-04 .. 2018-12-31 (from the arch wheel).

    Returns
    -------
    pandas.DataFrame
        5,031 rows indexed by trading date (``DatetimeIndex`` named ``date``); columns ``open``,
        ``high``, ``low``, ``close``, ``adj_close`` (index points; ``adj_close == close`` for
        an index) and ``volume`` (shares).
    """
    return _load_daily_index("sp500")


def load_nasdaq() -> pd.DataFrame:
    """NASDAQ Composite index, daily, 1999-01-04 .. 2018-12-31 (from the arch wheel).

    Returns
    -------
    pandas.DataFrame
        Same layout as :func:`load_sp500`.
    """
    return _load_daily_index("nasdaq")


def _month_end(raw: pd.Series, fmt: str, path: Path, column: str) -> pd.DatetimeIndex:
    first_days = _parse_dates(raw, fmt, path, column)
    if not (first_days.day == 1).all():
        raise ImportFormatError(
            f"column {column!r}: monthly dates must fall on the first of the month",
            path=str(path),
        )
    return pd.DatetimeIndex(first_days + pd.offsets.MonthEnd(0), name="date")


def load_ff_factors() -> pd.DataFrame:
    """Fama-French three factors and the risk-free rate, monthly (from the arch wheel).

    Returns
    -------
    pandas.DataFrame
        1,109 rows, 1926-07-31 .. 2018-11-30, indexed by month end; columns ``mkt_rf``,
        ``smb``, ``hml``, ``rf`` as **decimal fractions** per month (the file holds percent).

    Notes
    -----
    The file's ``Date`` column is ``YYYYMM`` and is parsed here with that explicit format;
    ``arch.data.frenchdata.load()`` misreads it under pandas 3. The file does not name its
    CRSP vintage (its 1926-07 SMB is -2.30 %, unlike both the 202108 and the 2024 vintages).
    """
    path = _package_file("arch", "data", "frenchdata", "frenchdata.csv.gz")
    raw = _read_csv(path, date_column="Date")
    frame = _numeric(raw, _FACTORS, path, missing=_MISSING_PERCENT, scale=0.01)
    frame.index = _month_end(raw["Date"], "%Y%m", path, "Date")
    return frame


def _load_linearmodels_french(columns: Mapping[str, str]) -> pd.DataFrame:
    path = _package_file("linearmodels", "datasets", "french", "french.csv.bz2")
    raw = _read_csv(path, date_column="dates")
    frame = _numeric(raw, columns, path, missing=_MISSING_DECIMAL)
    frame.index = _month_end(raw["dates"], "%Y-%m-%d", path, "dates")
    return frame


def load_ff_momentum() -> pd.DataFrame:
    """Fama-French momentum factor, monthly 1949-01-31 .. 2017-03-31 (linearmodels wheel).

    Returns
    -------
    pandas.DataFrame
        819 rows indexed by month end; column ``mom`` as decimal fraction per month.
    """
    return _load_linearmodels_french({"Mom": "mom"})


def load_size_value_portfolios() -> pd.DataFrame:
    """Nine of French's 25 size x book-to-market portfolios, monthly (linearmodels wheel).

    Returns
    -------
    pandas.DataFrame
        819 rows, 1949-01-31 .. 2017-03-31, indexed by month end; columns ``s1v1`` .. ``s5v5``
        (size quintile 1 = smallest, 5 = largest; value quintile 1 = lowest book-to-market,
        5 = highest), monthly returns as decimal fractions.
    """
    return _load_linearmodels_french({c: c.lower() for c in _SIZE_VALUE})


def load_size_momentum_portfolios() -> pd.DataFrame:
    """Nine of French's 25 size x momentum portfolios, monthly (linearmodels wheel).

    Returns
    -------
    pandas.DataFrame
        819 rows, 1949-01-31 .. 2017-03-31; columns ``s1m1`` .. ``s5m5`` (momentum quintile 1 =
        losers, 5 = winners), monthly returns as decimal fractions.
    """
    return _load_linearmodels_french({c: c.lower() for c in _SIZE_MOM})


def load_industry_portfolios() -> pd.DataFrame:
    """French's 12 industry portfolios, monthly (linearmodels wheel).

    Returns
    -------
    pandas.DataFrame
        819 rows, 1949-01-31 .. 2017-03-31; columns ``nodur``, ``durbl``, ``manuf``, ``enrgy``,
        ``chems``, ``buseq``, ``telcm``, ``utils``, ``shops``, ``hlth``, ``money``, ``other``;
        monthly returns as decimal fractions.
    """
    return _load_linearmodels_french({c: c.lower() for c in _INDUSTRIES})


def load_corporate_yields() -> pd.DataFrame:
    """Moody's seasoned AAA and BAA corporate bond yields, monthly (from the arch wheel).

    Returns
    -------
    pandas.DataFrame
        1,200 rows, 1919-01-01 .. 2018-12-01, indexed by the first day of the month (FRED's
        observation date for monthly averages); columns ``aaa`` and ``baa`` in **percent per
        year**, as published.
    """
    path = _package_file("arch", "data", "default", "default.csv.gz")
    raw = _read_csv(path, date_column="Date")
    frame = _numeric(raw, {"AAA": "aaa", "BAA": "baa"}, path, missing=())
    frame.index = pd.DatetimeIndex(_parse_dates(raw["Date"], "%m/%d/%Y", path, "Date"), name="date")
    return frame


# ---------------------------------------------------------------------------------- catalogue
@dataclass(frozen=True)
class SampleDataset:
    """One dataset of the offline sample.

    Parameters
    ----------
    name
        Short name.
    loader
        Function returning the frame.
    package
        Wheel that ships the file.
    file
        Path of the file inside the package.
    provider
        Original provider of the data.
    units
        Units of the values.
    frequency
        ``"daily"`` or ``"monthly"``.
    """

    name: str
    loader: Callable[[], pd.DataFrame]
    package: str
    file: str
    provider: str
    units: str
    frequency: str


_LM_FILE: Final = "datasets/french/french.csv.bz2"
_FRENCH: Final = "Kenneth R. French Data Library (CRSP)"
SAMPLE_DATASETS: Final[tuple[SampleDataset, ...]] = (
    SampleDataset(
        "sp500",
        load_sp500,
        "arch",
        "data/sp500/sp500.csv.gz",
        "Yahoo Finance (^GSPC)",
        "index points",
        "daily",
    ),
    SampleDataset(
        "nasdaq",
        load_nasdaq,
        "arch",
        "data/nasdaq/nasdaq.csv.gz",
        "Yahoo Finance (^IXIC)",
        "index points",
        "daily",
    ),
    SampleDataset(
        "ff_factors",
        load_ff_factors,
        "arch",
        "data/frenchdata/frenchdata.csv.gz",
        _FRENCH,
        "decimal fraction per month",
        "monthly",
    ),
    *(
        SampleDataset(
            name, loader, "linearmodels", _LM_FILE, _FRENCH, "decimal fraction per month", "monthly"
        )
        for name, loader in (
            ("ff_momentum", load_ff_momentum),
            ("size_value_portfolios", load_size_value_portfolios),
            ("size_momentum_portfolios", load_size_momentum_portfolios),
            ("industry_portfolios", load_industry_portfolios),
        )
    ),
    SampleDataset(
        "corporate_yields",
        load_corporate_yields,
        "arch",
        "data/default/default.csv.gz",
        "Moody's via FRED (AAA, BAA)",
        "percent per year",
        "monthly",
    ),
)


def describe_sample() -> pd.DataFrame:
    """List every dataset of the offline sample with its coverage.

    Returns
    -------
    pandas.DataFrame
        One row per dataset: ``dataset``, ``package``, ``file``, ``provider``, ``frequency``,
        ``units``, ``columns`` (comma-separated), ``first``, ``last``, ``rows``, ``missing``
        (NaN values over all columns).
    """
    rows = []
    for ds in SAMPLE_DATASETS:
        frame = ds.loader()
        rows.append(
            {
                "dataset": ds.name,
                "package": ds.package,
                "file": ds.file,
                "provider": ds.provider,
                "frequency": ds.frequency,
                "units": ds.units,
                "columns": ", ".join(frame.columns),
                "first": frame.index.min(),
                "last": frame.index.max(),
                "rows": len(frame),
                "missing": int(frame.isna().to_numpy().sum()),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------- store rows
_INDEX_SYMBOLS: Final = {"^GSPC": load_sp500, "^IXIC": load_nasdaq}


def sample_bars() -> pd.DataFrame:
    """Return the sample's index bars as rows of the ``bars`` table (``^GSPC``, ``^IXIC``).

    Returns
    -------
    pandas.DataFrame
        Tidy rows: symbol, date, open, high, low, close, adj_close, volume, source
        (``"sample/arch"``).
    """
    parts = []
    for symbol, loader in _INDEX_SYMBOLS.items():
        frame = loader().reset_index()
        frame.insert(0, "symbol", symbol)
        frame["source"] = SAMPLE_SOURCE_ARCH
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _tidy(frame: pd.DataFrame, ids: Mapping[str, str], source: str) -> pd.DataFrame:
    parts = []
    for column, series_id in ids.items():
        values = frame[column].dropna()
        parts.append(
            pd.DataFrame(
                {
                    "series_id": series_id,
                    "date": values.index,
                    "value": values.to_numpy(),
                    "source": source,
                    "vintage": "",
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def sample_series() -> pd.DataFrame:
    """Return the sample's factors, portfolios and yields as rows of the ``series`` table.

    Returns
    -------
    pandas.DataFrame
        Tidy rows: series_id, date, value, source, vintage. Ids and units are listed in the
        module docstring; NaN values are left out.
    """
    factors = load_ff_factors()
    yields = load_corporate_yields()
    parts = [
        _tidy(
            factors,
            {"mkt_rf": "FF:MKT-RF:M", "smb": "FF:SMB:M", "hml": "FF:HML:M", "rf": "FF:RF:M"},
            SAMPLE_SOURCE_ARCH,
        ),
        _tidy(yields, {"aaa": "FRED:AAA", "baa": "FRED:BAA"}, SAMPLE_SOURCE_ARCH),
        _tidy(load_ff_momentum(), {"mom": "FF:MOM:M"}, SAMPLE_SOURCE_LINEARMODELS),
    ]
    groups: tuple[tuple[pd.DataFrame, str], ...] = (
        (load_size_value_portfolios(), "FF:25P:{}:M"),
        (load_size_momentum_portfolios(), "FF:25PM:{}:M"),
        (load_industry_portfolios(), "FF:IND12:{}:M"),
    )
    for frame, pattern in groups:
        ids = {c: pattern.format(c.upper()) for c in frame.columns}
        parts.append(_tidy(frame, ids, SAMPLE_SOURCE_LINEARMODELS))
    return pd.concat(parts, ignore_index=True)


def import_sample(store: Store) -> dict[str, UpsertResult]:
    """Write the offline sample into a store (idempotent upsert).

    Parameters
    ----------
    store
        Target store.

    Returns
    -------
    dict
        ``{"bars": UpsertResult, "series": UpsertResult}``.

    Raises
    ------
    DataError
        A bundled file is missing or malformed (nothing is written).
    StoreError
        The store cannot be written.
    """
    frames = {"bars": sample_bars(), "series": sample_series()}
    result = store.write(frames)
    for name, res in result.items():
        log.info(
            "sample %s: %d rows in, %d added, %d files written",
            name,
            res.rows_in,
            res.rows_added,
            res.files_written,
        )
    return result
