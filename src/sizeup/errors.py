"""The one exception tree of sizeup.

Every error the library raises on purpose derives from :class:`SizeupError`::

    SizeupError
    ├── ConfigError              bad or missing setting (env, sizeup.toml, argument)
    ├── ProviderError            a data source failed
    │   ├── RateLimitError       429 / quota page; carries ``retry_after`` seconds
    │   ├── ProviderResponseError  body is not as documented (HTML page, truncated, error JSON)
    │   └── SymbolNotFoundError  the source does not know the symbol or series
    ├── DataError                data that cannot be used as asked
    │   ├── SchemaError          a frame breaks a table contract (columns, dtypes, keys)
    │   ├── ImportFormatError    a local file is not a recognised format or is malformed
    │   ├── ClaimSpecError       a claims file names an unknown metric or a bad field
    │   └── StaleDataError       data ends before the requested as-of date
    ├── StoreError               the on-disk store cannot be read or written
    └── BacktestError            a strategy or simulation is ill-defined

Messages name the input, the bad value and what would be valid.
"""

from __future__ import annotations

__all__ = [
    "BacktestError",
    "ClaimSpecError",
    "ConfigError",
    "DataError",
    "ImportFormatError",
    "ProviderError",
    "ProviderResponseError",
    "RateLimitError",
    "SchemaError",
    "SizeupError",
    "StaleDataError",
    "StoreError",
    "SymbolNotFoundError",
]


class SizeupError(Exception):
    """Base class of every error sizeup raises on purpose.

    Parameters
    ----------
    message
        The whole message: what was wrong, with which input and value, and what is valid.
    input
        The input at fault (an option such as ``"--asof"``, a file, a claim id, a TOML key).
    value
        The bad value as given.
    valid
        What would have been valid (a range, a list of choices, a format).

    The three context fields are attributes, so a program (the web API, a test) can use them
    without parsing the message.

    Examples
    --------
    >>> err = SizeupError("--asof '2031-01-02' is after the data", input="--asof",
    ...                   value="2031-01-02", valid="on or before 2026-08-03")
    >>> err.input, err.valid
    ('--asof', 'on or before 2026-08-03')
    """

    def __init__(
        self,
        message: str = "",
        *,
        input: str | None = None,
        value: object = None,
        valid: str | None = None,
    ) -> None:
        super().__init__(message)
        self.input = input
        self.value = value
        self.valid = valid

    def context(self) -> dict[str, object]:
        """Return the error as a JSON-safe mapping: kind, message and the context fields."""
        return {
            "error": type(self).__name__,
            "message": str(self),
            "input": self.input,
            "value": None if self.value is None else str(self.value),
            "valid": self.valid,
        }


class ConfigError(SizeupError):
    """A setting is missing or invalid."""


class ProviderError(SizeupError):
    """A data source could not deliver what was asked."""


class RateLimitError(ProviderError):
    """The source refused because of a rate limit or quota.

    Parameters
    ----------
    message
        What happened, naming the source and the request.
    retry_after
        Seconds the source asked us to wait, if it said.
    """

    def __init__(
        self, message: str, *, retry_after: float | None = None, input: str | None = None
    ) -> None:
        super().__init__(message, input=input)
        self.retry_after = retry_after


class ProviderResponseError(ProviderError):
    """A response body is not in the documented format (HTML page, error JSON, truncated)."""


class SymbolNotFoundError(ProviderError):
    """The source does not know the symbol or series id."""


class DataError(SizeupError):
    """Data cannot be used as asked."""


class SchemaError(DataError):
    """A frame breaks a table contract of :mod:`sizeup.data.schema`."""


class ImportFormatError(DataError):
    """A local file is not in a recognised format, or is malformed.

    Parameters
    ----------
    message
        What was expected and what was found.
    path
        The file.
    line
        1-based line number of the problem, when known.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(where + message, input=path)
        self.path = path
        self.line = line


class ClaimSpecError(DataError):
    """A claim file or claim table is malformed (names the claim, the field and valid choices)."""


class StaleDataError(DataError):
    """The data end before the requested as-of date."""


class StoreError(SizeupError):
    """The on-disk store cannot be read or written."""


class BacktestError(SizeupError):
    """A strategy or simulation is ill-defined."""
