PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PLANES_CORPUS ?= $(abspath ../shared/corpus)

# Debian packages each command needs, as program:package. `make deps-run` / `make deps-test`
# install the missing ones with apt-get when running as root; otherwise they name the command.
RUN_DEBS := nginx:nginx
# libatomic.so.1: the Node.js that Playwright ships to drive Chromium needs it.
TEST_DEBS := $(RUN_DEBS) chromium:chromium pdftoppm:poppler-utils libatomic.so.1:libatomic1

.PHONY: setup deps deps-run deps-test run test ingest bench bench-scale bench-scale-quick fault lint clean shell

# Checks with `command -v` (and /usr/sbin, outside a root PATH) or, for a library, `ldconfig -p`:
# milliseconds when all is there.
define need_debs
@missing=""; \
for pair in $(1); do \
  prog=$${pair%%:*}; pkg=$${pair#*:}; \
  case $$prog in \
    *.so.*) { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q "$$prog " || missing="$$missing $$pkg";; \
    *) command -v $$prog >/dev/null 2>&1 || [ -x /usr/sbin/$$prog ] || missing="$$missing $$pkg";; \
  esac; \
done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    echo "Instalando paquetes de Debian que faltan:$$missing"; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq$$missing >/dev/null || exit 1; \
  else \
    echo "Faltan paquetes de Debian:$$missing. Instálelos con: sudo apt-get install -y$$missing" >&2; \
    exit 1; \
  fi; \
fi
endef

deps-run:
	$(call need_debs,$(RUN_DEBS))

deps-test:
	$(call need_debs,$(TEST_DEBS))

deps: deps-test

$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  else echo "Falta el módulo venv de Python. Instálelo con: sudo apt-get install -y python3-venv" >&2; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

ingest: setup
	$(BIN)/planes ingest

run: deps-run ingest
	$(BIN)/planes serve

test: deps-test setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q

bench: ingest
	$(BIN)/python bench/run.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/answers.py

bench-scale: setup
	$(BIN)/python bench/scale.py

bench-scale-quick: setup
	$(BIN)/python bench/scale.py --quick

fault: deps-run ingest
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
