"""The declared schema of a policy file: every section and key, its type and range, which are required.

A policy decides people's grades, pay and jobs, so a file is checked whole before anything is computed:
an unknown key is refused with the nearest valid key suggested (a typo must not silently fall back to a
default), numbers must lie in their range, counts must be whole numbers, required sections must be there.
The rules that tie several keys together (weights summing to 100%, bands tiling the scores) are checked in
:mod:`cmanalytics.performance.policy` after this. Every error is a :class:`PolicyError` naming the file,
the key and the rule.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

from cmanalytics.errors import PolicyError


@dataclass(frozen=True)
class Num:
    """A number (int or float) in [lo, hi]; ``integer`` asks for a whole number."""

    lo: float | None = None
    hi: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class Str:
    choices: tuple = ()


@dataclass(frozen=True)
class Bool:
    pass


@dataclass(frozen=True)
class List:
    item: object
    min_len: int = 0


@dataclass(frozen=True)
class Map:
    """A table whose keys are names the file chooses (grade names, areas, schemes), each value ``value``."""

    value: object
    min_len: int = 0


@dataclass(frozen=True)
class Table:
    """A table with these keys only; ``required`` must be present."""

    keys: dict
    required: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Either:
    """One of several shapes (a move is a whole number of steps or "exit")."""

    options: tuple


@dataclass(frozen=True)
class RankBand:
    """[from, to, grade] or [from, grade] (the last, open-ended band)."""


def T(required=(), **keys) -> Table:
    return Table(keys, frozenset(required))


NOTE = Str()
SHARE = Num(0.0, 1.0)
MONEY = Num(0.0)
WEIGHT = Num(0.0)

INDICATOR = T(
    ["indicator", "weight", "direction"],
    indicator=Str(),
    zh=Str(),
    weight=WEIGHT,
    direction=Str(("higher", "lower")),
    normalization=Str(("completion", "scale", "peer")),
    full_marks_at=Num(0.0),
    range=List(Num(), 2),
    source_note=NOTE,
)
SCORE_BAND = T(
    ["min"],
    min=Num(0.0, 100.0),
    max=Num(0.0, 100.0),
    grade=Str(),
    rating=Str(),
    zh=Str(),
    pay_coefficient=Num(0.0),
    move=Either((Num(integer=True), Str(("exit",)))),
    source_note=NOTE,
)
BY_LEVEL = Map(Num(0.0))

SCHEMA = T(
    [
        "scores",
        "grade_names",
        "exam",
        "ladders",
        "annual_grade",
        "appraisal",
        "review",
        "elimination",
        "assignment",
        "simulated_profit",
        "pay",
        "deferred_pay",
        "workforce",
    ],
    extends=Str(),
    meta=T(name=Str(), source_note=NOTE),
    scores=T(["precision"], precision=Num(0, 6, integer=True)),
    grade_names=Map(Str()),
    exam=T(
        ["record", "schemes"],
        pass_line_inclusive=Bool(),
        record=T(
            ["cap"],
            cap=Num(0.0),
            president=T(base=Num(0.0), per_year=Num(0.0)),
            vice_president=T(base=Num(0.0), per_year=Num(0.0)),
            business_head=T(base=Num(0.0), per_year=Num(0.0)),
            finance=T(base=Num(0.0), per_block=Num(0.0), block_years=Num(1, integer=True)),
        ),
        provisional=T(
            ["min_avg_daily_deposit", "grade"], min_avg_daily_deposit=MONEY, min_inclusive=Bool(), grade=Str()
        ),
        eligibility=T(["min_finance_years"], min_finance_years=Num(0.0), min_inclusive=Bool(), source_note=NOTE),
        renewal=T(["qualification_years"], qualification_years=Num(1, 10, integer=True)),
        schemes=Map(
            T(
                ["written", "interview", "pass_line", "ladder"],
                written=Num(0.0),
                interview=Map(Num(0.0)),
                record=Num(0.0),
                pass_line=Num(0.0),
                ladder=Str(),
                source_note=NOTE,
            ),
            1,
        ),
    ),
    ladders=Map(T(["bands"], bands=List(RankBand(), 1), source_note=NOTE), 1),
    annual_grade=T(["bands", "inclusion"], inclusion=Str(("min", "max")), bands=List(SCORE_BAND, 1), source_note=NOTE),
    appraisal=T(["areas"], area_weights=Map(WEIGHT), source_note=NOTE, areas=Map(List(INDICATOR, 1), 1)),
    review=T(
        ["bands", "ladder", "inclusion"],
        source_note=NOTE,
        inclusion=Str(("min", "max")),
        ladder=List(Str(), 1),
        bands=List(SCORE_BAND, 1),
    ),
    elimination=T(
        ["bottom_n", "ties", "scope", "protection_years"],
        status=Str(("proposal", "rule")),
        source_note=NOTE,
        bottom_n=Num(0, integer=True),
        ties=Str(("spare", "all", "second-indicator")),
        tie_indicator=Str(),
        scope=Str(("bank", "branch")),
        protection_years=Num(0.0),
        not_appraised=List(Str()),
    ),
    assignment=T(
        [
            "levels",
            "large_min",
            "medium_min",
            "junior_max",
            "large_levels",
            "medium_levels",
            "max_large_or_medium",
            "caseload_cap",
        ],
        levels=List(Str(), 1),
        large_min=MONEY,
        large_min_inclusive=Bool(),
        medium_min=MONEY,
        medium_min_inclusive=Bool(),
        junior_max=MONEY,
        junior_max_inclusive=Bool(),
        junior_preference=Num(0.0, 1.0),
        large_levels=List(Str(), 1),
        medium_levels=List(Str(), 1),
        max_large_or_medium=Num(0, integer=True),
        caseload_cap=Num(1, integer=True),
        balance=Str(("deposit_plus_loan", "loan")),
        key_deposit_group_size=Num(1, integer=True),
        key_deposit_group_level=Str(),
    ),
    part_time=T(["manages"], source_note=NOTE, manages=Str(("developed_only",)), ranked_for_elimination=Bool()),
    simulated_profit=T(
        ["ftp_rate_loans", "ftp_rate_deposits", "loan_rate", "deposit_rate", "risk_charge"],
        source_note=NOTE,
        ftp_rate_loans=SHARE,
        ftp_rate_deposits=SHARE,
        loan_rate=SHARE,
        deposit_rate=SHARE,
        risk_charge=Str(("expected_loss", "non_performing")),
        probability_of_default=SHARE,
        loss_given_default=SHARE,
        npl_provision_rate=SHARE,
        operating_cost_per_client=MONEY,
        operating_cost_rate=SHARE,
    ),
    pay=T(
        ["base_pay", "standard", "performance_pay_rate"],
        source_note=NOTE,
        base_pay=BY_LEVEL,
        standard=Map(Num(0.0, 100.0)),
        standard_inclusive=Bool(),
        performance_pay_rate=SHARE,
        protection_years=Num(0.0),
    ),
    deferred_pay=T(
        ["share", "confirm_quarters", "confirm_min_score"],
        source_note=NOTE,
        share=SHARE,
        confirm_quarters=Num(1, integer=True),
        confirm_min_score=Num(0.0, 100.0),
        confirm_min_inclusive=Bool(),
    ),
    workforce=T(
        source_note=NOTE,
        cm_share_floor=SHARE,
        caseload_caps=Map(Num(1, integer=True)),
        min_cell=Num(1, integer=True),
        plan=T(
            ["start_share", "target_share", "years"], start_share=SHARE, target_share=SHARE, years=Num(1, integer=True)
        ),
    ),
)


def _fail(source: str, path: str, rule: str):
    raise PolicyError(f"policy {source}, key {path or '(top)'}: {rule}")


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_table(value, spec: Table, source: str, path: str) -> None:
    """A table: known keys only (the nearest suggested), the required ones present, each value checked."""
    if not isinstance(value, dict):
        _fail(source, path, f"must be a table, not {type(value).__name__}")
    for key in value:
        if key not in spec.keys:
            near = difflib.get_close_matches(key, list(spec.keys), n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else f"; valid keys: {', '.join(spec.keys)}"
            _fail(source, f"{path}.{key}".lstrip("."), f"unknown key{hint}")
    for key in sorted(spec.required - set(value)):
        _fail(source, f"{path}.{key}".lstrip("."), "required but missing")
    for key, v in value.items():
        check(v, spec.keys[key], source, f"{path}.{key}".lstrip("."))


def _check_map(value, spec: Map, source: str, path: str) -> None:
    """A table of any keys whose values share one spec."""
    if not isinstance(value, dict):
        _fail(source, path, f"must be a table, not {type(value).__name__}")
    if len(value) < spec.min_len:
        _fail(source, path, f"needs at least {spec.min_len} entry")
    for key, v in value.items():
        check(v, spec.value, source, f"{path}.{key}")


def _check_list(value, spec: List, source: str, path: str) -> None:
    """A list of at least min_len entries, each checked."""
    if not isinstance(value, list):
        _fail(source, path, f"must be a list, not {type(value).__name__}")
    if len(value) < spec.min_len:
        _fail(source, path, f"needs at least {spec.min_len} entr{'y' if spec.min_len == 1 else 'ies'}")
    for k, v in enumerate(value):
        check(v, spec.item, source, f"{path}[{k}]")


def _check_num(value, spec: Num, source: str, path: str) -> None:
    """A finite number, whole where a count, within its bounds."""
    if not _is_number(value) or not math.isfinite(value):
        _fail(source, path, f"must be a number, not {value!r}")
    if spec.integer and value != int(value):
        _fail(source, path, f"must be a whole number, not {value!r}")
    if spec.integer and not isinstance(value, int):
        _fail(source, path, f"must be written as a whole number (a count), not {value!r}")
    if spec.lo is not None and value < spec.lo:
        _fail(source, path, f"{value!r} is below its minimum {spec.lo:g}")
    if spec.hi is not None and value > spec.hi:
        _fail(source, path, f"{value!r} is above its maximum {spec.hi:g}")


def _check_str(value, spec: Str, source: str, path: str) -> None:
    """Text, one of the choices where there are choices (the nearest suggested)."""
    if not isinstance(value, str):
        _fail(source, path, f"must be text, not {value!r}")
    if spec.choices and value not in spec.choices:
        near = difflib.get_close_matches(value, spec.choices, n=1, cutoff=0.5)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        _fail(source, path, f"{value!r} is not one of {', '.join(map(repr, spec.choices))}{hint}")


def _check_bool(value, spec: Bool, source: str, path: str) -> None:
    """true or false, not a number standing for one."""
    if not isinstance(value, bool):
        _fail(source, path, f"must be true or false, not {value!r}")


def _check_either(value, spec: Either, source: str, path: str) -> None:
    """The first of the options that fits; if none does, one error naming why each did not."""
    errors = []
    for option in spec.options:
        try:
            check(value, option, source, path)
            return
        except PolicyError as exc:
            errors.append(str(exc))
    _fail(
        source,
        path,
        f"{value!r} fits none of the allowed shapes ({'; '.join(e.split(': ', 1)[1] for e in errors)})",
    )


def _check_rank_band(value, spec: RankBand, source: str, path: str) -> None:
    """[from, to, grade] or [from, grade], whole ranks from 1."""
    ok = (
        isinstance(value, list)
        and len(value) in (2, 3)
        and isinstance(value[-1], str)
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value[:-1])
    )
    if not ok:
        _fail(source, path, f"a rank band is [from, to, grade] or [from, grade] with whole ranks from 1, not {value!r}")


_CHECKS = {
    Table: _check_table,
    Map: _check_map,
    List: _check_list,
    Num: _check_num,
    Str: _check_str,
    Bool: _check_bool,
    Either: _check_either,
    RankBand: _check_rank_band,
}


def check(value, spec, source: str, path: str = "") -> None:
    """Check ``value`` against ``spec``; the first breach raises :class:`PolicyError`."""
    step = _CHECKS.get(type(spec))
    if step is None:  # pragma: no cover - a schema bug
        raise TypeError(spec)
    step(value, spec, source, path)
