"""Load the committed reference data into the warehouse when it changed (hash-checked)."""

from __future__ import annotations

import hashlib

import polars as pl
from sqlalchemy import Engine, delete, select

from cpts.residence import wholly_inside_postal_codes
from warehouse import reference
from warehouse.bulk import insert_frame
from warehouse.loading import lock_writers
from warehouse.residence import reattribute_all
from warehouse.tables import reference as ref


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("communes_2024.csv", "populations.csv", "codes_postaux.csv", "territoires.csv"):
        digest.update((reference.HERE / name).read_bytes())
    return digest.hexdigest()


def load_reference(engine: Engine) -> bool:
    """Replace the reference tables if their source files changed; True when (re)loaded."""
    fingerprint = _fingerprint()
    with engine.begin() as conn:
        lock_writers(conn)
        current = conn.execute(
            select(ref.reference_versions.c.sha256).where(ref.reference_versions.c.nom == "reference")
        ).scalar_one_or_none()
        if current == fingerprint:
            return False
        for table in (ref.territoires_codes_postaux, ref.territoires_communes, ref.territoires,
                      ref.codes_postaux, ref.populations, ref.communes, ref.reference_versions):
            conn.execute(delete(table))
        insert_frame(conn, ref.communes, reference.communes())
        insert_frame(conn, ref.populations, reference.populations())
        insert_frame(conn, ref.codes_postaux, reference.postal_codes())
        terr = reference.territories()
        insert_frame(conn, ref.territoires, terr.select(
            "territoire", libelle=pl.col("libelle_territoire")).unique(maintain_order=True))
        insert_frame(conn, ref.territoires_communes, terr.select("territoire", "code_insee"))
        inside = wholly_inside_postal_codes()
        insert_frame(conn, ref.territoires_codes_postaux, pl.DataFrame(
            {"territoire": list(inside.values()), "code_postal": list(inside.keys())}))
        insert_frame(conn, ref.reference_versions,
                     pl.DataFrame({"nom": ["reference"], "sha256": [fingerprint]}))
        reattribute_all(conn)  # the territories' communes may have changed
    return True
