"""lavaan's model syntax: ``f =~ x1 + x2``, ``x1 ~~ x2``, ``y ~ x``, ``x1 ~ 1``, with modifiers.

A statement is ``lhs op rhs`` where ``op`` is ``=~`` (is measured by), ``~~`` (variance or covariance),
``~`` (is regressed on; ``~ 1`` is an intercept). Terms on either side are joined by ``+``; a term may
carry modifiers joined by ``*``: a number fixes the parameter (``1*x1``, ``0*x2``), ``NA`` frees it
(``NA*x1`` frees a marker loading), a name labels it (``a*x1``; parameters sharing a label are equal),
``c(...)`` gives one modifier per group (``c(a, b)*x1``, ``c(1, NA)*x1``). ``#`` and ``!`` start comments;
a statement may continue on the next line after a trailing operator or ``+``, or when the next line
begins with ``+``; ``;`` separates statements on one line.

Reference: Rosseel, Y. (2012). lavaan: an R package for structural equation modeling. Journal of
Statistical Software 48(2), 1-36 (section "the model syntax").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cmanalytics.errors import ArgumentError

OPERATORS = ("=~", "~~", "~")
_NAME = re.compile(r"^(?:[^\W\d]|\.)[\w.]*$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


class ModelSyntaxError(ArgumentError):
    """The model text cannot be read as lavaan syntax; the message names the line and the token."""


@dataclass(frozen=True)
class Modifier:
    """What a term's modifier says: ``fixed`` (a value, or None), ``free`` (NA given), ``label``."""

    fixed: float | None = None
    free: bool = False
    label: str | None = None


@dataclass(frozen=True)
class Statement:
    """One parameter statement: ``lhs op rhs`` with per-group modifiers (a tuple, one per ``c()`` entry, or
    a single one for all groups) and the line it came from."""

    lhs: str
    op: str
    rhs: str
    modifiers: tuple[Modifier, ...]
    line: int


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Comments removed, continuation lines joined; each statement with its first line number."""
    raw = []
    for no, line in enumerate(text.splitlines(), start=1):
        line = re.split(r"[#!]", line, maxsplit=1)[0].strip()
        for part in line.split(";"):
            if part.strip():
                raw.append((no, part.strip()))
    out: list[tuple[int, str]] = []
    for no, line in raw:
        if out and (line.startswith("+") or out[-1][1].endswith(("+", "*", "=~", "~~", "~"))):
            out[-1] = (out[-1][0], out[-1][1] + " " + line)
        else:
            out.append((no, line))
    return out


def _split_operator(line: str, no: int) -> tuple[str, str, str]:
    for op in OPERATORS:  # the two-character operators first, so "=~" is not read as "~"
        at = line.find(op)
        if at >= 0:
            return line[:at].strip(), op, line[at + len(op) :].strip()
    if "==" in line or ":=" in line or "<" in line or ">" in line:
        raise ModelSyntaxError(
            f"line {no}: {line!r}: constraints (==, <, >) and defined parameters (:=) are not "
            "supported; give equal parameters the same label instead (a*x1 + a*x2)."
        )
    raise ModelSyntaxError(f"line {no}: {line!r} has no operator; write 'f =~ x1 + x2', 'x1 ~~ x2' or 'y ~ x'.")


def _one_modifier(token: str, no: int) -> Modifier:
    token = token.strip()
    if _NUMBER.match(token):
        return Modifier(fixed=float(token))
    if token == "NA":
        return Modifier(free=True)
    if _NAME.match(token):
        return Modifier(label=token)
    raise ModelSyntaxError(f"line {no}: modifier {token!r} is neither a number, NA nor a label.")


def _modifiers(token: str, no: int) -> tuple[Modifier, ...]:
    token = token.strip()
    m = re.fullmatch(r"c\((.*)\)", token)
    if m:
        parts = [p for p in m.group(1).split(",")]
        if not all(p.strip() for p in parts):
            raise ModelSyntaxError(f"line {no}: empty entry in {token!r}.")
        return tuple(_one_modifier(p, no) for p in parts)
    if re.fullmatch(r"(start|equal|label|lower|upper)\(.*\)", token):
        raise ModelSyntaxError(f"line {no}: modifier {token!r} is not supported; use a number, NA or a label.")
    return (_one_modifier(token, no),)


def _term(term: str, no: int, op: str) -> tuple[str, tuple[Modifier, ...]]:
    pieces = [p.strip() for p in term.split("*")]
    if any(not p for p in pieces):
        raise ModelSyntaxError(f"line {no}: term {term!r} has an empty factor around '*'.")
    name, mods = pieces[-1], ()
    for piece in pieces[:-1]:
        mods = _merge(mods, _modifiers(piece, no), no, term)
    if op == "~" and _NUMBER.match(name) and float(name) == 1:
        return "1", mods
    if not _NAME.match(name):
        raise ModelSyntaxError(f"line {no}: {name!r} in {term!r} is not a variable name.")
    return name, mods


def _merge(a: tuple[Modifier, ...], b: tuple[Modifier, ...], no: int, term: str) -> tuple[Modifier, ...]:
    """``a*1*x1``-style chains: a label and a value in one term."""
    if not a:
        return b
    if len(a) != len(b) and 1 not in (len(a), len(b)):
        raise ModelSyntaxError(f"line {no}: the c() modifiers in {term!r} differ in length.")
    n = max(len(a), len(b))
    a, b = (a * n if len(a) == 1 else a), (b * n if len(b) == 1 else b)
    return tuple(
        Modifier(fixed=y.fixed if y.fixed is not None else x.fixed, free=x.free or y.free, label=y.label or x.label)
        for x, y in zip(a, b)
    )


def parse(text: str) -> list[Statement]:
    """Read lavaan model syntax into statements; a :class:`ModelSyntaxError` names the line and the token.

    >>> [(s.lhs, s.op, s.rhs) for s in parse("visual =~ x1 + a*x2 # a comment")]
    [('visual', '=~', 'x1'), ('visual', '=~', 'x2')]
    """
    if not isinstance(text, str):
        raise ArgumentError("the model must be lavaan syntax (a string) or a dict: factor -> list of items.")
    out = []
    for no, line in _logical_lines(text):
        lhs, op, rhs = _split_operator(line, no)
        if not lhs:
            raise ModelSyntaxError(f"line {no}: nothing left of {op!r} in {line!r}.")
        if not rhs:
            raise ModelSyntaxError(f"line {no}: nothing right of {op!r} in {line!r}.")
        for left in (t.strip() for t in lhs.split("+")):
            if not _NAME.match(left):
                raise ModelSyntaxError(f"line {no}: {left!r} left of {op!r} is not a variable name.")
            for term in rhs.split("+"):
                if not term.strip():
                    raise ModelSyntaxError(
                        f"line {no}: an empty term (two '+' in a row, or a trailing '+') in {line!r}."
                    )
                name, mods = _term(term, no, op)
                if name == "1" and op != "~":
                    raise ModelSyntaxError(f"line {no}: '1' is an intercept only after '~' (write 'x1 ~ 1').")
                out.append(Statement(left, op, name, mods, no))
    if not out:
        raise ModelSyntaxError("the model text holds no statement.")
    return out


def from_dict(model: dict) -> str:
    """The dict form ``{"visual": ["x1", "x2", "x3"]}`` as lavaan syntax ``visual =~ x1 + x2 + x3``."""
    if not isinstance(model, dict) or not model:
        raise ArgumentError(
            "model must be lavaan syntax or a dict: factor name -> list of its items, "
            "e.g. {'visual': ['x1', 'x2', 'x3']}."
        )
    return "\n".join(f"{f} =~ " + " + ".join(map(str, items)) for f, items in model.items())
