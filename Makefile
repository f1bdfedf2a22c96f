PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PLANES_CORPUS ?= $(abspath ../shared/corpus)

.PHONY: setup run test ingest bench lint clean

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

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
