"""Helpers shared by the file parsers of :mod:`sizeup.data.formats`: gzipped bodies."""

from __future__ import annotations

import gzip
import zlib
from typing import Final

from sizeup.errors import ImportFormatError

GZIP_MAGIC: Final = b"\x1f\x8b"
"""First two bytes of a gzip stream."""


def gunzip(data: bytes, name: str) -> bytes:
    """Return ``data`` decompressed when it is gzipped, else unchanged.

    Parameters
    ----------
    data
        A file's bytes.
    name
        File name, used in error messages.

    Raises
    ------
    ImportFormatError
        A gzip body that cannot be decompressed.
    """
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFormatError(f"gzip body cannot be decompressed: {exc}", path=name) from None


def gunzip_head(head: bytes) -> bytes | None:
    """Return the start of a body, its first 64 KiB decompressed when gzipped.

    ``None`` when a gzipped start cannot be decompressed (for format sniffing).
    """
    if not head.startswith(GZIP_MAGIC):
        return head
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 65536)
    except zlib.error:
        return None
