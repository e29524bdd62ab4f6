"""One tolerance policy for every claim: the stated number's own rounding.

A figure written as ``0.036`` claims three decimals, so anything that rounds to it (``0.0355`` up
to ``0.0365``) supports it: the implied tolerance is half a unit in the last written digit,
``0.0005``. ``14`` (a count of sessions) implies ``0.5``, which for integer measurements means
an exact match; ``1.5e-3`` implies ``0.05e-3``. A ``true``/``false`` claim is exact.

The written digits are kept by parsing TOML floats as :class:`WrittenNumber` (a ``float`` that
remembers its text, so ``0.0350`` keeps its fourth decimal); numbers that arrive as plain Python
floats fall back to their shortest ``repr``.

A claim that states ``tolerance = x`` overrides the policy. Bounds (``compare = "at_least"`` /
``"at_most"``) are exact unless a tolerance is stated: "at least 85 %" is a threshold, not a
rounded figure.
"""

from __future__ import annotations

import math
import re

from sizeup.errors import ClaimSpecError

__all__ = ["WrittenNumber", "implied_tolerance", "written_text"]

_NUMBER = re.compile(r"^[+-]?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")


class WrittenNumber(float):
    """A float that remembers how it was written (``tomllib`` ``parse_float`` hook).

    Parameters
    ----------
    text
        The number as written in the file (``"0.0350"``).
    """

    text: str

    def __new__(cls, text: str) -> WrittenNumber:
        obj = super().__new__(cls, text)
        obj.text = text
        return obj


def written_text(value: float | int | bool) -> str:
    """Return the text a number was written as (:class:`WrittenNumber`), else its shortest repr."""
    if isinstance(value, WrittenNumber):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def implied_tolerance(value: float | int | bool) -> float:
    """Half a unit in the last written digit of ``value`` (0 for true/false).

    Parameters
    ----------
    value
        The stated number (a :class:`WrittenNumber`, float, int or bool).

    Returns
    -------
    float
        ``0.0005`` for ``0.036``, ``0.5`` for ``14``, ``5e-05`` for ``0.0350``.

    Raises
    ------
    ClaimSpecError
        The number is not finite (``inf``/``nan`` have no rounding).
    """
    if isinstance(value, bool):
        return 0.0
    text = written_text(value).replace("_", "").strip()
    if not math.isfinite(float(value)):
        raise ClaimSpecError(f"stated value {text!r} is not a finite number")
    m = _NUMBER.match(text)
    if m is None:
        raise ClaimSpecError(f"stated value {text!r} is not a plain decimal number")
    decimals = len(m.group(2) or "")
    exponent = int(m.group(3) or 0)
    return 0.5 * 10.0 ** (exponent - decimals)
