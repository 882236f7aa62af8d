"""Tests written to kill mutants of cmanalytics/psychometrics/preparation.py (make mutants): what
cma.prepare(method="polychoric") records (the policy, the rows as given, the smoothing note said once) and
the refusal of polychoric options on the Pearson route, word for word. Sources: the data files' own counts
(tests/reference/likert_missing.csv: 160 rows, 93 complete, as psych reports them in
psych_polychoric_defaults.json) and the package's messages."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, SingularityWarning

REF = Path(__file__).resolve().parents[1] / "reference"
LIKERT = pd.read_csv(REF / "likert_missing.csv")  # 160 rows, 93 complete


@pytest.mark.parametrize("method", ["pearson", "polychoric"])
def test_prepared_items_record_the_policy_and_the_rows_as_given(method):
    # Moments.n_rows is the rows in the data as given, before any deletion (160 here), and n_obs the
    # respondents used: the 93 complete rows listwise (psych's na.omit), all 160 pairwise; the same for
    # Pearson and polychoric preparation.
    ref = json.loads((REF / "psych_polychoric_defaults.json").read_text())
    listwise = cma.prepare(LIKERT, method=method)
    assert (listwise.missing, listwise.n_obs, listwise.n_rows) == ("listwise", ref["likert_listwise"]["n"], 160)
    pairwise = cma.prepare(LIKERT, method=method, missing="pairwise")
    assert (pairwise.missing, pairwise.n_obs, pairwise.n_rows) == ("pairwise", ref["likert_pairwise"]["n"], 160)
    assert listwise.method == pairwise.method == method
    # An array of the 93 complete rows has 93 rows as given.
    assert cma.prepare(LIKERT.dropna().to_numpy(), method=method).n_rows == 93


def test_polychoric_smoothing_is_done_once_and_said_once():
    # An ordinal version of the indefinite pairwise data of test_numerics_boundary: its pairwise polychoric
    # matrix has a smallest eigenvalue of -0.923. With smooth=True polychoric smooths it (psych::cor.smooth's
    # method) and says so in one SingularityWarning, which is the prepared items' one note; there is no
    # "pass smooth=True" warning and no second smoothing by the definiteness check.
    data = pd.read_csv(REF / "pairwise_indefinite.csv")
    ordinal = np.clip(np.round(data * 1.2 + 3), 1, 5)
    note = (
        "the polychoric matrix was not positive definite (smallest eigenvalue -0.923) and was smoothed "
        "(psych::cor.smooth's method)."
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = cma.prepare(ordinal, method="polychoric", missing="pairwise", smooth=True)
    assert [str(w.message) for w in caught if issubclass(w.category, SingularityWarning)] == [note]
    assert m.notes == (note,)
    assert np.linalg.eigvalsh(m.corr)[0] > 0
    assert (m.n_obs, m.n_rows) == (40, 40)


def test_polychoric_options_on_the_pearson_route_are_refused_word_for_word():
    with pytest.raises(ArgumentError, match=r"^option\(s\) correct, max_iter go with method='polychoric' only\.$"):
        cma.prepare(LIKERT, max_iter=10, correct=0.5)
    with pytest.raises(ArgumentError, match=r"^method='spearman'; choose 'pearson' or 'polychoric'\.$"):
        cma.prepare(LIKERT, method="spearman")
