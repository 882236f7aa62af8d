"""A policy file checked against its declared schema: each error names the file, the key and the rule."""

from __future__ import annotations

from importlib import resources

import pytest

import cmanalytics as cma
from cmanalytics.errors import PolicyError

P = cma.performance
DEFAULT = resources.files("cmanalytics.performance").joinpath("policies/default.toml").read_text("utf-8")


def write(tmp_path, text, name="bank.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old,new,message",
    [
        # a typo'd key: refused, the nearest valid key suggested
        ("bottom_n = 3", "botom_n = 3", r"key elimination.botom_n: unknown key; did you mean 'bottom_n'\?"),
        (
            "caseload_cap = 400",
            "caseload_cp = 400",
            r"key assignment.caseload_cp: unknown key; did you mean 'caseload_cap'",
        ),
        ("[deferred_pay]", "[deffered_pay]", r"key deffered_pay: unknown key; did you mean 'deferred_pay'"),
        # weights >= 0
        (
            "weight = 0.40\n",
            "weight = -0.40\n",
            r"key appraisal.areas.results\[0\].weight: -0.4 is below its minimum 0",
        ),
        # counts are whole numbers
        ("bottom_n = 3", "bottom_n = 3.5", r"key elimination.bottom_n: must be a whole number, not 3.5"),
        ("bottom_n = 3", "bottom_n = 3.0", r"key elimination.bottom_n: must be written as a whole number"),
        ("caseload_cap = 400", "caseload_cap = 0", r"key assignment.caseload_cap: 0 is below its minimum 1"),
        # values in range
        ("share = 0.30", "share = -0.1", r"key deferred_pay.share: -0.1 is below its minimum 0"),
        ("precision = 2", "precision = 9", r"key scores.precision: 9 is above its maximum 6"),
        # a min_cell of 0 or -1 would switch suppression off
        ("min_cell = 5", "min_cell = 0", r"key workforce.min_cell: 0 is below its minimum 1"),
        ("min_cell = 5", "min_cell = -1", r"key workforce.min_cell: -1 is below its minimum 1"),
        ('ties = "spare"', 'ties = "spair"', r"key elimination.ties: 'spair' is not one of .*did you mean 'spare'"),
        ("junior_max_inclusive = true", 'junior_max_inclusive = "yes"', r"junior_max_inclusive: must be true or false"),
        # bands ordered and tiling
        (
            '{ min = 75, max = 90, grade = "grade 2"',
            '{ min = 75, max = 91, grade = "grade 2"',
            r"key annual_grade.bands: bands 'grade 2' and 'grade 1' overlap",
        ),
        (
            'bands = [[1, 20, "senior"], [21, 40',
            'bands = [[1, 20, "senior"], [22, 40',
            r"key ladders.three_grades.bands\[1\]: band 2 starts at rank 22, expected 21",
        ),
        # weights summing as stated
        ("weight = 0.40\n", "weight = 0.45\n", r"key appraisal.areas.results: indicator weights sum to 105%"),
    ],
)
def test_each_breach_names_the_file_key_and_rule(tmp_path, old, new, message):
    assert old in DEFAULT
    path = write(tmp_path, DEFAULT.replace(old, new, 1))
    with pytest.raises(PolicyError, match=f"policy {path}, {message}" if message.startswith("key") else message):
        P.load_policy(path)


def test_required_sections(tmp_path):
    start = DEFAULT.index("[elimination]")
    end = DEFAULT.index("# Deferred performance pay")
    path = write(tmp_path, DEFAULT[:start] + DEFAULT[end:])
    with pytest.raises(PolicyError, match=r"bank.toml, key elimination: required but missing"):
        P.load_policy(path)
    path = write(tmp_path, DEFAULT.replace('ties = "spare"\n', ""))
    with pytest.raises(PolicyError, match=r"key elimination.ties: required but missing"):
        P.load_policy(path)


def test_a_partial_file_extends_the_defaults(tmp_path):
    path = write(
        tmp_path,
        'extends = "default"\n[appraisal]\narea_weights = { results = 0.4, service = 0.3, '
        'risk = 0.3 }\n[elimination]\nties = "all"\n',
    )
    pol = P.load_policy(path)
    assert pol.data["appraisal"]["area_weights"] == {"results": 0.4, "service": 0.3, "risk": 0.3}
    assert pol.data["elimination"]["ties"] == "all" and pol.data["elimination"]["bottom_n"] == 3
    assert len(pol.data["appraisal"]["areas"]["service"]) == 5  # the rest kept from the defaults
    # the extended file is checked too, and named
    path = write(tmp_path, 'extends = "default"\n[elimination]\nbotom_n = 5\n', "typo.toml")
    with pytest.raises(PolicyError, match=r"typo.toml, key elimination.botom_n: unknown key; did you mean"):
        P.load_policy(path)
    path = write(tmp_path, 'extends = "mybank"\n', "ext.toml")
    with pytest.raises(PolicyError, match=r"ext.toml, key extends: only 'default'"):
        P.load_policy(path)


def test_unreadable_and_missing_files(tmp_path):
    with pytest.raises(PolicyError, match="no such file"):
        P.load_policy(tmp_path / "nope.toml")
    with pytest.raises(PolicyError, match="no such file"):
        P.load_policy(tmp_path)  # a directory
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(PolicyError, match="bin.toml: cannot be read as UTF-8"):
        P.load_policy(tmp_path / "bin.toml")
    with pytest.raises(PolicyError, match="bad.toml: not valid TOML"):
        P.load_policy(write(tmp_path, "[a\n", "bad.toml"))


def test_the_default_policy_is_valid_and_states_its_readings():
    pol = P.load_policy()
    assert pol.precision == 2
    assert pol.data["annual_grade"]["inclusion"] == "min"
    assert pol.data["assignment"]["junior_max_inclusive"] is True
    assert pol.data["elimination"]["status"] == "proposal"
    assert pol.zh("junior (provisional)") == "初级客户经理(暂定)"
