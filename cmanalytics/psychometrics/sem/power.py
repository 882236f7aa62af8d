"""Power of the RMSEA tests of close and not-close fit, and the sample size they need.

With :math:`\\lambda = (N - 1)\\,d\\,\\varepsilon^2 / G` the non-centrality of a model with RMSEA
:math:`\\varepsilon`, df :math:`d`, :math:`N` cases in :math:`G` groups: for the test of close fit
(:math:`\\varepsilon_0 < \\varepsilon_a`, e.g. .05 against .08) the critical value is the upper
:math:`\\alpha` quantile of :math:`\\chi^2_d(\\lambda_0)` and the power is
:math:`P(\\chi^2_d(\\lambda_a) > c)`; for the test of not-close fit (:math:`\\varepsilon_0 > \\varepsilon_a`) the
critical value is the lower :math:`\\alpha` quantile and the power :math:`P(\\chi^2_d(\\lambda_a) < c)`.

R: ``semTools::findRMSEApower(rmsea0, rmseaA, df, n, alpha, group)`` and ``findRMSEAsamplesize``.
Reference: MacCallum, R. C., Browne, M. W., & Sugawara, H. M. (1996). Power analysis and determination of
sample size for covariance structure modeling. Psychological Methods 1, 130-149.
"""

from __future__ import annotations

import numpy as np

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import ArgumentError

stats = lazy_module("scipy.stats")


def _check(rmsea0, rmsea_a, df, alpha, groups):
    if not (rmsea0 >= 0 and rmsea_a >= 0) or rmsea0 == rmsea_a:
        raise ArgumentError(
            f"rmsea0={rmsea0!r} and rmsea_a={rmsea_a!r}: give two different non-negative RMSEA "
            "values (e.g. 0.05 and 0.08 for close fit)."
        )
    if not df > 0:
        raise ArgumentError(f"df={df!r}: the model's degrees of freedom must be positive.")
    if not 0 < alpha < 1:
        raise ArgumentError(f"alpha={alpha!r} must lie between 0 and 1.")
    if not (isinstance(groups, (int, np.integer)) and groups >= 1):
        raise ArgumentError(f"groups={groups!r} must be a positive whole number.")


def rmsea_power(rmsea0: float, rmsea_a: float, df: int, n, *, alpha: float = 0.05, groups: int = 1):
    """Power of the RMSEA test of ``rmsea0`` when the population RMSEA is ``rmsea_a`` (``n`` total cases;
    an array of sizes gives an array of powers). semTools ``findRMSEApower``."""
    _check(rmsea0, rmsea_a, df, alpha, groups)
    n = np.asarray(n, float)
    if np.any(n < 2):
        raise ArgumentError("n must be at least 2.")
    ncp0 = (n - 1) * df * rmsea0**2 / groups
    ncpa = (n - 1) * df * rmsea_a**2 / groups
    if rmsea0 < rmsea_a:
        crit = stats.ncx2.isf(alpha, df, ncp0) if rmsea0 > 0 else stats.chi2.isf(alpha, df)
        power = stats.ncx2.sf(crit, df, ncpa)
    else:
        crit = stats.ncx2.ppf(alpha, df, ncp0)
        power = stats.ncx2.cdf(crit, df, ncpa) if rmsea_a > 0 else stats.chi2.cdf(crit, df)
    return float(power) if power.ndim == 0 else power


def rmsea_sample_size(
    rmsea0: float, rmsea_a: float, df: int, *, power: float = 0.8, alpha: float = 0.05, groups: int = 1
) -> float:
    """The smallest N (per group, as semTools reports it) whose power exceeds ``power``.
    semTools ``findRMSEAsamplesize`` (which searches N from 5 on)."""
    _check(rmsea0, rmsea_a, df, alpha, groups)
    if not 0 < power < 1:
        raise ArgumentError(f"power={power!r} must lie between 0 and 1.")
    lo = 5
    block = np.arange(lo, lo + 500)
    while True:
        pw = rmsea_power(rmsea0, rmsea_a, df, block, alpha=alpha, groups=groups)
        hit = np.flatnonzero(pw > power)
        if hit.size:
            return float(block[hit[0]] / groups)
        if block[-1] > 10_000_000:
            raise ArgumentError("no sample size up to 10 million reaches that power.")
        block = block + 500
