"""Hand-built facts inserted straight into the core tables (no files), for indicator tests."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

import polars as pl
from sqlalchemy import Engine, insert

from warehouse.catalogue.sources import touched_range
from warehouse.residence import attribute_batch
from warehouse.tables import activite, annuaire, cpam, hopital, sas
from warehouse.tables.reference import populations
from warehouse.tables.registre import chargements

_seq = count(1)


def load(engine: Engine, table_name: str, rows: list[dict], type_fichier: str = "test") -> int:
    """Insert rows under a fake `chargements` row; returns its id (the lineage).

    Activity-workbook rows are registered as the reader does: one `cpts_activite` load per
    (territory, year), scope key (territoire, année).
    """
    if table_name.startswith("cpts_") and rows:
        groups: dict[tuple, list[dict]] = {}
        for row in rows:
            groups.setdefault((row["territoire"], row["annee"]), []).append(row)
        ids = [_insert(engine, table_name, group, "cpts_activite", (t, y))
               for (t, y), group in groups.items()]
        return ids[0]
    return _insert(engine, table_name, rows, type_fichier, None)


def _insert(engine: Engine, table_name: str, rows: list[dict], type_fichier: str,
            scope: tuple[str, int] | None) -> int:
    table = {t.name: t for m in (activite, annuaire, cpam, hopital, sas)
             for t in vars(m).values() if hasattr(t, "c") and hasattr(t, "name")}[table_name]
    first, last = touched_range({table_name: pl.DataFrame(rows, infer_schema_length=None)})
    with engine.begin() as conn:
        cid = conn.execute(insert(chargements).values(
            fournisseur="test", type_fichier=type_fichier, nom_fichier=f"f{next(_seq)}",
            perimetre=scope and f"{scope[0]}, {scope[1]}", perimetre_territoire=scope and scope[0],
            perimetre_annee=scope and scope[1],
            sha256="0" * 64, recu_le=datetime(2025, 1, 1), statut="charge", tables_chargees=table_name,
            donnees_du=first, donnees_au=last)).inserted_primary_key[0]
        conn.execute(insert(table), [{"chargement_id": cid, **r} for r in rows])
        attribute_batch(conn, cid, [table_name])  # residence, as the loader does
    return cid


def passage(d: date, *, finess: str = "420784878", commune: str | None = "42207", cp: str | None = "42400",
            mode_sortie: str | None = "8", gravite: str | None = "2", age: int | None = 50) -> dict:
    return {"finess": finess, "entree": datetime(d.year, d.month, d.day, 10), "date_entree": d,
            "commune_residence": commune, "cp_residence": cp, "mode_sortie": mode_sortie,
            "gravite": gravite, "age": age}


def sejour(entree: date, sortie: date, *, finess: str = "420784878", ghm: str = "05M09T",
           dp: str = "I500", mode_entree: str = "8", provenance: str | None = None,
           mode_sortie: str = "8", uhcd: bool = False, patient: str | None = "p1",
           commune: str | None = "42207", cp: str | None = "42400", num: str | None = None) -> dict:
    return {"finess": finess, "annee": sortie.year, "num_rsa": num or f"r{next(_seq)}",
            "patient_pseudo": patient, "date_entree": entree, "date_sortie": sortie,
            "mode_entree": mode_entree, "provenance": provenance, "mode_sortie": mode_sortie,
            "ghm": ghm, "dp": dp, "uhcd": uhcd, "commune_residence": commune, "cp_residence": cp}


def mt_row(situation: date, *, territoire: str = "vallee-du-gier", total: bool = True,
           code_insee: str | None = None, masked: tuple[str, ...] = (), **values: int) -> dict:
    row: dict = {"territoire": territoire, "date_situation": situation, "est_total": total,
                 "code_insee": code_insee}
    for m in cpam.MT_MEASURES:
        row[m] = None if m in masked else values.get(m, 0)
        row[f"{m}_masque"] = m in masked
    return row


def effecteur(snapshot: date, rpps: str, *, commune: str = "42207", profession: str = "10",
              participe: bool = True, debut: date | None = None, fin: date | None = None) -> dict:
    return {"date_instantane": snapshot, "valide_du": snapshot, "rpps": rpps,
            "profession_code": profession, "commune_exercice": commune, "participation_sas": participe,
            "date_debut_participation": debut, "date_fin_participation": fin}


def creneau(rpps: str, debut: datetime, heures: float, type_creneau: str = "SNP") -> dict:
    return {"creneau_id": f"c{next(_seq)}", "rpps": rpps, "debut": debut, "fin": debut,
            "duree_heures": heures, "type_creneau": type_creneau}


def rdv(rpps: str, debut: datetime, statut: str, delai: float = 24.0) -> dict:
    return {"rdv_id": f"r{next(_seq)}", "rpps": rpps, "cree_le": debut, "debut": debut,
            "delai_heures": delai, "statut": statut}


def adherent(ident: str, profession: str, adhesion: date, depart: date | None = None, *,
             annee: int = 2024, territoire: str = "vallee-du-gier") -> dict:
    return {"territoire": territoire, "annee": annee, "identifiant": ident, "profession": profession,
            "date_adhesion": adhesion, "date_depart": depart}


def action(d: date, mission: int, type_action: str, participants: int = 0,
           territoire: str = "vallee-du-gier") -> dict:
    return {"territoire": territoire, "annee": d.year, "date_action": d, "mission": mission,
            "type_action": type_action, "participants": participants}


def prado(mois: date, volet: str, patients: int, territoire: str = "vallee-du-gier") -> dict:
    """`mois` is the first day of the month (as loaded from the CPAM file)."""
    return {"territoire": territoire, "annee": mois.year, "mois": mois, "volet": volet,
            "patients_inclus": patients}


def parcours(d: date, nom: str, patients: int, territoire: str = "vallee-du-gier") -> dict:
    return {"territoire": territoire, "annee": d.year, "date_parcours": d, "parcours": nom,
            "patients_inclus": patients, "professionnels_impliques": 0}


def formation(d: date, formes: int, intitule: str = "AFGSU 2", territoire: str = "vallee-du-gier") -> dict:
    return {"territoire": territoire, "annee": d.year, "date_formation": d, "intitule": intitule,
            "professionnels_formes": formes}


def crise(d: date, action_crise: str, nombre: int = 0, reorientes: int = 0,
          territoire: str = "vallee-du-gier") -> dict:
    return {"territoire": territoire, "annee": d.year, "date_crise": d, "evenement": "Test",
            "action": action_crise, "nombre": nombre, "personnes_reorientees": reorientes}


def depistage(annee: int, kind: str, cible: int, depistee: int, territoire: str = "vallee-du-gier") -> dict:
    return {"territoire": territoire, "annee": annee, "depistage": kind, "population_cible": cible,
            "population_depistee": depistee}


def activite_annuaire(extraction: date, identifiant: str, *, commune: str | None = "42207",
                      profession: str | None = "10", savoir_faire: str | None = "SM26",
                      mode: str | None = "L") -> dict:
    """One activity of a professional in an Annuaire Santé extraction."""
    return {"date_extraction": extraction, "type_identifiant": "8", "identifiant_pp": identifiant,
            "code_profession": profession, "code_savoir_faire": savoir_faire, "code_mode_exercice": mode,
            "code_postal": None, "commune_exercice": commune, "code_secteur_activite": "SA07"}


def annexe_parametres(annee: int, debut: date, fin: date, territoire: str = "vallee-du-gier") -> dict:
    return {"territoire": territoire, "annee": annee, "debut_annee_contractuelle": debut,
            "fin_annee_contractuelle": fin}


def add_populations(engine: Engine, millesime: int, by_commune: dict[str, int]) -> None:
    """Reference populations of another millésime (the warehouse ships 2021)."""
    with engine.begin() as conn:
        conn.execute(insert(populations), [{"code_insee": c, "millesime": millesime,
                                            "population_municipale": n} for c, n in by_commune.items()])
