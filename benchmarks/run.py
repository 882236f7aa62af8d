"""`make bench`: cmanalytics side by side with its peers, in one run, as ratios.

B1  kmo + bartlett + efa (pca, varimax, 3 factors) + cronbach_alpha on 112 x 14 Likert items,
    against factor_analyzer + pingouin doing the same work. Target: at most 0.03 of their time.
B2  the same on 200,000 x 60 items with 6 factors, against the floor (one BLAS pass X'X for the
    correlation matrix plus an eigendecomposition) and against the peers. Target: at most 2 x the floor.
B7  client assignment with all the rules, 100,000 clients x 1,000 managers. Target: under 60 s.
B8  simulate_years, the 9,380-staff synthetic bank over 5 years. Target: under 10 s.
B9  a three-factor CFA on 300 x 9 (cma.cfa) against lavaan::cfa timed inside R. Target: at most 0.25.
B10 the four-step invariance sequence on 2 groups x 5,000 x 27 (cma.invariance). Target: under 10 s.
B11 a three-factor CFA of 5,000 x 27 five-point items as ordinal (WLSMV). Target: under 10 s.
B12 on B2's 200,000 x 60: prepare, components rotated by geominQ with its random starts, and Velicer's MAP,
    against the floor. Target: within 3 x the floor.
B13 omega with 1,000 bootstrap resamples on 500 x 20 items. Target: under 5 s.
B14 `import cmanalytics` in a fresh interpreter against `import numpy, scipy, pandas`. Target: adds under 0.2 s.

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
    import pingouin
    from factor_analyzer import FactorAnalyzer
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo

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


R_SCRIPT = r"""
suppressMessages(library(psych))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
t <- function(expr) { gc(); unname(system.time(expr)["elapsed"]) }
pa <- read.csv(file.path(dir, "b3.csv"))
small <- read.csv(file.path(dir, "b4.csv"))
ord <- read.csv(file.path(dir, "b5.csv"))
cat("B3", t(fa.parallel(pa, n.iter = 20, plot = FALSE)), "\n")
cat("B4", t(fa(small, nfactors = 3, rotate = "varimax", n.iter = 200)), "\n")
cat("B5", t(polychoric(ord, correct = 0)), "\n")
"""


def psych_times(workdir: Path, b3, b4, b5) -> dict | str:
    """Time psych on the same data with Rscript; the reason when R or psych is missing."""
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        return "Rscript not found (apt-get install r-cran-psych r-cran-gparotation to compare with psych)"
    for name, df in (("b3", b3), ("b4", b4), ("b5", b5)):
        df.to_csv(workdir / f"{name}.csv", index=False)
    script = workdir / "bench.R"
    script.write_text(R_SCRIPT, encoding="utf-8")
    run = subprocess.run(["Rscript", str(script), str(workdir)], capture_output=True, text=True)
    if run.returncode != 0:
        return f"psych failed: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else run.returncode}"
    return {line.split()[0]: float(line.split()[1]) for line in run.stdout.splitlines() if line.startswith("B")}


LAVAAN_SCRIPT = r"""
suppressMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(file.path(args[1], "b7.csv"))
m <- "F1 =~ q1 + q2 + q3\n F2 =~ q4 + q5 + q6\n F3 =~ q7 + q8 + q9"
invisible(cfa(m, data = d))
cat("B7", median(replicate(20, system.time(cfa(m, data = d))[["elapsed"]])), "\n")
"""

CFA_MODEL = {"F1": ["q1", "q2", "q3"], "F2": ["q4", "q5", "q6"], "F3": ["q7", "q8", "q9"]}


def lavaan_time(workdir: Path, data: pd.DataFrame) -> float | str:
    """lavaan's median time for the B9 model, or why it cannot be run."""
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        return "Rscript not found (apt-get install r-cran-lavaan to compare with lavaan)"
    data.to_csv(workdir / "b7.csv", index=False)
    script = workdir / "bench_lavaan.R"
    script.write_text(LAVAAN_SCRIPT, encoding="utf-8")
    run = subprocess.run(["Rscript", str(script), str(workdir)], capture_output=True, text=True)
    if run.returncode != 0:
        return f"lavaan failed: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else run.returncode}"
    return float(next(line.split()[1] for line in run.stdout.splitlines() if line.startswith("B7")))


def normal_items(n: int, blocks: int, per: int, seed: int) -> pd.DataFrame:
    """Continuous scores of ``blocks`` correlated factors with ``per`` items each."""
    rng = np.random.default_rng(seed)
    p = blocks * per
    lam = rng.uniform(0.5, 0.8, p)
    phi = np.full((blocks, blocks), 0.4) + 0.6 * np.eye(blocks)
    f = rng.multivariate_normal(np.zeros(blocks), phi, n)
    x = f[:, np.arange(p) // per] * lam + rng.standard_normal((n, p)) * np.sqrt(1 - lam**2)
    return pd.DataFrame(x, columns=[f"q{j + 1}" for j in range(p)])


def streaming_peak_memory(path: Path) -> float:
    """Peak resident memory (GB) of a fresh process that streams the CSV into moments."""
    import subprocess

    # VmHWM is this process's own high-water mark; ru_maxrss would carry over the parent's from the fork.
    code = (
        f"import cmanalytics as cma; m = cma.prepare_stream(r'{path}', chunksize=50_000); "
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024**2  # kB -> GB


def write_big_csv(path: Path, target_bytes: int) -> int:
    """Five-point answers to 60 items, appended in blocks until the file reaches target_bytes."""
    rows = 0
    block = likert(200_000, 60, 6, seed=9)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(",".join(block.columns) + "\n")
        while fh.tell() < target_bytes:
            fh.write(block.to_csv(index=False, header=False))
            rows += len(block)
    return rows


def bank_rules_times() -> tuple[float, float]:
    """B7: assign_clients on 100,000 clients and 1,000 managers in 40 units, half the clients with a current
    manager; B8: simulate_years on the seed-0 synthetic bank for 5 years. One run each (seconds)."""
    from cmanalytics.synthetic.bank import assignment_book, synthetic_bank

    c, m = assignment_book(0)
    t0 = time.perf_counter()
    cma.performance.assign_clients(c, m)
    t_assign = time.perf_counter() - t0
    bank = synthetic_bank(0)
    t0 = time.perf_counter()
    cma.performance.simulate_years(bank, years=5, seed=0)
    return t_assign, time.perf_counter() - t0


def import_times(repeat: int = 15) -> tuple[float, float]:
    """Median wall time of a fresh interpreter importing the package, and importing numpy, scipy and pandas."""
    import subprocess

    def run(code):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0

    ours, base = [], []
    for _ in range(repeat):  # interleaved, so that a busy moment weighs on both alike
        base.append(run("import numpy, scipy, pandas"))
        ours.append(run("import cmanalytics"))
    return statistics.median(ours), statistics.median(base)


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

    def rotations_and_map():
        m = cma.prepare(big)
        cma.efa(m, n_factors=6, method="pca", rotation="geominQ", seed=1)
        cma.velicer_map(m)

    t_b12 = median_time(rotations_and_map, repeat=3)
    rows.append((f"B12 {label}, geominQ (random starts) + MAP", t_b12, t_floor, "floor: X'X + eigh", 3.0))
    b13 = likert(500, 20, 4, seed=13)
    t_b13 = median_time(lambda: cma.omega(b13, n_factors=4, n_boot=1000, seed=1), repeat=1)

    # B3-B5 against psych (Rscript), B6 memory
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        b3 = likert(2_000 if args.quick else 20_000, 60, 6, seed=3)
        b4 = likert(112, 14, 3, seed=4)
        b5 = likert(5_000, 27, 3, seed=5)
        t_b3 = median_time(lambda: cma.parallel_analysis(b3, n_iter=1000, seed=1), repeat=3)
        t_b4 = median_time(lambda: cma.bootstrap(b4, 3, n_boot=2000, seed=1), repeat=3)
        t_b5 = median_time(lambda: cma.polychoric(b5), repeat=3)
        psych = psych_times(tmp, b3, b4, b5)
        missing_r = psych if isinstance(psych, str) else None
        get = (lambda key: psych[key]) if not missing_r else (lambda key: float("nan"))
        rows.append(
            (
                f"B3 parallel analysis, 1000 iterations, {len(b3):,} x 60",
                t_b3,
                get("B3"),
                "psych::fa.parallel, 20 iterations",
                0.3,
            )
        )
        rows.append(("B4 bootstrap, 2000 resamples, 112 x 14", t_b4, get("B4"), "psych::fa n.iter = 200", 1.0))
        rows.append(("B5 polychoric, 5,000 x 27", t_b5, get("B5"), "psych::polychoric", 0.25))
        b7 = normal_items(300, 3, 3, seed=7)
        t_b7 = median_time(lambda: cma.cfa(b7, CFA_MODEL), repeat=50, min_total=1.0)
        lav = lavaan_time(tmp, b7)
        missing_lavaan = lav if isinstance(lav, str) else None
        rows.append(("B9 CFA, 3 factors, 300 x 9", t_b7, float("nan") if missing_lavaan else lav, "lavaan::cfa", 0.25))
        b8 = pd.concat(
            [normal_items(5_000, 3, 9, seed=8).assign(group="a"), normal_items(5_000, 3, 9, seed=9).assign(group="b")],
            ignore_index=True,
        )
        b8_model = {f"F{k + 1}": [f"q{j + 1}" for j in range(9 * k, 9 * k + 9)] for k in range(3)}
        t_b8 = median_time(lambda: cma.invariance(b8, b8_model, group="group"), repeat=1)
        b9_model = {f"F{k + 1}": [f"q{j + 1}" for j in range(k, 27, 3)] for k in range(3)}
        t_b9 = median_time(lambda: cma.cfa(b5, b9_model, ordered=True), repeat=1)
        big = tmp / "big.csv"
        size = 200 * 1024**2 if args.quick else 2 * 1024**3
        n_rows = write_big_csv(big, size)
        t0 = time.perf_counter()
        peak = streaming_peak_memory(big)
        t_stream = time.perf_counter() - t0
        gb = big.stat().st_size / 1024**3

    t_assign, t_sim = bank_rules_times()
    t_import, t_import_base = import_times()

    lines = [
        "# Benchmarks",
        "",
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"{platform.machine()}; medians of repeated runs.",
        "",
    ]
    if missing_peer:
        lines += [f"**Peers missing**: {missing_peer}. Their columns are empty.", ""]
    if missing_r:
        lines += [f"**psych missing**: {missing_r}. B3-B5's comparison columns are empty.", ""]
    if missing_lavaan:
        lines += [f"**lavaan missing**: {missing_lavaan}. B9's comparison column is empty.", ""]
    lines += [
        "| benchmark | cmanalytics (s) | against (s) | against | ratio | target |",
        "| --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for name, ours, other, what, target in rows:
        ratio = ours / other if other == other else float("nan")
        verdict = "" if target is None else (f"<= {target:g} " + ("met" if ratio <= target else "**missed**"))
        lines.append(f"| {name} | {ours:.5f} | {other:.5f} | {what} | {ratio:.4f} | {verdict} |")
    verdict = "met" if peak < 0.5 else "**missed**"
    lines += [
        "",
        f"B6 streaming a {gb:.2f} GB CSV ({n_rows:,} rows x 60 items) into moments: peak memory "
        f"{peak:.3f} GB (target under 0.5 GB: {verdict}), {t_stream:.1f} s.",
    ]
    lines += [
        "",
        f"B7 client assignment with all the rules, 100,000 clients x 1,000 managers: {t_assign:.1f} s "
        f"(target under 60 s: {'met' if t_assign < 60 else '**missed**'}).",
        f"B8 simulate_years, the 9,380-staff synthetic bank over 5 years: {t_sim:.1f} s "
        f"(target under 10 s: {'met' if t_sim < 10 else '**missed**'}).",
        "",
        f"B10 invariance sequence (configural to strict), 2 groups x 5,000 x 27: {t_b8:.2f} s "
        f"(target under 10 s: {'met' if t_b8 < 10 else '**missed**'}).",
        "",
        f"B11 WLSMV, three factors, 5,000 x 27 five-point items: {t_b9:.2f} s "
        f"(target under 10 s: {'met' if t_b9 < 10 else '**missed**'}).",
        "",
        f"B13 omega with 1,000 bootstrap resamples, 500 x 20: {t_b13:.2f} s "
        f"(target under 5 s: {'met' if t_b13 < 5 else '**missed**'}).",
        "",
        f"B14 `import cmanalytics` {t_import:.3f} s against `import numpy, scipy, pandas` {t_import_base:.3f} s "
        f"in a fresh interpreter: adds {t_import - t_import_base:.3f} s "
        f"(target under 0.2 s: {'met' if t_import - t_import_base < 0.2 else '**missed**'}).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
