"""Derive the compact reference copy committed in `warehouse/reference/` from `shared/reference/`.

Run once when the public reference files change:
    python -m warehouse.reference.build ../shared/reference
Provenance: INSEE COG 2024, INSEE populations légales 2021, La Poste base des codes postaux
(Licence Ouverte / Etalab); see shared/reference/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

HERE = Path(__file__).parent


def build(source: Path, target: Path = HERE) -> None:
    cog = pl.read_csv(source / "cog_communes_2024.csv", infer_schema=False)
    communes = cog.select(
        code_insee=pl.col("COM"),
        type_commune=pl.col("TYPECOM"),
        departement=pl.col("DEP"),
        libelle=pl.col("LIBELLE"),
        code_parent=pl.col("COMPARENT"),
    ).unique(subset=["code_insee", "type_commune"], keep="first", maintain_order=True)
    communes.write_csv(target / "communes_2024.csv")

    pop = pl.read_csv(source / "pop_communes_2021.csv", separator=";", infer_schema=False)
    pop.select(
        code_insee=pl.col("COM"),
        millesime=pl.lit(2021),
        population_municipale=pl.col("PMUN").cast(pl.Int64),
    ).write_csv(target / "populations.csv")

    poste = pl.read_csv(source / "laposte_hexasmal_2020.csv", separator=";", infer_schema=False)
    poste.select(
        code_postal=pl.col("Code_postal"),
        code_insee=pl.col("Code_commune_INSEE"),
        nom_commune=pl.col("Nom_commune"),
        ligne_5=pl.col("Ligne_5"),
    ).unique(maintain_order=True).write_csv(target / "codes_postaux.csv")

    terr = pl.read_csv(source / "territoires.csv", separator=";", infer_schema=False)
    terr.select(
        territoire=pl.col("territoire"),
        libelle_territoire=pl.col("libelle_territoire"),
        code_insee=pl.col("code_insee"),
    ).write_csv(target / "territoires.csv")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference"))
