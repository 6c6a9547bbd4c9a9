"""The one configuration object (environment variables `CPTS_*` or a `.env` file)."""

from __future__ import annotations

import os
import secrets
from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"

# Prefect and Great Expectations run offline: no telemetry.
for _name, _value in {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
}.items():
    os.environ.setdefault(_name, _value)


class ConfigurationError(RuntimeError):
    """A configuration problem, explained in French to the person running the pipeline."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CPTS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(DEFAULT_DATA_DIR, description="Dossier des données locales (var/)")
    warehouse_url: str | None = Field(
        None, description="URL SQLAlchemy de l'entrepôt ; défaut : SQLite sous var/"
    )
    inbox: str | None = Field(
        None, description="Boîte de dépôt : dossier local, sftp://… ou s3://… ; défaut var/depot"
    )
    archive_dir: Path | None = Field(None, description="Archive brute ; défaut var/archive")
    archive_retention_days: int = Field(3650, description="Durée de conservation des bruts")
    pseudo_key: SecretStr | None = Field(None, description="Clé HMAC de pseudonymisation")
    secret_threshold: int = Field(10, description="Seuil du secret statistique")
    reject_threshold: float = Field(0.02, description="Part de lignes rejetées tolérée (fournisseurs)")
    stale_snapshot_days: int = Field(92, description="Ancienneté au-delà de laquelle un stock est provisoire")

    @property
    def database_url(self) -> str:
        return self.warehouse_url or f"sqlite:///{self.data_dir / 'entrepot.sqlite'}"

    @property
    def inbox_url(self) -> str:
        return self.inbox or str(self.data_dir / "depot")

    @property
    def archive_path(self) -> Path:
        return self.archive_dir or self.data_dir / "archive"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "rapports"

    def require_pseudo_key(self) -> bytes:
        """The pseudonymisation key, or a clear French error when it is missing."""
        if self.pseudo_key is None or not self.pseudo_key.get_secret_value():
            raise ConfigurationError(
                "Clé de pseudonymisation absente : définissez la variable d'environnement "
                "CPTS_PSEUDO_KEY (ou un bloc Secret Prefect « cpts-pseudo-key ») avant de charger "
                "des données. Le mode démonstration (make demo) en génère une dans var/."
            )
        return self.pseudo_key.get_secret_value().encode()

    def with_demo_key(self) -> Settings:
        """Demo only: read or create a random key in var/ when none is configured."""
        if self.pseudo_key is not None:
            return self
        path = self.data_dir / "cle_pseudonymisation_demo.txt"
        if not path.exists():
            from cpts.private import open_private, private_dir

            private_dir(path.parent)
            with open_private(path, "w") as out:
                out.write(secrets.token_hex(32))
        return self.model_copy(update={"pseudo_key": SecretStr(path.read_text().strip())})


@cache
def get_settings() -> Settings:
    return Settings()
