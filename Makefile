# Two commands on a fresh machine: `make demo` and `make test` (everything, as CI runs it);
# `make test-fast` for everyday work (under 2 minutes), `make bench` for every benchmark.
# Both create .venv when missing and install what is needed, once: a second run
# skips the install (the stamp is newer than pyproject.toml).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.encoder-kit-installed
# A CPU build of torch, installed before anything that depends on torch (an
# unpinned torch pulls a multi-GB CUDA build). Override on other machines, e.g.
#   make test TORCH_SPEC="torch" PIP_TORCH_ARGS="--index-url <PyTorch's CPU wheel index>"
TORCH_SPEC ?= torch==2.13.0
PIP_TORCH_ARGS ?=
PYTEST_ARGS ?=

.PHONY: install demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q $(PIP_TORCH_ARGS) "$(TORCH_SPEC)"
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# the nbgrader course workflow on the sample submissions, in build/course-demo:
# warm-cache, release, grade, feedback, report, export, then the gradebook table
demo: install
	$(VENV)/bin/encoder-kit course demo --into build/course-demo --submissions exercises/samples

test: install
	$(PY) scripts/ensure_browser.py
	$(PY) -m ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

# everyday work: no model-heavy, grading-batch or browser tests (those are marked slow /
# browser and run in `make test`)
test-fast: install
	$(PY) -m ruff check .
	$(PY) -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .

bench: install
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info
