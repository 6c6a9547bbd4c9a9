"""CPAM workbooks: patientèle médecin traitant, PRADO, dépistage organisé."""

from sqlalchemy import Boolean, Column, Date, Float, Integer, String, Table

from warehouse.tables.base import IdType, chargement_fk, metadata

# Each CPAM count is stored with a `_masque` flag: a masked cell (`<5`) is unknown (1–4), never 0.
MT_MEASURES = (
    "consommants_17p", "sans_mt_17p", "consommants_70p", "sans_mt_70p",
    "patients_ald", "ald_sans_mt", "beneficiaires_c2s", "c2s_sans_mt",
)


def _measure_columns() -> list[Column]:
    cols: list[Column] = []
    for m in MT_MEASURES:
        cols.append(Column(m, Integer, comment="Vide si masqué"))
        cols.append(Column(f"{m}_masque", Boolean, nullable=False, default=False))
    return cols


cpam_patientele_mt = Table(
    "cpam_patientele_mt", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("territoire", String(60), nullable=False, index=True),
    Column("date_situation", Date, nullable=False),
    Column("code_insee", String(5), comment="Vide pour la ligne TOTAL"),
    Column("commune", String(100)),
    Column("est_total", Boolean, nullable=False, comment="Ligne TOTAL : chiffre du territoire"),
    *_measure_columns(),
    comment="Patientèle et médecin traitant (CPAM), par commune et total, à une date de situation",
)

cpam_prado = Table(
    "cpam_prado", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("territoire", String(60), nullable=False, index=True),
    Column("annee", Integer, nullable=False),
    Column("mois", Date, nullable=False, comment="Premier jour du mois"),
    Column("volet", String(40), nullable=False),
    Column("patients_inclus", Integer, nullable=False),
    comment="Inclusions PRADO par mois et volet (CPAM)",
)

cpam_depistage = Table(
    "cpam_depistage", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("territoire", String(60), nullable=False, index=True),
    Column("annee", Integer, nullable=False),
    Column("depistage", String(30), nullable=False, comment="sein, col_uterus, colorectal"),
    Column("population_cible", Integer, nullable=False),
    Column("population_depistee", Integer, nullable=False),
    Column("taux_fourni", Float, comment="Taux (%) tel que fourni par la CPAM"),
    Column("taux_incoherent", Boolean, nullable=False, default=False,
           comment="Taux fourni éloigné de plus de 0,1 point de dépistée / cible"),
    comment="Dépistage organisé des cancers (CPAM), par année",
)
