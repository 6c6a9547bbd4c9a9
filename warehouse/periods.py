"""Which periods have data, so the nightly materialises exactly those."""

from __future__ import annotations

from sqlalchemy import Connection, text

from warehouse.materialise import Period

# (table, date column) of every dated source; stocks count through their snapshot date.
DATED_SOURCES = [
    ("passages_urgences", "date_entree"),
    ("sejours_mco", "date_sortie"),
    ("cpam_patientele_mt", "date_situation"),
    ("cpam_prado", "mois"),
    ("sas_effecteurs", "date_instantane"),
    ("sas_creneaux", "debut"),
    ("cpts_actions", "date_action"),
    ("annuaire_activites", "date_extraction"),
]


def years_with_data(conn: Connection) -> list[int]:
    years: set[int] = set()
    for table, column in DATED_SOURCES:
        row = conn.execute(text(f"SELECT MIN({column}), MAX({column}) FROM {table}")).one()
        if row[0] is not None:
            first, last = (int(str(v)[:4]) for v in row)
            years.update(range(first, last + 1))
    return sorted(years)


def calendar_years(conn: Connection) -> list[Period]:
    return [Period.calendar_year(y) for y in years_with_data(conn)]
