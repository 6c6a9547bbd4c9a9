"""Every case written in an indicator's file (`warehouse/indicateurs/<mission>/<CODE>.toml`, `[[cas]]`):
given its rows, when the indicator is materialised for each expected period, then the value, status and
reason are the expected ones — on SQLite and PostgreSQL. One test per indicator file runs its cases.

Case format: `nom`; `lignes.<builder> = [{…}, …]` (builders of tests/builders_facts.py, one load per
builder); `[[cas.attendu]]` with `periode` (`2024`, `2024-06`, `CA2024:2023-12-07/2024-12-06`,
`2024-01-01/2024-03-31`), `territoire` (default vallee-du-gier), `valeur` (a number; "aucune": no row;
"vide": a row without value), optional `numerateur`, `denominateur`, `statut`, `motif` (contained in
the reason) and `ventilation` ([[axe, modalité, valeur], …] in display order).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, delete, select

from tests import builders_facts as b
from warehouse.catalogue import Indicator, catalogue
from warehouse.materialise import Period, materialise
from warehouse.tables import metadata
from warehouse.tables.marts import indicateurs_resultats as res
from warehouse.tables.marts import indicateurs_ventilations as vent
from warehouse.tables.registre import chargements

BUILDERS = {
    "passage": (b.passage, "passages_urgences"), "sejour": (b.sejour, "sejours_mco"),
    "mt_row": (b.mt_row, "cpam_patientele_mt"), "prado": (b.prado, "cpam_prado"),
    "depistage": (b.depistage, "cpam_depistage"), "effecteur": (b.effecteur, "sas_effecteurs"),
    "creneau": (b.creneau, "sas_creneaux"), "rdv": (b.rdv, "sas_rdv"),
    "adherent": (b.adherent, "cpts_adherents"), "action": (b.action, "cpts_actions"),
    "parcours": (b.parcours, "cpts_parcours"), "formation": (b.formation, "cpts_formations"),
    "crise": (b.crise, "cpts_crise"), "activite_annuaire": (b.activite_annuaire, "annuaire_activites"),
}
T = "vallee-du-gier"
WITH_CASES = [i for i in catalogue().values() if i.cas]


def period(label: str) -> Period:
    if label.startswith("CA"):
        name, _, dates = label.partition(":")
        debut, fin = (date.fromisoformat(d) for d in dates.split("/"))
        return Period.contract_year(int(name[2:]), debut, fin)
    if "/" in label:
        debut, fin = (date.fromisoformat(d) for d in label.split("/"))
        return Period.year_to_date(debut, fin)
    if len(label) == 7:
        return Period.month(int(label[:4]), int(label[5:]))
    return Period.calendar_year(int(label))


def _given(engine: Engine, case: dict) -> list[str]:
    tables = []
    for builder, rows in case.get("lignes", {}).items():
        make, table = BUILDERS[builder]
        b.load(engine, table, [make(**row) for row in rows])
        tables.append(table)
    return tables


def _forget(engine: Engine, tables: list[str]) -> None:
    with engine.begin() as conn:
        for table in [*tables, vent.name, res.name, chargements.name]:
            conn.execute(delete(metadata.tables[table]))


def _check(engine: Engine, ind: Indicator, case: dict, expected: dict) -> None:
    p = period(str(expected["periode"]))
    territoire = expected.get("territoire", T)
    materialise(engine, [territoire], [p], codes=[ind.code])
    where = [res.c.territoire == territoire, res.c.code_indicateur == ind.code,
             res.c.type_periode == p.type_periode, res.c.periode == p.label]
    with engine.connect() as conn:
        row = conn.execute(select(res).where(*where)).mappings().first()
        cells = conn.execute(select(vent.c.axe, vent.c.modalite, vent.c.valeur).where(
            vent.c.territoire == territoire, vent.c.code_indicateur == ind.code,
            vent.c.type_periode == p.type_periode, vent.c.periode == p.label).order_by(vent.c.ordre)).all()
    where_ = f"{ind.code}, cas « {case['nom']} », période {expected['periode']}"
    if expected["valeur"] == "aucune":
        assert row is None, f"{where_} : aucune valeur attendue, obtenu {row and row['valeur']}"
        return
    assert row is not None, f"{where_} : aucune valeur calculée"
    got = {k: row[k] for k in ("valeur", "numerateur", "denominateur", "statut")}
    want = {"valeur": None if expected["valeur"] == "vide" else expected["valeur"],
            "statut": expected.get("statut", "final")}
    want |= {k: expected[k] for k in ("numerateur", "denominateur") if k in expected}
    got = {k: got[k] for k in want}
    if isinstance(want["valeur"], float):
        want["valeur"] = pytest.approx(want["valeur"])
    assert got == want, where_
    if "motif" in expected:
        assert expected["motif"] in (row["motif_statut"] or ""), where_
    if "ventilation" in expected:
        assert [list(c) for c in cells] == expected["ventilation"], where_


@pytest.mark.parametrize("ind", WITH_CASES, ids=[i.code for i in WITH_CASES])
def test_indicator_cases(engine: Engine, ind: Indicator) -> None:
    for case in ind.cas:
        tables = _given(engine, case)
        for expected in case["attendu"]:
            _check(engine, ind, case, expected)
        _forget(engine, tables)


def test_every_case_names_known_builders_and_expectations() -> None:
    for ind in catalogue().values():
        for case in ind.cas:
            assert set(case.get("lignes", {})) <= set(BUILDERS), (ind.code, case["nom"])
            assert case["attendu"] and all("periode" in e and "valeur" in e for e in case["attendu"])
