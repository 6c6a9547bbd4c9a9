"""December build, data side: baselines of year N's catalogue for the annex proposal.

Values come from `indicateurs_resultats` after materialising the reference period and the two
periods before it, for every territory (the others give the median shown beside the baseline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from sqlalchemy import Connection, Engine, select

from contract.enveloppes import Envelope, envelopes, size_class
from contract.periods import contract_year
from warehouse import reference
from warehouse.catalogue import Indicator, version
from warehouse.materialise import materialise
from warehouse.periods import Period, contract_years
from warehouse.tables.marts import indicateurs_resultats as res


@dataclass(frozen=True)
class Baseline:
    indicator: Indicator
    initiale: dict | None  # the `indicateurs_resultats` row of the reference period, None: no data
    precedentes: tuple[dict | None, ...]  # the two periods before the reference, oldest first
    mediane: float | None  # median of the other territories' values for the reference period


@dataclass(frozen=True)
class Proposal:
    territoire: str
    annee: int
    debut: date  # start of contract year N (Paramètres)
    reference: Period
    precedentes: tuple[Period, ...]
    population: float | None
    taille: int | None
    enveloppes: list[Envelope]
    lignes: list[Baseline]


def known_anniversary(conn: Connection, territoire: str, debut: date | None) -> date | None:
    """The given start date, else the start of the latest annex loaded for the territory."""
    if debut is not None:
        return debut
    years = contract_years(conn, territoire)
    return years[-1].debut if years else None


def reference_periods(annee: int, contractuelle: bool, anniversary: date | None) -> list[Period]:
    """[reference, previous, the one before]: calendar N-1 or the contract year ending in N-1."""
    if contractuelle and anniversary is None:
        raise ValueError("Période de référence « année contractuelle » : la date de début de l'année "
                         "contractuelle est inconnue (aucune annexe chargée) ; indiquez-la.")
    build = (lambda y: contract_year(y, anniversary)) if contractuelle else Period.calendar_year
    return [build(annee - k) for k in (1, 2, 3)]


def build_proposal(engine: Engine, territoire: str, annee: int, *, contractuelle: bool = False,
                   debut: date | None = None) -> Proposal:
    with engine.connect() as conn:
        anniversary = known_anniversary(conn, territoire, debut)
    periods = reference_periods(annee, contractuelle, anniversary)
    materialise(engine, reference.territory_codes(), periods, catalogue_version=annee)
    ref = periods[0]
    with engine.connect() as conn:
        own = [_results(conn, territoire, p) for p in periods]
        others = [_results(conn, t, ref) for t in reference.territory_codes() if t != territoire]
    lignes = [Baseline(ind, own[0].get(ind.code), (own[2].get(ind.code), own[1].get(ind.code)),
                       _median(others, ind.code))
              for ind in version(annee) if ind.mission is not None]
    population = (own[0].get("POPULATION") or {}).get("valeur")
    taille = size_class(population) if population else None
    start = contract_year(annee, anniversary).debut if anniversary else date(annee, 1, 1)
    return Proposal(territoire, annee, start, ref, (periods[2], periods[1]), population, taille,
                    envelopes(taille) if taille else [], lignes)


def _results(conn: Connection, territoire: str, period: Period) -> dict[str, dict]:
    rows = conn.execute(select(res).where(
        res.c.territoire == territoire, res.c.type_periode == period.type_periode,
        res.c.periode == period.label).order_by(res.c.calcule_le)).mappings().all()
    return {r["code_indicateur"]: dict(r) for r in rows}  # the latest computation wins


def _median(others: list[dict[str, dict]], code: str) -> float | None:
    """Only final, unmasked values: a median over lower bounds or incomplete data would mislead."""
    values = [r[code]["valeur"] for r in others if code in r and r[code]["valeur"] is not None
              and r[code]["statut"] == "final" and not r[code]["valeur_masquee_source"]]
    return median(values) if values else None
