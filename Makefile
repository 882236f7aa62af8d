# The two commands a fresh machine needs: `make reports` and `make test`. Each builds the local virtual
# environment from pyproject.toml first (python3 and make are all it assumes).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# The peers' own environment for `make bench`: factor_analyzer's FactorAnalyzer needs scikit-learn < 1.8.
BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-stamp

.PHONY: test reports bench lab venv clean check

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,reports,check,lab]"
	touch $(STAMP)

# The suite with line coverage of the package; below 95% it fails (figures and command: docs/quality.md).
test: $(STAMP)
	$(PY) -m pytest --cov=cmanalytics --cov-fail-under=95

# Lint and format (ruff), the layers and no cycles (import-linter, contracts in pyproject.toml), notebooks committed
# without outputs.
check: $(STAMP)
	$(VENV)/bin/ruff check cmanalytics tests benchmarks docs/*.py
	$(VENV)/bin/ruff format --check cmanalytics tests benchmarks docs/*.py
	$(VENV)/bin/lint-imports
	$(PY) -m cmanalytics.reporting.notebook_check notebooks

reports: $(STAMP)
	$(PY) -m cmanalytics.reporting.build --out reports

$(BENCH_STAMP): pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e . "factor_analyzer==0.5.1" "scikit-learn<1.8" pingouin
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python benchmarks/run.py --out reports/bench.md

# JupyterLab is installed with the rest (`make test` leaves it ready, so `make lab` then works offline); a
# .venv built before it was needed gets it once, and again only when pyproject.toml changes. Run as root
# (a container), Jupyter refuses to start without --allow-root.
LAB_STAMP := $(VENV)/.lab-stamp
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

$(LAB_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[lab]"
	touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(VENV)/bin/jupyter lab notebooks $(ALLOW_ROOT)

# Every page of reports/ in headless Chromium (apt-get install chromium): fails on a blank page or on
# Chinese that no installed font draws; the screenshots in reports/screenshots/. Run after `make reports`.
.PHONY: screenshots
screenshots: $(STAMP)
	$(PY) -m cmanalytics.reporting.screenshots reports

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache

# The docs site (MkDocs + mkdocstrings + mkdocs-jupyter) into docs/_build, warnings as errors (--strict); the
# notebooks are executed while building; then every page is checked for its title and error blocks and
# screenshotted in headless Chromium (docs/check_pages.py). Needs the [docs] extra, installed here on first use.
.PHONY: docs
docs: $(STAMP)
	$(PY) -m pip install --quiet -e ".[docs]"
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --config-file docs/mkdocs.yml
	$(PY) docs/check_pages.py

# Mutation testing of the numerics (mutmut 3, configured in [tool.mutmut] of pyproject.toml; not in CI: two hours
# or more on two cores for the default scope's 2,803 mutants). MUTANTS is the scope as mutant-name globs: <module>.x_* are the module-level
# functions (the numerics); methods of the result classes (<module>.xǁClassǁmethod: summary text, repr, HTML) are
# left out. MUTANTS='cmanalytics.psychometrics.*' runs everything (21,500 mutants, a day or more;
# docs/mutants_sample.py draws a seeded sample of those outside the default scope). mutmut runs every
# mutant named on its command line afresh (the generated mutants and test timings are kept in mutants/, so a second
# run skips the generation). The survivors and the counts are written to
# reports/mutants.txt, mutants/mutmut-cicd-stats.json and reports/mutants.md (counts per module, each survivor with
# its line, mutation and reason: docs/mutants_report.py); the reviewed copy of that table is docs/mutants.md.
# The R references must be there: a run without them would count skipped tests as passing ones.
# dask runs on its synchronous scheduler: mutmut forks a worker per mutant from a process whose dask thread pool
# already ran, and the pool's threads do not exist in the fork (the streaming tests waited forever).
.PHONY: mutants
MUTANTS_MODULES  ?= preparation scores rotation adequacy retention extraction
MUTANTS          ?= $(foreach m,$(MUTANTS_MODULES),cmanalytics.psychometrics.$(m).x_*)
MUTANTS_CHILDREN ?= 2
CMA_SHARED       ?= $(abspath $(CURDIR)/../shared)

mutants: $(STAMP)
	test -x $(VENV)/bin/mutmut || $(PY) -m pip install --quiet -e ".[mutants]"
	@test -f "$(CMA_SHARED)/reference/holzinger_swineford_1939.json" || \
		{ echo "R references not found in $(CMA_SHARED)/reference (set CMA_SHARED)"; exit 1; }
	CMA_SHARED="$(CMA_SHARED)" DASK_SCHEDULER=synchronous $(VENV)/bin/mutmut run --max-children $(MUTANTS_CHILDREN) $(foreach n,$(MUTANTS),'$(n)')
	mkdir -p reports
	$(VENV)/bin/mutmut results --all true > reports/mutants.txt
	$(VENV)/bin/mutmut export-cicd-stats
	$(PY) docs/mutants_report.py $(MUTANTS_MODULES) > reports/mutants.md
	@grep -c ': killed' reports/mutants.txt | xargs echo "killed:"
	@cat mutants/mutmut-cicd-stats.json
