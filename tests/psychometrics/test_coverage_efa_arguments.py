"""efa's rotation options: each one that cannot be honoured is refused naming the option and what it needs."""

from __future__ import annotations

import numpy as np
import pytest

import cmanalytics as cma
from cmanalytics.datasets import holzinger_swineford
from cmanalytics.errors import ArgumentError
from tests.conftest import shared_scope


@pytest.fixture(scope=shared_scope)
def hs():
    return holzinger_swineford()[[f"x{j}" for j in range(1, 10)]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rotation": "targetT"}, r"a target rotation needs target="),
        ({"rotation": "targetT", "target": np.zeros((9, 2))}, r"target must be 9 items x 3 factors; got \(9, 2\)"),
        ({"rotation": "targetT", "target": np.full((9, 3), np.nan)}, r"target leaves every loading free"),
        ({"rotation": "bifactor", "n_factors": 2}, r"the bifactor rotation needs a general and at least two group"),
        ({"rotation": "geominQ", "delta": 0}, r"delta must be positive; got 0"),
        ({"rotation": "oblimin", "delta": 0.01}, r"delta is an argument of the geomint/geominq rotation, not of"),
        ({"rotation": "simplimax", "n_small": 28}, r"n_small must be a whole number from 1 to 27; got 28"),
        ({"rotation": "oblimin", "random_starts": -1}, r"random_starts must be a whole number of at least 0; got -1"),
        ({"rotation": "varimax", "random_starts": 5}, r"random_starts applies to the gradient projection rotations"),
    ],
)
def test_a_rotation_option_that_cannot_be_honoured_is_refused(hs, kwargs, message):
    kwargs = {"n_factors": 3, "method": "minres", **kwargs}
    with pytest.raises(ArgumentError, match=message):
        cma.efa(hs, **kwargs)
