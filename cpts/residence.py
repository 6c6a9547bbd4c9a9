"""Residence of a patient: INSEE code, or postal code + commune name (exports.md, Residence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import polars as pl

from cpts.labels import normalise_commune_name
from warehouse import reference


@dataclass(frozen=True)
class Residence:
    """A resolved residence: the commune when known, else the territory a postal code implies."""

    commune: str | None
    territoire_cp: str | None = None  # territory wholly containing the postal code


@dataclass
class ResidenceResolver:
    known_insee: set[str] = field(default_factory=set)
    parent_of: dict[str, str] = field(default_factory=dict)
    by_cp_name: dict[tuple[str, str], str] = field(default_factory=dict)
    territory_of_cp: dict[str, str] = field(default_factory=dict)

    def commune_from_insee(self, code: str | None) -> str | None:
        """A valid COG code, mapped to its parent when associated/delegated/arrondissement."""
        if not code:
            return None
        code = code.strip().upper().zfill(5)
        if code in self.parent_of:
            return self.parent_of[code]
        return code if code in self.known_insee else None

    def resolve(self, cp: str | None, name: str | None, insee: str | None = None) -> Residence:
        commune = self.commune_from_insee(insee)
        if commune:
            return Residence(commune)
        cp = (cp or "").strip().zfill(5) if cp and cp.strip() else ""
        if not cp:
            return Residence(None)
        commune = self.by_cp_name.get((cp, normalise_commune_name(name)))
        if commune:
            return Residence(commune)
        return Residence(None, self.territory_of_cp.get(cp))


@cache
def resolver() -> ResidenceResolver:
    """The resolver built once from the committed reference data."""
    communes = reference.communes()
    known = set(communes.filter(pl.col("type_commune") == "COM")["code_insee"].to_list())
    parents = {
        row["code_insee"]: row["code_parent"]
        for row in communes.filter(
            pl.col("type_commune").is_in(["COMA", "COMD", "ARM"])
        ).iter_rows(named=True)
        if row["code_parent"]
    }
    libelle = dict(zip(communes["code_insee"], communes["libelle"], strict=True))
    by_cp_name: dict[tuple[str, str], str] = {}
    for row in reference.postal_codes().iter_rows(named=True):
        code = parents.get(row["code_insee"], row["code_insee"])
        for name in (row["nom_commune"], row["ligne_5"], libelle.get(row["code_insee"])):
            if name:
                by_cp_name.setdefault((row["code_postal"], normalise_commune_name(name)), code)
    return ResidenceResolver(known, parents, by_cp_name, wholly_inside_postal_codes())


def wholly_inside_postal_codes() -> dict[str, str]:
    """Postal codes all of whose communes belong to one territory → that territory."""
    terr = reference.territories().select("territoire", "code_insee")
    cps = reference.postal_codes().select("code_postal", "code_insee").unique()
    joined = cps.join(terr, on="code_insee", how="left")
    inside = (
        joined.group_by("code_postal")
        .agg(pl.col("territoire").n_unique().alias("n"), pl.col("territoire").null_count().alias("out"),
             pl.col("territoire").drop_nulls().first().alias("territoire"))
        .filter((pl.col("out") == 0) & (pl.col("n") == 1))
    )
    return dict(zip(inside["code_postal"], inside["territoire"], strict=True))
