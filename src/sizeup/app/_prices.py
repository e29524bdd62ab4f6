"""Reading prices on the basis the data policy asks for (:class:`~sizeup.app.PriceBasis`).

The store keeps one history per (symbol, source) and, for files that carry only
dividend-adjusted prices, stores them as both ``close`` and ``adj_close``. Which source holds
prices *as traded* is therefore decided here, once, for every use case: a source qualifies when
its close differs from its adjusted close on some day (it stores both, e.g. Yahoo files with
``Adj Close``, Alpha Vantage) or when the symbol is an index level (``^RUT``: price indexes are
as traded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from sizeup.errors import DataError

if TYPE_CHECKING:
    from sizeup.data.store import Store

__all__ = ["as_traded_bars", "as_traded_closes"]


def as_traded_bars(store: Store, symbol: str) -> tuple[pd.DataFrame, list[str]]:
    """Read a symbol's bars on the as-traded basis from the sources that hold it.

    A source qualifies when its close differs from its adjusted close on some day (it stores
    both) or when the symbol is an index (``^``), whose levels are as traded. Among qualifying
    sources the store's bar preference applies (OHLC first, then the longest history). When no
    source separates raw from adjusted closes (a symbol that never paid a dividend, or only
    adjusted files), the stored prices are used and a note says the basis is unverified.

    Returns
    -------
    (pandas.DataFrame, list of str)
        Tidy bars of one source and notes on the sources left out.
    """
    src = store.sources([symbol])
    if src.empty:
        raise _absent(symbol)
    return _pick(symbol, src, _by_source(store, [symbol], src))


def _absent(symbol: str) -> DataError:
    return DataError(
        f"no bars for symbol {symbol!r} in the store; fetch or import it first "
        "(see `sizeup store info` for what is there)",
        input="symbol",
        value=symbol,
        valid="a symbol in the store",
    )


def _by_source(
    store: Store, symbols: Sequence[str], src: pd.DataFrame
) -> dict[tuple[str, str], pd.DataFrame]:
    """Every (symbol, source) history in one read, split as reading each alone gives."""
    names = sorted({str(s) for s in src["source"]})
    every = store.bars(list(symbols), source=names)
    return {
        (str(k[0]), str(k[1])): g.reset_index(drop=True)
        for k, g in every.groupby(["symbol", "source"], sort=False, observed=True)
    }


def _pick(
    symbol: str, src: pd.DataFrame, by_source: dict[tuple[str, str], pd.DataFrame]
) -> tuple[pd.DataFrame, list[str]]:
    """Choose the as-traded history of one symbol among its sources (``src``: its rows)."""
    notes: list[str] = []
    skipped: list[str] = []
    candidates: list[pd.DataFrame] = []
    names = [str(s) for s in src["source"]]
    held = {s: by_source[(symbol, s)] for s in names if (symbol, s) in by_source}
    for source in names:
        rows = held.get(source)
        if rows is None or rows.empty:
            continue
        raw = symbol.startswith("^") or bool(
            (rows["close"] - rows["adj_close"]).abs().gt(1e-9 * rows["close"].abs()).any()
        )
        if raw:
            candidates.append(rows)
        else:
            skipped.append(str(source))
    if not candidates:
        # No source separates raw from adjusted closes: the basis cannot be verified.
        notes = [
            f"the store's sources of {symbol} do not separate raw and adjusted closes; the "
            "chart uses the prices as stored (dividend-adjusted if the source adjusted them)"
        ]
        candidates = [held[s] for s in names if s in held and not held[s].empty]
    else:
        later = [
            pd.Timestamp(d)
            for d in src["last"]
            if pd.Timestamp(d) > max(pd.Timestamp(c["date"].max()) for c in candidates)
        ]
        if later:
            notes.append(
                f"not used (dividend-adjusted only): {', '.join(skipped)}; "
                f"newer prices of {symbol} (through {max(later).date()}) are dividend-adjusted "
                "only: --basis total-return charts them"
            )

    def _rank(rows: pd.DataFrame) -> tuple[bool, int, pd.Timestamp]:
        ohlc = bool(rows[["high", "low"]].notna().all(axis=1).any())
        return (ohlc, len(rows), pd.Timestamp(rows["date"].max()))

    best = max(candidates, key=_rank)
    return best, notes


def as_traded_closes(
    store: Store, symbols: Sequence[str], *, end: pd.Timestamp | None = None
) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Return as-traded closes (dates x symbols), the source of each column and notes.

    Symbols absent from the store are left out (the caller reports them missing).
    """
    cols: dict[str, pd.Series] = {}
    sources: dict[str, str] = {}
    notes: list[str] = []
    src_all = store.sources(list(symbols))
    held = src_all[src_all["symbol"].isin([str(s) for s in symbols])]
    by_source = _by_source(store, symbols, held) if not held.empty else {}
    for sym in symbols:
        src = held[held["symbol"] == str(sym)]
        if src.empty:
            continue
        rows, sym_notes = _pick(str(sym), src, by_source)
        series = pd.Series(
            rows["close"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["date"]), name=sym
        ).sort_index()
        cols[sym] = series if end is None else series.loc[:end]
        sources[sym] = ",".join(sorted({str(s) for s in rows["source"]}))
        notes += sym_notes
    frame = pd.DataFrame(cols).sort_index() if cols else pd.DataFrame()
    return frame, sources, notes
