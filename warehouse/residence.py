"""Maintain the residence attribution tables (exports.md, Residence): the resolved commune decides;
with no commune, a postal code wholly inside one territory attributes the row.

Rows are attributed in the transaction that loads them; scope replacements remove them by
ON DELETE CASCADE; a change of the reference data re-attributes everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

# fact table → (attribution table, its id column)
ATTRIBUTIONS = {
    "passages_urgences": ("residence_passages", "passage_id"),
    "sejours_mco": ("residence_sejours", "sejour_id"),
}


def _insert_sql(fact: str, where: str) -> str:
    # One pass over the facts (a UNION ALL of the two rules read them twice): the commune's
    # territories, else, with no commune, the postal code's.
    table, id_column = ATTRIBUTIONS[fact]
    return f"""
INSERT INTO {table} ({id_column}, territoire)
SELECT f.id, COALESCE(tc.territoire, tcp.territoire)
FROM {fact} f
LEFT JOIN territoires_communes tc ON tc.code_insee = f.commune_residence
LEFT JOIN territoires_codes_postaux tcp
  ON f.commune_residence IS NULL AND tcp.code_postal = f.cp_residence
WHERE {where} AND (tc.territoire IS NOT NULL OR tcp.territoire IS NOT NULL)"""


def attribute_batch(conn: Connection, batch: int, loaded_tables: Iterable[str]) -> None:
    """Attribute the facts a load just inserted (same transaction as the load)."""
    for fact in loaded_tables:
        if fact in ATTRIBUTIONS:
            conn.execute(text(_insert_sql(fact, "f.chargement_id = :batch")), {"batch": batch})


def reattribute_all(conn: Connection) -> None:
    """Every fact again, e.g. after the territories' communes changed."""
    for fact, (table, _) in ATTRIBUTIONS.items():
        conn.execute(text(f"DELETE FROM {table}"))  # not TRUNCATE: no exclusive lock on readers
        conn.execute(text(_insert_sql(fact, "1 = 1")))
