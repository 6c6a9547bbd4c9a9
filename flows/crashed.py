"""Prefect side of an interrupted run: its flow run, stuck « Running », is set to « Crashed »."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def mark_crashed(flow_run_ids: list[str]) -> int:
    """Best effort: without a reachable Prefect API the warehouse registry still says « interrompu »."""
    if not flow_run_ids:
        return 0
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    marked = 0
    try:
        with get_client(sync_client=True) as client:
            for run_id in flow_run_ids:
                if client.read_flow_run(run_id).state_type == StateType.RUNNING:
                    client.set_flow_run_state(run_id, Crashed(
                        message="Exécution arrêtée brutalement (processus tué) ; constaté au "
                                "chargement suivant"), force=True)
                    marked += 1
    except Exception as exc:  # no server, run deleted…: the registry keeps the truth
        log.warning("Exécutions Prefect interrompues non marquées « Crashed » : %s", exc)
    return marked
