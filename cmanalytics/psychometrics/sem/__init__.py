"""A confirmatory engine exact to lavaan: model syntax, ML/GLS/ULS/FIML and WLSMV estimation, fit measures,
modification indices, groups and invariance, common-method variance, RMSEA power, path diagrams."""

from cmanalytics.psychometrics.sem.fitting import IdentificationError, SEMFit, sem_fit
from cmanalytics.psychometrics.sem.syntax import ModelSyntaxError, parse

__all__ = ["IdentificationError", "ModelSyntaxError", "SEMFit", "invariance", "method_variance", "parse",
           "path_diagram", "rmsea_power", "rmsea_sample_size", "sem_fit"]


def __getattr__(name):
    # the families that build on sem_fit are imported when first asked for (they import this package)
    if name == "invariance":
        from cmanalytics.psychometrics.sem.invariance import invariance
        return invariance
    if name == "method_variance":
        from cmanalytics.psychometrics.sem.method_variance import method_variance
        return method_variance
    if name == "path_diagram":
        from cmanalytics.psychometrics.sem.diagram import path_diagram
        return path_diagram
    if name in ("rmsea_power", "rmsea_sample_size"):
        from cmanalytics.psychometrics.sem import power
        return getattr(power, name)
    raise AttributeError(f"module 'cmanalytics.psychometrics.sem' has no attribute {name!r}")
