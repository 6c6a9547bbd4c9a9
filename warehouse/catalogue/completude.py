"""Completeness of hospital data for a period (indicators.md, Completeness): reasons in French.

An establishment counts when it delivered at least one month in the 12 months before the period end.
RPU: each of its months of the period must be delivered. PMSI: its cumulative file must reach the
period's last month (the month of end + 30 days for the 30-day readmission). PMSI with UHCD: also, per
territory, none of its residents' stays of the period may come from an SNDS extract without the UHCD flag.
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


def _month_of(conn: Connection, column: str) -> str:
    """First day of the month of a date column, as ISO text on both backends."""
    if conn.dialect.name == "postgresql":
        return f"to_char({column}, 'YYYY-MM-01')"
    return f"SUBSTR({column}, 1, 7) || '-01'"


def delivered_months(conn: Connection, table: str, column: str) -> dict[str, dict[date, date]]:
    """finess → {month with data: its first date with data}, over the whole table (one query,
    shared by all the periods of a run)."""
    month = _month_of(conn, column)
    out: dict[str, dict[date, date]] = {}
    rows = conn.execute(text(f"SELECT finess, {month}, MIN({column}) FROM {table} GROUP BY finess, {month}"))
    for finess, m, first in rows:
        out.setdefault(finess, {})[as_date(m)] = as_date(first)
    return out


def _recent_months(delivered: dict[str, dict[date, date]], fin: date) -> dict[str, set[date]]:
    """finess → months with data, over the 12 months before `fin` (and up to `fin`)."""
    start = date(fin.year - 1, fin.month, 1) + timedelta(days=32)
    start = date(start.year, start.month, 1)
    recent = {f: {m for m, first in months.items() if m >= start and first <= fin}
              for f, months in delivered.items()}
    return {f: months for f, months in recent.items() if months}


def _memo(memo: dict, key: str, make):
    if key not in memo:
        memo[key] = make()
    return memo[key]


def rpu_reasons(conn: Connection, debut: date, fin: date, memo: dict | None = None) -> list[str]:
    months = _memo({} if memo is None else memo, "rpu", lambda: delivered_months(
        conn, "passages_urgences", "date_entree"))
    delivered = _recent_months(months, fin)
    wanted = _months(debut, fin)
    out = []
    for finess, months in sorted(delivered.items()):
        missing = [month_label(m) for m in wanted if m not in months]
        if missing:
            out.append(f"Urgences : pas de livraison de l'établissement {finess} pour "
                       + ", ".join(missing))
    return out


def pmsi_reasons(conn: Connection, fin: date, reach: date | None = None,
                 memo: dict | None = None) -> list[str]:
    """The last month each establishment's file reaches is taken as its latest discharge month."""
    reach = reach or fin
    memo = {} if memo is None else memo
    months = _memo(memo, "pmsi", lambda: delivered_months(conn, "sejours_mco", "date_sortie"))
    delivered = _recent_months(months, fin)
    last = _memo(memo, "pmsi_last", lambda: {f: as_date(d) for f, d in conn.execute(text(
        "SELECT finess, MAX(date_sortie) FROM sejours_mco GROUP BY finess"))})
    target = date(reach.year, reach.month, 1)
    return [f"PMSI : le fichier de l'établissement {finess} n'atteint pas {month_label(target)}"
            for finess in sorted(delivered) if last[finess] < target]


def uhcd_reasons(conn: Connection, debut: date, fin: date) -> dict[str, list[str]]:
    """territoire → reasons: its residents' medicine stays of the period admitted from home that come
    from an SNDS extract without the UHCD flag (anomaly of their delivery). They count as non-UHCD,
    so the admissions directes of that territory are only provisional."""
    found = conn.execute(text(
        "SELECT DISTINCT territoire, finess FROM sejours_medecine_residents "
        "WHERE date_sortie BETWEEN :debut AND :fin AND mode_entree = '8' AND chargement_id IN "
        "(SELECT chargement_id FROM anomalies WHERE nature = 'uhcd_absent') ORDER BY territoire, finess"),
        {"debut": debut, "fin": fin}).all()
    out: dict[str, list[str]] = {}
    for territoire, finess in found:
        out.setdefault(territoire, []).append(
            f"PMSI : indicateur UHCD absent (extrait SNDS de l'établissement {finess})")
    return out


def territory_reasons(conn: Connection, kind: str | None, debut: date, fin: date) -> dict[str, list[str]]:
    """Reasons that concern only some territories (the period-wide ones are in `reasons`)."""
    return uhcd_reasons(conn, debut, fin) if kind == "pmsi_uhcd" else {}


def reasons(conn: Connection, kind: str | None, debut: date, fin: date,
            memo: dict | None = None) -> list[str]:
    """`memo` shares the delivered months between the periods of one run (same transaction)."""
    if kind == "rpu":
        return rpu_reasons(conn, debut, fin, memo)
    if kind == "pmsi":
        return pmsi_reasons(conn, fin, memo=memo)
    if kind == "pmsi_uhcd":  # plus, per territory, `territory_reasons`
        return pmsi_reasons(conn, fin, memo=memo)
    if kind == "rehospit":
        return pmsi_reasons(conn, fin, fin + timedelta(days=30), memo)
    return []
