"""The shared HTTP layer of every provider: one client, retries, per-site rate limits, scrubbing.

A provider builds a :class:`Request` with a pure function, :class:`HttpClient` sends it, and the
provider's pure ``parse`` turns the body into frames. The client

- sends the User-Agent from :class:`~sizeup.config.Settings` (the SEC contact string for the
  SEC sites; :class:`~sizeup.errors.ConfigError` when it is missing),
- waits for a token of the site's bucket before every attempt (SEC: 8 requests/s shared by
  ``www.sec.gov`` and ``data.sec.gov``, below the SEC's 10/s limit),
- retries transient failures (timeouts, connection errors, truncated bodies, HTTP 408/429/5xx)
  with exponential backoff and jitter through tenacity, honouring ``Retry-After``,
- never retries refusals (401/403) or quota pages,
- caps every body (:data:`MAX_BODY_BYTES`) and every request, retries included, with a whole
  deadline (``deadline``; default ``4 x timeout``),
- stops at once with :class:`NetworkDownError` when no host could be reached at all (the first
  connections fail to resolve or connect, none ever answered), and
- returns every other response as a :class:`Response` whose ``url`` has credentials removed.

Credentials never appear in log records: a filter on the ``httpx`` logger scrubs them.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import tenacity

from sizeup.config import Settings
from sizeup.errors import (
    ConfigError,
    ImportFormatError,
    ProviderError,
    ProviderResponseError,
    RateLimitError,
    SymbolNotFoundError,
)

__all__ = [
    "MAX_BODY_BYTES",
    "SECRET_PARAMS",
    "SITES",
    "HttpClient",
    "NetworkDownError",
    "Request",
    "Response",
    "Site",
    "TokenBucket",
    "check_status",
    "format_errors",
    "looks_like_html",
    "scrub_url",
]

log = logging.getLogger(__name__)

SECRET_PARAMS: Final = frozenset({"api_key", "apikey", "key", "token", "access_token"})
"""Query parameters (case-insensitive) removed from every URL that is logged or archived."""

MAX_BODY_BYTES: Final = 512 * 1024 * 1024
"""Largest response body read (bigger bodies fail with a clear error, never exhaust memory)."""
_DOWN_AFTER: Final = 2  # connection failures, with no answer ever, that mean "network down"


class NetworkDownError(ProviderError):
    """No host could be reached: every connection failed to resolve or connect."""


@dataclass(frozen=True)
class Site:
    """A remote site: where it lives and how politely to ask.

    Parameters
    ----------
    name
        Short name used by ``--base-url name=URL`` and in reports.
    base_url
        Scheme and host of the real site.
    rate
        Requests per second allowed by our token bucket.
    bucket
        Name of the token bucket; sites of one organisation share it (the SEC limit is per user
        across hosts).
    sec_contact
        Send the SEC contact User-Agent instead of the general one.
    """

    name: str
    base_url: str
    rate: float
    bucket: str
    sec_contact: bool = False


SITES: Final[Mapping[str, Site]] = {
    s.name: s
    for s in (
        Site("yahoo", "https://query2.finance.yahoo.com", 2.0, "yahoo"),
        Site("stooq", "https://stooq.com", 2.0, "stooq"),
        Site("fred", "https://fred.stlouisfed.org", 2.0, "fred"),
        Site("fredapi", "https://api.stlouisfed.org", 1.9, "fredapi"),
        Site("french", "https://mba.tuck.dartmouth.edu", 1.0, "french"),
        Site("ishares", "https://www.ishares.com", 1.0, "ishares"),
        Site("sec", "https://www.sec.gov", 8.0, "sec", sec_contact=True),
        Site("secdata", "https://data.sec.gov", 8.0, "sec", sec_contact=True),
        Site("nasdaqtrader", "https://www.nasdaqtrader.com", 1.0, "nasdaqtrader"),
    )
}


def scrub_url(url: str) -> str:
    """Remove credentials from a URL: secret query parameters and user:password.

    Parameters
    ----------
    url
        Any absolute or relative URL.

    Returns
    -------
    str
        The URL without the parameters named in :data:`SECRET_PARAMS` and without userinfo;
        the order of the other parameters is kept.
    """
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in query if k.lower() not in SECRET_PARAMS]
    netloc = parts.netloc.rsplit("@", 1)[-1]
    new_query = urlencode(kept, safe="^|,:") if len(kept) != len(query) else parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, new_query, parts.fragment))


@dataclass(frozen=True)
class Request:
    """A GET request built by a provider (pure data, no I/O).

    Parameters
    ----------
    site
        Key of :data:`SITES`.
    url
        Base URL and path, without the query string.
    params
        Query parameters in order (credentials included; see :attr:`scrubbed_url`).
    range_params
        Parameters that only narrow a date range; :attr:`identity` drops them so that every
        archived piece of one series can be found again.
    """

    site: str
    url: str
    params: tuple[tuple[str, str], ...] = ()
    range_params: frozenset[str] = field(default_factory=frozenset)

    @property
    def full_url(self) -> str:
        """The URL sent on the wire (may contain credentials: never log or store it)."""
        if not self.params:
            return self.url
        return self.url + "?" + urlencode(self.params, safe="^|,:")

    @property
    def scrubbed_url(self) -> str:
        """The URL without credentials; this is what is logged and archived."""
        return scrub_url(self.full_url)

    @property
    def identity(self) -> str:
        """The scrubbed URL without the date-range parameters."""
        kept = tuple(
            (k, v)
            for k, v in self.params
            if k not in self.range_params and k.lower() not in SECRET_PARAMS
        )
        return Request(self.site, self.url, kept).full_url

    def __repr__(self) -> str:
        return f"Request({self.site!r}, {self.scrubbed_url!r})"


@dataclass(frozen=True)
class Response:
    """A response that is not a transient failure.

    Parameters
    ----------
    site
        Key of :data:`SITES`.
    url
        Scrubbed request URL.
    status
        HTTP status code.
    body
        The body exactly as received (decompressed).
    content_type
        The ``Content-Type`` header, empty if absent.
    """

    site: str
    url: str
    status: int
    body: bytes = field(repr=False)
    content_type: str = ""

    def __repr__(self) -> str:
        return f"Response({self.site!r}, {self.url!r}, status={self.status}, {len(self.body)} B)"


def looks_like_html(body: bytes) -> bool:
    """Whether a body is an HTML page (error, captcha or interstitial) rather than data."""
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml")) or (
        b"<html" in head
    )


def _snippet(body: bytes, limit: int = 80) -> str:
    text = body[:limit].decode("utf-8", errors="replace")
    return " ".join(text.split())


def check_status(response: Response, *, what: str) -> None:
    """Raise the project's error for a non-2xx response; return for 2xx.

    Parameters
    ----------
    response
        What :meth:`HttpClient.send` returned.
    what
        The item asked for (e.g. ``"Yahoo chart for IWM"``), used in messages.

    Raises
    ------
    SymbolNotFoundError
        HTTP 404 or 410.
    ProviderError
        HTTP 401 or 403 (refused: credentials, User-Agent or block).
    ProviderResponseError
        Any other non-2xx status.
    """
    status = response.status
    if 200 <= status < 300:
        return
    detail = f"{what}: HTTP {status} from {response.url} ({_snippet(response.body)!r})"
    if status in (404, 410):
        raise SymbolNotFoundError(detail)
    if status in (401, 403):
        raise ProviderError(detail + "; the source refused the request")
    raise ProviderResponseError(detail + "; only 2xx responses carry data")


UNEXPECTED_FORMAT_ERRORS: list[str] = []
"""Messages of unexpected (non-ImportFormatError) exceptions raised by format parsers: bugs."""


@contextlib.contextmanager
def format_errors(what: str) -> Iterator[None]:
    """Turn a format parser's failure into :class:`~sizeup.errors.ProviderResponseError`.

    ``ImportFormatError`` is the parsers' documented failure. Any other exception is a bug in a
    parser; it is converted too (a fetch must not crash on one body), logged at ERROR level and
    remembered in :data:`UNEXPECTED_FORMAT_ERRORS`.

    Parameters
    ----------
    what
        The body being parsed (source and item), used in messages.
    """
    try:
        yield
    except ProviderError:
        raise
    except ImportFormatError as exc:
        raise ProviderResponseError(f"{what}: {exc}") from None
    except Exception as exc:
        message = f"{what}: unexpected {type(exc).__name__} from the format parser: {exc}"
        log.error("%s (a bug: format parsers should raise ImportFormatError)", message)
        UNEXPECTED_FORMAT_ERRORS.append(message)
        raise ProviderResponseError(message) from exc


class TokenBucket:
    """Thread-safe token bucket: at most ``capacity`` at once, refilled at ``rate`` per second.

    With ``capacity=1`` (the default) any window of one second holds at most
    ``floor(rate) + 1`` acquisitions.

    Parameters
    ----------
    rate
        Tokens added per second.
    capacity
        Largest burst.
    clock, sleep
        Injectable time functions (tests).
    """

    def __init__(
        self,
        rate: float,
        *,
        capacity: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or capacity < 1:
            raise ConfigError(
                f"rate limit: rate={rate!r}, capacity={capacity!r}; need rate > 0, capacity >= 1"
            )
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._tokens = capacity
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until it is available; return the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1.0
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


class _Transient(Exception):  # noqa: N818 - internal retry signal, never escapes this module
    """A failure worth retrying; carries the error to raise once attempts run out."""

    def __init__(self, error: ProviderError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


_TRANSIENT_STATUS: Final = frozenset({408, 500, 502, 503, 504, 520, 522, 524})


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _ScrubFilter(logging.Filter):
    """Rewrite log records of the ``httpx`` logger so that no credential reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        lowered = message.lower()
        if any(f"{p}=" in lowered for p in SECRET_PARAMS):
            words = [scrub_url(w) if "://" in w else w for w in message.split(" ")]
            record.msg = " ".join(words)
            record.args = None
        return True


_FILTER: Final = _ScrubFilter()


def _install_filter() -> None:
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


class HttpClient:
    """One shared HTTP client for all providers.

    Parameters
    ----------
    settings
        User-Agents, timeout and attempts (``max_retries`` is the number of attempts).
    transport
        An httpx transport (``httpx.MockTransport`` in tests); default: the network.
    base_urls
        Site name -> base URL overrides; the key ``"*"`` sets one base for every site
        (a local fake server).
    backoff
        First backoff in seconds; doubles per attempt, with up to 50 % jitter.
    max_wait
        Longest single wait between attempts; a ``Retry-After`` longer than this fails at once.
    rates
        Site bucket name -> requests per second, overriding :data:`SITES`.
    clock, sleep
        Time functions of the rate limiters (a controlled clock in tests).
    max_body
        Largest body read, in bytes.
    deadline
        Seconds one request may take in all, retries and waits included (default 4 x the
        timeout).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        base_urls: Mapping[str, str] | None = None,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        rates: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        max_body: int = MAX_BODY_BYTES,
        deadline: float | None = None,
    ) -> None:
        self.settings = settings
        self.max_body = max_body
        self.deadline = deadline if deadline is not None else 4.0 * settings.timeout
        self._answered = False
        self._connect_failures = 0
        self.backoff = backoff
        self.max_wait = max_wait
        overrides = dict(base_urls or {})
        unknown = sorted(set(overrides) - set(SITES) - {"*"})
        if unknown:
            raise ConfigError(
                f"base URL override for unknown site(s) {unknown}; valid sites are "
                f"{sorted(SITES)} or '*' for all"
            )
        if "sec" in overrides and "secdata" not in overrides:
            overrides["secdata"] = overrides["sec"]
        self._base = {
            name: overrides.get(name, overrides.get("*", site.base_url)).rstrip("/")
            for name, site in SITES.items()
        }
        rate_of = dict(rates or {})
        self._buckets: dict[str, TokenBucket] = {}
        for site in SITES.values():
            if site.bucket not in self._buckets:
                self._buckets[site.bucket] = TokenBucket(
                    rate_of.get(site.bucket, site.rate), clock=clock, sleep=sleep
                )
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=True,
            headers={"Accept-Encoding": "gzip, deflate"},
        )
        self.attempts = 0
        self._count_lock = threading.Lock()
        _install_filter()

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _get(
        self, full_url: str, headers: Mapping[str, str], started: float, url: str
    ) -> tuple[httpx.Response, bytes]:
        """GET with the body read in chunks under the size cap and the whole deadline."""
        with self._client.stream("GET", full_url, headers=dict(headers)) as raw:
            declared = raw.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_body:
                raise ProviderResponseError(
                    f"{url}: body of {int(declared):,} bytes is larger than the limit of "
                    f"{self.max_body:,} bytes",
                    input=url,
                    value=int(declared),
                    valid=f"at most {self.max_body:,} bytes",
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in raw.iter_bytes():
                size += len(chunk)
                if size > self.max_body:
                    raise ProviderResponseError(
                        f"{url}: body larger than the limit of {self.max_body:,} bytes",
                        input=url,
                        value=size,
                        valid=f"at most {self.max_body:,} bytes",
                    )
                if time.monotonic() - started > self.deadline:
                    raise httpx.ReadTimeout(
                        f"whole-request deadline of {self.deadline:g} s passed", request=None
                    )
                chunks.append(chunk)
            return raw, b"".join(chunks)

    # ------------------------------------------------------------------ configuration
    def base_url(self, site: str) -> str:
        """Return the base URL in use for a site (default or override)."""
        try:
            return self._base[site]
        except KeyError:
            raise ConfigError(f"unknown site {site!r}; valid sites are {sorted(SITES)}") from None

    def user_agent(self, site: str) -> str:
        """User-Agent sent to a site.

        Raises
        ------
        ConfigError
            An SEC site is asked for and no contact string is configured.
        """
        if SITES[site].sec_contact:
            ua = self.settings.sec_user_agent
            if not ua or "@" not in ua:
                raise ConfigError(
                    "SEC EDGAR needs a User-Agent naming you and a contact email, e.g. "
                    "'Jane Doe jane@example.org'; set SIZEUP_SEC_USER_AGENT or sec_user_agent "
                    f"in sizeup.toml (got {ua!r})"
                )
            return ua
        return self.settings.user_agent

    # ------------------------------------------------------------------ sending
    def send(self, request: Request) -> Response:
        """Send a GET request with rate limiting and retries.

        Returns
        -------
        Response
            Any final response that is not transient (2xx, 3xx left over, 4xx except 408/429).

        Raises
        ------
        RateLimitError
            HTTP 429 on every attempt, or a ``Retry-After`` longer than ``max_wait``.
        ProviderError
            Timeouts, connection failures, truncated bodies or 5xx on every attempt.
        ConfigError
            SEC contact missing.
        """
        headers = {"User-Agent": self.user_agent(request.site)}
        started = time.monotonic()
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, self.settings.max_retries))
            | tenacity.stop_after_delay(self.deadline),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(_Transient),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._send_once(request, headers, started)
        except _Transient as exc:
            raise exc.error from None
        raise AssertionError("unreachable: tenacity returned without a result")  # pragma: no cover

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, self.max_wait)
        base = self.backoff * 2 ** (state.attempt_number - 1)
        return float(min(self.max_wait, base * (1.0 + 0.5 * random.random())))

    def _send_once(
        self, request: Request, headers: Mapping[str, str], started: float | None = None
    ) -> Response:
        site = SITES[request.site]
        self._buckets[site.bucket].acquire()
        with self._count_lock:
            self.attempts += 1
        url = request.scrubbed_url
        begun = time.monotonic() if started is None else started
        try:
            raw, body = self._get(request.full_url, headers, begun, url)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            with self._count_lock:
                self._connect_failures += 1
                down = not self._answered and self._connect_failures >= _DOWN_AFTER
            reason = f"{type(exc).__name__}: {scrub_url(str(exc))}"
            if down:
                raise NetworkDownError(
                    f"the network looks down: no host could be reached ({url}: {reason}); "
                    "check the connection or use --offline",
                    input=url,
                ) from None
            raise _Transient(ProviderError(f"{url}: cannot connect ({reason})")) from None
        except httpx.TimeoutException as exc:
            log.info("timeout on %s: %s", url, type(exc).__name__)
            raise _Transient(
                ProviderError(
                    f"{url}: timed out after {self.settings.timeout:g} s "
                    f"({type(exc).__name__}); raise SIZEUP_TIMEOUT or retry later"
                )
            ) from None
        except httpx.TransportError as exc:
            log.info("transport error on %s: %s", url, type(exc).__name__)
            raise _Transient(
                ProviderError(
                    f"{url}: connection failed or body truncated ({type(exc).__name__}: "
                    f"{scrub_url(str(exc))})"
                )
            ) from None
        with self._count_lock:
            self._answered = True
        status = raw.status_code
        log.debug("GET %s -> %d (%d bytes)", url, status, len(body))
        if status == 429:
            after = _retry_after(raw.headers.get("Retry-After"))
            error = RateLimitError(
                f"{url}: HTTP 429 Too Many Requests (Retry-After {after!r} s)", retry_after=after
            )
            if after is not None and after > self.max_wait:
                raise error
            raise _Transient(error, after)
        if status in _TRANSIENT_STATUS:
            after = _retry_after(raw.headers.get("Retry-After"))
            raise _Transient(
                ProviderError(f"{url}: HTTP {status} from the server ({_snippet(body)!r})"),
                after if after is not None and after <= self.max_wait else None,
            )
        return Response(
            site=request.site,
            url=url,
            status=status,
            body=body,
            content_type=raw.headers.get("Content-Type", ""),
        )
