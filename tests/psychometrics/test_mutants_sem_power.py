"""Mutation tests (issue 13) of cmanalytics/psychometrics/sem/power.py: the RMSEA power and sample size of
MacCallum, Browne & Sugawara (1996) against semTools (findRMSEApower, findRMSEAsamplesize) for the test of
exact fit (rmsea0 = 0), of not-close fit, a sample size past the first block of 500 searched, alpha, power and
groups given; every refusal word for word. Reference: tests/reference/mutants/sem_fit_power.json
(make_sem_fit_power.R)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.sem.power import rmsea_power, rmsea_sample_size

REF = json.loads((Path(__file__).resolve().parents[1] / "reference" / "mutants" / "sem_fit_power.json").read_text())


def test_power_of_exact_and_not_close_fit_matches_semtools():
    """Exact fit (rmsea0 = 0 against .05 and .08) and not-close fit (rmsea0 = .08 against .05 and .02), df 10
    and 24, N 100 and 300, one and two groups: semTools::findRMSEApower."""
    ref = REF["power"]
    rows = zip(ref["rmsea0"], ref["rmseaA"], ref["df"], ref["n"], ref["group"], ref["power"])
    for r0, ra, df, n, g, want in rows:
        got = rmsea_power(r0, ra, int(df), n, groups=int(g))
        assert type(got) is float  # a plain float for one n, not numpy's
        assert got == pytest.approx(want, rel=1e-9), (r0, ra, df, n, g)


def test_power_by_hand_with_alpha():
    """Close fit, .05 against .08, df 20, N 201, alpha .01, by the formulas of MacCallum et al. (1996):
    lambda = (N - 1) d eps^2, critical value the upper alpha quantile of chi2_d(lambda_0), power
    P(chi2_d(lambda_a) > c); an array of sizes gives an array of powers."""
    from scipy import stats

    lam0, lama = 200 * 20 * 0.05**2, 200 * 20 * 0.08**2
    crit = stats.ncx2.ppf(0.99, 20, lam0)
    want = stats.ncx2.sf(crit, 20, lama)
    assert rmsea_power(0.05, 0.08, 20, 201, alpha=0.01) == pytest.approx(want, rel=1e-10)
    got = rmsea_power(0.05, 0.08, 20, [201, 201])
    assert isinstance(got, np.ndarray) and got.shape == (2,)
    assert got[0] == pytest.approx(stats.ncx2.sf(stats.ncx2.ppf(0.95, 20, lam0), 20, lama), rel=1e-10)
    # exact fit against RMSEA 0 and not-close fit against RMSEA 0: the power is alpha itself at lambda_0 = 0
    assert rmsea_power(0.0, 0.05, 20, 2, alpha=0.05) == pytest.approx(
        stats.ncx2.sf(stats.chi2.isf(0.05, 20), 20, 1 * 20 * 0.0025), rel=1e-10
    )
    assert rmsea_power(0.05, 0.0, 20, 2) == pytest.approx(
        stats.chi2.cdf(stats.ncx2.ppf(0.05, 20, 20 * 0.0025), 20), rel=1e-10
    )


def test_sample_size_matches_semtools():
    """findRMSEAsamplesize: close fit .05 against .06 on 10 df needs 6328 cases (past the first block of 500
    searched, N = 5..504), 6327 per group with two groups; exact fit with power .8 and .9 (alpha .01); not-close
    fit with alpha .1 and power .7; .05 against .0882 and .07616 need 505 and 1006, exact fit against .5 on 100
    df 5 or fewer."""
    ref = REF["sample_size"]
    rows = zip(ref["rmsea0"], ref["rmseaA"], ref["df"], ref["group"], ref["power"], ref["alpha"], ref["reported"])
    for r0, ra, df, g, pw, a, want in rows:
        got = rmsea_sample_size(r0, ra, int(df), power=pw, alpha=a, groups=int(g))
        # N = 5, the first size searched, semTools reports as "Sample Size <= 5"
        assert got == (5.0 if want == "Sample Size <= 5" else float(want)), (r0, ra, df, g, pw, a)
    # 505 and 1006: the first sizes of the second and third blocks of 500 searched (5-504, 505-1004, ...)
    assert [505.0, 1006.0] == [float(x) for x in ref["reported"][6:8]]
    # the defaults are semTools': power .8, alpha .05, one group (exact fit against .05 on 20 df: 421)
    assert (ref["power"][2], ref["alpha"][2], ref["group"][2], ref["n"][2]) == (0.8, 0.05, 1, 421)
    assert rmsea_sample_size(0.0, 0.05, 20) == 421


def test_sizes_given_as_small_integers_do_not_overflow():
    """n is taken as floating point: (N - 1) d eps^2 with N = 2000 in an int16 array would wrap around
    (1999 * 24 > 32767); the power is that of N = 2000 given as a float."""
    small = rmsea_power(0.05, 0.08, 24, np.array([2000, 150], dtype=np.int16))
    np.testing.assert_allclose(small, rmsea_power(0.05, 0.08, 24, [2000.0, 150.0]), rtol=1e-15)
    assert small[0] > 0.99 and type(rmsea_power(0.05, 0.08, 24, np.int16(2000))) is float


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: rmsea_power(-0.01, 0.08, 10, 100),
            "rmsea0=-0.01 and rmsea_a=0.08: give two different non-negative RMSEA values (e.g. 0.05 and 0.08 for "
            "close fit).",
        ),
        (
            lambda: rmsea_power(0.05, -0.08, 10, 100),
            "rmsea0=0.05 and rmsea_a=-0.08: give two different non-negative RMSEA values (e.g. 0.05 and 0.08 for "
            "close fit).",
        ),
        (
            lambda: rmsea_sample_size(0.05, 0.05, 10),
            "rmsea0=0.05 and rmsea_a=0.05: give two different non-negative RMSEA values (e.g. 0.05 and 0.08 for "
            "close fit).",
        ),
        (lambda: rmsea_power(0.05, 0.08, 0, 100), "df=0: the model's degrees of freedom must be positive."),
        (lambda: rmsea_power(0.05, 0.08, 10, 100, alpha=0.0), "alpha=0.0 must lie between 0 and 1."),
        (lambda: rmsea_power(0.05, 0.08, 10, 100, alpha=1), "alpha=1 must lie between 0 and 1."),
        (lambda: rmsea_power(0.05, 0.08, 10, 100, groups=0), "groups=0 must be a positive whole number."),
        (lambda: rmsea_power(0.05, 0.08, 10, 100, groups=1.0), "groups=1.0 must be a positive whole number."),
        (lambda: rmsea_power(0.05, 0.08, 10, [100, 1]), "n must be at least 2."),
        (lambda: rmsea_sample_size(0.05, 0.08, 10, power=1.0), "power=1.0 must lie between 0 and 1."),
        (lambda: rmsea_sample_size(0.05, 0.08, 10, power=0), "power=0 must lie between 0 and 1."),
    ],
)
def test_refusals_word_for_word(call, message):
    with pytest.raises(ArgumentError, match="^" + re.escape(message) + "$"):
        call()


def test_the_smallest_accepted_values():
    """The boundaries that are allowed: groups 1 given as a numpy integer, n = 2, alpha and power just inside
    (0, 1), one RMSEA 0 (MacCallum et al.: lambda = (N - 1) d eps^2 / G = 0, the central chi-square)."""
    from scipy import stats

    got = rmsea_power(0.0, 0.05, 1, 2, groups=np.int64(1), alpha=0.5)
    assert got == pytest.approx(stats.ncx2.sf(stats.chi2.isf(0.5, 1), 1, 0.0025), rel=1e-10)


def test_the_search_gives_up_past_ten_million(monkeypatch):
    """A power never reached: the sizes are searched in blocks of 500 from 5 (5-504, 505-1004, ...) until a block
    ends past 10 million, the 20000th (10,000,004), then refused word for word. The power function is replaced by
    one that records the blocks and never reaches the power (the real search takes minutes)."""
    from cmanalytics.psychometrics.sem import power as pw

    seen = []

    def never(rmsea0, rmsea_a, df, n, *, alpha, groups):
        seen.append((n[0], n[-1], len(n)))
        return np.zeros(len(n))

    monkeypatch.setattr(pw, "rmsea_power", never)
    message = "no sample size up to 10 million reaches that power."
    with pytest.raises(ArgumentError, match="^" + re.escape(message) + "$"):
        pw.rmsea_sample_size(0.05, 0.08, 10)
    assert len(seen) == 20000
    assert seen[0] == (5, 504, 500) and seen[1] == (505, 1004, 500) and seen[-1] == (9_999_505, 10_000_004, 500)
