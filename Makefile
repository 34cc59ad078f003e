# `make run` installs everything (once) and runs the main job on the bundled sample; `make test` runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.minutier-installed
TEST_STAMP := $(VENV)/.minutier-test-tools
OUT ?= out

.PHONY: install run test lint bench serve clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml scripts/install.sh
	VENV=$(VENV) bash scripts/install.sh
	touch $@

$(TEST_STAMP): scripts/install-test-tools.sh
	bash scripts/install-test-tools.sh
	touch $@

# The main job: the bundled sample through the whole Prefect flow (a local Prefect server is
# started and stopped around it), minutes and documents in $(OUT)/.
run: $(STAMP)
	$(VENV)/bin/minutier -v process samples/meeting_en.wav --client demo --out-dir $(OUT)
	@echo "Minutes and documents written to $(OUT)/"

test: $(STAMP) $(TEST_STAMP)
	$(PY) -m pytest

serve: $(STAMP)
	$(VENV)/bin/minutier -v serve

# Lint and static types (CI runs this before the tests).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy pipeline service cli flows desk

bench: $(STAMP)
	$(PY) bench/asr_eval.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache test-results .minutier
