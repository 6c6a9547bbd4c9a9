"""Given a warehouse, when a load attributes its rows to territories of residence, then each
commune and postal code is found through an index — not by scanning the territories' tables once
per row, which a country's 1 000 territories would make quadratic; and a RPU delivery's DELETE
reads its own FINESS's month through an index, not every year of that FINESS."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, inspect, text

from schemas import rpu
from warehouse import scopes
from warehouse.residence import ATTRIBUTIONS, _insert_sql


def test_the_territories_are_indexed_by_commune_and_postal_code(engine: Engine) -> None:
    indexes = {table: {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes(table)}
               for table in ("territoires_communes", "territoires_codes_postaux")}
    assert ("code_insee", "territoire") in indexes["territoires_communes"]
    assert ("code_postal", "territoire") in indexes["territoires_codes_postaux"]


def test_sqlite_attributes_a_load_by_index_searches_only(tmp_path) -> None:
    from warehouse.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'entrepot.sqlite'}")
    upgrade(engine)
    with engine.begin() as conn:  # a country's territories, with the planner's statistics
        conn.execute(text("INSERT INTO territoires_communes (territoire, code_insee) VALUES (:t, :c)"),
                     [{"t": f"cpts-{i // 30}", "c": f"{i:05d}"} for i in range(30_000)])
        conn.execute(text("ANALYZE"))
        for fact in ATTRIBUTIONS:
            plan = [row[-1] for row in conn.execute(text(
                "EXPLAIN QUERY PLAN " + _insert_sql(fact, "f.chargement_id = 1")))]
            assert not [step for step in plan if step.startswith("SCAN")], plan
    engine.dispose()


def test_sqlite_replaces_a_finess_month_through_the_finess_and_date_index(tmp_path) -> None:
    from warehouse.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'entrepot.sqlite'}")
    upgrade(engine)
    [(statement, values)] = scopes.deletes(rpu.scope("420009573", date(2024, 3, 1), date(2024, 3, 31)))
    compiled = statement.compile(engine)
    bound = compiled.construct_params(values)
    with engine.connect() as conn:
        plan = [row[-1] for row in conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", tuple(str(bound[k]) for k in compiled.positiontup))]
    assert plan[0] == ("SEARCH passages_urgences USING INDEX ix_passages_urgences_finess_date_entree "
                       "(finess=? AND date_entree>? AND date_entree<?)"), plan  # then the cascade
    engine.dispose()


def test_the_national_facts_carry_only_the_indexes_their_loads_and_readers_use(engine: Engine) -> None:
    """Every index is paid by every loaded row: this list changes only on purpose (0008, 0010)."""
    indexes = {table: sorted(tuple(ix["column_names"]) for ix in inspect(engine).get_indexes(table))
               for table in ("passages_urgences", "sejours_mco")}
    assert indexes["passages_urgences"] == [
        ("chargement_id",), ("date_entree",), ("finess", "date_entree")]
    assert indexes["sejours_mco"] == [
        ("chargement_id",), ("date_sortie",), ("finess",), ("patient_pseudo",)]
