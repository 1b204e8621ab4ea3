# Loket — see README.md. Every target installs what it needs into .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run demo test lint format messages bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: install
	bin/serve

demo: install
	bin/demo

test: install
	bin/test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	cd src && ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete && ../$(BIN)/python ../manage.py compilemessages

bench: install
	$(BIN)/python bench/status_lookup.py

clean:
	rm -rf $(VENV) var
