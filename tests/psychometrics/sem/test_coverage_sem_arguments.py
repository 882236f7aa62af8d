"""sem_fit's arguments and data: each one it cannot honour is refused with the package's error naming it (an
argument is honoured or refused, never ignored)."""

from __future__ import annotations

import numpy as np
import pytest

from cmanalytics.datasets import holzinger_swineford
from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.psychometrics.sem import sem_fit
from tests.conftest import shared_scope

MODEL = "visual =~ x1 + x2 + x3"


@pytest.fixture(scope=shared_scope)
def hs():
    return holzinger_swineford()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"model": {}}, ArgumentError, r"model must be lavaan syntax or a non-empty dict"),
        ({"model": {"visual": ["x1"]}}, ArgumentError, r"factor\(s\) visual have fewer than 2 items"),
        ({"model": {"visual": "x1 + x2"}}, ArgumentError, r"factor\(s\) visual have fewer than 2 items"),
        ({"max_iter": 0}, ArgumentError, r"max_iter=0: give a positive whole number"),
        ({"estimator": "MLR"}, ArgumentError, r"estimator='MLR': choose among ML, GLS, ULS"),
        ({"missing": "pairwise"}, ArgumentError, r"missing='pairwise': .* pairwise deletion has no likelihood"),
        ({"missing": "fiml", "estimator": "GLS"}, ArgumentError, r"missing='fiml' needs estimator='ML'"),
        ({"information": "hessian"}, ArgumentError, r"information='hessian': choose 'expected' or 'observed'"),
        ({"estimator": "ULS", "information": "observed"}, ArgumentError, r"information='observed' is available"),
        ({"group_equal": "loadings"}, ArgumentError, r"group_equal and group_partial need group="),
        ({"missing": "fiml", "meanstructure": False}, ArgumentError, r"meanstructure=False cannot be honoured"),
        ({"group": "class"}, DataError, r"group='class' is not a column of the data"),
        ({"ordered": True, "estimator": "ML"}, ArgumentError, r"estimator='ML' with ordered items: WLSMV"),
        ({"ordered": True, "missing": "fiml"}, ArgumentError, r"missing='fiml' with ordered items: only 'listwise'"),
        ({"ordered": True, "meanstructure": True}, ArgumentError, r"meanstructure and information do not apply"),
        ({"ordered": ["x99"]}, ArgumentError, r"ordered= names x99, not observed variable"),
    ],
)
def test_an_argument_that_cannot_be_honoured_is_refused(hs, kwargs, error, message):
    kwargs = {"model": MODEL, **kwargs}
    with pytest.raises(error, match=message):
        sem_fit(hs, **kwargs)


def test_data_that_cannot_be_fitted_are_named(hs):
    with pytest.raises(DataError, match="the data must be a DataFrame"):
        sem_fit(hs[["x1", "x2", "x3"]].to_numpy(), MODEL)
    with pytest.raises(DataError, match="the data must be a DataFrame"):
        sem_fit(hs[["x1", "x2", "x3"]].to_numpy(), MODEL, ordered=True)
    text = hs.assign(x2=hs["x2"].astype(str))
    with pytest.raises(DataError, match=r"column\(s\) x2 are not numeric"):
        sem_fit(text, MODEL)
    hs = hs.assign(school=np.where(hs.index % 2, "Pasteur", "Grant-White"))
    one = hs.assign(school="Pasteur")
    with pytest.raises(DataError, match=r"the group column 'school' holds a single group"):
        sem_fit(one, MODEL, group="school")
    holes = hs.assign(school=hs["school"].where(hs.index > 1))
    with pytest.raises(DataError, match=r"the group column 'school' has 2 missing value\(s\)"):
        sem_fit(holes, MODEL, group="school")
    # x3 = x1 + x2: the three columns span two dimensions
    dependent = hs.assign(x3=hs["x1"] + hs["x2"])
    with pytest.raises(DataError, match="covariance matrix of the observed variables is singular"):
        sem_fit(dependent, MODEL)
    few = hs[["x1", "x2", "x3"]].iloc[:3].copy()
    few.iloc[0, 0] = np.nan
    with pytest.raises(DataError, match=r"3 row\(s\) are too few for 3 observed variables"):
        sem_fit(few, MODEL, missing="fiml")
