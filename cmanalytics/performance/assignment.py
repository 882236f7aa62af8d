"""Client assignment (客户分管) as the rules say: the key-deposit group, existing responsible managers kept,
whoever develops a client manages it (谁开拓,谁管理), locality (a sub-branch's clients stay with it), the
tiers with the juniors' 3-million rule as a weighted preference, and a bank-wide competition round
(全行范围内公开竞争) for clients no one in their unit can take. A table says, per client, which rule
placed it."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cmanalytics.errors import DataError, DataWarning, PolicyWarning, diagnose
from cmanalytics.performance.columns import require, strict_bool, strict_numbers, unique_ids
from cmanalytics.performance.policy import Policy, load_policy
from cmanalytics.presentation import Reportable

RULES = [
    "key-deposit group",
    "existing manager kept",
    "developer manages",
    "unit",
    "bank-wide competition",
    "part-time developer",
    "unplaced",
]


@dataclass(frozen=True, repr=False)
class AssignmentResult(Reportable):
    """``table``: one row per client (``client_id``, ``branch_id``, ``tier``, ``value``, ``manager_id``,
    ``group`` for the key-deposit accounts, ``rule`` that placed it, ``reason`` where unplaced);
    ``managers``: per manager the clients and value held and the large or medium clients."""

    table: pd.DataFrame
    managers: pd.DataFrame
    warnings: list = field(default_factory=list)

    @property
    def manager(self) -> pd.Series:
        """client_id -> manager_id (missing where unplaced)."""
        return self.table.set_index("client_id")["manager_id"]

    @property
    def unplaced(self) -> pd.DataFrame:
        return self.table.loc[self.table["rule"] == "unplaced", ["client_id", "reason"]].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def by_rule(self) -> pd.DataFrame:
        """Clients and value placed by each rule."""
        g = self.table.groupby("rule", sort=False).agg(clients=("client_id", "size"), value=("value", "sum"))
        return g.reindex([r for r in RULES if r in g.index])

    def __repr__(self) -> str:
        t = self.table
        return (
            f"AssignmentResult({len(t)} clients, {len(self.managers)} managers, "
            f"{int((t['rule'] == 'unplaced').sum())} unplaced)"
        )

    def _report(self):
        bal = self.managers.groupby("level")["value"].agg(["count", "mean", "std"])
        bal["cv"] = bal["std"] / bal["mean"]
        rows = [
            ("Clients", str(len(self.table))),
            ("Managers", str(len(self.managers))),
            ("Unplaced", str(int((self.table["rule"] == "unplaced").sum()))),
        ]
        return (
            "Client assignment",
            rows,
            [("By rule", self.by_rule()), ("Value held, by level", bal)],
            list(self.warnings),
            [],
        )


class _Book:
    """The managers' running books: clients and value held, large or medium clients, with one heap of
    (value held, manager) per level and scope, so that the least-loaded eligible manager is found in
    logarithmic time (100,000 clients and 1,000 managers in seconds)."""

    def __init__(self, ids, levels, units, rules):
        self.ids, self.levels, self.units = ids, levels, units
        self.cap, self.big_max = rules["caseload_cap"], rules["max_large_or_medium"]
        self.big_levels = set(rules["large_levels"]) | set(rules["medium_levels"])
        self.count = np.zeros(len(ids), int)
        self.value = np.zeros(len(ids))
        self.big = np.zeros(len(ids), int)

    def room(self, k: int, big: bool) -> bool:
        if self.count[k] >= self.cap:
            return False
        return not big or self.big[k] < self.big_max

    def take(self, k: int, value: float, big: bool) -> None:
        self.count[k] += 1
        self.value[k] += value
        self.big[k] += big

    def heaps(self, members: np.ndarray) -> dict:
        out: dict = {}
        for k in members:
            out.setdefault(self.levels[k], []).append((self.value[k], int(k)))
        for h in out.values():
            heapq.heapify(h)
        return out


def _tiers(loans: np.ndarray, rules: dict) -> np.ndarray:
    ge = {True: np.greater_equal, False: np.greater}
    large = ge[rules.get("large_min_inclusive", True)](loans, rules["large_min"])
    medium = ge[rules.get("medium_min_inclusive", True)](loans, rules["medium_min"]) & ~large
    return np.where(large, "large", np.where(medium, "medium", "small"))


def _allowed(tier: str, rules: dict) -> list:
    if tier == "large":
        return list(rules["large_levels"])
    if tier == "medium":
        return list(rules["medium_levels"])
    return list(rules["levels"])


def _greedy(order, book: _Book, members: np.ndarray, tiers, loans, values, rules, fair: float) -> dict:
    """Largest client first, each to the eligible manager with the least value held (the longest-processing-
    time rule for balance), a junior's cost for a loan above the juniors' limit raised by
    ``junior_preference`` x the fair share ``fair`` (the preference is weighed, not a bar). Returns
    client position -> manager position for those placed."""
    heaps = book.heaps(members)
    jmax, incl = rules["junior_max"], rules.get("junior_max_inclusive", True)
    penalty = rules.get("junior_preference", 0.0) * fair
    placed = {}
    for i in order:
        tier = tiers[i]
        big = tier != "small"
        best, best_cost = None, np.inf
        for level in _allowed(tier, rules):
            h = heaps.get(level)
            if not h:
                continue
            over = level == "junior" and (loans[i] > jmax if incl else loans[i] >= jmax)
            if big:
                # few large or medium clients: scan for the least-loaded manager with room for one
                cand = {k for _, k in h if book.room(k, True)}
                if not cand:
                    continue
                k = min(cand, key=lambda j: (book.value[j], j))
                v = book.value[k]
            else:
                # lazy heap: an entry whose value is out of date was superseded by a newer one (values
                # only grow); a manager at the caseload cap is out for good
                while h and (h[0][0] != book.value[h[0][1]] or not book.room(h[0][1], False)):
                    heapq.heappop(h)
                if not h:
                    continue
                v, k = h[0]
            cost = v + (penalty if over else 0.0)
            if cost < best_cost:
                best, best_cost = k, cost
        if best is None:
            continue
        book.take(best, values[i], big)
        placed[i] = best
        heapq.heappush(heaps[book.levels[best]], (book.value[best], best))
    return placed


def assign_clients(clients: pd.DataFrame, managers: pd.DataFrame, policy: Policy | None = None) -> AssignmentResult:
    """Assign every client to a responsible manager, rule by rule, and say which rule placed each:

    1. **key-deposit group**: clients flagged ``key_deposit`` (the 8 key institutional deposit accounts at
       one bank) are managed by a group of ``key_deposit_group_size`` managers of
       ``key_deposit_group_level`` (senior): those already responsible for such accounts first, then the
       seniors holding the least value; ``manager_id`` is the group's first member, ``group`` lists all;
    2. **existing manager kept**: a client keeps its ``current_manager`` where the tiers and caps allow;
    3. **developer manages** (谁开拓,谁管理): a client without one goes to ``developed_by`` where allowed;
       a part-time manager (``part_time``) keeps the clients they developed and takes no others;
    4. **unit** (locality): the rest go to managers of their own ``branch_id``, largest client first, each
       to the eligible manager of the allowed levels with the least value held (loans plus deposits by
       default: ``balance``), so that managers of a level hold comparable value and large clients are not
       concentrated;
    5. **bank-wide competition** (全行范围内公开竞争): a client no one in its unit can take goes, by the same
       rule, to the eligible manager with the least value held anywhere in the bank;
    6. **unplaced** only where no manager anywhere is eligible (the reason is given).

    Tiers (``[assignment]``): loans of 10 million yuan and above only to seniors; 5 to below 10 million to
    intermediates or seniors (``*_inclusive`` say on which side each bound falls); each senior or
    intermediate at most ``max_large_or_medium`` of these; at most ``caseload_cap`` clients each. The
    juniors' rule, 主要管理300万元以下 (mainly loans of 3 million and below, 3 million included), is a
    preference: a junior's cost for a larger loan is raised by ``junior_preference`` times the unit's fair
    share of value per manager.

    ``clients``: ``client_id``, ``branch_id``, ``loan_balance``, ``deposit_balance`` (yuan), optional
    ``current_manager`` and ``developed_by`` (one who is not among ``managers`` has left: the client is
    placed by the later rules, and a DataWarning says how many), ``key_deposit`` (yes/no). ``managers``: ``manager_id``,
    ``level``, ``branch_id``, optional ``part_time``. Inputs are not modified. The balance is a greedy
    (largest first, least loaded): not proven optimal, but reproducible, and linear-logarithmic in size
    (100,000 clients and 1,000 managers in a few seconds).
    """
    rules = (policy or load_policy()).data["assignment"]
    _check_inputs(clients, managers, rules)
    run = _Run.start(clients, managers, rules)
    _place_key_group(run)
    _place_named(run)
    _place_by_unit_then_bank(run)
    return _result(run)


def _check_inputs(clients: pd.DataFrame, managers: pd.DataFrame, rules: dict) -> None:
    require(clients, ["client_id", "branch_id", "loan_balance", "deposit_balance"], "clients")
    require(managers, ["manager_id", "level", "branch_id"], "managers")
    unique_ids(clients["client_id"], "client_id")
    unique_ids(managers["manager_id"], "manager_id")
    bad = ~managers["level"].isin(rules["levels"])
    if bad.any():
        row = managers[bad].iloc[0]
        raise DataError(
            f"manager {row['manager_id']!r} has level {row['level']!r}, which the policy does not define "
            f"({', '.join(rules['levels'])})."
        )


@dataclass
class _Run:
    """One assignment in progress: the clients' values and tiers, the managers, their book, and for each
    client the manager placed (``who``, -1 while unplaced), the rule that placed it and its group."""

    clients: pd.DataFrame
    rules: dict
    loans: np.ndarray
    values: np.ndarray
    tiers: np.ndarray
    cunit: np.ndarray
    mids: np.ndarray
    pos: dict
    mlevel: np.ndarray
    munit: np.ndarray
    part: np.ndarray
    book: _Book
    who: np.ndarray
    rule: np.ndarray
    group: np.ndarray
    record: list
    current: list = field(default_factory=list)  # the current manager named for each client, or None
    developer: list = field(default_factory=list)  # the manager who developed each client, or None

    @classmethod
    def start(cls, clients: pd.DataFrame, managers: pd.DataFrame, rules: dict) -> _Run:
        loans = strict_numbers(clients["loan_balance"], "loan_balance", lo=0).to_numpy()
        deposits = strict_numbers(clients["deposit_balance"], "deposit_balance", lo=0).to_numpy()
        by_both = rules.get("balance", "deposit_plus_loan") == "deposit_plus_loan"
        mids = managers["manager_id"].to_numpy(object)
        mlevel, munit = managers["level"].to_numpy(object), managers["branch_id"].to_numpy(object)
        part = (
            strict_bool(managers["part_time"], "part_time").to_numpy()
            if "part_time" in managers
            else np.zeros(len(mids), bool)
        )
        n = len(clients)
        run = cls(
            clients,
            rules,
            loans,
            loans + deposits if by_both else loans.copy(),
            _tiers(loans, rules),
            clients["branch_id"].to_numpy(object),
            mids,
            {m: k for k, m in enumerate(mids)},
            mlevel,
            munit,
            part,
            _Book(mids, mlevel, munit, rules),
            np.full(n, -1),
            np.full(n, "", dtype=object),
            np.full(n, None, dtype=object),
            [],
        )
        run.current, run.developer = run.named("current_manager"), run.named("developed_by")
        return run

    def allowed(self, i: int, k: int) -> bool:
        return self.mlevel[k] in _allowed(self.tiers[i], self.rules) and self.book.room(k, self.tiers[i] != "small")

    def named(self, name: str) -> list:
        """The clients' manager named in column ``name``, None where none is named or the one named has
        left (eliminated, retired): that client is placed by the later rules, as a client without one; the
        warning names one, so that a typing error is seen."""
        clients, n = self.clients, len(self.clients)
        if name not in clients:
            return [None] * n
        s = clients[name]
        unknown = s.notna() & ~s.isin(self.pos)
        if unknown.any():
            diagnose(
                f"{int(unknown.sum())} client(s) have a {name} who is not among the managers "
                f"(e.g. {s[unknown].iloc[0]!r}, of client {clients.loc[unknown, 'client_id'].iloc[0]!r}); "
                "they are placed as clients without one.",
                DataWarning,
                self.record,
            )
        return [None if pd.isna(v) or v not in self.pos else v for v in s]


def _place_key_group(run: _Run) -> None:
    """Rule 1: the key deposit accounts go to one group (the first member is the responsible manager)."""
    if "key_deposit" not in run.clients:
        return
    key = strict_bool(run.clients["key_deposit"], "key_deposit", missing=False).to_numpy()
    if not key.any():
        return
    members = _key_group(np.flatnonzero(key), run.current, run.pos, run.mlevel, run.part, run.book, run.rules)
    for i in np.flatnonzero(key):
        run.who[i], run.rule[i], run.group[i] = members[0], "key-deposit group", ";".join(run.mids[members])
        for k in members:
            run.book.take(k, run.values[i] / len(members), False)


def _place_named(run: _Run) -> None:
    """Rules 2 and 3: existing managers kept, then developers (part-time managers only through this rule)."""
    for source, name in ((run.current, "existing manager kept"), (run.developer, "developer manages")):
        for i in np.argsort(-run.values, kind="stable"):
            m = source[i]
            if run.who[i] >= 0 or m is None:
                continue
            k = run.pos[m]
            if run.allowed(i, k):
                run.book.take(k, run.values[i], run.tiers[i] != "small")
                run.who[i] = k
                run.rule[i] = "part-time developer" if run.part[k] else name


def _place_by_unit_then_bank(run: _Run) -> None:
    """Rules 4 and 5: the unit's own managers (locality), then bank-wide competition; largest client first,
    each to the least loaded eligible manager."""
    values, cunit, who = run.values, run.cunit, run.who
    open_mgrs = np.flatnonzero(~run.part)
    fair = values.sum() / max(len(open_mgrs), 1)
    for unit in pd.unique(cunit[who < 0]):
        todo = np.flatnonzero((who < 0) & (cunit == unit))
        members = open_mgrs[run.munit[open_mgrs] == unit]
        unit_fair = values[cunit == unit].sum() / max(len(members), 1)
        order = todo[np.argsort(-values[todo], kind="stable")]
        for i, k in _greedy(order, run.book, members, run.tiers, run.loans, values, run.rules, unit_fair).items():
            who[i], run.rule[i] = k, "unit"
    todo = np.flatnonzero(who < 0)
    order = todo[np.argsort(-values[todo], kind="stable")]
    for i, k in _greedy(order, run.book, open_mgrs, run.tiers, run.loans, values, run.rules, fair).items():
        who[i], run.rule[i] = k, "bank-wide competition"


def _result(run: _Run) -> AssignmentResult:
    """Rule 6 (the unplaced, with the reason), the clients' table and the managers' books."""
    who, rules, book = run.who, run.rules, run.book
    reason = np.full(len(who), None, dtype=object)
    for i in np.flatnonzero(who < 0):
        run.rule[i] = "unplaced"
        reason[i] = (
            f"no manager in the bank of a level allowed for a {run.tiers[i]} client "
            f"({', '.join(_allowed(run.tiers[i], rules))}) has room: every one is at the limit of "
            f"{rules['max_large_or_medium']} large or medium client(s) or at the caseload cap"
        )
    table = pd.DataFrame(
        {
            "client_id": run.clients["client_id"].to_numpy(),
            "branch_id": run.cunit,
            "tier": run.tiers,
            "value": run.values,
            "manager_id": np.where(who >= 0, run.mids[np.maximum(who, 0)], None),
            "group": run.group,
            "rule": run.rule,
            "reason": reason,
        }
    )
    held = pd.DataFrame(
        {
            "manager_id": run.mids,
            "level": run.mlevel,
            "branch_id": run.munit,
            "part_time": run.part,
            "clients": book.count,
            "value": book.value,
            "large_or_medium": book.big,
        }
    )
    if (who < 0).any():
        diagnose(
            f"{int((who < 0).sum())} client(s) could not be placed: no eligible manager anywhere.",
            PolicyWarning,
            run.record,
        )
    return AssignmentResult(table, held, run.record)


def _key_group(key_rows, current, pos, mlevel, part, book, rules) -> np.ndarray:
    """The key-deposit group: managers of the group's level already responsible for key accounts, then
    those holding the least value, up to the group's size."""
    size, level = rules.get("key_deposit_group_size", 3), rules.get("key_deposit_group_level", "senior")
    chosen = []
    for i in key_rows:
        m = current[i]
        if m is not None and mlevel[pos[m]] == level and not part[pos[m]] and pos[m] not in chosen:
            chosen.append(pos[m])
    rest = [k for k in np.argsort(book.value, kind="stable") if mlevel[k] == level and not part[k] and k not in chosen]
    chosen = (chosen + rest)[:size]
    if len(chosen) < size:
        raise DataError(f"the key-deposit group needs {size} {level} managers; the bank has {len(chosen)}.")
    return np.asarray(chosen)
