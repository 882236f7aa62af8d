"""Mutation tests (issue 13) of the SEM engine's parameter table (sem/model.py) against lavaan's parTable(), and of
sem/syntax.py's modifier chains and refusals, sem/results.py's Heywood and identification checks and pairwise
covariances, estimation.minimize's non-finite end and fitting._group_data's singular-covariance check.

The reference tables are lavaan 0.6-14's ``parTable(cfa()/sem(..., do.fit = FALSE, ceq.simple = TRUE))``:
tests/reference/mutants/make_semmodel3_partable.R writes semmodel3_partable.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize as sopt

from cmanalytics.errors import ArgumentError, DataError, HeywoodWarning, SmallSampleWarning
from cmanalytics.psychometrics.sem.estimation import GroupData, minimize
from cmanalytics.psychometrics.sem.fitting import _group_data
from cmanalytics.psychometrics.sem.implied import Parameterization
from cmanalytics.psychometrics.sem.model import build_table
from cmanalytics.psychometrics.sem.results import IdentificationError, _heywood, _pairwise_cov, check_rank
from cmanalytics.psychometrics.sem.syntax import ModelSyntaxError, Modifier, from_dict, parse

REF = json.loads((Path(__file__).parents[1] / "reference" / "mutants" / "semmodel3_partable.json").read_text())
CASES = {c["name"]: c for c in REF["cases"]}
HS_COLUMNS = [f"x{k}" for k in range(1, 10)]

# what cmanalytics is given for lavaan's options; group.partial is given in other spellings where lavaan's is
# the canonical one (a ~~ row named in the other order, an intercept without spaces)
PARTIAL_OURS = {"mg_partial": ["x3 ~~ x2", "x1~1", "visual =~ x3", "x5 ~~ x5"]}


def _as_list(v):
    return [v] if isinstance(v, str) else list(v)


def _ours(case):
    opts = case["opts"] if isinstance(case["opts"], dict) else {}
    return build_table(
        parse(case["model"]),
        HS_COLUMNS,
        std_lv=bool(opts.get("std.lv", False)),
        meanstructure=bool(case["meanstructure"]),
        n_groups=2 if "group" in opts else 1,
        group_equal=_as_list(opts.get("group.equal", [])),
        group_partial=PARTIAL_OURS.get(case["name"], _as_list(opts.get("group.partial", []))),
        fixed_x=case["fun"] == "sem" and bool(opts.get("fixed.x", True)),
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_table_rows_as_lavaan(name):
    """The same rows (lhs, op, rhs, group) in the same orientation, the same free/fixed split, the fixed values,
    the user/default split, the fixed.x rows, and the same equalities (rows sharing a free number in lavaan
    share one in ours, and only those)."""
    case = CASES[name]
    table = _ours(case)
    theirs = {(r["lhs"], r["op"], r["rhs"], r["group"]): r for r in case["rows"]}
    ours = {(r.lhs, r.op, r.rhs, r.group + 1): r for r in table.rows}
    assert len(ours) == len(table.rows)
    assert sorted(ours) == sorted(theirs)
    pairs = set()
    for key, t in theirs.items():
        r = ours[key]
        assert r.free == (t["free"] > 0), key
        assert r.exo_x == bool(t["exo"]), key
        assert r.user == (t["user"] == 1), key
        if not r.free and not r.exo_x:
            assert r.value == t["ustart"], key
        if r.free:
            assert r.index >= 0, key
            pairs.add((t["free"], r.index))
        else:
            assert r.index == -1, key
    # a one-to-one map between lavaan's free numbers and ours
    assert len({a for a, _ in pairs}) == len({b for _, b in pairs}) == len(pairs) == case["npar"]
    assert table.n_free == case["npar"]
    assert table.n_groups == (2 if "group" in (case["opts"] or {}) else 1)
    assert table.meanstructure == case["meanstructure"]


def test_intercept_statement_turns_the_mean_structure_on():
    """A '~ 1' statement gives a mean structure whatever meanstructure= says (as lavaan)."""
    case = CASES["intercepts"]
    table = build_table(parse(case["model"]), HS_COLUMNS, meanstructure=False)
    assert table.meanstructure is True
    assert sorted((r.lhs, r.op) for r in table.rows if r.op == "~1") == sorted(
        (r["lhs"], r["op"]) for r in case["rows"] if r["op"] == "~1"
    )


def test_cvec_length_must_match_the_groups():
    with pytest.raises(ArgumentError) as exc:
        build_table(parse("visual =~ x1 + c(a, b, c)*x2 + x3"), HS_COLUMNS, n_groups=2, meanstructure=True)
    assert str(exc.value) == "line 1: c() gives 3 modifiers for 'visual =~ x2' but the model has 2 group(s)."


def test_cvec_gives_each_group_its_own_modifier():
    """c(a, b)*x2: label a in group 1, b in group 2; c(NA, 1)*x3: free in group 1, fixed at 1 in group 2."""
    table = build_table(parse("visual =~ x1 + c(a, b)*x2 + c(NA, 1)*x3"), HS_COLUMNS, n_groups=2, meanstructure=True)
    rows = {(r.rhs, r.group): r for r in table.rows if r.op == "=~"}
    assert (rows["x2", 0].label, rows["x2", 1].label) == ("a", "b")
    assert (rows["x3", 0].free, rows["x3", 1].free, rows["x3", 1].value) == (True, False, 1.0)
    assert rows["x2", 0].index != rows["x2", 1].index


def test_partial_reversed_covariance_frees_it():
    """group.partial 'x3 ~~ x2' frees the row written 'x2 ~~ x3' (lavaan matches the written order only: its
    parTable with group.partial = 'x2 ~~ x3' is the reference); without the partial the row is equal."""
    model = "visual =~ x1 + x2 + x3\nx2 ~~ x3"
    kw = dict(n_groups=2, meanstructure=True, group_equal=["residual.covariances"])
    free = build_table(parse(model), HS_COLUMNS, group_partial=["x3 ~~ x2"], **kw)
    equal = build_table(parse(model), HS_COLUMNS, **kw)
    cov = [[r.index for r in t.rows if (r.lhs, r.op, r.rhs) == ("x2", "~~", "x3")] for t in (free, equal)]
    assert cov[0][0] != cov[0][1]
    assert cov[1][0] == cov[1][1]
    # per group: 2 loadings, 3 residual variances, x2 ~~ x3, the factor variance, 3 intercepts
    assert (free.n_free, equal.n_free) == (2 * 10, 2 * 10 - 1)


def test_partial_unknown_parameter_is_named():
    with pytest.raises(ArgumentError) as exc:
        build_table(
            parse("visual =~ x1 + x2 + x3"),
            HS_COLUMNS,
            n_groups=2,
            meanstructure=True,
            group_equal=["loadings"],
            group_partial=["x3 ~~ x2", "visual =~ x4"],
        )
    assert str(exc.value) == "group_partial names parameter(s) the model does not have: visual =~ x4, x3 ~~ x2."


def test_partial_spec_without_operator():
    with pytest.raises(ArgumentError) as exc:
        build_table(parse("visual =~ x1 + x2 + x3"), HS_COLUMNS, n_groups=2, group_partial=["x3"])
    assert str(exc.value) == "group_partial: 'x3' is not a parameter such as 'visual =~ x2' or 'x3 ~ 1'."


def test_group_equal_unknown_kind():
    with pytest.raises(ArgumentError) as exc:
        build_table(parse("visual =~ x1 + x2 + x3"), HS_COLUMNS, n_groups=2, group_equal=["loadings", "slopes"])
    assert str(exc.value) == (
        "group_equal: slopes unknown; choose among loadings, intercepts, means, residuals, "
        "residual.covariances, lv.variances, lv.covariances, regressions."
    )


def test_positions_are_column_major_cells():
    """One factor, x1..x3, marker x1: Lambda (3x1) at 0..2, Theta (3x3) at 3..11, Psi (1x1) at 12; cell (i, j)
    of Theta (0-based) at 3 + i + 3 j; a covariance fills both its cells: x1 ~~ x3 (0, 2) and (2, 0), x2 ~~ x3
    (1, 2) and (2, 1)."""
    table = build_table(parse("f =~ x1 + x2 + x3\nx1 ~~ x3\nx2 ~~ x3"), ["x1", "x2", "x3"])
    pos, src = table.positions[0]
    names = [f"{table.rows[k].lhs}{table.rows[k].op}{table.rows[k].rhs}" for k in src]
    assert sorted(zip(pos.tolist(), names)) == sorted(
        [
            (0, "f=~x1"),
            (1, "f=~x2"),
            (2, "f=~x3"),
            (3 + 0 + 3 * 2, "x1~~x3"),
            (3 + 2 + 3 * 0, "x1~~x3"),
            (3 + 1 + 3 * 2, "x2~~x3"),
            (3 + 2 + 3 * 1, "x2~~x3"),
            (3 + 0 + 3 * 0, "x1~~x1"),
            (3 + 1 + 3 * 1, "x2~~x2"),
            (3 + 2 + 3 * 2, "x3~~x3"),
            (12, "f~~f"),
        ]
    )
    assert pos.dtype.kind == "i" and src.dtype.kind == "i"


# ---- syntax ---------------------------------------------------------------------------------------------------
def test_merge_label_chain_with_value_vector():
    """c(a, b)*1*x1: each group's label with the value 1; 1*c(a, b)*x1 the same from the other side."""
    for text in ("f =~ c(a, b)*1*x1 + x2", "f =~ 1*c(a, b)*x1 + x2"):
        (s, _) = parse(text)
        assert s.modifiers == (Modifier(fixed=1.0, label="a"), Modifier(fixed=1.0, label="b")), text


def test_merge_vectors_pairwise():
    (s, _) = parse("f =~ c(a, b)*c(1, NA)*x1 + x2")
    assert s.modifiers == (Modifier(fixed=1.0, label="a"), Modifier(free=True, label="b"))
    (s, _) = parse("f =~ a*NA*x1 + x2")
    assert s.modifiers == (Modifier(free=True, label="a"),)


def test_merge_vectors_of_different_lengths():
    with pytest.raises(ModelSyntaxError) as exc:
        parse("f =~ c(a, b)*c(1, 2, 3)*x1")
    assert str(exc.value) == "line 1: the c() modifiers in 'c(a, b)*c(1, 2, 3)*x1' differ in length."


@pytest.mark.parametrize(
    "line", ["a == b", "ab := a*b", "a < 0.5", "b > 0", "a>0"], ids=["eq", "define", "lt", "gt", "gt-nospace"]
)
def test_constraints_refused(line):
    with pytest.raises(ModelSyntaxError) as exc:
        parse(f"f =~ a*x1 + b*x2\n{line}")
    assert str(exc.value) == (
        f"line 2: {line!r}: constraints (==, <, >) and defined parameters (:=) are not "
        "supported; give equal parameters the same label instead (a*x1 + a*x2)."
    )


def test_no_operator_refused():
    with pytest.raises(ModelSyntaxError) as exc:
        parse("f =~ x1 + x2\nx3 x4")
    assert str(exc.value) == "line 2: 'x3 x4' has no operator; write 'f =~ x1 + x2', 'x1 ~~ x2' or 'y ~ x'."


@pytest.mark.parametrize("bad", [{}, "visual", ["x1", "x2"], None])
def test_from_dict_refusal(bad):
    with pytest.raises(ArgumentError) as exc:
        from_dict(bad)
    assert str(exc.value) == (
        "model must be lavaan syntax or a dict: factor name -> list of its items, e.g. {'visual': ['x1', 'x2', 'x3']}."
    )


def test_from_dict_text():
    assert (
        from_dict({"visual": ["x1", "x2", "x3"], "speed": ("x7", "x8")}) == "visual =~ x1 + x2 + x3\nspeed =~ x7 + x8"
    )


# ---- results: Heywood cases, identification, pairwise covariances ----------------------------------------------
def _one_factor(n_groups=1):
    table = build_table(parse("f =~ x1 + x2 + x3"), ["x1", "x2", "x3"], std_lv=True, n_groups=n_groups)
    return table, Parameterization(table)


def test_heywood_zero_variance_is_not_negative():
    """theta = (loadings, residual variances); a residual variance of exactly 0 is on the boundary, not a Heywood
    case; -0.01 is."""
    table, par = _one_factor()
    w: list = []
    _heywood(table, par.matrices(np.array([0.8, 0.7, 0.6, 0.0, 0.3, 0.4])), ["all"], w)
    assert w == []
    with pytest.warns(HeywoodWarning) as rec:
        _heywood(table, par.matrices(np.array([0.8, 0.7, 0.6, -0.01, 0.3, -0.2])), ["all"], w)
    msg = (
        "negative residual variance(s) of x1, x3 (a Heywood case): the model fits these items too well; "
        "check for a misspecified factor or too few cases."
    )
    assert [str(r.message) for r in rec] == [msg]


def test_heywood_in_group_names_the_group():
    table, par = _one_factor(n_groups=2)
    theta = np.array([0.8, 0.7, 0.6, 0.5, 0.3, 0.4, 0.8, 0.7, 0.6, 0.5, -0.3, 0.4])
    with pytest.warns(HeywoodWarning) as rec:
        _heywood(table, par.matrices(theta), ["boys", "girls"], [])
    assert [str(r.message) for r in rec] == [
        "negative residual variance(s) of x2 in group 'girls' (a Heywood case): the model fits these items too "
        "well; check for a misspecified factor or too few cases."
    ]


def test_check_rank_names_the_null_space():
    """Columns a, b, a + b of a 4 x 3 Jacobian: the null vector (1, 1, -1)/sqrt(3) touches all three; a 4th column
    independent of them (e4) stays out of the message."""
    a, b = np.array([1.0, 2.0, 0.0, 1.0, 0.0]), np.array([0.0, 1.0, 3.0, -1.0, 0.0])
    jac = np.column_stack([a, b, a + b, [0, 0, 0, 0, 1.0]])
    with pytest.raises(IdentificationError) as exc:
        check_rank(jac, ["p1", "p2", "p3", "p4"], hint="a hint")
    assert str(exc.value) == "the model is not identified: the parameters p1, p2, p3 cannot all be estimated (a hint)."


def test_check_rank_small_component_left_out():
    """Null vector (1, 0.1, -1.1)/norm: the second parameter's share 0.1/1.1 is below 0.3 of the largest."""
    a, b = np.array([1.0, 2.0, 0.0, 1.0]), np.array([0.0, 1.0, 3.0, -1.0])
    jac = np.column_stack([a, b, a + 0.1 * b])
    with pytest.raises(IdentificationError) as exc:
        check_rank(jac, ["p1", "p2", "p3"])
    assert str(exc.value) == (
        "the model is not identified: the parameters p1, p3 cannot all be estimated (fix a loading to 1 or a "
        "latent variance to 1, or add indicators)."
    )


def test_check_rank_full_rank_and_wide():
    check_rank(np.eye(3), ["a", "b", "c"])  # full column rank: nothing to say
    check_rank(np.ones((2, 3)), ["a", "b", "c"])  # more parameters than moments: left to the df check


def test_pairwise_cov_no_overlap_is_zero():
    """Pairwise-complete covariances: x1 and x2 are never observed together, their covariance is unknown and set
    to 0. (With missing values pandas ignores ddof=0 and divides by n - 1 of the pair; these are start values.)"""
    nan = np.nan
    x = np.array(
        [
            [1.0, nan, 2.0],
            [2.0, nan, 1.0],
            [4.0, nan, 0.0],
            [nan, 3.0, 5.0],
            [nan, 1.0, 2.0],
            [nan, 2.0, 2.0],
        ]
    )

    def cov(u, v):
        ok = ~np.isnan(u) & ~np.isnan(v)
        u, v = u[ok], v[ok]
        return float(np.sum((u - u.mean()) * (v - v.mean())) / (len(u) - 1))

    want = np.array([[0.0 if {i, j} == {0, 1} else cov(x[:, i], x[:, j]) for j in range(3)] for i in range(3)])
    got = _pairwise_cov(GroupData.incomplete(x))
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)
    assert got[0, 1] == 0.0 and got[1, 0] == 0.0


# ---- estimation.minimize at an infinite F ------------------------------------------------------------------------
def _count(disc):
    """A step search that never ends (halving forgotten) is stopped here rather than by the clock."""
    disc.calls += 1
    if disc.calls > 20000:
        raise RuntimeError("F evaluated more than 20000 times")


class _Wall:
    """F finite only where evaluate() is asked at the start; value() is infinite elsewhere (an implied covariance
    matrix not positive definite along every step), the gradient a finite stand-in."""

    calls = 0

    def evaluate(self, theta, order=2):
        return 1.0, np.array([1.0, -2.0]), np.eye(2)

    def value(self, theta):
        _count(self)
        return np.inf

    def gradient(self, theta):
        return np.array([1.0, -2.0])


def test_minimize_infinite_end_has_nan_gradient():
    with np.errstate(invalid="ignore"):  # scipy's line search subtracts inf from inf
        opt = minimize(_Wall(), np.array([0.5, 0.5]), max_iter=3)
    assert opt.converged is False
    assert opt.f == np.inf
    assert np.isnan(opt.gradient).all() and opt.gradient.shape == (2,)


class _Rosen:
    """Rosenbrock's function whose scoring matrix is -I: the scoring step goes uphill, so the scoring loop stops
    at once and scipy's BFGS takes over."""

    def evaluate(self, theta, order=2):
        return sopt.rosen(theta), sopt.rosen_der(theta), -np.eye(len(theta))

    calls = 0

    def value(self, theta):
        _count(self)
        return sopt.rosen(theta)

    def gradient(self, theta):
        return sopt.rosen_der(theta)


def test_minimize_bfgs_gets_ten_times_max_iter():
    """With max_iter = 2 the fallback BFGS may take 20 iterations (from (-1.2, 1) it needs more): the result is
    scipy's BFGS stopped after 20, and the count is the 1 scoring step plus those 20."""
    x0 = np.array([-1.2, 1.0])
    opt = minimize(_Rosen(), x0, max_iter=2)
    ref = sopt.minimize(sopt.rosen, x0, jac=sopt.rosen_der, method="BFGS", options={"gtol": 1e-9, "maxiter": 20})
    assert ref.nit == 20 and not ref.success
    np.testing.assert_allclose(opt.theta, ref.x, rtol=1e-12)
    assert opt.iterations == 1 + 20
    assert opt.converged is False


def test_minimize_infinite_start():
    class Bad(_Wall):
        def evaluate(self, theta, order=2):
            return np.inf, None, None

    opt = minimize(Bad(), np.array([0.1, 0.2, 0.3]))
    assert (opt.converged, opt.iterations, opt.f) == (False, 0, np.inf)
    assert opt.message == "the starting values give a model-implied covariance matrix that is not positive definite"
    assert np.isnan(opt.gradient).all() and len(opt.gradient) == 3
    np.testing.assert_array_equal(opt.theta, [0.1, 0.2, 0.3])


# ---- fitting._group_data ------------------------------------------------------------------------------------------
def test_group_data_all_constant_is_singular():
    """Every column constant: the covariance matrix is 0, its smallest eigenvalue 0 = 1e-12 * trace (the
    boundary of the check), and singular."""
    frame = pd.DataFrame({"x1": [2.0] * 6, "x2": [3.0] * 6, "x3": [-1.0] * 6})
    with pytest.raises(DataError) as exc:
        _group_data(frame, ["x1", "x2", "x3"], None, "listwise", [])
    assert str(exc.value) == (
        "the covariance matrix of the observed variables is singular "
        "(a variable is constant or a linear combination of others)."
    )


def test_group_data_collinear_in_group_is_singular():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(12, 2))
    frame = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 0] - 2 * x[:, 1], "g": ["a", "b"] * 6})
    frame.loc[frame["g"] == "a", "x3"] = rng.normal(size=6)
    with pytest.warns(SmallSampleWarning), pytest.raises(DataError) as exc:
        _group_data(frame, ["x1", "x2", "x3"], "g", "listwise", [])
    assert str(exc.value) == (
        "the covariance matrix of the observed variables in group 'b' is singular "
        "(a variable is constant or a linear combination of others)."
    )


def test_group_data_too_few_complete_rows():
    frame = pd.DataFrame({"x1": [1.0, 2.0, np.nan, 4.0], "x2": [1.0, 0.0, 2.0, 5.0], "x3": [3.0, 1.0, 2.0, 2.0]})
    with pytest.raises(DataError) as exc:
        _group_data(frame, ["x1", "x2", "x3"], None, "listwise", [])
    assert str(exc.value) == (
        "3 complete row(s) are too few for 3 observed variables (the covariance matrix is singular); "
        "at least p + 1 are needed."
    )


def test_unidentified_scale_names_its_parameters():
    """f =~ NA*x1 + ... with f's variance free: Sigma_f = lambda lambda' psi + Theta is unchanged along
    (lambda, psi) -> (c lambda, psi / c^2), whose tangent is (lambda_1..4, 0 (residuals), -2 psi). With
    indicators of variance 9 the loadings (about 2.6 at the starts) and 2 psi (about 2) are all above 0.3 of the
    largest; the residual variances and g's parameters (identified, f ~~ 0*g) are out of the null space."""
    from cmanalytics.psychometrics.sem.fitting import sem_fit

    rng = np.random.default_rng(11)
    n = 300
    f, g = rng.normal(size=n), rng.normal(size=n)
    cols = {f"x{k}": 3 * (0.8 * f + 0.6 * rng.normal(size=n)) for k in range(1, 5)}
    cols.update({f"x{k}": 0.7 * g + 0.7 * rng.normal(size=n) for k in range(5, 8)})
    with pytest.raises(IdentificationError) as exc:
        sem_fit(pd.DataFrame(cols), "f =~ NA*x1 + x2 + x3 + x4\ng =~ x5 + x6 + x7\nf ~~ 0*g")
    assert str(exc.value) == (
        "the model is not identified: the parameters f =~ x1, f =~ x2, f =~ x3, f =~ x4, f ~~ f cannot all be "
        "estimated (fix a loading to 1 or a latent variance to 1, or add indicators)."
    )


def _two_factor_theta(table, cov_fg, group_cov=None):
    """Loadings 0.8, residual variances 0.4, the factor covariance cov_fg (per group if group_cov is given)."""
    theta = np.zeros(table.n_free)
    for r in table.rows:
        if not r.free:
            continue
        if r.op == "=~":
            theta[r.index] = 0.8
        elif r.op == "~~" and r.lhs == r.rhs:
            theta[r.index] = 0.4
        elif r.op == "~~":
            theta[r.index] = cov_fg if group_cov is None else group_cov[r.group]
    return theta


def test_heywood_latent_correlation_beyond_one():
    """Factor variances 1 (std.lv) and covariance 1.2: the 2 x 2 matrix [[1, 1.2], [1.2, 1]] has eigenvalue
    1 - 1.2 < 0; at 0.99 it is positive definite and nothing is said."""
    table = build_table(parse("f =~ x1 + x2\ng =~ x3 + x4"), ["x1", "x2", "x3", "x4"], std_lv=True)
    par = Parameterization(table)
    w: list = []
    _heywood(table, par.matrices(_two_factor_theta(table, 0.99)), ["all"], w)
    assert w == []
    with pytest.warns(HeywoodWarning) as rec:
        _heywood(table, par.matrices(_two_factor_theta(table, 1.2)), ["all"], w)
    msg = (
        "the latent covariance matrix is not positive definite (a Heywood case: a negative variance or a "
        "correlation beyond 1 among the factors)."
    )
    assert [str(r.message) for r in rec] == [msg]
    assert w == [msg]


def test_heywood_latent_block_leaves_out_phantoms():
    """f =~ x1..x3 with f ~ x4: eta = (f, x4-phantom); only f's 1 x 1 block is checked. Residual variances 0.4,
    loadings 0.8, the regression 0.5, f's residual variance 0.3, x4's variance 1: nothing to say."""
    table = build_table(parse("f =~ x1 + x2 + x3\nf ~ x4"), ["x1", "x2", "x3", "x4"])
    par = Parameterization(table)
    theta = np.zeros(table.n_free)
    for r in table.rows:
        if r.free:
            theta[r.index] = {"=~": 0.8, "~": 0.5}.get(r.op, 0.4 if r.lhs.startswith("x") and r.lhs != "x4" else 0.3)
            if r.lhs == "x4":
                theta[r.index] = 1.0
    (mt,) = par.matrices(theta)
    assert mt.eta_cov().shape == (2, 2)
    w: list = []
    _heywood(table, [mt], ["all"], w)
    assert w == []


def test_heywood_latent_in_second_group():
    table = build_table(parse("f =~ x1 + x2\ng =~ x3 + x4"), ["x1", "x2", "x3", "x4"], std_lv=True, n_groups=2)
    par = Parameterization(table)
    with pytest.warns(HeywoodWarning) as rec:
        _heywood(table, par.matrices(_two_factor_theta(table, None, {0: 0.5, 1: -1.05})), ["A", "B"], [])
    assert [str(r.message) for r in rec] == [
        "the latent covariance matrix in group 'B' is not positive definite (a Heywood case: a negative variance "
        "or a correlation beyond 1 among the factors)."
    ]


def _small_frame():
    """10 cases: 6 complete (rows 0, 1, 3, 4, 7, 8), row 6 all missing; group b: rows 0, 2, 5, 7, a: the rest."""
    nan = np.nan
    return pd.DataFrame(
        {
            "x1": [1.0, 2.0, nan, 4.0, 0.0, 3.0, nan, 2.5, 1.0, nan],
            "x2": [2.0, 0.0, 1.0, 5.0, 1.5, nan, nan, 3.0, 2.0, 1.0],
            "x3": [3.0, 1.0, 2.0, 2.0, 4.0, 0.5, nan, 1.0, 2.0, 0.5],
            "g": ["b", "a", "b", "a", "a", "b", "a", "b", "a", "a"],
        }
    )


def test_group_data_refusals():
    frame = _small_frame()
    ov = ["x1", "x2", "x3"]
    cases = [
        ((frame.to_numpy(), ov, None), "the data must be a DataFrame whose columns the model names."),
        ((frame.assign(x2=list("abcdefghij")), ov, None), "column(s) x2 are not numeric; a CFA needs numeric scores."),
        ((frame, ov, "grp"), "group='grp' is not a column of the data."),
        (
            (frame.assign(g=["a", None] + ["b", "a"] * 4), ov, "g"),
            "the group column 'g' has 1 missing value(s); drop those rows or give them a group.",
        ),
        ((frame.assign(g="a"), ov, "g"), "the group column 'g' holds a single group; drop group= for one group."),
    ]
    for (data, cols, group), msg in cases:
        with pytest.raises(DataError) as exc:
            _group_data(data, cols, group, "listwise", [])
        assert str(exc.value) == msg


def test_group_data_listwise_moments_and_order():
    """Listwise: the 6 complete rows, covariance with divisor N; groups in order of first appearance; the small
    sample noted once per group in the list."""
    frame = _small_frame()
    w: list = []
    with pytest.warns(SmallSampleWarning):
        (gd,), labels = _group_data(frame, ["x1", "x2", "x3"], None, "listwise", w)
    x = frame[["x1", "x2", "x3"]].dropna().to_numpy()
    assert labels == ["all"] and gd.n == 6 == len(x)
    m = x.sum(axis=0) / 6
    np.testing.assert_allclose(gd.mean, m, rtol=1e-14)
    np.testing.assert_allclose(gd.cov, (x - m).T @ (x - m) / 6, rtol=1e-13)
    assert w == ["only 6 cases: estimates and fit indices of a CFA are unstable below about 100 to 200 cases."]


def test_group_data_fiml_keeps_incomplete_rows():
    """FIML keeps every row with something observed (9 of 10), in groups ordered as they first appear (b, a)."""
    frame = _small_frame()
    w: list = []
    with pytest.warns(SmallSampleWarning):
        groups, labels = _group_data(frame, ["x1", "x2", "x3"], "g", "fiml", w)
    assert labels == ["b", "a"]
    assert [g.n for g in groups] == [4, 5]
    assert w == [
        "only 4 cases in group 'b': estimates and fit indices of a CFA are unstable below about 100 to 200 cases.",
        "only 5 cases in group 'a': estimates and fit indices of a CFA are unstable below about 100 to 200 cases.",
    ]
    with pytest.raises(DataError) as exc:
        _group_data(frame.iloc[5:9], ["x1", "x2", "x3"], None, "fiml", [])  # row 6 is dropped
    assert str(exc.value) == "3 row(s) are too few for 3 observed variables."


@pytest.mark.parametrize(
    "text, msg",
    [
        ("f =~ x1 + x2\n =~ x3", "line 2: nothing left of '=~' in '=~ x3'."),
        ("g =~ x4 + x5 + x6\nf =~", "line 2: nothing right of '=~' in 'f =~'."),
        ("f + 2g =~ x1 + x2", "line 1: '2g' left of '=~' is not a variable name."),
        (
            "visual =~ x1 + + x2",
            "line 1: an empty term (two '+' in a row, or a trailing '+') in 'visual =~ x1 + + x2'.",
        ),
        ("# nothing but a comment\n! and another", "the model text holds no statement."),
        ("f =~ x1 + *x2", "line 1: term ' *x2' has an empty factor around '*'."),
        ("f =~ x1 + 3x2", "line 1: '3x2' in ' 3x2' is not a variable name."),
        ("f =~ x1 + 2a*x2", "line 1: modifier '2a' is neither a number, NA nor a label."),
        ("f =~ x1 + c(a,)*x2", "line 1: empty entry in 'c(a,)'."),
        ("f =~ x1 + start(1)*x2", "line 1: modifier 'start(1)' is not supported; use a number, NA or a label."),
        (
            "f =~ x1 + x2\n\nf =~ x3 + upper(2)*x4",
            "line 3: modifier 'upper(2)' is not supported; use a number, NA or a label.",
        ),
    ],
)
def test_parse_refusals_exact(text, msg):
    with pytest.raises(ModelSyntaxError) as exc:
        parse(text)
    assert str(exc.value) == msg


def test_parse_refuses_non_text():
    with pytest.raises(ArgumentError) as exc:
        parse(["f =~ x1"])
    assert str(exc.value) == "the model must be lavaan syntax (a string) or a dict: factor -> list of items."


def test_parse_lines_comments_continuations_and_numbers():
    """'#' and '!' comments, ';' on one line, continuation after a trailing operator, '+' or '*' and before a
    leading '+'; numbers in every form lavaan reads; '~ 1' and '~ 0*1' intercepts."""
    text = (
        "f =~ x1 + -0.5*x2 ! loadings\n"
        "   + .5*x3 +\n"
        "   1e-1*x4; x1 ~~ 2E0*x1  # two statements\n"
        "f ~~\n"
        "  NA*f\n"
        "y ~ a.b_1*\n"
        "  x1\n"
        "y ~ 1; x2 ~ 0*1\n"
    )
    got = [(s.lhs, s.op, s.rhs, s.modifiers, s.line) for s in parse(text)]
    assert got == [
        ("f", "=~", "x1", (), 1),
        ("f", "=~", "x2", (Modifier(fixed=-0.5),), 1),
        ("f", "=~", "x3", (Modifier(fixed=0.5),), 1),
        ("f", "=~", "x4", (Modifier(fixed=0.1),), 1),
        ("x1", "~~", "x1", (Modifier(fixed=2.0),), 3),
        ("f", "~~", "f", (Modifier(free=True),), 4),
        ("y", "~", "x1", (Modifier(label="a.b_1"),), 6),
        ("y", "~", "1", (), 8),
        ("x2", "~", "1", (Modifier(fixed=0.0),), 8),
    ]


def test_parse_two_lhs_share_the_right_side():
    got = [(s.lhs, s.op, s.rhs) for s in parse("y1 + y2 ~ x1 + x2")]
    assert got == [("y1", "~", "x1"), ("y1", "~", "x2"), ("y2", "~", "x1"), ("y2", "~", "x2")]


def test_check_rank_square_and_tolerance():
    """Square and rank 2: refused. The tolerance is s_max * max(rows, cols) * 1e-10 = 4e-10 for a 4 x 3 Jacobian
    with s_max = 1: a last singular value 3.5e-10 is zero (the null vector is e3: only p3 named), 4.5e-10 is not."""
    a, b = np.array([1.0, 2.0, 0.0]), np.array([0.0, 1.0, 3.0])
    with pytest.raises(IdentificationError) as exc:
        check_rank(np.column_stack([a, b, a - b]), ["p1", "p2", "p3"], hint="h")
    assert str(exc.value) == "the model is not identified: the parameters p1, p2, p3 cannot all be estimated (h)."

    def jac(s3):
        return np.array([[1.0, 0, 0], [0, 0.5, 0], [0, 0, s3], [0, 0, 0]])

    with pytest.raises(IdentificationError) as exc:
        check_rank(jac(3.5e-10), ["p1", "p2", "p3"], hint="h")
    assert str(exc.value) == "the model is not identified: the parameters p3 cannot all be estimated (h)."
    check_rank(jac(4.5e-10), ["p1", "p2", "p3"], hint="h")


def test_check_rank_all_zero_jacobian():
    """Nothing moves the moments (tolerance 0, every singular value 0): not identified."""
    with pytest.raises(IdentificationError, match="^the model is not identified: the parameters "):
        check_rank(np.zeros((3, 2)), ["a", "b"])


def test_partial_with_the_operator_twice_is_unknown():
    """The spec is cut at the first operator only: 'visual =~ x1 =~ x2' asks for the loading of 'x1=~x2'."""
    with pytest.raises(ArgumentError) as exc:
        build_table(
            parse("visual =~ x1 + x2 + x3"),
            HS_COLUMNS,
            n_groups=2,
            group_equal=["loadings"],
            group_partial=["visual =~ x1 =~ x2"],
        )
    assert str(exc.value) == "group_partial names parameter(s) the model does not have: visual =~ x1=~x2."


def test_partial_regression_frees_it():
    """group.partial 'textual ~ visual' (a regression, not an intercept): that path differs between the groups,
    speed ~ visual stays equal."""
    table = build_table(
        parse(CASES["latent_outcomes"]["model"]),
        HS_COLUMNS,
        n_groups=2,
        meanstructure=True,
        group_equal=["regressions"],
        group_partial=["textual ~ visual"],
    )
    idx = {(r.lhs, r.rhs, r.group): r.index for r in table.rows if r.op == "~"}
    assert idx["textual", "visual", 0] != idx["textual", "visual", 1]
    assert idx["speed", "visual", 0] == idx["speed", "visual", 1]


def test_fixed_x_off_by_default():
    """build_table's default is lavaan's fixed.x = FALSE: the predictors' moments are free parameters (the
    'observed_outcomes' table: x1 ~~ x1, x1 ~~ x2, x2 ~~ x2 free, no fixed.x row)."""
    table = build_table(parse(CASES["observed_outcomes"]["model"]), HS_COLUMNS)
    assert not any(r.exo_x for r in table.rows)
    want = {(r["lhs"], r["rhs"]) for r in CASES["observed_outcomes"]["rows"] if r["op"] == "~~" and r["free"] > 0}
    assert {("x1", "x1"), ("x1", "x2"), ("x2", "x2")} <= want
    assert {(r.lhs, r.rhs) for r in table.rows if r.op == "~~" and r.free} == want
    assert table.n_free == CASES["observed_outcomes"]["npar"]


@pytest.mark.parametrize(
    "model, msg",
    [
        ("f =~ x1 + x2 + x3\nx1 ~~ x2\nx2 ~~ x1", "the parameter 'x2 ~~ x1' is given twice."),
        ("f =~ x1 + x2 + x3 + x2", "the parameter 'f =~ x2' is given twice."),
    ],
)
def test_parameter_given_twice(model, msg):
    with pytest.raises(ArgumentError) as exc:
        build_table(parse(model), HS_COLUMNS)
    assert str(exc.value) == msg


def test_equated_parameter_fixed_in_some_groups_is_refused():
    """c(NA, 1)*x3 with group_equal loadings: lavaan holds x3's loading at 1 in both groups (group 1's, equated
    with a fixed one, is fixed too; see make_semmodel3_partable.R, whose mg_cvec case leaves loadings out of
    group.equal for that reason); the table would equate only the free ones, so it is refused, word for word.
    Fixed in every group, or named in group_partial, it is accepted."""
    model = "visual =~ x1 + x2 + c(NA, 1)*x3"
    with pytest.raises(ArgumentError) as exc:
        build_table(parse(model), HS_COLUMNS, n_groups=2, group_equal=["loadings"])
    assert str(exc.value) == (
        "visual =~ x3 is fixed in group(s) 2 and free in group(s) 1, and group_equal equates it across groups "
        "(lavaan would then hold it at the fixed value in every group). Fix it in every group, or name it in "
        "group_partial."
    )
    table = build_table(parse(model), HS_COLUMNS, n_groups=2, group_equal=["loadings"], group_partial=["visual =~ x3"])
    x3 = [r for r in table.rows if (r.lhs, r.op, r.rhs) == ("visual", "=~", "x3")]
    assert [(r.group, r.free, r.value, r.label) for r in x3] == [(0, True, x3[0].value, ""), (1, False, 1.0, "")]
    fixed = build_table(parse("visual =~ x1 + x2 + c(1, 1)*x3"), HS_COLUMNS, n_groups=2, group_equal=["loadings"])
    assert [r.free for r in fixed.rows if (r.lhs, r.op, r.rhs) == ("visual", "=~", "x3")] == [False, False]
