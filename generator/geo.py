"""Territories, communes and their populations, from the committed reference data."""

from __future__ import annotations

from functools import cache

import polars as pl

from cpts.residence import resolver
from warehouse import reference

# Where patients who live outside both territories come from (share of such rows).
OUTSIDE_DEPARTMENTS = {
    "42": 0.58, "69": 0.17, "43": 0.09, "38": 0.05, "63": 0.03,
    "07": 0.03, "01": 0.02, "71": 0.01, "13": 0.01, "75": 0.01,
}


@cache
def territory_label(territoire: str) -> str:
    terr = reference.territories().filter(pl.col("territoire") == territoire)
    if terr.is_empty():
        raise ValueError(f"territoire inconnu : {territoire}")
    return terr["libelle_territoire"][0]


@cache
def commune_territory() -> dict[str, str]:
    terr = reference.territories()
    return dict(zip(terr["code_insee"], terr["territoire"], strict=True))


@cache
def populations() -> dict[str, int]:
    pop = reference.populations().sort("millesime").unique("code_insee", keep="last")
    return dict(zip(pop["code_insee"], pop["population_municipale"], strict=True))


@cache
def territory_communes(territoire: str) -> pl.DataFrame:
    """code_insee, libelle, population of a territory's communes, by INSEE code."""
    codes = reference.territories().filter(pl.col("territoire") == territoire)["code_insee"]
    pops = populations()
    com = reference.communes().filter(
        (pl.col("type_commune") == "COM") & pl.col("code_insee").is_in(codes.to_list())
    )
    return com.select(
        "code_insee",
        "libelle",
        population=pl.col("code_insee").replace_strict(pops, default=0, return_dtype=pl.Int64),
    ).sort("code_insee")


def territory_population(territoire: str) -> int:
    return int(territory_communes(territoire)["population"].sum())


@cache
def outside_communes(departement: str) -> pl.DataFrame:
    """COM communes of a department that belong to no territory, with population."""
    pops = populations()
    inside = set(commune_territory())
    com = reference.communes().filter(
        (pl.col("type_commune") == "COM")
        & (pl.col("departement") == departement)
        & ~pl.col("code_insee").is_in(list(inside))
    )
    return com.select(
        "code_insee",
        "libelle",
        population=pl.col("code_insee").replace_strict(pops, default=0, return_dtype=pl.Int64),
    ).filter(pl.col("population") > 0)


@cache
def postal_rows(code_insee: str) -> tuple[tuple[str, str, str | None], ...]:
    """(code postal, La Poste name, historical name) rows of a commune."""
    pc = _postal_by_insee().get(code_insee, [])
    return tuple(pc)


@cache
def _postal_by_insee() -> dict[str, list[tuple[str, str, str | None]]]:
    out: dict[str, list[tuple[str, str, str | None]]] = {}
    for row in reference.postal_codes().iter_rows(named=True):
        out.setdefault(row["code_insee"], []).append(
            (row["code_postal"], row["nom_commune"], row["ligne_5"])
        )
    return out


def attribution(cp: str | None, name: str | None, insee: str | None = None) -> str | None:
    """The territory a row is counted in by the pipeline's residence rules, or None."""
    res = resolver().resolve(cp, name, insee)
    if res.commune:
        return commune_territory().get(res.commune)
    return res.territoire_cp


def wholly_inside(cp: str) -> str | None:
    return resolver().territory_of_cp.get(cp)


def territory_index(territoire: str) -> int:
    """Stable position of a territory in the reference (used to number identifiers)."""
    return reference.territory_codes().index(territoire)


@cache
def _labels() -> dict[str, str]:
    com = reference.communes().filter(pl.col("type_commune") == "COM")
    return dict(zip(com["code_insee"], com["libelle"], strict=True))


def commune_label(code: str) -> str:
    return _labels()[code]
