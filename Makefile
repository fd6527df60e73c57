VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
DEMO_DATA ?= .demo-data

.PHONY: demo test bench bench-scale lint clean

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --upgrade pip

# The CPU build of torch goes first, so nothing pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install torch==2.13.0
	$(PIP) install -e '.[llm,dev]'
	touch $(STAMP)

demo: $(STAMP)
	NEWSDESK_DATA_DIR=$(DEMO_DATA) $(VENV)/bin/newsdesk ingest ingest/samples
	NEWSDESK_DATA_DIR=$(DEMO_DATA) $(VENV)/bin/newsdesk ask "What did Putin say about the Geneva summit?"

test: $(STAMP)
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	$(PY) -m bot.cli bench
	$(PY) -m bot.load_bench

bench-scale: $(STAMP)
	$(PY) -m bot.scale_bench

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) $(DEMO_DATA)
