"""Indicator values as published: every indicator of the year's catalogue, secrecy applied."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from cpts.config import Settings
from cpts.secrecy import publish
from warehouse.catalogue import Indicator, version
from warehouse.db import make_engine
from warehouse.tables.marts import indicateurs_resultats as t

HEADERS = ["code", "indicateur", "valeur", "statut"]
STATUTS = {"final": "final", "provisoire": "provisoire", "non_evaluable": "non évaluable"}


def indicator_rows(settings: Settings, territoire: str, periode: str) -> list[dict[str, str]]:
    """One row per indicator of catalogue version `periode`; an indicator without a value
    (no data, no snapshot) is listed as « non disponible », never as 0."""
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(t).where(
            t.c.territoire == territoire, t.c.periode == periode,
            t.c.type_periode == "annee_civile")).mappings().all()
    if not rows:
        return []
    by_code = {r["code_indicateur"]: r for r in rows}
    return [_row(ind, by_code.get(ind.code), settings.secret_threshold)
            for ind in version(int(periode))]


def _row(ind: Indicator, row: dict | None, threshold: int) -> dict[str, str]:
    if row is None:
        return {"code": ind.code, "indicateur": ind.libelle, "valeur": "", "statut": "non disponible"}
    shown = publish(row["valeur"], is_rate=ind.is_rate, secret=ind.secret,
                    threshold=threshold, numerateur=row["numerateur"],
                    denominateur=row["denominateur"], lower_bound=row["valeur_masquee_source"])
    return {"code": ind.code, "indicateur": ind.libelle, "valeur": shown.text,
            "statut": STATUTS.get(row["statut"], row["statut"])}


def render(rows: list[dict[str, str]], fmt: str) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, HEADERS, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    width = max(len(r["indicateur"]) for r in rows)
    lines = [f"{'Code':<24} {'Indicateur':<{width}} {'Valeur':>10}  Statut"]
    lines += [f"{r['code']:<24} {r['indicateur']:<{width}} {r['valeur']:>10}  {r['statut']}"
              for r in rows]
    return "\n".join(lines)
