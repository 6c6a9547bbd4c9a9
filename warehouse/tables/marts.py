"""Marts: indicator catalogue, values with status and lineage, breakdowns."""

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, String, Table, Text

from warehouse.tables.base import IdType, metadata

indicateurs_catalogue = Table(
    "indicateurs_catalogue", metadata,
    Column("version", Integer, primary_key=True, comment="Version du catalogue (2024, 2025)"),
    Column("code_indicateur", String(40), primary_key=True),
    Column("libelle", Text, nullable=False),
    Column("mission", Integer, comment="1 à 6 ; vide = organisation de la CPTS"),
    Column("nature", String(5), nullable=False, comment="stock ou flux"),
    Column("unite", String(20), nullable=False),
    Column("sens", String(1), comment="≥ ou ≤"),
    Column("secret", Boolean, nullable=False, comment="Soumis au secret statistique"),
    Column("sources", Text, nullable=False),
    Column("definition", Text, nullable=False),
    comment="Catalogue des indicateurs, versionné par année",
)

indicateurs_resultats = Table(
    "indicateurs_resultats", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("territoire", String(60), nullable=False),
    Column("code_indicateur", String(40), nullable=False),
    Column("type_periode", String(20), nullable=False,
           comment="annee_civile, annee_contractuelle, cumul_annee, mois"),
    Column("periode", String(30), nullable=False, comment="Libellé, ex. 2024, 2024-03"),
    Column("date_debut", Date, nullable=False),
    Column("date_fin", Date, nullable=False),
    Column("valeur", Float),
    Column("numerateur", Float),
    Column("denominateur", Float),
    Column("valeur_masquee_source", Boolean, nullable=False, default=False,
           comment="Calculé sur des cellules masquées à la source (borne inférieure)"),
    Column("statut", String(15), nullable=False, comment="final, provisoire, non_evaluable"),
    Column("motif_statut", Text),
    Column("version_catalogue", Integer, nullable=False),
    Column("calcule_le", DateTime, nullable=False),
    Column("lignage", Text, comment="Identifiants des chargements sources, séparés par des virgules"),
    comment="Valeurs des indicateurs : une ligne par territoire, indicateur et période",
)

indicateurs_ventilations = Table(
    "indicateurs_ventilations", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("territoire", String(60), nullable=False),
    Column("code_indicateur", String(40), nullable=False),
    Column("periode", String(30), nullable=False),
    Column("axe", String(30), nullable=False, comment="profession, commune, tranche_age"),
    Column("modalite", String(100), nullable=False),
    Column("ordre", Integer, nullable=False, comment="Ordre d'affichage"),
    Column("valeur", Float),
    Column("masque_source", Boolean, nullable=False, default=False),
    Column("calcule_le", DateTime, nullable=False),
    comment="Ventilations publiées des indicateurs (adhérents par profession, passages par commune...)",
)
