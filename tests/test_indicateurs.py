"""Given hand-built facts, when indicators are materialised, then each value, status and lineage is
what indicators.md says — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select, text

from tests.builders_facts import action, adherent, load, mt_row, passage, sejour
from warehouse.catalogue import catalogue, files, version
from warehouse.materialise import Period, materialise
from warehouse.tables.marts import indicateurs_resultats as res
from warehouse.tables.marts import indicateurs_ventilations as vent

T = "vallee-du-gier"
Y2024 = Period.calendar_year(2024)


def values(engine: Engine, period: Period = Y2024) -> dict[str, dict]:
    materialise(engine, [T], [period])
    with engine.connect() as conn:
        rows = conn.execute(select(res).where(res.c.territoire == T, res.c.periode == period.label))
        return {r.code_indicateur: r._asdict() for r in rows}


def months(finess: str, year: int, upto: int = 12) -> list[dict]:
    """One non-residents passage per month, so RPU completeness holds."""
    return [passage(date(year, m, 15), finess=finess, commune="42218", cp="42000")
            for m in range(1, upto + 1)]


def test_the_2025_version_keeps_every_2024_indicator_and_adds_some() -> None:
    codes_2024, codes_2025 = ({i.code for i in version(y)} for y in (2024, 2025))
    assert codes_2024 < codes_2025 and "MT_C2S_SANS" in codes_2025 - codes_2024
    assert len(catalogue()) == len(files())  # one file per indicator, none ignored
    assert catalogue()["IC_REHOSPIT_30J"].fonction == "rehospitalisation_30j"


def test_passages_by_residence_with_empty_codes_and_missing_month(engine: Engine) -> None:
    load(engine, "passages_urgences", [
        *months("420784878", 2024, upto=11),
        passage(date(2024, 3, 1)),  # resident, home
        passage(date(2024, 3, 1), commune=None, cp="42800"),  # postal code wholly inside
        passage(date(2024, 3, 1), commune=None, cp="69420"),  # shared postal code: not attributed
        passage(date(2024, 3, 1), mode_sortie=None),  # empty MODE_SORTIE: neither
        passage(date(2024, 3, 1), gravite="P"),  # CCMU P is not 1–2
        passage(date(2024, 3, 1), age=80, mode_sortie="6"),
    ])
    v = values(engine)
    assert v["URG_NON_HOSPIT"]["valeur"] == 3 and v["URG_CCMU12"]["valeur"] == 2
    assert v["URG_NON_HOSPIT_TAUX"]["denominateur"] == 96334
    assert v["URG_NON_HOSPIT"]["statut"] == "provisoire"
    assert "420784878" in v["URG_NON_HOSPIT"]["motif_statut"]
    assert "décembre 2024" in v["URG_NON_HOSPIT"]["motif_statut"]
    assert v["URG_NON_HOSPIT"]["lignage"] == "1"


def test_medicine_stays_rounding_and_year_boundary(engine: Engine) -> None:
    direct = [sejour(date(2024, 2, 1), date(2024, 2, 3), provenance=None, dp="K35")] * 1879
    other = [sejour(date(2024, 2, 1), date(2024, 2, 3), provenance="5", dp="K35")] * (5338 - 1879 - 1)
    stays = [dict(s, num_rsa=f"n{i}") for i, s in enumerate(direct + other)]
    stays += [
        sejour(date(2023, 12, 28), date(2024, 1, 2), dp="K35", num="cross"),  # discharged in 2024
        sejour(date(2024, 5, 1), date(2024, 5, 1), num="day"),  # no night: not medicine
        sejour(date(2024, 5, 1), date(2024, 5, 4), ghm="14M02A", num="cmd14"),
        sejour(date(2024, 5, 1), date(2024, 5, 4), uhcd=True, num="uhcd"),
        sejour(date(2024, 12, 1), date(2024, 12, 3), ghm="05C01A", num="dec"),
    ]
    load(engine, "sejours_mco", stays)
    v = values(engine)
    part = v["ADM_DIRECTE_MED_PART"]
    assert (part["numerateur"], part["denominateur"]) == (1879 + 1, 5338 + 1)
    assert v["ADM_DIRECTE_MED"]["valeur"] == 1880 and v["ADM_DIRECTE_MED"]["statut"] == "final"
    from cpts.secrecy import format_fr
    assert format_fr(1879 / 5338 * 100, True) == "35,2"


def test_readmission_across_two_establishments_is_provisional_until_plus_30_days(engine: Engine) -> None:
    load(engine, "sejours_mco", [
        sejour(date(2024, 12, 1), date(2024, 12, 10), patient="a"),  # index
        sejour(date(2024, 12, 20), date(2024, 12, 22), patient="a", finess="420001232",
               commune="69123", cp="69001"),  # readmission elsewhere, any residence
        sejour(date(2024, 6, 1), date(2024, 6, 5), patient="b"),  # index, not readmitted
        sejour(date(2024, 6, 1), date(2024, 6, 5), patient=None),  # no valid key
    ])
    v = values(engine)["IC_REHOSPIT_30J"]
    assert (v["numerateur"], v["denominateur"], v["valeur"]) == (1, 2, 50)
    assert v["statut"] == "provisoire" and "janvier 2025" in v["motif_statut"]


def test_cpam_masks_stale_and_missing_snapshots(engine: Engine) -> None:
    load(engine, "cpam_patientele_mt", [
        mt_row(date(2024, 6, 30), sans_mt_17p=5679, consommants_17p=80000, ald_sans_mt=771,
               masked=("c2s_sans_mt",)),
        mt_row(date(2024, 6, 30), total=False, code_insee="42207", sans_mt_17p=3000),
        mt_row(date(2024, 6, 30), total=False, code_insee="42225", masked=("sans_mt_17p",)),
    ])
    v = values(engine)
    assert v["MT_17P_SANS"]["valeur"] == 5679 and v["MT_17P_SANS"]["statut"] == "provisoire"
    assert "30/06/2024" in v["MT_17P_SANS"]["motif_statut"]
    assert v["MT_C2S_SANS"]["valeur"] is None and v["MT_C2S_SANS"]["valeur_masquee_source"]
    assert "MT_17P_SANS" not in values(engine, Period.calendar_year(2023))  # no snapshot: no value
    with engine.connect() as conn:
        cells = conn.execute(select(vent.c.modalite, vent.c.valeur, vent.c.masque_source).where(
            vent.c.code_indicateur == "MT_17P_SANS").order_by(vent.c.ordre)).all()
    assert [tuple(c) for c in cells] == [("42207", 3000, False), ("42225", None, True)]


def test_members_activity_and_periods(engine: Engine) -> None:
    load(engine, "cpts_adherents", [adherent("a", "Infirmier", date(2020, 1, 1)),
                                    adherent("b", "Infirmier", date(2024, 5, 1)),
                                    adherent("c", "Pharmacien", date(2020, 1, 1), date(2024, 6, 1)),
                                    adherent("d", "Pharmacien", date(2025, 2, 1), annee=2024)])
    load(engine, "cpts_actions", [action(date(2024, 3, 1), 3, "Réunion de travail"),
                                  action(date(2024, 4, 1), 3, "Conférence grand public", 24),
                                  action(date(2024, 4, 1), 6, "Rencontre professionnels")])
    load(engine, "cpam_depistage", [{"territoire": T, "annee": 2024, "depistage": "sein",
                                     "population_cible": 200, "population_depistee": 100}])
    v = values(engine)
    assert v["ADHERENTS"]["valeur"] == 2 and v["PREV_PARTICIPANTS"]["valeur"] == 24
    assert v["PREV_REUNIONS"]["valeur"] == 1 and v["ACC_RENCONTRES"]["valeur"] == 1
    assert v["DEPISTAGE_SEIN"]["valeur"] == 50 and v["POPULATION"]["valeur"] == 96334
    with engine.connect() as conn:
        members = conn.execute(select(vent.c.modalite, vent.c.valeur).where(
            vent.c.code_indicateur == "ADHERENTS")).all()
        label = conn.execute(text("SELECT libelle FROM indicateurs_valeurs "
                                  "WHERE code_indicateur = 'ADHERENTS'")).scalar_one()
    assert dict(members) == {"Infirmier": 2} and label == "Adhérents"
    ytd = values(engine, Period.year_to_date(date(2024, 1, 1), date(2024, 3, 31)))
    assert ytd["DEPISTAGE_SEIN"]["statut"] == "non_evaluable"
    assert ytd["PREV_REUNIONS"]["statut"] == "provisoire" and ytd["ADHERENTS"]["valeur"] == 2
