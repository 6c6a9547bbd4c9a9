"""Hospital facts: emergency passages (RPU) and MCO stays (PMSI)."""

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, String, Table

from warehouse.tables.base import IdType, chargement_fk, metadata

passages_urgences = Table(
    "passages_urgences", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(checked=False),
    Column("finess", String(9), nullable=False),
    Column("entree", DateTime, nullable=False, comment="Heure locale Europe/Paris"),
    Column("date_entree", Date, nullable=False, index=True),
    Column("sortie", DateTime),
    Column("age", Integer, comment="Âge en années révolues à l'entrée (date de naissance non conservée)"),
    Column("sexe", String(1)),
    Column("cp_residence", String(5)),
    Column("commune_residence", String(5), comment="Code INSEE résolu, sinon vide"),
    Column("mode_entree", String(1)),
    Column("provenance", String(1)),
    Column("transport", String(5)),
    Column("transport_pec", String(7)),
    Column("motif", String(20)),
    Column("gravite", String(1), comment="CCMU : 1, P, 2, 3, 4, 5, D"),
    Column("dp", String(8)),
    Column("liste_da", String(400)),
    Column("liste_actes", String(400)),
    Column("mode_sortie", String(1), comment="6 mutation, 7 transfert, 8 domicile, 9 décès"),
    Column("destination", String(1)),
    Column("orient", String(5)),
    Column("ordre", String(10), comment="ORDRE du nom national O<FINESS>_<ORDRE>_<date> (plusieurs "
           "exports d'un même FINESS), vide pour les noms canoniques"),
    # A delivery replaces one FINESS's month: its DELETE reads that month, not the FINESS's years.
    Index("ix_passages_urgences_finess_date_entree", "finess", "date_entree"),
    comment="Passages aux urgences (RPU) : une ligne par passage",
)

sejours_mco = Table(
    "sejours_mco", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(checked=False),
    Column("finess", String(9), nullable=False, index=True),
    Column("annee", Integer, nullable=False, comment="Année de la transmission cumulative"),
    Column("num_rsa", String(20), nullable=False),
    Column("patient_pseudo", String(64), index=True, info={"pseudonyme": True},  # key rotation
           comment="HMAC-SHA256 du nir_ano_17 (clé de chaînage) ; vide si clé invalide"),
    Column("sexe", String(1)),
    Column("age", Integer),
    Column("cp_residence", String(5)),
    Column("commune_residence", String(5)),
    Column("date_entree", Date, nullable=False),
    Column("date_sortie", Date, nullable=False, index=True),
    Column("mode_entree", String(1), nullable=False),
    Column("provenance", String(1)),
    Column("mode_sortie", String(1), nullable=False),
    Column("destination", String(1)),
    Column("ghm", String(6), nullable=False),
    Column("dp", String(8), nullable=False),
    Column("dr", String(8)),
    Column("uhcd", Boolean, nullable=False, comment="Un des RUM en UHCD (vide = non)"),
    Column("nb_rum", Integer),
    comment="Séjours MCO (PMSI) : une ligne par RSA",
)
