"""lavaan model syntax: statements, modifiers, continuation, errors naming the line and the token; the
parameter table that lavaan's cfa() builds from it."""

from __future__ import annotations

import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.sem import ModelSyntaxError, parse, sem_fit
from cmanalytics.psychometrics.sem.model import build_table
from tests.psychometrics.sem.conftest import HS3, SEM_REF, reference_json

COLUMNS = [f"x{i}" for i in range(1, 10)]


def triples(text):
    return [(s.lhs, s.op, s.rhs) for s in parse(text)]


def test_operators_comments_and_continuation():
    text = """# a measurement model
    visual  =~ x1 + x2 +
               x3            ! lavaan also takes '!' comments
    textual =~ x4
             + x5 + x6; x1 ~~ x4
    y1 + y2 ~ x1
    x1 ~ 1"""
    assert triples(text) == [
        ("visual", "=~", "x1"),
        ("visual", "=~", "x2"),
        ("visual", "=~", "x3"),
        ("textual", "=~", "x4"),
        ("textual", "=~", "x5"),
        ("textual", "=~", "x6"),
        ("x1", "~~", "x4"),
        ("y1", "~", "x1"),
        ("y2", "~", "x1"),
        ("x1", "~", "1"),
    ]
    assert [s.line for s in parse(text)][:4] == [2, 2, 2, 4]


def test_modifiers():
    s = parse("f =~ NA*x1 + 1*x2 + a*x3 + 0.5*x4 + c(b1, b2)*x5 + lab*2*x6")
    assert s[0].modifiers[0].free and s[0].modifiers[0].fixed is None
    assert s[1].modifiers[0].fixed == 1.0
    assert s[2].modifiers[0].label == "a"
    assert s[3].modifiers[0].fixed == 0.5
    assert [m.label for m in s[4].modifiers] == ["b1", "b2"]
    assert s[5].modifiers[0].label == "lab" and s[5].modifiers[0].fixed == 2.0


@pytest.mark.parametrize(
    "text, where",
    [
        ("visual =~ x1 + x2\ntextual => x4 + x5", "line 2"),
        ("visual =~ x1 + + x2", "empty term"),
        ("visual =~ x1 + x2\n\n  =~ x3", "line 3"),
        ("f =~ x1 + 3x2", "'3x2'"),
        ("f =~ x1 + start(1)*x2", "start(1)"),
        ("f =~ x1 + x2\na == b", "constraints"),
        ("f =~ x1 + x2 ~~ 1", "line 1"),
    ],
)
def test_errors_name_line_and_token(text, where):
    with pytest.raises(ModelSyntaxError, match=where.replace("(", r"\(").replace(")", r"\)")):
        parse(text)
    assert issubclass(ModelSyntaxError, cma.errors.ArgumentError)


def test_table_as_lavaan_builds_it():
    # lavaan's parTable for cfa(HS3): 9 loadings (3 fixed to 1), 9 residual variances, 3 factor variances,
    # 3 factor covariances; 21 free parameters. The rows are those of the stored parameterEstimates().
    table = build_table(parse(HS3), COLUMNS)
    ref = reference_json("hs_cfa")["estimates"]
    ours = {(r.lhs, r.op, r.rhs): r for r in table.rows}
    assert set(ours) == set(zip(ref["lhs"], ref["op"], ref["rhs"]))
    for lhs, op, rhs, se in zip(ref["lhs"], ref["op"], ref["rhs"], ref["se"]):
        assert ours[lhs, op, rhs].free == (se > 0)
    assert table.n_free == 21
    std = build_table(parse(HS3), COLUMNS, std_lv=True)
    assert all(r.free for r in std.rows if r.op == "=~")
    assert all(
        not r.free and r.value == 1
        for r in std.rows
        if r.op == "~~" and r.lhs == r.rhs and r.lhs in ("visual", "textual", "speed")
    )


def test_labels_make_parameters_equal_and_na_frees_the_marker():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    fit = sem_fit(data, "visual =~ NA*x1 + a*x2 + a*x3\nvisual ~~ 1*visual")
    est = fit.estimates.set_index(["lhs", "op", "rhs"])["est"]
    assert est["visual", "=~", "x2"] == est["visual", "=~", "x3"]
    assert fit.estimates.loc[fit.estimates["rhs"] == "x1", "free"].all()
    assert fit.df == 1  # 6 moments; free: the loading of x1, a (x2 = x3), three residual variances


def test_group_modifiers_need_as_many_groups():
    data = pd.read_csv(SEM_REF / "hs_school.csv")
    with pytest.raises(cma.errors.ArgumentError, match="c\\(\\) gives 3 modifiers"):
        sem_fit(data, "visual =~ x1 + c(a, b, c)*x2 + x3", group="school")
