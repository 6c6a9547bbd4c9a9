"""Write catalogue indicators for territories × periods into `indicateurs_resultats` (and breakdowns).

Each (indicator, period) is one set-based computation for all territories (warehouse/compute.py), so
the cost grows with periods, not with territories. Values are replaced in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert

from warehouse.catalogue import Indicator, catalogue
from warehouse.compute import STALE_DAYS, PeriodData, Value, breakdowns, compute
from warehouse.loading import lock_writers
from warehouse.periods import Period
from warehouse.tables.marts import indicateurs_catalogue, indicateurs_resultats, indicateurs_ventilations

__all__ = ["Job", "Period", "Value", "materialise", "write_periods"]
# One unit of work: a period, the territories it applies to, the indicators (None: all).
Job = tuple[Period, list[str], Collection[str] | None]


def materialise(engine: Engine, territoires: list[str], periods: list[Period],
                catalogue_version: int | None = None, stale_days: int = STALE_DAYS,
                codes: Collection[str] | None = None) -> int:
    """Replace the values of these territories × periods; returns the number of rows written.

    `codes` restricts the indicators computed (e.g. flow indicators for monthly series) and the rows
    replaced; without it the territory × period rows are replaced as a whole."""
    with engine.begin() as conn:
        lock_writers(conn)  # one writer at a time, also outside the nightly's run lock
        return write_periods(conn, [(p, territoires, codes) for p in periods], catalogue_version,
                             stale_days)


def write_periods(conn: Connection, jobs: Iterable[Job], catalogue_version: int | None = None,
                  stale_days: int = STALE_DAYS) -> int:
    """Compute and replace each job's values inside `conn`'s transaction; returns rows written."""
    upsert_catalogue(conn)
    now = datetime.now()
    written = 0
    shared: dict = {}  # what does not depend on the period (completeness deliveries), once per run
    for period, territoires, codes in jobs:
        indicators = [i for i in catalogue().values() if codes is None or i.code in codes]
        data = PeriodData(conn, period, list(territoires), stale_days, shared)
        _clear(conn, territoires, period, None if codes is None else [i.code for i in indicators])
        rows, cells = [], []
        for ind in indicators:
            values = compute(data, ind)
            version = catalogue_version or max(ind.versions)
            rows += [_row(t, ind, period, v, version, now) for t, v in values.items()]
            if ind.ventilations:
                shown = {t for t, v in values.items() if v.statut != "non_evaluable"}
                for t, found in breakdowns(data, ind, shown).items():
                    cells += [_cell(t, ind, period, n, c, now) for n, c in enumerate(found)]
        if rows:
            conn.execute(insert(indicateurs_resultats), rows)
        if cells:
            conn.execute(insert(indicateurs_ventilations), cells)
        written += len(rows)
    return written


def upsert_catalogue(conn: Connection) -> None:
    """The analysts' views join labels from `indicateurs_catalogue`: keep it equal to the files."""
    conn.execute(delete(indicateurs_catalogue))
    conn.execute(insert(indicateurs_catalogue), [
        {"version": v, "code_indicateur": i.code, "libelle": i.libelle, "mission": i.mission,
         "nature": i.nature, "unite": i.unite, "sens": i.sens, "secret": i.secret,
         "sources": ",".join(i.sources), "definition": i.definition}
        for i in catalogue().values() for v in i.versions])


def _clear(conn: Connection, territoires: list[str], period: Period, codes: list[str] | None) -> None:
    for t in (indicateurs_resultats, indicateurs_ventilations):
        where = [t.c.type_periode == period.type_periode, t.c.periode == period.label,
                 t.c.territoire.in_(territoires)]
        if codes is not None:
            where.append(t.c.code_indicateur.in_(codes))
        conn.execute(delete(t).where(*where))


def _row(territoire: str, ind: Indicator, period: Period, value: Value, version: int,
         now: datetime) -> dict:
    return {"territoire": territoire, "code_indicateur": ind.code, "type_periode": period.type_periode,
            "periode": period.label, "date_debut": period.debut, "date_fin": period.fin,
            "valeur": value.valeur, "numerateur": value.numerateur, "denominateur": value.denominateur,
            "valeur_masquee_source": value.masque_source, "statut": value.statut,
            "motif_statut": value.motif_statut, "version_catalogue": version, "calcule_le": now,
            "lignage": value.lignage}


def _cell(territoire: str, ind: Indicator, period: Period, ordre: int, c, now: datetime) -> dict:
    return {"territoire": territoire, "code_indicateur": ind.code, "type_periode": period.type_periode,
            "periode": period.label, "axe": c.axe, "modalite": c.modalite, "ordre": ordre,
            "valeur": c.valeur, "masque_source": c.masque_source, "calcule_le": now}
