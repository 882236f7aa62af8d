"""`make bench`: cmanalytics side by side with its peers, in one run, as ratios.

B1  kmo + bartlett + efa (pca, varimax, 3 factors) + cronbach_alpha on 112 x 14 Likert items,
    against factor_analyzer + pingouin doing the same work. Target: at most 0.03 of their time.
B2  the same on 200,000 x 60 items with 6 factors, against the floor (one BLAS pass X'X for the
    correlation matrix plus an eigendecomposition) and against the peers. Target: at most 2 x the floor.

The peers run in `.venv-bench` (factor_analyzer's FactorAnalyzer needs scikit-learn < 1.8). A peer that
cannot be imported is reported as missing, never faked. Medians of repeated runs; writes a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import cmanalytics as cma


def likert(n: int, p: int, k: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    load = np.zeros((p, k))
    load[np.arange(p), np.arange(p) % k] = rng.uniform(0.55, 0.8, p)
    z = rng.standard_normal((n, k)) @ load.T + rng.standard_normal((n, p)) * np.sqrt(1 - (load**2).sum(axis=1))
    x = np.clip(np.round(z * 1.1 + 3), 1, 5).astype(np.int64)
    return pd.DataFrame(x, columns=[f"q{j + 1}" for j in range(p)])


def median_time(fn, repeat: int, min_total: float = 0.0) -> float:
    fn()  # warm-up
    times = []
    start = time.perf_counter()
    while len(times) < repeat or time.perf_counter() - start < min_total:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def ours_prepared(df, k):
    items = cma.prepare(df)
    cma.kmo(items), cma.bartlett(items), cma.efa(items, n_factors=k, method="pca", rotation="varimax")
    cma.cronbach_alpha(items)


def ours_separate(df, k):
    cma.kmo(df), cma.bartlett(df), cma.efa(df, n_factors=k, method="pca", rotation="varimax")
    cma.cronbach_alpha(df)


def peers(df, k):
    from factor_analyzer import FactorAnalyzer
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo
    import pingouin

    calculate_kmo(df), calculate_bartlett_sphericity(df)
    FactorAnalyzer(n_factors=k, method="principal", rotation="varimax").fit(df)
    pingouin.cronbach_alpha(df)


def floor(x):
    # The least any method can do: one BLAS pass for the cross-products and one eigendecomposition.
    c = x.T @ x
    np.linalg.eigh(c)


def peers_available() -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import factor_analyzer  # noqa: F401
            import pingouin  # noqa: F401
            from factor_analyzer import FactorAnalyzer
        FactorAnalyzer(n_factors=2, method="principal", rotation="varimax").fit(likert(50, 6, 2, 0))
        return None
    except Exception as exc:  # report why, never fake a number
        return f"{type(exc).__name__}: {exc}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("reports/bench.md"))
    ap.add_argument("--quick", action="store_true", help="smaller B2 (20,000 rows) for a fast check")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    missing_peer = peers_available()
    rows = []

    small = likert(112, 14, 3, seed=1)
    t_ours = median_time(lambda: ours_prepared(small, 3), repeat=200, min_total=1.0)
    t_sep = median_time(lambda: ours_separate(small, 3), repeat=200, min_total=1.0)
    t_peer = median_time(lambda: peers(small, 3), repeat=20) if missing_peer is None else float("nan")
    rows.append(("B1 112 x 14, prepared once", t_ours, t_peer, "factor_analyzer + pingouin", 0.03))
    rows.append(("B1 112 x 14, four separate calls", t_sep, t_peer, "factor_analyzer + pingouin", 0.03))

    n = 20_000 if args.quick else 200_000
    big = likert(n, 60, 6, seed=2)
    xf = big.to_numpy(dtype=np.float64)
    t_floor = median_time(lambda: floor(xf), repeat=7)
    t_big = median_time(lambda: ours_prepared(big, 6), repeat=7)
    big_f = pd.DataFrame(xf, columns=big.columns)
    t_big_f = median_time(lambda: ours_prepared(big_f, 6), repeat=7)
    t_big_sep = median_time(lambda: ours_separate(big, 6), repeat=3)
    t_big_peer = median_time(lambda: peers(big, 6), repeat=1) if missing_peer is None else float("nan")
    label = f"B2 {n:,} x 60"
    rows.append((f"{label}, prepared once (int64 answers)", t_big, t_floor, "floor: X'X + eigh", 2.0))
    rows.append((f"{label}, prepared once (float64 answers)", t_big_f, t_floor, "floor: X'X + eigh", 2.0))
    rows.append((f"{label}, four separate calls (int64)", t_big_sep, t_floor, "floor: X'X + eigh", None))
    rows.append((f"{label}, prepared once (int64 answers)", t_big, t_big_peer, "factor_analyzer + pingouin", None))

    lines = ["# Benchmarks", "",
             f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
             f"{platform.machine()}; medians of repeated runs.", ""]
    if missing_peer:
        lines += [f"**Peers missing**: {missing_peer}. Their columns are empty.", ""]
    lines += ["| benchmark | cmanalytics (s) | against (s) | against | ratio | target |",
              "| --- | ---: | ---: | --- | ---: | ---: |"]
    for name, ours, other, what, target in rows:
        ratio = ours / other if other == other else float("nan")
        verdict = "" if target is None else (f"<= {target:g} " + ("met" if ratio <= target else "**missed**"))
        lines.append(f"| {name} | {ours:.5f} | {other:.5f} | {what} | {ratio:.4f} | {verdict} |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
