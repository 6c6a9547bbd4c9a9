"""Everything the report reads from the warehouse, as plain dicts (no business logic here)."""

from __future__ import annotations

from sqlalchemy import Connection, func, inspect, select

from warehouse.tables.activite import annexe_enveloppes, annexe_indicateurs
from warehouse.tables.marts import indicateurs_resultats as res
from warehouse.tables.marts import indicateurs_ventilations as vent
from warehouse.tables.registre import anomalies, chargements, rejets

QUALITY_TABLE = "qualite_resultats"
MAX_REJECT_ROWS = 1000  # the detail list is for reading, not an export: keep the file small


def yearly_results(conn: Connection, territoire: str, annee: int) -> dict[tuple[str, str], dict]:
    """(code, periode) → row, for calendar years N-1 and N."""
    rows = conn.execute(select(res).where(
        res.c.territoire == territoire, res.c.type_periode == "annee_civile",
        res.c.periode.in_([str(annee - 1), str(annee)]))).mappings().all()
    return {(r["code_indicateur"], r["periode"]): dict(r) for r in rows}


def contract_results(conn: Connection, territoire: str, annee: int) -> dict[str, dict]:
    """code → row of the contract year ending in `annee` (what the annex tiers are about)."""
    rows = conn.execute(select(res).where(
        res.c.territoire == territoire, res.c.type_periode == "annee_contractuelle")).mappings().all()
    return {r["code_indicateur"]: dict(r) for r in rows if r["date_fin"].year == annee}


def monthly_results(conn: Connection, territoire: str, annee: int) -> dict[str, list[dict]]:
    """code → the year's monthly rows, in month order."""
    rows = conn.execute(select(res).where(
        res.c.territoire == territoire, res.c.type_periode == "mois",
        res.c.periode.like(f"{annee}-%"))).mappings().all()
    out: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda r: (r["code_indicateur"], r["periode"])):
        out.setdefault(row["code_indicateur"], []).append(dict(row))
    return out


def breakdown(conn: Connection, territoire: str, code: str, periode: str, axe: str) -> list[dict]:
    rows = conn.execute(select(vent).where(
        vent.c.territoire == territoire, vent.c.code_indicateur == code,
        vent.c.type_periode == "annee_civile", vent.c.periode == periode, vent.c.axe == axe)).mappings().all()
    return sorted((dict(r) for r in rows), key=lambda r: r["ordre"])


def annex(conn: Connection, territoire: str, annee: int) -> tuple[list[dict], list[dict]]:
    """(indicator rows, envelope rows) of the contract annex; both empty when none is loaded."""
    ind = conn.execute(select(annexe_indicateurs).where(
        annexe_indicateurs.c.territoire == territoire, annexe_indicateurs.c.annee == annee,
        annexe_indicateurs.c.actif.is_(True)).order_by(annexe_indicateurs.c.ligne)).mappings().all()
    env = conn.execute(select(annexe_enveloppes).where(
        annexe_enveloppes.c.territoire == territoire, annexe_enveloppes.c.annee == annee)
        .order_by(annexe_enveloppes.c.mission)).mappings().all()
    return [dict(r) for r in ind], [dict(r) for r in env]


def loads(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(
        chargements.c.id, chargements.c.fournisseur, chargements.c.type_fichier,
        chargements.c.nom_fichier, chargements.c.recu_le, chargements.c.statut,
        chargements.c.message, chargements.c.lignes_lues, chargements.c.lignes_chargees,
        chargements.c.lignes_rejetees).order_by(chargements.c.recu_le)).mappings()]


def reject_reasons(conn: Connection) -> list[dict]:
    """Reject counts per reason, most frequent first."""
    n = func.count().label("nombre")
    return [dict(r) for r in conn.execute(
        select(rejets.c.motif, n).group_by(rejets.c.motif).order_by(n.desc(), rejets.c.motif))
        .mappings()]


def reject_details(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(
        chargements.c.nom_fichier, rejets.c.feuille, rejets.c.ligne, rejets.c.cellule,
        rejets.c.colonne, rejets.c.motif).join(chargements, chargements.c.id == rejets.c.chargement_id)
        .order_by(rejets.c.id).limit(MAX_REJECT_ROWS)).mappings()]


def accepted_deviations(conn: Connection) -> list[dict]:
    """Non-blocking anomalies (accepted deviations) per kind: files and occurrences, labelled as in
    the portal; the `exemple` column (it may quote input) is never read."""
    from portal.registry import ANOMALIES

    files, total = func.count(func.distinct(anomalies.c.chargement_id)), func.sum(anomalies.c.nombre)
    found = conn.execute(select(anomalies.c.nature, files.label("fichiers"), total.label("nombre"))
                         .group_by(anomalies.c.nature).order_by(anomalies.c.nature)).mappings()
    return [{"ecart": ANOMALIES.get(r["nature"], r["nature"].replace("_", " ")), "fichiers": r["fichiers"],
             "nombre": int(r["nombre"] or 0)} for r in found]


def quality_results(conn: Connection) -> list[dict] | None:
    """Rows of `qualite_resultats` when the table exists (added by the quality step), else None."""
    if not inspect(conn).has_table(QUALITY_TABLE):
        return None
    from sqlalchemy import MetaData, Table

    table = Table(QUALITY_TABLE, MetaData(), autoload_with=conn)
    return [dict(r) for r in conn.execute(select(table)).mappings()]
