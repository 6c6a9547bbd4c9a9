"""Small export files built by code for the tests (no committed blobs)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from warehouse.loading import LoadOutcome

RPU_HEADER = ["finess", "cp", "commune", "naissance", "sexe", "entree", "mode_entree",
              "provenance", "transport", "transport_pec", "motif", "gravite", "dp", "liste_da",
              "liste_actes", "sortie", "mode_sortie", "destination", "orient"]


def rpu_row(finess: str, entree: datetime, *, cp: str = "42400", commune: str = "SAINT CHAMOND",
            mode_sortie: str = "8", gravite: str = "2", naissance: str = "12/05/1948",
            **extra: str) -> dict[str, str]:
    row = {"finess": finess, "cp": cp, "commune": commune, "naissance": naissance, "sexe": "F",
           "entree": f"{entree:%d/%m/%Y %H:%M}", "mode_entree": "8", "provenance": "5",
           "transport": "PERSO", "transport_pec": "AUCUN", "motif": "R104", "gravite": gravite,
           "dp": "R104", "liste_da": "", "liste_actes": "",
           "sortie": f"{entree + timedelta(hours=3):%d/%m/%Y %H:%M}", "mode_sortie": mode_sortie,
           "destination": "", "orient": ""}
    row.update(extra)
    return row


def write_rpu_csv(inbox: Path, finess: str, month: str, rows: list[dict[str, str]],
                  encoding: str = "utf-8", header: list[str] | None = None) -> Path:
    """`hopital/RPU_<FINESS>_<AAAAMM>.csv` with `;` separators."""
    header = header or RPU_HEADER
    path = inbox / "hopital" / f"RPU_{finess}_{month}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [";".join(header)] + [";".join(r.get(c, "") for c in header) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def month_of_passages(finess: str, year: int, month: int, n: int, **kw: str) -> list[dict[str, str]]:
    """n passages spread over the month, one every few hours."""
    start = datetime(year, month, 1, 0, 30)
    step = timedelta(hours=(27 * 24) / max(n, 1))
    return [rpu_row(finess, start + i * step, **kw) for i in range(n)]


def rows(engine: Engine, sql: str) -> list[tuple]:
    """Result rows of a query, as plain tuples."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def only_outcome(engine: Engine, settings: Settings) -> LoadOutcome:
    """Run the ingestion on an inbox holding one file; its outcome."""
    (_, outcome), = ingest_inbox(engine, settings).outcomes
    return outcome
