"""The teaching kit: simulated Likert answers with a known truth, for a survey-methods course.

``data, truth = teaching_survey(500, structure="three_factor", seed=1)`` draws answers on a 1-5 scale from a
common-factor model whose loadings, factor correlations, reverse-keyed items, answer distributions, careless
responders and missing cells are all chosen here and returned in ``truth``, so a student can check what KMO,
parallel analysis, extraction, rotation, alpha and omega recover, and what goes wrong when a step is skipped.

The model. For respondent i, factors f_i ~ N(0, Phi) and a latent response
y_ij = sum_k lambda_jk f_ik + e_ij with Var(e_ij) = 1 - h2_j, so Var(y_ij) = 1. The answer is the category
of y_ij cut at the thresholds tau_jc = Phi^-1(p_j1 + ... + p_jc): every item's answers follow its own
marginal distribution p_j exactly in the population (the Thurstonian model behind polychoric correlations;
Olsson 1979). A reverse-worded item is answered 6 - x, so it correlates negatively with its factor.

Why hand-written: no library we depend on draws ordinal items from a factor model with item-specific
marginals (semopy and statsmodels simulate continuous data only), and a course needs every step of the
generation to be readable. In R the same data come from ``lavaan::simulateData`` with ``ov.var`` and
thresholds (``|t1`` ... ``|t4``) in the model syntax, or ``psych::sim.congeneric`` cut by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import permutations

import numpy as np
import pandas as pd
from scipy import stats

from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable

CATEGORIES = (1, 2, 3, 4, 5)

# Answer distributions over 1..5 as real attitude items show them: agree-leaning, centred, a ceiling, a
# disagree-leaning item, mildly skewed, strongly agreed. Items of one factor cycle through different rows,
# so no two neighbouring items share a distribution.
MARGINAL_SHAPES = np.array(
    [
        [0.04, 0.10, 0.26, 0.38, 0.22],
        [0.10, 0.20, 0.35, 0.23, 0.12],
        [0.02, 0.05, 0.15, 0.38, 0.40],
        [0.15, 0.27, 0.30, 0.19, 0.09],
        [0.06, 0.14, 0.30, 0.32, 0.18],
        [0.03, 0.07, 0.20, 0.45, 0.25],
        [0.08, 0.17, 0.28, 0.30, 0.17],
    ]
)


def _block(factors: list[tuple[str, str, list[float]]]) -> tuple[list[str], list[str], np.ndarray]:
    """Simple structure: each item loads on one factor. ``factors``: (name, item prefix, loadings)."""
    items = [f"{prefix}{j + 1}" for _, prefix, lam in factors for j in range(len(lam))]
    L = np.zeros((len(items), len(factors)))
    row = 0
    for k, (_, _, lam) in enumerate(factors):
        L[row : row + len(lam), k] = lam
        row += len(lam)
    return items, [name for name, _, _ in factors], L


def _structures() -> dict[str, dict]:
    """The named truths. Loadings are on the latent scale, reverse items keyed positively here."""
    out = {}
    items, names, L = _block([("commitment", "C", [0.80, 0.70, 0.65, 0.55, 0.75, 0.60, 0.50, 0.70])])
    out["one_factor"] = dict(items=items, factors=names, loadings=L, phi=np.eye(1), reverse=("C3", "C7"))
    items, names, L = _block(
        [
            ("workload", "W", [0.80, 0.70, 0.60, 0.65]),
            ("support", "S", [0.75, 0.65, 0.55, 0.70]),
            ("commitment", "C", [0.80, 0.60, 0.70, 0.50]),
        ]
    )
    phi = np.array([[1.0, -0.30, -0.20], [-0.30, 1.0, 0.40], [-0.20, 0.40, 1.0]])
    out["three_factor"] = dict(items=items, factors=names, loadings=L, phi=phi, reverse=("W3", "S4", "C2"))
    # The same three factors with two items that load on two factors: what rotation has to sort out.
    L2 = L.copy()
    L2[items.index("W4"), 1] = -0.40
    L2[items.index("S3"), 2] = 0.45
    L2[items.index("S3"), 1] = 0.45
    out["cross_loadings"] = dict(items=items, factors=names, loadings=L2, phi=phi, reverse=("W3", "S4", "C2"))
    items, names, L = _block(
        [
            ("workload", "W", [0.55, 0.45, 0.50, 0.40]),
            ("support", "S", [0.50, 0.40, 0.45, 0.55]),
            ("commitment", "C", [0.45, 0.55, 0.40, 0.50]),
        ]
    )
    out["weak"] = dict(items=items, factors=names, loadings=L, phi=np.eye(3) * 0.8 + 0.2, reverse=())
    items, names, L = _block(
        [
            (nm, nm[0].upper(), [0.75, 0.65, 0.55, 0.60])
            for nm in ("pay", "development", "relations", "security", "autonomy")
        ]
    )
    phi = np.full((5, 5), 0.25) + np.eye(5) * 0.75
    out["five_factor"] = dict(items=items, factors=names, loadings=L, phi=phi, reverse=("P4", "R2"))
    # No common factor at all: what KMO and Bartlett's test are there to catch.
    out["none"] = dict(
        items=[f"X{j + 1}" for j in range(10)], factors=[], loadings=np.zeros((10, 0)), phi=np.zeros((0, 0)), reverse=()
    )
    return out


STRUCTURES = tuple(_structures())


@dataclass(frozen=True, repr=False)
class TeachingTruth(Reportable):
    """What :func:`teaching_survey` put into the data.

    ``loadings`` (items x factors, as answered: reverse items negative), ``phi`` (factor correlations),
    ``communalities``, ``reverse`` (the reverse-worded items), ``marginals`` (items x 1..5: each item's answer
    probabilities as answered), ``careless`` (bool per respondent) and ``careless_kind`` ("straight-line",
    "random" or ""), ``missing`` (the mechanism: "none", "MCAR" or "MAR") and ``missing_mask`` (bool per
    cell), ``n_factors``, ``structure``, ``seed``, ``items`` (the item columns of the data, in order)."""

    structure: str
    seed: int
    items: tuple[str, ...]
    loadings: pd.DataFrame
    phi: pd.DataFrame
    reverse: tuple[str, ...]
    marginals: pd.DataFrame
    careless: pd.Series
    careless_kind: pd.Series
    missing: str
    missing_mask: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    @property
    def n_factors(self) -> int:
        return self.loadings.shape[1]

    @property
    def communalities(self) -> pd.Series:
        L, P = self.loadings.to_numpy(), self.phi.to_numpy()
        return pd.Series(np.einsum("jk,kl,jl->j", L, P, L), index=self.loadings.index, name="h2")

    def keyed_loadings(self) -> pd.DataFrame:
        """The loadings after the reverse items are re-keyed (6 - x): all positive on their factor."""
        sign = np.where(self.loadings.index.isin(self.reverse), -1.0, 1.0)
        return self.loadings.mul(sign, axis=0)

    def congruence(self, estimated, *, keyed: bool = False) -> pd.Series:
        r"""Tucker's congruence of each true factor with its best-matching estimated factor.

        phi(x, y) = sum_j x_j y_j / sqrt(sum_j x_j^2 sum_j y_j^2) (Tucker 1951; Lorenzo-Seva & ten Berge
        2006: 0.95 and above, the factors are equal). Estimated factors are matched to the true ones by the
        permutation with the largest summed absolute congruence and re-signed to positive congruence, as
        rotation leaves order and sign arbitrary. ``estimated``: an items x factors frame (e.g.
        ``efa(...).loadings``) with the same number of factors; ``keyed=True`` compares with the re-keyed
        truth (after ``reverse=``). In R: ``psych::factor.congruence(estimated, true)``.
        """
        true = self.keyed_loadings() if keyed else self.loadings
        est = pd.DataFrame(estimated)
        missing = [i for i in true.index if i not in est.index]
        if missing:
            raise ArgumentError(
                f"estimated: no rows for item(s) {', '.join(missing)}; pass the loadings of the "
                f"items {', '.join(true.index)}"
            )
        if est.shape[1] != true.shape[1] or true.shape[1] == 0:
            raise ArgumentError(
                f"estimated has {est.shape[1]} factor(s); the truth has {true.shape[1]}: extract that many to compare"
            )
        x, y = est.loc[true.index].to_numpy(float), true.to_numpy(float)
        cong = (x.T @ y) / np.sqrt(np.outer((x**2).sum(axis=0), (y**2).sum(axis=0)))
        k = y.shape[1]
        best = max(permutations(range(k)), key=lambda pm: np.abs(cong[list(pm), range(k)]).sum())
        return pd.Series(np.abs(cong[list(best), range(k)]), index=true.columns, name="congruence")

    def to_frame(self) -> pd.DataFrame:
        out = self.loadings.copy()
        out["h2"] = self.communalities
        out["reverse"] = out.index.isin(self.reverse)
        out["mean answer"] = self.marginals.to_numpy() @ np.array(CATEGORIES, float)
        return out

    def _report(self):
        rows = [
            ("structure", self.structure),
            ("factors", str(self.n_factors)),
            ("items", str(len(self.items))),
            ("reverse-worded", ", ".join(self.reverse) or "none"),
            ("careless respondents", str(int(self.careless.sum()))),
            ("missing", f"{self.missing}, {self.missing_mask.to_numpy().mean():.1%} of cells"),
            ("seed", str(self.seed)),
        ]
        tables = [("True loadings (as answered), communalities", self.to_frame())]
        if self.n_factors:
            tables.append(("True factor correlations", self.phi))
        return "Teaching survey: the truth", rows, tables, (), self.notes


def teaching_survey(
    n: int = 500,
    structure: str = "three_factor",
    *,
    seed: int = 0,
    careless: float = 0.0,
    missing: str = "none",
    missing_rate: float = 0.1,
) -> tuple[pd.DataFrame, TeachingTruth]:
    """Simulated answers to a 1-5 Likert questionnaire with a known factor structure (see the module docstring).

    ``structure``: one of ``STRUCTURES`` ("one_factor", "three_factor", "cross_loadings", "weak",
    "five_factor", "none"). ``careless``: the share of respondents who answer without reading (half
    straight-line one answer, half at random). ``missing``: "none", "MCAR" (every cell missing with
    probability ``missing_rate``) or "MAR" (the probability rises with the always-answered ``tenure_years``,
    from 0 for the shortest to twice ``missing_rate`` for the longest tenure, averaging ``missing_rate``;
    tenure correlates 0.5 with the first factor, so listwise deletion biases the first factor's item means).

    Returns ``(data, truth)``: the answers (items, then ``tenure_years``; index ``respondent`` 1..n) and a
    :class:`TeachingTruth`. The same arguments give the same data.
    """
    spec = _checked(n, structure, careless, missing, missing_rate)
    rng = np.random.default_rng(seed)
    items, L, phi = spec["items"], spec["loadings"], spec["phi"]
    latent, tenure = _latent(rng, n, L, phi)
    marginals = np.array([MARGINAL_SHAPES[(3 * j + j // 4) % len(MARGINAL_SHAPES)] for j in range(len(items))])
    answers = _cut(latent, marginals)
    rev = np.isin(items, spec["reverse"])
    answers[:, rev] = 6 - answers[:, rev]
    marginals[rev] = marginals[rev, ::-1]
    kind = _careless(rng, answers, careless)
    mask = _missing(rng, answers.shape, tenure, missing.upper(), missing_rate)
    index = pd.RangeIndex(1, n + 1, name="respondent")
    data = pd.DataFrame(np.where(mask, np.nan, answers.astype(float)), index=index, columns=items)
    data = data.astype("int64") if not mask.any() else data
    data["tenure_years"] = tenure.astype(int)
    signed = L * np.where(rev, -1.0, 1.0)[:, None] + 0.0  # + 0.0: no "-0.000" printed
    truth = TeachingTruth(
        structure=structure,
        seed=seed,
        items=tuple(items),
        loadings=pd.DataFrame(signed, index=items, columns=spec["factors"]),
        phi=pd.DataFrame(phi, index=spec["factors"], columns=spec["factors"]),
        reverse=tuple(spec["reverse"]),
        marginals=pd.DataFrame(marginals, index=items, columns=list(CATEGORIES)),
        careless=pd.Series(kind != "", index=index, name="careless"),
        careless_kind=pd.Series(kind, index=index, name="careless_kind"),
        missing=missing.upper() if missing.lower() != "none" else "none",
        missing_mask=pd.DataFrame(mask, index=index, columns=items),
        notes=("Simulated by cmanalytics.datasets.teaching_survey: nobody's answers.",),
    )
    return data, truth


def _checked(n, structure, careless, missing, missing_rate) -> dict:
    specs = _structures()
    if structure not in specs:
        raise ArgumentError(f"structure={structure!r} is not one of {', '.join(specs)}")
    if not isinstance(n, (int, np.integer)) or n < 10:
        raise ArgumentError(f"n={n!r}: give a whole number of respondents, at least 10")
    if not 0.0 <= careless <= 0.5:
        raise ArgumentError(f"careless={careless!r}: a share between 0 and 0.5")
    if str(missing).lower() not in ("none", "mcar", "mar"):
        raise ArgumentError(f"missing={missing!r} is not one of 'none', 'MCAR', 'MAR'")
    if not 0.0 <= missing_rate < 0.5:
        raise ArgumentError(f"missing_rate={missing_rate!r}: a share from 0 up to (not including) 0.5")
    spec = specs[structure]
    h2 = np.einsum("jk,kl,jl->j", spec["loadings"], spec["phi"], spec["loadings"])
    if np.any(h2 >= 1):  # a guard on the table above: a communality of 1 leaves no unique variance
        raise DataError(f"structure {structure!r} has communalities of 1 or more")
    return spec


def _latent(rng, n: int, L: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Latent responses with unit variance, and tenure in years correlated 0.5 with the first factor."""
    k = L.shape[1]
    f = rng.standard_normal((n, k)) @ np.linalg.cholesky(phi).T if k else np.zeros((n, 0))
    h2 = np.einsum("jk,kl,jl->j", L, phi, L) if k else np.zeros(L.shape[0])
    y = f @ L.T + rng.standard_normal((n, L.shape[0])) * np.sqrt(1.0 - h2)
    f1 = f[:, 0] if k else np.zeros(n)
    z = 0.5 * f1 + np.sqrt(1 - 0.25) * rng.standard_normal(n)
    tenure = np.clip(np.round(9 + 6 * z), 0, 35)
    return y, tenure


def _cut(latent: np.ndarray, marginals: np.ndarray) -> np.ndarray:
    """Categories 1..5 of each latent column at the normal quantiles of its cumulative marginal."""
    tau = stats.norm.ppf(np.cumsum(marginals, axis=1)[:, :-1])  # items x 4 thresholds
    return 1 + (latent[:, :, None] > tau[None, :, :]).sum(axis=2)


def _careless(rng, answers: np.ndarray, share: float) -> np.ndarray:
    """Overwrite a share of rows in place: first half straight-liners, second half random; the kind per row."""
    n, p = answers.shape
    kind = np.full(n, "", dtype=object)
    rows = rng.choice(n, size=int(round(share * n)), replace=False)
    half = len(rows) // 2
    answers[rows[:half]] = rng.integers(1, 6, size=half)[:, None]
    answers[rows[half:]] = rng.integers(1, 6, size=(len(rows) - half, p))
    kind[rows[:half]], kind[rows[half:]] = "straight-line", "random"
    return kind


def _missing(rng, shape, tenure: np.ndarray, mechanism: str, rate: float) -> np.ndarray:
    n, p = shape
    if mechanism == "NONE" or rate == 0:
        return np.zeros(shape, bool)
    if mechanism == "MCAR":
        prob = np.full(n, rate)
    else:
        # Ranks (ties averaged) spread the probability from 0 to 2 * rate, so it averages rate.
        prob = 2 * rate * (stats.rankdata(tenure) - 0.5) / n
    return rng.random(shape) < prob[:, None]
