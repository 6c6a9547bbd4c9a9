"""What a delivery's declarative scope means in the warehouse: the rows it replaces, its registry
key, and the rules a table needs after each load (exports.md, Delivery scope and replacement)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Delete,
    Dialect,
    String,
    TypeDecorator,
    and_,
    bindparam,
    delete,
    select,
    true,
    update,
)
from sqlalchemy.types import TypeEngine

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


def replace(conn: Connection, scope: Scope) -> int:
    """Delete what the scope covers; returns the number of rows removed."""
    return sum(conn.execute(statement, values).rowcount or 0 for statement, values in deletes(scope))


def deletes(scope: Scope) -> list[tuple[Delete, dict[str, object]]]:
    """The DELETE statements that empty the scope, one table after the other, with their values."""
    out: list[tuple[Delete, dict[str, object]]] = []
    shape = tuple((c, v is None) for c, v in scope.equals)  # an empty value is IS NULL, unbound
    equals = {f"v_{c}": v for c, v in scope.equals if v is not None}
    for name in scope.tables:
        table = metadata.tables[name]
        values = equals | (_bounds(table.c[scope.dates.column], scope.dates.first, scope.dates.last)
                           if scope.dates is not None else {})
        out.append((_within(name, shape, scope.dates.column if scope.dates else None), values))
        if scope.ids is not None:
            ids = list(scope.ids.values)
            column = table.c[scope.ids.column]
            out += [(delete(table).where(column.in_(ids[i:i + ID_CHUNK])), {})
                    for i in range(0, len(ids), ID_CHUNK)]
    return out


@cache
def _within(name: str, shape: tuple[tuple[str, bool], ...], dates: str | None) -> Delete:
    """The scope's DELETE for one table, its values as parameters: built once per shape (the
    single SQLite writer runs one for each delivery)."""
    table = metadata.tables[name]
    conditions = [table.c[c].is_(None) if empty else table.c[c] == bindparam(f"v_{c}")
                  for c, empty in shape]
    if dates is not None:
        column = table.c[dates]
        if isinstance(column.type, DateTime):  # every instant of the last day: `au` is next midnight
            conditions += [column >= bindparam("du", type_=Instant()),
                           column < bindparam("au", type_=Instant())]
        else:
            conditions.append(column.between(bindparam("du"), bindparam("au")))
    return delete(table).where(and_(true(), *conditions))


class Instant(TypeDecorator):
    """A scope's date-time bound (a midnight). SQLite keeps date-times as text, written by the loads
    as sqlite3 writes them, without a fraction when there is none (`warehouse.bulk.sqlite_values`),
    and text compares character by character: SQLAlchemy's SQLite DateTime would bind midnight as
    `… 00:00:00.000000`, which sorts after a stored `… 00:00:00`, leaving out midnight on the first
    day and taking in midnight on the day after. It is bound as the stored text there."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        return dialect.type_descriptor(String() if dialect.name == "sqlite" else DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> object:
        if dialect.name == "sqlite" and value is not None:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value


def _bounds(column: Column, first: date, last: date) -> dict[str, object]:
    if isinstance(column.type, DateTime):
        return {"du": datetime.combine(first, datetime.min.time()),
                "au": datetime.combine(last + timedelta(days=1), datetime.min.time())}
    return {"du": first, "au": last}


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
