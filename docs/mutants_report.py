"""Write docs/mutants.md from the results mutmut keeps in mutants/ (run by `make mutants`).

For each module of the scope: how many mutants were killed, survived, had no test, timed out or were not run;
then every surviving mutant with its line in cmanalytics/psychometrics/, the mutation (the original line and
the mutated one) and why it survives. mutmut has no report of this shape (its `results` lists names only), so
the mutated functions are read back from the copies in mutants/ and compared with the originals.

Usage: python docs/mutants_report.py MODULE [MODULE ...] > docs/mutants.md  (sem modules as sem.fit)
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTATED = ROOT / "mutants" / "cmanalytics" / "psychometrics"
SOURCE = ROOT / "cmanalytics" / "psychometrics"
# mutmut's exit codes as it reports them (mutmut/__main__.py status_by_exit_code)
STATUS = {None: "not run", 0: "survived", 1: "killed", 3: "killed", 33: "no tests", 34: "skipped", 35: "suspicious"}
STATUS.update({36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 37: "caught by type check"})

# Why a mutant survives, by a pattern of the mutated line (first match wins). Equivalent mutants change no
# behaviour; the others are gaps in the tests, named as such.
REASONS = [
    (r"RangeIndex\(None, |RangeIndex\(top \+ 1, ", "equivalent: a RangeIndex starts at 0 by default"),
    (r"inv=None\)|key, \)$", "equivalent: the inverse is recomputed from R (same numbers, more time)"),
    (r"if power >= 0", "equivalent: _sym_power is never called with power 0"),
    (r"values <= 0, eps|values <= eps, 100", "equivalent: an eigenvalue exactly 0 (or eps) gets eps either way"),
    (
        r"101 \* eps|100 / eps|if power > 1:|np\.where\(None",
        "gap: the eigenvalue floor is reached only by an indefinite matrix, which no scoring test feeds in",
    ),
    (r"p \* \(p - 1\) / 2", "equivalent: p(p - 1) is even and df is made an int before it is used"),
    (r"bartlett_multiplier\(m\.n_obs, p\) < 0", "equivalent: n - 1 - (2p + 5)/6 = 0 needs 6n = 2p + 11, no whole n, p"),
    (
        r"bartlett_multiplier\(m\.n_obs, p\) <= 1",
        "equivalent: with n > p and the 3 items every analysis needs, n - 1 - (2p + 5)/6 >= 7/6",
    ),
    (r"tril_indices\(p, \)", "equivalent in law: the diagonal drawn here is overwritten by the chi draws"),
    (r"range\(0, n_iter, \)", "equivalent in law: overlapping batches overwrite rows with draws of the same law"),
    (
        r'method != "normal"|method == "XXnormalXX"|method == "NORMAL"|str = "XXwishartXX"|str = "WISHART"',
        "equivalent in law: the Wishart and raw-data routes draw the same random matrices in distribution",
    ),
    (
        r"n_obs [+-] [12]\) - np\.arange",
        "gap: Wishart df off by 1 or 2 moves mean eigenvalues below the MC test's 0.02",
    ),
    (r"chisquare\(df, (size=None)?\)", "gap: one chi draw shared by a batch; only an exact-stream test sees it"),
    (r"hermitian=", "equivalent: the pseudo-inverse of a symmetric matrix, by eigh or by SVD, same to rounding"),
    (r"r\.shape\[(\+1|-2)\]", "equivalent: the matrices are square (..., p, p), so these sizes are all p"),
    (r'einsum\("BNI', "equivalent: einsum's labels may be upper case; the same contraction"),
    (r"linalg\.inv\(None\)", "equivalent: the LinAlgError falls back to the pseudo-inverse, equal to the inverse here"),
    (r"gather\(data, corr, n_obs, \)|prepare\(data, method=", "gap: missing='pairwise' is not tried on this path"),
    # --- extraction and rotation (second session of mutation testing) ---
    (
        r"np\.where\(lam\[:k\] <= tiny, 100 \* tiny|\(lam\[:k\] > tiny\)\.astype\(float\)",
        "equivalent: a computed eigenvalue exactly eps (2^-52) does not occur",
    ),
    (
        r"np\.abs\(dl\) >= 1e-12, dh / dl, 0\.0|np\.abs\(dl\) > 1e-12, dh / dl, 1\.0",
        "equivalent: every entry with |dl| <= 1e-12 (diagonal, ties) is overwritten two lines below",
    ),
    (
        r"same = \(np\.abs\(dl\) < 1e-12\) & ~np\.eye",
        "equivalent: two eigenvalues exactly 1e-12 apart do not occur",
    ),
    (
        r"\(lam\[:k\] >= tiny\)\.astype\(None\)|\(~free\)\.astype\(None\) if weight",
        "equivalent: astype(None) is astype(float64)",
    ),
    (r"deriv\[:, None\] / np\.ones_like\(dl\)", "equivalent: dividing by ones is multiplying by ones"),
    (
        r'weighting: str = "wls", max_iter: int = 10001',
        "equivalent: L-BFGS-B stops within ~100 iterations here, never at the cap (and extract passes max_iter)",
    ),
    (
        r'weighting: str = "wls", max_iter: int = 10_000, n_random: int = 0, seed: int \| None = 1',
        "equivalent: the seed draws only random starts, and n_random defaults to 0 (extract passes both)",
    ),
    (
        r"active = np\.ones\(b_, (None)?\)",
        "equivalent: a float mask of ones and zeros selects as the boolean one (np.where, = False)",
    ),
    (r"active\[idx\[done\]\] = None", "equivalent: None stored in a boolean array is False"),
    (
        r"done = d_new <= d\[idx\] \* \(1 \+ eps\)",
        "equivalent: d_new = d(1 + eps) exactly only when both are 0 (B = 0: T stays I, the matrix as it is)",
    ),
    (r"b = np\.where\(free, 1\.0, target\)", "equivalent: b at a free loading is multiplied by its weight, 0"),
    (r"k \+ r\.shape\[1\]\)\)", "equivalent: R is square"),
    (
        r'_starts\(r, k, (None|"XXmlXX"|"ML"|"XXminresXX"|"MINRES"), n_random, seed\)',
        "equivalent: _starts tells only wls and gls apart from the other methods",
    ),
    (
        r"^max_iter: int = 10001,$|\*, max_iter: int = 10001, n_random: int = 3, seed",
        "equivalent: L-BFGS-B stops within ~100 iterations here, never at the 10 000 cap",
    ),
    (r"psi < PSI_LOWER \* \(1 \+ 1e-6\)", "equivalent: a uniqueness at the bound is .005 exactly, not .005(1 + 1e-6)"),
    (r"^bool\(None\),$", "gap: no ML solution with a retained eigenvalue below 1 (none in 3000 random matrices)"),
    (r"bool\(\(values\[:k\] <= 1\)\.any\(\)\)", "equivalent: a retained eigenvalue exactly 1.0 does not occur"),
    (
        r"^p = lam\.shape\[1\]$|^col = l2\.sum\(axis=None\)$|np\.sum\(l2\*\*2\) \+ gamma / p|gamma / p / np\.sum\(col"
        r"|gamma \* p \* np\.sum\(col|gamma / p \* np\.sum\(col (\* 2|\*\*3)\)|lam\*\*3 \+ \(gamma / p\)"
        r"|lam\*\*3 - \(gamma \* p\)",
        "equivalent: orthomax is built only with gamma = 0 (quartimax), where the gamma terms vanish",
    ),
    (
        r"col_other = l2\.sum\(axis=0, (keepdims=False)?\) - l2",
        "equivalent: a (k,) row of column sums broadcasts over the items as the (1, k) one",
    ),
    (r"\(l2 <= cut\)\.astype\(None\)", "equivalent: astype(None) is astype(float64)"),
    (
        r"normalize: bool, eps: float = 1\.00001, max_iter: int = 1000, start"
        r"|normalize: bool, eps: float = 1e-5, max_iter: int = 1001, start",
        "equivalent: the only caller, _best_start, passes eps and max_iter",
    ),
    (r"^if s <= eps:$", "equivalent: a gradient norm exactly eps does not occur"),
    (r"^for _ in range\(12\):$", "gap: no reference run exhausts GPArotation's 11 step halvings"),
    (
        r"if f_new <= f - 0\.5 \* s\*\*2 \* alpha|if f - f_new >= 0\.5 \* s\*\*2 \* alpha",
        "equivalent: f - s^2 alpha/2 rounds to f only if s^2 alpha/2 < ulp(f); s >= eps keeps it above",
    ),
    (
        r"def (x_)?promax(__mutmut_orig)?\(a: np\.ndarray, \*, power: int = \d, normalize: bool = \w+, max_iter",
        "equivalent: rotate, the only caller, passes power, normalize and max_iter",
    ),
    (r"varimax\(xw, max_iter=max_iter\)", "equivalent: varimax normalizes by default"),
    (
        r"varimax\(xw, normalize=True, \)",
        "gap: promax with a max_iter other than stats::varimax's 1000 has no reference",
    ),
    (r"np\.linalg\.lstsq\(x, q, \)", "equivalent: rcond=None is numpy 2's default"),
    # (third helper: test_mutants_extraction_rotation_2.py)
    (
        r"if info (== 0|!= 1):$|return np\.linalg\.eigh\(None\)",
        "equivalent: dsyevd does not fail (info != 0) on the finite symmetric matrices given, and numpy's eigh "
        "runs the same LAPACK routine",
    ),
    (
        r"np\.zeros\(r\.shape\[1\], bool\)|k / r\.shape\[1\]\)|np\.full\(r\.shape\[1\], 0\.5\)"
        r"|uniform\(0\.1, 0\.9, r\.shape\[1\]\)|PSI_UPPER\)\] \* r\.shape\[1\]",
        "equivalent: R is square (p x p)",
    ),
    (
        r"def (x_)?principal_axis(__mutmut_orig)?\(r: np\.ndarray, k: int, \*, max_iter: int = 10001",
        "gap: no test runs principal axis for 10 000 steps without converging",
    ),
    (
        r"^\s*(clipped = (None|True)|iterations = (None|1))$",
        "equivalent: overwritten in the first pass of the loop, which always runs (max_iter >= 1; with "
        "principal_axis(max_iter=0) the loadings are unbound either way)",
    ),
    (
        r"np\.clip\(x, PSI_LOWER, None\)",
        "equivalent: no start exceeds PSI_UPPER = 1 (SMC >= 0 so 1 - SMC <= 1; factanal's is smaller; random < 0.9)",
    ),
    (
        r"_minimize_from\(objective, r, k, max_iter, start, best, values, \)",
        "gap: _fit_uniquenesses with a gtol other than 1e-12 is not tested directly",
    ),
    (
        r"def (x_)?_minimize_from(__mutmut_orig)?\(objective, r, k, max_iter, start, best, values, gtol=1\.0",
        "equivalent: _fit_uniquenesses, the only caller, always passes gtol",
    ),
    (
        r'^\s*method=(None|"l-bfgs-b"),$',
        "equivalent: scipy lower-cases method names and picks L-BFGS-B itself for a bounded, unconstrained problem",
    ),
    (
        r'"ftol": 1e-16 if (\(gtol <= 1e-12\) (and False|or True)|gtol < 1e-12|gtol <= 1\.000000000001'
        r'|gtol <= 1e-12 else gtol( \* 2|\*\*3))|"maxcor": 21',
        "gap: L-BFGS-B's ftol and memory change only the last digits of the optimum, which no test pins",
    ),
    (
        r"res\.fun <= best\.fun - 1e-12|f <= best\.criterion - 1e-8|if s <= eps:|if f - f_new >= 0\.5",
        "equivalent: floating-point values exactly equal to these thresholds do not occur",
    ),
    (
        r"res\.fun < best\.fun - 1e-12 (/ max\(1\.0|\* max\(2\.0)"
        r"|f < best\.criterion - 1e-8 (/ max\(1\.0|\* max\(2\.0)",
        "gap: the size of the tie tolerance between starts (no test has two starts within 1e-12/1e-8 to twice "
        "that, or a criterion above 1)",
    ),
    (
        r"eps: float = 1e-5, max_iter: int = 1001, start",
        "equivalent: _best_start, the only caller, always passes max_iter",
    ),
    (
        r"gamma / p \* np\.sum\(col\*\*3\)",
        "equivalent: orthomax is built only with gamma = 0 (quartimax), where the gamma terms vanish",
    ),
    # third session: the survivors of pass 3 read
    (
        r"lapack\.dgesdd\(None\)",
        "equivalent: dgesdd of None reports a failure (info != 0) and the fallback, numpy's SVD, gives the same numbers",
    ),
    (r"if info == 0:|if info != 1:", "equivalent: numpy's SVD calls the same LAPACK routine (same numbers)"),
    (r"np\.linalg\.svd\(None\)", "equivalent: unreachable, dgesdd does not fail on the finite k x k matrices here"),
    (r"w\[w == 0\] = 2\.0", "equivalent: an all-zero row divided by 2 and multiplied back by 2 is still 0"),
    (r"if d <= d_past \* \(1 \+ eps\)", "equivalent: at d == d_past both tests hold (d_past (1 + eps) > d_past)"),
    (
        r"return principal_components\(r, k, (None)?\)",
        "equivalent: eig is r's own decomposition, recomputed when not given",
    ),
    (r"max_iter or 10001", "equivalent: every fit converges long before the ceiling of 10,000 iterations"),
    (
        r"seed: int \| None = 1,",
        "equivalent to the tests' tolerance: another default seed moves only the random starts (ml), whose best "
        "reaches the same minimum",
    ),
    (r"free = \(psi >= PSI_LOWER", "equivalent: no uniqueness ends exactly at 0.005 (1 + 1e-9)"),
    (
        r"free = \(psi > PSI_LOWER \* \((2 \+ 1e-9|1 \+ 1\.000000001)\)\)",
        "gap: no fit ends with a uniqueness in (0.005, 0.01], where the gradient check would be skipped",
    ),
    (
        r"psi <= PSI_UPPER|PSI_UPPER / \(1 - 1e-9\)|PSI_UPPER \* \(1 \+ 1e-9\)|PSI_UPPER \* \(2 - 1e-9\)",
        "gap: no fit ends with a uniqueness held at its upper bound 1 while the gradient pushes beyond it",
    ),
    (r"initial=None\)\)|np\.abs\(best\.jac\[free\]\), \)\)", "gap: no fit with every uniqueness at a bound is tried"),
    (r"converged = grad <= 1e-6", "equivalent: a gradient of exactly 1e-6 does not occur"),
    (
        r"np\.eye\(k\) if \(phi is None\) or True",
        "equivalent: residual_matrix's callers (efa, model_fit from efa) pass no phi",
    ),
    (
        r'^deleted: method="L-BFGS-B",$',
        "equivalent: scipy's minimize picks L-BFGS-B by itself when bounds are given",
    ),
    (r"np\.abs\(off\) >= 0\.05", "equivalent: a residual of exactly 0.05 does not occur"),
    # --- end extraction and rotation ---
    # --- scores, adequacy, retention, preparation (second session) ---
    # moved here from the top of the list: random_correlations does not lower-case its method, and its
    # default "WISHART" is now taken by the "equivalent in law" pattern above
    (r'method: str = "[A-Z]+"', "equivalent: the method's name is lower-cased before it is looked up"),
    (
        r"np\.any\(uniquenesses < 1e-12\)",
        "equivalent: a uniqueness of exactly 1e-12 is not produced by a fit (0 and positive ones are tested)",
    ),
    (r"inv\.shape\[(\+1|-2)\]", "equivalent: the matrices are square (..., p, p), so these sizes are all p"),
    (r'check_whole\("n_iter", n_iter, \)', "equivalent: check_whole's minimum defaults to 1"),
    (
        r"return check_definite\(m, \)$",
        "equivalent: polychoric(smooth=True) has smoothed the matrix already, which the check then passes",
    ),
    (
        r"notes = res\.warnings if \(res\.smoothed\) or True",
        "gap: no polychoric matrix with its smallest eigenvalue in (-1e-8 p, 0] (warned, yet passed) is tried",
    ),
    # --- end scores, adequacy, retention, preparation ---
    # --- the other numerics modules (second session) ---
    (
        r"phi if \(phi is not None\) and False|residual_matrix\(r, loadings, (None)?\)$",
        "equivalent: model_fit's only caller (efa) passes phi=None, the fit of the unrotated solution",
    ),
    # --- H2 inputs/agreement/consistency ---
    (
        r"append\(np\.full\(n_items, None\)\)",
        "equivalent: pandas builds the per-group rows into float64 columns, None becoming NaN",
    ),
    (
        r"np\.asarray\(probabilities, (None)?\)$",
        "equivalent: numpy infers a numeric dtype from numbers, and 0/1 integers give the same variance",
    ),
    (r"^if alpha < 0:$", "equivalent: alpha = 0 gives l1 >= 1/(1 - 0) = 1 either way"),
    (
        r"rest <= -1e-12 or top_sum|top_sum <= k - 1e-12|top_sum <= lambda1_min - 1e-12|a <= b - 1e-12\)",
        "equivalent: an eigenvalue sum exactly 1e-12 from its bound (to the last bit) does not occur",
    ),
    (r"check_whole\(name, value, \)", "equivalent: check_whole's minimum defaults to 1"),
    (
        r"^ok = True$",
        "equivalent: a variance outside (0, 100] also leaves no feasible spectrum, which sets ok False below",
    ),
    (r"max_log_det\(p, None, lam1(_min)?, None\)", "equivalent: without a variance max_log_det does not use k"),
    (r"^if hi >= lo:$", "equivalent: with hi = lo the bounded search returns lo, already a candidate"),
    (
        r'minimize_scalar\(f, bounds=\(lo, hi\), (method=None, |method="BOUNDED", )?options=\{"xatol"',
        "equivalent: scipy's minimize_scalar takes method='bounded' when bounds are given, and lower-cases it",
    ),
    (
        r"elif chi2 \+ h_chi <= var_only:|if best_logdet\(lo\) <= need:|if best_logdet\(hi\) > need:",
        "equivalent: a chi-square equal to the bound to the last bit does not occur (at hi, brentq returns hi)",
    ),
    (r"hi = top if \(k == 1\) and False", "equivalent: with k = 1 the other branch is top - 0 * (...) = top"),
    (r"best_logdet\(l1\) - need, lo, hi, \)$", "equivalent: brentq's default xtol (2e-12) gives the root to 1e-12"),
    # inputs
    (
        r"keep = values >= SINGULAR_TOL|np\.min\(values\) <= SINGULAR_TOL|if asym\.max\(\) >= tol:|if d\.max\(\) >= tol:"
        r"|np\.abs\(r\)\.max\(\) >= 1 \+ tol:|if lam_min <= -1e-8 \* p:|if lam > -DEFINITE_TOL|w <= 1e-12, 1e-10"
        r"|memory >= 0\.8 \* available|low <= 2\.0\*\*-_SAFE|\(var >= 0\)\.all\(\)",
        "equivalent: a value exactly at this bound (to the last bit) does not occur",
    ),
    (
        r"^return np\.linalg\.pinv\(r, \)$",
        "equivalent: the pseudo-inverse of a symmetric matrix, by SVD, same to rounding",
    ),
    (
        r'in "XXbiufXX"|!= "XXfXX"|kind != "f" and not x\.size',
        "equivalent: a dtype's kind is one character ('X' is none); integers never reach 2^64",
    ),
    (
        r"^x = x\.astype\(None\)$|np\.asarray\(x, (dtype=None)?\)|np\.asarray\(x\[: min\(n, rows\)\], (dtype=None)?\)"
        r"|response_matrix\(data, min_items=min_items, (as_float=(None|True))?\)$"
        r"|corr\.to_numpy\((dtype=None, )?na_value=np\.nan\)|corr\.to_numpy\(dtype=np\.float64, (na_value=None)?\)"
        r"|data\.to_numpy\(dtype=np\.float64, (na_value=None)?\)$",
        "equivalent: the values end up float64 either way (astype(None) is float64; pandas 3 gives NaN for NA)",
    ),
    (r"^x\.flags\.writeable = None$", "equivalent: numpy reads None as False"),
    (r"ok\.to_numpy\(dtype=None\)", "equivalent: the mask is boolean either way"),
    (
        r"data\.to_numpy\(\) if \(data\.shape\[1\]\) or True",
        "equivalent: a frame without columns reads as a (n, 0) float array either way",
    ),
    (
        r"errstate\(all=None\)",
        "equivalent: nothing there warns (abs, fmax/fmin and the BLAS products of inf/NaN raise no numpy warning)",
    ),
    (
        r"np\.f(max|min)\.reduce\((a|np\.where\(a > 0, a, np\.inf\)), (axis=None)?\)\)"
        r"|\(low < 2\.0\*\*-_SAFE_EXPONENT\) & \(top >= 0\)|np\.isfinite\(top\), top, 1\.0\)",
        "equivalent: units come from each column's top (default axis 0); a tiny value marks a column with top > 0; an "
        "infinite column is refused later",
    ),
    (
        r"^streamed = None$|direct = None$|_direct_moments|for start in range\(n, rows\):|gram [-]?= chunk\.T @ chunk"
        r"|np\.isfinite\(sums\)|^means = sums \* n$|^var = np\.diag\(cross\) / \(n [+-] [12]\)$"
        r"|\(var > [01]\)\.all\(\) or \(means|means \* 2 / var|means\*\*3 / var|means\*\*2 / var\)\.max\(\) >= "
        r"|if x\.dtype != np\.float64:|^if n < rows:",
        "equivalent: only the pass taken changes (direct, shifted or in one chunk: the same moments)",
    ),
    (
        r"d = xc\.sum\(axis=None\) / n|cov = \(gram \+ n \* np\.outer\(d, d\)\)|return shift - d, \(cov"
        r"|np\.isfinite\(gram\)\.all\(\) or np\.isfinite\(d\)",
        "equivalent to rounding: in one chunk the shift is the column mean, so d is rounding (1e-16 of it)",
    ),
    (
        r'^order = ("F" if|"XXFXX" if|"f" if)|p \+ 1\), order=None\)$|p \+ 1\), \)$'
        r"|return max\((257|256), \((1 >> 20|2 << 20|1 << 21|1 << 20)\) // \([89] \* p\)\)",
        "equivalent: the buffer's memory layout and the chunk size change only the speed",
    ),
    (
        r"floor = 1e-12 \* np\.abs\(means\) if \(means is not None\) or True|if means is not None else 1\.0$"
        r"|pairwise_n=None|int\(n_obs\), None, missing, n_rows\)$",
        "equivalent: _check_variance always gets the means; _finish always gets pairwise_n=None",
    ),
    (
        r"corr\.flat\[:: len\(sds\) \+ 1\] = 2\.0|if np\.abs\(corr\)\.max\(\) >= 1\.0:",
        "equivalent: the clip to [-1, 1] that follows restores a unit diagonal (and is a no-op within range)",
    ),
    (r"^p = r\.shape\[1\]$", "equivalent: the matrix is square (p x p) by then"),
    (
        r"^size_guard\((None|1), p\)$",
        "gap: a correlation matrix of more than 3000 items (the guard's row count) is too slow for the tests",
    ),
    (
        r"^w = w \* len\(w\) \* w\.sum\(\)$|^w = w / len\(w\) / w\.sum\(\)$",
        "equivalent: a constant factor on the eigenvalues cancels when the diagonal is brought back to 1",
    ),
    (
        r"np\.asarray\(x, (dtype=None)?\) / units",
        "equivalent: units exist only for float data, already float64",
    ),
    # --- end H2 ---
    # --- H5 sem engine ---
    (
        r'opts\.get\("missing", (None|"XXlistwiseXX"|"LISTWISE")?\)|opts\.get\("information", (None|"XXexpectedXX"|"EXPECTED")?\)',
        "equivalent: a fit's options always hold 'missing' and 'information', so the default of get() is never used",
    ),
    (
        r'if op == "~" and rhs == "XX1XX"|if op == "XX~XX" and rhs == "1"'
        r'|if op == "~" and rhs == "1":$|op, rhs = (None|"XX~1XX"|"~1"), (None|"XXXX"|"")$|^op, rhs = None$',
        "equivalent: _canonical's '~' branch with rhs '1' is dead code: a spec ending in '~1' is split on '~1' first",
    ),
    (r"delta: bool = True", "equivalent: _group_rows's only caller passes delta"),
    (
        r'if name != "(MODEL|XXmodelXX)" and d_df else np\.nan',
        "equivalent: the model's own row has delta df 0, so its delta p-value is NaN either way",
    ),
    (
        r"holds = dcfi >= delta_cfi and drmsea < delta_rmsea|holds = dcfi > delta_cfi and drmsea <= delta_rmsea",
        "equivalent: a change in CFI or RMSEA exactly equal to its cut-off (to the last bit) does not occur",
    ),
    (r"\{101 \* METHOD_SHARE:\.0f\}%", "equivalent: 101 x 0.25 = 25.25 prints as 25 with no decimals, as 100 x 0.25"),
    (r"have = np\.zeros\(table\.n_free, \)", "equivalent: start_values's 'have' as float 0/1 tests as the bool one"),
    (
        r'for op in \("=~", "~~", "XX~1XX", "~"\)',
        "equivalent: without '~1' a spec 'x3 ~ 1' is split on '~' and _canonical's next line makes it '~1'",
    ),
    (
        r"1\.0 if \(std_lv or e in st\.lv\) else np\.nan\)|1\.0 if \(std_lv and e in st\.lv\) else None\)",
        "equivalent: the value of a free row is never read (starts come from start_values; fixing a row sets it)",
    ),
    (r"eigvalsh\(\(cov \+ cov\.T\) / 2\)\[0\] <= 0", "equivalent: a latent eigenvalue exactly 0.0 does not occur"),
    (r"den >= 1e-8 \* c", "equivalent: a denominator exactly 1e-8 c (to the last bit) does not occur"),
    (
        r"np\.abs\(r\)\.max\(\) / max\(h\.shape\) \* 1e-12",
        "equivalent: R's diagonal is O(1) or rounding (1e-16) relative to its largest; 1e-12 k and 1e-12/k split them alike",
    ),
    (
        r"np\.minimum\(x \* x, _BIG \* 2\)",
        "equivalent: changes phi(x) only for 8.7 < |x| < 38, from below 3e-17 to exp(-38)/sqrt(2 pi): rounding level",
    ),
    # --- end H5 ---
    # --- H1 sem.estimation/fit/power/inference ---
    (
        r"if rmsea0 <= rmsea_a:",
        "equivalent: rmsea0 == rmsea_a is refused by _check before this line",
    ),
    (
        r"if \(rmsea0 > 0\) or True else stats\.chi2|if rmsea0 >= 0 else stats\.chi2"
        r"|if \(rmsea_a > 0\) or True else stats\.chi2|if rmsea_a >= 0 else stats\.chi2",
        "equivalent: scipy's ncx2 with non-centrality 0 is its chi2 (the same numbers, checked)",
    ),
    (r"hit = np\.flatnonzero\(pw >= power\)", "equivalent: a power exactly equal to the target is not met in floats"),
    (
        r"if block\[-2\] > 10_000_000|if block\[-1\] >= 10_000_000|if block\[-1\] > 10000001",
        "equivalent: the search stops after the same block, the first to end past 10 million (10,000,004)",
    ),
    (r"reshape\(q, -2\)", "equivalent: numpy infers the one dimension given as any negative number"),
    (r"while t >= 1e-12:", "equivalent: the step length halves from 1 and never equals 1e-12"),
    (
        r"and abs\(fn - f\) < 1e-13 \* max\(1\.0, abs\(f\)\)",
        "equivalent: |F(trial) - F| exactly equal to 1e-13 max(1, |F|) does not occur",
    ),
    (r"if quasi is None and gmax <= 1e-3:", "equivalent: a largest gradient of exactly 1e-3 does not occur"),
    (
        r'def information\(disc, theta: np\.ndarray, kind: str = "(XXexpectedXX|EXPECTED)"\)',
        "equivalent: information()'s only caller (fitting._vcov) always passes kind",
    ),
    (r"return n / 2 \* disc\.evaluate\(theta, \)\[2\]", "equivalent: Discrepancy.evaluate's need defaults to 2"),
    (
        r'w = disc\._wgt\[g\]\.ravel\(order=(None|"f")\)',
        'equivalent: the ULS weight matrix is symmetric, so C and F order give one vector (numpy reads "f" as "F")',
    ),
    (
        r"1 - max\(t1, 0\.0\) / max\(t1, t2, \)$",
        "equivalent: max(t1, t2) < 0 only when both are negative, the branch before",
    ),
    (r"    if not t >= 0:$|^if not t >= 0:$", "equivalent: at t = 0, P(chi2 <= 0) - prob < 0 returns the same 0"),
    (
        r"if \(lam > 0\) or True else special\.chdtr|if lam >= 0 else special\.chdtr",
        "equivalent: chndtr at non-centrality 0 is chdtr to 5e-14 (relative), far inside brentq's tolerance",
    ),
    (
        r"if f\(0\.0\) <= 0:|hi = max\(t, 2\.0\)|while f\(hi\) >= 0:|hi \*= 3",
        "equivalent: the bracket of the root (its start, growth, ties at exactly 0); brentq finds the same root to 1e-12",
    ),
    (
        r"brentq\(f, 0\.0, hi, rtol=1e-14\)|brentq\(f, 0\.0, hi, xtol=1e-12, \)",
        "equivalent: brentq's default xtol (2e-12) or rtol (9e-16) moves the bound by ~1e-12 in lambda",
    ),
    (
        r'^with np\.errstate\((divide=None, invalid="ignore"|divide="ignore", invalid=None|invalid="ignore"|divide="ignore", )\):$',
        "gap: no test divides by a zero (co)variance here (e.g. standardized() of a zero variance), where numpy warns",
    ),
    (
        r"both = is_lv\[r\.i\] or is_lv\[r\.j\]",
        "gap: no lavaan case has a covariance between a latent variable and an observed one in a regression",
    ),
    # --- end H1 ---
    # --- H4 validity/efa/ordinal ---
    (
        r'np\.argsort\(-var, (kind=None|kind="STABLE")?\)$',
        "equivalent: a stable sort differs only for two factors explaining exactly the same variance (no tie occurs)",
    ),
    (
        r'eig=m\.eigh if \(method == "pca"\) and False else None,$|^eig=None,$|^eig=m\.eigh if (\(method == "pca"\) or True'
        r'|method == "XXpcaXX"|method == "PCA") else None,$|^deleted: eig=m\.eigh if method == "pca" else None,$',
        "equivalent: extract() uses eig for components only, and without it makes the same one of the same matrix",
    ),
    (
        r"^h, k, r = np\.broadcast_arrays\(np\.asarray\(h, (float|None|)\), np\.asarray\(k, (float|None|)\), "
        r"np\.asarray\(r, (float|None|)\)\)$",
        "equivalent: np.clip to the float bounds +-38.0 makes h and k float; an integer correlation is 0 or +-1",
    ),
    (
        r"^seed=None,$|^deleted: seed=seed,$",
        "gap: the starts' seed matters only where random starts reach different optima; no such case is tried",
    ),
    (
        r"^d = \(13 - hki\) / 80$",
        "gap: Genz's series coefficient changes P by at most 9e-16 (rounding level, checked on a grid of h, k, r)",
    ),
    (
        r"v = np\.where\(hki > -101, v - np\.exp\(-hki / 2\)|^ok = asr2 >= -100$",
        "equivalent: at h k near -100 the term is exp(50) Phi(-|h - k|/a) with |h - k| >= 20, 0 in floats; "
        "asr2 exactly -100 does not occur",
    ),
    (
        r"^ok = \(codes\[a\] >= 0\) \| \(codes\[b\] >= 0\)$|ok\.sum\(\) > 2 else 1\.0$",
        "equivalent at convergence: only Fisher scoring's start changes (pairwise missing; a pair of 2 answers)",
    ),
    (
        r"^for _half in range\(31\):$",
        "equivalent: a step improves within 30 halvings (2^-30); the 31st is never reached",
    ),
    (
        r"^if len\(xt\.start_objectives\) >= 1:$|worse = values >= xt\.objective \+ START_AGREEMENT"
        r"|\(xt\.communalities > 1 - HEYWOOD_TOL\)",
        "equivalent: one start cannot end above itself; a criterion or communality exactly at the bound does not occur",
    ),
    (
        r"psych's start ended higher|PSYCH'S START|\+ \"XX, XX\"\.join\(f\"\{v:\.6g\}\"",
        "gap: no case where minres's starts end at different optima is tried (the disagreement's message)",
    ),
    (
        r"default = 10 if \(rotation in MULTIMODAL\) and False else 0",
        "gap: the default random starts of multimodal rotations change the result only where starts disagree",
    ),
    (
        r"^key\[key == 0\] = None$|^g, groups = g \* key, groups / key\[:, None\]$",
        "equivalent: the key is +-1 (dividing is multiplying); a general loading exactly 0 does not occur",
    ),
    (
        r"start=np\.clip\(psi0, 0\.005, None\)",
        "equivalent: the uniquenesses 1 - h2 never exceed 1 (h2 >= 0), so the upper clip is idle",
    ),
    (
        r'^with np\.errstate\(invalid="ignore"\):$',
        "equivalent (the errstate around ep, terms): (h - k)^2 >= -4hk makes asr2 < 0, so exp cannot overflow there",
    ),
    (
        r"^if data is None and not m\.from_data:$",
        "equivalent: data is None exactly when the moments come from corr= (gather takes one or the other)",
    ),
    (
        r'str\(rotation\)\.lower\(\) == "NONE" else ROTATION_ALIASES|str\(rotation\)\.lower\(\) == "XXnoneXX" else ROTATION',
        "equivalent: ROTATION_ALIASES has no 'none', so .get() gives None (no rotation) either way",
    ),
    (r"zip\(names, key\) if s < 1\)", "equivalent: the key is +-1, so s < 1 is s < 0"),
    (
        r"_omega_bootstrap\(data, m, int\(n_factors\), option, None,",
        "gap: no bootstrap with reverse-keyed items (flip=None reverses none)",
    ),
    (
        r'_extraction_diagnostics\(xt, "minres", None, warnings\)',
        "gap: no omega with a Heywood case (the items' names)",
    ),
    # --- end H4 ---
    # --- lead: sem.diagram (third session) ---
    (r"plt\.subplots\(figsize=", "style: the figure's size is appearance, not content (untested)"),
    (
        r"ax\.set_[xy]lim\(",
        "style: the margins around the drawing (tested only in that everything drawn lies within the axes)",
    ),
    (r'ax\.axis\("OFF"\)', "equivalent: matplotlib reads 'OFF' as 'off'"),
    (r"fill=None,", "equivalent: fill=None is false, as fill=False"),
    # --- end lead: sem.diagram ---
    # --- H3 resampling/reliability ---
    (
        r"^p = c\.shape\[(\+1|-2|1)\]$|^q = r\.shape\[1\] - 1$",
        "equivalent: the covariance and correlation matrices are square (..., p, p), so these sizes are all p",
    ),
    (
        r"s = r\.sum\(\) - 2 \* r\.sum\(axis=1\) \+ 1|^col = c\.sum\(axis=1\)$|\"std_r\": r\.sum\(axis=1\) /"
        r"|c_max = \(\(off\*\*2\)\.sum\(axis=1\)\)",
        "equivalent: R and C are symmetric: their row sums are their column sums",
    ),
    (
        r"inv\(sub\)\) if (\(q > 1\) or True|q >= 1) else np\.zeros\(q\)|inv\(sub\)\) if q > 1 else np\.zeros\(None\)",
        "equivalent: _dropped_item_stats returns before its loop when p < 3, so q = p - 1 >= 2 there",
    ),
    (
        r"low\.var\(ddof=1\) if low\.size > 2 else",
        "equivalent: the q(q - 1)/2 correlations left when an item is dropped are never exactly 2",
    ),
    (
        r"response_matrix\(data, min_items=2, (as_float=(None|True))?\)$",
        "equivalent: as_float=False only spares a float copy of integer answers; the moments are the same",
    ),
    (
        r"cov=m\.cov / flip|corr=m\.corr / flip|r = m\.corr / np\.outer\(sign, sign\)|r = r / np\.outer\(keys, keys\)"
        r"|-1\.0 if n not in reverse else 1\.0",
        "equivalent: the signs are +-1 (dividing by them is multiplying; negating all of them leaves DRD as it is)",
    ),
    (
        r"v = vectors\[:, -1\] / np\.sqrt\(max\(values\[-1\], 0\.0\)\)"
        r"|v = vectors\[:, -1\] \* np\.sqrt\(max\(values\[(-1\], 1\.0|-2\], 0\.0|\+1\], 0\.0)\)\)",
        "equivalent: only the signs of the component are kept and these scale it by a positive number "
        "(0 only for an R of rank 1 or p - 2, whose split halves then fail on the inverse)",
    ),
    (
        r"if v\.sum\(\) <= 0:|return np\.where\(v <= 0, -1\.0, 1\.0\)",
        "equivalent: a component summing to exactly 0 does not come out of eigh (a loading of exactly 0 is tested)",
    ),
    (r"halves\.astype\(None\)|counts = rng\.multinomial\(.*\.astype\(None\)", "equivalent: astype(None) is float64"),
    (r'einsum\("SI,IJ,SJ->S"|einsum\("BN,NI,NJ->BIJ"|einsum\("BPI,PJ->BIJ"', "equivalent: upper-case einsum labels"),
    (
        r"special\.comb\(p, half, (exact=(None|False))?\) / 2",
        "equivalent: C(p, p/2) is exact in float for any p an analysis meets (below 2^53)",
    ),
    (
        r"rows = np\.zeros\(\(n_(splits|sample), p\), (None)?\)$",
        "equivalent: a float 0/1 matrix selects the same items as a boolean one",
    ),
    (r"argsort\(rng\.random\(\(n_sample, p\)\), \)", "equivalent: argsort's default axis is the last, 1 here"),
    (r"zip\(names, keys\) if k (<= 0|< 1)\)", "equivalent: the keys are -1 or +1"),
    (
        r"m = gather\(data, corr, n_obs, missing=missing, \)$",
        "equivalent: gather's min_items defaults to 3",
    ),
    (r'rotation: str \| None = "VARIMAX"', "equivalent: the rotation's name is lower-cased before it is looked up"),
    (
        r"response_matrix\(data, \)$",
        "equivalent: response_matrix's min_items defaults to 3",
    ),
    (
        r"x\[rows\], names, None, k, key, rot, diagnosed|moments_from_array\(x, names, None\)$",
        "equivalent: None is read as pairwise, and under listwise the rows with holes were dropped before resampling",
    ),
    (
        r"warnings\.warn_explicit\(|warnings\.simplefilter\(\"always\", \)",
        "gap: no test has a resample raise a warning that is not the package's (re-warned to the caller)",
    ),
    (
        r"isinstance\(exc, np\.linalg\.LinAlgError\)\) and False",
        "gap: no test has a resample fail with numpy's LinAlgError (a singular matrix)",
    ),
    (
        r"xc = x \+ x\.mean\(axis=0\)|xc = x - x\.mean\(axis=None\)",
        "equivalent: the weighted covariance does not depend on the shift (centering only limits rounding)",
    ),
    (
        r"mean\[:, None, :\]\) (\* \(n - 1\)|/ \(n \+ 1\))$",
        "equivalent: a common factor of the covariances leaves alpha and R as they are; a flat item's variance is 0 "
        "to rounding (about 1e-16 of the data's), below the 1e-6 cut with the factor too (1000 respondents tested)",
    ),
    (r"np\.finfo\(None\)\.eps", "equivalent: np.finfo(None) is float64's"),
    (
        r"take_along_axis\(draws, best\[:, None, :\], \)",
        "equivalent: take_along_axis's axis defaults to the last (numpy 2.4), 2 here",
    ),
    (r"np\.where\(den > 0, den, 2\.0\)", "equivalent: den is 0 only for a zero column, whose num is 0 too"),
    (r"return out / signs\[:, None, :\]", "equivalent: the signs are +-1 (0 was set to 1 the line before)"),
    (
        r'\.rstrip\("XX\.XX"\)',
        "equivalent: rstrip takes a set of characters, and no warning class's first line ends in X",
    ),
    (r'check_whole\("n_boot", n_boot, \)', "equivalent: check_whole's minimum defaults to 1"),
    (
        r"flat = np\.argwhere\(sd < 1e-6 \* xc\.std\(axis=0\)\)",
        "equivalent: a resample's standard deviation exactly at the 1e-6 cut does not occur (a flat item's is ~0)",
    ),
    (r'if rotation == "varimax" and k >= 1:', "equivalent: varimax of a single factor leaves it as it is"),
    # --- end H3 ---
    # --- numerics (fourth session) ---
    (
        "return np\\.clip\\(out, 0\\.0, (None|2\\.0)\\)",
        "equivalent: bvn_upper's sum never exceeds 1 in floats (20,000 random limits down to -40, every band and |r| up to 1: the largest value is exactly 1.0), so the upper clip never acts",
    ),
    (
        "for lo, hi, order in \\(\\(0\\.0, 1\\.3, 6\\)",
        "equivalent: for |r| <= 1 the later bands overwrite the rows the widened first band takes; |r| >= 1.01 is outside the domain (bvn_upper now gives nan there, and test_mutants_numerics_3_domain kills this once the mutants are regenerated from the fixed source)",
    ),
    (
        "for lo, hi, order in \\(\\(0\\.0, 0\\.3, 6\\), \\(0\\.3, 1\\.75, 12\\)",
        "equivalent: for |r| <= 1 the last band overwrites the rows the widened second band takes; |r| >= 1.01 is outside the domain (nan since the fix; test_mutants_numerics_3_domain kills it once the mutants are regenerated)",
    ),
    (
        "for lo, hi, order in \\(\\(0\\.0, 0\\.3, 6\\), \\(0\\.3, 0\\.75, 12\\), \\(0\\.75, 2\\.01, 20\\)",
        "equivalent: only |r| in [1.01, 2.01) changes band, outside the domain (nan since the fix; test_mutants_numerics_3_domain kills it once the mutants are regenerated)",
    ),
    (
        "sel = \\(ar >= lo\\) \\| \\(ar < hi\\)",
        "equivalent: every band takes every row and the last (order 20, the most accurate) overwrites them: the same values to 1e-16 for |r| <= 1 (for |r| >= 1.01, nan since the fix: test_mutants_numerics_3_domain kills it once regenerated)",
    ),
    (
        "sel = \\(ar >= lo\\) & \\(ar <= hi\\)",
        "equivalent: r exactly 0.3 or 0.75 is also taken by the lower band, then overwritten by its own",
    ),
    (
        "mid = np\\.abs\\(rr\\) <= 0\\.925",
        "equivalent: at exactly |r| = 0.925 the two formulas of Genz agree to 1.1e-16 (the tests include the edge)",
    ),
    (
        "ok = asr2 (>= -100|> -101)",
        "equivalent: Genz's cut-off for absolute accuracy: the terms it drops are below exp(-100) = 4e-44",
    ),
    (
        "v = np\\.where\\(asr (>= -100|> -101), a \\* np\\.exp\\(asr\\)",
        "equivalent: Genz's cut-off for absolute accuracy: the series term it drops is below exp(-100) = 4e-44",
    ),
    (
        'with np\\.errstate\\((over=None, invalid="ignore"|over="ignore", invalid=None|invalid="ignore"|over="ignore", )\\):',
        "equivalent (the second errstate of _bvn_high, the quadrature): with limits clipped to +-38 and |r| > 0.925, its exponent -(hk/2) xs/(1+rs)^2 stays below 8 (xs <= (1-0.925^2)/4) and rs = sqrt(1 - xs) is real: no overflow, no invalid value; the same mutations of the first errstate are killed (exp(-hk/2) overflows for hk < -1420)",
    ),
    (
        "np\\.exp\\(np\\.where\\(ok, asr2, 1\\.0\\)\\)",
        "equivalent: the masked exponent is discarded by the outer np.where, and exp(1) cannot overflow",
    ),
    ("neg = r <= 0$", "equivalent: _bvn_high only receives |r| >= 0.925, never r = 0"),
    ("pos = None$", "equivalent: res[None] = ... assigns every row, and the negative-r rows are overwritten next"),
    (
        "lower = np\\.where\\(hn (<= 0|< 1), _phi\\(kn\\) - _phi\\(hn\\)",
        "equivalent: both branches are the same probability, Phi(k) - Phi(h) = Phi(-h) - Phi(-k); they differ by a rounding (1.1e-16 at most over 3000 random points)",
    ),
    (
        "res\\[neg\\] = np\\.where\\(hn > kn, -bn, lower - bn\\)",
        "equivalent: at h = k the interval is empty, lower = 0, and both branches give -bn",
    ),
    (
        "with open\\(path, \\) as fh:",
        "gap: with a UTF-8 locale (this machine's) pandas reads the text handle as the byte one; on another locale it would decode with that locale: untested",
    ),
    (
        "x, _ = response_matrix\\(chunk, (min_items=2)?\\)$",
        "equivalent: every chunk after the first, and every dask partition, has the first's columns (checked before, at least 3), so response_matrix's default minimum or 2 cannot refuse it",
    ),
    (
        "first, _ = response_matrix\\(partitions\\[0\\]\\.compute\\(\\), \\)",
        "equivalent: the dask frame has at least 3 columns (checked just before), so the default minimum cannot refuse its first partition",
    ),
    (
        "warnings\\.warn_explicit\\(w\\.message, None, w\\.filename, w\\.lineno\\)",
        "equivalent: w.message is always a Warning instance, and warnings.warn_explicit then takes the category from the instance's class, ignoring the argument (checked: warn_explicit(RuntimeWarning('x'), None, ...) records a RuntimeWarning); test_bootstrap_passes_foreign_warnings_on_with_their_category tests the re-warning",
    ),
    (
        "worse = active & \\(ll_t <= ll - 1e-12\\)",
        "equivalent: a float bound never hit exactly (a trial's log-likelihood exactly 1e-12 below the current one)",
    ),
    (
        "rr\\.start_criteria\\[0\\] >= rr\\.criterion \\+ START_AGREEMENT",
        "equivalent: a float bound never hit exactly (the identity start's criterion exactly the margin above the kept one)",
    ),
    (
        "rr\\.start_criteria\\[0\\] > rr\\.criterion \\+ START_AGREEMENT (/ max\\(1\\.0|\\* max\\(2\\.0), abs\\(rr\\.criterion\\)\\)",
        "gap: no test has a random start better than R's identity start by less than 2e-6 (the only case, Harman's geominT, differs by 0.049), so the margin's scaling with the criterion is untested",
    ),
    (
        "values = np\\.where\\(values <= eig_tol, 100 \\* eig_tol, values\\)",
        "equivalent: a float bound never hit exactly (an eigenvalue exactly 1e-12)",
    ),
    (
        "values = values (\\* a\\.shape\\[0\\] \\* values\\.sum\\(\\)|/ a\\.shape\\[0\\] / values\\.sum\\(\\)|\\* a\\.shape\\[1\\] / values\\.sum\\(\\))",
        "equivalent: the eigenvalues are rescaled by a common factor (shape[1] = shape[0] for the square matrix), and the final rescaling to a unit diagonal removes any common factor (to rounding)",
    ),
    (
        "lam = np\\.asarray\\(loadings, \\)",
        "equivalent: the loadings enter only arithmetic that promotes them to floats, so integer or float numbers give the same CR and AVE",
    ),
    (
        "mask = tables >= 0$",
        "equivalent: an empty cell adds n * log(pi) = 0 and n * dpi / pi = 0 either way (pi is floored at 1e-300 before, so the quotient is finite and times 0 gives 0)",
    ),
    # --- end numerics (fourth session) ---
    # --- sem ordinal and mixed (fourth session) ---
    (
        "if len\\(xs\\) >= 1:",
        "equivalent: with one group _same_categories compares the group with itself and cannot refuse",
    ),
    (
        "den > 1e-8 / c, s_k @ a_s",
        "equivalent: the Schur complement is either of the order of c or rounding-level zero; no data puts it between 1e-8*c and 1e-8/c",
    ),
    (
        '_group_moments\\(data, ov, group, "thresholds" not in group_equal, warnings\\)',
        "equivalent: _group_moments never reads its thresholds_equal argument (a dead parameter)",
    ),
    (
        "sb\\[rows\\[ok\\], cb\\[ok\\]\\] = gy\\[cb\\[ok\\] \\+ 1, ca\\[ok\\]\\] / p\\[ok\\]",
        "equivalent: sb is zeros and each (row, column) is assigned once (rows unique), so = and += agree",
    ),
    ('method="BOUNDED"', "equivalent: scipy's minimize_scalar lower-cases the method name"),
    (
        "return np.where\\(None, 0.0, np.exp\\(-0.5 \\* np.minimum\\(x \\* x, _BIG\\*\\*2\\)\\) / np.sqrt\\(2 \\* np.pi\\)\\)",
        "equivalent: at |x| >= 38 the unguarded density is exp(-722)/2.5 ~ 1e-314, and those entries (the infinite cuts) are dropped or multiply nothing that survives at double precision",
    ),
    (
        "np.where\\(None, 0.0, lo\\)",
        "equivalent: where a cut is infinite (-38) its phi(u) is ~1e-314 or 0, so the term pl*(rho*lo - z) is nil either way",
    ),
    (
        "ok = cb >= 0",
        "equivalent: for cb = 0 the subtracted gy[0, .] is phi(-38) times a difference, exactly 0, so the last column is unchanged",
    ),
    ("ok = ca >= 0", "equivalent: for ca = 0 the subtracted gx[0, .] is phi(-38) times a difference, exactly 0"),
    (
        "ok = codes >= 0",
        "equivalent: at the infinite lower cut (code 0) phi((-38 - rho z)/s) is 0 or ~1e-314, so subtracting it from the last threshold column changes nothing",
    ),
    (
        "np.linalg.pinv\\(info, rcond=tol, hermitian=None\\)",
        "equivalent: the generalized inverse of the symmetric information by SVD instead of eigh is the same to rounding",
    ),
    # --- end sem ordinal and mixed (fourth session) ---
    # --- sem model, syntax, results (fourth session) ---
    (
        "\\(b \\* n if \\(len\\(b\\) == 1\\) or True else b\\)",
        "equivalent: zip() stops at the shorter tuple; when len(b) is not 1 it is already n, and the first n entries of b * n are b",
    ),
    (
        "^\\s*delta: bool = True,$",
        "equivalent: _group_rows's delta default; its only caller (build_table) always passes delta",
    ),
    (
        "full_matrices=None\\)",
        "equivalent: None is falsy like False; and check_rank returns before the SVD when the Jacobian is wide, so vt is n x n either way and u is unused",
    ),
    (
        "full_matrices=True\\)",
        "equivalent: check_rank returns before the SVD when the Jacobian has fewer rows than columns, so vt is n x n either way and u is unused",
    ),
    (
        "null >= 0\\.3 \\* null\\.max\\(\\)",
        "equivalent: a null-vector share exactly 0.3 of the largest (a float bound) is never hit",
    ),
    (
        'op, rhs = "XX~1XX", ""',
        "equivalent: unreachable: '~1' is tried before '~', so 'x ~ 1' never reaches the op == '~' and rhs == '1' branch",
    ),
    (
        "np\\.asarray\\(pos, None\\)",
        "equivalent: the positions are numpy ints, so the inferred dtype is int; a group always has rows",
    ),
    ("np\\.full_like\\(g\\.cov, None\\)", "equivalent: None cast to float is NaN, the same fill"),
    (
        "have\\.add\\(None\\)",
        "equivalent: _add_default_rows's loops add disjoint names (observed non-phantoms, then eta; exogenous pairs, then outcome pairs; means likewise), so no default is offered twice and the set is never read for an added row",
    ),
    (
        'have = \\{.*for r in rows if r\\.op != "~~"\\}',
        "equivalent: add() itself checks both orders (lhs, op, rhs) and (rhs, op, lhs), so the reversed ~~ entries in have are redundant, and reversed =~, ~, ~1 entries never match a default row",
    ),
    ("np\\.asarray\\(src, \\)", "equivalent: the row numbers are Python ints, so the inferred dtype is int anyway"),
    (
        "eigvalsh\\(\\(cov \\+ cov\\.T\\) / 3\\)",
        "equivalent: a positive scale does not change the sign of the smallest eigenvalue",
    ),
    (
        "eigvalsh\\(\\(cov \\+ cov\\.T\\) \\* 2\\)",
        "equivalent: a positive scale does not change the sign of the smallest eigenvalue",
    ),
    (
        "np\\.linalg\\.svd\\(jac, \\)",
        "equivalent: numpy's default full_matrices=True; check_rank returns before the SVD for a wide Jacobian, so vt is n x n either way and u is unused",
    ),
    (
        "\\.cov\\(ddof=1\\)\\.fillna\\(0\\)",
        "equivalent: _pairwise_cov is called only for incomplete data (start_values, when the cov is not finite), where pandas ignores ddof and divides each pair by n - 1 (so ddof=0 is not honoured either; start values only)",
    ),
    # --- end sem model, syntax, results (fourth session) ---
    # --- sem scores and diagram (fourth session) ---
    (
        "pinv\\(info, rcond=np\\.sqrt\\(np\\.finfo\\(float\\)\\.eps\\), hermitian=(None|False)\\)",
        "equivalent: the information is symmetric positive semi-definite: the pseudo-inverse by SVD (hermitian False) and by the eigen decomposition (True) are the same up to rounding",
    ),
    (
        "pinv\\(info, rcond=np\\.sqrt\\(np\\.finfo\\(float\\)\\.eps\\), \\)",
        "equivalent: the information is symmetric positive semi-definite: the pseudo-inverse by SVD (hermitian False, the default) and by the eigen decomposition are the same up to rounding",
    ),
    (
        "pinv\\(v, rcond=np\\.sqrt\\(np\\.finfo\\(float\\)\\.eps\\), hermitian=(None|False)\\)",
        "equivalent: V (a Schur complement of the information) is symmetric positive semi-definite: the pseudo-inverse by SVD and by the eigen decomposition are the same up to rounding",
    ),
    (
        "pinv\\(v, rcond=np\\.sqrt\\(np\\.finfo\\(float\\)\\.eps\\), \\)",
        "equivalent: V is symmetric positive semi-definite: the pseudo-inverse by SVD (the default) and by the eigen decomposition are the same up to rounding",
    ),
    (
        "pinv\\(info, rcond=np\\.sqrt\\(np\\.finfo\\(None\\)\\.eps\\), hermitian=True\\)",
        "equivalent: np.finfo(None) is float64's, the same eps",
    ),
    (
        "^\\s*info_inv = np\\.linalg\\.pinv\\(info, (rcond=None, )?hermitian=True\\)",
        "gap: no test has a singular information in _residual_acov (the generalized inverse's tolerance, MASS::ginv's sqrt(eps), is untested; every reference model's information is of full rank)",
    ),
    (
        "XXkind='normalized' is for continuous items; ordinal items have 'raw' or 'cor'\\.XX|KIND='NORMALIZED' IS FOR CONTINUOUS ITEMS",
        "equivalent: unreachable: a WLSMV fit asking for kind='normalized' is refused before, by _check_residual_se (estimator='WLSMV'), tested word for word in test_mutants_sem_scores_3.py",
    ),
    (
        "np\\.sqrt\\(np\\.where\\(var > 0, var, 0\\.0\\)\\)",
        "equivalent: a zero variance gives a zero standard error either way",
    ),
    (
        "np\\.sqrt\\(np\\.where\\(var >= 0, var, 1\\.0\\)\\)",
        "equivalent: a negative variance's stand-in is discarded by the outer np.where (NaN)",
    ),
    (
        "^    with np\\.errstate\\(invalid=None\\):$",
        "equivalent: (_divide, the first errstate, 4-space indent) the square root only sees variances >= 0 (negatives are replaced first, NaN compares without warning): no invalid-value warning can occur there",
    ),
    (
        'if kind == "XXnormalizedXX":|if kind == "NORMALIZED":',
        "equivalent: unreachable: (residuals, the WLSMV branch) a WLSMV fit asking for kind='normalized' is refused before, by _check_residual_se",
    ),
    (
        "Rectangle\\(\\(x - 0\\.35, _Y_(OV|LV) - 0\\.25\\), 0\\.7, 0\\.5, fill=None, lw=1\\.2\\)",
        "equivalent: matplotlib stores bool(fill): None is False, an outline as before",
    ),
    (
        "Ellipse\\(\\(x, _Y_LV\\), 1\\.3, 0\\.7, fill=None, lw=1\\.2\\)",
        "equivalent: matplotlib stores bool(fill): None is False, an outline as before",
    ),
    (
        '^\\s*elif row\\["lhs"\\] in x_ov or row\\["rhs"\\] in x_ov:\\s*$',
        "gap: no test has a covariance between an item and an observed predictor on the factors' row (e.g. x1 ~~ age13: not drawn; the mutant fails on it)",
    ),
    (
        '^\\s*ax\\.text\\(x, _Y_(LV|OV), (f|v), ha="center", va="center", \\)\\s*$',
        "style: the name's font size (matplotlib's default instead of 9)",
    ),
    (
        "^\\s*ax\\.add_patch\\(Rectangle\\(\\(x - 0\\.35, _Y_(OV|LV) - 0\\.25\\), 0\\.7, 0\\.5, fill=False, \\)\\)\\s*$",
        "style: the box's line width (matplotlib's default instead of 1.2)",
    ),
    (
        "^\\s*ax\\.add_patch\\(Ellipse\\(\\(x, _Y_LV\\), 1\\.3, 0\\.7, fill=False, \\)\\)\\s*$",
        "style: the ellipse's line width (matplotlib's default instead of 1.2)",
    ),
    (
        "^\\s*ax\\.add_patch\\(Rectangle\\(\\(x\\ \\-\\ 0\\.35,\\ _Y_OV\\ \\-\\ 0\\.25\\),\\ 0\\.7,\\ 0\\.5,\\ fill=False,\\ lw=2\\.2\\)\\)\\s*$",
        "style: line width (x__draw_nodes__mutmut_19)",
    ),
    (
        '^\\s*ax\\.text\\(x,\\ _Y_OV,\\ v,\\ ha="center",\\ va="center",\\ fontsize=None\\)\\s*$',
        "style: font size (x__draw_nodes__mutmut_25)",
    ),
    (
        '^\\s*ax\\.text\\(x,\\ _Y_OV,\\ v,\\ ha="center",\\ va="center",\\ fontsize=10\\)\\s*$',
        "style: font size (x__draw_nodes__mutmut_36)",
    ),
    (
        "^\\s*ax\\.add_patch\\(Rectangle\\(\\(x\\ \\-\\ 0\\.35,\\ _Y_LV\\ \\-\\ 0\\.25\\),\\ 0\\.7,\\ 0\\.5,\\ fill=False,\\ lw=None\\)\\)\\s*$",
        "style: line width (x__draw_nodes__mutmut_43)",
    ),
    (
        "^\\s*ax\\.add_patch\\(Rectangle\\(\\(x\\ \\-\\ 0\\.35,\\ _Y_LV\\ \\-\\ 0\\.25\\),\\ 0\\.7,\\ 0\\.5,\\ fill=False,\\ lw=2\\.2\\)\\)\\s*$",
        "style: line width (x__draw_nodes__mutmut_56)",
    ),
    (
        "^\\s*ax\\.add_patch\\(Rectangle\\(\\(x\\ \\-\\ 0\\.35,\\ _Y_OV\\ \\-\\ 0\\.25\\),\\ 0\\.7,\\ 0\\.5,\\ fill=False,\\ lw=None\\)\\)\\s*$",
        "style: line width (x__draw_nodes__mutmut_6)",
    ),
    (
        "^\\s*ax\\.add_patch\\(Ellipse\\(\\(x,\\ _Y_LV\\),\\ 1\\.3,\\ 0\\.7,\\ fill=False,\\ lw=None\\)\\)\\s*$",
        "style: line width (x__draw_nodes__mutmut_62)",
    ),
    (
        "^\\s*ax\\.add_patch\\(Ellipse\\(\\(x,\\ _Y_LV\\),\\ 1\\.3,\\ 0\\.7,\\ fill=False,\\ lw=2\\.2\\)\\)\\s*$",
        "style: line width (x__draw_nodes__mutmut_71)",
    ),
    (
        '^\\s*ax\\.text\\(x,\\ _Y_LV,\\ f,\\ ha="center",\\ va="center",\\ fontsize=None\\)\\s*$',
        "style: font size (x__draw_nodes__mutmut_77)",
    ),
    (
        '^\\s*ax\\.text\\(x,\\ _Y_LV,\\ f,\\ ha="center",\\ va="center",\\ fontsize=10\\)\\s*$',
        "style: font size (x__draw_nodes__mutmut_88)",
    ),
    ("^\\s*mutation_scale=11,\\s*$", "style: arrow-head size (x__draw_paths__mutmut_104)"),
    ("^\\s*lw=1\\.9,\\s*$", "style: line width (x__draw_paths__mutmut_105)"),
    (
        '^\\s*\\(xa,\\ y\\),\\ \\(xb,\\ y\\),\\ arrowstyle="<\\|\\-\\|>",\\ mutation_scale=None,\\ lw=0\\.8,\\ connectionstyle=f"arc3,rad=\\{rad\\}"\\s*$',
        "style: arrow-head size (x__draw_paths__mutmut_172)",
    ),
    (
        '^\\s*\\(xa,\\ y\\),\\ \\(xb,\\ y\\),\\ arrowstyle="<\\|\\-\\|>",\\ mutation_scale=8,\\ lw=None,\\ connectionstyle=f"arc3,rad=\\{rad\\}"\\s*$',
        "style: line width (x__draw_paths__mutmut_173)",
    ),
    (
        '^\\s*\\(xa,\\ y\\),\\ \\(xb,\\ y\\),\\ arrowstyle="<\\|\\-\\|>",\\ lw=0\\.8,\\ connectionstyle=f"arc3,rad=\\{rad\\}"\\s*$',
        "style: arrow-head size (x__draw_paths__mutmut_178)",
    ),
    (
        '^\\s*\\(xa,\\ y\\),\\ \\(xb,\\ y\\),\\ arrowstyle="<\\|\\-\\|>",\\ mutation_scale=8,\\ connectionstyle=f"arc3,rad=\\{rad\\}"\\s*$',
        "style: line width (x__draw_paths__mutmut_179)",
    ),
    (
        '^\\s*\\(xa,\\ y\\),\\ \\(xb,\\ y\\),\\ arrowstyle="<\\|\\-\\|>",\\ mutation_scale=9,\\ lw=0\\.8,\\ connectionstyle=f"arc3,rad=\\{rad\\}"\\s*$',
        "style: arrow-head size (x__draw_paths__mutmut_182)",
    ),
    (
        '^\\s*\\(xa,\\ y\\),\\ \\(xb,\\ y\\),\\ arrowstyle="<\\|\\-\\|>",\\ mutation_scale=8,\\ lw=1\\.8,\\ connectionstyle=f"arc3,rad=\\{rad\\}"\\s*$',
        "style: line width (x__draw_paths__mutmut_183)",
    ),
    (
        '^\\s*ax\\.add_patch\\(FancyArrowPatch\\(start,\\ end,\\ arrowstyle="\\-\\|>",\\ mutation_scale=None,\\ lw=0\\.9\\)\\)\\s*$',
        "style: arrow-head size (x__draw_paths__mutmut_24)",
    ),
    (
        '^\\s*ax\\.add_patch\\(FancyArrowPatch\\(start,\\ end,\\ arrowstyle="\\-\\|>",\\ mutation_scale=10,\\ lw=None\\)\\)\\s*$',
        "style: line width (x__draw_paths__mutmut_25)",
    ),
    (
        '^\\s*ax\\.add_patch\\(FancyArrowPatch\\(start,\\ end,\\ arrowstyle="\\-\\|>",\\ lw=0\\.9\\)\\)\\s*$',
        "style: arrow-head size (x__draw_paths__mutmut_29)",
    ),
    (
        '^\\s*ax\\.add_patch\\(FancyArrowPatch\\(start,\\ end,\\ arrowstyle="\\-\\|>",\\ mutation_scale=11,\\ lw=0\\.9\\)\\)\\s*$',
        "style: arrow-head size (x__draw_paths__mutmut_32)",
    ),
    (
        '^\\s*ax\\.add_patch\\(FancyArrowPatch\\(start,\\ end,\\ arrowstyle="\\-\\|>",\\ mutation_scale=10,\\ lw=1\\.9\\)\\)\\s*$',
        "style: line width (x__draw_paths__mutmut_33)",
    ),
    ("^\\s*mutation_scale=None,\\s*$", "style: arrow-head size (x__draw_paths__mutmut_90)"),
    ("^\\s*lw=None,\\s*$", "style: line width (x__draw_paths__mutmut_91)"),
    (
        '^\\s*bbox=dict\\(fc="white",\\ ec="none"\\),\\s*$',
        "style: the label patch's rounded corners and padding (x__label__mutmut_26)",
    ),
    ("^\\s*fontsize=None,\\s*$", "style: font size (x__label__mutmut_6)"),
    # --- end sem scores and diagram (fourth session) ---
    # --- sem result classes' methods (fourth session) ---
    (
        "median: \\{101 \\* METHOD_SHARE:\\.0f\\}%",
        'equivalent: 101 * 0.25 = 25.25 prints as "25" with :.0f, the same text as 100 * 0.25 (MethodVarianceResult._report)',
    ),
    ("set_axis\\(names\\.to_list\\(\\), \\)", "equivalent: axis=0 is set_axis's default (results.sections)"),
    (
        'shown\\.loc\\[~block\\["free"\\]\\.to_numpy\\(\\), "se"\\] = None',
        "equivalent: None assigned into a float column is stored as NaN, printed blank as before (results.sections)",
    ),
    # --- end sem result classes' methods (fourth session) ---
    # --- result classes' methods (fourth session) ---
    (
        'crit = f\\.get\\("criterion", None\\)',
        'equivalent: every fit dict of a factor method carries "criterion" (NaN where the method has none), so the default is never used',
    ),
    (
        'crit = f\\.get\\("criterion", \\)',
        'equivalent: every fit dict of a factor method carries "criterion" (NaN where the method has none), so the default is never used',
    ),
    (
        "if \\(self\\.display_blank is None\\) and False",
        "equivalent: with blank None, pandas' loadings.abs() < None is all False, so mask() blanks nothing: the same table",
    ),
    (
        'def scores\\(self, data, method: str = "REGRESSION"\\)',
        'equivalent: factor_scores matches method names lowercased, so "REGRESSION" is "regression"',
    ),
    (
        'p = "< \\.001" if self\\.p_value <= 0\\.001 else',
        "equivalent: a chi-square p-value of exactly 0.001 (a float) is not reached",
    ),
    (
        "rows = \\[\\(k, fmt\\(v\\) if \\(isinstance\\(v, float\\)\\) or True else str\\(v\\)\\) for k, v in self\\.reported",
        "equivalent: fmt prints an int (Python or numpy) as str(int), and the reported figures are ints, floats or None (skipped)",
    ),
    (
        'rows \\+= \\[\\(f"bound: \\{k\\}", fmt\\(v\\) if \\(isinstance\\(v, float\\)\\) or True else str\\(v\\)\\)',
        "equivalent: fmt prints an int as str(int), and every bound is an int (n_max) or a float",
    ),
    # --- end result classes' methods (fourth session) ---
    # --- end the other numerics modules ---
    (r"XX|[A-Z]{6,}|ArgumentError\(None\)|DataError\(None\)", "gap: no test matches this message word for word"),
]


def functions(path: Path) -> dict[str, tuple[int, list[str]]]:
    """(first line, lines) of each function by name; a method also as ``Classǁmethod``, mutmut's spelling."""
    src = path.read_text()
    lines = src.splitlines()
    out = {}
    tree = ast.parse(src)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out[node.name] = (node.lineno, lines[node.lineno - 1 : node.end_lineno])
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for node in cls.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                out[f"{cls.name}ǁ{node.name}"] = (node.lineno, lines[node.lineno - 1 : node.end_lineno])
    return out


def in_scope(key: str, module: str) -> bool:
    """Whether ``key`` is a mutant of ``module`` (dotted, e.g. sem.fit): of a function (``x_``) or of a method
    of a class (``xǁClassǁmethod``); mutmut mutates both."""
    last = module.split(".")[-1]
    return f".{last}.x_" in key or f".{last}.xǁ" in key


# keyword arguments of matplotlib calls that set only the look of a drawing
_STYLE = re.compile(r"\b(fontsize|lw|mutation_scale)=[^,)]*(, )?")


def reason(mutated: str, original: str = "") -> str:
    """The reason of the first pattern matching the mutated line; a deleted line is matched as 'deleted: <line>'."""
    if not mutated.strip():
        mutated = "deleted: " + original
    elif original and _STYLE.sub("", mutated) == _STYLE.sub("", original):
        return "style: a font size, line width or arrow-head size changed (appearance, not content: untested)"
    for pattern, why in REASONS:
        if re.search(pattern, mutated):
            return why
    return "gap: no test distinguishes this change"


def survivor_rows(mod: str, keys: list[str]) -> list[tuple]:
    """(file, line, function, original, mutated, reason) of each of ``keys``, surviving mutants of ``mod``."""
    path = mod.replace(".", "/")  # sem.fit -> sem/fit.py
    mutated, original = functions(MUTATED / f"{path}.py"), functions(SOURCE / f"{path}.py")
    rows = []
    for key in keys:
        name = key.rsplit(".", 1)[1]
        base = name.rsplit("__mutmut_", 1)[0]
        _, orig = mutated[base + "__mutmut_orig"]
        _, mut = mutated[name]
        start, _ = original[base[2:]]
        # the def line differs by the function's name; a default argument's mutation shows there
        head = [orig[0], mut[0].replace(name, base + "__mutmut_orig", 1)]
        diff = list(difflib.unified_diff([head[0], *orig[1:]], [head[1], *mut[1:]], lineterm="", n=0))
        hunk = next((d for d in diff if d.startswith("@@")), "@@ -0 @@")
        offset = int(re.match(r"@@ -(\d+)", hunk).group(1)) - 1
        old = " / ".join(d[1:].strip() for d in diff if d.startswith("-") and not d.startswith("---"))
        new = " / ".join(d[1:].strip() for d in diff if d.startswith("+") and not d.startswith("+++"))
        old, new = (t.replace(base + "__mutmut_orig", base[2:]) for t in (old, new))
        rows.append((f"{path}.py", start + offset, base[2:].replace("ǁ", "."), old, new, reason(new, old)))
    return rows


def print_rows(rows: list[tuple]) -> None:
    print("| file | line | function | original | mutated | why it survives |")
    print("|---|---|---|---|---|---|")
    for f, line, fn, old, new, why in rows:
        print(f"| {f} | {line} | {fn} | `{old.replace('|', '/')}` | `{new.replace('|', '/')}` | {why} |")


def main(modules: list[str]) -> None:
    counts = {}
    rows = []
    for mod in modules:
        path = mod.replace(".", "/")
        codes = json.loads((MUTATED / f"{path}.py.meta").read_text())["exit_code_by_key"]
        codes = {k: v for k, v in codes.items() if in_scope(k, mod)}  # functions and methods
        counts[mod] = Counter(STATUS.get(v, "killed" if v else "survived") for v in codes.values())
        rows += survivor_rows(mod, [k for k, v in codes.items() if v == 0])
    total = sum(counts.values(), Counter())
    print("| module | mutants | killed | survived | no tests | timeout | not run |")
    print("|---|---|---|---|---|---|---|")
    for mod, c in [*counts.items(), ("all", total)]:
        cells = [c[s] for s in ("killed", "survived", "no tests", "timeout", "not run")]
        print(f"| {mod} | {sum(c.values())} | " + " | ".join(map(str, cells)) + " |")
    print()
    print_rows(rows)


if __name__ == "__main__":
    main(sys.argv[1:])
