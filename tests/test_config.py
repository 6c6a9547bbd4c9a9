"""Configuration: one settings object; a missing pseudonymisation key is a clear French error."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cpts.cli import _split, app
from cpts.config import ConfigurationError, Settings


def test_a_missing_key_is_a_clear_startup_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, pseudo_key=None)
    with pytest.raises(ConfigurationError, match="CPTS_PSEUDO_KEY"):
        settings.require_pseudo_key()


def test_the_demo_generates_a_private_key_once_and_reuses_it(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path, pseudo_key=None).with_demo_key()
    again = Settings(data_dir=tmp_path, pseudo_key=None).with_demo_key()

    key_file = tmp_path / "cle_pseudonymisation_demo.txt"
    assert first.require_pseudo_key() == again.require_pseudo_key() == key_file.read_text().encode()
    assert len(key_file.read_text()) == 64 and key_file.stat().st_mode & 0o077 == 0


def test_defaults_put_the_warehouse_and_inbox_under_var(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'entrepot.sqlite'}"
    assert settings.inbox_url == str(tmp_path / "depot")
    assert settings.secret_threshold == 10 and settings.reject_threshold == 0.02


def test_years_and_territories_accept_lists_in_one_option() -> None:
    assert _split(["2023,2024"]) == ["2023", "2024"]
    assert _split(["2023 2024", "2025"]) == ["2023", "2024", "2025"]


def test_indicators_on_an_empty_warehouse_say_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CPTS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CPTS_WAREHOUSE_URL", raising=False)
    from cpts.config import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["indicateurs", "--territoire", "vallee-du-gier", "--annee", "2024"])
    get_settings.cache_clear()

    assert result.exit_code == 1
    assert "Aucun indicateur calculé pour vallee-du-gier en 2024" in result.output
