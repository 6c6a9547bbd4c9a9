"""Given SAS platform exports, when the ingestion runs, then snapshots keep their history, slots and
appointments replace their month and their ids wherever they were — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders_sas import CRENEAUX, EFFECTEURS, RDV, effecteur, id_nat, rdv_uuid, rpps, write_sas
from warehouse.tables.registre import rejets
from warehouse.tables.sas import sas_creneaux, sas_effecteurs, sas_rdv


def fetch(engine: Engine, *columns) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*columns).order_by(*columns)).all()]


def test_effecteur_snapshots_keep_history_whatever_the_arrival_order(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    june = [effecteur(i) for i in range(60)]
    june[7]["id_nat_ps"] = id_nat(7)[:-1] + str((int(id_nat(7)[-1]) + 1) % 10)  # bad Luhn key
    write_sas(inbox, "SAS_effecteurs_20240601.csv", EFFECTEURS, june)
    (_, first), = ingest_inbox(engine, settings).outcomes
    write_sas(inbox, "SAS_effecteurs_20240301.csv", EFFECTEURS,
              [effecteur(i, participation_via="9") for i in range(3)])

    report = ingest_inbox(engine, settings)

    assert (first.statut, first.lignes_chargees, first.lignes_rejetees) == ("charge", 59, 1)
    assert [o.statut for _, o in report.outcomes] == ["charge", "deja_charge"]
    t = sas_effecteurs.c
    assert fetch(engine, t.date_instantane, t.valide_du, t.valide_au).count(
        (date(2024, 3, 1), date(2024, 3, 1), date(2024, 5, 31))) == 3
    assert fetch(engine, t.valide_au).count((None,)) == 59 and len(fetch(engine, t.rpps)) == 62
    with engine.connect() as conn:
        march = conn.execute(select(t.rpps, t.participation_sas, t.participation_via).where(
            t.date_instantane == date(2024, 3, 1)).order_by(t.rpps)).first()
    assert tuple(march) == (rpps(0), True, None)  # participation_via 9: out of list, NULL
    with engine.connect() as conn:
        assert conn.execute(select(rejets.c.ligne, rejets.c.colonne)).one() == (9, "id_nat_ps")

    write_sas(inbox, "SAS_effecteurs_20240601.csv", EFFECTEURS, [effecteur(i) for i in range(5)])
    (_, corrected), = ingest_inbox(engine, settings).outcomes[1:]

    assert (corrected.statut, corrected.lignes_remplacees) == ("charge", 59)
    assert len(fetch(engine, t.rpps)) == 8


def test_slots_durations_are_computed_on_instants_and_bad_rows_rejected(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    rows = [{"creneau_id": f"C{i}", "id_nat_ps": id_nat(i), "type_creneau": "public",
             "type_consultation": "AMB", "debut": f"2024-03-{i % 28 + 1:02d}T08:00:00+01:00",
             "fin": f"2024-03-{i % 28 + 1:02d}T10:30:00+01:00"} for i in range(60)]
    rows[0].update(debut="2024-03-31T01:00:00", fin="2024-03-31T04:00:00", type_consultation="XX")  # DST
    rows[1].update(fin="2024-03-02T07:00:00+01:00")  # before debut
    write_sas(inbox, "SAS_creneaux_202403.csv", CRENEAUX, rows)

    (_, outcome), = ingest_inbox(engine, settings).outcomes

    assert (outcome.statut, outcome.lignes_chargees, outcome.lignes_rejetees) == ("charge", 59, 1)
    t = sas_creneaux.c
    assert fetch(engine, t.creneau_id, t.debut, t.duree_heures, t.type_creneau, t.type_consultation)[:2] == [
        ("C0", datetime(2024, 3, 31, 1, 0), 2.0, "PUBLIC", None),
        ("C10", datetime(2024, 3, 11, 8, 0), 2.5, "PUBLIC", "AMB")]
    with engine.connect() as conn:
        assert conn.execute(select(rejets.c.ligne, rejets.c.colonne)).one() == (3, "fin")


def test_an_appointment_moved_to_another_month_leaves_the_earlier_month(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    def rdv(i: int, debut: str, cree_le: str = "2024-03-01") -> dict[str, str]:
        return {"rdv_id": rdv_uuid(i), "cree_le": cree_le, "debut": debut, "fin": "", "statut": "booked",
                "id_nat_ps": id_nat(i), "categorie_orientation": "PS", "type_consultation": "AMB",
                "patient_commune": "42218", "patient_tranche_age": "70+"}

    write_sas(inbox, "SAS_rdv_202403.csv", RDV, [rdv(1, "2024-03-30T10:00:00+01:00"),
                                                 rdv(2, "2024-03-05T09:30:00", "2024-03-04T21:30:00+01:00")])
    ingest_inbox(engine, settings)
    write_sas(inbox, "SAS_rdv_202404.csv", RDV, [rdv(1, "2024-04-02T10:00:00+02:00"),
                                                 rdv(3, "2024-04-03T10:00:00")])

    report = ingest_inbox(engine, settings)

    assert [o.statut for _, o in report.outcomes] == ["deja_charge", "charge"]
    assert report.outcomes[1][1].lignes_remplacees == 1
    t = sas_rdv.c
    assert fetch(engine, t.rdv_id, t.debut, t.delai_heures, t.rpps) == [
        (rdv_uuid(1), datetime(2024, 4, 2, 10, 0), 777.0, rpps(1)),
        (rdv_uuid(2), datetime(2024, 3, 5, 9, 30), 12.0, rpps(2)),
        (rdv_uuid(3), datetime(2024, 4, 3, 10, 0), 801.0, rpps(3))]
    assert ingest_inbox(engine, settings).by_status("charge") == []


def test_a_month_delivered_again_replaces_its_midnight_appointments_and_not_the_next_months(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    """The month's bounds are instants: midnight on its first day is inside, midnight on the next
    month's first day is not (on SQLite too, where date-times are stored as text)."""
    def rdv(i: int, debut: str) -> dict[str, str]:
        return {"rdv_id": rdv_uuid(i), "cree_le": "2024-02-20", "debut": debut, "fin": "",
                "statut": "booked", "id_nat_ps": id_nat(i), "categorie_orientation": "PS",
                "type_consultation": "AMB", "patient_commune": "42218", "patient_tranche_age": "70+"}

    write_sas(inbox, "SAS_rdv_202403.csv", RDV, [rdv(1, "2024-03-01T00:00:00"),
                                                 rdv(2, "2024-03-10T09:00:00")])
    write_sas(inbox, "SAS_rdv_202404.csv", RDV, [rdv(3, "2024-04-01T00:00:00")])
    ingest_inbox(engine, settings)
    write_sas(inbox, "SAS_rdv_202403.csv", RDV, [rdv(2, "2024-03-10T09:00:00")])  # 1 was withdrawn

    report = ingest_inbox(engine, settings)

    assert [o.lignes_remplacees for _, o in report.by_status("charge")] == [2]
    t = sas_rdv.c
    assert fetch(engine, t.rdv_id, t.debut) == [
        (rdv_uuid(2), datetime(2024, 3, 10, 9, 0)), (rdv_uuid(3), datetime(2024, 4, 1, 0, 0))]
