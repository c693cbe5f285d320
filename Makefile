# Every target works on a fresh clone: the first one that needs it builds .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint demo bench fmt clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check contentctl tests benchmarks
	$(BIN)/ruff format --check contentctl tests benchmarks
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format contentctl tests benchmarks
	$(BIN)/ruff check --fix contentctl tests benchmarks

demo: $(STAMP)
	./scripts/demo.sh

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
