"""Batches of archived deliveries for several workers: partitioning, parameters, outcomes read back.

Plain functions (no Prefect): the nightly splits its deliveries into batches, each loaded by the
« Chargement d'un lot » flow on some worker; the warehouse's load registry is where the nightly
reads back what each file became, since a worker on another machine shares nothing else with it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from cpts.nir import redact
from schemas.catalog import TYPES
from tasks.inbox import Delivery
from warehouse.loading import LOADED, LoadOutcome, seen_before
from warehouse.tables.registre import chargements

# File types writing the same rows: one partition (the RPU CSV and XML of a FINESS replace the
# same passages).
SHARED_FAMILY = {"rpu_csv": "passages_urgences", "rpu_xml": "passages_urgences"}
# Name groups naming the slice a file replaces, in order of preference.
SCOPE_GROUPS = ("finess", "finess_o", "finess_c", "territoire")

PartitionKey = tuple[str, str | None]


def scope_partition(delivery: Delivery) -> PartitionKey:
    """(family, FINESS or territory from the name, or from the canonical name of a file identified by
    its content); None when the name does not say (SAS, Annuaire snapshots, a CPAM file without
    territory): then every file of the family shares one partition."""
    assert delivery.file_type
    kind = TYPES[delivery.file_type]
    family = SHARED_FAMILY.get(kind.code, kind.code)
    found = kind.matches(delivery.identifie or delivery.name)
    groups = found.groupdict() if found else {}
    ident = next((groups[g] for g in SCOPE_GROUPS if groups.get(g)), None)
    return family, ident.upper() if ident else None


def partition_keys(deliveries: Sequence[Delivery]) -> list[PartitionKey]:
    """Each delivery's partition; a family where one name lacks its FINESS/territory is one
    partition (that file may replace any slice of the family)."""
    keys = [scope_partition(d) for d in deliveries]
    undivided = {family for family, ident in keys if ident is None}
    return [(family, None) if family in undivided else (family, ident) for family, ident in keys]


def partition(deliveries: Sequence[Delivery], batches: int,
              size: Callable[[Delivery], int] | None = None) -> list[list[Delivery]]:
    """At most `batches` non-empty batches balanced by bytes; all deliveries of one scope partition
    in the same batch, every batch in the deliveries' original order (oldest first per scope)."""
    if batches < 1:
        raise ValueError("batches must be ≥ 1")
    size = size or archived_size
    groups: dict[PartitionKey, list[int]] = {}
    for index, key in enumerate(partition_keys(deliveries)):
        groups.setdefault(key, []).append(index)
    weight = {key: sum(size(deliveries[i]) for i in members) for key, members in groups.items()}
    # Longest processing time first: the heaviest partition goes to the lightest batch.
    loads = [0] * batches
    chosen: list[list[int]] = [[] for _ in range(batches)]
    for key in sorted(groups, key=lambda k: (-weight[k], groups[k][0])):
        target = min(range(batches), key=lambda b: (loads[b], b))
        loads[target] += weight[key]
        chosen[target] += groups[key]
    return [[deliveries[i] for i in sorted(members)] for members in chosen if members]


def batch_count(database_url: str, lots: int) -> tuple[int, str | None]:
    """SQLite keeps one writer: more than one batch only on PostgreSQL (else a French warning)."""
    if lots <= 1 or make_url(database_url).get_backend_name() == "postgresql":
        return max(lots, 1), None
    return 1, (f"{lots} lots demandés, mais l'entrepôt est SQLite (un seul écrivain) : les fichiers sont "
               "chargés en un seul lot, par ce lancement. La répartition entre workers demande un "
               "entrepôt PostgreSQL (CPTS_WAREHOUSE_URL).")


def archived_size(delivery: Delivery) -> int:
    return os.path.getsize(delivery.local_path) if delivery.local_path else 0


def travels_by_name(delivery: Delivery) -> bool:
    """A name that redaction would change (NIR-shaped) never goes into a flow run's parameters,
    stored by the Prefect server: such a file is refused anyway, by the nightly itself."""
    return redact(delivery.name) == delivery.name


@dataclass(frozen=True)
class RegistryMark:
    """The registry before the batches: rows after `last_id` are theirs."""

    last_id: int
    known: dict[str, str]  # sha256 → final status of files processed by earlier runs


def registry_mark(engine: Engine) -> RegistryMark:
    from warehouse.loading import known_statuses

    with engine.connect() as conn:
        last = conn.execute(select(func.max(chargements.c.id))).scalar_one_or_none()
    return RegistryMark(int(last or 0), known_statuses(engine))


def already_processed(delivery: Delivery, mark: RegistryMark) -> LoadOutcome | None:
    """What the per-file load says without reading a file processed by an earlier run."""
    status = mark.known.get(delivery.sha256 or "")
    if status is None:
        return None
    return seen_before(status)


def outcomes_since(engine: Engine, deliveries: Sequence[Delivery],
                   mark: RegistryMark) -> list[LoadOutcome | None]:
    """Each delivery's outcome from the rows registered since `mark` (None: no row, its batch did not
    load it). Identical bytes delivered twice: the first delivery takes the row, the next ones are
    « déjà chargé/refusé », as in a sequential run."""
    shas = {d.sha256 for d in deliveries if d.sha256}
    with engine.connect() as conn:
        rows = conn.execute(select(chargements).where(
            chargements.c.id > mark.last_id, chargements.c.sha256.in_(shas),
            chargements.c.statut != "en_cours").order_by(chargements.c.id)).mappings().all()
    pending: dict[str, list] = {}
    for row in rows:
        pending.setdefault(row["sha256"], []).append(row)
    taken: dict[str, str] = {}
    outcomes: list[LoadOutcome | None] = []
    for delivery in deliveries:
        sha = delivery.sha256 or ""
        candidates = pending.get(sha, [])
        row = next((r for r in candidates if r["nom_fichier"] == redact(delivery.name)), None) or (
            candidates[0] if candidates else None)
        if row is not None:
            candidates.remove(row)
            taken[sha] = row["statut"]
            outcomes.append(_outcome(row))
        elif sha in taken:
            outcomes.append(seen_before(taken[sha]))
        else:
            outcomes.append(None)
    return outcomes


def _outcome(row) -> LoadOutcome:
    statut = "charge" if row["statut"] in LOADED else row["statut"]
    return LoadOutcome(statut, int(row["id"]), row["lignes_lues"] or 0, row["lignes_chargees"] or 0,
                       row["lignes_rejetees"] or 0, row["lignes_remplacees"] or 0,
                       None if statut == "charge" else row["message"])


def as_parameter(delivery: Delivery) -> dict[str, object]:
    """What a batch flow run needs of an archived delivery (JSON, no inbox URL: it may carry a
    user name, and the worker reads the archive)."""
    return {"fournisseur": delivery.provider, "nom": delivery.name, "type_fichier": delivery.file_type,
            "sha256": delivery.sha256, "archive": delivery.local_path,
            "extraction": delivery.extraction.isoformat() if delivery.extraction else None}


def from_parameter(fournisseur: str, nom: str, type_fichier: str, sha256: str, archive: str,
                   extraction: datetime | None) -> Delivery:
    return Delivery(archive, fournisseur, nom, type_fichier, extraction, sha256, archive)
