"""Shared rules of the SAS platform exports (exports.md §4): identifiers, instants, id replacement."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Table

from cpts.dates import parse_datetime, parse_instant
from cpts.identifiers import rpps_from_id_nat_expr
from schemas import rpu
from schemas.base import LINE, DateRange, FileRejected, IdList, Scope


def rpps(column: str = "id_nat_ps") -> pl.Expr:
    """11-digit RPPS from `8`+RPPS (or a bare RPPS); null when the Luhn key is wrong."""
    return rpps_from_id_nat_expr(pl.col(column)).alias("rpps")


def instant(column: str, *, date_alone_is_midnight: bool = False) -> pl.Expr:
    """UTC instant: offset-aware text as given, local text read as Europe/Paris."""
    return parse_instant(column, date_alone_is_midnight=date_alone_is_midnight)


def local_time(column: str, *, date_alone_is_midnight: bool = False) -> pl.Expr:
    """Naive Europe/Paris time, what the warehouse stores and scopes on."""
    return parse_datetime(column, date_alone_is_midnight=date_alone_is_midnight)


def hours_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    return (end - start).dt.total_seconds() / 3600.0


def month_of_name(mois: str) -> tuple[date, date]:
    return rpu.month_bounds(int(mois[:4]), int(mois[4:]))


def check_month(frame: pl.DataFrame, name: str, column: str, first: date, last: date) -> None:
    """Provider file: a row whose local date falls outside the month named by the file rejects it."""
    outside = frame.filter(~pl.col(column).dt.date().is_between(first, last))
    if outside.height:
        raise FileRejected(
            f"{name} : ligne {outside[LINE][0]}, colonne « {column} » : "
            f"{outside[column][0]:%d/%m/%Y %H:%M} hors du mois du fichier "
            f"({first:%m/%Y}). Fichier refusé : demandez un export corrigé."
        )


def month_and_ids_scope(table: Table, key_column: str, first: date, last: date,
                        ids: list[str]) -> Scope:
    """The month (by local `debut`) and, wherever they are, the rows whose ids reappear."""
    return Scope((table.name,), dates=DateRange("debut", first, last),
                 ids=IdList(key_column, tuple(ids)))


RPPS_REASON = "identifiant national absent ou clé RPPS invalide (attendu 8 + RPPS à 11 chiffres)"
