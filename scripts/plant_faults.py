"""Plant the semantic faults of issue 12 one at a time and show that the tests catch each.

Usage::

    .venv/bin/python scripts/plant_faults.py            # every fault
    .venv/bin/python scripts/plant_faults.py -k rs_dir  # faults whose id contains "rs_dir"

Each fault is a one-line source edit made in a temporary copy of ``src/`` (the working tree is
never touched). The copy is put first on ``PYTHONPATH`` and the fault's tests run against it;
a fault is *caught* when pytest fails. The script exits 1 when a fault survives or its target
line no longer exists (the fault list must then follow the code).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Fault:
    """One planted fault: replace ``old`` (exactly once) by ``new`` in ``path``."""

    id: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


FUNDSCORE = "sizeup/analytics/performance/_fundscore.py"
RS_X = 'x[f"{name}_x"] = _chart_states(rs.dates, rs.bar_direction == 1, idx)'
OFS_TESTS = ("tests/truth/test_truth_fundscore.py",)
CLAIM_TESTS = ("tests/truth/test_truth_claims_metrics.py",)


def _rs_dir(name: str) -> Fault:
    return Fault(
        f"rs_dir_{name}",
        f"RS column direction flipped in the OpenFundScore input {name}_x",
        FUNDSCORE,
        RS_X,
        RS_X.replace("== 1", f'== (-1 if name == "{name}" else 1)'),
        OFS_TESTS,
    )


FAULTS: tuple[Fault, ...] = (
    Fault(
        "pf_trend_inverted",
        "P&F trend input of the OpenFundScore inverted (NEG counted as positive)",
        FUNDSCORE,
        'x["pf_trend_pos"] = _chart_states(pf_d.dates, pf_d.bar_trend == 1, idx)',
        'x["pf_trend_pos"] = _chart_states(pf_d.dates, pf_d.bar_trend == -1, idx)',
        OFS_TESTS,
    ),
    _rs_dir("rsm65"),
    _rs_dir("rsm325"),
    _rs_dir("rsp65"),
    _rs_dir("rsp325"),
    Fault(
        "pct_pos_trend_inverted",
        "% positive P&F trend counts members in a negative trend",
        "sizeup/analytics/breadth/_bpi.py",
        '"pct_pos_trend": pct_true(trend == 1, present & (trend != 0)),',
        '"pct_pos_trend": pct_true(trend == -1, present & (trend != 0)),',
        ("tests/truth/test_truth_breadth.py",),
    ),
    Fault(
        "start_of_year_rank_sign",
        "start-of-year rank: best/worst-since mode chosen with the sign flipped",
        "sizeup/analytics/performance/_ranks.py",
        "return _rank(start_of_year_gaps(prices, a, b, asof=asof))",
        "return (lambda s: best_since(s, mode='min' if s.iloc[-1] >= 0 else 'max'))"
        "(start_of_year_gaps(prices, a, b, asof=asof))",
        ("tests/truth/test_truth_ranks.py",),
    ),
    Fault(
        "monthly_gap_rank_sign",
        "monthly-gap rank: best/worst-since mode chosen with the sign flipped",
        "sizeup/analytics/performance/_ranks.py",
        "return _rank(monthly_gaps(prices, a, b, end=end))",
        "return (lambda s: best_since(s, mode='min' if s.iloc[-1] >= 0 else 'max'))"
        "(monthly_gaps(prices, a, b, end=end))",
        ("tests/truth/test_truth_ranks.py",),
    ),
    Fault(
        "hit_rate_threshold",
        "hit_rate counts a tie (gap 0) as a win",
        "sizeup/claims/_metrics.py",
        "wins = int((diff > 0).sum())",
        "wins = int((diff >= 0).sum())",
        CLAIM_TESTS,
    ),
    Fault(
        "correlation_spearman",
        "correlation claims measured with Spearman's rank correlation",
        "sizeup/claims/_metrics.py",
        "else float(x.corr(y))",
        "else float(x.corr(y, method='spearman'))",
        CLAIM_TESTS,
    ),
    Fault(
        "conditional_mean_buckets",
        "conditional_mean: outperform and underperform buckets swapped",
        "sizeup/claims/_metrics.py",
        'key = "True" if p["bucket"] == "outperform" else "False"',
        'key = "False" if p["bucket"] == "outperform" else "True"',
        CLAIM_TESTS,
    ),
)


def _run(fault: Fault, src: Path, env: dict[str, str]) -> tuple[str, float, str]:
    target = src / fault.path
    original = target.read_text()
    if original.count(fault.old) != 1:
        return (
            "TARGET NOT FOUND",
            0.0,
            f"{fault.path}: {fault.old!r} occurs {original.count(fault.old)}x",
        )
    target.write_text(original.replace(fault.old, fault.new))
    try:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *fault.tests],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        dt = time.perf_counter() - t0
    finally:
        target.write_text(original)
    failed = [ln for ln in proc.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))]
    if proc.returncode == 0:
        return "SURVIVED", dt, "all tests passed"
    if proc.returncode == 1 and failed:
        return "caught", dt, failed[0]
    return "ERROR", dt, (proc.stdout + proc.stderr)[-400:]


def main(argv: list[str] | None = None) -> int:
    """Plant each selected fault, run its tests, print a table; 1 if any fault is not caught."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only faults whose id contains this text")
    args = ap.parse_args(argv)
    faults = [f for f in FAULTS if args.k in f.id]
    with tempfile.TemporaryDirectory(prefix="sizeup-faults-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
        env["NUMBA_CACHE_DIR"] = str(Path(tmp) / "numba")
        probe = subprocess.run(
            [sys.executable, "-c", "import sizeup; print(sizeup.__file__)"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        if not probe.stdout.strip().startswith(str(src)):
            print(f"the copy is not imported first: {probe.stdout.strip()}", file=sys.stderr)
            return 2
        rows = []
        for f in faults:
            status, dt, detail = _run(f, src, env)
            rows.append((f, status))
            print(f"{status:16} {dt:6.1f}s  {f.id:26} {f.what}\n{'':26}{detail}", flush=True)
    bad = [f.id for f, s in rows if s != "caught"]
    print(
        f"\n{len(rows) - len(bad)} of {len(rows)} planted faults caught"
        + (f"; not: {bad}" if bad else "")
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
