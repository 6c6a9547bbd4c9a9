"""Data-quality results: one row per check of a quality run (Great Expectations + SQL checks)."""

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, String, Table, Text

from warehouse.tables.base import IdType, metadata

qualite_resultats = Table(
    "qualite_resultats", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("execution_id", String(36), nullable=False, index=True, comment="Identifiant du contrôle qualité"),
    Column("execute_le", DateTime, nullable=False),
    Column("controle", String(80), nullable=False, comment="Nom du contrôle (schemas/quality/*.toml)"),
    Column("table_controlee", String(60), nullable=False),
    Column("colonne", String(80)),
    Column("categorie", String(20), nullable=False,
           comment="conformite, completude, plausibilite, integrite"),
    Column("severite", String(4), nullable=False, comment="warn (signalé) ou fail (rend provisoire)"),
    Column("seuil_pct", Float, nullable=False, comment="Part de lignes en échec tolérée (%)"),
    Column("part_echec_pct", Float, comment="Part de lignes en échec observée (%)"),
    Column("lignes_controlees", Integer),
    Column("lignes_en_echec", Integer),
    Column("reussi", Boolean, nullable=False),
    Column("details", Text, comment="Explication en français, exemples d'écarts"),
    Column("indicateurs", String(400), comment="Indicateurs alimentés, séparés par des virgules"),
    Column("periode_debut", Date, comment="Début des données concernées par l'échec"),
    Column("periode_fin", Date, comment="Fin des données concernées par l'échec"),
    comment="Résultats des contrôles qualité : une ligne par contrôle et par exécution",
)
