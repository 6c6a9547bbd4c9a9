"""« Qualité »: the checks of the last quality run, in French, and where the Data Docs are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select

from cpts.config import Settings
from quality.run import docs_dir
from warehouse.tables.qualite import qualite_resultats as q

SEVERITES = {"fail": "Bloquant (rend les indicateurs provisoires)", "warn": "Signalement"}
CATEGORIES = {"conformite": "Conformité", "completude": "Complétude", "plausibilite": "Plausibilité",
              "integrite": "Intégrité"}


@dataclass
class QualityRun:
    execution_id: str
    execute_le: datetime
    checks: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> list[dict]:
        return [c for c in self.checks if not c["reussi"]]

    @property
    def failed_suites(self) -> set[str]:
        """Data Docs suites holding a failure: a derived check's own name, else its table."""
        return {name for c in self.failed for name in (c["controle"], c["table_controlee"])}


def docs_root(settings: Settings) -> Path:
    return docs_dir(settings)


def last_run(conn: Connection) -> QualityRun | None:
    latest = conn.execute(select(q.c.execution_id, q.c.execute_le).order_by(q.c.execute_le.desc(),
                                                                            q.c.id.desc()).limit(1)).first()
    if latest is None:
        return None
    rows = conn.execute(select(q).where(q.c.execution_id == latest.execution_id)
                        .order_by(q.c.reussi, q.c.severite, q.c.table_controlee, q.c.controle)).mappings()
    run = QualityRun(latest.execution_id, latest.execute_le)
    for r in rows:
        failed = not r["reussi"]
        run.checks.append({
            **r, "severite_libelle": SEVERITES.get(r["severite"], r["severite"]),
            "categorie_libelle": CATEGORIES.get(r["categorie"], r["categorie"]),
            "part": pct(r["part_echec_pct"]), "seuil": pct(r["seuil_pct"]),
            "provisoires": (r["indicateurs"] or "").replace(",", ", ")
            if failed and r["severite"] == "fail" else ""})
    return run


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %".replace(".", ",")
