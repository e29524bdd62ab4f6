"""Helpers shared by the file parsers of :mod:`sizeup.data.formats`: gzipped bodies."""

from __future__ import annotations

import zlib
from typing import Final

from isal import isal_zlib

from sizeup.errors import ImportFormatError

# isal's stubs declare its error as an instance; at run time it is the exception class
_ISAL_ERROR: type[Exception] = isal_zlib.error  # type: ignore[assignment]

GZIP_MAGIC: Final = b"\x1f\x8b"
"""First two bytes of a gzip stream."""


MAX_DECOMPRESSED_BYTES: Final = 1 << 30
"""Largest decompressed body accepted (1 GiB)."""
MAX_RATIO: Final = 100
"""Largest expansion accepted once a body has grown past :data:`RATIO_FLOOR` (real CSV and JSON
files expand 3-20 times; a gzip bomb expands a thousand times)."""
RATIO_FLOOR: Final = 16 << 20
_IN_CHUNK: Final = 64 << 10


def gunzip(
    data: bytes,
    name: str,
    *,
    limit: int = MAX_DECOMPRESSED_BYTES,
    max_ratio: float = MAX_RATIO,
) -> bytes:
    """Return ``data`` decompressed when it is gzipped, else unchanged.

    Decompression streams in 64 KiB input steps and stops as soon as the output exceeds ``limit``
    bytes, or ``max_ratio`` times the input once past 16 MiB, so a gzip bomb costs at most a
    few tens of MB before the error. Concatenated gzip members are read in turn.

    Parameters
    ----------
    data
        A file's bytes.
    name
        File name, used in error messages.
    limit, max_ratio
        Size and expansion caps.

    Raises
    ------
    ImportFormatError
        A gzip body that cannot be decompressed, or expands beyond the caps.
    """
    if not data.startswith(GZIP_MAGIC):
        return data
    out = bytearray()
    view = memoryview(data)
    pos = 0
    try:
        while pos < len(view):
            # ISA-L inflates the same gzip streams as zlib about 2.7 times faster
            engine = isal_zlib.decompressobj(16 + zlib.MAX_WBITS)
            while not engine.eof and pos < len(view):
                # Bounded input slices bound each step's output (deflate expands at most
                # ~1,032 times, so 64 KiB in gives at most ~66 MB out) without the quadratic
                # copies of ``unconsumed_tail`` that a bounded output size makes.
                step = view[pos : pos + _IN_CHUNK]
                out += engine.decompress(step)
                pos += len(step) - len(engine.unused_data)
                _check_growth(len(out), len(data), name, limit, max_ratio)
            out += engine.flush()
            _check_growth(len(out), len(data), name, limit, max_ratio)
            if not engine.eof:
                raise ImportFormatError("corrupt gzip data: truncated stream", path=name)
            if bytes(view[pos : pos + 2]) != GZIP_MAGIC:
                break  # trailing garbage after the last member, as gzip(1) tolerates
    except (zlib.error, _ISAL_ERROR) as exc:
        raise ImportFormatError(f"corrupt gzip data: {exc}", path=name) from None
    return bytes(out)


def _check_growth(size: int, packed: int, name: str, limit: int, max_ratio: float) -> None:
    ratio = size / max(packed, 1)
    if size > limit or (size > RATIO_FLOOR and ratio > max_ratio):
        raise ImportFormatError(
            f"gzip body expands beyond the limits ({packed:,} bytes -> more than {size:,}, "
            f"{ratio:,.0f} times; limits {limit:,} bytes and {max_ratio:g} times): refused "
            "as a likely gzip bomb",
            path=name,
        )


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
