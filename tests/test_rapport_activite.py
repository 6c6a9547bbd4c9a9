"""Given a freshly generated inbox (seed 42), when the whole nightly runs, then Vallée du Gier's
indicators equal the 2023–2024 activity report of indicators.md, exactly, and PostgreSQL publishes
the very same indicator rows as SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, select, text

from cpts.config import Settings
from cpts.secrecy import format_fr
from generator import generate
from tasks.nightly_stages import StagesRun, run_stages
from tests.conftest import TEST_KEY, private_warehouse
from warehouse.catalogue import catalogue
from warehouse.db import make_engine
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
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
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


@pytest.fixture(scope="module")
def sample_nightly(request: pytest.FixtureRequest, generated_inbox: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, StagesRun]]]:
    """The whole nightly on the sample inbox, once per backend (PostgreSQL when reachable)."""
    backends = ["sqlite"] + (["postgresql"] if request.getfixturevalue("pg_server") is not None else [])
    with ExitStack() as stack:
        out = {}
        for backend in backends:
            folder = tmp_path_factory.mktemp(backend)
            url = stack.enter_context(private_warehouse(SimpleNamespace(
                param=backend, getfixturevalue=request.getfixturevalue), folder))
            settings = Settings(data_dir=folder / "var", warehouse_url=url, pseudo_key=TEST_KEY)
            out[backend] = url, run_stages(settings, str(generated_inbox), date(2025, 1, 15))
        yield out


def nightly_of(sample_nightly: dict[str, tuple[str, StagesRun]], backend: str) -> tuple[Engine, StagesRun]:
    if backend not in sample_nightly:
        pytest.skip("PostgreSQL injoignable (les tests PostgreSQL sont ignorés hors CI)")
    url, run = sample_nightly[backend]
    return make_engine(url), run


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_the_activity_report_is_reproduced_from_generated_exports(
        sample_nightly: dict[str, tuple[str, StagesRun]], backend: str) -> None:
    engine, run = nightly_of(sample_nightly, backend)
    refused = [(d.name, o.message) for d, o in run.report.outcomes if o.statut == "quarantaine"]
    assert refused == []

    t = indicateurs_resultats
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.code_indicateur, t.c.periode, t.c.valeur).where(
            t.c.territoire == "vallee-du-gier", t.c.type_periode == "annee_civile")).all()
        members = dict(conn.execute(select(
            indicateurs_ventilations.c.modalite, indicateurs_ventilations.c.valeur).where(
            indicateurs_ventilations.c.territoire == "vallee-du-gier",
            indicateurs_ventilations.c.type_periode == "annee_civile",
            indicateurs_ventilations.c.code_indicateur == "ADHERENTS",
            indicateurs_ventilations.c.axe == "profession",
            indicateurs_ventilations.c.periode == "2024")).all())
    engine.dispose()
    values = {(code, periode): valeur for code, periode, valeur in rows}
    shown = {}
    for code in REPORT:
        is_rate = catalogue()[code].is_rate
        shown[code] = tuple(
            None if expected is None else format_fr(values.get((code, year)), is_rate)
            for year, expected in zip(("2023", "2024"), REPORT[code], strict=True))
    assert shown == REPORT
    assert {k: int(v) for k, v in members.items()} == MEMBERS_2024


def published_values(engine: Engine) -> list[tuple]:
    """Every row analysts read, without the computation time; floats compared to 1e-9 relative.
    The lineage is compared by delivered file: load ids follow the order loads commit in, and
    PostgreSQL writes several scopes at once."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT territoire, code_indicateur, libelle, type_periode, periode, date_debut, date_fin, "
            "valeur, numerateur, denominateur, valeur_masquee_source, statut, motif_statut, "
            "version_catalogue, lignage FROM indicateurs_valeurs")).all()
        files = dict(conn.execute(text("SELECT id, nom_fichier FROM chargements")).all())
    engine.dispose()
    return sorted((*(_comparable(v) for v in r[:-1]), _delivered(r[-1], files)) for r in rows)


def _delivered(lineage: str | None, files: dict[int, str]) -> tuple[str, ...] | None:
    return None if lineage is None else tuple(sorted(files[int(i)] for i in lineage.split(",") if i))


def _comparable(v: object) -> object:
    if isinstance(v, float):
        return float(f"{v:.12g}")
    return str(v) if isinstance(v, date) else v


@pytest.mark.slow
@pytest.mark.postgres
def test_the_whole_nightly_gives_the_same_indicator_rows_on_postgresql_as_on_sqlite(
        sample_nightly: dict[str, tuple[str, StagesRun]]) -> None:
    on_postgres = published_values(nightly_of(sample_nightly, "postgresql")[0])
    on_sqlite = published_values(nightly_of(sample_nightly, "sqlite")[0])

    assert len(on_sqlite) > 500  # 2 territories × years, contract years and months
    assert on_postgres == on_sqlite
