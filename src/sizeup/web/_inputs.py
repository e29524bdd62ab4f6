"""Validation of web inputs: names, dates, box specs and body sizes, with clear 4xx errors.

Every check raises :class:`WebInputError` (a :class:`~sizeup.errors.ConfigError`) naming the
input, the bad value and what is valid; the app turns it into a JSON 4xx response.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from sizeup.errors import ConfigError

__all__ = [
    "MAX_BODY",
    "NAME_RE",
    "NotFoundError",
    "TooLargeError",
    "WebInputError",
    "check_box",
    "check_box_count",
    "check_name",
    "known",
]

#: Largest request body (claims text, uploads, backtest parameters) accepted, in bytes.
MAX_BODY: Final = 1_000_000

#: A symbol, series id, screen or strategy name: letters, digits and ``^ . - _ =``, starting
#: with a letter, a digit or ``^``; at most 32 characters. No ``/``, ``\`` or ``..``.
NAME_RE: Final = re.compile(r"[A-Za-z0-9^][A-Za-z0-9^._=\-]{0,31}")

_BOX_RE: Final = re.compile(
    r"traditional|atr|atr:(?P<atr>\d{1,3})|(?P<pct>\d{1,2}(?:\.\d{1,4})?)%|(?P<fixed>\d{1,6}(?:\.\d{1,6})?)"
)


class WebInputError(ConfigError):
    """A request parameter or body is not valid (HTTP 422)."""

    status = 422


class NotFoundError(ConfigError):
    """A name is well formed but names nothing in the store or the built-ins (HTTP 404)."""

    status = 404


class TooLargeError(ConfigError):
    """A request body or upload is larger than :data:`MAX_BODY` (HTTP 413)."""

    status = 413


def check_name(value: str, *, input: str) -> str:
    """Return ``value`` when it is a well-formed name, else raise :class:`WebInputError`.

    Parameters
    ----------
    value
        The name as given.
    input
        The parameter's name (for the message).

    Raises
    ------
    WebInputError
        Path separators, ``..``, control characters, or a name too long.
    """
    if not NAME_RE.fullmatch(value) or ".." in value:
        raise WebInputError(
            f"{input} {value!r} is not a valid name; use letters, digits and ^ . - _ = "
            "(at most 32 characters, no path separators or '..')",
            input=input,
            value=value,
            valid="letters, digits and ^ . - _ =, 1 to 32 characters",
        )
    return value


def known(value: str, choices: list[str] | tuple[str, ...], *, input: str, what: str) -> str:
    """Return ``value`` when it is one of ``choices``, else raise :class:`NotFoundError`."""
    check_name(value, input=input)
    if value not in choices:
        shown = ", ".join(list(choices)[:12]) + (" ..." if len(choices) > 12 else "")
        raise NotFoundError(
            f"{input} {value!r}: no such {what}; valid: {shown or '(none in the store)'}",
            input=input,
            value=value,
            valid=shown or f"no {what} yet: import or fetch data first",
        )
    return value


def check_box(value: str) -> str:
    """Return a box spec the P&F chart accepts within safe bounds.

    ``traditional``, ``atr``, ``atr:N`` (N 2..250), a percentage ``0.1%``..``25%`` or a fixed
    size above 0. A fixed size too small for the price is refused later by the chart itself.

    Raises
    ------
    WebInputError
        Anything else.
    """
    text = value.strip()
    m = _BOX_RE.fullmatch(text)
    ok = m is not None
    if m is not None:
        if m.group("atr") is not None:
            ok = 2 <= int(m.group("atr")) <= 250
        elif m.group("pct") is not None:
            ok = 0.1 <= float(m.group("pct")) <= 25.0
        elif m.group("fixed") is not None:
            ok = float(m.group("fixed")) > 0
    if not ok:
        raise WebInputError(
            f"box {value!r} is not valid; use traditional, atr, atr:N (2-250), a percentage "
            "0.1%..25% or a fixed size > 0",
            input="box",
            value=value,
            valid="traditional, atr, atr:N, 0.1%..25%, or a number > 0",
        )
    return text


#: Most boxes a chart's price range may span (more would take minutes and megabytes to draw).
MAX_BOXES: Final = 2000


def check_box_count(box: str, span: tuple[float, float] | None, *, name: str) -> None:
    """Refuse a fixed or percentage box too small for the range ``span`` of ``name``.

    Raises
    ------
    WebInputError
        The range would span more than :data:`MAX_BOXES` boxes; the message gives the
        smallest box that fits.
    """
    if span is None:
        return
    lo, hi = span
    m = _BOX_RE.fullmatch(box)
    if m is None or hi <= lo:
        return
    if m.group("fixed") is not None:
        size = float(m.group("fixed"))
        boxes = (hi - lo) / size
        least = f"{(hi - lo) / MAX_BOXES:.6g}"
    elif m.group("pct") is not None:
        if lo <= 0:
            return
        pct = float(m.group("pct")) / 100.0
        boxes = math.log(hi / lo) / math.log1p(pct)
        least = f"{(math.expm1(math.log(hi / lo) / MAX_BOXES)) * 100:.3g}%"
    else:
        return
    if boxes > MAX_BOXES:
        raise WebInputError(
            f"box {box!r} is too small for {name}: its range {lo:g} .. {hi:g} would span "
            f"{boxes:,.0f} boxes (at most {MAX_BOXES:,}); use a box of at least {least}",
            input="box",
            value=box,
            valid=f"a box of at least {least} for {name}",
        )


def error_body(exc: Any) -> dict[str, object]:
    """Return the JSON body of an error response from a :class:`~sizeup.errors.SizeupError`."""
    body: dict[str, object] = dict(exc.context())
    return body
