"""Given RPU CSV exports in the inbox, when the nightly ingestion runs, then passages and
URG_NON_HOSPIT are exactly what the files say — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, select, text

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders import month_of_passages, rpu_row, write_rpu_csv
from warehouse.db import make_engine, upgrade
from warehouse.materialise import Period, materialise
from warehouse.tables import metadata
from warehouse.tables.marts import indicateurs_resultats
from warehouse.tables.registre import chargements, rejets
from warehouse.views import view_statements

CHU = "420784878"
GIER = "420001232"


def facts_checksum(engine: Engine) -> tuple[int, str]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT finess, entree, age, commune_residence, mode_sortie, gravite "
            "FROM passages_urgences ORDER BY finess, entree, age, commune_residence")).all()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def urg_non_hospit(engine: Engine, year: int, territoire: str = "vallee-du-gier") -> float:
    materialise(engine, [territoire], [Period.calendar_year(year)])
    with engine.connect() as conn:
        return conn.execute(select(indicateurs_resultats.c.valeur).where(
            indicateurs_resultats.c.code_indicateur == "URG_NON_HOSPIT",
            indicateurs_resultats.c.territoire == territoire,
            indicateurs_resultats.c.periode == str(year))).scalar_one()


def test_residents_non_hospitalised_passages_are_counted_by_residence(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    march = datetime(2024, 3, 10, 14, 5)
    rows = [
        rpu_row(CHU, march),  # Saint-Chamond, home: counts
        rpu_row(CHU, march, cp="42400", commune="IZIEUX"),  # historical name of Saint-Chamond
        rpu_row(CHU, march, cp="42800", commune="LA CULA"),  # historical name of Genilac
        rpu_row(CHU, march, cp="42800", commune="INCONNUE"),  # 42800 wholly inside the territory
        rpu_row(CHU, march, cp="42000", commune="SAINT ETIENNE"),  # other territory
        rpu_row(CHU, march, cp="69420", commune="INCONNUE"),  # shared postal code: non attribué
        rpu_row(CHU, march, mode_sortie="6"),  # hospitalised
        rpu_row(CHU, march, mode_sortie=""),  # empty MODE_SORTIE: neither
        rpu_row(CHU, march, cp="", commune="", commune_insee=""),  # no residence
    ]
    write_rpu_csv(inbox, CHU, "202403", rows)
    write_rpu_csv(inbox, GIER, "202312", month_of_passages(GIER, 2023, 12, 5))

    report = ingest_inbox(engine, settings)

    assert [o.statut for _, o in report.outcomes] == ["charge", "charge"]
    assert urg_non_hospit(engine, 2024) == 4
    assert urg_non_hospit(engine, 2023) == 5
    assert urg_non_hospit(engine, 2024, "grand-saint-etienne") == 1


def test_running_twice_leaves_the_warehouse_identical(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 40))
    write_rpu_csv(inbox, CHU, "202404", month_of_passages(CHU, 2024, 4, 30))
    ingest_inbox(engine, settings)
    first = facts_checksum(engine)

    again = ingest_inbox(engine, settings)

    assert {o.statut for _, o in again.outcomes} == {"deja_charge"}
    assert facts_checksum(engine) == first == (70, first[1])
    with engine.connect() as conn:
        assert len(conn.execute(select(chargements.c.id)).all()) == 2


def test_a_corrected_file_replaces_its_month_and_nothing_else(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 40))
    write_rpu_csv(inbox, CHU, "202404", month_of_passages(CHU, 2024, 4, 30))
    write_rpu_csv(inbox, GIER, "202403", month_of_passages(GIER, 2024, 3, 7))
    ingest_inbox(engine, settings)

    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 25, mode_sortie="6"))
    report = ingest_inbox(engine, settings)

    loaded = report.by_status("charge")
    assert len(loaded) == 1 and loaded[0][1].lignes_remplacees == 40
    with engine.connect() as conn:
        per_scope = conn.execute(text(
            "SELECT finess, mode_sortie, COUNT(*) FROM passages_urgences "
            "GROUP BY finess, mode_sortie ORDER BY finess, mode_sortie")).all()
    assert [tuple(r) for r in per_scope] == [(GIER, "8", 7), (CHU, "6", 25), (CHU, "8", 30)]


def test_one_unreadable_entree_among_a_thousand_rejects_only_that_line(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    rows = month_of_passages(CHU, 2024, 3, 1000)
    rows[499]["entree"] = "31/02/2024 25:61"
    write_rpu_csv(inbox, CHU, "202403", rows)

    (_, outcome), = ingest_inbox(engine, settings).outcomes

    assert (outcome.statut, outcome.lignes_chargees, outcome.lignes_rejetees) == ("charge", 999, 1)
    with engine.connect() as conn:
        reject = conn.execute(select(rejets.c.ligne, rejets.c.colonne, rejets.c.motif)).one()
    assert reject.ligne == 501 and reject.colonne == "entree"
    assert "ENTREE" in reject.motif


def test_windows_1252_shuffled_columns_and_historical_names_are_read(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    header = ["Entree ", "FINESS", "mode_sortie", "commune", "cp", "naissance", "gravite",
              "colonne_inconnue"]
    rows = [rpu_row(CHU, datetime(2024, 5, 2, 8, 0), cp="42400", commune="SAINT-CHAMOND é")]
    rows += [rpu_row(CHU, datetime(2024, 5, 2, 9, 0), cp="42152", commune="L'Horme")]
    for r in rows:
        r["Entree "], r["FINESS"] = r["entree"], r["finess"]
    write_rpu_csv(inbox, CHU, "202405", rows, encoding="cp1252", header=header)

    (_, outcome), = ingest_inbox(engine, settings).outcomes

    assert outcome.statut == "charge", outcome.message
    with engine.connect() as conn:
        communes = conn.execute(text(
            "SELECT commune_residence FROM passages_urgences ORDER BY entree")).scalars().all()
    # "SAINT-CHAMOND é" does not resolve by name, but 42400 is wholly inside the territory.
    assert communes == [None, "42110"]
    assert urg_non_hospit(engine, 2024) == 2


def test_a_nir_in_any_column_quarantines_the_file_without_the_nir_anywhere(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    nir = "1850578006048" + f"{97 - 1850578006048 % 97:02d}"
    rows = month_of_passages(CHU, 2024, 3, 10)
    rows[3]["motif"] = nir
    write_rpu_csv(inbox, CHU, "202403", rows)
    write_rpu_csv(inbox, GIER, "202403", month_of_passages(GIER, 2024, 3, 3))

    report = ingest_inbox(engine, settings)

    statuses = {d.name: o for d, o in report.outcomes}
    bad = statuses[f"RPU_{CHU}_202403.csv"]
    assert bad.statut == "quarantaine"
    assert "ligne 5" in bad.message and "« motif »" in bad.message and nir not in bad.message
    assert statuses[f"RPU_{GIER}_202403.csv"].statut == "charge"
    with engine.connect() as conn:
        dump = repr(conn.execute(text("SELECT * FROM passages_urgences")).all())
        dump += repr(conn.execute(text("SELECT * FROM chargements")).all())
        dump += repr(conn.execute(text("SELECT * FROM rejets")).all())
    assert nir not in dump


def test_upgrade_creates_the_same_tables_on_an_empty_database(empty_warehouse_url: str) -> None:
    engine = make_engine(empty_warehouse_url)
    upgrade(engine)

    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(metadata.tables)
    assert set(inspect(engine).get_view_names()) == {name for name, _ in view_statements()}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM territoires_communes")).scalar() == 38
    engine.dispose()
