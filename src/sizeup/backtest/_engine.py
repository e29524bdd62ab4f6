"""Target-weight simulation kernel (numba) and its pandas front door.

Rules (the pure-Python :mod:`sizeup.backtest._reference` implements the same rules
independently; the tests hold the two equal to 1e-9):

1. A row of the target panel with at least one finite weight is a *decision* taken at that
   row's close. It is executed at the close of row ``t + lag``; it never sees later data.
   Within a decision, a NaN weight leaves that symbol alone; 0 sells it.
2. Each day the last known price of every symbol is updated from that day's close (a missing
   or non-positive close keeps the previous one). The portfolio value ``V`` is cash plus
   holdings at last known prices.
3. On an execution day, the order of symbol ``j`` is ``w_j V / p_j - shares_j`` shares, rounded
   toward zero to a multiple of ``lot`` when ``lot > 0``. A symbol without a close that day is
   not traded and an event ``NO_PRICE`` is reported. With a drift band ``b > 0``, a symbol whose
   current weight is within ``b`` of its target is not traded.
4. Orders run in increasing order of their value ``w_j V - shares_j p_j`` (sells first, then the
   smallest buys; ties by column). A sell receives ``p (1 - slippage)`` per share and pays
   ``fee_rate`` of the proceeds plus ``per_share`` per share. A buy pays ``p (1 + slippage)``
   plus the same costs; when cash does not cover it, it buys what the cash covers (long only,
   no borrowing).
5. With ``delist_after = k > 0`` a held symbol without a close for ``k`` consecutive sessions is
   closed at its last known price (no costs) and an event ``WRITTEN_OFF`` is reported.

Dividends enter through the price series: pass total-return (adjusted) closes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from numba import njit

from sizeup.backtest._types import EVENT_DTYPE, EngineConfig, EventKind, Simulation
from sizeup.errors import BacktestError

__all__ = ["CrossoverPanel", "crossover_sweep", "prepare_inputs", "simulate", "simulate_arrays"]

FloatArray = npt.NDArray[np.float64]

REL_TOL = 1e-9
ABS_TOL = 1e-12


@njit(cache=True, nogil=True)
def _is_close(a: float, b: float) -> bool:  # pragma: no cover - compiled
    if a == b:
        return True
    return abs(a - b) <= max(REL_TOL * max(abs(a), abs(b)), ABS_TOL)


@njit(cache=True, nogil=True)
def _simulate_nb(  # noqa: PLR0917  # pragma: no cover - compiled
    prices: Any,
    targets: Any,
    decide: Any,
    lag: Any,
    init_cash: Any,
    fee_rate: Any,
    per_share: Any,
    slip: Any,
    lot: Any,
    band: Any,
    delist_after: Any,
    shares_out: Any,
    cash_out: Any,
    value_out: Any,
    fees_out: Any,
    traded_out: Any,
    orders_out: Any,
    code_out: Any,
    event_shares_out: Any,
) -> None:
    n_rows, n_cols = prices.shape
    pos = np.zeros(n_cols)
    last = np.full(n_cols, np.nan)
    missing = np.zeros(n_cols, np.int64)
    order_val = np.empty(n_cols)
    seq = np.empty(n_cols, np.int64)
    cash = init_cash
    for t in range(n_rows):
        fee_day = 0.0
        traded_day = 0.0
        for j in range(n_cols):
            p = prices[t, j]
            if p > 0.0:  # False for NaN
                last[j] = p
                missing[j] = 0
            else:
                missing[j] += 1
        if delist_after > 0:
            for j in range(n_cols):
                if pos[j] != 0.0 and missing[j] >= delist_after:
                    cash += pos[j] * last[j]
                    code_out[t, j] = 2
                    event_shares_out[t, j] = -pos[j]
                    orders_out[t, j] = -pos[j]
                    pos[j] = 0.0
        d = t - lag
        if d >= 0 and decide[d]:
            value = cash
            for j in range(n_cols):
                if pos[j] != 0.0:
                    value += pos[j] * last[j]
            m = 0
            for j in range(n_cols):
                w = targets[d, j]
                if math.isnan(w) or (w == 0.0 and pos[j] == 0.0):
                    continue
                held = pos[j] * last[j] if pos[j] != 0.0 else 0.0
                p = prices[t, j]
                if not p > 0.0:
                    if not _is_close(w * value, held):
                        code_out[t, j] = 1
                        if last[j] > 0.0:
                            event_shares_out[t, j] = w * value / last[j] - pos[j]
                        else:
                            event_shares_out[t, j] = np.nan
                    continue
                if band > 0.0 and value > 0.0 and abs(held / value - w) <= band:
                    continue
                key = w * value - held
                # stable insertion into the sorted prefix
                k = m
                while k > 0 and order_val[k - 1] > key:
                    order_val[k] = order_val[k - 1]
                    seq[k] = seq[k - 1]
                    k -= 1
                order_val[k] = key
                seq[k] = j
                m += 1
            for k in range(m):
                j = seq[k]
                p = prices[t, j]
                size = targets[d, j] * value / p - pos[j]
                if lot > 0.0:
                    size = math.trunc(size / lot) * lot
                if _is_close(size, 0.0):
                    continue
                if size < 0.0:
                    size = min(-size, pos[j])
                    if _is_close(size, 0.0) or size <= 0.0:
                        continue
                    px = p * (1.0 - slip)
                    gross = size * px
                    fee = gross * fee_rate + per_share * size
                    cash += gross - fee
                    new_pos = pos[j] - size
                    if _is_close(new_pos, 0.0):
                        new_pos = 0.0
                    pos[j] = new_pos
                    orders_out[t, j] -= size
                    fee_day += fee
                    traded_day += gross
                else:
                    px = p * (1.0 + slip)
                    req = size * px
                    fee = req * fee_rate + per_share * size
                    total = req + fee
                    if _is_close(total, cash) or total < cash:
                        cash -= total
                        if _is_close(cash, 0.0):
                            cash = 0.0
                    else:
                        if cash <= 0.0:
                            continue
                        size = cash / (px * (1.0 + fee_rate) + per_share)
                        if lot > 0.0:
                            size = math.floor(size / lot) * lot
                        if size <= 0.0 or _is_close(size, 0.0):
                            continue
                        req = size * px
                        fee = req * fee_rate + per_share * size
                        if lot > 0.0:
                            cash -= req + fee
                            if _is_close(cash, 0.0):
                                cash = 0.0
                        else:
                            cash = 0.0
                    pos[j] += size
                    orders_out[t, j] += size
                    fee_day += fee
                    traded_day += req
        value = cash
        for j in range(n_cols):
            shares_out[t, j] = pos[j]
            if pos[j] != 0.0:
                value += pos[j] * last[j]
        cash_out[t] = cash
        value_out[t] = value
        fees_out[t] = fee_day
        traded_out[t] = traded_day


def prepare_inputs(
    prices: pd.DataFrame, targets: pd.DataFrame
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Check and align a price panel and a target-weight panel for the kernel.

    Parameters
    ----------
    prices
        Closes, dates x symbols (NaN where a symbol has no close).
    targets
        Target weights decided at each row's close, on the same dates and symbols; a row of
        NaN is no decision, a NaN weight in a decision leaves that symbol alone.

    Returns
    -------
    prices, targets, decide
        C-contiguous float64 arrays and the boolean decision mask.

    Raises
    ------
    BacktestError
        Misaligned panels, negative weights or weights summing above 1 (no leverage).
    """
    if not prices.index.equals(targets.index) or not prices.columns.equals(targets.columns):
        raise BacktestError(
            "targets must have the same dates and symbols as prices "
            f"(prices {prices.shape}, targets {targets.shape})",
            input="targets",
            value=targets.shape,
            valid="a frame aligned with the price panel",
        )
    p = np.ascontiguousarray(prices.to_numpy(dtype=np.float64))
    w = np.ascontiguousarray(targets.to_numpy(dtype=np.float64))
    if np.isinf(w).any() or (w < 0).any():
        bad = w[np.isinf(w) | (w < 0)][0]
        raise BacktestError(
            f"target weight {bad} is not valid (long only); valid: finite weights >= 0",
            input="targets",
            value=float(bad),
            valid="finite weights >= 0",
        )
    total = np.nansum(w, axis=1)
    if (total > 1.0 + 1e-9).any():
        row = int(np.argmax(total > 1.0 + 1e-9))
        raise BacktestError(
            f"target weights on {prices.index[row]} sum to {total[row]:.6g} (no leverage); "
            "valid: a sum <= 1",
            input="targets",
            value=float(total[row]),
            valid="weights summing to at most 1",
        )
    decide = ~np.isnan(w).all(axis=1)
    return p, w, decide


def simulate_arrays(
    prices: FloatArray,
    targets: FloatArray,
    decide: npt.NDArray[np.bool_],
    config: EngineConfig,
) -> dict[str, npt.NDArray[np.generic]]:
    """Run the kernel on prepared arrays (see :func:`prepare_inputs`).

    Returns
    -------
    dict
        ``shares, orders, event_shares`` (T, N) float64, ``codes`` (T, N) int8 and ``cash,
        value, fees, traded`` (T,) float64.
    """
    n_rows, n_cols = prices.shape
    out: dict[str, npt.NDArray[np.generic]] = {
        "shares": np.empty((n_rows, n_cols)),
        "cash": np.empty(n_rows),
        "value": np.empty(n_rows),
        "fees": np.empty(n_rows),
        "traded": np.empty(n_rows),
        "orders": np.zeros((n_rows, n_cols)),  # the kernel writes only non-zero cells
        "codes": np.zeros((n_rows, n_cols), dtype=np.int8),
        "event_shares": np.zeros((n_rows, n_cols)),
    }
    _simulate_nb(
        prices,
        targets,
        decide,
        config.lag,
        config.init_cash,
        config.fee_bps / 1e4,
        config.per_share,
        config.slippage_bps / 1e4,
        config.lot,
        config.band,
        config.delist_after,
        out["shares"],
        out["cash"],
        out["value"],
        out["fees"],
        out["traded"],
        out["orders"],
        out["codes"],
        out["event_shares"],
    )
    return out


def events_from_codes(
    codes: npt.NDArray[np.int8], event_shares: FloatArray
) -> npt.NDArray[np.void]:
    """Turn the per-cell event codes into the structured event table (:data:`EVENT_DTYPE`)."""
    rows, cols = np.nonzero(codes)
    ev = np.empty(len(rows), dtype=EVENT_DTYPE)
    ev["row"] = rows
    ev["col"] = cols
    ev["kind"] = codes[rows, cols]
    ev["shares"] = event_shares[rows, cols]
    return ev


def simulate(
    prices: pd.DataFrame, targets: pd.DataFrame, config: EngineConfig | None = None
) -> Simulation:
    """Simulate a target-weight strategy on a price panel.

    Parameters
    ----------
    prices
        Closes (use total-return closes so dividends count), dates x symbols.
    targets
        Target weights decided at each row's close (see :func:`prepare_inputs`).
    config
        Costs, cash, lots, drift band, lag; defaults to :class:`EngineConfig`.

    Returns
    -------
    Simulation
        Holdings, cash, value, costs, orders and reported events per day.

    Examples
    --------
    >>> import pandas as pd
    >>> px = pd.DataFrame({"A": [10.0, 11.0, 12.0]}, index=pd.date_range("2024-01-01", periods=3))
    >>> w = pd.DataFrame({"A": [1.0, None, None]}, index=px.index)
    >>> sim = simulate(px, w, EngineConfig(init_cash=110.0))
    >>> sim.shares[:, 0].tolist(), sim.value.tolist()
    ([0.0, 10.0, 10.0], [110.0, 110.0, 120.0])
    """
    cfg = config or EngineConfig()
    p, w, decide = prepare_inputs(prices, targets)
    out = simulate_arrays(p, w, decide, cfg)
    codes = out["codes"].astype(np.int8)
    return Simulation(
        index=prices.index,
        columns=prices.columns,
        shares=out["shares"].astype(np.float64),
        cash=out["cash"].astype(np.float64),
        value=out["value"].astype(np.float64),
        fees=out["fees"].astype(np.float64),
        traded=out["traded"].astype(np.float64),
        orders=out["orders"].astype(np.float64),
        events=events_from_codes(codes, out["event_shares"].astype(np.float64)),
        config=cfg,
        prices=p,
    )


# keep the enum referenced for readers of the kernel's integer codes
_CODES = (EventKind.NO_PRICE, EventKind.WRITTEN_OFF)


@njit(cache=True, nogil=True)
def _crossover_nb(  # noqa: PLR0917  # pragma: no cover - compiled
    prices: Any,
    csum: Any,
    rets: Any,
    fast: Any,
    slow: Any,
    lag: Any,
    fee_rate: Any,
    per_share: Any,
    slip: Any,
    final_out: Any,
    sharpe_out: Any,
    trades_out: Any,
) -> None:
    # prices, rets (N, T) and csum (N, T + 1) are symbol-major: one symbol's history stays
    # in cache while every pair runs on it. A day without a trade has return 0 (flat) or the
    # symbol's own return (held), so only trade days divide.
    n_cols, n_rows = prices.shape
    for j in range(n_cols):
        pj = prices[j]
        cj = csum[j]
        rj = rets[j]
        for c in range(fast.shape[0]):
            f, s = fast[c], slow[c]
            cash = 1.0
            sh = 0.0
            s1 = 0.0
            s2 = 0.0
            trades = 0
            start = s - 1 + lag
            for t in range(max(start, 0), n_rows):
                p = pj[t]
                d = t - lag
                # fast mean > slow mean, without dividing: sum_f * s > sum_s * f
                want = (cj[d + 1] - cj[d + 1 - f]) * s > (cj[d + 1] - cj[d + 1 - s]) * f
                if want and sh == 0.0:
                    if t > 0:
                        prev = cash
                    px = p * (1.0 + slip)
                    n = cash / (px * (1.0 + fee_rate) + per_share)
                    if n > 0.0:
                        sh = n
                        cash = 0.0
                        trades += 1
                        if t > 0:
                            r = sh * p / prev - 1.0
                            s1 += r
                            s2 += r * r
                elif not want and sh > 0.0:
                    prev = sh * pj[t - 1] if t > 0 else 0.0
                    px = p * (1.0 - slip)
                    gross = sh * px
                    cash += gross - gross * fee_rate - per_share * sh
                    sh = 0.0
                    trades += 1
                    if t > 0:
                        r = cash / prev - 1.0
                        s1 += r
                        s2 += r * r
                elif sh > 0.0 and t > 0:
                    r = rj[t]
                    s1 += r
                    s2 += r * r
            final_out[c, j] = cash + sh * pj[n_rows - 1]
            m = n_rows - 1
            if m > 1:
                mean = s1 / m
                var = (s2 - m * mean * mean) / (m - 1)
                sharpe_out[c, j] = mean / math.sqrt(var) * math.sqrt(252.0) if var > 0 else np.nan
            else:
                sharpe_out[c, j] = np.nan
            trades_out[c, j] = trades


@dataclass(frozen=True)
class CrossoverPanel:
    """Closes prepared once for many :func:`crossover_sweep` calls (symbol-major, cumsums)."""

    prices: FloatArray
    csum: FloatArray
    rets: FloatArray

    @classmethod
    def of(cls, prices: pd.DataFrame) -> CrossoverPanel:
        """Check and prepare a panel of closes (no missing value)."""
        p = np.ascontiguousarray(prices.to_numpy(dtype=np.float64).T)
        if not np.isfinite(p).all() or (p <= 0).any():
            raise BacktestError(
                "crossover_sweep needs positive closes on every date for every symbol",
                input="prices",
                value="missing or non-positive closes",
                valid="a complete panel of positive closes",
            )
        csum = np.zeros((p.shape[0], p.shape[1] + 1))
        np.cumsum(p, axis=1, out=csum[:, 1:])
        rets = np.zeros_like(p)
        rets[:, 1:] = p[:, 1:] / p[:, :-1] - 1.0
        return cls(p, csum, rets)


def crossover_sweep(
    prices: pd.DataFrame | CrossoverPanel,
    pairs: list[tuple[int, int]],
    config: EngineConfig | None = None,
    *,
    threads: int = 2,
) -> dict[str, npt.NDArray[np.generic]]:
    """Moving-average crossover on every symbol for many (fast, slow) pairs at once.

    Each symbol is its own portfolio of 1 unit of cash, all in while the ``fast``-session
    mean is above the ``slow``-session mean (decided at a close, executed ``lag`` sessions
    later at that close), all out otherwise; the same rules and costs as :func:`simulate`
    with a daily target weight of 1 or 0 (see the tests), without lots or bands.

    Parameters
    ----------
    prices
        Closes with no missing value (dates x symbols), or a prepared :class:`CrossoverPanel`.
    pairs
        ``(fast, slow)`` windows in sessions, ``1 <= fast < slow``.
    config
        Costs and lag (``init_cash``, ``lot``, ``band`` and ``delist_after`` do not apply).
    threads
        Threads the symbols are split over (the kernel releases the GIL).

    Returns
    -------
    dict
        ``final`` (pairs x symbols) final value per unit of cash, ``sharpe`` (annualised, daily
        returns) and ``trades``.
    """
    cfg = config or EngineConfig()
    panel = prices if isinstance(prices, CrossoverPanel) else CrossoverPanel.of(prices)
    n_syms, n_rows = panel.prices.shape
    for f, s in pairs:
        if not (isinstance(f, int) and isinstance(s, int) and 1 <= f < s <= n_rows):
            raise BacktestError(
                f"moving-average pair ({f}, {s}) is not valid; valid: 1 <= fast < slow <= "
                f"{n_rows} sessions",
                input="pairs",
                value=(f, s),
                valid=f"1 <= fast < slow <= {n_rows}",
            )
    fast = np.array([f for f, _ in pairs], dtype=np.int64)
    slow = np.array([s for _, s in pairs], dtype=np.int64)
    n = len(pairs)
    final = np.empty((n, n_syms))
    sharpe = np.empty((n, n_syms))
    trades = np.empty((n, n_syms), dtype=np.int64)
    args = (cfg.lag, cfg.fee_bps / 1e4, cfg.per_share, cfg.slippage_bps / 1e4)
    bounds = np.linspace(0, n_syms, max(1, min(threads, n_syms)) + 1).astype(int)

    def work(a: int, b: int) -> None:
        # each thread owns a block of symbols: columns a..b of the outputs
        fo, so, to = np.empty((n, b - a)), np.empty((n, b - a)), np.empty((n, b - a), np.int64)
        _crossover_nb(
            panel.prices[a:b], panel.csum[a:b], panel.rets[a:b], fast, slow, *args, fo, so, to
        )
        final[:, a:b], sharpe[:, a:b], trades[:, a:b] = fo, so, to

    if len(bounds) > 2:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(bounds) - 1) as pool:
            list(pool.map(work, bounds[:-1], bounds[1:]))
    else:
        work(0, n_syms)
    return {"final": final, "sharpe": sharpe, "trades": trades}
