"""The cached XNYS session list equals the sessions of ``exchange_calendars`` over the whole span.

The reference is ``exchange_calendars.get_calendar("XNYS")`` built here, independently of
``sizeup.calendar``; the cache file is written to and read from a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sizeup import calendar as cal


def _reference_days() -> np.ndarray:
    import exchange_calendars as xcals

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = xcals.get_calendar("XNYS", start=cal.CALENDAR_START, end=cal.CALENDAR_END)
    idx = pd.DatetimeIndex(ref.sessions).tz_localize(None)
    return np.asarray(idx.values.astype("datetime64[D]").astype(np.int64))


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SIZEUP_CACHE_DIR", str(folder))
    return folder


def _as_days(index: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(index.values.astype("datetime64[D]").astype(np.int64))


def test_written_then_read_cache_equals_exchange_calendars(cache_dir: Path) -> None:
    ref = _reference_days()
    first = cal._session_days()  # computes and writes the file
    files = list(cache_dir.glob("xnys-sessions-*.npy"))
    assert len(files) == 1
    on_disk = np.load(files[0], allow_pickle=False)
    np.testing.assert_array_equal(on_disk, ref)
    second = cal._session_days()  # read back from the file
    np.testing.assert_array_equal(first, ref)
    np.testing.assert_array_equal(second, ref)
    # a few sessions known by hand: 9/11 closure, Good Friday 2024, the first session
    days = set(second.tolist())
    epoch = pd.Timestamp("1970-01-01")
    assert (pd.Timestamp("2001-09-11") - epoch).days not in days
    assert (pd.Timestamp("2001-09-17") - epoch).days in days
    assert (pd.Timestamp("2024-03-29") - epoch).days not in days
    assert second[0] == (pd.Timestamp("1927-01-03") - epoch).days


def test_public_sessions_equal_reference_through_a_fresh_process(cache_dir: Path) -> None:
    """A new process reading the cache (no exchange_calendars import) gives the same sessions."""
    ref = _reference_days()
    cal._session_days()  # fill the cache
    code = (
        "import sys, numpy as np; from sizeup import calendar as c; "
        "s = c.sessions(); "
        "assert 'exchange_calendars' not in sys.modules, 'cache not used'; "
        "np.save(sys.argv[1], s.values.astype('datetime64[D]').astype(np.int64))"
    )
    out = cache_dir.parent / "fresh.npy"
    subprocess.run([sys.executable, "-c", code, str(out)], check=True)
    np.testing.assert_array_equal(np.load(out), ref)


def test_in_process_sessions_equal_reference() -> None:
    np.testing.assert_array_equal(_as_days(cal.sessions()), _reference_days())


def test_damaged_cache_is_recomputed(cache_dir: Path) -> None:
    ref = _reference_days()
    cal._session_days()
    (path,) = cache_dir.glob("xnys-sessions-*.npy")
    path.write_bytes(b"not a numpy file")
    np.testing.assert_array_equal(cal._session_days(), ref)
    np.testing.assert_array_equal(np.load(path, allow_pickle=False), ref)  # rewritten
    # a valid file of the wrong content (unsorted) is refused too
    np.save(path, ref[::-1].copy(), allow_pickle=False)
    np.testing.assert_array_equal(cal._session_days(), ref)


def test_unwritable_or_disabled_cache_still_computes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = _reference_days()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("SIZEUP_CACHE_DIR", str(blocker / "sub"))  # parent is a file
    np.testing.assert_array_equal(cal._session_days(), ref)
    monkeypatch.setenv("SIZEUP_CACHE_DIR", "")
    assert cal._cache_dir() is None
    np.testing.assert_array_equal(cal._session_days(), ref)
    assert list(tmp_path.glob("**/xnys-sessions-*")) == []


def test_cache_key_names_installed_version(cache_dir: Path) -> None:
    import exchange_calendars as xcals

    key = cal._cache_key()
    assert key is not None
    assert key.startswith(f"{xcals.__version__}-")
    name = cal._cache_file(cache_dir, key).name
    assert f"{cal.CALENDAR_START:%Y%m%d}-{cal.CALENDAR_END:%Y%m%d}" in name
