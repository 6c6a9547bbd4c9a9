"""Reference data: communes, populations, postal codes, territories."""

from sqlalchemy import Column, Index, Integer, String, Table

from warehouse.tables.base import metadata

communes = Table(
    "communes", metadata,
    Column("code_insee", String(5), primary_key=True),
    Column("type_commune", String(4), primary_key=True, comment="COM, COMA, COMD, ARM"),
    Column("departement", String(3)),
    Column("libelle", String(100), nullable=False),
    Column("code_parent", String(5), comment="Commune de rattachement (COMA, COMD, ARM)"),
    comment="COG INSEE 2024",
)

populations = Table(
    "populations", metadata,
    Column("code_insee", String(5), primary_key=True),
    Column("millesime", Integer, primary_key=True),
    Column("population_municipale", Integer, nullable=False),
    comment="Populations légales INSEE par millésime",
)

codes_postaux = Table(
    "codes_postaux", metadata,
    Column("code_postal", String(5), nullable=False, index=True),
    Column("code_insee", String(5), nullable=False),
    Column("nom_commune", String(100)),
    Column("ligne_5", String(100), comment="Ancien nom encore utilisé dans les adresses"),
    comment="Base officielle des codes postaux (La Poste)",
)

territoires = Table(
    "territoires", metadata,
    Column("territoire", String(60), primary_key=True, comment="Code, ex. vallee-du-gier"),
    Column("libelle", String(120), nullable=False),
)

territoires_communes = Table(
    "territoires_communes", metadata,
    Column("territoire", String(60), primary_key=True),
    Column("code_insee", String(5), primary_key=True),
    # Residence attribution looks territories up by commune, once per loaded row.
    Index("ix_territoires_communes_code_insee", "code_insee", "territoire"),
    comment="Communes de chaque territoire de CPTS",
)

territoires_codes_postaux = Table(
    "territoires_codes_postaux", metadata,
    Column("territoire", String(60), primary_key=True),
    Column("code_postal", String(5), primary_key=True),
    Index("ix_territoires_codes_postaux_code_postal", "code_postal", "territoire"),
    comment="Codes postaux dont toutes les communes sont dans le territoire",
)

reference_versions = Table(
    "reference_versions", metadata,
    Column("nom", String(40), primary_key=True),
    Column("sha256", String(64), nullable=False),
)
