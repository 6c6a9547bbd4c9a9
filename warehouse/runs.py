"""Registry of nightly runs, so a run killed mid-way is reported as interrupted by the next one.

Each load is one transaction, so a killed run leaves no partial file; what it leaves is a run row
« en_cours » and the files it had found but not loaded. Called under `writing_run`, so no other
live run can own an « en_cours » row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select, update

from cpts.nir import redact
from warehouse.tables.registre import chargements, executions


@dataclass(frozen=True)
class Interrupted:
    debut: datetime
    flow_run_id: str | None
    unloaded: list[str]  # "fournisseur/fichier" found by the run and never registered


def start(engine: Engine, flow_run_id: str | None = None) -> tuple[int, list[Interrupted]]:
    """Mark runs left « en_cours » as « interrompu », then register this one."""
    now = datetime.now()
    with engine.begin() as conn:
        stale = conn.execute(select(executions).where(executions.c.statut == "en_cours")).mappings().all()
        found = []
        for run in stale:
            registered = set(conn.execute(select(chargements.c.fournisseur, chargements.c.nom_fichier)
                                          .where(chargements.c.recu_le >= run["debut"])).all())
            planned = [p for p in (run["fichiers_prevus"] or "").splitlines() if p]
            found.append(Interrupted(run["debut"], run["flow_run_id"],
                                     [p for p in planned if tuple(p.split("/", 1)) not in registered]))
            conn.execute(update(executions).where(executions.c.id == run["id"]).values(
                statut="interrompu", fin=now,
                message="Exécution arrêtée brutalement (processus tué ou machine arrêtée)"))
        run_id = conn.execute(insert(executions).values(debut=now, statut="en_cours",
                                                        flow_run_id=flow_run_id)
                              .returning(executions.c.id)).scalar_one()
    return int(run_id), found


def plan(engine: Engine, run_id: int, files: list[str]) -> None:
    with engine.begin() as conn:
        conn.execute(update(executions).where(executions.c.id == run_id)
                     .values(fichiers_prevus="\n".join(redact(f) or "" for f in files)))  # as registered


def finish(engine: Engine, run_id: int, error: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(update(executions).where(executions.c.id == run_id)
                     .values(statut="echec" if error else "termine", fin=datetime.now(),
                             message=redact(error)))
