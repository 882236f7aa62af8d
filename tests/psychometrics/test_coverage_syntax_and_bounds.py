"""lavaan model syntax that cannot be read (each error names the line and the token), and the bounds of the
EFA-report audit at the edges, each value worked out by hand in the test."""

from __future__ import annotations

import math

import pytest

from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.consistency import audit_efa_report, lambda1_floor, max_log_det
from cmanalytics.psychometrics.sem.syntax import ModelSyntaxError, from_dict, parse


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("f x1 x2", r"line 1: 'f x1 x2' has no operator"),
        ("f =~ 2a*x1", r"line 1: modifier '2a' is neither a number, NA nor a label"),
        ("f =~ c(1,)*x1", r"line 1: empty entry in 'c\(1,\)'"),
        ("f =~ x1 + *x2", r"line 1: term ' \*x2' has an empty factor around '\*'"),
        ("f =~ c(a,b)*c(1,2,3)*x1", r"line 1: the c\(\) modifiers in 'c\(a,b\)\*c\(1,2,3\)\*x1' differ in length"),
        ("f =~ x1\n =~ x2", r"line 2: nothing left of '=~'"),
        ("1f =~ x1", r"line 1: '1f' left of '=~' is not a variable name"),
        ("f =~ x1 + + x2", r"line 1: an empty term \(two '\+' in a row, or a trailing '\+'\)"),
        ("f =~ 1", r"line 1: '1' in '1' is not a variable name"),  # an intercept only after '~'
        ("f ~ 2*1 + x1", None),
        ("# only a comment\n", r"the model text holds no statement"),
    ],
)
def test_unreadable_syntax_names_line_and_token(text, message):
    if message is None:  # the readable neighbour of a refused line: an intercept fixed at 2, and a slope
        assert [(s.lhs, s.op, s.rhs, s.modifiers[0].fixed if s.modifiers else None) for s in parse(text)] == [
            ("f", "~", "1", 2.0),
            ("f", "~", "x1", None),
        ]
        return
    with pytest.raises(ModelSyntaxError, match=message):
        parse(text)


def test_the_dict_form_is_lavaan_syntax():
    assert from_dict({"visual": ["x1", "x2", "x3"], "speed": ["x7", "x8"]}) == (
        "visual =~ x1 + x2 + x3\nspeed =~ x7 + x8"
    )
    with pytest.raises(ArgumentError, match="model must be lavaan syntax or a dict"):
        from_dict({})
    with pytest.raises(ArgumentError, match="the model must be lavaan syntax"):
        parse(["f =~ x1"])


def test_first_eigenvalue_floor_from_alpha():
    # alpha <= p/(p-1) (1 - 1/l1)  <=>  l1 >= 1 / (1 - alpha (p-1)/p)
    assert lambda1_floor(0.0, 5) == 1.0  # no alpha constraint
    assert lambda1_floor(0.8, 5) == pytest.approx(1 / (1 - 0.8 * 4 / 5), rel=1e-15)  # 2.777...
    assert lambda1_floor(2.0, 2) == math.inf  # alpha (p-1)/p = 1: no finite eigenvalue


def test_largest_log_determinant_by_hand():
    # no variance constraint: l1 = 1.5, the other two eigenvalues share 1.5 -> 0.75 each
    assert max_log_det(3, 1, 1.5, None) == pytest.approx(math.log(1.5) + 2 * math.log(0.75), rel=1e-15)
    assert max_log_det(3, 1, 3.0, None) == -math.inf  # l1 = p: every correlation is 1
    assert max_log_det(3, 2, 1.0, 3.5) == -math.inf  # the top two exceed the trace p = 3
    assert max_log_det(3, 1, 1.5, 1.2) == -math.inf  # the first eigenvalue below its floor
    # k = 2 of p = 4 with S = 3: l1 = max(1.8, 1.5) = 1.8, l2 = 1.2, the last two (4 - 3)/2 = 0.5 each
    assert max_log_det(4, 2, 1.8, 3.0) == pytest.approx(math.log(1.8) + math.log(1.2) + 2 * math.log(0.5), rel=1e-15)
    # l1 = 2.9 leaves l2 = 0.1 below the trailing 0.5: the eigenvalues would not be ordered
    assert max_log_det(4, 2, 2.9, 3.0) == -math.inf


def test_audit_refuses_counts_that_are_not_counts():
    with pytest.raises(ArgumentError, match=r"n_obs must be a whole number of at least 1; got 112.5"):
        audit_efa_report(n_obs=112.5, n_items=14, n_factors=3)
    with pytest.raises(ArgumentError, match=r"n_factors \(15\) cannot exceed n_items \(14\)"):
        audit_efa_report(n_obs=112, n_items=14, n_factors=15)


def test_audit_flags_impossible_ranges():
    res = audit_efa_report(n_obs=100, n_items=6, n_factors=2, kmo=1.2, alpha=1.1, variance_pct=120)
    assert not res.consistent
    text = " ".join(res.findings)
    assert "KMO must lie between 0 and 1; 1.2" in text
    assert "alpha cannot exceed 1; 1.1" in text
    assert "must lie in (0, 100]; 120" in text
