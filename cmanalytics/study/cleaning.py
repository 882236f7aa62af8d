"""Cleaning survey responses rule by rule, with an audit trail. The raw data are never changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable
from cmanalytics.study.codebook import Codebook, load_codebook
from cmanalytics.study.ingestion import ID_COLUMN

RULES = ("duplicate_id", "out_of_scale", "too_many_missing", "straight_lining")


@dataclass(frozen=True)
class CleaningRules:
    """Which rules run, and their thresholds. Each respondent is removed by the first rule it breaks, in
    the order of :data:`RULES`; the audit trail lists every rule it breaks.

    * ``duplicate_id``: ``"keep_first"`` (a later row with an id already seen is a double entry) or
      ``"remove_all"`` or None (off).
    * ``out_of_scale``: an answer outside the item's scale or not a whole number (codes such as 0, 6 or
      9 for "no answer" end up here): remove the respondent (True) or not (False).
    * ``max_missing``: the largest share of unanswered items a respondent may leave (default 0.10: one item
      in ten; a valid questionnaire in the study is a complete one); None turns the rule off.
    * ``straight_lining``: remove respondents who gave the same answer to every item of a part (default
      True); ``min_items`` the least number of items a part needs for the rule to apply. The rule reads the
      answers as given, before reverse keys: the same box ticked for every item, reverse-keyed ones
      included, is exactly the careless pattern it looks for (after recoding, it would no longer look alike).
    """

    duplicate_id: str | None = "keep_first"
    out_of_scale: bool = True
    max_missing: float | None = 0.10
    straight_lining: bool = True
    min_items: int = 3

    def __post_init__(self):
        if self.duplicate_id not in ("keep_first", "remove_all", None):
            raise ArgumentError(f"duplicate_id={self.duplicate_id!r}; use 'keep_first', 'remove_all' or None.")
        if self.max_missing is not None and not 0 <= self.max_missing < 1:
            raise ArgumentError(f"max_missing must be a share in [0, 1); got {self.max_missing!r}.")
        if not self.straight_lining and self.min_items != 3:
            raise ArgumentError(
                f"min_items={self.min_items!r} sets the straight-lining rule, which straight_lining=False turns off."
            )


@dataclass(frozen=True, repr=False)
class CleaningResult(Reportable):
    """``data`` (the valid rows, same columns as the raw data, a new frame), ``report`` (a row per rule
    broken: respondent_id, row, rule, detail), ``removed`` (respondent row -> first rule), ``counts``
    (distributed, returned, valid), ``valid_rate``."""

    data: pd.DataFrame
    report: pd.DataFrame
    removed: pd.Series
    counts: dict
    rules: CleaningRules = field(default_factory=CleaningRules)

    @property
    def valid_rate(self) -> float:
        """Valid questionnaires as a share of those distributed (the study: 112 / 150 = 74.67%)."""
        return self.counts["valid"] / self.counts["distributed"]

    @cached_property
    def by_rule(self) -> pd.Series:
        """How many respondents each rule removed (first rule broken)."""
        return self.removed.value_counts().reindex(list(RULES), fill_value=0).rename("removed")

    def _report(self):
        c = self.counts
        rows = [
            ("distributed", str(c["distributed"])),
            ("returned", str(c["returned"])),
            ("valid", str(c["valid"])),
            ("valid response rate", f"{100 * self.valid_rate:.2f}%"),
        ]
        return (
            "Survey cleaning",
            rows,
            [("Removed by rule", self.by_rule.to_frame()), ("Audit trail", self.report)],
            (),
            (),
        )


def clean(
    raw: pd.DataFrame,
    codebook: Codebook | None = None,
    rules: CleaningRules | None = None,
    *,
    distributed: int | None = None,
) -> CleaningResult:
    """Apply the cleaning rules to a survey export mapped to a codebook (see
    :func:`~cmanalytics.study.ingestion.map_to_codebook`). ``distributed`` is the number of questionnaires
    handed out (default: the rows returned). The raw frame is not modified."""
    cb = codebook or load_codebook()
    rules = rules or CleaningRules()
    ids, x = _answers(raw, cb)
    n = len(raw)
    entries = _breaches(x, ids, cb, rules)
    report, removed = _audit_trail(entries, ids)
    keep = np.ones(n, bool)
    keep[removed.index.to_numpy()] = False
    if not keep.any():
        raise DataError(
            f"every one of the {n} questionnaires was rejected by the cleaning rules "
            f"({', '.join(f'{k}: {v}' for k, v in removed.value_counts().items())}); check the export "
            "and the codebook's scale, or relax the rules."
        )
    data = raw.iloc[np.where(keep)[0]].copy()
    counts = {
        "distributed": int(distributed if distributed is not None else n),
        "returned": n,
        "valid": int(keep.sum()),
    }
    if counts["distributed"] < n:
        raise ArgumentError(
            f"distributed ({counts['distributed']}) cannot be fewer than the questionnaires returned ({n})."
        )
    return CleaningResult(data=data, report=report, removed=removed, counts=counts, rules=rules)


def _answers(raw: pd.DataFrame, cb: Codebook) -> tuple[pd.Series, np.ndarray]:
    """The respondent ids (row numbers from 1 where the export has none) and the answers as floats."""
    if not isinstance(raw, pd.DataFrame):
        raise DataError("clean() takes the survey as a DataFrame (a row per questionnaire).")
    missing_items = [i for i in cb.item_ids if i not in raw.columns]
    if missing_items:
        raise DataError("the survey lacks the item(s) " + ", ".join(missing_items) + " of the codebook.")
    ids = raw[ID_COLUMN] if ID_COLUMN in raw.columns else pd.Series(np.arange(1, len(raw) + 1), index=raw.index)
    answers = raw[cb.item_ids]
    nonnum = [c for c in cb.item_ids if not pd.api.types.is_numeric_dtype(answers[c].dtype)]
    if nonnum:
        raise DataError(
            "item column(s) " + ", ".join(nonnum) + " hold text; read the export with "
            "cma.study.read_survey or map_to_codebook, which reads answers written as text."
        )
    return ids, answers.to_numpy(dtype=np.float64, na_value=np.nan)


def _breaches(x: np.ndarray, ids: pd.Series, cb: Codebook, rules: CleaningRules) -> list[tuple[int, str, str]]:
    """Every (row, rule, detail) a respondent breaks, rule by rule in the order of RULES."""
    entries: list[tuple[int, str, str]] = []
    if rules.duplicate_id is not None:
        dup = ids.duplicated(keep="first" if rules.duplicate_id == "keep_first" else False).to_numpy()
        for r in np.where(dup)[0]:
            entries.append((r, "duplicate_id", f"respondent id {ids.iloc[r]!s} appears more than once"))
    if rules.out_of_scale:
        entries += _out_of_scale(x, cb)
    if rules.max_missing is not None:
        share = np.isnan(x).mean(axis=1)
        for r in np.where(share > rules.max_missing)[0]:
            entries.append(
                (
                    r,
                    "too_many_missing",
                    f"{int(np.isnan(x[r]).sum())} of {x.shape[1]} items unanswered "
                    f"(more than {100 * rules.max_missing:g}%)",
                )
            )
    if rules.straight_lining:
        entries += _straight_lining(x, cb, rules.min_items)
    return entries


def _out_of_scale(x: np.ndarray, cb: Codebook) -> list[tuple[int, str, str]]:
    """Rows with an answer outside its item's scale or not a whole number."""
    lo = np.array([cb.item(i).scale_min for i in cb.item_ids])
    hi = np.array([cb.item(i).scale_max for i in cb.item_ids])
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(x) & ((x < lo) | (x > hi) | (x != np.round(x)))
    entries = []
    for r in np.where(bad.any(axis=1))[0]:
        cells = ", ".join(f"{cb.item_ids[j]} = {x[r, j]:g}" for j in np.where(bad[r])[0])
        entries.append(
            (
                r,
                "out_of_scale",
                f"{cells} outside {lo[0]:g}-{hi[0]:g}"
                if np.ptp(lo) == 0 == np.ptp(hi)
                else f"{cells} outside the item's scale",
            )
        )
    return entries


def _straight_lining(x: np.ndarray, cb: Codebook, min_items: int) -> list[tuple[int, str, str]]:
    """Rows that give one answer to every item of a part of at least min_items items."""
    entries = []
    for part in cb.parts:
        cols = [cb.item_ids.index(i) for i in cb.items_of(part.id)]
        if len(cols) < min_items:
            continue
        block = x[:, cols]
        complete = ~np.isnan(block).any(axis=1)
        same = complete & (np.nanmax(block, axis=1, initial=-np.inf) == np.nanmin(block, axis=1, initial=np.inf))
        for r in np.where(same)[0]:
            entries.append(
                (r, "straight_lining", f"the same answer ({block[r, 0]:g}) to all {len(cols)} items of part {part.id}")
            )
    return entries


def _audit_trail(entries: list[tuple[int, str, str]], ids: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """The audit trail (a row per rule broken, by row then rule order) and each removed row's first rule."""
    order = {rule: k for k, rule in enumerate(RULES)}
    entries = sorted(entries, key=lambda e: (e[0], order[e[1]]))
    report = pd.DataFrame(
        {
            "respondent_id": pd.Series([ids.iloc[r] for r, _, _ in entries], dtype=object),
            "row": pd.Series([int(r) for r, _, _ in entries], dtype="int64"),
            "rule": pd.Series([rule for _, rule, _ in entries], dtype=object),
            "detail": pd.Series([d for _, _, d in entries], dtype=object),
        }
    )
    first = report.drop_duplicates("row", keep="first")
    removed = pd.Series(first["rule"].to_numpy(), index=pd.Index(first["row"].to_numpy(), name="row"), name="rule")
    return report, removed
