"""The parameter table and the model matrices of a structural equation model (LISREL "all-y" form).

For each group the model-implied moments are

.. math:: \\Sigma = \\Lambda (I-B)^{-1} \\Psi (I-B)^{-T} \\Lambda' + \\Theta, \\qquad
          \\mu = \\nu + \\Lambda (I-B)^{-1} \\alpha

with loadings :math:`\\Lambda`, residual covariances :math:`\\Theta`, latent (residual) covariances
:math:`\\Psi`, regressions among latent variables :math:`B`, intercepts :math:`\\nu` and latent means
:math:`\\alpha`. An observed variable in a regression enters as a "phantom" latent variable measured by it
without error, as lavaan does. The table follows lavaan's ``parTable()``: one row per parameter (lhs, op,
rhs, group, free, label, value); the defaults are those of ``lavaan::cfa()``/``sem()``: the first loading of
each factor fixed to 1 (or, with ``std_lv``, each latent variance fixed to 1), residual and latent variances
free, exogenous latent variables correlated, intercepts free and latent means 0 when there is a mean
structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.psychometrics.sem.syntax import Modifier, Statement

LAMBDA, THETA, PSI, BETA, NU, ALPHA = range(6)
GROUP_EQUAL = (
    "loadings",
    "intercepts",
    "means",
    "residuals",
    "residual.covariances",
    "lv.variances",
    "lv.covariances",
    "regressions",
)


@dataclass
class Row:
    lhs: str
    op: str
    rhs: str
    group: int
    free: bool
    value: float
    label: str = ""
    user: bool = True
    mat: int = -1
    i: int = -1
    j: int = -1
    index: int = -1  # position in the free-parameter vector, -1 if fixed
    exo_x: bool = False  # a fixed.x moment of the observed predictors: its value is the sample's (fill_fixed_x)


@dataclass
class Structure:
    """Who is what: observed and latent names, the phantom latent variables standing for observed ones."""

    ov: list[str]
    lv: list[str]
    eta: list[str]  # lv then phantoms
    phantom: dict[str, int]  # observed name -> its eta index
    exogenous: list[str]
    outcomes: list[str] = field(default_factory=list)  # lhs of a regression, predictor in none (lavaan's ov.y, lv.y)

    @property
    def ov_x(self) -> list[str]:
        """The observed exogenous predictors (lavaan's ov.x): observed, in a regression, dependent in none."""
        return [v for v in self.phantom if v in self.exogenous]


@dataclass
class ParTable:
    rows: list[Row]
    structure: Structure
    n_groups: int
    meanstructure: bool
    n_free: int
    # per group: flat positions in the matrix-entry vector and the row each comes from
    positions: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)

    @property
    def p(self) -> int:
        return len(self.structure.ov)

    @property
    def m(self) -> int:
        return len(self.structure.eta)

    def offsets(self) -> tuple[int, ...]:
        p, m = self.p, self.m
        sizes = (p * m, p * p, m * m, m * m, p, m)
        return tuple(np.concatenate([[0], np.cumsum(sizes)]).astype(int))


def _structure(statements: list[Statement], columns) -> Structure:
    lv: list[str] = []
    for s in statements:
        if s.op == "=~" and s.lhs not in lv:
            lv.append(s.lhs)
    ov: list[str] = []
    for s in statements:
        for name in (s.rhs,) if s.op == "=~" else ():
            if name not in lv and name not in ov:
                ov.append(name)
    for s in statements:
        for name in (s.lhs, s.rhs):
            if name != "1" and name not in lv and name not in ov:
                ov.append(name)
    missing = [v for v in ov if v not in columns]
    if missing:
        raise DataError("the model names column(s) not in the data: " + ", ".join(missing) + ".")
    in_regression = {n for s in statements if s.op == "~" and s.rhs != "1" for n in (s.lhs, s.rhs)}
    indicators = {s.rhs for s in statements if s.op == "=~"}
    both = sorted(v for v in ov if v in in_regression and v in indicators)
    if both:
        raise ArgumentError(
            f"observed variable(s) {', '.join(both)} are both indicators and in a regression; "
            "this engine does not model that (give the regression to a latent variable)."
        )
    phantoms = [v for v in ov if v in in_regression]
    eta = lv + phantoms
    dependent = {s.lhs for s in statements if s.op == "~" and s.rhs != "1"} | {
        s.rhs for s in statements if s.op == "=~" and s.rhs in lv
    }
    exogenous = [e for e in eta if e not in dependent]
    predictors = {s.rhs for s in statements if s.op == "~" and s.rhs != "1"}
    outcomes = [e for e in eta if e in dependent and e not in predictors and e not in indicators]
    return Structure(ov, lv, eta, {v: eta.index(v) for v in phantoms}, exogenous, outcomes)


def _place(row: Row, st: Structure) -> None:
    """Which matrix and cell a row's parameter lives in."""
    ov, eta = st.ov, st.eta
    ix = {n: k for k, n in enumerate(eta)}

    def is_eta(n):
        return n in ix and (n in st.lv or n in st.phantom)

    if row.op == "=~":
        if row.rhs in st.lv or row.rhs in st.phantom:
            row.mat, row.i, row.j = BETA, ix[row.rhs], ix[row.lhs]
        else:
            row.mat, row.i, row.j = LAMBDA, ov.index(row.rhs), ix[row.lhs]
    elif row.op == "~":
        row.mat, row.i, row.j = BETA, ix[row.lhs], ix[row.rhs]
    elif row.op == "~1":
        if is_eta(row.lhs):
            row.mat, row.i, row.j = ALPHA, ix[row.lhs], 0
        else:
            row.mat, row.i, row.j = NU, ov.index(row.lhs), 0
    elif row.op == "~~":
        a, b = is_eta(row.lhs), is_eta(row.rhs)
        if a and b:
            row.mat, row.i, row.j = PSI, ix[row.lhs], ix[row.rhs]
        elif not a and not b:
            row.mat, row.i, row.j = THETA, ov.index(row.lhs), ov.index(row.rhs)
        else:
            raise ArgumentError(
                f"'{row.lhs} ~~ {row.rhs}': a covariance between a latent variable and an "
                "observed one is not supported."
            )


def _modifier(mods: tuple[Modifier, ...], g: int, n_groups: int, s: Statement) -> Modifier:
    if not mods:
        return Modifier()
    if len(mods) == 1:
        return mods[0]
    if len(mods) != n_groups:
        raise ArgumentError(
            f"line {s.line}: c() gives {len(mods)} modifiers for '{s.lhs} {s.op} {s.rhs}' "
            f"but the model has {n_groups} group(s)."
        )
    return mods[g]


def build_table(
    statements: list[Statement],
    columns,
    *,
    std_lv: bool = False,
    meanstructure: bool = False,
    n_groups: int = 1,
    group_equal=(),
    group_partial=(),
    delta: bool = False,
    fixed_x: bool = False,
) -> ParTable:
    """The parameter table as ``lavaan::cfa()``/``sem()`` builds it from the syntax and the options.

    ``delta``: ordinal indicators in the delta parameterization, whose residual variances are not free (True:
    all of them; a set of names: those, the others continuous).
    ``fixed_x``: the variances, covariances and means of the observed predictors are not free but fixed at
    their sample values (lavaan's ``fixed.x = TRUE``); :func:`fill_fixed_x` puts those values in."""
    st = _structure(statements, columns)
    bad = [e for e in group_equal if e not in GROUP_EQUAL]
    if bad:
        raise ArgumentError(f"group_equal: {', '.join(map(str, bad))} unknown; choose among {', '.join(GROUP_EQUAL)}.")
    if any(s.op == "~" and s.rhs == "1" for s in statements):
        meanstructure = True
    partial = {_canonical(p) for p in group_partial}
    rows: list[Row] = []
    for g in range(n_groups):
        rows += _group_rows(statements, st, g, n_groups, std_lv, meanstructure, group_equal, delta, fixed_x)
    _equalities(rows, group_equal, partial, n_groups)
    seen = {}
    for r in rows:
        key = (r.lhs, r.op, r.rhs, r.group) if r.op != "~~" else (*sorted((r.lhs, r.rhs)), r.op, r.group)
        if key in seen:
            raise ArgumentError(f"the parameter '{r.lhs} {r.op} {r.rhs}' is given twice.")
        seen[key] = r
        _place(r, st)
    unknown = partial - {(r.lhs, r.op, r.rhs) for r in rows} - {(r.rhs, r.op, r.lhs) for r in rows if r.op == "~~"}
    if unknown:
        raise ArgumentError(
            "group_partial names parameter(s) the model does not have: "
            + ", ".join(f"{lhs} {op} {rhs}".strip() for lhs, op, rhs in sorted(unknown))
            + "."
        )
    return number(ParTable(rows, st, n_groups, meanstructure, 0))


def number(table: ParTable) -> ParTable:
    """Give each free row its place in the free-parameter vector (rows sharing a label share it) and each
    group its matrix positions; called again after a caller changes which rows are free."""
    labels: dict[str, int] = {}
    n_free = 0
    for r in table.rows:
        r.index = -1
        if not r.free:
            continue
        if r.label and r.label in labels:
            r.index = labels[r.label]
            continue
        r.index = n_free
        if r.label:
            labels[r.label] = n_free
        n_free += 1
    table.n_free = n_free
    table.positions = [_positions(table, g) for g in range(table.n_groups)]
    return table


def fill_fixed_x(table: ParTable, moments) -> None:
    """Put each group's sample moments of the observed predictors into their fixed.x rows.

    ``moments``: per group (covariance matrix with divisor N, mean vector) over the model's observed variables."""
    ov = table.structure.ov
    for r in table.rows:
        if r.exo_x:
            cov, mean = moments[r.group]
            r.value = float(mean[ov.index(r.lhs)] if r.op == "~1" else cov[ov.index(r.lhs), ov.index(r.rhs)])


def n_moments(table: ParTable) -> int:
    """The sample moments the model is fitted to, all groups: covariances (and means), less those of the
    observed predictors under fixed.x, which are reproduced exactly (lavaan's ``ndat``)."""
    p, nx = table.p, len(table.structure.ov_x) if any(r.exo_x for r in table.rows) else 0
    per_group = p * (p + 1) // 2 - nx * (nx + 1) // 2
    if table.meanstructure:
        per_group += p - nx
    return table.n_groups * per_group


def _canonical(spec: str) -> tuple[str, str, str]:
    s = spec.replace(" ", "")
    for op in ("=~", "~~", "~1", "~"):
        if op in s:
            lhs, rhs = s.split(op, 1)
            if op == "~" and rhs == "1":
                op, rhs = "~1", ""
            return lhs, op, rhs
    raise ArgumentError(f"group_partial: {spec!r} is not a parameter such as 'visual =~ x2' or 'x3 ~ 1'.")


def _group_rows(
    statements,
    st: Structure,
    g: int,
    n_groups: int,
    std_lv: bool,
    meanstructure: bool,
    group_equal,
    delta: bool = False,
    fixed_x: bool = False,
) -> list[Row]:
    """One group's rows: those the statements write, lavaan's defaults, then fixed.x and equal-loadings rules."""
    rows = _user_rows(statements, st, g, n_groups, std_lv)
    _add_default_rows(rows, st, g, std_lv, meanstructure, group_equal, delta)
    if fixed_x:
        ov_x = set(st.ov_x)
        for r in rows:
            if not r.user and r.op in ("~~", "~1") and r.lhs in ov_x and (r.op == "~1" or r.rhs in ov_x):
                r.free, r.value, r.exo_x = False, np.nan, True
    if g > 0 and std_lv and "loadings" in group_equal and "lv.variances" not in group_equal:
        for r in rows:  # with equal loadings the other groups' factor variances are free (as lavaan)
            if r.op == "~~" and r.lhs == r.rhs and r.lhs in st.lv and not r.user:
                r.free, r.value = True, np.nan
    return rows


def _user_rows(statements, st: Structure, g: int, n_groups: int, std_lv: bool) -> list[Row]:
    """The rows the model's statements write, with their modifiers; the first loading of a factor fixed at 1
    unless ``std_lv``."""
    rows: list[Row] = []
    first = {}
    for s in statements:
        mod = _modifier(s.modifiers, g, n_groups, s)
        op, rhs = ("~1", "") if s.op == "~" and s.rhs == "1" else (s.op, s.rhs)
        lhs = s.lhs
        if op == "~~" and lhs in st.lv and rhs in st.lv and st.lv.index(lhs) > st.lv.index(rhs):
            lhs, rhs = rhs, lhs  # lavaan names a factor covariance in the order the factors were declared
        row = Row(lhs, op, rhs, g, True, np.nan, mod.label or "")
        if s.op == "=~" and s.lhs not in first:
            first[s.lhs] = row
            if not std_lv and mod.fixed is None and not mod.free:
                row.free, row.value = False, 1.0
        if mod.fixed is not None:
            row.free, row.value = False, mod.fixed
        elif op == "~1" and s.lhs in st.lv and not mod.free and not mod.label:
            pass  # a latent mean named without modifier is free, as in lavaan
        rows.append(row)
    return rows


def _add_default_rows(rows: list[Row], st: Structure, g: int, std_lv, meanstructure, group_equal, delta) -> None:
    """Append the rows lavaan adds unasked (variances, exogenous and outcome covariances, means) that the
    statements did not write."""
    have = {(r.lhs, r.op, r.rhs) for r in rows} | {(r.rhs, r.op, r.lhs) for r in rows if r.op == "~~"}

    def add(lhs, op, rhs, free, value=np.nan):
        if (lhs, op, rhs) not in have and (rhs, op, lhs) not in have:
            rows.append(Row(lhs, op, rhs, g, free, value, user=False))
            have.add((lhs, op, rhs))

    for v in st.ov:
        if v not in st.phantom:
            # delta=True: every indicator ordinal; a collection: those named (mixed with continuous ones)
            fixed = v in delta if isinstance(delta, (set, frozenset, list, tuple)) else bool(delta)
            add(v, "~~", v, not fixed, 0.0 if fixed else np.nan)
    for e in st.eta:
        add(e, "~~", e, not (std_lv and e in st.lv), 1.0 if (std_lv and e in st.lv) else np.nan)
    exo = st.exogenous
    for a in range(len(exo)):
        for b in range(a + 1, len(exo)):
            if (exo[a] in st.lv) == (exo[b] in st.lv):
                add(exo[a], "~~", exo[b], True)
    # lavaan's auto.cov.y: the residuals of the pure outcomes (latent and observed alike) covary
    ys = st.outcomes
    for a in range(len(ys)):
        for b in range(a + 1, len(ys)):
            add(ys[a], "~~", ys[b], True)
    if meanstructure:
        for v in st.ov:
            if v not in st.phantom:
                add(v, "~1", "", True)
        for e in st.eta:
            free = e in st.phantom or (g > 0 and "intercepts" in group_equal and "means" not in group_equal)
            add(e, "~1", "", free, np.nan if free else 0.0)


def _kind(r: Row, st_lv) -> str | None:
    if r.op == "=~":
        return "loadings"
    if r.op == "~":
        return "regressions"
    if r.op == "~1":
        return "means" if r.lhs in st_lv else "intercepts"
    if r.op == "~~":
        lat = r.lhs in st_lv
        if r.lhs == r.rhs:
            return "lv.variances" if lat else "residuals"
        return "lv.covariances" if lat else "residual.covariances"
    return None


def _equalities(rows: list[Row], group_equal, partial, n_groups: int) -> None:
    """lavaan's group.equal: a free parameter of an equated kind gets one label in every group."""
    if n_groups < 2 or not group_equal:
        return
    lvs = {r.lhs for r in rows if r.op == "=~"}
    equated = [
        r
        for r in rows
        if _kind(r, lvs) in group_equal
        and (r.lhs, r.op, r.rhs) not in partial
        and not (r.op == "~~" and (r.rhs, r.op, r.lhs) in partial)
    ]
    _refuse_fixed_in_some_groups(equated)
    for r in equated:
        if r.free and not r.label:
            r.label = f".{r.lhs}{r.op}{r.rhs}."


def _refuse_fixed_in_some_groups(equated: list[Row]) -> None:
    """An equated parameter the syntax fixes in some groups (``c(NA, 1)*x3``) and leaves free in others: lavaan
    then holds it at the fixed value in every group, which this table would not do (it would equate only the
    free ones). Refused, naming the parameter and the groups."""
    by_key: dict[tuple, list[Row]] = {}
    for r in equated:
        by_key.setdefault((r.lhs, r.op, r.rhs), []).append(r)
    for (lhs, op, rhs), group_rows in by_key.items():
        fixed = [r.group + 1 for r in group_rows if not r.free and r.user]
        free = [r.group + 1 for r in group_rows if r.free and not r.label]
        if fixed and free:
            raise ArgumentError(
                f"{lhs} {op} {rhs} is fixed in group(s) {', '.join(map(str, fixed))} and free in group(s) "
                f"{', '.join(map(str, free))}, and group_equal equates it across groups (lavaan would then hold "
                "it at the fixed value in every group). Fix it in every group, or name it in group_partial."
            )


def _positions(table: ParTable, g: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat (column-major) positions of each row's cell(s) in the group's matrix-entry vector."""
    p, m = table.p, table.m
    off = table.offsets()
    dims = {LAMBDA: p, THETA: p, PSI: m, BETA: m, NU: p, ALPHA: m}
    pos, src = [], []
    for k, r in enumerate(table.rows):
        if r.group != g:
            continue
        n = dims[r.mat]
        pos.append(off[r.mat] + r.i + r.j * n)
        src.append(k)
        if r.mat in (THETA, PSI) and r.i != r.j:
            pos.append(off[r.mat] + r.j + r.i * n)
            src.append(k)
    return np.asarray(pos, int), np.asarray(src, int)
