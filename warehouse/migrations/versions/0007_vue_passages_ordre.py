"""The analysts' view of emergency passages shows ORDRE on PostgreSQL too.

PostgreSQL expands `p.*` when a view is created, so `passages_urgences_residents` (0004) did not
show the `ordre` column 0006 added; SQLite expands it at each query and already did. The view is
created again from its SQL frozen here (the same text as warehouse/views/020_residents.sql today).
On PostgreSQL, DROP … CASCADE also drops analysts' own views built on this one: release note.

Revision ID: 0007_vue_passages_ordre
Revises: 0006_perimetres_structures
"""
import sqlalchemy as sa
from alembic import op

from warehouse.roles import ensure_roles

revision = "0007_vue_passages_ordre"
down_revision = "0006_perimetres_structures"
branch_labels = None
depends_on = None

VIEW = """CREATE VIEW passages_urgences_residents AS
SELECT r.territoire, p.*
FROM passages_urgences p JOIN residence_passages r ON r.passage_id = p.id"""


def _recreate(create: str) -> None:
    conn = op.get_bind()
    cascade = " CASCADE" if conn.dialect.name == "postgresql" else ""
    conn.exec_driver_sql(f"DROP VIEW IF EXISTS passages_urgences_residents{cascade}")
    conn.exec_driver_sql(create)
    ensure_roles(conn)  # the new view is owned by the writer role like the others


def upgrade() -> None:
    _recreate(VIEW)


def downgrade() -> None:
    # The view as 0004 left it on PostgreSQL (no `ordre`), so that 0006 can drop the column.
    columns = [c["name"] for c in sa.inspect(op.get_bind()).get_columns("passages_urgences")
               if c["name"] != "ordre"]
    listed = ", ".join(f"p.{c}" for c in columns)
    _recreate(VIEW.replace("p.*", listed))
