"""Given hand-built facts, when indicators are materialised, then the rules that span several indicators
or need more than an indicator file's cases (tests/test_indicateurs_cas.py) hold — on SQLite and
PostgreSQL: workbook availability, population millésime, emergency breakdowns, the nightly's periods."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from cpts.config import Settings
from tests.builders_facts import (
    action,
    add_populations,
    annexe_parametres,
    load,
    mt_row,
    passage,
    prado,
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


# ---------------------------------------------------------------- Mission 3 — Prévention, 6 — Accompagnement


# ---------------------------------------------------------------- Mission 4 — Crise, 5 — Qualité


def test_an_empty_sheet_of_a_loaded_workbook_is_zero_and_no_workbook_is_no_value(engine: Engine) -> None:
    # The 2024 workbook was delivered with actions but an empty Crise sheet; none for 2022.
    load(engine, "cpts_actions", [action(date(2024, 5, 2), 3, "Réunion de travail")])

    assert valeur(engine, Y2024, "CRISE_PLAN", "CRISE_PERMANENCES", "QUAL_FORMATIONS") == (0, 0, 0)
    assert {"CRISE_PLAN", "CRISE_PERMANENCES", "PREV_REUNIONS"}.isdisjoint(
        values(engine, Period.calendar_year(2022)))


# ---------------------------------------------------------------- Organisation: GPs, population


def test_population_uses_the_millesime_in_force(engine: Engine) -> None:
    add_populations(engine, 2022, {"42207": 35000, "42186": 15000, "42218": 170000})
    assert valeur(engine, Y2024, "POPULATION") == (POPULATION_2021,)  # 2024 − 3 = 2021 held
    assert valeur(engine, Y2025, "POPULATION") == (35000 + 15000,)  # 2022 (42218 is elsewhere)
    assert valeur(engine, Period.calendar_year(2030), "POPULATION") == (50000,)  # latest held
    assert valeur(engine, CA2024, "POPULATION") == (POPULATION_2021,)


# ---------------------------------------------------------------- Mission 1 — SAS, urgences


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
