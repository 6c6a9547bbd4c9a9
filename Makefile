# Two entry points that work on a fresh machine with Python 3.11 and pip.
PYTHON ?= python3.11
UV := $(shell command -v uv 2>/dev/null || echo .venv-uv/bin/uv)
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: demo test lint bootstrap

$(UV):
	$(PYTHON) -m venv .venv-uv || python3 -m venv .venv-uv
	.venv-uv/bin/pip install --quiet uv

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $$(command -v $(PYTHON) || command -v python3)
	touch $@

bootstrap: .venv/.synced

demo: .venv/.synced  ## exemples → chargement nocturne → indicateurs → rapport Excel
	.venv/bin/cpts demo

test: .venv/.synced  ## toute la suite (SQLite et PostgreSQL)
	.venv/bin/python -m pytest -n 2 -q

lint: .venv/.synced
	.venv/bin/ruff check .
