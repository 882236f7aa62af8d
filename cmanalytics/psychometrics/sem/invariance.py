"""Measurement invariance across groups: configural, metric, scalar and strict models in turn.

Each step adds equality constraints across groups (lavaan's ``group.equal``): metric the loadings, scalar
also the intercepts, strict also the residual variances. Each step is compared with the one before by the
chi-square difference test (``lavaan::lavTestLRT``) and by the change in CFI and RMSEA. Cut-offs named in
the table: a step holds when CFI drops by less than .010 (Cheung & Rensvold 2002) and RMSEA rises by
less than .015 (Chen 2007). When a step fails, the score tests of releasing each of its constraints
(``lavaan::lavTestScore``) point at the parameters to free for partial invariance (``group_partial``).

R: ``cfa(model, data, group = "g", group.equal = c("loadings", "intercepts", "residuals"))`` per step, or
``semTools::measEq.syntax``. References: Meredith, W. (1993). Measurement invariance, factor analysis and
factorial invariance. Psychometrika 58, 525-543. Cheung, G. W., & Rensvold, R. B. (2002). Evaluating
goodness-of-fit indexes for testing measurement invariance. Structural Equation Modeling 9, 233-255.
Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance. Structural
Equation Modeling 14, 464-504.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import ArgumentError
from cmanalytics.presentation import Reportable
from cmanalytics.psychometrics.sem.fitting import SEMFit, sem_fit
from cmanalytics.psychometrics.sem.scores import release_tests

stats = lazy_module("scipy.stats")


STEPS = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}
# ordinal items (lavaan's delta parameterization): the items' intercepts are fixed at 0 and their residual
# variances are not parameters, so after thresholds and loadings no further step changes the model
STEPS_ORDINAL = {
    "configural": (),
    "thresholds": ("thresholds",),
    "loadings": ("thresholds", "loadings"),
}
DELTA_CFI = -0.010  # Cheung & Rensvold (2002)
DELTA_RMSEA = 0.015  # Chen (2007)


@dataclass(frozen=True, repr=False)
class InvarianceResult(Reportable):
    """``table`` (one row per step: chi2, df, p_value, cfi, tli, rmsea, srmr, aic, bic, the differences
    with the step before and the verdict), ``fits`` (the fitted models by step), ``failed_step`` (the first
    step that does not hold, or None), ``score_tests`` (for that step: the constraints to release, largest
    first), ``cutoffs``, ``warnings``."""

    table: pd.DataFrame
    fits: dict
    failed_step: str | None
    score_tests: pd.DataFrame | None
    cutoffs: dict
    warnings: tuple

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __repr__(self) -> str:
        last = self.table.index[-1]
        verdict = "all steps hold" if self.failed_step is None else f"fails at {self.failed_step}"
        return f"<InvarianceResult: {len(self.table)} steps up to {last}; {verdict}>"

    def _report(self):
        rows = [
            ("groups", ", ".join(map(str, next(iter(self.fits.values())).group_labels))),
            (
                "cut-offs",
                f"delta CFI > {self.cutoffs['delta_cfi']:+.3f} (Cheung & Rensvold 2002), "
                f"delta RMSEA < {self.cutoffs['delta_rmsea']:+.3f} (Chen 2007)",
            ),
            (
                "verdict",
                "invariance holds at every step"
                if self.failed_step is None
                else f"{self.failed_step} invariance does not hold",
            ),
        ]
        tables = [("Invariance steps", self.table)]
        if self.score_tests is not None:
            tables.append(
                (f"Score tests: constraints of the {self.failed_step} model to release", self.score_tests.head(10))
            )
        return "Measurement invariance", rows, tables, self.warnings, ()


def invariance(
    data: pd.DataFrame,
    model,
    *,
    group: str,
    steps=None,
    std_lv: bool = False,
    missing: str = "listwise",
    estimator: str | None = None,
    group_partial=(),
    delta_cfi: float = DELTA_CFI,
    delta_rmsea: float = DELTA_RMSEA,
    ordered=None,
) -> InvarianceResult:
    """Fit the configural, metric, scalar and strict models across the groups in ``group`` and compare them.

    ``steps`` picks and orders the steps (a subset of configural, metric, scalar, strict, in that order);
    ``group_partial`` frees the named parameters in every step (partial invariance, e.g. ``["x3 ~ 1"]``).

    Ordinal items (``ordered=True`` or the list of items; WLSMV): the steps are configural, thresholds
    (``group.equal = "thresholds"``: the scaling factors and latent means of the other groups become free) and
    loadings (thresholds and loadings), the sequence of Wu & Estabrook (2016) as lavaan's defaults identify it;
    intercepts and residual variances are not parameters of ordinal items in lavaan's delta parameterization,
    so no step equates them. The table then holds the scaled-shifted statistics (``chisq.scaled``,
    ``cfi.scaled``, ``tli.scaled``, ``rmsea.scaled``) and each step's difference test is
    :func:`.categorical.satorra_2000`, ``lavTestLRT``'s default for WLSMV: the difference of two scaled
    statistics is not chi-square, so the unscaled difference is scaled itself. When a step fails, its
    ``score_tests`` are :func:`.categorical.ordinal_release_tests` (lavTestScore's ordinary score test at the
    expected DWLS information, as lavaan gives it for WLSMV; one row per threshold or loading of each group
    after the first). R:
    ``lavTestLRT(cfa(model, data, group = "g", ordered = TRUE), cfa(..., group.equal = "thresholds"), ...)``,
    ``lavTestScore(fit)``.
    Reference: Wu, H., & Estabrook, R. (2016). Identification of confirmatory factor analysis models of
    different levels of invariance for ordered categorical outcomes. Psychometrika 81, 1014-1045.
    """
    ordinal = ordered is not None and ordered is not False
    plan = STEPS_ORDINAL if ordinal else STEPS
    steps = _steps(steps, plan, ordinal)
    fits: dict[str, SEMFit] = {}
    for step in steps:
        fits[step] = sem_fit(
            data,
            model,
            group=group,
            std_lv=std_lv,
            missing=missing,
            estimator=estimator,
            group_equal=plan[step],
            group_partial=group_partial if step != "configural" else (),
            **({"ordered": ordered} if ordinal else {}),
        )
    if ordinal:
        table = _table_ordinal(fits, delta_cfi, delta_rmsea)
    else:
        table = _table(fits, delta_cfi, delta_rmsea)
    return _result(table, fits, steps, delta_cfi, delta_rmsea)


def _steps(steps, plan: dict, ordinal: bool) -> tuple:
    steps = tuple(plan) if steps is None else tuple(steps)
    unknown = [s for s in steps if s not in plan]
    if unknown or not steps:
        raise ArgumentError(
            f"steps: {', '.join(map(str, unknown)) or 'none given'}; choose among {', '.join(plan)} (in that order)"
            + (" for ordered items." if ordinal else ".")
        )
    order = list(plan)
    if [order.index(s) for s in steps] != sorted(order.index(s) for s in steps):
        raise ArgumentError(f"steps must be in the order {', '.join(plan)}.")
    return steps


def _result(table, fits, steps, delta_cfi, delta_rmsea) -> InvarianceResult:
    failed = next((s for s in steps[1:] if table.loc[s, "verdict"] == "fails"), None)
    if failed is not None:  # a step after a failed one is compared with a model that does not hold
        after = steps[steps.index(failed) + 1 :]
        table.loc[list(after), "verdict"] = f"not assessed ({failed} fails)"
    tests = None
    if failed is not None:
        score = release_tests
        if fits[failed].estimator == "WLSMV":
            from cmanalytics.psychometrics.sem.categorical import ordinal_release_tests as score
        tests = score(fits[failed]).sort_values("x2", ascending=False).reset_index(drop=True)
    warnings = tuple(f"{step}: {w}" for step, f in fits.items() for w in f.warnings)
    return InvarianceResult(table, fits, failed, tests, {"delta_cfi": delta_cfi, "delta_rmsea": delta_rmsea}, warnings)


def _table_ordinal(fits: dict, delta_cfi: float, delta_rmsea: float) -> pd.DataFrame:
    """The continuous table's columns from the scaled-shifted statistics; differences by Satorra (2000)."""
    from cmanalytics.psychometrics.sem.categorical import satorra_2000

    rows = []
    prev = None
    for fit in fits.values():
        f = fit.fit_measures
        row = {
            "chi2": f["chisq.scaled"],
            "df": f["df"],
            "p_value": f["pvalue.scaled"],
            "cfi": f["cfi.scaled"],
            "tli": f["tli.scaled"],
            "rmsea": f["rmsea.scaled"],
            "rmsea.ci.lower": f["rmsea.ci.lower.scaled"],
            "rmsea.ci.upper": f["rmsea.ci.upper.scaled"],
            "srmr": f["srmr"],
            "aic": np.nan,
            "bic": np.nan,
        }
        row.update(_differences(prev, fit, delta_cfi, delta_rmsea, satorra_2000))
        rows.append(row)
        prev = fit
    return pd.DataFrame(rows, index=pd.Index(list(fits), name="step"))


def _differences(prev, fit, delta_cfi, delta_rmsea, test) -> dict:
    if prev is None:
        return dict(
            delta_chi2=np.nan, delta_df=np.nan, delta_p_value=np.nan, delta_cfi=np.nan, delta_rmsea=np.nan, verdict=""
        )
    d = test(prev, fit)
    dcfi = fit.fit_measures["cfi.scaled"] - prev.fit_measures["cfi.scaled"]
    drmsea = fit.fit_measures["rmsea.scaled"] - prev.fit_measures["rmsea.scaled"]
    holds = dcfi > delta_cfi and drmsea < delta_rmsea
    return dict(
        delta_chi2=d["chi2"],
        delta_df=d["df"],
        delta_p_value=d["p_value"],
        delta_cfi=dcfi,
        delta_rmsea=drmsea,
        verdict="holds" if holds else "fails",
    )


def _table(fits: dict, delta_cfi: float, delta_rmsea: float) -> pd.DataFrame:
    rows = []
    prev = None
    for fit in fits.values():
        f = fit.fit_measures
        row = {
            "chi2": f["chisq"],
            "df": f["df"],
            "p_value": f["pvalue"],
            "cfi": f["cfi"],
            "tli": f["tli"],
            "rmsea": f["rmsea"],
            "rmsea.ci.lower": f["rmsea.ci.lower"],
            "rmsea.ci.upper": f["rmsea.ci.upper"],
            "srmr": f["srmr"],
            "aic": f.get("aic", np.nan),
            "bic": f.get("bic", np.nan),
        }
        if prev is None:
            row.update(
                delta_chi2=np.nan,
                delta_df=np.nan,
                delta_p_value=np.nan,
                delta_cfi=np.nan,
                delta_rmsea=np.nan,
                verdict="",
            )
        else:
            p = prev.fit_measures
            dchi, ddf = f["chisq"] - p["chisq"], f["df"] - p["df"]
            dcfi, drmsea = f["cfi"] - p["cfi"], f["rmsea"] - p["rmsea"]
            holds = dcfi > delta_cfi and drmsea < delta_rmsea
            row.update(
                delta_chi2=dchi,
                delta_df=ddf,
                delta_p_value=float(stats.chi2.sf(dchi, ddf)) if ddf > 0 else np.nan,
                delta_cfi=dcfi,
                delta_rmsea=drmsea,
                verdict="holds" if holds else "fails",
            )
        rows.append(row)
        prev = fit
    return pd.DataFrame(rows, index=pd.Index(list(fits), name="step"))
