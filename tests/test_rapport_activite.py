"""Given a freshly generated inbox (seed 42), when the nightly ingestion and materialisation run,
then Vallée du Gier's indicators equal the 2023–2024 activity report of indicators.md, exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cpts.config import Settings
from cpts.secrecy import RATE_UNITS, format_fr
from generator import generate
from tasks.ingest import ingest_inbox
from warehouse.catalogue import catalogue
from warehouse.materialise import Period, materialise
from warehouse.tables.marts import indicateurs_resultats, indicateurs_ventilations

# The activity report (indicators.md, "The activity report to reproduce"): the specification.
REPORT = {
    "MT_ALD_SANS": ("780", "771"),
    "MT_17P_SANS": ("7 182", "5 679"),
    "MT_70P_SANS": ("433", "406"),
    "SAS_MEDECINS": ("9", "15"),
    "URG_NON_HOSPIT": ("18 993", "20 599"),
    "ADM_DIRECTE_MED": ("1 879", "1 979"),
    "ADM_DIRECTE_MED_PART": ("35,2", "38,2"),
    "ADHERENTS": (None, "115"),
    "PREV_REUNIONS": (None, "5"),
    "PREV_PARTICIPANTS": (None, "24"),
    "PREV_PARTENARIATS": (None, "1"),
    "CRISE_PERMANENCES": (None, "2"),
    "CRISE_REORIENTES": (None, "6"),
    "QUAL_PS_FORMES": (None, "18"),
    "ACC_RENCONTRES": (None, "3"),
}
MEMBERS_2024 = {
    "Médecin généraliste": 14, "Médecin spécialiste": 5, "Infirmier": 40, "Pharmacien": 17,
    "Masseur-kinésithérapeute": 12, "Orthophoniste": 12, "Biologiste": 4, "Pédicure-podologue": 3,
    "Orthoptiste": 2, "Ergothérapeute": 2, "Psychologue": 1, "Sage-femme": 1,
    "Assistant de service social": 1, "Autre": 1,
}


@pytest.fixture(scope="module")
def generated_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exemples")
    generate(out, territoires=("vallee-du-gier", "grand-saint-etienne"), annees=(2023, 2024),
             graine=42)
    return out


@pytest.mark.slow
def test_the_activity_report_is_reproduced_from_generated_exports(
        engine: Engine, settings: Settings, generated_inbox: Path) -> None:
    report = ingest_inbox(engine, settings, str(generated_inbox))
    refused = [(d.name, o.message) for d, o in report.outcomes if o.statut == "quarantaine"]
    assert refused == []

    materialise(engine, ["vallee-du-gier"], [Period.calendar_year(2023), Period.calendar_year(2024)])

    t = indicateurs_resultats
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.code_indicateur, t.c.periode, t.c.valeur).where(
            t.c.territoire == "vallee-du-gier", t.c.type_periode == "annee_civile")).all()
        members = dict(conn.execute(select(
            indicateurs_ventilations.c.modalite, indicateurs_ventilations.c.valeur).where(
            indicateurs_ventilations.c.code_indicateur == "ADHERENTS",
            indicateurs_ventilations.c.axe == "profession",
            indicateurs_ventilations.c.periode == "2024")).all())
    values = {(code, periode): valeur for code, periode, valeur in rows}
    shown = {}
    for code in REPORT:
        is_rate = catalogue()[code].unite in RATE_UNITS
        shown[code] = tuple(
            None if expected is None else format_fr(values.get((code, year)), is_rate)
            for year, expected in zip(("2023", "2024"), REPORT[code], strict=True))
    assert shown == REPORT
    assert {k: int(v) for k, v in members.items()} == MEMBERS_2024
