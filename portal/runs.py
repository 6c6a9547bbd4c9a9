"""Start « Chargement nocturne » through the Prefect API (the worker runs it, as at night)."""

from __future__ import annotations

from dataclasses import dataclass

from cpts.config import Settings
from flows.nightly import nightly_run_name

NIGHTLY_DEPLOYMENT = "Chargement nocturne/nocturne"


class PrefectUnavailable(RuntimeError):
    """No Prefect API answered: the French message says what to start."""


@dataclass(frozen=True)
class StartedRun:
    id: str
    name: str
    url: str | None


def prefect_api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def prefect_ui_url(settings: Settings) -> str | None:
    if settings.prefect_ui_url:
        return settings.prefect_ui_url.rstrip("/")
    api = prefect_api_url()
    return api.removesuffix("/").removesuffix("/api") if api else None


def run_url(settings: Settings, run_id: str) -> str | None:
    ui = prefect_ui_url(settings)
    return f"{ui}/runs/flow-run/{run_id}" if ui else None


def start_nightly(settings: Settings, user: str) -> StartedRun:
    """Create the run (named now, so the UI never shows a random name) and return at once."""
    from prefect.deployments import run_deployment

    if prefect_api_url() is None:
        raise PrefectUnavailable("Aucun serveur Prefect n'est configuré (PREFECT_API_URL) : démarrez "
                                 "l'Observatoire avec `cpts serve`.")
    name = nightly_run_name()  # the name the flow gives itself when it starts
    try:
        run = run_deployment(NIGHTLY_DEPLOYMENT, timeout=0, as_subflow=False, flow_run_name=name,
                             tags=["portail", f"par:{user}"])
    except Exception as exc:  # unreachable server, missing deployment…
        raise PrefectUnavailable(f"Le chargement n'a pas pu être lancé ({type(exc).__name__}) : "
                                 "vérifiez que `cpts serve` tourne et que le déploiement "
                                 "« Chargement nocturne/nocturne » existe.") from exc
    return StartedRun(str(run.id), run.name, run_url(settings, str(run.id)))
