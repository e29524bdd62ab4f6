"""Decompression is capped: a gzip bomb ends with a clear error at bounded memory."""

from __future__ import annotations

import gzip
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from sizeup.data.formats._common import gunzip
from sizeup.data.ingest import import_paths, read_file
from sizeup.data.store import Store
from sizeup.errors import ImportFormatError


def _bomb(size: int) -> bytes:
    """Return ``size`` zero bytes gzipped (about 1 MB of gzip per GB)."""
    engine = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (16 << 20)
    parts = [engine.compress(block) for _ in range(size // len(block))]
    parts.append(engine.flush())
    return b"".join(parts)


def test_bomb_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    bomb = tmp_path / "prices.csv.gz"
    bomb.write_bytes(_bomb(1 << 30))
    assert bomb.stat().st_size < 1_200_000  # ~1 MB on disk, 1 GiB inflated
    with pytest.raises(ImportFormatError, match="likely gzip bomb") as err:
        read_file(bomb)
    assert str(bomb) in str(err.value)
    report = import_paths([bomb], Store.open(tmp_path / "store"))
    assert report.files[0].status == "failed" and "gzip bomb" in report.files[0].message


def test_bomb_costs_little_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "b.gz"
    bomb.write_bytes(_bomb(1 << 30))
    code = (
        "import resource, sys\n"
        "from sizeup.data.ingest import read_file\n"
        "from sizeup.errors import ImportFormatError\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        f"    read_file({str(bomb)!r})\n"
        "except ImportFormatError:\n"
        "    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    grown_mb = int(out.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is KiB on Linux
    assert grown_mb < 200, grown_mb


def test_real_sized_bodies_and_multi_member_gzip_still_decompress() -> None:
    text = b"Date,Close\n" + b"".join(b"2020-01-%02d,%d.5\n" % (d, d) for d in range(1, 29))
    assert gunzip(gzip.compress(text), "x") == text
    assert gunzip(gzip.compress(text[:20]) + gzip.compress(text[20:]), "x") == text
    with pytest.raises(ImportFormatError, match="corrupt gzip data"):
        gunzip(gzip.compress(text)[:-12], "x")
    with pytest.raises(ImportFormatError, match="likely gzip bomb"):
        gunzip(gzip.compress(b"\0" * 4096), "x", limit=1000)


def test_bodies_across_many_input_steps_and_trailing_bytes() -> None:
    # ~3 MB of text that does not compress to nothing: many 64 KiB input steps, member
    # boundaries inside a step, and bytes after the last member (ignored, as gzip(1) does)
    rows = b"".join(
        b"2020-%05d,%d.%03d,%x\n" % (i, i * 7919 % 10007, i % 997, i * i) for i in range(120_000)
    )
    one, two = gzip.compress(rows[:1_000_003]), gzip.compress(rows[1_000_003:])
    assert len(one) > 4 * 65536
    assert gunzip(one + two, "x") == rows
    assert gunzip(one + two + b"trailing junk", "x") == rows
    assert gunzip(one + two + b"\x1f", "x") == rows
    with pytest.raises(ImportFormatError, match="corrupt gzip data"):
        gunzip(one[: len(one) // 2], "x")
