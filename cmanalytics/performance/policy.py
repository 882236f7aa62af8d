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


def _check_score_bands(bands: list) -> None:
    ordered = sorted(bands, key=lambda b: b["min"])
    for a, b in zip(ordered, ordered[1:]):
        if "max" not in a:
            raise PolicyError(f"annual grade band {a['grade']!r} has no upper bound but another band lies above it.")
        if a["max"] > b["min"]:
            raise PolicyError(f"annual grade bands {a['grade']!r} and {b['grade']!r} overlap ({a['max']} > {b['min']}).")
        if a["max"] < b["min"]:
            raise PolicyError(f"annual grade bands leave a gap between {a['max']} and {b['min']} "
                              f"({a['grade']!r}, {b['grade']!r}).")
    if "max" in ordered[-1]:
        raise PolicyError(f"the top annual grade band {ordered[-1]['grade']!r} must have no upper bound.")


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
    for area, indicators in data.get("appraisal", {}).get("areas", {}).items():
        weight = sum(i["weight"] for i in indicators)
        if not math.isclose(weight, 1.0, abs_tol=1e-9):
            raise PolicyError(f"appraisal area {area!r}: indicator weights sum to {100 * weight:g}%, not 100%.")


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
