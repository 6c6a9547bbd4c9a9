"""Given CPAM workbooks in the inbox, when the ingestion runs, then masked cells stay unknown, the
TOTAL row is kept and any doubt about territory, date or content quarantines the file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders import only_outcome, rows
from tests.builders_xlsx import (
    patientele_rows,
    save,
    truncate,
    with_billion_laughs,
    write_depistage,
    write_patientele,
    write_prado,
)

NIR = "1850578006048" + f"{97 - 1850578006048 % 97:02d}"


def test_patientele_masked_cells_are_null_and_flagged_and_total_is_kept(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_patientele(inbox, suffix="_vallee-du-gier")

    outcome = only_outcome(engine, settings)

    assert outcome.statut == "charge", outcome.message
    got = rows(engine, "SELECT code_insee, est_total, consommants_17p, sans_mt_17p, sans_mt_17p_masque, "
                       "sans_mt_70p, sans_mt_70p_masque, ald_sans_mt_masque, c2s_sans_mt, "
                       "c2s_sans_mt_masque, territoire, date_situation FROM cpam_patientele_mt "
                       "ORDER BY est_total, code_insee")
    assert [r[:10] for r in got] == [
        ("42110", False, 400, None, True, None, True, True, 0, False),
        ("42207", False, 1200, 80, False, 10, False, False, None, True),
        (None, True, 1600, 85, False, 12, False, False, 3, False),
    ]
    assert {(r[10], str(r[11])) for r in got} == {("vallee-du-gier", "2024-12-31")}


def test_numeric_insee_cells_are_re_padded(engine: Engine, settings: Settings, inbox: Path) -> None:
    write_patientele(inbox, communes=[[1001, "L'Abergement", 5, 5, 5, 5, 5, 5, 5, 5]])

    assert only_outcome(engine, settings).statut == "charge"
    assert rows(engine, "SELECT code_insee FROM cpam_patientele_mt WHERE NOT est_total") == [("01001",)]


def test_situation_date_of_the_title_must_match_the_file_name(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_patientele(inbox, situation="30/09/2024")

    outcome = only_outcome(engine, settings)

    assert outcome.statut == "quarantaine"
    assert "30/09/2024" in outcome.message and "cellule A2" in outcome.message


def test_unknown_territory_or_disagreeing_suffix_quarantines(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_patientele(inbox, territoire="CPTS Nulle Part")
    write_patientele(inbox, stamp="20240930", situation="30/09/2024", suffix="_grand-saint-etienne")

    report = ingest_inbox(engine, settings)

    messages = {d.name: o.message for d, o in report.outcomes if o.statut == "quarantaine"}
    assert "Nulle Part" in messages["CPAM_patientele_MT_20241231.xlsx"]
    assert "grand-saint-etienne" in messages["CPAM_patientele_MT_20240930_grand-saint-etienne.xlsx"]


def test_missing_sheet_is_named(engine: Engine, settings: Settings, inbox: Path) -> None:
    save(inbox / "cpam" / "CPAM_patientele_MT_20241231.xlsx", {"Feuil1": patientele_rows()})

    outcome = only_outcome(engine, settings)

    assert outcome.statut == "quarantaine"
    assert "« Patientèle MT » absente" in outcome.message and "Feuil1" in outcome.message


def test_truncated_and_entity_bomb_workbooks_are_quarantined(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    truncate(write_patientele(inbox))
    with_billion_laughs(write_patientele(inbox, stamp="20240930", situation="30/09/2024"))

    report = ingest_inbox(engine, settings)

    messages = sorted(o.message for _, o in report.outcomes if o.statut == "quarantaine")
    assert len(messages) == 2
    assert "illisible" in messages[0] or "illisible" in messages[1]
    assert any("entités XML" in m for m in messages)


def test_a_nir_in_a_cell_quarantines_without_showing_it(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_patientele(inbox, communes=[[42207, NIR, 5, 5, 5, 5, 5, 5, 5, 5]])

    outcome = only_outcome(engine, settings)

    assert outcome.statut == "quarantaine" and "cellule B6" in outcome.message
    assert NIR not in outcome.message


def test_prado_and_depistage_load_with_canonical_labels_and_rate_check(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_prado(inbox)
    write_depistage(inbox)

    report = ingest_inbox(engine, settings)

    assert {o.statut for _, o in report.outcomes} == {"charge"}
    prado = [(str(m), v, n) for m, v, n in rows(
        engine, "SELECT mois, volet, patients_inclus FROM cpam_prado ORDER BY mois, volet")]
    assert prado == [("2024-01-01", "Maternité", 12), ("2024-02-01", "Insuffisance cardiaque", 5),
                     ("2024-02-01", "Personnes âgées", 3)]
    assert rows(engine, "SELECT depistage, population_depistee, taux_fourni, taux_incoherent "
                        "FROM cpam_depistage ORDER BY depistage") == [
        ("col_uterus", 4500, 50.0, False), ("colorectal", 3000, 35.2, True), ("sein", 2000, 50.0, False)]
    assert rows(engine, "SELECT nature, nombre FROM anomalies") == [("taux_incoherent", 1)]


def test_re_running_is_a_no_op(engine: Engine, settings: Settings, inbox: Path) -> None:
    write_patientele(inbox)
    ingest_inbox(engine, settings)
    before = rows(engine, "SELECT * FROM cpam_patientele_mt ORDER BY id")

    again = ingest_inbox(engine, settings)

    assert {o.statut for _, o in again.outcomes} == {"deja_charge"}
    assert rows(engine, "SELECT * FROM cpam_patientele_mt ORDER BY id") == before
