"""The bad-input battery of issue 12 over the workforce indicators: missing columns, text flags read
strictly ("False" and "否" are False, "maybe" is an error naming the row), numbers as text, duplicated or
missing ids, bad thresholds; each asserting the error class and what the message names, or exactly the
result of the plain input; the caller's frames are never modified."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError
from tests.workforce.test_indicators import extract

W = cma.workforce
STAFF = extract()
SURVEY = pd.DataFrame(
    {
        "staff_id": ["s0", "s1", "s2", "s10", "s11", "s12", "s13", "s14"],
        "pay": [4, 3, 5, 2, 4, 4, 3, 5.0],
        "team": [3, 3, 3, 4, 4, 4, 4, 4.0],
        "wellbeing_index": [70, 50, 60, 40, 60, 80, 50, 70.0],
        "turnover_intention": [False, True, False, True, False, False, False, True],
    }
)
EXAM = pd.DataFrame(
    {
        "branch_id": ["X"] * 6 + ["Y"] * 7,
        "passed": [True, False, True, True, False, True, True, True, False, True, True, False, True],
    }
)
REVIEWED = pd.DataFrame(
    {
        "rating": ["excellent", "good", "good", "pass", "fail", "good", "good", "pass"] * 2,
        "eliminated": [False, False, False, False, True, False, False, False] * 2,
    }
)
CLIENTS = pd.DataFrame(
    {
        "client_id": ["c1", "c2", "c3", "c4", "c5"],
        "manager_id": ["s0", "s0", "s10", "s12", "s12"],
        "loan_balance": [1e6, 2e6, 1e6, 5e6, 0.0],
        "non_performing": [True, False, False, True, False],
    }
)

# name: (call with (staff, survey, exam, reviewed, clients) and keyword arguments, the columns it needs)
INDICATORS = {
    "headcount": (lambda s, v, e, r, c, **k: W.headcount(s, **k), ["branch_id", "role"]),
    "age_structure": (lambda s, v, e, r, c, **k: W.age_structure(s, **k), ["role", "age"]),
    "mean_age": (lambda s, v, e, r, c, **k: W.mean_age(s, **k), ["age"]),
    "education": (lambda s, v, e, r, c, **k: W.education(s, **k), ["role", "education"]),
    "titles": (lambda s, v, e, r, c, **k: W.titles(s, **k), ["role", "title"]),
    "certificates": (lambda s, v, e, r, c, **k: W.certificate_coverage(s, **k), ["role", "certificates"]),
    "tenure": (lambda s, v, e, r, c, **k: W.tenure(s, **k), ["role", "tenure_years"]),
    "caseload": (lambda s, v, e, r, c, **k: W.caseload(s, **k), ["role", "caseload"]),
    "grade_pyramid": (lambda s, v, e, r, c, **k: W.grade_pyramid(s, **k), ["role", "grade"]),
    "turnover": (lambda s, v, e, r, c, **k: W.turnover(s, **k), ["role", "left_in_year", "branch_id"]),
    "wellbeing": (lambda s, v, e, r, c, **k: W.wellbeing(s, v, **k), ["role", "weekly_hours", "branch_id"]),
    "pass_rates": (lambda s, v, e, r, c, **k: W.pass_rates(e, **k), []),
    "appraisal": (lambda s, v, e, r, c, **k: W.appraisal_distribution(r, **k), []),
    "contract": (
        lambda s, v, e, r, c, **k: W.contract_scores(v, s, dimensions=["pay", "team"], **k),
        ["staff_id", "branch_id"],
    ),
    "npl": (lambda s, v, e, r, c, **k: W.npl_ratio_by_grade(c, s, **k), ["staff_id", "grade"]),
}


def _call(name, staff=None, survey=None, exam=None, reviewed=None, clients=None, **kwargs):
    fn, _ = INDICATORS[name]
    return fn(
        STAFF if staff is None else staff,
        SURVEY if survey is None else survey,
        EXAM if exam is None else exam,
        REVIEWED if reviewed is None else reviewed,
        CLIENTS if clients is None else clients,
        **kwargs,
    )


@pytest.mark.parametrize("bad", [0, -1, 2.5, "5", True, [5], 4.0])
@pytest.mark.parametrize("name", list(INDICATORS))
def test_a_bad_threshold_is_named(name, bad):
    with pytest.raises(ArgumentError, match="min_cell must be a whole number of people, 1 or more"):
        _call(name, min_cell=bad)


@pytest.mark.parametrize("name", list(INDICATORS))
def test_allow_small_is_a_boolean_and_small_thresholds_need_it(name):
    with pytest.raises(ArgumentError, match="allow_small must be True or False"):
        _call(name, min_cell=5, allow_small="no")
    with pytest.raises(ArgumentError, match="min_cell = 2 is below 3"):
        _call(name, min_cell=2)


@pytest.mark.parametrize("name,column", [(n, c) for n, (_, cols) in INDICATORS.items() for c in cols])
def test_a_missing_column_is_named(name, column):
    staff = STAFF.drop(columns=column)
    before = staff.copy()
    with pytest.raises(DataError, match=f"lacks the column\\(s\\) .*'{column}'"):
        _call(name, staff=staff)
    pd.testing.assert_frame_equal(staff, before)


@pytest.mark.parametrize("name", list(INDICATORS))
def test_inputs_are_never_modified_and_a_duplicated_index_changes_nothing(name):
    frames = {"staff": STAFF, "survey": SURVEY, "exam": EXAM, "reviewed": REVIEWED, "clients": CLIENTS}
    odd = {k: v.set_axis([0] * len(v)) for k, v in frames.items()}
    before = copy.deepcopy(odd)
    got = _call(name, min_cell=3, **odd)
    want = _call(name, min_cell=3, **{k: v.copy() for k, v in frames.items()})
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
    for k in frames:
        pd.testing.assert_frame_equal(odd[k], before[k], check_exact=True)


TRUE_TEXT = ["True", "true", "TRUE", "yes", "Yes", "y", "1", "是", " True "]
FALSE_TEXT = ["False", "false", "FALSE", "no", "No", "n", "0", "否", " 否"]


@pytest.mark.parametrize("true,false", list(zip(TRUE_TEXT, FALSE_TEXT)))
def test_text_flags_are_read_strictly(true, false):
    plain = W.turnover(STAFF, min_cell=1, allow_small=True)
    text = STAFF.assign(left_in_year=STAFF["left_in_year"].map({True: true, False: false}).astype(object))
    before = text.copy()
    pd.testing.assert_frame_equal(W.turnover(text, min_cell=1, allow_small=True), plain)
    pd.testing.assert_frame_equal(text, before)
    ones = STAFF.assign(left_in_year=STAFF["left_in_year"].astype(int))
    pd.testing.assert_frame_equal(W.turnover(ones, min_cell=1, allow_small=True), plain)
    exam = EXAM.assign(passed=EXAM["passed"].map({True: true, False: false}))
    pd.testing.assert_frame_equal(
        W.pass_rates(exam, min_cell=1, allow_small=True), W.pass_rates(EXAM, min_cell=1, allow_small=True)
    )
    clients = CLIENTS.assign(non_performing=CLIENTS["non_performing"].map({True: true, False: false}))
    pd.testing.assert_frame_equal(
        W.npl_ratio_by_grade(clients, STAFF, min_cell=1, allow_small=True),
        W.npl_ratio_by_grade(CLIENTS, STAFF, min_cell=1, allow_small=True),
    )


def test_first_time_text_false_is_false_not_true():
    """The issue's example: "False" and "否" read as True by astype(bool) would count every manager as a leaver."""
    text = STAFF.assign(left_in_year=["否"] * len(STAFF))
    out = W.turnover(text, min_cell=1, allow_small=True)
    assert (out["leavers"] == 0).all()


BAD_FLAGS = [("maybe", "'maybe'"), ("2", "'2'"), ("Falsch", "'Falsch'"), ("", "''"), ("1.5", "'1.5'")]


def spoiled(frame: pd.DataFrame, column: str, row: int, value) -> pd.DataFrame:
    """A copy of frame with one cell of column replaced by value (the column read as text, as from a CSV)."""
    return frame.assign(**{column: frame[column].astype(object).where(frame.index != row, value)})


# where -> (the indicator on the spoiled frame, the frame, the yes/no column, the row spoiled); for turnover
# row 1 (a customer manager): only managers' rows are read, and row 4 is not one
FLAG_CASES = {
    "turnover": (W.turnover, STAFF, "left_in_year", 1),
    "headcount": (W.headcount, STAFF, "formal", 4),
    "pass_rates": (W.pass_rates, EXAM, "passed", 4),
    "npl": (lambda clients: W.npl_ratio_by_grade(clients, STAFF), CLIENTS, "non_performing", 4),
    "appraisal": (W.appraisal_distribution, REVIEWED, "eliminated", 4),
}


@pytest.mark.parametrize("value,named", BAD_FLAGS)
@pytest.mark.parametrize("where", list(FLAG_CASES))
def test_a_bad_flag_names_the_rows_and_values(where, value, named):
    indicator, frame, column, row = FLAG_CASES[where]
    with pytest.raises(DataError, match=f"column '{column}' must hold True/False.*row\\(s\\) {row} hold {named}"):
        indicator(spoiled(frame, column, row, value))


@pytest.mark.parametrize("where", ["turnover", "headcount"])
def test_a_missing_flag_names_the_rows(where):
    column = "left_in_year" if where == "turnover" else "formal"
    rows = [2, 12]  # both customer managers (turnover reads managers' rows only)
    staff = STAFF.assign(**{column: STAFF[column].astype(object).where(~STAFF.index.isin(rows), None)})
    with pytest.raises(DataError, match=f"'{column}' is missing in row\\(s\\) 2, 12"):
        (W.turnover if where == "turnover" else W.headcount)(staff)


NUMERIC = [
    ("age", "mean_age"),
    ("age", "age_structure"),
    ("certificates", "certificates"),
    ("tenure_years", "tenure"),
    ("caseload", "caseload"),
    ("weekly_hours", "wellbeing"),
]


@pytest.mark.parametrize("column,name", NUMERIC)
def test_numbers_as_text_give_the_same_result(column, name):
    text = STAFF.assign(**{column: STAFF[column].map(lambda v: f" {v:g} ")})
    before = text.copy()
    pd.testing.assert_frame_equal(_call(name, staff=text, min_cell=3), _call(name, min_cell=3), check_dtype=False)
    pd.testing.assert_frame_equal(text, before)


@pytest.mark.parametrize("bad", ["thirty", "3O", "n/a", "1,5"])
@pytest.mark.parametrize("column,name", NUMERIC)
def test_text_that_is_no_number_names_the_rows(column, name, bad):
    text = spoiled(STAFF, column, 1, bad)
    with pytest.raises(DataError, match=f"'{column}' must hold numbers; row\\(s\\) 1 hold '{bad}'"):
        _call(name, staff=text)


@pytest.mark.parametrize("name", ["contract", "npl", "wellbeing"])
def test_duplicated_or_missing_staff_ids_are_named(name):
    dup = STAFF.assign(staff_id=STAFF["staff_id"].where(STAFF.index != 5, "s0"))
    with pytest.raises(DataError, match="'staff_id' repeats 's0'"):
        _call(name, staff=dup)
    gone = STAFF.assign(staff_id=STAFF["staff_id"].where(STAFF.index != 5, None))
    with pytest.raises(DataError, match="'staff_id' is missing in row\\(s\\) 5"):
        _call(name, staff=gone)


def test_a_survey_answering_twice_is_named():
    twice = pd.concat([SURVEY, SURVEY.iloc[[2]]], ignore_index=True)
    with pytest.raises(DataError, match="the survey's 'staff_id' repeats 's2'"):
        W.contract_scores(twice, STAFF, dimensions=["pay", "team"])


def test_an_unknown_branch_and_a_survey_without_groups():
    with pytest.raises(DataError, match="branch\\(es\\) Q have no formal staff"):
        W.headcount(STAFF, branches=["X", "Q"])
    with pytest.raises(DataError, match="the survey has no 'branch_id'; pass the HR extract"):
        W.contract_scores(SURVEY, dimensions=["pay"])
    assert np.isnan(W.caseload(STAFF.assign(role="other"), min_cell=3)["n"]).sum() == 0
