"""The grammar of the quantities market writers use (Lark) and the finders of candidates.

A candidate phrase ("more than 6%", "4.1% to 4.3%", "12.5 basis points", "11 consecutive
sessions", "fourth straight week") is located with a regular expression and then parsed with a
Lark grammar into a :class:`Quantity`; the name of the grammar rule that matched is kept, so
every reading can say which form it recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from lark import Lark, Token, Transformer, Tree
from lark.exceptions import LarkError

__all__ = [
    "QUANTITY_RE",
    "STREAK_RE",
    "Quantity",
    "Streak",
    "parse_quantity",
    "parse_streak",
]

Unit = Literal["pct", "bp", "points", "level"]
Qualifier = Literal["approx", "about", "gt", "lt", "nearly", "just_gt", "just_lt"]

_GRAMMAR = r"""
qty: qual? SUB? number unit range_tail?
   | number DASH_PP                       -> pp_compound
qual: JUST_MORE | JUST_LESS | MORE | LESS | ABOUT | NEARLY
range_tail: TO number unit?
number: SIGN? NUM
unit: PCT | PP | BP | POINTS

streak: count_word (STRAIGHT | CONSECUTIVE) KIND? TRADING? period_unit
      | EACH OF THE (LAST | FIRST) count_word TRADING? period_unit   -> each_of
count_word: NUM | WORDNUM | ORDINAL
period_unit: DAY | SESSION | WEEK | MONTH | YEAR

JUST_MORE.3: /just (?:over|above|north of|more than)|slightly (?:over|above|more than)/
JUST_LESS.3: /just (?:under|below|less than)|slightly (?:under|below|less than)/
MORE.2: /more than|over|north of|above|at least|upwards of|in excess of/
LESS.2: /less than|under|below|at most/
ABOUT.2: /about|around|roughly|approximately|some|an estimated/
NEARLY.2: /nearly|almost|close to/
SUB.2: /sub[-\u2011\u2010 ]?/
TO: /to|-|\u2013/
SIGN: /[-+\u2212]/
NUM: /\d[\d,]*(\.\d+)?/
PCT: /%|percent/
PP: /percentage[- ]points?|pp\b|points? of outperformance/
DASH_PP: /-percentage-point/
BP: /basis[- ]points?|bps?\b/
POINTS: /points?|pts\b/
STRAIGHT.2: /straight/
CONSECUTIVE.2: /consecutive/
TRADING: /trading/
KIND: /losing|winning|down|up|positive|negative|weekly|daily|monthly/
EACH: /each/
OF: /of/
THE: /the/
LAST: /last|past/
FIRST: /first/
WORDNUM.2: /@WORDS@/
ORDINAL.2: /\d+(st|nd|rd|th)|@ORDINALS@/
DAY: /days?/
SESSION: /sessions?/
WEEK: /weeks?/
MONTH: /months?/
YEAR: /years?/
%import common.WS
%ignore WS
"""

_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]

_NUM = r"\d[\d,]*(?:\.\d+)?"
_QUAL = (
    r"(?:(?:(?:just|slightly) (?:over|above|north of|more than|under|below|less than)|"
    r"more than|over|north of|above|at least|upwards of|in excess of|less than|"
    r"under|below|at most|about|around|roughly|approximately|some|an estimated|nearly|"
    r"almost|close to)\s+)?"
)
QUANTITY_RE = re.compile(
    rf"(?i)(?<![\w.]){_QUAL}(?:sub[-\u2011\u2010 ]?)?[-+\u2212]?{_NUM}"
    rf"(?:\s?(?:%|percent(?!age))(?:\s(?:to|-|\u2013)\s{_NUM}\s?%)?"
    r"|\s?(?:percentage[- ]points?|pp\b)|-percentage-point"
    r"|[- ](?:basis[- ]points?|bps?\b)|(?:-| )points?\b)"
)
"""Candidate percentages, basis points and index points (with qualifier and range tail)."""

_COUNT = r"(?:\d+(?:st|nd|rd|th)?|" + "|".join(_WORDS[1:]) + "|" + "|".join(_ORDINALS[1:]) + ")"
STREAK_RE = re.compile(
    rf"(?i)\b(?:{_COUNT}[- ](?:straight|consecutive)\s"
    r"(?:(?:losing|winning|down|up|positive|negative|weekly|daily|monthly)\s)?"
    rf"(?:trading\s)?(?:days?|sessions?|weeks?"
    rf"|months?|years?)|each of the (?:last|past|first) {_COUNT} (?:trading )?(?:days?|sessions?"
    r"|weeks?|months?|years?))"
)
"""Candidate ordinal or cardinal streaks ("fourth straight week", "11 consecutive sessions")."""


@dataclass(frozen=True)
class Quantity:
    """A parsed quantity.

    Attributes
    ----------
    value
        The number as written, signed if the text gave a sign (``-0.05`` for "-0.05%").
    unit
        ``pct`` (percent or percentage points), ``bp`` or ``points``.
    qualifier
        ``approx`` (plain figure), ``about``, ``gt`` ("more than"), ``lt`` ("sub-", "less
        than"), ``nearly``, ``just_gt`` ("just over") or ``just_lt`` ("just under").
    decimals
        Decimals written (sets the default tolerance).
    explicit_sign
        The text wrote a sign.
    high
        Upper end of a range ("4.1% to 4.3%"), else None.
    percentage_points
        The text said percentage points (a difference of returns).
    form
        Grammar rule that matched (``qty``, ``pp_compound``).
    """

    value: float
    unit: Unit
    qualifier: Qualifier
    decimals: int
    explicit_sign: bool
    high: float | None = None
    percentage_points: bool = False
    form: str = "qty"


@dataclass(frozen=True)
class Streak:
    """A parsed streak: ``count`` periods of ``freq`` (``D``, ``W``, ``M``, ``Y``).

    ``form`` is ``straight`` ("fourth straight week") or ``each_of`` ("each of the last ten
    days").
    """

    count: int
    freq: str
    form: str


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = _GRAMMAR.replace(
        "@WORDS@", "|".join(sorted(_WORDS[1:], key=len, reverse=True))
    ).replace("@ORDINALS@", "|".join(sorted(_ORDINALS[1:], key=len, reverse=True)))
    return Lark(grammar, start=["qty", "streak"], parser="earley", lexer="dynamic")


def _num(tree: Tree[Token]) -> tuple[float, int, bool]:
    toks = [t for t in tree.children if isinstance(t, Token)]
    sign = -1.0 if any(t.type == "SIGN" and t.value in "-\u2212" for t in toks) else 1.0
    explicit = any(t.type == "SIGN" for t in toks)
    raw = next(t.value for t in toks if t.type == "NUM").replace(",", "")
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    return sign * float(raw), decimals, explicit


def _count(tree: Tree[Token]) -> int:
    tok = tree.children[0]
    assert isinstance(tok, Token)
    word = tok.value.lower()
    if tok.type == "NUM":
        return int(word.replace(",", ""))
    if tok.type == "WORDNUM":
        return _WORDS.index(word)
    digits = re.match(r"\d+", word)
    return int(digits.group(0)) if digits else _ORDINALS.index(word)


class _ToQuantity(Transformer[Token, Quantity]):
    def qty(self, items: list[object]) -> Quantity:
        qualifier: Qualifier = "approx"
        unit: Unit = "pct"
        value, decimals, explicit = 0.0, 0, False
        high: float | None = None
        pp = False
        seen_sub = False
        for item in items:
            if isinstance(item, Tree) and item.data == "qual":
                tok = item.children[0]
                assert isinstance(tok, Token)
                qualifier = {
                    "MORE": "gt",
                    "LESS": "lt",
                    "ABOUT": "about",
                    "NEARLY": "nearly",
                    "JUST_MORE": "just_gt",
                    "JUST_LESS": "just_lt",
                }[tok.type]  # type: ignore[assignment]
            elif isinstance(item, Token) and item.type == "SUB":
                seen_sub = True
            elif isinstance(item, Tree) and item.data == "number":
                value, decimals, explicit = _num(item)
            elif isinstance(item, Tree) and item.data == "unit":
                tok = item.children[0]
                assert isinstance(tok, Token)
                unit = {"PCT": "pct", "PP": "pct", "BP": "bp", "POINTS": "points"}[tok.type]  # type: ignore[assignment]
                pp = tok.type == "PP"
            elif isinstance(item, Tree) and item.data == "range_tail":
                num = next(c for c in item.children if isinstance(c, Tree))
                high = _num(num)[0]
        if seen_sub:
            qualifier = "lt"
        return Quantity(value, unit, qualifier, decimals, explicit, high, pp, "qty")

    def pp_compound(self, items: list[object]) -> Quantity:
        num = next(i for i in items if isinstance(i, Tree))
        value, decimals, explicit = _num(num)
        return Quantity(value, "pct", "approx", decimals, explicit, None, True, "pp_compound")


@lru_cache(maxsize=8192)
def parse_quantity(text: str) -> Quantity | None:
    """Parse one candidate phrase (a match of :data:`QUANTITY_RE`); None if it is no quantity.

    Examples
    --------
    >>> parse_quantity("more than 6%").qualifier
    'gt'
    >>> parse_quantity("12.5 basis points").unit
    'bp'
    """
    cleaned = text.lower().replace("\u2212", "-").replace("\u2011", "-").replace("\u2010", "-")
    cleaned = re.sub(r"(?<=\d)-(?=basis|bp|point)", " ", cleaned)
    try:
        tree = _parser().parse(cleaned, start="qty")
    except LarkError:
        return None
    out = _ToQuantity().transform(tree)
    return out if isinstance(out, Quantity) else None


@lru_cache(maxsize=4096)
def parse_streak(text: str) -> Streak | None:
    """Parse one candidate streak phrase (a match of :data:`STREAK_RE`).

    Examples
    --------
    >>> parse_streak("fourth straight week")
    Streak(count=4, freq='W', form='straight')
    """
    try:
        tree = _parser().parse(text.lower().replace("-", " "), start="streak")
    except LarkError:
        return None
    counts = [c for c in tree.iter_subtrees() if c.data == "count_word"]
    units = [c for c in tree.iter_subtrees() if c.data == "period_unit"]
    if not counts or not units:
        return None
    tok = units[0].children[0]
    assert isinstance(tok, Token)
    freq = {"DAY": "D", "SESSION": "D", "WEEK": "W", "MONTH": "M", "YEAR": "Y"}[tok.type]
    form = "each_of" if tree.data == "each_of" else "straight"
    return Streak(_count(counts[0]), freq, form)
