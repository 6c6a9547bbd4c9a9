"""Indicators SQL cannot express portably, registered by the name used in their file (`fonction`).

Each function computes every territory of one period at once and returns
territoire → (numerateur, denominateur) for the territories it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Connection, text

from warehouse.periods import as_date

Numbers = tuple[float | None, float | None]
Fonction = Callable[[Connection, dict, list[str]], dict[str, Numbers]]
REGISTRY: dict[str, Fonction] = {}


def register(fn: Fonction) -> Fonction:
    REGISTRY[fn.__name__] = fn
    return fn


INDEX_STAYS = """
SELECT s.territoire, s.id, s.patient_pseudo, s.date_sortie FROM sejours_mco_residents s
WHERE s.date_sortie BETWEEN :debut AND :fin
  AND s.dp LIKE 'I50%' AND s.mode_sortie = '8' AND s.patient_pseudo IS NOT NULL
"""
# Candidate readmissions: any establishment, any residence (the patient is already a resident).
READMISSIONS = """
SELECT s.id, s.patient_pseudo, s.date_entree FROM sejours_mco s
WHERE s.dp LIKE 'I50%' AND s.mode_entree = '8' AND s.patient_pseudo IS NOT NULL
  AND s.date_entree BETWEEN :debut AND :fin_plus_30
"""


@register
def rehospitalisation_30j(conn: Connection, params: dict, territoires: list[str]) -> dict[str, Numbers]:
    """Index stays followed by another I50 stay entered 0–30 days after discharge (in Python: date
    arithmetic differs between SQLite and PostgreSQL)."""
    later = conn.execute(text(READMISSIONS),
                         {**params, "fin_plus_30": params["fin"] + timedelta(days=30)}).all()
    by_key: dict[str, list[tuple[int, object]]] = {}
    for sid, key, entree in later:
        by_key.setdefault(key, []).append((sid, as_date(entree)))
    counts = {t: [0, 0] for t in territoires}
    for territoire, sid, key, sortie in conn.execute(text(INDEX_STAYS), params):
        if territoire not in counts:
            continue
        counts[territoire][1] += 1
        counts[territoire][0] += any(other != sid and 0 <= (entree - as_date(sortie)).days <= 30
                                     for other, entree in by_key.get(key, []))
    return {t: (n, d) for t, (n, d) in counts.items()}
