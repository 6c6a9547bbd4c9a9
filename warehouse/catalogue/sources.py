"""Per source table: does it hold data for a period, and which loads fed a value (generic lineage)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Source:
    table: str
    date_column: str | None  # None: reference data (no period, no load)
    timestamp: bool = False  # datetime column: compare with :fin_exclue
    territorial: bool = False  # has a `territoire` column
    snapshot: bool = False  # stock snapshot: lineage is the rows of :instantane


SOURCES = {s.table: s for s in [
    Source("passages_urgences", "date_entree"),
    Source("sejours_mco", "date_sortie"),
    Source("cpam_patientele_mt", "date_situation", territorial=True, snapshot=True),
    Source("cpam_prado", "mois", territorial=True),
    Source("cpam_depistage", "annee", territorial=True),
    Source("sas_effecteurs", "date_instantane", snapshot=True),
    Source("sas_creneaux", "debut", timestamp=True),
    Source("sas_rdv", "debut", timestamp=True),
    Source("cpts_actions", "date_action", territorial=True),
    Source("cpts_parcours", "date_parcours", territorial=True),
    Source("cpts_formations", "date_formation", territorial=True),
    Source("cpts_crise", "date_crise", territorial=True),
    Source("cpts_adherents", "date_adhesion", territorial=True),
    Source("annuaire_activites", "date_extraction", snapshot=True),
    Source("populations", None),
]}


def _where(src: Source) -> str:
    if src.snapshot:
        cond = f"{src.date_column} = :instantane"
    elif src.table == "cpam_depistage":
        cond = "annee = :annee"
    elif src.timestamp:
        cond = f"{src.date_column} >= :debut AND {src.date_column} < :fin_exclue"
    else:
        cond = f"{src.date_column} BETWEEN :debut AND :fin"
    return cond + (" AND territoire = :territoire" if src.territorial else "")


# Sheets of the coordinator's activity workbook: an empty sheet in a loaded workbook means 0,
# no workbook for the period means no value.
WORKBOOK_TABLES = {"cpts_actions", "cpts_parcours", "cpts_formations", "cpts_crise"}


def workbook_years(conn: Connection, territoire: str) -> set[int]:
    """Years of the activity workbooks loaded for a territory (registry scope `territoire|année`)."""
    scopes = conn.execute(text(
        "SELECT DISTINCT perimetre FROM chargements WHERE type_fichier = 'cpts_activite' "
        "AND statut = 'charge'")).scalars()
    return {int(key.rsplit("|", 1)[1]) for key in scopes
            if key and key.rsplit("|", 1)[0] == territoire and key.rsplit("|", 1)[1].isdigit()}


def has_data(conn: Connection, table: str, params: dict) -> bool:
    """A flow source with no row at all in the period gives no value (not a misleading 0)."""
    src = SOURCES[table]
    if src.date_column is None:
        return True
    sql = f"SELECT 1 FROM {table} WHERE {_where(src)}"
    return conn.execute(text(sql), params).first() is not None


def lineage(conn: Connection, tables: tuple[str, ...], params: dict) -> list[int]:
    ids: set[int] = set()
    for table in tables:
        src = SOURCES[table]
        if src.date_column is None or (src.snapshot and params.get("instantane") is None):
            continue
        sql = f"SELECT DISTINCT chargement_id FROM {table} WHERE {_where(src)}"
        ids.update(int(r[0]) for r in conn.execute(text(sql), params))
    return sorted(ids)
