"""Exploratory factor analysis and principal components: ``efa()`` and its result."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError
from cmanalytics.presentation import Reportable, fmt, html_report, text_report
from cmanalytics.psychometrics import extraction as ex
from cmanalytics.psychometrics import rotation as rot
from cmanalytics.psychometrics.adequacy import singular_warning
from cmanalytics.psychometrics.inputs import Moments, gather

METHOD_ALIASES = {"pca": "pca", "pc": "pca", "principal": "pca", "paf": "paf", "pa": "paf", "minres": "minres",
                  "uls": "minres", "ml": "ml", "mle": "ml"}
METHOD_LABELS = {"pca": "Principal Component Analysis", "paf": "Principal Axis Factoring",
                 "minres": "Minimum Residual (Unweighted Least Squares)", "ml": "Maximum Likelihood"}
COLUMN_PREFIX = {"pca": "PC", "paf": "PA", "minres": "MR", "ml": "ML"}
HEYWOOD_TOL = 1e-9


@dataclass(frozen=True, repr=False)
class EFAResult(Reportable):
    """The result of :func:`efa`.

    Attributes
    ----------
    loadings : items x factors; the rotated loadings (the pattern matrix for oblique rotations).
    structure, phi : structure matrix and factor correlations (oblique rotations; None otherwise).
    unrotated : the loadings before rotation.
    communalities : extraction communalities (SPSS "Communalities: Extraction").
    initial_communalities : 1 for components, squared multiple correlations for factor methods.
    uniquenesses : 1 - communalities.
    eigenvalues : of the correlation matrix, descending.
    variance_explained : SPSS's "Total Variance Explained" table.
    rotation_matrix : T with loadings = unrotated @ T (orthogonal) or its oblique counterpart.
    fit : for factor methods, the likelihood-ratio fit (chi2, df, p_value, rmsea, tli, bic), as psych reports it.
    n_factors, n_factors_rule : how many factors and how that number was chosen.
    n_obs, missing : the n used and the missing-data policy.
    iterations : extraction and rotation iterations.
    warnings : singular matrix, Heywood cases, non-convergence; also shown by ``summary()``.

    The tables are built from the arrays the first time they are asked for.
    """

    method: str
    rotation: str | None
    n_factors: int
    n_factors_rule: str
    fit: dict | None
    n_obs: int
    missing: str
    iterations: dict
    warnings: tuple[str, ...]
    items: tuple[str, ...]
    factors: tuple[str, ...]
    arrays: dict = field(compare=False)  # lam, unrot, phi, rotmat, eigenvalues, initial
    display_sort: bool = True
    display_blank: float | None = None
    _moments: Moments | None = field(default=None, compare=False)

    def _frame(self, a, columns=None) -> pd.DataFrame:
        return pd.DataFrame(a, index=list(self.items), columns=list(columns or self.factors))

    @cached_property
    def loadings(self) -> pd.DataFrame:
        return self._frame(self.arrays["lam"])

    @cached_property
    def unrotated(self) -> pd.DataFrame:
        prefix = COLUMN_PREFIX[self.method]
        return self._frame(self.arrays["unrot"], [f"{prefix}{j + 1}" for j in range(self.n_factors)])

    @cached_property
    def phi(self) -> pd.DataFrame | None:
        phi = self.arrays["phi"]
        return None if phi is None else pd.DataFrame(phi, index=list(self.factors), columns=list(self.factors))

    @cached_property
    def structure(self) -> pd.DataFrame | None:
        phi = self.arrays["phi"]
        return None if phi is None else self._frame(self.arrays["lam"] @ phi)

    @cached_property
    def communalities(self) -> pd.Series:
        return pd.Series((self.arrays["unrot"] ** 2).sum(axis=1), index=list(self.items), name="communality")

    @cached_property
    def uniquenesses(self) -> pd.Series:
        return (1 - self.communalities).rename("uniqueness")

    @cached_property
    def initial_communalities(self) -> pd.Series:
        return pd.Series(self.arrays["initial"], index=list(self.items), name="initial")

    @cached_property
    def eigenvalues(self) -> pd.Series:
        ev = self.arrays["eigenvalues"]
        return pd.Series(ev, index=pd.RangeIndex(1, len(ev) + 1, name="component"), name="eigenvalue")

    @cached_property
    def variance_explained(self) -> pd.DataFrame:
        a = self.arrays
        structure = None if a["phi"] is None else a["lam"] @ a["phi"]
        return variance_table(a["eigenvalues"], a["unrot"], a["lam"], structure, a["rotmat"] is not None)

    @cached_property
    def rotation_matrix(self) -> pd.DataFrame | None:
        t = self.arrays["rotmat"]
        return None if t is None else pd.DataFrame(t, columns=list(self.factors))

    # ----- tables -----------------------------------------------------------------------------------
    def sorted_loadings(self, blank: float | None = None, *, matrix: str = "loadings") -> pd.DataFrame:
        """Loadings sorted as SPSS's "Sorted by size": items grouped by the factor of their largest absolute
        loading, each group in descending order; entries with absolute value below ``blank`` become NaN."""
        lam = getattr(self, matrix)
        if lam is None:
            raise ArgumentError(f"this solution has no {matrix} matrix (only oblique rotations have one).")
        a = np.abs(lam.to_numpy())
        dominant = a.argmax(axis=1)
        order = sorted(range(len(lam)), key=lambda i: (dominant[i], -a[i, dominant[i]]))
        out = lam.iloc[order].copy()
        if blank is not None:
            out = out.mask(out.abs() < blank)
        return out

    def view(self, *, sort: bool = True, blank: float | None = None) -> "EFAResult":
        """The same result, shown (in Jupyter and ``summary()``) sorted and with small loadings blanked."""
        return dataclasses.replace(self, display_sort=sort, display_blank=blank)

    def to_frame(self) -> pd.DataFrame:
        """Loadings with the communalities beside them."""
        out = self.loadings.copy()
        out["h2"] = self.communalities
        out["u2"] = self.uniquenesses
        return out

    # ----- factor scores ----------------------------------------------------------------------------
    def scores(self, data, method: str = "regression") -> pd.DataFrame:
        """Factor scores for respondents (see :func:`cmanalytics.psychometrics.scores.factor_scores`)."""
        from cmanalytics.psychometrics.scores import factor_scores

        return factor_scores(self, data, method=method)

    # ----- display ----------------------------------------------------------------------------------
    def _report(self):
        rows = [("Extraction", METHOD_LABELS[self.method]),
                ("Rotation", _rotation_label(self.rotation, self.iterations.get("normalized"))),
                ("Factors", f"{self.n_factors} ({self.n_factors_rule})"),
                ("N", f"{self.n_obs} ({self.missing})")]
        if self.fit is not None and self.method == "ml":
            f = self.fit
            rows.append(("Goodness of fit", f"chi2({f['df']}) = {fmt(f['chi2'])}, p = {fmt(f['p_value'])}, "
                                            f"RMSEA = {fmt(f['rmsea'])}, TLI = {fmt(f['tli'])}, BIC = {fmt(f['bic'])}"))
        lam = self.sorted_loadings(self.display_blank) if self.display_sort else (
            self.loadings if self.display_blank is None else self.loadings.mask(self.loadings.abs() < self.display_blank))
        name = "Rotated Component Matrix" if self.method == "pca" else "Rotated Factor Matrix"
        if self.rotation is None:
            name = "Component Matrix" if self.method == "pca" else "Factor Matrix"
        elif self.phi is not None:
            name = "Pattern Matrix"
        tables = [(name, lam)]
        if self.phi is not None:
            tables.append(("Structure Matrix", self.structure.loc[lam.index]))
            tables.append(("Factor Correlation Matrix", self.phi))
        comm = pd.DataFrame({"Initial": self.initial_communalities, "Extraction": self.communalities})
        tables.append(("Communalities", comm))
        tables.append(("Total Variance Explained", self.variance_explained))
        notes = []
        if self.display_blank is not None:
            notes.append(f"Loadings with absolute value below {self.display_blank} are blanked.")
        return "Exploratory factor analysis", rows, tables, self.warnings, notes

    def summary(self, digits: int = 3, *, sort: bool | None = None, blank: float | None = None) -> str:
        """The SPSS-style output as text; ``sort`` and ``blank`` override the view's settings."""
        res = self.view(sort=self.display_sort if sort is None else sort,
                        blank=self.display_blank if blank is None else blank)
        return text_report(*res._report(), digits=digits)

    def _repr_html_(self) -> str:
        return html_report(*self._report())


def _rotation_label(rotation, normalized) -> str:
    if rotation is None:
        return "none"
    return f"{rotation.capitalize()}" + (" with Kaiser normalization" if normalized else "")


def kaiser_count(eigenvalues: np.ndarray) -> int:
    """Kaiser's criterion: the number of eigenvalues of R greater than 1 (SPSS's default), at least 1."""
    return max(int((eigenvalues > 1.0).sum()), 1)


def efa(data=None, *, corr=None, n_obs=None, n_factors: int | None = None, method: str = "pca",
        rotation: str | None = "varimax", missing: str = "listwise", normalize: bool | None = None,
        max_iter: int | None = None, tol: float | None = None, rotation_max_iter: int = 1000) -> EFAResult:
    r"""Principal components or exploratory factor analysis, with rotation.

    Extraction (``method``):

    * ``"pca"``: principal components, :math:`L = V_k\Lambda_k^{1/2}` (SPSS *Principal components*;
      R ``psych::principal``);
    * ``"paf"``: iterated principal axis from squared multiple correlations, to convergence
      (``psych::fa(fm = "pa")``; SPSS *Principal axis factoring*; ``max_iter=25, tol=0.001`` gives SPSS's
      default stopping);
    * ``"minres"``: minimum residual / unweighted least squares (``psych::fa(fm = "minres")``);
    * ``"ml"``: maximum likelihood, with chi-square, df, p, RMSEA, TLI and BIC (``psych::fa(fm = "ml")``).

    Rotation (``rotation``): ``None``, ``"varimax"``, ``"quartimax"``, ``"equamax"`` (orthogonal);
    ``"promax"`` (power 4) and ``"oblimin"`` (delta 0) (oblique). ``normalize`` switches Kaiser
    normalization; by default it follows R psych (on for varimax, quartimax, equamax and promax; off for
    oblimin, where SPSS's Direct Oblimin uses it: pass ``normalize=True`` to reproduce SPSS).

    ``n_factors=None`` keeps the components with eigenvalue above 1 (Kaiser's criterion, SPSS's default).
    Factors are ordered by the sum of squared (pattern) loadings after rotation and signed so each
    column's loadings sum positive, as psych does.

    ``max_iter`` and ``tol`` bound the extraction's iterations; ``rotation_max_iter`` the rotation's (SPSS's
    default for both is 25; R's rotations allow 1000). A solution that stops short is kept and reported in
    ``warnings``.

    The input is raw responses (``data``, a DataFrame or array; ``missing`` = "listwise" or "pairwise")
    or a correlation matrix ``corr`` with ``n_obs``.

    References: Harman, H. H. (1976). *Modern Factor Analysis*, 3rd ed. University of Chicago Press.
    Revelle, W. (2022). psych: Procedures for psychological, psychometric, and personality research.
    """
    key = METHOD_ALIASES.get(str(method).lower()) if isinstance(method, str) else None
    if key is None:
        raise ArgumentError(f"method={method!r} is not an extraction method; choose one of 'pca', 'paf', 'minres', 'ml'.")
    rot_key = None if rotation is None or str(rotation).lower() == "none" else str(rotation).lower()
    if rot_key is not None and rot_key not in rot.ROTATIONS:
        raise ArgumentError(f"rotation={rotation!r} is not available; choose None or one of {', '.join(rot.ROTATIONS)}.")
    m = gather(data, corr, n_obs, missing=missing)
    return efa_from_moments(m, n_factors=n_factors, method=key, rotation=rot_key, normalize=normalize,
                            max_iter=max_iter, tol=tol, rotation_max_iter=rotation_max_iter)


def efa_from_moments(m: Moments, *, n_factors, method, rotation, normalize=None, max_iter=None, tol=None,
                     rotation_max_iter: int = 1000) -> EFAResult:
    r = m.corr
    p = m.n_items
    names = list(m.names)
    eigenvalues = m.eigenvalues
    warnings: list[str] = []
    if n_factors is None:
        k = kaiser_count(eigenvalues)
        rule = "eigenvalues greater than 1 (Kaiser's criterion)"
    else:
        if isinstance(n_factors, bool) or not isinstance(n_factors, (int, np.integer)) or n_factors < 1:
            raise ArgumentError(f"n_factors must be a positive whole number or None; got {n_factors!r}.")
        k = int(n_factors)
        rule = "set by the user"
    k_max = ex.max_factors(method, p)
    if k > k_max:
        raise ArgumentError(
            f"{k} factors cannot be extracted from {p} items by {METHOD_LABELS[method]}: at most {k_max} "
            + ("(the model would have negative degrees of freedom)." if method == "ml" else "(fewer than the items).")
        )
    if m.singular:
        if method == "ml":
            raise ArgumentError("maximum likelihood needs a nonsingular correlation matrix; "
                                + singular_warning(m.names))
        warnings.append(singular_warning(m.names))

    xt = ex.extract(r, k, method, max_iter=max_iter, tol=tol, eig=m.eigh if method == "pca" else None)
    if not xt.converged:
        warnings.append(f"{METHOD_LABELS[method]} did not converge in {xt.iterations} iterations; "
                        "the loadings are not a solution. Increase max_iter or extract fewer factors.")
    if method != "pca":
        heywood = [names[i] for i in np.where((xt.communalities >= 1 - HEYWOOD_TOL) | xt.at_bound)[0]]
        if heywood:
            warnings.append("Heywood case: item(s) " + ", ".join(heywood) + " reached a communality of 1 or "
                            "more (uniqueness at its bound); the solution is improper. Extract fewer factors "
                            "or drop the item.")
    if xt.clipped:
        warnings.append("a retained eigenvalue of the reduced correlation matrix was not positive and was set "
                        "to 0; too many factors are being extracted.")

    prefix = COLUMN_PREFIX[method]
    unrot = xt.loadings
    rotmat = None
    phi = None
    normalized = None
    rot_iter = 0
    if rotation is not None and k > 1:
        rr = rot.rotate(unrot, rotation, normalize=normalize, max_iter=rotation_max_iter)
        lam, phi, rotmat, rot_iter, normalized = rr.loadings, rr.phi, rr.rotmat, rr.iterations, rr.normalized
        if not rr.converged:
            warnings.append(f"the {rotation} rotation did not converge in {rr.iterations} iterations; the "
                            "rotated loadings are not at the criterion's optimum.")
        # psych's conventions: columns signed to sum positive, then ordered by their sums of squares.
        sign = np.sign(lam.sum(axis=0))
        sign[sign == 0] = 1
        lam = lam * sign
        if phi is not None:
            phi = phi * np.outer(sign, sign)
        rotmat = rotmat * sign
        order = np.argsort(-(lam**2).sum(axis=0), kind="stable")
        lam = lam[:, order]
        rotmat = rotmat[:, order]
        if phi is not None:
            phi = phi[np.ix_(order, order)]
        col_prefix = "RC" if method == "pca" else prefix
    else:
        lam = unrot
        col_prefix = prefix
        if rotation is not None:
            warnings.append(f"only one factor was extracted, so the {rotation} rotation was not applied.")
    cols = tuple(f"{col_prefix}{j + 1}" for j in range(k))
    initial = np.ones(p) if method == "pca" else 1.0 - 1.0 / np.diag(m.inverse)
    fit = ex.model_fit(r, unrot, None, m.n_obs) if method != "pca" else None
    return EFAResult(
        method=method, rotation=rotation if k > 1 else None, n_factors=k, n_factors_rule=rule, fit=fit,
        n_obs=m.n_obs, missing=m.missing,
        iterations={"extraction": xt.iterations, "rotation": rot_iter, "normalized": normalized},
        warnings=tuple(warnings), items=m.names, factors=cols,
        arrays={"lam": lam, "unrot": unrot, "phi": phi, "rotmat": rotmat, "eigenvalues": eigenvalues,
                "initial": initial},
        _moments=m,
    )


def variance_table(eigenvalues, unrotated, rotated, structure, rotated_flag) -> pd.DataFrame:
    """SPSS's "Total Variance Explained": initial eigenvalues, extraction and rotation sums of squared
    loadings, each as total, % of variance and cumulative %. For oblique rotations SPSS gives only the
    total, from the structure matrix (the factors overlap, so percentages would not add up)."""
    p = len(eigenvalues)
    idx = pd.RangeIndex(1, p + 1, name="Component")

    def block(totals):
        full = np.full(p, np.nan)
        full[: len(totals)] = totals
        return full, 100 * full / p, 100 * np.cumsum(np.nan_to_num(full)) / p * np.where(np.isnan(full), np.nan, 1)

    data = {}
    for label, totals in (("Initial Eigenvalues", eigenvalues), ("Extraction Sums of Squared Loadings",
                                                                 (unrotated**2).sum(axis=0))):
        t, pct, cum = block(totals)
        data[(label, "Total")], data[(label, "% of Variance")], data[(label, "Cumulative %")] = t, pct, cum
    if rotated_flag:
        label = "Rotation Sums of Squared Loadings"
        if structure is None:
            t, pct, cum = block((rotated**2).sum(axis=0))
            data[(label, "Total")], data[(label, "% of Variance")], data[(label, "Cumulative %")] = t, pct, cum
        else:
            t, _, _ = block((structure**2).sum(axis=0))
            data[(label, "Total")] = t
    out = pd.DataFrame(data, index=idx)
    out.columns = pd.MultiIndex.from_tuples(out.columns)
    return out
