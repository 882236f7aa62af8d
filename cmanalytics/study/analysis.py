"""The study's analysis of one part: adequacy, principal components with varimax, reliability, ranking."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources

import numpy as np
import pandas as pd

import cmanalytics.psychometrics as pm
from cmanalytics.errors import ArgumentError
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.study.codebook import Codebook
from cmanalytics.study.labels import _lab


def published() -> dict:
    """The figures the study published (``published.toml``)."""
    return tomllib.loads(resources.files("cmanalytics.study").joinpath("published.toml").read_text("utf-8"))


def match_components(loadings: np.ndarray, owner: list[int], n_dims: int) -> list[int]:
    """Which component stands for each dimension: the one-to-one assignment that maximizes the summed
    absolute loadings of each dimension's items on its component (Hungarian algorithm, so any number of
    components works); with fewer components than dimensions, the dimensions left over go to their best
    component, shared."""
    from scipy.optimize import linear_sum_assignment

    a = np.abs(loadings)
    k = a.shape[1]
    mass = np.zeros((n_dims, k))
    for i, d in enumerate(owner):
        mass[d] += a[i]
    rows, cols = linear_sum_assignment(-mass)
    comp = [int(np.argmax(mass[d])) for d in range(n_dims)]
    for d, c in zip(rows, cols):
        comp[d] = int(c)
    return comp


def dimension_loadings(loadings: np.ndarray, owner: list[int], n_dims: int) -> tuple[np.ndarray, list[int]]:
    """Mean absolute loading of each dimension's items on the dimension's component (Table 3's measure)."""
    comp = match_components(loadings, owner, n_dims)
    a = np.abs(loadings)
    means = np.array([a[[i for i, d in enumerate(owner) if d == dim], comp[dim]].mean() for dim in range(n_dims)])
    return means, comp


@dataclass(frozen=True, repr=False)
class PartAnalysis(Reportable):
    """The analysis of one part: ``kmo``, ``bartlett``, ``efa`` (PCA, varimax), ``alpha`` (all items),
    ``dimension_alpha`` (Series), ``ranking`` (dimension ids, Table 3 order, first contributes most),
    ``dominant`` (Series: item -> dimension of its largest rotated loading), ``reversed`` (the items
    reverse-keyed before the analysis), ``n_factors_rule`` (how the number of components was chosen),
    ``warnings``, ``comparison`` (the published figures beside these, only with ``compare="published"``),
    ``tables`` (dict of DataFrames)."""

    part: str
    codebook: Codebook
    kmo: pm.adequacy.KMOResult
    bartlett: pm.adequacy.BartlettResult
    efa: pm.EFAResult
    alpha: pm.AlphaResult
    dimension_alpha: pd.Series
    ranking: list[str]
    dominant: pd.Series
    mean_loadings: pd.Series
    component_of: dict = field(default_factory=dict)
    lang: str = "en"
    reversed: tuple[str, ...] = ()
    n_factors_rule: str = ""
    warnings: tuple[str, ...] = ()
    comparison: pd.DataFrame | None = None

    @property
    def n_obs(self) -> int:
        return self.efa.n_obs

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        from cmanalytics.study.tables import part_tables

        t = part_tables(self, lang=self.lang)
        if self.comparison is not None:
            t[f"published_vs_reproduced_{self.part}"] = self.comparison
        return t

    def _report(self):
        t = self.tables
        rows = [
            ("part", f"{self.part}: {self.codebook.part(self.part).name(self.lang)}"),
            ("N", str(self.n_obs)),
            ("KMO", fmt(self.kmo.overall)),
            ("Bartlett chi2", f"{fmt(self.bartlett.chi2)} (df {self.bartlett.df})"),
            ("components", f"{self.efa.n_factors} ({self.n_factors_rule})"),
            ("alpha", fmt(self.alpha.alpha)),
            ("reverse-keyed", ", ".join(self.reversed) or "none"),
            ("ranking", " > ".join(self.ranking)),
        ]
        return (
            f"{self.codebook.name(self.lang) or self.codebook.id}, part {self.part}",
            rows,
            list(t.items()),
            tuple(self.warnings) + tuple(self.efa.warnings),
            (),
        )


@dataclass(frozen=True, repr=False)
class SurveyAnalysis(Reportable):
    """Every part of an instrument analysed (:func:`analyse` without ``part`` on a codebook of several
    parts): ``parts`` (part id -> :class:`PartAnalysis`), ``tables`` (all of them), ``res["A"]``."""

    parts: dict
    codebook: Codebook

    def __getitem__(self, part: str) -> PartAnalysis:
        return self.parts[part]

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {k: v for an in self.parts.values() for k, v in an.tables.items()}

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(w for an in self.parts.values() for w in an.warnings)

    def _report(self):
        rows = [
            (
                f"part {p}",
                f"N {an.n_obs}, KMO {fmt(an.kmo.overall)}, alpha {fmt(an.alpha.alpha)}, {an.efa.n_factors} components",
            )
            for p, an in self.parts.items()
        ]
        return (self.codebook.name_en or self.codebook.id, rows, list(self.tables.items()), self.warnings, ())


def _n_factors(n_factors, keyed, items, dims, missing, seed) -> tuple[int | None, str]:
    if n_factors is None:
        return len(dims), "the codebook's dimensions in this part"
    if isinstance(n_factors, str):
        if n_factors == "parallel":
            pa = pm.parallel_analysis(keyed[items], missing=missing, seed=seed)
            return max(1, int(pa.n_factors)), f"parallel analysis (seed {seed})"
        if n_factors == "kaiser":
            return None, "eigenvalues greater than 1 (Kaiser)"
        raise ArgumentError(
            f"n_factors={n_factors!r}; give a number, None (the codebook's dimensions), 'parallel' or 'kaiser'."
        )
    if isinstance(n_factors, bool) or not isinstance(n_factors, (int, np.integer)) or n_factors < 1:
        raise ArgumentError(f"n_factors must be a whole number of at least 1; got {n_factors!r}.")
    return int(n_factors), "given"


def analyse(
    data: pd.DataFrame,
    codebook: Codebook | None = None,
    part: str | None = None,
    n_factors=None,
    *,
    reverse=None,
    rotation: str = "varimax",
    missing: str = "listwise",
    compare: str | None = None,
    lang: str = "en",
    seed: int = 0,
):
    """Analyse one part of an instrument as the study did: KMO and Bartlett, principal components with
    varimax, alpha over all items and per dimension, which dimension each item loads on most, and Table 3's
    ranking.

    The reverse-keyed items (the codebook's, or ``reverse=``) are recoded on their declared scale first,
    once, and every table says which; an item that still correlates negatively with the rest of its
    dimension gets a :class:`~cmanalytics.errors.ReverseKeyWarning`.

    ``n_factors``: None (default) extracts as many components as the part has dimensions in the codebook;
    a number; ``"parallel"`` (Horn's parallel analysis, ``seed``) or ``"kaiser"`` (eigenvalues > 1).
    ``part``: a part id; None analyses the only part, or every part (a :class:`SurveyAnalysis`).
    ``compare="published"`` adds the published study's figures beside these (only for the study's own
    instrument); they are never compared by default.

    The ranking rule: a dimension's contribution is the mean absolute rotated loading of its items on the
    component that stands for it (the one-to-one matching of components to dimensions that maximizes the
    loadings on them); dimensions are ranked by it, largest first.
    SPSS equivalent: Factor (KMO and Bartlett, Principal components, Varimax) and Reliability per scale.
    """
    from cmanalytics.study.keys import _codebook

    cb = _codebook(codebook)
    if compare not in (None, "published"):
        raise ArgumentError(f"compare={compare!r}; use None or 'published'.")
    if compare == "published" and cb.id != "psychological_contract":
        raise ArgumentError(
            f"compare='published' compares with the published psychological-contract study; the "
            f"codebook {cb.id!r} is another instrument."
        )
    if not isinstance(data, pd.DataFrame):
        raise ArgumentError(f"analyse takes a DataFrame of answers; got {type(data).__name__}.")
    _lab(lang)  # the tables are built on first use: an unsupported language is refused here, not later
    if part is None:
        if len(cb.parts) > 1:
            return SurveyAnalysis(
                {
                    p.id: analyse(
                        data,
                        cb,
                        p.id,
                        n_factors,
                        reverse=reverse,
                        rotation=rotation,
                        missing=missing,
                        compare=compare,
                        lang=lang,
                        seed=seed,
                    )
                    for p in cb.parts
                },
                cb,
            )
        part = cb.parts[0].id
    an = _analyse_part(data, cb, part, n_factors, reverse, rotation, missing, lang, seed)
    if compare == "published":
        from cmanalytics.study.tables import comparison_table

        object.__setattr__(an, "comparison", comparison_table({part: an}, published()).loc[part])
    return an


def _analyse_part(data, cb: Codebook, part: str, n_factors, reverse, rotation, missing, lang, seed) -> PartAnalysis:
    """One part: reverse keys, the number of components, PCA with rotation, alpha, and the ranking."""
    from cmanalytics.study.keys import check_reverse_keys, keyed_part

    dims = cb.dimensions_of(part)
    items, keyed = keyed_part(data, cb, part, reverse)
    notes: list[str] = []
    check_reverse_keys(keyed, cb, dims, notes)
    block = keyed[items]
    k, rule = _n_factors(n_factors, keyed, items, dims, missing, seed)
    prepared = pm.prepare(block, missing=missing)
    res = pm.efa(prepared, n_factors=k, method="pca", rotation=rotation)
    alpha = pm.cronbach_alpha(prepared)
    means, comp, dominant = _dimension_ranking(res.loadings.to_numpy(), cb, items, dims)
    d_alpha = {d.id: pm.cronbach_alpha(block[list(d.items)], missing=missing).alpha for d in dims if len(d.items) >= 2}
    order = list(np.argsort(-means, kind="stable"))
    return PartAnalysis(
        part=part,
        codebook=cb,
        kmo=pm.kmo(prepared),
        bartlett=pm.bartlett(prepared),
        efa=res,
        alpha=alpha,
        dimension_alpha=pd.Series(d_alpha, name="alpha", dtype="float64"),
        ranking=[dims[i].id for i in order],
        dominant=dominant,
        mean_loadings=pd.Series(means, index=[d.id for d in dims], name="mean_loading"),
        component_of={dims[d].id: c for d, c in enumerate(comp)},
        lang=lang,
        reversed=tuple(i for i in keyed.attrs.get("reversed", ()) if i in items),
        n_factors_rule=rule,
        warnings=tuple(notes),
    )


def _dimension_ranking(
    lam: np.ndarray, cb: Codebook, items: list[str], dims
) -> tuple[np.ndarray, list[int], pd.Series]:
    """Each dimension's mean loading on its component, the component of each dimension, and each item's
    dominant dimension (the dimension whose component carries its largest absolute loading)."""
    dim_index = {d.id: j for j, d in enumerate(dims)}
    owner = [dim_index[cb.dimension_of(i).id] for i in items]
    means, comp = dimension_loadings(lam, owner, len(dims))
    comp_to_dim = {c: dims[d].id for d, c in enumerate(comp)}
    dominant = pd.Series(
        [comp_to_dim.get(int(np.argmax(np.abs(lam[i]))), "?") for i in range(len(items))], index=items, name="dimension"
    )
    return means, comp, dominant
