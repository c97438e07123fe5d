# Two commands do all set-up on a fresh machine with only Python >= 3.11:
#   make run    - create .venv, install, run the bot (console chat when TELEGRAM_BOT_TOKEN is unset)
#   make test   - create .venv, install with the test extra, run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test chat validate flows-test bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/callshield run

test: $(STAMP)
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/callshield flows validate

flows-test: $(STAMP)
	$(BIN)/callshield flows test

bench: $(STAMP)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/telegram.py
	$(BIN)/python bench/letters.py
	$(BIN)/python bench/safety.py
