"""Exploratory factor analysis and principal components: ``efa()`` and its result."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from cmanalytics.errors import (
    ArgumentError,
    CmanalyticsWarning,
    ConvergenceWarning,
    HeywoodWarning,
    SingularityWarning,
    diagnose,
)
from cmanalytics.presentation import Reportable, fmt, html_report, text_report
from cmanalytics.psychometrics import extraction as ex
from cmanalytics.psychometrics import rotation as rot
from cmanalytics.psychometrics.adequacy import singular_warning
from cmanalytics.psychometrics.inputs import LISTWISE, Moments, check_whole, gather

METHOD_ALIASES = {
    "pca": "pca",
    "pc": "pca",
    "principal": "pca",
    "paf": "paf",
    "pa": "paf",
    "minres": "minres",
    "uls": "minres",
    "ml": "ml",
    "mle": "ml",
    "wls": "wls",
    "gls": "gls",
}
METHOD_LABELS = {
    "pca": "Principal Component Analysis",
    "paf": "Principal Axis Factoring",
    "minres": "Minimum Residual (Unweighted Least Squares)",
    "ml": "Maximum Likelihood",
    "wls": "Weighted Least Squares",
    "gls": "Generalized Least Squares",
}
COLUMN_PREFIX = {"pca": "PC", "paf": "PA", "minres": "MR", "ml": "ML", "wls": "WLS", "gls": "GLS"}
# Rotation names as psych and GPArotation spell them, case-insensitive; pstT/pstQ are target rotations
# whose target leaves some loadings free (NaN).
ROTATION_ALIASES = {**{m: m for m in rot.ROTATIONS}, "pstt": "targett", "pstq": "targetq"}
# The rotations whose criterion has local optima: started also from random orthogonal matrices.
MULTIMODAL = ("geomint", "geominq", "simplimax", "bifactor", "biquartimin", "targett", "targetq")
# A start whose criterion is higher than the best by more than this (relative) found another optimum.
START_AGREEMENT = 1e-6
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
    def residuals(self) -> pd.DataFrame | None:
        """R minus the model's correlations :math:`L\\Phi L'` (uniquenesses on the diagonal), as psych's
        ``fa(...)$residual``; None for components. ``fit`` holds RMSR and the count above 0.05."""
        if self.method == "pca" or self._moments is None:
            return None
        a = self.arrays
        return pd.DataFrame(
            ex.residual_matrix(self._moments.corr, a["unrot"]), index=list(self.items), columns=list(self.items)
        )

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

    def view(self, *, sort: bool = True, blank: float | None = None) -> EFAResult:
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
        rows = [
            ("Extraction", METHOD_LABELS[self.method]),
            ("Rotation", _rotation_label(self.rotation, self.iterations.get("normalized"))),
            ("Factors", f"{self.n_factors} ({self.n_factors_rule})"),
            ("N", f"{self.n_obs} ({self.missing})"),
        ]
        if self.fit is not None:
            f = self.fit
            rows.append(
                (
                    "Goodness of fit",
                    f"chi2({f['df']}) = {fmt(f['chi2'])}, p = {fmt(f['p_value'])}, "
                    f"RMSEA = {fmt(f['rmsea'])}, TLI = {fmt(f['tli'])}, BIC = {fmt(f['bic'])}",
                )
            )
            rows.append(
                (
                    "Residuals",
                    f"RMSR = {fmt(f['rmsr'])}, df-corrected RMSR = {fmt(f['crms'])}, "
                    f"{f['n_residuals_above_05']} of {f['n_residuals']} above 0.05 in absolute value",
                )
            )
            crit = f.get("criterion", np.nan)
            rows.append(
                (
                    "Objective",
                    f"ML discrepancy {f['objective']:.6g}"
                    + (f"; {METHOD_LABELS[self.method]} criterion {crit:.6g}" if np.isfinite(crit) else ""),
                )
            )
        lam = (
            self.sorted_loadings(self.display_blank)
            if self.display_sort
            else (
                self.loadings
                if self.display_blank is None
                else self.loadings.mask(self.loadings.abs() < self.display_blank)
            )
        )
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
        res = self.view(
            sort=self.display_sort if sort is None else sort, blank=self.display_blank if blank is None else blank
        )
        return text_report(*res._report(), digits=digits)

    def _repr_html_(self) -> str:
        return html_report(*self._report())


def _rotation_label(rotation, normalized) -> str:
    if rotation is None:
        return "none"
    name = rot.R_NAMES.get(rotation, rotation.capitalize())
    return name + (" with Kaiser normalization" if normalized else "")


def kaiser_count(eigenvalues: np.ndarray) -> int:
    """Kaiser's criterion: the number of eigenvalues of R greater than 1 (SPSS's default), at least 1."""
    return max(int((eigenvalues > 1.0).sum()), 1)


def efa(
    data=None,
    *,
    corr=None,
    n_obs=None,
    n_factors: int | None = None,
    method: str = "pca",
    rotation: str | None = "varimax",
    missing: str = LISTWISE,
    normalize: bool | None = None,
    max_iter: int | None = None,
    tol: float | None = None,
    rotation_max_iter: int = 1000,
    gamma: float | None = None,
    delta: float | None = None,
    target=None,
    n_small: int | None = None,
    random_starts: int | None = None,
    n_starts: int | None = None,
    seed: int | None = 0,
) -> EFAResult:
    r"""Principal components or exploratory factor analysis, with rotation.

    Extraction (``method``):

    * ``"pca"``: principal components, :math:`L = V_k\Lambda_k^{1/2}` (SPSS *Principal components*;
      R ``psych::principal``);
    * ``"paf"``: iterated principal axis from squared multiple correlations, to convergence
      (``psych::fa(fm = "pa")``; SPSS *Principal axis factoring*; ``max_iter=25, tol=0.001`` gives SPSS's
      default stopping);
    * ``"minres"`` (or ``"uls"``): minimum residual / unweighted least squares (``psych::fa(fm = "minres")``);
    * ``"ml"``: maximum likelihood (``psych::fa(fm = "ml")``), minimized from psych's start and several
      others (``n_starts`` random ones besides, default 3, seeded by ``seed``); the lowest criterion is
      kept and a ConvergenceWarning says when the starts ended at different optima;
    * ``"wls"``, ``"gls"``: psych's weighted and generalized least squares criteria, at their minimum
      (see :func:`cmanalytics.psychometrics.extraction.weighted_least_squares` for where psych stops short).

    Every factor method reports its fit as psych does (``fit``: the ML discrepancy of the fitted model,
    chi-square, df, p, RMSEA, TLI, BIC; RMSR, the df-corrected RMSR and the number of residuals above 0.05)
    and the residual matrix (``residuals``).

    Rotation (``rotation``), as psych spells them: ``None``; orthogonal ``"varimax"``, ``"quartimax"``,
    ``"equamax"``, ``"geominT"``, ``"targetT"`` / ``"pstT"``, ``"bifactor"``; oblique ``"promax"``,
    ``"oblimin"`` (``gamma``, default 0), ``"quartimin"``, ``"geominQ"`` (``delta``, default 0.01),
    ``"targetQ"`` / ``"pstQ"``, ``"biquartimin"``, ``"simplimax"`` (``n_small`` near-zero loadings, default
    p). ``target``: items x factors, NaN where a loading is free (a partially specified target).
    ``normalize`` switches Kaiser normalization; by default it follows psych: on for varimax and promax,
    off for every GPArotation rotation (SPSS normalizes all: pass ``normalize=True``).
    ``random_starts``: rotations with local optima (geomin, simplimax, target, bifactor, biquartimin) are
    also started from this many random orthogonal matrices (default 10, seeded by ``seed``); the
    identity start (R's) is kept unless another reaches a lower criterion, and then a ConvergenceWarning
    says so.

    ``n_factors=None`` keeps the components with eigenvalue above 1 (Kaiser's criterion, SPSS's default).
    As psych: columns are signed so each column's loadings sum positive and ordered by the variance each
    factor accounts for, :math:`\mathrm{diag}(\Phi L'L)` (for unrotated solutions too).

    ``max_iter`` and ``tol`` bound the extraction's iterations; ``rotation_max_iter`` the rotation's (SPSS's
    default for both is 25; R's rotations allow 1000). A solution that stops short is kept and reported
    with a ConvergenceWarning. Diagnostics are warnings of cmanalytics' classes (HeywoodWarning,
    ConvergenceWarning, SingularityWarning) and are kept in ``warnings``.

    The input is raw responses (``data``, a DataFrame or array; ``missing`` = "listwise" or "pairwise")
    or a correlation matrix ``corr`` with ``n_obs``.

    References: Harman, H. H. (1976). *Modern Factor Analysis*, 3rd ed. University of Chicago Press.
    Revelle, W. (2022). psych: Procedures for psychological, psychometric, and personality research.
    Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software for arbitrary
    rotation criteria in factor analysis. Educational and Psychological Measurement 65, 676-696.
    """
    key = METHOD_ALIASES.get(str(method).lower()) if isinstance(method, str) else None
    if key is None:
        raise ArgumentError(
            f"method={method!r} is not an extraction method; choose one of "
            "'pca', 'paf', 'minres', 'uls', 'ml', 'wls', 'gls'."
        )
    rot_key = (
        None if rotation is None or str(rotation).lower() == "none" else ROTATION_ALIASES.get(str(rotation).lower())
    )
    if rotation is not None and str(rotation).lower() != "none" and rot_key is None:
        raise ArgumentError(
            f"rotation={rotation!r} is not available; choose None or one of "
            "varimax, quartimax, equamax, geominT, targetT, pstT, bifactor, promax, oblimin, "
            "quartimin, geominQ, targetQ, pstQ, biquartimin, simplimax."
        )
    m = gather(data, corr, n_obs, missing=missing)
    return efa_from_moments(
        m,
        n_factors=n_factors,
        method=key,
        rotation=rot_key,
        normalize=normalize,
        max_iter=max_iter,
        tol=tol,
        rotation_max_iter=rotation_max_iter,
        gamma=gamma,
        delta=delta,
        target=target,
        n_small=n_small,
        random_starts=random_starts,
        n_starts=n_starts,
        seed=seed,
    )


def _rotation_options(rotation, m: Moments, k: int, *, gamma, delta, target, n_small, random_starts) -> dict:
    """Check the rotation's own arguments: each is honoured by the rotation it belongs to, refused by others."""
    opts = {}
    given = {"gamma": gamma, "delta": delta, "target": target, "n_small": n_small}
    owner = {
        "gamma": ("oblimin",),
        "delta": ("geomint", "geominq"),
        "target": ("targett", "targetq"),
        "n_small": ("simplimax",),
    }
    for name, value in given.items():
        if value is None:
            continue
        if rotation not in owner[name]:
            raise ArgumentError(
                f"{name} is an argument of the {'/'.join(owner[name])} rotation, not of rotation={rotation!r}."
            )
        opts[name] = value
    if rotation in ("targett", "targetq"):
        if target is None:
            raise ArgumentError("a target rotation needs target= (items x factors; NaN where a loading is free).")
        t = (
            target.reindex(index=list(m.names)).to_numpy(float)
            if isinstance(target, pd.DataFrame)
            else np.asarray(target, float)
        )
        if t.shape != (m.n_items, k):
            raise ArgumentError(f"target must be {m.n_items} items x {k} factors; got {t.shape}.")
        if np.isnan(t).all():
            raise ArgumentError("target leaves every loading free; specify at least one.")
        opts["target"] = t
    if rotation in ("bifactor", "biquartimin") and k < 3:
        raise ArgumentError(f"the {rotation} rotation needs a general and at least two group factors (n_factors >= 3).")
    if "delta" in opts and not opts["delta"] > 0:
        raise ArgumentError(f"delta must be positive; got {delta!r}.")
    if "n_small" in opts and not (isinstance(n_small, (int, np.integer)) and 1 <= n_small <= m.n_items * k):
        raise ArgumentError(f"n_small must be a whole number from 1 to {m.n_items * k}; got {n_small!r}.")
    if random_starts is not None:
        check_whole("random_starts", random_starts, 0)
    if random_starts is not None and rotation in ("varimax", "promax") and random_starts > 0:
        raise ArgumentError(f"random_starts applies to the gradient projection rotations, not to {rotation}.")
    default = 10 if rotation in MULTIMODAL else 0
    opts["random_starts"] = default if random_starts is None else int(random_starts)
    return opts


def psych_order(lam: np.ndarray, phi: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    r"""psych's column convention: signs so each column sums positive, order by :math:`\mathrm{diag}(\Phi L'L)`
    descending (the variance each factor accounts for). Returns (signs, order)."""
    sign = ex.column_signs(lam)
    ltl = lam.T @ lam
    var = np.diag(ltl) if phi is None else np.diag(phi @ ltl)
    return sign, np.argsort(-var, kind="stable")


def _extraction_diagnostics(xt, method, names, warnings) -> None:
    """Non-convergence, starts that disagree, Heywood cases and clipped eigenvalues of an extraction, as
    warnings that point at the first line outside the package, and on ``warnings``."""
    if not xt.converged:
        diagnose(
            f"{METHOD_LABELS[method]} did not converge in {xt.iterations} iterations; the loadings are "
            "not a solution. Increase max_iter or extract fewer factors.",
            ConvergenceWarning,
            warnings,
        )
    if len(xt.start_objectives) > 1:
        values = np.asarray(xt.start_objectives)
        worse = values > xt.objective + START_AGREEMENT * max(1.0, abs(xt.objective))
        if worse.any():
            diagnose(
                f"{METHOD_LABELS[method]}: the starts ended at different optima (criterion "
                + ", ".join(f"{v:.6g}" for v in values)
                + f"); the lowest, {xt.objective:.6g}, is kept"
                + (" (psych's start ended higher: R reports another solution)" if worse[0] else "")
                + ".",
                ConvergenceWarning,
                warnings,
            )
    if method != "pca":
        heywood = [names[i] for i in np.where((xt.communalities >= 1 - HEYWOOD_TOL) | xt.at_bound)[0]]
        if heywood:
            diagnose(
                "Heywood case: item(s) " + ", ".join(heywood) + " reached a communality of 1 or more "
                "(uniqueness at its bound); the solution is improper. Extract fewer factors or drop the item.",
                HeywoodWarning,
                warnings,
            )
    if xt.clipped:
        diagnose(
            "a retained eigenvalue of the reduced correlation matrix was not positive and was set to 0; "
            "too many factors are being extracted.",
            SingularityWarning,
            warnings,
        )


def efa_from_moments(
    m: Moments,
    *,
    n_factors,
    method,
    rotation,
    normalize=None,
    max_iter=None,
    tol=None,
    rotation_max_iter: int = 1000,
    gamma=None,
    delta=None,
    target=None,
    n_small=None,
    random_starts=None,
    n_starts=None,
    seed=0,
) -> EFAResult:
    p = m.n_items
    warnings: list[str] = []
    k, rule = _factor_count(n_factors, m.eigenvalues, method, p)
    _check_starts(n_starts, method)
    _check_inapplicable(
        method,
        rotation,
        max_iter=max_iter,
        tol=tol,
        normalize=normalize,
        gamma=gamma,
        delta=delta,
        target=target,
        n_small=n_small,
        random_starts=random_starts,
        rotation_max_iter=rotation_max_iter,
    )
    opts = (
        {}
        if rotation is None
        else _rotation_options(
            rotation, m, k, gamma=gamma, delta=delta, target=target, n_small=n_small, random_starts=random_starts
        )
    )
    _check_singular(m, method, warnings)
    xt, unrot = _extracted(m, k, method, max_iter, tol, n_starts, seed, warnings)
    rr = _rotated(unrot, rotation, k, normalize, rotation_max_iter, seed, opts, warnings)
    return _efa_result(m, k, rule, method, rotation, xt, unrot, rr, warnings)


def _efa_result(m: Moments, k, rule, method, rotation, xt, unrot, rr, warnings) -> EFAResult:
    """Step 7 of efa_from_moments: the result, with the rotated solution when there is one."""
    p = m.n_items
    col_prefix = "RC" if rr is not None and method == "pca" else COLUMN_PREFIX[method]
    return EFAResult(
        method=method,
        rotation=rotation if k > 1 else None,
        n_factors=k,
        n_factors_rule=rule,
        fit=_fit_statistics(m, unrot, xt, rr, method),
        n_obs=m.n_obs,
        missing=m.missing,
        iterations={
            "extraction": xt.iterations,
            "rotation": 0 if rr is None else rr.iterations,
            "normalized": None if rr is None else rr.normalized,
        },
        warnings=tuple(warnings),
        items=m.names,
        factors=tuple(f"{col_prefix}{j + 1}" for j in range(k)),
        arrays={
            "lam": unrot if rr is None else rr.loadings,
            "unrot": unrot,
            "phi": None if rr is None else rr.phi,
            "rotmat": None if rr is None else rr.rotmat,
            "eigenvalues": m.eigenvalues,
            "initial": np.ones(p) if method == "pca" else 1.0 - 1.0 / np.diag(m.inverse),
        },
        _moments=m,
    )


def _extracted(m: Moments, k, method, max_iter, tol, n_starts, seed, warnings):
    """Step 4 of efa_from_moments: the extraction, its diagnostics, and the unrotated loadings in psych's
    signs and order."""
    xt = ex.extract(
        m.corr,
        k,
        method,
        max_iter=max_iter,
        tol=tol,
        eig=m.eigh if method == "pca" else None,
        n_starts=n_starts,
        seed=seed,
    )
    _extraction_diagnostics(xt, method, list(m.names), warnings)
    sign, order = psych_order(xt.loadings, None)
    return xt, (xt.loadings * sign)[:, order]


def _fit_statistics(m: Moments, unrot, xt, rr, method) -> dict | None:
    """Step 6 of efa_from_moments: psych's fit statistics of a factor model (None for components)."""
    if method == "pca":
        return None
    fit = ex.model_fit(m.corr, unrot, None, m.n_obs)
    fit["criterion"] = xt.objective
    if rr is not None:
        fit["rotation_criterion"] = rr.criterion
    return fit


def _factor_count(n_factors, eigenvalues, method, p) -> tuple[int, str]:
    """Step 1 of efa_from_moments: the number of factors (Kaiser's rule when None) and the rule that set it."""
    if n_factors is None:
        k = kaiser_count(eigenvalues)
        rule = "eigenvalues greater than 1 (Kaiser's criterion)"
    else:
        k = check_whole("n_factors", n_factors, 1)
        rule = "set by the user"
    k_max = ex.max_factors(method, p)
    if k > k_max:
        raise ArgumentError(
            f"{k} factors cannot be extracted from {p} items by {METHOD_LABELS[method]}: at most {k_max} "
            + ("(the model would have negative degrees of freedom)." if method == "ml" else "(fewer than the items).")
        )
    return k, rule


def _check_starts(n_starts, method) -> None:
    """Step 2 of efa_from_moments: n_starts is a count, and only for the methods that have starts."""
    if n_starts is not None:
        check_whole("n_starts", n_starts, 0)
    if n_starts is not None and method in ("pca", "paf"):
        raise ArgumentError(f"n_starts applies to minres, ml, wls and gls; {METHOD_LABELS[method]} has no starts.")


def _check_inapplicable(method, rotation, *, rotation_max_iter, **given) -> None:
    """Step 2b of efa_from_moments: refuse options the chosen method or the absence of a rotation would
    leave unused (principal components do not iterate; without a rotation nothing uses a rotation's options)."""
    if method == "pca":
        for name in ("max_iter", "tol"):
            if given[name] is not None:
                raise ArgumentError(
                    f"{name} applies to the iterative extractions (paf, minres, ml, wls, gls); principal "
                    "components are computed in one step. Leave it out or choose another method."
                )
    if rotation is None:
        for name in ("normalize", "gamma", "delta", "target", "n_small", "random_starts"):
            if given[name] is not None:
                raise ArgumentError(
                    f"{name} is an option of the rotation, and rotation=None: give a rotation or leave {name} out."
                )
        if rotation_max_iter != 1000:
            raise ArgumentError(
                "rotation_max_iter is an option of the rotation, and rotation=None: give a rotation or leave it out."
            )


def _check_singular(m: Moments, method, warnings) -> None:
    """Step 3 of efa_from_moments: a singular matrix is refused by the likelihood methods, flagged by the rest."""
    if m.singular:
        if method in ("ml", "wls", "gls"):
            raise ArgumentError(
                f"{METHOD_LABELS[method]} needs a nonsingular correlation matrix; " + singular_warning(m.names)
            )
        diagnose(singular_warning(m.names), SingularityWarning, warnings)


def _rotated(unrot, rotation, k, normalize, max_iter, seed, opts, warnings) -> rot.Rotation | None:
    """Step 5 of efa_from_moments: the rotation, its diagnostics, and psych's signs and order of the columns
    (None when there is no rotation, or one factor to rotate)."""
    if rotation is None:
        return None
    if k == 1:
        diagnose(
            f"only one factor was extracted, so the {rotation} rotation was not applied.",
            CmanalyticsWarning,
            warnings,
        )
        return None
    rr = rot.rotate(unrot, rotation, normalize=normalize, max_iter=max_iter, seed=seed, **opts)
    label = rot.R_NAMES.get(rotation, rotation)
    if not rr.converged:
        diagnose(
            f"the {label} rotation did not converge in {rr.iterations} iterations; the rotated "
            "loadings are not at the criterion's optimum.",
            ConvergenceWarning,
            warnings,
        )
    if rr.start_criteria and rr.start_criteria[0] > rr.criterion + START_AGREEMENT * max(1.0, abs(rr.criterion)):
        diagnose(
            f"the {label} rotation from the identity (R's start) ended at criterion "
            f"{rr.start_criteria[0]:.6g}; a random start reached {rr.criterion:.6g}, which is kept "
            "(R's printout shows the other solution).",
            ConvergenceWarning,
            warnings,
        )
    sign, order = psych_order(rr.loadings, rr.phi)
    phi = None if rr.phi is None else (rr.phi * np.outer(sign, sign))[np.ix_(order, order)]
    return dataclasses.replace(
        rr, loadings=(rr.loadings * sign)[:, order], rotmat=(rr.rotmat * sign)[:, order], phi=phi
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
    for label, totals in (
        ("Initial Eigenvalues", eigenvalues),
        ("Extraction Sums of Squared Loadings", (unrotated**2).sum(axis=0)),
    ):
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
