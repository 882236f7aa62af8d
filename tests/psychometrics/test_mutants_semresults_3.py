"""Mutation tests of the SEM result classes (issue 13): what SEMFit, CFAResult, InvarianceResult and
MethodVarianceResult print. summary() is checked whole, line by line, against a text composed here from
lavaan's own figures (tests/reference/sem, made by make_sem_reference.R with lavaan 0.6-14 on
HolzingerSwineford1939) and from hand computations (CR, AVE, Fornell-Larcker from lavaan's std.all), repr
word for word, implied() against lavaan's fitted() (tests/reference/mutants/semres3_make_reference.R)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.psychometrics.sem import sem_fit
from cmanalytics.psychometrics.sem.invariance import invariance
from cmanalytics.psychometrics.sem.method_variance import method_variance
from cmanalytics.psychometrics.validity import average_variance_extracted, composite_reliability
from tests.conftest import shared_scope
from tests.psychometrics.sem.conftest import HS3, ORD3, SEM_REF, reference_json

MUT_REF = Path(__file__).resolve().parents[1] / "reference" / "mutants"
ITEMS = [f"x{i}" for i in range(1, 10)]
MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
SECTION_ORDER = (
    ("Latent variables", lambda op, lhs, rhs: op == "=~"),
    ("Regressions", lambda op, lhs, rhs: op == "~"),
    ("Covariances", lambda op, lhs, rhs: op == "~~" and lhs != rhs),
    ("Intercepts", lambda op, lhs, rhs: op == "~1"),
    ("Thresholds", lambda op, lhs, rhs: op == "|"),
    ("Variances", lambda op, lhs, rhs: op == "~~" and lhs == rhs),
    ("Scales y*", lambda op, lhs, rhs: op == "~*~"),
)


# ---------------------------------------------------------------- the layout, written out here
def _num(v) -> float:
    """A number of lavaan's JSON: "NA" (or absent) is NaN."""
    return np.nan if v is None or v == "NA" else float(v)


def _f3(v) -> str:
    v = _num(v)
    return "" if np.isnan(v) else f"{v:.3f}"


def _frame(df: pd.DataFrame) -> str:
    return df.to_string(float_format=lambda v: "" if np.isnan(v) else f"{v:.3f}", na_rep="")


def _text(title, rows, tables=(), warns=(), notes=()) -> str:
    """The plain-text layout of summary(): title underlined with '=', labels padded to the longest, each
    table under its caption underlined with '-', then 'Warnings:' ('  ! ') and 'Notes:' ('  - ')."""
    width = max(len(k) for k, _ in rows) if rows else 0
    out = [title, "=" * len(title)] + [k + " " * (width - len(k)) + "  " + v for k, v in rows]
    for caption, df in tables:
        out += ["", caption, "-" * len(caption), _frame(df)]
    if warns:
        out += ["", "Warnings:"] + ["  ! " + w for w in warns]
    if notes:
        out += ["", "Notes:"] + ["  - " + n for n in notes]
    return "\n".join(out)


def _lavaan_sections(est: dict, group: int, suffix: str = "", ours: pd.DataFrame | None = None, tol: float = 0.0):
    """lavaan's parameterEstimates in summary()'s blocks; a fixed parameter (se 0 in lavaan) shows no se.
    With ``ours`` (the fit's estimates, same rows) a value within ``tol`` (relative) of lavaan's that rounds
    to the other side of a third decimal is printed as ours: the test asserts the agreement, then the layout."""
    n = len(est["lhs"])
    if ours is not None:
        assert len(ours) == n and ours["lhs"].tolist() == est["lhs"] and ours["op"].tolist() == est["op"]
        cols = {"est": "est", "se": "se", "z": "z", "p_value": "pvalue", "std.lv": "std.lv", "std.all": "std.all"}
        est = {k: list(v) for k, v in est.items()}
        for mine, theirs in cols.items():
            for k in range(n):
                a, b = float(ours[mine].iloc[k]), _num(est[theirs][k])
                if np.isnan(b) or _f3(a) == _f3(b) or (mine == "se" and b == 0):
                    continue
                assert abs(a - b) <= tol * max(1.0, abs(b)), (mine, k, a, b)
                est[theirs][k] = a
    out = []
    for title, pick in SECTION_ORDER:
        idx = [k for k in range(n) if est["group"][k] == group and pick(est["op"][k], est["lhs"][k], est["rhs"][k])]
        if not idx:
            continue
        names = [f"{est['lhs'][k]} {est['op'][k]} {est['rhs'][k]}".strip() for k in idx]
        cols = {"est": "est", "se": "se", "z": "z", "p_value": "pvalue", "std.lv": "std.lv", "std.all": "std.all"}
        df = pd.DataFrame({ours: [_num(est[theirs][k]) for k in idx] for ours, theirs in cols.items()}, index=names)
        df.loc[df["se"] == 0, "se"] = np.nan
        out.append((title + suffix, df))
    return out


def _fit_rows(ref: dict, estimator: str, iterations: int, observations: str) -> list[tuple[str, str]]:
    f = ref["fit"]
    rows = [
        ("estimator", estimator),
        ("converged", f"True after {iterations} iterations"),
        ("observations", observations),
        ("free parameters", str(f["npar"])),
        ("chi-square", f"{_f3(f['chisq'])} (df {f['df']}, p = {_f3(f.get('pvalue'))})"),
        ("CFI / TLI", f"{_f3(f['cfi'])} / {_f3(f['tli'])}"),
        (
            "RMSEA",
            f"{_f3(f['rmsea'])} [90% CI {_f3(f['rmsea.ci.lower'])}, {_f3(f['rmsea.ci.upper'])}], "
            f"p(close) = {_f3(f['rmsea.pvalue'])}",
        ),
        ("SRMR", _f3(f["srmr"])),
    ]
    if "aic" in f:
        rows.append(("AIC / BIC", f"{_f3(f['aic'])} / {_f3(f['bic'])}"))
    return rows


@pytest.fixture(scope=shared_scope)
def hs():
    return pd.read_csv(SEM_REF / "hs_school.csv")


@pytest.fixture(scope=shared_scope)
def hs_fit(hs):
    return sem_fit(hs, HS3)


@pytest.fixture(scope=shared_scope)
def hs_cfa(hs):
    return cma.cfa(hs, MODEL)


# ---------------------------------------------------------------- SEMFit
def test_semfit_summary_ml_every_line_as_lavaan(hs_fit):
    """ML on HolzingerSwineford1939: chi2 85.306 on 24 df, CFI .931, TLI .896, RMSEA .092 [.071, .114],
    p(close) .001, SRMR .065, AIC 7517.490, BIC 7595.339 (lavaan's fitMeasures), then the estimates'
    blocks as lavaan's summary() (the markers' se blank)."""
    ref = reference_json("hs_cfa")
    assert hs_fit.converged is True and hs_fit.iterations > 0
    rows = _fit_rows(ref, "ML", hs_fit.iterations, "301")
    assert rows[4][1] == "85.306 (df 24, p = 0.000)" and rows[8][1] == "7517.490 / 7595.339"
    want = _text("Structural equation model (lavaan syntax)", rows, _lavaan_sections(ref["estimates"], 1))
    assert hs_fit.summary() == want
    assert str(hs_fit) == want
    assert [c for c in want.splitlines() if c.startswith(("Latent", "Covariances", "Variances"))] == [
        "Latent variables",
        "Covariances",
        "Variances",
    ]
    assert repr(hs_fit) == ("<SEMFit ML: chi2 = 85.306, df = 24, CFI = 0.931, RMSEA = 0.092, SRMR = 0.065, N = 301>")
    f = ref["fit"]
    assert (hs_fit.chi2, hs_fit.df) == (pytest.approx(f["chisq"], rel=1e-6), 24)
    assert hs_fit.p_value == pytest.approx(f["pvalue"], rel=1e-4)
    html = hs_fit._repr_html_()
    assert "<h4>Structural equation model (lavaan syntax)</h4>" in html
    assert "<tr><th style='text-align:left'>AIC / BIC</th><td>7517.490 / 7595.339</td></tr>" in html


def test_semfit_summary_fiml_names_it(hs):
    """FIML (lavaan missing = "ml", hs_fiml): the estimator line says so; intercepts are estimated."""
    ref = reference_json("hs_fiml")
    fit = sem_fit(pd.read_csv(SEM_REF / "hs_missing.csv"), HS3, missing="fiml")
    rows = _fit_rows(ref, "ML (FIML)", fit.iterations, "301")
    want = _text("Structural equation model (lavaan syntax)", rows, _lavaan_sections(ref["estimates"], 1))
    assert fit.summary() == want
    assert "\nIntercepts\n----------\n" in want
    assert repr(fit) == "<SEMFit ML: chi2 = 81.049, df = 24, CFI = 0.921, RMSEA = 0.089, SRMR = 0.061, N = 301>"


def test_semfit_summary_uls_has_no_likelihood(hs):
    """ULS (hs_cfa_uls): lavaan gives no p-value and no AIC/BIC, so the p is blank and there is no AIC line."""
    ref = reference_json("hs_cfa_uls")
    assert "pvalue" not in ref["fit"] and "aic" not in ref["fit"]
    fit = sem_fit(hs, HS3, estimator="ULS")
    rows = _fit_rows(ref, "ULS", fit.iterations, "301")
    assert rows[4][1] == "72.098 (df 24, p = )" and len(rows) == 8
    assert fit.summary() == _text(
        "Structural equation model (lavaan syntax)", rows, _lavaan_sections(ref["estimates"], 1)
    )
    assert repr(fit) == "<SEMFit ULS: chi2 = 72.098, df = 24, CFI = 0.974, RMSEA = 0.082, SRMR = 0.059, N = 301>"


def test_semfit_summary_wlsmv_scaled_rows_first():
    """WLSMV (ordinal_wlsmv): lavaan's scaled-shifted chi-square, CFI/TLI and RMSEA come before the plain
    ones; no likelihood, so no AIC line; thresholds and the y* scales in their own blocks."""
    ref = reference_json("ordinal_wlsmv")
    f = ref["fit"]
    fit = sem_fit(pd.read_csv(SEM_REF / "ordinal_5point.csv"), ORD3, ordered=True)
    rows = _fit_rows(ref, "WLSMV", fit.iterations, "600")
    rows[4:4] = [
        ("chi-square scaled-shifted", f"{_f3(f['chisq.scaled'])} (df {f['df']}, p = {_f3(f['pvalue.scaled'])})"),
        ("CFI / TLI scaled", f"{_f3(f['cfi.scaled'])} / {_f3(f['tli.scaled'])}"),
        ("RMSEA scaled", _f3(f["rmsea.scaled"])),
    ]
    assert rows[4] == ("chi-square scaled-shifted", "18.294 (df 24, p = 0.788)")
    want = _text("Structural equation model (lavaan syntax)", rows, _lavaan_sections(ref["estimates"], 1))
    assert "\nThresholds\n" in want
    assert fit.summary() == want
    assert repr(fit) == "<SEMFit WLSMV: chi2 = 11.327, df = 24, CFI = 1.000, RMSEA = 0.000, SRMR = 0.021, N = 600>"


@pytest.fixture(scope=shared_scope)
def hs_groups(hs):
    return sem_fit(hs, HS3, group="school")


def test_semfit_summary_two_groups(hs_groups):
    """Two schools (hs_invariance_configural): the observations per group joined by ' + ', each block
    named with its group, Pasteur's before Grant-White's (lavaan's group order)."""
    ref = reference_json("hs_invariance_configural")
    assert ref["nobs"] == [156, 145]
    rows = _fit_rows(ref, "ML", hs_groups.iterations, "156 + 145")
    e = hs_groups.estimates
    tables = _lavaan_sections(ref["estimates"], 1, " (group Pasteur)", e, 2e-4) + _lavaan_sections(
        ref["estimates"], 2, " (group Grant-White)", e, 2e-4
    )
    assert hs_groups.summary() == _text("Structural equation model (lavaan syntax)", rows, tables)
    assert repr(hs_groups) == (
        "<SEMFit ML: chi2 = 115.851, df = 48, CFI = 0.923, RMSEA = 0.097, SRMR = 0.068, N = 301>"
    )


def test_semfit_warnings_shown(hs):
    """A Heywood case's warning (the ULMC of hs_ulmc: lavaan warns that the latent covariance matrix is not
    positive definite) is printed under 'Warnings:' and counted nowhere else."""
    syntax = HS3 + "\nmethod =~ " + " + ".join(f"m*{v}" for v in ITEMS) + "\nmethod ~~ 0*visual + 0*textual + 0*speed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sem_fit(hs, syntax, std_lv=True)
    text = fit.summary()
    assert text.endswith(
        "\n\nWarnings:\n  ! the latent covariance matrix is not positive definite (a Heywood case: a negative "
        "variance or a correlation beyond 1 among the factors)."
    )


def test_semfit_implied_as_lavaan_fitted(hs, hs_groups):
    """implied(): lavaan's fitted() covariance matrix and means, named by the items, one pair per group."""
    ref = json.loads((MUT_REF / "semres3_reference.json").read_text())
    fit = sem_fit(hs, HS3, meanstructure=True)
    out = fit.implied()
    assert len(out) == 1
    cov, mean = out[0]
    assert list(cov.index) == list(cov.columns) == ref["means"]["names"] == ITEMS
    assert list(mean.index) == ITEMS
    np.testing.assert_allclose(cov.to_numpy(), ref["means"]["cov"], rtol=1e-5)
    np.testing.assert_allclose(mean.to_numpy(), ref["means"]["mean"], rtol=1e-6)
    plain = sem_fit(hs, HS3).implied()[0][0]
    np.testing.assert_allclose(plain.to_numpy(), ref["plain"]["cov"], rtol=1e-5)
    assert list(plain.columns) == ITEMS
    two = hs_groups.implied()
    assert ref["group_labels"] == ["Pasteur", "Grant-White"] and len(two) == 2
    for (cov, mean), want in zip(two, ref["groups"], strict=True):
        assert list(cov.index) == list(cov.columns) == list(mean.index) == ITEMS
        np.testing.assert_allclose(cov.to_numpy(), want["cov"], rtol=2e-4)
        np.testing.assert_allclose(mean.to_numpy(), want["mean"], rtol=1e-5)


def test_semfit_residuals_and_modindices_as_lavaan(hs_fit):
    """residuals(): raw by default (S - Sigma, lavaan resid(type = "raw")), "cor" Bollen's; modindices() as
    lavaan's modindices()."""
    ref = reference_json("hs_cfa")
    raw = hs_fit.residuals()
    assert len(raw) == 1 and list(raw[0].columns) == ITEMS
    np.testing.assert_allclose(raw[0].to_numpy(), ref["residuals"]["raw"]["values"], atol=2e-6)
    cor = hs_fit.residuals("cor")
    np.testing.assert_allclose(cor[0].to_numpy(), ref["residuals"]["cor_bollen"]["values"], atol=2e-6)
    mi = hs_fit.modindices()
    want = pd.DataFrame(ref["modindices"])
    got = mi.set_index(["lhs", "op", "rhs"])["mi"]
    for lhs, op, rhs, m in want[["lhs", "op", "rhs", "mi"]].itertuples(index=False):
        assert got.loc[(lhs, op, rhs)] == pytest.approx(m, rel=1e-3, abs=1e-6)


def test_semfit_observed_cov_is_the_sample_covariance(hs, hs_groups):
    """_observed_cov(g): each group's sample covariance matrix with divisor N (lavaan's S)."""
    x = hs[ITEMS].to_numpy(float)
    np.testing.assert_allclose(sem_fit(hs, HS3)._observed_cov(0), np.cov(x, rowvar=False, bias=True), rtol=1e-12)
    for g, school in enumerate(["Pasteur", "Grant-White"]):
        xs = hs.loc[hs["school"] == school, ITEMS].to_numpy(float)
        np.testing.assert_allclose(hs_groups._observed_cov(g), np.cov(xs, rowvar=False, bias=True), rtol=1e-12)


# ---------------------------------------------------------------- CFAResult
def _cr_ave_fl(ref: dict, group: int = 1):
    """CR, AVE (Fornell & Larcker 1981, from lavaan's std.all) and the Fornell-Larcker table by hand."""
    est = ref["estimates"]
    load = {f: [] for f in MODEL}
    cor = pd.DataFrame(np.eye(3), index=list(MODEL), columns=list(MODEL))
    for k in range(len(est["lhs"])):
        if est["group"][k] != group:
            continue
        lhs, op, rhs, s = est["lhs"][k], est["op"][k], est["rhs"][k], est["std.all"][k]
        if op == "=~":
            load[lhs].append((rhs, s))
        elif op == "~~" and lhs != rhs and lhs in MODEL and rhs in MODEL:
            cor.loc[lhs, rhs] = cor.loc[rhs, lhs] = s
    cr, ave = {}, {}
    for f, pairs in load.items():
        lam = np.array([s for _, s in pairs])
        cr[f] = lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam**2))
        ave[f] = np.mean(lam**2)
    fl = cor.copy()
    for f in MODEL:
        fl.loc[f, f] = np.sqrt(ave[f])
    fl = fl.where(np.tril(np.ones((3, 3), bool)))
    std = pd.DataFrame(
        [(f, i, s) for f, pairs in load.items() for i, s in pairs], columns=["factor", "item", "loading"]
    )
    rel = pd.DataFrame({"CR": pd.Series(cr), "AVE": pd.Series(ave)})
    rel.index.name = "factor"
    return std, rel, fl


def test_cfa_summary_every_line_as_lavaan(hs_cfa):
    ref = reference_json("hs_cfa")
    f = ref["fit"]
    std, rel, fl = _cr_ave_fl(ref)
    assert [f"{v:.3f}" for v in rel["CR"]] == ["0.626", "0.885", "0.691"]
    assert [f"{v:.3f}" for v in rel["AVE"]] == ["0.371", "0.720", "0.430"]
    rows = [
        ("chi-square", f"{_f3(f['chisq'])} (df 24, p = {_f3(f['pvalue'])})"),
        ("CFI", _f3(f["cfi"])),
        ("TLI", _f3(f["tli"])),
        ("RMSEA", f"{_f3(f['rmsea'])} [90% CI {_f3(f['rmsea.ci.lower'])}, {_f3(f['rmsea.ci.upper'])}]"),
        ("SRMR", _f3(f["srmr"])),
        ("N", "301"),
    ]
    tables = _lavaan_sections(ref["estimates"], 1) + [
        ("Standardized loadings", std),
        ("Composite reliability and AVE", rel),
        ("Fornell-Larcker criterion", fl),
    ]
    want = _text("Confirmatory factor analysis", rows, tables)
    assert hs_cfa.summary() == want
    assert str(hs_cfa) == want
    assert repr(hs_cfa) == "<CFAResult: chi2 = 85.306 (df 24), CFI = 0.931, RMSEA = 0.092, SRMR = 0.065, N = 301>"
    assert "<h4>Fornell-Larcker criterion</h4>" in hs_cfa._repr_html_()


def test_cfa_fornell_larcker_cr_ave_by_hand(hs_cfa):
    """sqrt(AVE) on the diagonal, lavaan's factor correlations below, NaN above."""
    std, rel, fl = _cr_ave_fl(reference_json("hs_cfa"))
    got = hs_cfa.fornell_larcker()
    assert list(got.index) == list(got.columns) == ["visual", "textual", "speed"]
    np.testing.assert_allclose(got.to_numpy(), fl.to_numpy(), rtol=5e-5)
    assert np.isnan(got.to_numpy()[np.triu_indices(3, 1)]).all()
    assert got.loc["textual", "visual"] == pytest.approx(0.459, abs=5e-4)
    np.testing.assert_allclose(hs_cfa.cr.to_numpy(), rel["CR"].to_numpy(), rtol=5e-5)
    np.testing.assert_allclose(hs_cfa.ave.to_numpy(), rel["AVE"].to_numpy(), rtol=5e-5)
    assert hs_cfa.cr.name == "cr" and hs_cfa.ave.name == "ave"


def test_cfa_residuals_and_modindices_as_lavaan(hs_cfa):
    ref = reference_json("hs_cfa")
    raw = hs_cfa.residuals()
    np.testing.assert_allclose(raw[0].to_numpy(), ref["residuals"]["raw"]["values"], atol=2e-6)
    cor = hs_cfa.residuals("cor")
    np.testing.assert_allclose(cor[0].to_numpy(), ref["residuals"]["cor_bollen"]["values"], atol=2e-6)
    mi = hs_cfa.modindices().set_index(["lhs", "op", "rhs"])["mi"]
    assert mi.loc[("visual", "=~", "x9")] == pytest.approx(36.411031, rel=1e-3)


def test_cfa_summary_two_groups(hs):
    """Blocks per school; the loadings, CR/AVE and Fornell-Larcker of the first group (Pasteur); N the sum."""
    ref = reference_json("hs_invariance_configural")
    f = ref["fit"]
    res = cma.cfa(hs, HS3, group="school")
    std, rel, fl = _cr_ave_fl(ref, group=1)
    rows = [
        ("chi-square", f"{_f3(f['chisq'])} (df 48, p = {_f3(f['pvalue'])})"),
        ("CFI", _f3(f["cfi"])),
        ("TLI", _f3(f["tli"])),
        ("RMSEA", f"{_f3(f['rmsea'])} [90% CI {_f3(f['rmsea.ci.lower'])}, {_f3(f['rmsea.ci.upper'])}]"),
        ("SRMR", _f3(f["srmr"])),
        ("N", "301"),
    ]
    tables = (
        _lavaan_sections(ref["estimates"], 1, " (group Pasteur)", res.estimates, 2e-4)
        + _lavaan_sections(ref["estimates"], 2, " (group Grant-White)", res.estimates, 2e-4)
        + [
            ("Standardized loadings", std),
            ("Composite reliability and AVE", rel),
            ("Fornell-Larcker criterion", fl),
        ]
    )
    assert res.summary() == _text("Confirmatory factor analysis", rows, tables)
    assert repr(res) == "<CFAResult: chi2 = 115.851 (df 48), CFI = 0.923, RMSEA = 0.097, SRMR = 0.068, N = 301>"


def test_coefficient_repr_names_its_method():
    """Loadings .5 and .5: CR = 1 / (1 + 2 x .75) = 0.4; semTools' AVE = (.25 + .25) / (1 + 1.5) = 0.2."""
    lam = [0.5, 0.5]
    assert repr(composite_reliability(lam)) == "0.4 (fornell-larcker)"
    cov = [[1.0, 0.5], [0.5, 1.5]]
    assert repr(average_variance_extracted(lam, method="semtools", cov=cov)) == "0.2 (semtools)"


# ---------------------------------------------------------------- InvarianceResult
def test_invariance_summary_and_repr(hs):
    """configural -> metric -> scalar on the two schools: the scalar step fails (lavaan: CFI 0.92092 ->
    0.88247); the score tests of its constraints are listed (ten at most); without scalar every step holds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = invariance(hs, HS3, group="school", steps=["configural", "metric", "scalar"])
    text = res.summary()
    head = [
        "Measurement invariance",
        "======================",
        "groups    Pasteur, Grant-White",
        "cut-offs  delta CFI > -0.010 (Cheung & Rensvold 2002), delta RMSEA < +0.015 (Chen 2007)",
        "verdict   scalar invariance does not hold",
        "",
        "Invariance steps",
        "----------------",
    ]
    assert text.splitlines()[:8] == head
    caption = "Score tests: constraints of the scalar model to release"
    assert "\n\n" + caption + "\n" + "-" * len(caption) + "\n" in text
    assert len(res.score_tests) > 10
    assert text.endswith(_frame(res.score_tests.head(10)))
    assert text == "\n".join(
        [*head, _frame(res.table), "", caption, "-" * len(caption), _frame(res.score_tests.head(10))]
    )
    assert repr(res) == "<InvarianceResult: 3 steps up to scalar; fails at scalar>"
    holds = invariance(hs, HS3, group="school", steps=["configural", "metric"])
    lines = holds.summary().splitlines()
    assert lines[4] == "verdict   invariance holds at every step"
    assert "Score tests" not in holds.summary()
    assert repr(holds) == "<InvarianceResult: 2 steps up to metric; all steps hold>"
    loose = invariance(hs, HS3, group="school", steps=["metric"], delta_cfi=-0.02, delta_rmsea=0.1)
    assert loose.summary().splitlines()[3] == (
        "cut-offs  delta CFI > -0.020 (Cheung & Rensvold 2002), delta RMSEA < +0.100 (Chen 2007)"
    )
    assert repr(loose) == "<InvarianceResult: 1 steps up to metric; all steps hold>"


# ---------------------------------------------------------------- MethodVarianceResult
def test_method_variance_summary_every_line(hs):
    """The ULMC's share: the mean square of lavaan's std.all method loadings (hs_ulmc); r_M the smallest
    positive correlation of the marker with the items (by hand); the interpretation under Notes, the ULMC's
    Heywood warning under Warnings."""
    est = reference_json("hs_ulmc")["estimates"]
    lam = np.array(
        [s for lhs, op, s in zip(est["lhs"], est["op"], est["std.all"], strict=True) if lhs == "method" and op == "=~"]
    )
    assert len(lam) == 9
    share = f"{100 * np.mean(lam**2):.1f}"
    assert share == "32.3"
    data = hs.copy()
    data["marker"] = data["x1"] * 0.1 + np.random.default_rng(3).standard_normal(len(data))
    r = data[ITEMS + ["marker"]].corr().to_numpy()[-1, :-1]
    r_m = r[r > 0].min()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = method_variance(data, MODEL, marker="marker")
    text = res.summary()
    lines = text.splitlines()
    assert lines[:5] == [
        "Common-method variance",
        "======================",
        f"method variance (ULMC)  {share}% of item variance (Williams et al. 1989 median: 25%)",
        f"marker r_M              {r_m:.3f} (marker)",
        "",
    ]
    assert lines[5:7] == ["Models", "------"]
    cap = "Correlations adjusted for the marker (Lindell & Whitney)"
    assert "\n\n" + cap + "\n" + "-" * len(cap) + "\n" in text
    warn = (
        "ULMC: the latent covariance matrix is not positive definite (a Heywood case: a negative variance or a "
        "correlation beyond 1 among the factors)."
    )
    assert "\n\nWarnings:\n  ! " + warn + "\n\nNotes:\n" in text
    assert text.endswith("\n".join("  - " + n for n in res.interpretation))
    assert len(res.interpretation) == 3 and res.interpretation[0].startswith("The single-factor model fits far worse")
    assert repr(res) == f"<MethodVarianceResult: method factor takes {share}% of item variance>"
    assert res.summary().startswith(
        _text(
            "Common-method variance",
            [
                ("method variance (ULMC)", f"{share}% of item variance (Williams et al. 1989 median: 25%)"),
                ("marker r_M", f"{r_m:.3f} (marker)"),
            ],
            [("Models", res.table)],
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = method_variance(hs, MODEL)
    lines = plain.summary().splitlines()
    assert lines[2:6] == [
        f"method variance (ULMC)  {share}% of item variance (Williams et al. 1989 median: 25%)",
        "",
        "Models",
        "------",
    ]
    assert "Lindell & Whitney)" not in plain.summary()
