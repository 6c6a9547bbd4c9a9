"""Given a generation with the real producers' conventions (`variations`) and the same generation
without them, when both inboxes are loaded, then every convention shows up as its anomaly and the
indicator values are the same — on SQLite and PostgreSQL (exports.md « Real-world deliveries »)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine

from cpts.config import Settings
from generator import generate
from tasks.ingest import ingest_inbox
from tests.builders import rows
from tests.conftest import TEST_KEY, private_warehouse
from warehouse.db import make_engine, upgrade
from warehouse.materialise import materialise
from warehouse.periods import Period

VDG = "vallee-du-gier"
SMALL = {"territoires": [VDG], "annees": [2024], "echelle": 0.05, "graine": 11}
PERIODS = [Period.calendar_year(2024), *(Period.month(2024, m) for m in range(1, 13))]
VALUES = ("SELECT territoire, code_indicateur, periode, valeur, numerateur, denominateur, statut "
          "FROM indicateurs_resultats ORDER BY territoire, code_indicateur, periode")
# Each convention the generator produces, and the anomaly it must leave on the delivery.
CONVENTIONS = {
    "nom national OSCOUR O<FINESS>_<ORDRE>_<date>.xml, une ligne": ("rpu_xml", "nom_non_canonique"),
    "fenêtre déclarée réduite au jour d'extraction": ("rpu_xml", "periode_elargie"),
    "nom court RPU_<FINESS>_<AAMMJJ>.txt": ("rpu_xml", "nom_non_canonique"),
    "RPU régional séparé par des virgules": ("rpu_csv", "separateur"),
    "en-têtes RPU régionaux (synonymes)": ("rpu_csv", "entete_synonyme"),
    "PMSI aux noms SNDS/ATIH": ("pmsi_mco", "entete_synonyme"),
    "Annuaire sans colonnes commune (Bureau cedex)": ("annuaire", "commune_bureau_cedex"),
    "CPAM titre « CPTS <libellé> »": ("cpam_patientele_mt", "titre_sans_territoire"),
    "CPAM effectifs « 7 182 »": ("cpam_patientele_mt", "milliers_espaces"),
    "créneaux SAS au nom non reconnu": ("sas_creneaux", "identifie_par_contenu"),
    "PRADO au nom non reconnu": ("cpam_prado", "identifie_par_contenu"),
}


@pytest.fixture
def second_url(warehouse_url: str, request: pytest.FixtureRequest, tmp_path: Path):
    """Another private warehouse on the same backend as `warehouse_url`."""
    backend = "sqlite" if warehouse_url.startswith("sqlite") else "postgresql"
    folder = tmp_path / "sans-variations"
    folder.mkdir()
    with private_warehouse(SimpleNamespace(param=backend, getfixturevalue=request.getfixturevalue),
                           folder) as url:
        yield url


def load(url: str, inbox: Path, data_dir: Path) -> Engine:
    settings = Settings(data_dir=data_dir, warehouse_url=url, inbox=str(inbox), pseudo_key=TEST_KEY)
    engine = make_engine(url)
    upgrade(engine)
    report = ingest_inbox(engine, settings)
    refused = [(d.name, o.message) for d, o in report.outcomes if o.statut == "quarantaine"]
    assert refused == [] and report.unmatched == []
    materialise(engine, [VDG], PERIODS)
    return engine


def test_the_generated_conventions_load_with_their_anomalies_and_the_same_indicator_values(
        warehouse_url: str, second_url: str, tmp_path: Path) -> None:
    generate(tmp_path / "reel", variations=1.0, **SMALL)
    generate(tmp_path / "propre", variations=0, **SMALL)

    real = load(warehouse_url, tmp_path / "reel", tmp_path / "var-reel")
    clean = load(second_url, tmp_path / "propre", tmp_path / "var-propre")

    found = set(rows(real, "SELECT c.type_fichier, a.nature FROM anomalies a JOIN chargements c "
                     "ON c.id = a.chargement_id WHERE c.statut = 'charge'"))
    assert {k: v for k, v in CONVENTIONS.items() if v not in found} == {}
    assert not rows(clean, "SELECT nature FROM anomalies WHERE nature IN ('nom_non_canonique', "
                    "'separateur', 'entete_synonyme', 'identifie_par_contenu', 'milliers_espaces')")
    values = rows(real, VALUES)
    assert values == rows(clean, VALUES)
    assert len({v[1] for v in values}) > 20  # the whole catalogue, not an empty comparison
    real.dispose()
    clean.dispose()
