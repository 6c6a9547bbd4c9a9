"""Lineage of the national fact tables: given loaded deliveries, every passage and stay points to
the registry row of the delivery that brought it, on both backends. On PostgreSQL that is not
checked row by row (migration 0009: the check was a quarter of a load's server time); the lineage
index stays, and the downgrade gives the key back."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Engine, inspect

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders import month_of_passages, rows, write_rpu_csv
from tests.builders_hopital import stays, write_pmsi
from warehouse.db import alembic_config, make_engine, upgrade

CHU = "420784878"
FACTS = ("passages_urgences", "sejours_mco")


def lineage_keys(engine: Engine, table: str) -> list[list[str]]:
    return [fk["referred_columns"] for fk in inspect(engine).get_foreign_keys(table)
            if fk["constrained_columns"] == ["chargement_id"]]


def test_every_fact_points_to_the_delivery_that_loaded_it(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 12))
    write_rpu_csv(inbox, CHU, "202404", month_of_passages(CHU, 2024, 4, 7))
    write_pmsi(inbox, CHU, 2024, 3, stays(CHU, 2024, 3, 4))

    report = ingest_inbox(engine, settings, workers=2)

    assert {o.statut for _, o in report.outcomes} == {"charge"}
    for table in FACTS:
        assert rows(engine, f"""
            SELECT c.type_fichier, c.statut, COUNT(*) FROM {table} f
            LEFT JOIN chargements c ON c.id = f.chargement_id
            GROUP BY c.type_fichier, c.statut""") == [
            ("rpu_csv", "charge", 19) if table == "passages_urgences" else ("pmsi_mco", "charge", 12)]


def test_postgresql_checks_no_lineage_row_by_row_and_the_downgrade_restores_it(
        empty_warehouse_url: str) -> None:
    engine = make_engine(empty_warehouse_url)
    upgrade(engine)
    postgres = engine.dialect.name == "postgresql"
    for table in FACTS:
        assert lineage_keys(engine, table) == ([] if postgres else [["id"]])
        assert any(ix["column_names"] == ["chargement_id"] for ix in inspect(engine).get_indexes(table))
    assert lineage_keys(engine, "rejets") == [["id"]]  # small tables keep their key

    command.downgrade(alembic_config(engine), "0008_index_chargement")
    engine.dispose()
    engine = make_engine(empty_warehouse_url)
    assert all(lineage_keys(engine, table) == [["id"]] for table in FACTS)
    engine.dispose()
