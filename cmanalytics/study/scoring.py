"""Each respondent's dimension scores, after the reverse keys (:mod:`cmanalytics.study.keys`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.study.codebook import Codebook
from cmanalytics.study.ingestion import ID_COLUMN
from cmanalytics.study.keys import _codebook, reverse_key

SCORE_METHODS = ("mean", "sum", "regression")


def _min_items(min_items, dims) -> dict[str, int]:
    out = {}
    for d in dims:
        k = len(d.items)
        if min_items is None:
            need = math.ceil(k / 2)
        elif isinstance(min_items, dict):
            unknown = [x for x in min_items if x not in {dd.id for dd in dims}]
            if unknown:
                raise ArgumentError(f"min_items names dimension(s) {', '.join(map(repr, unknown))} not scored here.")
            need = min_items.get(d.id, math.ceil(k / 2))
        else:
            need = min_items
        if isinstance(need, float) and 0 < need <= 1:
            need = math.ceil(need * k)
        if isinstance(need, bool) or not isinstance(need, (int, np.integer)) or not 1 <= need <= k:
            raise ArgumentError(
                f"min_items for dimension {d.id!r} ({k} items) must be a whole number from 1 to {k}, "
                f"or a share in (0, 1]; got {need!r}."
            )
        out[d.id] = int(need)
    return out


def score(
    data: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    method: str = "mean",
    min_items=None,
    reverse=None,
    part: str | None = None,
    missing: str = "listwise",
) -> pd.DataFrame:
    """Each respondent's score on each dimension, after the reverse keys.

    ``method``:

    * ``"mean"`` (default): the mean of the answered items of the dimension;
    * ``"sum"``: the mean times the number of items (the sum of all items when every one is answered; with
      some unanswered, the plain sum would depend on how many were skipped, so it is prorated);
    * ``"regression"``: Thurstone's regression scores of the principal components of each part (varimax,
      as :func:`analyse`), each component named by the dimension it stands for; a respondent with an
      unanswered item gets no score, as SPSS saves them.

    A respondent who answered fewer than ``min_items`` of a dimension's items gets NaN for it (default: at
    least half the items, ``ceil(k / 2)``; an int for every dimension, a share such as 0.75, or a dict
    dimension -> int). Returns a new frame: ``respondent_id`` (when the data have it), then one column per
    dimension; the rule is kept in ``df.attrs["scoring"]``.

    SPSS: ``COMPUTE pay = MEAN.2(A1, A2, A3, A4).``; R: ``psych::scoreItems(keys, x, totals = FALSE,
    impute = "none")`` gives the same means for respondents who answered every item.
    """
    if method not in SCORE_METHODS:
        raise ArgumentError(f"method={method!r}; choose one of {', '.join(SCORE_METHODS)}.")
    if not isinstance(data, pd.DataFrame):
        raise ArgumentError(f"score takes a DataFrame of answers; got {type(data).__name__}.")
    if method == "regression" and min_items is not None:
        raise ArgumentError(
            "min_items applies to mean and sum scores; regression scores need every item of the part answered."
        )
    if method != "regression" and missing != "listwise":
        raise ArgumentError(
            f"missing={missing!r} applies to regression scores (the components' correlations); mean and sum "
            "scores use each respondent's answered items (see min_items)."
        )
    cb = _codebook(codebook)
    parts = [part] if part is not None else [p.id for p in cb.parts]
    dims = [d for p in parts for d in cb.dimensions_of(p)]
    items = [i for d in dims for i in d.items]
    absent = [i for i in items if i not in data.columns]
    if absent:
        raise DataError(f"the data lack item(s) {', '.join(absent)} of the codebook {cb.id!r}.")
    keyed = reverse_key(data, cb, reverse)
    need = _min_items(min_items, dims)
    out = pd.DataFrame(index=data.index)
    if ID_COLUMN in data.columns:
        out[ID_COLUMN] = data[ID_COLUMN]
    if method == "regression":
        from cmanalytics.study.analysis import analyse

        for p in parts:
            an = analyse(keyed, cb, part=p, missing=missing, reverse=())
            from cmanalytics.psychometrics.scores import factor_scores

            fs = factor_scores(an.efa, keyed[cb.items_of(p)], method="regression")
            for d in cb.dimensions_of(p):
                out[d.id] = fs.iloc[:, an.component_of[d.id]].to_numpy()
    else:
        for d in dims:
            block = keyed[list(d.items)].astype("float64")
            answered = block.notna().sum(axis=1)
            mean = block.mean(axis=1)
            value = mean if method == "mean" else mean * len(d.items)
            out[d.id] = value.where(answered >= need[d.id])
    out.attrs["scoring"] = {
        "method": method,
        "min_items": need if method != "regression" else None,
        "reversed": tuple(keyed.attrs.get("reversed", ())),
        "codebook": cb.id,
        "rule": _rule_text(method, need),
    }
    return out


def _rule_text(method: str, need: dict) -> str:
    if method == "regression":
        return (
            "regression (Thurstone) scores of the principal components (varimax) of each part, named by the "
            "dimension each stands for; no score with an unanswered item"
        )
    what = "mean of the answered items" if method == "mean" else "mean of the answered items x the number of items"
    return f"{what}, after reverse keys; NaN with fewer than " + ", ".join(
        f"{k} answered ({d})" for d, k in need.items()
    )
