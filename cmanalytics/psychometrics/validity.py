"""Validity evidence: CFA (this package's lavaan-exact engine), composite reliability and AVE,
Fornell-Larcker, HTMT, Harman's single-factor test, McDonald's omega."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.efa import efa_from_moments
from cmanalytics.psychometrics.extraction import minres
from cmanalytics.psychometrics.inputs import gather
from cmanalytics.psychometrics.sem import SEMFit, sem_fit
from cmanalytics.psychometrics.sem.fitting import sections


def _check_model(data: pd.DataFrame, model: dict) -> list[str]:
    if not isinstance(model, dict) or not model:
        raise ArgumentError("model must be a dict: factor name -> list of its items, e.g. {'visual': ['x1', 'x2', 'x3']}.")
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


def composite_reliability(loadings) -> float:
    r"""Composite reliability from standardized loadings, :math:`(\sum l)^2 / ((\sum l)^2 + \sum (1 - l^2))`
    (Fornell & Larcker 1981; Raykov 1997). semTools ``compRelSEM`` on a standardized solution."""
    l = np.asarray(loadings, float)
    return float(l.sum() ** 2 / (l.sum() ** 2 + (1 - l**2).sum()))


def average_variance_extracted(loadings) -> float:
    r"""Average variance extracted, :math:`\frac{1}{k}\sum l^2` (Fornell & Larcker 1981); semTools ``AVE``."""
    l = np.asarray(loadings, float)
    return float((l**2).mean())


@dataclass(frozen=True, repr=False)
class CFAResult(Reportable):
    """A fitted measurement model: ``fit_indices`` (chi2, df, p, cfi, tli, rmsea with its 90% interval and
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
        return self.std_loadings.groupby("factor", sort=False)["loading"].apply(average_variance_extracted).rename("ave")

    def fornell_larcker(self) -> pd.DataFrame:
        """Fornell-Larcker table: sqrt(AVE) on the diagonal, factor correlations below it. Discriminant validity
        holds where each diagonal entry exceeds the correlations in its row and column."""
        out = self.factor_correlations.copy()
        for f in out.index:
            out.loc[f, f] = np.sqrt(self.ave[f])
        return out.where(np.tril(np.ones(out.shape, bool)))

    def __repr__(self) -> str:
        f = self.fit_indices
        return (f"<CFAResult: chi2 = {f['chi2']:.3f} (df {f['df']}), CFI = {f['cfi']:.3f}, "
                f"RMSEA = {f['rmsea']:.3f}, SRMR = {f['srmr']:.3f}, N = {self.n_obs}>")

    __str__ = Reportable.__str__

    def _report(self):
        f = self.fit_indices
        rows = [("chi-square", f"{fmt(f['chi2'])} (df {f['df']}, p = {fmt(f['p'])})"), ("CFI", fmt(f["cfi"])),
                ("TLI", fmt(f["tli"])),
                ("RMSEA", f"{fmt(f['rmsea'])} [90% CI {fmt(f['rmsea_ci_lower'])}, {fmt(f['rmsea_ci_upper'])}]"),
                ("SRMR", fmt(f["srmr"])), ("N", str(self.n_obs))]
        rel = pd.DataFrame({"CR": self.cr, "AVE": self.ave})
        blocks = []
        for g, lab in enumerate(self.sem.group_labels):
            where = "" if len(self.sem.group_labels) == 1 else f" (group {lab})"
            blocks += [(title + where, frame) for title, frame in sections(self.sem.estimates, g + 1)]
        return ("Confirmatory factor analysis", rows, [*blocks,
                ("Standardized loadings", self.std_loadings),
                ("Composite reliability and AVE", rel), ("Fornell-Larcker criterion", self.fornell_larcker())],
                self.warnings, ())


def cfa(data: pd.DataFrame, model, *, std_lv: bool = False, estimator: str | None = None, missing: str = "listwise",
        group: str | None = None, group_equal=(), group_partial=(), meanstructure: bool | None = None,
        information: str | None = None, ordered=None) -> CFAResult:
    r"""Confirmatory factor analysis as ``lavaan::cfa(model, data, ...)``, by this package's own engine
    (:mod:`cmanalytics.psychometrics.sem`).

    ``model`` is lavaan syntax (``"visual =~ x1 + x2 + x3 
 textual =~ x4 + x5 + x6"``, with ``~~``, ``~``,
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
    WLSMV with robust standard errors and the scaled-shifted chi-square (``cfa(..., ordered = TRUE)``).
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
        raise ArgumentError("model must be lavaan syntax (a string) or a dict: factor name -> list of its items, "
                            "e.g. {'visual': ['x1', 'x2', 'x3']}.")
    fit = sem_fit(data, model, group=group, std_lv=std_lv, estimator=estimator, missing=missing,
                  group_equal=group_equal, group_partial=group_partial, meanstructure=meanstructure,
                  information=information, ordered=ordered)
    rows = fit.table.rows
    std_all = fit.estimates["std.all"].to_numpy(float)
    lv = fit.table.structure.lv
    load = [k for k, r in enumerate(rows) if r.group == 0 and r.op == "=~" and r.rhs not in lv]
    std = pd.DataFrame({"factor": [rows[k].lhs for k in load], "item": [rows[k].rhs for k in load],
                        "loading": std_all[load]})
    pos = {f: i for i, f in enumerate(lv)}
    phi = np.eye(len(lv))
    for k, r in enumerate(rows):
        if r.group == 0 and r.op == "~~" and r.lhs != r.rhs and r.lhs in pos and r.rhs in pos:
            phi[pos[r.lhs], pos[r.rhs]] = phi[pos[r.rhs], pos[r.lhs]] = std_all[k]
    phi = pd.DataFrame(phi, index=lv, columns=lv)
    f = fit.fit_measures
    indices = {"chi2": f["chisq"], "df": f["df"], "p": f["pvalue"], "cfi": f["cfi"], "tli": f["tli"],
               "rmsea": f["rmsea"], "rmsea_ci_lower": f["rmsea.ci.lower"], "rmsea_ci_upper": f["rmsea.ci.upper"],
               "rmsea_p_close": f["rmsea.pvalue"], "srmr": f["srmr"], "aic": f.get("aic", np.nan),
               "bic": f.get("bic", np.nan)}
    n = sum(fit.n_obs)
    return CFAResult(indices, std, phi, n, dict(model) if isinstance(model, dict) else model, fit, fit.warnings)


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
        mono[f] = gm([r[a, b] for k, a in enumerate(ii) for b in ii[k + 1:]])
    out = pd.DataFrame(np.eye(len(facs)), index=facs, columns=facs)
    for a, fa in enumerate(facs):
        for fb in facs[a + 1:]:
            hetero = gm([r[idx[g], idx[h]] for g in model[fa] for h in model[fb]])
            out.loc[fa, fb] = out.loc[fb, fa] = hetero / np.sqrt(mono[fa] * mono[fb])
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
        return ("Harman's single-factor test", [("first factor", f"{self.first_factor_pct:.2f}% of variance"),
                ("threshold", f"{self.threshold:g}%"), ("verdict", verdict)], (), (), ())


def harman(data=None, *, corr=None, n_obs=None, missing: str = "listwise", threshold: float = 50.0) -> HarmanResult:
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
    """McDonald's omega from a Schmid-Leiman solution: ``omega_h``, ``omega_total``, ``alpha``
    (standardized), ``schmid`` (general and group loadings, h2, u2)."""

    omega_h: float
    omega_total: float
    alpha: float
    schmid: pd.DataFrame

    def _report(self):
        rows = [("omega hierarchical", fmt(self.omega_h)), ("omega total", fmt(self.omega_total)),
                ("alpha (standardized)", fmt(self.alpha))]
        return "McDonald's omega", rows, [("Schmid-Leiman loadings", self.schmid)], (), ()


def omega(data=None, *, corr=None, n_obs=None, n_factors: int = 3, missing: str = "listwise") -> OmegaResult:
    r"""McDonald's omega hierarchical and total, as ``psych::omega(x, nfactors)``.

    Schmid-Leiman: minres factors rotated by oblimin, their correlations factored (one minres factor), the
    general loadings :math:`g = P\gamma` and group loadings :math:`P\,\mathrm{diag}(\sqrt{1-\gamma^2})`;
    with :math:`V = \mathbf 1'R\mathbf 1`, :math:`\omega_h = (\sum g)^2 / V` and
    :math:`\omega_t = 1 - \sum u^2 / V`, :math:`u^2 = 1 - h^2`.
    References: McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Schmid, J., & Leiman, J. M.
    (1957). The development of hierarchical factor solutions. Psychometrika 22, 53-61.
    """
    m = gather(data, corr, n_obs, missing=missing)
    r, p = m.corr, m.n_items
    if not isinstance(n_factors, int) or n_factors < 2:
        raise ArgumentError("omega needs at least 2 group factors (n_factors >= 2).")
    res = efa_from_moments(m, n_factors=n_factors, method="minres", rotation="oblimin")
    pattern = res.loadings.to_numpy()
    phi = res.phi.to_numpy()
    if n_factors == 2:
        gam = np.full(2, np.sqrt(phi[0, 1]))  # psych: with two factors, both load sqrt(r12) on g
    else:
        gam = minres(phi, 1).loadings[:, 0]
    g = pattern @ gam
    groups = pattern * np.sqrt(np.clip(1 - gam**2, 0, None))
    if g.sum() < 0:
        g = -g
    h2 = g**2 + (groups**2).sum(axis=1)
    u2 = 1 - h2
    v = r.sum()
    sl = pd.DataFrame(np.column_stack([g, groups, h2, u2]), index=list(m.names),
                      columns=["g"] + [f"F{j + 1}*" for j in range(n_factors)] + ["h2", "u2"])
    std_alpha = p / (p - 1) * (1 - p / v)
    return OmegaResult(float(g.sum() ** 2 / v), float(1 - u2.sum() / v), float(std_alpha), sl)
