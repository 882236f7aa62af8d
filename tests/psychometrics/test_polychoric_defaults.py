"""The defaults of the polychoric and tetrachoric entry points against R psych 2.2.9: missing data listwise
by default (psych's pairwise on request), and the continuity correction as psych applies it: never under
psych::polychoric's global thresholds, always in psych::tetrachoric. The references are R's output,
tests/reference/psych_polychoric_defaults.json and tetra_zero_cell.csv (tests/reference/make_reference.R);
a missing file fails the test."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import CmanalyticsWarning
from tests.conftest import shared_scope

REF = Path(__file__).resolve().parents[1] / "reference"
ORDINAL = pd.read_csv(REF / "ordinal_300x8.csv")  # complete, 5 categories, pairs with empty cells
LIKERT = pd.read_csv(REF / "likert_missing.csv")  # 160 rows, 93 complete
BINARY = pd.read_csv(REF / "tetra_zero_cell.csv")  # b1 x b2 has an empty cell


@pytest.fixture(scope=shared_scope)
def ref():
    return json.loads((REF / "psych_polychoric_defaults.json").read_text())


def rho(entry):
    return np.array(entry["rho"], dtype=float)


def test_psych_polychoric_default_applies_no_correction_and_is_ours(ref):
    # the premise of correct=0 as the default: psych's correct = 0.5 leaves its default output unchanged
    np.testing.assert_array_equal(rho(ref["ordinal_correct_half"]), rho(ref["ordinal_correct_zero"]))
    res = cma.polychoric(ORDINAL)
    np.testing.assert_allclose(res.rho, rho(ref["ordinal_correct_half"]), atol=1e-4)  # 2.0e-5 reached
    np.testing.assert_allclose(res.thresholds.to_numpy(), ref["ordinal_correct_half"]["tau"], atol=1e-12)


def test_correct_is_honoured_on_empty_cells_only():
    x = ORDINAL.to_numpy()
    plain = cma.polychoric(ORDINAL, correct=0).rho
    corrected = cma.polychoric(ORDINAL, correct=0.5).rho
    p = x.shape[1]
    for i in range(p):
        for j in range(i + 1, p):
            table = pd.crosstab(x[:, i], x[:, j]).to_numpy()
            if (table == 0).any():
                assert abs(corrected[i, j] - plain[i, j]) > 1e-4, (i, j)
            else:  # no empty cell: nothing to correct, the same estimate
                assert corrected[i, j] == pytest.approx(plain[i, j], abs=1e-12), (i, j)


def test_missing_listwise_by_default_pairwise_as_psych(ref):
    listwise = cma.polychoric(LIKERT)
    assert listwise.n_obs == ref["likert_listwise"]["n"] == 93
    np.testing.assert_allclose(listwise.rho, rho(ref["likert_listwise"]), atol=1e-4)  # 1.9e-5 reached
    pairwise = cma.polychoric(LIKERT, missing="pairwise")
    assert pairwise.n_obs == ref["likert_pairwise"]["n"] == 160
    np.testing.assert_allclose(pairwise.rho, rho(ref["likert_pairwise"]), atol=1e-4)  # 2.0e-5 reached
    tau = np.array(ref["likert_pairwise"]["tau"], dtype=float)
    np.testing.assert_allclose(pairwise.thresholds.to_numpy(), tau, atol=1e-12)


def test_every_polychoric_entry_point_has_the_same_default(ref):
    expected = rho(ref["likert_listwise"])
    np.testing.assert_allclose(cma.correlation(LIKERT, method="polychoric").to_numpy(), expected, atol=1e-4)
    np.testing.assert_allclose(cma.prepare(LIKERT, method="polychoric").corr, expected, atol=1e-4)
    pa = cma.parallel_analysis(LIKERT, cor="polychoric", n_iter=20, seed=1)
    assert pa.n_obs == 93
    np.testing.assert_allclose(pa.table["observed_pc"], np.linalg.eigvalsh(expected)[::-1], atol=1e-4)


def test_tetrachoric_default_correction_as_psych_on_an_empty_cell(ref):
    assert (pd.crosstab(BINARY["b1"], BINARY["b2"]).to_numpy() == 0).sum() == 1
    res = cma.tetrachoric(BINARY)
    np.testing.assert_allclose(res.rho, rho(ref["tetra_correct_half"]), atol=1e-4)  # 2.9e-5 reached
    np.testing.assert_allclose(res.thresholds.to_numpy()[:, 0], ref["tetra_correct_half"]["tau"], atol=1e-12)
    # without the correction the empty cell drives the pair to the boundary, and the matrix is then
    # indefinite: psych smooths it (its default), as smooth=True does here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CmanalyticsWarning)
        raw = cma.tetrachoric(BINARY, correct=0)
        smoothed = cma.tetrachoric(BINARY, correct=0, smooth=True)
    assert raw.rho[0, 1] > 0.999
    assert smoothed.smoothed
    np.testing.assert_allclose(smoothed.rho, rho(ref["tetra_correct_zero"]), atol=2e-3)  # 8.9e-4 reached
