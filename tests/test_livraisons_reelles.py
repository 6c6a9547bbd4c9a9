"""Given provider files in the conventions real producers use (exports.md « Real-world
deliveries »), when the ingestion runs, then each loads with its deviation recorded as an anomaly
and gives the same facts and indicator values as the canonical form of the same data — on SQLite
and PostgreSQL."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from cpts.config import Settings
from cpts.dates import datetime_of, parse_datetime, parse_instant
from generator import generate
from tasks.ingest import ingest_inbox
from tests.builders import month_of_passages, rows, rpu_row, write_rpu_csv
from tests.builders_annuaire import write_annuaire
from tests.builders_hopital import pmsi_row, stays, write_pmsi, write_rpu_xml, xml_passage
from tests.builders_reel import (
    iso_utc,
    write_annuaire_open_data,
    write_patientele_real,
    write_pmsi_snds,
    write_rpu_csv_regional,
    write_rpu_xml_national,
    write_separated,
)
from tests.builders_xlsx import write_patientele
from tests.conftest import TEST_KEY
from tests.test_generateur_conventions import second_url as second_url  # the fixture
from tests.test_rpu_slice import urg_non_hospit
from warehouse.db import make_engine, upgrade
from warehouse.materialise import materialise
from warehouse.periods import Period

CHU = "420784878"
ENTITY = "420001232"  # another Luhn-valid FINESS: the legal entity named by national file names


def checksum(engine: Engine, sql: str) -> tuple[int, str]:
    found = rows(engine, sql)
    return len(found), hashlib.sha256(repr(found).encode()).hexdigest()


PASSAGES = ("SELECT finess, entree, sortie, age, cp_residence, commune_residence, mode_sortie, gravite, "
            "orient FROM passages_urgences ORDER BY entree, age")
COMMUNES = ("SELECT code_postal, commune_exercice, COUNT(*) FROM annuaire_activites WHERE date_extraction = "
            "(SELECT MAX(date_extraction) FROM annuaire_activites) AND code_postal LIKE '42%' "
            "GROUP BY code_postal, commune_exercice ORDER BY code_postal")
STAYS = ("SELECT finess, num_rsa, sexe, age, cp_residence, date_entree, date_sortie, mode_entree, "
         "mode_sortie, ghm, dp, nb_rum FROM sejours_mco ORDER BY num_rsa")


def anomalies(engine: Engine, file_type: str) -> dict[str, int]:
    return dict(rows(engine, "SELECT a.nature, a.nombre FROM anomalies a JOIN chargements c "
                     f"ON c.id = a.chargement_id WHERE c.type_fichier = '{file_type}' "
                     "AND c.statut = 'charge'"))


def march_passages() -> list[dict[str, str]]:
    # Both sides of the DST change (31/03/2024): offsets differ, Paris times must not.
    return [*month_of_passages(CHU, 2024, 3, 30, orient="UHCD"),
            rpu_row(CHU, datetime(2024, 3, 31, 4, 30), mode_sortie="7", gravite="4"),
            rpu_row(CHU, datetime(2024, 3, 30, 20, 50), cp="42000", commune="SAINT ETIENNE")]


def test_a_regional_rpu_csv_with_commas_synonyms_and_iso_instants_equals_the_canonical_file(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_rpu_csv(inbox, CHU, "202403", march_passages())
    ingest_inbox(engine, settings)
    canonical = checksum(engine, PASSAGES), urg_non_hospit(engine, 2024)

    write_rpu_csv_regional(inbox, CHU, "202403", march_passages())
    report = ingest_inbox(engine, settings)

    assert [o.statut for _, o in report.outcomes] == ["charge"]
    assert (checksum(engine, PASSAGES), urg_non_hospit(engine, 2024)) == canonical
    assert canonical[0][0] == 32
    assert anomalies(engine, "rpu_csv") == {"separateur": 1, "entete_synonyme": 6, "colonne_ignoree": 1}
    assert rows(engine, "SELECT exemple FROM anomalies WHERE nature = 'entete_synonyme'")[0][0].startswith(
        "code_postal → cp")


def test_an_snds_pmsi_extract_with_pipes_and_iso_or_french_dates_equals_the_canonical_file(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    data = stays(CHU, 2024, 3, 4)
    write_pmsi(inbox, CHU, 2024, 3, data)
    ingest_inbox(engine, settings)
    canonical = checksum(engine, STAYS)

    write_pmsi_snds(inbox, CHU, 2024, 3, data, separator="\t")
    report = ingest_inbox(engine, settings)

    assert [o.statut for _, o in report.outcomes] == ["charge"]
    assert checksum(engine, STAYS) == canonical and canonical[0] == 12
    assert anomalies(engine, "pmsi_mco") == {"separateur": 1, "entete_synonyme": 15}  # NIR_ANO_17 is ours


def test_the_refusal_says_whether_the_separator_or_the_header_vocabulary_is_the_problem(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    hopital = inbox / "hopital"
    write_separated(hopital / f"RPU_{CHU}_202403.csv", ["finess entree cp"], [["x"]], ",")
    write_separated(hopital / f"RPU_{CHU}_202404.csv", ["ETAB", "ARRIVEE", "CP_PATIENT", "X"],
                    [["a", "b", "c", "d"]], ",")

    outcomes = {d.name: o for d, o in ingest_inbox(engine, settings).outcomes}

    one_column = outcomes[f"RPU_{CHU}_202403.csv"]
    vocabulary = outcomes[f"RPU_{CHU}_202404.csv"]
    assert one_column.statut == vocabulary.statut == "quarantaine"
    assert "séparateur n'est pas reconnu" in one_column.message
    assert "« finess »" in vocabulary.message and "séparateur « , »" in vocabulary.message
    assert "vocabulaire d'en-tête non reconnu" in vocabulary.message
    assert "Colonnes attendues : finess, entree" in vocabulary.message


def test_every_iso_8601_form_reads_as_the_same_paris_time_and_instant() -> None:
    forms = ["10/03/2024 14:05", "2024-03-10T14:05", "2024-03-10T14:05:00", "2024-03-10T13:05:00Z",
             "2024-03-10T13:05Z", "2024-03-10T13:05:00.000+00:00", "2024-03-10T14:05:00.250+01:00",
             "2024-03-10T14:05+01:00", "2024-03-10 14:05:00+0100", iso_utc("10/03/2024 14:05", 1)]
    frame = pl.DataFrame({"v": forms}).select(local=parse_datetime("v"), utc=parse_instant("v"))

    assert frame["local"].to_list() == [datetime(2024, 3, 10, 14, 5)] * len(forms)
    assert frame["utc"].dt.replace_time_zone(None).to_list() == [datetime(2024, 3, 10, 13, 5)] * len(forms)
    assert datetime_of("2021-11-05T11:00:00.000+00:00") == datetime(2021, 11, 5, 12, 0)
    assert datetime_of("2024-03-10T14:05:00.5+01:00Z") is None


def new_outcomes(engine: Engine, settings: Settings) -> list:
    """Outcomes of the files not loaded before (loaded files stay in the inbox as `deja_charge`)."""
    return [(d, o) for d, o in ingest_inbox(engine, settings).outcomes if o.statut != "deja_charge"]


def eight_days_before(day: int) -> list[dict[str, str]]:
    """Eight passages a day over the eight days before `day` of March 2024 (as in the real file)."""
    return [xml_passage(CHU, datetime(2024, 3, day - 8 + k // 8, 6 + 2 * (k % 8), 10)) for k in range(64)]


def test_a_national_oscour_file_loads_with_content_finess_and_window_like_the_canonical_file(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_rpu_xml(inbox, CHU, datetime(2024, 3, 20, 4, 0), date(2024, 3, 12), date(2024, 3, 19),
                  eight_days_before(20))
    ingest_inbox(engine, settings)
    canonical = checksum(engine, PASSAGES)

    write_rpu_xml_national(inbox, f"O{ENTITY}_1_20240320.txt", CHU, datetime(2024, 3, 20, 4, 0),
                           eight_days_before(20))
    (delivery, outcome), = new_outcomes(engine, settings)

    # ORDRE 1 is an export of its own: the canonical file's passages (no ORDRE) stay.
    assert (delivery.file_type, outcome.statut, outcome.lignes_remplacees) == ("rpu_xml", "charge", 0)
    assert checksum(engine, PASSAGES.replace("ORDER BY", "WHERE ordre = '1' ORDER BY")) == canonical
    assert checksum(engine, PASSAGES.replace("ORDER BY", "WHERE ordre IS NULL ORDER BY")) == canonical
    assert canonical[0] == 64
    assert dict(rows(engine, "SELECT a.nature, a.exemple FROM anomalies a JOIN chargements c ON "
                     "c.id = a.chargement_id WHERE c.statut = 'charge'")) == {
        "nom_non_canonique": "O<FINESS>_<ORDRE>_<date>, ORDRE 1",
        "finess_nom_different": f"nom {ENTITY}, fichier {CHU}",
        "periode_elargie": "déclarée 20/03/2024–20/03/2024, passages 12/03/2024–20/03/2024"}  # 64 outside


def test_a_short_dated_rpu_name_loads_and_a_one_line_file_names_the_rejected_passage(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    passages = eight_days_before(20)
    passages[4]["entree"] = "le 14 mars"
    write_rpu_xml_national(inbox, f"RPU_{CHU}_240320.xml", CHU, datetime(2024, 3, 20, 4, 0), passages)

    (delivery, outcome), = new_outcomes(engine, settings)

    assert (delivery.file_type, outcome.statut, outcome.lignes_chargees) == ("rpu_xml", "charge", 63)
    assert rows(engine, "SELECT ligne, colonne, motif FROM rejets") == [
        (1, "entree", "passage n° 5 : ENTREE absente ou illisible (attendu JJ/MM/AAAA hh:mm)")]


def test_the_undated_open_data_annuaire_takes_the_commune_from_bureau_cedex(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_annuaire(inbox / "annuaire" / "PS_LibreAcces_Personne_activite_202406010930.txt", 50)
    ingest_inbox(engine, settings)
    canonical = rows(engine, COMMUNES)

    write_annuaire_open_data(inbox, 50)
    (delivery, outcome), = new_outcomes(engine, settings)

    assert (delivery.file_type, outcome.statut) == ("annuaire", "charge")
    # Loire only: `69001 LYON` (arrondissement postal code, no INSEE) is not resolved yet.
    assert rows(engine, COMMUNES) == canonical == [("42400", "42207", 10), ("42800", "42225", 10)]
    assert rows(engine, "SELECT nature, nombre FROM anomalies ORDER BY nature") == [
        ("commune_bureau_cedex", 30), ("nom_non_date", 1)]


PATIENTELE = ("SELECT code_insee, est_total, consommants_17p, sans_mt_17p, sans_mt_17p_masque, territoire, "
              "date_situation FROM cpam_patientele_mt ORDER BY est_total, code_insee")


def test_a_cpam_workbook_titled_cpts_with_spaced_thousands_equals_the_canonical_one(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_patientele(inbox)
    ingest_inbox(engine, settings)
    canonical = rows(engine, PATIENTELE)
    (inbox / "cpam" / "CPAM_patientele_MT_20241231.xlsx").unlink()

    write_patientele_real(inbox)
    (_, outcome), = new_outcomes(engine, settings)

    assert outcome.statut == "charge", outcome.message
    assert rows(engine, PATIENTELE) == canonical and len(canonical) == 3
    assert canonical[2][2] == 1600 and canonical[0][5] == "vallee-du-gier"
    assert rows(engine, "SELECT nature, exemple FROM anomalies ORDER BY nature") == [
        ("milliers_espaces", "feuille Patientèle MT, cellule C6"),
        ("titre_sans_territoire", "CPTS <libellé>")]


def indicator(engine: Engine, code: str, year: int = 2024,
              territoire: str = "vallee-du-gier") -> tuple[float, str, str | None]:
    """(value, status, reason) of an indicator for a territory over a calendar year."""
    materialise(engine, [territoire], [Period.calendar_year(year)])
    return rows(engine, "SELECT valeur, statut, motif_statut FROM indicateurs_resultats WHERE "
                f"code_indicateur = '{code}' AND territoire = '{territoire}' AND periode = '{year}'")[0]


def medicine_stays() -> list[dict[str, str]]:
    """Direct admissions to medicine (two nights, no emergency provenance), all of them non-UHCD."""
    return [pmsi_row(CHU, str(m * 100 + k), date(2024, m, 10), date_entree=f"{date(2024, m, 8):%d%m%Y}",
                     provenance="", uhcd="0") for m in range(1, 13) for k in range(12)]


def test_an_snds_extract_without_the_uhcd_flag_loads_but_its_direct_admissions_are_provisional(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_pmsi(inbox, CHU, 2024, 12, medicine_stays())
    # Residents of another territory, in another establishment's canonical file: not affected.
    stephanois = [{**row, "cp_residence": "42000", "finess": ENTITY} for row in medicine_stays()[-5:]]
    write_pmsi(inbox, ENTITY, 2024, 12, stephanois)
    ingest_inbox(engine, settings)
    canonical = indicator(engine, "ADM_DIRECTE_MED")
    (inbox / "hopital" / f"PMSI_MCO_{CHU}_2024_M12.csv").unlink()

    write_pmsi_snds(inbox, CHU, 2024, 12, medicine_stays(), without=("uhcd",))
    (_, outcome), = new_outcomes(engine, settings)
    snds = indicator(engine, "ADM_DIRECTE_MED")

    assert outcome.statut == "charge", outcome.message
    assert canonical[:2] == (len(medicine_stays()), "final"), canonical
    assert snds[0] == canonical[0]
    assert snds[1] == "provisoire"
    assert f"indicateur UHCD absent (extrait SNDS de l'établissement {CHU})" in snds[2]
    assert indicator(engine, "ADM_DIRECTE_MED_PART")[1] == "provisoire"
    assert anomalies(engine, "pmsi_mco")["uhcd_absent"] == len(medicine_stays())
    assert indicator(engine, "ADM_DIRECTE_MED", territoire="grand-saint-etienne")[:2] == (
        len(stephanois), "final")


def test_a_canonical_pmsi_file_without_the_uhcd_column_is_still_refused(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    path = write_pmsi(inbox, CHU, 2024, 12, medicine_stays())
    lines = path.read_text().splitlines()
    uhcd = lines[0].split(";").index("uhcd")
    path.write_text("\n".join(";".join(v for i, v in enumerate(line.split(";")) if i != uhcd)
                              for line in lines) + "\n")

    (_, outcome), = new_outcomes(engine, settings)

    assert outcome.statut == "quarantaine" and "colonne obligatoire absente « uhcd »" in outcome.message


def test_spaced_thousands_in_cpam_counts_are_noted_by_column_without_quoting_the_value(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_patientele_real(inbox)

    (_, outcome), = new_outcomes(engine, settings)

    assert outcome.statut == "charge", outcome.message
    assert rows(engine, "SELECT colonne, nombre, exemple FROM anomalies WHERE nature = 'milliers_espaces' "
                "ORDER BY colonne") == [
        ("Consommants 17 ans et +", 2, "feuille Patientèle MT, cellule C6")]
    assert not rows(engine, "SELECT exemple FROM anomalies WHERE exemple LIKE '%1 200%' "
                    "OR exemple LIKE '%1\u00a0600%'")


def test_adeli_rows_are_kept_for_professions_without_rpps(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    path = write_annuaire(inbox / "annuaire" / "PS_LibreAcces_Personne_activite_202406010930.txt", 10)
    lines = path.read_text(encoding="utf-8-sig").split("\r\n")
    header = lines[0].split("|")
    adeli = {"Type d'identifiant PP": "0", "Identifiant PP": "429312345",
             "Identification nationale PP": "0429312345", "Code profession": "93",
             "Code savoir-faire": "", "Code postal (coord. structure)": "42400",
             "Code commune (coord. structure)": "42207", "Code mode exercice": "L"}
    lines.insert(1, "|".join(adeli.get(c, "") for c in header))
    path.write_text("\r\n".join(lines), encoding="utf-8")

    (_, outcome), = new_outcomes(engine, settings)

    assert outcome.statut == "charge" and outcome.lignes_rejetees == 0, outcome.message
    assert rows(engine, "SELECT type_identifiant, identifiant_pp, code_profession, commune_exercice "
                "FROM annuaire_activites WHERE type_identifiant = '0'") == [("0", "429312345", "93", "42207")]


def test_an_encoding_error_names_the_column_with_the_files_own_separator(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    hopital = inbox / "hopital"
    hopital.mkdir(parents=True, exist_ok=True)
    (hopital / f"RPU_{CHU}_202403.csv").write_bytes(
        b"finess,entree,commune\r\n" + CHU.encode() + b",10/03/2024 14:05,SAINT\x81CHAMOND\r\n")
    (hopital / f"RPU_{CHU}_202404.csv").write_bytes(
        b"finess\tentree\tcommune\r\n" + CHU.encode() + b"\t10/04/2024 14:05\tSAINT\x00CHAMOND\r\n")

    outcomes = {d.name: o.message for d, o in ingest_inbox(engine, settings).outcomes}

    assert "ligne 2, colonne « commune »" in outcomes[f"RPU_{CHU}_202403.csv"]
    assert "ligne 2, colonne « commune »" in outcomes[f"RPU_{CHU}_202404.csv"]


# --- Each convention the generator produces, against the canonical file of the same data ----------

Q3 = "cpam/CPAM_patientele_MT_20240930_*.xlsx"
GENERATION = {"territoires": ["vallee-du-gier"], "annees": [2024], "echelle": 0.05, "graine": 11}
# convention → (canonical file in the clean generation, the same data as producers send it, files
# loaded first from the clean generation, (type, anomaly) left by the convention or None).
GENERATED = {
    "oscour_national": ("hopital/RPU_420784878_202409*.xml", "hopital/O420784878_1_*.xml", [],
                        ("rpu_xml", "periode_elargie")),
    "oscour_nom_court": ("hopital/RPU_420780306_202410*.xml", "hopital/RPU_420780306_*.txt", [],
                         ("rpu_xml", "nom_non_canonique")),
    "rpu_regional": ("hopital/RPU_690780457_202410.csv", "hopital/RPU_690780457_202410.csv", [],
                     ("rpu_csv", "separateur")),
    "pmsi_snds": ("hopital/PMSI_MCO_420009573_2024_M12.csv", "hopital/PMSI_MCO_420009573_2024_M12.csv", [],
                  ("pmsi_mco", "entete_synonyme")),
    "annuaire_bureau_cedex": ("annuaire/PS_*.txt", "annuaire/PS_*.txt", [],
                              ("annuaire", "commune_bureau_cedex")),
    "cpam_titre_milliers": (Q3, Q3, [], ("cpam_patientele_mt", "milliers_espaces")),
    "sas_horodatages_fractions": ("sas/SAS_*_202405.csv", "sas/SAS_*_202405.csv", ["sas/SAS_effecteurs_*"],
                                  None),
    "sas_nom_non_reconnu": ("sas/SAS_creneaux_202407.csv", "sas/creneaux_sas_2024-07.csv",
                            ["sas/SAS_effecteurs_*"], ("sas_creneaux", "identifie_par_contenu")),
    "prado_nom_non_reconnu": ("cpam/CPAM_PRADO_2024_*.xlsx", "cpam/Inclusions PRADO*.xlsx", [],
                              ("cpam_prado", "identifie_par_contenu")),
}


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same small generation without and with the real conventions (a few seconds each)."""
    root = tmp_path_factory.mktemp("generations")
    generate(root / "propre", variations=0, **GENERATION)
    generate(root / "reel", variations=1.0, **GENERATION)
    return root / "propre", root / "reel"


def copy_into(inbox: Path, source: Path, pattern: str) -> list[Path]:
    found = sorted(source.glob(pattern))
    assert found, pattern
    for path in found:
        target = inbox / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return [inbox / p.relative_to(source) for p in found]


def values_2024(engine: Engine) -> list[tuple]:
    materialise(engine, ["vallee-du-gier"], [Period.calendar_year(2024)])
    return rows(engine, "SELECT code_indicateur, valeur, numerateur, denominateur, statut "
                "FROM indicateurs_resultats ORDER BY code_indicateur")


# The facts of every territory, not only the indicators' (small samples have few residents).
FACTS = ["SELECT COUNT(*), COUNT(DISTINCT commune_residence), MIN(entree), MAX(sortie) "
         "FROM passages_urgences",
         "SELECT COUNT(*), COUNT(DISTINCT patient_pseudo), MIN(date_entree), MAX(date_sortie) "
         "FROM sejours_mco",
         "SELECT COUNT(*), COUNT(DISTINCT commune_exercice) FROM annuaire_activites",
         "SELECT COUNT(*), SUM(consommants_17p) FROM cpam_patientele_mt",
         "SELECT COUNT(*), ROUND(SUM(duree_heures) * 100), MIN(debut), MAX(fin) FROM sas_creneaux",
         "SELECT COUNT(*), MIN(debut), MAX(cree_le) FROM sas_rdv",
         "SELECT COUNT(*), SUM(patients_inclus) FROM cpam_prado"]


def facts(engine: Engine) -> list[tuple]:
    return [tuple(str(v) for v in rows(engine, sql)[0]) for sql in FACTS]


def load_files(url: str, work: Path, source: Path, patterns: list[str]) -> tuple[Engine, list]:
    """A warehouse loaded with the files of `source` matching `patterns` (in one run)."""
    inbox = work / "depot"
    for pattern in patterns:
        copy_into(inbox, source, pattern)
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(data_dir=work / "var", warehouse_url=url, inbox=str(inbox), pseudo_key=TEST_KEY)
    return engine, ingest_inbox(engine, settings).outcomes


@pytest.mark.parametrize("convention", GENERATED)
def test_each_generated_convention_loads_with_its_anomaly_and_the_canonical_indicator_values(
        warehouse_url: str, second_url: str, tmp_path: Path, generations: tuple[Path, Path],
        convention: str) -> None:
    clean, real = generations
    canonical_glob, real_glob, context, anomaly = GENERATED[convention]
    canonical, _ = load_files(warehouse_url, tmp_path / "canonique", clean, [*context, canonical_glob])
    delivered, outcomes = load_files(second_url, tmp_path / "reel", real, [*context, real_glob])

    # (two SAS snapshots may hold the same bytes: the second is « déjà chargé »)
    assert outcomes and all(o.statut in ("charge", "deja_charge") for _, o in outcomes), [
        (d.name, o.statut, o.message) for d, o in outcomes]
    assert values_2024(delivered) == values_2024(canonical) and values_2024(canonical)
    assert facts(delivered) == facts(canonical) and any(f[0] != "0" for f in facts(canonical))
    if anomaly:
        assert anomaly in set(rows(delivered, "SELECT c.type_fichier, a.nature FROM anomalies a JOIN "
                                   "chargements c ON c.id = a.chargement_id WHERE c.statut = 'charge'"))
    canonical.dispose()
    delivered.dispose()


def test_accepted_deviations_are_counted_in_the_quality_sheet_and_the_portal(
        engine: Engine, settings: Settings, inbox: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from portal.registry import Filters, deliveries
    from report.build import build_report

    write_patientele_real(inbox)
    ingest_inbox(engine, settings)

    path = build_report(engine, settings, "vallee-du-gier", 2024, out_dir=tmp_path)
    sheet = list(load_workbook(path)["Qualité des données"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(sheet) if r[0] == "Écarts acceptés (anomalies non bloquantes)")
    assert sheet[start + 1][:3] == ("Écart", "Fichiers", "Occurrences")
    assert sheet[start + 2][:3] == (
        "effectif en texte avec des espaces entre les milliers (« 7 182 ») lu comme nombre", 1, 2)
    with engine.connect() as conn:
        (shown,) = deliveries(conn, Filters())
    assert {a["libelle"] for a in shown.anomalies} >= {
        "territoire lu dans un titre « CPTS <libellé> » (sans « Territoire : »)",
        "effectif en texte avec des espaces entre les milliers (« 7 182 ») lu comme nombre"}
