"""Tests written to kill mutants of cmanalytics/psychometrics/consistency.py (make mutants): the audit of a
paper's reported EFA figures, worked out by hand.

The references are closed forms written out here, independently of the package's code. For a p x p
correlation matrix with eigenvalues l_1 >= ... >= l_p (sum p):

* alpha <= p/(p - 1) (1 - 1/l_1), so l_1 >= 1 / (1 - alpha (p - 1)/p);
* k components explaining v% means l_1 + ... + l_k = S = p v / 100;
* ln|R| = sum ln l_j is largest (log is concave) with l_1 = max(l1_min, S/k), l_2 = ... = l_k = (S - l_1)/(k - 1)
  and l_{k+1} = ... = l_p = (p - S)/(p - k);
* Bartlett's chi-square = -(n - 1 - (2p + 5)/6) ln|R|.

With rounding, a printed figure stands for anything that rounds to it (half a unit of its last decimal).
Over a range of S the log-determinant above (l_1 held) is concave in S, with its stationary point at
(k - 1)/(S - l_1) = (p - k)/(p - S), i.e. S* = ((k - 1) p + (p - k) l_1)/(p - 1).
"""

from __future__ import annotations

import math
import re
import warnings

import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError
from cmanalytics.psychometrics.consistency import _half_unit, lambda1_floor, max_log_det

CONSISTENT = "The reported figures are mutually consistent: some correlation matrix can produce all of them."
KMO_NOTE = "KMO depends on the partial correlations, not on the eigenvalues alone; it enters no bound."


def logdet(p, k, l1, s):
    """ln|R| of the extreme spectrum: l1, k - 1 eigenvalues (s - l1)/(k - 1), p - k eigenvalues (p - s)/(p - k)."""
    out = math.log(l1)
    if k > 1:
        out += (k - 1) * math.log((s - l1) / (k - 1))
    if p > k:
        out += (p - k) * math.log((p - s) / (p - k))
    return out


def floor_l1(alpha, p):
    return 1 / (1 - alpha * (p - 1) / p)


def bartlett_c(n, p):
    return n - 1 - (2 * p + 5) / 6


# --- half a unit in the last printed decimal --------------------------------------------------------------


def test_half_unit_of_the_last_printed_decimal():
    assert _half_unit(0.913, True) == 0.5e-3
    assert _half_unit(73.39, True) == pytest.approx(0.5e-2, rel=1e-15)
    assert _half_unit(830.506, True) == pytest.approx(0.5e-3, rel=1e-15)
    assert _half_unit(0.5, True) == 0.05
    assert _half_unit(830.0, True) == 0.5 and _half_unit(830, True) == 0.5  # printed as a whole number
    assert _half_unit(0.913, False) == 0.0 and _half_unit(None, True) == 0.0
    # exponent notation or no decimal point at all (inf): no rounding is assumed
    assert _half_unit(1.5e-05, True) == 0.0 and _half_unit(1e-05, True) == 0.0
    assert _half_unit(float("inf"), True) == 0.0


# --- the first eigenvalue that alpha needs ------------------------------------------------------------------


def test_lambda1_floor_by_hand():
    assert lambda1_floor(0.913, 14) == pytest.approx(1 / (1 - 0.913 * 13 / 14), rel=1e-15)
    assert lambda1_floor(0.5, 2) == pytest.approx(1 / (1 - 0.25), rel=1e-15)
    # alpha at or below 0 asks nothing of l1; alpha = p/(p - 1) asks for l1 = infinity
    assert lambda1_floor(0.0, 5) == 1.0 and lambda1_floor(-0.4, 5) == 1.0
    assert lambda1_floor(2.0, 2) == math.inf and lambda1_floor(1.5, 3) == math.inf
    # a tiny alpha gives l1 just above 1
    assert lambda1_floor(0.01, 5) == pytest.approx(1 / (1 - 0.008), rel=1e-15)


# --- the largest log-determinant ---------------------------------------------------------------------------


def test_max_log_det_without_a_variance():
    # l1 free above its floor: the rest share p - l1 equally
    assert max_log_det(4, 2, 2.5, None) == pytest.approx(math.log(2.5) + 3 * math.log(0.5), rel=1e-15)
    assert max_log_det(4, 1, 0.5, None) == 0.0  # a floor below 1: the identity, ln|I| = 0
    assert max_log_det(4, 3, 4.0, None) == -math.inf  # l1 = p leaves nothing for the others
    assert max_log_det(4, 3, 5.0, None) == -math.inf


def test_max_log_det_one_component():
    # k = 1: l1 = S, the p - 1 others (p - S)/(p - 1)
    assert max_log_det(3, 1, 1.5, 2.0) == pytest.approx(math.log(2) + 2 * math.log(0.5), rel=1e-15)
    assert max_log_det(3, 1, 2.0, 2.0) == pytest.approx(math.log(2) + 2 * math.log(0.5), rel=1e-15)  # S = floor
    assert max_log_det(3, 1, 2.0, 1.5) == -math.inf  # S below the floor alpha sets
    assert max_log_det(3, 1, 0.1, 0.5) == -math.inf  # S below k = 1
    assert max_log_det(3, 1, 1.0, 3.0) == -math.inf  # S = p: the others are 0
    assert max_log_det(1, 1, 1.0, 1.0) == 0.0  # a single item
    assert max_log_det(2, 1, 1.0, 1.5) == pytest.approx(math.log(1.5) + math.log(0.5), rel=1e-15)  # two items


def test_max_log_det_several_components():
    # p = 5, k = 2, floor 3, S = 3.5: l1 = 3, l2 = .5, the other three (5 - 3.5)/3 = .5 (= l2: allowed)
    assert max_log_det(5, 2, 3.0, 3.5) == pytest.approx(math.log(3) + 4 * math.log(0.5), rel=1e-15)
    # S = 3.2: l2 = .2 below the others' .6 breaks the order
    assert max_log_det(5, 2, 3.0, 3.2) == -math.inf
    # the floor below S/k: l1 = l2 = S/2 = 1, the others 1: ln|I| = 0; S = k exactly is allowed
    assert max_log_det(4, 2, 1.0, 2.0) == 0.0
    assert max_log_det(4, 2, 1.0, 1.5) == -math.inf  # S below k
    assert max_log_det(4, 2, 1.0, 4.0) == -math.inf  # S = p: the others are 0
    assert max_log_det(4, 2, 1.0, 4.5) == -math.inf  # S above p
    # k = p: no other eigenvalues
    assert max_log_det(2, 2, 1.0, 2.0) == 0.0
    assert max_log_det(2, 2, 1.0, 2.5) == -math.inf  # S above p
    assert max_log_det(2, 2, 2.0, 2.0) == -math.inf  # l1 = 2 leaves l2 = 0
    assert max_log_det(3, 3, 1.5, 3.0) == pytest.approx(math.log(1.5) + 2 * math.log(0.75), rel=1e-15)


# --- the audit ------------------------------------------------------------------------------------------------

PART_A = dict(n_obs=112, n_items=14, n_factors=3, kmo=0.865, bartlett_chi2=830.506, variance_pct=73.39, alpha=0.913)


def test_published_part_a_by_hand_exact_figures():
    """The psychological-contract study's part A, figures taken as printed (rounding=False)."""
    audit = cma.audit_efa_report(**PART_A, rounding=False)
    p, k, n, chi2 = 14, 3, 112, 830.506
    l1, s, c = floor_l1(0.913, p), p * 0.7339, bartlett_c(n, p)
    ld = logdet(p, k, l1, s)
    # without alpha, l1 = S/3 and l2 = l3 = S/3 too; without the variance, l1 at its floor and the rest equal
    var_only = -c * logdet(p, k, s / k, s)
    alpha_only = -c * (math.log(l1) + (p - 1) * math.log((p - l1) / (p - 1)))
    n_max = math.floor(chi2 / -ld + 1 + (2 * p + 5) / 6)
    assert n_max == 100
    assert audit.consistent is False
    assert list(audit.bounds) == [
        "lambda1_min",
        "bartlett_chi2_min",
        "log_det_max",
        "n_max",
        "bartlett_chi2_min_variance_only",
        "bartlett_chi2_min_alpha_only",
    ]
    assert audit.bounds["lambda1_min"] == pytest.approx(l1, rel=1e-14)
    assert audit.bounds["log_det_max"] == pytest.approx(ld, rel=1e-12)
    assert audit.bounds["bartlett_chi2_min"] == pytest.approx(-c * ld, rel=1e-12)
    assert audit.bounds["n_max"] == n_max
    assert audit.bounds["bartlett_chi2_min_variance_only"] == pytest.approx(var_only, rel=1e-9)
    assert audit.bounds["bartlett_chi2_min_alpha_only"] == pytest.approx(alpha_only, rel=1e-12)
    assert audit.findings == (
        KMO_NOTE,
        f"Bartlett's chi-square of 830.506 is below {-c * ld:.1f}, the least that any correlation matrix of 14 "
        "items with the other reported figures gives at n = 112: the figures cannot all hold. The reported "
        "chi-square is attainable only with n <= 100.",
        f"Even without alpha, 73.39% of variance in 3 components needs a chi-square of at least {var_only:.1f} at "
        "n = 112.",
    )
    assert audit.findings[1].startswith("Bartlett's chi-square of 830.506 is below 927.8, ")
    assert audit.findings[2].endswith("at least 866.9 at n = 112.")
    assert audit.reported == {
        "n_obs": 112,
        "n_items": 14,
        "n_factors": 3,
        "kmo": 0.865,
        "bartlett_chi2": 830.506,
        "variance_pct": 73.39,
        "alpha": 0.913,
    }


def test_published_part_a_with_rounding():
    """With rounding the most lenient figures count: alpha .9125, v in [73.385, 73.395], chi-square 830.5065.

    S* = (2 * 14 + 11 l1)/13 lies below p * .73385, so the best S is the lowest one."""
    audit = cma.audit_efa_report(**PART_A)
    p, k, n = 14, 3, 112
    l1, c = floor_l1(0.9125, p), bartlett_c(n, p)
    assert (2 * p + 11 * l1) / 13 < p * 0.73385
    ld = logdet(p, k, l1, p * 0.73385)
    assert audit.consistent is False
    assert audit.bounds["lambda1_min"] == pytest.approx(l1, rel=1e-14)
    assert audit.bounds["log_det_max"] == pytest.approx(ld, rel=1e-10)
    assert audit.bounds["bartlett_chi2_min"] == pytest.approx(-c * ld, rel=1e-10)
    assert audit.bounds["n_max"] == math.floor(830.5065 / -ld + 1 + 33 / 6) == 101
    assert audit.findings[1].endswith("attainable only with n <= 101.")


def test_the_best_variance_inside_its_rounding_range():
    """p = 10, k = 2, alpha .75 (l1 >= 1/(1 - .745 * .9)), v printed 38.0 (37.5 to 38.5): the stationary point
    S* = (10 + 8 l1)/9 = 3.809 lies inside [3.75, 3.85], so the bound is there, not at an end."""
    p, k, n, chi2 = 10, 2, 200, 500.0
    audit = cma.audit_efa_report(n_obs=n, n_items=p, n_factors=k, alpha=0.75, variance_pct=38.0, bartlett_chi2=chi2)
    l1, c = floor_l1(0.745, p), bartlett_c(n, p)
    s_star = ((k - 1) * p + (p - k) * l1) / (p - 1)
    assert 3.75 < s_star < 3.85
    ld = logdet(p, k, l1, s_star)
    assert ld > max(logdet(p, k, l1, 3.75), logdet(p, k, l1, 3.85)) + 1e-4
    assert audit.consistent is True
    assert audit.bounds["log_det_max"] == pytest.approx(ld, rel=3e-14)  # the optimum to 1e-14 (xatol 1e-12)
    assert audit.bounds["bartlett_chi2_min"] == pytest.approx(-c * ld, rel=3e-14)
    assert audit.bounds["n_max"] == math.floor((chi2 + 0.05) / -ld + 1 + 25 / 6)
    # without alpha: l1 = S/2 = l2 and the best S is k = 2, outside the range: the lowest S = 3.75
    assert audit.bounds["bartlett_chi2_min_variance_only"] == pytest.approx(-c * logdet(p, k, 1.875, 3.75), rel=1e-9)
    alpha_only = -c * (math.log(l1) + (p - 1) * math.log((p - l1) / (p - 1)))
    assert audit.bounds["bartlett_chi2_min_alpha_only"] == pytest.approx(alpha_only, rel=1e-12)
    assert audit.findings[:2] == (CONSISTENT, f"Bartlett's chi-square of 500.0 is at least the bound {-c * ld:.1f}.")


def test_alpha_max_solves_the_bound_for_alpha():
    """Figures taken as printed: p = 10, k = 2, v = 50% (S = 5), n = 100, chi-square 190. alpha_max is the alpha
    whose floor l1 puts the least chi-square exactly at 190: -c ln|R|(l1, S = 5) = 190; alpha .8 needs more."""
    p, k, n, chi2 = 10, 2, 100, 190.0
    audit = cma.audit_efa_report(
        n_obs=n, n_items=p, n_factors=k, alpha=0.8, variance_pct=50.0, bartlett_chi2=chi2, rounding=False
    )
    c = bartlett_c(n, p)
    a_max = audit.bounds["alpha_max"]
    l1 = floor_l1(a_max, p)
    assert 2.5 < l1 < 5 - 5 / 8  # between S/k and the largest l1 that leaves l2 >= the others' 5/8
    assert -c * logdet(p, k, l1, 5.0) == pytest.approx(chi2, rel=1e-9)
    l1_alpha = floor_l1(0.8, p)
    least = -c * logdet(p, k, l1_alpha, 5.0)
    assert least > chi2 and audit.consistent is False
    assert a_max < 0.8
    assert audit.findings == (
        f"Bartlett's chi-square of 190.0 is below {least:.1f}, the least that any correlation matrix of 10 items "
        "with the other reported figures gives at n = 100: the figures cannot all hold. The reported chi-square "
        f"is attainable only with n <= {math.floor(chi2 / -logdet(p, k, l1_alpha, 5.0) + 1 + 25 / 6)}.",
        f"With that chi-square and variance, alpha could be at most {a_max:.3f}.",
    )
    assert audit.findings[-1] == "With that chi-square and variance, alpha could be at most 0.761."
    # with a larger chi-square alpha .8 is allowed, and nothing is said of alpha_max
    more = cma.audit_efa_report(
        n_obs=n, n_items=p, n_factors=k, alpha=0.8, variance_pct=50.0, bartlett_chi2=220.0, rounding=False
    )
    assert more.consistent is True and more.bounds["alpha_max"] > 0.8
    assert -c * logdet(p, k, floor_l1(more.bounds["alpha_max"], p), 5.0) == pytest.approx(220.0, rel=1e-9)
    assert more.findings == (CONSISTENT, f"Bartlett's chi-square of 220.0 is at least the bound {least:.1f}.")


def test_alpha_max_at_the_largest_first_eigenvalue_the_variance_allows():
    """A large chi-square: every alpha up to the variance's own limit is allowed. With k = 1, l1 = S of p = 8:
    printed 50.0 with rounding (a whole number as printed: 49.5 to 50.5, S up to 4.04), alpha_max =
    8/7 (1 - 1/4.04); taken as printed (S = 4), 8/7 (1 - 1/4) = 6/7. With k = 2, S = 4: l1 <= 4 - 4/6 = 10/3."""
    one = cma.audit_efa_report(n_obs=300, n_items=8, n_factors=1, variance_pct=50.0, bartlett_chi2=5000.0)
    assert one.bounds["alpha_max"] == pytest.approx(8 / 7 * (1 - 1 / 4.04), rel=1e-14)
    exact = cma.audit_efa_report(
        n_obs=300, n_items=8, n_factors=1, variance_pct=50.0, bartlett_chi2=5000.0, rounding=False
    )
    assert exact.bounds["alpha_max"] == pytest.approx(6 / 7, rel=1e-14)
    assert one.consistent is True and one.findings == (
        CONSISTENT,
        f"Bartlett's chi-square of 5000.0 is at least the bound {one.bounds['bartlett_chi2_min']:.1f}.",
    )
    two = cma.audit_efa_report(
        n_obs=300, n_items=8, n_factors=2, variance_pct=50.0, bartlett_chi2=5000.0, rounding=False
    )
    assert two.bounds["alpha_max"] == pytest.approx(8 / 7 * (1 - 3 / 10), rel=1e-14)
    # k = p = 3, S = 3: l1 below 3 (l2 = l3 = (3 - l1)/2 > 0); alpha_max solves -c ln|R| = 5000
    three = cma.audit_efa_report(
        n_obs=300, n_items=3, n_factors=3, variance_pct=100.0, bartlett_chi2=5000.0, rounding=False
    )
    l1 = floor_l1(three.bounds["alpha_max"], 3)
    assert 1 < l1 < 3
    assert -bartlett_c(300, 3) * logdet(3, 3, l1, 3.0) == pytest.approx(5000.0, rel=1e-9)


def test_one_component_alpha_max_by_the_root():
    """k = 1, p = 6, S = 3 (v = 50%), n = 60, chi-square 80: l1 = S exactly, so the variance alone fixes the
    spectrum (3, .6 x 5) and ln|R| = ln 3 + 5 ln .6 whatever alpha; alpha_max is then the variance's own
    limit 6/5 (1 - 1/3) = .8 when 80 is above the bound, and no alpha works when it is below."""
    c = bartlett_c(60, 6)
    bound = -c * (math.log(3) + 5 * math.log(0.6))
    above = cma.audit_efa_report(
        n_obs=60, n_items=6, n_factors=1, variance_pct=50.0, bartlett_chi2=bound + 1, rounding=False
    )
    assert above.bounds["alpha_max"] == pytest.approx(0.8, rel=1e-14)
    below = cma.audit_efa_report(
        n_obs=60, n_items=6, n_factors=1, variance_pct=50.0, bartlett_chi2=round(bound - 1, 3), rounding=False
    )
    assert "alpha_max" not in below.bounds and below.consistent is False
    assert below.findings[-1] == (
        f"Even without alpha, 50.0% of variance in 1 components needs a chi-square of at least {bound:.1f} at n = 60."
    )


def test_a_bound_of_zero_and_no_n_max():
    """p = 4, k = 2, v = 50%: the identity matrix fits (S = 2 = k), ln|R| = 0, every bound 0, no n_max;
    alpha 0 asks nothing of l1 and is the largest alpha (l1 = 1)."""
    audit = cma.audit_efa_report(
        n_obs=50, n_items=4, n_factors=2, variance_pct=50.0, alpha=0.0, bartlett_chi2=3.0, rounding=False
    )
    assert audit.consistent is True
    assert audit.bounds == {
        "lambda1_min": 1.0,
        "bartlett_chi2_min": 0.0,
        "log_det_max": 0.0,
        "bartlett_chi2_min_variance_only": 0.0,
        "alpha_max": 0.0,
        "bartlett_chi2_min_alpha_only": 0.0,
    }
    assert audit.findings[0] == CONSISTENT and len(audit.findings) == 2


def test_without_the_variance_only_alpha_bounds():
    """alpha .8 of p = 6: l1 >= 1/(1 - .8 * 5/6) = 3, the others (6 - 3)/5 = .6; n = 40, c = 40 - 1 - 17/6."""
    c = bartlett_c(40, 6)
    ld = math.log(3) + 5 * math.log(0.6)
    audit = cma.audit_efa_report(n_obs=40, n_items=6, n_factors=2, alpha=0.8, bartlett_chi2=50.0, rounding=False)
    assert audit.consistent is False
    assert audit.bounds == pytest.approx(
        {
            "lambda1_min": 3.0,
            "bartlett_chi2_min": -c * ld,
            "log_det_max": ld,
            "n_max": math.floor(50 / -ld + 1 + 17 / 6),
            "bartlett_chi2_min_alpha_only": -c * ld,
        },
        rel=1e-14,
    )
    assert audit.findings == (
        f"Bartlett's chi-square of 50.0 is below {-c * ld:.1f}, the least that any correlation matrix of 6 items "
        f"with the other reported figures gives at n = 40: the figures cannot all hold. The reported chi-square is "
        f"attainable only with n <= {math.floor(50 / -ld + 1 + 17 / 6)}.",
        f"Even without the variance explained, alpha 0.8 needs a chi-square of at least {-c * ld:.1f} at n = 40.",
    )


def test_chi_square_rounding_decides():
    """alpha .80005 of 6 items (half unit 5e-6), 2 components, n = 40, chi-square printed 52.657 (half unit
    5e-4). As printed the bound is 52.6592 (l1 = 1/(1 - .80005 * 5/6)); rounded, alpha may be .800045 and the
    bound 52.65743, which 52.6575 (what 52.657 may have been) reaches; neither rounding alone is enough."""
    c = bartlett_c(40, 6)
    ld = lambda a: math.log(floor_l1(a, 6)) + 5 * math.log((6 - floor_l1(a, 6)) / 5)  # noqa: E731
    exact, lenient = -c * ld(0.80005), -c * ld(0.800045)
    assert 52.6575 < exact and 52.6565 < 52.657 < lenient <= 52.6575
    args = dict(n_obs=40, n_items=6, n_factors=2, alpha=0.80005, bartlett_chi2=52.657)
    audit = cma.audit_efa_report(**args)
    assert audit.consistent is True
    assert audit.bounds["bartlett_chi2_min"] == pytest.approx(lenient, rel=1e-12)
    assert audit.bounds["n_max"] == math.floor(52.6575 / -ld(0.800045) + 1 + 17 / 6) == 40
    assert audit.findings == (CONSISTENT, f"Bartlett's chi-square of 52.657 is at least the bound {lenient:.1f}.")
    strict = cma.audit_efa_report(**args, rounding=False)
    assert strict.consistent is False and strict.bounds["bartlett_chi2_min"] == pytest.approx(exact, rel=1e-12)


def test_range_checks_word_for_word():
    base = dict(n_obs=100, n_items=5, n_factors=1)
    for kmo in (1.3, -0.1):
        audit = cma.audit_efa_report(**base, kmo=kmo)
        assert audit.consistent is False
        assert audit.findings == (f"KMO must lie between 0 and 1; {kmo} was reported.",)
    # a variance below 1% is in range (though 1 of 5 components explains at least 20%)
    audit = cma.audit_efa_report(**base, variance_pct=0.5)
    assert audit.consistent is False and audit.findings == (
        "0.5% of variance cannot come from 1 of 5 components (at least 20.00% by the ordering of eigenvalues).",
    )
    for kmo in (0.0, 1.0, 0.5):
        audit = cma.audit_efa_report(**base, kmo=kmo)
        assert audit.consistent is True and audit.findings == (CONSISTENT, KMO_NOTE)
    audit = cma.audit_efa_report(**base, alpha=1.2)  # rounded down to 1.15: l1 >= 1/(1 - 1.15 * 4/5) = 12.5
    assert audit.consistent is False and audit.findings == ("alpha cannot exceed 1; 1.2 was reported.",)
    assert audit.bounds == {"lambda1_min": pytest.approx(12.5, rel=1e-14)}
    audit = cma.audit_efa_report(**base, alpha=1.0, rounding=False)
    assert audit.consistent is True and audit.findings == (CONSISTENT,)
    assert audit.bounds == {"lambda1_min": pytest.approx(5.0, rel=1e-14)}  # l1 = p: every item the same
    for v in (0, -5.0):
        audit = cma.audit_efa_report(**base, variance_pct=v)
        assert audit.consistent is False
        assert audit.findings[0] == f"the variance explained must lie in (0, 100]; {v} was reported."
    audit = cma.audit_efa_report(**base, variance_pct=100.5)
    assert audit.consistent is False and audit.findings == (
        "the variance explained must lie in (0, 100]; 100.5 was reported.",
        "100.5% of variance cannot come from 1 of 5 components (at least 20.00% by the ordering of eigenvalues).",
    )
    audit = cma.audit_efa_report(n_obs=100, n_items=3, n_factors=3, variance_pct=100.0, rounding=False)
    assert audit.consistent is True and audit.findings == (CONSISTENT,)


def test_impossible_variance_and_alpha_word_for_word():
    audit = cma.audit_efa_report(n_obs=100, n_items=10, n_factors=3, variance_pct=10.0, bartlett_chi2=50.0)
    assert audit.consistent is False and audit.bounds == {"lambda1_min": 1.0}
    assert audit.findings == (
        "10.0% of variance cannot come from 3 of 10 components (at least 30.00% by the ordering of eigenvalues).",
    )
    # alpha .95 of 10 items: l1 >= 1/(1 - .95 * .9) = 6.897 > S = 5
    audit = cma.audit_efa_report(
        n_obs=100, n_items=10, n_factors=3, variance_pct=50.0, alpha=0.95, bartlett_chi2=50.0, rounding=False
    )
    assert audit.consistent is False and audit.bounds == {"lambda1_min": pytest.approx(1 / (1 - 0.855), rel=1e-14)}
    assert audit.findings == (
        "no correlation matrix of 10 items has alpha 0.95 and 50.0% of variance in 3 components: alpha needs a "
        "first eigenvalue of at least 6.897, which leaves too little for the other components.",
    )


def test_counts_are_checked_word_for_word():
    for name, args in (
        ("n_obs", dict(n_obs=0, n_items=5, n_factors=1)),
        ("n_items", dict(n_obs=10, n_items=0, n_factors=1)),
        ("n_factors", dict(n_obs=10, n_items=5, n_factors=0)),
    ):
        with pytest.raises(
            ArgumentError, match=re.escape(f"{name} must be a whole number of at least 1; got 0.") + "$"
        ):
            cma.audit_efa_report(**args)
    with pytest.raises(ArgumentError, match=re.escape("n_factors (6) cannot exceed n_items (5).") + "$"):
        cma.audit_efa_report(n_obs=100, n_items=5, n_factors=6)
    audit = cma.audit_efa_report(n_obs=1, n_items=1, n_factors=1)
    assert audit.reported == dict(
        n_obs=1, n_items=1, n_factors=1, kmo=None, bartlett_chi2=None, variance_pct=None, alpha=None
    )


def test_a_chi_square_exactly_at_its_bounds_is_attainable():
    """The least chi-square is attainable: printed exactly at a bound, no finding says it falls short."""
    args = dict(n_obs=40, n_items=6, n_factors=2, alpha=0.8, rounding=False)
    bound = cma.audit_efa_report(**args, bartlett_chi2=50.0).bounds["bartlett_chi2_min"]
    audit = cma.audit_efa_report(**args, bartlett_chi2=bound)
    assert audit.consistent is True
    assert audit.findings == (CONSISTENT, f"Bartlett's chi-square of {bound} is at least the bound {bound:.1f}.")
    # with the variance too: exactly at the alpha-only bound (below the joint one)
    args = dict(n_obs=100, n_items=10, n_factors=2, alpha=0.8, variance_pct=50.0, rounding=False)
    first = cma.audit_efa_report(**args, bartlett_chi2=190.0)
    alpha_only = first.bounds["bartlett_chi2_min_alpha_only"]
    audit = cma.audit_efa_report(**args, bartlett_chi2=alpha_only)
    assert not any(f.startswith("Even without the variance explained") for f in audit.findings)


def test_n_max_when_the_log_determinant_is_above_minus_one():
    """p = 4, k = 2, v = 60% (S = 2.4): l1 = l2 = 1.2, l3 = l4 = .8, ln|R| = 2 ln 1.2 + 2 ln .8 = -0.0817;
    n_max = floor(chi2 / .0817 + 1 + 13/6)."""
    ld = 2 * math.log(1.2) + 2 * math.log(0.8)
    audit = cma.audit_efa_report(n_obs=50, n_items=4, n_factors=2, variance_pct=60.0, bartlett_chi2=4.0, rounding=False)
    assert audit.bounds["log_det_max"] == pytest.approx(ld, rel=1e-12)
    assert audit.bounds["n_max"] == math.floor(4.0 / -ld + 1 + 13 / 6) == 52
    assert audit.consistent is True


def test_alpha_max_with_rounding():
    """p = 10, k = 2, n = 100, v printed 50.0 and chi-square printed 190.0: whole numbers as printed (no decimal
    after the point), so S in [4.95, 5.05] and the chi-square up to 190.5. The best S for l1 near 3.3 is
    S* = (10 + 8 l1)/9 < 4.95, so the lowest S: alpha_max solves -c ln|R|(l1, S = 4.95) = 190.5. alpha printed
    .8 (.75 to .85) holds alpha_max = .78: nothing is said of alpha."""
    p, k, n = 10, 2, 100
    audit = cma.audit_efa_report(n_obs=n, n_items=p, n_factors=k, alpha=0.8, variance_pct=50.0, bartlett_chi2=190.0)
    a_max = audit.bounds["alpha_max"]
    l1 = floor_l1(a_max, p)
    assert ((k - 1) * p + (p - k) * l1) / (p - 1) < 4.95
    assert -bartlett_c(n, p) * logdet(p, k, l1, 4.95) == pytest.approx(190.5, rel=1e-12)
    assert 0.75 < a_max < 0.85
    assert audit.consistent is True
    assert audit.findings == (
        CONSISTENT,
        f"Bartlett's chi-square of 190.0 is at least the bound {audit.bounds['bartlett_chi2_min']:.1f}.",
    )


def test_variance_only_bound_with_a_rounded_chi_square():
    """p = 10, k = 2, n = 100, v printed 50.0 (S in [4.95, 5.05]), no alpha, chi-square printed 177.14 (up to
    177.145). Without alpha l1 = l2 = S/2 and the best S is the lowest: the least chi-square is
    -c (2 ln 2.475 + 8 ln (5.05/8)) = 177.1435, which 177.145 reaches (177.135 would not): consistent, and no
    finding that the variance needs more."""
    c = bartlett_c(100, 10)
    var_only = -c * logdet(10, 2, 2.475, 4.95)
    assert 177.135 < var_only < 177.145
    audit = cma.audit_efa_report(n_obs=100, n_items=10, n_factors=2, variance_pct=50.0, bartlett_chi2=177.14)
    assert audit.bounds["bartlett_chi2_min_variance_only"] == pytest.approx(var_only, rel=1e-12)
    assert audit.bounds["bartlett_chi2_min"] == pytest.approx(var_only, rel=1e-12)
    assert audit.consistent is True
    assert audit.findings == (CONSISTENT, f"Bartlett's chi-square of 177.14 is at least the bound {var_only:.1f}.")


def test_alpha_max_spans_the_variances_that_round_to_the_printed_one():
    """p = 10, k = 2, n = 200, alpha .75, variance printed 38.0 (37.5 to 38.5), chi-square 500 (far above the
    bound): the largest first eigenvalue is what the highest variance leaves, S = 3.85: l1 = 3.85 - 6.15/8 =
    3.08125, alpha_max = 10/9 (1 - 1/3.08125) = .7505, so alpha .75 (.745 to .755) is allowed and nothing is
    said against it. (Taking the printed 38.0 alone gave .7445 and a finding that contradicted the verdict.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scipy's invalid-value warnings no longer reach the caller
        audit = cma.audit_efa_report(
            n_obs=200, n_items=10, n_factors=2, alpha=0.75, variance_pct=38.0, bartlett_chi2=500.0
        )
    assert audit.bounds["alpha_max"] == pytest.approx(10 / 9 * (1 - 1 / 3.08125), rel=1e-12)
    assert audit.consistent is True
    assert not any("alpha could be at most" in f for f in audit.findings)


@pytest.mark.parametrize("variance_pct", [None, 20.0])
def test_least_chi_square_of_the_identity_is_plus_zero(variance_pct):
    """With no alpha (and 20% of variance in 2 of 10 components, which the identity matrix gives: every
    eigenvalue 1), R = I is allowed: ln|R| = 0 is the largest possible (the eigenvalues sum to p, so their
    product is at most 1), and the least chi-square is 0. It is +0.0, never -0.0 (the finding printed "the
    bound -0.0"), and ln|R|'s bound is not above 0 by rounding."""
    res = cma.audit_efa_report(n_obs=200, n_items=10, n_factors=2, bartlett_chi2=500.0, variance_pct=variance_pct)
    assert res.consistent
    assert res.bounds["bartlett_chi2_min"] == 0.0 and math.copysign(1.0, res.bounds["bartlett_chi2_min"]) == 1.0
    assert res.bounds["log_det_max"] == 0.0
    assert res.findings[-1] == "Bartlett's chi-square of 500.0 is at least the bound 0.0."
