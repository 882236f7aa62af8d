"""Is the correlation matrix worth factoring? KMO and MSA, Bartlett's test, the anti-image, SMCs.

All of these are functions of the correlation matrix R alone (plus n for Bartlett's test), computed
from its inverse or its determinant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import DataError
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.inputs import LISTWISE, Moments, gather, inverse

special = lazy_module("scipy.special")


def singular_warning(names) -> str:
    return (
        "the correlation matrix is singular (an item is a linear combination of others, or there are more "
        f"items ({len(names)}) than the data can separate): a pseudo-inverse was used and statistics that "
        "need the inverse are unreliable. Drop redundant items."
    )


def smc_array(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations, 1 - 1 / diag(R^-1)."""
    inv, _ = inverse(r)
    return 1.0 - 1.0 / np.diag(inv)


def bartlett_multiplier(n_obs, p: int):
    """Bartlett's factor n - 1 - (2p + 5)/6: chi-square = -factor * ln|R|."""
    return n_obs - 1 - (2 * p + 5) / 6


def partial_correlations(inv: np.ndarray) -> np.ndarray:
    """Partial correlation of each pair controlling for all other items, from R^-1 (diagonal 0).
    Works on one matrix or a stack (..., p, p)."""
    d = 1.0 / np.sqrt(np.diagonal(inv, axis1=-2, axis2=-1))
    q = -inv * d[..., :, None] * d[..., None, :]
    idx = np.arange(inv.shape[-1])
    q[..., idx, idx] = 0.0
    return q


def kmo_arrays(r: np.ndarray, inv: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(overall KMO, per-item MSA, partial correlations) from a correlation matrix and its inverse, or from
    stacks of them (..., p, p), as the bootstrap computes every resample at once."""
    q = partial_correlations(inv)
    idx = np.arange(r.shape[-1])
    r2 = r**2
    r2[..., idx, idx] = 0.0
    q2 = q**2
    col_r, col_q = r2.sum(axis=-2), q2.sum(axis=-2)
    overall = col_r.sum(axis=-1) / (col_r.sum(axis=-1) + col_q.sum(axis=-1))
    return overall, col_r / (col_r + col_q), q


KAISER_LABELS = (
    (0.9, "marvelous"),
    (0.8, "meritorious"),
    (0.7, "middling"),
    (0.6, "mediocre"),
    (0.5, "miserable"),
    (-np.inf, "unacceptable"),
)


def kaiser_label(value: float) -> str:
    """Kaiser's (1974) words for a KMO value."""
    return next(label for bound, label in KAISER_LABELS if value >= bound)


@dataclass(frozen=True, repr=False)
class KMOResult(Reportable):
    """Kaiser-Meyer-Olkin measure of sampling adequacy.

    Attributes: ``overall`` (float), ``per_item`` (Series, the MSA of each item, the diagonal of SPSS's
    anti-image correlation matrix), ``anti_image`` (DataFrame, SPSS's anti-image correlation matrix),
    ``n_obs``, ``missing``, ``warnings``, ``label`` (Kaiser's word for the value).
    """

    overall: float
    n_obs: int
    missing: str
    items: tuple[str, ...]
    msa: np.ndarray = field(compare=False)
    anti_image_array: np.ndarray = field(compare=False)
    warnings: tuple[str, ...] = ()

    @cached_property
    def per_item(self) -> pd.Series:
        return pd.Series(self.msa, index=list(self.items), name="MSA")

    @cached_property
    def anti_image(self) -> pd.DataFrame:
        return pd.DataFrame(self.anti_image_array, index=list(self.items), columns=list(self.items))

    @property
    def label(self) -> str:
        return kaiser_label(self.overall)

    def to_frame(self) -> pd.DataFrame:
        return self.per_item.to_frame("MSA")

    def _report(self):
        rows = [
            ("Kaiser-Meyer-Olkin measure of sampling adequacy", f"{fmt(self.overall)} ({self.label})"),
            ("N", str(self.n_obs)),
            ("missing data", self.missing),
        ]
        return "KMO", rows, [("Measure of sampling adequacy per item", self.to_frame())], self.warnings, ()


def kmo(data=None, *, corr=None, n_obs=None, missing: str = LISTWISE) -> KMOResult:
    r"""Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item (MSA).

    .. math::
        \mathrm{KMO} = \frac{\sum_{i \ne j} r_{ij}^2}{\sum_{i \ne j} r_{ij}^2 + \sum_{i \ne j} q_{ij}^2},
        \qquad \mathrm{MSA}_j = \frac{\sum_{i \ne j} r_{ij}^2}{\sum_{i \ne j} r_{ij}^2 + \sum_{i \ne j} q_{ij}^2}

    where :math:`q_{ij} = -s^{ij} / \sqrt{s^{ii} s^{jj}}` are the partial correlations from
    :math:`S = R^{-1}` (the anti-image correlations).

    Same number as SPSS (Analyze > Dimension Reduction > Factor > Descriptives > KMO and Bartlett's test;
    MSA on the diagonal of "Anti-image Correlation") and R ``psych::KMO(x)``.

    Parameters
    ----------
    data : DataFrame or array of item responses, or
    corr, n_obs : a correlation matrix and the number of respondents it came from.
    missing : "listwise" (default, as SPSS) or "pairwise".

    References
    ----------
    Kaiser, H. F. (1970). A second generation little jiffy. Psychometrika 35, 401-415.
    Kaiser, H. F., & Rice, J. (1974). Little Jiffy, Mark IV. Educational and Psychological Measurement 34, 111-117.
    """
    m = gather(data, corr, n_obs, missing=missing)
    return kmo_from_moments(m)


def kmo_from_moments(m: Moments) -> KMOResult:
    overall, per_item, q = kmo_arrays(m.corr, m.inverse)
    overall = float(overall)
    singular = m.singular
    anti = -q  # SPSS prints the negative partial correlations off the diagonal and the MSA on it
    np.fill_diagonal(anti, per_item)
    warnings = m.notes + ((singular_warning(m.names),) if singular else ())
    return KMOResult(
        overall=overall,
        n_obs=m.n_obs,
        missing=m.missing,
        items=m.names,
        msa=per_item,
        anti_image_array=anti,
        warnings=warnings,
    )


@dataclass(frozen=True, repr=False)
class BartlettResult(Reportable):
    """Bartlett's test of sphericity: ``chi2``, ``df``, ``p_value``, ``n_obs``, ``determinant``, ``warnings``."""

    chi2: float
    df: int
    p_value: float
    n_obs: int
    determinant: float
    missing: str
    warnings: tuple[str, ...] = ()

    @property
    def statistic(self) -> float:
        return self.chi2

    def _report(self):
        p = "< .001" if self.p_value < 0.001 else fmt(self.p_value)
        rows = [
            ("Approx. Chi-Square", fmt(self.chi2)),
            ("df", str(self.df)),
            ("Sig.", p),
            ("Determinant of R", f"{self.determinant:.3e}"),
            ("N", str(self.n_obs)),
            ("missing data", self.missing),
        ]
        return "Bartlett's test of sphericity", rows, (), self.warnings, ()


def bartlett(data=None, *, corr=None, n_obs=None, missing: str = LISTWISE) -> BartlettResult:
    r"""Bartlett's test of sphericity: is R an identity matrix?

    .. math::
        \chi^2 = -\left(n - 1 - \frac{2p + 5}{6}\right) \ln |R|, \qquad df = \frac{p(p-1)}{2}

    Same number as SPSS ("KMO and Bartlett's Test": Approx. Chi-Square, df, Sig.) and R
    ``psych::cortest.bartlett(R, n)``.

    Reference: Bartlett, M. S. (1951). The effect of standardization on a chi square approximation in factor
    analysis. Biometrika 38, 337-344.
    """
    m = gather(data, corr, n_obs, missing=missing)
    return bartlett_from_moments(m)


def bartlett_from_moments(m: Moments) -> BartlettResult:
    p = m.n_items
    if m.n_obs <= p or bartlett_multiplier(m.n_obs, p) <= 0:
        raise DataError(
            f"Bartlett's test needs more respondents than items: n = {m.n_obs}, p = {p}. With n <= p the "
            "correlation matrix is singular (its determinant is 0), and with n - 1 - (2p + 5)/6 <= 0 the "
            "chi-square would be negative or infinite; collect more answers or test fewer items."
        )
    ev = m.eigenvalues
    warnings = m.notes
    if m.singular:
        warnings += (singular_warning(m.names),)
    # ln|R| as the sum of the log-eigenvalues (the same number slogdet gives, from a decomposition we have)
    logdet = float(np.sum(np.log(ev))) if ev[-1] > 0 else -np.inf
    sign = 1.0
    chi2 = -bartlett_multiplier(m.n_obs, p) * logdet
    df = p * (p - 1) // 2
    return BartlettResult(
        chi2=float(chi2),
        df=int(df),
        p_value=float(special.chdtrc(df, chi2)),
        n_obs=m.n_obs,
        determinant=float(sign * np.exp(logdet)),
        missing=m.missing,
        warnings=warnings,
    )


@dataclass(frozen=True, repr=False)
class AntiImageResult(Reportable):
    """SPSS's anti-image matrices: ``covariance`` and ``correlation`` (MSA on the diagonal)."""

    covariance: pd.DataFrame
    correlation: pd.DataFrame
    warnings: tuple[str, ...] = ()

    def _report(self):
        return (
            "Anti-image matrices",
            (),
            [("Anti-image Covariance", self.covariance), ("Anti-image Correlation", self.correlation)],
            self.warnings,
            (),
        )


def anti_image(data=None, *, corr=None, n_obs=None, missing: str = LISTWISE) -> AntiImageResult:
    r"""Anti-image covariance and correlation matrices, as SPSS prints them (Descriptives > Anti-image).

    Anti-image covariance: :math:`a_{ij} = s^{ij} / (s^{ii} s^{jj})` with :math:`S = R^{-1}`; anti-image
    correlation: the negative partial correlations off the diagonal, each item's MSA on it.
    R: ``psych::KMO(x)$ImCov`` gives the anti-image covariance.
    Reference: Guttman, L. (1953). Image theory for the structure of quantitative variates. Psychometrika 18, 277-296.
    """
    m = gather(data, corr, n_obs, missing=missing)
    inv, singular = m.inverse, m.singular
    d = 1.0 / np.diag(inv)
    cov = inv * np.outer(d, d)
    km = kmo_from_moments(m)
    names = list(m.names)
    return AntiImageResult(
        pd.DataFrame(cov, index=names, columns=names), km.anti_image, (singular_warning(m.names),) if singular else ()
    )


def smc(data=None, *, corr=None, n_obs=None, missing: str = LISTWISE) -> pd.Series:
    r"""Squared multiple correlation of each item with all the others, :math:`1 - 1/(R^{-1})_{jj}`.

    The initial communalities of principal axis factoring (SPSS "Communalities: Initial"); R ``psych::smc(R)``.
    Reference: Guttman, L. (1956). "Best possible" systematic estimates of communalities. Psychometrika 21, 273-285.
    """
    m = gather(data, corr, n_obs, missing=missing)
    return pd.Series(1.0 - 1.0 / np.diag(m.inverse), index=list(m.names), name="SMC")


def determinant(data=None, *, corr=None, n_obs=None, missing: str = LISTWISE) -> float:
    """Determinant of the correlation matrix, as SPSS prints under the correlation matrix; R ``det(cor(x))``.

    Near 0 means multicollinearity (SPSS warns below 0.00001, Field's rule of thumb).
    """
    m = gather(data, corr, n_obs, missing=missing)
    sign, logdet = np.linalg.slogdet(m.corr)
    return float(sign * np.exp(logdet))
