"""Write the mutation-testing report (``docs/mutation.md``) from mutmut's results.

Run after ``mutmut run`` in the same folder (``make mutate`` does both)::

    .venv/bin/python scripts/mutation_report.py --out docs/mutation.md

Per module: mutants, killed (incl. timeouts), survived (incl. mutants no selected test runs),
not run, the score
``killed / (killed + survived)`` and the day of the run. Every surviving mutant is listed with its
diff and a reason taken from ``docs/mutation_reasons.toml`` (``"mutant name" = "why it
survives"``); a survivor without a reason says so, so that it is either killed by a new test or
explained.

mutmut is run one module at a time (``make mutate MUTANTS='sizeup.x.y*'``) and its ``mutants/``
folder is not kept, so the report *merges*: a module with results in this run (at least one
mutant killed or survived) gets a new row and survivor list; every other module keeps its row
and survivor list from the existing ``--out`` file (reasons are looked up again, so a reason
added later shows up).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
KILLED = {"killed", "timeout", "caught by type check"}
# a mutant that no selected test runs ("no tests") is not caught by the suite: it counts as a
# survivor, or the score would rise when tests are left out of the selection
SURVIVED = {"survived", "no tests"}
LINE = re.compile(r"^\s*(\S+__mutmut_\d+): (.+)$")
ROW = re.compile(r"^\| `([\w.]+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| [^|]+ \|(?: ([^|]+) \|)?$")
SECTION = re.compile(r"^### Survivors in `([\w.]+)`$")
SURVIVOR = re.compile(
    r"^\| `(\S+__mutmut_\d+)` \| ((?:no selected test runs it: )?`(?:[^|\\]|\\.)*`) \| .* \|$"
)
TABLE_HEAD = [
    "| module | mutants | killed | survived | not run | score | run |",
    "|---|---:|---:|---:|---:|---:|---|",
]


@dataclass
class Module:
    """One module's counts, run day and surviving mutants (short name, change cell)."""

    total: int
    killed: int
    survived: int
    run: str
    survivors: list[tuple[str, str]] = field(default_factory=list)


def _previous(path: Path) -> dict[str, Module]:
    """Rows and survivor lists of an existing report (the modules not run this time keep them)."""
    mods: dict[str, Module] = {}
    if not path.exists():
        return mods
    section: str | None = None
    for ln in path.read_text().splitlines():
        if (m := ROW.match(ln)) and section is None:
            total, k, s, _ = (int(m.group(i)) for i in range(2, 6))
            mods[m.group(1)] = Module(total, k, s, (m.group(6) or "").strip())
        elif m := SECTION.match(ln):
            section = m.group(1)
        elif section and (m := SURVIVOR.match(ln)) and section in mods:
            mods[section].survivors.append((m.group(1), m.group(2)))
    return mods


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
    ap.add_argument(
        "--only",
        nargs="+",
        metavar="MODULE",
        help="take new results only for these modules (e.g. while another one is still running)",
    )
    args = ap.parse_args(argv)
    results = _results(args.cwd)
    reasons: dict[str, str] = {}
    if args.reasons.exists():
        reasons = tomllib.loads(args.reasons.read_text()).get("reasons", {})
    by_mod: dict[str, Counter[str]] = defaultdict(Counter)
    names_by_mod: dict[str, list[str]] = defaultdict(list)
    for name, status in sorted(results.items()):
        mod = _module(name)
        by_mod[mod][status] += 1
        if status in SURVIVED:
            names_by_mod[mod].append(name)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    mods = _previous(args.out)
    fresh = []
    for mod, c in by_mod.items():
        k = sum(v for s, v in c.items() if s in KILLED)
        lived = sum(v for s, v in c.items() if s in SURVIVED)
        if k + lived == 0 or (args.only and mod not in args.only):
            continue  # mutants generated but not run this time: keep the previous row
        fresh.append(mod)
        survivors = [
            (
                n.split(".")[-1],
                ("no selected test runs it: " if results[n] == "no tests" else "")
                + "`"
                + _diff(args.cwd, n).replace("|", "\\|")
                + "`",
            )
            for n in names_by_mod[mod]
        ]
        mods[mod] = Module(sum(c.values()), k, lived, today, survivors)
    lines = [args.header.read_text().rstrip() + "\n"] if args.header else []
    lines += TABLE_HEAD
    low = []
    tot_k = tot_s = 0
    for mod, r in sorted(mods.items()):
        tot_k, tot_s = tot_k + r.killed, tot_s + r.survived
        score = r.killed / (r.killed + r.survived) if r.killed + r.survived else float("nan")
        if r.killed + r.survived and score < args.min_score:
            low.append(mod)
        other = r.total - r.killed - r.survived
        lines.append(
            f"| `{mod}` | {r.total} | {r.killed} | {r.survived} | {other} | {score:.1%} "
            f"| {r.run or '?'} |"
        )
    if tot_k + tot_s:
        lines.append(f"| **all** | | {tot_k} | {tot_s} | | {tot_k / (tot_k + tot_s):.1%} | |")
    lines.append("")
    for mod, r in sorted(mods.items()):
        if not r.survivors:
            continue
        lines += [f"### Survivors in `{mod}`", "", "| mutant | change | reason |", "|---|---|---|"]
        for short, change in r.survivors:
            reason = reasons.get(
                f"{mod}.{short}", "**no reason yet: kill it with a test or explain it**"
            )
            lines.append(f"| `{short}` | {change} | {reason} |")
        lines.append("")
    args.out.write_text("\n".join(lines) + "\n")
    print(
        f"wrote {args.out}: {len(mods)} modules, new results for {sorted(fresh)}; "
        f"modules below {args.min_score:.0%}: {low}"
    )
    return 1 if low else 0


if __name__ == "__main__":
    raise SystemExit(main())
