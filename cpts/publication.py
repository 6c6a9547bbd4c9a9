"""Indicator values as published: secrecy applied, French labels and formats."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from cpts.config import Settings
from cpts.secrecy import RATE_UNITS, publish
from warehouse.catalogue import catalogue
from warehouse.db import make_engine
from warehouse.tables.marts import indicateurs_resultats as t

HEADERS = ["code", "indicateur", "valeur", "statut"]


def indicator_rows(settings: Settings, territoire: str, periode: str) -> list[dict[str, str]]:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(t).where(
            t.c.territoire == territoire, t.c.periode == periode,
            t.c.type_periode == "annee_civile").order_by(t.c.code_indicateur)).mappings().all()
    cat = catalogue()
    out = []
    for row in rows:
        ind = cat[row["code_indicateur"]]
        shown = publish(row["valeur"], is_rate=ind.unite in RATE_UNITS, secret=ind.secret,
                        threshold=settings.secret_threshold, numerateur=row["numerateur"],
                        denominateur=row["denominateur"],
                        lower_bound=row["valeur_masquee_source"])
        out.append({"code": ind.code, "indicateur": ind.libelle, "valeur": shown.text,
                    "statut": row["statut"]})
    return out


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
