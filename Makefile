# Two commands on a fresh machine with only Python: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench stress bundle clean

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
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# the event log under SIGKILL (201 kills across record, extend and append_all) and threads;
# a few minutes, so not part of `make test` (see docs/reliability.md)
stress: $(STAMP)
	$(BIN)/python benchmarks/stress.py

# after editing src/truce/agreements/*.yaml: refresh the pre-parsed snapshot (a test checks it)
bundle: $(STAMP)
	$(BIN)/python -m truce._bundled

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .hypothesis
