"""Pre-release only: regenerate `0001_schema_initial` from the current table metadata.

    python -m warehouse.migrations.regenerate

Once a release has been deployed, schema changes get their own new migration instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from warehouse.db import alembic_config, make_engine

VERSIONS = Path(__file__).parent / "versions"


def regenerate() -> Path:
    for old in VERSIONS.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/vide.sqlite")
        command.revision(alembic_config(engine), message="schema initial", autogenerate=True,
                         rev_id="0001")
    return next(VERSIONS.glob("0001_*.py"))


if __name__ == "__main__":
    print(regenerate())
