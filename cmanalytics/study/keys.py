"""Reverse keys, once and everywhere.

Reverse-keyed items are recoded with the scale the codebook declares, ``min + max - x``, never with the
range observed in the data (a sample in which nobody answered 1 would otherwise be recoded wrongly). It is
done once, before every analysis that uses the items (factor analysis, alpha, omega, CFA, scores,
dashboards), and every result says which items were reversed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError, ReverseKeyWarning, diagnose
from cmanalytics.study.codebook import Codebook, load_codebook


def _codebook(codebook) -> Codebook:
    if codebook is None:
        return load_codebook()
    if isinstance(codebook, Codebook):
        return codebook
    return load_codebook(codebook)


def reverse_items(codebook: Codebook, reverse=None, items=None) -> list[str]:
    """The items to reverse: ``reverse`` when given (it replaces the codebook's list; ``()`` reverses none),
    else the codebook's ``reverse = true`` items; restricted to ``items`` when given."""
    if reverse is None:
        chosen = codebook.reverse_items()
    else:
        chosen = [reverse] if isinstance(reverse, str) else [str(r) for r in reverse]
        unknown = [r for r in chosen if r not in codebook.item_ids]
        if unknown:
            raise ArgumentError(
                f"reverse names item(s) {', '.join(map(repr, unknown))} that the codebook "
                f"{codebook.id!r} does not have."
            )
    return [i for i in chosen if items is None or i in items]


def reverse_key(data: pd.DataFrame, codebook: Codebook | None = None, reverse=None) -> pd.DataFrame:
    """A copy of ``data`` with the reverse-keyed items recoded as ``scale_min + scale_max - x`` on each item's
    declared scale. ``df.attrs["reversed"]`` lists them; items a frame already lists there are not recoded
    twice. The caller's frame is not modified.

    SPSS: ``RECODE A3 (1=5) (2=4) (3=3) (4=2) (5=1).``; R: ``psych::reverse.code(keys, x, mini, maxi)``.
    """
    cb = _codebook(codebook)
    if not isinstance(data, pd.DataFrame):
        raise ArgumentError(f"reverse_key takes a DataFrame; got {type(data).__name__}.")
    done = tuple(data.attrs.get("reversed", ()))
    todo = [i for i in reverse_items(cb, reverse) if i not in done]
    absent = [i for i in todo if i not in data.columns]
    if absent:
        raise DataError(f"the data lack the reverse-keyed item(s) {', '.join(absent)}.")
    out = data.copy()
    for i in todo:
        it = cb.item(i)
        x = pd.to_numeric(out[i], errors="raise").astype("float64")
        bad = x.notna() & ((x < it.scale_min) | (x > it.scale_max))
        if bad.any():
            rows = list(np.where(bad.to_numpy())[0][:5])
            raise DataError(
                f"item {i!r} has answers outside its scale {it.scale_min:g}-{it.scale_max:g} in row(s) "
                f"{', '.join(map(str, rows))} ({', '.join(f'{v:g}' for v in x[bad].unique()[:5])}); "
                "reverse-keying them would be wrong. Read the export with read_survey (missing codes)."
            )
        out[i] = it.scale_min + it.scale_max - x
    out.attrs["reversed"] = done + tuple(todo)
    return out


def keyed_part(data: pd.DataFrame, codebook: Codebook, part: str, reverse=None) -> tuple[list[str], pd.DataFrame]:
    """A part's item ids and its items reverse-keyed (:func:`reverse_key`), in a new frame; every item of the
    part must be in ``data``."""
    items = codebook.items_of(part)
    absent = [i for i in items if i not in data.columns]
    if absent:
        raise DataError(f"the data lack item(s) {', '.join(absent)} of part {part!r}.")
    return items, reverse_key(data[items].copy().__finalize__(data), codebook, reverse)


def check_reverse_keys(keyed: pd.DataFrame, codebook: Codebook, dimensions, record: list | None = None) -> list[str]:
    """Warn (:class:`~cmanalytics.errors.ReverseKeyWarning`) for every item that correlates negatively with
    the sum of the rest of its dimension once the declared reverse keys are applied: it looks reverse-keyed
    but is not declared so, or it was declared so but the export had already recoded it."""
    reversed_ = set(keyed.attrs.get("reversed", ()))
    flagged = []
    for d in dimensions:
        cols = list(d.items)
        if len(cols) < 3:
            continue
        block = keyed[cols].astype("float64").dropna()
        if len(block) < 3:
            continue
        total = block.sum(axis=1)
        for c in cols:
            rest = total - block[c]
            if block[c].std() == 0 or rest.std() == 0:
                continue
            r = float(np.corrcoef(block[c], rest)[0, 1])
            if r < 0:
                why = (
                    "it was reverse-keyed as the codebook says: was it already recoded in the export?"
                    if c in reversed_
                    else "it looks reverse-keyed: declare it `reverse = true` in the codebook or pass reverse=[...]."
                )
                diagnose(
                    f"item {c!r} correlates negatively (r = {r:.2f}) with the rest of dimension {d.id!r}; {why}",
                    ReverseKeyWarning,
                    record,
                )
                flagged.append(c)
    return flagged
