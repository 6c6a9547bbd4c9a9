"""Write one delivery into the warehouse: registry row, scope replacement, facts, rejects.

Everything for a file happens in one transaction, under a warehouse-wide write lock, so a run
killed mid-load leaves nothing partial and two runs never load the same bytes twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import Connection, Engine, and_, bindparam, func, insert, select, update

from cpts.nir import redact
from schemas.base import Anomaly, Extract, Reject, Scope
from warehouse import scopes
from warehouse.bulk import insert_frame
from warehouse.catalogue.sources import touched_range
from warehouse.residence import attribute_batch
from warehouse.tables import metadata
from warehouse.tables.registre import anomalies, chargements, rejets

WRITE_LOCK_KEY = 4_242_001  # pg_advisory_xact_lock key of the warehouse writers


@dataclass(frozen=True)
class DeliveryInfo:
    fournisseur: str
    type_fichier: str
    nom_fichier: str
    sha256: str
    recu_le: datetime
    archive: str | None = None


@dataclass(frozen=True)
class LoadOutcome:
    statut: str  # charge, quarantaine, obsolete, deja_charge
    chargement_id: int | None
    lignes_lues: int = 0
    lignes_chargees: int = 0
    lignes_rejetees: int = 0
    lignes_remplacees: int = 0
    message: str | None = None


LOADED = ("charge", "remplace")  # statuses of a file whose rows entered the warehouse

# The statements every delivery runs, built once: on SQLite their construction and cache keys cost
# more than their execution, in the one writer every load waits for.
_LOADED_ID = select(chargements.c.id).where(
    chargements.c.sha256 == bindparam("sha256"), chargements.c.statut.in_(LOADED)).limit(1)
_REGISTER = insert(chargements).returning(chargements.c.id)  # the columns: the row's keys
_FINISH = update(chargements).where(chargements.c.id == bindparam("batch"))  # SET: the other keys
_ANOMALIES = insert(anomalies)


def seen_before(status: str) -> LoadOutcome:
    """A file whose bytes were already processed (`status`): « déjà chargé » or « déjà refusé »."""
    return LoadOutcome("deja_charge" if status in LOADED else "deja_refuse", None)


def lock_writers(conn: Connection) -> None:
    """One writing transaction at a time (SQLite: BEGIN IMMEDIATE already did it): quality,
    materialisation, catalogue, contracts, migrations. Waiting for another writer is normal, so
    this wait is exempt from the session's lock_timeout."""
    if conn.dialect.name == "postgresql":
        _waiting(conn, [f"pg_advisory_xact_lock({WRITE_LOCK_KEY})"])


def lock_scope(conn: Connection, scope: Scope | None, sha256: str) -> None:
    """A load's locks (PostgreSQL): the shared form of the writers' lock (loads exclude the other
    writers, not each other), then its scope's partition and its bytes exclusively, so the same
    FINESS (territory, snapshot…) serialises and different ones load concurrently; the same bytes
    never load twice. SQLite keeps one writer (BEGIN IMMEDIATE)."""
    if conn.dialect.name != "postgresql":
        return
    keys = sorted({advisory_key(f"octets:{sha256}"), *([advisory_key(partition(scope))] if scope else [])})
    _waiting(conn, [f"pg_advisory_xact_lock_shared({WRITE_LOCK_KEY})",
                    *(f"pg_advisory_xact_lock({k:d})" for k in keys)])


def partition(scope: Scope) -> str:
    """What a load must not share with a concurrent one: its tables and equality filters. A table
    with a rule over all its rows after each load (SAS effectors) or a scope reaching by ids beyond
    its filters (SAS months) is one partition."""
    whole = scope.ids is not None or any(t in scopes.AFTER_LOAD for t in scope.tables)
    filters = () if whole else tuple((c, "" if v is None else str(v)) for c, v in scope.equals)
    return repr((tuple(sorted(scope.tables)), filters))


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _waiting(conn: Connection, locks: list[str]) -> None:
    """Take the advisory locks in this order, exempt from lock_timeout, in one round trip (the
    keys are our own integers: several statements without parameters go as one simple query)."""
    conn.exec_driver_sql("; ".join([
        "SELECT set_config('cpts.lock_timeout', current_setting('lock_timeout'), true), "
        "set_config('lock_timeout', '0', true)",
        *(f"SELECT {lock}" for lock in locks),
        "SELECT set_config('lock_timeout', current_setting('cpts.lock_timeout'), true)"]))


def loaded_id(conn: Connection, sha256: str) -> int | None:
    """The batch that already loaded these exact bytes, if any."""
    return conn.execute(_LOADED_ID, {"sha256": sha256}).scalar_one_or_none()


def known_statuses(engine: Engine) -> dict[str, str]:
    """sha256 → final status of every file already processed (loaded or refused)."""
    with engine.connect() as conn:
        rows = conn.execute(select(chargements.c.sha256, chargements.c.statut).where(
            chargements.c.statut != "en_cours")).all()
    return dict(rows)


def newer_loaded(conn: Connection, info: DeliveryInfo, scope: Scope, extraction: datetime) -> bool:
    """A cumulative file older than the one already loaded for the same scope (PMSI)."""
    latest = conn.execute(
        select(func.max(chargements.c.date_extraction)).where(and_(
            chargements.c.type_fichier == info.type_fichier,
            scopes.same_key(scope.key()),
            chargements.c.statut.in_(LOADED),
        ))
    ).scalar_one_or_none()
    return latest is not None and latest > extraction


def _register(conn: Connection, info: DeliveryInfo, **values: object) -> int:
    # Names and messages may quote input: what enters the registry is redacted (cpts.nir).
    row = {**info.__dict__, **values, "nom_fichier": redact(info.nom_fichier)}
    if isinstance(row.get("message"), str):
        row["message"] = redact(row["message"])
    return int(conn.execute(_REGISTER, row).scalar_one())


def _redacted(record: Reject | Anomaly) -> dict[str, object]:
    """A reject's or anomaly's fields, texts redacted: they may quote the input."""
    return {k: redact(v) if isinstance(v, str) else v for k, v in record.__dict__.items()}


def _insert_rejects(conn: Connection, batch: int, rejects: list[Reject]) -> None:
    if rejects:
        frame = pl.DataFrame([_redacted(r) for r in rejects], schema={
            "ligne": pl.Int64, "colonne": pl.String, "motif": pl.String, "feuille": pl.String,
            "cellule": pl.String})
        insert_frame(conn, rejets, frame, chargement_id=batch)


def record_refusal(engine: Engine, info: DeliveryInfo, statut: str, message: str,
                   rejects: list[Reject] | None = None, rows_read: int | None = None,
                   extraction: datetime | None = None) -> LoadOutcome:
    """Quarantine or obsolescence: the file is registered with its reason, nothing is loaded."""
    with engine.begin() as conn:
        lock_scope(conn, None, info.sha256)
        batch = _register(conn, info, statut=statut, message=message, lignes_lues=rows_read,
                          lignes_chargees=0, lignes_rejetees=len(rejects or []),
                          date_extraction=extraction, charge_le=datetime.now())
        _insert_rejects(conn, batch, rejects or [])
    return LoadOutcome(statut, batch, rows_read or 0, 0, len(rejects or []), 0, redact(message))


def load_extract(engine: Engine, info: DeliveryInfo, extract: Extract,
                 monotonic: bool = False) -> LoadOutcome:
    """Replace the extract's scope with its rows, in one transaction."""
    with engine.begin() as conn:
        lock_scope(conn, extract.scope, info.sha256)
        previous = loaded_id(conn, info.sha256)
        if previous is not None:
            return LoadOutcome("deja_charge", previous)
        obsolete = monotonic and extract.extraction is not None and newer_loaded(
            conn, info, extract.scope, extract.extraction)
        if not obsolete:
            return _write(conn, info, extract)
    return record_refusal(
        engine, info, "obsolete",
        f"{info.nom_fichier} : transmission obsolète, un fichier plus récent est déjà chargé "
        f"pour le périmètre {extract.scope.label()} ; rien n'est remplacé.",
        rows_read=extract.rows_read, extraction=extract.extraction)


def _write(conn: Connection, info: DeliveryInfo, extract: Extract) -> LoadOutcome:
    batch = _register(conn, info, statut="en_cours", **scopes.registry_values(extract.scope),
                      date_extraction=extract.extraction, lignes_lues=extract.rows_read)
    replaced = scopes.replace(conn, extract.scope)
    loaded = _insert_facts(conn, batch, extract)
    _insert_rejects(conn, batch, extract.rejects)
    if extract.anomalies:
        conn.execute(_ANOMALIES, [
            {"chargement_id": batch, **_redacted(a)} for a in extract.anomalies])
    first, last = touched_range(extract.tables)  # what the nightly's indicator stage must recompute
    conn.execute(_FINISH, dict(
        batch=batch, statut="charge", charge_le=datetime.now(), lignes_chargees=loaded,
        lignes_rejetees=len(extract.rejects), lignes_remplacees=replaced,
        tables_chargees=",".join(sorted(extract.tables)), donnees_du=first, donnees_au=last))
    return LoadOutcome("charge", batch, extract.rows_read, loaded, len(extract.rejects), replaced)


def _insert_facts(conn: Connection, batch: int, extract: Extract) -> int:
    """Insert the rows and attribute them to territories of residence, in the caller's transaction."""
    loaded = sum(insert_frame(conn, metadata.tables[name], rows, chargement_id=batch)
                 for name, rows in extract.tables.items())
    attribute_batch(conn, batch, extract.tables)
    scopes.after_load(conn, list(extract.tables))
    return loaded


def rewrite_scope(engine: Engine, batch: int, extract: Extract, expected_rows: int | None) -> int:
    """Replace a loaded file's scope with a fresh read of the same bytes (key rotation), keeping its
    registry row; rolled back when the rows differ from what the file loaded the first time."""
    with engine.begin() as conn:
        lock_writers(conn)
        scopes.replace(conn, extract.scope)
        loaded = _insert_facts(conn, batch, extract)
        if expected_rows is not None and loaded != expected_rows:
            raise RowCountChanged(loaded, expected_rows)
    return loaded


class RowCountChanged(RuntimeError):
    def __init__(self, loaded: int, expected: int) -> None:
        super().__init__(f"{loaded} lignes relues au lieu des {expected} chargées à l'origine")
