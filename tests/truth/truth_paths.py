"""Hand-built price paths for the truth tests (no code under test involved)."""

from __future__ import annotations

import itertools

import numpy as np


def zigzag(points: list[float], steps: int = 30) -> np.ndarray:
    """Geometric interpolation between way-points, ``steps`` daily moves per leg."""
    out = [float(points[0])]
    for a, b in itertools.pairwise(points):
        out.extend(np.geomspace(a, b, steps + 1)[1:].tolist())
    return np.asarray(out)


# an absolute up-trend: higher tops (every X column exceeds the previous one) and higher bottoms,
# each pull-back 4-5 points (>= 3 boxes of 1 point on the traditional 20-100 grid), last leg up
FUND_UP = [50, 58, 54, 62, 58, 66, 61, 70, 65, 74, 69, 78, 73, 82, 77, 86, 81, 90, 85, 94, 89, 97]
# a ratio rising in swings of -40 % / +100 % or more: every down leg reverses a 6.5 % chart
# (3 boxes = 20.8 %) even at 2/3 strength (a peer index holding the fund itself), every up leg
# exceeds the previous top (RS buy), last leg up
RATIO_UP = [
    100, 200, 120, 260, 160, 360, 220, 480, 300, 640, 400,
    850, 520, 1100, 700, 1450, 900, 1900, 1200, 2500, 1600, 3300,
]  # fmt: skip
