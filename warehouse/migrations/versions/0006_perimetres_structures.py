"""Structured scope keys in the load registry; the ORDRE of national RPU names on passages.

- chargements.perimetre_territoire / _finess / _ordre / _annee / _du / _au: the scope key as values
  (it was a `|`-joined string in `perimetre`, which stays as the readable label). Rows loaded before
  get their key from that string, once, here.
- passages_urgences.ordre: `O<FINESS>_<ORDRE>_<date>` names several exports of one FINESS; each
  replaces only its own passages. Existing passages came from canonical names: ORDRE empty.

Revision ID: 0006_perimetres_structures
Revises: 0005_indicateurs_grain
"""
from datetime import date, timedelta

from alembic import op
import sqlalchemy as sa

revision = '0006_perimetres_structures'
down_revision = '0005_indicateurs_grain'
branch_labels = None
depends_on = None

def _columns() -> list[sa.Column]:
    return [
        sa.Column('perimetre_territoire', sa.String(length=60), nullable=True,
                  comment='Périmètre : territoire (CPAM, CPTS)'),
        sa.Column('perimetre_finess', sa.String(length=9), nullable=True,
                  comment='Périmètre : FINESS (RPU, PMSI)'),
        sa.Column('perimetre_ordre', sa.String(length=10), nullable=True,
                  comment='Périmètre : ORDRE du nom national RPU'),
        sa.Column('perimetre_annee', sa.Integer(), nullable=True,
                  comment='Périmètre : année (PMSI, CPAM, CPTS)'),
        sa.Column('perimetre_du', sa.Date(), nullable=True,
                  comment='Périmètre : premier jour (fenêtre, mois ou date de situation)'),
        sa.Column('perimetre_au', sa.Date(), nullable=True,
                  comment='Périmètre : dernier jour (fenêtre, mois ou date de situation)'),
    ]


# Old `perimetre` strings, by file type (frozen here: the loaders no longer write them).
FINESS_WINDOW = {'rpu_xml', 'rpu_csv'}
FINESS_YEAR = {'pmsi_mco'}
TERRITORY_YEAR = {'cpam_prado', 'cpam_depistage', 'cpts_activite', 'cpts_annexe'}
TERRITORY_DATE = {'cpam_patientele_mt'}
SNAPSHOT = {'annuaire', 'sas_effecteurs'}
MONTH = {'sas_creneaux', 'sas_rdv'}


def _key(type_fichier: str, perimetre: str) -> dict | None:
    parts = perimetre.split('|')
    try:
        if type_fichier in FINESS_WINDOW and len(parts) == 3:
            return {'perimetre_finess': parts[0], 'perimetre_du': date.fromisoformat(parts[1]),
                    'perimetre_au': date.fromisoformat(parts[2])}
        if type_fichier in FINESS_YEAR and len(parts) == 2:
            return {'perimetre_finess': parts[0], 'perimetre_annee': int(parts[1])}
        if type_fichier in TERRITORY_YEAR and len(parts) == 2:
            return {'perimetre_territoire': parts[0], 'perimetre_annee': int(parts[1])}
        if type_fichier in TERRITORY_DATE and len(parts) == 2:
            day = date.fromisoformat(parts[1])
            return {'perimetre_territoire': parts[0], 'perimetre_du': day, 'perimetre_au': day}
        if type_fichier in SNAPSHOT and len(parts) == 1:
            day = date.fromisoformat(parts[0])
            return {'perimetre_du': day, 'perimetre_au': day}
        if type_fichier in MONTH and len(parts) == 1 and len(parts[0]) == 6:
            first = date(int(parts[0][:4]), int(parts[0][4:]), 1)
            following = (first + timedelta(days=31)).replace(day=1)
            return {'perimetre_du': first, 'perimetre_au': following - timedelta(days=1)}
    except ValueError:
        return None
    return None


def upgrade() -> None:
    for column in _columns():
        op.add_column('chargements', column)
    op.add_column('passages_urgences', sa.Column(
        'ordre', sa.String(length=10), nullable=True,
        comment="ORDRE du nom national O<FINESS>_<ORDRE>_<date> (plusieurs exports d'un même FINESS), "
                "vide pour les noms canoniques"))
    chargements = sa.table('chargements', sa.column('id'), sa.column('type_fichier'),
                           sa.column('perimetre'), *(sa.column(c.name) for c in _columns()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(chargements.c.id, chargements.c.type_fichier, chargements.c.perimetre)
                        .where(chargements.c.perimetre.is_not(None))).all()
    for row in rows:
        key = _key(row.type_fichier, row.perimetre)
        if key:
            bind.execute(sa.update(chargements).where(chargements.c.id == row.id).values(**key))


def downgrade() -> None:
    with op.batch_alter_table('passages_urgences') as batch_op:
        batch_op.drop_column('ordre')
    with op.batch_alter_table('chargements') as batch_op:
        for column in reversed(_columns()):
            batch_op.drop_column(column.name)
