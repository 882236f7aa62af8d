"""Instruments as data: a codebook names the items, their wording, scale and dimensions.

A codebook is a TOML file (see ``instruments/psychological_contract.toml``, the default)::

    [instrument]  id, name_en, name_zh, reference
    [scale]       min, max, anchors_en, anchors_zh, missing = [9, 99]   (every item's unless it gives its own)
    [[parts]]     id, name_en, name_zh
    [[dimensions]] id, part, name_en, name_zh, kind, items = [...]
    [[items]]     id, en, zh, reverse = false, (scale_min, scale_max, missing = [...])

``missing`` lists the codes that mean "no answer" (9, 99, -1, ...): they are made missing when an export is
read (:func:`cmanalytics.study.read_survey`), before the answers are checked against the scale. An item's own
``missing`` replaces the scale's. Unknown keys are refused with the nearest valid key suggested, so a typo
cannot silently switch a setting off.

Every analysis in :mod:`cmanalytics.study` reads the instrument from here, so another questionnaire in
the same format runs through the same pipeline.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cmanalytics.errors import CodebookError


@dataclass(frozen=True)
class Item:
    id: str
    en: str
    zh: str
    reverse: bool
    scale_min: float
    scale_max: float
    missing: tuple[float, ...] = ()


class _Named:
    name_en: str
    name_zh: str

    def name(self, lang: str = "en") -> str:
        """The English name, or the Chinese with ``lang="zh"``."""
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class Dimension(_Named):
    id: str
    part: str
    name_en: str
    name_zh: str
    kind: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Part(_Named):
    id: str
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class Codebook(_Named):
    """A validated instrument. ``items`` in questionnaire order; ``dimensions`` and ``parts`` likewise."""

    id: str
    name_en: str
    name_zh: str
    reference: str
    scale_min: float
    scale_max: float
    anchors_en: tuple[str, ...]
    anchors_zh: tuple[str, ...]
    parts: tuple[Part, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    missing_codes: tuple[float, ...] = ()

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise CodebookError(f"the codebook {self.id!r} has no item {item_id!r}.")

    def part(self, part_id: str) -> Part:
        for p in self.parts:
            if p.id == part_id:
                return p
        known = ", ".join(p.id for p in self.parts)
        raise CodebookError(f"the codebook {self.id!r} has no part {part_id!r}; its parts are {known}.")

    def dimensions_of(self, part_id: str) -> list[Dimension]:
        self.part(part_id)
        return [d for d in self.dimensions if d.part == part_id]

    def items_of(self, part_id: str) -> list[str]:
        """Item ids of a part, in questionnaire order."""
        members = {i for d in self.dimensions_of(part_id) for i in d.items}
        return [i for i in self.item_ids if i in members]

    def dimension_of(self, item_id: str) -> Dimension:
        for d in self.dimensions:
            if item_id in d.items:
                return d
        raise CodebookError(f"item {item_id!r} belongs to no dimension of {self.id!r}.")

    def reverse_items(self, part_id: str | None = None) -> list[str]:
        ids = self.items_of(part_id) if part_id else self.item_ids
        return [i for i in ids if self.item(i).reverse]


KEYS = {
    "": {"instrument", "scale", "parts", "dimensions", "items"},
    "instrument": {"id", "name_en", "name_zh", "reference"},
    "scale": {"min", "max", "anchors_en", "anchors_zh", "missing"},
    "parts": {"id", "name_en", "name_zh"},
    "dimensions": {"id", "part", "name_en", "name_zh", "kind", "items"},
    "items": {"id", "en", "zh", "reverse", "scale_min", "scale_max", "missing"},
}


def _check_keys(table, section: str, where: str) -> None:
    """Refuse keys the format does not know, suggesting the nearest valid one (a typo is never ignored)."""
    if not isinstance(table, dict):
        raise CodebookError(f"{where} must be a table of keys; got {type(table).__name__}.")
    for key in table:
        if key not in KEYS[section]:
            near = difflib.get_close_matches(str(key), sorted(KEYS[section]), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; valid keys: {', '.join(sorted(KEYS[section]))}."
            raise CodebookError(f"{where}: unknown key {key!r}{hint}")


def _codes(value, where: str) -> tuple[float, ...]:
    """Missing-value codes: a list of numbers."""
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    ):
        raise CodebookError(f"{where}: 'missing' must be a list of numbers such as [9, 99]; got {value!r}.")
    return tuple(float(v) for v in value)


def _need(table: dict, key: str, where: str):
    if key not in table:
        raise CodebookError(f"{where} lacks the field {key!r}.")
    return table[key]


def _scale(scale) -> tuple[float, float, tuple[str, ...], tuple[str, ...], tuple[float, ...]]:
    """The [scale] table: min, max, the two anchor lists and the missing codes, checked against each other."""
    _check_keys(scale, "scale", "[scale]")
    try:
        smin, smax = float(scale.get("min", 1)), float(scale.get("max", 5))
    except (TypeError, ValueError):
        raise CodebookError(
            f"[scale]: min and max must be numbers; got {scale.get('min')!r} and {scale.get('max')!r}."
        ) from None
    if not smin < smax:
        raise CodebookError(f"the scale's min ({smin:g}) must be below its max ({smax:g}).")
    anchors_en = tuple(scale.get("anchors_en", ()))
    anchors_zh = tuple(scale.get("anchors_zh", ()))
    missing = _codes(scale.get("missing", []), "[scale]")
    inside = [v for v in missing if smin <= v <= smax]
    if inside:
        raise CodebookError(
            f"[scale]: missing code(s) {', '.join(f'{v:g}' for v in inside)} lie inside the scale "
            f"{smin:g}-{smax:g}, where they would be answers; use codes outside it (9, 99, -1)."
        )
    n_points = int(smax - smin + 1)
    for name, anchors in (("anchors_en", anchors_en), ("anchors_zh", anchors_zh)):
        if anchors and len(anchors) != n_points:
            raise CodebookError(f"the scale has {n_points} points but {name} names {len(anchors)}.")
    return smin, smax, anchors_en, anchors_zh, missing


def _parts(entries) -> tuple[Part, ...]:
    """The [[parts]] entries, each id once."""
    for p in entries:
        _check_keys(p, "parts", "a [[parts]] entry")
    parts = tuple(
        Part(_need(p, "id", "a part"), p.get("name_en", p["id"]), p.get("name_zh", p.get("name_en", p["id"])))
        for p in entries
    )
    part_ids = [p.id for p in parts]
    if len(set(part_ids)) != len(part_ids):
        raise CodebookError(
            "a part id is used twice: " + ", ".join(sorted({p for p in part_ids if part_ids.count(p) > 1}))
        )
    return parts


def _entry_id(entry, section: str, what: str, seen: set, twice: str) -> str:
    """An [[items]] or [[dimensions]] entry's keys checked and its id, refused when already seen."""
    one = f"{'an' if what[0] in 'aeiou' else 'a'} {what}"
    _check_keys(entry, section, f"{what} {entry.get('id', '?')!r}" if isinstance(entry, dict) else one)
    eid = str(_need(entry, "id", one))
    if eid in seen:
        raise CodebookError(f"{what} {eid!r} {twice}.")
    seen.add(eid)
    return eid


def _items(entries, smin: float, smax: float, missing: tuple[float, ...]) -> tuple[Item, ...]:
    """The [[items]] entries, each id once, with the scale's range and codes where an item gives none."""
    items = []
    seen: set[str] = set()
    for it in entries:
        iid = _entry_id(it, "items", "item", seen, "is named twice in the codebook; each item needs one entry")
        lo, hi = float(it.get("scale_min", smin)), float(it.get("scale_max", smax))
        if not lo < hi:
            raise CodebookError(f"item {iid!r}: scale_min ({lo:g}) must be below scale_max ({hi:g}).")
        own = _codes(it["missing"], f"item {iid!r}") if "missing" in it else missing
        if not isinstance(it.get("reverse", False), bool):
            raise CodebookError(f"item {iid!r}: reverse must be true or false; got {it['reverse']!r}.")
        items.append(
            Item(iid, it.get("en", iid), it.get("zh", it.get("en", iid)), it.get("reverse", False), lo, hi, own)
        )
    if not items:
        raise CodebookError("the codebook lists no items.")
    return tuple(items)


def _dimensions(entries, part_ids: list[str], items: tuple[Item, ...]) -> tuple[Dimension, ...]:
    """The [[dimensions]] entries: each in a known part, each item in exactly one dimension."""
    seen = {i.id for i in items}
    dims = []
    owner: dict[str, str] = {}
    dim_ids = set()
    for dm in entries:
        did = _entry_id(dm, "dimensions", "dimension", dim_ids, "is defined twice")
        part = str(_need(dm, "part", f"dimension {did!r}"))
        if part not in part_ids:
            raise CodebookError(f"dimension {did!r} is in part {part!r}, which the codebook does not define.")
        members = tuple(str(i) for i in _need(dm, "items", f"dimension {did!r}"))
        for i in members:
            if i not in seen:
                raise CodebookError(f"dimension {did!r} names item {i!r}, which the codebook does not define.")
            if i in owner:
                raise CodebookError(
                    f"item {i!r} is in two dimensions, {owner[i]!r} and {did!r}; each item measures one."
                )
            owner[i] = did
        if not members:
            raise CodebookError(f"dimension {did!r} has no items.")
        name_en = dm.get("name_en", did)
        dims.append(Dimension(did, part, name_en, dm.get("name_zh", name_en), dm.get("kind", ""), members))
    orphans = [i.id for i in items if i.id not in owner]
    if orphans:
        raise CodebookError("item(s) " + ", ".join(orphans) + " belong to no dimension; assign each to one.")
    return tuple(dims)


def codebook_from_dict(d: dict) -> Codebook:
    """Build and validate a codebook from parsed TOML (or any dict of the same shape)."""
    _check_keys(d, "", "the codebook")
    inst = _need(d, "instrument", "the codebook")
    _check_keys(inst, "instrument", "[instrument]")
    smin, smax, anchors_en, anchors_zh, missing = _scale(d.get("scale", {}))
    parts = _parts(d.get("parts", ()))
    items = _items(d.get("items", ()), smin, smax, missing)
    dims = _dimensions(d.get("dimensions", ()), [p.id for p in parts], items)
    return Codebook(
        str(_need(inst, "id", "[instrument]")),
        inst.get("name_en", ""),
        inst.get("name_zh", ""),
        inst.get("reference", ""),
        smin,
        smax,
        anchors_en,
        anchors_zh,
        parts,
        dims,
        items,
        missing,
    )


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load a codebook from a TOML file; without a path, the psychological-contract instrument shipped
    with the package."""
    if path is None:
        text = (
            resources.files("cmanalytics.study").joinpath("instruments/psychological_contract.toml").read_text("utf-8")
        )
    else:
        path = Path(path)
        if not path.exists():
            raise CodebookError(f"no codebook at {path}.")
        text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CodebookError(f"the codebook {path or 'psychological_contract.toml'} is not valid TOML: {exc}") from None
    return codebook_from_dict(data)
