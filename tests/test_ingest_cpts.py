"""Given CPTS coordinator workbooks, when the ingestion runs, then typed labels are matched, each bad
row is rejected with its sheet and cell, and the contract annex is loaded only when it is coherent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders import only_outcome, rows
from tests.builders_xlsx import activite_sheets, write_activite, write_annexe
from warehouse.tables.registre import rejets


def test_activity_labels_are_matched_and_bad_rows_rejected_with_their_cell(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_activite(inbox)

    outcome = only_outcome(engine, settings)

    assert (outcome.statut, outcome.lignes_rejetees) == ("charge", 2), outcome.message
    assert rows(engine, "SELECT mission, type_action, participants, intitule FROM cpts_actions "
                        "ORDER BY date_action") == [
        (3, "Stand d'information", 40, "Journée diabète"),
        (3, "Réunion de travail", 0, '=HYPERLINK("http://x","y")'),
        (3, "Conférence grand public", 25, "Vaccination"), (3, "Autre", 10, "Marche")]
    assert rows(engine, "SELECT identifiant, profession, mode_exercice, commune FROM cpts_adherents "
                        "ORDER BY identifiant") == [
        ("10001234565", "Infirmier", "Libéral", "42207"),
        ("INT-2", "Masseur-kinésithérapeute", "Salarié", "42225")]
    assert rows(engine, "SELECT parcours, professionnels_impliques FROM cpts_parcours ORDER BY parcours") \
        == [("Diabète de type 2", 0), ("Insuffisance cardiaque", 3)]
    assert rows(engine, "SELECT action, personnes_reorientees FROM cpts_crise") == [
        ("Ligne téléphonique", 30)]
    with engine.connect() as conn:
        got = conn.execute(select(rejets.c.feuille, rejets.c.cellule, rejets.c.colonne, rejets.c.motif)
                           .order_by(rejets.c.feuille)).all()
    assert [(r.feuille, r.cellule, r.colonne) for r in got] == [
        ("Actions", "A6", "Date"), ("Adhérents", "B7", "Profession")]
    assert "hors de l'année 2024" in got[0].motif
    assert "Infirmeir" in got[1].motif and "Sage-femme" in got[1].motif
    assert "feuille Adhérents, cellule B7" in got[1].motif


def test_a_corrected_activity_workbook_replaces_exactly_its_territory_and_year(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_activite(inbox)
    write_activite(inbox, 2023, sheets=_dated(activite_sheets(2023), 2023))
    other = activite_sheets(2024, territoire="grand-saint-etienne")
    write_activite(inbox, sheets=other, name="CPTS_activite_2024_grand-saint-etienne.xlsx")
    ingest_inbox(engine, settings)

    corrected = activite_sheets(2024)
    corrected["Actions"] = corrected["Actions"][:2]
    write_activite(inbox, sheets=corrected)
    (_, outcome), = ingest_inbox(engine, settings).by_status("charge")

    assert outcome.statut == "charge" and outcome.lignes_remplacees > 0
    assert rows(engine, "SELECT territoire, annee, COUNT(*) FROM cpts_actions "
                        "GROUP BY territoire, annee ORDER BY territoire, annee") == [
        ("grand-saint-etienne", 2024, 4), ("vallee-du-gier", 2023, 4), ("vallee-du-gier", 2024, 1)]


def _dated(sheets: dict[str, list], year: int) -> dict[str, list]:
    """Move the text dates of the 2024 builder to `year` (typed dates already follow it)."""
    for sheet in sheets.values():
        for row in sheet:
            for i, v in enumerate(row):
                if v == "12/04/2024":
                    row[i] = date(year, 4, 12)
    return sheets


def test_a_valid_annex_loads_and_re_running_is_a_no_op(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_annexe(inbox)

    assert only_outcome(engine, settings).statut == "charge"
    assert [tuple(map(str, r)) for r in rows(
        engine, "SELECT annee, debut_annee_contractuelle, fin_annee_contractuelle FROM annexe_parametres")] \
        == [("2025", "2024-12-07", "2025-12-06")]
    assert rows(engine, "SELECT mission, libelle, part_fixe, part_variable FROM annexe_enveloppes "
                        "ORDER BY libelle")[0] == (1, "Accès aux soins", 90000.0, 35000.0)
    assert rows(engine, "SELECT mission, libelle FROM annexe_enveloppes WHERE mission IS NULL") == [
        (None, "Fonctionnement")]
    assert rows(engine, "SELECT code_indicateur, mission, sens, seuil_objectif, montant_objectif "
                        "FROM annexe_indicateurs ORDER BY code_indicateur") == [
        ("ACCES", 1, "≥", None, None), ("ALD_SANS_MT", 2, "≤", 50.0, 9000.0),
        ("DEP_SEIN", 3, "≥", 60.0, 8000.0)]
    assert {o.statut for _, o in ingest_inbox(engine, settings).outcomes} == {"deja_charge"}


def test_non_monotonic_thresholds_quarantine_the_annex_naming_the_row(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_annexe(inbox, [["2", "ALD_SANS_MT", "ALD", 219, "≤", 100, 3000, 150, 6000, 50, 9000]])

    outcome = only_outcome(engine, settings)

    assert outcome.statut == "quarantaine"
    assert "ligne 3" in outcome.message and "décroissants" in outcome.message


def test_amounts_above_the_variable_envelope_quarantine_the_annex(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_annexe(inbox, [["3", "A", "A", 1, "≥", 1, 5000, 2, 9000, None, None],
                         ["3", "B", "B", 1, "≥", 1, 5000, 2, 9000, None, None]])

    outcome = only_outcome(engine, settings)

    assert outcome.statut == "quarantaine"
    assert "ligne 4" in outcome.message and "18000" in outcome.message and "17500" in outcome.message


def test_tiers_on_a_mission_without_variable_envelope_quarantine_the_annex(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_annexe(inbox, [["Crise sanitaire", "C", "C", 1, "≥", 1, 100, None, None, None, None]])

    outcome = only_outcome(engine, settings)

    assert outcome.statut == "quarantaine" and "mission 4" in outcome.message
