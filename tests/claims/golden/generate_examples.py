"""Write ``examples_claims.csv``: golden verdicts and measured values of ``examples/claims.toml``.

An independent, deliberately plain computation (in the spirit of the golden results and their
generators in bashtage/arch): every measured value is computed here straight from the raw files
of ``../shared/data`` with pandas readers and explicit Python loops, following the written
definitions (``docs/methods.md`` §G-§S, §C1-§C2, and ``../shared/docs/METHODS.md``). Nothing of
sizeup is imported: not its importers, store, analytics, claims or app code. Only derived figures
go into the CSV, never rows of the data.

Data the checker sees is what ``sizeup import ../shared/data`` stores; the store keeps one price
history per symbol and field, so this script applies the same documented source rule
(``Store.sources``, ``sizeup.data.store._policy``): the source with the field that ends latest
(then the one with most rows, then the source name), extended before and after its range by the
other sources when they agree with it (relative difference <= 1e-6 of close and adj_close on at
least 5 common dates).

Run (takes about a minute; it reads the member matrices)::

    .venv/bin/python tests/claims/golden/generate_examples.py [--data ../shared/data]

Columns of the CSV: ``id`` (hash of the claim's table as written, so an edited claim needs a new
golden row), ``index`` (0-based position), ``metric``, ``compare_on`` (``value``: measured and
verdict are compared; ``verdict``: only the verdict, the note says why), ``verdict``,
``measured`` (empty when NOT_CHECKABLE), ``reason`` (for NOT_CHECKABLE: a phrase the checker's
``missing`` text must contain), ``note`` (how it was computed), ``text``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import math
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
EXAMPLES = REPO / "examples" / "claims.toml"
OUT = HERE / "examples_claims.csv"
DEFAULT_DATA = REPO.parent / "shared" / "data"

SPLICE_RTOL = 1e-6
SPLICE_MIN_OVERLAP = 5


# ---------------------------------------------------------------------------- claim ids, tolerance
def claim_id(table: dict[str, Any]) -> str:
    """Hash of a ``[[claim]]`` table as written (floats parsed as their text)."""
    canon = json.dumps(table, sort_keys=True, default=str)
    return hashlib.sha1(canon.encode("utf-8")).hexdigest()[:12]


def load_claims(path: Path) -> list[dict[str, Any]]:
    """The claim tables with floats kept as written text (``"0.0350"``)."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=str)
    return list(doc["claim"])


def implied_tolerance(written: Any) -> float:
    """Half a unit in the last written digit (methods §C2); 0 for true/false."""
    if isinstance(written, bool):
        return 0.0
    text = str(written)
    m = re.fullmatch(r"[+-]?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", text)
    assert m is not None, text
    decimals = len(m.group(2) or "")
    exponent = int(m.group(3) or 0)
    return 0.5 * 10.0 ** (exponent - decimals)


def verdict_of(table: dict[str, Any], measured: float) -> str:
    """SUPPORTED / CONTRADICTED by methods §C2."""
    stated_raw = table["stated"]
    stated = float(stated_raw)  # true/false -> 1.0/0.0
    compare = table.get("compare", "approx")
    if "tolerance" in table:
        tol = float(table["tolerance"])
    elif isinstance(stated_raw, bool) or compare != "approx":
        tol = 0.0
    else:
        tol = implied_tolerance(stated_raw)
    eta = 1e-12 * max(1.0, abs(stated))
    if compare == "at_least":
        ok = measured >= stated - tol - eta
    elif compare == "at_most":
        ok = measured <= stated + tol + eta
    else:
        ok = abs(measured - stated) <= tol + eta
    return "SUPPORTED" if ok else "CONTRADICTED"


def day(value: Any) -> pd.Timestamp:
    return pd.Timestamp(str(value))


# ---------------------------------------------------------------------------- raw readers
class Raw:
    """Readers of the raw files, one history per symbol after the store's source rule."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[Any, Any] = {}

    def _memo(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # --- single files -> DataFrame(date index; close, adj_close), float
    def _plain(self, rel: str, close: str, adj: str | None = None) -> pd.DataFrame:
        frame = pd.read_csv(self.root / rel)
        dates = pd.DatetimeIndex(pd.to_datetime(frame.iloc[:, 0]))
        out = pd.DataFrame(
            {
                "close": frame[close].astype(float).to_numpy(),
                "adj_close": frame[adj or close].astype(float).to_numpy(),
            },
            index=dates,
        )
        return out.dropna(how="all").sort_index()

    def _yf3(self, rel: str, close: str = "Close", adj: str | None = None) -> pd.DataFrame:
        """yfinance files with the three header rows (Price / Ticker / Date)."""
        frame = pd.read_csv(self.root / rel, skiprows=[1, 2])
        frame = frame.rename(columns={"Price": "Date"})
        dates = pd.DatetimeIndex(pd.to_datetime(frame["Date"]))
        out = pd.DataFrame(
            {
                "close": frame[close].astype(float).to_numpy(),
                "adj_close": frame[adj or close].astype(float).to_numpy(),
            },
            index=dates,
        )
        return out.dropna(how="all").sort_index()

    def _merge_same_source(self, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        """Two files of one source: they must agree where they overlap."""
        common = a.index.intersection(b.index)
        for d in common:
            for col in ("close", "adj_close"):
                x, y = a.at[d, col], b.at[d, col]
                if abs(y / x - 1.0) > SPLICE_RTOL:
                    raise ValueError(f"files of one source disagree on {d:%Y-%m-%d}: {x} {y}")
        return pd.concat([a, b[~b.index.isin(common)]]).sort_index()

    def candidates(self, symbol: str) -> dict[str, pd.DataFrame]:
        """Every source holding ``symbol`` (index levels and ETFs), as (close, adj_close)."""
        if symbol == "^RUT":
            return {
                "yfinance_csv/indexes": self._yf3("indexes/RUT_2021_2026_shresth.csv"),
                "close_csv/indexes": self._plain(
                    "indexes/RUT_close_1999_2025_chatterjee.csv", "^RUT"
                ),
                "yahoo_csv/indexes": self._plain(
                    "indexes/RUT_1987_2024_hjyssg.csv.gz", "Close", "Adj Close"
                ),
                "yahoo_csv/yahoo_raw_2000_2022": self._plain(
                    "yahoo_raw_2000_2022/IDX_RUT.csv", "Close", "Adj Close"
                ),
            }
        if symbol == "^GSPC":
            return {
                "yfinance_csv/indexes": self._merge_same_source(
                    self._yf3("indexes/SPX_1927_2026_hjyssg.csv.gz", "Close", "Adj Close"),
                    self._yf3("indexes/GSPC_2021_2026_shresth.csv"),
                ),
                "close_csv/indexes": self._plain(
                    "indexes/GSPC_close_1999_2025_chatterjee.csv", "^GSPC"
                ),
                "yahoo_csv/yahoo_raw_2000_2022": self._plain(
                    "yahoo_raw_2000_2022/IDX_GSPC.csv", "Close", "Adj Close"
                ),
            }
        # ETFs: adjusted closes (close-only file), adjusted OHLC, 5-year OHLC, raw Yahoo
        out = {}
        if (self.root / f"etf_adjclose_dsturdy/{symbol}.csv").exists():
            out["close_csv/etf_adjclose_dsturdy"] = self._plain(
                f"etf_adjclose_dsturdy/{symbol}.csv", "Close"
            )
        if (self.root / f"etf_ohlcv_adjusted/{symbol}.csv").exists():
            out["yahoo_csv/etf_ohlcv_adjusted"] = self._plain(
                f"etf_ohlcv_adjusted/{symbol}.csv", "Close"
            )
        if (self.root / f"etf_ohlcv_5y_benda931/{symbol}.csv").exists():
            five = self._plain(f"etf_ohlcv_5y_benda931/{symbol}.csv", "close")
            out["yahoo_csv/etf_ohlcv_5y_benda931"] = five.iloc[:-1]  # last row: partial bar
        if (self.root / f"yahoo_raw_2000_2022/{symbol}.csv").exists():
            out["yahoo_csv/yahoo_raw_2000_2022"] = self._plain(
                f"yahoo_raw_2000_2022/{symbol}.csv", "Close", "Adj Close"
            )
        if not out:
            raise KeyError(symbol)
        return out

    def price(self, symbol: str, fld: str) -> pd.Series:
        """One history of ``fld`` for ``symbol``: preferred source, spliced with agreeing ones."""
        return self._memo(("price", symbol, fld), lambda: self._price(symbol, fld))

    def _price(self, symbol: str, fld: str) -> pd.Series:
        cands = self.candidates(symbol)
        return splice_sources(cands, fld).rename(symbol)

    # --- series
    def fred(self, sid: str) -> pd.Series:
        def make() -> pd.Series:
            frame = pd.read_csv(self.root / "rates" / f"{sid}.csv")
            s = pd.Series(
                pd.to_numeric(frame.iloc[:, 1], errors="coerce").to_numpy(),
                index=pd.DatetimeIndex(pd.to_datetime(frame.iloc[:, 0])),
            )
            return s.dropna().sort_index()

        return self._memo(("fred", sid), make)

    def french_block(self, rel: str) -> pd.DataFrame:
        """First block (monthly, value-weighted) of a full French CSV; percent -> decimal."""

        def make() -> pd.DataFrame:
            lines = (self.root / rel).read_text(encoding="latin-1").splitlines()
            header: list[str] | None = None
            rows: dict[pd.Timestamp, list[float]] = {}
            for line in lines:
                parts = [p.strip() for p in line.split(",")]
                if header is None:
                    if len(parts) > 1 and parts[0] == "" and parts[1]:
                        header = parts[1:]
                    continue
                if len(parts[0]) == 6 and parts[0].isdigit():
                    month = pd.Period(f"{parts[0][:4]}-{parts[0][4:]}", freq="M")
                    rows[month.end_time.normalize()] = [float(x) / 100.0 for x in parts[1:]]
                elif rows:
                    break
            assert header is not None
            return pd.DataFrame.from_dict(rows, orient="index", columns=header)

        return self._memo(("french", rel), make)

    def french(self, sid: str, vintage: str) -> pd.Series:
        assert vintage == "202412", vintage  # the only full-vintage files of that release
        parts = sid.split(":")
        if parts[1] == "ME_VW_M":
            block = self.french_block("french/Portfolios_Formed_on_ME_full_202412.CSV")
            col = {"DEC01": "Lo 10", "DEC10": "Hi 10"}[parts[2]]
            return block[col]
        block = self.french_block("french/F-F_Research_Data_Factors_full_202412.CSV")
        return block[parts[1]]

    # --- IWM members
    def iwm_holdings(self) -> list[str]:
        path = self.root / "holdings" / "IWM_holdings_2026-05-05.csv"
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
        rows = list(csv.reader(lines[start:]))
        head = rows[0]
        t, a = head.index("Ticker"), head.index("Asset Class")
        names = []
        for row in rows[1:]:
            if len(row) == len(head) and row[a] == "Equity" and row[t] not in ("", "-"):
                names.append(row[t].strip())
        return sorted(set(names))

    def member_closes(self) -> pd.DataFrame:
        """Adjusted closes of the IWM snapshot's equities (source rule applied per name)."""
        return self._memo("members", self._member_closes)

    def _member_closes(self) -> pd.DataFrame:
        names = self.iwm_holdings()
        wanted = set(names)
        mats = {}
        for src, rel in (
            ("matrix_csv/xsec", "xsec/iwm_members_adjclose_2000_2026.csv.gz"),
            ("matrix_csv/sp500", "sp500/sp500_members_adjclose_1976_2026.csv.gz"),
        ):
            head = pd.read_csv(self.root / rel, nrows=0).columns
            cols = [head[0], *[c for c in head[1:] if c in wanted]]
            m = pd.read_csv(self.root / rel, usecols=cols, index_col=0)
            m.index = pd.DatetimeIndex(pd.to_datetime(m.index))
            mats[src] = m.astype(float)
        av = pd.read_csv(
            self.root / "xsec/sp600_2021members_alphavantage_ohlcv_1999_2020.csv.gz",
            usecols=["ticker", "timestamp", "close", "adjusted_close"],
        )
        # some tickers are in the long file twice, row for row: one history each
        av = av[av["ticker"].isin(wanted)].drop_duplicates(["ticker", "timestamp"])
        cols: dict[str, pd.Series] = {}
        for name in names:
            cands: dict[str, pd.DataFrame] = {}
            for src, m in mats.items():
                if name in m.columns:
                    s = m[name].dropna()
                    if len(s):
                        cands[src] = pd.DataFrame({"close": s, "adj_close": s})
            one = av[av["ticker"] == name]
            if len(one):
                cands["alphavantage_csv/xsec"] = pd.DataFrame(
                    {
                        "close": one["close"].astype(float).to_numpy(),
                        "adj_close": one["adjusted_close"].astype(float).to_numpy(),
                    },
                    index=pd.DatetimeIndex(pd.to_datetime(one["timestamp"])),
                ).sort_index()
            if cands:
                cols[name] = splice_sources(cands, "adj_close")
        frame = pd.DataFrame(cols).sort_index()
        self.n_holdings = len(names)
        return frame


def splice_sources(cands: dict[str, pd.DataFrame], fld: str) -> pd.Series:
    """Preferred source (latest end, most rows, name) extended by agreeing sources."""
    ranked = sorted(
        ((src, f.dropna(subset=[fld])) for src, f in cands.items()),
        key=lambda kv: (-kv[1].index.max().value, -len(kv[1]), kv[0]),
    )
    ranked = [(s, f) for s, f in ranked if len(f)]
    base = ranked[0][1].copy()
    for _, other in ranked[1:]:
        common = base.index.intersection(other.index)
        if len(common) < SPLICE_MIN_OVERLAP:
            continue
        agree = True
        for col in ("close", "adj_close"):
            a = base.loc[common, col].to_numpy()
            b = other.loc[common, col].to_numpy()
            ok = ~(np.isnan(a) | np.isnan(b))
            if not ok.any() or np.any(np.abs(b[ok] / a[ok] - 1.0) > SPLICE_RTOL):
                agree = False
        if not agree:
            continue
        lo, hi = base.index.min(), base.index.max()
        extra = other[(other.index < lo) | (other.index > hi)]
        base = pd.concat([base, extra]).sort_index()
    return base[fld]


# ---------------------------------------------------------------------------- small helpers
def last_on_or_before(s: pd.Series, when: pd.Timestamp) -> tuple[pd.Timestamp, float]:
    best = None
    for d, v in s.items():
        if d <= when:
            best = (d, float(v))
        else:
            break
    if best is None:
        raise LookupError(f"no value on or before {when:%Y-%m-%d}")
    return best


def window_ret(s: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Methods §R1: close on or before end over the last close before start."""
    _, base = last_on_or_before(s, start - pd.Timedelta(days=1))
    _, last = last_on_or_before(s, end)
    return last / base - 1.0


def year_returns(s: pd.Series) -> dict[int, float]:
    """Methods §S3: last level of a year over the last level of the year before; the first year
    and an unfinished last year (data ending before 28 December) are dropped."""
    year_end: dict[int, float] = {}
    for d, v in s.dropna().items():
        year_end[d.year] = float(v)
    years = sorted(year_end)
    out = {y: year_end[y] / year_end[p] - 1.0 for p, y in itertools.pairwise(years)}
    last = s.dropna().index[-1]
    if not (last.month == 12 and last.day >= 28) and out:
        out.pop(max(out))
    return out


def month_returns(s: pd.Series, asof: pd.Timestamp) -> dict[pd.Period, float]:
    """Methods §R2: last close of a month over the last close of the previous month (needs data
    in both); the month of ``asof`` runs to ``asof``."""
    ends: dict[pd.Period, float] = {}
    for d, v in s.dropna().items():
        if d > asof:
            break
        ends[d.to_period("M")] = float(v)
    out = {}
    for m, v in ends.items():
        if m - 1 in ends:
            out[m] = v / ends[m - 1] - 1.0
    return out


def common_days(a: pd.Series, b: pd.Series) -> list[tuple[pd.Timestamp, float, float]]:
    bb = b.dropna().to_dict()
    return [(d, float(v), float(bb[d])) for d, v in a.dropna().items() if d in bb]


def signed_streaks(values: list[float]) -> list[int]:
    """Methods §R4 with theta = 0: +n / -n runs, 0 on a tie."""
    out, cur = [], 0
    for v in values:
        if v > 0:
            cur = cur + 1 if cur > 0 else 1
        elif v < 0:
            cur = cur - 1 if cur < 0 else -1
        else:
            cur = 0
        out.append(cur)
    return out


def record_flags(s: pd.Series) -> pd.Series:
    """Methods §R6: a close above every earlier close (the first one is a record)."""
    best = -math.inf
    flags = {}
    for d, v in s.dropna().items():
        flags[d] = v > best
        best = max(best, float(v))
    return pd.Series(flags)


# ---------------------------------------------------------------------------- metrics
class NotCheckableError(Exception):
    def __init__(self, reason: str, note: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.note = note


def m_factor_premium(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    s = raw.french(c["series"], c["vintage"])
    lo = pd.Period(c["start"], freq="M").start_time
    hi = pd.Period(c["end"], freq="M").end_time
    vals = [(d, float(v)) for d, v in s.items() if lo <= d <= hi and not math.isnan(v)]
    x = [v for _, v in vals]
    n = len(x)
    stat = c.get("stat", "mean")
    what = f"{c['series']} {c['start']}..{c['end']} ({n} months, file of vintage {c['vintage']})"
    if stat == "january_share":
        jan = sum(v for d, v in vals if d.month == 1)
        return jan / sum(x), f"sum of January values / sum of all, {what}"
    if stat == "geometric_annual":
        w = 1.0
        for v in x:
            w *= 1.0 + v
        return w ** (12.0 / n) - 1.0, f"(prod(1+r))^(12/n) - 1, {what}"
    if "months" in c:
        x = [v for d, v in vals if d.month in c["months"]]
        what += f", months {c['months']} only ({len(x)})"
    mean = sum(x) / len(x)
    if stat == "mean":
        return mean, f"arithmetic mean, {what}"
    if stat == "annualised":
        return 12 * mean, f"12 x arithmetic mean, {what}"
    if stat == "t_stat":
        sd = math.sqrt(sum((v - mean) ** 2 for v in x) / (len(x) - 1))
        return mean / (sd / math.sqrt(len(x))), f"mean / (sd(n-1) / sqrt n), {what}"
    raise NotImplementedError(stat)


def m_seasonal_mean(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    assert c["window"] == "month" and c.get("stat", "mean") == "mean"
    s = raw.french(c["series"], c["vintage"])
    lo = pd.Period(c["start"], freq="M").start_time
    hi = pd.Period(c["end"], freq="M").end_time
    x = [float(v) for d, v in s.items() if lo <= d <= hi and d.month == c["month"]]
    return sum(x) / len(x), (
        f"mean of the {len(x)} monthly values of month {c['month']} of {c['series']} "
        f"{c['start']}..{c['end']} (already monthly: nothing to compound)"
    )


def _field(c: dict[str, Any]) -> str:
    return str(c.get("field", "close"))


def m_calendar_year_return(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    y = int(c["year"])
    r = year_returns(raw.price(c["symbol"], _field(c)))[y]
    if "benchmark" in c:
        b = year_returns(raw.price(c["benchmark"], _field(c)))[y]
        return r - b, f"{y} year-end/prior year-end - 1 of {c['symbol']} minus {c['benchmark']}"
    return r, f"{y} year-end {_field(c)} / prior year-end - 1 of {c['symbol']}"


def m_hit_rate(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    assert c["freq"] == "Y"
    a = year_returns(raw.price(c["symbol"], _field(c)))
    b = year_returns(raw.price(c["benchmark"], _field(c)))
    years = range(day(c["start"]).year, day(c["end"]).year + 1)
    wins = sum(1 for y in years if a[y] - b[y] > 0)
    return wins / len(years), f"{wins} of {len(years)} calendar years with r_A - r_B > 0"


def m_conditional_mean(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    assert c["condition"] == "calendar_year"
    a = year_returns(raw.price(c["symbol"], _field(c)))
    b = year_returns(raw.price(c["benchmark"], _field(c)))
    want = c["bucket"] == "outperform"
    out = []
    for y in range(int(c["start_year"]), int(c["end_year"]) + 1):
        if y in a and y in b and y + 1 in a:
            led = (1 + a[y]) / (1 + b[y]) - 1 > 0
            if led == want:
                out.append(a[y + 1])
    return sum(out) / len(out), (
        f"mean next-year {c['symbol']} return over the {len(out)} condition years "
        f"{c['start_year']}..{c['end_year']} in bucket {c['bucket']} (ratio > 0)"
    )


def m_window_return(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    s = raw.price(c["symbol"], _field(c))
    r = window_ret(s, day(c["start"]), day(c.get("end", c.get("asof"))))
    return r, f"{c['symbol']} {_field(c)}: close on/before end / last close before start - 1"


def m_relative_return(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    start, end = day(c["start"]), day(c["end"])
    a = window_ret(raw.price(c["symbol"], _field(c)), start, end)
    b = window_ret(raw.price(c["benchmark"], _field(c)), start, end)
    return a - b, f"window return of {c['symbol']} minus {c['benchmark']} ({_field(c)})"


def m_streak(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    assert c["freq"] == "D"
    asof = day(c["asof"])
    a = raw.price(c["symbol"], _field(c))
    b = raw.price(c["benchmark"], _field(c))
    rows = [r for r in common_days(a, b) if r[0] <= asof]
    dates, rel = [], []
    for (_, a0, b0), (d1, a1, b1) in itertools.pairwise(rows):
        dates.append(d1)
        rel.append((a1 / a0) / (b1 / b0) - 1.0)
    st = signed_streaks(rel)
    cur = st[-1]
    how = f"daily ratio returns on the days both have, to {dates[-1]:%Y-%m-%d}"
    stat = c.get("stat", "length")
    if stat == "length":
        return float(cur), f"signed streak of {how}"
    assert stat == "since_year"
    sign, length = (1 if cur > 0 else -1), abs(cur)
    start = len(st) - length
    last_end = None
    for i in range(start):
        ends_here = st[i] * sign > 0 and (i + 1 >= start or st[i + 1] * sign <= 0)
        if ends_here and abs(st[i]) >= length:
            last_end = dates[i]
    assert last_end is not None
    return float(last_end.year), (
        f"current run {cur:+d}; last earlier run as long ended {last_end:%Y-%m-%d} ({how})"
    )


def m_record(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    asof = day(c["asof"])
    s = raw.price(c["symbol"], _field(c))
    s = s[s.index <= asof].dropna()
    now = float(s.iloc[-1])
    prior = max(float(v) for v in s.iloc[:-1])
    return float(now > prior), f"close {now:.6g} on {s.index[-1]:%Y-%m-%d} vs prior max {prior:.6g}"


def m_series_value(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    s = raw.fred(c["series"].split(":")[1])
    when = day(c["date"])
    d, v = last_on_or_before(s, when)
    assert d >= when - pd.Timedelta(days=4)
    return v, f"{c['series']} value on {d:%Y-%m-%d} (file rates/)"


def m_rate_change(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    s = raw.fred(c["series"].split(":")[1])
    d0, v0 = last_on_or_before(s, day(c["start"]))
    d1, v1 = last_on_or_before(s, day(c["end"]))
    return (v1 - v0) / 100.0, f"({v1} on {d1:%Y-%m-%d} - {v0} on {d0:%Y-%m-%d}) / 100"


def m_correlation(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    start, end = day(c["start"]), day(c["end"])
    a = raw.price(c["symbol"], _field(c))
    b = raw.price(c["other"], _field(c))
    freq = c.get("freq", "D")
    pairs: list[tuple[pd.Timestamp, float, float]] = []
    if freq == "D":
        rows = common_days(a, b)
        for (_, a0, b0), (d1, a1, b1) in itertools.pairwise(rows):
            if start <= d1 <= end:
                pairs.append((d1, a1 / a0 - 1, b1 / b0 - 1))
        how = "daily returns on the days both have"
    else:
        assert freq == "M" and c.get("align") == "calendar"
        ea: dict[pd.Period, float] = {}
        eb: dict[pd.Period, float] = {}
        for d, v in a.dropna().items():
            ea[d.to_period("M")] = float(v)
        for d, v in b.dropna().items():
            eb[d.to_period("M")] = float(v)
        months = sorted(set(ea) & set(eb))
        for m0, m1 in itertools.pairwise(months):
            label = m1.end_time.normalize()
            if start <= label <= end:
                pairs.append((label, ea[m1] / ea[m0] - 1, eb[m1] / eb[m0] - 1))
        how = "monthly returns from each series' own last close of the month"
    x = [p[1] for p in pairs]
    y = [p[2] for p in pairs]
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((u - mx) * (v - my) for u, v in zip(x, y, strict=True))
    sxx = sum((u - mx) ** 2 for u in x)
    syy = sum((v - my) ** 2 for v in y)
    if c.get("stat", "correlation") == "beta":
        return sxy / syy, f"beta = cov/var of {n} {how}"
    return sxy / math.sqrt(sxx * syy), f"Pearson correlation of {n} {how}"


# --- breadth (methods §B4, §B5): members of the only IWM snapshot on every day (backfilled)
def breadth_series(
    raw: Raw, measure: str, ma: int, upto: pd.Timestamp, since: pd.Timestamp
) -> pd.Series:
    """Share advancing on ``upto``, or share above the N-day average on every day after
    ``since`` (the averages use each member's whole history)."""
    px = raw.member_closes()
    px = px[px.index <= upto]
    dates = list(px.index)
    out: dict[pd.Timestamp, float] = {}
    if measure == "pct_advancing":
        prev = px.iloc[-2]
        cur = px.iloc[-1]
        adv = dec = unch = 0
        for name in px.columns:
            p0, p1 = prev[name], cur[name]
            if math.isnan(p0) or math.isnan(p1):
                continue
            if p1 > p0:
                adv += 1
            elif p1 < p0:
                dec += 1
            else:
                unch += 1
        out[dates[-1]] = adv / (adv + dec + unch)
        return pd.Series(out)
    assert measure == "pct_above_ma"
    above = pd.Series(0.0, index=px.index)
    defined = pd.Series(0.0, index=px.index)
    for name in px.columns:
        s = px[name].dropna()  # gaps skipped: the member's own last N closes
        if len(s) < ma:
            continue
        vals = s.to_numpy()
        csum = np.concatenate([[0.0], np.cumsum(vals)])
        for i in range(ma - 1, len(vals)):
            d = s.index[i]
            if d <= since:
                continue
            sma = (csum[i + 1] - csum[i + 1 - ma]) / ma
            defined[d] += 1
            if vals[i] > sma and abs(vals[i] / sma - 1.0) > 1e-12:
                above[d] += 1
    share = above / defined
    return share[defined > 0]


def m_breadth_level(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    asof = day(c["asof"])
    k = int(c.get("change", 0))
    s = breadth_series(raw, c["measure"], int(c.get("ma", 50)), asof, asof - pd.Timedelta(days=30))
    note = (
        f"members: the {raw.n_holdings} equity tickers of the only IWM snapshot (2026-05-05) on "
        "every day (its unnamed '-' rows and the second ADRO row have no prices), adjusted closes"
    )
    if k:
        return float(s.iloc[-1] - s.iloc[-1 - k]), f"{c['measure']} change over {k} session; {note}"
    return float(s.iloc[-1]), f"{c['measure']} on {s.index[-1]:%Y-%m-%d}; {note}"


def m_breadth_rank(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    asof = day(c["asof"])
    since = day(c["since"])
    s = breadth_series(raw, c["measure"], int(c.get("ma", 50)), asof, since - pd.Timedelta(days=30))
    k = int(c.get("change", 0))
    if k:
        s = (s - s.shift(k)).dropna()
    s = s[s.index > since]
    now = float(s.iloc[-1])
    earlier = s.iloc[:-1]
    hit = earlier[earlier >= now]
    where = f"best since {hit.index[-1]:%Y-%m-%d} ({hit.iloc[-1]:.5f})" if len(hit) else "record"
    return float(len(hit) == 0), (
        f"{c['measure']} change {now:.5f} on {s.index[-1]:%Y-%m-%d} vs every value after "
        f"{since:%Y-%m-%d}: {where}"
    )


def m_window_extreme(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    s = raw.price(c["symbol"], _field(c)).dropna()
    lo, hi = day(c["start"]), day(c["end"])
    best_d, best = None, -math.inf
    for d, v in s.items():
        if lo <= d <= hi and v > best:
            best_d, best = d, float(v)
    assert c.get("extreme", "max") == "max" and best_d is not None
    if c.get("stat") == "value":
        return best, f"highest close {lo:%Y-%m-%d}..{hi:%Y-%m-%d}, on {best_d:%Y-%m-%d}"
    d, v = last_on_or_before(s, day(c["asof"]))
    return v / best - 1.0, f"close on {d:%Y-%m-%d} / high of {best_d:%Y-%m-%d} - 1"


def m_period_rank(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    assert c["period"] == "month"
    asof = day(c["asof"])
    r = month_returns(raw.price(c["symbol"], _field(c)), asof)
    months = sorted(r)
    now = r[months[-1]]
    earlier = [m for m in months[:-1] if r[m] >= now]
    if c["stat"] == "is_record":
        return float(not earlier), (
            f"{months[-1]} return {now:.4f} vs {len(months) - 1} earlier months (from {months[0]})"
        )
    assert c["stat"] == "since_year" and earlier
    m = earlier[-1]
    return float(m.year), f"{months[-1]} return {now:.4f}; last month at least as good: {m}"


def m_records(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    stat = c["stat"]
    s = raw.price(c["symbol"], _field(c)).dropna()
    if stat == "first":
        start = day(c["start"])
        done = {}
        for sym in [c["symbol"], *c.get("others", [])]:
            x = raw.price(sym, _field(c)).dropna()
            prior = max(float(v) for d, v in x.items() if d <= start)
            after = [d for d, v in x.items() if d > start and v > prior]
            done[sym] = after[0] if after else pd.Timestamp.max
        first = min(done, key=lambda k: done[k])
        return float(first == c["symbol"]), "first close above the record set on/before start: " + (
            ", ".join(f"{k} {v:%Y-%m-%d}" for k, v in done.items())
        )
    end = day(c["end"])
    flags = record_flags(s[s.index <= end])
    if stat == "count":
        start = day(c["start"])
        n = int(sum(1 for d, f in flags.items() if f and start <= d <= end))
        return float(n), f"closes above every earlier close, {start:%Y-%m-%d}..{end:%Y-%m-%d}"
    assert stat == "sessions_since"
    last = max(d for d, f in flags.items() if f)
    n = sum(1 for d in flags.index if d > last)
    return float(n), f"observations after the last record close ({last:%Y-%m-%d}) to {end:%Y-%m-%d}"


def m_screen_share(c: dict[str, Any], raw: Raw) -> tuple[float, str]:
    """Share of the snapshot's members with net income < 0 in their latest fiscal year known at
    the date (methods §D1-§D2: published by the date; a year ending more than 470 days before it
    is stale; SimFin's files here are annual, so TTM is the fiscal year). Not checkable when no
    member has such a year."""
    date = day(c["date"])
    inc = pd.read_csv(
        raw.root / "fundamentals/simfin_us-income-annual.csv.gz",
        sep=";",
        usecols=["Ticker", "Report Date", "Publish Date", "Net Income"],
    )
    members = set(raw.iwm_holdings())
    latest: dict[str, tuple[pd.Timestamp, float]] = {}
    for _, row in inc.iterrows():
        if row["Ticker"] not in members or pd.isna(row["Net Income"]):
            continue
        rep, pub = pd.Timestamp(row["Report Date"]), pd.Timestamp(row["Publish Date"])
        fresh = pub <= date and rep >= date - pd.Timedelta(days=470)
        if fresh and (row["Ticker"] not in latest or rep > latest[row["Ticker"]][0]):
            latest[row["Ticker"]] = (rep, float(row["Net Income"]))
    if not latest:
        raise NotCheckableError(
            "net income of IWM members",
            f"no SimFin fiscal year of an IWM member published by {date:%Y-%m-%d} ends within "
            "470 days of it (the SimFin files end with FY2021)",
        )
    neg = sum(1 for _, ni in latest.values() if ni < 0)
    share = neg / len(latest)
    return share, (
        f"{neg} of {len(latest)} IWM snapshot members with a SimFin fiscal year published by "
        f"{date:%Y-%m-%d} and ending within 470 days of it have net income < 0 (latest such "
        "year; the SimFin files are annual, so TTM is the fiscal year)"
    )


# metrics whose value is not recomputed here (none at present: compare the verdict only)
VERDICT_ONLY: frozenset[str] = frozenset()


METRICS: dict[str, Callable[[dict[str, Any], Raw], tuple[float, str]]] = {
    "factor_premium": m_factor_premium,
    "seasonal_mean": m_seasonal_mean,
    "calendar_year_return": m_calendar_year_return,
    "hit_rate": m_hit_rate,
    "conditional_mean": m_conditional_mean,
    "window_return": m_window_return,
    "relative_return": m_relative_return,
    "streak": m_streak,
    "record": m_record,
    "series_value": m_series_value,
    "rate_change": m_rate_change,
    "correlation": m_correlation,
    "breadth_level": m_breadth_level,
    "breadth_rank": m_breadth_rank,
    "window_extreme": m_window_extreme,
    "period_rank": m_period_rank,
    "records": m_records,
    "screen_share": m_screen_share,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    raw = Raw(args.data)
    rows = []
    for i, c in enumerate(load_claims(EXAMPLES)):
        row = {"id": claim_id(c), "index": i, "metric": c["metric"], "text": c["text"]}
        try:
            measured, note = METRICS[c["metric"]](c, raw)
        except NotCheckableError as exc:
            row.update(
                compare_on="verdict",
                verdict="NOT_CHECKABLE",
                measured="",
                reason=exc.reason,
                note=exc.note,
            )
        else:
            if c["metric"] in VERDICT_ONLY:
                verdict = verdict_of(c, measured)
                row.update(compare_on="verdict", verdict=verdict, measured="", reason="", note=note)
            else:
                row.update(
                    compare_on="value",
                    verdict=verdict_of(c, measured),
                    measured=repr(measured),
                    reason="",
                    note=note,
                )
        rows.append(row)
        print(
            f"{i:2d} {row['metric']:22s} {row['verdict']:14s} {row['measured']:>22s}", row["note"]
        )
    cols = ["id", "index", "metric", "compare_on", "verdict", "measured", "reason", "note", "text"]
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
