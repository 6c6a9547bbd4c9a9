"""Loads find what they touch through indexes: the territories of a row, the month they replace.

- `territoires_communes` and `territoires_codes_postaux` are keyed (territoire, code): attributing
  a load's rows looked each commune or postal code up by scanning the whole table (SQLite's plan:
  `SCAN tc` for every passage). Small for two territories, quadratic for a country's 1 000.
- A RPU delivery's DELETE (one FINESS, one month) went through the index on FINESS alone, reading
  every passage of that FINESS, all years: (finess, date_entree) replaces it (it serves FINESS alone
  too).

Revision ID: 0008_index_chargement
Revises: 0007_vue_passages_ordre
"""
from alembic import op

revision = "0008_index_chargement"
down_revision = "0007_vue_passages_ordre"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_territoires_communes_code_insee": ("territoires_communes", ["code_insee", "territoire"]),
    "ix_territoires_codes_postaux_code_postal": ("territoires_codes_postaux", ["code_postal", "territoire"]),
    "ix_passages_urgences_finess_date_entree": ("passages_urgences", ["finess", "date_entree"]),
}
REPLACED = ("ix_passages_urgences_finess", "passages_urgences", ["finess"])


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    op.drop_index(REPLACED[0], table_name=REPLACED[1])


def downgrade() -> None:
    op.create_index(*REPLACED)
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
