"""Per source table, declared once: its date column and kind. Everything period-related that is the
same for every indicator is derived from here, set-based (all territories at once): which territories
have rows in a period, the latest snapshot ≤ end, the loads that fed a value (generic lineage).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from sqlalchemy import Connection, text

from warehouse.bulk import Staged


@dataclass(frozen=True)
class Source:
    table: str
    date_column: str | None  # None: reference data (no period, no load)
    timestamp: bool = False  # datetime column: compare with :fin_exclue
    territorial: bool = False  # has a `territoire` column
    snapshot: bool = False  # the latest date ≤ end is the state (per territory if territorial)
    annual: bool = False  # the date column is a year: rows of the period's end year (:annee)


SOURCES = {s.table: s for s in [
    Source("passages_urgences", "date_entree"),
    Source("sejours_mco", "date_sortie"),
    Source("cpam_patientele_mt", "date_situation", territorial=True, snapshot=True),
    Source("cpam_prado", "mois", territorial=True),
    Source("cpam_depistage", "annee", territorial=True, annual=True),
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
# Sheets of the coordinator's activity workbook: an empty sheet in a loaded workbook means 0,
# no workbook for the period means no value.
WORKBOOK_TABLES = {"cpts_actions", "cpts_parcours", "cpts_formations", "cpts_crise"}
# {population}: the territories' population of the millésime in force (:millesime).
POPULATION = """(SELECT tc.territoire, SUM(po.population_municipale) AS population FROM populations po
  JOIN territoires_communes tc ON tc.code_insee = po.code_insee
  WHERE po.millesime = :millesime GROUP BY tc.territoire)"""


def snapshot_query(src: Source) -> str:
    """{instantane}: the latest snapshot date ≤ :fin as `d` (with `territoire` if per territory)."""
    col = src.date_column
    if src.territorial:
        return (f"(SELECT territoire, MAX({col}) AS d FROM {src.table} WHERE {col} <= :fin "
                "GROUP BY territoire)")
    return f"(SELECT MAX({col}) AS d FROM {src.table} WHERE {col} <= :fin)"


def expand(sql: str, instantane: str | None) -> str:
    """Replace the derived placeholders of an indicator's SQL."""
    if instantane is not None:
        sql = sql.replace("{instantane}", snapshot_query(SOURCES[instantane]))
    return sql.replace("{population}", POPULATION)


def period_condition(src: Source) -> str:
    col = src.date_column
    if src.annual:
        return f"{col} = :annee"
    if src.timestamp:
        return f"{col} >= :debut AND {col} < :fin_exclue"
    return f"{col} BETWEEN :debut AND :fin"


def snapshot_dates(conn: Connection, table: str, params: dict) -> dict[str | None, object]:
    """territoire → latest snapshot date ≤ end; key None for a snapshot shared by all territories."""
    src = SOURCES[table]
    sql = snapshot_query(src)[1:-1]
    if src.territorial:
        return {t: d for t, d in conn.execute(text(sql), params) if d is not None}
    found = conn.execute(text(sql), params).scalar()
    return {} if found is None else {None: found}


def territories_with_rows(conn: Connection, table: str, params: dict,
                          in_period: bool = True) -> set[str] | bool:
    """Territories holding rows (in the period); a non-territorial source answers for all (bool)."""
    src = SOURCES[table]
    where = f" WHERE {period_condition(src)}" if in_period else ""
    if not src.territorial:
        return conn.execute(text(f"SELECT 1 FROM {table}{where}"), params).first() is not None
    return {t for (t,) in conn.execute(text(f"SELECT DISTINCT territoire FROM {table}{where}"), params)}


def lineage(conn: Connection, table: str, params: dict) -> dict[str | None, set[int]]:
    """Loads feeding the period's rows, per territory (key None: for every territory)."""
    src = SOURCES[table]
    if src.date_column is None:
        return {}
    if src.snapshot:
        on = "i.territoire = s.territoire AND " if src.territorial else ""
        from_ = f"{table} s JOIN {snapshot_query(src)} i ON {on}s.{src.date_column} = i.d"
    else:
        from_ = f"{table} s WHERE {period_condition(src)}"
    if not src.territorial:
        ids = {int(r[0]) for r in conn.execute(text(f"SELECT DISTINCT s.chargement_id FROM {from_}"), params)}
        return {None: ids}
    out: dict[str | None, set[int]] = {}
    for t, cid in conn.execute(text(f"SELECT DISTINCT s.territoire, s.chargement_id FROM {from_}"), params):
        out.setdefault(t, set()).add(int(cid))
    return out


def workbook_years(conn: Connection) -> dict[str, set[int]]:
    """territoire → years of the activity workbooks loaded (registry scope key)."""
    rows = conn.execute(text(
        "SELECT DISTINCT perimetre_territoire, perimetre_annee FROM chargements "
        "WHERE type_fichier = 'cpts_activite' AND statut = 'charge' "
        "AND perimetre_territoire IS NOT NULL AND perimetre_annee IS NOT NULL"))
    out: dict[str, set[int]] = {}
    for territoire, year in rows:
        out.setdefault(territoire, set()).add(int(year))
    return out


def dated(tables: Iterable[str]) -> list[str]:
    """Sources whose rows are dated events (not snapshots, not reference data)."""
    return [s for s in tables if SOURCES[s].date_column and not SOURCES[s].snapshot]


def touched_range(tables: dict) -> tuple[date | None, date | None]:
    """First and last date of the rows a load writes (polars frames, or `Staged` tables carrying
    theirs, by table), over dated sources."""
    ranges = [frame.dates if isinstance(frame, Staged) else table_range(name, frame)
              for name, frame in tables.items()]
    return (min((low for low, _ in ranges if low is not None), default=None),
            max((high for _, high in ranges if high is not None), default=None))


def table_range(name: str, frame: pl.DataFrame) -> tuple[date | None, date | None]:
    """First and last date of a table's rows, when its source is dated."""
    src = SOURCES.get(name)
    if src is None or src.date_column is None or src.date_column not in frame.columns \
            or frame.height == 0:
        return None, None
    column = frame[src.date_column].drop_nulls()
    if column.len() == 0:
        return None, None
    low, high = column.min(), column.max()
    if src.annual:
        return date(int(low), 1, 1), date(int(high), 12, 31)
    return (low.date() if isinstance(low, datetime) else low,
            high.date() if isinstance(high, datetime) else high)
