# Two commands: `make run` serves, `make test` passes. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: install run test test-fast bench lint clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m web.launch

test: install lint
	$(BIN)/python -m pytest -q tests

test-fast: install
	$(BIN)/python -m pytest -q tests/unit

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy eventlog projections workers web bench
