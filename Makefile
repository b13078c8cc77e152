PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint venv bench fuzz clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/gesprekken validate rules/cycle.yaml
	$(BIN)/gesprekken plan examples/groep5.csv --rules rules/cycle.yaml

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The long fuzz run: 2,000 cases per input kind (make test runs a short one of each).
fuzz: $(STAMP)
	GESPREKKEN_FUZZ=lang $(BIN)/python -m pytest tests/fuzz -q --durations=0

bench: $(STAMP)
	$(BIN)/python benchmarks/make_board.py
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
