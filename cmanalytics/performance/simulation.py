"""Over the years: the customer-manager team under a policy, year by year. Appraisal, the annual review
(promotion, exit on a fail), qualification renewal every two years, bottom-ranked elimination, voluntary
leaving, and recruitment through the exam towards the staffing plan, with the flows (in, up, down, out)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, PolicyWarning
from cmanalytics.performance.appraisal import bottom_n_elimination, review
from cmanalytics.performance.columns import required_date
from cmanalytics.performance.exam import score_exam
from cmanalytics.performance.policy import Policy
from cmanalytics.performance.rounding import reaches
from cmanalytics.performance.whatif import CM_ROLES, _appraised, _policy, _repeat_once
from cmanalytics.presentation import Reportable

LADDER_OF_EXAM = {
    "senior": "senior",
    "intermediate": "intermediate",
    "junior": "junior",
    "junior (provisional)": "junior",
}


@dataclass(frozen=True, repr=False)
class SimulationResult(Reportable):
    """``flows``: one row per year (headcount at the start, in, up, down, out by cause, headcount at the
    end, the share of formal staff against the floor and the plan, recruits short of the plan);
    ``managers``: the team at the end (level, first_time, appointed, standing)."""

    flows: pd.DataFrame
    managers: pd.DataFrame
    seed: int
    warnings: list = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return self.flows.copy()

    def __repr__(self) -> str:
        f = self.flows
        return (
            f"SimulationResult({len(f)} years, seed {self.seed}: {int(f['start'].iloc[0])} -> "
            f"{int(f['end'].iloc[-1])} managers, share {f['share_end'].iloc[-1]:.1%} against plan "
            f"{f['plan_share'].iloc[-1]:.1%})"
        )

    def _report(self):
        return (
            "Customer managers over the years",
            [("Seed", str(self.seed))],
            [("Flows", self.flows)],
            list(self.warnings),
            [],
        )

    def figure(self):
        """The share of formal staff against the 20% floor and the plan, and the flows per year."""
        import matplotlib.pyplot as plt

        f = self.flows
        fig, ax = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
        ax[0].plot(f.index, 100 * f["share_end"], "o-", label="customer managers / formal staff")
        ax[0].plot(f.index, 100 * f["plan_share"], "s--", label="plan")
        ax[0].axhline(100 * f["floor"].iloc[0], color="#a40000", lw=1, label="floor")
        ax[0].set_xticks(f.index, [str(y) for y in f.index])  # whole years, not 2026.25
        ax[0].set_xlabel("year")
        ax[0].set_ylabel("%")
        ax[0].set_title("Staffing share")
        ax[0].legend()
        x = np.arange(len(f))
        flows = {"in": f["in"], "up": f["up"], "down": -f["down"], "out": -f["out"]}
        for k, (name, v) in enumerate(flows.items()):
            ax[1].bar(x + (k - 1.5) * 0.2, v, 0.2, label=name)
        ax[1].set_xticks(x, f.index)
        ax[1].axhline(0, color="#555", lw=1)
        ax[1].set_ylabel("managers")
        ax[1].set_title("Flows per year (down and out below zero)")
        ax[1].legend()
        return fig


def _start(bank, pol: Policy, as_of: pd.Timestamp, rng) -> tuple[pd.DataFrame, int]:
    staff = bank.staff
    formal = staff["formal"].astype(bool) if "formal" in staff else pd.Series(True, index=staff.index)
    cms = staff[staff["role"].isin(CM_ROLES) & formal].set_index("staff_id")
    scores = _appraised(bank, pol, None)["score"]
    mu = scores.reindex(cms.index)
    mu = mu.fillna(scores.mean() - scores.std())  # trainees: not yet appraised, start below the mean
    renewal_years = pol.data["exam"].get("renewal", {}).get("qualification_years", 2)
    appointed = pd.to_datetime(cms["appointed"])
    since = ((as_of - appointed).dt.days / 365.25).fillna(0).to_numpy()
    # the next renewal: the first multiple of the qualification's life after appointment still ahead
    due = as_of.year + np.ceil(np.maximum(since, 1e-9) / renewal_years) * renewal_years - np.floor(since)
    team = pd.DataFrame(
        {
            "branch_id": cms["branch_id"],
            "level": cms["grade"],
            "first_time": cms["first_time"],
            "appointed": appointed,
            "mu": mu.to_numpy(),
            "renewal": due.astype(int),
        },
        index=cms.index,
    )
    return team, int(formal.sum())


def _recruit(bank, pol: Policy, need: int, year: int, rng, scheme: str, n_candidates: int) -> tuple[pd.DataFrame, int]:
    if need <= 0:
        return pd.DataFrame(columns=["branch_id", "level", "first_time", "appointed", "mu", "renewal"]), 0
    pool = bank.candidates.sample(n_candidates, replace=True, random_state=rng).reset_index(drop=True)
    # this year's candidates: the bank's, resampled, each part moved by up to a point (the same parts,
    # the same maxima: clipped)
    sch = pol.scheme(scheme)
    for part, top in {"written": sch["written"], **sch["interview"]}.items():
        pool[part] = np.clip(np.round(pool[part] + rng.integers(-1, 2, len(pool))), 0, top)
    res = score_exam(pool, scheme=scheme, policy=pol)
    hired = res[res["grade"].notna()].sort_values(["passed", "rank"], ascending=[False, True]).head(need)
    renewal_years = pol.data["exam"].get("renewal", {}).get("qualification_years", 2)
    new = pd.DataFrame(
        {
            "branch_id": pool.loc[hired.index, "branch_id"].to_numpy(),
            "level": hired["grade"].map(lambda g: LADDER_OF_EXAM.get(g, "junior")).to_numpy(),
            "first_time": True,
            "appointed": pd.Timestamp(f"{year}-12-31"),
            "mu": np.clip(
                72
                + 6 * (hired["total"].to_numpy() - res["total"].mean()) / (res["total"].std() or 1)
                + rng.normal(0, 4, len(hired)),
                0,
                100,
            ),
            "renewal": year + renewal_years,
        },
        index=[f"N{year}-{k:04d}" for k in range(len(hired))],
    )
    return new, need - len(hired)


def _check_arguments(years, seed, candidates_per_year, score_sd, leave_rate) -> None:
    """Refuse years and seed that are not whole numbers, and a candidates_per_year, score_sd or leave_rate that
    would be replaced or makes no sense."""
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ArgumentError(f"years must be a whole number, 1 or more (got {years!r}).")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ArgumentError(f"seed must be a whole number (got {seed!r}).")
    # 0 candidates would otherwise fall back to the bank's number: refused rather than silently replaced
    if candidates_per_year is not None and (
        isinstance(candidates_per_year, bool)
        or not isinstance(candidates_per_year, (int, np.integer))
        or candidates_per_year < 1
    ):
        raise ArgumentError(
            f"candidates_per_year must be a whole number, 1 or more, or None for the bank's candidates "
            f"(got {candidates_per_year!r})."
        )
    if isinstance(score_sd, bool) or not isinstance(score_sd, (int, float)) or not 0 <= score_sd < float("inf"):
        raise ArgumentError(f"score_sd must be a number, 0 or more (got {score_sd!r}).")
    if leave_rate is not None and (
        isinstance(leave_rate, bool) or not isinstance(leave_rate, (int, float)) or not 0 <= leave_rate <= 1
    ):
        raise ArgumentError(f"leave_rate must be a share in [0, 1], or None for the bank's (got {leave_rate!r}).")


def simulate_years(
    bank,
    policy=None,
    years: int = 3,
    *,
    seed: int,
    as_of: str = "2025-12-31",
    scheme: str = "B",
    candidates_per_year: int | None = None,
    score_sd: float = 4.0,
    leave_rate: float | None = None,
) -> SimulationResult:
    """Run the team forward ``years`` years under ``policy`` (a Policy, a file, or None for the defaults).

    Each year: every manager's annual score is their standing (the bank's annual score at the start;
    for a recruit, from their exam total) plus normal noise (``score_sd``), rounded to the policy's
    precision; trainees become juniors after their first year (见习: the first year after graduation);
    the review (:func:`review`): excellent moves a level up, a fail (不合格) leaves the role; at renewal,
    every ``qualification_years`` years after appointment, a manager whose score falls short of their
    level's ``[pay] standard`` is renewed one level lower (this policy's reading of "a qualification
    without the grade's results"); bottom-ranked elimination (:func:`bottom_n_elimination`, the policy's
    ties and scope, first-time managers protected); voluntary leaving at ``leave_rate`` (default: the
    bank's customer managers' ``left_in_year`` share); then recruitment through the exam (``scheme``; the
    bank's candidates resampled, ``candidates_per_year`` of them) towards the plan's share of formal staff
    (``[workforce] plan``: from ``start_share`` to ``target_share`` linearly over its years), recruits
    drawn from formal staff in other posts (so formal staff stay constant). Recruits short of the plan are
    counted (``short``). Seeded: the same seed gives the same flows.
    """
    pol = _policy(policy)
    _check_arguments(years, seed, candidates_per_year, score_sd, leave_rate)
    rng = np.random.default_rng(seed)
    start = required_date(as_of, "as_of", "the day the team is taken from the bank")
    record: list = []
    wf = pol.data["workforce"]
    plan = wf.get("plan", {"start_share": 0.0, "target_share": 0.0, "years": 1})
    floor = wf.get("cm_share_floor", 0.2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PolicyWarning)
        team, n_formal = _start(bank, pol, start, rng)
        if leave_rate is None:
            cm = bank.staff[bank.staff["role"].isin(CM_ROLES)]
            leave_rate = float(cm["left_in_year"].astype(bool).mean())
        n_cand = candidates_per_year or len(bank.candidates)
        rows = []
        for t in range(1, years + 1):
            year = start.year + t
            row = {"year": year, "start": len(team)}
            team, moves = _review_and_leave(team, year, pol, rng, score_sd, leave_rate)
            target = (
                plan["start_share"]
                + (plan["target_share"] - plan["start_share"]) * min(t, plan["years"]) / plan["years"]
            )
            need = int(np.ceil(target * n_formal)) - len(team)
            new, missing = _recruit(bank, pol, need, year, rng, scheme, n_cand)
            team = pd.concat([team, new])
            row.update(
                {
                    "in": len(new),
                    **moves,
                    "end": len(team),
                    "formal_staff": n_formal,
                    "share_end": len(team) / n_formal,
                    "floor": floor,
                    "plan_share": target,
                    "short": max(missing, 0),
                }
            )
            rows.append(row)
    _repeat_once(caught, record)
    flows = pd.DataFrame(rows).set_index("year")
    return SimulationResult(flows, team, int(seed), record)


def _review_and_leave(team: pd.DataFrame, year: int, pol: Policy, rng, score_sd: float, leave_rate: float):
    """One year of the team before recruitment: scores, the review, renewal, elimination, voluntary leaving.
    Returns the team that stays and the counts of the moves (up, down, out by cause)."""
    ladder = list(pol.data["review"]["ladder"])
    standard = pol.data["pay"]["standard"]
    renewal_years = pol.data["exam"].get("renewal", {}).get("qualification_years", 2)
    day = pd.Timestamp(f"{year}-12-31")
    was_trainee = team["level"] == "trainee"
    team.loc[was_trainee, "level"] = "junior"
    score = pol.round(np.clip(team["mu"] + rng.normal(0, score_sd, len(team)), 0, 100))
    rv = review(score, team["level"], pol)
    up = rv["move"].apply(lambda v: v if v != "exit" else 0).astype(int)
    promoted = (up > 0) & (rv["new_level"] != team["level"])
    team["level"] = rv["new_level"].where(~rv["exits"], team["level"])
    failed = rv["exits"]
    due = (team["renewal"] == year) & ~failed
    short = due & ~reaches(score, team["level"].map(standard), pol.data["pay"].get("standard_inclusive", True))
    pos = team["level"].map(ladder.index)
    down = short & (pos > 0)
    team.loc[down, "level"] = (pos[down] - 1).map(lambda k: ladder[int(k)])
    team.loc[due, "renewal"] = year + renewal_years
    frame = team.assign(score=score)
    elim = bottom_n_elimination(frame[~failed], as_of=day, policy=pol)
    eliminated = pd.Series(False, index=team.index)
    eliminated[elim.index[elim["status"] == "eliminated"]] = True
    voluntary = ~failed & ~eliminated & pd.Series(rng.uniform(size=len(team)) < leave_rate, index=team.index)
    out = failed | eliminated | voluntary
    moves = {
        "up": int(promoted.sum()),
        "down": int(down.sum()),
        "out": int(out.sum()),
        "out_review_fail": int(failed.sum()),
        "out_eliminated": int(eliminated.sum()),
        "out_voluntary": int(voluntary.sum()),
    }
    return team[~out], moves
