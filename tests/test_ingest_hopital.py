"""Given RPU OSCOUR XML and PMSI MCO exports in the inbox, when the ingestion runs, then the
warehouse holds exactly their scopes — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders import month_of_passages, rows, write_rpu_csv
from tests.builders_hopital import nir_ano, pmsi_row, stays, write_pmsi, write_rpu_xml, xml_passage
from tests.conftest import TEST_KEY
from warehouse.tables.hopital import sejours_mco
from warehouse.tables.registre import rejets

CHU = "420784878"
GIER = "420001232"
MARCH = (date(2024, 3, 1), date(2024, 3, 31))


def statuses(report) -> dict[str, str]:
    return {d.name: o.statut for d, o in report.outcomes}


def test_rpu_xml_replaces_the_csv_month_of_the_same_finess_and_rerun_is_a_noop(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 40))
    write_rpu_csv(inbox, CHU, "202404", month_of_passages(CHU, 2024, 4, 30))
    write_rpu_csv(inbox, GIER, "202403", month_of_passages(GIER, 2024, 3, 7))
    passages = [xml_passage(CHU, datetime(2024, 3, d, 14, 5), liste_da="K590, R11", liste_actes="DEQP003",
                            commune="SAINT-CHAMOND", orient="XYZ") for d in (3, 15, 31)]
    write_rpu_xml(inbox, CHU, datetime(2024, 4, 5, 3, 12), *MARCH, passages, encoding="ISO-8859-1")

    report = ingest_inbox(engine, settings)

    assert [d.file_type for d, _ in report.outcomes][-1] == "rpu_xml"  # latest extraction last
    assert set(statuses(report).values()) == {"charge"}
    assert rows(engine, "SELECT finess, EXTRACT(MONTH FROM date_entree) AS m, COUNT(*) FROM "
                "passages_urgences GROUP BY finess, m ORDER BY finess, m"
                if engine.dialect.name == "postgresql" else
                "SELECT finess, CAST(strftime('%m', date_entree) AS INTEGER) AS m, COUNT(*) FROM "
                "passages_urgences GROUP BY finess, m ORDER BY finess, m") == [
        (GIER, 3, 7), (CHU, 3, 3), (CHU, 4, 30)]
    assert rows(engine, f"SELECT DISTINCT liste_da, liste_actes, commune_residence, orient, age "
                f"FROM passages_urgences WHERE finess = '{CHU}' AND liste_da IS NOT NULL") == [
        ("K590, R11", "DEQP003", "42207", None, 75)]
    assert rows(engine, "SELECT lignes_remplacees FROM chargements WHERE type_fichier = 'rpu_xml'") == [(40,)]

    again = ingest_inbox(engine, settings)

    assert set(statuses(again).values()) == {"deja_charge"}
    assert rows(engine, "SELECT COUNT(*) FROM passages_urgences") == [(40,)]


def test_an_xml_passage_outside_its_declared_period_widens_it_but_a_nir_quarantines_the_file(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    passages = [xml_passage(CHU, datetime(2024, 3, 30, 9, 0)), xml_passage(CHU, datetime(2024, 4, 1, 0, 10))]
    write_rpu_xml(inbox, CHU, datetime(2024, 4, 5, 3, 12), *MARCH, passages)
    nir = "1850578006048" + f"{97 - 1850578006048 % 97:02d}"
    write_rpu_xml(inbox, GIER, datetime(2024, 4, 5, 3, 12), *MARCH,
                  [xml_passage(GIER, datetime(2024, 3, 3, 14, 5), motif=nir)])

    outcomes = {d.name[:13]: o for d, o in ingest_inbox(engine, settings).outcomes}

    outside, with_nir = outcomes[f"RPU_{CHU}"], outcomes[f"RPU_{GIER}"]
    assert (outside.statut, with_nir.statut) == ("charge", "quarantaine")  # exports.md, real-world
    assert rows(engine, "SELECT nature, nombre, exemple FROM anomalies") == [
        ("periode_elargie", 1, "déclarée 01/03/2024–31/03/2024, passages 01/03/2024–01/04/2024")]
    assert "« motif »" in with_nir.message
    assert nir not in with_nir.message
    assert rows(engine, "SELECT finess, COUNT(*) FROM passages_urgences GROUP BY finess") == [(CHU, 2)]
    assert nir not in repr(rows(engine, "SELECT * FROM chargements"))


def test_an_unreadable_xml_entree_is_a_row_reject_naming_the_passage(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    passages = [xml_passage(CHU, datetime(2024, 3, 1 + i // 2, 8 + i % 2, 0)) for i in range(60)]
    passages[9]["entree"] = "32/03/2024 10:00"
    write_rpu_xml(inbox, CHU, datetime(2024, 4, 5, 3, 12), *MARCH, passages)

    (_, outcome), = ingest_inbox(engine, settings).outcomes

    assert (outcome.statut, outcome.lignes_chargees, outcome.lignes_rejetees) == ("charge", 59, 1)
    with engine.connect() as conn:
        reject = conn.execute(select(rejets.c.ligne, rejets.c.colonne, rejets.c.motif)).one()
    assert reject.colonne == "entree" and reject.motif.startswith("passage n° 10 : ENTREE")
    assert reject.ligne > 10  # the source line of the <PATIENT> tag


def test_pmsi_later_month_replaces_the_year_and_an_older_month_is_obsolete(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_pmsi(inbox, CHU, 2024, 3, stays(CHU, 2024, 3, 4))
    write_pmsi(inbox, CHU, 2023, 12, stays(CHU, 2023, 12, 1))
    assert set(statuses(ingest_inbox(engine, settings)).values()) == {"charge"}

    (inbox / "hopital" / f"PMSI_MCO_{CHU}_2024_M03.csv").unlink()
    write_pmsi(inbox, CHU, 2024, 6, stays(CHU, 2024, 6, 5))
    report = ingest_inbox(engine, settings)

    assert statuses(report)[f"PMSI_MCO_{CHU}_2024_M06.csv"] == "charge"
    assert rows(engine, "SELECT annee, COUNT(*) FROM sejours_mco GROUP BY annee ORDER BY annee") == [
        (2023, 12), (2024, 30)]
    assert rows(engine, "SELECT lignes_remplacees FROM chargements WHERE nom_fichier LIKE '%M06%'") == [(12,)]

    write_pmsi(inbox, CHU, 2024, 3, stays(CHU, 2024, 3, 4, uhcd="1"))  # a corrected but older month
    late = ingest_inbox(engine, settings)

    assert statuses(late)[f"PMSI_MCO_{CHU}_2024_M03.csv"] == "obsolete"
    message = next(o.message for d, o in late.outcomes if d.name.endswith("M03.csv"))
    assert "obsolète" in message
    assert rows(engine, "SELECT COUNT(*) FROM sejours_mco WHERE annee = 2024 AND uhcd") == [(0,)]


def test_pmsi_duplicate_num_rsa_rejects_both_rows(engine: Engine, settings: Settings, inbox: Path) -> None:
    data = stays(CHU, 2024, 2, 60)
    data[10]["num_rsa"] = data[70]["num_rsa"]
    write_pmsi(inbox, CHU, 2024, 2, data)

    (_, outcome), = ingest_inbox(engine, settings).outcomes

    assert (outcome.statut, outcome.lignes_chargees, outcome.lignes_rejetees) == ("charge", 118, 2)
    with engine.connect() as conn:
        found = conn.execute(select(rejets.c.ligne, rejets.c.colonne).order_by(rejets.c.ligne)).all()
    assert [tuple(r) for r in found] == [(12, "num_rsa"), (72, "num_rsa")]


def test_pmsi_key_is_pseudonymised_before_writing_and_values_are_typed(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    data = [pmsi_row(CHU, "1", date(2024, 1, 5), date_entree="2024-01-02", commune_residence="42218"),
            pmsi_row(CHU, "2", date(2024, 1, 6), nir_ano_17="xxxxxxxxxxxxxxxxx", uhcd="1", sexe="9"),
            pmsi_row(CHU, "3", date(2024, 1, 7), ghm="5M092"),
            pmsi_row(CHU, "4", date(2024, 1, 7), date_entree="08012024")]
    write_pmsi(inbox, CHU, 2024, 1, data)
    settings = settings.model_copy(update={"reject_threshold": 0.5})

    (_, outcome), = ingest_inbox(engine, settings).outcomes

    assert (outcome.statut, outcome.lignes_chargees, outcome.lignes_rejetees) == ("charge", 2, 2)
    expected = hmac.new(TEST_KEY.encode(), nir_ano(1).encode(), hashlib.sha256).hexdigest()
    t = sejours_mco.c
    with engine.connect() as conn:
        loaded = conn.execute(select(t.num_rsa, t.patient_pseudo, t.date_entree, t.uhcd, t.sexe,
                                     t.commune_residence, t.cp_residence, t.dp).order_by(t.num_rsa)).all()
    assert [tuple(r) for r in loaded] == [
        ("1", expected, date(2024, 1, 2), False, "2", "42218", "42400", "I500"),
        ("2", None, date(2024, 1, 6), True, None, None, "42400", "I500")]
    assert sorted(rows(engine, "SELECT ligne, colonne FROM rejets")) == [(4, "ghm"), (5, "date_sortie")]
    assert rows(engine, "SELECT colonne, nature, nombre FROM anomalies") == [("sexe", "code_hors_liste", 1)]
    dump = "".join(repr(rows(engine, f"SELECT * FROM {t}")) for t in
                   ("sejours_mco", "chargements", "rejets", "anomalies"))
    assert nir_ano(1) not in dump and nir_ano(2) not in dump


def test_pmsi_stay_discharged_outside_the_year_rejects_the_file(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_pmsi(inbox, CHU, 2024, 3, [*stays(CHU, 2024, 3, 2), pmsi_row(CHU, "9", date(2023, 12, 30))])

    (_, outcome), = ingest_inbox(engine, settings).outcomes

    assert outcome.statut == "quarantaine" and "« date_sortie »" in outcome.message
    assert "ligne 8" in outcome.message
    assert rows(engine, "SELECT COUNT(*) FROM sejours_mco") == [(0,)]
