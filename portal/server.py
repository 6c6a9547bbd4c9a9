"""Run the portal with uvicorn; refuses to listen beyond localhost without accounts."""

from __future__ import annotations

import argparse

from cpts.config import ConfigurationError, Settings, get_settings

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def check_exposure(settings: Settings, host: str) -> None:
    if not settings.portail_comptes:
        raise ConfigurationError(
            "Aucun compte n'est configuré pour le portail : créez une empreinte avec "
            "`cpts mot-de-passe` puis définissez CPTS_PORTAIL_COMPTES='{\"identifiant\": \"empreinte\"}'.")
    if host not in LOCAL_HOSTS and settings.prefect_auth is None:
        raise ConfigurationError(
            f"Le portail écouterait sur {host} (au-delà de cette machine) alors que l'interface Prefect "
            "n'est pas protégée : définissez CPTS_PREFECT_AUTH=\"utilisateur:motdepasse\".")


def run(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from cpts.private import restrict_umask
    from portal.app import create_app
    from warehouse.db import make_engine, upgrade

    check_exposure(settings, host)
    restrict_umask()  # the session key, a first warehouse: owner-only
    engine = make_engine(settings.database_url)
    upgrade(engine)  # first start: the pages read an empty warehouse
    engine.dispose()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", server_header=False,
                proxy_headers=False)


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description="Portail Observatoire CPTS")
    parser.add_argument("--hote", default=settings.portail_hote)
    parser.add_argument("--port", type=int, default=settings.portail_port)
    args = parser.parse_args()
    run(settings, args.hote, args.port)
