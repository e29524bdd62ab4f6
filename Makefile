# sizeup — every target creates the virtual environment from the lock file first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
UV := .uv/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
# byte-compile on install: start-up does not pay for compiling site-packages (PYTHONDONTWRITEBYTECODE may be set)
export UV_COMPILE_BYTECODE := 1

.PHONY: demo test check bench mutate venv clean browser

venv: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock $(UV)
	$(UV) sync --frozen --all-groups
	touch $@

demo: venv
	$(VENV)/bin/sizeup report --sample --out sizeup-report.html

# Debian's chromium drives the browser tests and chart export (kaleido); never downloaded by pip.
# As root apt-get runs directly, otherwise through sudo.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }

test: venv browser
	$(VENV)/bin/python -m pytest -q --timeout=900

check: venv
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: venv
	$(VENV)/bin/python benchmarks/run.py --out BENCHMARKS.md

# mutation testing (not in CI: slow). One module: make mutate MUTANTS='sizeup.analytics.performance._ranks*'
mutate: venv
	$(VENV)/bin/mutmut run --max-children 2 $(MUTANTS)
	$(VENV)/bin/python scripts/mutation_report.py --out docs/mutation.md --header docs/mutation_header.md

clean:
	rm -rf $(VENV) .uv .pytest_cache .mypy_cache .ruff_cache sizeup-report.html
