"""Annuaire Santé extraction: `|`-separated, trailing `|`, 56 columns in a shuffled order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import numpy as np

from generator import conventions, geo
from generator.annuaire_columns import (
    AUTHORITIES,
    COLUMNS,
    MODES,
    PROFESSIONS,
    SAVOIR_FAIRE,
    SECTORS,
    STREETS,
)
from generator.context import Ctx
from generator.establishments import CHU, GIER
from generator.professionals import ADELI_GROUPS, GROUPS, Pro, local_professionals, make_pro

# Professionals elsewhere (scale 1): the pipeline keeps departments 42 and 69 only.
BACKGROUND = {"42": 1800, "69": 2500, "43": 300, "38": 250, "63": 200, "07": 150, "13": 300}
_CHUNK = 5000
_NO_COMMUNE = {"Code commune (coord. structure)": "", "Libellé commune (coord. structure)": ""}


def _sector(pro: Pro, rng) -> str:
    if pro.profession == "21":
        return "SA33" if pro.mode == "L" else "SA01"
    if pro.group == "BIO":
        return "SA25"
    if pro.mode == "S":
        return "SA01" if rng.random() < 0.8 else "SA05"
    return "SA08" if rng.random() < 0.45 else "SA07"


def _site(pro: Pro, rng, sector: str) -> dict[str, str]:
    if sector == "SA01":
        finess = GIER if pro.commune.startswith("42") and rng.random() < 0.4 else CHU
        return {"Numéro FINESS site": finess, "Raison sociale site": "CENTRE HOSPITALIER",
                "Identifiant technique de la structure": f"F{finess}"}
    siret = f"{rng.integers(10**13, 10**14)}"
    name = {"SA33": f"PHARMACIE {pro.nom}", "SA25": "LABORATOIRE DE BIOLOGIE MEDICALE"}.get(
        sector, f"CABINET {pro.prenom} {pro.nom}")
    return {"Numéro SIRET site": siret, "Raison sociale site": name,
            "Identifiant technique de la structure": f"C{siret}",
            "Ancien identifiant de la structure": f"3{siret}"}


def _address(commune: str, rng) -> dict[str, str]:
    cp, name, _ = geo.postal_rows(commune)[0]
    code, label, street = STREETS[int(rng.integers(len(STREETS)))]
    return {"Numéro Voie (coord. structure)": str(int(rng.integers(1, 120))),
            "Code type de voie (coord. structure)": code,
            "Libellé type de voie (coord. structure)": label,
            "Libellé Voie (coord. structure)": street,
            "Bureau cedex (coord. structure)": f"{cp} {name}",
            "Code postal (coord. structure)": cp,
            "Code commune (coord. structure)": commune if rng.random() < 0.4 else "",
            "Libellé commune (coord. structure)": name,
            "Téléphone (coord. structure)": f"04{rng.integers(10**7, 10**8)}"}


def _identity(pro: Pro) -> dict[str, str]:
    doctor = pro.profession in ("10", "40")
    sf = pro.savoir_faire or ""
    out = {"Type d'identifiant PP": "0" if pro.adeli else "8", "Identifiant PP": pro.ident,
           "Identification nationale PP": pro.id_nat,
           "Code civilité d'exercice": "DR" if doctor else "",
           "Libellé civilité d'exercice": "Docteur" if doctor else "",
           "Code civilité": "MME" if pro.sexe == "F" else "M",
           "Libellé civilité": "Madame" if pro.sexe == "F" else "Monsieur",
           "Nom d'exercice": pro.nom, "Prénom d'exercice": pro.prenom,
           "Code profession": pro.profession, "Libellé profession": PROFESSIONS[pro.profession],
           "Code catégorie professionnelle": "C", "Libellé catégorie professionnelle": "Civil",
           "Code type savoir-faire": "S" if sf else "",
           "Libellé type savoir-faire": "Spécialité ordinale" if sf else "",
           "Code savoir-faire": sf, "Libellé savoir-faire": SAVOIR_FAIRE.get(sf, ""),
           "Code mode exercice": pro.mode, "Libellé mode exercice": MODES[pro.mode],
           "Autorité d'enregistrement": AUTHORITIES.get(pro.profession, "ARS/ARS/ARS"),
           "Code genre activité": "GENR01",
           "Libellé genre activité": "Activité standard de soin ou de pharmacien"}
    if pro.profession == "21":
        section = "A" if pro.mode == "L" else "H"
        out["Code section tableau pharmaciens"] = section
        out["Libellé section tableau pharmaciens"] = {"A": "Pharmacien titulaire d'officine",
                                                      "H": "Pharmacien hospitalier"}[section]
    return out


def activity_rows(pro: Pro, rng) -> list[dict[str, str]]:
    """One row per practice (two for professionals with a second one)."""
    rows = []
    for commune in filter(None, (pro.commune, pro.second_commune)):
        sector = _sector(pro, rng)
        rows.append({**_identity(pro), **_site(pro, rng, sector), **_address(commune, rng),
                     "Code secteur d'activité": sector,
                     "Libellé secteur d'activité": SECTORS[sector]})
    return rows


def _background(ctx: Ctx, dep: str, index: int) -> Iterator[Pro]:
    com = geo.outside_communes(dep)
    keep = [bool(geo.postal_rows(c)) for c in com["code_insee"]]
    codes = com["code_insee"].to_numpy()[keep]
    pop = com["population"].to_numpy().astype(float)[keep]
    groups = list(GROUPS)
    weights = np.array([GROUPS[g][1] for g in groups])
    total = round(BACKGROUND[dep] * ctx.echelle)
    for start in range(0, total, _CHUNK):
        rng = ctx.rng("annuaire", dep, start)
        for i in range(start, min(total, start + _CHUNK)):
            group = groups[rng.choice(len(groups), p=weights / weights.sum())]
            number = 20_000_000 + index * 1_000_000 + i if group not in ADELI_GROUPS else i
            yield make_pro(rng, group, number, codes, pop / pop.sum(), dep)


def _extraction(annee: int, months: list[int]) -> datetime:
    return datetime(annee, months[-1], 15, 2, 13)


def write_annuaire(ctx: Ctx, annee: int) -> None:
    when = _extraction(annee, ctx.months(annee))
    rng = ctx.rng("annuaire-fichier", annee)
    order = [COLUMNS[i] for i in rng.permutation(len(COLUMNS))]
    open_data = conventions.open_data_annuaire(ctx, annee)
    path = ctx.path("annuaire", f"PS_LibreAcces_Personne_activite_{when:%Y%m%d%H%M}.txt")
    pros = [p for t in ctx.territoires for p in local_professionals(ctx, t)]
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("|".join(order) + "|\n")
        sources = [iter(pros)] + [_background(ctx, d, i) for i, d in enumerate(BACKGROUND)]
        for source in sources:
            lines = []
            for pro in source:
                if pro.debut <= annee and (pro.fin is None or pro.fin > annee):
                    for row in activity_rows(pro, rng):
                        if open_data:  # the locality is only in `Bureau cedex`, as in the real copy
                            row = {**row, **_NO_COMMUNE}
                        lines.append("|".join(row.get(c, "") for c in order) + "|\n")
                if len(lines) >= _CHUNK:
                    out.write("".join(lines))
                    count, lines = count + len(lines), []
            out.write("".join(lines))
            count += len(lines)
    ctx.record(path, "annuaire", count)

