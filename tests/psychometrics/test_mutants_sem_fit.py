"""Mutation tests (issue 13) of cmanalytics/psychometrics/sem/fit.py: the fit measures recomputed from lavaan's
own statistics, Bentler's SRMR of lavaan's moments, the FIML saturated model and log-likelihood.

Each test calls the function it checks itself (no fit cached by another test): mutmut runs, for a mutant, only
the tests that called the mutated function, and a fit cached at module level is credited to the first test
that made it. References: tests/reference/mutants/sem_fit_power.json (make_sem_fit_power.R, lavaan
``fitMeasures()``), tests/reference/sem/*.json (make_sem_reference.R).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cmanalytics.psychometrics.sem import fit as fitm
from cmanalytics.psychometrics.sem.estimation import GroupData

REF = Path(__file__).resolve().parents[1] / "reference"
MUT = json.loads((REF / "mutants" / "sem_fit_power.json").read_text())
N_HS = 301  # HolzingerSwineford1939

# the result's keys, as lavaan names them (the public API of SEMFit.fit_measures)
FIT_KEYS = [
    "npar",
    "fmin",
    "chisq",
    "df",
    "pvalue",
    "baseline.chisq",
    "baseline.df",
    "baseline.pvalue",
    "cfi",
    "tli",
    "nnfi",
    "rfi",
    "nfi",
    "pnfi",
    "ifi",
    "rni",
    "logl",
    "unrestricted.logl",
    "aic",
    "bic",
    "ntotal",
    "bic2",
    "rmsea",
    "rmsea.ci.lower",
    "rmsea.ci.upper",
    "rmsea.pvalue",
    "srmr",
]
SCALED_KEYS = [
    "chisq.scaled",
    "df.scaled",
    "pvalue.scaled",
    "chisq.scaling.factor",
    "chisq.shift.parameter",
    "baseline.chisq.scaled",
    "baseline.df.scaled",
    "baseline.pvalue.scaled",
    "baseline.chisq.scaling.factor",
    "cfi.scaled",
    "tli.scaled",
    "nnfi.scaled",
    "rfi.scaled",
    "nfi.scaled",
    "ifi.scaled",
    "rni.scaled",
    "rmsea.scaled",
    "rmsea.ci.lower.scaled",
    "rmsea.ci.upper.scaled",
    "rmsea.pvalue.scaled",
]


def from_lavaan(case: dict) -> dict:
    """fit_measures() given the statistics lavaan's fitMeasures() reports for a fit."""
    ref, gls = case["fit"], case["estimator"] != "ML"
    n = int(ref.get("ntotal", N_HS))
    return fitm.fit_measures(
        ref["chisq"],
        int(ref["df"]),
        ref["baseline.chisq"],
        int(ref["baseline.df"]),
        n,
        int(case["ngroups"]),
        ref.get("logl", np.nan),
        ref.get("unrestricted.logl", np.nan),
        int(ref["npar"]),
        ref["srmr"],
        n_rmsea=n - int(case["ngroups"]) if gls else None,
    )


@pytest.mark.parametrize("name", list(MUT["measures"]))
def test_fit_measures_from_lavaans_statistics(name):
    """Every measure against lavaan's fitMeasures() for the same statistics: three-factor (ML), saturated (df 0:
    RMSEA 0, TLI 1, p-values NA), two groups (RMSEA times sqrt(G)), two groups by GLS (RMSEA on N - G),
    chi-square below df (RMSEA and its lower bound 0) and noise whose baseline also fits better than its df
    (CFI 1 by lavaan's rule, not 0/0). The measures lavaan leaves NA are NaN here."""
    case = MUT["measures"][name]
    ref = case["fit"]
    assert case["converged"]
    out = from_lavaan(case)
    assert list(out) == FIT_KEYS
    for k in FIT_KEYS:
        if k in ref:
            # lavaan finds the interval's bounds by uniroot's default tolerance (about 1e-4 in lambda)
            rel = 1e-4 if k.startswith("rmsea.ci") else 1e-9
            assert out[k] == pytest.approx(ref[k], rel=rel, abs=1e-12), f"{name}: {k}"
        elif k in ("logl", "unrestricted.logl", "aic", "bic", "bic2", "ntotal"):
            assert case["estimator"] == "GLS"  # no likelihood: given as NaN, left out by the caller
        else:
            assert math.isnan(out[k]), f"{name}: {k} is NA in lavaan"


def test_fit_measures_of_a_saturated_model_by_hand():
    """df = 0 (lavaan's lav_fit_* rules: TLI, RFI and NFI 1, PNFI 0, RMSEA and its interval 0, no p-values);
    two groups."""
    out = fitm.fit_measures(0.0, 0, 100.0, 3, 200, 2, -500.0, -500.0, 9, 0.0)
    assert out["tli"] == out["nnfi"] == out["rfi"] == out["nfi"] == out["cfi"] == 1.0
    assert out["rmsea"] == out["rmsea.ci.lower"] == out["rmsea.ci.upper"] == 0.0
    assert math.isnan(out["pvalue"]) and math.isnan(out["rmsea.pvalue"])
    assert out["pnfi"] == 0.0 and out["ifi"] == 1.0 and out["fmin"] == 0.0 and out["ntotal"] == 200
    # by hand: AIC = 1000 + 18, BIC = 1000 + 9 log 200, BIC2 = 1000 + 9 log(202 / 24), fmin = 0
    assert out["aic"] == pytest.approx(1018.0, rel=1e-15)
    assert out["bic"] == pytest.approx(1000 + 9 * np.log(200), rel=1e-15)
    assert out["bic2"] == pytest.approx(1000 + 9 * np.log(202 / 24), rel=1e-15)


def test_cfi_and_rni_by_hand():
    """CFI = 1 when T - d and T_b - d_b are both negative (lavaan's rule), otherwise
    1 - max(T - d, 0)/max(T - d, T_b - d_b, 0); RNI = 1 - (T - d)/(T_b - d_b), not truncated."""
    both = fitm.fit_measures(3.0, 5, 4.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)
    assert both["cfi"] == 1.0
    assert both["rni"] == pytest.approx(1 - (-2.0) / (-2.0))
    worse = fitm.fit_measures(7.0, 5, 4.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)  # T_b - d_b = -2 < 0 < T - d
    assert worse["cfi"] == 0.0  # 1 - 2/max(2, -2, 0)
    assert worse["rni"] == pytest.approx(1 - 2 / -2, rel=1e-15)
    mixed = fitm.fit_measures(7.0, 5, 26.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)
    assert mixed["cfi"] == pytest.approx(1 - 2 / 20, rel=1e-15)


def test_wlsmv_measures_from_lavaans_statistics():
    """The DWLS and the scaled-and-shifted measures of the two ordinal fits (tests/reference/sem, lavaan
    fitMeasures with estimator WLSMV) from lavaan's statistics: a = 1/chisq.scaling.factor,
    b = chisq.scaled - a chisq, the baseline's a0 likewise; RMSEA on N - G. The likelihood measures are left out."""
    for case in ("ordinal_wlsmv", "ordinal_wlsmv_misfit"):
        full = json.loads((REF / "sem" / f"{case}.json").read_text())
        ref = full["fit"]
        a = 1 / ref["chisq.scaling.factor"]
        b = ref["chisq.scaled"] - a * ref["chisq"]
        a0 = 1 / ref["baseline.chisq.scaling.factor"]
        b0 = ref["baseline.chisq.scaled"] - a0 * ref["baseline.chisq"]
        out = fitm.wlsmv_measures(
            ref["chisq"],
            int(ref["df"]),
            ref["baseline.chisq"],
            int(ref["baseline.df"]),
            (a, b, ref["chisq.scaled"]),
            (a0, b0, ref["baseline.chisq.scaled"]),
            int(full["nobs"]),
            1,
            int(ref["npar"]),
            ref["srmr"],
        )
        plain = [k for k in FIT_KEYS if k not in ("logl", "unrestricted.logl", "aic", "bic", "bic2")]
        assert list(out) == plain + SCALED_KEYS
        assert out["chisq.shift.parameter"] == pytest.approx(b, rel=1e-12)
        for k in plain + SCALED_KEYS:
            if k in ref:
                rel = 1e-4 if k.startswith("rmsea.ci") else 1e-9
                assert out[k] == pytest.approx(ref[k], rel=rel, abs=1e-12), f"{case}: {k}"


def test_incremental_indices_at_their_edges_by_hand():
    """lavaan's rules (lav_fit_rfi, lav_fit_ifi, lav_fit_nfi, lav_fit_nnfi of lavaan 0.6): RFI 1 when the model's
    chi-square per df exceeds the baseline's, otherwise (T_b/d_b - T/d)/(T_b/d_b); IFI 1 when T_b < d, NA when
    T_b = d, otherwise (T_b - T)/(T_b - d); NFI and RFI NA when d > d_b; TLI 1 when T_b = d_b."""
    worse = fitm.fit_measures(30.0, 5, 36.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)  # 30/5 = 6 = 36/6: RFI 0
    assert worse["rfi"] == 0.0
    worse = fitm.fit_measures(31.0, 5, 36.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)  # 31/5 > 36/6
    assert worse["rfi"] == 1.0
    assert worse["ifi"] == pytest.approx(5 / 31, rel=1e-15)
    assert worse["nfi"] == pytest.approx(5 / 36, rel=1e-15)
    assert worse["pnfi"] == pytest.approx(5 / 6 * 5 / 36, rel=1e-15)
    assert worse["tli"] == pytest.approx((6 - 6.2) / (6 - 1), rel=1e-14)
    good = fitm.fit_measures(2.0, 5, 24.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)
    assert good["rfi"] == pytest.approx((4 - 0.4) / 4, rel=1e-15)
    low = fitm.fit_measures(1.0, 5, 4.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)  # T_b = 4 < d = 5
    assert low["ifi"] == 1.0
    tie = fitm.fit_measures(1.0, 5, 5.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)  # T_b = d
    assert math.isnan(tie["ifi"])
    more = fitm.fit_measures(10.0, 7, 50.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)  # d > d_b
    assert math.isnan(more["nfi"]) and math.isnan(more["rfi"])
    flat = fitm.fit_measures(7.0, 5, 6.0, 6, 100, 1, -10.0, -9.0, 4, 0.01)  # T_b = d_b
    assert flat["tli"] == flat["nnfi"] == 1.0
    assert math.isnan(flat["rni"]) and flat["cfi"] == 0.0  # RNI NA when T_b = d_b; CFI 1 - 2/max(2, 0, 0)


def test_ncp_bound_by_hand():
    """The non-centrality with P(chi2_df(lambda) <= t) = prob: 0 for t <= 0 or when even lambda = 0 gives less
    than prob; otherwise the root (checked with the non-central chi-square's cdf, and against lavaan's interval:
    the upper bound of hs_cfa's RMSEA, sqrt(lambda / (N df)) = 0.113678016811963)."""
    from scipy import stats

    assert fitm.ncp_bound(0.0, 5, 0.05) == 0.0
    assert fitm.ncp_bound(-1.0, 5, 0.05) == 0.0
    assert fitm.ncp_bound(1.0, 5, 0.95) == 0.0  # P(chi2_5 <= 1) = .037 < .95
    lam = fitm.ncp_bound(85.3055217699727, 24, 0.05)
    assert stats.ncx2.cdf(85.3055217699727, 24, lam) == pytest.approx(0.05, abs=1e-12)
    assert np.sqrt(lam / (N_HS * 24)) == pytest.approx(0.113678016811963, rel=1e-9)
    # a bound above max(t, 1) = 1 needs the search interval doubled several times
    lam = fitm.ncp_bound(0.5, 1, 0.001)
    assert stats.ncx2.cdf(0.5, 1, lam) == pytest.approx(0.001, abs=1e-12) and lam > 8


def test_srmr_of_lavaans_moments():
    """Bentler's SRMR of the three-factor model with a mean structure from lavaan's sample and implied moments
    (lavInspect "sampstat" and "implied"): fitMeasures' srmr with the means, srmr_bentler_nomean without."""
    m = MUT["moments"]
    cov, sigma = np.array(m["cov"]), np.array(m["sigma"])
    mean, mu = np.array(m["mean"]), np.array(m["mu"])
    assert fitm.srmr_group(cov, sigma, mean, mu) == pytest.approx(m["srmr"], rel=1e-9)
    assert fitm.srmr_group(cov, sigma, None, None) == pytest.approx(m["srmr_nomean"], rel=1e-9)


def test_srmr_by_hand():
    """Two variables: S = [[4, 1], [1, 1]], Sigma = [[4, 0.5], [0.5, 2]]; standardized residuals over i <= j:
    0, (1 - 0.5)/2 = 0.25, (1 - 2)/1 = -1, so SRMR = sqrt((0.0625 + 1)/3); with means ybar = (1, 0),
    mu = (0, 0) also (1/2)^2 and 0 over 5 cells."""
    s = np.array([[4.0, 1.0], [1.0, 1.0]])
    sig = np.array([[4.0, 0.5], [0.5, 2.0]])
    assert fitm.srmr_group(s, sig, None, None) == pytest.approx(np.sqrt(1.0625 / 3), rel=1e-15)
    got = fitm.srmr_group(s, sig, np.array([1.0, 0.0]), np.zeros(2))
    assert got == pytest.approx(np.sqrt(1.3125 / 5), rel=1e-15)


def test_fiml_saturated_model_and_loglikelihood_match_lavaan():
    """The EM estimates of the unrestricted model of hs_missing.csv and their log-likelihood: lavaan's
    unrestricted.logl of the FIML fit (tests/reference/sem/hs_fiml.json, -3262.61627732653)."""
    x = pd.read_csv(REF / "sem" / "hs_missing.csv")[[f"x{i}" for i in range(1, 10)]].to_numpy(float)
    ref = json.loads((REF / "sem" / "hs_fiml.json").read_text())["fit"]
    mu, sigma = fitm.em_saturated(x)
    logl = fitm.loglik_patterns(GroupData.incomplete(x).patterns, sigma, mu)
    assert logl == pytest.approx(ref["unrestricted.logl"], rel=1e-11)
