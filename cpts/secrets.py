"""The pseudonymisation key from a Prefect Secret block when the environment does not give it."""

from __future__ import annotations

import logging

from pydantic import SecretStr

from cpts.config import Settings

PSEUDO_KEY_BLOCK = "cpts-pseudo-key"
log = logging.getLogger(__name__)


def read_secret_block(name: str) -> str | None:
    """The block's value, or None when it does not exist (or no Prefect API is reachable)."""
    from prefect.blocks.system import Secret

    try:
        value = Secret.load(name, _sync=True).get()
    except ValueError:  # Prefect raises ValueError for a missing block document
        return None
    return str(value) if value else None


def with_pseudo_key(settings: Settings) -> Settings:
    """CPTS_PSEUDO_KEY wins; otherwise the Secret block `cpts-pseudo-key`; otherwise unchanged."""
    if settings.pseudo_key is not None and settings.pseudo_key.get_secret_value():
        return settings
    value = read_secret_block(PSEUDO_KEY_BLOCK)
    if value is None:
        return settings  # require_pseudo_key() will explain what to configure
    log.info("Clé de pseudonymisation lue dans le bloc Secret Prefect « %s »", PSEUDO_KEY_BLOCK)
    return settings.model_copy(update={"pseudo_key": SecretStr(value)})
