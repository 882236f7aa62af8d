"""A model whose ML solution is a Heywood case reached through a ridge (Holzinger-Swineford with a cross-loading of
x1 on speed, a regression and a factor covariance): the fit must reach lavaan's optimum, not stop in another basin
or fail. Reference: lavaan::sem (tests/reference/sem/make_heywood_crossloading.R)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from cmanalytics.errors import HeywoodWarning
from cmanalytics.psychometrics.sem.fitting import sem_fit
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import SEM_REF

REF = json.loads((SEM_REF / "heywood_crossloading.json").read_text())


@pytest.fixture(scope=shared_scope)
def fit():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = sem_fit(data, REF["model"])
    return out, caught


def test_reaches_lavaans_optimum(fit):
    res, _ = fit
    assert res.fit_measures["chisq"] == pytest.approx(REF["chisq"], rel=5e-11)  # 5.7e-12 reached
    assert res.fit_measures["df"] == REF["df"]
    est = res.estimates
    for lhs, op, rhs, want in zip(REF["lhs"], REF["op"], REF["rhs"], REF["est"]):
        got = est[(est["lhs"] == lhs) & (est["op"] == op) & (est["rhs"] == rhs)]["est"]
        assert len(got) == 1, (lhs, op, rhs)
        assert got.item() == pytest.approx(want, abs=4e-5), (lhs, op, rhs)  # 4.1e-6 reached (lavaan stops there)


def test_the_heywood_case_is_warned_and_the_fit_converged(fit):
    res, caught = fit
    heywood = [w for w in caught if issubclass(w.category, HeywoodWarning)]
    assert heywood and "x1" in str(heywood[0].message)
    assert not any("did not converge" in str(w.message) for w in caught)
    x1 = res.estimates.query("lhs == 'x1' and op == '~~' and rhs == 'x1'")["est"].item()
    assert x1 < 0
    assert np.isfinite(res.estimates["est"]).all()
