"""Annuaire Santé (public RPPS extraction), filtered to the configured departments."""

from sqlalchemy import Column, Date, String, Table

from warehouse.tables.base import IdType, chargement_fk, metadata

annuaire_activites = Table(
    "annuaire_activites", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("date_extraction", Date, nullable=False, index=True),
    Column("type_identifiant", String(2)),
    Column("identifiant_pp", String(11), nullable=False, index=True),
    Column("code_profession", String(2)),
    Column("code_savoir_faire", String(10)),
    Column("code_mode_exercice", String(1), comment="L libéral, S salarié, B bénévole"),
    Column("code_postal", String(5)),
    Column("commune_exercice", String(5), comment="Code INSEE résolu"),
    Column("code_secteur_activite", String(10)),
    comment="Activités des professionnels de santé (Annuaire Santé), une ligne par activité",
)
