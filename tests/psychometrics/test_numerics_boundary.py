"""Numerics that do not fall over (issue 12): scale does not matter from 1e-300 to 1e155; an indefinite matrix
is refused before KMO, Bartlett and EFA, or smoothed on request as psych::cor.smooth does (R reference in
tests/reference/pairwise_indefinite_smoothed.json, made by make_smoothing_reference.R); unanswered items
are named; Bartlett's test with n <= p is refused; a bootstrap on too few respondents says why; a bad file
given to prepare_stream is named; more than a few thousand items get an estimate of time and memory."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import (
    ArgumentError,
    CmanalyticsWarning,
    CorrelationMatrixError,
    DataError,
    ReadError,
    SingularityWarning,
)
from cmanalytics.psychometrics.inputs import size_guard
from tests.conftest import likert, shared_scope

HERE = Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture(scope=shared_scope)
def survey():
    return likert(150, 6, seed=11)


SCALES = [1e-300, 1e-200, 1e-150, 1e-20, 1e-13, 1e13, 1e100, 1e150, 1e155]


@pytest.mark.parametrize("factor", SCALES)
def test_scale_does_not_change_any_statistic(survey, factor):
    """Multiplying every answer by a constant leaves correlations, KMO, Bartlett, alpha and loadings as they
    were (they are scale-free): the unscaled data are the reference."""
    scaled = survey * factor
    before = scaled.copy()
    np.testing.assert_allclose(cma.correlation(scaled).to_numpy(), survey.corr().to_numpy(), rtol=1e-13, atol=1e-14)
    assert cma.kmo(scaled).overall == pytest.approx(cma.kmo(survey).overall, rel=1e-14)
    assert cma.bartlett(scaled).chi2 == pytest.approx(cma.bartlett(survey).chi2, rel=1e-13)
    a, a0 = cma.cronbach_alpha(scaled), cma.cronbach_alpha(survey)
    assert a.alpha == pytest.approx(a0.alpha, rel=1e-14) and a.std_alpha == pytest.approx(a0.std_alpha, rel=1e-14)
    np.testing.assert_allclose(a.item_stats["r_drop"], a0.item_stats["r_drop"], rtol=1e-13)
    np.testing.assert_allclose(a.item_stats["mean"] / factor, a0.item_stats["mean"], rtol=1e-14)
    load = cma.efa(scaled, n_factors=2, method="pca", rotation="varimax").loadings.to_numpy()
    np.testing.assert_allclose(
        load, cma.efa(survey, n_factors=2, method="pca", rotation="varimax").loadings, atol=1e-13
    )
    pd.testing.assert_frame_equal(scaled, before)


def test_columns_of_very_different_scales(survey):
    mixed = survey * np.array([1e-300, 1e-150, 1.0, 1e50, 1e120, 1e155])
    np.testing.assert_allclose(cma.prepare(mixed).corr, survey.corr().to_numpy(), rtol=1e-13, atol=1e-14)
    assert cma.kmo(mixed).overall == pytest.approx(cma.kmo(survey).overall, rel=1e-14)
    m = cma.prepare(mixed)
    np.testing.assert_allclose(m.sds, survey.std().to_numpy() * [1e-300, 1e-150, 1.0, 1e50, 1e120, 1e155], rtol=1e-12)


def test_a_constant_item_is_named_at_any_scale(survey):
    for factor in (1e-300, 1.0, 1e155):
        with pytest.raises(DataError, match="'q2'.*no variance"):
            cma.kmo(survey.assign(q2=3.0) * factor)


@pytest.fixture(scope=shared_scope)
def indefinite():
    data = pd.read_csv(HERE / "pairwise_indefinite.csv")
    ref = json.loads((HERE / "pairwise_indefinite_smoothed.json").read_text())
    return data, ref


@pytest.mark.parametrize(
    "analysis",
    [
        lambda d: cma.kmo(d, missing="pairwise"),
        lambda d: cma.bartlett(d, missing="pairwise"),
        lambda d: cma.efa(d, n_factors=1, missing="pairwise"),
        lambda d: cma.prepare(d, missing="pairwise"),
    ],
)
def test_an_indefinite_pairwise_matrix_is_refused(indefinite, analysis):
    data, ref = indefinite
    # R: eigen(cor(x, use = "pairwise"))$values ends in -0.9109
    assert ref["eigen_pairwise"][-1] == pytest.approx(-0.910876151458064)
    with pytest.raises(
        CorrelationMatrixError, match="not positive semi-definite \\(smallest eigenvalue -0.911\\).*smooth=True"
    ):
        analysis(data)


def test_smoothing_on_request_is_psych_cor_smooth_and_is_reported(indefinite):
    data, ref = indefinite
    with pytest.warns(SingularityWarning, match="smoothed as psych::cor.smooth"):
        m = cma.prepare(data, missing="pairwise", smooth=True)
    np.testing.assert_allclose(m.corr, np.array(ref["smoothed"]), atol=1e-14)
    assert m.notes and "smallest eigenvalue -0.911" in m.notes[0]
    # psych::cor.smooth leaves an eigenvalue of about 1e-10: the package calls that singular, so KMO (which
    # needs the inverse) says so beside the smoothing, where psych::KMO inverts it regardless
    k = cma.kmo(m)
    assert k.warnings[0] == m.notes[0] and "singular" in k.warnings[1]
    b = cma.bartlett(m)
    # ln|R| of a matrix with an eigenvalue of 1e-10 carries about 1e-6 of rounding
    assert b.chi2 == pytest.approx(ref["bartlett_chi2"][0], rel=1e-6) and b.df == ref["bartlett_df"][0]
    assert any("smoothed" in w for w in b.warnings)
    with pytest.raises(ArgumentError, match="smooth must be True or False"):
        cma.prepare(data, smooth="yes")


def test_polychoric_preparation_checks_definiteness_too(indefinite):
    data, _ = indefinite
    ordinal = np.clip(np.round(data * 1.2 + 3), 1, 5)
    with pytest.raises(CorrelationMatrixError, match="polychoric correlation matrix of 4 items is not positive"):
        cma.prepare(ordinal, method="polychoric", missing="pairwise")
    with pytest.warns(SingularityWarning):
        m = cma.prepare(ordinal, method="polychoric", missing="pairwise", smooth=True)
    assert np.linalg.eigvalsh(m.corr)[0] > 0 and m.notes
    cma.kmo(m)  # now computed on a positive-definite matrix


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
@pytest.mark.parametrize("method", ["pearson", "polychoric"])
def test_an_unanswered_item_is_named(survey, missing, method):
    data = survey.assign(q4=np.nan)
    with pytest.raises(DataError, match="item\\(s\\) 'q4' were answered by no one"):
        cma.prepare(data, missing=missing, method=method)


@pytest.mark.parametrize("n", [2, 3, 5, 6])
def test_bartlett_with_n_at_most_p_is_refused(survey, n):
    with pytest.raises(DataError, match=f"Bartlett's test needs more respondents than items: n = {n}, p = 6"):
        cma.bartlett(corr=survey.corr(), n_obs=n)
    if n >= 3:  # from raw answers (continuous, so that no item is constant)
        raw = np.random.default_rng(n).standard_normal((n, 6))
        with pytest.raises(DataError, match=f"n = {n}, p = 6.*chi-square would be negative or infinite"):
            cma.bartlett(raw)


def test_bartlett_with_n_just_above_p_by_hand():
    # p = 3, n = 4: multiplier 4 - 1 - 11/6 = 7/6; identity-free R from a published matrix
    r = np.array([[1, 0.5, 0.3], [0.5, 1, 0.4], [0.3, 0.4, 1]])
    det = 1 + 2 * 0.5 * 0.3 * 0.4 - 0.25 - 0.09 - 0.16  # 0.62
    assert cma.bartlett(corr=r, n_obs=4).chi2 == pytest.approx(-(7 / 6) * np.log(det), rel=1e-12)
    with pytest.raises(DataError, match="n = 3, p = 3"):
        cma.bartlett(corr=r, n_obs=3)


def test_bootstrap_on_too_few_respondents_says_why(survey):
    with pytest.raises(DataError, match="a bootstrap needs more respondents \\(5\\) than items \\(6\\)"):
        cma.bootstrap(survey.iloc[:5], n_factors=2, n_boot=20, seed=1)
    for method in ("pca", "paf"):
        # the first degenerate resample says why: an item without variance, or (principal axes need the
        # inverse) a singular correlation matrix
        with pytest.raises(
            DataError,
            match="bootstrap resample \\d+ cannot be analysed \\((item.*no variance|its "
            "correlation matrix is singular)",
        ):
            cma.bootstrap(survey.iloc[:8], n_factors=2, n_boot=200, seed=1, method=method)


@pytest.mark.parametrize("case", ["missing", "folder", "binary", "empty", "wrong extension", "bad parquet"])
def test_prepare_stream_names_a_bad_file(tmp_path, case):
    path = {
        "missing": tmp_path / "nope.csv",
        "folder": tmp_path,
        "binary": tmp_path / "b.csv",
        "empty": tmp_path / "e.csv",
        "wrong extension": tmp_path / "s.txt",
        "bad parquet": tmp_path / "p.parquet",
    }[case]
    if case == "binary":
        path.write_bytes(bytes(range(256)) * 10)
    elif case == "empty":
        path.write_text("")
    elif case == "wrong extension":
        path.write_text("a,b,c\n1,2,3\n")
    elif case == "bad parquet":
        path.write_bytes(b"not parquet at all")
    with pytest.raises(ReadError, match=str(path.name) if case != "folder" else "is a folder"):
        cma.prepare_stream(path)


def test_size_guard_estimates_time_and_memory():
    with pytest.warns(CmanalyticsWarning, match="20000 items x 1000 rows: expect about [0-9.]+ hours and 17.9 GiB"):
        size_guard(1000, 20_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        size_guard(10_000, 3000)  # a few thousand items: silent
    with pytest.raises(DataError, match="500000 items: the p x p matrices alone need about 11175.9 GiB"):
        size_guard(100, 500_000)


def test_size_guard_speaks_before_the_pass():
    data = np.random.default_rng(0).standard_normal((4, 3001))
    with pytest.warns(CmanalyticsWarning, match="3001 items x 4 rows"):
        cma.prepare(data)


def test_alpha_of_items_that_cancel_is_refused_not_divided_by_zero():
    cancel = pd.DataFrame({"a": [1, 2, 3.0], "b": [3, 2, 1.0]})  # a + b = 4 for everyone
    with pytest.raises(DataError, match="sum of the items has no variance.*reverse="):
        cma.cronbach_alpha(cancel)
    assert cma.cronbach_alpha(cancel, reverse=["b"], scale=(1, 3)).alpha == pytest.approx(1.0)


def test_parallel_analysis_on_a_singular_matrix():
    """q6 = q1 + q2 makes R singular; numpy's inverse raised LinAlgError on these data before. Now the
    analysis runs (the pseudo-inverse stands in, as elsewhere) and its observed eigenvalues are R's."""
    d = likert(30, 6, seed=5)
    data = d.assign(q6=d["q1"] + d["q2"])
    res = cma.parallel_analysis(data, n_iter=5, seed=1)
    r = data.corr().to_numpy()
    np.testing.assert_allclose(res.table["observed_pc"], np.linalg.eigvalsh(r)[::-1], atol=1e-12)
    assert np.isfinite(res.table["observed_fa"]).all()


@pytest.mark.parametrize("factor", [1e-300, 1e155])
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_streaming_at_extreme_scales_gives_the_rescaled_correlations(survey, factor, missing):
    data = likert(150, 6, seed=11, missing=0.1) if missing == "pairwise" else survey
    chunks = [data.iloc[k : k + 40] * factor for k in range(0, len(data), 40)]
    m = cma.prepare_stream(iter(chunks), missing=missing)
    np.testing.assert_allclose(m.corr, cma.prepare(data, missing=missing).corr, rtol=1e-13, atol=1e-14)
    assert cma.cronbach_alpha(m).alpha == pytest.approx(cma.cronbach_alpha(data, missing=missing).alpha, rel=1e-13)
