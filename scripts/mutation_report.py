"""Write the mutation-testing report (``docs/mutation.md``) from mutmut's results.

Run after ``mutmut run`` in the same folder (``make mutate`` does both)::

    .venv/bin/python scripts/mutation_report.py --out docs/mutation.md

Per module: mutants, killed (incl. timeouts), survived, not run, and the score
``killed / (killed + survived)``. Every surviving mutant is listed with its diff and a reason
taken from ``docs/mutation_reasons.toml`` (``"mutant name" = "why it survives"``); a survivor
without a reason says so, so that it is either killed by a new test or explained.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
KILLED = {"killed", "timeout", "caught by type check"}
LINE = re.compile(r"^\s*(\S+__mutmut_\d+): (.+)$")


def _results(cwd: Path) -> dict[str, str]:
    out = subprocess.run(
        [MUTMUT, "results", "--all", "true"], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
    return {m.group(1): m.group(2).strip() for ln in out.splitlines() if (m := LINE.match(ln))}


def _module(name: str) -> str:
    head = name.split("__mutmut_", maxsplit=1)[0]
    return head.split(".x_")[0].split(".xǁ")[0]


def _diff(cwd: Path, name: str) -> str:
    out = subprocess.run(
        [MUTMUT, "show", name], cwd=cwd, capture_output=True, text=True, check=False
    ).stdout
    lines = [ln for ln in out.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    return " / ".join(ln.strip() for ln in lines)[:300]


def main(argv: list[str] | None = None) -> int:
    """Build the report; exit 1 when a module scores below ``--min-score``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "mutation.md")
    ap.add_argument("--reasons", type=Path, default=ROOT / "docs" / "mutation_reasons.toml")
    ap.add_argument("--cwd", type=Path, default=Path.cwd(), help="folder mutmut ran in")
    ap.add_argument("--min-score", type=float, default=0.85)
    ap.add_argument("--header", type=Path, help="markdown put before the generated tables")
    args = ap.parse_args(argv)
    results = _results(args.cwd)
    reasons: dict[str, str] = {}
    if args.reasons.exists():
        reasons = tomllib.loads(args.reasons.read_text()).get("reasons", {})
    by_mod: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    for name, status in sorted(results.items()):
        mod = _module(name)
        by_mod[mod][status] += 1
        if status == "survived":
            survivors[mod].append(name)
    lines = [args.header.read_text().rstrip() + "\n"] if args.header else []
    lines += [
        "| module | mutants | killed | survived | not run | score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    low = []
    tot_k = tot_s = 0
    for mod, c in sorted(by_mod.items()):
        k = sum(v for s, v in c.items() if s in KILLED)
        s = c["survived"]
        other = sum(c.values()) - k - s
        tot_k, tot_s = tot_k + k, tot_s + s
        score = k / (k + s) if k + s else float("nan")
        if k + s and score < args.min_score:
            low.append(mod)
        lines.append(f"| `{mod}` | {sum(c.values())} | {k} | {s} | {other} | {score:.1%} |")
    if tot_k + tot_s:
        lines.append(f"| **all** | | {tot_k} | {tot_s} | | {tot_k / (tot_k + tot_s):.1%} |")
    lines.append("")
    for mod, names in sorted(survivors.items()):
        lines += [f"### Survivors in `{mod}`", "", "| mutant | change | reason |", "|---|---|---|"]
        for n in names:
            reason = reasons.get(n, "**no reason yet: kill it with a test or explain it**")
            change = _diff(args.cwd, n).replace("|", "\\|")
            lines.append(f"| `{n.split('.')[-1]}` | `{change}` | {reason} |")
        lines.append("")
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}: {len(results)} mutants, modules below {args.min_score:.0%}: {low}")
    return 1 if low else 0


if __name__ == "__main__":
    raise SystemExit(main())
