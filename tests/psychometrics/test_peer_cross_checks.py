"""The same numbers as factor_analyzer's working parts (KMO, Bartlett, Rotator) and pingouin."""

from __future__ import annotations

import warnings

import numpy as np
import pingouin
import pytest

import cmanalytics as cma
from tests.conftest import likert, match_columns

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from factor_analyzer import Rotator
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo


@pytest.fixture(params=[11, 12])
def survey(request):
    return likert(200, 9, seed=request.param, k=3)


def test_kmo_matches_factor_analyzer(survey):
    per_item, overall = calculate_kmo(survey)
    res = cma.kmo(survey)
    assert res.overall == pytest.approx(overall, abs=1e-12)
    np.testing.assert_allclose(res.per_item.to_numpy(), per_item, atol=1e-12)


def test_bartlett_matches_factor_analyzer(survey):
    chi2, p = calculate_bartlett_sphericity(survey)
    res = cma.bartlett(survey)
    assert res.chi2 == pytest.approx(chi2, rel=1e-10)
    assert res.p_value == pytest.approx(p, rel=1e-6, abs=1e-300)


@pytest.mark.parametrize("rotation", ["varimax", "promax", "oblimin", "quartimax"])
def test_rotations_match_factor_analyzer_rotator(survey, rotation):
    """factor_analyzer's Rotator converges fully; ours stops where R stops. They agree to R's tolerance."""
    unrot = cma.efa(survey, n_factors=3, method="paf", rotation=None).unrotated.to_numpy()
    normalize = rotation != "oblimin"  # factor_analyzer normalizes varimax/promax only; quartimax compared raw
    ours = cma.efa(
        survey, n_factors=3, method="paf", rotation=rotation, normalize=False if rotation == "quartimax" else None
    ).loadings.to_numpy()
    theirs = Rotator(method=rotation, normalize=normalize).fit_transform(unrot)
    matched, _, _ = match_columns(ours, theirs)
    np.testing.assert_allclose(matched, theirs, atol=1e-4)


def test_alpha_matches_pingouin(survey):
    a, ci = pingouin.cronbach_alpha(survey)
    res = cma.cronbach_alpha(survey)
    assert res.alpha == pytest.approx(a, abs=1e-12)
    np.testing.assert_allclose(np.round(res.ci, 3), ci, atol=1e-12)
