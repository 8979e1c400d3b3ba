# Every target installs what it needs into .venv first; only python3 (>= 3.11) and make are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install demo dev test lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

demo: install
	$(BIN)/dexxy demo

dev: install
	$(BIN)/dexxy dev

test: install
	$(BIN)/ruff check --no-cache .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --check .

# `make bench BENCH_ARGS="--engineers 2 --repos 1 --days 2"` sizes it down, `--peers` adds airbyte-source-github and
# tap-github; see docs/benchmarks.md. Each run appends a dated section to BENCHMARKS.md.
BENCH_ARGS ?=
bench: install
	$(BIN)/dexxy bench $(BENCH_ARGS)

clean:
	-$(BIN)/dexxy warehouse stop
	rm -rf $(VENV) .dexxy
