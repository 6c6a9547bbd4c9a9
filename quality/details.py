"""French details of a failed check and the data period it concerns, read back in SQL.

GX says how many rows fail; the coordinator needs which establishment and which month, and the
status rule needs the dates, so the failing rows of the (table or derived) asset are queried here.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, text

from quality.gx_run import derived_query
from schemas.quality import Check

MAX_EXAMPLES = 5


def failing_condition(check: Check) -> str:
    """SQL condition of a failing row for the expectations the check table uses."""
    col, p = check.colonne, check.params
    if check.attente == "expect_column_values_to_not_be_null":
        return f"{col} IS NULL"
    if check.attente == "expect_column_values_to_be_in_set":
        values = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in p["value_set"])
        return f"{col} IS NOT NULL AND {col} NOT IN ({values})"
    if check.attente == "expect_column_values_to_be_between":
        low, high = ("<=" if p.get("strict_min") else "<"), (">=" if p.get("strict_max") else ">")
        bounds = [f"{col} {low} {p['min_value']}" if p.get("min_value") is not None else None,
                  f"{col} {high} {p['max_value']}" if p.get("max_value") is not None else None]
        return " OR ".join(b for b in bounds if b)
    if check.attente == "expect_column_value_lengths_to_equal":
        return f"{col} IS NOT NULL AND LENGTH({col}) <> {p['value']}"
    raise ValueError(f"Contrôle {check.nom} : attente {check.attente} non gérée pour les détails")


def _month(rang: int) -> date:
    return date(rang // 12, rang % 12 + 1, 1)


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def describe(conn: Connection, check: Check, dialect: str) -> tuple[str, date | None, date | None]:
    """(details, first date, last date) of the failing rows; dates None when not dated."""
    source = f"({derived_query(check, dialect)})" if check.requete else check.table
    where = f"FROM {source} q WHERE {failing_condition(check)}"
    rows = conn.execute(text(f"SELECT * {where}")).mappings().fetchmany(200)
    if check.nom == "rpu_mois_manquant" or {"rang", "ecart_mois"} <= set(rows[0].keys() if rows else ()):
        return _missing_months(rows)
    if rows and {"finess", "mois", "nombre"} <= set(rows[0].keys()):  # monthly volumes (RPU)
        months = sorted({r["mois"] for r in rows})
        text_ = " ; ".join(
            f"établissement {r['finess']}, {r['mois']} : {r['nombre']:.0f} passages, "
            f"{r[check.colonne]:.1f} × la moyenne des 3 mois précédents".replace(".", ",")
            for r in rows[:MAX_EXAMPLES])
        first = date.fromisoformat(months[0] + "-01")
        return text_, first, _month_end(date.fromisoformat(months[-1] + "-01"))
    shown = check.exemple or check.colonne
    examples = ", ".join(sorted({str(r[shown]) for r in rows})[:MAX_EXAMPLES])
    details = f"Exemples de valeurs en échec : {examples}" if rows else ""
    if check.table == "passages_urgences":
        span = conn.execute(text(f"SELECT MIN(date_entree), MAX(date_entree) {where}")).one()
        if check.attente == "expect_column_values_to_not_be_null" and not check.requete:
            details = ""  # empty values have no example; the share says it all
        return details, _as_date(span[0]), _as_date(span[1])
    return details, None, None


def _missing_months(rows) -> tuple[str, date | None, date | None]:
    missing = sorted((r["finess"], _month(m)) for r in rows
                     for m in range(r["rang"] - r["ecart_mois"] + 1, r["rang"]))
    if not missing:
        return "", None, None
    text_ = " ; ".join(f"mois manquant : établissement {f}, {m:%Y-%m}" for f, m in missing[:MAX_EXAMPLES])
    months = [m for _, m in missing]
    return text_, min(months), _month_end(max(months))


def _as_date(value: object) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
