"""What if the policy changed? One policy applied to a whole bank (appraisal, grade, pay, elimination,
assignment), and two policies compared: who changes grade, pay, assignment or elimination, the totals and
the distribution by branch."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, PolicyWarning, outside_stacklevel
from cmanalytics.performance.appraisal import Scorecard, annual_scores, appraise, bottom_n_elimination
from cmanalytics.performance.assignment import AssignmentResult, assign_clients
from cmanalytics.performance.exam import score_exam
from cmanalytics.performance.pay import pay
from cmanalytics.performance.policy import Policy, load_policy
from cmanalytics.performance.profit import profit_by_manager, simulated_profit
from cmanalytics.presentation import Reportable

CM_ROLES = ("corporate_cm", "personal_cm", "wealth_manager")


def _policy(p) -> Policy:
    if p is None or (isinstance(p, str) and p == "default"):
        return load_policy()
    if isinstance(p, Policy):
        return p
    return load_policy(p)


def _name(source) -> str:
    """A policy's file name without its folder: a report shows the same text wherever the file was."""
    from pathlib import Path

    return Path(str(source)).name


@dataclass(frozen=True, repr=False)
class PolicyOutcome(Reportable):
    """One policy applied to a bank: ``managers`` (one row per customer manager appraised on results:
    score, grade, coefficient, pay steps, elimination status), the client ``assignment`` and the
    quarterly scorecards (``card``)."""

    policy: Policy
    managers: pd.DataFrame
    assignment: AssignmentResult
    card: Scorecard
    warnings: list = field(default_factory=list)

    def __repr__(self) -> str:
        m = self.managers
        return (
            f"PolicyOutcome({_name(self.policy.source)}: {len(m)} managers, pay {m['total_paid'].sum():,.0f} yuan, "
            f"{int((m['status'] == 'eliminated').sum())} eliminated)"
        )

    def _report(self):
        m = self.managers
        rows = [
            ("Policy", _name(self.policy.source)),
            ("Managers", str(len(m))),
            ("Total paid (yuan)", f"{m['total_paid'].sum():,.0f}"),
            ("Eliminated", str(int((m["status"] == "eliminated").sum()))),
        ]
        return (
            "Policy outcome",
            rows,
            [("Grades", m["grade"].value_counts().to_frame("managers"))],
            list(self.warnings),
            [],
        )


def _repeat_once(caught: list, record: list) -> None:
    """The warnings caught while the steps ran, each distinct message once, kept on the result (``record``); the
    PolicyWarnings are also warned again at the caller's line, so a filter or ``-W error`` sees them (the steps
    repeat the same policy reading for every manager or year). Other warnings (a DataWarning about clients whose
    manager is gone) stay on the result only, as before."""
    seen = set(record)
    for w in caught:
        text = str(w.message)
        if text not in seen:
            seen.add(text)
            record.append(text)
            if issubclass(w.category, PolicyWarning):
                warnings.warn(text, w.category, stacklevel=outside_stacklevel())


def _appraised(bank, policy: Policy, year: int | None, card=None) -> pd.DataFrame:
    card = card if card is not None else appraise(bank.indicators, policy)
    annual = annual_scores(card, policy=policy).reset_index()
    years = sorted(annual["year"].unique())
    year = years[-1] if year is None else year
    if year not in years:
        raise ArgumentError(f"the bank's indicators cover {years}, not year {year}.")
    score = annual[annual["year"] == year].set_index("manager_id")["score"]
    results = card.area_scores["results"].groupby(level=0).mean().rename("results")
    return pd.concat([score, policy.round(results)], axis=1, join="inner")


def apply_policy(bank, policy=None, *, as_of: str = "2025-12-31", year: int | None = None) -> PolicyOutcome:
    """Apply one policy to a bank shaped like :func:`cmanalytics.synthetic.bank.synthetic_bank`: appraisal
    (:func:`appraise`), the annual grade and pay (:func:`pay`, simulated profit from the clients),
    elimination (:func:`bottom_n_elimination`) and the client assignment (:func:`assign_clients`) among
    the corporate managers who stay (the clients of those eliminated are reassigned).
    ``policy``: a Policy, a path to a policy file, or None (or "default") for the defaults. PolicyWarnings about the
    policy's illustrative readings are gathered on the result (``warnings``) and warned once each."""
    pol = _policy(policy)
    record: list = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PolicyWarning)
        card = appraise(bank.indicators, pol)
        scores = _appraised(bank, pol, year, card)
        staff = bank.staff.set_index("staff_id")
        cms = staff[staff["role"].isin(CM_ROLES)].join(scores, how="inner")
        profit = profit_by_manager(simulated_profit(bank.clients, pol))["profit"]
        frame = pd.DataFrame(
            {
                "manager_id": cms.index,
                "level": cms["grade"].to_numpy(),
                "simulated_profit": profit.reindex(cms.index).fillna(0.0).to_numpy(),
                "first_time": cms["first_time"].to_numpy(),
                "appointed": cms["appointed"].to_numpy(),
            }
        )
        for col in ("previous_pay_coefficient", "previous_performance_pay"):
            if col in cms:
                frame[col] = cms[col].to_numpy()
        paid = pay(frame, cms["score"], pol, as_of=as_of).table
        elim = bottom_n_elimination(cms.rename(columns={"grade": "level"}), as_of=as_of, policy=pol)
        # the eliminated leave the team: their clients are reassigned as clients without a manager
        gone = elim.index[elim["status"] == "eliminated"]
        corp = staff[
            (staff["role"] == "corporate_cm")
            & staff["grade"].isin(pol.data["assignment"]["levels"])
            & ~staff.index.isin(gone)
        ]
        mgrs = pd.DataFrame(
            {"manager_id": corp.index, "level": corp["grade"].to_numpy(), "branch_id": corp["branch_id"].to_numpy()}
        )
        assignment = assign_clients(bank.clients, mgrs, pol)
    _repeat_once(caught, record)
    managers = paid.join(elim[["status"]]).join(cms[["branch_id", "role"]])
    managers.index.name = "manager_id"
    return PolicyOutcome(pol, managers, assignment, card, record)


@dataclass(frozen=True, repr=False)
class PolicyComparison(Reportable):
    """Two policies on one bank. ``managers``: one row per manager with ``*_a`` and ``*_b`` for grade,
    pay and status, and what changed; ``clients``: the clients whose manager changed; ``totals``: each
    policy's totals side by side; ``by_branch``: per branch, managers, mean pay under each, and how many
    change grade or are eliminated (counts of fewer than ``min_cell`` blanked)."""

    a: PolicyOutcome
    b: PolicyOutcome
    managers: pd.DataFrame
    clients: pd.DataFrame
    totals: pd.DataFrame
    by_branch: pd.DataFrame
    min_cell: int = 5

    def __repr__(self) -> str:
        m = self.managers
        return (
            f"PolicyComparison({_name(self.a.policy.source)} vs {_name(self.b.policy.source)}: "
            f"{int(m['grade_changed'].sum())} change grade, {int(m['pay_changed'].sum())} change pay, "
            f"{int(m['status_changed'].sum())} change elimination status, {len(self.clients)} clients reassigned)"
        )

    def to_frame(self) -> pd.DataFrame:
        return self.managers.copy()

    def _report(self):
        return (
            "Policy comparison",
            [("A", _name(self.a.policy.source)), ("B", _name(self.b.policy.source))],
            [("Totals", self.totals), ("By branch", self.by_branch)],
            [],
            [f"Counts of fewer than {self.min_cell} managers are blanked."],
        )

    def figure(self):
        """Two panels: the distribution of each manager's pay change (B minus A), and per branch the mean
        pay under A and B. Distributions and means only: no single manager is drawn."""
        import matplotlib.pyplot as plt

        from cmanalytics.presentation import suppressed_hist

        fig, ax = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
        diff = (self.managers["total_paid_b"] - self.managers["total_paid_a"]).dropna() / 1e3
        suppressed_hist(ax[0], diff, bins=20, min_cell=self.min_cell)  # no bin of fewer than min_cell people
        ax[0].set_xlabel("pay under B minus pay under A, thousand yuan")
        ax[0].set_ylabel("managers")
        ax[0].set_title("Change in each manager's pay")
        br = self.by_branch
        x = np.arange(len(br))
        ax[1].bar(x - 0.2, br["mean_pay_a"] / 1e3, 0.4, label="A", color="#8fa8d0")
        ax[1].bar(x + 0.2, br["mean_pay_b"] / 1e3, 0.4, label="B", color="#4c72b0")
        ax[1].set_xticks(x, br.index, rotation=90)
        ax[1].set_ylabel("mean pay, thousand yuan")
        ax[1].set_title("Mean pay by branch")
        ax[1].legend()
        return fig


def compare_policies(
    bank, policy_a, policy_b, *, as_of: str = "2025-12-31", year: int | None = None, min_cell: int = 5
) -> PolicyComparison:
    """What if the policy changed: apply ``policy_a`` and ``policy_b`` (Policy objects or policy files,
    e.g. appraisal area weights 50/30/20 against 40/30/30) to the same bank and report who changes grade,
    pay, elimination status or client manager, the totals, and the distribution by branch."""
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ArgumentError(f"min_cell must be a whole number, 1 or more (got {min_cell!r}).")
    a, b = apply_policy(bank, policy_a, as_of=as_of, year=year), apply_policy(bank, policy_b, as_of=as_of, year=year)
    cols = ["score", "grade", "paid_level", "total_paid", "status"]
    m = (
        a.managers[cols + ["branch_id"]]
        .add_suffix("_a")
        .rename(columns={"branch_id_a": "branch_id"})
        .join(b.managers[cols].add_suffix("_b"), how="outer")
    )
    m["grade_changed"] = m["grade_a"].ne(m["grade_b"])
    m["pay_change"] = m["total_paid_b"] - m["total_paid_a"]
    m["pay_changed"] = m["pay_change"].abs().gt(0.5) | (m["total_paid_a"].isna() != m["total_paid_b"].isna())
    m["status_changed"] = m["status_a"].ne(m["status_b"])
    ca, cb = a.assignment.manager, b.assignment.manager
    moved = ca.ne(cb) & ~(ca.isna() & cb.isna())
    clients = pd.DataFrame({"manager_a": ca[moved], "manager_b": cb[moved]})
    totals = pd.DataFrame(
        {
            "A": [
                a.managers["total_paid"].sum(),
                a.managers["total_paid"].isna().sum(),
                (a.managers["status"] == "eliminated").sum(),
                (a.assignment.table["rule"] == "unplaced").sum(),
            ],
            "B": [
                b.managers["total_paid"].sum(),
                b.managers["total_paid"].isna().sum(),
                (b.managers["status"] == "eliminated").sum(),
                (b.assignment.table["rule"] == "unplaced").sum(),
            ],
        },
        index=["total paid (yuan)", "managers without a pay figure", "eliminated", "clients unplaced"],
    )
    totals["B - A"] = totals["B"] - totals["A"]
    g = m.groupby("branch_id")
    by_branch = pd.DataFrame(
        {
            "managers": g.size(),
            "mean_pay_a": g["total_paid_a"].mean(),
            "mean_pay_b": g["total_paid_b"].mean(),
            "grade_changed": g["grade_changed"].sum(),
            "eliminated_a": g["status_a"].apply(lambda s: (s == "eliminated").sum()),
            "eliminated_b": g["status_b"].apply(lambda s: (s == "eliminated").sum()),
        }
    )
    small = by_branch["managers"] < min_cell
    by_branch.loc[small, ["mean_pay_a", "mean_pay_b"]] = np.nan
    for col in ("grade_changed", "eliminated_a", "eliminated_b"):
        by_branch[col] = by_branch[col].astype(float).where(~by_branch[col].between(1, min_cell - 1))
    return PolicyComparison(a, b, m, clients, totals, by_branch, min_cell)


@dataclass(frozen=True, repr=False)
class ExamComparison(Reportable):
    """The same candidates under two exam schemes: ``candidates`` (one row per candidate: total, passed
    and grade under each, and whether the outcome changed) and ``grades`` (how many reach each grade
    under each scheme)."""

    scheme_a: str
    scheme_b: str
    candidates: pd.DataFrame
    grades: pd.DataFrame

    def __repr__(self) -> str:
        c = self.candidates
        return (
            f"ExamComparison(scheme {self.scheme_a} vs {self.scheme_b}: {int(c['passed_a'].sum())} vs "
            f"{int(c['passed_b'].sum())} pass, {int(c['grade_changed'].sum())} change grade)"
        )

    def to_frame(self) -> pd.DataFrame:
        return self.candidates.copy()

    def _report(self):
        return (
            f"Exam schemes {self.scheme_a} and {self.scheme_b}",
            [],
            [("Grades", self.grades)],
            [],
            ["Each part rescaled in proportion to its maximum (the same share of the part's points)."],
        )


def _rescaled(candidates: pd.DataFrame, source: dict, target: dict) -> pd.DataFrame:
    out = candidates.copy()
    parts = {"written": (source["written"], target["written"])}
    for name, top in target["interview"].items():
        if name not in source["interview"]:
            raise ArgumentError(f"the interview part {name!r} of the target scheme is not in the source scheme.")
        parts[name] = (source["interview"][name], top)
    for name, (s_top, t_top) in parts.items():
        out[name] = pd.to_numeric(out[name], errors="coerce") * t_top / s_top
    return out


def compare_exams(
    candidates: pd.DataFrame, scheme_a: str = "B", scheme_b: str = "C", policy=None, *, given_in: str | None = None
) -> ExamComparison:
    """The same candidates scored under two exam schemes (:func:`score_exam`), e.g. scheme B against
    scheme C: who passes, who changes grade, how many reach each grade.

    The candidates' points are given in one scheme's maxima (``given_in``, default ``scheme_a``); for the
    other scheme each part is rescaled in proportion to its maximum (a candidate keeps the same share of
    the written exam's and of each interview part's points: 42 of 50 written points are 25.2 of 30). This
    is an assumption, stated on the result: a real comparison would need the candidates' answers marked
    under both schemes. Personal-record points are computed from the record columns under each scheme."""
    pol = _policy(policy)
    given = given_in or scheme_a
    src = pol.scheme(given)
    res = {}
    for s in (scheme_a, scheme_b):
        data = candidates if s == given else _rescaled(candidates, src, pol.scheme(s))
        res[s] = score_exam(data, scheme=s, policy=pol)
    a, b = res[scheme_a], res[scheme_b]
    table = pd.DataFrame(
        {
            "total_a": a["total"],
            "passed_a": a["passed"],
            "grade_a": a["grade"],
            "total_b": b["total"],
            "passed_b": b["passed"],
            "grade_b": b["grade"],
        }
    )
    table["grade_changed"] = table["grade_a"].fillna("none").ne(table["grade_b"].fillna("none"))
    grades = (
        pd.DataFrame(
            {
                f"scheme {scheme_a}": a["grade"].fillna("not qualified").value_counts(),
                f"scheme {scheme_b}": b["grade"].fillna("not qualified").value_counts(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    return ExamComparison(scheme_a, scheme_b, table, grades)
