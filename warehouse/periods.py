"""Periods of indicators (calendar year, contract year, year-to-date, month) and which have data."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Period:
    type_periode: str  # annee_civile, annee_contractuelle, cumul_annee, mois
    label: str
    debut: date
    fin: date  # inclusive

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls("annee_civile", str(year), date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def contract_year(cls, year: int, debut: date, fin: date) -> Period:
        """Contract year N is the one that ends in year N (annexe_parametres)."""
        return cls("annee_contractuelle", f"CA{year}", debut, fin)

    @classmethod
    def year_to_date(cls, debut: date, as_of: date) -> Period:
        """From the start of a (calendar or contract) year to `as_of` inclusive."""
        return cls("cumul_annee", f"{debut.isoformat()}/{as_of.isoformat()}", debut, as_of)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls("mois", f"{year}-{month:02d}", date(year, month, 1), date(year, month, last))

    @property
    def is_calendar_year(self) -> bool:
        return (self.debut.month, self.debut.day, self.fin.month, self.fin.day) == (1, 1, 12, 31) \
            and self.debut.year == self.fin.year

    @property
    def key(self) -> tuple[str, str]:
        return (self.type_periode, self.label)

    def params(self) -> dict[str, object]:
        """SQL parameters of the catalogue: :debut, :fin (inclusive), :fin_exclue, :annee (end year)."""
        return {"debut": self.debut, "fin": self.fin, "fin_exclue": self.fin + timedelta(days=1),
                "annee": self.fin.year}


def contract_years(conn: Connection, territoire: str) -> list[Period]:
    """Contract years declared in the loaded annexes of a territory."""
    rows = conn.execute(text(
        "SELECT DISTINCT annee, debut_annee_contractuelle, fin_annee_contractuelle "
        "FROM annexe_parametres WHERE territoire = :t ORDER BY annee"), {"t": territoire}).all()
    return [Period.contract_year(int(a), as_date(d), as_date(f)) for a, d, f in rows]


def as_date(value: object) -> date:
    """Dates come back as `date` from PostgreSQL and as ISO text from SQLite."""
    if isinstance(value, datetime):  # timestamps (SAS) come back as datetime from PostgreSQL
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


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


def last_data_date(conn: Connection) -> date | None:
    """The latest date of any dated source (the nightly's monthly series stop there)."""
    found = []
    for table, column in DATED_SOURCES:
        last = conn.execute(text(f"SELECT MAX({column}) FROM {table}")).scalar()
        if last is not None:
            found.append(as_date(last))
    return max(found, default=None)


def months_of_latest_year(conn: Connection) -> list[Period]:
    """Months of the latest year with data, up to the month of the latest data (the report's series)."""
    last = last_data_date(conn)
    if last is None:
        return []
    return [Period.month(last.year, m) for m in range(1, last.month + 1)]

