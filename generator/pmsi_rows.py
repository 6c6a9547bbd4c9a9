"""One (establishment, discharge month) chunk of PMSI MCO stays, around the planned counts."""

from __future__ import annotations

import numpy as np
import polars as pl

from generator import addresses, clinical, geo
from generator.clinical import choice, strings
from generator.context import Ctx
from generator.establishments import Etablissement
from generator.plan import Category
from generator.pmsi_plan import PairStay, pseudo_key
from generator.timeplan import day_weights, month_days

COLUMNS = ["finess", "num_rsa", "nir_ano_17", "sexe", "age", "cp_residence",
           "commune_residence", "date_entree", "date_sortie", "mode_entree", "provenance",
           "mode_sortie", "destination", "ghm", "dp", "dr", "uhcd", "nb_rum"]
OTHERS_MIX = {"num": 0.14, "urg": 0.25, "uhcd": 0.005, "mut": 0.09, "0nuit": 0.12,
              "cmd": 0.035, "autre": 0.36}
INVALID_KEYS = ["xxxxxxxxxxxxxxxxx", "XXXXXXXXXXXXXXXXD"]
_NO_NIGHT = ("28Z", "02C05", "23Z")


def _ghm(rng, kind: str, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """GHM roots, DPs and lengths of stay (nights) for one kind of stay."""
    table = {"cmd": clinical.EXCLUDED_CMD, "autre": clinical.OTHER_GHM}.get(kind,
                                                                            clinical.MEDICINE)
    i = clinical.pick(rng, table, [t[2] for t in table], n)
    roots = np.array([t[0] for t in table], dtype=object)[i]
    dps = np.array([t[1] for t in table], dtype=object)[i]
    nights = np.clip(np.round(rng.lognormal(np.log(5), 0.7, n)), 1, 60).astype(int)
    if kind == "0nuit":
        nights[:] = 0
    elif kind == "cmd":
        nights = rng.integers(2, 6, n)
    elif kind == "autre":
        same_day = np.array([r.startswith(_NO_NIGHT) for r in roots]) | (rng.random(n) < 0.4)
        nights = np.where(same_day, 0, np.clip(nights - 1, 1, 60))
    return roots, dps, nights


def _severity(rng, roots: np.ndarray, nights: np.ndarray) -> np.ndarray:
    n = len(roots)
    level = choice(rng, ["1", "2", "3", "4"], [0.45, 0.3, 0.18, 0.07], n)
    short = np.where(nights <= 2, np.where(rng.random(n) < 0.3, "T", level), level)
    suffix = np.where(nights == 0, "T", short).astype(object)
    for prefix, fixed in (("28Z", "Z"), ("23Z", "Z"), ("15M", "A"), ("02C05", "J")):
        suffix[[r.startswith(prefix) for r in roots]] = fixed
    suffix[(nights == 0) & np.array([r[2] in "CK" for r in roots])] = "J"
    return roots + suffix


def _entry(rng, kind: str, n: int, roots: np.ndarray) -> dict[str, np.ndarray]:
    home = np.full(n, "8", dtype=object)
    if kind == "mut":
        mode = choice(rng, ["6", "7", "0"], [0.6, 0.35, 0.05], n)
        prov = choice(rng, ["1", "2", "3", "4", "6"], [0.75, 0.12, 0.04, 0.04, 0.05], n)
        return {"mode_entree": mode, "provenance": prov, "uhcd": np.full(n, "0", dtype=object)}
    prov = {"num": choice(rng, [None, "7"], [0.85, 0.15], n),
            "uhcd": choice(rng, [None, "7"], [0.8, 0.2], n),
            "urg": np.full(n, "5", dtype=object),
            "0nuit": choice(rng, [None, "5"], [0.7, 0.3], n)}.get(kind)
    if prov is None:
        prov = choice(rng, [None, "5"], [0.6, 0.4], n)
    uhcd = {"uhcd": np.full(n, "1", dtype=object),
            "urg": choice(rng, ["0", "1"], [0.7, 0.3], n)}.get(kind, np.full(n, "0", dtype=object))
    newborn = np.array([r.startswith("15") for r in roots])
    home[newborn] = "N"
    prov[newborn] = None
    return {"mode_entree": home, "provenance": prov, "uhcd": uhcd}


def _discharge_days(rng, annee: int, mois: int, n: int) -> np.ndarray:
    days = month_days(annee, mois)
    w = day_weights(days, 0.0) * np.where((days.astype(int) + 3) % 7 == 6, 0.5, 1.0)
    return days[rng.choice(len(days), size=n, p=w / w.sum())]


def _block(rng, kind: str, n: int, annee: int, mois: int) -> dict[str, np.ndarray]:
    roots, dps, nights = _ghm(rng, kind, n)
    sortie = _discharge_days(rng, annee, mois, n)
    ages = clinical.draw_ages(rng, n, "stays")
    ages = np.where([r.startswith("14") for r in roots], rng.integers(18, 43, n), ages)
    ages = np.where([r.startswith("15") for r in roots], 0, ages)
    sexe = choice(rng, ["1", "2"], [0.48, 0.52], n)
    sexe[[r.startswith("14") for r in roots]] = "2"
    return {"ghm": _severity(rng, roots, nights), "dp": dps, "age": ages.astype(str),
            "sexe": sexe, "date_sortie": sortie,
            "date_entree": sortie - nights.astype("timedelta64[D]"),
            **_entry(rng, kind, n, roots), "index": np.zeros(n, dtype=bool),
            "key": np.full(n, None, dtype=object)}


def _pair_block(rng, pairs: list[PairStay]) -> dict[str, np.ndarray]:
    n = len(pairs)
    kinds = [p.category[2] for p in pairs]
    prov = np.array([("5" if k == "urg" else None) for k in kinds], dtype=object)
    return {"ghm": np.array([f"05M09{s}" for s in choice(rng, ["2", "3", "4"], [.4, .4, .2], n)],
                            dtype=object),
            "dp": choice(rng, ["I500", "I501", "I509"], [0.5, 0.3, 0.2], n),
            "age": rng.integers(68, 96, n).astype(str), "sexe": choice(rng, ["1", "2"], [1, 1], n),
            "date_sortie": np.array([p.sortie for p in pairs], dtype="datetime64[D]"),
            "date_entree": np.array([p.entree for p in pairs], dtype="datetime64[D]"),
            "mode_entree": np.full(n, "8", dtype=object), "provenance": prov,
            "uhcd": np.full(n, "0", dtype=object),
            "index": np.array([p.index for p in pairs], dtype=bool),
            "key": np.array([p.key for p in pairs], dtype=object)}


def _kinds(rng, category: Category, n: int) -> list[tuple[str, int]]:
    if category[0] == "res":
        return [(category[2], n)]
    counts = rng.multinomial(n, list(OTHERS_MIX.values()))
    return [(k, int(c)) for k, c in zip(OTHERS_MIX, counts, strict=True) if c]


def _pool(etab: Etablissement, category: Category, v: float) -> pl.DataFrame:
    if category[0] == "res":
        return addresses.pmsi_residents(category[1], v)
    if category[0] == "na":
        return addresses.pmsi_unattributable()
    local = addresses.pmsi_department(etab.department) if etab.synthetic else None
    return local if local is not None and not local.is_empty() else addresses.pmsi_outside()


def _keys(ctx: Ctx, rng, group: str, n: int, population: int) -> np.ndarray:
    idx = rng.integers(0, max(1000, population // 2), n)
    keys = np.array([pseudo_key(ctx.graine, group, int(i)) for i in idx], dtype=object)
    bad = rng.random(n) < 0.01
    keys[bad] = choice(rng, INVALID_KEYS, [0.7, 0.3], int(bad.sum()))
    return keys


def _concat(blocks: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}


def _residence(ctx, etab, rng, category: Category, n: int) -> pl.DataFrame:
    pool = _pool(etab, category, ctx.variations)
    idx = rng.choice(pool.height, size=n, p=(pool["poids"] / pool["poids"].sum()).to_numpy())
    where = pool[idx]
    drop = pl.Series(rng.random(n) >= etab.pmsi_insee) & where["cp_seul"]
    population = geo.territory_population(category[1]) if category[0] == "res" else 500000
    return where.select(
        cp_residence=pl.col("cp"),
        commune_residence=pl.when(drop).then(None).otherwise(pl.col("insee")),
        group=pl.lit("-".join(category)), population=pl.lit(population),
    )


def stays(ctx: Ctx, etab: Etablissement, annee: int, mois: int,
          counts: dict[Category, int], pairs: list[PairStay]) -> pl.DataFrame:
    """Stays discharged in the month; `num_rsa` is filled by the writer."""
    rng = ctx.rng("pmsi", etab.finess, annee, mois)
    blocks, places = [], []
    for category, n in sorted(counts.items()):
        for kind, k in _kinds(rng, category, n):
            blocks.append(_block(rng, kind, k, annee, mois))
        places.append(_residence(ctx, etab, rng, category, n))
    for category in sorted({p.category for p in pairs}):
        mine = [p for p in pairs if p.category == category]
        blocks.append(_pair_block(rng, mine))
        places.append(_residence(ctx, etab, rng, category, len(mine)))
    if not blocks:
        return pl.DataFrame()
    cols = _concat(blocks)
    where = pl.concat(places)
    return _assemble(ctx, etab, rng, cols, where)


def _assemble(ctx, etab, rng, cols, where: pl.DataFrame) -> pl.DataFrame:
    n = where.height
    keys = cols["key"]
    groups = where.select("group", "population").unique(maintain_order=True)
    for group, population in groups.iter_rows():
        mask = (where["group"] == group).to_numpy() & np.equal(keys, None)
        keys[mask] = _keys(ctx, rng, group, int(mask.sum()), population)
    out = _exit(rng, cols, n)
    uhcd = cols["uhcd"]
    uhcd[(uhcd == "0") & (rng.random(n) < ctx.rate(0.1))] = None  # empty uhcd means 0
    df = where.select("cp_residence", "commune_residence").with_columns(
        finess=pl.lit(etab.finess), num_rsa=pl.lit(None, dtype=pl.String),
        nir_ano_17=strings(keys), date_entree=pl.Series(cols["date_entree"]),
        date_sortie=pl.Series(cols["date_sortie"]), dr=pl.lit(None, dtype=pl.String),
        nb_rum=strings(choice(rng, ["1", "2", "3"], [0.8, 0.15, 0.05], n)),
        **{k: strings(cols[k]) for k in ("sexe", "age", "mode_entree", "provenance", "ghm",
                                         "dp", "uhcd")},
        **{k: strings(v) for k, v in out.items()},
    )
    return df.select(COLUMNS).sort("date_sortie", maintain_order=True)


def _exit(rng, cols: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    mode = choice(rng, ["8", "6", "7", "9", "0"], [0.86, 0.05, 0.04, 0.03, 0.02], n)
    mode[cols["index"]] = "8"  # index stays of readmission pairs end at home
    dest_transfer = choice(rng, ["1", "2", "3", "6"], [0.6, 0.3, 0.05, 0.05], n)
    dest_home = choice(rng, [None, "7"], [0.95, 0.05], n)
    dest = np.where(np.isin(mode, ["6", "7"]), dest_transfer,
                    np.where(mode == "8", dest_home, np.where(mode == "0", "1", None)))
    return {"mode_sortie": mode, "destination": dest}
