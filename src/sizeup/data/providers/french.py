"""Kenneth French data library: zipped CSV files (factors daily/monthly, size portfolios).

Notes
-----
SOURCES.md §4. ``{base}/pages/faculty/ken.french/ftp/{NAME}_CSV.zip`` holds one CSV with an
upper-case ``.CSV`` extension. No key and no stated limit; files update about monthly, so the
fetch bundles ask at most once a week. Tables are found by their header line and parsed by
:func:`sizeup.data.formats.french.parse_french_csv`; the file's CRSP vintage
(``"202108"``) is stored with every row because history is revised between vintages.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Final

import pandas as pd

from sizeup.data.formats.french import parse_french_csv
from sizeup.data.providers.http import (
    SITES,
    Request,
    Response,
    check_status,
    format_errors,
    looks_like_html,
)
from sizeup.errors import ProviderResponseError

__all__ = ["SOURCE", "build_request", "check", "parse", "unzip_csv"]

SOURCE: Final = "french"
_NAME_RE: Final = re.compile(r"^[A-Za-z0-9_\-]{1,100}$")
_MAX_CSV_BYTES: Final = 64 * 1024 * 1024


def build_request(dataset: str, *, base_url: str = SITES["french"].base_url) -> Request:
    """Build ``GET {base}/pages/faculty/ken.french/ftp/{dataset}_CSV.zip``.

    Parameters
    ----------
    dataset
        File name without suffix, e.g. ``F-F_Research_Data_Factors_daily``.
    base_url
        Scheme and host.
    """
    if not _NAME_RE.match(dataset):
        raise ProviderResponseError(
            f"French dataset name {dataset!r} is invalid; use names like "
            "'F-F_Research_Data_Factors' (letters, digits, '_' and '-')"
        )
    return Request(
        "french", f"{base_url.rstrip('/')}/pages/faculty/ken.french/ftp/{dataset}_CSV.zip"
    )


def check(response: Response, *, dataset: str) -> None:
    """Raise for error statuses and HTML pages (a moved file answers with an HTML page)."""
    what = f"French library file {dataset}"
    check_status(response, what=what)
    if looks_like_html(response.body):
        raise ProviderResponseError(
            f"{what}: got an HTML page with HTTP {response.status} instead of a zip "
            f"({response.url}); the file name may have changed"
        )


def unzip_csv(body: bytes, *, dataset: str) -> bytes:
    """Return the one CSV inside a French library zip.

    Raises
    ------
    ProviderResponseError
        Not a zip, truncated, encrypted, not exactly one CSV member, or a member over 64 MB.
    """
    what = f"French library file {dataset}"
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            members = [
                m for m in archive.infolist() if m.filename.lower().endswith((".csv", ".txt"))
            ]
            if len(members) != 1:
                names = [m.filename for m in archive.infolist()][:5]
                raise ProviderResponseError(f"{what}: expected one CSV in the zip, found {names}")
            member = members[0]
            if member.file_size > _MAX_CSV_BYTES:
                raise ProviderResponseError(
                    f"{what}: member {member.filename} is {member.file_size} bytes; "
                    f"at most {_MAX_CSV_BYTES} expected"
                )
            return archive.read(member)
    except ProviderResponseError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        RuntimeError,
        NotImplementedError,
        OSError,
        ValueError,
    ) as exc:
        raise ProviderResponseError(
            f"{what}: body is not a readable zip ({type(exc).__name__}: {exc})"
        ) from None


def parse(body: bytes, *, dataset: str, name: str | None = None) -> dict[str, pd.DataFrame]:
    """Parse a French library zip into ``{"series": frame}`` (returns as decimal fractions).

    Raises
    ------
    ProviderResponseError
        Bad zip, or a CSV the format parser rejects.
    """
    data = unzip_csv(body, dataset=dataset)
    label = name or f"{dataset}.CSV"
    with format_errors(f"French library file {dataset}"):
        frame = parse_french_csv(data, name=label, dataset=dataset, source=SOURCE)
    return {"series": frame}
