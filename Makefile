# paylab — two commands: `make book` builds the site, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.paylab-installed
JB_FLAGS := --all -W -n --keep-going
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
PORT   ?= 8888
EDITION ?= instructor
VENV_MIN ?= .venv-min
# test-min: paylab's runtime dependencies at their lower bounds plus the test tools; test modules that
# import a book/site tool (Jupyter Book, JupyterLab, nbgrader, playwright) are left out by .ci/skip_missing.py
MIN_TOOLS := pytest hypothesis pytest-xdist cryptography-vectors pyyaml nbclient ipykernel

.PHONY: help install book test unit notebooks lint browser lab release clean test-min outputs

help:
	@echo "make book  - create .venv if missing, install, execute notebooks, build _build/html"
	@echo "make book EDITION=student - the student edition (no solutions) in _build/student/_build/html"
	@echo "make test  - lint, unit tests, nbval over chapters/ and labs/, book build, browser test"
	@echo "make lab   - JupyterLab on this repository (same .venv)"
	@echo "make outputs - re-execute the notebooks in place, saving each figure and table also in Chinese"
	@echo "make release - student versions of the labs in dist/student/"
	@echo "make test-min - unit tests in $(VENV_MIN) with the oldest supported versions (.ci/min-versions.txt)"
	@echo "make clean - remove _build, dist and caches (keeps .venv)"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (paylab)"
	@touch $(STAMP)

install: $(STAMP)

book: install
ifeq ($(EDITION),student)
	$(PY) -m paylab edition student --config _config.yml --out _build/student/_config.yml
	$(VENV)/bin/jupyter-book build . --config _build/student/_config.yml --path-output _build/student $(JB_FLAGS)
	@echo "site (student edition): $(CURDIR)/_build/student/_build/html/index.html"
else
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)
	$(PY) scripts/build_zh.py $(JB_FLAGS)
	@echo "site: $(CURDIR)/_build/html/index.html (中文版: $(CURDIR)/_build/html/zh/index.html)"
endif

lint: install
	$(VENV)/bin/ruff check .

unit: install
	$(PY) -m pytest tests -m "not browser" -n 2

# the Chinese notebooks draw Chinese labels: without a CJK font they are left out, with a notice (CI has one)
ZH_NOTEBOOKS = $(shell $(PY) -c "from paylab.plots import cjk_fonts; print('_build/zh_notebooks' if cjk_fonts() else '')" 2>/dev/null)

notebooks: install
	rm -rf _build/zh_notebooks && $(PY) -m paylab translate --lang zh_CN --out _build/zh_notebooks >/dev/null
	@test -n "$(ZH_NOTEBOOKS)" || { test "$$CI" != true && echo "notebooks: Chinese notebooks skipped: no CJK font (apt install fonts-noto-cjk)"; } || { echo "CI: no CJK font for the Chinese notebooks"; exit 1; }
	$(PY) -m pytest $(NBVAL) chapters labs $(ZH_NOTEBOOKS) -n 2 --dist loadfile

browser: install
	$(PY) -m pytest tests -m browser

test: lint unit notebooks book browser

lab: install
	$(VENV)/bin/jupyter lab --port $(PORT) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test-min: .ci/min-versions.txt pyproject.toml
	@test -x $(VENV_MIN)/bin/python || $(PYTHON) -m venv $(VENV_MIN)
	$(VENV_MIN)/bin/python -m pip install -q -c .ci/min-versions.txt -e . $(MIN_TOOLS)
	$(VENV_MIN)/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (paylab, minimum versions)"
	$(VENV_MIN)/bin/python -m pip list 2>/dev/null | grep -iE '^(cryptography|numpy|pandas|matplotlib|scikit-learn|scipy|tqdm) '
	PYTHONPATH=.ci $(VENV_MIN)/bin/python -m pytest -p skip_missing tests -m "not browser" -n 2

# the committed outputs, for both editions: each figure, table and feedback box is also drawn in Chinese
# (PAYLAB_OUTPUT_LANGUAGES, see paylab/language.py); needs a CJK font (fonts-noto-cjk)
outputs: install
	@$(PY) -c "import sys; from paylab.plots import cjk_fonts; sys.exit(0 if cjk_fonts() else 'make outputs: no CJK font (apt install fonts-noto-cjk): the Chinese figures would show boxes')"
	ls chapters/*.ipynb labs/*.ipynb | PAYLAB_OUTPUT_LANGUAGES=zh_CN xargs -P 2 -I{} env PAYLAB_PAGE={} $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --log-level WARN {}

release: install
	$(PY) -m paylab release labs --out dist/student

clean:
	rm -rf _build dist .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
