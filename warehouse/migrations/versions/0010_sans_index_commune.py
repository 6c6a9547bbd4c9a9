"""The national facts are no longer indexed by commune of residence.

`ix_passages_urgences_commune_residence` and `ix_sejours_mco_commune_residence` date from the
first schema, when indicators filtered the facts by the communes of a territory. Since 0004 they
join the residence tables instead (`residence_passages`, `residence_sejours`), and attributing a
load starts from its own rows (by `chargement_id`) and looks the communes up in the territories'
index (0008): nothing reads these two indexes, while every loaded row paid a random insert into
them (PostgreSQL: 11 % of a RPU load, 320 files 70.6 k → 78.6 k rows/s). A full re-attribution
scans the facts either way.

Revision ID: 0010_sans_index_commune
Revises: 0009_lignage_non_verifie
"""
from alembic import op

revision = "0010_sans_index_commune"
down_revision = "0009_lignage_non_verifie"
branch_labels = None
depends_on = None

TABLES = ("passages_urgences", "sejours_mco")


def upgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_commune_residence", table_name=table)


def downgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_commune_residence", table, ["commune_residence"])
