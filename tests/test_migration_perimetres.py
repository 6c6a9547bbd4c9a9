"""Given a warehouse whose registry holds scopes as `|`-joined strings (before migration 0006), when it
is upgraded, then every load gets its structured scope key, so replacements, the monotonic PMSI
check and the incremental indicators keep recognising earlier loads of the same scope — on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from alembic import command
from sqlalchemy import column, insert, select, table

from warehouse.db import alembic_config, make_engine
from warehouse.tables.registre import chargements

OLD = {  # type_fichier → perimetre as loads wrote it before 0006
    "rpu_xml": "420784878|2024-03-01|2024-03-31",
    "pmsi_mco": "420784878|2024",
    "cpts_activite": "vallee-du-gier|2024",
    "cpam_patientele_mt": "vallee-du-gier|2024-12-31",
    "sas_effecteurs": "2024-06-30",
    "sas_rdv": "202402",
}
BEFORE = table("chargements", *(column(c) for c in (  # the registry as it was: no key columns
    "fournisseur", "type_fichier", "nom_fichier", "sha256", "recu_le", "statut", "perimetre")))
KEYS = ("perimetre_territoire", "perimetre_finess", "perimetre_ordre", "perimetre_annee",
        "perimetre_du", "perimetre_au")


def test_old_scope_strings_become_structured_keys(empty_warehouse_url: str) -> None:
    engine = make_engine(empty_warehouse_url)
    config = alembic_config(engine)
    command.upgrade(config, "0005_indicateurs_grain")
    old = chargements.c
    with engine.begin() as conn:
        for type_fichier, perimetre in OLD.items():
            conn.execute(insert(BEFORE).values(
                fournisseur="test", type_fichier=type_fichier, nom_fichier=type_fichier, sha256="0" * 64,
                recu_le=datetime(2025, 1, 1), statut="charge", perimetre=perimetre))

    command.upgrade(config, "head")

    with engine.connect() as conn:
        found = {r.type_fichier: tuple(r._mapping[k] for k in KEYS) for r in conn.execute(
            select(old.type_fichier, *(old[k] for k in KEYS)))}
    engine.dispose()
    assert found == {
        "rpu_xml": (None, "420784878", None, None, date(2024, 3, 1), date(2024, 3, 31)),
        "pmsi_mco": (None, "420784878", None, 2024, None, None),
        "cpts_activite": ("vallee-du-gier", None, None, 2024, None, None),
        "cpam_patientele_mt": ("vallee-du-gier", None, None, None, date(2024, 12, 31), date(2024, 12, 31)),
        "sas_effecteurs": (None, None, None, None, date(2024, 6, 30), date(2024, 6, 30)),
        "sas_rdv": (None, None, None, None, date(2024, 2, 1), date(2024, 2, 29)),
    }
