"""Synthetic territories and facts for the indicator benchmarks (no file, no reader: straight inserts).

Each synthetic territory `synth-NNNN` gets its own real communes (30 by default, taken from the INSEE
population reference, so populations are real), and per year: emergency passages and MCO stays of its
residents, CPAM snapshots, PRADO and screening rows, SAS effectors/slots/appointments practising in its
communes, a CPTS activity workbook (actions, parcours, trainings, crisis, members) and an Annuaire
extraction. Volumes are parameters; every indicator of the catalogue gets a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
from sqlalchemy import Connection, insert

from warehouse import reference
from warehouse.bulk import insert_frame
from warehouse.tables import metadata
from warehouse.tables.registre import chargements

HOSPITALS = [f"99000{i:04d}" for i in range(12)]


@dataclass(frozen=True)
class Volumes:
    passages: int = 3000  # emergency passages per territory and year
    sejours: int = 800  # MCO stays per territory and year
    sas: int = 200  # SAS slots and appointments per territory and year
    communes: int = 30


def territories(n: int, per: int) -> dict[str, list[str]]:
    """`n` synthetic territories, each with `per` communes no real territory uses."""
    used = set(reference.territories()["code_insee"].to_list())
    pops = reference.populations()
    codes = sorted(set(pops.filter(pl.col("millesime") == pops["millesime"].max())["code_insee"]) - used)
    if n * per > len(codes):
        raise ValueError(f"{n} territoires × {per} communes : seulement {len(codes)} communes disponibles")
    return {f"synth-{k:04d}": codes[k * per:(k + 1) * per] for k in range(n)}


def _load(conn: Connection, type_fichier: str, perimetre: str | None = None, **key: object) -> int:
    """A registry row; `key`: the structured scope key (`perimetre_territoire=…`), as loads record."""
    return int(conn.execute(insert(chargements).values(
        fournisseur="banc", type_fichier=type_fichier, nom_fichier=f"{type_fichier}-{perimetre}",
        perimetre=perimetre, sha256="0" * 64, recu_le=datetime.now(), statut="charge", **key)
        .returning(chargements.c.id)).scalar_one())


def _put(conn: Connection, table: str, frame: pl.DataFrame) -> int:
    """Bulk insert; scalar column defaults (e.g. `professionnels = 0`) filled as SQLAlchemy would."""
    t = metadata.tables[table]
    defaults = {c.name: c.default.arg for c in t.columns
                if c.name not in frame.columns and c.default is not None and c.default.is_scalar}
    return insert_frame(conn, t, frame.with_columns(**{k: pl.lit(v) for k, v in defaults.items()}))


def _days(rng: np.random.Generator, year: int, n: int) -> list[date]:
    first = date(year, 1, 1)
    span = (date(year, 12, 31) - first).days + 1
    return [first + timedelta(days=int(d)) for d in rng.integers(0, span, n)]


def insert_facts(conn: Connection, terr: dict[str, list[str]], years: list[int], vol: Volumes,
                 seed: int = 42) -> int:
    """Insert the synthetic territories and their facts; returns the number of fact rows."""
    rng = np.random.default_rng(seed)
    _put(conn, "territoires", pl.DataFrame({"territoire": list(terr), "libelle": list(terr)}))
    _put(conn, "territoires_communes", pl.DataFrame(
        [{"territoire": t, "code_insee": c} for t, cs in terr.items() for c in cs]))
    rows = 0
    for year in years:
        rows += _hospital(conn, rng, terr, year, vol)
        rows += _cpam(conn, rng, terr, year)
        rows += _sas_and_annuaire(conn, rng, terr, year, vol)
        rows += _workbooks(conn, rng, terr, year, year == years[-1])
    return rows


def _hospital(conn: Connection, rng: np.random.Generator, terr: dict, year: int, vol: Volumes) -> int:
    load = _load(conn, "banc_hopital", str(year))
    n_p, n_s = vol.passages * len(terr), vol.sejours * len(terr)
    communes = [c for cs in terr.values() for c in cs]
    days = _days(rng, year, n_p)
    passages = pl.DataFrame({
        "chargement_id": load, "finess": rng.choice(HOSPITALS, n_p),
        "entree": [datetime(d.year, d.month, d.day, 10) for d in days], "date_entree": days,
        "age": rng.integers(0, 100, n_p), "commune_residence": rng.choice(communes, n_p),
        "gravite": rng.choice(["1", "2", "3", "4", "P"], n_p),
        "mode_sortie": rng.choice(["8", "8", "8", "6", "7"], n_p)})
    entree = _days(rng, year, n_s)
    sortie = [d + timedelta(days=int(k)) for d, k in zip(entree, rng.integers(0, 7, n_s), strict=True)]
    sejours = pl.DataFrame({
        "chargement_id": load, "finess": rng.choice(HOSPITALS[:6], n_s), "annee": [d.year for d in sortie],
        "num_rsa": [f"{year}-{i}" for i in range(n_s)],
        "patient_pseudo": [f"p{i}" for i in rng.integers(0, max(n_s // 3, 1), n_s)],
        "commune_residence": rng.choice(communes, n_s), "date_entree": entree, "date_sortie": sortie,
        "mode_entree": rng.choice(["8", "8", "7"], n_s), "provenance": rng.choice(["5", "1", "2"], n_s),
        "mode_sortie": "8", "ghm": rng.choice(["05M09T", "04M05T", "06C04T"], n_s),
        "dp": rng.choice(["I500", "J180", "K359"], n_s), "uhcd": False})
    return _put(conn, "passages_urgences", passages) + _put(conn, "sejours_mco", sejours)


def _cpam(conn: Connection, rng: np.random.Generator, terr: dict, year: int) -> int:
    load = _load(conn, "banc_cpam", str(year))
    measures = ["consommants_17p", "sans_mt_17p", "consommants_70p", "sans_mt_70p", "patients_ald",
                "ald_sans_mt", "beneficiaires_c2s", "c2s_sans_mt"]
    mt = []
    for t, cs in terr.items():
        for month in (3, 6, 9, 12):
            situation = date(year, month, 30 if month in (6, 9) else 31)
            for code in (None, cs[0], cs[1]):
                mt.append({"territoire": t, "date_situation": situation, "code_insee": code,
                           "est_total": code is None}
                          | {m: int(rng.integers(10, 5000)) for m in measures}
                          | {f"{m}_masque": False for m in measures})
    prado = [{"territoire": t, "annee": year, "mois": date(year, m, 1), "volet": v,
              "patients_inclus": int(rng.integers(0, 20))}
             for t in terr for m in range(1, 13) for v in ("Insuffisance cardiaque", "Maternité")]
    depistage = [{"territoire": t, "annee": year, "depistage": k, "population_cible": 1000,
                  "population_depistee": int(rng.integers(300, 700))}
                 for t in terr for k in ("sein", "col_uterus", "colorectal")]
    return sum(_put(conn, table, pl.DataFrame(data).with_columns(chargement_id=pl.lit(load)))
               for table, data in (("cpam_patientele_mt", mt), ("cpam_prado", prado),
                                   ("cpam_depistage", depistage)))


def _sas_and_annuaire(conn: Connection, rng: np.random.Generator, terr: dict, year: int,
                      vol: Volumes) -> int:
    load = _load(conn, "banc_sas", str(year))
    effecteurs, creneaux, rdv, annuaire = [], [], [], []
    for k, cs in enumerate(terr.values()):
        rpps = [f"1{k:05d}{i:05d}" for i in range(10)]
        for month in (3, 6, 9, 12):
            snap = date(year, month, 1)
            effecteurs += [{"date_instantane": snap, "valide_du": snap, "rpps": r, "profession_code": "10",
                            "commune_exercice": cs[i % len(cs)], "participation_sas": True}
                           for i, r in enumerate(rpps)]
        for i, d in enumerate(_days(rng, year, vol.sas)):
            start = datetime(d.year, d.month, d.day, 9)
            creneaux.append({"creneau_id": f"c{year}-{k}-{i}", "rpps": rpps[i % 10], "debut": start,
                             "fin": start, "duree_heures": 0.25 * (1 + i % 8),
                             "type_creneau": ["SNP", "CPTS", "AUTRE"][i % 3]})
            rdv.append({"rdv_id": f"r{year}-{k}-{i}", "rpps": rpps[i % 10], "cree_le": start,
                        "debut": start, "delai_heures": float(i % 96),
                        "statut": ["fulfilled", "noshow", "booked", "cancelled"][i % 4]})
        annuaire += [{"date_extraction": date(year, 12, 15), "identifiant_pp": f"8{k:05d}{i:05d}",
                      "code_profession": "10", "code_savoir_faire": "SM26", "code_mode_exercice": "L",
                      "commune_exercice": cs[i % len(cs)]} for i in range(30)]
    return sum(_put(conn, table, pl.DataFrame(data).with_columns(chargement_id=pl.lit(load)))
               for table, data in (("sas_effecteurs", effecteurs), ("sas_creneaux", creneaux),
                                   ("sas_rdv", rdv), ("annuaire_activites", annuaire)))


def _workbooks(conn: Connection, rng: np.random.Generator, terr: dict, year: int, last: bool) -> int:
    """One activity workbook per territory and year (scope key territoire, année, as the reader does)."""
    rows = 0
    for t in terr:
        load = _load(conn, "cpts_activite", f"{t}, {year}", perimetre_territoire=t, perimetre_annee=year)
        days = _days(rng, year, 31)
        base = {"territoire": t, "annee": year, "chargement_id": load}
        tables = {
            "cpts_actions": [base | {"date_action": d, "mission": [3, 3, 6][i % 3],
                                     "type_action": ["Réunion de travail", "Partenariat",
                                                     "Rencontre professionnels"][i % 3],
                                     "participants": i} for i, d in enumerate(days[:20])],
            "cpts_parcours": [base | {"date_parcours": d, "parcours": "Insuffisance cardiaque",
                                      "patients_inclus": 5} for d in days[20:24]],
            "cpts_formations": [base | {"date_formation": d, "intitule": "AFGSU 2",
                                        "professionnels_formes": 9} for d in days[24:28]],
            "cpts_crise": [base | {"date_crise": d, "action": ["Plan de crise", "Permanence"][i % 2],
                                   "nombre": 2, "personnes_reorientees": 3}
                           for i, d in enumerate(days[28:31])],
        }
        if last:
            tables["cpts_adherents"] = [base | {"identifiant": f"a{i}", "profession": "Infirmier",
                                                "date_adhesion": date(year - 3, 1, 1)} for i in range(100)]
        rows += sum(_put(conn, table, pl.DataFrame(data)) for table, data in tables.items())
    return rows
