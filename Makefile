PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint venv bench fuzz clean

# Quiet on purpose: a newcomer's `make run` shows one line for the set-up, then the plan.
# pip's errors still show; `make venv PIP_QUIET=` shows everything.
PIP_QUIET ?= -qq

$(STAMP): pyproject.toml
	@echo "omgeving maken in $(VENV) (eenmalig, kan een minuut duren)"
	@$(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install $(PIP_QUIET) --upgrade pip
	@$(BIN)/python -m pip install $(PIP_QUIET) -e '.[dev]'
	@$(BIN)/python -m compileall -q src
	@touch $(STAMP)
	@echo "omgeving klaar"

venv: $(STAMP)

run: $(STAMP)
	@$(BIN)/gesprekken validate rules/cycle.yaml
	@$(BIN)/gesprekken plan examples/groep5.csv --rules rules/cycle.yaml

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
	@if $(BIN)/python -c "import ortools" 2>/dev/null; then \
		$(BIN)/python benchmarks/quality.py; \
	else echo "benchmarks/quality.py overgeslagen: pip install -e '.[bench]' voor OR-Tools"; fi

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
