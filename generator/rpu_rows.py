"""One (establishment, month) chunk of emergency passages, drawn around the planned counts."""

from __future__ import annotations

import numpy as np
import polars as pl

from generator import addresses, clinical
from generator.clinical import choice, strings
from generator.context import Ctx
from generator.establishments import Etablissement
from generator.plan import Category
from generator.timeplan import draw_instants, skip_dst_gap

COLUMNS = ["finess", "cp", "commune", "naissance", "sexe", "entree", "mode_entree",
           "provenance", "transport", "transport_pec", "motif", "gravite", "dp", "liste_da",
           "liste_actes", "sortie", "mode_sortie", "destination", "orient"]


def _pool(ctx: Ctx, etab: Etablissement, category: Category) -> pl.DataFrame:
    if category[0] == "res":
        return addresses.rpu_residents(category[1], ctx.variations)
    if category[0] == "na":
        return addresses.rpu_unattributable(ctx.variations)
    local = addresses.rpu_department(etab.department, ctx.variations) if etab.department else None
    return local if local is not None and not local.is_empty() else addresses.rpu_outside(
        ctx.variations)


def _outcomes(rng: np.random.Generator, category: Category, n: int) -> np.ndarray:
    if category[0] != "res":
        return choice(rng, ["8", "6", "7", "9", None], [0.785, 0.17, 0.04, 0.0015, 0.0035], n)
    fixed = {"8": "8", "9": "9", "": None}
    if category[2] in fixed:
        return np.full(n, fixed[category[2]], dtype=object)
    return choice(rng, ["6", "7"], [0.85, 0.15], n)


def _residence_and_outcome(ctx, etab, counts, rng) -> tuple[pl.DataFrame, np.ndarray]:
    parts, outcomes = [], []
    for category, n in sorted(counts.items()):
        pool = _pool(ctx, etab, category)
        idx = rng.choice(pool.height, size=n, p=(pool["poids"] / pool["poids"].sum()).to_numpy())
        parts.append(pool.select("cp", "commune")[idx])
        outcomes.append(_outcomes(rng, category, n))
    return pl.concat(parts), np.concatenate(outcomes)


def _lists(rng: np.random.Generator, codes: list[str], probs: list[float], n: int) -> np.ndarray:
    """Comma-joined lists of 0, 1 or 2 codes."""
    k = rng.choice(3, size=n, p=probs)
    a, b = choice(rng, codes, [1] * len(codes), n), choice(rng, codes, [1] * len(codes), n)
    out = np.where(k == 1, a, np.where(k == 2, a + ", " + b, None))
    return out.astype(object)


def _clinical(rng: np.random.Generator, hosp: np.ndarray, n: int) -> dict[str, np.ndarray]:
    diag = clinical.ED_DIAGNOSES
    home_i = clinical.pick(rng, diag, [d[2] for d in diag], n)
    hosp_i = clinical.pick(rng, diag, [d[3] for d in diag], n)
    i = np.where(hosp, hosp_i, home_i)
    motif = np.array([d[0] for d in diag], dtype=object)[i]
    motif[rng.random(n) < 0.02] = None
    home_g = choice(rng, ["1", "P", "2", "3", "4", "5", None],
                    [0.24, 0.03, 0.66, 0.063, 0.004, 0.001, 0.002], n)
    hosp_g = choice(rng, ["1", "P", "2", "3", "4", "5", "D"],
                    [0.02, 0.02, 0.38, 0.45, 0.10, 0.025, 0.005], n)
    return {
        "motif": motif,
        "dp": np.array([d[1] for d in diag], dtype=object)[i],
        "gravite": np.where(hosp, hosp_g, home_g),
        "liste_da": _lists(rng, clinical.ED_ASSOCIATED, [0.72, 0.2, 0.08], n),
        "liste_actes": _lists(rng, clinical.ED_ACTS, [0.45, 0.4, 0.15], n),
    }


def _arrival(rng: np.random.Generator, hosp: np.ndarray, n: int) -> dict[str, np.ndarray]:
    mode = choice(rng, ["8", "7", "6"], [0.93, 0.05, 0.02], n)
    home_prov = choice(rng, ["5", None, "6", "7", "8"], [0.8, 0.15, 0.01, 0.02, 0.02], n)
    transfer_prov = choice(rng, ["1", "2", "3", "4"], [0.8, 0.1, 0.05, 0.05], n)
    home_t = choice(rng, ["PERSO", "AMBU", "VSAB", "SMUR", "FO", "HELI"],
                    [0.82, 0.07, 0.08, 0.005, 0.02, 0.005], n)
    hosp_t = choice(rng, ["PERSO", "AMBU", "VSAB", "SMUR", "FO", "HELI"],
                    [0.45, 0.25, 0.2, 0.07, 0.02, 0.01], n)
    transport = np.where(hosp, hosp_t, home_t)
    pec = np.where(np.isin(transport, ["SMUR", "HELI"]), "MED",
                   np.where(np.isin(transport, ["AMBU", "VSAB"]) & (rng.random(n) < 0.5),
                            "PARAMED", "AUCUN")).astype(object)
    pec[rng.random(n) < 0.04] = None
    return {"mode_entree": mode, "provenance": np.where(mode == "8", home_prov, transfer_prov),
            "transport": transport, "transport_pec": pec}


def _departure(rng: np.random.Generator, outcome: np.ndarray, n: int) -> dict[str, np.ndarray]:
    transferred = np.isin(outcome, ["6", "7"])
    dest = choice(rng, ["1", "2", "4", "6"], [0.92, 0.03, 0.04, 0.01], n)
    hosp_o = choice(rng, ["MED", "CHIR", "UHCD", "OBST", "SC", "SI", "REA", "HO", "HDT"],
                    [0.36, 0.18, 0.3, 0.02, 0.04, 0.04, 0.03, 0.015, 0.015], n)
    home_o = choice(rng, [None, "FUGUE", "SCAM", "PSA", "REO"], [0.94, 0.005, 0.01, 0.03, 0.015],
                    n)
    orient = np.where(transferred, hosp_o, np.where(outcome == "8", home_o, None))
    return {"destination": np.where(transferred, dest, None), "orient": orient}


def _times(rng, annee: int, mois: int, hosp: np.ndarray, n: int) -> dict[str, np.ndarray]:
    entree = draw_instants(rng, annee, mois, n)
    los = np.where(hosp, rng.lognormal(np.log(330), 0.6, n), rng.lognormal(np.log(150), 0.7, n))
    los = np.clip(los, 10, 2880).astype(np.int64) * 60 + rng.integers(0, 60, n)
    sortie = skip_dst_gap(entree + los.astype("timedelta64[s]"))
    ages = np.where(hosp, clinical.draw_ages(rng, n, "ed_hosp"),
                    clinical.draw_ages(rng, n, "ed_home"))
    days = ((ages + rng.uniform(0.02, 0.98, n)) * 365.25).astype(np.int64)
    naissance = entree.astype("datetime64[D]") - days.astype("timedelta64[D]")
    return {"entree": entree, "sortie": sortie, "naissance": naissance,
            "sans_sortie": rng.random(n) < 0.005, "sans_naissance": rng.random(n) < 0.01}


def passages(ctx: Ctx, etab: Etablissement, annee: int, mois: int,
             counts: dict[Category, int]) -> pl.DataFrame:
    """Canonical columns: strings (None = empty), `entree`/`sortie` datetimes, `naissance` date."""
    rng = ctx.rng("rpu", etab.finess, annee, mois)
    where, outcome = _residence_and_outcome(ctx, etab, counts, rng)
    n = where.height
    hosp = np.isin(outcome, ["6", "7", "9"])
    times = _times(rng, annee, mois, hosp, n)
    cols = {**_clinical(rng, hosp, n), **_arrival(rng, hosp, n), **_departure(rng, outcome, n)}
    cols["sexe"] = choice(rng, ["M", "F", "I"], [0.505, 0.49, 0.005], n)
    _variations(ctx, rng, cols, n)
    df = where.with_columns(
        finess=pl.lit(etab.finess),
        mode_sortie=strings(outcome),
        entree=pl.Series(times["entree"].astype("datetime64[ms]")),
        sortie=pl.Series(times["sortie"].astype("datetime64[ms]")),
        naissance=pl.Series(times["naissance"]),
        **{k: strings(v) for k, v in cols.items()},
    ).with_columns(
        sortie=pl.when(pl.Series(times["sans_sortie"])).then(None).otherwise(pl.col("sortie")),
        naissance=pl.when(pl.Series(times["sans_naissance"])).then(None)
        .otherwise(pl.col("naissance")),
    )
    return df.select(COLUMNS).sort("entree", maintain_order=True)


def _variations(ctx: Ctx, rng: np.random.Generator, cols: dict[str, np.ndarray], n: int) -> None:
    """Dotted DP codes and out-of-list ORIENT values (the pipeline stores R104, NULL)."""
    dp = cols["dp"]
    dotted = (rng.random(n) < ctx.rate(0.03)) & np.array([len(d) >= 4 for d in dp])
    dp[dotted] = [d[:3] + "." + d[3:] for d in dp[dotted]]
    cols["orient"][rng.random(n) < ctx.rate(0.002)] = "XYZ"
