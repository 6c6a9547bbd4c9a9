"""Given PMSI files loaded under key A, when `cpts cle rotation` switches to key B, then every
pseudonym is what loading under B gives and the indicators keep their values; when a raw file the
warehouse still needs was purged, the rotation is refused and nothing changes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from cpts.cli import app
from cpts.config import ConfigurationError, Settings, get_settings
from tasks.ingest import IngestReport, ingest_inbox
from tasks.retention import purge_archive
from tasks.rotation import RotationRefused, check_new_key
from tests.builders import month_of_passages, rows, write_rpu_csv
from tests.builders_hopital import pmsi_row, stays, write_pmsi
from tests.conftest import private_warehouse
from warehouse.db import make_engine
from warehouse.materialise import materialise
from warehouse.periods import Period

CHU = "420784878"
KEY_A, KEY_B = "a" * 40, "b" * 40
PSEUDOS = "SELECT finess, annee, num_rsa, patient_pseudo FROM sejours_mco ORDER BY finess, annee, num_rsa"
VALUES = ("SELECT code_indicateur, periode, valeur, numerateur, denominateur, statut "
          "FROM indicateurs_resultats ORDER BY code_indicateur, periode")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_warehouses(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two private warehouses on the same backend: the rotated one and a reference loaded under B."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with private_warehouse(request, tmp_path / "a") as first, \
            private_warehouse(request, tmp_path / "b") as second:
        yield first, second


def readmissions() -> list[dict[str, str]]:
    """Heart-failure stays in 2024 where patient 1 comes back within 30 days (linkage matters)."""
    back = pmsi_row(CHU, "9001", date(2024, 5, 25))
    back["nir_ano_17"] = stays(CHU, 2024, 5, 1)[-1]["nir_ano_17"]  # same patient as stay 5000
    return [*stays(CHU, 2024, 6, 3), back]


def load(url: str, data_dir: Path, inbox: Path, key: str) -> tuple[Engine, Settings, IngestReport]:
    settings = Settings(data_dir=data_dir, warehouse_url=url, inbox=str(inbox), pseudo_key=key)
    engine = make_engine(url)
    return engine, settings, ingest_inbox(engine, settings)


def fill(inbox: Path) -> None:
    write_pmsi(inbox, CHU, 2023, 12, stays(CHU, 2023, 12, 1))
    write_pmsi(inbox, CHU, 2024, 6, readmissions())
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 20))  # no pseudonym: not re-read


def indicator_values(engine: Engine) -> list[tuple]:
    materialise(engine, ["vallee-du-gier", "grand-saint-etienne"], [Period.calendar_year(2024)])
    return rows(engine, VALUES)


def use_warehouse(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path, **more: str) -> None:
    """`cpts` reads its configuration from CPTS_* like in production."""
    for name, value in {"CPTS_DATA_DIR": str(data_dir), "CPTS_WAREHOUSE_URL": url,
                        "CPTS_PSEUDO_KEY": KEY_A, **more}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_rotation_rederives_every_pseudonym_as_loading_under_the_new_key_would(
        two_warehouses: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        umask_022: None) -> None:
    rotated_url, reference_url = two_warehouses
    inbox = tmp_path / "depot"
    write_pmsi(inbox, CHU, 2024, 3, stays(CHU, 2024, 3, 2))  # later replaced by M06: not needed
    engine, settings, _ = load(rotated_url, tmp_path / "var", inbox, KEY_A)
    (inbox / "hopital" / f"PMSI_MCO_{CHU}_2024_M03.csv").unlink()
    fill(inbox)
    ingest_inbox(engine, settings)
    under_a, values_a = rows(engine, PSEUDOS), indicator_values(engine)
    superseded = next(settings.archive_path.glob("??/*/PMSI_MCO_*_M03.csv"))
    superseded.unlink()  # its rows were replaced: the rotation does not need it

    (tmp_path / "nouvelle_cle").write_text(KEY_B + "\n")
    use_warehouse(monkeypatch, rotated_url, tmp_path / "var")

    result = CliRunner().invoke(app, ["cle", "rotation", "--fichier-cle", str(tmp_path / "nouvelle_cle")])

    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "2 fichier(s) relu(s)" in result.output and "détruisez l'ancienne clé" in result.output
    reference, _, _ = load(reference_url, tmp_path / "var-b", inbox, KEY_B)
    assert rows(engine, PSEUDOS) == rows(reference, PSEUDOS)
    assert rows(engine, PSEUDOS) != under_a and len(under_a) == 12 + 19
    assert indicator_values(engine) == values_a
    rehospit = [v for v in values_a if v[0] == "IC_REHOSPIT_30J" and v[3]]
    assert rehospit, "the linkage-based indicator must have been computed"
    assert rows(engine, "SELECT COUNT(*) FROM passages_urgences") == [(20,)]
    assert rows(engine, "SELECT COUNT(*), SUM(lignes_chargees) FROM chargements") == [(4, 6 + 12 + 19 + 20)]
    with pytest.raises(ConfigurationError, match="n'est pas celle des données de l'entrepôt"):
        ingest_inbox(engine, settings)  # CPTS_PSEUDO_KEY not updated: nothing is loaded under A
    engine.dispose()
    reference.dispose()


def test_rotation_is_refused_when_a_needed_raw_file_was_purged_and_nothing_changes(
        two_warehouses: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        umask_022: None) -> None:
    url, _ = two_warehouses
    inbox = tmp_path / "depot"
    fill(inbox)
    engine, settings, _ = load(url, tmp_path / "var", inbox, KEY_A)
    old = (datetime.now() - timedelta(days=400)).timestamp()
    m06 = next(settings.archive_path.glob("??/*/PMSI_MCO_*_M06.csv"))
    os.utime(m06, (old, old))
    purge_archive(engine, settings.archive_path, retention_days=30)
    before = rows(engine, PSEUDOS), rows(engine, "SELECT * FROM chargements ORDER BY id")
    use_warehouse(monkeypatch, url, tmp_path / "var", CPTS_PSEUDO_KEY_NOUVELLE=KEY_B)

    result = CliRunner().invoke(app, ["cle", "rotation"])

    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "Rotation de la clé refusée" in result.output
    assert f"PMSI_MCO_{CHU}_2024_M06.csv" in result.output and "purgée le" in result.output
    assert "Rien n'a été modifié" in result.output and KEY_B not in result.output
    assert (rows(engine, PSEUDOS), rows(engine, "SELECT * FROM chargements ORDER BY id")) == before
    engine.dispose()


def test_a_short_new_key_is_refused() -> None:
    with pytest.raises(RotationRefused, match="trop courte"):
        check_new_key("courte")
