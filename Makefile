# Two commands on a fresh machine with only Python: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test docs dist bench stress bundle mutation clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m truce.demo
	@for script in examples/*.py; do \
		echo; echo "=== $$script"; \
		$(BIN)/python "$$script" || exit 1; \
	done

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# the docs site with its API reference, served at http://127.0.0.1:8000 (rebuilt on every edit)
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

# the sdist and the wheel, as PyPI would get them (twine refuses a README PyPI cannot render)
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# the event log under SIGKILL (201 kills across record, extend and append_all) and threads;
# a few minutes, so not part of `make test` (see docs/reliability.md)
stress: $(STAMP)
	$(BIN)/python benchmarks/stress.py

# mutation testing of ledger, engine, record and guards with mutmut (config in pyproject.toml);
# about 1,600 mutants, over an hour on 2 cores, so not part of `make test`. A sample or one module:
# `make mutation MUTANTS='truce.engine.*'` (see docs/testing.md)
MUTANTS ?=
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet 'mutmut>=3.3'
	$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/mutmut results

# after editing src/truce/agreements/*.yaml: refresh the pre-parsed snapshot (a test checks it)
bundle: $(STAMP)
	$(BIN)/python -m truce._bundled

clean:
	rm -rf $(VENV) build dist site mutants *.egg-info src/*.egg-info .pytest_cache .mypy_cache .hypothesis
