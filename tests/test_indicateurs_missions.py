"""Given hand-built facts, when indicators are materialised, then every mission indicator not covered by
test_indicateurs.py has the value indicators.md defines — on SQLite and PostgreSQL, for calendar years,
contract years (07/12 → 06/12), months and year-to-date periods."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, select

from cpts.config import Settings
from tests.builders_facts import (
    action,
    activite_annuaire,
    add_populations,
    annexe_parametres,
    creneau,
    crise,
    depistage,
    effecteur,
    formation,
    load,
    mt_row,
    parcours,
    passage,
    prado,
    rdv,
    sejour,
)
from warehouse.materialise import Period, materialise
from warehouse.periods import contract_years, months_of_latest_year
from warehouse.tables.marts import indicateurs_resultats as res
from warehouse.tables.marts import indicateurs_ventilations as vent

T = "vallee-du-gier"
OTHER = "grand-saint-etienne"
POPULATION_2021 = 96334  # Σ population municipale 2021 of the 27 communes (reference file)
Y2023, Y2024, Y2025 = (Period.calendar_year(y) for y in (2023, 2024, 2025))
CA2024 = Period.contract_year(2024, date(2023, 12, 7), date(2024, 12, 6))
CA2025 = Period.contract_year(2025, date(2024, 12, 7), date(2025, 12, 6))


def values(engine: Engine, period: Period, territoire: str = T) -> dict[str, dict]:
    materialise(engine, [territoire], [period])
    with engine.connect() as conn:
        rows = conn.execute(select(res).where(res.c.territoire == territoire,
                                              res.c.type_periode == period.type_periode,
                                              res.c.periode == period.label))
        return {r.code_indicateur: r._asdict() for r in rows}


def valeur(engine: Engine, period: Period, *codes: str) -> tuple:
    v = values(engine, period)
    return tuple(v[c]["valeur"] if c in v else None for c in codes)


# ---------------------------------------------------------------- Mission 2 — Parcours


def test_prado_counts_months_whose_first_day_is_in_the_period(engine: Engine) -> None:
    load(engine, "cpam_prado", [
        prado(date(2023, 12, 1), "Insuffisance cardiaque", 3),
        prado(date(2024, 1, 1), "Insuffisance cardiaque", 5),
        prado(date(2024, 6, 1), "Maternité", 10),
        prado(date(2024, 12, 1), "Insuffisance cardiaque", 7),
        prado(date(2025, 1, 1), "Insuffisance cardiaque", 100),
        prado(date(2024, 3, 1), "Insuffisance cardiaque", 50, territoire=OTHER),  # other territory
    ])
    # Calendar 2024: January (5) + December (7) IC; all volets add Maternité (10).
    assert valeur(engine, Y2024, "PRADO_IC", "PRADO_TOTAL") == (12, 22)
    # 07/12/2023 → 06/12/2024: 01/12/2023 is before the start (out), 01/12/2024 ≤ 06/12/2024 (in).
    assert valeur(engine, CA2024, "PRADO_IC", "PRADO_TOTAL") == (12, 22)
    # 07/12/2024 → 06/12/2025: December 2024 is out (its first day precedes the start), January 2025 in.
    assert valeur(engine, CA2025, "PRADO_IC", "PRADO_TOTAL") == (100, 100)
    # A contract year starting on a first day includes that month: 01/12/2023 → 30/11/2024 = 3 + 5.
    dec = Period.contract_year(2024, date(2023, 12, 1), date(2024, 11, 30))
    assert valeur(engine, dec, "PRADO_IC", "PRADO_TOTAL") == (8, 18)
    assert valeur(engine, Period.month(2024, 12), "PRADO_IC") == (7,)
    assert "PRADO_IC" not in values(engine, Period.month(2024, 11))  # no PRADO row: no value, not 0
    assert values(engine, Y2024, OTHER)["PRADO_IC"]["valeur"] == 50


def test_parcours_insuffisance_cardiaque(engine: Engine) -> None:
    load(engine, "cpts_parcours", [
        parcours(date(2024, 3, 31), "Insuffisance cardiaque", 7),
        parcours(date(2024, 12, 31), "Insuffisance cardiaque", 8),  # last day of the period: in
        parcours(date(2024, 6, 30), "Chute de la personne âgée", 4),  # other parcours
        parcours(date(2023, 12, 31), "Insuffisance cardiaque", 9),  # previous year
        parcours(date(2024, 6, 30), "Insuffisance cardiaque", 20, territoire=OTHER),
    ])
    assert valeur(engine, Y2024, "PARCOURS_IC_INCLUS") == (7 + 8,)
    assert valeur(engine, Y2023, "PARCOURS_IC_INCLUS") == (9,)
    # 07/12/2023 → 06/12/2024: 31/12/2023 (9) and 31/03/2024 (7) in, 31/12/2024 out.
    assert valeur(engine, CA2024, "PARCOURS_IC_INCLUS") == (9 + 7,)
    with_other = values(engine, Period.month(2024, 6))
    assert with_other["PARCOURS_IC_INCLUS"]["valeur"] == 0  # the sheet has rows in June, none IC


def test_heart_failure_stays_and_pmsi_completeness(engine: Engine) -> None:
    load(engine, "sejours_mco", [
        sejour(date(2024, 3, 1), date(2024, 3, 5)),  # I500, resident: in
        sejour(date(2024, 5, 1), date(2024, 5, 1), dp="I509"),  # day stay: any MCO stay counts
        sejour(date(2023, 12, 28), date(2024, 1, 2)),  # discharged in 2024: in
        sejour(date(2024, 6, 1), date(2024, 6, 3), ghm="05C01A"),  # surgical GHM: still MCO, in
        sejour(date(2024, 12, 28), date(2025, 1, 2)),  # discharged in 2025: out
        sejour(date(2024, 6, 1), date(2024, 6, 3), dp="I110"),  # not I50
        sejour(date(2024, 6, 1), date(2024, 6, 3), commune="69123", cp="69001"),  # not a resident
        sejour(date(2024, 10, 1), date(2024, 10, 3), dp="K35", finess="420001232"),  # stops in October
    ])
    v = values(engine, Y2024)["IC_HOSPIT"]
    assert (v["valeur"], v["denominateur"]) == (4, None)
    # 420001232 delivered in the 12 months before the end but its file stops in October 2024.
    assert v["statut"] == "provisoire" and "420001232" in v["motif_statut"]
    assert "décembre 2024" in v["motif_statut"] and "420784878" not in v["motif_statut"]
    # October 2024: both files reach October → final; no I50 stay was discharged in October.
    october = values(engine, Period.month(2024, 10))["IC_HOSPIT"]
    assert (october["valeur"], october["statut"]) == (0, "final")


# ---------------------------------------------------------------- Mission 3 — Prévention, 6 — Accompagnement


def test_prevention_and_meetings_from_the_actions_sheet(engine: Engine) -> None:
    load(engine, "cpts_actions", [
        action(date(2024, 1, 1), 3, "Réunion de travail", 5),  # first day: in
        action(date(2024, 12, 31), 3, "Réunion de travail", 3),  # last day: in
        action(date(2025, 1, 1), 3, "Réunion de travail", 100),  # next year
        action(date(2024, 3, 1), 1, "Réunion de travail"),  # mission 1: not prevention
        action(date(2024, 4, 1), 3, "Conférence grand public", 24),
        action(date(2024, 10, 5), 3, "Stand d'information", 40),
        action(date(2024, 10, 5), 1, "Stand d'information", 65),  # mission 1
        action(date(2024, 6, 13), 3, "Partenariat"),
        action(date(2024, 9, 12), 2, "Partenariat"),  # mission 2
        action(date(2024, 5, 1), 3, "Autre", 7),  # counts only in the participants
        action(date(2024, 2, 8), 6, "Rencontre professionnels", 30),
        action(date(2024, 6, 27), 6, "Rencontre professionnels", 41),
        action(date(2024, 3, 1), 6, "Réunion de travail"),  # mission 6, other type
        action(date(2024, 3, 1), 3, "Rencontre professionnels"),  # right type, mission 3
        action(date(2024, 3, 1), 3, "Réunion de travail", 50, territoire=OTHER),
    ])
    codes = ("PREV_REUNIONS", "PREV_ACTIONS_PUBLIC", "PREV_PARTICIPANTS", "PREV_PARTENARIATS",
             "ACC_RENCONTRES")
    # Participants, mission 3, all types: 5 + 3 + 24 + 40 + 0 + 7 + 0 = 79.
    assert valeur(engine, Y2024, *codes) == (2, 2, 79, 1, 2)
    # 07/12/2023 → 06/12/2024 loses the 31/12/2024 meeting (3 participants).
    assert valeur(engine, CA2024, *codes) == (1, 2, 76, 1, 2)
    assert valeur(engine, Period.month(2024, 10), *codes) == (0, 1, 40, 0, 0)


def test_screening_rates_for_calendar_years_only(engine: Engine) -> None:
    load(engine, "cpam_depistage", [
        depistage(2024, "sein", 200, 100),
        depistage(2024, "col_uterus", 300, 99),
        depistage(2023, "colorectal", 1000, 345),
        depistage(2024, "colorectal", 500, 400, territoire=OTHER),
    ])
    v = values(engine, Y2024)
    assert v["DEPISTAGE_SEIN"]["valeur"] == 50
    assert (v["DEPISTAGE_COL"]["numerateur"], v["DEPISTAGE_COL"]["denominateur"]) == (99, 300)
    assert v["DEPISTAGE_COL"]["valeur"] == pytest.approx(33.0)
    # Colorectal has no 2024 row for this territory: no value (the other territory's row is not used).
    assert "DEPISTAGE_COLORECTAL" not in v
    assert values(engine, Y2023)["DEPISTAGE_COLORECTAL"]["valeur"] == pytest.approx(34.5)
    contract = values(engine, CA2024)["DEPISTAGE_SEIN"]
    assert (contract["statut"], contract["valeur"]) == ("non_evaluable", None)


# ---------------------------------------------------------------- Mission 4 — Crise, 5 — Qualité


def test_an_empty_sheet_of_a_loaded_workbook_is_zero_and_no_workbook_is_no_value(engine: Engine) -> None:
    # The 2024 workbook was delivered with actions but an empty Crise sheet; none for 2022.
    load(engine, "cpts_actions", [action(date(2024, 5, 2), 3, "Réunion de travail")])

    assert valeur(engine, Y2024, "CRISE_PLAN", "CRISE_PERMANENCES", "QUAL_FORMATIONS") == (0, 0, 0)
    assert {"CRISE_PLAN", "CRISE_PERMANENCES", "PREV_REUNIONS"}.isdisjoint(
        values(engine, Period.calendar_year(2022)))


def test_crisis_plan_is_a_stock_and_permanences_a_flow(engine: Engine) -> None:
    load(engine, "cpts_crise", [
        crise(date(2024, 2, 15), "Plan de crise", 1),
        crise(date(2024, 7, 30), "Permanence", 2, 4),
        crise(date(2024, 8, 1), "Ligne téléphonique", 5, 2),  # not a permanence; its reoriented count
        crise(date(2023, 12, 31), "Permanence", 9, 1),
        crise(date(2023, 1, 1), "Plan de crise", territoire=OTHER),
        crise(date(2024, 3, 1), "Permanence", 7, 7, territoire=OTHER),
    ])
    codes = ("CRISE_PLAN", "CRISE_PERMANENCES", "CRISE_REORIENTES")
    assert valeur(engine, Y2024, *codes) == (1, 2, 4 + 2)
    assert valeur(engine, Y2023, *codes) == (0, 9, 1)  # the plan is dated after the end of 2023
    # Stock: dated ≤ end, whatever the start; the plan of 15/02/2024 counts from that very day.
    assert valeur(engine, Period.year_to_date(date(2024, 1, 1), date(2024, 2, 14)), "CRISE_PLAN") == (0,)
    assert valeur(engine, Period.year_to_date(date(2024, 1, 1), date(2024, 2, 15)), "CRISE_PLAN") == (1,)
    assert valeur(engine, CA2025, "CRISE_PLAN") == (1,)


def test_training_sessions_come_from_the_formations_sheet_only(engine: Engine) -> None:
    load(engine, "cpts_formations", [
        formation(date(2024, 3, 5), 9, "AFGSU 2"),
        formation(date(2024, 11, 20), 9, "MonSisra"),
        formation(date(2024, 12, 31), 0, "Session sans participant"),  # still a session
        formation(date(2025, 1, 2), 5),
        formation(date(2024, 3, 5), 12, territoire=OTHER),
    ])
    load(engine, "cpts_actions", [action(date(2024, 5, 1), 5, "Formation", 12)])  # not the sheet
    assert valeur(engine, Y2024, "QUAL_FORMATIONS", "QUAL_PS_FORMES") == (3, 18)
    assert valeur(engine, CA2024, "QUAL_FORMATIONS", "QUAL_PS_FORMES") == (2, 18)
    assert valeur(engine, CA2025, "QUAL_FORMATIONS", "QUAL_PS_FORMES") == (2, 5)


# ---------------------------------------------------------------- Organisation: GPs, population


def test_general_practitioners_from_the_latest_annuaire_extraction(engine: Engine) -> None:
    older, latest, after = date(2024, 6, 30), date(2024, 12, 15), date(2025, 1, 15)
    load(engine, "annuaire_activites", [
        *(activite_annuaire(older, f"8100000000{i}") for i in range(5)),  # 5 GPs in June
        activite_annuaire(latest, "81000000001"),
        activite_annuaire(latest, "81000000001", commune="42186"),  # 2nd activity: counted once
        activite_annuaire(latest, "81000000002", savoir_faire="SM53", commune="42225"),
        activite_annuaire(latest, "81000000003", savoir_faire="SM54"),
        activite_annuaire(latest, "81000000004", mode="S"),  # salaried
        activite_annuaire(latest, "81000000005", commune="42218"),  # other territory
        activite_annuaire(latest, "81000000006", profession="40"),
        activite_annuaire(latest, "81000000007", savoir_faire="SM02"),  # another speciality
        activite_annuaire(latest, "81000000008", savoir_faire=None),
        activite_annuaire(latest, "81000000009", commune=None),
        activite_annuaire(latest, "81000000010", mode="S"),  # L activity outside, S inside: out
        activite_annuaire(latest, "81000000010", commune="42218"),
        *(activite_annuaire(after, f"8200000000{i}") for i in range(2)),  # after the end of 2024
    ])
    v = values(engine, Y2024)
    assert v["MG_LIBERAUX"]["valeur"] == 3 and v["MG_LIBERAUX"]["statut"] == "final"
    assert (v["MG_DENSITE"]["numerateur"], v["MG_DENSITE"]["denominateur"]) == (3, POPULATION_2021)
    assert v["MG_DENSITE"]["valeur"] == pytest.approx(3 / POPULATION_2021 * 10000)
    # 30/09/2024 − 30/06/2024 = 92 days: not stale; 31/10/2024: 123 days, provisoire.
    september = values(engine, Period.month(2024, 9))["MG_LIBERAUX"]
    assert (september["valeur"], september["statut"]) == (5, "final")
    october = values(engine, Period.month(2024, 10))["MG_LIBERAUX"]
    assert (october["valeur"], october["statut"]) == (5, "provisoire")
    assert "30/06/2024" in october["motif_statut"]
    assert "MG_LIBERAUX" not in values(engine, Y2023)  # no extraction ≤ end: no value, never 0
    assert valeur(engine, CA2025, "MG_LIBERAUX") == (2,)


def test_population_uses_the_millesime_in_force(engine: Engine) -> None:
    add_populations(engine, 2022, {"42207": 35000, "42186": 15000, "42218": 170000})
    assert valeur(engine, Y2024, "POPULATION") == (POPULATION_2021,)  # 2024 − 3 = 2021 held
    assert valeur(engine, Y2025, "POPULATION") == (35000 + 15000,)  # 2022 (42218 is elsewhere)
    assert valeur(engine, Period.calendar_year(2030), "POPULATION") == (50000,)  # latest held
    assert valeur(engine, CA2024, "POPULATION") == (POPULATION_2021,)


def test_mt_c2s_from_the_total_row_of_the_latest_situation(engine: Engine) -> None:
    load(engine, "cpam_patientele_mt", [
        mt_row(date(2024, 3, 31), c2s_sans_mt=50),
        mt_row(date(2024, 12, 31), c2s_sans_mt=42),
        mt_row(date(2024, 12, 31), total=False, code_insee="42207", c2s_sans_mt=1000),
        mt_row(date(2025, 3, 31), c2s_sans_mt=99),
        mt_row(date(2024, 12, 31), territoire=OTHER, c2s_sans_mt=7),
    ])
    v = values(engine, Y2024)["MT_C2S_SANS"]
    assert (v["valeur"], v["statut"]) == (42, "final")
    assert valeur(engine, CA2024, "MT_C2S_SANS") == (50,)  # 31/12/2024 is after 06/12/2024
    later = values(engine, CA2025)["MT_C2S_SANS"]  # 06/12/2025 − 31/03/2025 = 250 days
    assert (later["valeur"], later["statut"]) == (99, "provisoire")


# ---------------------------------------------------------------- Mission 1 — SAS, urgences


def test_sas_slots_and_appointments_follow_the_effector_commune_of_the_snapshot(engine: Engine) -> None:
    june, december = date(2024, 6, 1), date(2024, 12, 1)
    one, two = "10000000001", "10000000002"
    load(engine, "sas_effecteurs", [effecteur(june, one), effecteur(june, two),
                                    effecteur(december, one), effecteur(december, two, commune="42218")])
    load(engine, "sas_creneaux", [
        creneau(one, datetime(2024, 1, 1, 0, 0), 2.0),  # first instant of the year: in
        creneau(one, datetime(2024, 12, 31, 23, 30), 0.5, "CPTS"),
        creneau(one, datetime(2024, 3, 1, 9), 3.0, "AUTRE"),  # other slot type
        creneau(one, datetime(2025, 1, 1, 0, 0), 4.0),  # next year
        creneau(one, datetime(2023, 12, 31, 23, 0), 1.0),  # previous year
        creneau(two, datetime(2024, 6, 10, 9), 1.0),  # two left the territory by December
        creneau("10000000009", datetime(2024, 3, 1, 9), 1.0),  # in no snapshot
    ])
    load(engine, "sas_rdv", [
        rdv(one, datetime(2024, 3, 1, 9), "fulfilled", 24),
        rdv(one, datetime(2024, 3, 1, 9), "fulfilled", 48),  # exactly 48 h: within
        rdv(one, datetime(2024, 3, 1, 9), "fulfilled", 49),
        rdv(one, datetime(2024, 3, 1, 9), "noshow", 10),
        rdv(one, datetime(2024, 3, 1, 9), "booked", 100),  # in the 48 h base, not in the honoured rate
        rdv(one, datetime(2024, 3, 1, 9), "cancelled", 1),  # excluded everywhere
        rdv(two, datetime(2024, 3, 1, 9), "fulfilled", 1),  # effector outside per the December snapshot
        rdv(one, datetime(2025, 1, 1, 0), "fulfilled", 1),
    ])
    v = values(engine, Y2024)
    assert v["SAS_HEURES"]["valeur"] == 2.0 + 0.5
    assert v["SAS_RDV_HONORES"]["valeur"] == 3
    taux = v["SAS_RDV_TAUX_HONORES"]  # 3 fulfilled / (3 fulfilled + 1 noshow)
    assert (taux["numerateur"], taux["denominateur"], taux["valeur"]) == (3, 4, 75)
    delai = v["SAS_RDV_48H"]  # ≤ 48 h: 24, 48, 10 among 5 not cancelled
    assert (delai["numerateur"], delai["denominateur"]) == (3, 5) and delai["valeur"] == pytest.approx(60)
    # June 2024 uses the June snapshot, where two practised in the territory.
    assert values(engine, Period.month(2024, 6))["SAS_HEURES"]["valeur"] == 1.0


def test_a_rate_with_a_zero_denominator_is_not_evaluable_not_zero(engine: Engine) -> None:
    one = "10000000001"
    load(engine, "sas_effecteurs", [effecteur(date(2024, 12, 31), one)])
    load(engine, "sas_rdv", [rdv(one, datetime(2024, 3, 1, 9), "booked", 12)])

    v = values(engine, Y2024)

    taux = v["SAS_RDV_TAUX_HONORES"]  # no fulfilled nor noshow appointment: 0 / 0
    assert (taux["valeur"], taux["statut"], taux["motif_statut"]) == (
        None, "non_evaluable", "Dénominateur nul : taux non calculable")
    assert (v["SAS_RDV_48H"]["valeur"], v["SAS_RDV_48H"]["statut"]) == (100, "final")


def test_ccmu12_and_emergency_breakdowns_by_commune_and_age(engine: Engine) -> None:
    d = date(2024, 3, 1)
    load(engine, "passages_urgences", [
        *(passage(date(2024, m, 15), commune="42218", cp="42000") for m in range(1, 13)),  # completeness
        passage(d, age=10, gravite="1"),
        passage(d, age=14, gravite="2"),
        passage(d, age=15, gravite="3"),
        passage(d, commune="42186", cp="42800", age=44, gravite="P"),  # CCMU P is not 1–2
        passage(d, commune=None, cp="42800", age=45, gravite="4"),  # postal code wholly inside
        passage(d, commune="42186", cp="42800", age=74, gravite=None),
        passage(d, commune="42186", cp="42800", age=75, gravite="5"),
        passage(d, age=None, gravite="1"),
        passage(d, age=30, gravite="1", mode_sortie="6"),  # hospitalised
        passage(d, gravite="2", mode_sortie=None),  # empty MODE_SORTIE: neither
        passage(d, commune="42218", cp="42000", gravite="1"),  # other territory
        passage(date(2025, 1, 1), gravite="1"),  # next year
    ])
    v = values(engine, Y2024)
    assert v["URG_NON_HOSPIT"]["valeur"] == 8 and v["URG_CCMU12"]["valeur"] == 3  # ages 10, 14, unknown
    assert v["URG_CCMU12"]["statut"] == "final"
    with engine.connect() as conn:
        cells = conn.execute(select(vent.c.axe, vent.c.modalite, vent.c.valeur).where(
            vent.c.territoire == T, vent.c.periode == "2024", vent.c.code_indicateur == "URG_NON_HOSPIT")
            .order_by(vent.c.ordre)).all()
    assert [tuple(c) for c in cells] == [
        ("commune", "42186", 3), ("commune", "42207", 4), ("commune", "non résolue", 1),
        ("tranche_age", "0-14 ans", 2), ("tranche_age", "15-44 ans", 2), ("tranche_age", "45-74 ans", 2),
        ("tranche_age", "75 ans et plus", 1), ("tranche_age", "âge inconnu", 1)]


# ---------------------------------------------------------------- Periods of the nightly


def test_nightly_materialises_years_contract_years_and_monthly_flows(engine: Engine,
                                                                     settings: Settings) -> None:
    from tasks.warehouse_tasks import compute_indicators
    from warehouse.incremental import monthly_indicator_codes

    load(engine, "annexe_parametres", [annexe_parametres(2024, CA2024.debut, CA2024.fin),
                                       annexe_parametres(2025, CA2025.debut, CA2025.fin)])
    load(engine, "cpam_prado", [prado(date(2024, 1, 1), "Insuffisance cardiaque", 5),
                                prado(date(2025, 2, 1), "Insuffisance cardiaque", 6)])
    load(engine, "cpam_patientele_mt", [mt_row(date(2025, 1, 31), c2s_sans_mt=42)])
    with engine.connect() as conn:
        assert contract_years(conn, T) == [CA2024, CA2025]
        assert contract_years(conn, OTHER) == []
        assert [p.label for p in months_of_latest_year(conn)] == ["2025-01", "2025-02"]
    compute_indicators.fn(settings)
    with engine.connect() as conn:
        rows = conn.execute(select(res.c.territoire, res.c.type_periode, res.c.periode,
                                   res.c.code_indicateur, res.c.valeur)).all()
    periods = {(t, tp, p) for t, tp, p, _, _ in rows}
    assert {(t, p) for t, tp, p in periods if tp == "annee_contractuelle"} == {(T, "CA2024"), (T, "CA2025")}
    assert {p for _, tp, p in periods if tp == "annee_civile"} == {"2024", "2025"}
    monthly = {(p, c): v for t, tp, p, c, v in rows if tp == "mois" and t == T}
    assert {c for _, c in monthly} <= monthly_indicator_codes()
    assert not {"MT_C2S_SANS", "DEPISTAGE_SEIN"} & monthly_indicator_codes()  # stock, annual source
    assert monthly[("2025-02", "PRADO_IC")] == 6 and ("2025-01", "PRADO_IC") not in monthly
    by_key = {(t, p, c): v for t, tp, p, c, v in rows if tp == "annee_contractuelle"}
    assert by_key[(T, "CA2025", "PRADO_IC")] == 6 and by_key[(T, "CA2025", "MT_C2S_SANS")] == 42
