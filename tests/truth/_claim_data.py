"""An in-memory ``ClaimData`` for the truth tests of the claims metrics and kinds, and a runner.

Price frames are given per field; asking for any other field raises ``KeyError``, so a metric
that reads the wrong field fails its test instead of reading a default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from sizeup.claims import evaluate_claims, parse_claims


class FrameData:
    """Closes per price field, optional series columns, no snapshots and no fundamentals."""

    def __init__(
        self, frames: Mapping[str, pd.DataFrame], series: pd.DataFrame | None = None
    ) -> None:
        self.frames = dict(frames)
        self.ser = series if series is not None else pd.DataFrame()

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        frame = self.frames[field]
        return frame[[s for s in symbols if s in frame.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return self.ser[[i for i in ids if i in self.ser.columns]]

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return {}

    def fundamentals(self) -> None:
        return None


def run_claim(data: FrameData, **claim: object) -> tuple[str, float, str, tuple[str, ...]]:
    """Verdict, measured value, detail and missing inputs of one claim (stated 0, tol 1e-9)."""
    doc = {"claim": [{"text": "t", "stated": 0.0, "tolerance": 1e-9, **claim}]}
    (res,) = evaluate_claims(parse_claims(doc), data)
    return res.verdict, float(res.measured), res.detail, tuple(res.missing)
