"""Entity lexicon: the names market writers use, resolved to store symbols or series.

Each :class:`Entity` says what a name refers to (an index, an ETF, a yield or a policy rate),
which store identifier holds it, and, for indexes the store lacks, the ETF that may stand in for
it (only when the user allows proxies) with the tolerance that proxy needs and the longest
window over which its known gap (dividends, Nasdaq-100 vs Composite) stays below a written
figure's precision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ENTITIES",
    "FUND_INDEX",
    "INDEX_FUND",
    "Entity",
    "EntityKind",
    "entity_pattern",
    "lookup_entity",
]

EntityKind = Literal["index", "etf", "yield", "policy_rate"]


@dataclass(frozen=True)
class Entity:
    """One thing an article can talk about.

    Attributes
    ----------
    key
        Canonical name (``"Russell 2000"``).
    symbol
        Store identifier: a price symbol (``^RUT``, ``IWM``) or a series id (``FRED:DGS10``);
        ``None`` when the store has nothing for it.
    kind
        ``index``, ``etf``, ``yield`` or ``policy_rate``.
    field
        Price field to read (``close`` for price indexes, ``adj_close`` for ETFs).
    proxy
        ETF allowed to stand in when ``symbol`` is absent and proxies are allowed.
    proxy_tolerance
        Extra tolerance in percentage points for a one-session window (grows with the square
        root of the sessions in the window)
        the proxy needs.
    proxy_max_days
        Longest window (calendar days) over which the proxy is used; longer windows are
        NOT_CHECKABLE because the proxy's gap exceeds a written figure's precision.
    index_id
        The index's own identifier (``^IXIC``) when ``symbol`` is None: levels and records,
        which no proxy can give, are looked up under it (NOT_CHECKABLE where the store has
        no data for that date).
    """

    key: str
    symbol: str | None
    kind: EntityKind
    field: str = "close"
    proxy: str | None = None
    proxy_tolerance: float = 0.0
    proxy_max_days: int = 0
    index_id: str | None = None


def _etf(ticker: str) -> Entity:
    return Entity(ticker, ticker, "etf", "adj_close")


_RUT = Entity("Russell 2000", "^RUT", "index")
_SPX = Entity("S&P 500", "^GSPC", "index")
_DOW = Entity("Dow Jones Industrial Average", None, "index", "close", "DIA", 0.1, 31, "^DJI")
_COMP = Entity("Nasdaq Composite", None, "index", "close", "QQQ", 0.15, 21, "^IXIC")
_NDX = Entity("Nasdaq-100", None, "index", "close", "QQQ", 0.03, 31, "^NDX")
_SP600 = Entity("S&P SmallCap 600", None, "index")
_SP400 = Entity("S&P MidCap 400", None, "index", "close", "IJH", 0.03, 100)
_R1000 = Entity("Russell 1000", None, "index", "close", "IWB", 0.03, 100)
_MICRO = Entity("Russell Microcap", None, "index", "close", "IWC", 0.03, 100)
_TOP50 = Entity("Russell Top 50", None, "index")
_RTYF = Entity("Russell 2000 futures", None, "index")
_DGS10 = Entity("10-year Treasury yield", "FRED:DGS10", "yield", "value")
_DGS2 = Entity("2-year Treasury yield", "FRED:DGS2", "yield", "value")
_DGS30 = Entity("30-year Treasury yield", None, "yield", "value")
_EFFR = Entity("federal funds rate", "FRED:EFFR", "policy_rate", "value")

# (regular expression, entity); longer names first so "S&P 500 Equal Weight ETF" wins over
# "S&P 500". Matching is case-insensitive except for tickers (written in capitals).
_NAMES: tuple[tuple[str, Entity], ...] = (
    (r"iShares Russell 2000 ETF", _etf("IWM")),
    (
        r"futures (?:on|for) the (?:small-cap )?Russell 2,?000|Russell 2,?000 futures|"
        r"/RTY\w*|RTY futures",
        _RTYF,
    ),
    (r"Invesco QQQ(?: Trust)?", _etf("QQQ")),
    (r"SPDR S&P 500 ETF(?: Trust)?", _etf("SPY")),
    (r"Invesco S&P 500 Equal Weight ETF", _etf("RSP")),
    (r"Invesco S&P 500 Top 50 ETF", _etf("XLG")),
    (r"equal[- ]weight(?:ed)? S&P 500|equal[- ]weight counterpart", _etf("RSP")),
    (r"cap[- ]weight(?:ed)? S&P 500", _SPX),
    (
        r"Russell[- ]2,?000|Rusell[- ]2,?000|small[- ]cap Russell(?: 2,?000)?|"
        r"the Russell(?:'s|’s)?"
        r"(?! \d| Microcap| Top| Mid| 1,?000| 3,?000)",
        _RUT,
    ),
    (r"Russell Microcap(?: Index)?", _MICRO),
    (r"Russell Top 50(?: Index)?", _TOP50),
    (r"Russell 1,?000", _R1000),
    (r"Russell 3,?000(?: Index)?", Entity("Russell 3000", None, "index")),
    (
        r"S\s?&\s?P\s?500|S\s?&\s?P index|S\s?&\s?P(?:’s|'s)?"
        r"(?! ?(?:500|5\d\d|SmallCap|Small|Mid|MidCap|400|600|index|Index)\b)(?!\w)",
        _SPX,
    ),
    (r"S\s?&\s?P SmallCap 600|S\s?&\s?P 600", _SP600),
    (r"S\s?&\s?P Mid[Cc]ap 400|S\s?&\s?P 400", _SP400),
    (
        r"Dow Jones Industrial Average|Dow Industrial Average|Dow Jones(?! Market)|the Dow|"
        r"\bDow\b(?! Jones)",
        _DOW,
    ),
    (r"Nasdaq[- ]100", _NDX),
    (r"Nasdaq Composite|Nasdaq index|Nasdaq", _COMP),
    (
        r"small[- ]caps|small[- ]cap stocks|small[- ]cap (?:index|benchmark|gauge|equity gauge)",
        _RUT,
    ),
    (r"large[- ]caps|large[- ]cap (?:stocks|gauge|index)|large[- ]cap peers", _SPX),
    (r"10-year (?:Treasury )?(?:yield|note)|10-year|ten-year (?:Treasury )?yield", _DGS10),
    (r"2-year (?:Treasury )?(?:yield|note)|2-year|two-year (?:Treasury )?yield", _DGS2),
    (r"30-year (?:Treasury )?(?:yield|bond)", _DGS30),
    (
        r"fed(?:eral)? funds rate|key policy rate|policy rate|target range|"
        r"benchmark interest rate(?! for)",
        _EFFR,
    ),
)

_TICKERS: dict[str, Entity] = {
    "RUT": _RUT,
    "^RUT": _RUT,
    ".RUT": _RUT,
    "R2K": _RUT,
    "SPX": _SPX,
    "^GSPC": _SPX,
    ".SPX": _SPX,
    "DJIA": _DOW,
    "^DJI": _DOW,
    "COMP": _COMP,
    "^IXIC": _COMP,
    "NDX": _NDX,
    "IWM": _etf("IWM"),
    "SPY": _etf("SPY"),
    "QQQ": _etf("QQQ"),
    "DIA": _etf("DIA"),
    "RSP": _etf("RSP"),
    "IWB": _etf("IWB"),
    "IWC": _etf("IWC"),
    "IJH": _etf("IJH"),
    "VBK": _etf("VBK"),
    "IWO": _etf("IWO"),
    "XLG": _etf("XLG"),
}

INDEX_FUND: dict[str, str] = {"^GSPC": "SPY", "^RUT": "IWM"}
"""Price index -> the fund tracking it (an index compared with a fund is read through it)."""

FUND_INDEX: dict[str, str] = {fund: index for index, fund in INDEX_FUND.items()}
"""Fund -> the price index it tracks (its price return over long windows)."""

ENTITIES: tuple[Entity, ...] = tuple(
    {e.key: e for e in [*(e for _, e in _NAMES), *_TICKERS.values()]}.values()
)
"""Every entity the extractor knows."""


def entity_pattern() -> re.Pattern[str]:
    """One compiled pattern with a named group per lexicon entry (``n0``..) and ticker."""
    parts = [f"(?P<n{i}>(?i:{rx}))" for i, (rx, _) in enumerate(_NAMES)]
    tick = "|".join(re.escape(t) for t in sorted(_TICKERS, key=len, reverse=True))
    parts.append(rf"(?P<ticker>(?<![\w^.])(?:{tick})(?!\w))")
    return re.compile("|".join(parts))


def lookup_entity(match: re.Match[str]) -> Entity:
    """Return the entity a match of :func:`entity_pattern` names."""
    group = match.lastgroup
    if group == "ticker":
        return _TICKERS[match.group(0)]
    assert group is not None and group.startswith("n")
    return _NAMES[int(group[1:])][1]
