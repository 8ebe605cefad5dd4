# paylab — two commands: `make book` builds the site, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.paylab-installed
JB_FLAGS := --all -W -n --keep-going
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
PORT   ?= 8888

.PHONY: help install book test unit notebooks lint browser lab release clean

help:
	@echo "make book  - create .venv if missing, install, execute notebooks, build _build/html"
	@echo "make test  - lint, unit tests, nbval over chapters/ and labs/, book build, browser test"
	@echo "make lab   - JupyterLab on this repository (same .venv)"
	@echo "make release - student versions of the labs in dist/student/"
	@echo "make clean - remove _build, dist and caches (keeps .venv)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (paylab)"
	@touch $(STAMP)

install: $(STAMP)

book: install
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)
	@echo "site: $(CURDIR)/_build/html/index.html"

lint: install
	$(VENV)/bin/ruff check .

unit: install
	$(PY) -m pytest tests -m "not browser" -n 2

notebooks: install
	$(PY) -m pytest $(NBVAL) chapters labs -n 2 --dist loadfile

browser: install
	$(PY) -m pytest tests -m browser

test: lint unit notebooks book browser

lab: install
	$(VENV)/bin/jupyter lab --port $(PORT) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

release: install
	$(PY) -m paylab release labs --out dist/student

clean:
	rm -rf _build dist .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
