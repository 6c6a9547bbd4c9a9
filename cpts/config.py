"""The one configuration object (environment variables `CPTS_*` or a `.env` file)."""

from __future__ import annotations

import os
import secrets
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from cpts.nir import install_log_redaction

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"

# Prefect and Great Expectations run offline: no telemetry.
for _name, _value in {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    # `cpts nightly` / `make demo` start a temporary Prefect API: Prefect's 20 s fail on a busy machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}.items():
    os.environ.setdefault(_name, _value)


install_log_redaction()  # before any pipeline code logs: see cpts.nir


class ConfigurationError(RuntimeError):
    """A configuration problem, explained in French to the person running the pipeline."""


class Limits(BaseModel):
    """Resource limits checked before a delivery is parsed (env: `CPTS_LIMITS__XLSX_MAX_RATIO=50`).

    A file beyond a limit is refused with a French message naming the limit; what passes them is
    bounded in memory (a few hundred MB at most), whatever its content.
    """

    model_config = ConfigDict(frozen=True)

    file_max_mb: int = Field(100, description="Taille maximale d'un fichier CSV ou XML lu en mémoire (Mo)")
    streamed_max_mb: int = Field(4096, description="Taille maximale d'un fichier lu en flux : Annuaire (Mo)")
    line_max_bytes: int = Field(65_536, description="Longueur maximale d'une ligne de fichier texte (octets)")
    xml_max_depth: int = Field(32, description="Profondeur maximale d'imbrication XML")
    xlsx_member_max_mb: int = Field(50, description="Taille décompressée maximale d'une partie (Mo)")
    xlsx_total_max_mb: int = Field(200, description="Taille décompressée maximale d'un classeur (Mo)")
    xlsx_max_ratio: int = Field(100, description="Taux de compression maximal d'une partie de classeur")
    xlsx_max_rows: int = Field(100_000, description="Nombre maximal de lignes d'une feuille")
    xlsx_max_columns: int = Field(256, description="Nombre maximal de colonnes d'une feuille")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CPTS_", env_file=".env", extra="ignore",
                                      env_nested_delimiter="__")

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
    lecture_processus: int = Field(2, ge=1, description="Processus de lecture des fichiers reçus en "
                                   "parallèle (lecture, normalisation, validation) ; 1 = dans le "
                                   "processus du chargement")
    ecriture_connexions: int = Field(3, ge=1, description="PostgreSQL : fichiers reçus écrits en même "
                                     "temps, chacun dans sa transaction (périmètres différents) ; "
                                     "SQLite : toujours 1")
    lock_timeout_s: float = Field(
        30.0, description="PostgreSQL : attente maximale d'un verrou de table (s) avant nouvel essai")
    stale_snapshot_days: int = Field(92, description="Ancienneté au-delà de laquelle un stock est provisoire")
    # Portal « Observatoire » (portal/) and its neighbours.
    portail_comptes: dict[str, str] = Field(
        default_factory=dict, description="Comptes du portail : identifiant → empreinte du mot de passe "
        "(`cpts mot-de-passe`), en JSON, ex. CPTS_PORTAIL_COMPTES='{\"coordinatrice\": \"scrypt$…\"}'")
    portail_cle_session: SecretStr | None = Field(
        None, description="Clé de signature des cookies de session ; défaut : générée dans var/")
    portail_hote: str = Field("127.0.0.1", description="Adresse d'écoute du portail")
    portail_port: int = Field(8000, description="Port du portail")
    portail_url: str | None = Field(None, description="Adresse publique du portail (liens des artefacts)")
    portail_taille_max_mo: int = Field(200, description="Taille maximale d'un fichier déposé (Mo)")
    prefect_ui_url: str | None = Field(None, description="Adresse de l'interface Prefect (liens vers les "
                                       "exécutions) ; défaut : PREFECT_API_URL sans /api")
    prefect_auth: SecretStr | None = Field(
        None, description="« utilisateur:mot de passe » protégeant l'interface et l'API Prefect "
        "(PREFECT_SERVER_API_AUTH_STRING) ; obligatoire quand `cpts serve` écoute au-delà de 127.0.0.1")
    notification_apprise: SecretStr | None = Field(
        None, description="URL apprise des notifications de refus (ex. mailtos://…, tgram://…)")
    smtp_hote: str | None = Field(None, description="Serveur SMTP des notifications de refus")
    smtp_port: int = Field(25, description="Port SMTP")
    smtp_expediteur: str = Field("observatoire-cpts@localhost", description="Adresse d'expédition")
    smtp_destinataires: list[str] = Field(default_factory=list,
                                          description="Destinataires des notifications (JSON)")
    smtp_utilisateur: str | None = Field(None, description="Identifiant SMTP (facultatif)")
    smtp_mot_de_passe: SecretStr | None = Field(None, description="Mot de passe SMTP (facultatif)")
    smtp_starttls: bool = Field(False, description="STARTTLS vers le serveur SMTP")
    limits: Limits = Field(default_factory=Limits, description="Limites de ressources avant lecture")

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

    @property
    def annexes_dir(self) -> Path:
        return self.data_dir / "annexes"

    def session_key(self) -> bytes:
        """The portal's cookie-signing key: configured, or random and kept owner-only in var/."""
        if self.portail_cle_session is not None:
            return self.portail_cle_session.get_secret_value().encode()
        path = self.data_dir / "cle_session_portail.txt"
        if not path.exists():
            from cpts.private import private_dir

            private_dir(path.parent)
            try:  # O_EXCL: two processes starting together keep the first key
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_hex(32))
        return path.read_text().strip().encode()

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
