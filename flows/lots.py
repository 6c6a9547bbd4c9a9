"""« Chargement d'un lot »: a batch of archived deliveries loaded by whichever worker takes it.

The nightly (`lots` > 1, PostgreSQL) archives every delivery, splits them into batches that keep each
scope in one batch (tasks/lots.py), starts one run of this flow's deployment per batch on the work
pool and waits for all; workers on several machines share the loads, each file in its own
transaction under the warehouse's write locks. What each file became is read back from the load
registry, so the nightly's report, artifact and final state are those of an in-process run.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from uuid import UUID

from prefect import flow, get_run_logger
from pydantic import BaseModel, Field

from cpts.config import Settings, get_settings
from cpts.private import restrict_umask
from cpts.secrets import with_pseudo_key
from tasks.inbox import Delivery
from tasks.ingest import IngestReport
from tasks.lots import (
    already_processed,
    as_parameter,
    batch_count,
    from_parameter,
    outcomes_since,
    partition,
    registry_mark,
    travels_by_name,
)
from tasks.warehouse_tasks import archive_delivery, check_pseudo_key, load_deliveries
from warehouse.db import make_engine
from warehouse.loading import LoadOutcome

DEPLOYMENT = "Chargement d'un lot/lots"  # flow name / deployment name in prefect.yaml
BATCH_TIMEOUT_S = 6 * 3600  # a night's batches; beyond, the nightly fails and says which are late
POLL_S = 2.0
NO_WORKER_S = 300  # a batch still scheduled after this long: say that no worker takes it
FINAL_OK = "COMPLETED"


class LivraisonArchivee(BaseModel):
    """Un fichier reçu, déjà copié dans l'archive brute partagée."""

    fournisseur: str = Field(description="Dossier du fournisseur dans la boîte de dépôt (cpam, hopital, "
                             "sas, cpts, annuaire).")
    nom: str = Field(description="Nom du fichier tel que déposé.")
    type_fichier: str = Field(description="Type d'export reconnu d'après le nom (voir exports.md).")
    sha256: str = Field(description="Empreinte SHA-256 du contenu.")
    archive: str = Field(description="Chemin de la copie archivée ; il doit être lisible par le "
                         "worker (archive partagée, même chemin sur chaque machine).")
    extraction: datetime | None = Field(None, description="Date d'extraction lue dans le nom.")

    def delivery(self) -> Delivery:
        return from_parameter(self.fournisseur, self.nom, self.type_fichier, self.sha256,
                              self.archive, self.extraction)


CHAMP_LOTS = Field(1, ge=1, le=64, description="Nombre de lots répartis sur les workers : 1 = tout est "
                   "chargé par ce lancement ; au-delà (entrepôt PostgreSQL seulement), les fichiers sont "
                   "répartis en lots chargés en parallèle par les workers du pool, éventuellement sur "
                   "plusieurs machines (l'archive brute doit leur être partagée).",
                   json_schema_extra={"title": "Lots"})
CHAMP_LIVRAISONS = Field(..., description="Fichiers archivés à charger, dans l'ordre (les plus anciens "
                         "d'abord pour un même périmètre) ; préparés par le chargement nocturne.",
                         json_schema_extra={"title": "Fichiers du lot"})


@flow(
    name="Chargement d'un lot",
    description="Charge dans l'entrepôt PostgreSQL un lot de fichiers déjà archivés, dans l'ordre "
    "donné (un fichier à la fois, tout ou rien). Lancé par le « Chargement nocturne » quand il "
    "répartit ses fichiers en plusieurs lots entre les workers ; chaque fichier n'est chargé qu'une "
    "fois, quel que soit le worker. Le résultat de chaque fichier est inscrit au registre des "
    "chargements et repris dans l'artefact « fichiers-recus » du chargement nocturne.",
    log_prints=False,
)
def chargement_d_un_lot(livraisons: list[LivraisonArchivee] = CHAMP_LIVRAISONS) -> list[LoadOutcome]:
    """Chargement d'un lot de fichiers archivés."""
    restrict_umask()
    settings = with_pseudo_key(get_settings())
    settings.require_pseudo_key()
    deliveries = [livraison.delivery() for livraison in livraisons]
    require_archived(deliveries)
    check_pseudo_key(settings)  # a worker configured with another key would write other pseudonyms
    return load_batch(settings, deliveries)


def load_batch(settings: Settings, deliveries: list[Delivery]) -> list[LoadOutcome]:
    """The one ingestion path (parallel reads, writes in order: a scope's oldest first)."""
    return [outcome for _, outcome in load_deliveries(deliveries, settings)]


def require_archived(deliveries: list[Delivery]) -> None:
    missing = [d.shown_name for d in deliveries if not (d.local_path and Path(d.local_path).is_file())]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} fichier(s) archivé(s) introuvable(s) sur cette machine (premier : "
            f"{missing[0]}) : l'archive brute (CPTS_ARCHIVE_DIR) doit être partagée entre la machine du "
            "chargement nocturne et celles des workers, au même chemin (montage NFS/SMB commun).")


def batches_for(settings: Settings, lots: int) -> int:
    count, warning = batch_count(settings.database_url, lots)
    if warning:
        get_run_logger().warning(warning)
    return count


def load_in_batches(settings: Settings, matched: list[Delivery], lots: int, report: IngestReport) -> None:
    """Archive everything, then load the batches on the work pool; outcomes appended in `matched`'s
    order. A batch that fails leaves its files without outcome and fails the nightly, saying so."""
    require_deployment()
    archived = [archive_delivery(d, settings.archive_path) for d in matched]
    engine = make_engine(settings.database_url)
    try:
        mark = registry_mark(engine)
        earlier = [already_processed(d, mark) for d in archived]  # an earlier run's: nothing to load
        pending = [d for d, before in zip(archived, earlier, strict=True) if before is None]
        unread = [d for d in pending if not travels_by_name(d)]
        if unread:  # refused unread: their names stay out of the Prefect API
            load_deliveries(unread, settings)
        remote = [d for d in pending if travels_by_name(d)]
        failed = run_batches(partition(remote, lots)) if remote else []
        outcomes = outcomes_since(engine, archived, mark)
    finally:
        engine.dispose()
    for delivery, before, outcome in zip(archived, earlier, outcomes, strict=True):
        if (before or outcome) is not None:
            report.outcomes.append((delivery, before or outcome))
    if failed:
        missing = sum((b or o) is None for b, o in zip(earlier, outcomes, strict=True))
        raise RuntimeError(f"{len(failed)} lot(s) non terminé(s) ({'; '.join(failed)}) : "
                           f"{missing} fichier(s) non chargé(s), repris au prochain chargement. "
                           "Voir les exécutions « Chargement d'un lot » dans Prefect et les workers.")


def require_deployment() -> None:
    """Before archiving anything: without the batch deployment, the nightly cannot spread its loads."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            client.read_deployment_by_name(DEPLOYMENT)
    except ObjectNotFound:
        raise RuntimeError(f"Déploiement « {DEPLOYMENT} » introuvable : créez-le (`cpts serve`, ou "
                           "`prefect deploy --name lots` dans le dossier du projet) ou relancez le "
                           "chargement nocturne avec Lots = 1.") from None


def run_batches(batches: list[list[Delivery]]) -> list[str]:
    """One flow run per batch on the work pool, all started before waiting; returns the French
    description of the batches that did not complete."""
    from prefect.deployments import run_deployment
    from prefect.runtime import flow_run

    log = get_run_logger()
    prefix = flow_run.name or "lots"
    names = {}
    for number, batch in enumerate(batches, start=1):
        name = f"{prefix}-lot-{number}"
        started = run_deployment(DEPLOYMENT, parameters={"livraisons": [as_parameter(d) for d in batch]},
                                 flow_run_name=name, timeout=0)
        names[started.id] = name
        log.info("Lot %d/%d : %d fichier(s), exécution « %s »", number, len(batches), len(batch), name)
    states = wait_for_runs(list(names))
    return [f"{names[run_id]} : {state}" for run_id, state in states.items() if state != FINAL_OK]


def wait_for_runs(run_ids: list[UUID], timeout_s: float = BATCH_TIMEOUT_S) -> dict[UUID, str]:
    """Final state type of each run, or why it has none (« délai dépassé »); says once when a batch
    still waits for a worker after a while."""
    from prefect.client.orchestration import get_client

    started = time.monotonic()
    states: dict[UUID, str] = {}
    warned = False
    with get_client(sync_client=True) as client:
        while len(states) < len(run_ids) and time.monotonic() - started < timeout_s:
            waiting = 0
            for run_id in (r for r in run_ids if r not in states):
                state = client.read_flow_run(run_id).state
                if state is not None and state.is_final():
                    states[run_id] = state.type.value
                waiting += state is None or state.is_scheduled() or state.is_pending()
            if waiting and not warned and time.monotonic() - started > NO_WORKER_S:
                warned = True
                get_run_logger().warning(
                    "%d lot(s) toujours en attente d'un worker après %d min : vérifiez qu'un worker "
                    "tourne sur le pool « cpts-process » et qu'il lui reste des places.",
                    waiting, NO_WORKER_S // 60)
            time.sleep(POLL_S if len(states) < len(run_ids) else 0)
    late = f"délai de {timeout_s / 3600:g} h dépassé"
    return {run_id: states.get(run_id, late) for run_id in run_ids}
