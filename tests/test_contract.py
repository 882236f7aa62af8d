"""The public API as a contract: every name in cmanalytics.__all__ (and each domain's __all__) is documented;
every result is a frozen dataclass with named fields, a one-line repr, summary(), to_frame() and a Jupyter
view; inputs are never modified; a wrong type is the package's own error, never a bare TypeError."""

from __future__ import annotations

import copy
import dataclasses
import inspect

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.datasets import holzinger_swineford
from cmanalytics.errors import ArgumentError, CmanalyticsError

MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


def _hs():
    return holzinger_swineford()


def _likert():
    return _hs().apply(lambda s: pd.cut(s, 5, labels=False) + 1)


# name -> a call on public data (the data passed first, so that the test can check it is not modified)
CALLS = {
    "anti_image": lambda d: cma.anti_image(d),
    "audit_efa_report": None,  # takes published figures, no data
    "bartlett": lambda d: cma.bartlett(d),
    "bootstrap": lambda d: cma.bootstrap(d, n_factors=3, n_boot=20, seed=1),
    "correlation": lambda d: cma.correlation(d),
    "cronbach_alpha": lambda d: cma.cronbach_alpha(d),
    "cfa": lambda d: cma.cfa(d, MODEL),
    "determinant": lambda d: cma.determinant(d),
    "efa": lambda d: cma.efa(d, n_factors=3),
    "harman": lambda d: cma.harman(d),
    "htmt": lambda d: cma.htmt(d, MODEL),
    "invariance": lambda d: cma.invariance(d.assign(school=np.arange(len(d)) % 2), MODEL, group="school"),
    "omega": lambda d: cma.omega(d, n_factors=3),
    "factor_scores": lambda d: cma.factor_scores(cma.efa(d, n_factors=3), d),
    "kmo": lambda d: cma.kmo(d),
    "parallel_analysis": lambda d: cma.parallel_analysis(d, n_iter=20, seed=1),
    "polychoric": lambda d: cma.polychoric(_likert()),
    "prepare": lambda d: cma.prepare(d),
    "prepare_stream": lambda d: cma.prepare_stream(iter([d.iloc[:150], d.iloc[150:]])),
    "smc": lambda d: cma.smc(d),
    "agreement": lambda d: cma.agreement(_likert().assign(g=np.arange(len(d)) % 5), group="g", scale=(1, 5)),
    "average_variance_extracted": lambda d: cma.average_variance_extracted([0.7, 0.8, 0.6]),
    "composite_reliability": lambda d: cma.composite_reliability([0.7, 0.8, 0.6]),
    "cor_smooth": lambda d: cma.cor_smooth(d.corr().to_numpy()),
    "factor_score_weights": lambda d: cma.factor_score_weights(cma.efa(d, n_factors=3, method="minres"), "tenberge"),
    "guttman": lambda d: cma.guttman(d),
    "icc": lambda d: cma.icc(d[["x1", "x2", "x3"]]),
    "ordinal_alpha": lambda d: cma.ordinal_alpha(_likert()),
    "split_half": lambda d: cma.split_half(d),
    "tetrachoric": lambda d: cma.tetrachoric((d > d.median()).astype(int)),
    "velicer_map": lambda d: cma.velicer_map(d),
}
MODULES = {"errors", "performance", "study", "workforce"}


def test_every_public_name_is_covered_and_documented():
    names = set(cma.__all__)
    classes = {n for n in names if inspect.isclass(getattr(cma, n))}
    assert names - classes - MODULES == set(CALLS), "a public function without a contract call"
    for mod in (cma, cma.study, cma.performance, cma.workforce):
        for n in mod.__all__:
            obj = getattr(mod, n)
            assert (obj.__doc__ or "").strip(), f"{mod.__name__}.{n} has no docstring"


def _check_result(res, name):
    if isinstance(res, (float, np.floating, pd.DataFrame, pd.Series, np.ndarray)):
        return  # a number or a table is its own tidy form
    assert dataclasses.is_dataclass(res), f"{name}: {type(res).__name__} is not a dataclass"
    assert type(res).__dataclass_params__.frozen, f"{name}: {type(res).__name__} is not frozen"
    field = dataclasses.fields(res)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(res, field, None)
    if hasattr(res, "summary"):
        text = repr(res)
        assert "\n" not in text and len(text) < 400, f"{name}: repr is not one short line"
        assert res.summary() == str(res) and "<" in res._repr_html_()
        assert isinstance(res.to_frame(), pd.DataFrame) and len(res.to_frame())
    for attr in ("p", "pvalue"):
        assert not hasattr(res, attr), f"{name}: the p-value field is named p_value everywhere"


@pytest.mark.parametrize("name", sorted(n for n, f in CALLS.items() if f is not None))
def test_results_and_untouched_inputs(name):
    data = _hs()
    before = copy.deepcopy(data)
    res = CALLS[name](data)
    pd.testing.assert_frame_equal(data, before)
    _check_result(res, name)


def test_audit_result():
    _check_result(
        cma.audit_efa_report(
            n_obs=112, n_items=14, n_factors=3, kmo=0.865, bartlett_chi2=830.506, variance_pct=73.39, alpha=0.913
        ),
        "audit_efa_report",
    )


DATA_FUNCTIONS = [
    "anti_image",
    "bartlett",
    "correlation",
    "cronbach_alpha",
    "determinant",
    "efa",
    "harman",
    "kmo",
    "omega",
    "prepare",
    "smc",
    "guttman",
    "split_half",
    "velicer_map",
    "parallel_analysis",
]


@pytest.mark.parametrize("name", DATA_FUNCTIONS)
@pytest.mark.parametrize("bad", [42, "survey.csv", [["a", "b"], ["c", "d"]], {"x": 1}])
def test_wrong_types_are_the_package_errors(name, bad):
    with pytest.raises(CmanalyticsError):
        getattr(cma, name)(bad)


def _result_classes():
    seen = {}
    for mod in (cma, cma.study, cma.performance, cma.workforce):
        for n in mod.__all__:
            obj = getattr(mod, n)
            if inspect.isclass(obj) and hasattr(obj, "summary"):
                seen[f"{mod.__name__}.{n}"] = obj
    return seen


@pytest.mark.parametrize("qualname, cls", sorted(_result_classes().items()))
def test_result_classes_are_frozen_with_the_views(qualname, cls):
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, qualname
    for method in ("summary", "to_frame", "_repr_html_", "__repr__"):
        assert callable(getattr(cls, method, None)), f"{qualname} lacks {method}"


def _public_functions():
    out = {}
    for mod in (cma, cma.study, cma.performance, cma.workforce):
        for n in mod.__all__:
            obj = getattr(mod, n)
            if callable(obj) and not inspect.isclass(obj):
                out[f"{mod.__name__}.{n}"] = obj
    return out


@pytest.mark.parametrize("qualname", sorted(_public_functions()))
def test_an_unexpected_keyword_is_refused_by_name(qualname):
    """A misspelt or unknown keyword is the package's ArgumentError naming it and the accepted ones, never
    Python's bare TypeError, and refused before anything is computed (no other argument needed)."""
    fn = _public_functions()[qualname]
    accepted = [
        p.name for p in inspect.signature(fn).parameters.values() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    if qualname == "cmanalytics.prepare":  # its **options go to polychoric, or nowhere
        data = _hs()
        with pytest.raises(ArgumentError, match="unexpected go with method='polychoric' only"):
            fn(data, unexpected=1)
        with pytest.raises(ArgumentError, match=r"polychoric\(\) got unexpected keyword argument\(s\) 'unexpected'"):
            fn(_likert(), method="polychoric", unexpected=1)
        return
    with pytest.raises(ArgumentError) as info:
        fn(unexpected=1)
    message = str(info.value)
    assert f"{fn.__name__}() got unexpected keyword argument(s) 'unexpected'" in message
    assert message.endswith(f"it accepts {', '.join(accepted)}." if accepted else "it accepts no keyword arguments.")


def test_factor_scores_refuses_an_unexpected_keyword_and_suggests_the_nearest():
    data = _hs()
    res = cma.efa(data, n_factors=3)
    with pytest.raises(ArgumentError, match=r"'unexpected'; it accepts result, data, method\.$"):
        cma.factor_scores(res, data, method="regression", unexpected=1)
    with pytest.raises(ArgumentError, match=r"'methods' \(did you mean 'method'\?\)"):
        cma.factor_scores(res, data, methods="bartlett")
    # the check keeps the function's name, documentation and signature
    assert cma.factor_scores.__name__ == "factor_scores" and "Thurstone" in cma.factor_scores.__doc__
    assert list(inspect.signature(cma.factor_scores).parameters) == ["result", "data", "method"]
