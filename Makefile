# Everything installs into .venv from pinned versions; nothing is installed by hand.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CASE ?= case.duckdb

.PHONY: demo test bench clean install

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,spark]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/corroborator build examples/chechnya-2017 --case $(CASE)
	$(BIN)/corroborator report $(CASE) -o report.html

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# PYTHONFAULTHANDLER: a crash, even during interpreter exit, prints the Python stack of every thread.
test: $(STAMP) $(CHROMIUM)
	PYTHONFAULTHANDLER=1 $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_build.py

clean:
	rm -rf $(VENV) $(CASE) $(CASE).wal report.html
