"""Shared metadata and column helpers."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, MetaData

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BIGINT on PostgreSQL, INTEGER on SQLite (so that it stays an auto-increment rowid alias).
IdType = BigInteger().with_variant(Integer(), "sqlite")


def chargement_fk(checked: bool = True) -> Column:
    """Lineage: every fact row points to the load batch (delivery) that brought it.

    `checked=False`: national-scale facts, whose key PostgreSQL would check once per loaded row
    (migration 0009); the loader sets it in the transaction that registered the batch."""
    return Column(
        "chargement_id", IdType, *([ForeignKey("chargements.id")] if checked else []), nullable=False,
        index=True, comment="Chargement (fichier reçu) qui a apporté la ligne",
    )
