"""CPTS coordinator workbooks: activity of the year and the contract's indicator annex."""

from sqlalchemy import Boolean, Column, Date, Float, Integer, String, Table, Text

from warehouse.tables.base import IdType, chargement_fk, metadata


def _workbook_scope() -> list[Column]:
    return [
        Column("territoire", String(60), nullable=False, index=True),
        Column("annee", Integer, nullable=False, comment="Année du classeur"),
        Column("ligne", Integer, comment="Ligne de la feuille d'origine"),
    ]


cpts_adherents = Table(
    "cpts_adherents", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(), *_workbook_scope(),
    Column("identifiant", String(40), nullable=False, comment="RPPS ou identifiant interne"),
    Column("profession", String(60), nullable=False, comment="Libellé de la liste de référence"),
    Column("mode_exercice", String(10)),
    Column("commune", String(5)),
    Column("date_adhesion", Date, nullable=False),
    Column("date_depart", Date),
    comment="Registre des adhérents (classeur d'activité)",
)

cpts_actions = Table(
    "cpts_actions", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(), *_workbook_scope(),
    Column("date_action", Date, nullable=False),
    Column("mission", Integer, nullable=False, comment="1 à 6"),
    Column("intitule", Text),
    Column("type_action", String(40), nullable=False),
    Column("participants", Integer, nullable=False, default=0),
    Column("professionnels", Integer, nullable=False, default=0),
    Column("partenaires", Text),
    comment="Actions de la CPTS",
)

cpts_parcours = Table(
    "cpts_parcours", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(), *_workbook_scope(),
    Column("date_parcours", Date, nullable=False),
    Column("parcours", String(80), nullable=False),
    Column("patients_inclus", Integer, nullable=False, default=0),
    Column("professionnels_impliques", Integer, nullable=False, default=0),
    comment="Inclusions dans les parcours pluriprofessionnels",
)

cpts_formations = Table(
    "cpts_formations", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(), *_workbook_scope(),
    Column("date_formation", Date, nullable=False),
    Column("intitule", Text, nullable=False),
    Column("professionnels_formes", Integer, nullable=False, default=0),
    comment="Sessions de formation",
)

cpts_crise = Table(
    "cpts_crise", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(), *_workbook_scope(),
    Column("date_crise", Date, nullable=False),
    Column("evenement", Text),
    Column("action", String(40), nullable=False),
    Column("nombre", Integer, nullable=False, default=0),
    Column("personnes_reorientees", Integer, nullable=False, default=0),
    comment="Réponse aux crises sanitaires",
)

annexe_parametres = Table(
    "annexe_parametres", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("territoire", String(60), nullable=False),
    Column("annee", Integer, nullable=False, comment="Année contractuelle N (se termine en N)"),
    Column("debut_annee_contractuelle", Date, nullable=False),
    Column("fin_annee_contractuelle", Date, nullable=False),
    comment="Annexe indicateurs du contrat : paramètres",
)

annexe_enveloppes = Table(
    "annexe_enveloppes", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("territoire", String(60), nullable=False),
    Column("annee", Integer, nullable=False),
    Column("mission", Integer, comment="1 à 6 ; vide pour Fonctionnement"),
    Column("libelle", String(60), nullable=False),
    Column("part_fixe", Float, nullable=False, default=0),
    Column("part_variable", Float, nullable=False, default=0),
    comment="Annexe indicateurs du contrat : enveloppes par mission",
)

annexe_indicateurs = Table(
    "annexe_indicateurs", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("territoire", String(60), nullable=False),
    Column("annee", Integer, nullable=False),
    Column("mission", Integer, nullable=False),
    Column("code_indicateur", String(40), nullable=False),
    Column("libelle", Text),
    Column("valeur_initiale", Float),
    Column("sens", String(1), nullable=False, comment="≥ ou ≤"),
    Column("seuil_socle", Float), Column("montant_socle", Float),
    Column("seuil_intermediaire", Float), Column("montant_intermediaire", Float),
    Column("seuil_objectif", Float), Column("montant_objectif", Float),
    Column("ligne", Integer),
    Column("actif", Boolean, nullable=False, default=True),
    comment="Annexe indicateurs du contrat : paliers et montants par indicateur",
)
