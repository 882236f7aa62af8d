"""Validity evidence for an instrument's part (cma.study.validity), on the answers with the reverse keys applied once.

    v = cma.study.validity(cleaned.data, codebook, part="A")
    v.cfa.fit_indices, v.cfa.cr, v.cfa.ave, v.htmt, v.omega.omega_h, v.harman

The codebook's dimensions are the factors of the CFA (lavaan's defaults: the first loading of each factor
fixed to 1, ML, listwise); CR and AVE come from its standardized loadings; HTMT2 between dimensions; omega
with as many group factors as dimensions; Harman's single-factor share. Every part of it says which items
were reversed (``reversed``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.validity import CFAResult, HarmanResult, OmegaResult, cfa, harman, htmt, omega
from cmanalytics.study.keys import _codebook, keyed_part


@dataclass(frozen=True, repr=False)
class ValidityResult(Reportable):
    """``cfa`` (:class:`~cmanalytics.psychometrics.validity.CFAResult`), ``htmt`` (DataFrame), ``omega``,
    ``harman``, ``reversed`` (items recoded before all of it), ``part``, ``model`` (the dimensions as factors)."""

    part: str
    model: dict
    cfa: CFAResult
    htmt: pd.DataFrame
    omega: OmegaResult | None
    harman: HarmanResult
    reversed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def _report(self):
        fi = self.cfa.fit_indices
        rows = [
            ("part", self.part),
            ("factors", ", ".join(self.model)),
            ("reverse-keyed", ", ".join(self.reversed) or "none"),
            ("chi-square (df)", f"{fmt(fi.get('chi2'))} ({fi.get('df'):.0f})"),
            ("CFI", fmt(fi.get("cfi"))),
            ("RMSEA", fmt(fi.get("rmsea"))),
            ("SRMR", fmt(fi.get("srmr"))),
            ("Harman's first factor", f"{fmt(self.harman.first_factor_pct, 1)}%"),
        ]
        if self.omega is not None:
            rows.append(("omega hierarchical / total", f"{fmt(self.omega.omega_h)} / {fmt(self.omega.omega_total)}"))
        tables = [
            ("Composite reliability and AVE", pd.DataFrame({"CR": self.cfa.cr, "AVE": self.cfa.ave})),
            ("HTMT", self.htmt),
        ]
        return f"Validity, part {self.part}", rows, tables, self.warnings, ()


def validity(
    data: pd.DataFrame, codebook=None, part: str | None = None, *, reverse=None, missing: str = "listwise"
) -> ValidityResult:
    """CFA, CR/AVE, HTMT, omega and Harman's test for one part of the instrument, on the answers with the
    reverse-keyed items recoded (the codebook's, or ``reverse=``) on their declared scale. ``missing``:
    "listwise", or "fiml" for the CFA (lavaan's ``missing = "ml"``; HTMT, omega and Harman then use pairwise
    correlations). R: ``lavaan::cfa``, ``semTools::htmt``, ``psych::omega``."""
    cb = _codebook(codebook)
    if part is None:
        if len(cb.parts) > 1:
            raise ArgumentError(f"the codebook {cb.id!r} has parts {', '.join(p.id for p in cb.parts)}: name one.")
        part = cb.parts[0].id
    if missing not in ("listwise", "fiml"):
        raise ArgumentError(f"missing={missing!r}; use 'listwise' or 'fiml'.")
    items, keyed = keyed_part(data, cb, part, reverse)
    model = {d.id: list(d.items) for d in cb.dimensions_of(part)}
    small = [d for d, its in model.items() if len(its) < 2]
    if small:
        raise DataError(
            f"dimension(s) {', '.join(small)} have fewer than two items: a factor needs at least two "
            "(three to be identified alone)."
        )
    other = "listwise" if missing == "listwise" else "pairwise"
    fit = cfa(keyed, model, missing=missing)
    ratio = htmt(keyed, model, missing=other)
    k = len(model)
    om = omega(keyed, n_factors=k, missing=other) if k >= 2 and len(items) >= 2 * k + math.ceil(k / 2) else None
    return ValidityResult(
        part=part,
        model=model,
        cfa=fit,
        htmt=ratio,
        omega=om,
        harman=harman(keyed, missing=other),
        reversed=tuple(i for i in keyed.attrs.get("reversed", ()) if i in items),
        warnings=tuple(getattr(fit, "warnings", ())),
    )
