"""A diagnostic names the user's own line, not a line inside the package (issue 13: warnings that can be
filtered and seen where they arise). The public functions are wrapped by the keyword check and the numerics
are split into steps, so the stack depth varies: the warning must point at the first frame outside
cmanalytics whatever the depth."""

import warnings

import numpy as np
import pandas as pd

import cmanalytics as cma
from cmanalytics.errors import HeywoodWarning, ReverseKeyWarning


def test_a_heywood_case_points_at_the_callers_line():
    # r12 = r13 = .9, r23 = .7: one factor needs loading^2 = .9 * .9 / .7 = 1.157 on item 1 (a Heywood case)
    r = np.array([[1, 0.9, 0.9], [0.9, 1, 0.7], [0.9, 0.7, 1.0]])
    for method in ("paf", "minres", "ml"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cma.efa(corr=r, n_obs=200, n_factors=1, method=method, rotation=None)
        heywood = [w for w in caught if issubclass(w.category, HeywoodWarning)]
        assert heywood, method
        assert {w.filename for w in heywood} == {__file__}, method


def test_a_reverse_keyed_item_points_at_the_callers_line():
    # item c runs against a and b: it correlates negatively with the rest of the scale
    df = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2], "b": [2, 2, 3, 5, 5, 1], "c": [5, 4, 3, 2, 1, 4]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cma.cronbach_alpha(df)
    found = [w for w in caught if issubclass(w.category, ReverseKeyWarning)]
    assert found and {w.filename for w in found} == {__file__}


def test_a_policy_reading_points_at_the_callers_line():
    from cmanalytics.synthetic.bank import synthetic_bank

    bank = synthetic_bank(seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cma.performance.appraise(bank.indicators)
    found = [w for w in caught if issubclass(w.category, cma.errors.PolicyWarning)]
    assert found and {w.filename for w in found} == {__file__}


def test_the_simulation_and_the_whole_policy_repeat_their_readings_once_as_warnings():
    """simulate_years and apply_policy run the rules many times (every year, every manager): each distinct
    policy reading is kept on the result and warned once, at the caller's line, with its own class, so
    ``simplefilter("error", PolicyWarning)`` stops them as it stops a direct call (they were only recorded)."""
    import pytest

    from cmanalytics.errors import PolicyWarning
    from cmanalytics.synthetic.bank import synthetic_bank

    bank = synthetic_bank(0)
    P = cma.performance
    for run in (lambda: P.simulate_years(bank, years=2, seed=3), lambda: P.apply_policy(bank)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = run()
        policy = [str(w.message) for w in caught if issubclass(w.category, PolicyWarning)]
        # the default policy's three illustrative readings (weights of the areas, rating bands, elimination)
        assert any(m.startswith("appraisal: the source publishes the weights") for m in policy)
        assert len(policy) == len(set(policy)) and set(policy) <= set(res.warnings)
        assert {w.filename for w in caught if issubclass(w.category, PolicyWarning)} == {__file__}
        with warnings.catch_warnings():
            warnings.simplefilter("error", PolicyWarning)
            with pytest.raises(PolicyWarning, match="^appraisal: the source publishes the weights"):
                run()
