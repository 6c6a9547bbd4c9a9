"""SAS platform: effectors (snapshots with history), slots and appointments."""

from sqlalchemy import Boolean, Column, Date, DateTime, Float, String, Table

from warehouse.tables.base import IdType, chargement_fk, metadata

sas_effecteurs = Table(
    "sas_effecteurs", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("date_instantane", Date, nullable=False, index=True, comment="Date de l'instantané"),
    Column("valide_du", Date, nullable=False, comment="= date de l'instantané"),
    Column("valide_au", Date, comment="Veille de l'instantané suivant ; vide si dernier"),
    Column("rpps", String(11), nullable=False),
    Column("profession_code", String(2), nullable=False),
    Column("specialite_code", String(10)),
    Column("commune_exercice", String(5), nullable=False),
    Column("participation_sas", Boolean, nullable=False),
    Column("participation_via", String(1)),
    Column("deux_heures_declarees", Boolean),
    Column("date_debut_participation", Date),
    Column("date_fin_participation", Date),
    comment="Effecteurs inscrits sur la plateforme SAS, un instantané par date (historisé)",
)

sas_creneaux = Table(
    "sas_creneaux", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("creneau_id", String(64), nullable=False, unique=True),
    Column("rpps", String(11), nullable=False, index=True),
    Column("debut", DateTime, nullable=False, index=True, comment="Heure locale Europe/Paris"),
    Column("fin", DateTime, nullable=False),
    Column("duree_heures", Float, nullable=False,
           comment="fin − début en heures, calculé sur les instants"),
    Column("type_creneau", String(6), nullable=False),
    Column("type_consultation", String(3)),
    comment="Créneaux de disponibilité publiés au SAS",
)

sas_rdv = Table(
    "sas_rdv", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("rdv_id", String(64), nullable=False, unique=True),
    Column("cree_le", DateTime, nullable=False),
    Column("debut", DateTime, nullable=False, index=True),
    Column("fin", DateTime),
    Column("delai_heures", Float, nullable=False,
           comment="debut − cree_le en heures, calculé sur les instants"),
    Column("statut", String(10), nullable=False, comment="booked, fulfilled, noshow, cancelled"),
    Column("rpps", String(11), nullable=False, index=True),
    Column("categorie_orientation", String(3)),
    Column("type_consultation", String(3)),
    Column("patient_commune", String(5)),
    Column("patient_tranche_age", String(5)),
    comment="Rendez-vous pris par la régulation SAS",
)
