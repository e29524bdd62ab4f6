"""From prose to claims of the :mod:`sizeup.claims` model.

Sentences are split, mentions found (entities, quantities, periods, streaks, records, levels)
and assembled by rules into claims.

Every :class:`ExtractedClaim` keeps the character span it came from and a plain-language
``reading``; a time phrase with two readings gives two claims (``alternative_of`` links them);
a number no rule consumed is listed in :attr:`Extraction.not_understood` with the reason.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sizeup import calendar as cal
from sizeup.claims._kinds import decimal_year
from sizeup.claims._load import METRICS
from sizeup.claims.extract._entities import (
    ENTITIES,
    FUND_INDEX,
    INDEX_FUND,
    Entity,
    entity_pattern,
    lookup_entity,
)
from sizeup.claims.extract._grammar import (
    QUANTITY_RE,
    STREAK_RE,
    Quantity,
    parse_quantity,
    parse_streak,
)
from sizeup.claims.extract._periods import (
    WHEN_RX,
    Period,
    PeriodMention,
    find_periods,
    previous_close,
    when_range,
)

__all__ = [
    "ExtractedClaim",
    "Extraction",
    "NotUnderstood",
    "Sentence",
    "extract_claims",
    "split_sentences",
]

_ENTITY_RE = entity_pattern()
_BY_KEY = {e.key: e for e in ENTITIES}
_UNDERLYING = {"Russell 2000 futures": _BY_KEY["Russell 2000"]}
# one-for-one replacements keep every character offset valid
_SAME_LENGTH = str.maketrans(
    {"\u2011": "-", "\u2010": "-", "\u2212": "-", "\u2019": "'", "\u2018": "'", "\u00a0": " "}
)
_ABBREV = {
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "inc",
    "no",
    "st",
    "mr",
    "ms",
    "dr",
    "vs",
    "co",
    "corp",
    "e.g",
    "i.e",
}
_NEG = re.compile(
    r"(?i)\b(?:fell|fall(?:s|ing)?|down|declin\w*|drop\w*|lost|los(?:s|ses|ing)|slid|slides?|"
    r"slipp?\w*|tumbl\w*|lower|negative|off|shed|sank|sink\w*|plung\w*|retreat\w*|"
    r"underwater|decrease\w*|cut|lowered|slump\w*)\b"
)
_POS = re.compile(
    r"(?i)\b(?:rose|rise[sn]?|rising|up|gain\w*|climb\w*|advanc\w*|jump\w*|surg\w*|rall\w*|"
    r"increas\w*|higher|added|rebound\w*|soar\w*|positive|raised|hike\w*)\b"
)
_REL = re.compile(
    r"(?i)\b(?:outperform\w*|underperform\w*|beat(?:en|ing|s)?|best(?:ed)?|outpac\w*|lead|led|rout|"
    r"trounc\w*|better than|edg\w+ out)\b"
)
_BY = re.compile(
    r"(?i)\b(?:by|lead (?:over [\w&' -]+ )?(?:of )?)\s*"
    r"(?:more than |over |nearly |about |north of )?$"
)
_AVERAGE = re.compile(
    r"\baverag(?:ed|es|ing)\b|\b(?:on|an) average\b|\bof the time\b|\bmedian\b|\btypical"
)
# a fund's price return over more days than this is not read from dividend-adjusted closes
_FUND_PRICE_DAYS = 366
_TO_DATE = ("ytd", "mtd", "since", "span", "week", "quarter", "half", "extreme")
_PAST_MOVE = re.compile(
    r"(?i)\b(?:rose|fell|declined|advanced|gained|climbed|dropped|slipped|jumped|tumbled|"
    r"increased|decreased|added|lost)\s+(?:about |nearly |more than |just )?$"
)
_EVENT = re.compile(
    r"(?i)\b(?:instances|occasions|other years|prior years|other times|episodes|cases) "
    r"(?:when|where|in which)\b|\bin those cases\b|\bin which small|"
    r"\bin the (?:month|week|year|day)s? (?:following|after)\b|\bfollowing (?:the|a|such) "
    r"\w+ (?:streak|run)s?\b|\bhistorically\b|\bforward returns?\b|"
    r"\b(?:following|after) [\w&' ]{1,30}? (?:outperform|underperform|beat|lagg|trail)\w*"
)
_PEAK_TO_TROUGH = re.compile(
    r"(?i)\s+from (?:its|the|a) (?:\w+ ){0,2}?\d{4}\b[^.;]{0,40}?\b(?:high|peak|top)\b[^.;]{0,20}?"
    r"\bto (?:its|the|a) (?:\w+ ){0,2}?\d{4}\b[^.;]{0,20}?\b(?:low|nadir|bottom|trough)"
)
_POINTS_OR = re.compile(r"(?i)\d[\d,.]*\s*points?,?\s*(?:or|,)\s*$")
_LONGEST_SINCE = re.compile(
    r"(?i)(?:\blongest\b[^.;]{0,80}?|\b(?:hasn't|has not|hadn't|had not) been (?:accomplished|"
    r"achieved|seen|done|matched|equaled|equalled|topped) )"
    r"\bsince (?:(?:the )?(?:(?:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|oct|nov|dec)\w*\.?(?: and \w+)?(?: of)? ))?(\d{4})"
)
_RUN_RANK = re.compile(
    r"(?i)\b(?P<n>\d+)[- ](?P<u>day|session|week|month)s?\s+(?:win(?:ning)?\s+|losing\s+|"
    r"outperformance\s+)?(?:streak|run)\b[^;]{0,80}?\b(?:is|was|ranks as|marks)\s+the\s+"
    r"(?P<rank>second|third|fourth|fifth|\d+(?:st|nd|rd|th))[- ]longest\b"
)
_LONGEST_RUN = re.compile(
    r"(?i)\bthe longest (?:such )?(?:win(?:ning)? |losing )?(?:streak|run)\s+(?:lasted|was|ran|"
    r"went on for)\s+(?P<n>\d+)\s+(?P<u>day|session|week|month)s?"
    rf"(?:\s+and\s+ended\s+(?:in|on)\s+(?P<when>{WHEN_RX}))?"
)
_OBJECT = re.compile(r"(?i)\b(?:its|their|than|against|versus|vs\.?)\s+(?:the\s+)?$")
_CLAUSE = re.compile(
    r"(?i);|:|\s[-\u2014\u2013]\s|,\s(?=while|whereas|but|compared|versus|even as|as the)|"
    r"\s(?=while\b|whereas\b|compared (?:to|with)\b)|"
    r"\sand\s(?=(?:year[- ]to[- ]date|so far|since|over the|in the|for the)\b)"
)
_RECORD = re.compile(
    r"(?i)\b(?:record (?:high|close|closing high|finish|level)s?|(?:fresh|new) record(?: close)?|"
    r"new (?:all-time )?heights|"
    r"all-time (?:closing )?(?:and intraday )?highs?|all-time high close|closing at a record|"
    r"record levels|(?:hit|set|notched|reached) (?:a |another )?(?:new )?record\b(?! \w*s\b))"
)
_PRIOR_RECORD = re.compile(r"(?i)\b(?:previous|prior|last|its \d{4}|since its last|before)\b")
_LEVEL_RE = re.compile(
    r"(?i)\b(?:close[sd]? at|closing at|to close at|at|to|of|touching|ending the week at|"
    r"high (?:today )?of|peak (?:on \w+ )?of|reached|hit|topped)\s+(?:about\s+|around\s+)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{3,5}\.\d{1,2}|\d{4,5})"
    r"(?!\d|[.,]\d|\s?(?:%|percent|points? of|basis))"
    r"(?!\s+(?:\w+\s+)?(?:companies|stocks|firms|members|names|shares|issues|constituents))"
)
_NUMBER_RE = re.compile(r"(?<![\w.])[-+\u2212]?\$?\d[\d,]*(?:\.\d+)?(?:\s?%)?")
_ANAPHORA = re.compile(
    r"(?i)\b(?:the index|the benchmark(?!\s+(?:interest|rate|yield|treasury|10|2)\b)|"
    r"the small-cap index|the former|the latter|"
    r"(?<![\w-])it(?:s)?(?![\w-])(?!'s (?:the|a|an)\b| is (?:the|a|an)\b)|the group)\b"
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the text with its character span."""

    index: int
    span: tuple[int, int]
    text: str


@dataclass(frozen=True)
class ExtractedClaim:
    """One claim read from the text.

    Attributes
    ----------
    id
        ``c1``, ``c2``...; alternative readings get ``c3a``, ``c3b``.
    sentence
        Index of the sentence.
    span
        Character span in the text of the phrase the number came from (subject to number).
    quote
        The sentence.
    reading
        How it was read, in words.
    kind
        ``return``, ``relative_return``, ``streak``, ``record``, ``level``, ``rate_change`` or
        ``rate_level``.
    names
        Entities as named (``"Russell 2000"``).
    subjects
        Store identifiers used (after a proxy), empty when none.
    window
        Resolved window (None for point-in-time claims without a date).
    stated, unit, comparator, tolerance
        The article's figure in its own units (``pct``, ``bp``, ``count``, ``level``,
        ``bool``), how it compares (``approx``, ``gt``, ``lt``) and the tolerance in ``unit``.
    proxy
        The ETF standing in for an index the store lacks, if one was used.
    spec
        The claim as a ``[[claim]]`` table of the claim model (None when not checkable).
    not_checkable
        Why the claim cannot be checked (None when it can).
    alternative_of
        Id shared by the readings of an ambiguous phrase.
    """

    id: str
    sentence: int
    span: tuple[int, int]
    quote: str
    reading: str
    kind: str
    names: tuple[str, ...]
    subjects: tuple[str, ...]
    window: Period | None
    stated: float
    unit: str
    comparator: str
    tolerance: float
    proxy: str | None = None
    spec: dict[str, Any] | None = None
    not_checkable: str | None = None
    alternative_of: str | None = None
    repeat_of: str | None = None


@dataclass(frozen=True)
class NotUnderstood:
    """A number that no rule turned into a claim."""

    sentence: int
    span: tuple[int, int]
    text: str
    why: str


@dataclass(frozen=True)
class Extraction:
    """Everything read from one text."""

    text: str
    published: pd.Timestamp
    sentences: tuple[Sentence, ...]
    claims: tuple[ExtractedClaim, ...]
    not_understood: tuple[NotUnderstood, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------ sentences
def _join_broken_lines(text: str) -> str:
    """Replace line breaks inside a sentence by spaces (one for one: offsets stay valid).

    Web copies break lines around tickers (a gauge's name, then "RUT" alone on a line); a break
    is kept after sentence punctuation, before and after table rows, and between two long
    lines that start with a capital (paragraphs and headings).
    """
    chars = list(text)
    lines = text.split("\n")
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line)
        nxt = lines[i + 1]
        cur, follow = line.strip(), nxt.strip()
        keep = (
            not cur
            or not follow
            or cur.endswith((".", "!", "?", ":", "|", '"', "\u201d"))
            or cur.startswith(("|", "-"))
            or follow.startswith(("|", "-"))
        )
        short = len(cur) <= 8 or len(follow) <= 8
        if not keep and (short or follow[0].islower() or follow[0] in ",;"):
            chars[pos] = " "
        pos += 1
    return "".join(chars)


def split_sentences(text: str) -> list[Sentence]:
    """Split on line breaks and on ``.!?`` followed by a capital, not after abbreviations."""
    out: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        body = line.group(0)
        cut = 0
        for m in re.finditer(r"[.!?][\"”’']?\s+(?=[A-Z\"“‘'(\-$])", body):
            word = re.search(r"([\w.]+)[.!?][\"”’']?\s+$", body[: m.end()])
            if word and word.group(1).lower().rstrip(".") in _ABBREV:
                continue
            piece = body[cut : m.end()]
            if piece.strip():
                out.append(Sentence(len(out), (start + cut, start + m.end()), piece.strip()))
            cut = m.end()
        piece = body[cut:]
        if piece.strip():
            out.append(Sentence(len(out), (start + cut, start + len(body)), piece.strip()))
    return out


# ------------------------------------------------------------------ mentions
@dataclass(frozen=True)
class _Ent:
    span: tuple[int, int]
    entity: Entity
    text: str


def _entities(s: str) -> list[_Ent]:
    found: list[_Ent] = []
    for m in _ENTITY_RE.finditer(s):
        ent = lookup_entity(m)
        written = re.match(r"\s*\(\s*/?([A-Z][A-Z0-9]{1,9})\s*\)", s[m.end() :])
        if ent.symbol is None and ent.index_id is None and written:
            # "S&P 500 futures (/ESZ9)": the instrument the text names, by its ticker
            ent = dataclasses.replace(ent, index_id=written.group(1))
        if found and found[-1].entity.key == ent.key and m.start() - found[-1].span[1] <= 3:
            continue  # "the Russell 2000 (RUT)": one mention
        found.append(_Ent(m.span(), ent, m.group(0)))
    return found


def _clauses(s: str) -> list[tuple[int, int]]:
    bounds = [0] + [m.start() for m in _CLAUSE.finditer(s)] + [len(s)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _clause_of(pos: int, clauses: list[tuple[int, int]]) -> tuple[int, int]:
    for a, b in clauses:
        if a <= pos < b:
            return a, b
    return 0, 10**9


def _default_tolerance(q: Quantity) -> float:
    if q.unit == "bp":
        return 1.5 if q.decimals else 3.0
    if q.decimals >= 2:
        return 0.03
    if q.decimals == 1:
        return 0.06 if q.qualifier in ("approx",) else 0.1
    return 0.5


def _sign(s: str, a: int, b: int, lo: int, hi: int) -> int:
    """Direction of the figure at ``s[a:b]``: the nearest direction word within its clause."""
    best: tuple[int, int] | None = None
    for rx, sign in ((_NEG, -1), (_POS, 1)):
        for m in rx.finditer(s, lo, hi):
            if m.group(0).lower() == "off" and not re.match(r"\s+\d", s[m.end() :]):
                continue
            d = a - m.end() if m.end() <= a else (m.start() - b) * 1.5 + 1
            if d < 0:
                continue
            if best is None or d < best[0]:
                best = (int(d), sign)
    return best[1] if best else 1


# ------------------------------------------------------------------ assembly
class _Builder:
    def __init__(self, text: str, pub: pd.Timestamp, allow_proxies: bool) -> None:
        self.text = text
        self.pub = pub
        self.allow_proxies = allow_proxies
        self.claims: list[ExtractedClaim] = []
        self.used: list[tuple[int, int, int]] = []  # (sentence, a, b) spans consumed
        self.n = 0
        self.last_subject: list[_Ent] = []
        self.context_period: PeriodMention | None = None
        self.former_latter: list[_Ent] = []
        self.stats: list[tuple[int, int, int]] = []
        # numbers recognised but not read, with the reason: (sentence, start, end, why)
        self.unread: list[tuple[int, int, int, str]] = []
        # the text speaks of the publication day's session as it goes ("today", "is down")
        self.mid_session = _MID_SESSION_DOC.search(text) is not None
        # the text quotes total returns: fund closes (dividend-adjusted) are its figures
        self.total_return = re.search(r"(?i)\btotal[- ]returns?\b", text) is not None

    def _next_id(self) -> str:
        self.n += 1
        return f"c{self.n}"

    def _resolve_symbol(
        self, ent: Entity, window: Period | None
    ) -> tuple[str | None, str | None, str | None]:
        """(symbol, proxy, why-not-checkable)."""
        if ent.symbol is not None:
            return ent.symbol, None, None
        if ent.proxy is None:
            return None, None, f"{ent.key} is not in the store and has no stated proxy"
        if not self.allow_proxies:
            return (
                None,
                None,
                (
                    f"{ent.key} is not in the store; its proxy {ent.proxy} is used only with "
                    "--allow-proxies"
                ),
            )
        if window is not None and window.days > ent.proxy_max_days:
            return (
                None,
                ent.proxy,
                (
                    f"{ent.key} is not in the store and the gap of its proxy {ent.proxy} over "
                    f"{window.days} days exceeds the figure's precision (proxy used up to "
                    f"{ent.proxy_max_days} days)"
                ),
            )
        return ent.proxy, ent.proxy, None

    def add(self, **kw: Any) -> None:
        claim = ExtractedClaim(**kw)
        key = _fact(claim)
        if key is not None:
            for earlier in self.claims:
                if _fact(earlier) == key and earlier.sentence != claim.sentence:
                    target = earlier.repeat_of or earlier.alternative_of or earlier.id
                    claim = dataclasses.replace(claim, repeat_of=target)
                    break
        self.claims.append(claim)


def _fact(c: ExtractedClaim) -> tuple[Any, ...] | None:
    """Return what a claim asserts, to recognise a restatement of an earlier claim."""
    who = c.subjects or c.names
    if c.window is None:
        # no window (an event count, an unresolved period): the same sentence again
        return (c.kind, who, round(c.stated, 6), c.unit, c.quote)
    return (c.kind, who, c.window.start, c.window.end, round(c.stated, 6), c.unit)


def _window_spec(period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    return period.start, period.end


def _outside_relative(s: str, a: int, left: list[_Ent]) -> list[_Ent]:
    """Drop names inside a relative clause before ``a`` when others remain.

    "The Russell 2000, which is part of the Russell 3000, climbed 3.5%" is about the first.
    """
    inner = [
        (m.start(), m.end())
        for m in re.finditer(r",\s(?:which|who|that)\b(?:[^,;]|,(?=\d))*,", s[:a])
    ]
    outside = [e for e in left if not any(x <= e.span[0] < y for x, y in inner)]
    return outside if outside else left


def _choose_subjects(
    s: str,
    ents: list[_Ent],
    a: int,
    b: int,
    clause: tuple[int, int],
    *,
    right_ok: bool = True,
) -> tuple[list[_Ent], str]:
    """Return the subject(s) of a figure at ``s[a:b]``.

    An entity right after "by/for/of the", else the nearest one on its left in the clause;
    lists joined by "and"/"," give several.
    """
    lo, hi = clause
    right = [e for e in ents if b <= e.span[0] < hi and not _ANAPHORA.fullmatch(e.text)]
    if right and right_ok:
        gap = s[b : right[0].span[0]]
        if (
            len(gap) <= 40
            and re.search(r"(?i)\b(?:by|for|in|of|from)\s+(?:the\s+)?[\w\s-]*$", gap)
            and not re.search(r"\d", gap)
        ):
            chosen = [right[0]]
            for e in right[1:]:
                if re.fullmatch(
                    r"(?i)\s*(?:,|and|, and)\s*(?:the\s+)?", s[chosen[-1].span[1] : e.span[0]]
                ):
                    chosen.append(e)
            return chosen, "named after the figure"
    left = [e for e in ents if e.span[1] <= a and e.span[0] >= lo]
    if not left:
        left = [e for e in ents if e.span[1] <= a]
        if not left:
            if right:
                return [right[0]], "first name after the figure"
            return [], ""
    left = _outside_relative(s, a, left)
    named_in_clause = [e for e in left if not _ANAPHORA.fullmatch(e.text) and e.span[0] >= lo]
    if named_in_clause:
        left = [e for e in left if not _ANAPHORA.fullmatch(e.text) or e.span[0] < lo]
    objects = [
        e
        for e in left
        if e.entity.kind in ("index", "etf")
        and _OBJECT.search(s[max(0, e.span[0] - 20) : e.span[0]])
    ]
    if objects and len(objects) < len(left) and left[-1] in objects:
        left = [e for e in left if e not in objects]
    chosen = [left[-1]]
    for e in reversed(left[:-1]):
        if re.fullmatch(r"(?i)\s*(?:,|and|, and)\s*(?:the\s+)?", s[e.span[1] : chosen[0].span[0]]):
            chosen.insert(0, e)
        else:
            break
    return chosen, "nearest name before the figure"


def _pick_period(
    periods: list[PeriodMention],
    a: int,
    b: int,
    clause: tuple[int, int],
    context: PeriodMention | None,
) -> tuple[PeriodMention | None, bool]:
    """Return the period of the figure at ``a:b`` and whether it was carried over.

    A period in the figure's clause, else one in an earlier clause of the sentence, else the
    period carried from an earlier sentence, else the nearest one in the sentence.
    """
    cands = [p for p in periods if not p.end_only]
    lo, hi = clause
    inside = [p for p in cands if lo <= p.span[0] < hi]
    before = [p for p in cands if p.span[1] <= lo]
    if not inside and before:
        # "X rose 7.7% this month, while Y gained 3.1%": an earlier clause's period scopes on
        return before[-1], False
    if not inside and context is not None:
        return context, True
    if not cands:
        return None, False
    pool = inside or cands

    def dist(p: PeriodMention) -> int:
        return a - p.span[1] if p.span[1] <= a else p.span[0] - b

    return min(pool, key=dist), False


def _apply_end(period: Period, periods: list[PeriodMention]) -> Period:
    ends = [p for p in periods if p.end_only and p.readings]
    if not ends and period.kind in ("ytd", "mtd", "since", "span", "extreme"):
        # "hit a record Thursday, putting it up 5.4% year to date": the window ends that day
        ends = [
            p
            for p in periods
            if p.readings
            and p.readings[0].kind == "day"
            and period.start < p.readings[0].end < period.end
        ]
    if not ends or period.kind == "day":
        return period
    end = ends[0].readings[0].end
    if period.kind == "week" and end < period.start:
        # "a good week ... as of Friday, May 9": the week that ends that day
        monday = end - pd.Timedelta(days=end.day_of_week)
        return Period("week", monday, end, f"week {monday:%Y-%m-%d}..{end:%Y-%m-%d}")
    return dataclasses.replace(
        period,
        end=end,
        label=f"{period.label}, through {end:%Y-%m-%d}",
        extreme_end=min(period.extreme_end, end) if period.extreme_end is not None else None,
    )


def _fmt(x: float) -> str:
    return f"{x:+.4g}" if x else "0"


def extract_claims(
    text: str, published: str | pd.Timestamp, *, allow_proxies: bool = False
) -> Extraction:
    """Read every quantitative statement about indexes, ETFs, yields and rates in ``text``.

    Parameters
    ----------
    text
        Plain text (convert HTML or Markdown first).
    published
        Publication date: periods ("for the week", "on Friday", "so far this year") resolve
        against it.
    allow_proxies
        Let a stated proxy ETF stand in for an index the store lacks (Dow -> DIA, Nasdaq
        Composite -> QQQ); the claim then names the proxy.

    Returns
    -------
    Extraction
        Sentences, claims (each with its span and reading) and the numbers not understood.
    """
    pub = pd.Timestamp(published).normalize()
    text = _join_broken_lines(text.translate(_SAME_LENGTH))
    sentences = split_sentences(text)
    bld = _Builder(text, pub, allow_proxies)
    for sent in sentences:
        _sentence(bld, sent)
    not_understood = _leftovers(bld, sentences)
    return Extraction(text, pub, tuple(sentences), tuple(bld.claims), tuple(not_understood))


def _sentence(bld: _Builder, sent: Sentence) -> None:
    s = sent.text
    off = bld.text.find(s, sent.span[0])
    off = sent.span[0] if off < 0 else off
    ents = _entities(s)
    periods = find_periods(s, bld.pub)
    clauses = _clauses(s)
    # anaphora: "the index", "its" -> the last subject of an earlier sentence
    if bld.last_subject:
        for m in _ANAPHORA.finditer(s):
            if any(e.span[0] <= m.start() < e.span[1] for e in ents):
                continue
            word = m.group(0).lower()
            prev = bld.last_subject
            pick = prev[-1]
            if word in ("the former", "the latter") and bld.former_latter:
                pick = bld.former_latter[0 if word == "the former" else -1]
            if "index" in word and pick.entity.key in _UNDERLYING:
                # "the index" after futures on it is the index itself
                pick = dataclasses.replace(pick, entity=_UNDERLYING[pick.entity.key])
            earlier = [e for e in ents if e.span[1] <= m.start()]
            if word in ("it", "its") and earlier and len({e.entity.key for e in ents}) == 1:
                pick = earlier[-1]  # "the index ... as it is now down": the same one
            ents.append(_Ent(m.span(), pick.entity, m.group(0)))
            ents.sort(key=lambda e: e.span)
        ents.sort(key=lambda e: e.span)
    for p in periods:
        for r in (p.span,):
            bld.used.append((sent.index, off + r[0], off + r[1]))
    for e in ents:
        bld.used.append((sent.index, off + e.span[0], off + e.span[1]))
    own_period = [p for p in periods if not p.end_only]
    context = bld.context_period
    _streaks(bld, sent, s, off, ents=ents, periods=periods)
    _longest_since(bld, sent, s, off, ents=ents, periods=periods)
    _run_ranks(bld, sent, s, off, ents=ents, periods=periods)
    _prior_records(bld, sent, s, off, ents=ents, periods=periods)
    _records(bld, sent, s, off, ents=ents, periods=periods)
    _rank_forms(bld, sent, s, off, ents=ents, periods=periods)
    _since_when(bld, sent, s, off, ents=ents, periods=periods)
    _named_forms(bld, sent, s, off, ents=ents, periods=periods)
    _episode_counts(bld, sent, s, off, ents=ents)
    _last_beat(bld, sent, s, off, ents=ents, periods=periods)
    _directions(bld, sent, s, off, ents=ents, periods=periods, clauses=clauses)
    _rate_held(bld, sent, s, off, ents=ents)
    _beats(bld, sent, s, off, ents=ents, periods=periods, clauses=clauses)
    _quantities(bld, sent, s, off, ents=ents, periods=periods, clauses=clauses, context=context)
    _points(bld, sent, s, off, ents=ents, periods=periods, clauses=clauses, context=context)
    _levels(bld, sent, s, off, ents=ents, periods=periods)
    _multiples(bld, sent, s, off, ents=ents)
    named = [e for e in ents if not _ANAPHORA.fullmatch(e.text)]
    distinct = list({e.entity.key: e for e in reversed(named)}.values())[::-1]
    if len(distinct) >= 2:
        bld.former_latter = distinct[:2]
    real = [e for e in named if e.entity.kind != "etf"]
    starts_with_anaphora = bool(ents) and _ANAPHORA.fullmatch(ents[0].text) is not None
    if real and not starts_with_anaphora:
        # the sentence's subject (its first name) is what "the index" refers to next; keep the
        # last name too for "the former"/"the latter"
        bld.last_subject = [real[-1], real[0]] if len(real) >= 2 else real
    if own_period:
        bld.context_period = PeriodMention((0, 0), own_period[-1].text, own_period[-1].readings)


def _day_of(periods: list[PeriodMention], pub: pd.Timestamp) -> tuple[pd.Timestamp, str]:
    marks = [p for p in periods if p.end_only and p.readings and p.readings[0].kind == "end"]
    if marks:  # "as of Tuesday", "through Tuesday's close"
        return marks[0].readings[0].end, marks[0].text
    days = [p for p in periods if p.readings and p.readings[0].kind == "day"]
    if days:
        return days[-1].readings[0].end, days[-1].text
    return pub, "the publication date"


def _streaks(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    for m in STREAK_RE.finditer(s):
        before = len(bld.claims)
        _one_streak(bld, sent, s, off, m, ents=ents, periods=periods)
        _to_previous_close(bld, before, periods)


def _to_previous_close(bld: _Builder, before: int, periods: list[PeriodMention]) -> None:
    """Read claims dated only by the publication also as of the previous close.

    The time of day of a piece is unknown: before the close, "now" is the previous close.
    """
    if any(p.readings and p.readings[0].kind in ("day", "end") for p in periods):
        return
    prev = previous_close(bld.pub)
    added = bld.claims[before:]
    del bld.claims[before:]
    for c in added:
        key = "asof" if c.spec is not None and "asof" in c.spec else "end"
        if c.spec is None or c.spec.get(key) != bld.pub.date() or c.alternative_of is not None:
            bld.claims.append(c)
            continue
        first = dataclasses.replace(c, id=f"{c.id}a", alternative_of=c.id)
        window = Period("day", prev, prev, f"as of {prev:%Y-%m-%d}")
        if key == "end" and c.window is not None:
            window = Period(c.window.kind, c.window.start, prev, f"to {prev:%Y-%m-%d}")
        second = dataclasses.replace(
            c,
            id=f"{c.id}b",
            alternative_of=c.id,
            window=window,
            spec={**c.spec, key: prev.date()},
            reading=f"{c.reading} (or as of {prev:%Y-%m-%d}, if published before the close)",
        )
        bld.claims += [first, second]


def _one_streak(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    m: re.Match[str],
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    """Read one streak phrase: against a benchmark, or a run of one index's own moves."""
    st = parse_streak(m.group(0))
    if st is None:
        return
    a, b = m.span()
    if re.search(
        r"(?i)(?:at least|following|after|of at least|on (?:track|pace) for (?:a|its)?|"
        r"would be (?:a|its|the)?|could be (?:a|its|the)?)\s*$",
        s[max(0, a - 30) : a],
    ) or (re.match(r"(?i)\s+(?:in which|when|where)\b", s[b:]) or _EVENT.search(s)):
        bld.stats.append((sent.index, off + a, off + b))
        return  # a condition of an event study, not a claim about now
    rel = _REL.search(s)
    left = [e for e in ents if e.span[1] <= a]
    named = [e for e in left if not _ANAPHORA.fullmatch(e.text)]
    left = named or left
    names = tuple(e.entity.key for e in left[-2:])
    asof, why = _day_of(periods, bld.pub)
    if st.form == "each_of" and re.search(r"(?i)first", m.group(0)) and st.freq == "D":
        asof = pd.Timestamp(cal.nth_session_of_year(bld.pub.year, st.count))
        why = f"session {st.count} of {bld.pub.year}"
    if st.freq == "Y" and why == "the publication date":
        # runs of calendar years are about complete years: to the last year end
        asof = pd.Timestamp(bld.pub.year - 1, 12, 31)
        why = "the last complete calendar year"
    bld.used.append((sent.index, off + a, off + b))
    cid = bld._next_id()
    base = dict(
        id=cid,
        sentence=sent.index,
        quote=s,
        kind="streak",
        stated=float(st.count),
        unit="count",
        comparator="approx",
        tolerance=0.0,
    )
    pair = [e for e in ents if e.entity.kind in ("index", "etf")]
    named_pair = [e for e in pair if not _ANAPHORA.fullmatch(e.text)]
    if len({e.entity.key for e in named_pair}) >= 2:
        pair = named_pair
    if rel and len({e.entity.key for e in pair}) == 1:
        # "outperforms for an 11th straight day", no benchmark named: the one of the last
        # relative streak of the same index in the text
        earlier = [
            c
            for c in bld.claims
            if c.kind == "streak" and len(c.names) == 2 and c.names[0] == pair[0].entity.key
        ]
        if earlier and earlier[-1].names[1] in _BY_KEY:
            bench_key = earlier[-1].names[1]
            pair = [*pair, _Ent((len(s), len(s)), _BY_KEY[bench_key], bench_key)]
    if rel and len({e.entity.key for e in pair}) >= 2:
        first = (
            next(e for e in pair if e.span[0] < a) if any(e.span[0] < a for e in pair) else pair[0]
        )
        other = next(e for e in pair if e.entity.key != first.entity.key)
        sym_a, _, why_a = bld._resolve_symbol(first.entity, None)
        sym_b, _, why_b = bld._resolve_symbol(other.entity, None)
        span = (off + min(first.span[0], a), off + b)
        lag = re.search(r"(?i)underperform\w*|lagg\w*|trail\w*", s[max(0, a - 60) : b + 30])
        reading = (
            f"{first.entity.key} {'lagged' if lag else 'beat'} {other.entity.key} in "
            f"{st.count} straight "
            f"{ {'D': 'sessions', 'W': 'weeks', 'M': 'months', 'Y': 'years'}[st.freq] } to "
            f"{asof:%Y-%m-%d} (as of {why})"
        )
        spec = None
        why_not = why_a or why_b
        if why_not is None and sym_a and sym_b:
            fld = "close" if first.entity.kind == "index" else "adj_close"
            spec = {
                "text": s[max(0, first.span[0]) : b],
                "metric": "streak",
                "symbol": sym_a,
                "benchmark": sym_b,
                "freq": st.freq,
                "field": fld,
                "asof": asof.date(),
                "stated": -st.count if lag else st.count,
                "tolerance": 0.0,
            }
            spec = _year_streak_spec(spec)
        bld.add(
            **base,
            span=span,
            reading=reading,
            names=(first.entity.key, other.entity.key),
            subjects=tuple(x for x in (sym_a, sym_b) if x),
            window=Period("day", asof, asof, f"as of {asof:%Y-%m-%d}"),
            spec=spec,
            not_checkable=why_not,
        )
    else:
        subj = left[-1] if left else (ents[0] if ents else None)
        tail = s[b : b + 30]
        near = s[max(0, a - 60) : b] + tail
        down = re.search(
            r"(?i)\b(?:losing|loss(?:es)?|declin\w*|down|fell|lower|drop\w*|retreat\w*|"
            r"slid|slipp\w*)\b",
            near,
        )
        up = re.search(r"(?i)\b(?:gain\w*|advanc\w*|rose|up|higher|ris\w*)\b", near)
        threshold = re.search(r"(\d+(?:\.\d+)?)%(?:\+| or more)", near)
        sign = -1 if down and not up else 1
        reason: str | None = None
        sym: str | None = None
        proxy: str | None = None
        if subj is None or rel is not None or not (down or up):
            reason = (
                "a run without a named benchmark (or of an unnamed kind) has no metric in "
                "the claim model"
            )

        if subj is not None:
            sym, proxy, why_sym = bld._resolve_symbol(subj.entity, None)
            reason = reason or why_sym
        spec = None
        if reason is None and sym and subj is not None:
            spec = {
                "text": s[min(subj.span[0], a) : b],
                "metric": "streak",
                "symbol": sym,
                "freq": st.freq,
                "field": "close" if subj.entity.kind == "index" and not proxy else "adj_close",
                "asof": asof.date(),
                "stated": sign * st.count,
                "tolerance": 0.0,
            }
            if threshold:
                # "the fifth straight day of 1%+ gains": a run of moves of at least 1%
                spec["min_move"] = float(threshold.group(1)) / 100
            spec = _year_streak_spec(spec)
        unit_word = {"D": "sessions", "W": "weeks", "M": "months", "Y": "years"}[st.freq]
        bld.add(
            **base,
            span=(off + (subj.span[0] if subj and subj.span[0] < a else a), off + b),
            reading=(
                f"{subj.entity.key if subj else '?'}"
                f"{f' (proxy {proxy})' if proxy else ''} "
                f"{'fell' if sign < 0 else 'rose'}"
                f"{f' {threshold.group(1)}% or more' if threshold and spec else ''} "
                f"{st.count} {unit_word} in a row to "
                f"{asof:%Y-%m-%d} ({why})"
            ),
            names=names,
            subjects=(sym,) if sym else (),
            window=Period("day", asof, asof, f"as of {asof:%Y-%m-%d}"),
            proxy=proxy,
            spec=spec,
            not_checkable=reason if spec is None else None,
        )


def _year_streak_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Return a streak spec of calendar years as the ``year_streak`` metric (else unchanged)."""
    if spec.get("freq") != "Y":
        return spec
    if spec.get("min_move"):
        return spec  # runs of big yearly moves: not in the model (the loader says so)
    return {k: v for k, v in spec.items() if k != "freq"} | {"metric": "year_streak"}


def _longest_since(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    """Read "the longest run of outperformance since June 2008" as a streak ``since_year``."""
    for m in _LONGEST_SINCE.finditer(s):
        a, b = m.span()
        pair = [e for e in ents if e.entity.kind in ("index", "etf")]
        keys = list(dict.fromkeys(e.entity.key for e in pair))
        prev = [c for c in bld.claims if c.kind == "streak" and len(c.subjects) == 2]
        if len(keys) >= 2:
            first = pair[0]
            other = next(e for e in pair if e.entity.key != first.entity.key)
            sym_a, _, why_a = bld._resolve_symbol(first.entity, None)
            sym_b, _, why_b = bld._resolve_symbol(other.entity, None)
            names: tuple[str, ...] = (first.entity.key, other.entity.key)
            subjects = tuple(x for x in (sym_a, sym_b) if x)
            why_not = why_a or why_b
            asof, _ = _day_of(periods, bld.pub)
            span_a = min(first.span[0], a)
        elif prev and (not keys or prev[-1].names[0] in keys):
            last = prev[-1]
            names, subjects, why_not = last.names, last.subjects, last.not_checkable
            asof = last.window.end if last.window is not None else bld.pub
            span_a = a
        else:
            continue
        year = int(m.group(1))
        freq = "W" if re.search(r"(?i)week", m.group(0)) else "D"
        spec: dict[str, Any] | None = None
        if why_not is None and len(subjects) == 2:
            spec = {
                "text": s[span_a:b],
                "metric": "streak",
                "symbol": subjects[0],
                "benchmark": subjects[1],
                "freq": freq,
                "stat": "since_year",
                "field": "close" if subjects[0].startswith("^") else "adj_close",
                "asof": asof.date(),
                "stated": year,
                "tolerance": 0.0,
            }
        if spec is not None and "since_year" not in str(METRICS["streak"]["stat"].choices):
            spec, why_not = None, "the claim model has no 'longest since' streak statistic"
        bld.used.append((sent.index, off + a, off + b))
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + span_a, off + b),
            quote=s,
            reading=(
                f"the run of {names[0]} beating {names[1] if len(names) > 1 else '?'} to "
                f"{asof:%Y-%m-%d} is the longest since {year}"
            ),
            kind="streak",
            names=names,
            subjects=subjects,
            window=Period("day", asof, asof, f"as of {asof:%Y-%m-%d}"),
            stated=float(year),
            unit="year",
            comparator="approx",
            tolerance=0.0,
            spec=spec,
            not_checkable=why_not if spec is None else None,
        )


_DOWN_WORDS = re.compile(
    r"(?i)\b(?:posted (?:weekly |daily |monthly )?losses|(?:ended|finished|closed|are|were|is|"
    r"was|turned|now) [^.;,]{0,25}?(?:in negative territory|negative(?: for the year)?|in the red)|"
    r"(?:was|were|closed|finished|ended) (?:roughly |little |essentially )?unchanged|"
    r"(?:was|were|is|are|remained|stayed) underwater)"
)


def _directions(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
    clauses: list[tuple[int, int]],
) -> None:
    """Read "the S&P 500 and the Dow posted weekly losses", "X was unchanged": no number, a sign.

    Losses and negative territory become "return below 0"; "unchanged" becomes 0 within 0.05
    percentage points.
    """
    for m in _DOWN_WORDS.finditer(s):
        a, b = m.span()
        if any(
            c.sentence == sent.index and c.kind == "since" and c.span[0] <= off + a < c.span[1]
            for c in bld.claims
        ):
            continue  # "turned negative for the first time in <year>": read as a date
        lo, _hi = _clause_of(a, clauses)
        subj = [
            e
            for e in ents
            if lo <= e.span[0] and e.span[1] <= a and e.entity.kind in ("index", "etf")
        ]
        subj = [e for e in subj if not _ANAPHORA.fullmatch(e.text)] or subj
        subj = _outside_relative(s, a, subj)
        if not subj:
            continue
        phrase = m.group(0).lower()
        today = Period("day", bld.pub, bld.pub, f"the publication day {bld.pub:%Y-%m-%d}")
        wanted: list[Period] = []
        if "weekly" in phrase:
            wanted.append(
                Period("week", bld.pub - pd.Timedelta(days=bld.pub.day_of_week), bld.pub, "week")
            )
        elif "for the year" in phrase or "underwater" in phrase:
            wanted.append(Period("ytd", pd.Timestamp(bld.pub.year, 1, 1), bld.pub, "year to date"))
        else:
            own = [p for p in periods if p.readings and not p.end_only]
            if re.search(r"(?i)the day and the week", s):
                monday = bld.pub - pd.Timedelta(days=bld.pub.day_of_week)
                wanted += [today, Period("week", monday, bld.pub, "week")]
            elif own:
                wanted.append(own[0].readings[0])
            else:
                wanted.append(today)
        ends = [p for p in periods if p.end_only and p.readings]
        if "underwater" in phrase and ends:
            end = ends[0].readings[0].end
            wanted = [Period("ytd", pd.Timestamp(end.year, 1, 1), end, f"year to {end:%Y-%m-%d}")]
        unchanged = "unchanged" in phrase
        for e in dict.fromkeys(subj):
            for period in wanted:
                sym, proxy, why_not = bld._resolve_symbol(e.entity, period)
                spec: dict[str, Any] | None = None
                if why_not is None and sym:
                    spec = {
                        "text": s[e.span[0] : b],
                        "metric": "window_return",
                        "symbol": sym,
                        "start": period.start.date(),
                        "end": period.end.date(),
                        "field": "close" if e.entity.kind == "index" and not proxy else "adj_close",
                        "stated": 0.0,
                        "tolerance": 0.0005 if unchanged else 0.0,
                        "compare": "approx" if unchanged else "at_most",
                    }
                bld.used.append((sent.index, off + a, off + b))
                bld.add(
                    id=bld._next_id(),
                    sentence=sent.index,
                    span=(off + e.span[0], off + b),
                    quote=s,
                    reading=(
                        f"{e.entity.key}{f' (proxy {proxy})' if proxy else ''} "
                        f"{'was unchanged' if unchanged else 'fell'} over {period.label} "
                        f"({period.start:%Y-%m-%d}..{period.end:%Y-%m-%d}) [no figure: a sign]"
                    ),
                    kind="return",
                    names=(e.entity.key,),
                    subjects=(sym,) if sym else ((proxy,) if proxy else ()),
                    window=period,
                    stated=0.0,
                    unit="pct",
                    comparator="approx" if unchanged else "lt",
                    tolerance=0.05 if unchanged else 0.0,
                    proxy=proxy,
                    spec=spec,
                    not_checkable=why_not,
                )


_BEST_START = re.compile(r"(?i)\b(?:strongest|best) start(?: to (?:a|the) year)? since (\d{4})")
_BEST_MONTH = re.compile(
    r"(?i)\b(?:best|strongest) (?:relative )?month(?:ly performance)?(?: (?:versus|vs\.?|against|"
    r"compared to) (?:the )?[\w&' .-]{0,60}?)? since (?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
    r"oct|nov|dec)\w*\.? )?(\d{4})"
)
_N_RECORDS = re.compile(
    r"(?i)\b(?:setting|set|notched|notching|logged|posting) (\w+) (?:new )?(?:record(?: close| "
    r"high)?s|closing highs|all-time highs)"
)
_SESSIONS_SINCE = re.compile(
    r"(?i)\b(\d[\d,]*) (?:trading )?(?:days|sessions) since (?:the index|it|[\w ]{0,30}?) "
    r"(?:hit|set|notched|made) (?:a |its )?(?:new |last )?(?:record|high|all-time high)"
)
_COUNT_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


def _rank_forms(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    """Best start / best month since a year, N records in a period, sessions since a record."""
    prices_ = [e for e in ents if e.entity.kind in ("index", "etf")]
    named = [e for e in prices_ if not _ANAPHORA.fullmatch(e.text)] or prices_
    if not named and bld.last_subject:
        named = [bld.last_subject[-1]]
    if not named:
        return
    for rx, form in (
        (_BEST_START, "best_start"),
        (_BEST_MONTH, "best_month"),
        (_N_RECORDS, "n_records"),
        (_SESSIONS_SINCE, "sessions_since"),
    ):
        for m in rx.finditer(s):
            before = len(bld.claims)
            _one_rank_form(bld, sent, s, off, m, form=form, named=named, periods=periods)
            _to_previous_close(bld, before, periods)


def _one_rank_form(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    m: re.Match[str],
    *,
    form: str,
    named: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    """Read one match of the rank forms (best start, best month, N records, sessions since)."""
    asof, why = _day_of(periods, bld.pub)
    a, b = m.span()
    left = [e for e in named if e.span[1] <= a] or named
    subj = left[0] if form == "best_month" else left[-1]
    bench = next((e for e in named if e.entity.key != subj.entity.key), None)
    sym, proxy, why_not = bld._resolve_symbol(subj.entity, None)
    fld = "close" if subj.entity.kind == "index" and not proxy else "adj_close"
    spec: dict[str, Any] | None = None
    stated: float
    unit = "year"
    if form == "best_start":
        stated = float(m.group(1))
        n = len(cal.sessions(pd.Timestamp(asof.year, 1, 1), asof))
        reading = (
            f"{subj.entity.key}: the first {n} sessions of {asof.year} are the best start "
            f"since {int(stated)}"
        )
        spec = {"metric": "period_rank", "period": "first_sessions", "sessions": n}
    elif form == "best_month":
        stated = float(m.group(1))
        reading = (
            f"{subj.entity.key}"
            f"{f' minus {bench.entity.key}' if bench else ''}: the month to "
            f"{asof:%Y-%m-%d} is the best month since {int(stated)}"
        )
        spec = {"metric": "period_rank", "period": "month"}
        if bench is not None:
            bsym, _, bwhy = bld._resolve_symbol(bench.entity, None)
            why_not = why_not or bwhy
            spec["benchmark"] = bsym
    elif form == "n_records":
        word = m.group(1).lower()
        count = _COUNT_WORDS.get(word) or (int(word) if word.isdigit() else 0)
        if not count:
            return
        stated, unit = float(count), "count"
        own = [p for p in periods if p.readings and p.readings[0].kind != "day"]
        if not own:
            return
        win = own[0].readings[0]
        reading = (
            f"{subj.entity.key} set {count} record closes {win.start:%Y-%m-%d}..{win.end:%Y-%m-%d}"
        )
        spec = {
            "metric": "records",
            "stat": "count",
            "start": win.start.date(),
            "end": win.end.date(),
        }
    else:
        stated, unit = float(m.group(1).replace(",", "")), "count"
        reading = (
            f"{subj.entity.key}: {int(stated)} sessions from its last record close to "
            f"{asof:%Y-%m-%d} ({why})"
        )
        spec = {
            "metric": "records",
            "stat": "sessions_since",
            "start": pd.Timestamp(1900, 1, 1).date(),
            "end": asof.date(),
        }
    if spec["metric"] not in METRICS:
        spec, why_not = None, why_not or f"the claim model has no {form} metric"
    if spec is not None and why_not is None and sym:
        spec = {
            "text": s[min(subj.span[0], a) : b],
            **spec,
            "symbol": sym,
            "field": fld,
            "stated": stated,
            "tolerance": 0.0,
        }
        if spec["metric"] == "period_rank":
            spec.update({"mode": "best", "stat": "since_year", "asof": asof.date()})
    else:
        spec = None
    bld.used.append((sent.index, off + a, off + b))
    bld.add(
        id=bld._next_id(),
        sentence=sent.index,
        span=(off + min(subj.span[0], a), off + b),
        quote=s,
        reading=reading,
        kind="rank",
        names=(subj.entity.key,),
        subjects=(sym,) if sym else (),
        window=Period("day", asof, asof, f"as of {asof:%Y-%m-%d}"),
        stated=stated,
        unit=unit,
        comparator="approx",
        tolerance=0.0,
        proxy=proxy,
        spec=spec,
        not_checkable=why_not if spec is None else None,
    )


_BEAT = re.compile(
    r"(?i)\b(?:beat|outperformed|outpaced|had a better day than|held up (?:much |far )?better "
    r"than|did better than|lagged(?: behind)?|underperformed|trailed)\b"
)


def _beats(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
    clauses: list[tuple[int, int]],
) -> None:
    """Read "A beat B over <period>" without a figure as "A's return minus B's is above 0"."""
    if _EVENT.search(s) or re.search(r"(?i)\b(?:if|when|would|could|whether)\b", s):
        return
    for m in _BEAT.finditer(s):
        a, b = m.span()
        if any(
            c.sentence == sent.index and c.kind == "since" and c.span[0] <= off + a < c.span[1]
            for c in bld.claims
        ):
            continue  # "the last time A beat B ... was": read as when A last beat B
        lo, hi = _clause_of(a, clauses)
        if QUANTITY_RE.search(s, lo, hi) or STREAK_RE.search(s, lo, hi):
            continue  # a figure or a streak in the clause: read by the other forms
        named = [e for e in ents if e.entity.kind in ("index", "etf")]
        named = [e for e in named if not _ANAPHORA.fullmatch(e.text)] or named
        first = [e for e in named if lo <= e.span[0] and e.span[1] <= a]
        second = [e for e in named if b <= e.span[0] < hi]
        if not first or not second or first[-1].entity.key == second[0].entity.key:
            continue
        own = [p for p in periods if p.readings and not p.end_only and lo <= p.span[0] < hi]
        if not own:
            continue
        after = [p for p in own if p.span[0] >= b]
        period = _apply_end((after or own)[0].readings[0], periods)
        lag = re.match(r"(?i)lag|underperf|trail", m.group(0)) is not None
        e1, e2 = first[-1], second[0]
        sym_a, px_a, why_a = bld._resolve_symbol(e1.entity, period)
        sym_b, px_b, why_b = bld._resolve_symbol(e2.entity, period)
        why_not = why_a or why_b
        spec: dict[str, Any] | None = None
        if why_not is None and sym_a and sym_b:
            both_index = e1.entity.kind == "index" and e2.entity.kind == "index"
            spec = {
                "text": s[e1.span[0] : e2.span[1]],
                "metric": "relative_return",
                "symbol": sym_a,
                "benchmark": sym_b,
                "start": period.start.date(),
                "end": period.end.date(),
                "field": "close" if both_index and not (px_a or px_b) else "adj_close",
                "stated": 0.0,
                "tolerance": 0.0,
                "compare": "at_most" if lag else "at_least",
            }
        bld.used.append((sent.index, off + a, off + b))
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + e1.span[0], off + e2.span[1]),
            quote=s,
            reading=(
                f"{e1.entity.key} {'lagged' if lag else 'beat'} {e2.entity.key} over "
                f"{period.label} [no figure: a sign]"
            ),
            kind="relative_return",
            names=(e1.entity.key, e2.entity.key),
            subjects=tuple(x for x in (sym_a, sym_b) if x),
            window=period,
            stated=0.0,
            unit="pct",
            comparator="lt" if lag else "gt",
            tolerance=0.0,
            proxy=px_a or px_b,
            spec=spec,
            not_checkable=why_not if spec is None else None,
        )


_RATE_HELD = re.compile(r"(?i)\b(?:kept|left|held|holds|keeps|leaves)\b[^.;]{0,60}?\bunchanged\b")


def _rate_held(bld: _Builder, sent: Sentence, s: str, off: int, *, ents: list[_Ent]) -> None:
    """Read "the Fed kept its key policy rate unchanged" as a zero change of EFFR that day."""
    for m in _RATE_HELD.finditer(s):
        a, b = m.span()
        rate = [e for e in ents if e.entity.kind == "policy_rate" and a <= e.span[0] < b]
        if not rate:
            continue
        e = rate[0]
        day = bld.pub
        nxt = pd.Timestamp(cal.next_session(day)) if day <= pd.Timestamp("2030-12-31") else day
        spec = {
            "text": s[a:b],
            "metric": "rate_change",
            "series": e.entity.symbol,
            "start": (day - pd.Timedelta(days=1)).date(),
            "end": nxt.date(),
            "stated": 0.0,
            "tolerance": 0.0002,
        }
        bld.used.append((sent.index, off + a, off + b))
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + a, off + b),
            quote=s,
            reading=f"{e.entity.key} unchanged around {day:%Y-%m-%d} (the publication day)",
            kind="rate_change",
            names=(e.entity.key,),
            subjects=(str(e.entity.symbol),),
            window=Period("day", day, nxt, f"{day:%Y-%m-%d}..{nxt:%Y-%m-%d}"),
            stated=0.0,
            unit="bp",
            comparator="approx",
            tolerance=2.0,
            spec=spec,
        )


def _records(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    for m in _RECORD.finditer(s):
        a, b = m.span()
        if re.search(
            r"(?i)(?:hasn't|has not|not|n't|no|approach\w*|near\w*|within|short of|match|"
            r"closing in on|toward\w*|past|topping|above|below|off|from|versus|since)\b[^.]{0,40}$",
            s[:a],
        ):
            continue
        left = [e for e in ents if e.span[1] <= a and e.entity.kind in ("index", "etf")]
        if not left:
            continue
        subj = left[-1]
        if (
            s.rstrip().endswith("?")
            or re.search(
                r"(?i)\b(?:could|would|might|may|if|within reach|on pace|hope)\b|one record", s
            )
            or re.search(r"(?i)\bto (?:achieve|reach|hit|set|notch|make)\s+(?:a\s+)?$", s[:a])
        ):
            continue  # a question, a hypothesis or a series of records, not this record
        prior = bool(_PRIOR_RECORD.search(s[max(0, a - 25) : a]))
        if any(
            c.sentence == sent.index and c.kind == "record" and c.span[0] <= off + a < c.span[1]
            for c in bld.claims
        ):
            continue  # read as the level or the date of a previous record
        if m.group(0).lower().endswith("s") and re.search(
            rf"(?i)\b(?:\d+|{'|'.join(_COUNT_WORDS)}|several|multiple)\s+(?:new\s+)?$", s[:a]
        ):
            continue  # "five record closes": a count of records (read by the rank forms)
        asof, why = _day_of(periods, bld.pub)
        sym, proxy, why_not = bld._resolve_symbol(subj.entity, None)
        phrase = m.group(0).lower()
        intraday = "intraday" in phrase or bool(
            re.match(r"(?i)\s*,?\s*(?:touching|hitting|intraday)\b", s[b:])
            or re.search(r"(?i)\b(?:at one point|intraday)\b[^.;]{0,30}$", s[:a])
        )
        intraday_only = intraday and "clos" not in phrase
        bld.used.append((sent.index, off + a, off + b))
        spec = None
        if prior:
            why_not = why_not or (
                "the level or date of a previous record has no metric in the claim model"
            )
            reading = f"{subj.entity.key}: statement about a previous record"
        else:
            reading = f"{subj.entity.key} closed at a record on {asof:%Y-%m-%d} ({why})"
            if why_not is None and sym:
                spec = {
                    "text": s[subj.span[0] : b],
                    "metric": "record",
                    "symbol": sym,
                    "field": "close" if subj.entity.kind == "index" and not proxy else "adj_close",
                    "asof": asof.date(),
                    "stated": True,
                    "tolerance": 0.0,
                }
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + subj.span[0], off + b),
            quote=s,
            reading=reading,
            kind="record",
            names=(subj.entity.key,),
            subjects=(sym,) if sym else (),
            window=Period("day", asof, asof, f"on {asof:%Y-%m-%d}"),
            stated=1.0,
            unit="bool",
            comparator="approx",
            tolerance=0.0,
            proxy=proxy,
            spec=spec,
            not_checkable=why_not,
        ) if not (intraday_only and spec is not None) else None
        if intraday and spec is not None:
            bld.add(
                id=bld._next_id(),
                sentence=sent.index,
                span=(off + subj.span[0], off + b),
                quote=s,
                reading=f"{subj.entity.key} made an intraday record on {asof:%Y-%m-%d}",
                kind="record",
                names=(subj.entity.key,),
                subjects=(sym,) if sym else (),
                window=Period("day", asof, asof, f"on {asof:%Y-%m-%d}"),
                stated=1.0,
                unit="bool",
                comparator="approx",
                tolerance=0.0,
                spec={
                    "text": spec["text"],
                    "metric": "session",
                    "symbol": spec["symbol"],
                    "date": asof.date(),
                    "stat": "record_high",
                    "stated": True,
                    "tolerance": 0.0,
                },
            )


def _level_day(
    periods: list[PeriodMention], a: int, b: int, pub: pd.Timestamp
) -> tuple[pd.Timestamp, str]:
    """Return the day of a level at ``a:b``: a day written right after it, else the sentence's."""
    after = [
        p
        for p in periods
        if p.readings and p.readings[0].kind == "day" and b <= p.span[0] <= b + 20
    ]
    if after:
        return after[0].readings[0].end, after[0].text
    return _day_of(periods, pub)


def _levels(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    for m in _LEVEL_RE.finditer(s):
        a, b = m.span("num")
        if any(x == sent.index and x1 <= off + a < y1 for x, x1, y1 in bld.used):
            continue
        left = [e for e in ents if e.span[1] <= a and e.entity.kind in ("index", "etf")]
        if not left:
            continue
        left = _outside_relative(s, a, left)
        named = [e for e in left if not _ANAPHORA.fullmatch(e.text)]
        subj = (named or left)[-1]
        raw = m.group("num").replace(",", "")
        value = float(raw)
        if 1900 <= value <= 2100 and "." not in raw and "," not in m.group("num"):
            continue  # a year
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        approx = bool(re.search(r"(?i)about|around", m.group(0)))
        tol = 0.02 if decimals else (1.0 if approx else 0.5)
        if re.search(r"(?i)\btarget", s[max(0, a - 60) : a]) or re.search(
            r"(?i)\b(?:can|could|will|would|may|might|(?:expected|likely|poised|set) to)\s+"
            r"(?:\w+\s+)?$",
            s[max(0, m.start() - 20) : m.start()],
        ):
            continue  # a forecast, not a level reached
        asof, why = _level_day(periods, a, b, bld.pub)
        high = bool(re.search(r"(?i)high|touching|peak", m.group(0))) and not re.search(
            r"(?i)\b(?:clos\w*|finish\w*|end\w*|settl\w*) at (?:a |an )?[\w-]*\s?$",
            s[max(0, m.start() - 30) : m.start()],
        )
        sym, proxy, why_not = bld._resolve_symbol(subj.entity, None)
        if subj.entity.symbol is None and subj.entity.index_id:
            # a level or a record of the index itself: no proxy gives it
            sym, proxy, why_not = subj.entity.index_id, None, None
        elif proxy is not None and why_not is None:
            why_not = f"a level of {subj.entity.key} cannot be read from its proxy {proxy}"
        spec: dict[str, Any] | None = None
        if why_not is None and high and sym:
            spec = {
                "text": s[subj.span[0] : b],
                "metric": "session",
                "symbol": sym,
                "date": asof.date(),
                "stat": "high",
                "stated": value,
                "tolerance": tol,
            }
        elif why_not is None and sym and "window_extreme" in METRICS:
            spec = {
                "text": s[subj.span[0] : b],
                "metric": "window_extreme",
                "symbol": sym,
                "start": asof.date(),
                "end": asof.date(),
                "extreme": "max",
                "stat": "value",
                "field": "close" if subj.entity.kind == "index" else "adj_close",
                "stated": value,
                "tolerance": tol,
            }
        elif why_not is None:
            why_not = "index levels have no metric in the claim model"
        bld.used.append((sent.index, off + a, off + b))
        before = len(bld.claims)
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + subj.span[0], off + b),
            quote=s,
            reading=(
                f"{subj.entity.key} {'traded as high as' if high else 'closed at'} {value:g} on "
                f"{asof:%Y-%m-%d} ({why})"
            ),
            kind="level",
            names=(subj.entity.key,),
            subjects=(sym,) if sym else (),
            window=Period("day", asof, asof, f"on {asof:%Y-%m-%d}"),
            stated=value,
            unit="level",
            comparator="approx",
            tolerance=tol,
            proxy=proxy,
            spec=spec if why_not is None else None,
            not_checkable=why_not,
        )
        reached = re.match(r"(?i)reached|hit|topped", m.group(0)) is not None
        if reached and spec is not None and why_not is None:
            # "reached 3,050 on May 3": the close, or a level touched during the session
            first = bld.claims[-1]
            bld.claims[-1] = dataclasses.replace(first, alternative_of=first.id)
            bld.claims.append(
                dataclasses.replace(
                    first,
                    id=f"{first.id}h",
                    alternative_of=first.id,
                    reading=f"{subj.entity.key} traded as high as {value:g} on {asof:%Y-%m-%d} "
                    f"({why}; 'reached' read also as the session high)",
                    spec={
                        "text": spec["text"],
                        "metric": "session",
                        "symbol": spec["symbol"],
                        "date": asof.date(),
                        "stat": "high",
                        "stated": value,
                        "tolerance": tol,
                    },
                )
            )
        elif not high:
            _add_intraday(bld, s, off, before, periods)


def _quantities(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
    clauses: list[tuple[int, int]],
    context: PeriodMention | None,
) -> None:
    matches = [(m, parse_quantity(m.group(0))) for m in QUANTITY_RE.finditer(s)]
    quants = [
        (m, q)
        for m, q in matches
        if q is not None and q.unit in ("pct", "bp") and s[m.end() : m.end() + 1] != "+"
    ]
    resp = re.search(r"(?i)\brespective", s)
    # "X and Y's 0.4% and 1.2% respective losses": the figures before "respective" pair up
    paired = [i for i, (m, _) in enumerate(quants) if resp and m.end() <= resp.start()]
    for i, (m, q) in enumerate(quants):
        a, b = m.span()
        clause = _clause_of(a, clauses)
        subjects, how = _choose_subjects(s, ents, a, b, clause, right_ok=not q.percentage_points)
        if i in paired and len(paired) > 1:
            pool = [e for e in ents if e.span[1] <= quants[paired[0]][0].start()]
            if len(pool) >= len(paired):
                k = paired.index(i)
                subjects, how = [pool[len(pool) - len(paired) + k]], "respective figures"
        if not subjects:
            continue
        if how == "named after the figure" and re.match(r"(?i)\s+of\b", s[b:]):
            continue  # "20% of the Russell 2000's revenues": a share, not a move
        lo, hi = clause
        sign = -1 if q.value < 0 else _sign(s, a, b, lo, hi)
        value = q.value if q.explicit_sign else sign * q.value
        rate_subject = subjects[0].entity.kind in ("yield", "policy_rate")
        rel_m = _REL.search(s, lo, a)
        others = [
            e
            for e in ents
            if e.entity.key != subjects[0].entity.key and e.entity.kind in ("index", "etf")
        ]
        kind = "return"
        bench: _Ent | None = None
        if rate_subject:
            kind = (
                "rate_level"
                if re.search(r"(?i)\b(?:to|at|range of)\s+$", s[max(0, a - 12) : a])
                or (q.high is not None and q.unit == "pct")
                else "rate_change"
            )
        elif (
            how != "named after the figure"
            and others
            and (
                q.percentage_points
                or (rel_m is not None and _BY.search(s[max(lo, a - 30) : a]) is not None)
                or (rel_m is not None and re.search(r"(?i)\blead\b", s[rel_m.start() : a]))
            )
        ):
            kind = "relative_return"
            after = [e for e in others if e.span[0] >= (rel_m.start() if rel_m else a)]
            bench = after[0] if after else others[-1]
            if bench.span[0] < subjects[0].span[0] and rel_m and bench.span[1] < rel_m.start():
                subjects, bench = [bench], subjects[0]
            value = (
                abs(q.value) if not re.search(r"(?i)underperform|lag", s[lo:a]) else -abs(q.value)
            )
        pm, carried = _pick_period(periods, a, b, clause, context)
        own = [p for p in periods if not p.end_only]
        today = Period("day", bld.pub, bld.pub, f"the publication day {bld.pub:%Y-%m-%d}")
        if carried and _POINTS_OR.search(s[max(0, a - 30) : a]):
            pm = PeriodMention((0, 0), "a daily move ('N points or x%')", (today,))
            carried = False
        elif (carried or pm is None) and rate_subject and not own:
            pm = PeriodMention((0, 0), "no period stated: the publication day", (today,))
            carried = False
        elif pm is None and _PAST_MOVE.search(s[max(lo, a - 25) : a]):
            pm = PeriodMention((0, 0), "no period stated: the publication day", (today,))
        contrast = re.search(
            r"(?i)(?:compared (?:to|with)|versus|vs\.?)\s+$", s[max(0, a - 20) : a]
        )
        if re.search(
            r"(?i)\b(?:defined as|considered (?:a|an)|qualifies as|is called|means)\b",
            s[max(0, a - 60) : b + 40],
        ):
            # "defined as a pullback of 10% to 20%": the figures of a definition, no claim
            bld.stats.append((sent.index, off + a, off + b))
            continue
        if re.search(
            r"\(\s*\^?[A-Z][A-Z.]{0,6}\s+[-+\u2212]?$", s[max(0, a - 12) : a]
        ) and re.match(r"\s*\)", s[b:]):
            # "the Russell 2000 (^RUT 1.2%)": a web page's live quote next to a ticker
            bld.unread.append(
                (sent.index, off + a, off + b, "a live quote shown next to a ticker on the page")
            )
            continue
        if _PEAK_TO_TROUGH.match(s, b):
            # "fell 40% from its 2007 high to its 2009 low": a move between two past extremes
            bld.unread.append(
                (
                    sent.index,
                    off + a,
                    off + b,
                    "a move between a past high and a later low (peak to trough): no claim form "
                    "of the claim model fits it",
                )
            )
            continue
        statistic = (
            _AVERAGE.search(s[max(lo, a - 40) : b])
            or re.match(r"(?i)\s*of the time", s[b:])
            or (contrast and _AVERAGE.search(s[:a]))
        )
        if statistic or _EVENT.search(s):
            # an average or hit rate over past episodes, or a condition of an event study:
            # listed with the numbers not understood (the reason says so)
            bld.stats.append((sent.index, off + a, off + b))
            continue
        if pm is None:
            continue
        tol = _default_tolerance(q)
        comp = {
            "approx": "approx",
            "about": "approx",
            "nearly": "approx",
            "gt": "gt",
            "lt": "lt",
            "just_gt": "gt",
            "just_lt": "lt",
        }[q.qualifier]
        if q.qualifier == "about" and q.decimals == 0:
            tol = 0.5
        tol = max(tol, 0.004 * abs(q.value)) if q.unit == "pct" and abs(q.value) >= 50 else tol
        if q.qualifier in ("gt", "lt", "just_gt", "just_lt"):
            # "just over 2%": above the figure, allowing for the rounding of the written digit
            tol = 0.0 if q.qualifier in ("gt", "lt") else 0.25 * 10.0 ** (-q.decimals)
            if value < 0:
                comp = "lt" if comp == "gt" else "gt"
        if q.high is not None and q.unit == "pct":
            mid = (abs(q.value) + q.high) / 2
            tol = (q.high - abs(q.value)) / 2 + 0.06
            value = math.copysign(mid, value) if not rate_subject else mid
        bld.used.append((sent.index, off + a, off + b))
        if pm.unresolved is not None or not pm.readings:
            bld.add(
                id=bld._next_id(),
                sentence=sent.index,
                span=(off + min(subjects[0].span[0], a), off + b),
                quote=s,
                reading=f"{subjects[0].entity.key} {_fmt(value)} {q.unit} over '{pm.text}'",
                kind=kind,
                names=tuple(e.entity.key for e in subjects),
                subjects=tuple(x for x in (subjects[0].entity.symbol,) if x),
                window=None,
                stated=value,
                unit=q.unit,
                comparator=comp,
                tolerance=tol,
                not_checkable=f"window '{pm.text}': {pm.unresolved}",
            )
            continue
        has_day = any(p.readings and p.readings[0].kind == "day" for p in periods)
        readings: list[Period] = []
        for period0 in pm.readings:
            period = _apply_end(period0, periods)
            readings.append(period)
            if period.kind in _TO_DATE and period.end == bld.pub and not has_day:
                # publication time unknown: through today's close, or the previous close if the
                # piece came out before the close ("the past three months" then end there too)
                prev = previous_close(bld.pub)
                readings.append(
                    dataclasses.replace(
                        period,
                        start=period.start - (period.end - prev)
                        if period.kind == "span"
                        else period.start,
                        end=prev,
                        label=f"{period.label} (or through {prev:%Y-%m-%d}, if published before "
                        "the close)",
                        extreme_end=(
                            min(period.extreme_end, prev)
                            if period.extreme_end is not None
                            else None
                        ),
                    )
                )
        for subj in subjects:
            group = bld._next_id() if len(readings) > 1 else None
            before = len(bld.claims)
            for k, period in enumerate(readings):
                cid = f"{group}{'abcd'[k] if k < 4 else k}" if group else bld._next_id()
                _emit_quantity(
                    bld,
                    sent,
                    s,
                    off,
                    subj=subj,
                    bench=bench,
                    q=q,
                    kind=kind,
                    value=value,
                    comp=comp,
                    tol=tol,
                    period=period,
                    pm=pm,
                    ab=(a, b),
                    how=how,
                    carried=carried,
                    cid=cid,
                    group=group,
                )
            _add_intraday(bld, s, off, before, periods)


_MID_SESSION_DOC = re.compile(
    r"(?i)\b(?:today(?:'s)?|this (?:morning|afternoon)|intraday|midday|at last check|"
    r"in (?:early|morning|afternoon|midday) trading)\b"
)
_MID_SESSION = re.compile(
    r"(?i)\b(?:today(?:'s)?|this (?:morning|afternoon)|intraday|midday|mid-day|at one point|"
    r"briefly|at last check|currently|in (?:early|morning|afternoon|late|midday) trading|"
    r"(?:is|are|was|were) (?:now |still |currently )?(?:up|down|higher|lower|off|trading))\b"
)
_CLOSE_WORDS = re.compile(
    r"(?i)\b(?:closed|closes|closing (?:at|up|down|higher|lower|the)|finish(?:ed|es|ing)|"
    r"ended|settled|pared)\b"
)


def _add_intraday(
    bld: _Builder, s: str, off: int, before: int, periods: list[PeriodMention]
) -> None:
    """Add a reading during the session to claims a mid-session statement may have made.

    A sentence that speaks of the session as it goes ("today", "is down", "at one point") and
    names no close is read also as a value reached at some moment of the session: a return
    from the close before the window to a price between the day's low and high, or a level
    in that range. Only for the publication day (or any day when the text says "at one
    point" or "intraday") and for price indexes, whose session highs and lows the store holds.
    """
    cue = _MID_SESSION.search(s)
    if _CLOSE_WORDS.search(s) or (cue is None and not bld.mid_session):
        return
    anyday = cue is not None and re.search(r"(?i)at one point|intraday|briefly", cue.group(0))
    for c in list(bld.claims[before:]):
        spec = c.spec
        if spec is None or c.proxy or spec.get("field") != "close":
            continue
        end = spec.get("end") if spec["metric"] == "window_return" else None
        if spec["metric"] == "window_extreme" and spec.get("start") == spec.get("end"):
            end = spec.get("end")
        distance = spec["metric"] == "window_extreme" and spec.get("stat") == "distance"
        if distance and spec["extreme"] == "max" and spec["end"] == spec["asof"]:
            end = spec["asof"]
        if end is None or (not anyday and end != bld.pub.date()):
            continue
        if distance:
            alt = {
                "text": spec["text"],
                "metric": "session",
                "symbol": spec["symbol"],
                "date": end,
                "start": spec["start"],
                "base": "max_close",
                "stat": "within_return",
                "stated": spec["stated"],
                "tolerance": spec["tolerance"],
                "compare": spec.get("compare", "approx"),
            }
            what = "a distance from the highest close reached during the session"
        elif spec["metric"] == "window_return":
            alt = {
                "text": spec["text"],
                "metric": "session",
                "symbol": spec["symbol"],
                "date": end,
                "start": spec["start"],
                "stat": "within_return",
                "stated": spec["stated"],
                "tolerance": spec["tolerance"],
                "compare": spec.get("compare", "approx"),
            }
            what = "a return reached during the session"
        else:
            alt = {
                "text": spec["text"],
                "metric": "session",
                "symbol": spec["symbol"],
                "date": end,
                "stat": "within_level",
                "stated": spec["stated"],
                "tolerance": spec["tolerance"],
            }
            what = "a level reached during the session"
        group = c.alternative_of or c.id
        if c.alternative_of is None:
            bld.claims[bld.claims.index(c)] = dataclasses.replace(c, alternative_of=group)
        bld.claims.append(
            dataclasses.replace(
                c,
                id=f"{c.id}i",
                alternative_of=group,
                reading=f"{c.reading} (or {what} of {end:%Y-%m-%d}: the text speaks of it as "
                "it goes)",
                spec=alt,
            )
        )


def _emit_quantity(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    subj: _Ent,
    bench: _Ent | None,
    q: Quantity,
    kind: str,
    value: float,
    comp: str,
    tol: float,
    period: Period,
    pm: PeriodMention,
    ab: tuple[int, int],
    how: str,
    carried: bool,
    cid: str,
    group: str | None,
) -> None:
    a, b = ab
    ent = subj.entity
    sym, proxy, why_not = bld._resolve_symbol(ent, period)
    names: tuple[str, ...] = (ent.key,)
    subjects: tuple[str, ...] = (sym,) if sym else ((proxy,) if proxy else ())
    unit = q.unit
    spec: dict[str, Any] | None = None
    where = "carried from an earlier sentence" if carried else f"'{pm.text}'"
    start, end = _window_spec(period)
    compare = {"approx": "approx", "gt": "at_least", "lt": "at_most"}[comp]
    if proxy and why_not is None:
        sessions = max(1.0, period.days * 5 / 7)
        tol = tol + ent.proxy_tolerance * math.sqrt(sessions)
    if kind == "return":
        reading = (
            f"{ent.key}{f' (proxy {proxy})' if proxy else ''} returned {_fmt(value)}% "
            f"{period.label} [period {where}; subject: {how}]"
        )
        long_fund = (
            ent.kind == "etf" and sym and period.days > _FUND_PRICE_DAYS and not bld.total_return
        )
        if long_fund and why_not is None and sym in FUND_INDEX:
            # a fund's price return over years: its index's (dividends would add several points)
            sym, proxy, ent = FUND_INDEX[sym], None, dataclasses.replace(ent, kind="index")
            subjects = (sym,)
            reading += f" (price return of {names[0]} read from the index it tracks, {sym})"
        elif long_fund and why_not is None:
            why_not = (
                f"the price return of {sym} over {period.days} days is not in the data: its "
                "closes are dividend-adjusted, and dividends over that long add several points"
            )
        if why_not is None and sym and period.kind == "extreme":
            fld = "close" if ent.kind == "index" and not proxy else "adj_close"
            # the distance from a high is at most 0, from a low at least 0
            value = -abs(value) if period.extreme == "max" else abs(value)
            reading = (
                f"{ent.key}{f' (proxy {proxy})' if proxy else ''} {_fmt(value)}% "
                f"{period.label} to {end:%Y-%m-%d} [period {where}; subject: {how}]"
            )
            spec = {
                "metric": "window_extreme",
                "symbol": sym,
                "start": start.date(),
                "end": (period.extreme_end or end).date(),
                "extreme": period.extreme,
                "stat": "distance",
                "field": fld,
                "asof": end.date(),
                "stated": value / 100,
                "tolerance": round(tol / 100, 10),
                "compare": compare,
            }
        elif why_not is None and sym:
            fld = "close" if ent.kind == "index" and not proxy else "adj_close"
            spec = {
                "metric": "window_return",
                "symbol": sym,
                "start": start.date(),
                "end": end.date(),
                "field": fld,
                "stated": value / 100,
                "tolerance": round(tol / 100, 10),
                "compare": compare,
            }
    elif kind == "relative_return" and bench is not None:
        bsym, bproxy, bwhy = bld._resolve_symbol(bench.entity, period)
        why_not = why_not or bwhy
        names = (ent.key, bench.entity.key)
        twin = ""
        # an index against a fund: both on total return, the index through the fund tracking it
        if ent.kind == "index" and bench.entity.kind == "etf" and sym in INDEX_FUND and not proxy:
            sym, twin = INDEX_FUND[sym], f" ({ent.key} read through its fund {INDEX_FUND[sym]})"
        elif bench.entity.kind == "index" and ent.kind == "etf" and bsym in INDEX_FUND:
            bsym = INDEX_FUND[bsym]
            twin = f" ({bench.entity.key} read through its fund {bsym})"
        subjects = tuple(x for x in (sym, bsym) if x)
        proxy = proxy or bproxy
        reading = (
            f"{ent.key} minus {bench.entity.key}: {_fmt(value)} percentage points "
            f"{period.label} [period {where}]{twin}"
        )
        if why_not is None and sym and bsym:
            both_index = ent.kind == "index" and bench.entity.kind == "index" and not proxy
            spec = {
                "metric": "relative_return",
                "symbol": sym,
                "benchmark": bsym,
                "start": start.date(),
                "end": end.date(),
                "field": "close" if both_index else "adj_close",
                "stated": value / 100,
                "tolerance": round(tol / 100, 10),
                "compare": compare,
            }
    elif kind == "rate_change":
        bp = value * 100 if unit == "pct" else value
        btol = 1.5 if unit == "pct" else tol
        btol = max(btol, 1.5)
        if q.qualifier in ("about", "nearly"):
            btol = max(btol, 3.0)
        unit, value, tol = "bp", bp, btol
        if ent.kind == "policy_rate":
            end = pd.Timestamp(cal.next_session(end)) if end <= pd.Timestamp("2030-12-31") else end
        reading = f"{ent.key} changed by {_fmt(bp)} bp {period.label} [period {where}]"
        if sym:
            spec = {
                "metric": "rate_change",
                "series": sym,
                # the change runs from the last value before the window's first day
                "start": (start - pd.Timedelta(days=1)).date(),
                "end": end.date(),
                "stated": bp / 10000,
                "tolerance": round(btol / 10000, 10),
                "compare": compare,
            }
    else:  # rate_level
        level = (
            (q.value if q.explicit_sign else abs(q.value))
            if q.high is None
            else (abs(q.value) + q.high) / 2
        )
        value = level
        tol = 0.02 if q.high is None else (q.high - abs(q.value)) / 2
        unit = "pct"
        day = end
        if ent.kind == "policy_rate":
            day = pd.Timestamp(cal.next_session(end)) if end <= pd.Timestamp("2030-12-31") else end
        reading = f"{ent.key} at {level:g}% on {day:%Y-%m-%d} [period {where}]"
        if sym:
            spec = {
                "metric": "series_value",
                "series": sym,
                "date": day.date(),
                "stated": level,
                "tolerance": round(tol, 10),
                "compare": compare,
            }
    if spec is not None:
        spec = {"text": s[min(subj.span[0], a) : b], **spec}
    if why_not is None and spec is None:
        why_not = f"no metric of the claim model fits a {kind} of {ent.key}"
    bld.add(
        id=cid,
        sentence=sent.index,
        span=(off + min(subj.span[0], a), off + b),
        quote=s,
        reading=reading,
        kind=kind,
        names=names,
        subjects=subjects,
        window=period,
        stated=value,
        unit=unit,
        comparator=comp,
        tolerance=tol,
        proxy=proxy,
        spec=spec if why_not is None else None,
        not_checkable=why_not,
        alternative_of=group,
    )


def _leftovers(bld: _Builder, sentences: list[Sentence]) -> list[NotUnderstood]:
    out: list[NotUnderstood] = []
    claimed = {(c.sentence, c.span) for c in bld.claims}
    for sent in sentences:
        off = bld.text.find(sent.text, sent.span[0])
        off = sent.span[0] if off < 0 else off
        stat_spans = {(x, y) for i, x, y in bld.stats if i == sent.index}
        spans = [(x, y) for i, x, y in bld.used if i == sent.index and (x, y) not in stat_spans]
        spans += [sp for i, sp in claimed if i == sent.index]
        for m in _NUMBER_RE.finditer(sent.text):
            a, b = off + m.start(), off + m.end()
            if any(x <= a < y for x, y in spans):
                continue
            tok = m.group(0)
            told = [w for i, x, y, w in bld.unread if i == sent.index and x <= a < y]
            if told:
                why = told[0]
            elif any(i == sent.index and x <= a < y for i, x, y in bld.stats):
                why = (
                    "an average or hit rate over past episodes (an event study): no claim form "
                    "of the claim model fits it"
                )
            elif "%" in tok:
                why = "a percentage with no index, ETF or rate and period it could belong to"
            elif re.search(r"(?i)^\s*(?:points?|pts)\b", sent.text[m.end() :]):
                why = "index points with no move word, index and period to read them as a change"
            else:
                why = "a number that matches no claim form"
            out.append(NotUnderstood(sent.index, (a, b), tok, why))
    return out


# ------------------------------------------------------------------ since when
_DIR_DOWN = r"declines?|drops?|falls?|loss(?:es)?|slides?|selloffs?|sell-offs?"
_DIR_UP = r"gains?|jumps?|rises?|increases?|advances?|rall(?:y|ies)|surges?"
_SINCE_WHEN = re.compile(
    r"(?i)\b(?P<what>(?P<level>highest|lowest)(?: (?:level|close|closing level|finish|"
    r"reading|point))?"
    r"|(?P<day>worst|best|strongest|weakest) (?:single |trading |one-day )?(?:day|session)"
    r"|(?:biggest|largest|sharpest|steepest|best|worst) (?P<span>one-day|single-day|daily|"
    r"one-session|monthly|one-month) (?:percentage )?"
    rf"(?P<dir>{_DIR_DOWN}|{_DIR_UP}|performance|move)"
    r"|(?P<month>best|worst|strongest|weakest) month)"
    r"(?P<mid>(?: (?:for|of) (?:the |both )?[\w&'\u2019 .-]{1,80}?)?(?: (?:indexes|indices))?)"
    rf" since (?P<when>{WHEN_RX})"
)


_HYPOTHETICAL = re.compile(
    r"(?i)\b(?:(?:expected|likely|set|poised|on (?:track|pace)) to be|would be|could be|"
    r"may be|might be|will be)\s+(?:the\s+|its\s+)?$"
)


def _when_spec(lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[float, float]:
    """Stated point in time as a decimal year (middle of the range) and its half-width."""
    a = decimal_year(lo) - 0.5 / 365
    b = decimal_year(hi) + 0.5 / 365
    return (a + b) / 2, (b - a) / 2


def _day_before(periods: list[PeriodMention], a: int, pub: pd.Timestamp) -> pd.Timestamp:
    """Return the day of the nearest day phrase before ``a`` (else the sentence's day)."""
    days = [p for p in periods if p.readings and p.readings[0].kind == "day" and p.span[1] <= a]
    if days:
        return days[-1].readings[0].end
    return _day_of(periods, pub)[0]


def _since_when(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    """Read "its highest level since March 3", "the worst day for X and Y since 2019"."""
    for m in _SINCE_WHEN.finditer(s):
        a, b = m.span()
        if any(c.sentence == sent.index and off + b == c.span[1] for c in bld.claims):
            continue  # read by an earlier form ("best month since 2019")
        rng = when_range(m.group("when"), bld.pub)
        if rng is None or _HYPOTHETICAL.search(s[max(0, a - 40) : a]):
            continue
        kinds = ("index", "etf", "yield")
        inner = [
            e for e in ents if m.start("mid") <= e.span[0] < m.end("mid") and e.entity.kind in kinds
        ]
        left = [e for e in ents if e.span[1] <= a and e.entity.kind in kinds]
        if inner:
            subjects = inner
        elif left:
            subjects = [left[-1]]
        elif bld.last_subject:
            subjects = [bld.last_subject[-1]]
        else:
            continue
        if m.group("level"):
            measure, freq = "level", "D"
            mode = "best" if m.group("level").lower() == "highest" else "worst"
            what = f"{m.group('level').lower()} level"
        elif m.group("day") or m.group("month"):
            word = (m.group("day") or m.group("month")).lower()
            measure, freq = "change", "M" if m.group("month") else "D"
            mode = "best" if word in ("best", "strongest") else "worst"
            what = f"{word} {'month' if freq == 'M' else 'day'}"
        else:
            measure = "change"
            freq = "M" if "month" in m.group("span").lower() else "D"
            lead = m.group(0).split()[0].lower()
            direction = m.group("dir").lower()
            if re.fullmatch(_DIR_DOWN, direction):
                mode = "worst"
            elif re.fullmatch(_DIR_UP, direction):
                mode = "best"
            else:
                mode = "worst" if lead == "worst" else "best"
            what = (
                f"{'largest' if lead != 'worst' else 'worst'} {m.group('span').lower()} {direction}"
            )
        asof = _day_before(periods, a, bld.pub)
        stated, tol = _when_spec(*rng)
        bld.used.append((sent.index, off + a, off + b))
        for e in dict.fromkeys(subjects):
            ent = e.entity
            spec: dict[str, Any] | None = None
            sym, proxy, why_not = bld._resolve_symbol(ent, None)
            if proxy is not None and measure == "level" and why_not is None:
                why_not = f"a level of {ent.key} cannot be read from its proxy {proxy}"
            if why_not is None and sym:
                where: dict[str, Any] = (
                    {"series": sym}
                    if ent.kind == "yield"
                    else {
                        "symbol": sym,
                        "field": "close" if ent.kind == "index" and not proxy else "adj_close",
                    }
                )
                spec = {
                    "text": s[min(e.span[0], a) : b],
                    "metric": "since_when",
                    **where,
                    "measure": measure,
                    "freq": freq,
                    "mode": mode,
                    "asof": asof.date(),
                    "stated": round(stated, 6),
                    "tolerance": round(tol, 6),
                }
            lo, hi = rng
            when_text = f"{lo:%Y-%m-%d}" if lo == hi else f"{lo:%Y-%m-%d}..{hi:%Y-%m-%d}"
            bld.add(
                id=bld._next_id(),
                sentence=sent.index,
                span=(off + min(e.span[0], a), off + b),
                quote=s,
                reading=(
                    f"{ent.key}{f' (proxy {proxy})' if proxy else ''}: the {what} on "
                    f"{asof:%Y-%m-%d} since {when_text} (the last earlier one at least as "
                    "extreme falls then)"
                ),
                kind="since",
                names=(ent.key,),
                subjects=(sym,) if sym else (),
                window=Period("day", asof, asof, f"as of {asof:%Y-%m-%d}"),
                stated=float(lo.year),
                unit="year",
                comparator="approx",
                tolerance=0.0,
                proxy=proxy,
                spec=spec,
                not_checkable=why_not if spec is None else None,
            )


# ------------------------------------------------------------------ previous records
_REC_NOUN = (
    r"(?:(?:previous |prior |last |its |the |an? )?(?:all-time|record)(?: closing)?"
    r"(?: high| close| finish| record)?(?: close)?|(?:a |its |the )?(?:new |closing |record )high"
    r"|the one)"
)
_PRIOR_LEVEL = re.compile(
    r"(?i)\b(?P<cue>previous|prior|(?<=its )all-time|(?<=the )all-time|(?<=its )record|"
    r"(?<=the )record)\s(?:record\s)?"
    r"(?:closing high|close|high close|closing record|record close|closing level|high)\s"
    r"of\s(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{3,5}(?:\.\d{1,2})?)(?![\d%])"
)
_PRIOR_DATE = re.compile(
    rf"(?i)\b(?P<noun>{_REC_NOUN})(?: of [\d,.]+)?,?\s"
    r"(?:(?:it|the index|that it|which it) )?(?:(?:was )?(?:set|reached|hit|made|notched|"
    r"established|posted)\s)?(?:back\s)?(?:(?:in|on)\s)?"
    rf"(?P<when>{WHEN_RX})(?![\w/])"
)
_LAST_RECORD = re.compile(
    r"(?i)\b(?:last (?:closed|finished|ended|set a record|hit a record) (?:at )?(?:a |an )?"
    r"(?:record|all-time high|record high|high)?|since (?:the index|it|they|[\w&' ]{1,30}?) "
    r"(?:hit|set|made|reached|notched) (?:a |an |its )?(?:new |last |previous )?(?:record|"
    r"all-time high|record high|high)),?\s(?:back\s)?(?:(?:in|on)\s)?"
    rf"(?P<when>{WHEN_RX})(?![\w/])"
)


def _asof_outside(
    periods: list[PeriodMention], span: tuple[int, int], pub: pd.Timestamp
) -> tuple[pd.Timestamp, str]:
    """Return the sentence's day, ignoring time phrases in ``span`` (the record's own date)."""
    return _day_of([p for p in periods if not (p.span[0] < span[1] and span[0] < p.span[1])], pub)


def _record_subject(ents: list[_Ent], a: int, bld: _Builder) -> _Ent | None:
    left = [e for e in ents if e.span[1] <= a and e.entity.kind in ("index", "etf")]
    if left:
        return left[-1]
    return bld.last_subject[-1] if bld.last_subject else None


def _prior_records(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    """Read the level and the date of a previous record close.

    "its prior record close of 2,512.30" (the highest close before the day, or up to the date
    written after it), "the all-time high it set on March 3", "last ended at a record on May
    2", "since it set a record back in June 2018": the date of the last record
    close before the day the sentence is about.
    """
    for m in _PRIOR_LEVEL.finditer(s):
        a, b = m.span()
        subj = _record_subject(ents, a, bld)
        if subj is None:
            continue
        raw = m.group("num").replace(",", "")
        value = float(raw)
        tol = 0.02 if "." in raw else 0.5
        after = _PRIOR_DATE.match(s, m.start("cue"))
        own = None
        if after is not None and after.end() > b:
            own = when_range(after.group("when"), bld.pub)
        asof, why = _asof_outside(periods, (a, len(s) if own else b), bld.pub)
        if own is not None:
            end, basis = own[1], f"up to {own[1]:%Y-%m-%d} (the date written after it)"
        else:
            end = previous_close(asof)
            basis = f"before {asof:%Y-%m-%d} ({why})"
        sym, proxy, why_not = bld._resolve_symbol(subj.entity, None)
        if subj.entity.symbol is None and subj.entity.index_id:
            # a level or a record of the index itself: no proxy gives it
            sym, proxy, why_not = subj.entity.index_id, None, None
        elif proxy is not None and why_not is None:
            why_not = f"a level of {subj.entity.key} cannot be read from its proxy {proxy}"
        spec: dict[str, Any] | None = None
        if why_not is None and sym:
            spec = {
                "text": s[subj.span[0] : b] if subj.span[0] < a else s[a:b],
                "metric": "window_extreme",
                "symbol": sym,
                "start": pd.Timestamp(1900, 1, 1).date(),
                "end": end.date(),
                "extreme": "max",
                "stat": "value",
                "field": "close" if subj.entity.kind == "index" else "adj_close",
                "stated": value,
                "tolerance": tol,
            }
        bld.used.append((sent.index, off + a, off + b))
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + (subj.span[0] if subj.span[0] < a else a), off + b),
            quote=s,
            reading=f"{subj.entity.key}: the record close {basis} was {value:g}",
            kind="record",
            names=(subj.entity.key,),
            subjects=(sym,) if sym else (),
            window=Period("day", end, end, f"up to {end:%Y-%m-%d}"),
            stated=value,
            unit="level",
            comparator="approx",
            tolerance=tol,
            proxy=proxy,
            spec=spec,
            not_checkable=why_not if spec is None else None,
        )
        lead = s[max(0, a - 60) : a]
        if (
            spec is not None
            and re.search(r"(?i)\b(?:at one point|intraday|briefly)\b", lead)
            and re.search(
                r"(?i)\b(?:past|above|through|topp\w*|surpass\w*)\s+(?:its|the|their)\s*$", lead
            )
        ):
            # "at one point traded above its record close of X": the session high was above X
            day = asof
            bld.add(
                id=bld._next_id(),
                sentence=sent.index,
                span=(off + (subj.span[0] if subj.span[0] < a else a), off + b),
                quote=s,
                reading=f"{subj.entity.key} traded above {value:g} on {day:%Y-%m-%d} ({why})",
                kind="level",
                names=(subj.entity.key,),
                subjects=(spec["symbol"],),
                window=Period("day", day, day, f"on {day:%Y-%m-%d}"),
                stated=value,
                unit="level",
                comparator="gt",
                tolerance=0.0,
                spec={
                    "text": spec["text"],
                    "metric": "session",
                    "symbol": spec["symbol"],
                    "date": day.date(),
                    "stat": "high",
                    "stated": value,
                    "tolerance": 0.0,
                    "compare": "at_least",
                },
            )
    for rx in (_PRIOR_DATE, _LAST_RECORD):
        for m in rx.finditer(s):
            a, b = m.span()
            if rx is _PRIOR_DATE and not re.search(
                r"(?i)record|all-time|new high|the one", m.group("noun")
            ):
                continue
            if (
                rx is _PRIOR_DATE
                and m.group("noun").lower() == "the one"
                and not re.search(r"(?i)record|all-time|high", s[max(0, a - 40) : a])
            ):
                continue
            if any(
                c.sentence == sent.index and c.unit == "year" and c.span[1] == off + b
                for c in bld.claims
            ):
                continue
            rng = when_range(m.group("when"), bld.pub)
            subj = _record_subject(ents, a, bld)
            if rng is None or subj is None:
                continue
            asof, why = _asof_outside(periods, (a, b), bld.pub)
            if rng[0] >= asof:
                continue  # the date is the day itself: not a previous record
            stated, tol = _when_spec(*rng)
            sym, proxy, why_not = bld._resolve_symbol(subj.entity, None)
            if subj.entity.symbol is None and subj.entity.index_id:
                # a level or a record of the index itself: no proxy gives it
                sym, proxy, why_not = subj.entity.index_id, None, None
            elif proxy is not None and why_not is None:
                why_not = f"the records of {subj.entity.key} cannot be read from its proxy {proxy}"
            spec = None
            if why_not is None and sym:
                spec = {
                    "text": s[min(subj.span[0], a) : b],
                    "metric": "since_when",
                    "symbol": sym,
                    "field": "close" if subj.entity.kind == "index" else "adj_close",
                    "measure": "record",
                    "asof": asof.date(),
                    "stated": round(stated, 6),
                    "tolerance": round(tol, 6),
                }
            lo, hi = rng
            when_text = f"{lo:%Y-%m-%d}" if lo == hi else f"{lo:%Y-%m-%d}..{hi:%Y-%m-%d}"
            bld.used.append((sent.index, off + a, off + b))
            bld.add(
                id=bld._next_id(),
                sentence=sent.index,
                span=(off + min(subj.span[0], a), off + b),
                quote=s,
                reading=(
                    f"{subj.entity.key}: the last record close before {asof:%Y-%m-%d} ({why}) "
                    f"was on {when_text}"
                ),
                kind="record",
                names=(subj.entity.key,),
                subjects=(sym,) if sym else (),
                window=Period("day", asof, asof, f"as of {asof:%Y-%m-%d}"),
                stated=float(lo.year),
                unit="year",
                comparator="approx",
                tolerance=0.0,
                proxy=proxy,
                spec=spec,
                not_checkable=why_not if spec is None else None,
            )


# ------------------------------------------------------------------ named thresholds, RSI, Fed
_TERRITORY = re.compile(
    r"(?i)\b(?:in|into|entered|enters|entering|enter)\s+(?:an?\s+)?(?:official\s+)?"
    r"(?P<what>correction|bear[- ]market)(?:\s+territory)?\b"
)
_MONTHS_RX = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
_DEFINITION = re.compile(r"(?i)\b(?:defined|considered|qualif\w+|means|is when|refers)\b")
_FIRST_NEGATIVE = re.compile(
    r"(?i)\b(?:turned|went|moved|slipped|fell)\s+(?:negative|into negative territory|into the red)"
    r"(?:\s+for the year)?\s+for the first time\s+(?:in\s+(?P<y>\d{4})|this year|of the year)"
)
_RSI_RE = re.compile(
    r"(?i)\b(?:relative strength index|RSI)\b(?:\s*\(RSI\))?[^.;\d]{0,30}?"
    r"(?P<num>\d{1,3}(?:\.\d+)?)(?![\d%]|\.\d)"
)
_FED_MOVE = re.compile(
    r"(?i)\b(?:the Fed|Federal Reserve|FOMC|central bank)\b[^.;]{0,80}?"
    r"\b(?P<num>\d{1,3}(?:\.\d+)?)[- ]basis[- ]points?\b"
)
_ORDINAL_RECORD = re.compile(
    r"(?i)\b(?:marking|marks|its|the|for (?:its|the))\s+(?P<n>\d+(?:st|nd|rd|th)|"
    + "|".join(
        [
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
        ]
    )
    + r")\s+(?:(?:record|all-time high|closing high|record close|record high)s?\s+)?"
    r"(?P<per>this year|so far this year|of the year|this month|so far this month)\b"
)
_ORDINAL_WORDS = {
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}


def _subject_before(ents: list[_Ent], a: int, bld: _Builder) -> _Ent | None:
    left = [e for e in ents if e.span[1] <= a and e.entity.kind in ("index", "etf")]
    named = [e for e in left if not _ANAPHORA.fullmatch(e.text)]
    if named or left:
        return (named or left)[-1]
    return bld.last_subject[0] if bld.last_subject else None


def _named_forms(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    """Correction / bear-market territory, RSI levels, Fed moves, the Nth record of a year."""
    hypothetical = re.search(r"(?i)\b(?:could|would|might|if|whether|risk of|on the verge)\b", s)
    for m in _TERRITORY.finditer(s):
        a, b = m.span()
        subj = _subject_before(ents, a, bld)
        if subj is None or _DEFINITION.search(s[max(0, a - 60) : a]) or hypothetical:
            continue
        depth = 20.0 if m.group("what").lower().startswith("bear") else 10.0
        asof, why = _day_of(periods, bld.pub)
        start = asof - pd.DateOffset(weeks=52)
        sym, proxy, why_not = bld._resolve_symbol(subj.entity, None)
        spec: dict[str, Any] | None = None
        if why_not is None and sym:
            spec = {
                "text": s[min(subj.span[0], a) : b],
                "metric": "window_extreme",
                "symbol": sym,
                "start": start.date(),
                "end": asof.date(),
                "extreme": "max",
                "stat": "distance",
                "field": "close" if subj.entity.kind == "index" and not proxy else "adj_close",
                "asof": asof.date(),
                "stated": -depth / 100,
                "tolerance": 0.0,
                "compare": "at_most",
            }
        bld.used.append((sent.index, off + a, off + b))
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + min(subj.span[0], a), off + b),
            quote=s,
            reading=(
                f"{subj.entity.key}{f' (proxy {proxy})' if proxy else ''} at least {depth:g}% "
                f"below its 52-week closing high on {asof:%Y-%m-%d} ({why}; "
                f"'{m.group('what').lower()}' read as a fall of {depth:g}% or more)"
            ),
            kind="return",
            names=(subj.entity.key,),
            subjects=(sym,) if sym else (),
            window=Period("extreme", start, asof, "from its 52-week high", "max", asof),
            stated=-depth,
            unit="pct",
            comparator="lt",
            tolerance=0.0,
            proxy=proxy,
            spec=spec,
            not_checkable=why_not if spec is None else None,
        )
    for m in _FIRST_NEGATIVE.finditer(s):
        a, b = m.span()
        subj = _subject_before(ents, a, bld)
        if subj is None or hypothetical:
            continue
        asof, why = _day_of(periods, bld.pub)
        if m.group("y") and int(m.group("y")) != asof.year:
            continue
        stated, tol = _when_spec(asof, asof)
        sym, proxy, why_not = bld._resolve_symbol(subj.entity, None)
        spec = None
        if why_not is None and sym:
            spec = {
                "text": s[min(subj.span[0], a) : b],
                "metric": "since_when",
                "symbol": sym,
                "field": "close" if subj.entity.kind == "index" and not proxy else "adj_close",
                "measure": "first_negative",
                "asof": asof.date(),
                "stated": round(stated, 6),
                "tolerance": round(tol, 6),
            }
        bld.used.append((sent.index, off + a, off + b))
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + min(subj.span[0], a), off + b),
            quote=s,
            reading=(
                f"{subj.entity.key}: {asof:%Y-%m-%d} ({why}) is the first close of {asof.year} "
                f"below the {asof.year - 1} close"
            ),
            kind="since",
            names=(subj.entity.key,),
            subjects=(sym,) if sym else (),
            window=Period("day", asof, asof, f"as of {asof:%Y-%m-%d}"),
            stated=float(asof.year),
            unit="year",
            comparator="approx",
            tolerance=0.0,
            proxy=proxy,
            spec=spec,
            not_checkable=why_not if spec is None else None,
        )
    for m in _RSI_RE.finditer(s):
        a, b = m.span("num")
        subj = _subject_before(ents, m.start(), bld)
        if subj is None or hypothetical:
            continue
        value = float(m.group("num"))
        if value > 100:
            continue
        asof, why = _day_of(periods, bld.pub)
        sym, proxy, why_not = bld._resolve_symbol(subj.entity, None)
        tol = 0.5 if "." not in m.group("num") else 0.05
        spec = None
        if why_not is None and sym and "rsi" in METRICS:
            spec = {
                "text": s[min(subj.span[0], m.start()) : b],
                "metric": "rsi",
                "symbol": sym,
                "field": "close" if subj.entity.kind == "index" and not proxy else "adj_close",
                "asof": asof.date(),
                "stated": value,
                "tolerance": tol,
            }
        bld.used.append((sent.index, off + a, off + b))
        before = len(bld.claims)
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + min(subj.span[0], m.start()), off + b),
            quote=s,
            reading=f"{subj.entity.key}: 14-day RSI (Wilder) {value:g} on {asof:%Y-%m-%d} ({why})",
            kind="level",
            names=(subj.entity.key,),
            subjects=(sym,) if sym else (),
            window=Period("day", asof, asof, f"on {asof:%Y-%m-%d}"),
            stated=value,
            unit="level",
            comparator="approx",
            tolerance=tol,
            proxy=proxy,
            spec=spec,
            not_checkable=why_not if spec is None else None,
        )
        _to_previous_close(bld, before, periods)
    for m in _FED_MOVE.finditer(s):
        a, b = m.span("num")
        if any(c.sentence == sent.index and c.span[0] <= off + a < c.span[1] for c in bld.claims):
            continue
        if any(e.entity.kind == "policy_rate" for e in ents) or hypothetical:
            continue  # read by the quantity forms with the rate named
        if any(
            e.entity.kind in ("yield", "index", "etf") and e.span[1] <= a
            for e in ents
            if e.span[0] > m.start()
        ):
            continue  # "the Fed ... the 10-year yield fell 12 basis points": the yield's move
        own = [p for p in periods if p.readings and not p.end_only]
        meeting = re.search(
            rf"(?i)\b({_MONTHS_RX})\.?\s+(?:policy\s+|FOMC\s+|rate\s+)?(?:meeting|decision)",
            s,
        )
        if meeting:
            mo = pd.Timestamp(f"1 {meeting.group(1)[:3]} 2000").month
            y = bld.pub.year if mo <= bld.pub.month else bld.pub.year - 1
            mstart = pd.Timestamp(y, mo, 1)
            mend = min(mstart + pd.offsets.MonthEnd(0), bld.pub)
            win = Period("month", mstart, mend, f"the {meeting.group(1)} meeting's month")
        elif own:
            win = own[0].readings[0]
        else:
            win = Period("day", bld.pub, bld.pub, f"the publication day {bld.pub:%Y-%m-%d}")
        end = pd.Timestamp(cal.next_session(win.end)) if win.kind == "day" else win.end
        bp = float(m.group("num"))
        cut = re.search(r"(?i)\b(?:cut\w*|lower\w*|reduc\w*|eas\w*)\b", s)
        hike = re.search(r"(?i)\b(?:hike\w*|rais\w*|increas\w*|tighten\w*)\b", s)
        signs = [-1.0] if cut and not hike else [1.0] if hike and not cut else [-1.0, 1.0]
        group = bld._next_id()
        for k, sign in enumerate(signs):
            spec = {
                "text": s[m.start() : b],
                "metric": "rate_change",
                "series": "FRED:EFFR",
                "start": (win.start - pd.Timedelta(days=1)).date(),
                "end": end.date(),
                "stated": sign * bp / 10000,
                "tolerance": 0.0002,
            }
            bld.add(
                id=f"{group}{'ab'[k]}" if len(signs) > 1 else group,
                sentence=sent.index,
                span=(off + m.start(), off + b + 12),
                quote=s,
                reading=(
                    f"federal funds rate changed by {sign * bp:+g} bp {win.label} "
                    f"({win.start:%Y-%m-%d}..{end:%Y-%m-%d})"
                    + ("; no 'cut' or 'hike' said: read both ways" if len(signs) > 1 else "")
                ),
                kind="rate_change",
                names=("federal funds rate",),
                subjects=("FRED:EFFR",),
                window=Period(win.kind, win.start, end, win.label),
                stated=sign * bp,
                unit="bp",
                comparator="approx",
                tolerance=2.0,
                spec=spec,
                alternative_of=group if len(signs) > 1 else None,
            )
        bld.used.append((sent.index, off + m.start(), off + b + 12))
    for m in _ORDINAL_RECORD.finditer(s):
        if not re.search(r"(?i)record|all-time|\bhigh\b", s):
            continue
        a, b = m.span()
        subj = _subject_before(ents, a, bld)
        if subj is None:
            continue
        word = m.group("n").lower()
        n = _ORDINAL_WORDS.get(word) or int(re.sub(r"\D", "", word) or 0)
        if not n:
            continue
        asof, why = _day_of(periods, bld.pub)
        month = "month" in m.group("per").lower()
        start = asof.replace(day=1) if month else pd.Timestamp(asof.year, 1, 1)
        sym, proxy, why_not = bld._resolve_symbol(subj.entity, None)
        if subj.entity.symbol is None and subj.entity.index_id:
            # a level or a record of the index itself: no proxy gives it
            sym, proxy, why_not = subj.entity.index_id, None, None
        elif proxy is not None and why_not is None:
            why_not = f"the records of {subj.entity.key} cannot be read from its proxy {proxy}"
        spec = None
        if why_not is None and sym:
            spec = {
                "text": s[min(subj.span[0], a) : b],
                "metric": "records",
                "symbol": sym,
                "field": "close" if subj.entity.kind == "index" else "adj_close",
                "stat": "count",
                "start": start.date(),
                "end": asof.date(),
                "stated": float(n),
                "tolerance": 0.0,
            }
        bld.used.append((sent.index, off + a, off + b))
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + min(subj.span[0], a), off + b),
            quote=s,
            reading=(
                f"{subj.entity.key}: record close number {n} of {start:%Y-%m-%d}..{asof:%Y-%m-%d} "
                f"({why})"
            ),
            kind="rank",
            names=(subj.entity.key,),
            subjects=(sym,) if sym else (),
            window=Period("span", start, asof, f"{start:%Y-%m-%d}..{asof:%Y-%m-%d}"),
            stated=float(n),
            unit="count",
            comparator="approx",
            tolerance=0.0,
            proxy=proxy,
            spec=spec,
            not_checkable=why_not if spec is None else None,
        )


# ------------------------------------------------------------------ event studies
_EPISODE_COUNT = re.compile(
    r"(?i)\b(?P<n>\d{1,4}|"
    + "|".join(_COUNT_WORDS)
    + r"|eleven|twelve)\s+(?:other\s+|prior\s+|previous\s+|earlier\s+|such\s+)+"
    r"(?P<what>instances|years|times|occasions|cases|episodes|periods|months|weeks|"
    r"[\w-]+ (?:streaks|runs|stretches))\b"
)


def _episode_counts(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
) -> None:
    """Read "in 12 prior instances when ...", "nine other years when ..." as event counts.

    A count of past episodes is a claim about history, but its conditions (thresholds,
    windows, where the history starts) are rarely stated exactly: it is listed as a claim
    that cannot be checked, with its subjects, rather than as a number not understood.
    """
    for m in _EPISODE_COUNT.finditer(s):
        a, b = m.span()
        word = m.group("n").lower()
        n = _COUNT_WORDS.get(word) or (int(word) if word.isdigit() else 0)
        if not n:
            continue
        named = [
            e for e in ents if e.entity.kind in ("index", "etf") and not _ANAPHORA.fullmatch(e.text)
        ] or [e for e in ents if e.entity.kind in ("index", "etf")]
        if not named and bld.last_subject:
            named = [bld.last_subject[0]]
        if not named:
            continue
        keys = list(dict.fromkeys(e.entity for e in named))[:2]
        syms = [bld._resolve_symbol(e, None)[0] for e in keys]
        bld.used.append((sent.index, off + a, off + b))
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + a, off + b),
            quote=s,
            reading=(
                f"{' vs '.join(e.key for e in keys)}: {n} earlier {m.group('what').lower()} "
                "meeting the sentence's condition (an event count)"
            ),
            kind="event",
            names=tuple(e.key for e in keys),
            subjects=tuple(x for x in syms if x),
            window=None,
            stated=float(n),
            unit="count",
            comparator="approx",
            tolerance=0.0,
            not_checkable=(
                "a count of past episodes (an event study): its condition and the start of its "
                "history are not exact enough for a metric of the claim model"
            ),
        )


# ------------------------------------------------------------------ when one last beat another
_BEAT_VERB = r"(?:outperformed|outpaced|beaten|beat|topped|bested|led)"
_LAST_BEAT = re.compile(
    rf"(?i)\b(?:(?P<neg>hasn't|has not|haven't|have not|didn't|did not)\s+{_BEAT_VERB}\b"
    r"(?P<mid1>[^.;]{1,80}?)\b(?:during|in|over|for)\s+(?:a|any)\s+(?:full\s+)?calendar year"
    rf"\s+since\s+(?P<when1>{WHEN_RX})"
    rf"|\blast time\b(?P<mid2>[^.;]{{1,120}}?)\b{_BEAT_VERB}\b(?P<mid3>[^.;]{{1,80}}?)"
    r"\b(?:on|in) (?:a|an) (?P<basis>year-to-date|ytd|calendar[- ]year) basis\s+was\s+"
    rf"(?:(?:on|in)\s+)?(?P<when2>{WHEN_RX}))"
)


def _last_beat(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    """Read when A last beat B, as a decimal year.

    "A hasn't beaten B in a calendar year since 2017", "the last time A beat B on a
    year-to-date basis was on March 3".
    """
    for m in _LAST_BEAT.finditer(s):
        a, b = m.span()
        named = [
            e for e in ents if e.entity.kind in ("index", "etf") and not _ANAPHORA.fullmatch(e.text)
        ]
        if m.group("neg"):
            first = [e for e in named if e.span[1] <= m.start("neg")]
            second = [e for e in named if m.start("mid1") <= e.span[0] < m.end("mid1")]
            when, basis = m.group("when1"), "calendar_year"
        else:
            first = [e for e in named if m.start("mid2") <= e.span[0] < m.end("mid2")]
            second = [e for e in named if m.start("mid3") <= e.span[0] < m.end("mid3")]
            when = m.group("when2")
            basis = "calendar_year" if "calendar" in m.group("basis").lower() else "ytd"
        if not first or not second or first[-1].entity.key == second[0].entity.key:
            continue
        rng = when_range(when, bld.pub)
        if rng is None:
            continue
        if basis == "calendar_year":
            rng = (pd.Timestamp(rng[0].year, 1, 1), pd.Timestamp(rng[1].year, 12, 31))
        e1, e2 = first[-1], second[0]
        asof = _asof_outside(periods, (m.start("when1" if m.group("neg") else "when2"), b), bld.pub)
        day, why = asof
        stated, tol = _when_spec(*rng)
        sym_a, px_a, why_a = bld._resolve_symbol(e1.entity, None)
        sym_b, px_b, why_b = bld._resolve_symbol(e2.entity, None)
        why_not = why_a or why_b
        spec: dict[str, Any] | None = None
        if why_not is None and sym_a and sym_b:
            both_index = e1.entity.kind == "index" and e2.entity.kind == "index"
            spec = {
                "text": s[min(e1.span[0], a) : b],
                "metric": "last_beat",
                "symbol": sym_a,
                "benchmark": sym_b,
                "basis": basis,
                "field": "close" if both_index and not (px_a or px_b) else "adj_close",
                "asof": day.date(),
                "stated": round(stated, 6),
                "tolerance": round(tol, 6),
            }
        bld.used.append((sent.index, off + a, off + b))
        what = "a calendar year" if basis == "calendar_year" else "year to date"
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + min(e1.span[0], a), off + b),
            quote=s,
            reading=(
                f"{e1.entity.key} last beat {e2.entity.key} over {what} in "
                f"{rng[0]:%Y-%m-%d}..{rng[1]:%Y-%m-%d} (as of {day:%Y-%m-%d}, {why})"
            ),
            kind="since",
            names=(e1.entity.key, e2.entity.key),
            subjects=tuple(x for x in (sym_a, sym_b) if x),
            window=Period("day", day, day, f"as of {day:%Y-%m-%d}"),
            stated=float(rng[0].year),
            unit="year",
            comparator="approx",
            tolerance=0.0,
            proxy=px_a or px_b,
            spec=spec,
            not_checkable=why_not if spec is None else None,
        )


def _run_ranks(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
) -> None:
    """Read the rank of a run and the longest run, for a pair of indexes.

    "The 9-day win streak ... is the third longest on record", "the longest streak lasted
    12 days and ended in June 2004": for the pair of the sentence (or of the last relative
    streak).
    """
    pair = [e for e in ents if e.entity.kind in ("index", "etf")]
    named = [e for e in pair if not _ANAPHORA.fullmatch(e.text)] or pair
    keys = list(dict.fromkeys(e.entity for e in named))
    prev = [c for c in bld.claims if c.kind == "streak" and len(c.subjects) == 2]
    names: tuple[str, ...]
    if len(keys) >= 2:
        names = (keys[0].key, keys[1].key)
        syms = [bld._resolve_symbol(e, None) for e in keys[:2]]
        subjects = tuple(x[0] for x in syms if x[0])
        why_not = syms[0][2] or syms[1][2]
    elif prev:
        names, subjects, why_not = prev[-1].names, prev[-1].subjects, prev[-1].not_checkable
    else:
        return
    asof, why = _day_of(periods, bld.pub)
    found: list[tuple[re.Match[str], str, float, str, dict[str, Any]]] = []
    for m in _RUN_RANK.finditer(s):
        word = m.group("rank").lower()
        rank = _ORDINAL_WORDS.get(word) or int(re.sub(r"\D", "", word))
        n = int(m.group("n"))
        found.append(
            (
                m,
                "count",
                float(rank),
                f"the run of {n} is the number {rank} longest",
                {"stat": "rank", "length": n, "freq": m.group("u")[0].upper().replace("S", "D")},
            )
        )
    for m in _LONGEST_RUN.finditer(s):
        n = int(m.group("n"))
        freq = m.group("u")[0].upper().replace("S", "D")
        found.append(
            (m, "count", float(n), f"the longest run lasted {n}", {"stat": "longest", "freq": freq})
        )
        if m.group("when"):
            rng = when_range(m.group("when"), bld.pub)
            if rng is not None:
                mid, tol = _when_spec(*rng)
                found.append(
                    (
                        m,
                        "year",
                        float(rng[0].year),
                        f"the longest run ended in {rng[0]:%Y-%m}",
                        {
                            "stat": "longest_end",
                            "freq": freq,
                            "stated": round(mid, 6),
                            "tolerance": round(tol, 6),
                        },
                    )
                )
    for m, unit, stated, what, extra in found:
        a, b = m.span()
        spec: dict[str, Any] | None = None
        if why_not is None and len(subjects) == 2:
            spec = {
                "text": s[a:b],
                "metric": "streak",
                "symbol": subjects[0],
                "benchmark": subjects[1],
                "field": "close" if subjects[0].startswith("^") else "adj_close",
                "asof": asof.date(),
                "stated": stated,
                "tolerance": 0.0,
                **extra,
            }
        bld.used.append((sent.index, off + a, off + b))
        bld.add(
            id=bld._next_id(),
            sentence=sent.index,
            span=(off + a, off + b),
            quote=s,
            reading=(
                f"{names[0]} beating {names[1] if len(names) > 1 else '?'}: {what} "
                f"(runs to {asof:%Y-%m-%d}, {why})"
            ),
            kind="streak",
            names=names,
            subjects=subjects,
            window=Period("day", asof, asof, f"as of {asof:%Y-%m-%d}"),
            stated=stated,
            unit=unit,
            comparator="approx",
            tolerance=0.0,
            spec=spec,
            not_checkable=why_not if spec is None else None,
        )


# ------------------------------------------------------------------ multiples
_MULTIPLE = re.compile(
    r"(?i)\b(?P<m>double|twice|triple|three times|four times|half)\s+(?:that of\s+|what\s+)?"
)
_MULTIPLES = {"double": 2.0, "twice": 2.0, "triple": 3.0, "three times": 3.0, "four times": 4.0}
_MOVE_NOUN = re.compile(
    r"(?i)\s*(?:'s|\u2019s)?\s+(?:rise|gain|advance|return|increase|move|jump|rally|decline|drop|"
    r"loss|fall)"
)


def _multiples(bld: _Builder, sent: Sentence, s: str, off: int, *, ents: list[_Ent]) -> None:
    """Read "A gained 8%, twice B's gain" as A's return over B's."""
    for m in _MULTIPLE.finditer(s):
        factor = _MULTIPLES.get(m.group("m").lower(), 0.5)
        bench = next(
            (
                e
                for e in ents
                if m.end() <= e.span[0] <= m.end() + 4 and e.entity.kind in ("index", "etf")
            ),
            None,
        )
        if bench is None or not _MOVE_NOUN.match(s, bench.span[1]):
            continue
        figure = [
            c
            for c in bld.claims
            if c.sentence == sent.index
            and c.kind == "return"
            and c.span[1] <= off + m.start()
            and c.spec is not None
            and c.spec["metric"] == "window_return"
        ]
        if not figure:
            continue
        key = figure[-1].alternative_of or figure[-1].id
        readings = [c for c in figure if (c.alternative_of or c.id) == key]
        for k, c in enumerate(readings):
            _one_multiple(
                bld,
                sent,
                s,
                off,
                c=c,
                ab=(m.start(), bench.span[1]),
                bench=bench,
                factor=factor,
                cid=f"{key}m{'abcd'[k] if len(readings) > 1 and k < 4 else ''}",
                group=f"{key}m" if len(readings) > 1 else None,
            )


def _one_multiple(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    c: ExtractedClaim,
    ab: tuple[int, int],
    bench: _Ent,
    factor: float,
    cid: str,
    group: str | None,
) -> None:
    """Emit one reading of "double B's rise" on the window of the figure's reading ``c``."""
    spec0 = c.spec
    assert spec0 is not None
    sym_b, px_b, why_b = bld._resolve_symbol(bench.entity, c.window)
    a, b = ab
    spec: dict[str, Any] | None = None
    if why_b is None and sym_b:
        both_index = spec0["field"] == "close" and bench.entity.kind == "index" and not px_b
        spec = {
            "text": s[a:b],
            "metric": "relative_return",
            "symbol": spec0["symbol"],
            "benchmark": sym_b,
            "start": spec0["start"],
            "end": spec0["end"],
            "how": "multiple",
            "field": "close" if both_index else "adj_close",
            "stated": factor,
            "tolerance": 0.25 * factor,
        }
    bld.used.append((sent.index, off + a, off + b))
    bld.add(
        id=cid,
        sentence=sent.index,
        span=(off + a, off + b),
        quote=s,
        reading=(
            f"{c.names[0]}'s return is {factor:g} times {bench.entity.key}'s over "
            f"{c.window.label if c.window else '?'} (the window of the figure before it)"
        ),
        kind="relative_return",
        names=(c.names[0], bench.entity.key),
        subjects=tuple(x for x in (spec0["symbol"], sym_b) if x),
        window=c.window,
        stated=factor,
        unit="ratio",
        comparator="approx",
        tolerance=0.25 * factor,
        proxy=px_b,
        spec=spec,
        not_checkable=why_b if spec is None else None,
        alternative_of=group,
    )


# ------------------------------------------------------------------ index points
def _points(
    bld: _Builder,
    sent: Sentence,
    s: str,
    off: int,
    *,
    ents: list[_Ent],
    periods: list[PeriodMention],
    clauses: list[tuple[int, int]],
    context: PeriodMention | None,
) -> None:
    """Read "the Russell 2000 rose 35 points on Friday" as a change in index points.

    Written next to the percentage of the same move ("35 points, or 1.6%"), the points are a
    restatement of that claim in other units.
    """
    for m in QUANTITY_RE.finditer(s):
        q = parse_quantity(m.group(0))
        if q is None or q.unit != "points" or q.percentage_points:
            continue
        a, b = m.span()
        if any(i == sent.index and x <= off + a < y for i, x, y in bld.used):
            continue
        if re.match(r"(?i)\s*(?:of|short|shy|away|below|above|from)\b", s[b:]):
            continue  # "within 14 points of its record": a distance, not a move
        if re.search(
            r"(?i)\b(?:at|to|of|above|below|past|over|under|near|around|eclips\w*|breach\w*|"
            r"topp\w*|cross\w*|reach\w*|hit)\s+(?:about\s+|around\s+|nearly\s+)?$",
            s[max(0, a - 25) : a],
        ):
            continue  # "to close at 5,100 points": a level, not a change
        clause = _clause_of(a, clauses)
        subjects, how = _choose_subjects(s, ents, a, b, clause, right_ok=False)
        subjects = [e for e in subjects if e.entity.kind == "index"]
        if not subjects:
            continue
        lo, hi = clause
        sign = -1 if q.value < 0 else _sign(s, a, b, lo, hi)
        value = q.value if q.explicit_sign else sign * q.value
        if not (_NEG.search(s, max(lo, a - 40), a) or _POS.search(s, max(lo, a - 40), a)):
            continue  # no move word before it: not a change
        pm, _carried = _pick_period(periods, a, b, clause, context)
        if pm is None or not pm.readings:
            continue
        period = _apply_end(pm.readings[0], periods)
        tol = 0.02 if q.decimals >= 2 else (0.06 if q.decimals == 1 else 0.5)
        for subj in subjects:
            ent = subj.entity
            sym = ent.symbol or ent.index_id
            spec: dict[str, Any] | None = None
            if sym:
                spec = {
                    "text": s[min(subj.span[0], a) : b],
                    "metric": "window_change",
                    "symbol": sym,
                    "start": period.start.date(),
                    "end": period.end.date(),
                    "field": "close",
                    "stated": value,
                    "tolerance": tol,
                }
            twin = [
                c
                for c in bld.claims
                if c.sentence == sent.index
                and c.kind == "return"
                and c.names == (ent.key,)
                and c.window is not None
                and c.window.end == period.end
                and abs(c.span[1] - (off + b)) <= 40
            ]
            bld.used.append((sent.index, off + a, off + b))
            bld.add(
                id=bld._next_id(),
                sentence=sent.index,
                span=(off + min(subj.span[0], a), off + b),
                quote=s,
                reading=(
                    f"{ent.key} moved {value:+g} points {period.label} "
                    f"[period '{pm.text}'; subject: {how}]"
                ),
                kind="points",
                names=(ent.key,),
                subjects=(sym,) if sym else (),
                window=period,
                stated=value,
                unit="level",
                comparator="approx",
                tolerance=tol,
                spec=spec,
                not_checkable=None if spec else f"{ent.key} has no index data in the store",
                repeat_of=(twin[0].repeat_of or twin[0].alternative_of or twin[0].id)
                if twin
                else None,
            )
