"""Which column of an export holds which item of the codebook.

A survey platform rarely names its columns A1, A2, ...: a Wenjuanxing (问卷星) download heads them with the
question's number, wording and type ("3.我愿意为了银行的利益加班（单选题）"), a matrix question with the stem and
the row ("5.请评价以下各项—薪酬高于同行"), an SPSS file carries the wording as a variable label. A column matches
an item, in this order of trust:

1. ``column_map`` (export name -> item id), as the researcher wrote it;
2. the item id, exactly or ignoring case;
3. the item's wording (English or Chinese), with numbering ("3.", "Q3_", "第3题"), question-type tags
   ("（单选题）", "【矩阵量表题】"), punctuation and spaces ignored, in the header or in the SPSS variable label;
   the header may also end with the wording after a matrix question's stem;
4. a near match of the wording, taken only at a similarity of at least :data:`NEAR_MATCH` and reported
   with its score.

Two columns for one item, or one column as close to two items, is an error naming both: a wrong match is a
wrong number, so it is never guessed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from cmanalytics.errors import DataError

NEAR_MATCH = 0.90
"""The least similarity (difflib's ratio of the normalized wordings, 0-1) at which a near match is taken."""

_TAGS = re.compile(
    r"[（(\[【][^）)\]】]{0,12}(?:题|选|填空|量表|矩阵|排序|打分|必答|可选|question|choice)[^）)\]】]{0,12}[）)\]】]",
    re.IGNORECASE,
)
_NUMBERING = re.compile(
    r"^\s*(?:第\s*\d+\s*题|q(?:uestion)?\s*\d+(?:[._-]\d+)*|\d+(?:[._-]\d+)*)\s*[.、．:：_)）-]*\s*", re.IGNORECASE
)
# A matrix question's header: the stem, a separator, then the row's wording.
_MATRIX_SEP = re.compile(r"\s*(?:—|–|－|-{1,2}|_|:|：|\||/)\s*")


def normalize(text) -> str:
    """A header or a wording reduced to what identifies it: full-width forms folded (NFKC), question numbers
    and type tags removed, punctuation and white space dropped, lower case."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    s = _TAGS.sub("", s)
    s = _NUMBERING.sub("", s, count=1)
    return "".join(ch for ch in s.lower() if ch.isalnum())


def _candidates(header: str) -> list[str]:
    """The normalized forms a header may carry an item's wording in: whole, and each tail after a matrix
    question's separator ("stem—row" -> "row")."""
    s = unicodedata.normalize("NFKC", str(header))
    s = _TAGS.sub("", s)
    forms = [normalize(s)]
    parts = _MATRIX_SEP.split(s)
    for k in range(1, len(parts)):
        tail = normalize("".join(parts[k:]))
        if tail and tail not in forms:
            forms.append(tail)
    # "5.请评价以下各项(薪酬高于同行)": the row in brackets at the end
    m = re.search(r"[（(]([^（()）]+)[）)]\s*$", s)
    if m and normalize(m.group(1)) not in forms:
        forms.append(normalize(m.group(1)))
    return [f for f in forms if f]


@dataclass(frozen=True)
class ColumnMatch:
    """How one export column was matched: ``column``, ``item``, ``how`` (map, id, id (case), wording,
    label, near wording, near label) and ``score`` (1 for an exact match, the similarity for a near one)."""

    column: str
    item: str
    how: str
    score: float = 1.0


def _wordings(codebook) -> dict[str, list[str]]:
    out = {}
    for it in codebook.items:
        forms = {normalize(w) for w in (it.en, it.zh) if w and str(w) != it.id}
        out[it.id] = [f for f in forms if f]
    return out


def _exact(forms: list[str], wordings: dict[str, list[str]]) -> list[str]:
    return [item for item, ws in wordings.items() if any(f in ws for f in forms)]


def _near(forms: list[str], wordings: dict[str, list[str]]) -> list[tuple[str, float]]:
    """Items whose wording is at least NEAR_MATCH similar to one of the forms, best first."""
    scored = []
    for item, ws in wordings.items():
        best = max(
            (difflib.SequenceMatcher(None, f, w, autojunk=False).ratio() for f in forms for w in ws), default=0.0
        )
        if best >= NEAR_MATCH:
            scored.append((item, best))
    return sorted(scored, key=lambda t: -t[1])


def match_columns(
    columns, codebook, *, column_map: dict | None = None, labels: dict | None = None, skip=()
) -> tuple[list[ColumnMatch], list[str]]:
    """Match export columns to the codebook's items. Returns the matches (one per matched column) and the
    columns that matched no item. ``labels``: SPSS variable labels (column -> label); ``skip``: columns
    that are not items (the id column, columns kept as they are).

    Raises :class:`~cmanalytics.errors.DataError` when ``column_map`` names a column or item that does not
    exist, when one column is as close to two items, or when two columns match one item.
    """
    columns = [str(c) for c in columns]
    labels = {str(k): v for k, v in (labels or {}).items() if v}
    column_map = {str(k): str(v) for k, v in (column_map or {}).items()}
    ids = codebook.item_ids
    bad_cols = [c for c in column_map if c not in columns]
    bad_items = [v for v in column_map.values() if v not in ids]
    if bad_cols or bad_items:
        parts = []
        if bad_cols:
            parts.append("column(s) " + ", ".join(repr(c) for c in bad_cols) + " are not in the export")
        if bad_items:
            parts.append(
                "item(s) " + ", ".join(repr(i) for i in bad_items) + f" are not in the codebook {codebook.id!r}"
            )
        raise DataError("column_map: " + "; ".join(parts) + ".")
    lower = {i.lower(): i for i in ids}
    wordings = _wordings(codebook)
    matches: list[ColumnMatch] = []
    unmatched: list[str] = []
    for col in columns:
        if col in skip:
            continue
        if col in column_map:
            matches.append(ColumnMatch(col, column_map[col], "map"))
            continue
        if col in ids:
            matches.append(ColumnMatch(col, col, "id"))
            continue
        if col.strip().lower() in lower:
            matches.append(ColumnMatch(col, lower[col.strip().lower()], "id (case)"))
            continue
        found = _match_wording(col, labels.get(col), wordings)
        if found is None:
            unmatched.append(col)
        else:
            matches.append(found)
    _check_one_column_per_item(matches)
    return matches, unmatched


def _match_wording(col: str, label, wordings) -> ColumnMatch | None:
    for how, text in (("wording", col), ("label", label)):
        if not text:
            continue
        forms = _candidates(text)
        hits = _exact(forms, wordings)
        if len(hits) > 1:
            raise DataError(
                f"column {col!r} matches the wording of more than one item ({', '.join(hits)}); "
                "map it with column_map=."
            )
        if hits:
            return ColumnMatch(col, hits[0], how)
    for how, text in (("near wording", col), ("near label", label)):
        if not text:
            continue
        near = _near(_candidates(text), wordings)
        if len(near) > 1 and near[0][1] - near[1][1] < 0.02:
            raise DataError(
                f"column {col!r} is as close to item {near[0][0]!r} ({near[0][1]:.2f}) as to item "
                f"{near[1][0]!r} ({near[1][1]:.2f}); map it with column_map=."
            )
        if near:
            return ColumnMatch(col, near[0][0], how, round(near[0][1], 3))
    return None


def _check_one_column_per_item(matches: list[ColumnMatch]) -> None:
    by_item: dict[str, list[ColumnMatch]] = {}
    for m in matches:
        by_item.setdefault(m.item, []).append(m)
    doubled = {i: ms for i, ms in by_item.items() if len(ms) > 1}
    if doubled:
        desc = "; ".join(
            f"item {i!r} by columns " + " and ".join(f"{m.column!r} ({m.how})" for m in ms) for i, ms in doubled.items()
        )
        raise DataError(f"more than one column matches an item: {desc}. Keep one, or map them with column_map=.")
