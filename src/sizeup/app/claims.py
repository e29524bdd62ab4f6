"""Use case: check written market claims against the store.

:class:`ClaimsRequest` names the claims (a TOML file, TOML text or already-built
:class:`~sizeup.claims.Claim` objects), a default as-of date and the store;
:func:`check_claims` evaluates them with :mod:`sizeup.claims` over :class:`StoreClaimData` and
returns a :class:`ClaimsResult` (verdicts with stated, measured, tolerance and basis, and the
provenance of every input read).

Examples
--------
>>> from sizeup.app.claims import ClaimsRequest, check_claims   # doctest: +SKIP
>>> res = check_claims(ClaimsRequest(file="examples/claims.toml"))
>>> print(res.summary())                                        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from sizeup.app._membership import load_membership
from sizeup.app._policy import PriceBasis, coverage_of
from sizeup.app._result import InputCoverage, Provenance, Result
from sizeup.app._store import StoreRef, open_store
from sizeup.app.screens import load_screen_data
from sizeup.claims import Claim, ClaimResult, evaluate_claims, parse_claims_text, results_table
from sizeup.errors import ClaimSpecError, DataError

if TYPE_CHECKING:
    from sizeup.data.store import Store
    from sizeup.fundamentals import ScreenData

__all__ = ["ClaimsRequest", "ClaimsResult", "StoreClaimData", "check_claims"]

# session highs and lows are as traded, like the close (intraday records, levels reached)
_BASIS = {
    "close": PriceBasis.AS_TRADED,
    "adj_close": PriceBasis.TOTAL_RETURN,
    "high": PriceBasis.AS_TRADED,
    "low": PriceBasis.AS_TRADED,
}
_FIELDS: dict[str, Literal["close", "adj_close", "high", "low"]] = {
    "close": "close",
    "adj_close": "adj_close",
    "high": "high",
    "low": "low",
}


_ADJUSTED_MIN_DAYS = 60


class StoreClaimData:
    """:class:`~sizeup.claims.ClaimData` backed by a store, recording what it read.

    Prices come from :meth:`Store.panel` (``close`` = as traded, ``adj_close`` = total return),
    series from :meth:`Store.series`, holdings snapshots from the ``holdings`` table (equity
    rows) and fundamentals from :func:`sizeup.app.screens.load_screen_data`. Panels are cached
    per request, so several breadth claims read the member prices once.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._panels: dict[tuple[tuple[str, ...], str], pd.DataFrame] = {}
        self._fundamentals: ScreenData | None = None
        self._fundamentals_read = False
        self.read: dict[str, tuple[pd.DatetimeIndex, str]] = {}
        self.notes: dict[str, str] = {}

    def _note(self, name: str, frame: pd.DataFrame, basis: str) -> None:
        idx = frame.dropna(how="all").index
        self.read[name] = (pd.DatetimeIndex(idx), basis)

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        """Wide frame of one price field (``close``, ``adj_close``, session ``high`` or ``low``)."""
        if field not in _FIELDS:
            raise DataError(
                f"price field {field!r} is not valid; valid: {sorted(_FIELDS)}",
                input="field",
                value=field,
                valid=str(sorted(_FIELDS)),
            )
        key = (tuple(symbols), field)
        if key not in self._panels:
            frame = self.store.panel(list(symbols), field=_FIELDS[field])
            self._panels[key] = frame
            basis = str(_BASIS[field])
            if len(symbols) > 20:
                self._note(f"{len(symbols)} universe members ({field})", frame, basis)
            else:
                for s in symbols:
                    if s in frame.columns:
                        self._note(f"{s} ({field})", frame[[s]], basis)
                if field == "close":
                    self._flag_adjusted_closes(symbols, frame)
        return self._panels[key]

    def _flag_adjusted_closes(self, symbols: Sequence[str], close: pd.DataFrame) -> None:
        """Note the symbols whose stored close is their dividend-adjusted close on every day.

        A source that publishes only adjusted closes is stored with ``close`` equal to
        ``adj_close``; price-basis claims on such a symbol then read adjusted prices. Index
        levels (``^``) are price levels and are not flagged; fewer than
        ``_ADJUSTED_MIN_DAYS`` days prove nothing.
        """
        names = [s for s in symbols if s in close.columns and not s.startswith("^")]
        if not names:
            return
        adjusted = self.prices(names, field="adj_close")
        for s in names:
            if s not in adjusted.columns:
                continue
            both = pd.concat([close[s], adjusted[s]], axis=1, keys=["c", "a"]).dropna()
            if len(both) < _ADJUSTED_MIN_DAYS:
                continue
            c, a = both["c"].to_numpy(), both["a"].to_numpy()
            if np.all(np.abs(c - a) <= 1e-9 * np.abs(a)):
                self.notes[f"{s} (close)"] = (
                    f"{s}: the stored close equals the dividend-adjusted close on all "
                    f"{len(both)} days read (its source keeps one close); if {s} paid "
                    "dividends, its prices 'as traded' here are dividend-adjusted"
                )

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        """Wide frame of series by id (one vintage when asked, else the newest)."""
        frame = self.store.series(list(ids), vintage=vintage)
        for i in ids:
            if i in frame.columns:
                self._note(i + (f" (vintage {vintage})" if vintage else ""), frame[[i]], "units")
        return frame

    def snapshots(self, universe: str) -> Mapping[pd.Timestamp, Sequence[str]]:
        """Every holdings snapshot of the fund (equity rows); empty when none.

        Read through :func:`sizeup.app._membership.load_membership` (the claim kinds apply the
        same policy per claim date); its note goes into the provenance.
        """
        uni = load_membership(self.store, universe)
        if uni.empty:
            return {}
        out = {k: list(v) for k, v in uni.snapshots.items()}
        self.read[f"holdings {universe}"] = (pd.DatetimeIndex(sorted(out)), "snapshots")
        self.notes[f"holdings {universe}"] = uni.note
        return out

    def member_list(self, name: str) -> tuple[str, ...]:
        """Members of a stored member list standing for ``name`` (``SPY`` -> S&P 500 list).

        Used by universes that are no fund's holdings (``relative_valuation``, whose detail
        names the list); empty when the store has no such list.
        """
        from sizeup.app.valuation import member_list

        found = member_list(self.store, name)
        if found is None:
            return ()
        return found[0]

    def fundamentals(self) -> ScreenData | None:
        """Normalised fundamentals, closes and holdings (None when the store has none)."""
        if not self._fundamentals_read:
            self._fundamentals_read = True
            data = load_screen_data(self.store)
            self._fundamentals = None if data.items.empty else data
            if self._fundamentals is not None:
                self.read["fundamentals"] = (
                    pd.DatetimeIndex(data.items["filed"].dropna().unique()).sort_values(),
                    "USD as filed",
                )
        return self._fundamentals


@dataclass(frozen=True)
class ClaimsRequest:
    """Which claims to check, as of when, on which store.

    Attributes
    ----------
    file
        TOML file of ``[[claim]]`` tables.
    text
        TOML text (instead of ``file``).
    claims
        Already-built claims (instead of ``file``/``text``; e.g. from an article extractor).
    asof
        Default as-of date for claims that do not set one.
    store
        Which store.
    """

    file: Path | str | None = None
    text: str | None = None
    claims: tuple[Claim, ...] = ()
    asof: pd.Timestamp | None = None
    store: StoreRef = field(default_factory=StoreRef)

    def load(self) -> list[Claim]:
        """Return the validated claims (exactly one of file, text, claims).

        Raises
        ------
        ClaimSpecError
            None or several of the three given, an unreadable file, or an invalid claim.
        """
        given = [x for x in (self.file, self.text, self.claims or None) if x is not None]
        if len(given) != 1:
            raise ClaimSpecError(
                "give exactly one of a claims file, claims text or built claims",
                input="claims",
                value=len(given),
                valid="exactly one",
            )
        if self.claims:
            if self.asof is None:
                return list(self.claims)
            return [c if c.asof is not None else replace(c, asof=self.asof) for c in self.claims]
        if self.file is not None:
            path = Path(self.file)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ClaimSpecError(
                    f"claims file {path}: cannot read it: {exc}",
                    input="claims file",
                    value=str(path),
                    valid="a readable UTF-8 TOML file",
                ) from exc
            return parse_claims_text(text, name=str(path), asof=self.asof)
        return parse_claims_text(self.text or "", name="claims text", asof=self.asof)


@dataclass(frozen=True)
class ClaimsResult(Result):
    """Verdicts on a set of claims.

    Attributes
    ----------
    results
        One :class:`~sizeup.claims.ClaimResult` per claim, in order.
    provenance
        Every input read (symbols, series, holdings, fundamentals) with its coverage.
    """

    results: tuple[ClaimResult, ...]
    provenance: Provenance

    @property
    def counts(self) -> dict[str, int]:
        """Return verdict -> number of claims."""
        out: dict[str, int] = {}
        for r in self.results:
            out[r.verdict] = out.get(r.verdict, 0) + 1
        return out

    def summary(self) -> str:
        """Return one line per claim (stated, measured, tolerance, basis), then the counts."""
        lines = [r.summary() for r in self.results]
        lines.append(", ".join(f"{k}: {v}" for k, v in self.counts.items()))
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per claim."""
        return results_table(self.results)

    def payload(self) -> dict[str, Any]:
        """Return the verdicts and counts."""
        return {"claims": [r.as_dict() for r in self.results], "counts": self.counts}


def _provenance(data: StoreClaimData, asof: pd.Timestamp | None) -> Provenance:
    inputs: list[InputCoverage] = []
    warnings: list[str] = []
    for name, (idx, basis) in data.read.items():
        if asof is not None:
            cov, warn = coverage_of(name, idx, as_of=asof, basis=basis)
            if warn:
                warnings.append(warn)
        else:
            cov = InputCoverage(
                name, "", idx.min() if len(idx) else None, idx.max() if len(idx) else None, basis
            )
        inputs.append(cov)
    notes = (
        "tolerance: the stated number's own rounding unless the claim states one; bounds "
        "(at_least/at_most) are exact",
        *getattr(data, "notes", {}).values(),
    )
    return Provenance(as_of=asof, inputs=tuple(inputs), notes=notes, warnings=tuple(warnings))


def check_claims(request: ClaimsRequest, *, data: StoreClaimData | None = None) -> ClaimsResult:
    """Evaluate the request's claims against the store.

    Parameters
    ----------
    request
        The claims, default as-of date and store.
    data
        A data object to use instead of opening ``request.store`` (tests, notebooks).

    Raises
    ------
    ClaimSpecError
        The claims are malformed (before any data are read).
    """
    claims = request.load()
    data = data or StoreClaimData(open_store(request.store))
    results = evaluate_claims(claims, data)
    return ClaimsResult(tuple(results), _provenance(data, request.asof))
