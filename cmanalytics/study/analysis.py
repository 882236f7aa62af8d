"""The study's analysis of one part: adequacy, principal components with varimax, reliability, ranking."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from itertools import permutations

import numpy as np
import pandas as pd

import cmanalytics.psychometrics as pm
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.study.codebook import Codebook, load_codebook


def published() -> dict:
    """The figures the study published (``published.toml``)."""
    return tomllib.loads(resources.files("cmanalytics.study").joinpath("published.toml").read_text("utf-8"))


def match_components(loadings: np.ndarray, owner: list[int], n_dims: int) -> list[int]:
    """Which component stands for each dimension: the one-to-one assignment that maximizes the summed
    absolute loadings of each dimension's items on its component (each dimension to its best component
    when there are not as many components as dimensions)."""
    a = np.abs(loadings)
    k = a.shape[1]
    mass = np.zeros((n_dims, k))
    for i, d in enumerate(owner):
        mass[d] += a[i]
    if k == n_dims:
        best = max(permutations(range(k)), key=lambda pm_: sum(mass[d, pm_[d]] for d in range(n_dims)))
        return list(best)
    return [int(np.argmax(mass[d])) for d in range(n_dims)]


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
    ``dominant`` (Series: item -> dimension of its largest rotated loading), ``tables`` (dict of DataFrames)."""

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

    @property
    def n_obs(self) -> int:
        return self.efa.n_obs

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        from cmanalytics.study.tables import part_tables

        return part_tables(self, lang=self.lang)

    def _report(self):
        t = self.tables
        rows = [("part", f"{self.part}: {self.codebook.part(self.part).name(self.lang)}"), ("N", str(self.n_obs)),
                ("KMO", fmt(self.kmo.overall)), ("Bartlett chi2", f"{fmt(self.bartlett.chi2)} (df {self.bartlett.df})"),
                ("alpha", fmt(self.alpha.alpha)), ("ranking", " > ".join(self.ranking))]
        return f"Psychological contract, part {self.part}", rows, list(t.items()), self.efa.warnings, ()


def analyse(data: pd.DataFrame, part: str = "A", codebook: Codebook | None = None, *, n_components: int | None = 3,
            rotation: str = "varimax", missing: str = "listwise", lang: str = "en") -> PartAnalysis:
    """Run the study's analysis on one part of the instrument: KMO and Bartlett, principal components
    (3, as published; None for Kaiser's criterion) with varimax, alpha over all items and per dimension,
    which dimension each item loads on most, and Table 3's ranking.

    The ranking rule: a dimension's contribution is the mean absolute rotated loading of its items on the
    component that stands for it (the one-to-one matching of components to dimensions that maximizes the
    loadings on them); dimensions are ranked by it, largest first.
    SPSS equivalent: Factor (KMO and Bartlett, Principal components, Varimax) and Reliability per scale.
    """
    cb = codebook or load_codebook()
    items = cb.items_of(part)
    dims = cb.dimensions_of(part)
    block = data[items]
    rev = cb.reverse_items(part)
    prepared = pm.prepare(block, missing=missing)
    res = pm.efa(prepared, n_factors=n_components, method="pca", rotation=rotation)
    alpha = pm.cronbach_alpha(block, reverse=rev, missing=missing, scale=(cb.scale_min, cb.scale_max) if rev else None)
    dim_index = {d.id: k for k, d in enumerate(dims)}
    owner = [dim_index[cb.dimension_of(i).id] for i in items]
    lam = res.loadings.to_numpy()
    means, comp = dimension_loadings(lam, owner, len(dims))
    comp_to_dim = {c: dims[d].id for d, c in enumerate(comp)}
    dominant = pd.Series([comp_to_dim.get(int(np.argmax(np.abs(lam[i]))), "?") for i in range(len(items))],
                         index=items, name="dimension")
    d_alpha = {}
    for d in dims:
        cols = list(d.items)
        if len(cols) >= 2:
            drev = [i for i in cols if i in rev]
            d_alpha[d.id] = pm.cronbach_alpha(block[cols], reverse=drev, missing=missing,
                                              scale=(cb.scale_min, cb.scale_max) if drev else None).alpha
    order = list(np.argsort(-means, kind="stable"))
    return PartAnalysis(part=part, codebook=cb, kmo=pm.kmo(prepared), bartlett=pm.bartlett(prepared), efa=res,
                        alpha=alpha, dimension_alpha=pd.Series(d_alpha, name="alpha"),
                        ranking=[dims[i].id for i in order], dominant=dominant,
                        mean_loadings=pd.Series(means, index=[d.id for d in dims], name="mean_loading"),
                        component_of={dims[d].id: c for d, c in enumerate(comp)}, lang=lang)
