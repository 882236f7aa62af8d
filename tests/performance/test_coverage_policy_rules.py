"""The rules that tie a policy's keys together (beyond its schema): each broken rule is a PolicyError naming
the file, the key and the rule, written here from the default policy with one key changed."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest

from cmanalytics.errors import PolicyError
from cmanalytics.performance.policy import validate

DEFAULT = tomllib.loads(resources.files("cmanalytics.performance").joinpath("policies/default.toml").read_text("utf-8"))


def _set(path, value):
    def change(d):
        *head, last = path
        for k in head:
            d = d[k]
        d[last] = value

    return change


CASES = [
    # rank bands: 1-20, 21-40, 41 and below
    (
        _set(("ladders", "three_grades", "bands"), [[1, 20, "senior"], [22, 40, "intermediate"], [41, "junior"]]),
        r"key ladders.three_grades.bands\[1\]: band 2 starts at rank 22, expected 21",
    ),
    (
        _set(("ladders", "three_grades", "bands"), [[1, "senior"], [2, 40, "intermediate"], [41, "junior"]]),
        r"key ladders.three_grades.bands\[0\]: only the last band may be open-ended",
    ),
    (
        _set(("ladders", "three_grades", "bands"), [[1, 20, "senior"], [21, 19, "intermediate"], [41, "junior"]]),
        r"bands\[1\]: band 2 ends \(19\) before it starts \(21\)",
    ),
    (
        _set(("ladders", "three_grades", "bands"), [[1, 20, "senior"], [21, 40, "junior"]]),
        r"key ladders.three_grades.bands: the last band must be open-ended",
    ),
    (
        _set(("ladders", "three_grades", "bands"), [[1, 20, "senior"], [21, "chief"]]),
        r"grade 'chief' is not defined in \[grade_names\]",
    ),
    # score bands: 0-75, 75-90, 90 and up
    (
        _set(("annual_grade", "bands"), [{"min": 90, "grade": "a"}, {"min": 75, "max": 75, "grade": "b"}]),
        r"key annual_grade.bands\[1\]: band 'b' is empty \(max 75 <= min 75\)",
    ),
    (
        _set(("annual_grade", "bands"), [{"min": 90, "grade": "a"}, {"min": 0, "max": 95, "grade": "b"}]),
        r"bands 'b' and 'a' overlap \(95 > 90\)",
    ),
    (
        _set(("annual_grade", "bands"), [{"min": 90, "grade": "a"}, {"min": 0, "max": 80, "grade": "b"}]),
        r"bands leave a gap between 80 and 90 \('b', 'a'\)",
    ),
    (
        _set(("annual_grade", "bands"), [{"min": 90, "max": 100, "grade": "a"}, {"min": 0, "max": 90, "grade": "b"}]),
        r"the top band 'a' must have no upper bound",
    ),
    (
        _set(("annual_grade", "bands"), [{"min": 90, "grade": "a"}, {"min": 10, "max": 90, "grade": "b"}]),
        r"the lowest band 'b' must start at 0, not 10",
    ),
    (
        _set(("annual_grade", "bands"), [{"min": 0, "grade": "a"}, {"min": 50, "grade": "b"}]),
        r"band 'a' has no upper bound but another band lies above it",
    ),
    # the exam
    (
        _set(("exam", "schemes", "A", "ladder"), "nine_grades"),
        r"key exam.schemes.A.ladder: grades by ladder 'nine_grades'",
    ),
    # A: written 60 + interview 40 + record 0 = 100 points
    (_set(("exam", "schemes", "A", "pass_line"), 101), r"key exam.schemes.A.pass_line: pass line 101 outside 0-100"),
    (_set(("exam", "provisional", "grade"), "apprentice"), r"key exam.provisional.grade: grade 'apprentice' is not"),
    # the appraisal
    (
        _set(("appraisal", "area_weights"), {"results": 0.5, "service": 0.3, "risk": 0.1}),
        r"key appraisal.area_weights: area_weights sum to 90%, not 100%",
    ),
    (
        _set(("appraisal", "area_weights"), {"results": 0.5, "service": 0.5}),
        r"key appraisal.area_weights: names \['results', 'service'\] but the areas are",
    ),
    # the rest
    (_set(("elimination", "ties"), "second-indicator"), None),  # the default policy names the tie indicator: valid
    (_set(("assignment", "large_levels"), ["chief"]), r"key assignment.large_levels: level\(s\) \['chief'\] are not"),
    (_set(("assignment", "medium_min"), 10_000_000), r"key assignment.medium_min: 10000000 must lie below large_min"),
    (_set(("workforce", "plan", "target_share"), 0.1), r"key workforce.plan: target_share lies below start_share"),
]


@pytest.mark.parametrize(("change", "message"), CASES)
def test_a_broken_rule_names_the_file_and_key(change, message):
    data = copy.deepcopy(DEFAULT)
    change(data)
    if message is None:
        validate(data, "bank.toml")
        return
    with pytest.raises(PolicyError, match=r"^policy bank.toml, key .*" + message.split("key ", 1)[-1]):
        validate(data, "bank.toml")


def test_appraisal_indicator_rules():
    data = copy.deepcopy(DEFAULT)
    data["appraisal"]["areas"]["results"][1]["range"] = [100.0, 0.0]
    with pytest.raises(PolicyError, match=r"key appraisal.areas.results\[1\].range: \[100.0, 0.0\] is empty"):
        validate(data, "bank.toml")
    data = copy.deepcopy(DEFAULT)
    data["appraisal"]["areas"]["service"][0]["indicator"] = "client_maintenance"
    with pytest.raises(PolicyError, match=r"indicator\(s\) client_maintenance appear in more than one place"):
        validate(data, "bank.toml")
    data = copy.deepcopy(DEFAULT)
    del data["elimination"]["tie_indicator"]
    data["elimination"]["ties"] = "second-indicator"
    with pytest.raises(PolicyError, match=r"key elimination.tie_indicator: ties = 'second-indicator' needs"):
        validate(data, "bank.toml")
