"""Residence attribution finds a row's territories through an index, not a scan per row.

`territoires_communes` and `territoires_codes_postaux` are keyed (territoire, code): attributing a
load's rows looked each commune or postal code up by scanning the whole table (SQLite's plan:
`SCAN tc` for every passage). Small for two territories, quadratic for a country's 1 000.

Revision ID: 0008_index_residence
Revises: 0007_vue_passages_ordre
"""
from alembic import op

revision = "0008_index_residence"
down_revision = "0007_vue_passages_ordre"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_territoires_communes_code_insee": ("territoires_communes", ["code_insee", "territoire"]),
    "ix_territoires_codes_postaux_code_postal": ("territoires_codes_postaux", ["code_postal", "territoire"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
