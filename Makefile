# `make run` installs everything (once) and runs the main job on the bundled sample; `make test` runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.minutier-installed
OUT ?= out

.PHONY: install run test bench clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml scripts/install.sh
	VENV=$(VENV) bash scripts/install.sh
	touch $@

run: $(STAMP)
	$(VENV)/bin/minutier -v transcribe samples/meeting_en.wav -o $(OUT)/meeting_en.txt
	@echo "Transcript written to $(OUT)/meeting_en.txt"

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/asr_eval.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
