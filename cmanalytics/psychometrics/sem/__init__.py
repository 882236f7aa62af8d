"""A confirmatory engine exact to lavaan: model syntax, ML/GLS/ULS/FIML estimation, fit, groups, invariance."""

from cmanalytics.psychometrics.sem.fitting import IdentificationError, SEMFit, sem_fit
from cmanalytics.psychometrics.sem.syntax import ModelSyntaxError, parse

__all__ = ["IdentificationError", "ModelSyntaxError", "SEMFit", "parse", "sem_fit"]
