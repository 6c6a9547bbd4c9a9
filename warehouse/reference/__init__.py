"""Compact public reference data committed with the project (derived by `build.py`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

HERE = Path(__file__).parent


@cache
def communes() -> pl.DataFrame:
    """COG 2024: code_insee, type_commune (COM/COMA/COMD/ARM), departement, libelle, code_parent."""
    return pl.read_csv(HERE / "communes_2024.csv", infer_schema=False)


@cache
def populations() -> pl.DataFrame:
    """INSEE population municipale per commune and millésime."""
    return pl.read_csv(
        HERE / "populations.csv",
        schema={"code_insee": pl.String, "millesime": pl.Int64, "population_municipale": pl.Int64},
    )


@cache
def postal_codes() -> pl.DataFrame:
    """La Poste: code_postal, code_insee, nom_commune, ligne_5 (historical names)."""
    return pl.read_csv(HERE / "codes_postaux.csv", infer_schema=False)


@cache
def territories() -> pl.DataFrame:
    """Territories: territoire (code), libelle_territoire, code_insee (one row per commune)."""
    return pl.read_csv(HERE / "territoires.csv", infer_schema=False)


def territory_names() -> dict[str, str]:
    """code → name (« CPTS Vallée du Gier »), in reference order: what people are shown."""
    frame = territories().unique("territoire", maintain_order=True)
    return dict(zip(frame["territoire"].to_list(), frame["libelle_territoire"].to_list(), strict=True))


def territory_codes() -> list[str]:
    return territories()["territoire"].unique(maintain_order=True).to_list()
