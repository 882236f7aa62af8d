"""The lavaan reference cases of tests/reference/sem (made by make_sem_reference.R): data, model, options."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

SEM_REF = Path(__file__).resolve().parents[2] / "reference" / "sem"

HS3 = """visual =~ x1 + x2 + x3
         textual =~ x4 + x5 + x6
         speed =~ x7 + x8 + x9"""
HSX = """visual =~ x1 + x2 + x3 + x9
         textual =~ x4 + a*x5 + a*x6
         speed =~ x7 + x8 + x9
         x2 ~~ x3"""
PD = """ind60 =~ x1 + x2 + x3
        dem60 =~ y1 + y2 + y3 + y4
        dem65 =~ y5 + y6 + y7 + y8
        dem60 ~ ind60
        dem65 ~ ind60 + dem60
        y1 ~~ y5
        y2 ~~ y4 + y6
        y3 ~~ y7
        y4 ~~ y8
        y6 ~~ y8"""
ORD3 = """f1 =~ u1 + u2 + u3
          f2 =~ u4 + u5 + u6
          f3 =~ u7 + u8 + u9"""
ORD2 = """f1 =~ u1 + u2 + u3
          f2 =~ u4 + u5 + u6 + u7 + u8 + u9"""
EQ_ALL = ["loadings", "intercepts", "means", "lv.variances", "lv.covariances", "residuals"]

# case -> (data file, model, options, tolerance reached against lavaan x about 3-10)
CASES = {
    "hs_cfa": ("hs_school.csv", HS3, {}, 1e-5),
    "hs_cfa_stdlv": ("hs_school.csv", HS3, {"std_lv": True}, 2e-5),
    "hs_cfa_observed": ("hs_school.csv", HS3, {"information": "observed"}, 1e-5),
    "hs_cfa_means": ("hs_school.csv", HS3, {"meanstructure": True}, 1e-5),
    "hs_cross": ("hs_school.csv", HSX, {}, 2e-5),
    "political_democracy": ("political_democracy.csv", PD, {}, 5e-5),
    "hs_second_order": ("hs_school.csv", HS3 + "\n g =~ visual + textual + speed", {}, 5e-5),
    "hs_invariance_configural": ("hs_school.csv", HS3, {"group": "school"}, 2e-4),
    "hs_invariance_metric": ("hs_school.csv", HS3, {"group": "school", "group_equal": ["loadings"]}, 1e-4),
    "hs_invariance_scalar": (
        "hs_school.csv",
        HS3,
        {"group": "school", "group_equal": ["loadings", "intercepts"]},
        1e-4,
    ),
    "hs_invariance_strict": (
        "hs_school.csv",
        HS3,
        {"group": "school", "group_equal": ["loadings", "intercepts", "residuals"]},
        5e-5,
    ),
    "hs_invariance_partial": (
        "hs_school.csv",
        HS3,
        {"group": "school", "group_equal": ["loadings", "intercepts"], "group_partial": ["x3 ~ 1", "x7 ~ 1"]},
        5e-4,
    ),
    "hs_invariance_stdlv_all": ("hs_school.csv", HS3, {"group": "school", "std_lv": True, "group_equal": EQ_ALL}, 2e-5),
    "hs_cfa_gls": ("hs_school.csv", HS3, {"estimator": "GLS"}, 2e-5),
    "hs_cfa_uls": ("hs_school.csv", HS3, {"estimator": "ULS"}, 5e-5),
    "hs_fiml": ("hs_missing.csv", HS3, {"missing": "fiml"}, 5e-5),
    "hs_listwise": ("hs_missing.csv", HS3, {}, 2e-4),
    "hs_single_factor": (
        "hs_school.csv",
        "common =~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9",
        {"std_lv": True},
        1e-5,
    ),
    "hs_ulmc": (
        "hs_school.csv",
        HS3
        + "\nmethod =~ "
        + " + ".join(f"m*x{i}" for i in range(1, 10))
        + "\nmethod ~~ 0*visual + 0*textual + 0*speed",
        {"std_lv": True},
        5e-4,
    ),  # a Heywood case
    "ordinal_wlsmv": ("ordinal_5point.csv", ORD3, {"ordered": True}, 2e-6),
    "ordinal_wlsmv_misfit": ("ordinal_5point.csv", ORD2, {"ordered": True}, 2e-6),
}


def load_case(name: str):
    """Data, model, options, tolerance and lavaan's JSON; a missing reference fails the test."""
    file, model, options, tol = CASES[name]
    js = SEM_REF / f"{name}.json"
    if not js.exists():
        pytest.fail(f"lavaan reference {js} is missing: run Rscript tests/reference/sem/make_sem_reference.R")
    return pd.read_csv(SEM_REF / file), model, options, tol, json.loads(js.read_text())


def reference_json(name: str) -> dict:
    js = SEM_REF / f"{name}.json"
    if not js.exists():
        pytest.fail(f"lavaan reference {js} is missing: run Rscript tests/reference/sem/make_sem_reference.R")
    return json.loads(js.read_text())
