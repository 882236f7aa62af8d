"""A confirmatory engine exact to lavaan: model syntax, ML/GLS/ULS/FIML and WLSMV estimation, fit measures,
modification indices, groups and invariance, common-method variance, RMSEA power, path diagrams."""

from cmanalytics.psychometrics.sem.diagram import path_diagram
from cmanalytics.psychometrics.sem.fitting import IdentificationError, SEMFit, sem_fit
from cmanalytics.psychometrics.sem.invariance import InvarianceResult, invariance  # noqa: E402 (after fitting)
from cmanalytics.psychometrics.sem.method_variance import MethodVarianceResult, method_variance
from cmanalytics.psychometrics.sem.power import rmsea_power, rmsea_sample_size
from cmanalytics.psychometrics.sem.syntax import ModelSyntaxError, parse

__all__ = [
    "IdentificationError",
    "InvarianceResult",
    "MethodVarianceResult",
    "ModelSyntaxError",
    "SEMFit",
    "invariance",
    "method_variance",
    "parse",
    "path_diagram",
    "rmsea_power",
    "rmsea_sample_size",
    "sem_fit",
]
