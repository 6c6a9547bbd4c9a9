"""The warehouse remembers the fingerprint of the key its pseudonyms were derived with, so that a
load under another key (e.g. CPTS_PSEUDO_KEY not updated after a rotation) is refused instead of
silently breaking the linkage between old and new rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert, select

from cpts.config import ConfigurationError
from cpts.pseudonym import key_fingerprint
from warehouse.loading import lock_writers
from warehouse.tables.registre import cle_pseudonymisation as cle


def check_key(engine: Engine, key: bytes) -> None:
    """The first load records the key's fingerprint; later ones must use the same key."""
    with engine.begin() as conn:
        lock_writers(conn)
        row = conn.execute(select(cle.c.empreinte, cle.c.depuis)).first()
        if row is None:
            record_key(conn, key)
            return
    if row.empreinte != key_fingerprint(key):
        raise ConfigurationError(
            "La clé de pseudonymisation configurée n'est pas celle des données de l'entrepôt (clé "
            f"en service depuis le {row.depuis:%d/%m/%Y à %H:%M}, par exemple après `cpts cle "
            "rotation`) : mettez à jour CPTS_PSEUDO_KEY (ou le bloc Secret « cpts-pseudo-key ») "
            "puis relancez. Rien n'a été chargé.")


def record_key(conn: Connection, key: bytes) -> None:
    conn.execute(delete(cle))
    conn.execute(insert(cle).values(id=1, empreinte=key_fingerprint(key), depuis=datetime.now()))
