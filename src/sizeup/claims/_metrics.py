"""Evaluators of the return, rate, factor and seasonal claims (pure; no I/O).

Each evaluator takes a validated :class:`~sizeup.claims._model.Claim` and a
:class:`~sizeup.claims._model.ClaimData` and returns ``(measured, detail)``; absent data raise
:class:`~sizeup.claims._common.MissingDataError` (the verdict is then NOT_CHECKABLE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sizeup.analytics.performance import best_since, total_return
from sizeup.analytics.stats import _conditional as conditional
from sizeup.analytics.stats import _rates as rates
from sizeup.analytics.stats import _seasonality as seasonality
from sizeup.analytics.stats import hac_t_stat, t_stat
from sizeup.claims._common import MissingDataError, cover, end_of, prices, series, upto
from sizeup.claims._model import Claim, ClaimData
from sizeup.errors import DataError

__all__ = [
    "calendar_year_return",
    "conditional_mean",
    "correlation",
    "factor_premium",
    "hit_rate",
    "rate_change",
    "record",
    "relative_return",
    "seasonal_mean",
    "series_value",
    "window_change",
    "window_return",
]


def window_return(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    px = prices(data, [p["symbol"]], p["field"])
    end = end_of(claim, px)
    cover(px, p["start"] - pd.Timedelta(days=1), f"prices {p['symbol']}")
    cover(px, end, f"prices {p['symbol']}")
    r = float(total_return(px, p["start"], end).iloc[0])
    return r, f"{p['symbol']} {p['field']} {p['start']:%Y-%m-%d}..{end:%Y-%m-%d}"


def relative_return(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"], p["benchmark"]]
    px = prices(data, syms, p["field"])
    end = end_of(claim, px)
    for s in syms:
        cover(px[s], p["start"] - pd.Timedelta(days=1), f"prices {s}")
        cover(px[s], end, f"prices {s}")
    r = total_return(px, p["start"], end)
    a, b = float(r.iloc[0]), float(r.iloc[1])
    if p["how"] == "multiple":
        # "twice the benchmark's gain": the symbol's return as a multiple of the benchmark's
        if b == 0:
            raise DataError(f"{syms[1]} returned 0 from {p['start']:%Y-%m-%d}: no multiple")
        rel = a / b
    else:
        rel = a - b if p["how"] == "diff" else (1 + a) / (1 + b) - 1
    return rel, (
        f"{syms[0]} {100 * a:.2f}% vs {syms[1]} {100 * b:.2f}% "
        f"{p['start']:%Y-%m-%d}..{end:%Y-%m-%d} ({p['how']})"
    )


def record(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"]] + ([p["benchmark"]] if p["benchmark"] else [])
    px = upto(prices(data, syms, p["field"]), claim).dropna()
    if claim.asof is not None:
        cover(px, claim.asof, f"prices {'/'.join(syms)}")
    s = px[syms[0]] / px[syms[1]] if len(syms) == 2 else px[syms[0]]
    if p["lookback"] != "all":
        s = s.iloc[-(int(p["lookback"]) + 1) :]
    bs = best_since(s)
    flag = 1.0 if bs.is_record else 0.0
    return flag, f"{'/'.join(syms)} {bs.summary()}"


def conditional_mean(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"], p["benchmark"]]
    px = upto(prices(data, syms, p["field"]), claim)
    a, b = px[syms[0]].dropna(), px[syms[1]].dropna()
    if p["condition"] == "h2":
        table = conditional.next_year_given_h2(
            a, b, outcome=p["outcome"], start_year=p["start_year"], end_year=p["end_year"]
        )
    else:
        table = conditional.next_year_given_year(
            conditional.calendar_year_returns(a),
            conditional.calendar_year_returns(b),
            outcome=p["outcome"],
            start_year=p["start_year"],
            end_year=p["end_year"],
        )
    key = "True" if p["bucket"] == "outperform" else "False"
    if key not in table.stats:
        raise MissingDataError(f"years in bucket {p['bucket']!r}")
    st = table.stats[key]
    pairs = table.pairs
    years = f"{int(pairs.index.min())}..{int(pairs.index.max())}"
    return st.mean, f"n={st.n} condition years {years}, t={st.t_stat:.2f}"


def _returns_for(claim: Claim, data: ClaimData) -> tuple[pd.Series, str]:
    p = claim.params
    if p.get("series"):
        s = upto(series(claim, data, [p["series"]]), claim)[p["series"]].dropna()
        return s, str(p["series"])
    syms = [p["symbol"]] + ([p["benchmark"]] if p.get("benchmark") else [])
    px = upto(prices(data, syms, p["field"]), claim)
    r = px.pct_change(fill_method=None)
    out = r[syms[0]].dropna()
    if len(syms) == 2:
        out = seasonality.relative_returns(out, r[syms[1]].dropna())
    return out, "/".join(syms)


def _clip(s: pd.Series, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    if start is not None:
        s = s[s.index >= start.to_period("M").start_time]
    if end is not None:
        s = s[s.index <= end]
    return s


def seasonal_mean(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    r, what = _returns_for(claim, data)
    r = _clip(r, p["start"], p["end"])
    if p["window"] == "month":
        tab = seasonality.by_month(r, reps=200)
        st = tab.stats[seasonality.MONTH_NAMES[p["month"] - 1]]
    elif p["window"] == "turn_of_year":
        tab = seasonality.turn_of_year(r, n_dec=p["sessions"], n_jan=p["sessions"], reps=200)
        st = tab.stats["window"]
    else:
        tab = seasonality.first_sessions_of_january(r, n=p["sessions"], reps=200)
        st = tab.stats["window"]
    value = {
        "mean": st.mean,
        "median": st.median,
        "t_stat": st.t_stat,
        "hit_rate": st.hit_rate,
        "n": float(st.n),
    }[p["stat"]]
    return value, f"{what} {tab.name}: n={st.n}, mean={100 * st.mean:.3f}%, t={st.t_stat:.2f}"


def factor_premium(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    s = upto(series(claim, data, [p["series"]]), claim)[p["series"]].dropna()
    s = _clip(s, p["start"], p["end"])
    if s.empty:
        first = "its first month" if p["start"] is None else f"{pd.Timestamp(p['start']):%Y-%m}"
        last = "its last month" if p["end"] is None else f"{pd.Timestamp(p['end']):%Y-%m}"
        raise MissingDataError(f"series {p['series']} between {first} and {last}")
    span = f"{s.index[0]:%Y-%m}..{s.index[-1]:%Y-%m}"
    if p["stat"] == "january_share":
        return seasonality.january_share(s), f"{p['series']} {span}"
    if p["stat"] == "geometric_annual":
        g = float(np.prod(1.0 + s.to_numpy()) ** (12.0 / len(s)) - 1.0)
        return g, f"{p['series']} {span}, n={len(s)} months"
    if p["months"] is not None:
        s = s[pd.DatetimeIndex(s.index).month.isin(list(p["months"]))]
    value = {
        "mean": lambda: float(s.mean()),
        "annualised": lambda: float(s.mean()) * 12,
        "t_stat": lambda: t_stat(s),
        "hac_t": lambda: hac_t_stat(s).t,
        "n": lambda: float(len(s)),
    }[p["stat"]]()
    return value, f"{p['series']} {span}, n={len(s)}, mean={100 * s.mean():.4f}%/month"


def rate_change(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    s = series(claim, data, [p["series"]])[p["series"]].dropna()
    end = end_of(claim, s)
    cover(s, p["start"], f"series {p['series']}")
    cover(s, end, f"series {p['series']}")
    ch = rates.cumulative_change(s, p["start"], asof=end, units=p["units"])
    return ch, f"{p['series']} {p['start']:%Y-%m-%d}..{end:%Y-%m-%d}"


def series_value(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    s = series(claim, data, [p["series"]])[p["series"]].dropna()
    on = s[s.index <= p["date"]]
    if on.empty or on.index[-1] < p["date"] - pd.Timedelta(days=4):
        raise MissingDataError(f"series {p['series']} on {p['date']:%Y-%m-%d}")
    return float(on.iloc[-1]), f"{p['series']} on {on.index[-1]:%Y-%m-%d}"


def calendar_year_return(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"]] + ([p["benchmark"]] if p["benchmark"] else [])
    px = prices(data, syms, p["field"])
    y = int(p["year"])
    out = []
    for s in syms:
        cy = conditional.calendar_year_returns(px[s].dropna())
        if y not in cy.index:
            raise MissingDataError(f"prices {s} for calendar year {y} and the prior year-end")
        out.append(float(cy.loc[y]))
    if len(out) == 2:
        return out[0] - out[1], f"{syms[0]} {100 * out[0]:.2f}% - {syms[1]} {100 * out[1]:.2f}%"
    return out[0], f"{syms[0]} {y}: {100 * out[0]:.2f}%"


def hit_rate(claim: Claim, data: ClaimData) -> tuple[float, str]:
    p = claim.params
    syms = [p["symbol"], p["benchmark"]]
    px = prices(data, syms, p["field"])
    if p["freq"] == "Y":
        a = conditional.calendar_year_returns(px[syms[0]].dropna())
        b = conditional.calendar_year_returns(px[syms[1]].dropna())
        years = range(p["start"].year, p["end"].year + 1)
        missing = [y for y in years if y not in a.index or y not in b.index]
        if missing:
            raise MissingDataError(f"calendar-year prices of {'/'.join(syms)} for {missing}")
        diff = a.loc[list(years)] - b.loc[list(years)]
    else:
        r = px.pct_change(fill_method=None)
        ma = seasonality.period_returns(r[syms[0]].dropna(), "M")
        mb = seasonality.period_returns(r[syms[1]].dropna(), "M")
        diff = (ma - mb).dropna()
        diff = diff[(diff.index >= p["start"]) & (diff.index <= p["end"])]
    wins = int((diff > 0).sum())
    return wins / len(diff), f"{syms[0]} beat {syms[1]} in {wins} of {len(diff)} periods"


def correlation(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Correlation (or beta of ``symbol`` on ``other``) of returns, alignment stated.

    ``align = "common_days"``: only the days both series have, then (for W/M) the last common
    day of each calendar week (Friday) or month. ``align = "calendar"``: each series is taken at
    its own last observation of each calendar week or month, then the periods are matched (for
    daily data both are the same). ``other`` with a ``:`` is a series (rates): its changes are
    used instead of returns.
    """
    p = claim.params
    fld = p["field"]
    a = upto(prices(data, [p["symbol"]], fld), claim)[p["symbol"]].dropna()
    other_is_series = ":" in p["other"]
    if other_is_series:
        b = upto(series(claim, data, [p["other"]]), claim)[p["other"]].dropna()
    else:
        b = upto(prices(data, [p["other"]], fld), claim)[p["other"]].dropna()
    rule = "W-FRI" if p["freq"] == "W" else "ME"
    if p["align"] == "common_days" or p["freq"] == "D":
        both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
        if p["freq"] != "D":
            both = both.resample(rule).last().dropna()
    else:
        both = pd.concat(
            [a.resample(rule).last().rename("a"), b.resample(rule).last().rename("b")],
            axis=1,
            sort=True,
        ).dropna()
    ra = both["a"].pct_change()
    rb = both["b"].diff() if other_is_series else both["b"].pct_change()
    pair = pd.concat([ra, rb], axis=1).iloc[1:].dropna()
    end = end_of(claim, pair) if len(pair) else p["start"]
    pair = pair[(pair.index >= p["start"]) & (pair.index <= end)]
    if len(pair) < 3:
        raise MissingDataError(f"overlapping data of {p['symbol']} and {p['other']}")
    x, y = pair.iloc[:, 0], pair.iloc[:, 1]
    value = float(x.cov(y) / y.var()) if p["stat"] == "beta" else float(x.corr(y))
    kind = "changes" if other_is_series else "returns"
    align = (
        "days both have"
        if p["align"] == "common_days" or p["freq"] == "D"
        else "each series' own calendar-period closes"
    )
    return value, (
        f"{p['stat']} of {p['freq']} returns of {p['symbol']} on {kind} of {p['other']}, "
        f"aligned on {align}, n={len(pair)}, {pair.index[0]:%Y-%m-%d}..{pair.index[-1]:%Y-%m-%d}"
    )


def window_change(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Change in index points: the close at the window's end minus the close before its start."""
    p = claim.params
    px = prices(data, [p["symbol"]], p["field"])[p["symbol"]].dropna()
    end = end_of(claim, px)
    before = pd.Timestamp(p["start"]) - pd.Timedelta(days=1)
    cover(px, before, f"prices {p['symbol']}")
    cover(px, end, f"prices {p['symbol']}")
    a = px.loc[:before]
    z = px.loc[:end]
    change = float(z.iloc[-1] - a.iloc[-1])
    return change, (
        f"{p['symbol']} {p['field']} {a.iloc[-1]:.6g} ({a.index[-1]:%Y-%m-%d}) -> "
        f"{z.iloc[-1]:.6g} ({z.index[-1]:%Y-%m-%d}): {change:+.2f} points"
    )
