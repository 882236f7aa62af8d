"""Does the psychological contract predict performance? Regression models with tidy coefficient tables.

Thin, checked wrappers: statsmodels fits the models (it is correct, well kept and fast enough here) and
pingouin the mediation; what is added is validation at the boundary (a missing column is named), the
listwise deletion stated rather than silent, and one tidy table shape for every model:
``term, estimate, std_error, statistic, p_value, ci_low, ci_high``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable

_FUNCTIONS = {
    "C",
    "I",
    "np",
    "log",
    "exp",
    "sqrt",
    "center",
    "standardize",
    "scale",
    "Q",
    "bs",
    "cr",
    "Treatment",
    "Sum",
    "Diff",
    "Poly",
    "Helmert",
}


def _columns_in(formula: str, data: pd.DataFrame, extra: tuple[str, ...] = ()) -> list[str]:
    """The data columns a formula names; any other name that is not a known function is an error."""
    names = re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", formula.replace("Q(", "("))
    used, unknown = [], []
    for name in names:
        if name in data.columns:
            used.append(name)
        elif name not in _FUNCTIONS and not name.startswith("np."):
            unknown.append(name)
    for name in extra:
        if name not in data.columns:
            unknown.append(name)
        else:
            used.append(name)
    if unknown:
        raise DataError(f"the data have no column {unknown[0]!r} (named in the model {formula!r}).")
    return list(dict.fromkeys(used))


def _complete(data: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, int]:
    sub = data[cols]
    keep = sub.notna().all(axis=1)
    if keep.sum() == 0:
        raise DataError(f"no row has all of {', '.join(cols)}.")
    return sub[keep].copy(), int((~keep).sum())


def _tidy(params, bse, stat, p, ci) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "estimate": params,
            "std_error": bse,
            "statistic": stat,
            "p_value": p,
            "ci_low": np.asarray(ci)[:, 0],
            "ci_high": np.asarray(ci)[:, 1],
        }
    )
    out.index.name = "term"
    return out


@dataclass(repr=False)
class ModelResult(Reportable):
    """A fitted model: ``coefficients`` (tidy), ``n_obs``, ``n_dropped`` (rows with a missing value,
    deleted listwise), ``stats`` (fit statistics by name), ``kind`` and the statsmodels result in ``fit``."""

    kind: str
    formula: str
    coefficients: pd.DataFrame
    n_obs: int
    n_dropped: int
    stats: dict = field(default_factory=dict)
    fit: object = None

    def _report(self):
        rows = [("Model", self.kind), ("Formula", self.formula), ("N", str(self.n_obs))]
        rows += [(k, f"{v:.4g}") for k, v in self.stats.items()]
        notes = [f"{self.n_dropped} row(s) with a missing value were left out (listwise)."] if self.n_dropped else []
        return f"{self.kind}", rows, [("Coefficients", self.coefficients)], [], notes


def ols(data: pd.DataFrame, formula: str, *, robust: str | None = "HC3", alpha: float = 0.05) -> ModelResult:
    """Ordinary least squares with heteroskedasticity-robust standard errors (``robust="HC3"`` by default,
    as R's ``sandwich::vcovHC``; "HC0"-"HC3", or None for the classical ones). t statistics and
    intervals use the residual degrees of freedom, as R's ``lmtest::coeftest(fit, vcovHC(fit))``.

    ``formula``: R style, e.g. ``"appraisal ~ development + team + C(branch_id)"``. SPSS: REGRESSION
    (classical errors only); R: ``lm`` + ``sandwich``. Reference: Long & Ervin (2000), Am. Stat. 54, 217.
    """
    import statsmodels.formula.api as smf

    cols = _columns_in(formula, data)
    sub, dropped = _complete(data, cols)
    cov = {"cov_type": robust, "use_t": True} if robust else {}
    if robust and robust not in ("HC0", "HC1", "HC2", "HC3"):
        raise ArgumentError(f"robust must be HC0, HC1, HC2, HC3 or None, not {robust!r}.")
    fit = smf.ols(formula, data=sub).fit(**cov)
    tidy = _tidy(fit.params, fit.bse, fit.tvalues, fit.pvalues, fit.conf_int(alpha))
    return ModelResult(
        f"OLS ({robust or 'classical'} standard errors)",
        formula,
        tidy,
        int(fit.nobs),
        dropped,
        {"R-squared": float(fit.rsquared), "adj. R-squared": float(fit.rsquared_adj)},
        fit,
    )


def mixed(data: pd.DataFrame, formula: str, group: str, *, alpha: float = 0.05) -> ModelResult:
    """A linear mixed model with a random intercept per ``group`` (a branch, say), fitted by REML as R's
    ``lme4::lmer(y ~ x + (1 | group))``. ``stats`` gives the group and residual variances and the
    intraclass correlation; Wald z tests and intervals for the fixed effects (statsmodels MixedLM).
    SPSS: MIXED with /RANDOM INTERCEPT | SUBJECT(group). Reference: Snijders & Bosker (2012), ch. 4.
    """
    import statsmodels.formula.api as smf

    cols = _columns_in(formula, data, extra=(group,))
    sub, dropped = _complete(data, cols)
    if sub[group].nunique() < 2:
        raise DataError(f"a random intercept per {group!r} needs at least two groups.")
    fit = smf.mixedlm(formula, data=sub, groups=sub[group]).fit(reml=True)
    fixed = [t for t in fit.params.index if t != "Group Var"]
    tidy = _tidy(
        fit.params[fixed], fit.bse[fixed], fit.tvalues[fixed], fit.pvalues[fixed], fit.conf_int(alpha).loc[fixed]
    )
    tau2, sigma2 = float(fit.cov_re.iloc[0, 0]), float(fit.scale)
    stats = {
        "group variance": tau2,
        "residual variance": sigma2,
        "ICC": tau2 / (tau2 + sigma2),
        "groups": float(sub[group].nunique()),
    }
    return ModelResult(
        f"Linear mixed model, random intercept per {group} (REML)", formula, tidy, int(fit.nobs), dropped, stats, fit
    )


def logit(data: pd.DataFrame, formula: str, *, alpha: float = 0.05) -> ModelResult:
    """Binary logistic regression by maximum likelihood (R's ``glm(..., family = binomial)``; SPSS LOGISTIC
    REGRESSION). The table adds ``odds_ratio`` and its interval. ``stats``: McFadden's pseudo R-squared,
    log-likelihood, AIC. The outcome must be 0/1 or boolean."""
    import statsmodels.formula.api as smf

    cols = _columns_in(formula, data)
    sub, dropped = _complete(data, cols)
    outcome = formula.split("~")[0].strip()
    if outcome in sub.columns:
        values = set(pd.unique(sub[outcome].astype(float)))
        if not values <= {0.0, 1.0}:
            raise DataError(f"the outcome {outcome!r} must be 0/1 or true/false; it has {sorted(values)[:5]}.")
        sub[outcome] = sub[outcome].astype(float)
    fit = smf.logit(formula, data=sub).fit(disp=False)
    tidy = _tidy(fit.params, fit.bse, fit.tvalues, fit.pvalues, fit.conf_int(alpha))
    tidy["odds_ratio"] = np.exp(tidy["estimate"])
    tidy["or_ci_low"], tidy["or_ci_high"] = np.exp(tidy["ci_low"]), np.exp(tidy["ci_high"])
    stats = {"pseudo R-squared": float(fit.prsquared), "log-likelihood": float(fit.llf), "AIC": float(fit.aic)}
    return ModelResult("Logistic regression", formula, tidy, int(fit.nobs), dropped, stats, fit)


def _b_paths(sub: pd.DataFrame, x: str, ms: list[str], y: str, covar, alpha: float) -> pd.DataFrame:
    """The b paths: y on each mediator given x (and the other mediators and covariates)."""
    # pingouin's "Y ~ M" rows regress y on each mediator alone; the b path of the mediation model is y on
    # the mediator given x (and the other mediators and covariates), as Hayes's PROCESS prints it: added
    # here from the same OLS fit that gives the direct effect.
    import statsmodels.api as sm

    design = sm.add_constant(sub[[x, *ms, *(covar or [])]].astype(float))
    full = sm.OLS(sub[y].astype(float), design).fit()
    ci = full.conf_int(alpha)
    b_rows = pd.DataFrame(
        {
            "estimate": full.params[ms],
            "std_error": full.bse[ms],
            "statistic": full.tvalues[ms],
            "p_value": full.pvalues[ms],
            "ci_low": ci.loc[ms, 0],
            "ci_high": ci.loc[ms, 1],
        }
    )
    b_rows.index = pd.Index([f"b: {y} ~ {mm} | {x}" for mm in ms], name="term")
    return b_rows


def mediation(
    data: pd.DataFrame,
    x: str,
    m: str | list[str],
    y: str,
    *,
    covar: list[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> ModelResult:
    """Mediation of x's effect on y through m: paths a (x -> m), b (m -> y given x), y on m alone, the
    total effect c, the direct effect c' and the indirect effect a*b (= c - c') with a bootstrap interval (pingouin's ``mediation_analysis``;
    Preacher & Hayes 2008; R: ``mediation::mediate``, SPSS: the PROCESS macro, model 4). Seeded."""
    import pingouin as pg

    ms = [m] if isinstance(m, str) else list(m)
    cols = [x, *ms, y, *(covar or [])]
    for c in cols:
        if c not in data.columns:
            raise DataError(f"the data have no column {c!r} (named in the mediation model).")
    sub, dropped = _complete(data, cols)
    res = pg.mediation_analysis(
        data=sub.astype(float), x=x, m=ms, y=y, covar=covar, alpha=alpha, n_boot=n_boot, seed=seed
    )
    lo, hi = [c for c in res.columns if c.startswith("CI")]
    tidy = pd.DataFrame(
        {
            "estimate": res["coef"].to_numpy(),
            "std_error": res["se"].to_numpy(),
            "statistic": np.nan,
            "p_value": res["pval"].to_numpy(),
            "ci_low": res[lo].to_numpy(),
            "ci_high": res[hi].to_numpy(),
        }
    )
    names = (
        [f"a: {mm} ~ {x}" for mm in ms]
        + [f"{y} ~ {mm} alone" for mm in ms]
        + ["total effect c", "direct effect c'"]
        + (["indirect effect a*b"] if len(ms) == 1 else [f"indirect via {mm}" for mm in ms])
    )
    tidy.index = pd.Index(names[: len(tidy)], name="term")
    b_rows = _b_paths(sub, x, ms, y, covar, alpha)
    tidy = pd.concat([tidy.iloc[: len(ms)], b_rows, tidy.iloc[len(ms) :]])
    return ModelResult(
        f"Mediation ({x} -> {', '.join(ms)} -> {y}; bootstrap {n_boot}, seed {seed})",
        f"{y} ~ {x} + {' + '.join(ms)}",
        tidy,
        len(sub),
        dropped,
        {},
        res,
    )


def manager_frame(bank, year: int | None = None) -> pd.DataFrame:
    """One row per surveyed customer manager of a synthetic bank (or one shaped like it): the contract
    dimension scores, wellbeing, turnover intention, the annual appraisal score (mean of the year's
    quarterly totals), simulated profit and the manager's branch, grade and weekly hours; ready for the
    models above."""
    import warnings

    from cmanalytics.errors import PolicyWarning
    from cmanalytics.performance.appraisal import annual_score_by_manager
    from cmanalytics.performance.profit import profit_by_manager, simulated_profit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)  # the illustrative rates are stated in the notebook
        annual = annual_score_by_manager(bank.indicators, year=year)
        profit = profit_by_manager(simulated_profit(bank.clients))
    staff = bank.staff.set_index("staff_id")[["branch_id", "grade", "role", "weekly_hours", "age", "tenure_years"]]
    df = bank.survey.set_index("staff_id").join(staff, how="left").join(annual, how="left")
    df = df.join((profit["profit"] / 1e4).rename("profit_10k"), how="left")
    df["turnover_intention"] = df["turnover_intention"].astype(int)
    df.index.name = "staff_id"
    return df.reset_index()
