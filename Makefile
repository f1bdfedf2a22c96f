PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PLANES_CORPUS ?= $(abspath ../shared/corpus)

.PHONY: setup run test ingest bench fault lint clean shell

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

ingest: setup
	$(BIN)/planes ingest

run: ingest
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q

bench: ingest
	$(BIN)/python bench/run.py
	$(BIN)/python bench/load.py

fault: ingest
	PLANES_HOSTILE_EXAMPLES=10000 $(BIN)/pytest -q -p no:cacheprovider tests/test_hostile.py
	$(BIN)/python bench/fault.py

# A shell with .venv/bin first on PATH, so `planes` is at hand (leave it with `exit`).
shell: setup
	@echo "Entorno de .venv activo: «planes --help» para empezar; «exit» para salir."
	@VIRTUAL_ENV="$(abspath $(VENV))" PATH="$(abspath $(BIN)):$$PATH" PS1="(planes) $${PS1:-\$$ }" $${SHELL:-/bin/sh} -i

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
