"""Bank rules as data: loading and validating a policy file (TOML)."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cmanalytics.errors import PolicyError
from cmanalytics.performance import schema


@dataclass(frozen=True)
class Policy:
    """A validated policy: the parsed TOML in ``data``, with accessors for the parts the models use."""

    data: dict
    source: str

    def scheme(self, name: str) -> dict:
        schemes = self.data["exam"]["schemes"]
        if name not in schemes:
            raise PolicyError(f"the policy has no exam scheme {name!r}; it defines {', '.join(schemes)}.")
        return schemes[name]

    def ladder(self, name: str) -> list:
        return self.data["ladders"][name]["bands"]

    def indicators(self) -> dict:
        """Every appraisal indicator by name, with its area added."""
        return {
            i["indicator"]: {**i, "area": area}
            for area, inds in self.data.get("appraisal", {}).get("areas", {}).items()
            for i in inds
        }

    def zh(self, grade: str) -> str:
        return self.data.get("grade_names", {}).get(grade, grade)

    @property
    def precision(self) -> int:
        """Decimals a score is rounded to before any band, rank or cut-off (``[scores] precision``)."""
        return int(self.data["scores"]["precision"])

    def round(self, values):
        """Scores rounded half up to the policy's precision (:func:`~cmanalytics.performance.rounding.round_score`)."""
        from cmanalytics.performance.rounding import round_score

        return round_score(values, self.precision)


def _check_rank_bands(source: str, name: str, bands: list) -> None:
    key = f"ladders.{name}.bands"
    expected = 1
    for k, band in enumerate(bands):
        lo = band[0]
        if lo != expected:
            _fail(
                source,
                f"{key}[{k}]",
                f"band {k + 1} starts at rank {lo}, expected {expected} (bands must neither overlap nor leave gaps)",
            )
        if len(band) == 2:
            if k != len(bands) - 1:
                _fail(source, f"{key}[{k}]", "only the last band may be open-ended")
            return
        hi = band[1]
        if hi < lo:
            _fail(source, f"{key}[{k}]", f"band {k + 1} ends ({hi}) before it starts ({lo})")
        expected = hi + 1
    _fail(source, key, "the last band must be open-ended ('and below')")


def _check_score_bands(source: str, key: str, bands: list, label: str) -> None:
    """Score bands must tile 0 and up: ordered, no overlap, no gap, an open top band."""
    for k, band in enumerate(bands):
        if label not in band:
            _fail(source, f"{key}[{k}]", f"a band needs its {label!r}")
        if "max" in band and not band["max"] > band["min"]:
            _fail(source, f"{key}[{k}]", f"band {band[label]!r} is empty (max {band['max']} <= min {band['min']})")
    ordered = sorted(bands, key=lambda b: b["min"])
    for a, b in zip(ordered, ordered[1:]):
        if "max" not in a:
            _fail(source, key, f"band {a[label]!r} has no upper bound but another band lies above it")
        if a["max"] > b["min"]:
            _fail(source, key, f"bands {a[label]!r} and {b[label]!r} overlap ({a['max']} > {b['min']})")
        if a["max"] < b["min"]:
            _fail(source, key, f"bands leave a gap between {a['max']} and {b['min']} ({a[label]!r}, {b[label]!r})")
    if "max" in ordered[-1]:
        _fail(source, key, f"the top band {ordered[-1][label]!r} must have no upper bound")
    if ordered[0]["min"] != 0:
        _fail(source, key, f"the lowest band {ordered[0][label]!r} must start at 0, not {ordered[0]['min']}")


NORMALIZATIONS = ("completion", "scale", "peer")


def _check_appraisal(source: str, appraisal: dict) -> None:
    areas = appraisal.get("areas", {})
    for area, indicators in areas.items():
        weight = sum(i["weight"] for i in indicators)
        if not math.isclose(weight, 1.0, abs_tol=1e-9):
            _fail(source, f"appraisal.areas.{area}", f"indicator weights sum to {100 * weight:g}%, not 100%")
        for k, ind in enumerate(indicators):
            if ind.get("normalization", "scale") == "scale":
                lo, hi = ind.get("range", [0.0, 100.0])
                if not lo < hi:
                    _fail(source, f"appraisal.areas.{area}[{k}].range", f"[{lo}, {hi}] is empty")
            if ind.get("normalization") == "completion" and not ind.get("full_marks_at", 1.0) > 0:
                _fail(source, f"appraisal.areas.{area}[{k}].full_marks_at", "must be positive")
    names = [i["indicator"] for inds in areas.values() for i in inds]
    twice = {n for n in names if names.count(n) > 1}
    if twice:
        _fail(source, "appraisal.areas", f"indicator(s) {', '.join(sorted(twice))} appear in more than one place")
    aw = appraisal.get("area_weights")
    if aw is not None and areas:
        if set(aw) != set(areas):
            _fail(source, "appraisal.area_weights", f"names {sorted(aw)} but the areas are {sorted(areas)}")
        if not math.isclose(sum(aw.values()), 1.0, abs_tol=1e-9):
            _fail(source, "appraisal.area_weights", f"area_weights sum to {100 * sum(aw.values()):g}%, not 100%")


def _fail(source: str, key: str, rule: str):
    raise PolicyError(f"policy {source}, key {key}: {rule}")


def validate(data: dict, source: str = "(given)") -> None:
    """Raise :class:`PolicyError` naming the file, the key and the rule: first the declared schema
    (:mod:`cmanalytics.performance.schema`: unknown keys, types, ranges, required sections), then the rules
    that tie keys together (weights summing to 100%, bands tiling the scores, names defined)."""
    schema.check(data, schema.SCHEMA, source)
    exam, ladders, names = data["exam"], data["ladders"], data["grade_names"]
    for name, ladder in ladders.items():
        _check_rank_bands(source, name, ladder["bands"])
        for band in ladder["bands"]:
            if band[-1] not in names:
                _fail(source, f"ladders.{name}.bands", f"grade {band[-1]!r} is not defined in [grade_names]")
    for name, scheme in exam["schemes"].items():
        if scheme["ladder"] not in ladders:
            _fail(
                source,
                f"exam.schemes.{name}.ladder",
                f"grades by ladder {scheme['ladder']!r}, which the policy does not define",
            )
        total = scheme["written"] + sum(scheme["interview"].values()) + scheme.get("record", 0)
        if not 0 < scheme["pass_line"] <= total:
            _fail(source, f"exam.schemes.{name}.pass_line", f"pass line {scheme['pass_line']} outside 0-{total}")
    prov = exam.get("provisional")
    if prov and prov["grade"] not in names:
        _fail(source, "exam.provisional.grade", f"grade {prov['grade']!r} is not defined in [grade_names]")
    _check_score_bands(source, "annual_grade.bands", data["annual_grade"]["bands"], "grade")
    _check_appraisal(source, data["appraisal"])
    review = data["review"]
    _check_score_bands(source, "review.bands", review["bands"], "rating")
    el = data["elimination"]
    if el["ties"] == "second-indicator" and "tie_indicator" not in el:
        _fail(source, "elimination.tie_indicator", "ties = 'second-indicator' needs the indicator that breaks them")
    a = data["assignment"]
    for key in ("large_levels", "medium_levels"):
        strange = [lv for lv in a[key] if lv not in a["levels"]]
        if strange:
            _fail(source, f"assignment.{key}", f"level(s) {strange} are not among levels {a['levels']}")
    if not a["medium_min"] < a["large_min"]:
        _fail(source, "assignment.medium_min", f"{a['medium_min']} must lie below large_min {a['large_min']}")
    pay = data["pay"]
    for key in ("base_pay", "standard"):
        missing = [lv for lv in review["ladder"] if lv not in pay[key]]
        if missing:
            _fail(source, f"pay.{key}", f"gives nothing for level(s) {missing} of the review ladder")
    wf = data["workforce"].get("plan")
    if wf and not wf["start_share"] <= wf["target_share"]:
        _fail(source, "workforce.plan", "target_share lies below start_share")


def _merge(base: dict, over: dict) -> dict:
    """``over`` laid on ``base``: tables merged key by key, anything else (numbers, lists) replaced."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


def _read(path: str | Path | None) -> tuple[dict, str]:
    if path is None:
        text = resources.files("cmanalytics.performance").joinpath("policies/default.toml").read_text("utf-8")
        source = "default.toml"
    else:
        path = Path(path)
        if not path.is_file():
            raise PolicyError(f"policy {path}: no such file.")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"policy {path}: cannot be read as UTF-8 text ({exc}).") from None
        source = str(path)
    try:
        return tomllib.loads(text), source
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy {source}: not valid TOML: {exc}") from None


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy; without a path, the defaults shipped with the package
    (``cmanalytics/performance/policies/default.toml``).

    A file that begins with ``extends = "default"`` holds only what it changes: its tables are laid over
    the defaults key by key (a list, such as a set of bands, replaces the default's whole). Otherwise the
    file must be complete. Either way the result is checked against the declared schema and the rules
    that tie keys together; a :class:`PolicyError` names the file, the key and the rule."""
    data, source = _read(path)
    base = data.get("extends")
    if base is not None:
        if base != "default":
            _fail(source, "extends", f"only 'default' can be extended, not {base!r}")
        data = _merge(_read(None)[0], {k: v for k, v in data.items() if k != "extends"})
    validate(data, source)
    return Policy(data, source)


def policy_from(data: dict, source: str = "(in memory)") -> Policy:
    """A policy from a dict (say, a loaded policy's ``data`` with one value changed), validated the same way."""
    import copy

    data = copy.deepcopy(data)
    validate(data, source)
    return Policy(data, source)
