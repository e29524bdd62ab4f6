"""A small synthetic store for the web and browser tests (random walks, one holdings snapshot).

Built with a fixed seed so every run serves the same data; prices are synthetic, never copied
from ../shared.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sizeup.data.store import Store

FUNDS = ["IWM", "SPY", "RSP", "IVV", "IJR", "VOO"]
INDEXES = ["^RUT", "^GSPC"]
MEMBERS = [f"M{i:02d}" for i in range(24)]
LAST_DAY = "2024-06-28"
#: A hand-made close series for P&F checks: up one a day from 10 to 20, then down to 15.
STEP_CLOSES = [*range(10, 21), *range(19, 14, -1)]
#: A hand-made yield series (percent): 4.0 up by 0.1 a day to 5.0, then down to 4.5.
YIELDS = [round(4.0 + 0.1 * k, 1) for k in range(11)] + [round(4.9 - 0.1 * k, 1) for k in range(5)]


def _bars(sym: str, close: np.ndarray, idx: pd.DatetimeIndex, *, ohlc: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": sym,
            "date": idx,
            "open": close if ohlc else np.nan,
            "high": close * 1.01 if ohlc else np.nan,
            "low": close * 0.99 if ohlc else np.nan,
            "close": close,
            "adj_close": close,
            "volume": np.nan,
            "source": "synthetic",
        }
    )


def price_frame(idx: pd.DatetimeIndex, symbols: list[str], seed: int) -> pd.DataFrame:
    """OHLC bars of random walks for ``symbols`` on ``idx`` (high/low 1 % around the close)."""
    rng = np.random.default_rng(seed)
    frames = []
    for sym in symbols:
        px = 50 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(idx))))
        frames.append(_bars(sym, px, idx, ohlc=True))
    return pd.concat(frames, ignore_index=True)


def fundamentals_frame(members: list[str]) -> pd.DataFrame:
    """Quarterly net income (2023 Q1 .. 2024 Q1) and shares outstanding of each member.

    Every third member loses money in the latest quarter, so the earnings screen passes some
    names and fails others.
    """
    quarters = [
        ("2023-01-01", "2023-03-31", "Q1", 2023),
        ("2023-04-01", "2023-06-30", "Q2", 2023),
        ("2023-07-01", "2023-09-30", "Q3", 2023),
        ("2023-10-01", "2023-12-31", "Q4", 2023),
        ("2024-01-01", "2024-03-31", "Q1", 2024),
    ]
    rows = []
    for i, sym in enumerate(members):
        for k, (start, end, fp, fy) in enumerate(quarters):
            income = 1e6 * (1 + i) * (-1.0 if (i % 3 == 0 and k == len(quarters) - 1) else 1.0)
            filed = pd.Timestamp(end) + pd.Timedelta(days=40)
            rows.append(
                (
                    sym,
                    1000 + i,
                    "us-gaap:NetIncomeLoss",
                    start,
                    end,
                    fy,
                    fp,
                    "10-Q",
                    filed,
                    income,
                    "USD",
                )
            )
            rows.append(
                (
                    sym, 1000 + i, "dei:EntityCommonStockSharesOutstanding", None, filed, fy, fp,
                    "10-Q", filed, 1e6, "shares",
                )
            )  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=[
            "symbol", "cik", "concept", "period_start", "period_end", "fiscal_year",
            "fiscal_period", "form", "filed", "value", "unit",
        ],
    )  # fmt: skip
    for col in ("period_start", "period_end", "filed"):
        frame[col] = pd.to_datetime(frame[col])
    frame["source"] = "synthetic"
    return frame


def build_store(root: Path) -> Path:
    """Write the small store at ``root`` (prices 2016-01-04 .. 2024-06-28, IWM holdings)."""
    st = Store.open(root)
    idx = pd.bdate_range("2016-01-04", LAST_DAY)
    st.write({"bars": price_frame(idx, [*INDEXES, *FUNDS, *MEMBERS], seed=11)})
    hold = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.Timestamp("2020-01-02"),
            "symbol": MEMBERS,
            "name": MEMBERS,
            "sector": "x",
            "asset_class": "Equity",
            "weight": 1 / len(MEMBERS),
            "shares": 1.0,
            "price": 1.0,
            "market_value": 1.0,
            "source": "synthetic",
        }
    )
    st.write({"holdings": hold})
    st.write({"fundamentals": fundamentals_frame(MEMBERS)})
    step_idx = pd.bdate_range("2024-01-02", periods=len(STEP_CLOSES))
    step = _bars("STEP", np.asarray(STEP_CLOSES, dtype=float), step_idx, ohlc=False)
    st.write({"bars": step.assign(source="handmade")})
    series = pd.DataFrame(
        {
            "series_id": "DGS10",
            "date": pd.bdate_range("2024-01-02", periods=len(YIELDS)),
            "value": YIELDS,
            "source": "handmade",
            "vintage": "2024-06-28",
        }
    )
    st.write({"series": series})
    return root


class ServerThread:
    """A real uvicorn server on 127.0.0.1 (a free port) in a background thread.

    Parameters
    ----------
    app
        The ASGI application.
    """

    def __init__(self, app: object) -> None:
        import socket
        import threading

        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> ServerThread:
        import time

        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start within 30 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
