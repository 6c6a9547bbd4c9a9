"""Residence attribution as indexed tables, a registry of nightly runs, views created here (never by a run), PostgreSQL roles.

Revision ID: 0004_residence_vues_roles
Revises: 0003_empreinte_cle
"""
import sqlalchemy as sa
from alembic import op

from warehouse.residence import reattribute_all
from warehouse.roles import ensure_roles
from warehouse.views import drop_views, replace_views, view_statements

revision = "0004_residence_vues_roles"
down_revision = "0003_empreinte_cle"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Views the runs used to drop and recreate, including the former residence views.
OLD_VIEWS = ["residence_passages", "residence_sejours", "sejours_mco_residents",
             "sejours_medecine_residents", "passages_urgences_residents", "indicateurs_valeurs",
             "indicateurs_ventilations_libelles"]


def _attribution(name: str, id_column: str, fact: str) -> None:
    op.create_table(
        name,
        sa.Column(id_column, ID, sa.ForeignKey(f"{fact}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("territoire", sa.String(60), primary_key=True),
    )
    op.create_index(f"ix_{name}_territoire", name, ["territoire", id_column])


def _executions() -> None:
    op.create_table(
        "executions",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("debut", sa.DateTime(), nullable=False),
        sa.Column("fin", sa.DateTime()),
        sa.Column("statut", sa.String(20), nullable=False),
        sa.Column("fichiers_prevus", sa.Text()),
        sa.Column("flow_run_id", sa.String(36)),
        sa.Column("message", sa.Text()),
    )


def upgrade() -> None:
    conn = op.get_bind()
    _executions()
    drop_views(conn, OLD_VIEWS + [n for n, _ in view_statements() if n not in OLD_VIEWS])
    _attribution("residence_passages", "passage_id", "passages_urgences")
    _attribution("residence_sejours", "sejour_id", "sejours_mco")
    reattribute_all(conn)
    replace_views(conn)
    ensure_roles(conn)


def downgrade() -> None:
    conn = op.get_bind()
    drop_views(conn, [n for n, _ in view_statements()])
    op.drop_table("executions")
    op.drop_table("residence_sejours")
    op.drop_table("residence_passages")
