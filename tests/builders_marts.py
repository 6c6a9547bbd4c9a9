"""Rows inserted straight into the marts, registry and annex tables (report tests)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, insert

from warehouse.tables.activite import annexe_enveloppes, annexe_indicateurs
from warehouse.tables.marts import indicateurs_resultats, indicateurs_ventilations
from warehouse.tables.registre import chargements, rejets

COMPUTED = datetime(2025, 1, 15, 3, 0)


def add_result(conn: Connection, territoire: str, code: str, periode: str, valeur: float | None, *,
               numerateur: float | None = None, denominateur: float | None = None,
               statut: str = "final", motif: str | None = None, type_periode: str = "annee_civile",
               masked_source: bool = False, debut: date | None = None, fin: date | None = None) -> None:
    year = int(periode[:4])
    if type_periode == "mois":
        month = int(periode[5:7])
        debut = debut or date(year, month, 1)
        fin = fin or (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1))
    conn.execute(insert(indicateurs_resultats).values(
        territoire=territoire, code_indicateur=code, type_periode=type_periode, periode=periode,
        date_debut=debut or date(year, 1, 1), date_fin=fin or date(year, 12, 31), valeur=valeur,
        numerateur=numerateur if numerateur is not None else valeur, denominateur=denominateur,
        valeur_masquee_source=masked_source, statut=statut, motif_statut=motif,
        version_catalogue=2024, calcule_le=COMPUTED, lignage="1"))


def add_breakdown(conn: Connection, territoire: str, code: str, periode: str, axe: str,
                  cells: list[tuple[str, float | None, bool]]) -> None:
    conn.execute(insert(indicateurs_ventilations), [
        {"territoire": territoire, "code_indicateur": code, "periode": periode, "axe": axe,
         "modalite": label, "ordre": i, "valeur": value, "masque_source": masked, "calcule_le": COMPUTED}
        for i, (label, value, masked) in enumerate(cells)])


def add_load(conn: Connection, fournisseur: str, nom: str, recu_le: datetime, statut: str = "charge",
             message: str | None = None) -> int:
    return conn.execute(insert(chargements).values(
        fournisseur=fournisseur, type_fichier=f"{fournisseur}_test", nom_fichier=nom, sha256="0" * 64,
        recu_le=recu_le, statut=statut, message=message, lignes_lues=100, lignes_chargees=98,
        lignes_rejetees=2)).inserted_primary_key[0]


def add_reject(conn: Connection, chargement_id: int, ligne: int, motif: str, colonne: str = "Date") -> None:
    conn.execute(insert(rejets).values(chargement_id=chargement_id, ligne=ligne, feuille="Actions",
                                       cellule=f"A{ligne}", colonne=colonne, motif=motif))


def add_annex_indicator(conn: Connection, chargement_id: int, territoire: str, annee: int, mission: int,
                        code: str, sens: str, tiers: list[tuple[float, float]]) -> None:
    """`tiers`: (seuil, montant) for socle, intermédiaire, objectif (lowest first)."""
    values = {"chargement_id": chargement_id, "territoire": territoire, "annee": annee,
              "mission": mission, "code_indicateur": code, "sens": sens, "actif": True, "ligne": 2}
    for name, (seuil, montant) in zip(("socle", "intermediaire", "objectif"), tiers, strict=False):
        values |= {f"seuil_{name}": seuil, f"montant_{name}": montant}
    conn.execute(insert(annexe_indicateurs).values(**values))


def add_envelope(conn: Connection, chargement_id: int, territoire: str, annee: int, mission: int | None,
                 libelle: str, fixe: float, variable: float) -> None:
    conn.execute(insert(annexe_enveloppes).values(
        chargement_id=chargement_id, territoire=territoire, annee=annee, mission=mission,
        libelle=libelle, part_fixe=fixe, part_variable=variable))
