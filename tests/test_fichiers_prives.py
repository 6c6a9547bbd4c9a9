"""Given a permissive umask (022), the files and folders we write are still owner-only: the demo key,
the `cpts serve` logs, the inbox copies in the raw archive; and every command sets a 0o077 umask."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cpts.serve
from cpts.cli import app
from cpts.config import Settings
from cpts.serve import LocalPrefect
from tasks.inbox import archive, discover
from tests.builders import month_of_passages, write_rpu_csv


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_demo_key_and_its_folder_are_owner_only(tmp_path: Path, umask_022: None) -> None:
    Settings(data_dir=tmp_path / "var", pseudo_key=None).with_demo_key()

    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "cle_pseudonymisation_demo.txt") == 0o600


def test_serve_logs_are_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None) -> None:
    monkeypatch.setattr(cpts.serve, "PREFECT", [sys.executable, "-c", "print('journal')"])
    local = LocalPrefect(home=tmp_path / "var" / "prefect", port=0)

    local._spawn([], "serveur.log").wait(timeout=60)

    assert (tmp_path / "var" / "prefect" / "serveur.log").read_text().strip() == "journal"
    assert mode(tmp_path / "var" / "prefect") == 0o700
    assert mode(tmp_path / "var" / "prefect" / "serveur.log") == 0o600


def test_an_archived_copy_is_owner_only_from_its_folders_down(tmp_path: Path, umask_022: None) -> None:
    write_rpu_csv(tmp_path / "depot", "420784878", "202403", month_of_passages("420784878", 2024, 3, 3))
    (delivery,), _ = discover(str(tmp_path / "depot"))

    copy = Path(archive(delivery, tmp_path / "var" / "archive").local_path)

    assert mode(copy) == 0o600
    assert [mode(p) for p in (copy.parent, copy.parent.parent, copy.parents[2], copy.parents[2] / "tmp")] == [
        0o700] * 4


def test_every_command_runs_with_an_owner_only_umask(umask_022: None) -> None:
    CliRunner().invoke(app, ["db", "--help"])

    current = os.umask(0o022)
    assert current == 0o077
