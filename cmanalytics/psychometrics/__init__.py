"""Psychometrics of survey data: adequacy, extraction, rotation, retention, reliability."""

from cmanalytics.psychometrics.adequacy import anti_image, bartlett, determinant, kmo, smc
from cmanalytics.psychometrics.agreement import agreement
from cmanalytics.psychometrics.consistency import audit_efa_report
from cmanalytics.psychometrics.correlation import correlation
from cmanalytics.psychometrics.efa import EFAResult, efa
from cmanalytics.psychometrics.inputs import Moments
from cmanalytics.psychometrics.ordinal import polychoric
from cmanalytics.psychometrics.preparation import prepare
from cmanalytics.psychometrics.reliability import AlphaResult, cronbach_alpha, guttman, icc, split_half
from cmanalytics.psychometrics.resampling import bootstrap
from cmanalytics.psychometrics.retention import parallel_analysis, velicer_map
from cmanalytics.psychometrics.scores import factor_score_weights, factor_scores
from cmanalytics.psychometrics.smoothing import cor_smooth
from cmanalytics.psychometrics.streaming import prepare_stream
from cmanalytics.psychometrics.tetrachoric import ordinal_alpha, tetrachoric

__all__ = [
    "AlphaResult",
    "EFAResult",
    "Moments",
    "anti_image",
    "audit_efa_report",
    "bootstrap",
    "bartlett",
    "correlation",
    "cronbach_alpha",
    "determinant",
    "efa",
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
    "cor_smooth",
    "factor_score_weights",
    "guttman",
    "icc",
    "ordinal_alpha",
    "split_half",
    "tetrachoric",
    "velicer_map",
]
