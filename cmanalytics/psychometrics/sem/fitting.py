"""Fit a model given in lavaan syntax: the steps from data to a :class:`SEMFit`.

``sem_fit(data, model, ...)`` is what ``lavaan::sem(model, data, ...)`` (and ``cfa()``) does: read the
syntax, build the parameter table, compute each group's sample moments, find starting values, check that
the model is identified, minimize the fit function, then compute standard errors, the standardized
solution, R-squared and the fit measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from cmanalytics.errors import (ArgumentError, ConvergenceWarning, DataError, HeywoodWarning, SmallSampleWarning,
                                diagnose)
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.sem import fit as fitm
from cmanalytics.psychometrics.sem import inference
from cmanalytics.psychometrics.sem.estimation import ESTIMATORS, Discrepancy, GroupData, minimize
from cmanalytics.psychometrics.sem.implied import Parameterization
from cmanalytics.psychometrics.sem.model import (ALPHA, BETA, LAMBDA, NU, PSI, THETA, ParTable, _structure,
                                                 build_table)
from cmanalytics.psychometrics.sem.syntax import Statement, from_dict, parse

MISSING = ("listwise", "fiml")
OPS_ORDER = {"=~": 0, "~": 1, "~~": 2, "~1": 3}


_CONTROLLER: list = []


def _blas_controller() -> ThreadpoolController:
    """One scan of the loaded BLAS libraries per session (a scan costs more than a small model's fit)."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


class IdentificationError(ArgumentError):
    """The model is not identified: some parameters cannot be told apart from the data."""


def statements_of(model) -> list[Statement]:
    if isinstance(model, dict):
        if not model:
            raise ArgumentError("model must be lavaan syntax or a non-empty dict: factor -> list of its items.")
        bad = [f for f, items in model.items() if isinstance(items, str) or len(items) < 2]
        if bad:
            raise ArgumentError("factor(s) " + ", ".join(map(str, bad)) + " have fewer than 2 items.")
        return [Statement(str(f), "=~", str(i), (), k + 1) for k, (f, items) in enumerate(model.items())
                for i in items]
    if isinstance(model, str):
        return parse(model)
    return parse(from_dict(model))


# ---- data ---------------------------------------------------------------------------------------------------
def _group_data(data: pd.DataFrame, ov: list[str], group, missing: str, warnings: list):
    if not isinstance(data, pd.DataFrame):
        raise DataError("the data must be a DataFrame whose columns the model names.")
    bad = [v for v in ov if not pd.api.types.is_numeric_dtype(data[v])]
    if bad:
        raise DataError("column(s) " + ", ".join(bad) + " are not numeric; a CFA needs numeric scores.")
    if group is None:
        parts = [("all", data[ov])]
    else:
        if group not in data.columns:
            raise DataError(f"group={group!r} is not a column of the data.")
        lab = data[group]
        if lab.isna().any():
            raise DataError(f"the group column {group!r} has {int(lab.isna().sum())} missing value(s); "
                            "drop those rows or give them a group.")
        levels = pd.unique(lab)
        if len(levels) < 2:
            raise DataError(f"the group column {group!r} holds a single group; drop group= for one group.")
        parts = [(lv, data.loc[lab == lv, ov]) for lv in levels]
    out, labels = [], []
    p = len(ov)
    for lv, frame in parts:
        x = frame.to_numpy(dtype=float, na_value=np.nan)
        where = "" if group is None else f" in group {lv!r}"
        if missing == "listwise":
            x = x[~np.isnan(x).any(axis=1)]
            if len(x) <= p:
                raise DataError(f"{len(x)} complete row(s){where} are too few for {p} observed variables "
                                "(the covariance matrix is singular); at least p + 1 are needed.")
            gd = GroupData.complete(x)
            if np.linalg.eigvalsh(gd.cov)[0] <= 1e-12 * np.trace(gd.cov):
                raise DataError(f"the covariance matrix of the observed variables{where} is singular "
                                "(a variable is constant or a linear combination of others).")
        else:
            x = x[~np.isnan(x).all(axis=1)]
            if len(x) <= p:
                raise DataError(f"{len(x)} row(s){where} are too few for {p} observed variables.")
            gd = GroupData.incomplete(x)
        if len(x) < 50:
            diagnose(f"only {len(x)} cases{where}: estimates and fit indices of a CFA are unstable below "
                     "about 100 to 200 cases.", SmallSampleWarning, warnings, stacklevel=5)
        out.append(gd)
        labels.append(lv)
    return out, labels


# ---- starting values ----------------------------------------------------------------------------------------
def start_values(table: ParTable, groups: list[GroupData]) -> np.ndarray:
    """Simple starts: indicator loadings from each factor's first principal component (scaled to the
    marker), residual variances half the observed ones (as lavaan), intercepts the observed means, the rest 0."""
    st = table.structure
    theta = np.zeros(table.n_free)
    have = np.zeros(table.n_free, bool)
    for g, data in enumerate(groups):
        cov = data.cov if np.all(np.isfinite(data.cov)) else _pairwise_cov(data)
        mean = data.mean if np.all(np.isfinite(data.mean)) else np.nanmean(data.x, axis=0)
        rows = [r for r in table.rows if r.group == g]
        load, lvvar = {}, {}
        for f in st.lv:
            ind = [r for r in rows if r.op == "=~" and r.lhs == f and r.mat == LAMBDA]
            if not ind:
                continue
            idx = [r.i for r in ind]
            ev, vec = np.linalg.eigh(cov[np.ix_(idx, idx)])
            l = vec[:, -1] * np.sqrt(max(ev[-1], 1e-6))
            if l.sum() < 0:
                l = -l
            marker = [k for k, r in enumerate(ind) if not r.free and r.value != 0]
            scale = l[marker[0]] / ind[marker[0]].value if marker and abs(l[marker[0]]) > 1e-8 else 1.0
            for k, r in enumerate(ind):
                load[r.lhs, r.rhs] = l[k] / scale
            lvvar[f] = scale**2
        for r in rows:
            if not r.free or have[r.index]:
                continue
            if r.mat == LAMBDA:
                v = load.get((r.lhs, r.rhs), 0.0)
            elif r.mat == BETA:
                v = 1.0 if r.op == "=~" else 0.0
            elif r.mat == THETA:
                v = cov[r.i, r.i] / 2 if r.i == r.j else 0.0
            elif r.mat == PSI:
                if r.i != r.j:
                    v = 0.0
                elif r.lhs in st.phantom:
                    v = cov[st.ov.index(r.lhs), st.ov.index(r.lhs)]
                else:
                    v = lvvar.get(r.lhs, 0.05) if r.lhs in lvvar else 0.05
            elif r.mat == NU:
                v = mean[r.i]
            elif r.mat == ALPHA:
                v = mean[st.ov.index(r.lhs)] if r.lhs in st.phantom else 0.0
            else:
                v = 0.0
            theta[r.index] = v
            have[r.index] = True
    return theta


def _pairwise_cov(data: GroupData) -> np.ndarray:
    return pd.DataFrame(data.x).cov(ddof=0).fillna(0).to_numpy()


# ---- identification and diagnostics -------------------------------------------------------------------------
def _check_identified(table: ParTable, par: Parameterization, theta0: np.ndarray, meanstructure: bool) -> None:
    rng = np.random.default_rng(12345)  # a fixed seed: the check must give the same answer every time
    theta = theta0 + rng.uniform(0.05, 0.15, len(theta0)) * np.where(theta0 == 0, 1, np.abs(theta0))
    blocks = []
    for g, mt in enumerate(par.matrices(theta)):
        ds, dm = par.jacobian(mt, g)
        p = par.p
        keep = np.ravel_multi_index(np.tril_indices(p), (p, p), order="F")
        blocks.append(ds[keep])
        if meanstructure:
            blocks.append(dm)
    jac = np.vstack(blocks)
    if jac.shape[0] < jac.shape[1]:
        return  # more parameters than moments: the df check names the problem
    u, s, vt = np.linalg.svd(jac, full_matrices=False)
    tol = s[0] * max(jac.shape) * 1e-10
    if s[-1] <= tol:
        null = np.abs(vt[-1])
        worst = np.flatnonzero(null > 0.3 * null.max())
        names = sorted({f"{r.lhs} {r.op} {r.rhs}".strip() for r in table.rows if r.index in set(worst)})
        raise IdentificationError("the model is not identified: the parameters " + ", ".join(names) +
                                  " cannot all be estimated (fix a loading to 1 or a latent variance to 1, "
                                  "or add indicators).")


def _heywood(table: ParTable, mats, labels, warnings: list) -> None:
    st = table.structure
    for g, mt in enumerate(mats):
        where = "" if len(mats) == 1 else f" in group {labels[g]!r}"
        neg = [st.ov[i] for i in range(table.p) if mt.theta[i, i] < 0]
        if neg:
            diagnose(f"negative residual variance(s) of {', '.join(neg)}{where} (a Heywood case): the model "
                     "fits these items too well; check for a misspecified factor or too few cases.",
                     HeywoodWarning, warnings, stacklevel=5)
        lat = [k for k, e in enumerate(st.eta) if e in st.lv]
        if lat:
            cov = mt.eta_cov()[np.ix_(lat, lat)]
            if np.linalg.eigvalsh((cov + cov.T) / 2)[0] < 0:
                diagnose(f"the latent covariance matrix{where} is not positive definite (a Heywood case: a "
                         "negative variance or a correlation beyond 1 among the factors).",
                         HeywoodWarning, warnings, stacklevel=5)


# ---- the result ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class SEMFit(Reportable):
    """A fitted model: ``estimates`` (one row per parameter, as ``parameterEstimates()``), ``fit_measures``
    (lavaan's names), ``r2`` (per group), ``n_obs`` (per group), ``converged``, ``warnings``; methods
    ``modindices()``, ``residuals()``, ``to_frame()``, ``summary()``."""

    estimates: pd.DataFrame
    fit_measures: dict
    r2: list
    n_obs: tuple
    group_labels: tuple
    estimator: str
    missing: str
    converged: bool
    iterations: int
    warnings: tuple
    table: ParTable = field(repr=False)
    theta: np.ndarray = field(repr=False)
    vcov: np.ndarray = field(repr=False)
    discrepancy: Discrepancy = field(repr=False)
    options: dict = field(repr=False)
    sample_moments: tuple = field(repr=False, default=())  # per group (cov, mean): the data's, or EM's (FIML)

    def _observed_cov(self, g: int) -> np.ndarray:
        return self.sample_moments[g][0]

    @property
    def chi2(self) -> float:
        return self.fit_measures["chisq"]

    @property
    def df(self) -> int:
        return self.fit_measures["df"]

    @property
    def p_value(self) -> float:
        return self.fit_measures["pvalue"]

    def __repr__(self) -> str:
        f = self.fit_measures
        return (f"<SEMFit {self.estimator}: chi2 = {f['chisq']:.3f}, df = {f['df']}, CFI = {f['cfi']:.3f}, "
                f"RMSEA = {f['rmsea']:.3f}, SRMR = {f['srmr']:.3f}, N = {sum(self.n_obs)}>")

    __str__ = Reportable.__str__

    def to_frame(self) -> pd.DataFrame:
        """The parameter estimates, like ``lavaan::parameterEstimates(fit, standardized = TRUE)``."""
        return self.estimates.copy()

    def implied(self):
        """Each group's model-implied covariance matrix and mean vector (DataFrame, Series)."""
        ov = self.table.structure.ov
        out = []
        for mt in self.discrepancy.par.matrices(self.theta):
            s, m = mt.implied()
            out.append((pd.DataFrame(s, index=ov, columns=ov), pd.Series(m, index=ov)))
        return out

    def modindices(self) -> pd.DataFrame:
        """Modification indices with expected parameter change, as ``lavaan::modindices(fit)``."""
        from cmanalytics.psychometrics.sem.scores import modification_indices

        return modification_indices(self)

    def residuals(self, kind: str = "raw") -> list[pd.DataFrame]:
        """Residual covariances per group: ``raw`` (S - Sigma), ``cor`` (Bollen: observed minus implied
        correlations), ``normalized`` (raw over the normal-theory standard error of the sample covariance,
        :math:`\\sqrt{(s_{ii}s_{jj} + s_{ij}^2)/N}`), as ``lavaan::resid(fit, type=...)``."""
        from cmanalytics.psychometrics.sem.scores import residuals

        return residuals(self, kind)

    def _report(self):
        f = self.fit_measures
        rows = [("estimator", self.estimator + (" (FIML)" if self.missing == "fiml" else "")),
                ("converged", f"{self.converged} after {self.iterations} iterations"),
                ("observations", " + ".join(map(str, self.n_obs))),
                ("free parameters", str(f["npar"])),
                ("chi-square", f"{fmt(f['chisq'])} (df {f['df']}, p = {fmt(f['pvalue'])})"),
                ("CFI / TLI", f"{fmt(f['cfi'])} / {fmt(f['tli'])}"),
                ("RMSEA", f"{fmt(f['rmsea'])} [90% CI {fmt(f['rmsea.ci.lower'])}, {fmt(f['rmsea.ci.upper'])}], "
                          f"p(close) = {fmt(f['rmsea.pvalue'])}"),
                ("SRMR", fmt(f["srmr"]))]
        if np.isfinite(f.get("aic", np.nan)):
            rows.append(("AIC / BIC", f"{fmt(f['aic'])} / {fmt(f['bic'])}"))
        tables = []
        for g, lab in enumerate(self.group_labels):
            where = "" if len(self.group_labels) == 1 else f" (group {lab})"
            tables += [(title + where, frame) for title, frame in sections(self.estimates, g + 1)]
        return "Structural equation model (lavaan syntax)", rows, tables, self.warnings, ()


_SECTIONS = (("Latent variables", lambda e: e["op"] == "=~"), ("Regressions", lambda e: e["op"] == "~"),
             ("Covariances", lambda e: (e["op"] == "~~") & (e["lhs"] != e["rhs"])),
             ("Intercepts", lambda e: e["op"] == "~1"), ("Thresholds", lambda e: e["op"] == "|"),
             ("Variances", lambda e: (e["op"] == "~~") & (e["lhs"] == e["rhs"])))


def sections(estimates: pd.DataFrame, group: int):
    """The estimates in lavaan's summary() blocks, each row named as lavaan prints it ("visual =~ x2")."""
    est = estimates[estimates["group"] == group]
    cols = ["est", "se", "z", "p_value", "std.lv", "std.all"]
    for title, pick in _SECTIONS:
        block = est[pick(est)]
        if len(block):
            names = (block["lhs"] + " " + block["op"] + " " + block["rhs"]).str.strip()
            shown = block[cols].set_axis(names.to_list(), axis=0)
            shown.loc[~block["free"].to_numpy(), "se"] = np.nan  # a fixed value has no standard error: blank
            yield title, shown


def sem_fit(data: pd.DataFrame, model, *, group: str | None = None, std_lv: bool = False,
            meanstructure: bool | None = None, estimator: str | None = None, missing: str = "listwise",
            information: str | None = None, group_equal=(), group_partial=(), max_iter: int = 500,
            ordered=None) -> SEMFit:
    """Fit a structural equation model as ``lavaan::sem(model, data, ...)`` with the same options.

    ``max_iter`` bounds the Fisher-scoring/Newton iterations (a quasi-Newton polish gets ten times as many).
    ``ordered=True`` (or the list of the model's items) treats the items as ordinal: thresholds, polychoric
    correlations and WLSMV, as ``cfa(..., ordered = TRUE)`` (one group, listwise; see ``categorical``).
    """
    # The engine's matrices are small (p^2 x q at most): BLAS threads cost more than they give, and on a
    # busy machine they made the invariance benchmark seven times slower. One thread for the whole fit.
    with _blas_controller().limit(limits=1, user_api="blas"):
        if ordered is not None and ordered is not False:
            return _sem_fit_ordered(data, model, ordered=ordered, group=group, std_lv=std_lv,
                                    meanstructure=meanstructure, estimator=estimator, missing=missing,
                                    information=information, group_equal=group_equal, max_iter=max_iter)
        return _sem_fit(data, model, group=group, std_lv=std_lv, meanstructure=meanstructure,
                        estimator=estimator, missing=missing, information=information, group_equal=group_equal,
                        group_partial=group_partial, max_iter=max_iter)


def _sem_fit_ordered(data, model, *, ordered, group, std_lv, meanstructure, estimator, missing, information,
                     group_equal, max_iter) -> SEMFit:
    from cmanalytics.psychometrics.sem.categorical import fit_ordinal

    if estimator is not None and str(estimator).upper() != "WLSMV":
        raise ArgumentError(f"estimator={estimator!r} with ordered items: WLSMV is the estimator for them.")
    if group is not None or group_equal:
        raise ArgumentError("ordered items in several groups (thresholds then loadings) are not available yet; "
                            "fit each group, or treat the items as continuous.")
    if missing != "listwise":
        raise ArgumentError(f"missing={missing!r} with ordered items: only 'listwise' is available.")
    if meanstructure or information not in (None, "expected"):
        raise ArgumentError("meanstructure and information do not apply to ordered items (WLSMV).")
    statements = statements_of(model)
    if not isinstance(data, pd.DataFrame):
        raise DataError("the data must be a DataFrame whose columns the model names.")
    ov = build_table(statements, data.columns, std_lv=std_lv).structure.ov
    if ordered is not True:
        names = [ordered] if isinstance(ordered, str) else list(ordered)
        if sorted(names) != sorted(ov):
            raise ArgumentError("ordered= must name every observed variable of the model (mixing ordinal and "
                                "continuous items is not available yet): " + ", ".join(ov) + ".")
    warnings: list[str] = []
    return fit_ordinal(data, statements, std_lv=std_lv, max_iter=max_iter, warnings=warnings)


def _sem_fit(data, model, *, group, std_lv, meanstructure, estimator, missing, information, group_equal,
             group_partial, max_iter) -> SEMFit:
    estimator = "ML" if estimator is None else estimator
    if not isinstance(max_iter, int) or max_iter < 1:
        raise ArgumentError(f"max_iter={max_iter!r}: give a positive whole number of iterations.")
    estimator = str(estimator).upper()
    if estimator not in ESTIMATORS:
        raise ArgumentError(f"estimator={estimator!r}: choose among {', '.join(ESTIMATORS)} "
                            "(WLSMV for ordinal items is not available yet).")
    if missing not in MISSING:
        raise ArgumentError(f"missing={missing!r}: a CFA takes 'listwise' (delete incomplete rows) or 'fiml' "
                            "(full-information maximum likelihood); pairwise deletion has no likelihood.")
    fiml = missing == "fiml"
    if fiml and estimator != "ML":
        raise ArgumentError("missing='fiml' needs estimator='ML'.")
    if information is None:
        information = "observed" if fiml else "expected"
    if information not in ("expected", "observed"):
        raise ArgumentError(f"information={information!r}: choose 'expected' or 'observed'.")
    if estimator != "ML" and information == "observed":
        raise ArgumentError("information='observed' is available with estimator='ML' only.")
    if isinstance(group_equal, str):
        group_equal = (group_equal,)
    if isinstance(group_partial, str):
        group_partial = (group_partial,)
    if (group_equal or group_partial) and group is None:
        raise ArgumentError("group_equal and group_partial need group= (a column naming each case's group).")
    statements = statements_of(model)
    if not isinstance(data, pd.DataFrame):
        raise DataError("the data must be a DataFrame whose columns the model names.")
    warnings: list[str] = []
    groups, labels = _group_data(data, _structure(statements, data.columns).ov, group, missing, warnings)
    ms = bool(meanstructure) if meanstructure is not None else (len(groups) > 1 or fiml)
    if fiml and not ms:
        raise ArgumentError("missing='fiml' estimates the means: meanstructure=False cannot be honoured.")
    table = build_table(statements, data.columns, std_lv=std_lv, meanstructure=ms, n_groups=len(groups),
                        group_equal=tuple(group_equal), group_partial=tuple(group_partial))
    ms = table.meanstructure
    par = Parameterization(table)
    disc = Discrepancy(par, groups, estimator, ms, fiml)
    theta0 = start_values(table, groups)
    _check_identified(table, par, theta0, ms)
    p = table.p
    moments = len(groups) * (p * (p + 1) // 2 + (p if ms else 0))
    df = moments - table.n_free
    if df < 0:
        raise IdentificationError(f"the model has {table.n_free} free parameters but the data only "
                                  f"{moments} moments (df = {df}): it is not identified.")
    opt = minimize(disc, theta0, max_iter=max_iter)
    if not opt.converged:
        diagnose(f"the optimizer did not converge ({opt.message}); the estimates are not the optimum.",
                 ConvergenceWarning, warnings, stacklevel=4)
    mats = par.matrices(opt.theta)
    _heywood(table, mats, labels, warnings)
    vcov = _vcov(disc, opt.theta, estimator, information, warnings)
    estimates = _estimates(table, par, opt.theta, vcov, mats)
    measures, moments_h1 = _measures(table, disc, opt, groups, ms, fiml, estimator, mats)
    options = dict(group=group, std_lv=std_lv, meanstructure=ms, estimator=estimator, missing=missing,
                   information=information, group_equal=tuple(group_equal), group_partial=tuple(group_partial))
    return SEMFit(estimates, measures, inference.r_squared(table, mats), tuple(g.n for g in groups),
                  tuple(labels), estimator, missing, opt.converged, opt.iterations, tuple(warnings), table,
                  opt.theta, vcov, disc, options, tuple(moments_h1))


def _vcov(disc, theta, estimator, information, warnings) -> np.ndarray:
    if estimator == "ULS":
        info = inference.uls_information(disc, theta)
        return np.linalg.inv(info)
    info = inference.information(disc, theta, information)
    try:
        ev = np.linalg.eigvalsh(info)
        if ev[0] <= ev[-1] * 1e-12:
            raise np.linalg.LinAlgError
        return np.linalg.inv(info)
    except np.linalg.LinAlgError:
        diagnose("the information matrix is singular: standard errors are not available (the model may not "
                 "be identified at this solution).", ConvergenceWarning, warnings, stacklevel=5)
        return np.full(info.shape, np.nan)


def _estimates(table: ParTable, par: Parameterization, theta, vcov, mats) -> pd.DataFrame:
    values = par.values(theta)
    idx = par.index
    se = np.where(idx >= 0, np.sqrt(np.abs(np.diag(vcov)))[np.maximum(idx, 0)], 0.0)
    z, pv, lo, hi = inference.wald(values, se)
    z = np.where(idx >= 0, z, np.nan)
    pv = np.where(idx >= 0, pv, np.nan)
    std_lv, std_all = inference.standardized(table, values, mats)
    rows = table.rows
    return pd.DataFrame({"lhs": [r.lhs for r in rows], "op": [r.op for r in rows], "rhs": [r.rhs for r in rows],
                         "group": [r.group + 1 for r in rows],
                         "label": [r.label if not r.label.startswith(".") else "" for r in rows],
                         "free": idx >= 0, "est": values, "se": se, "z": z, "p_value": pv,
                         "ci.lower": lo, "ci.upper": hi, "std.lv": std_lv, "std.all": std_all})


def _measures(table, disc, opt, groups, ms, fiml, estimator, mats) -> dict:
    n = disc.n
    p = table.p
    n_groups = len(groups)
    moments = n_groups * (p * (p + 1) // 2 + (p if ms else 0))
    df = moments - table.n_free
    if fiml:
        h1 = [fitm.em_saturated(g.x) for g in groups]
        logl_h1 = sum(fitm.loglik_patterns(g.patterns, s, m) for g, (m, s) in zip(groups, h1))
        logl = sum(fitm.loglik_patterns(g.patterns, *mt.implied()) for g, mt in zip(groups, mats))
        chisq = 2 * (logl_h1 - logl)
        base_logl = sum(_independence_fiml(g) for g in groups)
        obs_moments = [(s, m) for (m, s) in h1]
    else:
        logl_h1, logl = 0.0, 0.0
        for g, mt in zip(groups, mats):
            sigma, mu = mt.implied()
            sign, ld_s = np.linalg.slogdet(g.cov)
            sign, ld = np.linalg.slogdet(sigma)
            inv = np.linalg.inv(sigma)
            d = g.mean - mu if ms else np.zeros(p)
            logl_h1 += -g.n / 2 * (p * fitm.LOG2PI + ld_s + p)
            logl += -g.n / 2 * (p * fitm.LOG2PI + ld + np.sum(inv * g.cov) + d @ inv @ d)
        chisq = disc.statistic(opt.theta)
        base_logl = None
        obs_moments = [(c, g.mean) for c, g in zip(disc.cov, groups)]
    base_chisq, base_df = _baseline(table, disc, groups, ms, fiml, estimator, logl_h1, base_logl)
    srmr = 0.0
    for g, mt, (s_obs, m_obs) in zip(groups, mats, obs_moments):
        sigma, mu = mt.implied()
        srmr += g.n / n * fitm.srmr_group(s_obs, sigma, m_obs if ms else None, mu if ms else None)
    out = fitm.fit_measures(float(chisq), int(df), float(base_chisq), int(base_df), int(n), n_groups,
                            float(logl), float(logl_h1), table.n_free, srmr,
                            n_rmsea=None if estimator == "ML" else int(n) - n_groups)
    if estimator != "ML":
        for k in ("logl", "unrestricted.logl", "aic", "bic", "bic2"):
            out.pop(k)
    if estimator == "ULS":  # the ULS statistic is not chi-square distributed: lavaan gives no p-value
        out["pvalue"] = out["baseline.pvalue"] = np.nan
    return out, obs_moments


def _independence_fiml(g: GroupData) -> float:
    """The independence model's log-likelihood with incomplete data: each variable on its own observed values."""
    total = 0.0
    for col in g.x.T:
        v = col[~np.isnan(col)]
        var = v.var()
        total += -len(v) / 2 * (fitm.LOG2PI + np.log(var) + 1)
    return total


def _baseline(table, disc, groups, ms, fiml, estimator, logl_h1, base_logl):
    p = table.p
    base_df = len(groups) * p * (p - 1) // 2
    if fiml:
        return 2 * (logl_h1 - base_logl), base_df
    if estimator == "ML":
        chisq = sum(g.n * (np.sum(np.log(np.diag(g.cov))) - np.linalg.slogdet(g.cov)[1]) for g in groups)
        return chisq, base_df
    ov = table.structure.ov
    base = build_table([Statement(v, "~~", v, (), 0) for v in ov], ov, meanstructure=ms, n_groups=len(groups))
    bpar = Parameterization(base)
    bdisc = Discrepancy(bpar, groups, estimator, ms, False)
    theta0 = start_values(base, groups)
    for r in base.rows:
        if r.free and r.mat == THETA:
            theta0[r.index] *= 2
    bopt = minimize(bdisc, theta0)
    return bdisc.statistic(bopt.theta), base_df
