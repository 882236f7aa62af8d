"""The bad-input battery of issue 12 over the public psychometrics API: every function x every bad input
gives the package's own error class with a message that names the problem (the column, the item, the
argument), or, where the input is odd but valid, exactly the result of the plain input; the caller's data
are never modified (a deep copy compared before and after)."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, CorrelationMatrixError, DataError, ReadError
from cmanalytics.psychometrics.inputs import gather
from tests.conftest import likert

BASE = likert(120, 6, seed=5)

FUNCTIONS = {
    "kmo": lambda x: cma.kmo(x).overall,
    "bartlett": lambda x: cma.bartlett(x).chi2,
    "efa_pca": lambda x: cma.efa(x, n_factors=2, method="pca").loadings.to_numpy(),
    "efa_minres": lambda x: cma.efa(x, n_factors=2).loadings.to_numpy(),
    "alpha": lambda x: cma.cronbach_alpha(x).alpha,
    "parallel": lambda x: cma.parallel_analysis(x, n_iter=5, seed=1).n_factors,
    "correlation": lambda x: cma.correlation(x).to_numpy(),
    "prepare": lambda x: cma.prepare(x).corr,
    "polychoric": lambda x: cma.prepare(x, method="polychoric").corr,
    "anti_image": lambda x: cma.anti_image(x).correlation.to_numpy(),
    "smc": lambda x: cma.smc(x).to_numpy(),
    "determinant": lambda x: cma.determinant(x),
    "bootstrap": lambda x: cma.bootstrap(x, n_factors=2, n_boot=10, seed=1).alpha["upper"],
    "omega": lambda x: cma.omega(x, n_factors=2).omega_h,
    "harman": lambda x: cma.harman(x).first_factor_pct,
}
# the analyses that work on two items (the rest need three)
TWO_ITEMS_OK = {"alpha", "correlation", "prepare", "polychoric"}


def _mixed():
    out = BASE.astype(object)
    out.iloc[3, 1] = "x"
    return out


def _with(value, row=5, column="q2"):
    return BASE.assign(**{column: BASE[column].where(BASE.index != row, value)})


# name: (make the input, error class, what the message must name)
BAD = {
    "text column": (lambda: BASE.assign(branch="Zhengzhou"), DataError, "non-numeric column.*'branch'"),
    "numbers as text": (lambda: BASE.assign(q2=BASE["q2"].astype(str)), DataError, "non-numeric column.*'q2'"),
    "one text answer": (_mixed, DataError, "non-numeric column.*'q2' \\(row\\(s\\) 3\\)"),
    "date column": (lambda: BASE.assign(when=pd.Timestamp("2025-01-01")), DataError, "non-numeric column.*'when'"),
    "complex column": (lambda: BASE.assign(q1=BASE["q1"] + 1j), DataError, "non-numeric column.*'q1'"),
    "text categories": (
        lambda: BASE.assign(q6=BASE["q6"].map({1: "low", 2: "low", 3: "mid", 4: "high", 5: "high"}).astype("category")),
        DataError,
        "'q6'",
    ),
    "constant item": (lambda: BASE.assign(q3=3.0), DataError, "'q3'.*(no variance|single category)"),
    "unanswered item": (lambda: BASE.assign(q4=np.nan), DataError, "'q4' were answered by no one"),
    "infinite answer": (lambda: _with(np.inf), DataError, "'q2' hold an infinite value"),
    "minus infinite": (lambda: _with(-np.inf), DataError, "'q2' hold an infinite value"),
    "duplicated columns": (lambda: BASE.rename(columns={"q2": "q1"}), DataError, "duplicated column names: q1"),
    "one row": (lambda: BASE.iloc[:1], DataError, "1 row\\(s\\); at least 2 respondents"),
    "no rows": (lambda: BASE.iloc[:0], DataError, "0 row\\(s\\)|answered by no one"),
    "file name": (lambda: "survey.csv", DataError, "got str"),
    "dict": (lambda: {"a": [1, 2, 3]}, DataError, "got dict"),
    "None": (lambda: None, ArgumentError, "no input"),
    "3-D array": (lambda: np.ones((4, 3, 2)), DataError, "must be 2-D.*got 3-D"),
    "1-D array": (lambda: np.arange(10.0), DataError, "must be 2-D.*got 1-D"),
    "list of text": (lambda: [["a", "b", "c"]] * 5, DataError, "got list"),
}


@pytest.mark.parametrize("case", list(BAD))
@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_bad_data_gets_a_named_package_error(function, case):
    make, error, named = BAD[case]
    data = make()
    before = copy.deepcopy(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=named):
            FUNCTIONS[function](data)
    _unchanged(data, before)


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_two_items(function):
    data = BASE[["q1", "q2"]]
    if function in TWO_ITEMS_OK:
        FUNCTIONS[function](data)
    else:
        with pytest.raises(DataError, match="2 item\\(s\\); this analysis needs at least 3"):
            FUNCTIONS[function](data)


def _unchanged(data, before):
    if isinstance(data, pd.DataFrame):
        pd.testing.assert_frame_equal(data, before, check_exact=True)
    elif isinstance(data, np.ndarray):
        np.testing.assert_array_equal(data, before)
    else:
        assert data == before


def _reindexed():
    out = BASE.copy()
    out.index = [0] * len(out)  # every row has the same label
    return out


def _nullable():
    out = BASE.astype("Int64")
    out.iloc[7, 2] = pd.NA
    return out


def _nan_float():
    out = BASE.astype(float)
    out.iloc[7, 2] = np.nan
    return out


# odd but valid inputs: (the odd input, the plain input whose result it must give exactly)
SAME = {
    "duplicated index": (_reindexed, lambda: BASE),
    "string index": (lambda: BASE.set_axis([f"r{k}" for k in range(len(BASE))]), lambda: BASE),
    "integer answers": (lambda: BASE.astype(np.int64), lambda: BASE.astype(float)),
    "int8 answers": (lambda: BASE.astype(np.int8), lambda: BASE.astype(float)),
    "nullable integers with NA": (_nullable, _nan_float),
    "float32 answers": (lambda: BASE.astype(np.float32), lambda: BASE.astype(float)),
    "numbers in an object column": (lambda: BASE.astype(object), lambda: BASE.astype(float)),
    "numeric categories": (lambda: BASE.assign(q6=BASE["q6"].astype("category")), lambda: BASE.astype(float)),
    "a numpy array": (lambda: BASE.to_numpy(), lambda: BASE.set_axis([f"item{j + 1}" for j in range(6)], axis=1)),
    "a read-only array": (lambda: _read_only(BASE.to_numpy()), lambda: BASE.to_numpy()),
    "non-contiguous array": (lambda: np.asfortranarray(BASE.to_numpy()), lambda: BASE.to_numpy()),
}


def _read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


@pytest.mark.parametrize("case", list(SAME))
@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_odd_but_valid_input_gives_exactly_the_plain_result(function, case):
    odd, plain = (f() for f in SAME[case])
    before = copy.deepcopy(odd)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, want = FUNCTIONS[function](odd), FUNCTIONS[function](plain)
    if isinstance(want, (dict, tuple)) or np.ndim(want) == 0:
        assert np.asarray(got, dtype=float) == pytest.approx(
            np.asarray(want, dtype=float), rel=1e-6 if case == "float32 answers" else 1e-13, nan_ok=True
        )
    else:
        np.testing.assert_allclose(
            got,
            want,
            rtol=1e-6 if case == "float32 answers" else 1e-13,
            atol=1e-7 if case == "float32 answers" else 1e-14,
        )
    _unchanged(odd, before)


MISSING_TAKERS = {
    "kmo": lambda x, m: cma.kmo(x, missing=m),
    "bartlett": lambda x, m: cma.bartlett(x, missing=m),
    "efa": lambda x, m: cma.efa(x, n_factors=2, missing=m),
    "alpha": lambda x, m: cma.cronbach_alpha(x, missing=m),
    "correlation": lambda x, m: cma.correlation(x, missing=m),
    "prepare": lambda x, m: cma.prepare(x, missing=m),
    "bootstrap": lambda x, m: cma.bootstrap(x, n_factors=2, n_boot=5, missing=m, seed=1),
    "anti_image": lambda x, m: cma.anti_image(x, missing=m),
    "smc": lambda x, m: cma.smc(x, missing=m),
}


@pytest.mark.parametrize("value", [None, "Listwise", "all", "complete", 1, "", "pairwise "])
@pytest.mark.parametrize("function", list(MISSING_TAKERS))
def test_an_unknown_missing_policy_is_named(function, value):
    with pytest.raises(ArgumentError, match="missing=.*not a missing-data policy"):
        MISSING_TAKERS[function](BASE, value)


ARGUMENTS = [
    ("prepare method", lambda: cma.prepare(BASE, method="spearman"), ArgumentError, "method='spearman'"),
    ("prepare method type", lambda: cma.prepare(BASE, method=1), ArgumentError, "method=1"),
    ("prepare smooth", lambda: cma.prepare(BASE, smooth="yes"), ArgumentError, "smooth must be True or False"),
    ("prepare option", lambda: cma.prepare(BASE, correct=0.5), ArgumentError, "correct go with method='polychoric'"),
    (
        "polychoric correct",
        lambda: cma.prepare(BASE, method="polychoric", correct=-1),
        ArgumentError,
        "correct must be",
    ),
    ("polychoric correct text", lambda: cma.polychoric(BASE, correct="0.5"), ArgumentError, "correct must be"),
    ("polychoric max_iter", lambda: cma.polychoric(BASE, max_iter=0), ArgumentError, "max_iter"),
    ("polychoric smooth", lambda: cma.polychoric(BASE, smooth=1), ArgumentError, "smooth must be"),
    (
        "polychoric many categories",
        lambda: cma.polychoric(BASE.assign(q1=np.arange(len(BASE)))),
        DataError,
        "'q1' has 120 categories",
    ),
    ("bootstrap n_boot 0", lambda: cma.bootstrap(BASE, 2, n_boot=0), ArgumentError, "n_boot"),
    ("bootstrap n_boot float", lambda: cma.bootstrap(BASE, 2, n_boot=2.5), ArgumentError, "n_boot"),
    ("bootstrap n_boot bool", lambda: cma.bootstrap(BASE, 2, n_boot=True), ArgumentError, "n_boot"),
    ("bootstrap n_boot text", lambda: cma.bootstrap(BASE, 2, n_boot="10"), ArgumentError, "n_boot"),
    ("bootstrap level 0", lambda: cma.bootstrap(BASE, 2, n_boot=5, level=0), ArgumentError, "level"),
    ("bootstrap level 1", lambda: cma.bootstrap(BASE, 2, n_boot=5, level=1), ArgumentError, "level"),
    ("bootstrap level 95", lambda: cma.bootstrap(BASE, 2, n_boot=5, level=95), ArgumentError, "level"),
    ("bootstrap method", lambda: cma.bootstrap(BASE, 2, n_boot=5, method="svd"), ArgumentError, "method='svd'"),
    ("bootstrap rotation", lambda: cma.bootstrap(BASE, 2, n_boot=5, rotation="spin"), ArgumentError, "rotation='spin'"),
    (
        "bootstrap too few",
        lambda: cma.bootstrap(BASE.iloc[:6], 2, n_boot=5),
        DataError,
        "more respondents \\(6\\) than items \\(6\\)",
    ),
    ("stream chunksize 0", lambda: cma.prepare_stream(iter([BASE]), chunksize=0), ArgumentError, "chunksize"),
    ("stream chunksize float", lambda: cma.prepare_stream(iter([BASE]), chunksize=2.5), ArgumentError, "chunksize"),
    ("stream chunksize bool", lambda: cma.prepare_stream(iter([BASE]), chunksize=True), ArgumentError, "chunksize"),
    ("stream a frame", lambda: cma.prepare_stream(BASE), ArgumentError, "data in memory: use cma.prepare"),
    ("stream no chunks", lambda: cma.prepare_stream(iter([])), DataError, "gave no data"),
    (
        "stream changing columns",
        lambda: cma.prepare_stream(iter([BASE, BASE.rename(columns={"q1": "z"})])),
        DataError,
        "chunk 2 has columns",
    ),
    (
        "stream missing file",
        lambda: cma.prepare_stream("/nonexistent/survey.csv"),
        ReadError,
        "/nonexistent/survey.csv",
    ),
    ("alpha ci", lambda: cma.cronbach_alpha(BASE, ci=95), ArgumentError, "ci must be"),
    ("alpha reverse unknown", lambda: cma.cronbach_alpha(BASE, reverse=["q9"]), DataError, "q9"),
    ("alpha reverse scale", lambda: cma.cronbach_alpha(BASE, reverse=["q1"], scale=(5, 1)), ArgumentError, "scale"),
    (
        "alpha from corr",
        lambda: cma.cronbach_alpha(gather(corr=BASE.corr(), n_obs=120)),
        ArgumentError,
        "alpha needs item variances",
    ),
    ("alpha reverse a number", lambda: cma.cronbach_alpha(BASE, reverse=3), ArgumentError, "reverse names the items"),
    ("alpha ci text", lambda: cma.cronbach_alpha(BASE, ci="x"), ArgumentError, "ci must be"),
    ("alpha ci bool", lambda: cma.cronbach_alpha(BASE, ci=True), ArgumentError, "ci must be"),
    (
        "alpha scale a number",
        lambda: cma.cronbach_alpha(BASE, reverse=["q1"], scale=5),
        ArgumentError,
        "scale must be \\(min, max\\)",
    ),
    (
        "alpha scale text",
        lambda: cma.cronbach_alpha(BASE, reverse=["q1"], scale=("a", "b")),
        ArgumentError,
        "scale must be",
    ),
    ("parallel seed text", lambda: cma.parallel_analysis(BASE, n_iter=5, seed="a"), ArgumentError, "seed must be"),
    ("parallel seed negative", lambda: cma.parallel_analysis(BASE, n_iter=5, seed=-1), ArgumentError, "seed must be"),
    ("parallel seed float", lambda: cma.parallel_analysis(BASE, n_iter=5, seed=1.5), ArgumentError, "seed must be"),
    ("bootstrap seed text", lambda: cma.bootstrap(BASE, 2, n_boot=5, seed="a"), ArgumentError, "seed must be"),
    ("bootstrap seed bool", lambda: cma.bootstrap(BASE, 2, n_boot=5, seed=True), ArgumentError, "seed must be"),
    ("stream absent column", lambda: cma.prepare_stream(iter([BASE]), columns=["zz"]), DataError, "'zz'"),
    ("stream a number", lambda: cma.prepare_stream(5), ArgumentError, "cannot stream a int"),
    ("data and corr", lambda: cma.kmo(BASE, corr=BASE.corr(), n_obs=120), ArgumentError, "not both"),
    ("n_obs with data", lambda: cma.kmo(BASE, n_obs=120), ArgumentError, "n_obs goes with corr"),
]


@pytest.mark.parametrize("name", [a[0] for a in ARGUMENTS])
def test_bad_arguments_are_named(name):
    _, call, error, named = next(a for a in ARGUMENTS if a[0] == name)
    before = copy.deepcopy(BASE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=named):
            call()
    _unchanged(BASE, before)


R = BASE.corr().to_numpy()


def _bad_corr(kind):
    r = R.copy()
    if kind == "asymmetric":
        r[0, 1] += 0.2
    elif kind == "diagonal":
        r[2, 2] = 2.0
    elif kind == "outside":
        r[0, 1] = r[1, 0] = 1.5
    elif kind == "missing":
        r[0, 1] = r[1, 0] = np.nan
    elif kind == "indefinite":
        r = np.array([[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1.0]])
    elif kind == "not square":
        r = r[:, :5]
    elif kind == "text":
        r = pd.DataFrame(r).astype(str)
    return r


CORR_CASES = {
    "asymmetric": "not symmetric",
    "diagonal": "diagonal must be 1",
    "outside": "outside \\[-1, 1\\]",
    "missing": "missing or infinite",
    "indefinite": "not positive semi-definite",
    "not square": "square",
    "text": "non-numeric",
}
CORR_TAKERS = {
    "kmo": lambda r, n: cma.kmo(corr=r, n_obs=n),
    "bartlett": lambda r, n: cma.bartlett(corr=r, n_obs=n),
    "efa": lambda r, n: cma.efa(corr=r, n_obs=n, n_factors=1),
    "smc": lambda r, n: cma.smc(corr=r, n_obs=n),
    "anti_image": lambda r, n: cma.anti_image(corr=r, n_obs=n),
}


@pytest.mark.parametrize("kind", list(CORR_CASES))
@pytest.mark.parametrize("function", list(CORR_TAKERS))
def test_a_bad_correlation_matrix_is_named(function, kind):
    r = _bad_corr(kind)
    before = copy.deepcopy(r)
    with pytest.raises(CorrelationMatrixError, match=CORR_CASES[kind]):
        CORR_TAKERS[function](r, 120)
    _unchanged(r, before)


@pytest.mark.parametrize("n_obs", [None, 1, 0, -5, 2.5, True, "120", [120]])
@pytest.mark.parametrize("function", list(CORR_TAKERS))
def test_a_bad_n_obs_is_named(function, n_obs):
    with pytest.raises(ArgumentError, match="n_obs"):
        CORR_TAKERS[function](R, n_obs)


def test_reverse_none_is_no_reverse_keying():
    assert cma.cronbach_alpha(BASE, reverse=None).alpha == cma.cronbach_alpha(BASE).alpha
