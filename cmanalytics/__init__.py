"""cmanalytics: psychometrics and performance models for bank customer managers (客户经理).

    import cmanalytics as cma
    cma.kmo(df).overall, cma.bartlett(df).chi2
    res = cma.efa(df, n_factors=3, method="pca", rotation="varimax"); print(res.summary())
    cma.cronbach_alpha(df).alpha
"""

from cmanalytics import errors, performance, study, workforce
from cmanalytics.psychometrics import (
    AlphaResult,
    EFAResult,
    Moments,
    anti_image,
    audit_efa_report,
    bartlett,
    bootstrap,
    correlation,
    cronbach_alpha,
    determinant,
    efa,
    factor_scores,
    kmo,
    parallel_analysis,
    polychoric,
    prepare,
    prepare_stream,
    smc,
)

from cmanalytics.psychometrics.validity import cfa, harman, htmt, omega
from cmanalytics.psychometrics.sem.invariance import invariance

__version__ = "0.1.0"

__all__ = ["AlphaResult", "EFAResult", "Moments", "anti_image", "audit_efa_report", "bartlett", "bootstrap", "correlation", "cronbach_alpha",
           "cfa", "determinant", "efa", "errors", "harman", "htmt", "invariance", "omega", "performance", "study", "workforce", "factor_scores", "kmo", "parallel_analysis", "polychoric", "prepare", "prepare_stream", "smc"]
