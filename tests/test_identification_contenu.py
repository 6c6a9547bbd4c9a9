"""Given a provider file whose name matches no pattern, when the ingestion runs, then it is
identified by its content when that is unambiguous — loaded with the scope its content gives, the
same facts as under its canonical name, and the anomaly « fichier identifié par son contenu » —
and otherwise reported with the reason and left in place (exports.md « Real-world deliveries »)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from cpts.config import Settings
from flows.artifacts import files_markdown, read_details
from tasks.ingest import ingest_inbox
from tests.builders import month_of_passages, rows, write_rpu_csv
from tests.builders_annuaire import write_annuaire
from tests.builders_hopital import stays, write_pmsi
from tests.builders_reel import write_rpu_xml_national, write_separated
from tests.builders_sas import CRENEAUX, id_nat, write_sas
from tests.builders_xlsx import write_activite, write_prado
from tests.test_livraisons_reelles import CHU, eight_days_before

Writer = Callable[[Path], Path]


def rpu_csv(inbox: Path) -> Path:
    return write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 20))


def rpu_xml(inbox: Path) -> Path:
    return write_rpu_xml_national(inbox, f"RPU_{CHU}_20240320040000.xml", CHU, datetime(2024, 3, 20, 4, 0),
                                  eight_days_before(20))


def pmsi(inbox: Path) -> Path:
    return write_pmsi(inbox, CHU, 2024, 3, stays(CHU, 2024, 3, 4))


def creneaux(inbox: Path) -> Path:
    found = [{"creneau_id": f"C{i}", "id_nat_ps": id_nat(i), "type_creneau": "PUBLIC",
              "debut": f"2024-03-{i + 1:02d}T09:00:00+01:00", "fin": f"2024-03-{i + 1:02d}T10:00:00+01:00",
              "type_consultation": "AMB"} for i in range(6)]
    return write_sas(inbox, "SAS_creneaux_202403.csv", CRENEAUX, found)


def annuaire(inbox: Path) -> Path:
    return write_annuaire(inbox / "annuaire" / "PS_LibreAcces_Personne_activite_202406010930.txt", 20)


def prado(inbox: Path) -> Path:
    return write_prado(inbox)


def activite(inbox: Path) -> Path:
    return write_activite(inbox)


# (writer under the canonical name, facts compared, the name a producer gave it)
CONVENTIONS: dict[str, tuple[Writer, str, str]] = {
    "rpu_csv": (rpu_csv, "SELECT finess, entree, mode_sortie FROM passages_urgences ORDER BY entree",
                "urgences mars.csv"),
    "rpu_xml": (rpu_xml, "SELECT finess, entree, mode_sortie FROM passages_urgences ORDER BY entree",
                "export_oscour.dat"),
    "pmsi_mco": (pmsi, "SELECT finess, num_rsa, date_sortie, ghm FROM sejours_mco ORDER BY num_rsa",
                 "extraction_dim.txt"),
    "sas_creneaux": (creneaux, "SELECT creneau_id, debut, duree_heures FROM sas_creneaux ORDER BY creneau_id",
                     "creneaux.csv"),
    "annuaire": (annuaire, "SELECT identifiant_pp, commune_exercice FROM annuaire_activites WHERE "
                 "date_extraction = (SELECT MAX(date_extraction) FROM annuaire_activites) "
                 "ORDER BY identifiant_pp", "annuaire (1).txt"),
    "cpam_prado": (prado, "SELECT mois, volet, patients_inclus FROM cpam_prado ORDER BY mois, volet",
                   "inclusions prado.xlsx"),
    "cpts_activite": (activite, "SELECT date_action, participants FROM cpts_actions ORDER BY date_action",
                      "suivi activité CPTS.xlsx"),
}


def other_bytes(path: Path) -> None:
    """The same data in other bytes, so the file is not taken for the one already loaded."""
    if path.suffix == ".xlsx":
        book = load_workbook(path)
        book.properties.creator = "copie"
        book.save(path)
        return
    data = path.read_bytes()
    if b"\r\n" in data:
        path.write_bytes(data.replace(b"\r\n", b"\n"))
    else:  # LF lines to CRLF; a one-line XML gets a final line end
        path.write_bytes(data.replace(b"\n", b"\r\n") if b"\n" in data else data + b"\n")


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_a_file_named_by_no_pattern_is_identified_by_content_and_loads_like_its_canonical_form(
        engine: Engine, settings: Settings, inbox: Path, convention: str) -> None:
    write, facts, other_name = CONVENTIONS[convention]
    canonical = write(inbox)
    ingest_inbox(engine, settings)
    expected = rows(engine, facts)
    renamed = canonical.with_name(other_name)
    canonical.rename(renamed)
    other_bytes(renamed)

    report = ingest_inbox(engine, settings)
    (delivery, outcome), = [(d, o) for d, o in report.outcomes if o.statut != "deja_charge"]

    assert (delivery.file_type, outcome.statut) == (convention, "charge"), outcome.message
    assert rows(engine, facts) == expected and expected
    assert outcome.lignes_remplacees >= len(expected) or convention == "annuaire"  # the same scope
    assert rows(engine, "SELECT colonne, exemple FROM anomalies WHERE nature = 'identifie_par_contenu' "
                f"AND chargement_id = {outcome.chargement_id}") == [
        ("nom", f"{other_name} lu comme {delivery.identifie}")]
    assert report.unmatched == []
    artifact = files_markdown(report, details=read_details(settings, report))
    assert "nom de fichier non reconnu : type et périmètre identifiés par le contenu (1)" in artifact


def test_an_ambiguous_or_unscoped_file_is_reported_with_its_reason_and_left_in_place(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    hopital = inbox / "hopital"
    two_months = month_of_passages(CHU, 2024, 3, 3) + month_of_passages(CHU, 2024, 4, 3)
    write_rpu_csv(inbox, CHU, "202403", two_months).rename(hopital / "urgences.csv")
    write_separated(hopital / "notes.csv", ["date", "commentaire"], [["01/03/2024", "rien"]], ";")
    write_sas(inbox, "effecteurs.csv", ["id_nat_ps", "profession_code", "commune_exercice",
                                        "participation_sas", "date_debut_participation",
                                        "date_fin_participation"], [])
    (hopital / "vide.xml").write_text("<?xml version='1.0'?><AUTRE/>")

    report = ingest_inbox(engine, settings)

    assert report.outcomes == []
    reasons = {d.name: d.motif for d in report.unmatched}
    assert "colonne « ENTREE » : dates de 2 mois (un seul attendu)" in reasons["urgences.csv"]
    assert "en-tête correspondant à 0 types d'export" in reasons["notes.csv"]
    assert "la date de l'instantané n'est pas dans le contenu" in reasons["effecteurs.csv"]
    assert "racine n'est pas <OSCOUR>" in reasons["vide.xml"]
    assert (hopital / "urgences.csv").exists()
    assert "- hopital/urgences.csv : colonne « ENTREE »" in files_markdown(report)


def test_an_unnamed_file_holding_a_nir_is_refused_by_the_screening_without_quoting_it(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    nir = "1850742207045" + f"{97 - int('1850742207045') % 97:02d}"
    passages = month_of_passages(CHU, 2024, 3, 3)
    passages[1]["commune"] = nir
    write_rpu_csv(inbox, CHU, "202403", passages).rename(inbox / "hopital" / "urgences.csv")

    report = ingest_inbox(engine, settings)

    (entry,) = report.unmatched
    assert "structure d'un NIR" in entry.motif and nir not in entry.motif
    assert nir not in files_markdown(report)


def test_a_cpam_workbook_without_a_pattern_name_takes_its_situation_date_from_the_title(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    from tests.builders_xlsx import write_patientele

    write_patientele(inbox, situation="30/09/2024").rename(inbox / "cpam" / "patientele MT T3.xlsx")

    (delivery, outcome), = ingest_inbox(engine, settings).outcomes

    assert (delivery.identifie, outcome.statut) == ("CPAM_patientele_MT_20240930.xlsx", "charge")
    assert rows(engine, "SELECT DISTINCT date_situation FROM cpam_patientele_mt") in (
        [("2024-09-30",)], [(datetime(2024, 9, 30).date(),)])
