"""Pools of residence representations, each checked against the pipeline's resolver.

Every generated row draws its residence from one of these pools, and every pool entry is
verified (`geo.attribution`) to be attributed exactly as intended: a territory for residents,
None for everybody else. That is the generator's self-check on residence.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from cpts.labels import strip_accents
from generator import geo
from warehouse import reference

SCHEMA = {"cp": pl.String, "commune": pl.String, "insee": pl.String, "poids": pl.Float64,
          "cp_seul": pl.Boolean}


def _typo(name: str) -> str:
    """Drop the last inner vowel: a typing slip the name matching cannot absorb."""
    for i in range(len(name) - 2, 1, -1):
        if name[i] in "AEIOUY" and name[i - 1] != " ":
            return name[:i] + name[i + 1 :]
    return name + "X"


def _name_variants(libelle: str, nom: str, hist: list[str], v: float) -> list[tuple[str, float]]:
    upper = strip_accents(libelle).upper()
    extra = [(upper, 0.12 * v), (libelle, 0.12 * v)] + [(h, 0.04 * v / len(hist)) for h in hist]
    rest = max(0.05, 1 - sum(w for _, w in extra))
    return [(nom, rest), *extra]


def _rpu_rows(communes: pl.DataFrame, v: float, typos_for: str | None) -> list[dict]:
    rows: list[dict] = []
    for insee, libelle, weight in communes.select("code_insee", "libelle", "poids").iter_rows():
        postal = geo.postal_rows(insee)
        cps = sorted({cp for cp, _, _ in postal})
        for cp in cps:
            nom = next(n for c, n, _ in postal if c == cp)
            hist = sorted({h for c, _, h in postal if c == cp and h})
            share = weight / len(cps)
            for name, w in _name_variants(libelle, nom, hist, v):
                rows.append({"cp": cp, "commune": name, "insee": None, "poids": share * w})
            if typos_for and geo.wholly_inside(cp) == typos_for:
                rows.append({"cp": cp, "commune": _typo(nom), "insee": None,
                             "poids": share * 0.015 * v})
    return rows


def _frame(rows: list[dict]) -> pl.DataFrame:
    """Name-based entries (RPU): same (cp, name) variants merged, weights added."""
    df = pl.DataFrame(rows, schema={k: t for k, t in SCHEMA.items() if k != "cp_seul"})
    df = df.with_columns(cp_seul=pl.lit(False)).filter(pl.col("poids") > 0)
    return df.group_by("cp", "commune", "insee", "cp_seul", maintain_order=True).agg(
        pl.col("poids").sum()
    ).select(list(SCHEMA))


def _verified(pool: pl.DataFrame, intended: str | None, strict: bool) -> pl.DataFrame:
    """Keep entries attributed as intended; for resident pools any mismatch is a bug."""
    ok = []
    for cp, name, insee, cp_seul in pool.select("cp", "commune", "insee", "cp_seul").iter_rows():
        good = geo.attribution(cp, name, insee) == intended
        if cp_seul:
            good = good and geo.attribution(cp, None, None) == intended
        if strict and not good:
            raise AssertionError(f"résidence inattendue : {cp!r} {name!r} {insee!r} ≠ {intended}")
        ok.append(good)
    return pool.filter(pl.Series(ok, dtype=pl.Boolean))


def _with_weights(communes: pl.DataFrame, share: float = 1.0) -> pl.DataFrame:
    total = communes["population"].sum() or 1
    return communes.with_columns(poids=pl.col("population") / total * share)


@cache
def rpu_residents(territoire: str, v: float) -> pl.DataFrame:
    communes = _with_weights(geo.territory_communes(territoire))
    return _verified(_frame(_rpu_rows(communes, v, territoire)), territoire, strict=True)


@cache
def rpu_department(departement: str, v: float) -> pl.DataFrame:
    communes = _with_weights(geo.outside_communes(departement))
    return _verified(_frame(_rpu_rows(communes, v, None)), None, strict=False)


@cache
def rpu_outside(v: float) -> pl.DataFrame:
    parts = []
    for dep, share in geo.OUTSIDE_DEPARTMENTS.items():
        pool = rpu_department(dep, v)
        if not pool.is_empty():
            parts.append(pool.with_columns(poids=pl.col("poids") / pl.col("poids").sum() * share))
    return pl.concat(parts)


_UNATTRIBUTABLE_CLEAN = [("", None), ("99999", None), ("42999", None), ("99134", "ESPAGNE"),
                         ("99127", "ITALIE"), ("99109", "ALLEMAGNE")]
_UNATTRIBUTABLE_TYPOS = [("69420", "TREVE"), ("69420", "LONGE"), ("42140", "MARCENO"),
                         ("42410", "PAVEZIN BOURG"), ("42660", "LE BESSA")]


@cache
def rpu_unattributable(v: float) -> pl.DataFrame:
    pairs = _UNATTRIBUTABLE_CLEAN + (_UNATTRIBUTABLE_TYPOS if v > 0 else [])
    rows = [{"cp": cp or None, "commune": n, "insee": None, "poids": 1.0} for cp, n in pairs]
    return _verified(_frame(rows), None, strict=True)


@cache
def pmsi_residents(territoire: str, v: float) -> pl.DataFrame:
    """(cp, insee) rows; `cp_seul` marks those whose insee may be left out (cp wholly inside)."""
    rows = []
    communes = _with_weights(geo.territory_communes(territoire))
    for insee, weight in communes.select("code_insee", "poids").iter_rows():
        cps = sorted({cp for cp, _, _ in geo.postal_rows(insee)})
        for cp in cps:
            rows.append({"cp": cp, "commune": None, "insee": insee, "poids": weight / len(cps),
                         "cp_seul": geo.wholly_inside(cp) == territoire})
    rows += _former_communes(territoire, communes, v)
    pool = pl.DataFrame(rows, schema=SCHEMA).filter(pl.col("poids") > 0)
    return _verified(pool, territoire, strict=True)


def _former_communes(territoire: str, communes: pl.DataFrame, v: float) -> list[dict]:
    """Associated/delegated commune codes (La Cula → Genilac) some hospitals still send."""
    weights = dict(communes.select("code_insee", "poids").iter_rows())
    former = reference.communes().filter(
        pl.col("type_commune").is_in(["COMA", "COMD"])
        & pl.col("code_parent").is_in(list(weights))
        & (pl.col("code_insee") != pl.col("code_parent"))
    )
    rows = []
    for code, parent in former.select("code_insee", "code_parent").iter_rows():
        cp = geo.postal_rows(parent)[0][0]
        rows.append({"cp": cp, "commune": None, "insee": code, "poids": weights[parent] * 0.05 * v,
                     "cp_seul": False})
    return rows


@cache
def pmsi_department(departement: str, share: float = 1.0) -> pl.DataFrame:
    """(cp, insee) of communes outside the territories; without insee they stay unattributed."""
    rows = []
    communes = _with_weights(geo.outside_communes(departement), share)
    for insee, weight in communes.select("code_insee", "poids").iter_rows():
        postal = geo.postal_rows(insee)
        if postal:
            rows.append({"cp": postal[0][0], "commune": None, "insee": insee, "poids": weight,
                         "cp_seul": True})
    return _verified(pl.DataFrame(rows, schema=SCHEMA), None, strict=False)


@cache
def pmsi_outside() -> pl.DataFrame:
    parts = [pmsi_department(dep, share) for dep, share in geo.OUTSIDE_DEPARTMENTS.items()]
    return pl.concat([p for p in parts if not p.is_empty()])


@cache
def pmsi_unattributable() -> pl.DataFrame:
    cps = ["42140", "69420", "99999", None, "99134", "42410"]
    rows = [{"cp": cp, "commune": None, "insee": None, "poids": 1.0, "cp_seul": False}
            for cp in cps]
    return _verified(pl.DataFrame(rows, schema=SCHEMA), None, strict=True)
