"""Fit a model given in lavaan syntax: the steps from data to a :class:`SEMFit`.

``sem_fit(data, model, ...)`` is what ``lavaan::sem(model, data, ...)`` (and ``cfa()``) does: read the
syntax, build the parameter table, compute each group's sample moments, find starting values, check that
the model is identified, minimize the fit function, then compute standard errors, the standardized
solution, R-squared and the fit measures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cmanalytics.errors import (
    ArgumentError,
    ConvergenceWarning,
    DataError,
    DataWarning,
    SmallSampleWarning,
    diagnose,
)
from cmanalytics.psychometrics.extraction import one_blas_thread
from cmanalytics.psychometrics.sem import fit as fitm
from cmanalytics.psychometrics.sem import inference
from cmanalytics.psychometrics.sem.estimation import ESTIMATORS, Discrepancy, GroupData, minimize
from cmanalytics.psychometrics.sem.implied import Parameterization
from cmanalytics.psychometrics.sem.model import THETA, ParTable, _structure, build_table, fill_fixed_x, n_moments
from cmanalytics.psychometrics.sem.results import (  # noqa: F401 - kept importable from here
    OPS_ORDER,
    IdentificationError,
    SEMFit,
    _check_identified,
    _heywood,
    _pairwise_cov,
    check_df,
    optimize,
    sections,
    start_values,
)
from cmanalytics.psychometrics.sem.syntax import Statement, from_dict, parse

MISSING = ("listwise", "fiml")


def statements_of(model) -> list[Statement]:
    if isinstance(model, dict):
        if not model:
            raise ArgumentError("model must be lavaan syntax or a non-empty dict: factor -> list of its items.")
        bad = [f for f, items in model.items() if isinstance(items, str) or len(items) < 2]
        if bad:
            raise ArgumentError("factor(s) " + ", ".join(map(str, bad)) + " have fewer than 2 items.")
        return [Statement(str(f), "=~", str(i), (), k + 1) for k, (f, items) in enumerate(model.items()) for i in items]
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
            raise DataError(
                f"the group column {group!r} has {int(lab.isna().sum())} missing value(s); "
                "drop those rows or give them a group."
            )
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
                raise DataError(
                    f"{len(x)} complete row(s){where} are too few for {p} observed variables "
                    "(the covariance matrix is singular); at least p + 1 are needed."
                )
            gd = GroupData.complete(x)
            if np.linalg.eigvalsh(gd.cov)[0] <= 1e-12 * np.trace(gd.cov):
                raise DataError(
                    f"the covariance matrix of the observed variables{where} is singular "
                    "(a variable is constant or a linear combination of others)."
                )
        else:
            x = x[~np.isnan(x).all(axis=1)]
            if len(x) <= p:
                raise DataError(f"{len(x)} row(s){where} are too few for {p} observed variables.")
            gd = GroupData.incomplete(x)
        if len(x) < 50:
            diagnose(
                f"only {len(x)} cases{where}: estimates and fit indices of a CFA are unstable below "
                "about 100 to 200 cases.",
                SmallSampleWarning,
                warnings,
            )
        out.append(gd)
        labels.append(lv)
    return out, labels


def sem_fit(
    data: pd.DataFrame,
    model,
    *,
    group: str | None = None,
    std_lv: bool = False,
    meanstructure: bool | None = None,
    estimator: str | None = None,
    missing: str = "listwise",
    information: str | None = None,
    group_equal=(),
    group_partial=(),
    max_iter: int = 500,
    ordered=None,
    fixed_x: bool = True,
) -> SEMFit:
    """Fit a structural equation model as ``lavaan::sem(model, data, ...)`` with the same options.

    ``max_iter`` bounds the Fisher-scoring/Newton iterations (a quasi-Newton polish gets ten times as many).
    ``ordered=True`` (or the list of the model's items) treats the items as ordinal: thresholds, polychoric
    correlations and WLSMV, as ``cfa(..., ordered = TRUE)`` (listwise; with ``group=`` and ``group_equal``
    "thresholds", "loadings", "intercepts" as lavaan's delta parameterization; see ``categorical``); a list
    naming some of them mixes ordinal and continuous items (one group; polyserial correlations; see ``mixed``).
    ``fixed_x`` (lavaan's ``fixed.x``, default True): the variances, covariances and means of observed
    predictors (``y ~ x``, ``F ~ age``) are fixed at their sample values, not estimated nor counted in npar
    or df; with False they are free parameters (the estimates, SEs and chi-square of the rest are the same).
    """
    # The engine's matrices are small (p^2 x q at most): BLAS threads cost more than they give, and on a
    # busy machine they made the invariance benchmark seven times slower. One thread for the whole fit.
    if ordered is not None and ordered is not False and fixed_x is not True:
        # honoured or refused: the ordinal estimators take no observed predictors, so fixed_x has nothing to fix
        raise ArgumentError(f"fixed_x={fixed_x!r} with ordered items: WLSMV here takes no observed predictors.")
    with one_blas_thread():
        if ordered is not None and ordered is not False:
            return _sem_fit_ordered(
                data,
                model,
                ordered=ordered,
                group=group,
                std_lv=std_lv,
                meanstructure=meanstructure,
                estimator=estimator,
                missing=missing,
                information=information,
                group_equal=group_equal,
                group_partial=group_partial,
                max_iter=max_iter,
            )
        return _sem_fit(
            data,
            model,
            group=group,
            std_lv=std_lv,
            meanstructure=meanstructure,
            estimator=estimator,
            missing=missing,
            information=information,
            group_equal=group_equal,
            group_partial=group_partial,
            max_iter=max_iter,
            fixed_x=fixed_x,
        )


def _sem_fit_ordered(
    data,
    model,
    *,
    ordered,
    group,
    std_lv,
    meanstructure,
    estimator,
    missing,
    information,
    group_equal,
    group_partial,
    max_iter,
) -> SEMFit:
    from cmanalytics.psychometrics.sem.categorical import fit_ordinal

    if estimator is not None and str(estimator).upper() != "WLSMV":
        raise ArgumentError(f"estimator={estimator!r} with ordered items: WLSMV is the estimator for them.")
    if missing != "listwise":
        raise ArgumentError(f"missing={missing!r} with ordered items: only 'listwise' is available.")
    if meanstructure or information not in (None, "expected"):
        raise ArgumentError("meanstructure and information do not apply to ordered items (WLSMV).")
    group_equal, group_partial = _as_tuple(group_equal), _as_tuple(group_partial)
    if (group_equal or group_partial) and group is None:
        raise ArgumentError("group_equal and group_partial need group= (a column naming each case's group).")
    _check_max_iter(max_iter)
    statements = statements_of(model)
    if not isinstance(data, pd.DataFrame):
        raise DataError("the data must be a DataFrame whose columns the model names.")
    ov = _structure(statements, data.columns).ov
    warnings: list[str] = []
    if ordered is not True:
        names = [ordered] if isinstance(ordered, str) else list(ordered)
        unknown = [str(v) for v in names if v not in ov]
        if unknown:
            raise ArgumentError(
                f"ordered= names {', '.join(unknown)}, not observed variable(s) of the model: " + ", ".join(ov) + "."
            )
        if set(names) != set(ov):  # some items ordinal, the others continuous
            from cmanalytics.psychometrics.sem.mixed import fit_mixed

            if group is not None:
                raise ArgumentError(
                    "ordered= naming only some items (ordinal and continuous mixed) is available for one group; "
                    "drop group= or declare every item ordered."
                )
            return fit_mixed(data, statements, set(names), std_lv=std_lv, max_iter=max_iter, warnings=warnings)
    return fit_ordinal(
        data,
        statements,
        group=group,
        std_lv=std_lv,
        group_equal=group_equal,
        group_partial=group_partial,
        max_iter=max_iter,
        warnings=warnings,
    )


def _as_tuple(spec) -> tuple:
    return (spec,) if isinstance(spec, str) else tuple(spec)


def _check_max_iter(max_iter) -> None:
    if not isinstance(max_iter, int) or max_iter < 1:
        raise ArgumentError(f"max_iter={max_iter!r}: give a positive whole number of iterations.")


def _options(estimator, missing, information, fiml) -> tuple[str, str]:
    """The estimator and information after the defaults, or ArgumentError for a combination lavaan refuses."""
    estimator = str(estimator).upper()
    if estimator not in ESTIMATORS:
        raise ArgumentError(
            f"estimator={estimator!r}: choose among {', '.join(ESTIMATORS)} (WLSMV is for ordinal items: ordered=)."
        )
    if missing not in MISSING:
        raise ArgumentError(
            f"missing={missing!r}: a CFA takes 'listwise' (delete incomplete rows) or 'fiml' "
            "(full-information maximum likelihood); pairwise deletion has no likelihood."
        )
    if fiml and estimator != "ML":
        raise ArgumentError("missing='fiml' needs estimator='ML'.")
    if information is None:
        information = "observed" if fiml else "expected"
    if information not in ("expected", "observed"):
        raise ArgumentError(f"information={information!r}: choose 'expected' or 'observed'.")
    if estimator != "ML" and information == "observed":
        raise ArgumentError("information='observed' is available with estimator='ML' only.")
    return estimator, information


def _sem_fit(
    data,
    model,
    *,
    group,
    std_lv,
    meanstructure,
    estimator,
    missing,
    information,
    group_equal,
    group_partial,
    max_iter,
    fixed_x=True,
) -> SEMFit:
    _check_max_iter(max_iter)
    fiml = missing == "fiml"
    estimator, information = _options("ML" if estimator is None else estimator, missing, information, fiml)
    group_equal, group_partial = _as_tuple(group_equal), _as_tuple(group_partial)
    if (group_equal or group_partial) and group is None:
        raise ArgumentError("group_equal and group_partial need group= (a column naming each case's group).")
    statements = statements_of(model)
    if not isinstance(data, pd.DataFrame):
        raise DataError("the data must be a DataFrame whose columns the model names.")
    warnings: list[str] = []
    fixed_x = _fixed_x(fixed_x, statements, data.columns, estimator)
    if fixed_x and fiml:
        data = _drop_missing_x(data, _structure(statements, data.columns).ov_x, warnings)
    groups, labels = _group_data(data, _structure(statements, data.columns).ov, group, missing, warnings)
    ms = bool(meanstructure) if meanstructure is not None else (len(groups) > 1 or fiml)
    if fiml and not ms:
        raise ArgumentError("missing='fiml' estimates the means: meanstructure=False cannot be honoured.")
    table = build_table(
        statements,
        data.columns,
        std_lv=std_lv,
        meanstructure=ms,
        n_groups=len(groups),
        group_equal=group_equal,
        group_partial=group_partial,
        fixed_x=fixed_x,
    )
    fill_fixed_x(table, [_x_moments(g, table) for g in groups])
    ms = table.meanstructure
    par = Parameterization(table)
    disc = Discrepancy(par, groups, estimator, ms, fiml)
    theta0 = start_values(table, groups)
    _check_identified(table, par, theta0, ms)
    check_df(table.n_free, n_moments(table), "moments in the data")
    opt = optimize(disc, theta0, max_iter, warnings)
    options = _fit_options(table, group, std_lv, estimator, missing, information, group_equal, group_partial)
    return _result(table, par, disc, opt, groups, labels, options, warnings)


def _fit_options(table, group, std_lv, estimator, missing, information, group_equal, group_partial) -> dict:
    """The options the fit was made with, as kept on the result (meanstructure and fixed.x as the table has them)."""
    return dict(
        group=group,
        std_lv=std_lv,
        meanstructure=table.meanstructure,
        estimator=estimator,
        missing=missing,
        information=information,
        group_equal=group_equal,
        group_partial=group_partial,
        fixed_x=any(r.exo_x for r in table.rows),
    )


def _result(table, par, disc, opt, groups, labels, options, warnings) -> SEMFit:
    """From the optimum to the result: Heywood cases, standard errors, estimates, fit measures."""
    estimator, ms = options["estimator"], options["meanstructure"]
    mats = par.matrices(opt.theta)
    _heywood(table, mats, labels, warnings)
    vcov = _vcov(disc, opt.theta, estimator, options["information"], warnings)
    estimates = _estimates(table, par, opt.theta, vcov, mats)
    measures, moments_h1 = _measures(table, disc, opt, groups, ms, disc.fiml, estimator, mats)
    return SEMFit(
        estimates,
        measures,
        inference.r_squared(table, mats),
        tuple(g.n for g in groups),
        tuple(labels),
        estimator,
        options["missing"],
        opt.converged,
        opt.iterations,
        tuple(warnings),
        table,
        opt.theta,
        vcov,
        disc,
        options,
        tuple(moments_h1),
    )


def _fixed_x(fixed_x, statements, columns, estimator: str) -> bool:
    """Whether fixed.x applies: refused where this engine would not give lavaan's numbers."""
    if not isinstance(fixed_x, bool):
        raise ArgumentError(f"fixed_x={fixed_x!r}: give True (lavaan's default) or False.")
    ov_x = _structure(statements, columns).ov_x
    if ov_x and estimator != "ML":
        raise ArgumentError(
            f"observed predictors ({', '.join(ov_x)}) are available with estimator='ML' only; "
            "regress a latent variable on them or drop them."
        )
    return fixed_x


def _drop_missing_x(data: pd.DataFrame, ov_x: list[str], warnings: list) -> pd.DataFrame:
    """FIML with fixed.x conditions on the predictors: cases missing one are dropped, as lavaan does."""
    gone = data[ov_x].isna().any(axis=1) if ov_x else pd.Series(False, index=data.index)
    if gone.any():
        diagnose(
            f"{int(gone.sum())} case(s) dropped for a missing value in the observed predictor(s) "
            f"{', '.join(ov_x)} (fixed_x=True conditions on them; fixed_x=False models them instead).",
            DataWarning,
            warnings,
        )
    return data.loc[~gone]


def _x_moments(g: GroupData, table: ParTable) -> tuple[np.ndarray, np.ndarray]:
    """The sample covariance matrix (divisor N) and means with the predictors' block filled in, also for
    incomplete data (whose predictors are complete under fixed.x)."""
    if np.all(np.isfinite(g.cov)):
        return g.cov, g.mean
    x = [table.structure.ov.index(v) for v in table.structure.ov_x]
    cov, mean = np.full_like(g.cov, np.nan), np.full_like(g.mean, np.nan)
    if x:
        xs = g.x[:, x]
        mean[x] = xs.mean(axis=0)
        cov[np.ix_(x, x)] = np.atleast_2d(np.cov(xs.T, ddof=0))
    return cov, mean


def _logl_x(table: ParTable, groups) -> float:
    """The predictors' own log-likelihood at their sample moments (complete data under fixed.x)."""
    x = [table.structure.ov.index(v) for v in table.structure.ov_x]
    total = 0.0
    for g in groups:
        cov = _x_moments(g, table)[0][np.ix_(x, x)]
        total += -g.n / 2 * (len(x) * fitm.LOG2PI + np.linalg.slogdet(cov)[1] + len(x))
    return total


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
        diagnose(
            "the information matrix is singular: standard errors are not available (the model may not "
            "be identified at this solution).",
            ConvergenceWarning,
            warnings,
        )
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
    return pd.DataFrame(
        {
            "lhs": [r.lhs for r in rows],
            "op": [r.op for r in rows],
            "rhs": [r.rhs for r in rows],
            "group": [r.group + 1 for r in rows],
            "label": [r.label if not r.label.startswith(".") else "" for r in rows],
            "free": idx >= 0,
            "est": values,
            "se": se,
            "z": z,
            "p_value": pv,
            "ci.lower": lo,
            "ci.upper": hi,
            "std.lv": std_lv,
            "std.all": std_all,
        }
    )


def _measures(table, disc, opt, groups, ms, fiml, estimator, mats) -> dict:
    n = disc.n
    p = table.p
    n_groups = len(groups)
    df = n_moments(table) - table.n_free
    if fiml:
        h1 = [fitm.em_saturated(g.x) for g in groups]
        logl_h1 = sum(fitm.loglik_patterns(g.patterns, s, m) for g, (m, s) in zip(groups, h1))
        logl = sum(fitm.loglik_patterns(g.patterns, *mt.implied()) for g, mt in zip(groups, mats))
        chisq = 2 * (logl_h1 - logl)
        base_logl = sum(_independence_fiml(g, table) for g in groups)
        obs_moments = [(s, m) for (m, s) in h1]
        if any(r.exo_x for r in table.rows):  # as below: given the predictors
            logl_x = _logl_x(table, groups)
            logl, logl_h1, base_logl = logl - logl_x, logl_h1 - logl_x, base_logl - logl_x
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
        if any(r.exo_x for r in table.rows):
            # with fixed.x lavaan's log-likelihoods are of the outcomes given the predictors: the predictors'
            # own (at their sample moments, which the model reproduces) is taken off both
            logl_x = _logl_x(table, groups)
            logl, logl_h1 = logl - logl_x, logl_h1 - logl_x
        obs_moments = [(c, g.mean) for c, g in zip(disc.cov, groups)]
    base_chisq, base_df = _baseline(table, disc, groups, ms, fiml, estimator, logl_h1, base_logl)
    srmr = 0.0
    for g, mt, (s_obs, m_obs) in zip(groups, mats, obs_moments):
        sigma, mu = mt.implied()
        srmr += g.n / n * fitm.srmr_group(s_obs, sigma, m_obs if ms else None, mu if ms else None)
    out = fitm.fit_measures(
        float(chisq),
        int(df),
        float(base_chisq),
        int(base_df),
        int(n),
        n_groups,
        float(logl),
        float(logl_h1),
        table.n_free,
        srmr,
        n_rmsea=None if estimator == "ML" else int(n) - n_groups,
    )
    if estimator != "ML":
        for k in ("logl", "unrestricted.logl", "aic", "bic", "bic2"):
            out.pop(k)
    if estimator == "ULS":  # the ULS statistic is not chi-square distributed: lavaan gives no p-value
        out["pvalue"] = out["baseline.pvalue"] = np.nan
    return out, obs_moments


def _independence_fiml(g: GroupData, table: ParTable) -> float:
    """The independence model's log-likelihood with incomplete data: each variable on its own observed values,
    but the observed predictors jointly (their saturated model, by EM), as lavaan's baseline."""
    x = [table.structure.ov.index(v) for v in table.structure.ov_x]
    total = 0.0
    for k, col in enumerate(g.x.T):
        if k in x:
            continue
        v = col[~np.isnan(col)]
        var = v.var()
        total += -len(v) / 2 * (fitm.LOG2PI + np.log(var) + 1)
    if x:
        xs = g.x[:, x]
        mean, cov = fitm.em_saturated(xs)
        total += fitm.loglik_patterns(GroupData.incomplete(xs).patterns, cov, mean)
    return total


def _baseline(table, disc, groups, ms, fiml, estimator, logl_h1, base_logl):
    """The independence model; with observed predictors their covariances are kept, as lavaan's baseline
    (with fixed.x TRUE or FALSE): :math:`T_b = N[\\sum_{y}\\log s_{yy} + \\log|S_{xx}| - \\log|S|]`."""
    p = table.p
    x = [table.structure.ov.index(v) for v in table.structure.ov_x]
    y = [k for k in range(p) if k not in x]
    base_df = len(groups) * (p * (p - 1) // 2 - len(x) * (len(x) - 1) // 2)
    if fiml:
        return 2 * (logl_h1 - base_logl), base_df
    if estimator == "ML":
        chisq = sum(
            g.n
            * (
                np.sum(np.log(np.diag(g.cov)[y]))
                + np.linalg.slogdet(g.cov[np.ix_(x, x)])[1]
                - np.linalg.slogdet(g.cov)[1]
            )
            for g in groups
        )
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
