"""Workforce-health indicators of customer-manager teams, each a function returning a tidy DataFrame.

The signs the sources keep returning to (``shared/domain/customer_manager_policies.md``, section 6): too
few managers (the 20% staffing floor), an ageing and narrowly skilled team (age, education, titles,
certificates), caseloads over the caps (400 VIP clients per personal customer manager, 200 per wealth
manager), the grade pyramid, qualification pass rates, the appraisal distribution and eliminations,
turnover, psychological-contract scores, non-performing loans by grade, workload and wellbeing.

Inputs are an HR extract (one row per member of staff; the columns each function needs are named in its
docstring and checked), the survey (contract dimension scores per manager) and the clients. The synthetic
bank (:func:`cmanalytics.synthetic.bank.synthetic_bank`) has them all. Every table that describes people
suppresses cells of fewer than ``min_cell`` (5) people (:mod:`cmanalytics.workforce.anonymity`); the
"all" row is the whole bank. Inputs are never modified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cmanalytics.errors import DataError
from cmanalytics.workforce.anonymity import min_cell_from, suppress

CM_ROLES = ("corporate_cm", "personal_cm", "wealth_manager")
HR_COLUMNS = ("staff_id", "branch_id", "role", "age", "education", "title", "tenure_years", "grade",
              "certificates", "caseload", "weekly_hours", "left_in_year")
AGE_BANDS = [(0, 30, "under 30"), (30, 35, "30-34"), (35, 40, "35-39"), (40, 45, "40-44"), (45, 50, "45-49"),
             (50, 200, "50 and over")]
TENURE_BANDS = [(0, 3, "under 3 years"), (3, 10, "3-9 years"), (10, 20, "10-19 years"), (20, 100, "20 years or more")]
EDUCATION_ORDER = ["below bachelor", "bachelor", "master or above"]
TITLE_ORDER = ["none", "junior", "intermediate", "senior"]
GRADE_ORDER = ["trainee", "junior", "intermediate", "senior"]


def require(df: pd.DataFrame, columns, what: str = "the HR extract") -> None:
    """Raise a DataError naming every column ``df`` lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{what} lacks the column(s) {', '.join(map(repr, missing))}.")


def _policy(policy):
    if policy is None:
        from cmanalytics.performance.policy import load_policy
        policy = load_policy()
    return policy


def _managers(staff: pd.DataFrame) -> pd.DataFrame:
    require(staff, ["role"])
    return staff[staff["role"].isin(CM_ROLES)]


def _with_all(df: pd.DataFrame, by: str | None, fn) -> pd.DataFrame:
    """fn applied per group of ``by`` and to the whole frame (labelled "all")."""
    parts = []
    if by is not None:
        require(df, [by])
        for key, g in df.groupby(by, sort=True):
            parts.append(fn(g).assign(**{by: key}))
    parts.append(fn(df).assign(**{by or "group": "all"}))
    out = pd.concat(parts, ignore_index=True)
    first = by or "group"
    return out[[first] + [c for c in out.columns if c != first]]


def _distribution(df: pd.DataFrame, column: str, order: list[str], by: str | None, min_cell: int) -> pd.DataFrame:
    def one(g):
        counts = g[column].value_counts().reindex(order, fill_value=0)
        return pd.DataFrame({column: order, "n": counts.to_numpy(), "share": counts.to_numpy() / max(len(g), 1)})
    return suppress(_with_all(df, by, one), min_cell=min_cell, value_cols=["share"])


def _manager_distribution(staff: pd.DataFrame, column: str, order: list[str], by: str | None, min_cell, policy):
    """Customer managers by ``column`` (in ``order``), per ``by`` group and overall, small cells suppressed."""
    df = _managers(staff)
    require(df, [column])
    return _distribution(df, column, order, by, min_cell_from(policy, min_cell))


def headcount(staff: pd.DataFrame, *, by: str = "branch_id", branches=None, policy=None) -> pd.DataFrame:
    """Staff, customer managers and their share of formal staff per branch and for the bank, against the
    staffing floor (20% by default: "customer managers at least 20% of a unit's formal staff").

    Needs ``branch_id``, ``role`` and, if present, ``formal`` (only formal staff count). ``branches``: the
    branch ids that must appear (a branch with no staff in the extract is an error). Headcounts are not
    suppressed (they describe units, not answers)."""
    pol = _policy(policy)
    require(staff, [by, "role"])
    floor = pol.data.get("workforce", {}).get("cm_share_floor", 0.20)
    formal = staff[staff["formal"].astype(bool)] if "formal" in staff.columns else staff
    if branches is not None:
        empty = sorted(set(branches) - set(formal[by]))
        if empty:
            raise DataError(f"branch(es) {', '.join(map(str, empty))} have no formal staff in the HR extract.")

    def one(g):
        n_cm = int(g["role"].isin(CM_ROLES).sum())
        return pd.DataFrame({"staff": [len(g)], "customer_managers": [n_cm],
                             **{r: [int((g["role"] == r).sum())] for r in CM_ROLES}})
    out = _with_all(formal, by, one)
    out["cm_share"] = out["customer_managers"] / out["staff"]
    out["floor"] = floor
    out["below_floor"] = out["cm_share"] < floor
    out["shortfall"] = np.maximum(np.ceil(floor * out["staff"] - out["customer_managers"]), 0).astype(int)
    return out


def age_structure(staff: pd.DataFrame, *, by: str | None = None, managers_only: bool = True,
                  min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Counts and shares by age band (under 30, 30-34, ..., 50 and over) of customer managers (or all
    staff), per ``by`` group and overall. ``attrs["mean_age"]`` holds the mean ages. Needs ``age``."""
    df = _managers(staff) if managers_only else staff
    require(df, ["age"])
    labels = [b[2] for b in AGE_BANDS]
    band = pd.cut(df["age"], [b[0] for b in AGE_BANDS] + [AGE_BANDS[-1][1]], right=False, labels=labels)
    out = _distribution(df.assign(age_band=band.astype(str)), "age_band", labels, by, min_cell_from(policy, min_cell))
    out.attrs["mean_age"] = mean_age(df, by=by, min_cell=min_cell, policy=policy)
    return out


def mean_age(staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Mean and median age per group and overall (the rows given: filter first for managers)."""
    require(staff, ["age"])
    out = _with_all(staff, by, lambda g: pd.DataFrame({"n": [len(g)], "mean_age": [g["age"].mean()],
                                                       "median_age": [g["age"].median()]}))
    return suppress(out, min_cell=min_cell_from(policy, min_cell), value_cols=["mean_age", "median_age"])


def education(staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Customer managers by highest education (below bachelor, bachelor, master or above)."""
    return _manager_distribution(staff, "education", EDUCATION_ORDER, by, min_cell, policy)


def titles(staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Customer managers by professional title (none, junior, intermediate, senior)."""
    return _manager_distribution(staff, "title", TITLE_ORDER, by, min_cell, policy)


def certificate_coverage(staff: pd.DataFrame, *, by: str | None = "role", min_cell: int | None = None,
                         policy=None) -> pd.DataFrame:
    """Share of customer managers holding at least one, and at least three, certificates (CFP, AFP, fund
    sales, loan business; the sources' branch office: 80% hold three or more). Needs ``certificates``."""
    df = _managers(staff)
    require(df, ["certificates"])
    out = _with_all(df, by, lambda g: pd.DataFrame({
        "n": [len(g)], "mean_certificates": [g["certificates"].mean()],
        "share_one_or_more": [(g["certificates"] >= 1).mean()], "share_three_or_more": [(g["certificates"] >= 3).mean()]}))
    return suppress(out, min_cell=min_cell_from(policy, min_cell))


def tenure(staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Customer managers by years of service (under 3, 3-9, 10-19, 20 or more). Needs ``tenure_years``."""
    df = _managers(staff)
    require(df, ["tenure_years"])
    labels = [b[2] for b in TENURE_BANDS]
    band = pd.cut(df["tenure_years"], [b[0] for b in TENURE_BANDS] + [TENURE_BANDS[-1][1]], right=False, labels=labels)
    return _distribution(df.assign(tenure_band=band.astype(str)), "tenure_band", labels, by,
                         min_cell_from(policy, min_cell))


def caseload(staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Caseloads against the caps (default 400 VIP clients per personal customer manager, 200 clients per
    wealth manager): per role with a cap, managers, mean and largest caseload, how many are over the cap.
    Needs ``role`` and ``caseload`` (clients held)."""
    pol = _policy(policy)
    require(staff, ["role", "caseload"])
    caps = pol.data.get("workforce", {}).get("caseload_caps", {})
    parts = []
    for role, cap in caps.items():
        g = staff[staff["role"] == role]

        def one(h, cap=cap):
            return pd.DataFrame({"n": [len(h)], "clients": [int(h["caseload"].sum())],
                                 "mean_caseload": [h["caseload"].mean() if len(h) else np.nan],
                                 "max_caseload": [h["caseload"].max() if len(h) else np.nan], "cap": [cap],
                                 "over_cap": [int((h["caseload"] > cap).sum())],
                                 "share_over_cap": [(h["caseload"] > cap).mean() if len(h) else np.nan]})
        parts.append(_with_all(g, by, one).assign(role=role))
    out = pd.concat(parts, ignore_index=True)
    out = out[["role"] + [c for c in out.columns if c != "role"]]
    return suppress(out, min_cell=min_cell_from(policy, min_cell),
                    value_cols=["mean_caseload", "max_caseload", "over_cap", "share_over_cap"])


def grade_pyramid(staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Customer managers by grade (trainee, junior, intermediate, senior), counts and shares."""
    return _manager_distribution(staff, "grade", GRADE_ORDER, by, min_cell, policy)


def pass_rates(exam: pd.DataFrame, *, by: str | None = "branch_id", min_cell: int | None = None,
               policy=None) -> pd.DataFrame:
    """Qualification-exam pass rates: candidates, passed and the rate per group. ``exam``: the output of
    :func:`cmanalytics.performance.score_exam` joined with the candidates' ``branch_id`` (needs
    ``passed``)."""
    require(exam, ["passed"], "the exam results")
    out = _with_all(exam, by, lambda g: pd.DataFrame({"n": [len(g)], "passed": [int(g["passed"].sum())],
                                                      "pass_rate": [g["passed"].mean()]}))
    return suppress(out, min_cell=min_cell_from(policy, min_cell))


def appraisal_distribution(reviewed: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None,
                           policy=None) -> pd.DataFrame:
    """Annual review ratings (excellent, good, pass, fail) and eliminations: counts and shares.
    ``reviewed``: the output of :func:`cmanalytics.performance.review` with, optionally, an ``eliminated``
    column (from :func:`~cmanalytics.performance.bottom_n_elimination`) and the ``by`` column."""
    require(reviewed, ["rating"], "the review results")
    order = [b["rating"] for b in sorted(_policy(policy).data["review"]["bands"], key=lambda b: -b["min"])]
    df = reviewed.copy()
    if "eliminated" in df.columns:
        df["rating"] = df["rating"].astype(object)
        order = order + ["eliminated"]
        extra = df[df["eliminated"].astype(bool)].assign(rating="eliminated")
        df = pd.concat([df, extra])

    def one(g):
        total = int((g["rating"] != "eliminated").sum())
        counts = g["rating"].value_counts().reindex(order, fill_value=0)
        return pd.DataFrame({"rating": order, "n": counts.to_numpy(), "share": counts.to_numpy() / max(total, 1)})
    return suppress(_with_all(df, by, one), min_cell=min_cell_from(policy, min_cell), value_cols=["share"])


def turnover(staff: pd.DataFrame, *, by: str | None = "branch_id", managers_only: bool = True,
             min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Leavers in the year over headcount (customer managers, or all staff). Needs ``left_in_year``."""
    df = _managers(staff) if managers_only else staff
    require(df, ["left_in_year"])
    out = _with_all(df, by, lambda g: pd.DataFrame({"n": [len(g)], "leavers": [int(g["left_in_year"].sum())],
                                                    "turnover_rate": [g["left_in_year"].mean()]}))
    return suppress(out, min_cell=min_cell_from(policy, min_cell))


def contract_scores(survey: pd.DataFrame, staff: pd.DataFrame | None = None, *, dimensions=None,
                    by: str | None = "branch_id", min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Psychological-contract scores by dimension (and branch): respondents, mean, standard deviation
    and the share scoring 4 or more ("important"/"fulfilled"), tidy (one row per group and dimension).
    ``survey``: ``staff_id`` and a column per dimension (1-5); ``staff`` gives the ``by`` column."""
    from cmanalytics.study.codebook import load_codebook

    # by default the study's six dimensions (the codebook's), those the survey has
    dims = list(dimensions or [d.id for d in load_codebook().dimensions if d.id in survey.columns])
    require(survey, dims, "the survey")
    df = survey
    if by is not None and by not in survey.columns:
        if staff is None:
            raise DataError(f"the survey has no {by!r}; pass the HR extract as staff= to look it up.")
        require(survey, ["staff_id"], "the survey")
        require(staff, ["staff_id", by])
        df = survey.merge(staff[["staff_id", by]], on="staff_id", how="left")
    long = df.melt(id_vars=[c for c in [by] if c], value_vars=dims, var_name="dimension", value_name="score")
    long = long.dropna(subset=["score"])

    def one(g):
        s = g.groupby("dimension", sort=False)["score"]
        res = pd.DataFrame({"n": s.size(), "mean": s.mean(), "sd": s.std(ddof=1),
                            "share_4_or_more": s.apply(lambda v: (v >= 4).mean())}).reindex(dims)
        res["n"] = res["n"].fillna(0).astype(int)
        return res.rename_axis("dimension").reset_index()
    return suppress(_with_all(long, by, one), min_cell=min_cell_from(policy, min_cell))


def npl_ratio_by_grade(clients: pd.DataFrame, staff: pd.DataFrame, *, min_cell: int | None = None,
                       policy=None) -> pd.DataFrame:
    """Non-performing-loan ratio (NPL balance over loan balance) by the managing customer manager's grade,
    with the number of managers, loans and NPLs. Needs clients' ``manager_id``, ``loan_balance``,
    ``non_performing`` and staff's ``staff_id``, ``grade``."""
    require(clients, ["manager_id", "loan_balance", "non_performing"], "the clients")
    require(staff, ["staff_id", "grade"])
    df = clients.merge(staff[["staff_id", "grade"]], left_on="manager_id", right_on="staff_id", how="left")
    unknown = df["grade"].isna()
    if unknown.any():
        raise DataError(f"client {df.loc[unknown, 'client_id'].iloc[0] if 'client_id' in df else unknown.idxmax()!r}"
                        f" is managed by {df.loc[unknown, 'manager_id'].iloc[0]!r}, who is not in the HR extract.")
    loans = df[df["loan_balance"] > 0]
    npl = loans["non_performing"].astype(bool)
    g = loans.assign(npl_balance=loans["loan_balance"] * npl, is_npl=npl).groupby("grade")
    out = pd.DataFrame({"n": g["manager_id"].nunique(), "loans": g.size(), "non_performing": g["is_npl"].sum(),
                        "loan_balance": g["loan_balance"].sum(), "npl_balance": g["npl_balance"].sum()})
    total = pd.DataFrame({"n": [loans["manager_id"].nunique()], "loans": [len(loans)],
                          "non_performing": [int(npl.sum())], "loan_balance": [loans["loan_balance"].sum()],
                          "npl_balance": [(loans["loan_balance"] * npl).sum()]}, index=["all"])
    out = pd.concat([out.reindex([x for x in GRADE_ORDER if x in out.index]), total])
    out["npl_ratio"] = out["npl_balance"] / out["loan_balance"]
    out = out.rename_axis("grade").reset_index()
    return suppress(out, min_cell=min_cell_from(policy, min_cell))


def wellbeing(staff: pd.DataFrame, survey: pd.DataFrame | None = None, *, by: str | None = "branch_id",
              long_hours: float = 55.0, min_cell: int | None = None, policy=None) -> pd.DataFrame:
    """Workload and wellbeing of customer managers: mean weekly hours, the share working more than
    ``long_hours`` a week, and (from the survey) the mean wellbeing index (0-100, the sources' "physical and
    mental health index") and the share intending to leave. Needs ``weekly_hours``; the survey's
    ``wellbeing_index`` and ``turnover_intention`` when given."""
    df = _managers(staff)
    require(df, ["weekly_hours"])
    if survey is not None:
        require(survey, ["staff_id", "wellbeing_index"], "the survey")
        cols = ["staff_id", "wellbeing_index"] + (["turnover_intention"] if "turnover_intention" in survey else [])
        df = df.merge(survey[cols], on="staff_id", how="left")

    def one(g):
        row = {"n": [len(g)], "mean_weekly_hours": [g["weekly_hours"].mean()],
               "share_long_hours": [(g["weekly_hours"] > long_hours).mean()]}
        if survey is not None:
            answered = g["wellbeing_index"].notna()
            row["respondents"] = [int(answered.sum())]
            row["mean_wellbeing"] = [g.loc[answered, "wellbeing_index"].mean()]
            if "turnover_intention" in g:
                row["share_intending_to_leave"] = [g.loc[answered, "turnover_intention"].astype(float).mean()]
        return pd.DataFrame(row)
    out = _with_all(df, by, one)
    out = suppress(out, min_cell=min_cell_from(policy, min_cell), value_cols=["mean_weekly_hours", "share_long_hours"])
    if survey is not None:      # survey cells: suppressed by the number who answered
        small = out["respondents"] < min_cell_from(policy, min_cell)
        survey_cols = [c for c in ("respondents", "mean_wellbeing", "share_intending_to_leave") if c in out]
        out.loc[small, survey_cols] = np.nan
        out["suppressed"] = out["suppressed"] | small
    return out
