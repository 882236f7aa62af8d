"""Can a paper's EFA figures all be true at once? Bounds that any correlation matrix must obey."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import ArgumentError
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.adequacy import bartlett_multiplier
from cmanalytics.psychometrics.inputs import check_whole

optimize = lazy_module("scipy.optimize")


def _half_unit(x: float | None, rounding: bool) -> float:
    """Half a unit in the last printed decimal: 0.913 may be anything in [0.9125, 0.9135)."""
    if x is None or not rounding:
        return 0.0
    text = repr(float(x))
    if "e" in text or "." not in text:
        return 0.0
    decimals = len(text.split(".")[1].rstrip("0"))
    return 0.5 * 10.0 ** (-decimals)


def lambda1_floor(alpha: float, p: int) -> float:
    """Least first eigenvalue compatible with alpha: alpha <= p/(p-1) (1 - 1/lambda_1)."""
    if alpha <= 0:
        return 1.0
    ratio = alpha * (p - 1) / p
    return math.inf if ratio >= 1 else max(1.0, 1.0 / (1.0 - ratio))


def max_log_det(p: int, k: int, lambda1_min: float, top_sum: float | None) -> float:
    """The largest ln|R| over correlation matrices whose first eigenvalue is at least ``lambda1_min`` and
    whose first k eigenvalues sum to ``top_sum`` (free if None); -inf if no such matrix exists."""
    if top_sum is None:
        lam1 = max(lambda1_min, 1.0)
        if lam1 >= p:
            return -math.inf
        return math.log(lam1) + (p - 1) * math.log((p - lam1) / (p - 1))
    rest = p - top_sum
    if rest < -1e-12 or top_sum < k - 1e-12:
        return -math.inf
    b = rest / (p - k) if p > k else None
    if k == 1:
        if top_sum < lambda1_min - 1e-12:
            return -math.inf
        return math.log(top_sum) + ((p - 1) * math.log(b) if p > 1 and b > 0 else (0.0 if p == 1 else -math.inf))
    lam1 = max(lambda1_min, top_sum / k)
    a = (top_sum - lam1) / (k - 1)
    if a <= 0 or (b is not None and a < b - 1e-12):
        return -math.inf
    out = math.log(lam1) + (k - 1) * math.log(a)
    if b is not None:
        out += (p - k) * math.log(b) if b > 0 else -math.inf
    return out


@dataclass(frozen=True, repr=False)
class EFAReportAudit(Reportable):
    """Result of :func:`audit_efa_report`: ``consistent``, ``bounds`` (dict), ``findings`` (sentences),
    ``reported`` (the figures audited)."""

    consistent: bool
    bounds: dict
    findings: tuple[str, ...]
    reported: dict

    def _report(self):
        rows = [(k, fmt(v) if isinstance(v, float) else str(v)) for k, v in self.reported.items() if v is not None]
        rows.append(("verdict", "consistent" if self.consistent else "INCONSISTENT"))
        rows += [(f"bound: {k}", fmt(v) if isinstance(v, float) else str(v)) for k, v in self.bounds.items()]
        return "Audit of reported EFA figures", rows, (), (), self.findings


def audit_efa_report(
    *,
    n_obs: int,
    n_items: int,
    n_factors: int,
    kmo: float | None = None,
    bartlett_chi2: float | None = None,
    variance_pct: float | None = None,
    alpha: float | None = None,
    rounding: bool = True,
) -> EFAReportAudit:
    r"""Decide whether any correlation matrix can produce a paper's reported EFA figures together.

    Let :math:`\lambda_1 \ge \dots \ge \lambda_p > 0` be the eigenvalues of the p x p correlation matrix
    R, so :math:`\sum_j \lambda_j = p`.

    1. *Alpha bounds the first eigenvalue.* For raw alpha with item standard deviations d,
       :math:`\mathbf 1'C\mathbf 1 = d'Rd \le \lambda_1 d'd = \lambda_1 \mathrm{tr}\,C`, hence
       :math:`\alpha \le \frac{p}{p-1}(1 - 1/\lambda_1)` (for standardized alpha take d = 1), i.e.
       :math:`\lambda_1 \ge \lambda_1^{\min} = 1 / (1 - \alpha (p-1)/p)`.
    2. *The variance explained fixes a sum.* k components explaining v% means
       :math:`S = \lambda_1 + \dots + \lambda_k = p v / 100`, and ordering needs :math:`S \ge k`.
    3. *Bartlett's statistic is a sum of log-eigenvalues.* :math:`\chi^2 = -(n - 1 - (2p+5)/6)\ln|R|` with
       :math:`\ln|R| = \sum_j \ln\lambda_j`. The logarithm is concave, so under 1 and 2 the largest
       :math:`\ln|R|` puts :math:`\lambda_1 = \max(\lambda_1^{\min}, S/k)`, the other k - 1 leading
       eigenvalues equal at :math:`(S - \lambda_1)/(k-1)`, and the last p - k equal at :math:`(p-S)/(p-k)`
       (infeasible if that breaks the ordering). This gives the least chi-square the other figures allow,
       ``bartlett_chi2_min``; a reported chi-square below it cannot be right at that n.
    4. Turned around: the largest n at which the reported chi-square is attainable (``n_max``), and the
       largest alpha that the reported chi-square and variance allow (``alpha_max``).

    With ``rounding=True`` each figure is taken as anything that rounds to what was printed (0.913 as
    [0.9125, 0.9135]), and the bounds are the most lenient over those ranges. KMO depends on the
    eigenvectors too (through the partial correlations), so it enters no bound; it is checked for range.

    No psychometrics package offers this check; it is a reviewer's and a teacher's tool.

    Example: the psychological-contract study (part A: n = 112, 14 items, 3 components, 73.39%, alpha
    0.913) needs a chi-square of at least about 927.8, but 830.506 was printed.
    """
    p, k, n = _check_counts(n_obs, n_items, n_factors)
    reported = {
        "n_obs": n,
        "n_items": p,
        "n_factors": k,
        "kmo": kmo,
        "bartlett_chi2": bartlett_chi2,
        "variance_pct": variance_pct,
        "alpha": alpha,
    }
    findings: list[str] = []
    ok = _range_checks(kmo, alpha, variance_pct, findings)
    h_alpha, h_var, h_chi = (
        _half_unit(alpha, rounding),
        _half_unit(variance_pct, rounding),
        _half_unit(bartlett_chi2, rounding),
    )
    lam1_min = lambda1_floor(alpha - h_alpha, p) if alpha is not None else 1.0
    bounds: dict = {"lambda1_min": lam1_min}
    best_logdet = functools.partial(_best_logdet, p, k, variance_pct, h_var)
    # ln|R| <= 0 (the eigenvalues sum to p; AM-GM); rounding can put the optimum a few ulps above 0
    logdet = min(0.0, best_logdet(lam1_min))
    if variance_pct is not None and alpha is not None and logdet == -math.inf:
        ok = False
        findings.append(
            f"no correlation matrix of {p} items has alpha {alpha} and {variance_pct}% of variance in {k} "
            f"components: alpha needs a first eigenvalue of at least {lam1_min:.3f}, which leaves too little "
            f"for the other components."
        )
    elif variance_pct is not None and logdet == -math.inf:
        ok = False
        findings.append(
            f"{variance_pct}% of variance cannot come from {k} of {p} components (at least "
            f"{100 * k / p:.2f}% by the ordering of eigenvalues)."
        )
    if logdet > -math.inf:
        bounds["bartlett_chi2_min"] = max(0.0, -bartlett_multiplier(n, p) * logdet)  # 0.0 first: never -0.0
        bounds["log_det_max"] = logdet
        if bartlett_chi2 is not None:
            halves = (h_alpha, h_chi, h_var)
            ok = _chi2_findings(reported, logdet, best_logdet, halves, lam1_min, bounds, findings) and ok
    if ok:
        findings.insert(
            0, "The reported figures are mutually consistent: some correlation matrix can produce all of them."
        )
    return EFAReportAudit(ok, bounds, tuple(findings), reported)


def _check_counts(n_obs, n_items, n_factors) -> tuple[int, int, int]:
    """Step 1 of audit_efa_report: the three counts are positive whole numbers, and k <= p."""
    n, p, k = (
        check_whole(name, value, 1)
        for name, value in (("n_obs", n_obs), ("n_items", n_items), ("n_factors", n_factors))
    )
    if k > p:
        raise ArgumentError(f"n_factors ({k}) cannot exceed n_items ({p}).")
    return p, k, n


def _range_checks(kmo, alpha, variance_pct, findings) -> bool:
    """Step 2 of audit_efa_report: each figure within its own range; False when one is not."""
    ok = True
    if kmo is not None and not 0 <= kmo <= 1:
        ok = False
        findings.append(f"KMO must lie between 0 and 1; {kmo} was reported.")
    elif kmo is not None:
        findings.append("KMO depends on the partial correlations, not on the eigenvalues alone; it enters no bound.")
    if alpha is not None and alpha > 1:
        ok = False
        findings.append(f"alpha cannot exceed 1; {alpha} was reported.")
    if variance_pct is not None and not 0 < variance_pct <= 100:
        ok = False
        findings.append(f"the variance explained must lie in (0, 100]; {variance_pct} was reported.")
    return ok


def _best_logdet(p, k, variance_pct, h_var, lam1: float) -> float:
    """Step 3 of audit_efa_report: the largest ln|R| with first eigenvalue at least ``lam1``, over the
    variances explained that round to the one printed."""
    if variance_pct is None:
        return max_log_det(p, k, lam1, None)
    lo, hi = variance_pct - h_var, variance_pct + h_var
    f = lambda v: -max_log_det(p, k, lam1, p * v / 100)  # noqa: E731
    cands = [lo, hi]
    if hi > lo:
        # f is infinite where no spectrum has that variance; scipy's parabolic steps then subtract infinities
        with np.errstate(invalid="ignore"):
            best = optimize.minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
        cands.append(best.x)
    return max(-f(v) for v in cands)


def _chi2_findings(reported, logdet, best_logdet, halves, lam1_min, bounds, findings) -> bool:
    """Step 4 of audit_efa_report: the reported chi-square against its least value, and what it allows of
    n and alpha; False when it is below the bound. ``halves``: the rounding margins of alpha, chi-square and variance."""
    n, p, k = reported["n_obs"], reported["n_items"], reported["n_factors"]
    chi2, alpha, variance_pct = reported["bartlett_chi2"], reported["alpha"], reported["variance_pct"]
    h_alpha, h_chi, h_var = halves
    c = bartlett_multiplier(n, p)
    chi_min = max(0.0, -c * logdet)  # not -0.0, which would print as a bound of -0.0
    ok = True
    if -logdet > 0:
        bounds["n_max"] = int(math.floor((chi2 + h_chi) / -logdet + n - c))
    if chi2 + h_chi < chi_min:
        ok = False
        findings.append(
            f"Bartlett's chi-square of {chi2} is below {chi_min:.1f}, the least that any correlation "
            f"matrix of {p} items with the other reported figures gives at n = {n}: the figures cannot "
            f"all hold. The reported chi-square is attainable only with n <= {bounds.get('n_max')}."
        )
    else:
        findings.append(f"Bartlett's chi-square of {chi2} is at least the bound {chi_min:.1f}.")
    if variance_pct is not None:
        a_max = _alpha_max(p, k, n, chi2 + h_chi, best_logdet, variance_pct, h_var)
        var_only = -c * best_logdet(1.0)
        bounds["bartlett_chi2_min_variance_only"] = max(0.0, var_only)
        if a_max is not None:
            bounds["alpha_max"] = a_max
            if alpha is not None and alpha - h_alpha > a_max:
                findings.append(f"With that chi-square and variance, alpha could be at most {a_max:.3f}.")
        elif chi2 + h_chi < var_only:
            findings.append(
                f"Even without alpha, {variance_pct}% of variance in {k} components needs a chi-square of at "
                f"least {var_only:.1f} at n = {n}."
            )
    if alpha is not None:
        alpha_only = -c * max_log_det(p, k, lam1_min, None)
        bounds["bartlett_chi2_min_alpha_only"] = max(0.0, alpha_only)
        if chi2 + h_chi < alpha_only:
            findings.append(
                f"Even without the variance explained, alpha {alpha} needs a chi-square of at "
                f"least {alpha_only:.1f} at n = {n}."
            )
    return ok


def _alpha_max(p, k, n, chi2, best_logdet, variance_pct, h_var) -> float | None:
    """The largest alpha for which the least chi-square stays within the reported one, over the variances
    explained that round to the one printed (``h_var`` its rounding margin): the first eigenvalue is at least
    the lowest variance's share S/k and at most what the highest variance leaves, S - (k - 1)(p - S)/(p - k)."""
    c = bartlett_multiplier(n, p)
    need = -chi2 / c  # ln|R| must be at least this
    top_lo, top_hi = p * (variance_pct - h_var) / 100, p * (variance_pct + h_var) / 100
    lo = max(1.0, top_lo / k)
    hi = top_hi if k == 1 else top_hi - (k - 1) * ((p - top_hi) / (p - k) if p > k else 0.0)
    if best_logdet(lo) < need:
        return None
    if best_logdet(hi) >= need:
        lam = hi
    else:
        lam = optimize.brentq(lambda l1: best_logdet(l1) - need, lo, hi, xtol=1e-12)
    return float(p / (p - 1) * (1 - 1 / lam))
