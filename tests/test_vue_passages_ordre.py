"""Given a warehouse upgraded to the latest migration, when an analyst reads the emergency passages
by territory of residence, then the view shows the ORDRE of national names on both backends
(PostgreSQL froze `p.*` when 0004 created the view); its downgrade gives back the view 0006 had
on PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from warehouse.db import alembic_config, make_engine, upgrade


def view_columns(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        return [c["name"] for c in inspect(engine).get_columns("passages_urgences_residents")]
    finally:
        engine.dispose()


def test_the_residents_view_shows_ordre_and_downgrades_cleanly(empty_warehouse_url: str) -> None:
    engine = make_engine(empty_warehouse_url)
    upgrade(engine)
    assert "ordre" in view_columns(empty_warehouse_url)
    assert view_columns(empty_warehouse_url)[0] == "territoire"

    command.downgrade(alembic_config(engine), "0006_perimetres_structures")
    engine.dispose()
    assert "ordre" not in view_columns(empty_warehouse_url)
    assert "finess" in view_columns(empty_warehouse_url)
