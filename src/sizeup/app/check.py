"""``sizeup check``: read market commentary and check every number in it against the store.

:func:`run_check` takes a :class:`CheckRequest` (a file, a URL or the text itself, and the
publication date when the text has none), extracts the claims with
:mod:`sizeup.claims.extract`, evaluates each one with the claim model as of the publication
date (no data after it is read) and returns a :class:`CheckResult`: per sentence the quote, how
each claim was read, the verdict with stated vs measured, tolerance and data basis, why a claim
could not be checked, and the numbers not understood.

URLs are fetched through the project's polite HTTP client with a size cap enforced while the
body streams in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pandas as pd

from sizeup.app._result import InputCoverage, Provenance, Result
from sizeup.app._store import StoreRef, open_store
from sizeup.claims import ClaimResult, evaluate_claim, make_claim
from sizeup.claims.extract import (
    ExtractedClaim,
    Extraction,
    NotUnderstood,
    extract_claims,
    to_document,
)
from sizeup.config import load_settings
from sizeup.data.providers.http import HttpClient, Request
from sizeup.data.store import Store
from sizeup.errors import DataError, ProviderError, SizeupError

__all__ = [
    "MAX_BYTES",
    "CheckRequest",
    "CheckResult",
    "CheckedClaim",
    "load_input",
    "run_check",
]

MAX_BYTES = 5_000_000
"""Largest input accepted (file, URL body or standard input), in bytes."""

# The polite client only knows named sites; an article host is none of them, so the request is
# rate-limited in the general (non-SEC) bucket of the slowest general site.
_ARTICLE_SITE = "nasdaqtrader"


@dataclass(frozen=True)
class CheckRequest:
    """What to check.

    Attributes
    ----------
    source
        A file path, an ``http(s)://`` URL, or ``"-"`` (then ``data`` holds the bytes).
    published
        Publication date (``YYYY-MM-DD``); required when the input carries none.
    allow_proxies
        Let a stated proxy ETF stand in for an index the store lacks (DIA for the Dow, QQQ
        for the Nasdaq Composite); verdicts say so.
    data
        The input bytes when ``source`` is ``"-"``.
    max_bytes
        Size cap of the input.
    """

    source: str
    published: str | None = None
    allow_proxies: bool = False
    data: bytes | None = None
    max_bytes: int = MAX_BYTES


@dataclass(frozen=True)
class CheckedClaim:
    """One extracted claim and its verdict, in the article's own units.

    Attributes
    ----------
    claim
        The extracted claim (span, reading, window, stated figure).
    verdict
        ``SUPPORTED``, ``CONTRADICTED`` or ``NOT_CHECKABLE``.
    measured
        Measured figure in the claim's unit (None when not checkable).
    tolerance
        How stated and measured were compared.
    basis
        Data basis (price index, total-return proxy, series).
    detail
        How it was measured.
    why
        Why it could not be checked.
    """

    claim: ExtractedClaim
    verdict: str
    measured: float | None
    tolerance: str
    basis: str
    detail: str
    why: str | None = None

    def line(self) -> str:
        """One line: id, verdict, reading, stated vs measured."""
        c = self.claim
        stated = _show(c.stated, c.unit)
        measured = "n/a" if self.measured is None else _show(self.measured, c.unit)
        alt = f" (reading {c.id} of an ambiguous phrase)" if c.alternative_of else ""
        out = f"  {c.id} [{self.verdict}] {c.reading}{alt}\n      stated {stated}"
        out += f", measured {measured}, tolerance {self.tolerance}; basis: {self.basis}"
        if self.why:
            out += f"\n      not checkable: {self.why}"
        elif self.detail:
            out += f"\n      {self.detail}"
        return out


def _show(value: float, unit: str) -> str:
    if unit == "bool":
        return "yes" if value else "no"
    suffix = {"pct": "%", "bp": " bp", "count": "", "level": ""}.get(unit, "")
    return f"{value:.4g}{suffix}" if unit != "level" else f"{value:,.2f}"


@dataclass(frozen=True)
class CheckResult(Result):
    """Verdicts on every claim of one article.

    Attributes
    ----------
    source
        What was checked (path, URL or ``-``).
    published
        Publication date used.
    published_from
        Where it came from (``--published``, ``front matter``, ``html meta``).
    extraction
        Sentences, claims and numbers not understood.
    checked
        One :class:`CheckedClaim` per extracted claim, in text order.
    provenance
        As-of date (the publication date), inputs read, notes.
    """

    source: str
    published: pd.Timestamp
    published_from: str
    extraction: Extraction
    checked: tuple[CheckedClaim, ...]
    provenance: Provenance = field(default_factory=lambda: Provenance(None))

    @property
    def not_understood(self) -> tuple[NotUnderstood, ...]:
        """Numbers no form matched."""
        return self.extraction.not_understood

    def counts(self) -> dict[str, int]:
        """Verdict -> number of claims."""
        out = {"SUPPORTED": 0, "CONTRADICTED": 0, "NOT_CHECKABLE": 0}
        for c in self.checked:
            out[c.verdict] += 1
        return out

    def by_sentence(self) -> Iterator[tuple[str, list[CheckedClaim], list[NotUnderstood]]]:
        """Sentences that have claims or numbers not understood, with both."""
        for s in self.extraction.sentences:
            cl = [c for c in self.checked if c.claim.sentence == s.index]
            nu = [n for n in self.not_understood if n.sentence == s.index]
            if cl or nu:
                yield s.text, cl, nu

    def summary(self) -> str:
        """Sentence by sentence: quote, readings, verdicts; then the totals."""
        lines = [
            f"{self.source}: published {self.published:%Y-%m-%d} ({self.published_from}); "
            f"{len(self.checked)} claims, {len(self.not_understood)} numbers not understood"
        ]
        for text, cl, nu in self.by_sentence():
            lines.append(f'\n"{text}"')
            lines += [c.line() for c in cl]
            lines += [f"  ? not understood: {n.text!r} ({n.why})" for n in nu]
        lines.append("\n" + ", ".join(f"{k}: {v}" for k, v in self.counts().items()))
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per claim."""
        rows = [
            {
                "id": c.claim.id,
                "sentence": c.claim.sentence,
                "start": c.claim.span[0],
                "end": c.claim.span[1],
                "kind": c.claim.kind,
                "subjects": ",".join(c.claim.subjects),
                "reading": c.claim.reading,
                "stated": c.claim.stated,
                "unit": c.claim.unit,
                "comparator": c.claim.comparator,
                "measured": c.measured,
                "tolerance": c.tolerance,
                "verdict": c.verdict,
                "basis": c.basis,
                "why": c.why,
            }
            for c in self.checked
        ]
        return pd.DataFrame(rows)

    def payload(self) -> dict[str, Any]:
        """JSON-ready content: claims with spans and verdicts, numbers not understood."""
        return {
            "source": self.source,
            "published": self.published,
            "published_from": self.published_from,
            "counts": self.counts(),
            "claims": [
                {
                    "id": c.claim.id,
                    "sentence": c.claim.sentence,
                    "span": list(c.claim.span),
                    "quote": c.claim.quote,
                    "reading": c.claim.reading,
                    "kind": c.claim.kind,
                    "names": list(c.claim.names),
                    "subjects": list(c.claim.subjects),
                    "window": None
                    if c.claim.window is None
                    else {"start": c.claim.window.start, "end": c.claim.window.end},
                    "stated": c.claim.stated,
                    "unit": c.claim.unit,
                    "comparator": c.claim.comparator,
                    "measured": c.measured,
                    "tolerance": c.tolerance,
                    "verdict": c.verdict,
                    "basis": c.basis,
                    "detail": c.detail,
                    "why": c.why,
                    "proxy": c.claim.proxy,
                    "alternative_of": c.claim.alternative_of,
                }
                for c in self.checked
            ],
            "not_understood": [
                {"sentence": n.sentence, "span": list(n.span), "text": n.text, "why": n.why}
                for n in self.not_understood
            ],
        }

    def to_toml(self) -> str:
        """Return the checkable claims as ``[[claim]]`` tables for ``sizeup claims``.

        The file is editable and re-runnable; claims that cannot be expressed are listed as
        comments.
        """
        out = [
            f"# claims read from {self.source} (published {self.published:%Y-%m-%d})",
            "# edit and re-run with: sizeup claims FILE",
        ]
        for c in self.checked:
            spec = c.claim.spec
            out.append("")
            if spec is None:
                out.append(f"# {c.claim.id}: {_comment(c.claim.reading)}")
                out.append(f"#   not expressible: {_comment(c.why or '')}")
                continue
            out.append(f"# {c.claim.id}: {_comment(c.claim.reading)}")
            out.append("[[claim]]")
            for key, value in {**spec, "source": f"{self.source} {c.claim.id}"}.items():
                out.append(f"{key} = {_toml_value(value)}")
        return "\n".join(out) + "\n"


def _comment(text: str) -> str:
    return " ".join(text.split())


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = re.sub(r"[\x00-\x1f]", " ", text)
    return f'"{text}"'


# ------------------------------------------------------------------ input
class _CappedTransport(httpx.BaseTransport):
    """Wraps a transport and stops reading a body once it passes ``limit`` bytes."""

    def __init__(self, inner: httpx.BaseTransport, limit: int) -> None:
        self.inner = inner
        self.limit = limit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        size = response.headers.get("Content-Length")
        if size is not None and size.isdigit() and int(size) > self.limit:
            response.close()
            raise DataError(
                f"{request.url}: the page is {int(size):,} bytes; the limit is {self.limit:,}",
                input=str(request.url),
                value=int(size),
                valid=f"at most {self.limit:,} bytes",
            )
        chunks: list[bytes] = []
        total = 0
        for chunk in response.stream:  # type: ignore[union-attr]
            total += len(chunk)
            if total > self.limit:
                response.close()
                raise DataError(
                    f"{request.url}: the page exceeds the {self.limit:,}-byte limit",
                    input=str(request.url),
                    value=f">{self.limit}",
                    valid=f"at most {self.limit:,} bytes",
                )
            chunks.append(chunk)
        response.close()
        return httpx.Response(
            response.status_code,
            headers=[
                (k, v) for k, v in response.headers.items() if k.lower() != "content-encoding"
            ],
            content=b"".join(chunks),
            request=request,
        )


def _fetch(url: str, limit: int, transport: httpx.BaseTransport | None) -> bytes:
    inner = transport or httpx.HTTPTransport(retries=0)
    settings = load_settings()
    with HttpClient(settings, transport=_CappedTransport(inner, limit)) as client:
        try:
            resp = client.send(Request(_ARTICLE_SITE, url))
        except ProviderError as exc:
            raise DataError(
                f"could not fetch {url}: {exc}", input=url, value=url, valid="a reachable URL"
            ) from exc
    if resp.status >= 400:
        raise DataError(
            f"could not fetch {url}: HTTP {resp.status}",
            input=url,
            value=resp.status,
            valid="a page that answers 200",
        )
    return resp.body


def _decode(raw: bytes, name: str) -> str:
    if not raw.strip():
        raise DataError(f"{name}: the input is empty", input=name, value="", valid="some text")
    if b"\x00" in raw[:8192]:
        raise DataError(
            f"{name}: this is a binary file, not text, HTML or Markdown",
            input=name,
            value="binary data",
            valid="UTF-8 text, HTML or Markdown",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{name}: not readable as UTF-8 or Windows-1252 text",
                input=name,
                value="undecodable bytes",
                valid="UTF-8 text, HTML or Markdown",
            ) from exc
        return text


def load_input(request: CheckRequest, *, transport: httpx.BaseTransport | None = None) -> str:
    """Return the input's text (file, URL or given bytes) after size, binary and empty checks.

    Raises
    ------
    DataError
        Missing or unreadable file, a file or page over ``max_bytes``, binary data, empty
        text, or a URL that cannot be fetched.
    """
    src, limit = request.source, request.max_bytes
    if request.data is not None or src == "-":
        raw = request.data or b""
        if len(raw) > limit:
            raise DataError(
                f"standard input is over {limit:,} bytes",
                input="-",
                value=len(raw),
                valid=f"at most {limit:,} bytes",
            )
        return _decode(raw, "standard input")
    if re.match(r"(?i)^https?://", src):
        return _decode(_fetch(src, limit, transport), src)
    path = Path(src)
    if not path.is_file():
        raise DataError(
            f"{src}: no such file", input="ARTICLE", value=src, valid="a file, a URL or '-'"
        )
    size = path.stat().st_size
    if size > limit:
        raise DataError(
            f"{src}: the file is {size:,} bytes; the limit is {limit:,}",
            input=src,
            value=size,
            valid=f"at most {limit:,} bytes",
        )
    return _decode(path.read_bytes(), src)


# ------------------------------------------------------------------ data
def _price_field(name: str) -> Literal["close", "adj_close", "high", "low"]:
    for known in ("close", "adj_close", "high", "low"):
        if name == known:
            return known
    raise DataError(
        f"price field {name!r} is not valid",
        input="field",
        value=name,
        valid="close, adj_close, high, low",
    )


# Histories read from a store version, shared by the checks of one process (a warm process
# checks an article without reading the store again); keyed by store root and version, so a
# new import is seen at once.
_READ_CACHE: dict[tuple[str, int, str, str], pd.Series] = {}
_READ_CACHE_MAX = 256


def _cache_key(store: Store, kind: str, name: str) -> tuple[str, int, str, str]:
    return (str(store.root), int(store.version), kind, name)


def _remember(key: tuple[str, int, str, str], value: pd.Series) -> None:
    if len(_READ_CACHE) >= _READ_CACHE_MAX:
        _READ_CACHE.clear()
    _READ_CACHE[key] = value


class _StoreData:
    """The claim model's data protocol backed by the store, cut at the as-of date."""

    def __init__(self, store: Store, asof: pd.Timestamp) -> None:
        self.store = store
        self.asof = asof
        self._prices: dict[tuple[str, str], pd.Series] = {}
        self._series: dict[tuple[str, str | None], pd.Series] = {}
        self._frames: dict[tuple[tuple[str, ...], str], pd.DataFrame] = {}
        self.read: dict[str, tuple[str, pd.Series]] = {}

    def prefetch(self, symbols: Mapping[str, set[str]]) -> None:
        """Read every (field -> symbols) needed in one panel call per field."""
        for fld, syms in symbols.items():
            todo = sorted(s for s in syms if (s, fld) not in self._prices)
            if todo:
                self.prices(todo, field=fld)

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        """Wide frame of ``field`` up to the as-of date."""
        key = (tuple(symbols), field)
        if key in self._frames:
            return self._frames[key]
        todo = [s for s in symbols if (s, field) not in self._prices]
        unread = [s for s in todo if _cache_key(self.store, field, s) not in _READ_CACHE]
        if unread:
            try:
                frame = self.store.panel(list(unread), field=_price_field(field))
            except SizeupError:
                frame = pd.DataFrame()
            for s in unread:
                col = frame[s] if s in frame.columns else pd.Series(dtype="float64")
                _remember(_cache_key(self.store, field, s), col.dropna().astype("float64"))
        for s in todo:
            col = _READ_CACHE[_cache_key(self.store, field, s)].loc[: self.asof]
            self._prices[(s, field)] = col
            self.read[f"{s} {field}"] = (field, col)
        out = pd.DataFrame({s: self._prices[(s, field)] for s in symbols})
        self._frames[key] = out
        return out

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        """Wide frame of series up to the as-of date."""
        todo = [i for i in ids if (i, vintage) not in self._series]
        tag = f"series:{vintage}"
        unread = [i for i in todo if _cache_key(self.store, tag, i) not in _READ_CACHE]
        if unread:
            try:
                frame = self.store.series(list(unread), vintage=vintage)
            except SizeupError:
                frame = pd.DataFrame()
            for i in unread:
                col = frame[i] if i in frame.columns else pd.Series(dtype="float64")
                _remember(_cache_key(self.store, tag, i), col.dropna().astype("float64"))
        for i in todo:
            col = _READ_CACHE[_cache_key(self.store, tag, i)].loc[: self.asof]
            self._series[(i, vintage)] = col
            self.read[i] = ("series", col)
        return pd.DataFrame({i: self._series[(i, vintage)] for i in ids})

    def snapshots(self, universe: str) -> Mapping[pd.Timestamp, Sequence[str]]:
        """No holdings are read by article checks."""
        return {}

    def fundamentals(self) -> None:
        """No fundamentals are read by article checks."""
        return None


# ------------------------------------------------------------------ evaluation
_SCALE = {"pct": 100.0, "bp": 10_000.0, "count": 1.0, "bool": 1.0, "level": 1.0}


def _checked(claim: ExtractedClaim, data: _StoreData, index: int) -> CheckedClaim:
    suffix = {"pct": " pp", "bp": " bp"}.get(claim.unit, "")
    tol_text = {
        "approx": f"±{claim.tolerance:.4g}{suffix}",
        "gt": f"at least the stated figure (-{claim.tolerance:.4g}{suffix})",
        "lt": f"at most the stated figure (+{claim.tolerance:.4g}{suffix})",
    }.get(claim.comparator, claim.comparator)
    if claim.spec is None:
        return CheckedClaim(claim, "NOT_CHECKABLE", None, tol_text, "-", "", claim.not_checkable)
    spec = dict(claim.spec)
    try:
        model = make_claim(spec, index=index)
    except SizeupError as exc:
        return CheckedClaim(
            claim, "NOT_CHECKABLE", None, tol_text, "-", "", f"not expressible: {exc}"
        )
    res: ClaimResult = evaluate_claim(model, data)
    scale = _SCALE.get(claim.unit, 1.0)
    if model.metric == "series_value":
        scale = 1.0
    measured = None if not math.isfinite(res.measured) else res.measured * scale
    why = ", ".join(res.missing) if res.verdict == "NOT_CHECKABLE" else None
    if why:
        why = f"missing data: {why}"
    basis = model.basis
    if claim.proxy:
        basis += f"; proxy {claim.proxy} stands in for {claim.names[0]}"
    return CheckedClaim(claim, res.verdict, measured, tol_text, basis, res.detail, why)


def _needed(claims: Sequence[ExtractedClaim]) -> dict[str, set[str]]:
    need: dict[str, set[str]] = {}
    for c in claims:
        spec = c.spec or {}
        fld = spec.get("field")
        if isinstance(fld, str):
            for key in ("symbol", "benchmark"):
                if isinstance(spec.get(key), str):
                    need.setdefault(fld, set()).add(spec[key])
    return need


def run_check(
    request: CheckRequest,
    store: StoreRef | Store | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> CheckResult:
    """Read the article, extract its claims and check each against the store.

    Parameters
    ----------
    request
        Input and options.
    store
        Store reference or an open store (default: the settings' store).
    transport
        HTTP transport for URLs (tests pass ``httpx.MockTransport``).

    Raises
    ------
    DataError
        Bad input (see :func:`load_input`) or no publication date.
    """
    doc = to_document(load_input(request, transport=transport))
    if not doc.text.strip():
        raise DataError(
            f"{request.source}: no text left after removing markup",
            input=request.source,
            value="",
            valid="text, HTML or Markdown with sentences",
        )
    if request.published is not None:
        published_raw, where = request.published, "--published"
    elif doc.published is not None:
        published_raw, where = doc.published, str(doc.published_from)
    else:
        raise DataError(
            f"{request.source}: the text has no publication date; give --published YYYY-MM-DD",
            input="--published",
            value=None,
            valid="a date YYYY-MM-DD",
        )
    try:
        published = pd.Timestamp(published_raw).normalize()
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"--published {published_raw!r} is not a date",
            input="--published",
            value=published_raw,
            valid="a date YYYY-MM-DD",
        ) from exc
    if pd.isna(published):
        raise DataError(
            f"--published {published_raw!r} is not a date",
            input="--published",
            value=published_raw,
            valid="a date YYYY-MM-DD",
        )
    extraction = extract_claims(doc.text, published, allow_proxies=request.allow_proxies)
    st = store if isinstance(store, Store) else open_store(store)
    data = _StoreData(st, published)
    data.prefetch(_needed(extraction.claims))
    checked = tuple(_checked(c, data, i) for i, c in enumerate(extraction.claims))
    inputs = tuple(
        InputCoverage(
            name,
            "",
            None if col.empty else pd.Timestamp(col.index[0]),
            None if col.empty else pd.Timestamp(col.index[-1]),
            basis,
        )
        for name, (basis, col) in sorted(data.read.items())
    )
    notes = ["no data after the publication date is read"]
    if request.allow_proxies:
        notes.append("proxies allowed: DIA for the Dow, QQQ for the Nasdaq (wider tolerance)")
    return CheckResult(
        request.source,
        published,
        where,
        extraction,
        checked,
        Provenance(published, inputs, None, tuple(notes)),
    )
