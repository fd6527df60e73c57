# Everything installs from uv.lock into .venv, with uv (itself installed into .tools/).
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DATA ?= .demo-data
SYNC := $(UV) sync --locked --inexact --python python3

export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test test-quick lint bench bench-scale lock clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# One stamp per set of extras: the runtime (demo), +llm +test (tests), +bench (benchmarks).
$(VENV)/.runtime: pyproject.toml uv.lock | $(UV)
	$(SYNC)
	touch $@

$(VENV)/.test: pyproject.toml uv.lock | $(UV)
	$(SYNC) --extra llm --extra test
	touch $@ $(VENV)/.runtime

$(VENV)/.bench: pyproject.toml uv.lock | $(UV)
	$(SYNC) --extra llm --extra test --extra bench
	touch $@ $(VENV)/.test $(VENV)/.runtime

demo: $(VENV)/.runtime
	NEWSDESK_DATA_DIR=$(DEMO_DATA) $(VENV)/bin/newsdesk ingest ingest/samples
	NEWSDESK_DATA_DIR=$(DEMO_DATA) $(VENV)/bin/newsdesk ask "What did Putin say about the Geneva summit?"

test: $(VENV)/.test
	$(VENV)/bin/pytest -q

test-quick: $(VENV)/.test
	$(VENV)/bin/pytest -q -m "not slow and not llm and not server"

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.bench
	$(PY) -m bench

bench-scale: $(VENV)/.bench
	$(PY) -m bench.scale

# Refresh uv.lock after changing the dependencies in pyproject.toml.
lock: | $(UV)
	$(UV) lock --python python3

clean:
	rm -rf $(VENV) $(TOOLS) $(DEMO_DATA)
