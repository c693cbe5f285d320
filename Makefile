# Every target works on a fresh clone: the first one that needs it builds .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Python caches compiled modules (and pytest its rewritten tests) as a pip install does; a
# shell that turns that off would make every run and every test process compile from source.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install test test-fast lint demo bench fmt clean browser yaml-ls calendar-screenshot

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP) browser yaml-ls
	$(BIN)/pytest -q

# Everything but the subprocess end-to-end tier (marked e2e in tests/conftest.py), on
# both cores, with the property tests at a quarter of their examples (the "fast" profile
# in tests/conftest.py): under 30 s, for the edit-test loop. `make test` stays the whole
# suite, serial, with every example.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not e2e" -n 2 --hypothesis-profile=fast

# Tools the end-to-end tests drive: Debian's Chromium, and yaml-language-server in .tools/.
browser:
	./scripts/ensure-chromium.sh

yaml-ls:
	./scripts/ensure-yaml-ls.sh

# The calendar of examples/content as a browser shows it, for a person to look at.
calendar-screenshot: $(STAMP) browser
	rm -rf build/calendar-example && mkdir -p build && cp -r examples/content build/calendar-example
	$(BIN)/contentctl -C build/calendar-example calendar --out ../calendar.html --ics ../calendar.ics
	/usr/bin/chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size=1400,1800 --screenshot=build/calendar.png \
		"file://$(CURDIR)/build/calendar.html" 2>/dev/null
	@echo "build/calendar.png: the calendar of examples/content (page: build/calendar.html)"

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

# The postgres state backend's tests start a throwaway server from Debian's package.
.PHONY: postgres
postgres:
	./scripts/ensure-postgres.sh

test: postgres
