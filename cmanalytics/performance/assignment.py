"""Assigning clients to managers under the tier rules, the caseload caps and "whoever develops the client
manages it" (谁开拓,谁管理), balancing the value each manager of a level holds."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import optimize, sparse

from cmanalytics.errors import DataError, PolicyWarning
from cmanalytics.performance.policy import Policy, load_policy


def _tier(balance: float, rules: dict) -> str:
    if balance > rules["large_min"]:
        return "large"
    if balance >= rules["medium_min"]:
        return "medium"
    return "small"


def _eligible(balance: float, level: str, rules: dict) -> bool:
    tier = _tier(balance, rules)
    if tier == "large":
        return level in rules["large_levels"]
    if tier == "medium":
        return level in rules["medium_levels"]
    if level == "junior":
        return balance < rules["junior_max"]
    return True


def assign_clients(clients: pd.DataFrame, managers: pd.DataFrame, policy: Policy | None = None, *,
                   time_limit: float = 60.0) -> pd.Series:
    r"""Assign each client to a manager; ``Series client_id -> manager_id`` (missing where a client cannot be
    placed; ``attrs["unplaced"]`` gives each such client's reason).

    Rules (the policy's ``[assignment]``): a client above 10 million yuan only to a senior manager; 5-10
    million to an intermediate manager or a senior; each senior or intermediate manager at most one of those
    large and medium clients; juniors only loans below 3 million; at most ``caseload_cap`` clients each; a
    client with ``developed_by`` goes to that manager when the rules allow (otherwise it is reported).
    Among the assignments that place the most clients, the one chosen minimizes, per level, the spread
    (largest minus smallest) of the loan value the managers hold. Two steps with scipy's HiGHS: the most
    clients that can be placed, from the transportation LP (integral, milliseconds; ``linprog``), then the
    balance as a mixed-integer program (``milp``) with that many placed. Balance is the hard part: a
    sub-branch of 190 clients and 24 managers takes about 2 s, 470 and 57 about 4 s, 660 and 87 more than
    30 s. Within ``time_limit`` seconds the best balance found is used; if none is found, the LP's placement
    (every placeable client placed, unbalanced). Either way a PolicyWarning says so, as the result may then
    depend on the machine's speed.

    ``clients``: ``client_id``, ``loan_balance`` (yuan), ``developed_by`` (manager_id or missing);
    ``managers``: ``manager_id``, ``level``. Inputs are not modified.
    """
    pol = policy or load_policy()
    rules = pol.data["assignment"]
    for col in ("client_id", "loan_balance"):
        if col not in clients.columns:
            raise DataError(f"clients lack the column {col!r}.")
    for col in ("manager_id", "level"):
        if col not in managers.columns:
            raise DataError(f"managers lack the column {col!r}.")
    bad_level = managers[~managers["level"].isin(rules["levels"])]
    if len(bad_level):
        row = bad_level.iloc[0]
        raise DataError(f"manager {row['manager_id']!r} has level {row['level']!r}, which the policy does not define "
                        f"({', '.join(rules['levels'])}).")
    balance = pd.to_numeric(clients["loan_balance"], errors="coerce")
    if balance.isna().any() or (balance < 0).any():
        row = clients.loc[balance.isna() | (balance < 0)].iloc[0]
        raise DataError(f"client {row['client_id']!r} has no valid loan_balance ({row['loan_balance']!r}).")
    cids = clients["client_id"].tolist()
    mids = managers["manager_id"].tolist()
    level = dict(zip(mids, managers["level"]))
    developed = clients["developed_by"] if "developed_by" in clients.columns else pd.Series(pd.NA, index=clients.index)
    unplaced: dict = {}
    pairs = []  # (client index, manager index)
    for ci, (cid, bal, dev) in enumerate(zip(cids, balance, developed)):
        elig = [mi for mi, m in enumerate(mids) if _eligible(bal, level[m], rules)]
        if pd.notna(dev):
            if dev not in level:
                raise DataError(f"client {cid!r} was developed by {dev!r}, who is not among the managers.")
            if mids.index(dev) in elig:
                elig = [mids.index(dev)]
            else:
                unplaced[cid] = (f"developed by {dev} ({level[dev]}), whose level may not manage a "
                                 f"{_tier(bal, rules)} client of {bal:,.0f} yuan")
                continue
        if not elig:
            unplaced[cid] = f"no manager of a level allowed for a {_tier(bal, rules)} client of {bal:,.0f} yuan"
            continue
        pairs += [(ci, mi) for mi in elig]
    result = pd.Series(pd.NA, index=pd.Index(cids, name="client_id"), name="manager_id", dtype=object)
    if pairs:
        chosen = _solve(pairs, balance.to_numpy(float) / 1e6, mids, level, rules, time_limit)
        for ci, mi in chosen:
            result.iloc[ci] = mids[mi]
        placed = {ci for ci, _ in chosen}
        for ci in {ci for ci, _ in pairs} - placed:
            unplaced[cids[ci]] = ("every eligible manager is at the limit of large and medium clients or at the "
                                  "caseload cap")
    result.attrs["unplaced"] = pd.DataFrame({"client_id": list(unplaced), "reason": list(unplaced.values())})
    return result


def _solve(pairs, value, mids, level, rules, time_limit):
    n_var = len(pairs)
    levels = sorted({level[m] for m in mids})
    # variables: x (one per eligible pair), then per level the upper and lower bound of held value
    n_total = n_var + 2 * len(levels)
    rows, cols, vals, lo, hi = [], [], [], [], []
    lo_kind = []   # 0: a client's or a manager's capacity; 1: a balance row (with the level's bounds)

    def add(coeffs, lower, upper, kind=0):
        lo_kind.append(kind)
        r = len(lo)
        for c, v in coeffs:
            rows.append(r)
            cols.append(c)
            vals.append(v)
        lo.append(lower)
        hi.append(upper)

    by_client: dict = {}
    by_manager: dict = {}
    for k, (ci, mi) in enumerate(pairs):
        by_client.setdefault(ci, []).append(k)
        by_manager.setdefault(mi, []).append(k)
    for ks in by_client.values():
        add([(k, 1.0) for k in ks], 0, 1)  # each client at most once
    for mi, ks in by_manager.items():
        add([(k, 1.0) for k in ks], 0, rules["caseload_cap"])
        if level[mids[mi]] in set(rules["large_levels"]) | set(rules["medium_levels"]):
            big = [k for k in ks if value[pairs[k][0]] * 1e6 >= rules["medium_min"]]
            if big:
                add([(k, 1.0) for k in big], 0, rules["max_large_or_medium"])
        li = levels.index(level[mids[mi]])
        load = [(k, value[pairs[k][0]]) for k in ks]
        add(load + [(n_var + 2 * li, -1.0)], -np.inf, 0, kind=1)      # load <= upper
        add(load + [(n_var + 2 * li + 1, -1.0)], 0, np.inf, kind=1)   # load >= lower
    for mi in set(range(len(mids))) - set(by_manager):      # a manager with no eligible client holds 0
        li = levels.index(level[mids[mi]])
        add([(n_var + 2 * li + 1, 1.0)], -np.inf, 0, kind=1)
    a = sparse.csr_array((vals, (rows, cols)), shape=(len(lo), n_total))
    # placing a client outweighs any spread: the spread term is scaled below one client's worth
    spread_weight = 1.0 / (len(levels) * (value.sum() + 1.0) * 2)
    c = np.concatenate([-np.ones(n_var), np.tile([spread_weight, -spread_weight], len(levels))])
    integrality = np.concatenate([np.ones(n_var), np.zeros(2 * len(levels))])
    bounds = optimize.Bounds(np.concatenate([np.zeros(n_var), np.full(2 * len(levels), -np.inf)]),
                             np.concatenate([np.ones(n_var), np.full(2 * len(levels), np.inf)]))
    # The most clients that can be placed: without the balance rows the constraints are those of a
    # transportation problem (two laminar families of rows: totally unimodular), so the LP's vertex
    # solution is integral - a placement of the most clients, found in milliseconds. The MIP then balances
    # with that count required; if it finds no assignment within the time limit, the LP's placement is
    # kept (every placeable client placed, balance not optimized) and a warning says so.
    plain = np.asarray(lo_kind) == 0
    a_plain = a[plain][:, :n_var]
    lp = optimize.linprog(-np.ones(n_var), A_ub=a_plain, b_ub=np.asarray(hi, float)[plain], bounds=(0, 1),
                          method="highs-ds")
    if lp.status != 0:
        raise DataError(f"the assignment could not be solved ({lp.message}).")
    x0 = lp.x > 0.5
    target = int(x0.sum())
    count = sparse.csr_array((np.ones(n_var), (np.zeros(n_var, int), np.arange(n_var))), shape=(1, n_total))
    res = optimize.milp(c, constraints=[optimize.LinearConstraint(a, lo, hi), optimize.LinearConstraint(count, target, np.inf)],
                        integrality=integrality, bounds=bounds, options={"time_limit": time_limit})
    if res.x is None:
        warnings.warn(f"client assignment: no balanced assignment found within {time_limit:g} s; every placeable "
                      "client is placed, but the value held is not balanced (raise time_limit).", PolicyWarning,
                      stacklevel=3)
        return [pairs[k] for k in np.where(x0)[0]]
    if not res.success:
        warnings.warn(f"client assignment: the balance is the best found within {time_limit:g} s, not proven "
                      "the best (raise time_limit for a reproducible result).", PolicyWarning, stacklevel=3)
    return [pairs[k] for k in np.where(res.x[:n_var] > 0.5)[0]]
