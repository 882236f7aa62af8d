"""A seeded random sample of the mutants of psychometrics/ outside `make mutants`' default scope, and its kill rate.

All of psychometrics/ holds about 21,600 mutants (of functions and of methods); at 30 to 40 mutants a minute on the
2-core machine that is a day of mutmut. The default scope (MUTANTS_MODULES in the Makefile) is run in full; for the
rest, a simple random sample stratified by module (each module in proportion to its mutants, at least one) gives
the kill rate of the whole with a confidence interval. Run after mutmut has generated mutants/ (any `make mutants`).

    python docs/mutants_sample.py names N [--seed S]   # the sampled mutant names, for mutmut run / make mutants
    python docs/mutants_sample.py report N [--seed S]  # their results, by module, with a 95% Wilson interval,
                                                       # then every surviving mutant of the sample with its reason

The same N and seed give the same sample (numpy's default_rng), so `report` reads back what `names` chose.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants_report import in_scope, print_rows, survivor_rows  # noqa: E402 - a sibling script, not a package

ROOT = Path(__file__).resolve().parents[1]
MUTATED = ROOT / "mutants" / "cmanalytics" / "psychometrics"
DEFAULT_SCOPE = {"preparation", "scores", "rotation", "adequacy", "retention", "extraction"}
KILLED = {1, 3, 36, 24, -24, 152, 255}  # a failing test, or a timeout (mutmut counts timeouts as killed)


def population() -> dict[str, list[str]]:
    """The mutants of every module outside the default scope (of its functions and of its classes' methods), by
    module (sorted names)."""
    out = {}
    for meta in sorted(MUTATED.rglob("*.py.meta")):
        module = ".".join(meta.relative_to(MUTATED).with_suffix("").with_suffix("").parts)
        if module in DEFAULT_SCOPE or module.endswith("__init__"):
            continue
        keys = json.loads(meta.read_text())["exit_code_by_key"]
        names = sorted(k for k in keys if in_scope(k, module))
        if names:
            out[module] = names
    return out


def sample(n: int, seed: int) -> dict[str, list[str]]:
    """n mutants, allocated to modules in proportion to their size (largest remainders; at least one each)."""
    pop = population()
    total = sum(map(len, pop.values()))
    quota = {m: n * len(v) / total for m, v in pop.items()}
    alloc = {m: max(1, math.floor(q)) for m, q in quota.items()}
    for m in sorted(quota, key=lambda m: quota[m] - math.floor(quota[m]), reverse=True):
        if sum(alloc.values()) >= n:
            break
        alloc[m] += 1
    rng = np.random.default_rng(seed)
    return {m: sorted(rng.choice(pop[m], size=min(alloc[m], len(pop[m])), replace=False)) for m in pop}


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval for k successes in n (Wilson 1927), the interval R's prop.test(correct=FALSE) gives."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def report(n: int, seed: int) -> None:
    chosen = sample(n, seed)
    pop = population()
    print("| module | mutants | sampled | killed | survived | not run | kill rate |")
    print("|---|---|---|---|---|---|---|")
    total = Counter()
    for module, names in chosen.items():
        codes = json.loads((MUTATED / (module.replace(".", "/") + ".py.meta")).read_text())["exit_code_by_key"]
        c = Counter("not run" if codes[k] is None else "killed" if codes[k] in KILLED else "survived" for k in names)
        total.update(c)
        total["mutants"] += len(pop[module])
        run = c["killed"] + c["survived"]
        rate = f"{100 * c['killed'] / run:.1f}%" if run else "-"
        print(
            f"| {module} | {len(pop[module])} | {len(names)} | {c['killed']} | {c['survived']} | {c['not run']} | {rate} |"
        )
    run = total["killed"] + total["survived"]
    lo, hi = wilson(total["killed"], run) if run else (math.nan, math.nan)
    print(
        f"| all | {total['mutants']} | {sum(map(len, chosen.values()))} | {total['killed']} | {total['survived']} "
        f"| {total['not run']} | {100 * total['killed'] / max(run, 1):.1f}% (95% CI {100 * lo:.1f}-{100 * hi:.1f}%) |"
    )
    print()
    rows = []
    for module, names in chosen.items():
        codes = json.loads((MUTATED / (module.replace(".", "/") + ".py.meta")).read_text())["exit_code_by_key"]
        rows += survivor_rows(module, [k for k in names if codes[k] == 0])
    print_rows(rows)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["names", "report"])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.what == "names":
        print(" ".join(name for names in sample(args.n, args.seed).values() for name in names))
    else:
        report(args.n, args.seed)


if __name__ == "__main__":
    main(sys.argv[1:])
