"""What a fitted model is: the :class:`SEMFit` result, and the steps every estimator shares (starting values,
the identification check, Heywood cases). The continuous path (:mod:`.fitting`) and the ordinal path
(:mod:`.categorical`) both build on it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cmanalytics.errors import (
    ArgumentError,
    ConvergenceWarning,
    HeywoodWarning,
    diagnose,
)
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.sem.estimation import Discrepancy, GroupData, minimize
from cmanalytics.psychometrics.sem.implied import Parameterization
from cmanalytics.psychometrics.sem.model import ALPHA, BETA, LAMBDA, NU, PSI, THETA, ParTable

OPS_ORDER = {"=~": 0, "~": 1, "~~": 2, "~1": 3}


class IdentificationError(ArgumentError):
    """The model is not identified: some parameters cannot be told apart from the data."""


# ---- starting values ----------------------------------------------------------------------------------------
def start_values(table: ParTable, groups: list[GroupData]) -> np.ndarray:
    """Simple starts: indicator loadings from each factor's first principal component (scaled to the
    marker), residual variances half the observed ones (as lavaan), intercepts the observed means, the rest 0."""
    st = table.structure
    theta = np.zeros(table.n_free)
    have = np.zeros(table.n_free, bool)
    for g, data in enumerate(groups):
        cov = data.cov if np.all(np.isfinite(data.cov)) else _pairwise_cov(data)
        mean = data.mean if np.all(np.isfinite(data.mean)) else np.nanmean(data.x, axis=0)
        rows = [r for r in table.rows if r.group == g]
        load, lvvar = {}, {}
        for f in st.lv:
            ind = [r for r in rows if r.op == "=~" and r.lhs == f and r.mat == LAMBDA]
            if not ind:
                continue
            idx = [r.i for r in ind]
            ev, vec = np.linalg.eigh(cov[np.ix_(idx, idx)])
            lam = vec[:, -1] * np.sqrt(max(ev[-1], 1e-6))
            if lam.sum() < 0:
                lam = -lam
            marker = [k for k, r in enumerate(ind) if not r.free and r.value != 0]
            scale = lam[marker[0]] / ind[marker[0]].value if marker and abs(lam[marker[0]]) > 1e-8 else 1.0
            for k, r in enumerate(ind):
                load[r.lhs, r.rhs] = lam[k] / scale
            lvvar[f] = scale**2
        for r in rows:
            if not r.free or have[r.index]:
                continue
            if r.mat == LAMBDA:
                v = load.get((r.lhs, r.rhs), 0.0)
            elif r.mat == BETA:
                v = 1.0 if r.op == "=~" else 0.0
            elif r.mat == THETA:
                v = cov[r.i, r.i] / 2 if r.i == r.j else 0.0
            elif r.mat == PSI:
                if r.i != r.j:
                    v = 0.0
                elif r.lhs in st.phantom:
                    v = cov[st.ov.index(r.lhs), st.ov.index(r.lhs)]
                else:
                    v = lvvar.get(r.lhs, 0.05) if r.lhs in lvvar else 0.05
            elif r.mat == NU:
                v = mean[r.i]
            elif r.mat == ALPHA:
                v = mean[st.ov.index(r.lhs)] if r.lhs in st.phantom else 0.0
            else:
                v = 0.0
            theta[r.index] = v
            have[r.index] = True
    return theta


def _pairwise_cov(data: GroupData) -> np.ndarray:
    return pd.DataFrame(data.x).cov(ddof=0).fillna(0).to_numpy()


# ---- identification and diagnostics -------------------------------------------------------------------------
def _check_identified(table: ParTable, par: Parameterization, theta0: np.ndarray, meanstructure: bool) -> None:
    """The continuous model's check: the Jacobian of the non-duplicated moments (and means) in the parameters."""
    rng = np.random.default_rng(12345)  # a fixed seed: the check must give the same answer every time
    theta = perturbed(theta0, rng)
    blocks = []
    for g, mt in enumerate(par.matrices(theta)):
        ds, dm = par.jacobian(mt, g)
        p = par.p
        keep = np.ravel_multi_index(np.tril_indices(p), (p, p), order="F")
        blocks.append(ds[keep])
        if meanstructure:
            blocks.append(dm)
    names = [""] * table.n_free
    for r in table.rows:
        if r.index >= 0 and not names[r.index]:
            names[r.index] = f"{r.lhs} {r.op} {r.rhs}".strip()
    check_rank(np.vstack(blocks), names)


def perturbed(theta0: np.ndarray, rng) -> np.ndarray:
    """A point near the starts, off any symmetric point where a rank check could be fooled."""
    return theta0 + rng.uniform(0.05, 0.15, len(theta0)) * np.where(theta0 == 0, 1, np.abs(theta0))


def check_rank(
    jac: np.ndarray, names: list[str], hint: str = "fix a loading to 1 or a latent variance to 1, or add indicators"
) -> None:
    """Local identification (Rothenberg 1971): the Jacobian of the moments in the free parameters must have
    full column rank near the solution; if not, name the parameters in the null space."""
    if jac.shape[0] < jac.shape[1]:
        return  # more parameters than moments: the df check names the problem
    u, s, vt = np.linalg.svd(jac, full_matrices=False)
    tol = s[0] * max(jac.shape) * 1e-10
    if s[-1] <= tol:
        null = np.abs(vt[-1])
        worst = np.flatnonzero(null > 0.3 * null.max())
        raise IdentificationError(
            "the model is not identified: the parameters "
            + ", ".join(sorted({names[k] for k in worst}))
            + f" cannot all be estimated ({hint})."
        )


def check_df(n_free: int, n_moments: int, what: str) -> int:
    """The degrees of freedom, or IdentificationError when the parameters outnumber the moments."""
    df = n_moments - n_free
    if df < 0:
        raise IdentificationError(
            f"the model has {n_free} free parameters but only {n_moments} {what} (df = {df}): it is not identified."
        )
    return df


def optimize(disc, theta0: np.ndarray, max_iter: int, warnings: list):
    """The optimizer (:func:`.estimation.minimize`) with the diagnosis every estimator gives when it stops
    short of the optimum."""
    opt = minimize(disc, theta0, max_iter=max_iter)
    if not opt.converged:
        diagnose(
            f"the optimizer did not converge ({opt.message}); the estimates are not the optimum.",
            ConvergenceWarning,
            warnings,
        )
    return opt


def _heywood(table: ParTable, mats, labels, warnings: list) -> None:
    st = table.structure
    for g, mt in enumerate(mats):
        where = "" if len(mats) == 1 else f" in group {labels[g]!r}"
        neg = [st.ov[i] for i in range(table.p) if mt.theta[i, i] < 0]
        if neg:
            diagnose(
                f"negative residual variance(s) of {', '.join(neg)}{where} (a Heywood case): the model "
                "fits these items too well; check for a misspecified factor or too few cases.",
                HeywoodWarning,
                warnings,
            )
        lat = [k for k, e in enumerate(st.eta) if e in st.lv]
        if lat:
            cov = mt.eta_cov()[np.ix_(lat, lat)]
            if np.linalg.eigvalsh((cov + cov.T) / 2)[0] < 0:
                diagnose(
                    f"the latent covariance matrix{where} is not positive definite (a Heywood case: a "
                    "negative variance or a correlation beyond 1 among the factors).",
                    HeywoodWarning,
                    warnings,
                )


# ---- the result ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class SEMFit(Reportable):
    """A fitted model: ``estimates`` (one row per parameter, as ``parameterEstimates()``), ``fit_measures``
    (lavaan's names), ``r2`` (per group), ``n_obs`` (per group), ``converged``, ``warnings``; methods
    ``modindices()``, ``residuals()``, ``to_frame()``, ``summary()``."""

    estimates: pd.DataFrame
    fit_measures: dict
    r2: list
    n_obs: tuple
    group_labels: tuple
    estimator: str
    missing: str
    converged: bool
    iterations: int
    warnings: tuple
    table: ParTable = field(repr=False)
    theta: np.ndarray = field(repr=False)
    vcov: np.ndarray = field(repr=False)
    discrepancy: Discrepancy = field(repr=False)
    options: dict = field(repr=False)
    sample_moments: tuple = field(repr=False, default=())  # per group (cov, mean): the data's, or EM's (FIML)

    def _observed_cov(self, g: int) -> np.ndarray:
        return self.sample_moments[g][0]

    @property
    def chi2(self) -> float:
        return self.fit_measures["chisq"]

    @property
    def df(self) -> int:
        return self.fit_measures["df"]

    @property
    def p_value(self) -> float:
        return self.fit_measures["pvalue"]

    def __repr__(self) -> str:
        f = self.fit_measures
        return (
            f"<SEMFit {self.estimator}: chi2 = {f['chisq']:.3f}, df = {f['df']}, CFI = {f['cfi']:.3f}, "
            f"RMSEA = {f['rmsea']:.3f}, SRMR = {f['srmr']:.3f}, N = {sum(self.n_obs)}>"
        )

    __str__ = Reportable.__str__

    def to_frame(self) -> pd.DataFrame:
        """The parameter estimates, like ``lavaan::parameterEstimates(fit, standardized = TRUE)``."""
        return self.estimates.copy()

    def implied(self):
        """Each group's model-implied covariance matrix and mean vector (DataFrame, Series)."""
        ov = self.table.structure.ov
        out = []
        for mt in self.discrepancy.par.matrices(self.theta):
            s, m = mt.implied()
            out.append((pd.DataFrame(s, index=ov, columns=ov), pd.Series(m, index=ov)))
        return out

    def modindices(self) -> pd.DataFrame:
        """Modification indices with expected parameter change, as ``lavaan::modindices(fit)``."""
        from cmanalytics.psychometrics.sem.scores import modification_indices

        return modification_indices(self)

    def residuals(self, kind: str = "raw") -> list[pd.DataFrame]:
        """Residual covariances per group: ``raw`` (S - Sigma), ``cor`` (Bollen: observed minus implied
        correlations), ``normalized`` (raw over the normal-theory standard error of the sample covariance,
        :math:`\\sqrt{(s_{ii}s_{jj} + s_{ij}^2)/N}`), ``standardized`` (raw over the standard error of the
        residual itself, lavaan's) and ``standardized.mplus``, as ``lavaan::resid(fit, type=...)``; with a mean
        structure the mean residuals are in ``frame.attrs["mean"]``. See :func:`.scores.residuals`."""
        from cmanalytics.psychometrics.sem.scores import residuals

        return residuals(self, kind)

    def _report(self):
        f = self.fit_measures
        rows = [
            ("estimator", self.estimator + (" (FIML)" if self.missing == "fiml" else "")),
            ("converged", f"{self.converged} after {self.iterations} iterations"),
            ("observations", " + ".join(map(str, self.n_obs))),
            ("free parameters", str(f["npar"])),
            ("chi-square", f"{fmt(f['chisq'])} (df {f['df']}, p = {fmt(f['pvalue'])})"),
            ("CFI / TLI", f"{fmt(f['cfi'])} / {fmt(f['tli'])}"),
            (
                "RMSEA",
                f"{fmt(f['rmsea'])} [90% CI {fmt(f['rmsea.ci.lower'])}, {fmt(f['rmsea.ci.upper'])}], "
                f"p(close) = {fmt(f['rmsea.pvalue'])}",
            ),
            ("SRMR", fmt(f["srmr"])),
        ]
        if "chisq.scaled" in f:  # WLSMV: lavaan's "Scaled" column (mean-and-variance adjusted)
            rows[4:4] = [
                (
                    "chi-square scaled-shifted",
                    f"{fmt(f['chisq.scaled'])} (df {f['df']}, p = {fmt(f['pvalue.scaled'])})",
                ),
                ("CFI / TLI scaled", f"{fmt(f['cfi.scaled'])} / {fmt(f['tli.scaled'])}"),
                ("RMSEA scaled", fmt(f["rmsea.scaled"])),
            ]
        if np.isfinite(f.get("aic", np.nan)):
            rows.append(("AIC / BIC", f"{fmt(f['aic'])} / {fmt(f['bic'])}"))
        tables = []
        for g, lab in enumerate(self.group_labels):
            where = "" if len(self.group_labels) == 1 else f" (group {lab})"
            tables += [(title + where, frame) for title, frame in sections(self.estimates, g + 1)]
        return "Structural equation model (lavaan syntax)", rows, tables, self.warnings, ()


_SECTIONS = (
    ("Latent variables", lambda e: e["op"] == "=~"),
    ("Regressions", lambda e: e["op"] == "~"),
    ("Covariances", lambda e: (e["op"] == "~~") & (e["lhs"] != e["rhs"])),
    ("Intercepts", lambda e: e["op"] == "~1"),
    ("Thresholds", lambda e: e["op"] == "|"),
    ("Variances", lambda e: (e["op"] == "~~") & (e["lhs"] == e["rhs"])),
    ("Scales y*", lambda e: e["op"] == "~*~"),
)


def sections(estimates: pd.DataFrame, group: int):
    """The estimates in lavaan's summary() blocks, each row named as lavaan prints it ("visual =~ x2")."""
    est = estimates[estimates["group"] == group]
    cols = ["est", "se", "z", "p_value", "std.lv", "std.all"]
    for title, pick in _SECTIONS:
        block = est[pick(est)]
        if len(block):
            names = (block["lhs"] + " " + block["op"] + " " + block["rhs"]).str.strip()
            shown = block[cols].set_axis(names.to_list(), axis=0)
            shown.loc[~block["free"].to_numpy(), "se"] = np.nan  # a fixed value has no standard error: blank
            yield title, shown
