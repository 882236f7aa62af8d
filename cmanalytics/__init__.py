"""cmanalytics: psychometrics and performance models for bank customer managers (客户经理).

import cmanalytics as cma
cma.kmo(df).overall, cma.bartlett(df).chi2
res = cma.efa(df, n_factors=3, method="pca", rotation="varimax"); print(res.summary())
cma.cronbach_alpha(df).alpha
"""

import importlib

from cmanalytics import errors
from cmanalytics.psychometrics import (
    AlphaResult,
    EFAResult,
    Moments,
    agreement,
    anti_image,
    audit_efa_report,
    bartlett,
    bootstrap,
    cor_smooth,
    correlation,
    cronbach_alpha,
    determinant,
    efa,
    factor_score_weights,
    factor_scores,
    guttman,
    icc,
    kmo,
    ordinal_alpha,
    parallel_analysis,
    polychoric,
    prepare,
    prepare_stream,
    smc,
    split_half,
    tetrachoric,
    velicer_map,
)
from cmanalytics.psychometrics.sem.invariance import invariance
from cmanalytics.psychometrics.validity import (
    average_variance_extracted,
    cfa,
    composite_reliability,
    harman,
    htmt,
    omega,
)

__version__ = "0.1.0"

# The domains (the study, the banks' rules, workforce health) are loaded on first use, so that importing the
# numerics costs no more than numpy, scipy and pandas: ``cma.study`` imports cmanalytics.study then.
_DOMAINS = ("study", "performance", "workforce", "datasets", "synthetic", "reporting")


def __getattr__(name: str):
    if name in _DOMAINS:
        module = importlib.import_module(f"cmanalytics.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'cmanalytics' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_DOMAINS))


__all__ = [
    "AlphaResult",
    "EFAResult",
    "Moments",
    "anti_image",
    "audit_efa_report",
    "bartlett",
    "bootstrap",
    "correlation",
    "cronbach_alpha",
    "cfa",
    "determinant",
    "efa",
    "errors",
    "harman",
    "htmt",
    "invariance",
    "omega",
    "performance",
    "study",
    "workforce",
    "factor_scores",
    "kmo",
    "parallel_analysis",
    "polychoric",
    "prepare",
    "prepare_stream",
    "smc",
]
__all__ += [
    "agreement",
    "average_variance_extracted",
    "composite_reliability",
    "cor_smooth",
    "factor_score_weights",
    "guttman",
    "icc",
    "ordinal_alpha",
    "split_half",
    "tetrachoric",
    "velicer_map",
]

# Public functions refuse unexpected keywords with an ArgumentError naming them and the accepted ones.
errors.check_keywords_of(globals(), __all__)
