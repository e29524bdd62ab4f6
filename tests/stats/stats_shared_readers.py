"""Test-side readers of ../shared/data for the statistics tests (independent of sizeup's importers).

They parse the real files in place (nothing is copied) and serve them in the shapes the store API
gives: wide price frames by symbol and wide series frames by id (French factors in decimals).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

FACTOR_FILE = "french/F-F_Research_Data_Factors_full_202412.CSV"
ME_FILE = "french/Portfolios_Formed_on_ME_full_202412.CSV"


def read_french_monthly_block(path: Path) -> pd.DataFrame:
    """First (monthly) block of a French CSV (YYYYMM rows up to the first other line), decimals."""
    lines = path.read_text().splitlines()
    header = [c.strip() for c in lines[0].split(",")]
    rows: list[list[str]] = []
    for line in lines[1:]:
        parts = [c.strip() for c in line.split(",")]
        if len(parts[0]) == 6 and parts[0].isdigit():
            rows.append(parts)
        elif rows:
            break
    frame = pd.DataFrame([r[1:] for r in rows], columns=header[1:], dtype="float64") / 100.0
    frame = frame.where(frame > -0.9999)  # -99.99 = missing
    frame.index = pd.DatetimeIndex(
        [pd.Period(f"{r[0][:4]}-{r[0][4:]}", freq="M").end_time.normalize() for r in rows]
    )
    return frame


def read_french_daily(path: Path) -> pd.DataFrame:
    """Daily French factors (202604 vintage: ISO dates, 'Date' header after a preamble)."""
    raw = pd.read_csv(path, skiprows=4, index_col=0, dtype=str)
    raw = raw[raw.index.astype(str).str.match(r"^\d{4}-\d{2}-\d{2}$")]
    frame = raw.apply(lambda c: pd.to_numeric(c.str.strip())) / 100.0
    frame.index = pd.DatetimeIndex(raw.index)
    return frame


def _yf_multiheader(path: Path, column: str = "Close") -> pd.Series:
    frame = pd.read_csv(path, skiprows=[1, 2], index_col=0)
    s = frame[column].astype("float64")
    s.index = pd.DatetimeIndex(s.index)
    return s


def _simple(path: Path, column: str | int = 0) -> pd.Series:
    frame = pd.read_csv(path, index_col=0)
    s = frame.iloc[:, column] if isinstance(column, int) else frame[column]
    s = s.astype("float64")
    s.index = pd.DatetimeIndex(s.index)
    return s.sort_index()


def _splice(*parts: pd.Series) -> pd.Series:
    out = parts[0].dropna()
    for part in parts[1:]:
        later = part.dropna()
        out = pd.concat([out, later[later.index > out.index[-1]]])
    return out


class SharedData:
    """In-memory data access over ../shared/data (implements sizeup.claims._check.ClaimData)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # ---------------------------------------------------------------- prices
    @functools.cache  # noqa: B019 - one instance per session
    def index_close(self, symbol: str) -> pd.Series:
        d = self.root / "indexes"
        if symbol == "^RUT":
            s = _splice(
                _simple(d / "RUT_1987_2024_hjyssg.csv.gz", "Close"),
                _simple(d / "RUT_close_1999_2025_chatterjee.csv"),
                _yf_multiheader(d / "RUT_2021_2026_shresth.csv"),
            )
        elif symbol == "^GSPC":
            s = _splice(
                _yf_multiheader(d / "SPX_1927_2026_hjyssg.csv.gz"),
                _yf_multiheader(d / "GSPC_2021_2026_shresth.csv"),
            )
        else:
            raise KeyError(symbol)
        return s.rename(symbol)

    @functools.cache  # noqa: B019 - one instance per session
    def etf_adjclose(self, symbol: str) -> pd.Series | None:
        path = self.root / "etf_adjclose_dsturdy" / f"{symbol}.csv"
        if not path.exists():
            return None
        return _simple(path, "Close").rename(symbol)

    @functools.cached_property
    def members_matrix(self) -> pd.DataFrame:
        frame = pd.read_csv(
            self.root / "xsec" / "iwm_members_adjclose_2000_2026.csv.gz",
            index_col=0,
            engine="pyarrow",
        )
        frame.index = pd.DatetimeIndex(frame.index)
        return frame.astype("float64")

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        cols: dict[str, pd.Series] = {}
        member_syms = []
        for sym in symbols:
            if sym in ("^RUT", "^GSPC"):
                cols[sym] = self.index_close(sym)  # index levels: close == adj_close
            elif field == "adj_close" and (s := self.etf_adjclose(sym)) is not None:
                cols[sym] = s
            elif field == "adj_close":
                member_syms.append(sym)
        frame = pd.concat(cols, axis=1, sort=True) if cols else pd.DataFrame()
        if member_syms:
            m = self.members_matrix
            have = [s for s in member_syms if s in m.columns]
            frame = m[have] if frame.empty else frame.join(m[have], how="outer")
        return frame

    # ---------------------------------------------------------------- series
    @functools.cached_property
    def ff_monthly(self) -> pd.DataFrame:
        return read_french_monthly_block(self.root / FACTOR_FILE)

    @functools.cached_property
    def me_monthly(self) -> pd.DataFrame:
        return read_french_monthly_block(self.root / ME_FILE)

    @functools.cached_property
    def ff_daily(self) -> pd.DataFrame:
        return read_french_daily(
            self.root / "french" / "F-F_Research_Data_Factors_daily_202604.csv.gz"
        )

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        # one file per series family; the monthly French files read here are the 202412 vintage
        out: dict[str, pd.Series] = {}
        me_cols = {
            f"DEC{i:02d}": c
            for i, c in enumerate(
                [
                    "Lo 10",
                    "Dec 2",
                    "Dec 3",
                    "Dec 4",
                    "Dec 5",
                    "Dec 6",
                    "Dec 7",
                    "Dec 8",
                    "Dec 9",
                    "Hi 10",
                ],
                start=1,
            )
        }
        for sid in ids:
            parts = sid.split(":")
            if parts[0] == "FRED":
                path = self.root / "rates" / f"{parts[1]}.csv"
                if path.exists():
                    out[sid] = _simple(path)
            elif parts[0] == "FF" and parts[1] == "ME_VW_M" and parts[2] in me_cols:
                out[sid] = self.me_monthly[me_cols[parts[2]]]
            elif parts[0] == "FF" and parts[2] in ("M", "D"):
                frame = self.ff_monthly if parts[2] == "M" else self.ff_daily
                col = {"MKT-RF": "Mkt-RF"}.get(parts[1], parts[1])
                if col in frame.columns:
                    out[sid] = frame[col]
        return pd.concat(out, axis=1, sort=True) if out else pd.DataFrame()

    def members(self, universe: str, asof: pd.Timestamp) -> list[str] | None:
        if universe != "IWM":
            return None
        return list(self.members_matrix.columns)
