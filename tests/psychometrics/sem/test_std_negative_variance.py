"""std.all of a residual covariance beside a negative residual variance, against lavaan
(tests/reference/mutants/make_std_negative_variance.R): lavaan divides the covariance by
sqrt(|theta_ii|) sqrt(|theta_jj|) (its cov.std rule), so the figure is defined where sqrt(theta_ii theta_jj) is not.
Holzinger-Swineford, x3's residual variance fixed at -0.05, x3 ~~ x6 free."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cmanalytics.psychometrics.sem import sem_fit

REF_DIR = Path(__file__).resolve().parents[2] / "reference" / "mutants"
MODEL = """visual =~ x1 + x2 + x3
           textual =~ x4 + x5 + x6
           x3 ~~ -0.05*x3
           x3 ~~ x6"""


def test_residual_covariance_beside_a_negative_variance_is_standardized_as_lavaan():
    ref = json.loads((REF_DIR / "std_negative_variance.json").read_text())["residual"]
    data = pd.read_csv(REF_DIR / "std_negative_variance_data.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fixed negative variance is a Heywood case, warned
        fit = sem_fit(data, MODEL)
    est = fit.estimates.set_index(["lhs", "op", "rhs"])
    want = {
        (lhs, op, rhs): (e, s)
        for lhs, op, rhs, e, s in zip(ref["lhs"], ref["op"], ref["rhs"], ref["est"], ref["std_all"])
    }
    e, s = want[("x3", "~~", "x6")]
    # reached: 3.3e-6 relative (lavaan's own stopping rule), and 7e-9 for x3's variance
    assert est.loc[("x3", "~~", "x6"), "est"] == pytest.approx(e, rel=3e-5)
    # by hand from lavaan's estimates: 0.04201 / (sqrt(0.05) sqrt(0.3625)) = 0.3120
    assert s == pytest.approx(e / (np.sqrt(0.05) * np.sqrt(want[("x6", "~~", "x6")][0])), rel=1e-12)
    assert est.loc[("x3", "~~", "x6"), "std.all"] == pytest.approx(s, rel=3e-5)
    assert est.loc[("x3", "~~", "x3"), "std.all"] == pytest.approx(want[("x3", "~~", "x3")][1], rel=1e-7)
