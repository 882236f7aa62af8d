"""A test that needs an R reference fails, never skips, when the reference is missing (issue 13): a green
run must prove the comparison was made."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_a_missing_reference_fails_the_run(tmp_path):
    env = dict(os.environ, CMA_SHARED=str(tmp_path / "nowhere"))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rfs",
            "tests/psychometrics/test_reference_agreement.py::test_correlation",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stdout[-2000:]
    # the fixture fails, so pytest counts errors: either way the run is red, and nothing is skipped
    assert "2 errors" in run.stdout and "skipped" not in run.stdout
    assert "R reference results not found" in run.stdout
