"""Periods: the time phrases of market prose resolved against the publication date.

A window follows the claim model's convention: ``start`` is the first calendar day inside the
window (the return runs from the last close before it) and ``end`` the last day (the last close
on or before it). "For the week" published on Friday 2026-01-16 is 2026-01-12..2026-01-16, i.e.
the previous Friday's close to this Friday's close. A phrase that can be read two ways ("since
September 2024": from the start or from the end of that month) yields both readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from sizeup import calendar as cal

__all__ = ["Period", "PeriodMention", "find_periods", "previous_close"]

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MON_RX = (
    r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|"
    r"aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WORDNUM = {
    "one": 1,
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


@dataclass(frozen=True)
class Period:
    """A resolved window.

    Attributes
    ----------
    kind
        ``day``, ``week``, ``mtd``, ``month``, ``quarter``, ``ytd``, ``year``, ``half``,
        ``since``, ``span`` or ``extreme`` (the distance from a high or low found in the data:
        "down 12% from its 52-week high").
    start, end
        First and last calendar day of the window.
    label
        How it was read ("week 2026-01-12..2026-01-16").
    extreme, extreme_end
        For ``extreme``: ``max`` or ``min`` and the last day searched for it (the high is
        searched from ``start`` to ``extreme_end``, the distance measured at ``end``).
    """

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    label: str
    extreme: str | None = None
    extreme_end: pd.Timestamp | None = None

    @property
    def days(self) -> int:
        """Calendar days covered."""
        return int((self.end - self.start).days) + 1


@dataclass(frozen=True)
class PeriodMention:
    """A time phrase in a sentence and its readings.

    Two readings when the phrase is ambiguous; none when the window depends on the data (e.g.
    "since its May peak"), and ``unresolved`` then says why.
    """

    span: tuple[int, int]
    text: str
    readings: tuple[Period, ...]
    end_only: bool = False
    unresolved: str | None = None


def _month_no(word: str) -> int:
    w = word.lower().rstrip(".")[:3]
    return [m[:3] for m in _MONTHS].index(w) + 1


def _month_end(year: int, month: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)


def _weekday_on_or_before(pub: pd.Timestamp, day: int) -> pd.Timestamp:
    back = (pub.day_of_week - day) % 7
    return pub - pd.Timedelta(days=back)


def previous_close(ts: pd.Timestamp) -> pd.Timestamp:
    """Return the exchange session before ``ts`` (plain weekdays outside the calendar)."""
    return _prev_session(ts)


def _prev_session(ts: pd.Timestamp) -> pd.Timestamp:
    try:
        return pd.Timestamp(cal.previous_session(ts))
    except Exception:
        return ts - pd.offsets.BDay(1)


def _day(ts: pd.Timestamp, why: str) -> Period:
    return Period("day", ts, ts, f"{why}: {ts:%a %Y-%m-%d}")


@lru_cache(maxsize=4096)
def _explicit_date(text: str, pub: pd.Timestamp) -> pd.Timestamp | None:
    """Return a written date ("Jan. 23", "November 25th, 2024", "1/2/2026") up to ``pub``."""
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", text.strip())
    if m:
        year = int(m.group(3))
        year = year + 2000 if year < 100 else year
        try:
            return pd.Timestamp(year=year, month=int(m.group(1)), day=int(m.group(2)))
        except ValueError:
            return None
    import dateparser  # type: ignore[import-untyped]

    clean = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text).replace(".", "")
    found = dateparser.parse(
        clean,
        languages=["en"],
        settings={
            "RELATIVE_BASE": pub.to_pydatetime(),
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
    if found is None:
        return None
    ts = pd.Timestamp(found.date())
    if ts > pub and not re.search(r"\d{4}", text):
        ts = ts - pd.DateOffset(years=1)
    return pd.Timestamp(ts)


_DATE_RX = (
    rf"(?:{_MON_RX}\s\d{{1,2}}(?!\d)(?:st|nd|rd|th)?(?:,?\s\d{{4}})?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
)

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\bthe first trading day of (\d{4})"), "first_session"),
    (
        re.compile(rf"(?i)\bsince (?:the )?(?:close (?:on|of) |peaking on |)({_DATE_RX})"),
        "since_date",
    ),
    (re.compile(rf"(?i)\bfrom its ({_DATE_RX}) (?:high|peak|low|close)"), "since_date"),
    (re.compile(rf"(?i)\bsince the end of ({_MON_RX})(?:,? (\d{{4}}))?"), "since_month_end"),
    (
        re.compile(rf"(?i)\bsince the (?:start|beginning) of ({_MON_RX})(?:,? (\d{{4}}))?"),
        "since_month_start",
    ),
    (re.compile(rf"(?i)\bsince ({_MON_RX}) (\d{{4}})"), "since_month"),
    (
        re.compile(rf"(?i)\bsince (?:its|the) ({_MON_RX}|\w+) (?:peak|high|low|bottom)"),
        "since_peak",
    ),
    (
        re.compile(
            rf"(?i)\b(?:from|off|versus|vs\.?|below|above) (?:its|the|their) "
            rf"(?:(?P<q>all-time|record|52-week|yearly|one-year|12-month)(?: closing| intraday)? "
            rf"|(?P<m>{_MON_RX}) )?(?P<x>high|peak|low|bottom)s?"
            rf"(?: (?:from|in|of) (?P<m2>{_MON_RX})(?:,? (?P<y2>\d{{4}}))?\b)?"
        ),
        "off_extreme",
    ),
    (re.compile(r"(?i)\b(?:over |in |during )?the (?:last|past) six months of (\d{4})"), "h2_year"),
    (re.compile(r"(?i)\bsince the (?:start|beginning) of (?:this|the) decade"), "decade"),
    (
        re.compile(r"(?i)\b(?:in |during )?the (first|second) half(?: of (?:the year|(\d{4})))?"),
        "half",
    ),
    (re.compile(r"(?i)\b(?:over|in|during) the (?:past|last) (\w+) months"), "past_months"),
    (
        re.compile(
            r"(?i)\b(?:over|in|during|for) the (?:past|last|latest) (?:(\w+) )?"
            r"(week|year|month|session|trading day|trading session)s?\b"
        ),
        "past_span",
    ),
    (re.compile(r"(?i)\bweek[- ]to[- ]date\b"), "week"),
    (
        re.compile(
            r"(?i)\b(?:quarter[- ]to[- ]date|so far this quarter|this quarter|"
            r"since the (?:start|beginning) of the quarter)\b"
        ),
        "qtd",
    ),
    (
        re.compile(
            r"(?i)\b(?:rolling |trailing )?(\w+)-month (?:performance|return|span|window|period)"
        ),
        "past_months",
    ),
    (re.compile(r"(?i)\b(?:in )?(?:([1-4])Q(\d{2})|Q([1-4])(?: (\d{4}))?)\b"), "quarter"),
    (
        re.compile(
            r"(?i)\b(?:in )?(?:the |(\d{4})['\u2019]s )?(first|second|third|fourth|final) "
            r"quarter(?: of (\d{4}))?"
        ),
        "quarter_words",
    ),
    (
        re.compile(
            r"(?i)\byear[- ]to[- ]date|\bYTD\b|so far this year|so far in (\d{4})|"
            r"since the start of (?:the|this) year|this year|for the year|"
            r"year[- ]to[- ]date basis"
        ),
        "ytd",
    ),
    (re.compile(r"(?i)\b(?:in|during) (\d{4})\b(?! (?:high|low|peak|record))"), "year"),
    (re.compile(r"(?i)\b(?:so far this month|this month|month[- ]to[- ]date)"), "mtd"),
    (
        re.compile(
            rf"(?i)\b(?:in|for|during) ({_MON_RX})(?: (\d{{4}}))?(?: thus far| so far)?\b(?! \d)"
        ),
        "month",
    ),
    (re.compile(r"(?i)\b(?:since |in )?(\d{4}),? when\b"), "year"),
    (re.compile(r"(?i)\blast week\b"), "last_week"),
    (re.compile(r"(?i)\blast month\b"), "last_month"),
    (
        re.compile(
            r"(?i)\b(?:for the (?:trading )?week|this week|on the week|weekly|for the week|"
            r"(?:a|an|its|their) (?:good|strong|solid|great|bad|weak|rough|tough|winning|"
            r"losing|positive|negative|big|banner) week)"
        ),
        "week",
    ),
    (
        re.compile(r"(?i)\bthrough (monday|tuesday|wednesday|thursday|friday)(?:['’]s close)?"),
        "through",
    ),
    (re.compile(rf"(?i)\bthrough the end of ({_MON_RX})(?:,? (\d{{4}}))?"), "through_month"),
    (
        re.compile(
            rf"(?i)\bas of (?:last )?(?:(monday|tuesday|wednesday|thursday|friday)(?:,? )?)?"
            rf"({_DATE_RX})?"
        ),
        "as_of",
    ),
    (
        re.compile(
            rf"(?i)\b(?:last |on |)(monday|tuesday|wednesday|thursday|friday)(?:['’]s)?"
            rf"(?:,? ({_DATE_RX}))?"
        ),
        "weekday",
    ),
    (re.compile(rf"(?i)\b(?:on |)({_DATE_RX})"), "date"),
    (re.compile(r"(?i)\b(?:today|on the day|the day|this morning|so far today)\b"), "today"),
    (re.compile(r"(?i)\byesterday\b"), "yesterday"),
]

_SINCE_MARKER = re.compile(
    r"(?i)(?:longest|best|highest|lowest|worst|biggest|largest|strongest|first|last)\b[^.;]{0,60}$"
)


def _resolve(rule: str, m: re.Match[str], pub: pd.Timestamp) -> tuple[list[Period], str | None]:
    g = m.groups()
    ts: pd.Timestamp | None
    if rule == "first_session":
        first = pd.Timestamp(cal.nth_session_of_year(int(g[0]), 1))
        return [_day(first, "first session of the year")], None
    if rule == "since_date":
        ts = _explicit_date(g[0], pub)
        if ts is None:
            return [], f"date {g[0]!r} not understood"
        start = ts + pd.Timedelta(days=1)
        return [Period("since", start, pub, f"since the close of {ts:%Y-%m-%d}")], None
    if rule == "since_month_end":
        month = _month_no(g[0])
        year = int(g[1]) if g[1] else (pub.year if month < pub.month else pub.year - 1)
        start = _month_end(year, month) + pd.Timedelta(days=1)
        return [Period("since", start, pub, f"since the end of {year}-{month:02d}")], None
    if rule == "since_month_start":
        month = _month_no(g[0])
        year = int(g[1]) if g[1] else (pub.year if month <= pub.month else pub.year - 1)
        first = pd.Timestamp(year=year, month=month, day=1)
        return [Period("since", first, pub, f"since the start of {year}-{month:02d}")], None
    if rule == "since_month":
        month, year = _month_no(g[0]), int(g[1])
        first = pd.Timestamp(year=year, month=month, day=1)
        after = _month_end(year, month) + pd.Timedelta(days=1)
        return [
            Period("since", first, pub, f"since the start of {year}-{month:02d}"),
            Period("since", after, pub, f"since the end of {year}-{month:02d}"),
        ], None
    if rule == "since_peak":
        return [], "the window starts at a peak or low found in the data, not at a written date"
    if rule == "off_extreme":
        return [_off_extreme(m, pub)], None
    if rule == "h2_year":
        y = int(g[0])
        return [Period("half", pd.Timestamp(y, 7, 1), pd.Timestamp(y, 12, 31), f"H2 {y}")], None
    if rule == "half":
        y = int(g[1]) if g[1] else pub.year
        if g[0].lower() == "first":
            start, end = pd.Timestamp(y, 1, 1), pd.Timestamp(y, 6, 30)
        else:
            start, end = pd.Timestamp(y, 7, 1), pd.Timestamp(y, 12, 31)
        if start > pub:
            y -= 1
            start, end = start - pd.DateOffset(years=1), end - pd.DateOffset(years=1)
        return [Period("half", start, min(end, pub), f"{g[0].lower()} half {start.year}")], None
    if rule == "past_months":
        n = _WORDNUM.get(g[0].lower()) or (int(g[0]) if g[0].isdigit() else 0)
        if not n:
            return [], f"month count {g[0]!r} not understood"
        start = pub - pd.DateOffset(months=n) + pd.Timedelta(days=1)
        return [Period("span", start, pub, f"past {n} months from {start:%Y-%m-%d}")], None
    if rule == "qtd":
        q_start = pd.Timestamp(pub.year, 3 * ((pub.month - 1) // 3) + 1, 1)
        return [Period("quarter", q_start, pub, f"quarter to date from {q_start:%Y-%m-%d}")], None
    if rule == "past_span":
        word = (g[0] or "one").lower()
        n = _WORDNUM.get(word) or (int(word) if word.isdigit() else 0)
        if not n:
            return [], f"count {word!r} not understood"
        unit = g[1].lower()
        if unit in ("session", "trading day", "trading session"):
            start = pub
            for _ in range(n):
                start = _prev_session(start)
            start = start + pd.Timedelta(days=1)
            label = f"past {n} sessions from {start:%Y-%m-%d}"
        else:
            offset = {
                "week": pd.DateOffset(weeks=n),
                "month": pd.DateOffset(months=n),
                "year": pd.DateOffset(years=n),
            }[unit]
            start = pub - offset + pd.Timedelta(days=1)
            label = f"past {n} {unit}{'s' if n > 1 else ''} from {start:%Y-%m-%d}"
        return [Period("span", pd.Timestamp(start), pub, label)], None
    if rule == "quarter":
        q = int(g[0] or g[2])
        yr = g[1] or g[3]
        y = (2000 + int(yr) if len(yr) == 2 else int(yr)) if yr else pub.year
        start = pd.Timestamp(y, 3 * q - 2, 1)
        end = _month_end(y, 3 * q)
        return [Period("quarter", start, min(end, pub), f"Q{q} {y}")], None
    if rule == "quarter_words":
        q = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4}[g[1].lower()]
        yr = g[0] or g[2]
        y = int(yr) if yr else pub.year
        start = pd.Timestamp(y, 3 * q - 2, 1)
        if start > pub:
            y -= 1
            start = pd.Timestamp(y, 3 * q - 2, 1)
        end = _month_end(y, 3 * q)
        return [Period("quarter", start, min(end, pub), f"Q{q} {y}")], None
    if rule == "ytd":
        y = int(g[0]) if g and g[0] else pub.year
        start = pd.Timestamp(y, 1, 1)
        end = pub if y == pub.year else pd.Timestamp(y, 12, 31)
        return [Period("ytd", start, end, f"year to date {start:%Y-%m-%d}..{end:%Y-%m-%d}")], None
    if rule == "year":
        y = int(g[0])
        if y > pub.year or y < 1900:
            return [], None
        if y == pub.year:
            return [Period("ytd", pd.Timestamp(y, 1, 1), pub, f"year to date {y}")], None
        return [Period("year", pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31), f"year {y}")], None
    if rule == "mtd":
        start = pub.replace(day=1)
        return [Period("mtd", start, pub, f"month to date {start:%Y-%m}")], None
    if rule == "month":
        month = _month_no(g[0])
        default = pub.year if month <= pub.month else pub.year - 1
        y = int(g[1]) if g[1] else default
        start = pd.Timestamp(y, month, 1)
        if y == pub.year and month == pub.month:
            return [Period("mtd", start, pub, f"month to date {y}-{month:02d}")], None
        return [Period("month", start, _month_end(y, month), f"month {y}-{month:02d}")], None
    if rule == "decade":
        start = pd.Timestamp(pub.year // 10 * 10, 1, 1)
        return [
            Period("since", start, pub, f"since the start of the decade {start:%Y-%m-%d}")
        ], None
    if rule == "last_month":
        start = (pub.replace(day=1) - pd.Timedelta(days=1)).replace(day=1)
        end = _month_end(start.year, start.month)
        return [Period("month", start, end, f"last month {start:%Y-%m}")], None
    if rule == "last_week":
        this_monday = pub - pd.Timedelta(days=pub.day_of_week)
        start = this_monday - pd.Timedelta(days=7)
        end = start + pd.Timedelta(days=4)
        return [Period("week", start, end, f"last week {start:%Y-%m-%d}..{end:%Y-%m-%d}")], None
    if rule == "week":
        start = pub - pd.Timedelta(days=pub.day_of_week)
        return [Period("week", start, pub, f"week {start:%Y-%m-%d}..{pub:%Y-%m-%d}")], None
    if rule == "through":
        ts = _weekday_on_or_before(pub, _DAYS.index(g[0].lower()))
        return [Period("end", ts, ts, f"through {ts:%a %Y-%m-%d}")], None
    if rule == "through_month":
        month = _month_no(g[0])
        year = int(g[1]) if g[1] else (pub.year if month <= pub.month else pub.year - 1)
        end = _month_end(year, month)
        return [Period("end", end, end, f"through the end of {year}-{month:02d}")], None
    if rule == "as_of":
        day: pd.Timestamp | None = None
        if g[1]:
            day = _explicit_date(g[1], pub)
        elif g[0]:
            day = _weekday_on_or_before(pub, _DAYS.index(g[0].lower()))
            if m.group(0).lower().startswith("as of last") and day == pub:
                day = day - pd.Timedelta(days=7)
        if day is None:
            return [], None
        return [Period("end", day, day, f"as of {day:%a %Y-%m-%d}")], None
    if rule == "weekday":
        if g[1]:
            ts = _explicit_date(g[1], pub)
            if ts is not None:
                return [_day(ts, g[0].capitalize())], None
        ts = _weekday_on_or_before(pub, _DAYS.index(g[0].lower()))
        if m.group(0).lower().startswith("last ") and ts == pub:
            ts = ts - pd.Timedelta(days=7)
        return [_day(ts, g[0].capitalize())], None
    if rule == "date":
        ts = _explicit_date(g[0], pub)
        if ts is None:
            return [], None
        return [_day(ts, "date")], None
    if rule == "today":
        return [_day(pub, "the publication day")], None
    if rule == "yesterday":
        return [_day(_prev_session(pub), "yesterday")], None
    return [], None  # pragma: no cover - every rule is handled above


def _off_extreme(m: re.Match[str], pub: pd.Timestamp) -> Period:
    """Distance from a high or low: "below its 52-week high", "off its March peak"."""
    ext = "max" if m.group("x").lower() in ("high", "peak") else "min"
    qual = (m.group("q") or "").lower()
    month = m.group("m") or m.group("m2")
    search_end = pub
    if month:
        mo = _month_no(month)
        y = int(m.group("y2")) if m.group("y2") else (pub.year if mo < pub.month else pub.year - 1)
        start, search_end = pd.Timestamp(y, mo, 1), _month_end(y, mo)
        what = f"its {'high' if ext == 'max' else 'low'} of {y}-{mo:02d}"
    elif qual in ("52-week", "yearly", "one-year", "12-month"):
        start = pub - pd.DateOffset(weeks=52)
        what = f"its 52-week {'high' if ext == 'max' else 'low'}"
    else:
        start = pd.Timestamp(1900, 1, 1)
        what = f"its all-time {'high' if ext == 'max' else 'low'} (closes)"
    return Period("extreme", pd.Timestamp(start), pub, f"from {what}", ext, search_end)


def find_periods(sentence: str, pub: pd.Timestamp) -> list[PeriodMention]:
    """Every time phrase of a sentence, left to right, without overlaps.

    "since 2008" after "the longest ... " is a reference point, not a window, and is skipped.
    """
    taken: list[tuple[int, int]] = []
    out: list[PeriodMention] = []
    for rx, rule in _RULES:
        for m in rx.finditer(sentence):
            a, b = m.span()
            if any(a < y and x < b for x, y in taken):
                continue
            since_ref = rule in ("date", "weekday") and re.search(r"(?i)since\s+$", sentence[:a])
            marked = rule.startswith("since") and rule != "since_peak"
            if (marked or since_ref) and _SINCE_MARKER.search(sentence[:a]):
                continue
            readings, why = _resolve(rule, m, pub)
            if not readings and why is None:
                continue
            taken.append((a, b))
            out.append(
                PeriodMention(
                    (a, b),
                    m.group(0),
                    tuple(readings),
                    end_only=rule in ("through", "as_of", "through_month"),
                    unresolved=why,
                )
            )
    out.sort(key=lambda p: p.span)
    return out


WHEN_RX = (
    rf"(?:(?:early|mid|late)[- ])?(?:{_MON_RX}\s\d{{1,2}}(?!\d)(?:st|nd|rd|th)?(?:,?\s\d{{4}})?"
    rf"|{_MON_RX}(?:,?\s(?:of\s)?\d{{4}})?(?![\w])|\d{{4}}(?!\d)|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
    r"|last (?:week|month|year))"
)
"""A written point in the past: a day, a month, a year, or last week / month / year."""


def when_range(text: str, pub: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last day of a written point in the past (a match of :data:`WHEN_RX`).

    "June 5" is that day (in the last year before ``pub``), "October 2018" and "March" (the
    last March before the publication month) the month, "2019" the year, "early 2017"
    its first four months; None when the text is no such point.

    Examples
    --------
    >>> when_range("October 2018", pd.Timestamp("2025-09-18"))[0]
    Timestamp('2018-10-01 00:00:00')
    """
    t = " ".join(text.lower().split())
    part = re.match(r"(early|mid|late)[- ](.*)", t)
    if part:
        inner = when_range(part.group(2), pub)
        if inner is None or inner[0].month != 1 or inner[1].month != 12:
            return None
        y = inner[0].year
        lo, hi = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part.group(1)]
        return pd.Timestamp(y, lo, 1), _month_end(y, hi)
    if t == "last week":
        monday = pub - pd.Timedelta(days=pub.day_of_week + 7)
        return monday, monday + pd.Timedelta(days=6)
    if t == "last month":
        start = (pub.replace(day=1) - pd.Timedelta(days=1)).replace(day=1)
        return start, _month_end(start.year, start.month)
    if t == "last year":
        return pd.Timestamp(pub.year - 1, 1, 1), pd.Timestamp(pub.year - 1, 12, 31)
    if re.fullmatch(r"\d{4}", t):
        y = int(t)
        return (pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31)) if 1900 <= y <= pub.year else None
    m = re.fullmatch(rf"({_MON_RX})(?:,?\s(?:of\s)?(\d{{4}}))?", t)
    if m:
        month = _month_no(m.group(1))
        default = pub.year if month < pub.month else pub.year - 1
        y = int(m.group(2)) if m.group(2) else default
        return pd.Timestamp(y, month, 1), _month_end(y, month)
    day = _explicit_date(text, pub)
    if day is None or day > pub:
        return None
    return day, day
