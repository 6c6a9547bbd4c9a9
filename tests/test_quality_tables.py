"""Given the CPAM, SAS, CPTS and Annuaire tables, when the quality step runs, then a clean state
passes and one injected anomaly per table is caught with its intended severity."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, insert, text

from cpts.config import Settings
from quality import run_checks
from warehouse.tables import activite, annuaire, cpam, sas
from warehouse.tables.registre import chargements

TABLES = {"cpam_patientele_mt", "cpam_prado", "cpam_depistage", "sas_effecteurs", "sas_creneaux",
          "sas_rdv", "cpts_actions", "cpts_parcours", "cpts_formations", "cpts_crise",
          "annuaire_activites"}
VDG = "vallee-du-gier"
SCOPE = {"territoire": VDG, "annee": 2024, "ligne": 2}
MT = {m: 100 for m in cpam.MT_MEASURES} | {m: 10 for m in cpam.MT_MEASURES if "sans" in m}


def given_clean_tables(engine: Engine) -> None:
    """A few plausible rows in every table (written directly, as a loaded warehouse would hold)."""
    with engine.begin() as conn:
        cid = conn.execute(insert(chargements).values(
            fournisseur="test", type_fichier="test", nom_fichier="test", sha256="0" * 64,
            recu_le=datetime(2025, 1, 2), statut="charge")).inserted_primary_key[0]
        lineage = {"chargement_id": cid}
        conn.execute(insert(cpam.cpam_patientele_mt), [
            lineage | MT | {"territoire": VDG, "date_situation": date(2024, 12, 31), "code_insee": code,
                            "commune": "x", "est_total": code is None}
            for code in ("42207", "42225", None)])
        conn.execute(insert(cpam.cpam_prado), lineage | {
            "territoire": VDG, "annee": 2024, "mois": date(2024, 3, 1), "volet": "maternite",
            "patients_inclus": 12})
        conn.execute(insert(cpam.cpam_depistage), lineage | {
            "territoire": VDG, "annee": 2024, "depistage": "sein", "population_cible": 1000,
            "population_depistee": 520, "taux_fourni": 52.0, "taux_incoherent": False})
        conn.execute(insert(sas.sas_effecteurs), lineage | {
            "date_instantane": date(2024, 3, 1), "valide_du": date(2024, 3, 1), "rpps": "10001234565",
            "profession_code": "10", "commune_exercice": "42207", "participation_sas": True})
        conn.execute(insert(sas.sas_creneaux), lineage | {
            "creneau_id": "c1", "rpps": "10001234565", "debut": datetime(2024, 3, 5, 14),
            "fin": datetime(2024, 3, 5, 18), "duree_heures": 4.0, "type_creneau": "PUBLIC"})
        conn.execute(insert(sas.sas_rdv), lineage | {
            "rdv_id": "r1", "cree_le": datetime(2024, 3, 5, 9), "debut": datetime(2024, 3, 5, 14),
            "delai_heures": 5.0, "statut": "fulfilled", "rpps": "10001234565"})
        conn.execute(insert(activite.cpts_actions), lineage | SCOPE | {
            "date_action": date(2024, 3, 5), "mission": 3, "type_action": "Formation",
            "participants": 30, "professionnels": 4})
        conn.execute(insert(activite.cpts_parcours), lineage | SCOPE | {
            "date_parcours": date(2024, 3, 5), "parcours": "Insuffisance cardiaque",
            "patients_inclus": 3, "professionnels_impliques": 2})
        conn.execute(insert(activite.cpts_formations), lineage | SCOPE | {
            "date_formation": date(2024, 3, 5), "intitule": "x", "professionnels_formes": 8})
        conn.execute(insert(activite.cpts_crise), lineage | SCOPE | {
            "date_crise": date(2024, 3, 5), "action": "Permanence", "nombre": 1,
            "personnes_reorientees": 0})
        conn.execute(insert(annuaire.annuaire_activites), lineage | {
            "date_extraction": date(2024, 6, 1), "identifiant_pp": "10001234565",
            "code_mode_exercice": "L", "commune_exercice": "42207"})


ANOMALIES = [  # (SQL that injects it, check expected to fail, severity)
    ("DELETE FROM cpam_patientele_mt WHERE code_insee IS NULL", "mt_total_par_date", "fail"),
    ("UPDATE cpam_patientele_mt SET sans_mt_70p = 150 WHERE code_insee = '42225'",
     "mt_sans_mt_inferieur_consommants", "fail"),
    ("UPDATE cpam_patientele_mt SET consommants_17p = -3 WHERE code_insee = '42207'",
     "mt_consommants_17p_positif", "fail"),
    ("UPDATE cpam_prado SET patients_inclus = -1", "prado_patients_inclus_positif", "fail"),
    ("UPDATE cpam_depistage SET taux_fourni = 60, taux_incoherent = :vrai", "depistage_taux_coherent",
     "warn"),
    ("UPDATE sas_effecteurs SET profession_code = '99'", "sas_profession_liste", "fail"),
    ("UPDATE sas_effecteurs SET commune_exercice = '42999'", "sas_commune_referentiel", "fail"),
    ("UPDATE sas_creneaux SET duree_heures = 0", "sas_creneau_duree", "fail"),
    ("UPDATE sas_rdv SET statut = 'honore'", "sas_rdv_statut_liste", "fail"),
    ("UPDATE sas_rdv SET delai_heures = -2", "sas_rdv_delai_positif", "fail"),
    ("UPDATE cpts_actions SET participants = -5", "actions_participants_positif", "fail"),
    ("UPDATE cpts_parcours SET patients_inclus = -1", "parcours_patients_inclus_positif", "fail"),
    ("UPDATE cpts_formations SET professionnels_formes = -1", "formations_professionnels_formes_positif",
     "fail"),
    ("UPDATE cpts_crise SET personnes_reorientees = -1", "crise_personnes_reorientees_positif", "fail"),
    ("UPDATE annuaire_activites SET identifiant_pp = '1000123456'", "annuaire_identifiant_forme", "fail"),
    ("UPDATE annuaire_activites SET code_mode_exercice = 'X'", "annuaire_mode_exercice_liste", "warn"),
]


def test_clean_tables_pass_every_check(engine: Engine, settings: Settings) -> None:
    given_clean_tables(engine)

    summary = run_checks(engine, settings, tables=TABLES)

    assert {r.check.table for r in summary.results} == TABLES
    assert [r.details for r in summary.failed()] == []
    assert all(r.lignes_controlees for r in summary.results), "chaque contrôle lit au moins une ligne"


def test_one_anomaly_per_table_is_caught_with_its_severity(engine: Engine, settings: Settings) -> None:
    given_clean_tables(engine)
    with engine.begin() as conn:
        for sql, _, _ in ANOMALIES:
            conn.execute(text(sql), {"vrai": True} if ":vrai" in sql else {})

    summary = run_checks(engine, settings, tables=TABLES)

    failed = {r.check.nom: r for r in summary.failed()}
    assert {n: r.check.severite for n, r in failed.items()} == {n: s for _, n, s in ANOMALIES}
    assert "42999" in failed["sas_commune_referentiel"].details
    assert "42225" in failed["mt_sans_mt_inferieur_consommants"].details
    assert "0.0" in failed["sas_creneau_duree"].details  # the strict bound is read back in SQL


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_has_its_check_file(table: str) -> None:
    from schemas.quality import checks

    assert any(c.table == table for c in checks())
