"""The teaching kit draws what it says it draws: each item's answer distribution, the correlations the
factor model implies, the careless rows and the missing cells; the methods recover the truth from it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.datasets import STRUCTURES, teaching_survey
from cmanalytics.errors import ArgumentError


def test_each_item_follows_its_own_answer_distribution():
    data, truth = teaching_survey(20_000, "three_factor", seed=3)
    observed = data[list(truth.items)].apply(lambda s: s.value_counts(normalize=True)).reindex(range(1, 6)).T
    p = truth.marginals.to_numpy()
    se = np.sqrt(p * (1 - p) / 20_000)  # binomial standard error of a share
    assert np.abs(observed.to_numpy() - p).max() < 4.5 * se.max()
    # no two items of one factor share a distribution, as in a real survey (issue 17)
    for factor in truth.loadings.columns:
        own = truth.loadings.index[truth.loadings[factor] != 0]
        means = truth.marginals.loc[own].to_numpy() @ np.arange(1, 6)
        assert len(np.unique(means.round(2))) == len(own)
    # a reverse-worded item's distribution is the mirror of the one it was drawn from
    # (W3, the third item, is drawn from the seventh shape 0.08, 0.17, 0.28, 0.30, 0.17)
    assert truth.marginals.loc["W3"].tolist() == [0.17, 0.30, 0.28, 0.17, 0.08]


def test_latent_correlations_are_the_model_s():
    # The polychoric correlation estimates the latent one: lambda_i phi_ik lambda_k, here by hand for
    # W1 (0.80 on workload) with W2 (0.70 on workload): 0.56; with S1 (0.75 on support, phi -0.30):
    # 0.80 * -0.30 * 0.75 = -0.18; and W3, reverse-worded (0.60): -0.48 as answered.
    data, _ = teaching_survey(20_000, "three_factor", seed=5)
    rho = np.asarray(cma.polychoric(data[["W1", "W2", "S1", "W3"]]).rho)
    assert rho[0, 1] == pytest.approx(0.56, abs=0.02)
    assert rho[0, 2] == pytest.approx(-0.18, abs=0.02)
    assert rho[0, 3] == pytest.approx(-0.48, abs=0.02)


@pytest.mark.parametrize("structure, k", [("one_factor", 1), ("three_factor", 3), ("five_factor", 5), ("none", 0)])
def test_parallel_analysis_finds_the_true_number(structure, k):
    data, truth = teaching_survey(500, structure, seed=11)
    assert truth.n_factors == k
    assert cma.parallel_analysis(data[list(truth.items)], n_iter=200, seed=1).n_factors == k


def test_congruence_by_hand_and_recovery():
    _, truth = teaching_survey(100, "three_factor", seed=0)
    # an estimate equal to the truth with factors swapped and one sign flipped: congruence 1 each
    est = truth.loadings[["support", "commitment", "workload"]].copy()
    est["support"] *= -1
    assert truth.congruence(est).to_numpy() == pytest.approx([1, 1, 1])
    # by hand: workload column (0.8, 0.7, -0.6, 0.65, 0...) against (0.8, 0.7, -0.6, 0.65 + 0.3 on S1):
    # sum xy = 0.64 + 0.49 + 0.36 + 0.4225 = 1.9125; |x|^2 = 1.9125, |y|^2 = 1.9125 + 0.09
    est = truth.loadings.copy()
    est.loc["S1", "workload"] = 0.3
    assert truth.congruence(est)["workload"] == pytest.approx(1.9125 / np.sqrt(1.9125 * 2.0025), abs=1e-12)
    data, truth = teaching_survey(500, "three_factor", seed=2)
    fa = cma.efa(data[list(truth.items)], n_factors=3, method="minres", rotation="oblimin")
    assert (truth.congruence(fa.loadings) > 0.95).all()
    with pytest.raises(ArgumentError, match="factor"):
        truth.congruence(fa.loadings.iloc[:, :2])


def test_careless_and_missing():
    data, truth = teaching_survey(1000, "three_factor", seed=4, careless=0.1, missing="MCAR", missing_rate=0.2)
    items = list(truth.items)
    assert truth.careless.sum() == 100
    straight = truth.careless_kind == "straight-line"
    assert straight.sum() == 50
    observed = data.loc[straight, items]
    assert (observed.max(axis=1) == observed.min(axis=1)).all()  # one answer throughout (cells left are equal)
    rate = data[items].isna().to_numpy().mean()
    assert rate == pytest.approx(0.2, abs=4 * np.sqrt(0.2 * 0.8 / data[items].size))
    assert (data[items].isna() == truth.missing_mask).all().all()
    data, truth = teaching_survey(2000, "three_factor", seed=4, missing="MAR", missing_rate=0.2)
    per_row = data[items].isna().mean(axis=1)
    tenure = data["tenure_years"]
    assert data["tenure_years"].notna().all()
    # the probability rises from 0 to 2 x 0.2 with tenure's rank: the top quarter misses about 0.35 of its
    # answers, the bottom quarter about 0.05
    assert per_row[tenure >= tenure.quantile(0.75)].mean() > 0.28
    assert per_row[tenure <= tenure.quantile(0.25)].mean() < 0.12


def test_same_seed_same_data_and_bad_input():
    a, _ = teaching_survey(50, seed=9)
    b, _ = teaching_survey(50, seed=9)
    pd.testing.assert_frame_equal(a, b)
    assert set(STRUCTURES) >= {"one_factor", "three_factor", "five_factor", "weak", "cross_loadings", "none"}
    for kwargs, word in [
        ({"structure": "four"}, "structure"),
        ({"n": 3}, "n="),
        ({"careless": 0.9}, "careless"),
        ({"missing": "MNAR"}, "missing"),
        ({"missing_rate": 0.7}, "missing_rate"),
    ]:
        with pytest.raises(ArgumentError, match=word):
            teaching_survey(**{"n": 100, **kwargs})
