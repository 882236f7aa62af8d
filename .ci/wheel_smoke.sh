#!/usr/bin/env bash
# The package as a user gets it: `python -m build` makes the sdist and the wheel; the wheel is installed into a
# fresh virtual environment in a temporary folder outside the checkout, where an analysis, the CLI's --help and
# --version run. Nothing of the checkout is importable there (the working folder is the temporary one).
# Usage: bash .ci/wheel_smoke.sh                 Python 3.11 (python3), the oldest supported
#        PYTHON=newest bash .ci/wheel_smoke.sh   the newest CPython 3 that pyenv has on this machine (3.13)
#        PYTHON=/path/to/python3.x bash .ci/wheel_smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PYTHON=${PYTHON:-python3}
if [ "$PYTHON" = newest ]; then
    NEWEST=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.[0-9]+\.[0-9]+$' | sort -V | tail -1)
    [ -n "$NEWEST" ] || { echo "PYTHON=newest: no pyenv CPython 3 on this machine"; exit 1; }
    PYTHON="$(pyenv root)/versions/$NEWEST/bin/python3"
fi
echo "wheel smoke with $("$PYTHON" --version)"
START=$SECONDS
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Environments are made without pip and filled by the interpreter's own pip (--python), and bytecode is not
# compiled: on this 2-core machine, loaded, that takes the run from ~110 s to ~65 s.
PIP=("$PYTHON" -m pip --disable-pip-version-check)

# 1. Build, with `build` and the build requirements in a throwaway environment (the checkout's .venv is not
#    touched); --no-isolation uses that environment rather than making one more.
"$PYTHON" -m venv --without-pip "$WORK/tools"
"${PIP[@]}" --python "$WORK/tools/bin/python" install --quiet --no-compile build "setuptools>=77" wheel
"$WORK/tools/bin/python" -m build --no-isolation --outdir "$WORK/dist" "$REPO" > "$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
VERSION=$(cd "$REPO" && "$PYTHON" -c "import ast, pathlib; t = ast.parse(pathlib.Path('cmanalytics/__init__.py').read_text()); print(next(n.value.value for n in t.body if isinstance(n, ast.Assign) and n.targets[0].id == '__version__'))")
WHEEL="$WORK/dist/cmanalytics-$VERSION-py3-none-any.whl"
SDIST="$WORK/dist/cmanalytics-$VERSION.tar.gz"
test -f "$WHEEL" || { echo "no wheel for version $VERSION in: $(ls "$WORK/dist")"; exit 1; }
test -f "$SDIST" || { echo "no sdist for version $VERSION in: $(ls "$WORK/dist")"; exit 1; }
# The sdist carries what a rebuild needs; the wheel carries the package data the analyses read.
# (listed to files first: grep -q closing a pipe early would fail the pipeline under pipefail)
tar -tzf "$SDIST" > "$WORK/sdist.txt"
"$WORK/tools/bin/python" -m zipfile -l "$WHEEL" > "$WORK/wheel.txt"
grep -q "cmanalytics-$VERSION/pyproject.toml" "$WORK/sdist.txt"
grep -q "cmanalytics/datasets/holzinger_swineford_1939.csv" "$WORK/wheel.txt"
grep -q "cmanalytics/performance/policies/" "$WORK/wheel.txt"
if grep -qE "^(tests|notebooks|docs)/" "$WORK/wheel.txt"; then echo "the wheel carries tests, notebooks or docs"; exit 1; fi

# 2. Install into a fresh environment, away from the checkout.
"$PYTHON" -m venv --without-pip "$WORK/venv"
"${PIP[@]}" --python "$WORK/venv/bin/python" install --quiet --no-compile "$WHEEL"
cd "$WORK"

# 3. Smoke: the import comes from the environment, one analysis gives R's number, the CLI answers.
"$WORK/venv/bin/python" - "$WORK/venv" "$VERSION" <<'EOF'
import sys
import warnings
from pathlib import Path

import cmanalytics as cma
from cmanalytics.datasets import holzinger_swineford

venv, version = Path(sys.argv[1]), sys.argv[2]
assert Path(cma.__file__).resolve().is_relative_to(venv.resolve()), f"imported from {cma.__file__}"
assert cma.__version__ == version, (cma.__version__, version)
df = holzinger_swineford()
# psych::KMO on lavaan's HolzingerSwineford1939 x1..x9: MSA = 0.752244592603047 (../shared/reference)
assert abs(cma.kmo(df).overall - 0.752244592603047) < 1e-12
# psych::alpha: raw_alpha = 0.760488595824792
assert abs(cma.cronbach_alpha(df).alpha - 0.760488595824792) < 1e-12
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    policy = cma.performance.load_policy()               # package data: the default policy file
    twin = cma.study.synthetic_twin(seed=0)              # package data: the twin's calibration
assert len(twin) == 150
df.to_csv("hs.csv", index=False)
print(f"import, KMO, alpha, policy and twin: ok (cmanalytics {cma.__version__} from {Path(cma.__file__).parent})")
EOF
"$WORK/venv/bin/cmanalytics" --help > help.txt
grep -q "usage: cmanalytics" help.txt
test "$("$WORK/venv/bin/cmanalytics" --version)" = "cmanalytics $VERSION"
"$WORK/venv/bin/cmanalytics" alpha hs.csv > alpha.txt
grep -q "0.760" alpha.txt
echo "wheel smoke: cmanalytics $VERSION built (wheel + sdist), installed outside the checkout, import, analysis, --help, --version and alpha ok in $((SECONDS - START)) s"
