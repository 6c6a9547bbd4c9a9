"""What a delivery's declarative scope means in the warehouse: the rows it replaces, its registry
key, and the rules a table needs after each load (exports.md, Delivery scope and replacement)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    Delete,
    Table,
    and_,
    delete,
    select,
    true,
    update,
)

from schemas.base import Scope, ScopeKey
from warehouse.tables import metadata
from warehouse.tables.registre import chargements
from warehouse.tables.sas import sas_effecteurs

ID_CHUNK = 500  # ids per DELETE … IN (…): stays far below every backend's parameter limit
KEY_COLUMNS = {  # ScopeKey field → registry column
    "territoire": chargements.c.perimetre_territoire,
    "finess": chargements.c.perimetre_finess,
    "ordre": chargements.c.perimetre_ordre,
    "annee": chargements.c.perimetre_annee,
    "du": chargements.c.perimetre_du,
    "au": chargements.c.perimetre_au,
}


def deletes(scope: Scope) -> list[Delete]:
    """The DELETE statements that empty the scope, one table after the other."""
    out = []
    for name in scope.tables:
        table = metadata.tables[name]
        out.append(delete(table).where(_within(table, scope)))
        if scope.ids is not None:
            values = list(scope.ids.values)
            column = table.c[scope.ids.column]
            out += [delete(table).where(column.in_(values[i:i + ID_CHUNK]))
                    for i in range(0, len(values), ID_CHUNK)]
    return out


def _within(table: Table, scope: Scope) -> ColumnElement[bool]:
    conditions = [table.c[c].is_(None) if v is None else table.c[c] == v for c, v in scope.equals]
    if scope.dates is not None:
        column = table.c[scope.dates.column]
        first, last = scope.dates.first, scope.dates.last
        if isinstance(column.type, DateTime):  # every instant of the last day
            start = datetime.combine(first, datetime.min.time())
            end = datetime.combine(last + timedelta(days=1), datetime.min.time())
            conditions += [column >= start, column < end]
        else:
            conditions.append(column.between(first, last))
    return and_(true(), *conditions)


def replace(conn: Connection, scope: Scope) -> int:
    """Delete what the scope covers; returns the number of rows removed."""
    return sum(conn.execute(statement).rowcount or 0 for statement in deletes(scope))


def registry_values(scope: Scope) -> dict[str, object]:
    """The registry's scope columns: structured key and a readable label."""
    key = scope.key()
    return {"perimetre": scope.label()[:200]} | {
        column.name: getattr(key, field) for field, column in KEY_COLUMNS.items()}


def same_key(key: ScopeKey) -> ColumnElement[bool]:
    """Registry rows whose scope key equals `key` (an empty part equals an empty part)."""
    return and_(*(column.is_not_distinct_from(getattr(key, field))
                  for field, column in KEY_COLUMNS.items()))


def same_key_as(load: Mapping[str, object]) -> ColumnElement[bool]:
    """Registry rows with the same scope key as the registry row `load`."""
    return same_key(ScopeKey(**{field: load[column.name] for field, column in KEY_COLUMNS.items()}))


def refresh_validity(conn: Connection) -> None:
    """SAS effectors: valide_au = day before the next snapshot, for every snapshot (few dates)."""
    t = sas_effecteurs
    dates: list[date] = sorted(conn.execute(select(t.c.date_instantane).distinct()).scalars())
    for current, nxt in zip(dates, [*dates[1:], None], strict=True):
        until = nxt - timedelta(days=1) if nxt else None
        conn.execute(update(t).where(t.c.date_instantane == current).values(valide_au=until))


# table → what must be recomputed in the same transaction after rows of it are loaded or replaced
AFTER_LOAD: dict[str, Callable[[Connection], None]] = {sas_effecteurs.name: refresh_validity}


def after_load(conn: Connection, tables: list[str]) -> None:
    for rule in dict.fromkeys(AFTER_LOAD[t] for t in tables if t in AFTER_LOAD):
        rule(conn)
