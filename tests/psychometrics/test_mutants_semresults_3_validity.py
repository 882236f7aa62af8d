"""Mutation tests of validity's other result classes (issue 13): what HarmanResult and OmegaResult print.
summary() whole, line by line, against psych::omega's figures on the bfi correlations
(tests/reference/psych_parity.json, made by make_psych_parity_reference.R) and Harman's share by hand
(100 x the largest eigenvalue of R over the number of items); repr word for word."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from tests.conftest import shared_scope
from tests.psychometrics.test_mutants_semresults_3 import _frame, _text  # summary()'s layout, written out there

REF = Path(__file__).resolve().parents[1] / "reference" / "psych_parity.json"


@pytest.fixture(scope=shared_scope)
def bfi():
    d = json.loads(REF.read_text())["bfi"]
    c = d["corr"]
    return d, pd.DataFrame(np.array(c["values"], float), index=c["rows"], columns=c["cols"])


def _psych_frame(m: dict, ours: pd.DataFrame, tol: float) -> pd.DataFrame:
    """psych's matrix as a frame; a cell within ``tol`` of ours that rounds to the other side of a third
    decimal is printed as ours (the agreement is asserted first)."""
    want = pd.DataFrame(np.array(m["values"], float), index=m["rows"], columns=m["cols"])
    assert list(ours.index) == list(want.index) and list(ours.columns) == list(want.columns)
    np.testing.assert_allclose(ours.to_numpy(float), want.to_numpy(), atol=tol)
    near = np.array(
        [
            [f"{a:.3f}" != f"{b:.3f}" for a, b in zip(ra, rb, strict=True)]
            for ra, rb in zip(ours.to_numpy(float), want.to_numpy(), strict=True)
        ]
    )
    return want.mask(near, ours)


def test_omega_summary_every_line_as_psych(bfi):
    """psych::omega(bfi, nfactors = 3): omega_h .448, omega total .859, omega.lim .521, alpha .823, G6 .866,
    ECV .292, N 2436; the Schmid-Leiman loadings and omega.group; the 13 items psych's key reverses."""
    d, r = bfi
    o = d["omega_3"]
    res = cma.omega(corr=r, n_obs=d["n"], n_factors=3)
    rows = [
        ("omega hierarchical", f"{o['omega_h']:.3f}"),
        ("omega total", f"{o['omega_total']:.3f}"),
        ("omega limit (omega_h / omega_total)", f"{o['omega_lim']:.3f}"),
        ("alpha (standardized)", f"{o['alpha']:.3f}"),
        ("Guttman's lambda 6", f"{o['G6']:.3f}"),
        ("explained common variance", f"{o['ECV']:.3f}"),
        ("N", str(d["n"])),
    ]
    assert [v for _, v in rows] == ["0.448", "0.859", "0.521", "0.823", "0.866", "0.292", "2436"]
    reversed_ = [i for i, k in zip(d["corr"]["rows"], o["key"], strict=True) if k == -1]
    assert len(reversed_) == 13
    tables = [
        ("Schmid-Leiman loadings", _psych_frame(o["sl"], res.schmid, 1e-4)),
        ("Omega by factor", _psych_frame(o["group"], res.groups, 1e-4)),
    ]
    notes = ["Reversed (negative loading on g): " + ", ".join(reversed_)]
    want = _text("McDonald's omega", rows, tables, (), notes)
    assert res.summary() == want
    assert repr(res) == (
        "<OmegaResult McDonald's omega: omega hierarchical=0.448, omega total=0.859, omega limit (omega_h / "
        "omega_total)=0.521, alpha (standardized)=0.823, Guttman's lambda 6=0.866, explained common variance=0.292>"
    )
    assert res.to_frame() is res.schmid


def test_omega_without_reversed_items_and_with_intervals(bfi):
    """Items that all load positively on g (A2-A5, C1-C3: none reversed): no notes; with n_boot a third table
    'Bootstrap intervals' after the two of psych."""
    d, r = bfi
    items = ["A2", "A3", "A4", "A5", "C1", "C2", "C3", "E3", "E4"]
    sub = r.loc[items, items]
    res = cma.omega(corr=sub, n_obs=d["n"], n_factors=3)
    assert res.flipped == ()
    text = res.summary()
    assert "Notes:" not in text and "Reversed" not in text
    assert text.splitlines()[-len(_frame(res.groups).splitlines()) - 2 :] == [
        "Omega by factor",
        "---------------",
        *_frame(res.groups).splitlines(),
    ]
    rng = np.random.default_rng(7)
    x = rng.multivariate_normal(np.zeros(len(items)), sub.to_numpy(), 300)
    data = pd.DataFrame(x, columns=items)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = cma.omega(data, n_factors=3, n_boot=20, seed=3)
    assert boot.ci is not None
    assert boot.summary().endswith("\n\nBootstrap intervals\n-------------------\n" + _frame(boot.ci))


def test_harman_summary_by_hand(bfi):
    """First unrotated component of the 25 bfi items: 100 x lambda_1 / 25 = 20.54% (numpy's eigenvalues);
    below 50% no single factor dominates; with threshold 20 it is suspected; the threshold printed with %g."""
    d, r = bfi
    pct = 100 * np.linalg.eigvalsh(r.to_numpy())[-1] / 25
    assert f"{pct:.2f}" == "20.54"
    res = cma.harman(corr=r, n_obs=d["n"])
    rows = [
        ("first factor", f"{pct:.2f}% of variance"),
        ("threshold", "50%"),
        ("verdict", "no single factor dominates"),
    ]
    assert res.summary() == _text("Harman's single-factor test", rows)
    assert repr(res) == (
        "<HarmanResult Harman's single-factor test: first factor=20.54% of variance, threshold=50%, "
        "verdict=no single factor dominates>"
    )
    assert res.flagged is False and res.first_factor_pct == pytest.approx(pct, rel=1e-12)
    low = cma.harman(corr=r, n_obs=d["n"], threshold=20.5)
    assert low.flagged is True
    assert low.summary() == _text(
        "Harman's single-factor test",
        [
            ("first factor", "20.54% of variance"),
            ("threshold", "20.5%"),
            ("verdict", "common-method variance suspected"),
        ],
    )
