# Two entry points that work on a fresh machine with Python 3.11 and pip.
PYTHON ?= python3.11
UV := $(shell command -v uv 2>/dev/null || echo .venv-uv/bin/uv)
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: demo test lint bootstrap bytecode

$(UV):
	$(PYTHON) -m venv .venv-uv || python3 -m venv .venv-uv
	.venv-uv/bin/pip install --quiet uv

# Bytecode is compiled once, at install (uv does not by default) and here for our own packages
# (only what changed): with PYTHONDONTWRITEBYTECODE set, as on our machines and in containers,
# Python never writes it, so every process (the nightly, each reading process, each test worker)
# would compile every module it imports again: ~2.3 s for polars, SQLAlchemy, pandera and Prefect.
# The interpreter's own path, not a pyenv shim's: uv keeps a venv made from it instead of recreating it.
EXECUTABLE := import sys; print(sys.executable)
.venv/.synced: $(UV) pyproject.toml uv.lock Makefile
	$(UV) sync --frozen --compile-bytecode --python \
	  $$($(PYTHON) -c '$(EXECUTABLE)' 2>/dev/null || python3 -c '$(EXECUTABLE)')
	touch $@

bootstrap: bytecode

PACKAGES := cpts flows tasks schemas warehouse generator quality report contract portal bench
bytecode: .venv/.synced
	.venv/bin/python -m compileall -q -j 0 $(PACKAGES)

demo: bytecode  ## exemples → chargement nocturne → indicateurs → rapport Excel
	.venv/bin/cpts demo

test: bytecode  ## toute la suite (SQLite et PostgreSQL)
	.venv/bin/python -m pytest -n 2 -q

lint: .venv/.synced
	.venv/bin/ruff check .
