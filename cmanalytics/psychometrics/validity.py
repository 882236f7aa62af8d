"""Validity evidence: CFA (this package's lavaan-exact engine), composite reliability and AVE,
Fornell-Larcker, HTMT, Harman's single-factor test, McDonald's omega."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.efa import _extraction_diagnostics, psych_order
from cmanalytics.psychometrics.extraction import minres, one_blas_thread, sign_columns
from cmanalytics.psychometrics.inputs import LISTWISE, check_level, check_whole, gather, response_matrix
from cmanalytics.psychometrics.rotation import rotate
from cmanalytics.psychometrics.sem import SEMFit, sem_fit
from cmanalytics.psychometrics.sem.fitting import sections


def _check_model(data: pd.DataFrame, model: dict) -> list[str]:
    if not isinstance(model, dict) or not model:
        raise ArgumentError(
            "model must be a dict: factor name -> list of its items, e.g. {'visual': ['x1', 'x2', 'x3']}."
        )
    items = [i for its in model.values() for i in its]
    missing = [i for i in items if i not in data.columns]
    if missing:
        raise DataError("the model names column(s) not in the data: " + ", ".join(map(str, missing)) + ".")
    dup = sorted({i for i in items if items.count(i) > 1})
    if dup:
        raise ArgumentError("item(s) " + ", ".join(dup) + " are in more than one factor; give each item one factor.")
    small = [f for f, its in model.items() if len(its) < 2]
    if small:
        raise ArgumentError("factor(s) " + ", ".join(small) + " have fewer than 2 items.")
    return items


CR_METHODS = ("fornell-larcker", "semtools")


class Coefficient(float):
    """A float that says how it was computed (``.method``), so a printed CR or AVE states its definition."""

    method: str

    def __new__(cls, value: float, method: str):
        obj = super().__new__(cls, value)
        obj.method = method
        return obj

    def __repr__(self) -> str:
        return f"{float(self)!r} ({self.method})"


def _cr_inputs(loadings, method, cov):
    if method not in CR_METHODS:
        raise ArgumentError(f"method={method!r}; choose 'fornell-larcker' or 'semtools'.")
    lam = np.asarray(loadings, float)
    if method == "semtools":
        if cov is None:
            raise ArgumentError(
                "method='semtools' needs cov=, the observed covariance matrix of the factor's "
                "items (and unstandardized loadings, factor variance 1)."
            )
        cov = np.asarray(cov, float)
        if cov.shape != (lam.size, lam.size):
            raise ArgumentError(f"cov must be {lam.size} x {lam.size}, one row per loading; got {cov.shape}.")
    elif cov is not None:
        raise ArgumentError(
            "cov= is used by method='semtools' only; the Fornell-Larcker formulas take standardized loadings alone."
        )
    return lam, cov


def composite_reliability(loadings, *, method: str = "fornell-larcker", cov=None) -> Coefficient:
    r"""Composite reliability of one factor's items.

    * ``"fornell-larcker"`` (default; Fornell & Larcker 1981, Raykov 1997), from standardized loadings:
      :math:`(\sum lam)^2 / ((\sum lam)^2 + \sum (1 - l^2))`;
    * ``"semtools"``: ``semTools::compRelSEM(fit)``'s default (``obs.var = TRUE``), from unstandardized
      loadings with the factor's variance 1 and the observed covariance matrix S of the items:
      :math:`(\sum \lambda)^2 / \mathbf 1'S\mathbf 1` (the denominator is the observed variance of the sum).

    The two agree when the model reproduces the items' covariances; the returned number carries its
    ``method``.
    """
    lam, cov = _cr_inputs(loadings, method, cov)
    if method == "semtools":
        return Coefficient(lam.sum() ** 2 / cov.sum(), method)
    return Coefficient(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()), method)


def average_variance_extracted(loadings, *, method: str = "fornell-larcker", cov=None) -> Coefficient:
    r"""Average variance extracted: ``"fornell-larcker"`` :math:`\frac{1}{k}\sum l^2` of standardized
    loadings (Fornell & Larcker 1981); ``"semtools"`` (``semTools::AVE(fit)``, ``obs.var = TRUE``)
    :math:`\sum \lambda^2 / \mathrm{tr}\,S` from unstandardized loadings (factor variance 1) and the
    observed covariance matrix S of the items."""
    lam, cov = _cr_inputs(loadings, method, cov)
    if method == "semtools":
        return Coefficient((lam**2).sum() / np.trace(cov), method)
    return Coefficient((lam**2).mean(), method)


@dataclass(frozen=True, repr=False)
class CFAResult(Reportable):
    """A fitted measurement model: ``fit_indices`` (chi2, df, p_value, cfi, tli, rmsea with its 90% interval and
    p-close, srmr, aic, bic), ``std_loadings`` (DataFrame: factor, item, loading; std.all), ``cr`` and ``ave``
    (Series by factor), ``factor_correlations``, ``n_obs``, ``estimates`` (as ``parameterEstimates()``),
    ``fit_measures`` (all of lavaan's names), ``r2``, ``warnings``; ``modindices()``, ``residuals()``.
    With groups, the loadings, correlations, CR and AVE are those of the first group (``sem.estimates``
    holds every group's)."""

    fit_indices: dict
    std_loadings: pd.DataFrame
    factor_correlations: pd.DataFrame
    n_obs: int
    model: object
    sem: SEMFit | None = None
    warnings: tuple = ()

    @property
    def estimates(self) -> pd.DataFrame:
        return self.sem.estimates

    @property
    def fit_measures(self) -> dict:
        return self.sem.fit_measures

    @property
    def r2(self) -> pd.Series:
        return pd.Series(self.sem.r2[0], name="r2")

    def to_frame(self) -> pd.DataFrame:
        """The parameter estimates, as ``lavaan::parameterEstimates(fit, standardized = TRUE)``."""
        return self.sem.to_frame()

    def modindices(self) -> pd.DataFrame:
        """Modification indices with expected parameter change, as ``lavaan::modindices(fit)``."""
        return self.sem.modindices()

    def residuals(self, kind: str = "raw") -> list[pd.DataFrame]:
        """Residuals of the covariance structure per group (raw, cor, normalized), as ``lavaan::resid()``."""
        return self.sem.residuals(kind)

    @cached_property
    def cr(self) -> pd.Series:
        return self.std_loadings.groupby("factor", sort=False)["loading"].apply(composite_reliability).rename("cr")

    @cached_property
    def ave(self) -> pd.Series:
        return (
            self.std_loadings.groupby("factor", sort=False)["loading"].apply(average_variance_extracted).rename("ave")
        )

    def fornell_larcker(self) -> pd.DataFrame:
        """Fornell-Larcker table: sqrt(AVE) on the diagonal, factor correlations below it. Discriminant validity
        holds where each diagonal entry exceeds the correlations in its row and column."""
        out = self.factor_correlations.copy()
        for f in out.index:
            out.loc[f, f] = np.sqrt(self.ave[f])
        return out.where(np.tril(np.ones(out.shape, bool)))

    def __repr__(self) -> str:
        f = self.fit_indices
        return (
            f"<CFAResult: chi2 = {f['chi2']:.3f} (df {f['df']}), CFI = {f['cfi']:.3f}, "
            f"RMSEA = {f['rmsea']:.3f}, SRMR = {f['srmr']:.3f}, N = {self.n_obs}>"
        )

    __str__ = Reportable.__str__

    def _report(self):
        f = self.fit_indices
        rows = [
            ("chi-square", f"{fmt(f['chi2'])} (df {f['df']}, p = {fmt(f['p_value'])})"),
            ("CFI", fmt(f["cfi"])),
            ("TLI", fmt(f["tli"])),
            ("RMSEA", f"{fmt(f['rmsea'])} [90% CI {fmt(f['rmsea_ci_lower'])}, {fmt(f['rmsea_ci_upper'])}]"),
            ("SRMR", fmt(f["srmr"])),
            ("N", str(self.n_obs)),
        ]
        rel = pd.DataFrame({"CR": self.cr, "AVE": self.ave})
        blocks = []
        for g, lab in enumerate(self.sem.group_labels):
            where = "" if len(self.sem.group_labels) == 1 else f" (group {lab})"
            blocks += [(title + where, frame) for title, frame in sections(self.sem.estimates, g + 1)]
        return (
            "Confirmatory factor analysis",
            rows,
            [
                *blocks,
                ("Standardized loadings", self.std_loadings),
                ("Composite reliability and AVE", rel),
                ("Fornell-Larcker criterion", self.fornell_larcker()),
            ],
            self.warnings,
            (),
        )


def cfa(
    data: pd.DataFrame,
    model,
    *,
    std_lv: bool = False,
    estimator: str | None = None,
    missing: str = "listwise",
    group: str | None = None,
    group_equal=(),
    group_partial=(),
    meanstructure: bool | None = None,
    information: str | None = None,
    ordered=None,
) -> CFAResult:
    r"""Confirmatory factor analysis as ``lavaan::cfa(model, data, ...)``, by this package's own engine
    (:mod:`cmanalytics.psychometrics.sem`).

    ``model`` is lavaan syntax (``"visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6"``, with ``~~``, ``~``,
    ``~ 1``, fixed values ``1*x1``, labels ``a*x2``, ``NA*x1``) or a dict ``{"visual": ["x1", "x2", "x3"]}``.
    Identification as lavaan: each factor's first loading fixed to 1, or with ``std_lv=True`` each factor's
    variance; the fit and the standardized solution do not depend on the choice.

    ML minimizes :math:`F = \log|\Sigma| + \mathrm{tr}(S\Sigma^{-1}) - \log|S| - p` (:math:`S` with divisor N);
    chi-square :math:`= N F_{\min}`; fit indices as ``fitMeasures()`` (CFI truncated to [0, 1], RMSEA with N,
    Bentler's SRMR); standard errors from the expected information (``information="observed"`` as option).
    ``estimator`` "ML" (the default), "GLS" or "ULS"; ``missing`` "listwise" (lavaan's default) or "fiml" (``missing = "ml"``);
    ``group`` with ``group_equal`` (loadings, intercepts, means, residuals, residual.covariances,
    lv.variances, lv.covariances, regressions) and ``group_partial`` for multi-group models.
    ``ordered=True`` (or the list of items) treats the items as ordinal: thresholds, polychoric correlations,
    WLSMV with robust standard errors and the scaled-shifted chi-square (``cfa(..., ordered = TRUE)``), also
    in several groups with ``group_equal`` "thresholds" and "loadings" (lavaan's delta parameterization).
    CR and AVE come from the standardized loadings (std.all).

    Reference: Joreskog, K. G. (1969). A general approach to confirmatory maximum likelihood factor analysis.
    Psychometrika 34, 183-202. Rosseel, Y. (2012). lavaan: an R package for structural equation modeling.
    Journal of Statistical Software 48(2), 1-36.
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError("cfa() takes the data as a DataFrame whose columns the model names.")
    if isinstance(model, dict):
        _check_model(data, model)
    elif not isinstance(model, str):
        raise ArgumentError(
            "model must be lavaan syntax (a string) or a dict: factor name -> list of its items, "
            "e.g. {'visual': ['x1', 'x2', 'x3']}."
        )
    fit = sem_fit(
        data,
        model,
        group=group,
        std_lv=std_lv,
        estimator=estimator,
        missing=missing,
        group_equal=group_equal,
        group_partial=group_partial,
        meanstructure=meanstructure,
        information=information,
        ordered=ordered,
    )
    std, phi = _standardized_solution(fit)
    indices = _fit_indices(fit)
    n = sum(fit.n_obs)
    return CFAResult(indices, std, phi, n, dict(model) if isinstance(model, dict) else model, fit, fit.warnings)


def _standardized_solution(fit) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 2 of cfa: the standardized loadings (std.all; a row per item and factor) and factor correlations
    of the first group."""
    rows = fit.table.rows
    std_all = fit.estimates["std.all"].to_numpy(float)
    lv = fit.table.structure.lv
    load = [k for k, r in enumerate(rows) if r.group == 0 and r.op == "=~" and r.rhs not in lv]
    std = pd.DataFrame(
        {"factor": [rows[k].lhs for k in load], "item": [rows[k].rhs for k in load], "loading": std_all[load]}
    )
    pos = {f: i for i, f in enumerate(lv)}
    phi = np.eye(len(lv))
    for k, r in enumerate(rows):
        if r.group == 0 and r.op == "~~" and r.lhs != r.rhs and r.lhs in pos and r.rhs in pos:
            phi[pos[r.lhs], pos[r.rhs]] = phi[pos[r.rhs], pos[r.lhs]] = std_all[k]
    return std, pd.DataFrame(phi, index=lv, columns=lv)


def _fit_indices(fit) -> dict:
    """Step 3 of cfa: the fit indices under this package's names, from lavaan's fitMeasures names."""
    f = fit.fit_measures
    return {
        "chi2": f["chisq"],
        "df": f["df"],
        "p_value": f["pvalue"],
        "cfi": f["cfi"],
        "tli": f["tli"],
        "rmsea": f["rmsea"],
        "rmsea_ci_lower": f["rmsea.ci.lower"],
        "rmsea_ci_upper": f["rmsea.ci.upper"],
        "rmsea_p_close": f["rmsea.pvalue"],
        "srmr": f["srmr"],
        "aic": f.get("aic", np.nan),
        "bic": f.get("bic", np.nan),
    }


def htmt(data: pd.DataFrame, model: dict, *, missing: str = "listwise") -> pd.DataFrame:
    r"""Heterotrait-monotrait ratio of correlations, HTMT2 (the geometric-mean variant on absolute
    correlations; semTools 0.5-6's default):

    .. math:: \mathrm{HTMT2}_{ij} = \frac{\mathrm{GM}\{|r_{gh}|: g \in i, h \in j\}}
              {\sqrt{\mathrm{GM}\{|r_{gg'}|: g < g' \in i\}\;\mathrm{GM}\{|r_{hh'}|: h < h' \in j\}}}

    Values above 0.85 (or 0.90) question discriminant validity. R: ``semTools::htmt(model, data)``.
    Reference: Roemer, E., Schuberth, F., & Henseler, J. (2021). HTMT2: an improved criterion for assessing
    discriminant validity in structural equation modeling. Industrial Management & Data Systems 121, 2637-2650.
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError("htmt() takes the data as a DataFrame whose columns the model names.")
    items = _check_model(data, model)
    m = gather(data[items], missing=missing)
    r = np.abs(m.corr)
    idx = {i: k for k, i in enumerate(items)}
    facs = list(model)

    def gm(values):
        v = np.asarray(values, float)
        return float(np.exp(np.log(v).mean()))

    mono = {}
    for f in facs:
        ii = [idx[i] for i in model[f]]
        mono[f] = gm([r[a, b] for k, a in enumerate(ii) for b in ii[k + 1 :]])
    out = pd.DataFrame(np.eye(len(facs)), index=facs, columns=facs)
    for a, fa in enumerate(facs):
        for fb in facs[a + 1 :]:
            hetero = gm([r[idx[g], idx[h]] for g in model[fa] for h in model[fb]])
            out.loc[fa, fb] = out.loc[fb, fa] = hetero / np.sqrt(mono[fa] * mono[fb])
    return out


HTMT_THRESHOLDS = (0.85, 0.90)


def htmt_table(ratios: pd.DataFrame, *, digits: int = 3) -> pd.DataFrame:
    """The HTMT matrix as a paper prints it: the lower triangle only (the diagonal and the upper triangle
    blank, as a ratio of a dimension with itself is not informative), a value above 0.85 marked ``*`` and
    above 0.90 ``**`` (Henseler, Ringle & Sarstedt 2015: the strict and the lenient threshold), with the
    note in ``attrs["note"]``. ``ratios``: the result of :func:`htmt`."""
    strict, lenient = HTMT_THRESHOLDS
    values = ratios.to_numpy(dtype=float)
    cells = [
        [
            ""
            if j >= i
            else f"{values[i, j]:.{digits}f}"
            + ("**" if values[i, j] > lenient else "*" if values[i, j] > strict else "")
            for j in range(values.shape[1])
        ]
        for i in range(values.shape[0])
    ]
    out = pd.DataFrame(cells, index=ratios.index, columns=ratios.columns)
    out.attrs["note"] = (
        f"HTMT2. * above {strict:.2f} (strict threshold), ** above {lenient:.2f} (lenient): "
        "discriminant validity is in doubt. Diagonal and upper triangle left blank."
    )
    return out


@dataclass(frozen=True, repr=False)
class HarmanResult(Reportable):
    """Harman's single-factor test: ``first_factor_pct`` (variance of the first unrotated component) and
    ``flagged`` (above ``threshold``, conventionally 50%)."""

    first_factor_pct: float
    threshold: float
    n_obs: int

    @property
    def flagged(self) -> bool:
        return self.first_factor_pct > self.threshold

    def _report(self):
        verdict = "common-method variance suspected" if self.flagged else "no single factor dominates"
        return (
            "Harman's single-factor test",
            [
                ("first factor", f"{self.first_factor_pct:.2f}% of variance"),
                ("threshold", f"{self.threshold:g}%"),
                ("verdict", verdict),
            ],
            (),
            (),
            (),
        )


def harman(data=None, *, corr=None, n_obs=None, missing: str = LISTWISE, threshold: float = 50.0) -> HarmanResult:
    r"""Harman's single-factor test for common-method bias: the share of variance of the first unrotated
    principal component of all items, :math:`100\,\lambda_1 / p`; above 50% a single (method) factor is
    suspected. SPSS: Factor, Principal components, fixed 1 factor, no rotation, "% of Variance".
    Reference: Podsakoff, P. M., et al. (2003). Common method biases in behavioral research. Journal of
    Applied Psychology 88, 879-903.
    """
    m = gather(data, corr, n_obs, missing=missing)
    return HarmanResult(float(100 * m.eigenvalues[0] / m.n_items), threshold, m.n_obs)


@dataclass(frozen=True, repr=False)
class OmegaResult(Reportable):
    """McDonald's omegas from a Schmid-Leiman solution, as ``psych::omega``.

    ``omega_h`` (general factor), ``omega_total``, ``omega_limit`` (omega_h / omega_total, psych's
    omega.lim), ``alpha`` (standardized, of the flipped items), ``g6`` (Guttman's lambda 6), ``ecv`` (explained
    common variance of the general factor), ``schmid`` (general and group loadings, h2, u2, p2),
    ``groups`` (omega total, general and group for g and each group factor: psych's omega.group),
    ``flipped`` (items reversed because they load negatively on g), ``g_loadings`` (of the group factors on g),
    ``ci`` (bootstrap percentile intervals, when asked for), ``n_obs``, ``warnings``.
    """

    omega_h: float
    omega_total: float
    omega_limit: float
    alpha: float
    g6: float
    ecv: float
    schmid: pd.DataFrame
    groups: pd.DataFrame
    flipped: tuple[str, ...]
    g_loadings: np.ndarray
    n_obs: int
    ci: pd.DataFrame | None = None
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        return self.schmid

    def _report(self):
        rows = [
            ("omega hierarchical", fmt(self.omega_h)),
            ("omega total", fmt(self.omega_total)),
            ("omega limit (omega_h / omega_total)", fmt(self.omega_limit)),
            ("alpha (standardized)", fmt(self.alpha)),
            ("Guttman's lambda 6", fmt(self.g6)),
            ("explained common variance", fmt(self.ecv)),
            ("N", str(self.n_obs)),
        ]
        notes = ["Reversed (negative loading on g): " + ", ".join(self.flipped)] if self.flipped else []
        tables = [("Schmid-Leiman loadings", self.schmid), ("Omega by factor", self.groups)]
        if self.ci is not None:
            tables.append(("Bootstrap intervals", self.ci))
        return "McDonald's omega", rows, tables, self.warnings, notes


def _general_loadings(phi: np.ndarray, option: str, gtol: float = 1e-12) -> np.ndarray:
    """Loadings of the group factors on g: one minres factor of their correlations (3 or more factors);
    with two factors psych's ``option``: "equal" gives both :math:`\\sqrt{|r|}` (the second signed as r),
    "first" fixes the first at 1, "second" the second."""
    k = phi.shape[0]
    if k > 2:
        return sign_columns(minres(phi, 1, gtol=gtol).loadings)[:, 0]
    r12 = phi[0, 1]
    if option == "equal":
        return np.array([np.sqrt(abs(r12)), np.sign(r12) * np.sqrt(abs(r12))])
    if option == "first":
        return np.array([1.0, r12])
    return np.array([r12, 1.0])


def schmid_leiman(
    r: np.ndarray, k: int, *, option: str = "equal", start: np.ndarray | None = None, gtol: float = 1e-12
):
    r"""Schmid-Leiman transformation as ``psych::schmid``: minres factors rotated by varimax (psych's fa),
    then by oblimin from there (GPArotation, unnormalized); the factor correlations' general factor
    :math:`\gamma`; general loadings :math:`g = P\gamma`, group loadings
    :math:`\mathrm{sign}(P)\sqrt{P^2(1 - \gamma^2)}` (0 where negative), :math:`h^2` the communalities of the
    minres solution (not :math:`g^2 + \sum` group\ :sup:`2`, which differs with four or more factors, where
    one factor does not reproduce the factor correlations exactly), :math:`u^2 = 1 - h^2`,
    :math:`p^2 = g^2/h^2`. ``start``: uniquenesses to start minres from (a bootstrap starts from the
    full sample's).

    Returns (g, group loadings, h2, gamma, the extraction).
    """
    xt = minres(r, k, start=start, gtol=gtol)
    sign, order = psych_order(xt.loadings, None)
    orth = rotate((xt.loadings * sign)[:, order], "varimax").loadings
    sign, order = psych_order(orth, None)
    orth = (orth * sign)[:, order]
    ob = rotate(orth, "oblimin")
    pattern, phi = ob.loadings, ob.phi
    gamma = _general_loadings(phi, option, gtol)
    g = pattern @ gamma
    h2 = (orth**2).sum(axis=1)
    rest = np.clip(pattern**2 - (pattern * gamma) ** 2, 0.0, None)
    groups = np.sign(pattern) * np.sqrt(rest)
    return g, groups, h2, gamma, xt


def _omega_values(r: np.ndarray, g, groups, h2, flip: bool):
    """omega_h, omega_total and the rest from a Schmid-Leiman solution (psych's omegah)."""
    p, k = groups.shape
    key = np.sign(g) if flip else np.ones(p)
    key[key == 0] = 1
    rf = r * np.outer(key, key)
    g, groups = g * key, groups * key[:, None]
    u2 = 1 - h2
    vt = rf.sum()
    gsq = g.sum() ** 2
    omega_t = (vt - u2.sum()) / vt
    ev = np.concatenate([[np.sum(g**2)], (groups**2).sum(axis=0)])
    inv = np.linalg.inv(rf)
    smc = 1 - 1 / np.diag(inv)
    out = {
        "omega_h": gsq / vt,
        "omega_total": omega_t,
        "omega_limit": gsq / (vt - u2.sum()),
        "alpha": (vt - p) / vt * p / (p - 1),
        "g6": (vt + smc.sum() - p) / vt,
        "ecv": ev[0] / ev.sum(),
    }
    # omega of each group factor over the items whose largest group loading is on it
    dominant = np.abs(groups).argmax(axis=1)
    rows = [[omega_t, gsq / vt, np.nan]]
    grs = 0.0
    for j in range(k):
        idx = np.where(dominant == j)[0]
        if idx.size == 0:
            rows.append([np.nan] * 3)
            continue
        vgr = rf[np.ix_(idx, idx)].sum()
        gr = groups[idx, j].sum()
        gg = g[idx].sum()
        grs += gr**2
        rows.append([(gr**2 + gg**2) / vgr, gg**2 / vgr, gr**2 / vgr])
    rows[0][2] = grs / vt
    return out, np.array(rows), key, g, groups


def omega(
    data=None,
    *,
    corr=None,
    n_obs=None,
    n_factors: int = 3,
    missing: str = LISTWISE,
    flip: bool = True,
    option: str = "equal",
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = None,
) -> OmegaResult:
    r"""McDonald's omega hierarchical and total, as ``psych::omega(x, nfactors)``, with psych's variants.

    Schmid-Leiman (:func:`schmid_leiman`); then, with :math:`V = \mathbf 1'R\mathbf 1` of the items after
    reversing those that load negatively on g (``flip=True``, psych's default; they are listed in
    ``flipped``): :math:`\omega_h = (\sum g)^2 / V`, :math:`\omega_t = (V - \sum u^2)/V`,
    :math:`\omega_{lim} = (\sum g)^2/(V - \sum u^2)`, standardized alpha, Guttman's :math:`\lambda_6`,
    ECV :math:`= \sum g^2 / (\sum g^2 + \sum_{ij} G_{ij}^2)`, and per group factor (items grouped by their
    largest group loading) the total, general and group omegas (psych's ``omega.group``). With two factors
    psych's ``option`` ("equal", "first", "second") fixes the general loadings; a negative factor correlation
    gives the second factor a negative loading on g (psych's sign), not a NaN.

    ``n_boot`` > 0 adds percentile bootstrap intervals (rows resampled, ``seed``), level ``ci``, for omega_h,
    omega_total, omega_limit, alpha and lambda 6 (raw data only). psych's ``n.iter`` gives normal-theory
    intervals on Fisher's z instead; the point estimates are the same.

    References: McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Schmid, J., & Leiman, J. M.
    (1957). The development of hierarchical factor solutions. Psychometrika 22, 53-61. Zinbarg, R. E.,
    Revelle, W., Yovel, I., & Li, W. (2005). Cronbach's alpha, Revelle's beta, and McDonald's omega_h.
    Psychometrika 70, 123-133.
    """
    m = gather(data, corr, n_obs, missing=missing)
    r = m.corr
    check_whole("n_factors", n_factors, 2)  # omega needs at least two group factors
    if option not in ("equal", "first", "second"):
        raise ArgumentError(f"option must be 'equal', 'first' or 'second' (psych's, for two factors); got {option!r}.")
    check_whole("n_boot", n_boot, 0)
    check_level("ci", ci)
    _check_omega_inapplicable(int(n_factors), option, n_boot, ci, seed)
    warnings: list[str] = []
    g, groups, h2, gamma, xt = schmid_leiman(r, int(n_factors), option=option)
    _extraction_diagnostics(xt, "minres", list(m.names), warnings)
    vals, rows, key, g, groups = _omega_values(r, g, groups, h2, flip)
    names = list(m.names)
    labels = [f"{n}-" if s < 0 else n for n, s in zip(names, key)]
    cols = [f"F{j + 1}*" for j in range(n_factors)]
    sl = pd.DataFrame(
        np.column_stack([g, groups, h2, 1 - h2, g**2 / h2]), index=labels, columns=["g"] + cols + ["h2", "u2", "p2"]
    )
    group_table = pd.DataFrame(rows, index=["g"] + cols, columns=["total", "general", "group"])
    ci_table = None
    if n_boot:
        ci_table = _omega_bootstrap(data, m, int(n_factors), option, flip, int(n_boot), ci, seed, missing, 1 - h2)
    return OmegaResult(
        float(vals["omega_h"]),
        float(vals["omega_total"]),
        float(vals["omega_limit"]),
        float(vals["alpha"]),
        float(vals["g6"]),
        float(vals["ecv"]),
        sl,
        group_table,
        tuple(n for n, s in zip(names, key) if s < 0),
        gamma,
        m.n_obs,
        ci_table,
        tuple(warnings),
    )


def _check_omega_inapplicable(k, option, n_boot, ci, seed) -> None:
    """Refuse omega's options that would go unused: psych's ``option`` fixes the general loadings of two
    group factors only, and ``ci`` and ``seed`` belong to the bootstrap (``n_boot`` > 0)."""
    if option != "equal" and k != 2:
        raise ArgumentError(
            f"option={option!r} applies to two group factors (psych's option); with n_factors={k} the general "
            "loadings come from a factor of the group factors' correlations. Leave option out."
        )
    if not n_boot:
        if seed is not None:
            raise ArgumentError("seed is for the bootstrap intervals; give n_boot > 0, or leave seed out.")
        if ci != 0.95:
            raise ArgumentError("ci is the level of the bootstrap intervals; give n_boot > 0, or leave ci out.")


def _omega_bootstrap(data, m, k, option, flip, n_boot, level, seed, missing, psi0) -> pd.DataFrame:
    """Percentile intervals from ``n_boot`` resamples of the respondents (seeded)."""
    if data is None or not m.from_data:
        raise ArgumentError("bootstrap intervals for omega need the raw responses (data=), not a correlation matrix.")
    import warnings as w

    x, names = response_matrix(data, min_items=2)
    x = x[:, [list(names).index(n) for n in m.names]]
    x = x[~np.isnan(x).any(axis=1)] if missing == "listwise" else x
    rng = np.random.default_rng(seed)
    keys = ("omega_h", "omega_total", "omega_limit", "alpha", "g6")
    out = np.full((n_boot, len(keys)), np.nan)
    n = x.shape[0]
    with w.catch_warnings(), one_blas_thread():
        w.simplefilter("ignore")
        for b in range(n_boot):
            xb = x[rng.integers(0, n, n)]
            rb = np.corrcoef(xb, rowvar=False)
            try:
                # a replicate needs the uniquenesses to 1e-7, far below their sampling error
                g, groups, h2, _, _ = schmid_leiman(rb, k, option=option, start=np.clip(psi0, 0.005, 1.0), gtol=1e-7)
                vals = _omega_values(rb, g, groups, h2, flip)[0]
                out[b] = [vals[kk] for kk in keys]
            except (np.linalg.LinAlgError, ValueError, ArgumentError):
                continue
    tail = (1 - level) / 2
    return pd.DataFrame(
        {
            "lower": np.nanquantile(out, tail, axis=0),
            "upper": np.nanquantile(out, 1 - tail, axis=0),
            "n_boot": np.sum(~np.isnan(out), axis=0),
        },
        index=list(keys),
    )
