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

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.workforce.anonymity import min_cell_from, suppress, suppress_distribution, suppress_wide

CM_ROLES = ("corporate_cm", "personal_cm", "wealth_manager")
HR_COLUMNS = (
    "staff_id",
    "branch_id",
    "role",
    "age",
    "education",
    "title",
    "tenure_years",
    "grade",
    "certificates",
    "caseload",
    "weekly_hours",
    "left_in_year",
)
AGE_BANDS = [
    (0, 30, "under 30"),
    (30, 35, "30-34"),
    (35, 40, "35-39"),
    (40, 45, "40-44"),
    (45, 50, "45-49"),
    (50, 200, "50 and over"),
]
TENURE_BANDS = [(0, 3, "under 3 years"), (3, 10, "3-9 years"), (10, 20, "10-19 years"), (20, 100, "20 years or more")]
EDUCATION_ORDER = ["below bachelor", "bachelor", "master or above"]
TITLE_ORDER = ["none", "junior", "intermediate", "senior"]
GRADE_ORDER = ["trainee", "junior", "intermediate", "senior"]


def _threshold(policy, min_cell, allow_small: bool) -> int:
    """The suppression threshold (:func:`min_cell_from`); a ``min_cell`` that contradicts the policy's own
    ``[workforce] min_cell`` is refused rather than letting one of the two pass unheard."""
    if min_cell is not None and policy is not None:
        own = policy.data.get("workforce", {}).get("min_cell")
        if own is not None and own != min_cell:
            raise ArgumentError(
                f"min_cell={min_cell!r} contradicts the policy's [workforce] min_cell = {own!r}; give one of "
                "them (the policy alone, or min_cell without a policy)."
            )
    return min_cell_from(policy, min_cell, allow_small=allow_small)


def require(df: pd.DataFrame, columns, what: str = "the HR extract") -> None:
    """Raise a DataError naming every column ``df`` lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{what} lacks the column(s) {', '.join(map(repr, missing))}.")


# Text flags read strictly: anything else is an error naming the rows (never astype(bool), which reads
# "False" and "否" as True).
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "1.0", "是"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "0.0", "否"})


def _rows(index, limit: int = 5) -> str:
    shown = ", ".join(map(repr, list(index[:limit])))
    return shown + (f" and {len(index) - limit} more" if len(index) > limit else "")


def flags(df: pd.DataFrame, column: str, what: str = "the HR extract", *, allow_missing: bool = False) -> pd.Series:
    """``df[column]`` as booleans: True/False, 1/0, yes/no, 是/否 (any case); anything else (or a missing value,
    unless ``allow_missing``) is a :class:`DataError` naming the rows and values."""
    s = df[column]
    if pd.api.types.is_bool_dtype(s) and not s.isna().any():
        return s.astype(bool)

    def read(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return np.nan
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        word = str(v).strip().lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else "bad"

    parsed = s.map(read)
    bad = parsed.index[parsed.map(lambda v: isinstance(v, str)).to_numpy()]
    if len(bad):
        raise DataError(
            f"{what}'s column {column!r} must hold True/False (or 1/0, yes/no, 是/否); row(s) "
            f"{_rows(bad)} hold {_rows(pd.Index(s.loc[bad].astype(str).unique()))}."
        )
    missing = parsed.index[parsed.isna().to_numpy()]
    if len(missing) and not allow_missing:
        raise DataError(f"{what}'s column {column!r} is missing in row(s) {_rows(missing)}.")
    return parsed.astype(object if len(missing) else bool)


def numbers(df: pd.DataFrame, column: str, what: str = "the HR extract") -> pd.Series:
    """``df[column]`` as numbers (text such as "35" read as 35); text that is not a number is a
    :class:`DataError` naming the rows and values. Missing values stay missing."""
    s = df[column]
    if pd.api.types.is_bool_dtype(s) or (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_complex_dtype(s)):
        return s.astype(float)
    parsed = pd.to_numeric(s.map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce")
    bad = s.index[(parsed.isna() & s.notna()).to_numpy()]
    if len(bad):
        raise DataError(
            f"{what}'s column {column!r} must hold numbers; row(s) {_rows(bad)} hold "
            f"{_rows(pd.Index(s.loc[bad].astype(str).unique()))}."
        )
    return parsed.astype(float)


def _read(df: pd.DataFrame, *, numeric=(), flag=(), optional_flag=(), what: str = "the HR extract") -> pd.DataFrame:
    """A copy of ``df`` with the named columns read strictly (the caller's frame is never modified)."""
    out = df.copy()
    for c in numeric:
        if c in out.columns:
            out[c] = numbers(df, c, what)
    for c in flag:
        if c in out.columns:
            out[c] = flags(df, c, what)
    for c in optional_flag:
        if c in out.columns:
            out[c] = flags(df, c, what, allow_missing=True)
    return out


def unique_ids(df: pd.DataFrame, column: str = "staff_id", what: str = "the HR extract") -> None:
    """Raise a DataError naming duplicated or missing ids."""
    ids = df[column]
    if ids.isna().any():
        raise DataError(f"{what}'s {column!r} is missing in row(s) {_rows(ids.index[ids.isna().to_numpy()])}.")
    dup = ids[ids.duplicated()]
    if len(dup):
        raise DataError(f"{what}'s {column!r} repeats {_rows(pd.Index(dup.unique()))}; each id must appear once.")


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

    return suppress_distribution(
        _with_all(df, by, one), group=by or "group", category=column, min_cell=min_cell, allow_small=True
    )


def _manager_distribution(
    staff: pd.DataFrame, column: str, order: list[str], by: str | None, min_cell, policy, allow_small=False
):
    """Customer managers by ``column`` (in ``order``), per ``by`` group and overall, small cells suppressed."""
    df = _managers(staff)
    require(df, [column])
    return _distribution(df, column, order, by, _threshold(policy, min_cell, allow_small))


def headcount(
    staff: pd.DataFrame,
    *,
    by: str = "branch_id",
    branches=None,
    policy=None,
    min_cell: int | None = None,
    allow_small: bool = False,
) -> pd.DataFrame:
    """Staff, customer managers and their share of formal staff per branch and for the bank, against the
    staffing floor (20% by default: "customer managers at least 20% of a unit's formal staff").

    Needs ``branch_id``, ``role`` and, if present, ``formal`` (only formal staff count). ``branches``: the
    branch ids that must appear (a branch with no staff in the extract is an error). A unit's staff and
    customer managers are published (the floor is a rule about units, and their size is an organisational
    fact); the split by role is a count of people, so role counts of fewer than ``min_cell`` are blank, with
    complementary cells along the branch and the role (:func:`~cmanalytics.workforce.anonymity.suppress_wide`)."""
    pol = _policy(policy)
    require(staff, [by, "role"])
    floor = pol.data.get("workforce", {}).get("cm_share_floor", 0.20)
    formal = staff[flags(staff, "formal")] if "formal" in staff.columns else staff
    if branches is not None:
        empty = sorted(set(branches) - set(formal[by]))
        if empty:
            raise DataError(f"branch(es) {', '.join(map(str, empty))} have no formal staff in the HR extract.")

    def one(g):
        n_cm = int(g["role"].isin(CM_ROLES).sum())
        return pd.DataFrame(
            {"staff": [len(g)], "customer_managers": [n_cm], **{r: [int((g["role"] == r).sum())] for r in CM_ROLES}}
        )

    out = _with_all(formal, by, one)
    out["cm_share"] = out["customer_managers"] / out["staff"]
    out["floor"] = floor
    out["below_floor"] = out["cm_share"] < floor
    out["shortfall"] = np.maximum(np.ceil(floor * out["staff"] - out["customer_managers"]), 0).astype(int)
    return suppress_wide(
        out,
        list(CM_ROLES),
        group=by,
        min_cell=_threshold(policy, min_cell, allow_small),
        allow_small=True,
    )


def age_structure(
    staff: pd.DataFrame,
    *,
    by: str | None = None,
    managers_only: bool = True,
    min_cell: int | None = None,
    policy=None,
    allow_small: bool = False,
) -> pd.DataFrame:
    """Counts and shares by age band (under 30, 30-34, ..., 50 and over) of customer managers (or all
    staff), per ``by`` group and overall. ``attrs["mean_age"]`` holds the mean ages. Needs ``age``."""
    df = _managers(staff) if managers_only else staff
    require(df, ["age"])
    df = _read(df, numeric=["age"])
    labels = [b[2] for b in AGE_BANDS]
    band = pd.cut(df["age"], [b[0] for b in AGE_BANDS] + [AGE_BANDS[-1][1]], right=False, labels=labels)
    out = _distribution(
        df.assign(age_band=band.astype(str)),
        "age_band",
        labels,
        by,
        _threshold(policy, min_cell, allow_small),
    )
    out.attrs["mean_age"] = mean_age(df, by=by, min_cell=min_cell, policy=policy, allow_small=allow_small)
    return out


def mean_age(
    staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None, allow_small: bool = False
) -> pd.DataFrame:
    """Mean and median age per group and overall (the rows given: filter first for managers)."""
    require(staff, ["age"])
    staff = _read(staff, numeric=["age"])
    out = _with_all(
        staff,
        by,
        lambda g: pd.DataFrame({"n": [len(g)], "mean_age": [g["age"].mean()], "median_age": [g["age"].median()]}),
    )
    return suppress(
        out,
        min_cell=_threshold(policy, min_cell, allow_small),
        value_cols=["mean_age", "median_age"],
        group=by or "group",
        allow_small=True,
    )


def education(
    staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None, allow_small: bool = False
) -> pd.DataFrame:
    """Customer managers by highest education (below bachelor, bachelor, master or above)."""
    return _manager_distribution(staff, "education", EDUCATION_ORDER, by, min_cell, policy, allow_small)


def titles(
    staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None, allow_small: bool = False
) -> pd.DataFrame:
    """Customer managers by professional title (none, junior, intermediate, senior)."""
    return _manager_distribution(staff, "title", TITLE_ORDER, by, min_cell, policy, allow_small)


def certificate_coverage(
    staff: pd.DataFrame, *, by: str | None = "role", min_cell: int | None = None, policy=None, allow_small: bool = False
) -> pd.DataFrame:
    """Share of customer managers holding at least one, and at least three, certificates (CFP, AFP, fund
    sales, loan business; the sources' branch office: 80% hold three or more). Needs ``certificates``."""
    df = _managers(staff)
    require(df, ["certificates"])
    df = _read(df, numeric=["certificates"])
    out = _with_all(
        df,
        by,
        lambda g: pd.DataFrame(
            {
                "n": [len(g)],
                "mean_certificates": [g["certificates"].mean()],
                "share_one_or_more": [(g["certificates"] >= 1).mean()],
                "share_three_or_more": [(g["certificates"] >= 3).mean()],
            }
        ),
    )
    return suppress(
        out,
        min_cell=_threshold(policy, min_cell, allow_small),
        group=by or "group",
        shares=["share_one_or_more", "share_three_or_more"],
        allow_small=True,
    )


def tenure(
    staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None, allow_small: bool = False
) -> pd.DataFrame:
    """Customer managers by years of service (under 3, 3-9, 10-19, 20 or more). Needs ``tenure_years``."""
    df = _managers(staff)
    require(df, ["tenure_years"])
    df = _read(df, numeric=["tenure_years"])
    labels = [b[2] for b in TENURE_BANDS]
    band = pd.cut(df["tenure_years"], [b[0] for b in TENURE_BANDS] + [TENURE_BANDS[-1][1]], right=False, labels=labels)
    return _distribution(
        df.assign(tenure_band=band.astype(str)),
        "tenure_band",
        labels,
        by,
        _threshold(policy, min_cell, allow_small),
    )


def caseload(
    staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None, allow_small: bool = False
) -> pd.DataFrame:
    """Caseloads against the caps (default 400 VIP clients per personal customer manager, 200 clients per
    wealth manager): per role with a cap, managers, their clients, the mean caseload, the mean of the
    ``min_cell`` largest caseloads (``top_mean_caseload``: a maximum would be one person's figure), how many
    are over the cap. Needs ``role`` and ``caseload`` (clients held). Groups of fewer than ``min_cell``
    managers are blank, ``clients`` included, and so are counts over the cap of fewer than ``min_cell``."""
    pol = _policy(policy)
    require(staff, ["role", "caseload"])
    staff = _read(staff, numeric=["caseload"])
    k = _threshold(policy, min_cell, allow_small)
    caps = pol.data.get("workforce", {}).get("caseload_caps", {})
    parts = []
    for role, cap in caps.items():
        g = staff[staff["role"] == role]

        def one(h, cap=cap):
            return pd.DataFrame(
                {
                    "n": [len(h)],
                    "clients": [int(h["caseload"].sum())],
                    "mean_caseload": [h["caseload"].mean() if len(h) else np.nan],
                    "top_mean_caseload": [h["caseload"].nlargest(k).mean() if len(h) >= k else np.nan],
                    "cap": [cap],
                    "over_cap": [int((h["caseload"] > cap).sum())],
                    "share_over_cap": [(h["caseload"] > cap).mean() if len(h) else np.nan],
                }
            )

        parts.append(_with_all(g, by, one).assign(role=role))
    out = pd.concat(parts, ignore_index=True)
    out = out[["role"] + [c for c in out.columns if c != "role"]]
    return suppress(
        out,
        min_cell=k,
        value_cols=["clients", "mean_caseload", "top_mean_caseload"],
        group=by or "group",
        blocks=["role"],
        subcounts={"over_cap": ["share_over_cap"]},
        allow_small=True,
    )


def grade_pyramid(
    staff: pd.DataFrame, *, by: str | None = None, min_cell: int | None = None, policy=None, allow_small: bool = False
) -> pd.DataFrame:
    """Customer managers by grade (trainee, junior, intermediate, senior), counts and shares."""
    return _manager_distribution(staff, "grade", GRADE_ORDER, by, min_cell, policy, allow_small)


def pass_rates(
    exam: pd.DataFrame,
    *,
    by: str | None = "branch_id",
    min_cell: int | None = None,
    policy=None,
    allow_small: bool = False,
) -> pd.DataFrame:
    """Qualification-exam pass rates: candidates, passed and the rate per group. ``exam``: the output of
    :func:`cmanalytics.performance.score_exam` joined with the candidates' ``branch_id`` (needs
    ``passed``)."""
    require(exam, ["passed"], "the exam results")
    exam = _read(exam, flag=["passed"], what="the exam results")
    out = _with_all(
        exam,
        by,
        lambda g: pd.DataFrame({"n": [len(g)], "passed": [int(g["passed"].sum())], "pass_rate": [g["passed"].mean()]}),
    )
    return suppress(
        out,
        min_cell=_threshold(policy, min_cell, allow_small),
        group=by or "group",
        subcounts={"passed": ["pass_rate"]},
        allow_small=True,
    )


def appraisal_distribution(
    reviewed: pd.DataFrame,
    *,
    by: str | None = None,
    min_cell: int | None = None,
    policy=None,
    allow_small: bool = False,
) -> pd.DataFrame:
    """Annual review ratings (excellent, good, pass, fail) and eliminations: counts and shares.
    ``reviewed``: the output of :func:`cmanalytics.performance.review` with, optionally, an ``eliminated``
    column (from :func:`~cmanalytics.performance.bottom_n_elimination`) and the ``by`` column."""
    require(reviewed, ["rating"], "the review results")
    order = [b["rating"] for b in sorted(_policy(policy).data["review"]["bands"], key=lambda b: -b["min"])]
    df = _read(reviewed, flag=["eliminated"], what="the review results")
    if "eliminated" in df.columns:
        df["rating"] = df["rating"].astype(object)
        order = order + ["eliminated"]
        extra = df[df["eliminated"]].assign(rating="eliminated")
        df = pd.concat([df, extra])

    def one(g):
        total = int((g["rating"] != "eliminated").sum())
        counts = g["rating"].value_counts().reindex(order, fill_value=0)
        return pd.DataFrame({"rating": order, "n": counts.to_numpy(), "share": counts.to_numpy() / max(total, 1)})

    return suppress_distribution(
        _with_all(df, by, one),
        group=by or "group",
        category="rating",
        outside=("eliminated",),
        min_cell=_threshold(policy, min_cell, allow_small),
        allow_small=True,
    )


def turnover(
    staff: pd.DataFrame,
    *,
    by: str | None = "branch_id",
    managers_only: bool = True,
    min_cell: int | None = None,
    policy=None,
    allow_small: bool = False,
) -> pd.DataFrame:
    """Leavers in the year over headcount (customer managers, or all staff). Needs ``left_in_year``."""
    df = _managers(staff) if managers_only else staff
    require(df, ["left_in_year"])
    df = _read(df, flag=["left_in_year"])
    out = _with_all(
        df,
        by,
        lambda g: pd.DataFrame(
            {"n": [len(g)], "leavers": [int(g["left_in_year"].sum())], "turnover_rate": [g["left_in_year"].mean()]}
        ),
    )
    return suppress(
        out,
        min_cell=_threshold(policy, min_cell, allow_small),
        group=by or "group",
        subcounts={"leavers": ["turnover_rate"]},
        allow_small=True,
    )


def contract_scores(
    survey: pd.DataFrame,
    staff: pd.DataFrame | None = None,
    *,
    dimensions=None,
    by: str | None = "branch_id",
    min_cell: int | None = None,
    policy=None,
    allow_small: bool = False,
) -> pd.DataFrame:
    """Psychological-contract scores by dimension (and branch): respondents, mean, standard deviation
    and the share scoring 4 or more ("important"/"fulfilled"), tidy (one row per group and dimension).
    ``survey``: ``staff_id`` and a column per dimension (1-5); ``staff`` gives the ``by`` column."""
    from cmanalytics.study.codebook import load_codebook

    # by default the study's six dimensions (the codebook's), those the survey has
    dims = list(dimensions or [d.id for d in load_codebook().dimensions if d.id in survey.columns])
    require(survey, dims, "the survey")
    survey = _read(survey, numeric=dims, what="the survey")
    df = survey
    if by is not None and by not in survey.columns:
        if staff is None:
            raise DataError(f"the survey has no {by!r}; pass the HR extract as staff= to look it up.")
        require(survey, ["staff_id"], "the survey")
        require(staff, ["staff_id", by])
        unique_ids(staff)
        unique_ids(survey, what="the survey")
        df = survey.merge(staff[["staff_id", by]], on="staff_id", how="left")
    long = df.melt(id_vars=[c for c in [by] if c], value_vars=dims, var_name="dimension", value_name="score")
    long = long.dropna(subset=["score"])

    def one(g):
        s = g.groupby("dimension", sort=False)["score"]
        res = pd.DataFrame(
            {
                "n": s.size(),
                "mean": s.mean(),
                "sd": s.std(ddof=1),
                "share_4_or_more": s.apply(lambda v: (v >= 4).mean()),
            }
        ).reindex(dims)
        res["n"] = res["n"].fillna(0).astype(int)
        return res.rename_axis("dimension").reset_index()

    return suppress(
        _with_all(long, by, one),
        min_cell=_threshold(policy, min_cell, allow_small),
        group=by or "group",
        blocks=["dimension"],
        shares=["share_4_or_more"],
        allow_small=True,
    )


def npl_ratio_by_grade(
    clients: pd.DataFrame, staff: pd.DataFrame, *, min_cell: int | None = None, policy=None, allow_small: bool = False
) -> pd.DataFrame:
    """Non-performing-loan ratio (NPL balance over loan balance) by the managing customer manager's grade,
    with the number of managers, loans and NPLs. Needs clients' ``manager_id``, ``loan_balance``,
    ``non_performing`` and staff's ``staff_id``, ``grade``."""
    require(clients, ["manager_id", "loan_balance", "non_performing"], "the clients")
    require(staff, ["staff_id", "grade"])
    unique_ids(staff)
    clients = _read(clients, numeric=["loan_balance"], flag=["non_performing"], what="the clients")
    df = clients.merge(staff[["staff_id", "grade"]], left_on="manager_id", right_on="staff_id", how="left")
    unknown = df["grade"].isna()
    if unknown.any():
        raise DataError(
            f"client {df.loc[unknown, 'client_id'].iloc[0] if 'client_id' in df else unknown.idxmax()!r}"
            f" is managed by {df.loc[unknown, 'manager_id'].iloc[0]!r}, who is not in the HR extract."
        )
    loans = df[df["loan_balance"] > 0]
    npl = loans["non_performing"]
    g = loans.assign(npl_balance=loans["loan_balance"] * npl, is_npl=npl).groupby("grade")
    out = pd.DataFrame(
        {
            "n": g["manager_id"].nunique(),
            "loans": g.size(),
            "non_performing": g["is_npl"].sum(),
            "loan_balance": g["loan_balance"].sum(),
            "npl_balance": g["npl_balance"].sum(),
        }
    )
    total = pd.DataFrame(
        {
            "n": [loans["manager_id"].nunique()],
            "loans": [len(loans)],
            "non_performing": [int(npl.sum())],
            "loan_balance": [loans["loan_balance"].sum()],
            "npl_balance": [(loans["loan_balance"] * npl).sum()],
        },
        index=["all"],
    )
    out = pd.concat([out.reindex([x for x in GRADE_ORDER if x in out.index]), total])
    out["npl_ratio"] = out["npl_balance"] / out["loan_balance"]
    out = out.rename_axis("grade").reset_index()
    return suppress(out, min_cell=_threshold(policy, min_cell, allow_small), group="grade", allow_small=True)


def wellbeing(
    staff: pd.DataFrame,
    survey: pd.DataFrame | None = None,
    *,
    by: str | None = "branch_id",
    long_hours: float = 55.0,
    min_cell: int | None = None,
    policy=None,
    allow_small: bool = False,
) -> pd.DataFrame:
    """Workload and wellbeing of customer managers: mean weekly hours, the share working more than
    ``long_hours`` a week, and (from the survey) the mean wellbeing index (0-100, the sources' "physical and
    mental health index") and the share intending to leave. Needs ``weekly_hours``; the survey's
    ``wellbeing_index`` and ``turnover_intention`` when given."""
    df = _managers(staff)
    require(df, ["weekly_hours"])
    df = _read(df, numeric=["weekly_hours"])
    if survey is not None:
        df = _with_wellbeing(df, staff, survey)
    k = _threshold(policy, min_cell, allow_small)
    out = _with_all(df, by, lambda g: _wellbeing_row(g, long_hours, survey is not None))
    survey_cols = [c for c in ("respondents", "mean_wellbeing", "share_intending_to_leave") if c in out]
    staff_part = suppress(
        out,
        min_cell=k,
        value_cols=["mean_weekly_hours", *survey_cols],
        group=by or "group",
        shares=["share_long_hours"],
        allow_small=True,
    )
    if survey is None:
        return staff_part
    return _suppress_answers(staff_part, out, survey_cols, k, by)


def _with_wellbeing(df: pd.DataFrame, staff: pd.DataFrame, survey: pd.DataFrame) -> pd.DataFrame:
    """The managers with their survey's wellbeing index (and turnover intention, where asked)."""
    require(survey, ["staff_id", "wellbeing_index"], "the survey")
    require(df, ["staff_id"])
    unique_ids(staff)
    unique_ids(survey, what="the survey")
    survey = _read(survey, numeric=["wellbeing_index"], optional_flag=["turnover_intention"], what="the survey")
    cols = ["staff_id", "wellbeing_index"] + (["turnover_intention"] if "turnover_intention" in survey else [])
    return df.merge(survey[cols], on="staff_id", how="left")


def _wellbeing_row(g: pd.DataFrame, long_hours: float, surveyed: bool) -> pd.DataFrame:
    """One group's row: hours, the share over long_hours, and the survey's figures among those who answered."""
    row = {
        "n": [len(g)],
        "mean_weekly_hours": [g["weekly_hours"].mean()],
        "share_long_hours": [(g["weekly_hours"] > long_hours).mean()],
    }
    if surveyed:
        answered = g["wellbeing_index"].notna()
        row["respondents"] = [int(answered.sum())]
        row["mean_wellbeing"] = [g.loc[answered, "wellbeing_index"].mean()]
        if "turnover_intention" in g:
            row["share_intending_to_leave"] = [g.loc[answered, "turnover_intention"].astype(float).mean()]
    return pd.DataFrame(row)


def _suppress_answers(staff_part: pd.DataFrame, out: pd.DataFrame, survey_cols: list, k: int, by) -> pd.DataFrame:
    """Survey cells suppressed by the number who answered (and wherever the staff row is blank)."""
    answers = suppress(
        staff_part.drop(columns="suppressed"),
        count_col="respondents",
        min_cell=k,
        value_cols=survey_cols,
        group=by or "group",
        allow_small=True,
        shares=[c for c in ("share_intending_to_leave",) if c in out],
    )
    answers["suppressed"] = staff_part["suppressed"] | answers["suppressed"]
    answers.attrs["suppression"] = (
        staff_part.attrs["suppression"]
        + " Survey answers: "
        + answers.attrs["suppression"][0].lower()
        + answers.attrs["suppression"][1:]
    )
    return answers
