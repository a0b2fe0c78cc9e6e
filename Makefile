# GridGov: `make run` starts it on this machine, `make test` checks everything. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format bench setup setup-dev messages clean

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runlocal

test:
	bash scripts/test.sh

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup-dev
	bash scripts/bench.sh

setup: $(VENV)/.runtime node_modules/.installed messages

setup-dev: setup $(VENV)/.dev

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Error: GridGov needs Python 3.11 ($(PYTHON) not found; set PYTHON=...)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Error: npm (Node.js) is needed for the front-end packages: apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(VENV)/.runtime
	@command -v msgfmt >/dev/null 2>&1 || { echo "Error: msgfmt is needed to compile translations: apt-get install gettext"; exit 1; }
	$(PY) manage.py compilemessages --ignore ".venv/*" --ignore "node_modules/*" -v 0

clean:
	rm -rf $(VENV) node_modules staticfiles
