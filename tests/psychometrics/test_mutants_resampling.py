"""Tests written to kill mutants of cmanalytics/psychometrics/resampling.py (make mutants).

The bootstrap documents how it draws: respondents resampled with replacement as multinomial counts from numpy's
``default_rng(seed)`` (``multinomial(n, [1/n] * n)``, one row per resample), percentile intervals at
(1 +- level)/2. So each resample is rebuilt here from an independent ``default_rng`` stream and its alpha, KMO and
first principal component computed by hand with plain numpy from the textbook formulas; properties that hold
for every seed (the intervals are the quantiles of the draws, the estimates those of the full data) are checked
too, and every message word for word.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, ReverseKeyWarning
from cmanalytics.psychometrics.resampling import align

BFI = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "bfi_complete.csv")
C5 = BFI[["C1", "C2", "C3", "A2", "A3"]].iloc[:80].reset_index(drop=True)


def quiet(f, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args, **kw)


def hand_alpha(x: np.ndarray) -> float:
    p = x.shape[1]
    return p / (p - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def hand_kmo(x: np.ndarray) -> float:
    """Kaiser's KMO: sum of squared correlations over that plus the squared partial correlations (off-diagonal)."""
    r = np.corrcoef(x, rowvar=False)
    s = np.linalg.inv(r)
    partial = -s / np.sqrt(np.outer(np.diag(s), np.diag(s)))
    off = ~np.eye(r.shape[0], dtype=bool)
    return (r[off] ** 2).sum() / ((r[off] ** 2).sum() + (partial[off] ** 2).sum())


def hand_pc1(x: np.ndarray) -> np.ndarray:
    """First principal component's loadings: the top eigenvector of R times the root of its eigenvalue."""
    values, vectors = np.linalg.eigh(np.corrcoef(x, rowvar=False))
    return vectors[:, -1] * np.sqrt(values[-1])


def resamples(x: np.ndarray, n_boot: int, seed: int) -> list[np.ndarray]:
    n = x.shape[0]
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1 / n), size=n_boot)
    return [x[np.repeat(np.arange(n), c)] for c in counts]


def check_draws(res, x, n_boot, seed, level):
    """Every draw by hand from the independent stream; the intervals the quantiles of the draws."""
    samples = resamples(x, n_boot, seed)
    est = hand_pc1(x)
    est = est * np.sign(est.sum())
    alphas = np.array([hand_alpha(s) for s in samples])
    kmos = np.array([hand_kmo(s) for s in samples])
    # each resample's component signed to agree with the full-sample one (positive congruence)
    pcs = np.array([(lambda v: v * np.sign(v @ est))(hand_pc1(s)) for s in samples])
    np.testing.assert_allclose(res.draws["alpha"], alphas, atol=1e-10)
    np.testing.assert_allclose(res.draws["kmo"], kmos, atol=1e-10)
    np.testing.assert_allclose(res.draws["loadings"][:, :, 0], pcs, atol=1e-9)
    assert sorted(res.draws) == ["alpha", "kmo", "loadings"] and res.draws["loadings"].shape == (n_boot, x.shape[1], 1)
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    assert res.alpha == pytest.approx(
        {"estimate": hand_alpha(x), "lower": np.quantile(alphas, lo), "upper": np.quantile(alphas, hi)}, abs=1e-10
    )
    assert res.kmo == pytest.approx(
        {"estimate": hand_kmo(x), "lower": np.quantile(kmos, lo), "upper": np.quantile(kmos, hi)}, abs=1e-10
    )
    np.testing.assert_allclose(res.lower[:, 0], np.quantile(pcs, lo, axis=0), atol=1e-9)
    np.testing.assert_allclose(res.upper[:, 0], np.quantile(pcs, hi, axis=0), atol=1e-9)
    np.testing.assert_allclose(res.estimate[:, 0], est, atol=1e-12)


def test_batched_draws_across_two_batches_by_hand():
    """501 resamples of principal components under listwise deletion (the batched path, in batches of 500):
    alpha, KMO and the first component of every resample, by hand; the result's fields and frames."""
    x = C5.to_numpy(float)
    res = quiet(cma.bootstrap, C5, 1, n_boot=501, rotation=None, seed=12, level=0.9)
    check_draws(res, x, 501, 12, 0.9)
    assert (res.n_boot, res.seed, res.level, res.warnings) == (501, 12, 0.9, ())
    assert res.items == tuple(C5.columns) and res.factors == ("PC1",)
    for frame, values in (
        (res.loadings, res.estimate),
        (res.loadings_lower, res.lower),
        (res.loadings_upper, res.upper),
    ):
        assert list(frame.index) == list(C5.columns) and list(frame.columns) == ["PC1"]
        np.testing.assert_array_equal(frame.to_numpy(), values)


def test_listwise_deletion_resamples_the_complete_rows():
    """Holes in three rows: listwise deletion resamples the 77 complete respondents (the batched path)."""
    data = C5.astype(float)
    data.iloc[2, 0] = data.iloc[40, 3] = data.iloc[41, 4] = np.nan
    res = quiet(cma.bootstrap, data, 1, n_boot=np.int64(25), rotation=None, seed=4)
    check_draws(res, data.dropna().to_numpy(), 25, 4, 0.95)
    assert type(res.n_boot) is int and res.n_boot == 25


def test_resample_by_resample_path_by_hand():
    """missing="pairwise" (complete data) takes the resample-by-resample path: the same draws by hand."""
    x = C5.to_numpy(float)
    res = quiet(cma.bootstrap, C5, 1, n_boot=30, rotation=None, seed=3, missing="pairwise")
    check_draws(res, x, 30, 3, 0.95)
    assert (res.n_boot, res.seed, res.level) == (30, 3, 0.95)


def test_two_varimax_components_batched_equal_one_by_one():
    """Two varimax-rotated components: the batched path (listwise) and the resample-by-resample one (pairwise
    on complete data) give the same draws; unrotated, the batched path gives the top two components by hand."""
    fast = quiet(cma.bootstrap, C5, 2, n_boot=40, seed=8)
    slow = quiet(cma.bootstrap, C5, 2, n_boot=40, seed=8, missing="pairwise")
    for name in ("alpha", "kmo", "loadings"):
        np.testing.assert_allclose(fast.draws[name], slow.draws[name], atol=1e-8, err_msg=name)
    assert fast.factors == ("RC1", "RC2")
    # varimax changes the loadings: they are not the unrotated components
    raw = quiet(cma.bootstrap, C5, 2, n_boot=40, seed=8, rotation=None)
    assert raw.factors == ("PC1", "PC2")
    assert np.abs(np.abs(raw.draws["loadings"]) - np.abs(fast.draws["loadings"])).max() > 0.05
    x = C5.to_numpy(float)
    for b, s in enumerate(resamples(x, 40, 8)[:5]):
        values, vectors = np.linalg.eigh(np.corrcoef(s, rowvar=False))
        top = vectors[:, ::-1][:, :2] * np.sqrt(values[::-1][:2])
        np.testing.assert_allclose(np.abs(raw.draws["loadings"][b]), np.abs(top), atol=1e-9)


def test_the_default_level_and_an_unseeded_run():
    res = quiet(cma.bootstrap, C5, 1, n_boot=20, rotation=None)
    assert res.seed is None and res.level == 0.95 and res.n_boot == 20
    # the documented (1 -+ level)/2 quantiles: (1 - .95)/2 is 0.025000000000000022 in floats, not 0.025, and the
    # two differ in the last digit for some draws (this run is unseeded)
    lo, hi = np.quantile(res.draws["alpha"], [(1 - 0.95) / 2, (1 + 0.95) / 2])
    assert (res.alpha["lower"], res.alpha["upper"]) == (lo, hi)


# --- degenerate resamples and refusals, word for word ---------------------------------------------------

# 15 respondents; item c answers 3 except two respondents: some resamples miss both and c loses its variance
_X = np.random.default_rng(0).integers(1, 6, (15, 4)).astype(float)
_X[:, 2] = 3.0
_X[3, 2], _X[9, 2] = 5.0, 1.0
FLAT = pd.DataFrame(_X, columns=list("abcd"))


def first_flat_resample(seed: int) -> int:
    """1-based number of the first resample (independent stream) in which some item takes one value."""
    for b, s in enumerate(resamples(_X, 200, seed)):
        if (s.max(axis=0) == s.min(axis=0)).any():
            return b + 1
    raise AssertionError("no flat resample")


@pytest.mark.parametrize("seed", [0, 5])
def test_a_resample_without_variance_is_named_batched(seed):
    b = first_flat_resample(seed)
    assert b > 1  # the item's index is not the resample's
    msg = (
        f"bootstrap resample {b} cannot be analysed (item 'c' has no variance); with 15 respondents some resamples "
        "lose an item's variance or make the matrix singular: a bootstrap needs more data."
    )
    with pytest.raises(DataError, match=f"^{re.escape(msg)}$"):
        quiet(cma.bootstrap, FLAT, 1, n_boot=200, rotation=None, seed=seed)


def test_a_resample_without_variance_is_named_one_by_one():
    b = first_flat_resample(0)
    msg = (
        f"bootstrap resample {b} cannot be analysed (item(s) 'c' have no variance (every respondent gave the same "
        "answer); they carry no information for a correlation. Drop them and run again.); with 15 respondents some "
        "resamples lose an item's variance or make the matrix singular: a bootstrap needs more data."
    )
    with pytest.raises(DataError, match=f"^{re.escape(msg)}$"):
        quiet(cma.bootstrap, FLAT, 1, n_boot=200, rotation=None, seed=0, missing="pairwise")


ROTATIONS = (
    "varimax, quartimax, equamax, geomint, targett, bifactor, cft, promax, oblimin, quartimin, geominq, targetq, "
    "biquartimin, simplimax, cfq"
)


@pytest.mark.parametrize(
    "kw,error,message",
    [
        (
            {"method": "foo"},
            ArgumentError,
            "method='foo' is not an extraction method; choose 'pca', 'paf', 'minres' or 'ml'.",
        ),
        ({"rotation": "spin"}, ArgumentError, f"rotation='spin' is not available; choose None or one of {ROTATIONS}."),
        ({"n_boot": 0}, ArgumentError, "n_boot must be a whole number of at least 1; got 0."),
        ({"n_boot": 2.5}, ArgumentError, "n_boot must be a whole number of at least 1; got 2.5."),
        ({"level": 1.2}, ArgumentError, "level must be a level between 0 and 1 (e.g. 0.95); got 1.2."),
        (
            {"missing": "x"},
            ArgumentError,
            "missing='x' is not a missing-data policy; use 'listwise' (SPSS's default) or 'pairwise'.",
        ),
        ({"seed": "a"}, ArgumentError, "seed must be a whole number (or None); got 'a'."),
        ({"seed": -1}, ArgumentError, "seed must be a whole number of at least 0 (or None); got -1."),
    ],
)
def test_bootstrap_refusals_word_for_word(kw, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        quiet(cma.bootstrap, C5, 1, **{"n_boot": 10, **kw})


def test_too_few_complete_respondents_counted_after_listwise_deletion():
    """Six rows, two with a hole: listwise leaves 4 respondents for 4 items."""
    x = FLAT.iloc[:6].copy()
    x.iloc[0, 0] = np.nan
    x.iloc[4, 3] = np.nan
    x.iloc[:, 2] = [1.0, 2, 3, 4, 5, 1]
    msg = (
        "a bootstrap needs more respondents (4) than items (4): every resample's correlation matrix would be singular."
    )
    with pytest.raises(DataError, match=f"^{re.escape(msg)}$"):
        quiet(cma.bootstrap, x, 1, n_boot=10, rotation=None)


def test_method_and_rotation_names_are_case_insensitive():
    a = quiet(cma.bootstrap, C5, 2, n_boot=15, seed=1, method="PCA", rotation="VARIMAX")
    b = quiet(cma.bootstrap, C5, 2, n_boot=15, seed=1)
    np.testing.assert_array_equal(a.draws["loadings"], b.draws["loadings"])
    c = quiet(cma.bootstrap, C5, 2, n_boot=15, seed=1, rotation="none")
    assert c.factors == ("PC1", "PC2")


# --- diagnostics of the resamples, said once --------------------------------------------------------------


def test_resample_diagnostics_said_once_with_their_count():
    """A1 is reverse-keyed in bfi: in the resamples (by hand) where an item correlates negatively with the rest
    (corrected item-total r < 0; alpha stays positive in all 20) a ReverseKeyWarning is raised; the bootstrap
    says once in how many, in ReverseKeyWarning's words, after the full data's own warning."""
    data = BFI[["A1", "A2", "A3", "A4", "A5"]].iloc[:80].reset_index(drop=True)
    x = data.to_numpy(float)
    flagged = 0
    for s in resamples(x, 20, 0):
        total = s.sum(axis=1)
        assert hand_alpha(s) > 0
        flagged += min(np.corrcoef(s[:, j], total - s[:, j])[0, 1] for j in range(5)) < 0
    assert flagged == 16
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.bootstrap(data, 1, n_boot=20, seed=0, rotation=None, missing="pairwise")
    msg = "in 16 of 20 resamples: an item correlates negatively with the rest of its scale: it looks reverse-keyed"
    assert res.warnings == (msg,)
    full = "item(s) A1 correlate negatively with the rest of the scale; they may need reverse-keying."
    assert [(w.category, str(w.message)) for w in caught] == [(ReverseKeyWarning, full), (ReverseKeyWarning, msg)]


def test_fixed_resample_diagnostics_count_resamples_and_say_so_once():
    """A1 is reverse-keyed in bfi: resamples whose alpha is negative or in which an item correlates negatively
    with the rest (corrected item-total r by hand) raise ReverseKeyWarnings; the warning says in how many of
    the resamples, each counted once (a resample raising both is one resample), in ReverseKeyWarning's words."""
    data = BFI[["A1", "A2", "A3"]].iloc[:60].reset_index(drop=True)
    x = data.to_numpy(float)
    flagged = 0
    for s in resamples(x, 30, 1):
        total = s.sum(axis=1)
        r_drop = [np.corrcoef(s[:, j], total - s[:, j])[0, 1] for j in range(3)]
        flagged += hand_alpha(s) < 0 or min(r_drop) < 0
    assert 0 < flagged <= 30
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.bootstrap(data, 1, n_boot=30, seed=1, rotation=None, missing="pairwise")
    msg = f"in {flagged} of 30 resamples: an item correlates negatively with the rest of its scale: it looks reverse-keyed"
    assert res.warnings == (msg,)
    # the full data's own warnings (its alpha is negative), then the resamples' one line
    full = quiet(cma.cronbach_alpha, data).warnings
    assert [str(w.message) for w in caught if w.category is ReverseKeyWarning] == [*full, msg]


# --- aligning a draw's factors to the full-sample solution ----------------------------------------------


def test_align_reorders_and_resigns_factors():
    """A draw with its two factors swapped and one sign flipped is brought back onto the reference; a zero
    column (congruence 0) keeps its sign."""
    ref = np.array([[0.8, 0.1], [0.7, 0.2], [0.1, 0.9], [0.2, 0.6]])
    draw = np.stack([np.column_stack([ref[:, 1], -ref[:, 0]]), ref * [-1, -1]])
    np.testing.assert_allclose(align(draw, ref), np.stack([ref, ref]), atol=1e-15)
    zero = np.column_stack([ref[:, 0], np.zeros(4)])[None]
    np.testing.assert_array_equal(align(zero, ref), zero)
    # three factors: the best of the six orders
    ref3 = np.array([[0.9, 0.0, 0.1], [0.1, 0.8, 0.0], [0.0, 0.2, 0.7], [0.5, 0.1, 0.1]])
    perm = ref3[:, [2, 0, 1]] * [1, -1, 1]
    np.testing.assert_allclose(align(perm[None], ref3)[0], ref3, atol=1e-15)


def test_fixed_the_base_class_diagnostic_is_said_in_its_own_words():
    """One factor with varimax: each resample says the rotation was not applied (a plain CmanalyticsWarning,
    whose class words are "Base class of every diagnostic"): the bootstrap repeats the message itself, once."""
    data = BFI[["C1", "C2", "C3"]].iloc[:80].reset_index(drop=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.bootstrap(data, 1, n_boot=5, seed=0, missing="pairwise")
    said = "only one factor was extracted, so the varimax rotation was not applied"
    assert res.warnings == (f"in 5 of 5 resamples: {said}",)
    assert [str(w.message) for w in caught] == [f"{said}.", f"in 5 of 5 resamples: {said}"]


def hand_align(draw: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Tucker's congruence phi_ij = d_i . r_j / (|d_i| |r_j|) of two factors; the pairing with the larger summed
    |phi|, then each column signed to make its phi positive."""
    phi = np.array([[d @ r / np.sqrt((d @ d) * (r @ r)) for r in ref.T] for d in draw.T])
    order = [0, 1] if abs(phi[0, 0]) + abs(phi[1, 1]) >= abs(phi[1, 0]) + abs(phi[0, 1]) else [1, 0]
    return np.column_stack([draw[:, i] * np.sign(phi[i, j]) for j, i in enumerate(order)])


def test_align_matches_by_congruence_not_by_raw_products():
    """Columns of very unequal length in the reference and the draws: the pairing by congruence (lengths divided
    out) differs from pairings by raw or re-weighted products; every draw as by hand."""
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(6, 2)) * [1.0, 3.0]
    draws = rng.normal(size=(200, 6, 2)) * rng.uniform(0.2, 3.0, (200, 1, 2))
    want = np.stack([hand_align(d, ref) for d in draws])
    np.testing.assert_allclose(align(draws, ref), want, atol=1e-15)


def test_align_keeps_a_column_orthogonal_to_its_reference():
    """One factor whose draw is orthogonal to the reference (phi exactly 0): kept as it is, not zeroed or scaled."""
    ref = np.array([[0.5], [0.5], [0.0], [0.0]])
    draw = np.array([[[0.3], [-0.3], [0.6], [0.2]]])
    np.testing.assert_array_equal(align(draw, ref), draw)


def test_defaults_two_thousand_resamples_and_three_items_at_least():
    """The documented default of 2000 resamples (the default method and rotation: the case-insensitivity test);
    three items are enough, two are refused in response_matrix's words."""
    res = quiet(cma.bootstrap, C5.iloc[:, :3], 1, seed=1)
    assert res.n_boot == 2000 and res.draws["alpha"].shape == (2000,)
    msg = "data has 2 item(s); this analysis needs at least 3."
    with pytest.raises(DataError, match=f"^{re.escape(msg)}$"):
        quiet(cma.bootstrap, C5.iloc[:, :2], 1, n_boot=10)


def test_the_first_flat_resample_names_its_own_item():
    """Items c and d each constant but for two respondents: with seed 1 the independent stream's first flat
    (resample, item) is (6, d) and the next (13, c); the message names d. With two varimax components (the
    batched path too) the same words."""
    x = _X.copy()
    x[:, 3] = 2.0
    x[5, 3], x[11, 3] = 4.0, 1.0
    pairs = [(b + 1, "abcd"[j]) for b, s in enumerate(resamples(x, 200, 1)) for j in range(4) if np.ptp(s[:, j]) == 0]
    assert pairs[:2] == [(6, "d"), (13, "c")]
    msg = (
        "bootstrap resample 6 cannot be analysed (item 'd' has no variance); with 15 respondents some resamples "
        "lose an item's variance or make the matrix singular: a bootstrap needs more data."
    )
    data = pd.DataFrame(x, columns=list("abcd"))
    for k, rotation in ((1, None), (2, "varimax")):
        with pytest.raises(DataError, match=f"^{re.escape(msg)}$"):
            quiet(cma.bootstrap, data, k, n_boot=200, rotation=rotation, seed=1)


def test_pairwise_resamples_keep_pairwise_deletion():
    """Holes in the data, missing="pairwise": each resample's alpha is that of its pairwise covariances (pandas),
    its KMO that of its pairwise correlations, by hand."""
    data = C5.astype(float)
    data.iloc[[2, 7, 30], 0] = np.nan
    data.iloc[[5, 40, 41], 3] = np.nan
    res = quiet(cma.bootstrap, data, 1, n_boot=15, rotation=None, seed=6, missing="pairwise")
    for b, s in enumerate(resamples(data.to_numpy(), 15, 6)):
        c = pd.DataFrame(s).cov().to_numpy()
        assert res.draws["alpha"][b] == pytest.approx(5 / 4 * (1 - np.trace(c) / c.sum()), abs=1e-10)
        r = pd.DataFrame(s).corr().to_numpy()
        si = np.linalg.inv(r)
        partial = -si / np.sqrt(np.outer(np.diag(si), np.diag(si)))
        off = ~np.eye(5, dtype=bool)
        kmo = (r[off] ** 2).sum() / ((r[off] ** 2).sum() + (partial[off] ** 2).sum())
        assert res.draws["kmo"][b] == pytest.approx(kmo, abs=1e-10)


@pytest.mark.parametrize("scale", [[1e-8] * 5, [1.0, 1.0, 1e8, 1.0, 1.0]])
def test_answers_in_any_units(scale):
    """Answers in tiny units, or one item in huge ones: no item is taken for flat; every draw by hand."""
    data = C5 * scale
    res = quiet(cma.bootstrap, data, 1, n_boot=30, rotation=None, seed=2)
    x = data.to_numpy(float)
    samples = resamples(x, 30, 2)
    np.testing.assert_allclose(res.draws["alpha"], [hand_alpha(s) for s in samples], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.draws["kmo"], [hand_kmo(s) for s in samples], atol=1e-9)


def test_many_respondents_one_answer_apart():
    """1000 respondents, item c constant but for one: a resample misses that respondent with probability about
    1/e; the first such resample (independent stream) is named."""
    x = np.random.default_rng(3).integers(1, 6, (1000, 4)).astype(float)
    x[:, 2] = 3.0
    x[17, 2] = 4.0
    counts = np.random.default_rng(9).multinomial(1000, np.full(1000, 1 / 1000), size=50)
    b = int(np.argmax(counts[:, 17] == 0)) + 1
    assert counts[b - 1, 17] == 0 and b > 1
    msg = (
        f"bootstrap resample {b} cannot be analysed (item 'c' has no variance); with 1000 respondents some "
        "resamples lose an item's variance or make the matrix singular: a bootstrap needs more data."
    )
    with pytest.raises(DataError, match=f"^{re.escape(msg)}$"):
        quiet(cma.bootstrap, pd.DataFrame(x, columns=list("abcd")), 1, n_boot=50, rotation=None, seed=9)
