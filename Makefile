# Works on a fresh Linux machine with python3 (3.11+) and make: each target builds .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2

.PHONY: demo test lint fmt bench install

$(BIN)/demandhub: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable ".[dev]"
	touch $@

install: $(BIN)/demandhub

demo: $(BIN)/demandhub  ## install and start the demo control room on 127.0.0.1:8000
	$(BIN)/demandhub demo

test: $(BIN)/demandhub  ## install with the dev extras and run the whole suite
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/demandhub
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

fmt: $(BIN)/demandhub
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: $(BIN)/demandhub
	$(BIN)/python -m bench
