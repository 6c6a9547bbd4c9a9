"""Given values already materialised by a nightly, when the next nightly runs, then only the
(indicator, period) values the new loads can change are recomputed — and they equal a full recompute."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from tests.builders_facts import action, load, mt_row, prado
from warehouse.incremental import materialise_incremental, nightly_jobs
from warehouse.materialise import materialise
from warehouse.periods import Period
from warehouse.tables.marts import indicateurs_resultats as res

T, OTHER = "vallee-du-gier", "grand-saint-etienne"


def nightly(engine: Engine) -> tuple[int, int]:
    with engine.begin() as conn:
        return materialise_incremental(conn, nightly_jobs(conn, [T, OTHER]))


def snapshot(engine: Engine) -> dict[tuple, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(res.c.territoire, res.c.code_indicateur, res.c.type_periode,
                                   res.c.periode, res.c.valeur, res.c.statut, res.c.motif_statut,
                                   res.c.lignage, res.c.calcule_le)).all()
    return {tuple(r[:4]): tuple(r[4:]) for r in rows}


def test_a_nightly_with_nothing_new_recomputes_nothing(engine: Engine) -> None:
    load(engine, "cpam_prado", [prado(date(2024, 1, 1), "Insuffisance cardiaque", 5)])
    load(engine, "cpts_actions", [action(date(2024, 3, 1), 3, "Réunion de travail")])
    first = nightly(engine)
    before = snapshot(engine)

    assert first[0] > 0 and nightly(engine) == (0, 0)
    assert snapshot(engine) == before  # not even rewritten (same calcule_le)


def test_a_new_load_recomputes_its_indicators_and_periods_only(engine: Engine) -> None:
    load(engine, "cpam_prado", [prado(date(2024, 1, 1), "Insuffisance cardiaque", 5),
                                prado(date(2025, 2, 1), "Insuffisance cardiaque", 1)])
    load(engine, "cpts_actions", [action(date(2024, 3, 1), 3, "Réunion de travail")])
    load(engine, "cpam_patientele_mt", [mt_row(date(2024, 6, 30), sans_mt_17p=100)])
    nightly(engine)
    before = snapshot(engine)

    load(engine, "cpam_prado", [prado(date(2024, 6, 1), "Maternité", 7)])  # a June 2024 file
    written, jobs = nightly(engine)

    after = snapshot(engine)
    changed = {k for k in after if after[k] != before.get(k)}
    assert {code for _, code, _, _ in changed} == {"PRADO_IC", "PRADO_TOTAL"}
    assert {periode for _, _, _, periode in changed} == {"2024"}  # not 2025 nor its months
    assert after[(T, "PRADO_TOTAL", "annee_civile", "2024")][0] == 12 and (written, jobs) == (2, 1)
    # the incremental result is the full recompute's
    materialise(engine, [T, OTHER], [Period.calendar_year(2024), Period.calendar_year(2025)])
    full = snapshot(engine)
    assert {k: v[:-1] for k, v in full.items()} == {k: v[:-1] for k, v in after.items()}


def test_a_new_snapshot_recomputes_the_stocks_of_later_periods(engine: Engine) -> None:
    load(engine, "cpam_patientele_mt", [mt_row(date(2024, 3, 31), sans_mt_17p=100)])
    load(engine, "cpam_prado", [prado(date(2025, 2, 1), "Insuffisance cardiaque", 1)])
    nightly(engine)

    load(engine, "cpam_patientele_mt", [mt_row(date(2024, 12, 31), sans_mt_17p=90)])
    nightly(engine)

    after = snapshot(engine)
    assert after[(T, "MT_17P_SANS", "annee_civile", "2024")][:2] == (90, "final")
    assert after[(T, "MT_17P_SANS", "annee_civile", "2025")][:2] == (90, "provisoire")  # stale by then
