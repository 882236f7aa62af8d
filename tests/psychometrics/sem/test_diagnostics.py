"""Diagnostics: Heywood cases, non-convergence, unidentified models, small groups; the result's display."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ConvergenceWarning, HeywoodWarning, SmallSampleWarning
from cmanalytics.psychometrics.sem import IdentificationError, sem_fit
from tests.psychometrics.sem.conftest import HS3, SEM_REF


def exact_sample(cov, n, seed, names):
    """Normal data whose sample covariance (divisor n) is exactly ``cov``: whiten, then colour."""
    z = np.random.default_rng(seed).standard_normal((n, len(cov)))
    z -= z.mean(axis=0)
    w = np.linalg.cholesky(z.T @ z / n)
    z = z @ np.linalg.inv(w).T
    return pd.DataFrame(z @ np.linalg.cholesky(cov).T, columns=names)


def test_negative_residual_variance_is_a_heywood_case():
    # one factor, three indicators (just identified): lambda_1^2 = r12 r13 / r23 = .81 / .7 = 1.157, so the
    # residual variance of a is 1 - 1.157 = -0.157 exactly
    r = np.array([[1, 0.9, 0.9], [0.9, 1, 0.7], [0.9, 0.7, 1]])
    data = exact_sample(r, 200, 1, ["a", "b", "c"])
    with pytest.warns(HeywoodWarning, match="negative residual variance.*a"):
        fit = sem_fit(data, "f =~ a + b + c", std_lv=True)
    theta_a = fit.estimates.query("lhs == 'a' and op == '~~'")["est"].item()
    assert theta_a == pytest.approx(1 - 0.81 / 0.7, abs=1e-8)
    assert any("Heywood" in w for w in fit.warnings)


def test_factor_correlation_beyond_one_is_a_heywood_case():
    # two factors of two items: within-factor r = .3, between r = .5 -> factor correlation .5/.3 = 1.67
    r = np.full((4, 4), 0.5)
    r[0, 1] = r[1, 0] = r[2, 3] = r[3, 2] = 0.3
    np.fill_diagonal(r, 1)
    data = exact_sample(r, 300, 2, ["a", "b", "c", "d"])
    with pytest.warns(HeywoodWarning, match="latent covariance matrix is not positive definite"):
        fit = sem_fit(data, "f =~ a + b\ng =~ c + d", std_lv=True)
    est = fit.estimates.query("lhs == 'f' and op == '~~' and rhs == 'g'")["est"].item()
    assert est == pytest.approx(0.5 / 0.3, abs=1e-6)


def test_non_convergence_warns():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        fit = sem_fit(data, HS3, max_iter=1)
    assert not fit.converged


def test_unidentified_models_are_refused():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    # the factor's scale is free twice over: marker freed by NA and variance free
    with pytest.raises(IdentificationError, match="not identified.*visual"):
        sem_fit(data, "visual =~ NA*x1 + x2 + x3 + x4")
    # one factor of two items: 3 moments, 4 parameters
    with pytest.raises(IdentificationError, match="df = -1"):
        sem_fit(data, "visual =~ x1 + x2")
    assert issubclass(IdentificationError, cma.errors.ArgumentError)


def test_small_groups():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    tiny = pd.concat([data[data.school == "Pasteur"], data[data.school == "Grant-White"].head(8)])
    with pytest.raises(cma.errors.DataError, match="Grant-White"):
        sem_fit(tiny, HS3, group="school")
    small = pd.concat([data[data.school == "Pasteur"], data[data.school == "Grant-White"].head(40)])
    with pytest.warns(SmallSampleWarning, match="only 40 cases in group 'Grant-White'"):
        sem_fit(small, HS3, group="school")


def test_bad_arguments_are_refused():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    with pytest.raises(cma.errors.ArgumentError, match="estimator"):
        sem_fit(data, HS3, estimator="WLS")
    with pytest.raises(cma.errors.ArgumentError, match="group_equal"):
        sem_fit(data, HS3, group="school", group_equal=["slopes"])
    with pytest.raises(cma.errors.ArgumentError, match="need group="):
        sem_fit(data, HS3, group_equal=["loadings"])
    with pytest.raises(cma.errors.DataError, match="school2"):
        sem_fit(data, HS3, group="school2")
    with pytest.raises(cma.errors.DataError, match="x10"):
        sem_fit(data, "f =~ x1 + x2 + x10")


def test_display():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    fit = sem_fit(data, HS3)
    assert repr(fit).startswith("<SEMFit ML: chi2 = 85.306, df = 24")
    text = fit.summary()
    assert "visual" in text and "RMSEA" in text and "std.all" in text
    assert list(fit.to_frame().columns[:4]) == ["lhs", "op", "rhs", "group"]
    assert "<table" in fit._repr_html_()
    res = cma.cfa(data, HS3)
    assert repr(res).startswith("<CFAResult: chi2 = 85.306 (df 24)")
    assert "Fornell-Larcker" in res.summary()
