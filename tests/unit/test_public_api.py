"""The public API: what ``sizeup`` and its curated subpackages export, pinned."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import sizeup

# The top-level API, written out by hand: adding or removing a name is a decision, so it must
# change this list too.
EXPECTED = {
    "BacktestError", "ClaimSpecError", "ConfigError", "DataError", "ImportFormatError",
    "MonitorRequest", "PnfRequest", "PriceBasis", "Provenance", "ProviderError",
    "ProviderResponseError", "RateLimitError", "ReportRequest", "Result", "SchemaError",
    "Settings", "SizeupError", "StaleDataError", "Store", "StoreError", "StoreRef",
    "SymbolNotFoundError", "__version__", "breadth", "bullish_percent", "conditional_outcomes",
    "detect_patterns", "factor_regression", "import_paths", "load_settings", "open_fund_score",
    "outperformance_streak", "pnf_chart", "pnf_charts", "price_objective", "rate_sensitivity",
    "read_file", "relative_strength_chart", "rs_matrix", "run_monitor", "run_pnf", "run_screen",
    "scoreboard", "size_premium",
}  # fmt: skip

CURATED = [
    "sizeup.app",
    "sizeup.charts",
    "sizeup.analytics.pnf",
    "sizeup.analytics.breadth",
    "sizeup.analytics.performance",
    "sizeup.analytics.stats",
    "sizeup.data.store",
    "sizeup.report.sections",
    "sizeup.cli",
]


def test_sizeup_all_is_pinned() -> None:
    assert sizeup.__all__ == sorted(sizeup.__all__)
    assert set(sizeup.__all__) == EXPECTED


def test_every_exported_name_resolves() -> None:
    for name in sizeup.__all__:
        assert getattr(sizeup, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        sizeup.__getattr__("nope")


@pytest.mark.parametrize("package", CURATED)
def test_curated_packages_export_what_they_define(package: str) -> None:
    mod = importlib.import_module(package)
    exported = list(mod.__all__)
    assert len(exported) == len(set(exported)), package
    for name in exported:
        assert hasattr(mod, name), f"{package}.{name}"
    public = {
        n
        for n, v in vars(mod).items()
        if not n.startswith("_")
        and not isinstance(v, type(sys))  # submodules are not API
        and n != "annotations"
    }
    assert public <= set(exported), (
        f"{package} defines names outside __all__: {public - set(exported)}"
    )


def test_exceptions_form_one_tree() -> None:
    for name in sizeup.__all__:
        obj = getattr(sizeup, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, sizeup.SizeupError), name


def test_import_sizeup_is_light() -> None:
    code = (
        "import sys, sizeup; "
        "mods = ('pandas', 'numba', 'duckdb', 'sizeup.analytics');"
        "heavy = [m for m in mods if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
