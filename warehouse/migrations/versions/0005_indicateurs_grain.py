"""Unique key on the grain of every mart table; what each load touched; the materialisation's state.

- indicateurs_resultats: one row per (territoire, code_indicateur, type_periode, periode), as documented;
  indicateurs_ventilations per (…, axe, modalite); contrat_suivi per (territoire, annee, date_calcul,
  code_indicateur, mission). Duplicates written before (several runs) are removed, the latest kept.
- chargements.tables_chargees / donnees_du / donnees_au: the source tables and date range a load wrote,
  so the nightly recomputes only the (indicator, period) values it can change.
- indicateurs_etat: the last load taken into account by the nightly's indicator stage.

Revision ID: 0005_indicateurs_grain
Revises: 0004_residence_vues_roles
"""
from alembic import op
import sqlalchemy as sa

from warehouse.roles import ensure_roles

revision = '0005_indicateurs_grain'
down_revision = '0004_residence_vues_roles'
branch_labels = None
depends_on = None

GRAINS = {
    'indicateurs_resultats': ['territoire', 'code_indicateur', 'type_periode', 'periode'],
    'indicateurs_ventilations': ['territoire', 'code_indicateur', 'type_periode', 'periode', 'axe',
                                 'modalite'],
}
# NULL code (mission and total lines) and NULL mission (total line) must still collide.
CONTRAT_GRAIN = ['territoire', 'annee', 'date_calcul', "COALESCE(code_indicateur, '')",
                 'COALESCE(mission, 0)']


def _dedupe(table: str, columns: list[str]) -> None:
    keys = ', '.join(columns)
    op.execute(f'DELETE FROM {table} WHERE id NOT IN (SELECT MAX(id) FROM {table} GROUP BY {keys})')


def upgrade() -> None:
    for table, columns in GRAINS.items():
        _dedupe(table, columns)
        op.create_index(f'uq_{table}_grain', table, columns, unique=True)
    _dedupe('contrat_suivi', CONTRAT_GRAIN)
    op.create_index('uq_contrat_suivi_grain', 'contrat_suivi',
                    [sa.text(c) for c in CONTRAT_GRAIN], unique=True)
    op.add_column('chargements', sa.Column(
        'tables_chargees', sa.String(length=300), nullable=True,
        comment='Tables sources écrites par le chargement, séparées par des virgules'))
    op.add_column('chargements', sa.Column(
        'donnees_du', sa.Date(), nullable=True, comment='Première date des lignes chargées'))
    op.add_column('chargements', sa.Column(
        'donnees_au', sa.Date(), nullable=True, comment='Dernière date des lignes chargées'))
    op.create_table(
        'indicateurs_etat',
        sa.Column('cle', sa.String(length=40), nullable=False, comment='Calcul suivi, ex. nocturne'),
        sa.Column('dernier_chargement', sa.Integer(), nullable=True,
                  comment='Plus grand identifiant de chargement pris en compte'),
        sa.Column('empreinte', sa.String(length=64), nullable=False,
                  comment='Empreinte du catalogue, du référentiel et des territoires utilisés'),
        sa.Column('periodes', sa.Text(), nullable=False, comment='Périodes calculées (type:libellé)'),
        sa.Column('calcule_le', sa.DateTime(), nullable=False, comment='Date et heure du calcul'),
        sa.PrimaryKeyConstraint('cle', name=op.f('pk_indicateurs_etat')),
        comment="État du calcul incrémental des indicateurs : ce qui a déjà été pris en compte")
    ensure_roles(op.get_bind())  # the writer role gets the new table


def downgrade() -> None:
    op.drop_table('indicateurs_etat')
    with op.batch_alter_table('chargements') as batch_op:
        batch_op.drop_column('donnees_au')
        batch_op.drop_column('donnees_du')
        batch_op.drop_column('tables_chargees')
    op.drop_index('uq_contrat_suivi_grain', table_name='contrat_suivi')
    for table in GRAINS:
        op.drop_index(f'uq_{table}_grain', table_name=table)
