"""Ordinal items: polychoric correlations (two-step maximum likelihood), vectorized over all item pairs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import ArgumentError, DataError, SingularityWarning, diagnose
from cmanalytics.presentation import Reportable
from cmanalytics.psychometrics.inputs import check_missing, check_whole, response_matrix, smooth_eigenvalues

special = lazy_module("scipy.special")

MAX_CATEGORIES = 20
_BIG = 38.0  # stands in for an infinite threshold: Phi(-38) underflows to 0

# Gauss-Legendre nodes and weights on [-1, 1] (half sets), orders 6, 12 and 20, as Genz (2004) uses them.
_GL = {
    6: (
        [0.9324695142031522, 0.6612093864662647, 0.2386191860831970],
        [0.1713244923791705, 0.3607615730481384, 0.4679139345726904],
    ),
    12: (
        [
            0.9815606342467191,
            0.9041172563704750,
            0.7699026741943050,
            0.5873179542866171,
            0.3678314989981802,
            0.1252334085114692,
        ],
        [
            0.04717533638651177,
            0.1069393259953183,
            0.1600783285433464,
            0.2031674267230659,
            0.2334925365383547,
            0.2491470458134029,
        ],
    ),
    20: (
        [
            0.9931285991850949,
            0.9639719272779138,
            0.9122344282513259,
            0.8391169718222188,
            0.7463319064601508,
            0.6360536807265150,
            0.5108670019508271,
            0.3737060887154196,
            0.2277858511416451,
            0.07652652113349733,
        ],
        [
            0.01761400713915212,
            0.04060142980038694,
            0.06267204833410906,
            0.08327674157670475,
            0.1019301198172404,
            0.1181945319615184,
            0.1316886384491766,
            0.1420961093183821,
            0.1491729864726037,
            0.1527533871307259,
        ],
    ),
}


def _nodes(order):
    x, w = (np.asarray(v) for v in _GL[order])
    return np.concatenate([1 - x, 1 + x]), np.concatenate([w, w])


def _phi(x):
    return special.ndtr(x)


def bvn_upper(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    r"""P(X > h, Y > k) for standard bivariate normal variables with correlation r, elementwise.

    Genz's (2004) method: Gauss-Legendre quadrature of Drezner and Wesolowsky's integral over asin(r)
    for |r| < 0.925, and of the complementary integral in :math:`\sqrt{1-r^2}` beyond; double precision.
    Reference: Genz, A. (2004). Numerical computation of rectangular bivariate and trivariate normal and t
    probabilities. Statistics and Computing 14, 251-260.

    A correlation beyond +-1 (more than the 0.01 allowed for rounding) gives nan.
    """
    h, k, r = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float), np.asarray(r, float))
    h = np.clip(h, -_BIG, _BIG)
    k = np.clip(k, -_BIG, _BIG)
    out = np.full(h.shape, np.nan)  # rows no band takes (|r| >= 1.01) stay nan, not uninitialized memory
    ar = np.abs(r)
    for lo, hi, order in ((0.0, 0.3, 6), (0.3, 0.75, 12), (0.75, 1.01, 20)):
        sel = (ar >= lo) & (ar < hi)
        if not sel.any():
            continue
        x, w = _nodes(order)
        hh, kk, rr = h[sel], k[sel], r[sel]
        mid = np.abs(rr) < 0.925
        res = np.empty(hh.shape)
        if mid.any():
            a, b, c = hh[mid], kk[mid], rr[mid]
            hs = (a * a + b * b) / 2
            asr = np.arcsin(c) / 2
            sn = np.sin(asr[:, None] * x[None, :])
            val = (np.exp((sn * (a * b)[:, None] - hs[:, None]) / (1 - sn**2)) * w).sum(axis=1)
            res[mid] = val * asr / (2 * np.pi) + _phi(-a) * _phi(-b)
        far = ~mid
        if far.any():
            res[far] = _bvn_high(hh[far], kk[far], rr[far], x, w)
        out[sel] = res
    return np.clip(out, 0.0, 1.0)


def _bvn_high(h, k, r, x, w):
    neg = r < 0
    k = np.where(neg, -k, k)
    hk = h * k
    bvn = np.zeros(h.shape)
    inner = np.abs(r) < 1
    tp = 2 * np.pi
    if inner.any():
        hi, ki, hki, ri = h[inner], k[inner], hk[inner], r[inner]
        as_ = 1 - ri**2
        a = np.sqrt(as_)
        bs = (hi - ki) ** 2
        asr = -(bs / as_ + hki) / 2
        c = (4 - hki) / 8
        d = (12 - hki) / 80
        v = np.where(asr > -100, a * np.exp(asr) * (1 - c * (bs - as_) * (1 - d * bs) / 3 + c * d * as_**2), 0.0)
        b = np.sqrt(bs)
        with np.errstate(over="ignore", invalid="ignore"):
            sp = np.sqrt(tp) * _phi(-b / a)
            v = np.where(hki > -100, v - np.exp(-hki / 2) * sp * b * (1 - c * bs * (1 - d * bs) / 3), v)
        a2 = a / 2
        xs = (a2[:, None] * x[None, :]) ** 2
        asr2 = -(bs[:, None] / xs + hki[:, None]) / 2
        ok = asr2 > -100
        sp2 = 1 + c[:, None] * xs * (1 + 5 * d[:, None] * xs)
        rs = np.sqrt(1 - xs)
        with np.errstate(over="ignore", invalid="ignore"):
            ep = np.exp(-(hki[:, None] / 2) * xs / (1 + rs) ** 2) / rs
            terms = np.where(ok, np.exp(np.where(ok, asr2, 0.0)) * (sp2 - ep), 0.0)
        v = (a2 * (terms * w).sum(axis=1) - v) / tp
        bvn[inner] = v
    pos = ~neg
    res = np.empty(h.shape)
    res[pos] = bvn[pos] + _phi(-np.maximum(h[pos], k[pos]))
    hn, kn, bn = h[neg], k[neg], bvn[neg]
    lower = np.where(hn < 0, _phi(kn) - _phi(hn), _phi(-hn) - _phi(-kn))
    res[neg] = np.where(hn >= kn, -bn, lower - bn)
    return res


def bvn_cdf(x, y, r):
    """P(X <= x, Y <= y) for standard bivariate normal variables with correlation r."""
    return bvn_upper(-np.asarray(x, float), -np.asarray(y, float), r)


def bvn_density(x, y, r):
    x, y, r = (np.asarray(v, float) for v in (x, y, r))
    q = 1 - r * r
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.exp(-(x * x - 2 * r * x * y + y * y) / (2 * q)) / (2 * np.pi * np.sqrt(q))
    return np.where(np.isfinite(x) & np.isfinite(y), z, 0.0)


@dataclass(frozen=True, repr=False)
class PolychoricResult(Reportable):
    """Polychoric correlations: ``corr`` (DataFrame), ``thresholds`` (DataFrame: item x cut point),
    ``n_obs``, ``smoothed`` (whether a non-positive-definite result was smoothed), ``warnings``."""

    items: tuple[str, ...]
    rho: np.ndarray
    tau: list
    n_obs: int
    smoothed: bool
    warnings: tuple[str, ...]
    categories: list

    @cached_property
    def corr(self) -> pd.DataFrame:
        return pd.DataFrame(self.rho, index=list(self.items), columns=list(self.items))

    @cached_property
    def thresholds(self) -> pd.DataFrame:
        width = max(len(t) for t in self.tau)
        data = [list(t) + [np.nan] * (width - len(t)) for t in self.tau]
        return pd.DataFrame(data, index=list(self.items), columns=[f"t{j + 1}" for j in range(width)])

    def _report(self):
        return (
            "Polychoric correlations",
            [("N", str(self.n_obs)), ("smoothed", str(self.smoothed))],
            [("Correlations", self.corr), ("Thresholds", self.thresholds)],
            self.warnings,
            (),
        )


def polychoric(
    data, *, correct: float = 0.0, smooth: bool = False, missing: str = "listwise", max_iter: int = 50
) -> PolychoricResult:
    r"""Polychoric correlation matrix of ordinal items, by two-step maximum likelihood.

    Each item's thresholds come from its marginal proportions, :math:`\tau_{c} = \Phi^{-1}(P(X \le c))`;
    then for each pair the correlation maximizes :math:`\sum_{a,b} n_{ab} \ln \pi_{ab}(\rho)`, with
    :math:`\pi_{ab}` the bivariate normal probability of the rectangle of cells (a, b). All pairs are
    solved at once by Fisher scoring, using :math:`\partial\Phi_2(x, y; \rho)/\partial\rho = \phi_2(x, y; \rho)`.

    ``missing="listwise"`` (the default, as every other entry point of the package, SPSS and lavaan) keeps
    the respondents who answered every item. ``missing="pairwise"`` is psych's rule: each item's thresholds
    from all its answers, each pair's table from the respondents who answered both. On complete data the
    two are the same.

    ``correct`` is added to each empty cell of a pair's table before its correlation is estimated (a
    continuity correction; 0, the default, for none). psych::polychoric's signature says ``correct = 0.5``,
    but with the thresholds of each item taken from its own answers (``global = TRUE``, psych's default
    whenever the items have the same number of categories, and this function's only way) psych applies no
    correction: ``psych::polychoric(x)`` and ``psych::polychoric(x, correct = 0)`` print the same matrix,
    and the default here gives it (tests/reference/psych_polychoric_defaults.json). ``correct=0.5`` adds
    0.5 to the empty cells and keeps each item's thresholds from its own answers; psych corrects only with
    pair-wise thresholds (``global = FALSE``), which it takes from the corrected table, so its estimates
    differ where a table has empty cells.
    :func:`~cmanalytics.tetrachoric` defaults to 0.5, because ``psych::tetrachoric`` does apply it.

    R: ``psych::polychoric(x)`` (pairwise) is ``cma.polychoric(x, missing="pairwise")``, and on complete
    data ``cma.polychoric(x)``; this function's listwise default is ``psych::polychoric(na.omit(x))``.
    ``smooth=True`` makes a non-positive-definite result positive definite (eigenvalues floored, as
    ``psych::cor.smooth``) and says so.

    Reference: Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
    Psychometrika 44, 443-460.
    """
    _check_options(missing, correct, smooth, max_iter)
    x, names = _ordinal_responses(data, missing)
    codes, cats = _category_codes(x, names)
    tau, cut = _thresholds(codes, cats)
    tables, iu, ju = _pair_tables(codes, cats, names, correct)
    rho = _fisher_scoring(tables, cut, codes, iu, ju, max_iter)
    p = len(names)
    r = np.eye(p)
    r[iu, ju] = r[ju, iu] = rho
    r, smoothed, warnings = _definiteness(r, smooth)
    return PolychoricResult(names, r, tau, x.shape[0], smoothed, warnings, cats)


def _check_options(missing, correct, smooth, max_iter) -> None:
    """Step 1 of polychoric: refuse arguments outside their domains."""
    check_missing(missing)
    if (
        isinstance(correct, bool)
        or not isinstance(correct, (int, float, np.integer, np.floating))
        or not np.isfinite(correct)
        or correct < 0
    ):
        raise ArgumentError(f"correct must be 0 or a positive count for empty cells; got {correct!r}.")
    if not isinstance(smooth, (bool, np.bool_)):
        raise ArgumentError(f"smooth must be True or False; got {smooth!r}.")
    check_whole("max_iter", max_iter, 1)


def _ordinal_responses(data, missing) -> tuple[np.ndarray, tuple[str, ...]]:
    """Step 2 of polychoric: the response matrix, checked, with incomplete rows dropped under listwise."""
    x, names = response_matrix(data, min_items=2)
    if x.shape[0] < 2:
        raise DataError(f"data has {x.shape[0]} row(s); at least 2 respondents are needed for a correlation.")
    infinite = np.isinf(x).any(axis=0)
    if infinite.any():
        raise DataError(
            f"column(s) {', '.join(repr(names[j]) for j in np.where(infinite)[0])} hold an infinite "
            "value; ordinal answers must be finite numbers (or missing)."
        )
    empty = np.isnan(x).all(axis=0)
    if empty.any():
        raise DataError(
            f"item(s) {', '.join(repr(names[j]) for j in np.where(empty)[0])} were answered by no one; "
            "drop them and run again."
        )
    if missing == "listwise":
        complete = ~np.isnan(x).any(axis=1)
        if not complete.any():
            raise DataError(
                f"no complete rows under listwise deletion (none of {len(x)} respondents answered "
                "every item); use missing='pairwise'."
            )
        x = x[complete]
    return x, names


def _category_codes(x, names) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Step 3 of polychoric: each item's answers as category codes 0..c-1 (-1 for missing), and its categories."""
    codes, cats = [], []
    for j in range(x.shape[1]):
        col = x[:, j]
        values = np.unique(col[~np.isnan(col)])
        if len(values) < 2:
            raise DataError(
                f"item {names[j]!r} has a single category ({values[0]:g}); a polychoric correlation needs at least two."
            )
        if len(values) > MAX_CATEGORIES:
            raise DataError(
                f"item {names[j]!r} has {len(values)} categories; polychoric correlations are for "
                f"ordinal items with at most {MAX_CATEGORIES} (use Pearson correlations)."
            )
        c = np.full(len(col), -1, dtype=np.int64)
        ok = ~np.isnan(col)
        c[ok] = np.searchsorted(values, col[ok])
        codes.append(c)
        cats.append(values)
    return codes, cats


def _thresholds(codes, cats) -> tuple[list[np.ndarray], np.ndarray]:
    """Step 4 of polychoric: each item's thresholds from its marginal proportions, and the cut points
    padded with +BIG for the empty extra categories of items with fewer categories than the most."""
    kmax = max(len(v) for v in cats)
    tau = []
    cut = np.full((len(codes), kmax + 1), _BIG)
    cut[:, 0] = -_BIG
    for j, c in enumerate(codes):
        ok = c >= 0
        counts = np.bincount(c[ok], minlength=len(cats[j]))
        t = special.ndtri(np.cumsum(counts)[:-1] / ok.sum())
        tau.append(t)
        cut[j, 1 : len(t) + 1] = t
    return tau, cut


def _pair_tables(codes, cats, names, correct) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 5 of polychoric: every pair's contingency table (pairs, kmax, kmax), with ``correct`` in its
    empty cells; returns the tables and the pairs' item indices."""
    n, p = len(codes[0]), len(codes)
    kmax = max(len(v) for v in cats)
    # all pairwise tables at once: one-hot indicator matrix, then its cross-products
    onehot = np.zeros((n, p * kmax))
    for j, c in enumerate(codes):
        ok = c >= 0
        onehot[np.where(ok)[0], j * kmax + c[ok]] = 1.0
    tables_all = (onehot.T @ onehot).reshape(p, kmax, p, kmax).transpose(0, 2, 1, 3)
    iu, ju = np.triu_indices(p, 1)
    tables = tables_all[iu, ju].copy()
    together = tables.sum(axis=(1, 2))
    if (together < 2).any():
        q = int(np.argmax(together < 2))
        raise DataError(
            f"items {names[iu[q]]!r} and {names[ju[q]]!r} were answered together by {int(together[q])} "
            "respondent(s); a polychoric correlation needs at least 2."
        )
    if correct > 0:
        # only the cells of categories an item has: the padding of a shorter item stays empty
        real = np.zeros_like(tables, dtype=bool)
        for q, (a, b) in enumerate(zip(iu, ju)):
            real[q, : len(cats[a]), : len(cats[b])] = True
        tables = np.where(real & (tables == 0), correct, tables)
    return tables, iu, ju


def _fisher_scoring(tables, cut, codes, iu, ju, max_iter) -> np.ndarray:
    """Step 6 of polychoric: each pair's maximum-likelihood correlation, all pairs at once, by Fisher
    scoring with step halving, from the Pearson correlation of the codes."""
    rho = np.empty(len(iu))
    for q, (a, b) in enumerate(zip(iu, ju)):
        ok = (codes[a] >= 0) & (codes[b] >= 0)
        rho[q] = np.corrcoef(codes[a][ok], codes[b][ok])[0, 1] if ok.sum() > 2 else 0.0
    rho = np.clip(np.nan_to_num(rho), -0.95, 0.95)
    xa = cut[iu][:, :, None]  # (pairs, kmax+1, 1)
    yb = cut[ju][:, None, :]  # (pairs, 1, kmax+1)
    mask = tables > 0
    total = tables.sum(axis=(1, 2))

    def loglik_parts(r):
        rr = r[:, None, None]
        f = bvn_cdf(xa, yb, rr)
        pi = f[:, 1:, 1:] - f[:, :-1, 1:] - f[:, 1:, :-1] + f[:, :-1, :-1]
        g = bvn_density(xa, yb, rr)
        dpi = g[:, 1:, 1:] - g[:, :-1, 1:] - g[:, 1:, :-1] + g[:, :-1, :-1]
        pi = np.maximum(pi, 1e-300)
        ll = np.where(mask, tables * np.log(pi), 0.0).sum(axis=(1, 2))
        score = np.where(mask, tables * dpi / pi, 0.0).sum(axis=(1, 2))
        info = total * np.where(pi > 1e-300, dpi**2 / pi, 0.0).sum(axis=(1, 2))
        return ll, score, info

    ll, score, info = loglik_parts(rho)
    for _ in range(max_iter):
        step = score / np.maximum(info, 1e-12)
        active = np.abs(step) > 1e-12
        if not active.any():
            break
        scale = np.ones_like(rho)
        for _half in range(30):
            trial = np.clip(rho + scale * step, -0.99999, 0.99999)
            ll_t, score_t, info_t = loglik_parts(trial)
            worse = active & (ll_t < ll - 1e-12)
            if not worse.any():
                break
            scale = np.where(worse, scale / 2, scale)
        rho = np.where(active, trial, rho)
        ll, score, info = np.where(active, ll_t, ll), np.where(active, score_t, score), np.where(active, info_t, info)
    return rho


def _definiteness(r, smooth) -> tuple[np.ndarray, bool, tuple[str, ...]]:
    """Step 7 of polychoric: flag a matrix that is not positive definite (a SingularityWarning), or smooth it
    when asked."""
    lam_min = np.linalg.eigvalsh(r)[0]
    if lam_min > 0:
        return r, False, ()
    record: list[str] = []
    if smooth:
        note = (
            f"the polychoric matrix was not positive definite (smallest eigenvalue {lam_min:.3g}) and "
            "was smoothed (psych::cor.smooth's method)."
        )
        diagnose(note, SingularityWarning, record)
        return smooth_eigenvalues(r), True, tuple(record)
    note = (
        f"the polychoric matrix is not positive definite (smallest eigenvalue {lam_min:.3g}); "
        "pass smooth=True before factoring it."
    )
    diagnose(note, SingularityWarning, record)
    return r, False, tuple(record)
