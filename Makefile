# readmit: everything from a fresh clone with only Python 3.11+ and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SEED   ?= 2020
SCALE  ?= 1.0
EXTRACT := data/synthetic/helse-vest
REPORT  := reports/helse-vest.html

.PHONY: install install-test report extract calibration test bench lab screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# with the notebooks extra, so that every command of the README (run-notebook too) works
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## The default synthetic extract (Helse Vest, 2014-2019, scale 1.0)
$(EXTRACT)/episoder.parquet: | $(VENV)/.installed
	$(BIN)/readmit generate $(EXTRACT) --seed $(SEED) --scale $(SCALE)

extract: $(EXTRACT)/episoder.parquet

## The leaders' report of the default synthetic extract (bokmål), after its row counts
report: $(VENV)/.installed $(EXTRACT)/episoder.parquet
	$(BIN)/readmit check $(EXTRACT)
	$(BIN)/readmit report $(EXTRACT) --out $(REPORT)

## docs/report.png, the README's screenshot of the report (headless Chromium:
## Debian's chromium)
CHROMIUM ?= chromium
screenshot: report
	$(CHROMIUM) --headless --no-sandbox --disable-gpu --no-first-run \
	  --disable-background-networking --disable-component-update --disable-sync \
	  --user-data-dir=$$(mktemp -d) --hide-scrollbars --virtual-time-budget=20000 \
	  --window-size=1280,1900 --screenshot=docs/report.png file://$(CURDIR)/$(REPORT)

## Regenerate data/synthetic/CALIBRATION.md from the default extract
calibration: $(VENV)/.installed $(EXTRACT)/episoder.parquet
	$(BIN)/readmit calibration $(EXTRACT) --markdown data/synthetic/CALIBRATION.md

## JupyterLab in the project's environment, on the notebooks (jupytext percent
## scripts open as notebooks; outputs are never stored in them). LAB_ARGS passes
## options on, e.g. make lab LAB_ARGS="--no-browser --allow-root" in a container.
lab: $(VENV)/.installed-test $(EXTRACT)/episoder.parquet
	mkdir -p $(VENV)/share/jupyter/lab/settings
	printf '%s\n' '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"python": "Jupytext Notebook"}}}' \
	  > $(VENV)/share/jupyter/lab/settings/overrides.json
	cd notebooks && ../$(BIN)/jupyter lab $(LAB_ARGS)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -p no:cacheprovider

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed

## Speed and memory at 1 and 10 million episodes (100M: benchmarks/run_all.py --sizes 100M)
bench: $(VENV)/.installed-bench
	READMIT_MEMORY_LIMIT=$${READMIT_MEMORY_LIMIT:-3GB} $(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(EXTRACT) reports
