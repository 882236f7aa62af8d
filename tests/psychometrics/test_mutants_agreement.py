"""Tests written to kill mutants of cmanalytics/psychometrics/agreement.py (make mutants): rwg, rwg(j), awg,
ICC(1) and ICC(2) of a small data set worked out by hand from the published formulas (James, Demaree & Wolf
1984; Brown & Hauenstein 2005; Bliese 2000) with Python's ``statistics`` module, the result's fields and
column names, the null distributions, and every refusal word for word.

R's ``multilevel`` package is not installed here, so the references are the formulas themselves, written
out below independently of the package's code:

* rwg = 1 - s_j^2 / sigma_E^2, s_j^2 the within-group variance (n - 1) of item j;
* rwg(J) = J (1 - s^2/sigma_E^2) / (J (1 - s^2/sigma_E^2) + s^2/sigma_E^2), s^2 the mean of the s_j^2;
* awg_j = 1 - 2 s_j^2 / ([(H + L) M_j - M_j^2 - H L] k / (k - 1)), M_j the item's group mean;
* ICC(1) = (MSB - MSW) / (MSB + (kbar - 1) MSW), ICC(2) = (MSB - MSW) / MSB, kbar = N / G, from the
  one-way ANOVA of the person's mean over the items;
* the uniform null over A options has variance (A^2 - 1) / 12.
"""

from __future__ import annotations

import re
import statistics as st
import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, DataWarning, SmallSampleWarning
from cmanalytics.psychometrics.agreement import null_variance, uniform_null_variance

# Three items answered on a 1..7 scale (answers 1..5 seen), people in teams "a" (one member: no agreement),
# "b" (3) and "c" (4). Two more rows are dropped: one with a missing answer, one with no team.
GROUPS = {
    "a": [[3, 3, 3]],
    "b": [[4, 2, 5], [5, 3, 5], [4, 4, 3]],
    "c": [[1, 3, 2], [2, 3, 4], [2, 4, 1], [3, 4, 5]],
}
ITEMS = ["q1", "q2", "q3"]


def data(shift=0) -> pd.DataFrame:
    rows = [dict(zip(ITEMS, [v + shift for v in r]), team=t) for t, rs in GROUPS.items() for r in rs]
    rows.insert(2, dict(q1=1, q2=np.nan, q3=5, team="b"))  # a missing answer: dropped
    rows.insert(5, dict(q1=5, q2=1, q3=1, team=None))  # no team: dropped
    # the group column first, so that "every other column" is the items in their order
    return pd.DataFrame(rows)[["team", *ITEMS]]


def by_hand(scale=(1, 7), sigma=(7**2 - 1) / 12, shift=0):
    """Per team: (n, mean, rwg of q1, rwg(J), mean awg), rwg per item, awg per item; and MSB, MSW, kbar."""
    low, high = scale
    table, rwg_items, awg_items = {}, {}, {}
    groups = {t: [[v + shift for v in r] for r in rs] for t, rs in GROUPS.items()}
    for team, rs in groups.items():
        k = len(rs)
        if k < 2:
            table[team] = (k, st.mean(v for r in rs for v in r), None, None, None)
            continue
        cols = list(zip(*rs))
        s2 = [st.variance(c) for c in cols]  # n - 1
        means = [st.mean(c) for c in cols]
        rwg = [1 - v / sigma for v in s2]
        ratio = st.mean(s2) / sigma
        rwg_j = 3 * (1 - ratio) / (3 * (1 - ratio) + ratio)
        awg = [1 - 2 * v / (((high + low) * m - m * m - high * low) * k / (k - 1)) for v, m in zip(s2, means)]
        table[team] = (k, st.mean(v for r in rs for v in r), rwg[0], rwg_j, st.mean(awg))
        rwg_items[team], awg_items[team] = rwg, awg
    # one-way ANOVA of each person's mean over the three items
    scores = {t: [st.mean(r) for r in rs] for t, rs in groups.items()}
    everyone = [s for ss in scores.values() for s in ss]
    grand, n, g = st.mean(everyone), len(everyone), len(scores)
    msb = sum(len(ss) * (st.mean(ss) - grand) ** 2 for ss in scores.values()) / (g - 1)
    msw = sum((s - st.mean(ss)) ** 2 for ss in scores.values() for s in ss) / (n - g)
    return table, rwg_items, awg_items, (msb, msw, n / g)


def run(*args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.agreement(*args, **kwargs)
    return res, [(w.category, str(w.message)) for w in caught]


SMALL = "group(s) a have fewer than 2 members: no within-group agreement."


def check_against_hand(res, scale, sigma, shift=0):
    table, rwg_items, awg_items, (msb, msw, kbar) = by_hand(scale, sigma, shift)
    # the table: one row per team (sorted), named by the group column, its columns exactly these
    assert list(res.groups.columns) == ["n", "mean", "rwg", "rwg_j", "awg"]
    assert list(res.groups.index) == ["a", "b", "c"] and res.groups.index.name == "team"
    assert res.groups["n"].dtype == np.int64 and list(res.groups["n"]) == [1, 3, 4]
    for team, (k, mean, rwg, rwg_j, awg) in table.items():
        row = res.groups.loc[team]
        assert row["n"] == k
        assert row["mean"] == pytest.approx(mean, abs=1e-14)
        if rwg is None:
            assert np.isnan(row[["rwg", "rwg_j", "awg"]].to_numpy(float)).all()
            assert np.isnan(res.rwg_items.loc[team].to_numpy(float)).all()
            assert np.isnan(res.awg_items.loc[team].to_numpy(float)).all()
            continue
        assert row["rwg"] == pytest.approx(rwg, abs=1e-14)
        assert row["rwg_j"] == pytest.approx(rwg_j, abs=1e-14)
        assert row["awg"] == pytest.approx(awg, abs=1e-14)
        np.testing.assert_allclose(res.rwg_items.loc[team].to_numpy(float), rwg_items[team], rtol=0, atol=1e-14)
        np.testing.assert_allclose(res.awg_items.loc[team].to_numpy(float), awg_items[team], rtol=0, atol=1e-14)
    # team a's NaNs are float NaNs: every column but n is float64
    assert res.groups.dtypes.tolist() == [np.int64] + [np.float64] * 4
    assert res.rwg_items.dtypes.tolist() == res.awg_items.dtypes.tolist() == [np.float64] * 3
    for frame in (res.rwg_items, res.awg_items):
        assert list(frame.columns) == ITEMS and list(frame.index) == ["a", "b", "c"] and frame.index.name == "team"
    assert res.msb == pytest.approx(msb, rel=1e-13) and res.msw == pytest.approx(msw, rel=1e-13)
    assert res.mean_group_size == pytest.approx(kbar, rel=1e-15)
    assert res.icc1 == pytest.approx((msb - msw) / (msb + (kbar - 1) * msw), rel=1e-12)
    assert res.icc2 == pytest.approx((msb - msw) / msb, rel=1e-12)
    assert res.null_variance == pytest.approx(sigma, rel=1e-15)
    assert res.scale == (float(scale[0]), float(scale[1]))
    assert res.warnings == (SMALL,)
    assert res.to_frame() is res.groups


def test_indices_by_hand_on_a_seven_point_scale():
    """rwg, rwg(J), awg per team and item, ICC(1), ICC(2), MSB, MSW, kbar by hand; sigma_E^2 = 48/12 = 4."""
    res, caught = run(data(), "team", scale=(1, 7))
    check_against_hand(res, (1, 7), 4.0)
    assert caught == [(SmallSampleWarning, SMALL)]
    assert by_hand()[3][2] == 8 / 3  # 8 people kept (two rows dropped) in 3 teams


def test_default_scale_is_the_smallest_and_largest_answer():
    """Without scale= the options are 1..5 (the answers seen): sigma_E^2 = (25 - 1)/12 = 2."""
    res, _ = run(data(), "team")
    check_against_hand(res, (1, 5), 2.0)
    assert uniform_null_variance(5) == 2.0 and uniform_null_variance(7) == 4.0 and uniform_null_variance(2) == 0.25


def test_items_argument_and_a_scale_not_starting_at_one():
    """items= picks the columns (another numeric column left out); answers 2..6 on options 2..8 (A = 7)."""
    df = data(shift=1).assign(comment=1.5)
    res, _ = run(df, "team", items=ITEMS, scale=(2, 8))
    check_against_hand(res, (2, 8), 4.0, shift=1)


def test_one_option_scale_is_refused_even_when_every_answer_is_on_it():
    df = pd.DataFrame({"team": ["a", "a", "b", "b"], "q1": [5, 5, 5, 5]})
    with pytest.raises(
        ArgumentError, match=re.escape("scale=(5, 5) must be (lowest, highest) option and contain every answer.") + "$"
    ):
        cma.agreement(df, "team", scale=(5, 5))


def test_every_small_group_is_named():
    df = pd.DataFrame({"team": ["b", "a", "b", "d", "b"], "q1": [1, 2, 3, 4, 4]})
    res, caught = run(df, "team")
    msg = "group(s) a, d have fewer than 2 members: no within-group agreement."
    assert res.warnings == (msg,) and caught == [(SmallSampleWarning, msg)]


def test_a_stated_null_distribution():
    """A skewed null over 1..7: sigma_E^2 = sum p x^2 - (sum p x)^2, by hand."""
    p = [0.05, 0.05, 0.1, 0.2, 0.3, 0.2, 0.1]
    ex = sum(pi * x for pi, x in zip(p, range(1, 8)))
    ex2 = sum(pi * x * x for pi, x in zip(p, range(1, 8)))
    sigma = ex2 - ex**2  # E[X] = 4.65, E[X^2] = 23.95, var = 23.95 - 21.6225 = 2.3275
    assert sigma == pytest.approx(2.3275, abs=1e-12)
    assert null_variance(p) == pytest.approx(2.3275, abs=1e-12)
    res, _ = run(data(), "team", scale=(1, 7), null=p)
    check_against_hand(res, (1, 7), sigma)
    # two options: a Bernoulli(0.7) on {1, 2} has variance .21; a zero probability is allowed
    assert null_variance([0.3, 0.7]) == pytest.approx(0.21, abs=1e-15)
    assert null_variance([0.0, 0.5, 0.5]) == pytest.approx(0.25, abs=1e-15)


@pytest.mark.parametrize("null", [[1.0], [[0.5, 0.5]], [0.6, -0.1, 0.5], [0.3, 0.3], [0.6, 0.6]])
def test_a_null_that_is_not_probabilities_is_refused(null):
    with pytest.raises(
        ArgumentError,
        match=re.escape("null= must be probabilities of the options 1..A, non-negative and summing to 1.") + "$",
    ):
        null_variance(null)


def test_refusals_word_for_word():
    df = data()
    with pytest.raises(
        DataError, match=re.escape("agreement() takes a DataFrame with the answers and a group column.") + "$"
    ):
        cma.agreement(df.to_numpy(), "team")
    with pytest.raises(DataError, match=re.escape("group column 'unit' is not in the data.") + "$"):
        cma.agreement(df, "unit")
    with pytest.raises(DataError, match=re.escape("items not in the data: q9, q8.") + "$"):
        cma.agreement(df, "team", items=["q1", "q9", "q8"])
    for scale in ((1, 4), (2, 5), (5, 5), (5, 1)):
        with pytest.raises(
            ArgumentError,
            match=re.escape(f"scale={scale!r} must be (lowest, highest) option and contain every answer.") + "$",
        ):
            cma.agreement(df, "team", scale=scale)
    with pytest.raises(ArgumentError, match=re.escape("null gives 2 probabilities; the scale has 7 options.") + "$"):
        cma.agreement(df, "team", scale=(1, 7), null=[0.5, 0.5])


def test_anova_needs_two_groups_and_more_people_than_groups():
    msg = re.escape("ICC(1) and ICC(2) need at least 2 groups and more people than groups.") + "$"
    one_team = pd.DataFrame({"team": ["b"] * 3, "q1": [4, 5, 4], "q2": [2, 3, 4]})
    with pytest.raises(DataError, match=msg):
        cma.agreement(one_team, "team")
    two_alone = pd.DataFrame({"team": ["a", "b"], "q1": [1, 2], "q2": [2, 3]})
    with pytest.warns(SmallSampleWarning), pytest.raises(DataError, match=msg):
        cma.agreement(two_alone, "team")


def test_two_teams_of_two():
    """The smallest data with an answer: two teams of two, one item on 1..3 (sigma_E^2 = 8/12).

    Team x answers 1, 2: s^2 = 1/2, mean 1.5, rwg = 1 - (1/2)/(2/3) = 1/4, rwg(J) with J = 1 is rwg,
    awg = 1 - 2(1/2) / ((4 * 1.5 - 2.25 - 3) * 2) = 1 - 1/1.5 = 1/3.
    Team y answers 3, 3: s^2 = 0, rwg = 1, awg undefined (M = 3 = H makes the maximum variance 0: 0/0),
    NaN with the DataWarning that says so.
    ANOVA: group means 1.5, 3, grand mean 2.25; MSB = 2(.75^2) * 2 / 1 = 2.25; MSW = (.25 + .25)/2 = .25.
    """
    df = pd.DataFrame({"t": ["x", "x", "y", "y"], "v": [1, 2, 3, 3]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # team y's awg (see the next test)
        res = cma.agreement(df, "t")
    assert list(res.groups["n"]) == [2, 2] and len(res.warnings) == 1 and "y (v)" in res.warnings[0]
    assert np.isnan(res.groups.loc["y", "awg"])
    assert res.groups.loc["x", "rwg"] == pytest.approx(0.25, abs=1e-15)
    assert res.groups.loc["x", "rwg_j"] == pytest.approx(0.25, abs=1e-15)
    assert res.groups.loc["x", "awg"] == pytest.approx(1 / 3, abs=1e-15)
    assert res.groups.loc["y", "rwg"] == 1.0 and res.groups.loc["y", "rwg_j"] == 1.0
    assert res.msb == pytest.approx(2.25, abs=1e-15) and res.msw == pytest.approx(0.25, abs=1e-15)
    assert res.icc1 == pytest.approx(2 / 2.5, abs=1e-15) and res.icc2 == pytest.approx(2 / 2.25, abs=1e-15)
    assert res.mean_group_size == 2.0


def test_awg_at_an_end_of_the_scale_is_undefined_and_named():
    """Team "x" all answer 5 (the top of a 1..5 scale) to q1: the largest variance possible at a mean of 5 is
    (H - M)(M - L) k/(k-1) = 0, so awg is 0/0, undefined (NaN, as multilevel::awg), with no numpy warning;
    a DataWarning names the team and item and is kept on the result. q2 of team x by hand: answers 2, 3, 4
    (k = 3), M = 3, s^2 = 1, largest = (5 - 3)(3 - 1) 3/2 = 6, awg = 1 - 2/6 = 2/3. The team's awg (the mean
    over items) is NaN. Team "y" (1, 2, 3 and 1, 1, 2 on q1, q2; M = 2 and 4/3) is defined throughout:
    q1 s^2 = 1, largest = (5 - 2)(2 - 1) 3/2 = 4.5, awg = 1 - 2/4.5; q2 s^2 = 1/3, largest = (11/3)(1/3) 3/2
    = 11/6, awg = 1 - (2/3)/(11/6) = 7/11."""
    data = pd.DataFrame({"team": ["x", "x", "x", "y", "y", "y"], "q1": [5, 5, 5, 1, 2, 3], "q2": [2, 3, 4, 1, 1, 2]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cma.agreement(data, "team", scale=(1, 5))
    msg = (
        "awg is undefined (NaN) where a group's mean answer to an item is at an end of the scale, as every "
        "member gave that answer (Brown & Hauenstein 2005: the largest possible variance there is 0); "
        "group (items): x (q1)."
    )
    assert [(w.category, str(w.message)) for w in caught] == [(DataWarning, msg)]
    assert res.warnings == (msg,)
    assert np.isnan(res.awg_items.loc["x", "q1"])
    assert res.awg_items.loc["x", "q2"] == pytest.approx(2 / 3, abs=1e-15)
    assert np.isnan(res.groups.loc["x", "awg"])
    assert res.awg_items.loc["y"].tolist() == pytest.approx([1 - 2 / 4.5, 7 / 11], abs=1e-15)
    assert res.groups.loc["y", "awg"] == pytest.approx((1 - 2 / 4.5 + 7 / 11) / 2, abs=1e-15)
