"""Slow pure-Python reference of the target-weight simulation (the tests' oracle).

Written from the rules in :mod:`sizeup.backtest._engine`'s docstring with plain Python
objects (lists, dicts, ``sorted``) and no code shared with the kernel.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from sizeup.backtest._types import EngineConfig

__all__ = ["reference_simulate"]


def _close(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= max(1e-9 * max(abs(a), abs(b)), 1e-12)


def reference_simulate(
    prices: npt.NDArray[np.float64], targets: npt.NDArray[np.float64], config: EngineConfig
) -> dict[str, npt.NDArray[np.generic]]:
    """Simulate with Python floats; outputs as :func:`~sizeup.backtest._engine.simulate_arrays`.

    Parameters
    ----------
    prices, targets
        (T, N) closes and target weights; a row of NaN targets is no decision.
    config
        Engine settings.

    Returns
    -------
    dict
        ``shares, orders, event_shares, codes, cash, value, fees, traded``.
    """
    n_rows, n_cols = len(prices), len(prices[0]) if len(prices) else 0
    px = [[float(x) for x in row] for row in prices]
    tg = [[float(x) for x in row] for row in targets]
    fee_rate = config.fee_bps / 1e4
    slip = config.slippage_bps / 1e4
    holdings: dict[int, float] = {}
    last_price: dict[int, float] = {}
    gap: dict[int, int] = {}
    cash = float(config.init_cash)
    rec: dict[str, list[object]] = {k: [] for k in ("shares", "orders", "ev", "codes")}
    cash_l: list[float] = []
    value_l: list[float] = []
    fees_l: list[float] = []
    traded_l: list[float] = []

    def marked() -> float:
        return cash + sum(q * last_price[c] for c, q in holdings.items() if q != 0.0)

    for t in range(n_rows):
        orders = [0.0] * n_cols
        codes = [0] * n_cols
        ev = [0.0] * n_cols
        paid = 0.0
        turnover = 0.0
        for c in range(n_cols):
            if px[t][c] > 0.0:
                last_price[c] = px[t][c]
                gap[c] = 0
            else:
                gap[c] = gap.get(c, 0) + 1
        if config.delist_after:
            for c in sorted(holdings):
                q = holdings[c]
                if q != 0.0 and gap[c] >= config.delist_after:
                    cash += q * last_price[c]
                    codes[c], ev[c], orders[c] = 2, -q, -q
                    holdings[c] = 0.0
        d = t - config.lag
        if d >= 0 and any(not math.isnan(x) for x in tg[d]):
            value = marked()
            todo: list[tuple[float, int]] = []
            for c in range(n_cols):
                w = tg[d][c]
                if math.isnan(w):
                    continue
                q = holdings.get(c, 0.0)
                held = q * last_price[c] if q != 0.0 else 0.0
                if not px[t][c] > 0.0:
                    if not _close(w * value, held):
                        codes[c] = 1
                        ev[c] = w * value / last_price[c] - q if c in last_price else math.nan
                    continue
                if config.band > 0 and value > 0 and abs(held / value - w) <= config.band:
                    continue
                todo.append((w * value - held, c))
            for _, c in sorted(todo, key=lambda item: item[0]):
                p = px[t][c]
                q = holdings.get(c, 0.0)
                want = tg[d][c] * value / p - q
                if config.lot > 0:
                    want = math.trunc(want / config.lot) * config.lot
                if _close(want, 0.0):
                    continue
                if want < 0:
                    n = min(-want, q)
                    if n <= 0 or _close(n, 0.0):
                        continue
                    proceeds = n * p * (1 - slip)
                    cost = proceeds * fee_rate + config.per_share * n
                    cash = cash + (proceeds - cost)
                    q_new = q - n
                    holdings[c] = 0.0 if _close(q_new, 0.0) else q_new
                    orders[c] -= n
                    paid += cost
                    turnover += proceeds
                    continue
                price_in = p * (1 + slip)
                n = want
                spend = n * price_in
                cost = spend * fee_rate + config.per_share * n
                if spend + cost < cash or _close(spend + cost, cash):
                    cash -= spend + cost
                    if _close(cash, 0.0):
                        cash = 0.0
                else:
                    if cash <= 0:
                        continue
                    n = cash / (price_in * (1 + fee_rate) + config.per_share)
                    if config.lot > 0:
                        n = math.floor(n / config.lot) * config.lot
                    if n <= 0 or _close(n, 0.0):
                        continue
                    spend = n * price_in
                    cost = spend * fee_rate + config.per_share * n
                    if config.lot > 0:
                        cash -= spend + cost
                        if _close(cash, 0.0):
                            cash = 0.0
                    else:
                        cash = 0.0
                holdings[c] = q + n
                orders[c] += n
                paid += cost
                turnover += spend
        rec["shares"].append([holdings.get(c, 0.0) for c in range(n_cols)])
        rec["orders"].append(orders)
        rec["ev"].append(ev)
        rec["codes"].append(codes)
        cash_l.append(cash)
        value_l.append(marked())
        fees_l.append(paid)
        traded_l.append(turnover)
    shape = (n_rows, n_cols)
    return {
        "shares": np.array(rec["shares"], dtype=np.float64).reshape(shape),
        "orders": np.array(rec["orders"], dtype=np.float64).reshape(shape),
        "event_shares": np.array(rec["ev"], dtype=np.float64).reshape(shape),
        "codes": np.array(rec["codes"], dtype=np.int8).reshape(shape),
        "cash": np.array(cash_l),
        "value": np.array(value_l),
        "fees": np.array(fees_l),
        "traded": np.array(traded_l),
    }
