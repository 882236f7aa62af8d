"""Appraisal (考核): quarterly and annual scorecards from indicator data, the annual review rating (资格年审),
promotion and demotion, bottom-ranked elimination (末位淘汰) and deferred performance pay."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError, PolicyWarning, diagnose, outside_stacklevel
from cmanalytics.performance.columns import require, required_date, strict_bool, strict_dates, strict_numbers
from cmanalytics.performance.grades import band_index, checked_scores
from cmanalytics.performance.policy import Policy, load_policy
from cmanalytics.performance.rounding import reaches
from cmanalytics.presentation import Reportable


def _first(mask: pd.Series):
    return mask[mask].index[0]


def _normalize(values: pd.Series, spec: dict, frame: pd.DataFrame, groups: list[pd.Series]) -> pd.Series:
    """One indicator's raw values as a 0-100 score (higher is better), by its policy normalization."""
    name, norm = spec["indicator"], spec.get("normalization", "scale")
    lower = spec["direction"] == "lower"
    if norm == "scale":
        lo, hi = spec.get("range", [0.0, 100.0])
        outside = (values < lo) | (values > hi)
        if outside.any():
            row = _first(outside)
            raise DataError(
                f"indicator {name!r} of row {row!r} is {values[row]:g}, outside its range [{lo:g}, {hi:g}] "
                "in the policy."
            )
        score = 100.0 * (values - lo) / (hi - lo)
        return 100.0 - score if lower else score
    if norm == "completion":
        target_col = f"{name}_target"
        if target_col in frame.columns:
            target = pd.to_numeric(frame[target_col], errors="coerce")
            bad = target.isna() | (target <= 0)
            if bad.any():
                raise DataError(f"{target_col} of row {_first(bad)!r} is missing or not positive.")
            ratio = values / target
        else:
            ratio = values
        if (ratio < 0).any():
            raise DataError(f"indicator {name!r} of row {_first(ratio < 0)!r} is negative.")
        full = spec.get("full_marks_at", 1.0)
        if lower:  # below target is good: full marks at or under the target
            return 100.0 * np.minimum(full / ratio.where(ratio > 0, np.nan), 1.0).fillna(1.0)
        return 100.0 * np.minimum(ratio / full, 1.0)
    # peer: percentile standing within the period (and peer group). Ties share the BETTER standing (as in
    # the exam's ranks 1, 2, 2, 4), so the best observed value always scores 100 and a team in which no one
    # had a complaint scores 100 each, not 50.
    keys = groups if groups else [pd.Series(0, index=values.index)]
    rank = values.groupby(keys).rank(method="max", ascending=not lower)
    n = values.groupby(keys).transform("size")
    return pd.Series(np.where(n > 1, 100.0 * (rank - 1) / (n - 1).where(n > 1, 1), 100.0), index=values.index)


@dataclass(frozen=True, repr=False)
class Scorecard(Reportable):
    """Scorecards for each manager and period: every indicator scored 0-100, the area scores (weighted
    means of their indicators) and the total (weighted mean of the areas)."""

    indicator_scores: pd.DataFrame
    area_scores: pd.DataFrame
    total: pd.Series
    weights: dict = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        """Area scores and the total, one row per manager and period."""
        return self.area_scores.assign(total=self.total)

    def _report(self):
        desc = self.table.describe().T[["count", "mean", "std", "min", "max"]]
        rows = [
            ("Managers x periods", str(len(self.total))),
            ("Area weights", ", ".join(f"{a} {100 * w:g}%" for a, w in self.weights.items())),
        ]
        return "Appraisal scorecards", rows, [("Scores (0-100)", desc)], [], []


def _check_indicators(frame: pd.DataFrame, specs: dict, id_col, period_col, peer_col, keys) -> list[str]:
    """Refuse indicator data the policy cannot score; the index columns (manager, and period if any)."""
    for col in [id_col] + ([period_col] if period_col else []) + ([peer_col] if peer_col else []):
        if col not in frame.columns:
            raise DataError(f"the indicator data lack the column {col!r}.")
    allowed = {id_col, period_col, peer_col, *keys} | set(specs) | {f"{n}_target" for n in specs}
    unknown = [c for c in frame.columns if c not in allowed]
    if unknown:
        raise DataError(
            f"indicator(s) {', '.join(map(repr, unknown))} are not in the policy (it knows "
            f"{', '.join(specs)}); pass other columns as keys=."
        )
    missing = [n for n in specs if n not in frame.columns]
    if missing:
        raise DataError(f"the indicator data lack {', '.join(map(repr, missing))}, which the policy weights.")
    index_cols = [id_col] + ([period_col] if period_col else [])
    dup = frame.duplicated(index_cols)
    if dup.any():
        raise DataError(
            f"row {_first(dup)!r} repeats manager {frame.loc[_first(dup), id_col]!r}"
            + (f" in period {frame.loc[_first(dup), period_col]!r}." if period_col else ".")
        )
    if peer_col:
        no_group = frame[peer_col].isna()
        if no_group.any():
            raise DataError(
                f"the peer group ({peer_col!r}) of row(s) {', '.join(map(repr, no_group[no_group].index[:5]))} "
                "is missing; a manager without peers cannot be ranked among them."
            )
    return index_cols


def appraise(
    indicators: pd.DataFrame,
    policy: Policy | None = None,
    *,
    id_col: str = "manager_id",
    period_col: str | None = "period",
    peer_col: str | None = None,
    keys: tuple[str, ...] = (),
) -> Scorecard:
    r"""Score appraisal indicators by the policy: each indicator normalized to 0-100 and turned round where
    lower is better, area scores :math:`A_a = \operatorname{round}(\sum_i w_{ai} s_i)` (weights within an
    area sum to 1) and the total :math:`T = \operatorname{round}(\sum_a v_a A_a)`, each rounded half up to
    the policy's ``[scores] precision`` (2: the score as printed) before it is banded or ranked.

    Normalizations (set per indicator in the policy): ``completion`` :math:`100\min(x/t / f, 1)` with the
    target *t* from a ``<indicator>_target`` column (else *x* is the completion ratio itself) and full marks
    at *f* (default 1: over-completion earns no more); ``scale`` :math:`100(x - lo)/(hi - lo)`; ``peer``
    the percentile standing within the period and ``peer_col`` group, :math:`100(r - 1)/(n - 1)` with tied
    values sharing the better rank, so the best observed value scores 100 (a group of one scores 100; a
    missing peer group is an error).

    ``indicators``: one row per manager (``id_col``) and period (``period_col``; None for a single period)
    with a column per indicator. Columns the policy does not know are errors unless listed in ``keys``.
    There is no SPSS or R equivalent; the weights are one bank's published weights
    (``../shared/domain/customer_manager_policies.md``, section 3). The input is not modified.
    """
    pol = policy or load_policy()
    specs = pol.indicators()
    if not specs:
        raise ArgumentError("the policy defines no appraisal indicators.")
    if peer_col and not any(s.get("normalization", "scale") == "peer" for s in specs.values()):
        raise ArgumentError(
            f"peer_col={peer_col!r} groups the peer-ranked indicators, and this policy ranks none among peers; "
            "leave peer_col out (or pass the column as keys=)."
        )
    frame = indicators
    index_cols = _check_indicators(frame, specs, id_col, period_col, peer_col, keys)
    groups = [frame[c] for c in (period_col, peer_col) if c]
    scores = {}
    for name, spec in specs.items():
        values = pd.to_numeric(frame[name], errors="coerce")
        bad = values.isna()
        if bad.any():
            raise DataError(f"indicator {name!r} of row {_first(bad)!r} is missing or not a number.")
        scores[name] = _normalize(values.astype(float), spec, frame, groups)
    index = pd.MultiIndex.from_frame(frame[index_cols]) if period_col else pd.Index(frame[id_col])
    ind = pd.DataFrame({n: s.to_numpy() for n, s in scores.items()}, index=index)
    appraisal = pol.data["appraisal"]
    # Each printed score is rounded to the policy's precision, and the next level computed from the
    # printed figures, so that a reader's hand check of a scorecard agrees with it to the last digit.
    areas = {
        a: pol.round(sum(i["weight"] * ind[i["indicator"]] for i in inds)) for a, inds in appraisal["areas"].items()
    }
    area = pd.DataFrame(areas, index=index)
    weights = appraisal.get("area_weights") or {a: 1.0 / len(areas) for a in areas}
    if "source_note" in appraisal:
        warnings.warn(f"appraisal: {appraisal['source_note']}", PolicyWarning, stacklevel=outside_stacklevel())
    total = pol.round(sum(w * area[a] for a, w in weights.items())).rename("total")
    return Scorecard(ind, area, total, dict(weights))


def annual_scores(
    quarterly: pd.Series | Scorecard, *, quarters_expected: int = 4, policy: Policy | None = None
) -> pd.DataFrame:
    """The annual appraisal score: the mean of each manager's quarterly totals in each year, rounded to
    the policy's precision (the score as printed) before it is graded or ranked.

    ``quarterly``: a Scorecard, or its ``total`` (a Series indexed by manager and period, the period a
    pandas Period or a string such as ``"2025Q3"``). Returns one row per manager and year: ``score``,
    ``n_quarters`` and ``complete`` (appraised in all ``quarters_expected`` quarters). A manager appraised
    in fewer quarters (joined mid-year) is averaged over those; the count says so.
    """
    total = quarterly.total if isinstance(quarterly, Scorecard) else quarterly
    if not isinstance(total.index, pd.MultiIndex) or total.index.nlevels != 2:
        raise DataError("annual scores need quarterly totals indexed by (manager, period).")
    ids = total.index.get_level_values(0)
    try:
        periods = pd.PeriodIndex(total.index.get_level_values(1).astype(str), freq="Q")
    except (ValueError, TypeError) as exc:
        raise DataError(f"periods must be quarters such as '2025Q3': {exc}") from None
    df = pd.DataFrame({"manager_id": ids, "year": periods.year, "score": total.to_numpy()})
    out = df.groupby(["manager_id", "year"]).agg(score=("score", "mean"), n_quarters=("score", "size"))
    out["score"] = (policy or load_policy()).round(out["score"])
    out["complete"] = out["n_quarters"] >= quarters_expected
    return out


def annual_score_by_manager(
    indicators: pd.DataFrame, *, year: int | None = None, policy: Policy | None = None
) -> pd.Series:
    """Each manager's annual appraisal score from quarterly indicator data (:func:`appraise`, then
    :func:`annual_scores`), for one ``year`` or averaged over the years given; a Series by manager."""
    annual = annual_scores(appraise(indicators, policy), policy=policy).reset_index()
    if year is not None:
        annual = annual[annual["year"] == year]
    return (policy or load_policy()).round(annual.groupby("manager_id")["score"].mean()).rename("appraisal")


def review(scores, levels: pd.Series | None = None, policy: Policy | None = None) -> pd.DataFrame:
    """The annual qualification review (资格年审): a rating by the policy's score bands (excellent, good,
    pass, fail by default; the score rounded to the policy's precision first), the move it brings
    (promotion, none, or exit: a manager who fails (不合格) may no longer work as a customer manager; a pass
    (合格) is a pass and brings no demotion), and, given each manager's current ``levels``, the new level (a step
    beyond either end of the ladder stays at that end).

    ``scores``: a Series of annual scores (0-100). Returns, indexed like it: ``rating``, ``rating_zh``,
    ``move`` (+1, 0, -1 or "exit"), ``exits`` and, with ``levels``, ``level`` and ``new_level`` (missing
    for those who exit). The default bands are illustrative (the source gives none): a PolicyWarning says
    so.
    """
    pol = policy or load_policy()
    rv = pol.data["review"]
    s = checked_scores(scores, pol, "annual score")
    if "source_note" in rv:
        warnings.warn(f"review: {rv['source_note']}", PolicyWarning, stacklevel=outside_stacklevel())
    k = band_index(s, rv["bands"], rv["inclusion"])
    out = pd.DataFrame(index=s.index, columns=["rating", "rating_zh", "move"], dtype=object)
    for j, band in enumerate(rv["bands"]):
        inside = k == j
        out.loc[inside, "rating"] = band["rating"]
        out.loc[inside, "rating_zh"] = band.get("zh", band["rating"])
        out.loc[inside, "move"] = band.get("move", 0)
    out["exits"] = out["move"].eq("exit")
    if levels is not None:
        ladder = list(rv["ladder"])
        lv = pd.Series(levels).reindex(s.index)
        unknown = ~lv.isin(ladder)
        if unknown.any():
            row = _first(unknown)
            raise DataError(f"level {lv[row]!r} of {row!r} is not on the review ladder ({', '.join(ladder)}).")
        pos = lv.map(ladder.index)
        step = out["move"].where(~out["exits"], 0).astype(int)
        new = (pos + step).clip(0, len(ladder) - 1).map(lambda k: ladder[int(k)])
        out["level"] = lv
        out["new_level"] = new.where(~out["exits"], pd.NA)
    return out


def _cut(score: pd.Series, second: pd.Series | None, n: int, ties: str) -> tuple[pd.Index, int]:
    """Who leaves among one group's eligible managers: the ``n`` lowest scores, ties at the cut-off
    resolved by ``ties``. Returns the leavers and how many were tied at the cut-off."""
    if n == 0 or score.empty:
        return score.index[:0], 0
    if len(score) <= n:
        return score.index, 0
    cut = score.sort_values(kind="stable").iloc[n - 1]
    below = score.index[score < cut]
    tied = score.index[score == cut]
    if len(below) + len(tied) <= n:
        return below.append(tied), 0
    if ties == "all":
        return below.append(tied), len(tied)
    if ties == "spare":
        return below, len(tied)
    # second-indicator: the tied with the lowest second indicator leave, as many as places remain; a tie
    # still left at that cut-off is spared (the rule gives no third indicator)
    places = n - len(below)
    sec = second[tied]
    cut2 = sec.sort_values(kind="stable").iloc[places - 1]
    leave2 = sec.index[sec < cut2]
    tied2 = sec.index[sec == cut2]
    if len(leave2) + len(tied2) <= places:
        leave2 = leave2.append(tied2)
    return below.append(leave2), len(tied)


def _elimination_args(el: dict, n, ties, scope, as_of) -> tuple[int, str, str, pd.Timestamp]:
    """n, ties and scope (the policy's where not given) and the date, each checked."""
    n = el["bottom_n"] if n is None else n
    ties = el["ties"] if ties is None else ties
    scope = el["scope"] if scope is None else scope
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ArgumentError(f"n must be a whole number, 0 or more (got {n!r}).")
    if ties not in ("spare", "all", "second-indicator"):
        raise ArgumentError(f"ties={ties!r}; use 'spare', 'all' or 'second-indicator'.")
    if scope not in ("bank", "branch"):
        raise ArgumentError(f"scope={scope!r}; use 'bank' or 'branch'.")
    when = required_date(
        as_of,
        "as_of",
        "the day of the elimination; without it, whether a first-time manager is still protected cannot be judged",
    )
    return n, ties, scope, when


def _spared(managers: pd.DataFrame, pol: Policy, as_of: pd.Timestamp) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Who is not ranked: first-time managers still protected, levels not appraised, part-time managers."""
    el = pol.data["elimination"]
    protected = pd.Series(False, index=managers.index)
    if "first_time" in managers.columns:
        first = strict_bool(managers["first_time"], "first_time")
        require(managers, ["appointed"], "first-time managers (to tell whether they are protected)")
        appointed = strict_dates(managers["appointed"], "appointed", rows=first)
        until = appointed + pd.DateOffset(years=el["protection_years"])
        protected = first & (as_of < until)
    skip = (
        managers["level"].isin(el.get("not_appraised", []))
        if "level" in managers.columns
        else pd.Series(False, index=managers.index)
    )
    part = pd.Series(False, index=managers.index)
    if "part_time" in managers.columns and not pol.data.get("part_time", {}).get("ranked_for_elimination", False):
        part = strict_bool(managers["part_time"], "part_time") & ~skip
    return protected, skip, part


def bottom_n_elimination(
    managers: pd.DataFrame,
    *,
    as_of,
    policy: Policy | None = None,
    n: int | None = None,
    score_col: str = "score",
    ties: str | None = None,
    scope: str | None = None,
    branch_col: str = "branch_id",
) -> pd.DataFrame:
    """Bottom-ranked elimination (末位淘汰), a PROPOSAL in the sources (可推行, rural banks; a
    PolicyWarning says so each time): the ``n`` managers with the lowest annual scores leave the
    customer-manager team (default ``bottom_n`` = 3; the sources say 3 to 5), in the bank or in each
    branch (``scope``). Scores are rounded to the policy's precision before they are ranked.

    Spared, and not counted among the n: first-time managers inside their protection period
    (``first_time`` true and ``as_of`` before ``appointed`` + ``protection_years``: appointed exactly two
    years before ``as_of``, protection has ended), levels not appraised on results (trainees, assistants;
    column ``level``) and part-time managers (``part_time`` true) where the policy does not rank them.
    ``first_time`` and ``part_time`` are read strictly (True/False, 是/否, 1/0, yes/no); ``as_of`` is
    required: without a date, protection cannot be judged.

    Ties at the cut-off (``ties``, default the policy's): ``"spare"`` everyone tied stays (fewer than n
    leave), ``"all"`` everyone tied leaves (more than n), ``"second-indicator"`` the policy's
    ``tie_indicator`` column (higher is better) decides, a tie left after it spared. A PolicyWarning says how
    many tied.

    Returns, indexed like ``managers``: ``status`` ("eliminated", "retained", "protected", "not appraised",
    "part-time") and ``rank_from_bottom`` among the eligible of the group (ties share the lower rank);
    ``attrs["status"]`` is "proposal" for the default policy, ``attrs["warnings"]`` the diagnostics.
    """
    pol = policy or load_policy()
    el = pol.data["elimination"]
    n, ties, scope, as_of = _elimination_args(el, n, ties, scope, as_of)
    if scope == "bank" and branch_col != "branch_id":
        raise ArgumentError(
            f"branch_col={branch_col!r} names the branches for scope='branch'; with scope='bank' the whole bank "
            "is ranked together and no branch column is read."
        )
    record: list = []
    if el.get("status") == "proposal":
        diagnose(
            f"bottom-ranked elimination: {el.get('source_note', 'a proposal, not a rule')}.", PolicyWarning, record
        )
    require(managers, [score_col] + ([branch_col] if scope == "branch" else []), "managers")
    second = None
    if ties == "second-indicator":
        ind = el.get("tie_indicator")
        require(managers, [ind], "managers (the tie-breaking indicator)")
        second = strict_numbers(managers[ind], ind, allow_missing=True)
    protected, skip, part = _spared(managers, pol, as_of)
    eligible = ~protected & ~skip & ~part
    score = pd.to_numeric(managers[score_col], errors="coerce")
    bad = eligible & score.isna()
    if bad.any():
        raise DataError(f"annual score ({score_col!r}) of {_first(bad)!r} is missing or not a number.")
    score = pol.round(score.where(eligible))
    if second is not None and (eligible & second.isna()).any():
        raise DataError(f"the tie indicator of {_first(eligible & second.isna())!r} is missing.")
    groups = managers[branch_col] if scope == "branch" else pd.Series("bank", index=managers.index)
    status = pd.Series("retained", index=managers.index, dtype=object)
    status[protected] = "protected"
    status[skip] = "not appraised"
    status[part] = "part-time"
    rank = pd.Series(np.nan, index=managers.index)
    n_tied = 0
    for _, idx in groups[eligible].groupby(groups[eligible]).groups.items():
        s = score[idx]
        rank[idx] = s.rank(method="min")
        leave, tied = _cut(s, None if second is None else second[idx], int(n), ties)
        status[leave] = "eliminated"
        n_tied += tied
    if n_tied:
        diagnose(f"{n_tied} managers tie at the bottom-{n} cut-off; ties = {ties!r}.", PolicyWarning, record)
    out = pd.DataFrame({"status": status, "rank_from_bottom": rank})
    out.attrs["status"] = el.get("status", "rule")
    out.attrs["warnings"] = record
    return out


def deferred_pay(pay: pd.Series, scores: pd.Series, policy: Policy | None = None) -> pd.DataFrame:
    """Deferred performance pay: each quarter a ``share`` of the performance pay goes to a deferred account;
    a quarter's deferral is paid out after the manager's next ``confirm_quarters`` appraisals each score at
    least ``confirm_min_score``, and forfeited at the first later appraisal below it. Deferrals still
    waiting for enough later appraisals stay in the account (``balance``).

    ``pay`` and ``scores``: Series indexed by (manager, period), the period sortable (a Period or
    '2025Q1'). Returns, indexed the same and sorted: ``performance_pay``, ``paid_now`` (the undeferred
    part), ``deferred``, ``released`` and ``forfeited`` (from earlier quarters, in this quarter),
    ``paid_total`` (paid_now + released) and ``balance`` (the account after this quarter).
    """
    pol = policy or load_policy()
    dp = pol.data.get("deferred_pay")
    if not dp:
        raise ArgumentError("the policy has no [deferred_pay] section.")
    if "source_note" in dp:
        warnings.warn(f"deferred pay: {dp['source_note']}", PolicyWarning, stacklevel=outside_stacklevel())
    share, k, floor = dp["share"], dp["confirm_quarters"], dp["confirm_min_score"]
    inclusive = dp.get("confirm_min_inclusive", True)
    df = pd.DataFrame({"performance_pay": pay}).join(pd.Series(scores, name="score"), how="left")
    if df["score"].isna().any():
        raise DataError(f"no appraisal score for {_first(df['score'].isna())!r}.")
    if (df["performance_pay"] < 0).any() or df["performance_pay"].isna().any():
        raise DataError(
            f"performance pay of {_first(df['performance_pay'].isna() | (df['performance_pay'] < 0))!r} "
            "is missing or negative."
        )
    df = df.sort_index()
    parts = []
    for _, g in df.groupby(level=0, sort=False):
        p = g["performance_pay"].to_numpy(float)
        sc = g["score"].to_numpy(float)
        m = len(p)
        released, forfeited = np.zeros(m), np.zeros(m)
        deferred = share * p
        for q in range(m):
            for j in range(q + 1, min(q + k, m - 1) + 1):
                if not reaches(sc[j], floor, inclusive):
                    forfeited[j] += deferred[q]
                    break
                if j == q + k:
                    released[j] += deferred[q]
        balance = np.cumsum(deferred - released - forfeited)
        parts.append(
            pd.DataFrame(
                {
                    "performance_pay": p,
                    "paid_now": p - deferred,
                    "deferred": deferred,
                    "released": released,
                    "forfeited": forfeited,
                    "paid_total": p - deferred + released,
                    "balance": balance,
                },
                index=g.index,
            )
        )
    return pd.concat(parts) if parts else df.iloc[:0]
