"""A failed command explained in one French sentence; the traceback stays out of the console."""

from __future__ import annotations

import logging
import os

from sqlalchemy.exc import OperationalError

from cpts.config import ConfigurationError
from warehouse.db import WarehouseBusy, busy_message, is_lock_timeout

STARTUP_TIMEOUT = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"


def explain(exc: BaseException) -> str:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    if isinstance(exc, ConfigurationError | WarehouseBusy):
        return str(exc)
    if "ephemeral Prefect API" in first_line:
        return (f"Le serveur Prefect temporaire n'a pas démarré en {os.environ.get(STARTUP_TIMEOUT)} s "
                "(machine lente ou chargée). Augmentez la variable d'environnement "
                f"{STARTUP_TIMEOUT}, ou démarrez un serveur durable avec `cpts serve`, puis relancez.")
    if is_lock_timeout(exc):
        return busy_message("le chargement nocturne n'a pas obtenu un verrou à temps")
    if isinstance(exc, OperationalError):
        cause = (str(exc.orig).strip().splitlines() or [""])[0]
        return (f"Entrepôt injoignable ou en erreur : {cause}. Vérifiez CPTS_WAREHOUSE_URL et que la "
                "base de données est démarrée, puis relancez.")
    return (f"Le chargement nocturne a échoué : {type(exc).__name__} : {first_line}. Les fichiers déjà "
            "chargés le restent (chaque fichier est tout ou rien) ; corrigez puis relancez.")


class _NoTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        if isinstance(record.msg, str) and "Traceback (most recent call last)" in record.msg:
            record.msg = record.msg.split("Traceback (most recent call last)", 1)[0].rstrip()
        return True


def quiet_tracebacks() -> None:
    """Console logs of Prefect keep their one-line messages, without stack traces."""
    for name in ["prefect", *[n for n in logging.root.manager.loggerDict if n.startswith("prefect")]]:
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(_NoTraceback())
