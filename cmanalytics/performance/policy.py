"""Bank rules as data: loading and validating a policy file (TOML)."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cmanalytics.errors import PolicyError


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
        return {i["indicator"]: {**i, "area": area}
                for area, inds in self.data.get("appraisal", {}).get("areas", {}).items() for i in inds}

    def zh(self, grade: str) -> str:
        return self.data.get("grade_names", {}).get(grade, grade)


def _check_rank_bands(name: str, bands: list) -> None:
    expected = 1
    for k, band in enumerate(bands):
        lo = band[0]
        if lo != expected:
            raise PolicyError(f"ladder {name!r}: band {k + 1} starts at rank {lo}, expected {expected} (bands must "
                              "neither overlap nor leave gaps).")
        if len(band) == 2:
            if k != len(bands) - 1:
                raise PolicyError(f"ladder {name!r}: only the last band may be open-ended.")
            return
        hi = band[1]
        if hi < lo:
            raise PolicyError(f"ladder {name!r}: band {k + 1} ends ({hi}) before it starts ({lo}).")
        expected = hi + 1
    raise PolicyError(f"ladder {name!r}: the last band must be open-ended ('and below').")


def _check_score_bands(bands: list, what: str = "annual grade", label: str = "grade") -> None:
    """Score bands [min, max) must tile 0 and up: no overlap, no gap, an open top band."""
    ordered = sorted(bands, key=lambda b: b["min"])
    for a, b in zip(ordered, ordered[1:]):
        if "max" not in a:
            raise PolicyError(f"{what} band {a[label]!r} has no upper bound but another band lies above it.")
        if a["max"] > b["min"]:
            raise PolicyError(f"{what} bands {a[label]!r} and {b[label]!r} overlap ({a['max']} > {b['min']}).")
        if a["max"] < b["min"]:
            raise PolicyError(f"{what} bands leave a gap between {a['max']} and {b['min']} "
                              f"({a[label]!r}, {b[label]!r}).")
    if "max" in ordered[-1]:
        raise PolicyError(f"the top {what} band {ordered[-1][label]!r} must have no upper bound.")


NORMALIZATIONS = ("completion", "scale", "peer")


def _check_appraisal(appraisal: dict) -> None:
    areas = appraisal.get("areas", {})
    for area, indicators in areas.items():
        weight = sum(i["weight"] for i in indicators)
        if not math.isclose(weight, 1.0, abs_tol=1e-9):
            raise PolicyError(f"appraisal area {area!r}: indicator weights sum to {100 * weight:g}%, not 100%.")
        for ind in indicators:
            name = ind.get("indicator", "?")
            if ind.get("direction") not in ("higher", "lower"):
                raise PolicyError(f"appraisal indicator {name!r}: direction must be 'higher' or 'lower', "
                                  f"not {ind.get('direction')!r}.")
            norm = ind.get("normalization", "scale")
            if norm not in NORMALIZATIONS:
                raise PolicyError(f"appraisal indicator {name!r}: normalization {norm!r} is not one of "
                                  f"{', '.join(NORMALIZATIONS)}.")
            if norm == "scale":
                lo, hi = ind.get("range", [0.0, 100.0])
                if not lo < hi:
                    raise PolicyError(f"appraisal indicator {name!r}: range [{lo}, {hi}] is empty.")
            if norm == "completion" and not ind.get("full_marks_at", 1.0) > 0:
                raise PolicyError(f"appraisal indicator {name!r}: full_marks_at must be positive.")
    names = [i["indicator"] for inds in areas.values() for i in inds]
    twice = {n for n in names if names.count(n) > 1}
    if twice:
        raise PolicyError(f"appraisal indicator(s) {', '.join(sorted(twice))} appear in more than one place.")
    aw = appraisal.get("area_weights")
    if aw is not None and areas:
        if set(aw) != set(areas):
            raise PolicyError(f"appraisal area_weights name {sorted(aw)} but the areas are {sorted(areas)}.")
        if not math.isclose(sum(aw.values()), 1.0, abs_tol=1e-9):
            raise PolicyError(f"appraisal area_weights sum to {100 * sum(aw.values()):g}%, not 100%.")


def _check_review(review: dict) -> None:
    _check_score_bands(review["bands"], what="review", label="rating")
    for band in review["bands"]:
        move = band.get("move", 0)
        if move != "exit" and not isinstance(move, int):
            raise PolicyError(f"review rating {band['rating']!r}: move must be a whole number of steps or 'exit'.")
    if not review.get("ladder"):
        raise PolicyError("[review] needs a ladder (levels from low to high) for promotion and demotion.")


def validate(data: dict) -> None:
    """Raise :class:`PolicyError` naming what is inconsistent."""
    exam = data.get("exam", {})
    ladders = data.get("ladders", {})
    for name, ladder in ladders.items():
        _check_rank_bands(name, ladder.get("bands", []))
    for name, scheme in exam.get("schemes", {}).items():
        for key in ("written", "interview", "pass_line", "ladder"):
            if key not in scheme:
                raise PolicyError(f"exam scheme {name!r} lacks {key!r}.")
        if scheme["ladder"] not in ladders:
            raise PolicyError(f"exam scheme {name!r} grades by ladder {scheme['ladder']!r}, which the policy does not define.")
        total = scheme["written"] + sum(scheme["interview"].values()) + scheme.get("record", 0)
        if not 0 < scheme["pass_line"] <= total:
            raise PolicyError(f"exam scheme {name!r}: pass line {scheme['pass_line']} outside 0-{total}.")
    names = data.get("grade_names", {})
    for name, ladder in ladders.items():
        for band in ladder["bands"]:
            if names and band[-1] not in names:
                raise PolicyError(f"ladder {name!r} names grade {band[-1]!r}, which [grade_names] does not define.")
    if "annual_grade" in data:
        _check_score_bands(data["annual_grade"]["bands"])
    if "appraisal" in data:
        _check_appraisal(data["appraisal"])
    if "review" in data:
        _check_review(data["review"])
    elim = data.get("elimination", {})
    if elim and not (isinstance(elim.get("bottom_n"), int) and elim["bottom_n"] >= 0):
        raise PolicyError("[elimination] bottom_n must be a whole number, 0 or more.")
    dp = data.get("deferred_pay", {})
    if dp and not 0 <= dp.get("share", 0) <= 1:
        raise PolicyError(f"[deferred_pay] share {dp['share']} must lie between 0 and 1.")


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy; without a path, the defaults shipped with the package
    (``cmanalytics/performance/policies/default.toml``)."""
    if path is None:
        text = resources.files("cmanalytics.performance").joinpath("policies/default.toml").read_text("utf-8")
        source = "default.toml"
    else:
        path = Path(path)
        if not path.exists():
            raise PolicyError(f"no policy file at {path}.")
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"the policy {source} is not valid TOML: {exc}") from None
    validate(data)
    return Policy(data, source)
