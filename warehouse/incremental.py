"""The nightly's indicator stage, incremental: recompute only the (indicator, period) values that the
loads since the last run can change, plus the periods never computed.

The registry (`chargements.tables_chargees`, `donnees_du`, `donnees_au`) says which source tables and
dates each load wrote; a load replacing an earlier one of the same scope also touches that one's
dates (its rows were deleted). `indicateurs_etat` keeps the last load taken into account, the
periods computed and a fingerprint of the catalogue and reference data (any change: full recompute).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select

from warehouse.catalogue import Indicator, catalogue, files
from warehouse.loading import lock_writers
from warehouse.materialise import Job, write_periods
from warehouse.periods import Period, calendar_years, contract_years, months_of_latest_year
from warehouse.scopes import same_key_as
from warehouse.tables.marts import indicateurs_etat
from warehouse.tables.reference import reference_versions
from warehouse.tables.registre import chargements

KEY = "nocturne"
ENGINE_VERSION = "2"  # bump when the engine's meaning changes: the next nightly recomputes everything
# Completeness, readmissions and stale snapshots look back up to a year before the period's end.
LOOKBACK = timedelta(days=400)
ALL_TIME = (date.min, date.max)


@dataclass(frozen=True)
class Touch:
    table: str
    first: date
    last: date


def fingerprint(conn: Connection) -> str:
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for path in files():
        digest.update(path.name.encode() + path.read_bytes())
    for nom, sha in conn.execute(select(reference_versions).order_by(reference_versions.c.nom)):
        digest.update(f"{nom}:{sha}".encode())
    return digest.hexdigest()


def job_key(job: Job) -> str:
    period, territoires, _ = job
    who = hashlib.sha1(",".join(sorted(territoires)).encode()).hexdigest()[:12]
    return f"{period.type_periode}|{period.label}|{period.debut}|{period.fin}|{who}"


def touches(conn: Connection, after: int) -> list[Touch] | None:
    """What the loads after id `after` wrote; None when the registry cannot say (recompute all)."""
    new = conn.execute(select(chargements).where(
        chargements.c.id > after, chargements.c.statut.in_(["charge", "remplace"]))).mappings().all()
    out = []
    for load in new:
        if load["tables_chargees"] is None:
            return None
        first, last = _with_replaced(conn, load, after)
        out += [Touch(t, first, last) for t in load["tables_chargees"].split(",") if t]
    return out


def _with_replaced(conn: Connection, load: dict, after: int) -> tuple[date, date]:
    """The load's dates, widened to those of the earlier loads of the same scope it replaced."""
    if load["donnees_du"] is None:  # e.g. an empty workbook: its availability changes, dates unknown
        return ALL_TIME
    first, last = _as_date(load["donnees_du"]), _as_date(load["donnees_au"])
    if load["perimetre"] is None:  # no scope: nothing was replaced
        return first, last
    earlier = conn.execute(select(
        func.count(), func.count(chargements.c.donnees_du), func.min(chargements.c.donnees_du),
        func.max(chargements.c.donnees_au)).where(
        chargements.c.type_fichier == load["type_fichier"], same_key_as(load),
        chargements.c.id < load["id"], chargements.c.id <= after)).one()
    if earlier[0] != earlier[1]:
        return ALL_TIME
    if earlier[2] is not None:
        first, last = min(first, _as_date(earlier[2])), max(last, _as_date(earlier[3]))
    return first, last


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def affected(ind: Indicator, period: Period, found: list[Touch]) -> bool:
    """Can these loads change this indicator's value (or status) for this period?"""
    for touch in found:
        if touch.table not in ind.sources:
            continue
        if ind.disponibilite == "registre" or (touch.first, touch.last) == ALL_TIME:
            return True
        if ind.nature == "stock" or ind.completude or ind.fonction:  # state at the end, look-back
            if period.fin >= touch.first - LOOKBACK:
                return True
        elif period.debut <= touch.last and period.fin >= touch.first:
            return True
    return False


def plan(conn: Connection, jobs: list[Job]) -> tuple[list[Job], dict]:
    """The jobs to run (restricted to the affected indicators) and the state to store after them."""
    state = conn.execute(select(indicateurs_etat).where(indicateurs_etat.c.cle == KEY)).mappings().first()
    last_load = conn.execute(select(func.max(chargements.c.id))).scalar() or 0
    new_state = {"cle": KEY, "dernier_chargement": last_load, "empreinte": fingerprint(conn),
                 "periodes": "\n".join(sorted(job_key(j) for j in jobs)), "calcule_le": datetime.now()}
    found = None if state is None or state["empreinte"] != new_state["empreinte"] else \
        touches(conn, state["dernier_chargement"] or 0)
    if found is None:
        return jobs, new_state
    done = set(state["periodes"].split("\n"))
    todo = []
    for job in jobs:
        period, territoires, codes = job
        if job_key(job) not in done:
            todo.append(job)
            continue
        wanted = [i.code for i in catalogue().values() if (codes is None or i.code in codes)
                  and affected(i, period, found)]
        if wanted:
            todo.append((period, territoires, wanted))
    return todo, new_state


def monthly_indicator_codes() -> set[str]:
    """Flow indicators with a monthly meaning (annual sources such as dépistage are left out)."""
    return {i.code for i in catalogue().values() if i.nature == "flux" and not i.annual_only}


def nightly_jobs(conn: Connection, territoires: list[str]) -> list[Job]:
    """Calendar years with data, the contract years of each territory's annexes (territories sharing
    the same dates computed together), and the months of the latest year with data (flow indicators
    only: the report's monthly series)."""
    jobs: list[Job] = [(p, territoires, None) for p in calendar_years(conn)]
    by_period: dict[Period, list[str]] = {}
    for t in territoires:
        for p in contract_years(conn, t):
            by_period.setdefault(p, []).append(t)
    jobs += [(p, ts, None) for p, ts in by_period.items()]
    monthly = sorted(monthly_indicator_codes())
    return jobs + [(p, territoires, monthly) for p in months_of_latest_year(conn)]


def materialise_incremental(conn: Connection, jobs: list[Job]) -> tuple[int, int]:
    """Run the affected part of the nightly's jobs in `conn`'s transaction; (rows written, jobs run)."""
    lock_writers(conn)  # one writer at a time, also outside the nightly's run lock
    todo, state = plan(conn, jobs)
    written = write_periods(conn, todo) if todo else 0
    conn.execute(delete(indicateurs_etat).where(indicateurs_etat.c.cle == KEY))
    conn.execute(insert(indicateurs_etat).values(state))
    return written, len(todo)
