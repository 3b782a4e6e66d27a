# The two commands a user needs:  make lab  |  make test
# Everything lives in .venv, created on first use from the pins in requirements/ (the
# package itself declares only ranges in pyproject.toml).

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3.11)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
NB     ?= notebooks/solutions/*.ipynb notebooks/explorer-app.ipynb
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_OK := $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True,)

.PHONY: lab lecture test execute bench app lite clean help

help:
	@echo "make lab      open the collection in JupyterLab (creates .venv on first use)"
	@echo "make test     run unit tests, notebook hygiene, strict nbval and the browser test"
	@echo "make execute  re-run every notebook from a fresh kernel; student copies derived from the twins (NB=path for one)"
	@echo "make bench    run the timing scripts in benchmarks/"
	@echo "make app      serve the explorer app (notebooks/explorer-app.ipynb) with Voila"
	@echo "make lecture  open JupyterLab on the overview with lecture-size figures (MCGRAD_STYLE=lecture)"
	@echo "make lite     build the in-browser site (JupyterLite, Pyodide) into $(LITE_OUT)/"

$(STAMP): pyproject.toml requirements/environment.txt requirements/test.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "error: $(PYTHON) is not Python 3.11; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/test.txt -e .
	touch $(STAMP)

# The JupyterLite build tools live in a venv of their own, so that .venv stays exactly
# what Binder installs.
LITE_VENV  := .venv-lite
LITE_STAMP := $(LITE_VENV)/.installed
LITE_OUT   ?= build/lite

$(LITE_STAMP): requirements/lite.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "error: $(PYTHON) is not Python 3.11; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(LITE_VENV)/bin/python || $(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LITE_VENV)/bin/python -m pip install --quiet -r requirements/lite.txt
	touch $(LITE_STAMP)

lite: $(LITE_STAMP)
	$(LITE_VENV)/bin/python lite/build.py --output $(LITE_OUT)


# The course's Jupyter settings (jupyter-config/README.md), copied into .venv where Jupyter
# reads them: closing a tab shuts its kernel down, idle kernels are culled, no news pop-up.
JUPYTER_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json \
                    $(VENV)/etc/jupyter/jupyter_server_config.json

$(JUPYTER_SETTINGS): $(VENV)/%: jupyter-config/% | $(STAMP)
	install -D -m 644 $< $@

lab: $(STAMP) $(JUPYTER_SETTINGS)
	$(BIN)/jupyter lab --port=$(PORT) $(ROOT_OK) notebooks/00-overview.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest

# A lesson's source is its solutions twin (notebooks/solutions/NN-name.ipynb): execute runs
# the twin, derives the student notebook from it (tests/derive_student.py) and runs that.
# NB may name a twin, a student notebook (its twin is used) or the app.
execute: $(STAMP)
	@for nb in $(NB); do \
	  twin=notebooks/solutions/$$(basename "$$nb"); \
	  if [ -f "$$twin" ]; then \
	    echo "executing $$twin"; \
	    $(BIN)/python tests/derive_student.py "$$twin" || exit 1; \
	    env -u MCGRAD_STYLE $(BIN)/python tests/execute_notebook.py "$$twin" || exit 1; \
	    $(BIN)/python tests/clean_notebook.py "$$twin" || exit 1; \
	    student=notebooks/$$(basename "$$nb"); \
	    echo "executing $$student"; \
	    env -u MCGRAD_STYLE $(BIN)/python tests/execute_notebook.py "$$student" || exit 1; \
	    $(BIN)/python tests/clean_notebook.py "$$student" || exit 1; \
	  else \
	    echo "executing $$nb"; \
	    env -u MCGRAD_STYLE $(BIN)/python tests/execute_notebook.py "$$nb" || exit 1; \
	    $(BIN)/python tests/clean_notebook.py "$$nb" || exit 1; \
	  fi; \
	done

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python "$$b" || exit 1; done

app: $(STAMP)
	$(BIN)/voila --port=$(PORT) $(ROOT_OK) notebooks/explorer-app.ipynb

# Only this target sets MCGRAD_STYLE: plotting.set_style() then draws lecture-size figures
# in every notebook without an edited cell.  The test suite removes the variable (conftest.py).
lecture: $(STAMP) $(JUPYTER_SETTINGS)
	MCGRAD_STYLE=lecture $(BIN)/jupyter lab --port=$(PORT) $(ROOT_OK) notebooks/00-overview.ipynb

clean:
	rm -rf $(VENV) $(LITE_VENV) $(LITE_OUT)
