"""Given the national Annuaire Santé extraction, when the ingestion runs, then only the activities
of the configured departments are loaded, with their commune resolved and no names."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select, text

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders_annuaire import write_annuaire
from tests.builders_sas import rpps
from warehouse.tables.annuaire import annuaire_activites


def test_annuaire_is_filtered_to_the_departments_while_streaming(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_annuaire(inbox / "annuaire" / "PS_LibreAcces_Personne_activite_202406010930.txt", 5000)

    (_, outcome), = ingest_inbox(engine, settings).outcomes

    assert (outcome.statut, outcome.lignes_lues, outcome.lignes_chargees) == ("charge", 3000, 3000)
    t = annuaire_activites.c
    with engine.connect() as conn:
        per_commune = conn.execute(select(t.code_postal, t.commune_exercice, func.count()).group_by(
            t.code_postal, t.commune_exercice).order_by(t.code_postal)).all()
        first = conn.execute(select(t.identifiant_pp, t.code_mode_exercice, t.date_extraction.isnot(None))
                             .order_by(t.identifiant_pp).limit(1)).one()
        dump = repr(conn.execute(text("SELECT * FROM annuaire_activites")).all())
    assert [tuple(r) for r in per_commune] == [("42400", "42207", 1000), ("42800", "42225", 1000),
                                               ("69001", "69123", 1000)]
    assert tuple(first) == (rpps(0), "L", True)
    assert "NOMSECRET" not in dump and "Jeanne" not in dump

    again = ingest_inbox(engine, settings)

    assert again.outcomes[0][1].statut == "deja_charge"
