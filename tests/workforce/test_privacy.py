"""Privacy that holds (issue 12): min_cell is a whole number >= 1 (below 3 only with allow_small, and said), from
an argument or a policy file; no indicator publishes a count under min_cell, a statistic of a blank group,
one person's maximum, or a blank that a reader recovers by differencing (tests/privacy.py's attack, written
apart from the package's suppression code, on random HR extracts with small branches)."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, PolicyError
from tests.privacy import leaks

W = cma.workforce


@pytest.mark.parametrize("bad", [0, -1, 2.5, 5.0, "5", True, [5]])
def test_min_cell_must_be_a_whole_number_of_at_least_one(bad):
    staff = _extract(0)
    with pytest.raises(ArgumentError, match="min_cell must be a whole number of people, 1 or more"):
        W.education(staff, min_cell=bad)


@pytest.mark.parametrize("small", [1, 2])
def test_min_cell_below_three_needs_allow_small_and_is_said(small):
    staff = _extract(0)
    with pytest.raises(ArgumentError, match=f"min_cell = {small} is below 3.*allow_small=True"):
        W.turnover(staff, min_cell=small)
    out = W.turnover(staff, min_cell=small, allow_small=True)
    assert f"min_cell = {small} is below 3, allowed by allow_small=True" in out.attrs["suppression"]
    with pytest.raises(ArgumentError, match="allow_small must be True or False"):
        W.turnover(staff, min_cell=5, allow_small="yes")


@pytest.mark.parametrize(
    "value,match",
    [
        (0, "1 or more .*switch suppression off"),
        (-1, "1 or more"),
        (2, "below 3"),
        (4.5, "whole number"),
        ("5", "whole number"),
    ],
)
def test_a_policy_files_min_cell_is_checked_too(value, match):
    from cmanalytics.performance.policy import load_policy

    base = load_policy()
    policy = dataclasses.replace(
        base, data={**base.data, "workforce": {**base.data["workforce"], "min_cell": value}}, source="bank.toml"
    )
    for fn in (W.turnover, W.education, W.caseload, W.headcount):
        with pytest.raises(PolicyError, match=f"the policy bank.toml \\[workforce\\] min_cell.*{match}"):
            fn(_extract(1), policy=policy)


def test_caseload_blanks_clients_of_small_groups_and_never_shows_one_persons_maximum():
    staff = pd.DataFrame(
        {
            "staff_id": [f"s{k}" for k in range(9)],
            "branch_id": ["A"] * 6 + ["B"] * 3,
            "role": ["personal_cm"] * 9,
            "caseload": [100, 200, 300, 410, 420, 150, 390, 405, 50],
        }
    )
    before = staff.copy()
    out = W.caseload(staff, by="branch_id", min_cell=3).set_index(["role", "branch_id"])
    pd.testing.assert_frame_equal(staff, before)
    # A: 6 managers; B: 3; all: 9. Each group has at least 3, so nothing is blank by size. Over the cap of
    # 400: A 2 (410, 420), B 1 (405), all 3: A's 2 and B's 1 are under 3 -> blank (with their shares).
    a, b, t = (out.loc[("personal_cm", g)] for g in ("A", "B", "all"))
    assert a["clients"] == 1580 and b["clients"] == 845 and t["clients"] == 2425
    assert np.isnan(a["over_cap"]) and np.isnan(b["over_cap"]) and t["over_cap"] == 3
    assert np.isnan(a["share_over_cap"]) and t["share_over_cap"] == pytest.approx(3 / 9)
    # the mean of the 3 largest caseloads, never the largest: A 420 410 300; B 405 390 50; all 420 410 405
    assert a["top_mean_caseload"] == pytest.approx(1130 / 3) and b["top_mean_caseload"] == pytest.approx(845 / 3)
    assert t["top_mean_caseload"] == pytest.approx(1235 / 3)
    assert "max_caseload" not in out.columns
    # a group of 2 managers: its clients are blank, and the other branch too (else 2425 - A gives it)
    two = W.caseload(staff.iloc[:8], by="branch_id", min_cell=3).set_index(["role", "branch_id"])
    assert np.isnan(two.loc[("personal_cm", "B"), "clients"]) and np.isnan(two.loc[("personal_cm", "A"), "clients"])
    assert two.loc[("personal_cm", "all"), "clients"] == 2375


def _extract(seed: int) -> pd.DataFrame:
    """An HR extract with branches from 1 to 30 customer managers: small groups are common."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice([1, 2, 3, 4, 6, 9, 14, 30], size=7)
    rows = []
    k = 0
    for b, size in enumerate(sizes):
        for _ in range(int(size) + 3):
            role = rng.choice(["corporate_cm", "personal_cm", "wealth_manager", "other"], p=[0.4, 0.2, 0.15, 0.25])
            rows.append(
                {
                    "staff_id": f"s{k}",
                    "branch_id": f"B{b}",
                    "role": role,
                    "age": int(rng.integers(22, 60)),
                    "education": rng.choice(["below bachelor", "bachelor", "master or above"]),
                    "title": rng.choice(["none", "junior", "intermediate", "senior"]),
                    "tenure_years": float(rng.integers(0, 30)),
                    "grade": rng.choice(["trainee", "junior", "intermediate", "senior"]),
                    "certificates": int(rng.integers(0, 5)),
                    "caseload": int(rng.integers(0, 500)),
                    "weekly_hours": float(rng.integers(38, 65)),
                    "left_in_year": bool(rng.random() < 0.2),
                }
            )
            k += 1
    return pd.DataFrame(rows)


def _survey(staff: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 100)
    answered = staff[staff["role"] != "other"].sample(frac=0.8, random_state=seed)
    return pd.DataFrame(
        {
            "staff_id": answered["staff_id"].to_numpy(),
            "pay": rng.integers(1, 6, len(answered)).astype(float),
            "team": rng.integers(1, 6, len(answered)).astype(float),
            "wellbeing_index": rng.integers(20, 100, len(answered)).astype(float),
            "turnover_intention": rng.random(len(answered)) < 0.3,
        }
    )


def _group_sizes(full: pd.DataFrame, group: str) -> dict:
    return full.groupby(group)["n"].sum().to_dict()


DISTRIBUTIONS = [
    ("education", W.education, "education"),
    ("titles", W.titles, "title"),
    ("grades", W.grade_pyramid, "grade"),
    ("tenure", W.tenure, "tenure_band"),
    ("ages", W.age_structure, "age_band"),
]
PER_GROUP = [
    ("turnover", lambda s, **k: W.turnover(s, **k), []),
    ("mean_age", lambda s, **k: W.mean_age(s[s["role"] != "other"], **k), []),
    ("certificates", lambda s, **k: W.certificate_coverage(s, **k), []),
    ("caseload", lambda s, **k: W.caseload(s, **k), ["role"]),
    ("wellbeing", lambda s, **k: W.wellbeing(s, _survey(s, 0), **k), []),
    ("contract", lambda s, **k: W.contract_scores(_survey(s, 0), s, dimensions=["pay", "team"], **k), ["dimension"]),
]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("min_cell", [3, 5])
def test_no_distribution_table_leaks_by_differencing(seed, min_cell):
    staff = _extract(seed)
    before = copy.deepcopy(staff)
    for name, fn, category in DISTRIBUTIONS:
        out = fn(staff, by="branch_id", min_cell=min_cell)
        full = fn(staff, by="branch_id", min_cell=1, allow_small=True)
        assert len(out) == len(full), name
        problems = leaks(
            out,
            group="branch_id",
            blocks=[category],
            category=category,
            min_cell=min_cell,
            group_sizes=_group_sizes(full, "branch_id"),
        )
        assert not problems, (name, problems[:5])
        # what is published is the true figure
        shown = out["n"].notna()
        np.testing.assert_array_equal(out.loc[shown, "n"], full.loc[shown, "n"])
    pd.testing.assert_frame_equal(staff, before)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("min_cell", [3, 5])
def test_no_per_group_table_leaks_by_differencing(seed, min_cell):
    staff = _extract(seed)
    by = {"certificates": "branch_id", "caseload": "branch_id"}
    for name, fn, blocks in PER_GROUP:
        out = fn(staff, by=by.get(name, "branch_id"), min_cell=min_cell)
        problems = leaks(out, group="branch_id", blocks=blocks, min_cell=min_cell)
        assert not problems, (name, problems[:5])


@pytest.mark.parametrize("seed", range(12))
def test_headcount_roles_and_cross_tabulations_do_not_leak(seed):
    staff = _extract(seed)
    hc = W.headcount(staff)
    roles = ["corporate_cm", "personal_cm", "wealth_manager"]
    assert not leaks(hc, group="branch_id", wide=(roles, "customer_managers"))
    # staff and customer managers per branch are published whole (the floor rule needs them)
    assert hc["customer_managers"].notna().all()
    managers = staff[staff["role"] != "other"]
    table = pd.crosstab(managers["grade"], managers["education"])
    out = W.suppress_counts(table, min_cell=5)
    problems = leaks(
        out,
        group=None,
        crosstab={
            "columns": list(table.columns),
            "row_totals": table.sum(axis=1).astype(float).to_dict(),
            "column_totals": table.sum(axis=0).astype(float).to_dict(),
        },
    )
    assert not problems, problems[:5]


def test_the_attack_finds_a_lone_blank():
    """The attacker works: primary suppression alone (the old behaviour) leaks."""
    table = pd.DataFrame({"branch_id": ["A", "B", "C", "all"], "n": [2.0, 10, 12, 24]})
    table.loc[0, "n"] = np.nan
    assert leaks(table, group="branch_id") == ["n of row 0 recovered as 2"]


# --- notebook 03's tables (exam by grade, grade distribution, assignment balance) -------------------------


@pytest.fixture(scope="module")
def small_bank():
    from cmanalytics.synthetic.bank import synthetic_bank

    return synthetic_bank(2, n_staff=1500, n_corporate=150, n_personal=40, n_wealth=10, n_branches=6)


def test_notebook_03_exam_table_blanks_a_small_grade_and_its_complement(small_bank):
    """The notebook's call on a synthetic bank's first 60 candidates, where one grade has 4 candidates."""
    P = cma.performance
    candidates = small_bank.candidates.set_index("candidate_id").head(60)
    before = candidates.copy()
    exam = P.score_exam(candidates, scheme="B")
    graded = exam.assign(grade=exam["grade"].fillna("not qualified"))
    counts = graded["grade"].value_counts()  # counted apart from the package's table
    assert counts.to_dict() == {"not qualified": 36, "senior": 20, "junior (provisional)": 4}
    out = W.group_summary(graded, "grade", count="candidates", stats={"mean_total": ("total", "mean")})
    pd.testing.assert_frame_equal(candidates, before)
    table = out.set_index("grade")
    # 4 provisional juniors are under 5: blank, with their mean. Alone, 60 - 36 - 20 gives them away, so
    # the smallest other group, the 20 seniors, is blanked too; 36 not qualified and the 60 in all stay.
    assert table["candidates"].isna().to_dict() == {
        "junior (provisional)": True,
        "not qualified": False,
        "senior": True,
        "all": False,
    }
    assert table["mean_total"].isna().tolist() == table["candidates"].isna().tolist()
    assert table.loc["not qualified", "candidates"] == 36 and table.loc["all", "candidates"] == 60
    assert table.loc["all", "mean_total"] == pytest.approx(exam["total"].mean(), rel=1e-15)
    assert table.loc["not qualified", "mean_total"] == pytest.approx(
        exam.loc[exam["grade"].isna(), "total"].mean(), rel=1e-15
    )
    assert "1 of 4 rows here, and 1 more" in out.attrs["suppression"]
    assert not leaks(out, group="grade", min_cell=5)


def test_notebook_03_grade_and_balance_tables_do_not_leak(small_bank):
    """The annual grade distribution and the assignment balance of the notebook, on managers chosen so that
    a grade and a level have fewer than 5: blanked with a complement, the pay coefficient (a rule) kept."""
    P = cma.performance
    with pytest.warns(cma.errors.PolicyWarning):
        annual = P.annual_scores(P.appraise(small_bank.indicators))
        grades = P.annual_grade(annual.reset_index().set_index("manager_id")["score"])
    top = grades[grades["grade"] == "grade 1"].index[:3]
    sample = grades.loc[list(top) + list(grades[grades["grade"] != "grade 1"].index[:40])]
    counts = sample["grade"].value_counts()
    assert counts["grade 1"] == 3 and counts.min() == 3
    out = W.group_summary(
        sample,
        "grade",
        count="managers",
        stats={"pay_coefficient": ("pay_coefficient", "first")},
        settings=["pay_coefficient"],
    ).set_index("grade")
    assert np.isnan(out.loc["grade 1", "managers"]) and out["managers"].isna().sum() == 2
    smallest_other = counts.drop("grade 1").idxmin()
    assert np.isnan(out.loc[smallest_other, "managers"])
    assert out.loc["grade 1", "pay_coefficient"] == 2.0 and np.isnan(out.loc["all", "pay_coefficient"])
    assert not leaks(out.reset_index(), group="grade", min_cell=5)

    managers = pd.DataFrame(
        {"manager_id": [f"m{i}" for i in range(14)], "level": ["senior"] * 2 + ["intermediate"] * 5 + ["junior"] * 7}
    ).assign(value=np.arange(14) * 1e6)
    balance = W.group_summary(
        managers, "level", count="managers", stats={"mean": ("value", "mean"), "sd": ("value", "std")}
    ).set_index("level")
    # 2 seniors are under 5; the smallest other level (5 intermediates) is blanked with them; 7 juniors and
    # the 14 in all stay, with the juniors' mean of 7..13 million (10 million) and the whole's 6.5 million
    assert balance["managers"].isna().to_dict() == {"intermediate": True, "junior": False, "senior": True, "all": False}
    assert balance.loc["junior", "mean"] == 10e6 and balance.loc["all", "mean"] == 6.5e6
    assert balance[["mean", "sd"]].loc[["senior", "intermediate"]].isna().all().all()


def test_group_summary_refuses_what_it_cannot_do():
    data = pd.DataFrame({"g": ["a", "b", "all"], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(ArgumentError, match="named 'all'"):
        W.group_summary(data, "g")
    with pytest.raises(ArgumentError, match="by='h' is not a column"):
        W.group_summary(data, "h")
    with pytest.raises(ArgumentError, match="stats= names column\\(s\\) 'y'"):
        W.group_summary(data.iloc[:2], "g", stats={"m": ("y", "mean")})
    with pytest.raises(ArgumentError, match="settings= names 'x'"):
        W.group_summary(data.iloc[:2], "g", settings=["x"])
