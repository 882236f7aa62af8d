"""`import cmanalytics` loads only the numerics (issue 13): no domain module, and none of scipy's heavy
submodules, which cost more than numpy, scipy and pandas together. The time itself is measured by
`make bench` (B14), never by a test."""

import json
import subprocess
import sys

import pytest

DOMAINS = ("study", "performance", "workforce", "datasets", "synthetic", "reporting", "cli")
HEAVY = ("scipy.stats", "scipy.special", "scipy.linalg", "scipy.optimize", "matplotlib", "sklearn", "numpy.f2py")


@pytest.fixture(scope="module")
def loaded():
    code = "import json, sys, cmanalytics; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


def test_no_domain_module_is_imported(loaded):
    domains = sorted(m for m in loaded if m.startswith("cmanalytics.") and m.split(".")[1] in DOMAINS)
    assert domains == []
    assert "cmanalytics.psychometrics.efa" in loaded  # the numerics are there, eagerly


@pytest.mark.parametrize("module", HEAVY)
def test_a_heavy_dependency_waits_for_first_use(loaded, module):
    assert module not in loaded


def test_the_lazy_stand_in_loads_on_first_use():
    code = (
        "import sys, cmanalytics as cma, numpy as np\n"
        "before = 'scipy.special' in sys.modules\n"
        "a = cma.cronbach_alpha(np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5.0]]))\n"
        "print(before, 'scipy.special' in sys.modules, round(a.alpha, 6))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    # alpha by hand: item variances (n-1) 5/3, 19/12, 5/3, sum 59/12; totals 5, 8, 10, 14, variance 14.25;
    # alpha = 3/2 * (1 - (59/12) / 14.25) = 0.982456...
    assert out == ["False", "True", "0.982456"]
