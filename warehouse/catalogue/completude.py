"""Completeness of hospital data for a period (indicators.md, Completeness): reasons in French.

An establishment counts when it delivered at least one month in the 12 months before the period end.
RPU: each of its months of the period must be delivered. PMSI: its cumulative file must reach the
period's last month (the month of end + 30 days for the 30-day readmission).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, text

from warehouse.periods import as_date

MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre"]


def month_label(d: date) -> str:
    return f"{MOIS[d.month - 1]} {d.year}"


def _months(debut: date, fin: date) -> list[date]:
    out, m = [], date(debut.year, debut.month, 1)
    while m <= fin:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def _recent_months(conn: Connection, table: str, column: str, fin: date) -> dict[str, set[date]]:
    """finess → months with data, over the 12 months before `fin` (and up to `fin`)."""
    start = date(fin.year - 1, fin.month, 1) + timedelta(days=32)
    start = date(start.year, start.month, 1)
    rows = conn.execute(text(f"SELECT DISTINCT finess, {column} FROM {table} "
                             f"WHERE {column} BETWEEN :a AND :b"), {"a": start, "b": fin})
    out: dict[str, set[date]] = {}
    for finess, d in rows:
        d = as_date(d)
        out.setdefault(finess, set()).add(date(d.year, d.month, 1))
    return out


def rpu_reasons(conn: Connection, debut: date, fin: date) -> list[str]:
    delivered = _recent_months(conn, "passages_urgences", "date_entree", fin)
    wanted = _months(debut, fin)
    out = []
    for finess, months in sorted(delivered.items()):
        missing = [month_label(m) for m in wanted if m not in months]
        if missing:
            out.append(f"Urgences : pas de livraison de l'établissement {finess} pour "
                       + ", ".join(missing))
    return out


def pmsi_reasons(conn: Connection, fin: date, reach: date | None = None) -> list[str]:
    """The last month each establishment's file reaches is taken as its latest discharge month."""
    reach = reach or fin
    delivered = _recent_months(conn, "sejours_mco", "date_sortie", fin)
    last_rows = conn.execute(text("SELECT finess, MAX(date_sortie) FROM sejours_mco GROUP BY finess"))
    last = {f: as_date(d) for f, d in last_rows}
    target = date(reach.year, reach.month, 1)
    return [f"PMSI : le fichier de l'établissement {finess} n'atteint pas {month_label(target)}"
            for finess in sorted(delivered) if last[finess] < target]


def reasons(conn: Connection, kind: str | None, debut: date, fin: date) -> list[str]:
    if kind == "rpu":
        return rpu_reasons(conn, debut, fin)
    if kind == "pmsi":
        return pmsi_reasons(conn, fin)
    if kind == "rehospit":
        return pmsi_reasons(conn, fin, fin + timedelta(days=30))
    return []
