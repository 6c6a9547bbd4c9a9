"""Prefect tasks and artifact of the contract tracking (thin wrappers over contract.tracking)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from prefect import task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NONE

from contract.tiers import TIER_LABELS
from contract.tracking import track
from cpts.config import Settings
from cpts.secrecy import format_fr, publish
from warehouse import reference
from warehouse.catalogue import catalogue
from warehouse.db import make_engine

PARIS = ZoneInfo("Europe/Paris")
PALIERS = TIER_LABELS | {"non_evaluable": "Non évaluable", None: "Aucun palier"}


def artifact_key(territoire: str) -> str:
    return f"suivi-contrat-{territoire}"


@task(name="Suivi du contrat", cache_policy=NONE)
def track_contracts(settings: Settings, territoires: list[str] | None = None,
                    today: date | None = None) -> int:
    """Year-to-date tiers and money of every territory with an annex; one artifact per territory."""
    engine = make_engine(settings.database_url)
    today = today or datetime.now(PARIS).date()
    written = 0
    for territoire in territoires or reference.territory_codes():
        rows = track(engine, territoire, today)
        if rows:
            create_table_artifact(
                key=artifact_key(territoire), table=[_shown(r, settings.secret_threshold) for r in rows],
                description=f"Suivi du contrat {rows[0]['annee']} de {territoire}, cumul au "
                            f"{rows[0]['couvert_jusqu_au']:%d/%m/%Y} : valeurs et paliers provisoires ; "
                            "secret statistique appliqué.")
        written += len(rows)
    return written


def _shown(row: dict, threshold: int) -> dict[str, str]:
    """Published values: secrecy on counts and rates, euros in French format."""
    ind = catalogue().get(row["code_indicateur"] or "")
    is_indicator = row["code_indicateur"] is not None
    return {
        "mission": "Total" if row["mission"] is None else str(row["mission"]),
        "indicateur": ind.libelle if ind else (row["code_indicateur"] or "Part variable / total"),
        "cumul": _value(ind, row["valeur_cumul"], threshold),
        "palier atteint (provisoire)": PALIERS.get(row["palier_atteint"], "") if is_indicator else "",
        "montant atteint (€)": format_fr(row["montant_acquis"], False),
        "projection fin d'année": _value(ind, row["valeur_projetee"], threshold),
        "palier projeté": PALIERS.get(row["palier_projete"], "") if is_indicator else "",
        "montant projeté (€)": format_fr(row["montant_projete"], False),
        "motif": row["motif"] or "",
    }


def _value(ind, value: float | None, threshold: int) -> str:
    if ind is None or value is None:
        return ""
    return publish(value, is_rate=ind.is_rate, secret=ind.secret, threshold=threshold).text
