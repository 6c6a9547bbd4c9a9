"""December 2024 proposal for 2025 → coordinator fills tiers → inbox → ingestion → 2025 tracking.

2025 data come from the small fact builders (not the generator) so the test stays fast and runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from contract.proposal import build_proposal
from contract.tracking import track
from contract.workbook import write_annex
from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders_facts import action, load, mt_row
from warehouse.tables.activite import annexe_indicateurs

VDG, GSE = "vallee-du-gier", "grand-saint-etienne"


def _history(engine: Engine) -> None:
    for year, ald in ((2022, 260), (2023, 240), (2024, 219)):
        load(engine, "cpam_patientele_mt", [mt_row(date(year, 12, 31), ald_sans_mt=ald, patients_ald=5000,
                                                   sans_mt_70p=5)])
    load(engine, "cpam_patientele_mt", [mt_row(date(2024, 12, 31), territoire=GSE, ald_sans_mt=400)])
    load(engine, "cpts_actions", [action(date(2024, m, 10), 3, "Réunion de travail") for m in (2, 5, 9)])


def _fill(path: Path, inbox: Path) -> Path:
    """What the coordinator does after the negotiation: tiers typed in, file dropped in the inbox."""
    book = load_workbook(path)
    ws = book["Indicateurs"]
    header = {c.value: c.column for c in ws[2]}
    tiers = {"MT_ALD_SANS": (219, 3000, 100, 6000, 50, 9000),
             "PREV_REUNIONS": (4, 5000, 6, 10000, 8, 17500)}
    names = ["Seuil socle", "Montant socle (€)", "Seuil intermédiaire", "Montant intermédiaire (€)",
             "Seuil objectif", "Montant objectif (€)"]
    for row in range(3, ws.max_row + 1):
        for name, value in zip(names, tiers.get(ws.cell(row, header["Code"]).value, ()), strict=False):
            ws.cell(row, header[name], value)
    target = inbox / "cpts" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def test_proposal_fill_load_and_track(engine: Engine, settings: Settings, inbox: Path,
                                      tmp_path: Path, umask_022: None) -> None:
    _history(engine)
    proposal = build_proposal(engine, VDG, 2025)
    assert proposal.taille == 3 and proposal.debut == date(2025, 1, 1)
    path = write_annex(proposal, tmp_path / "proposition", settings.secret_threshold)
    assert path.name == "CPTS_annexe_indicateurs_2025_vallee-du-gier.xlsx"
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    ws = load_workbook(path)["Indicateurs"]
    assert ws.protection.sheet
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] == "MT_ALD_SANS")
    assert row[3:6] == (219, "≤", "Définitive")
    assert row[6:9] == (260, 240, 400)  # 2022, 2023, median of the other territories
    assert all(v is None for v in row[9:])
    secret = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] == "MT_70P_SANS")
    assert secret[3] is None and "secret statistique (< 10)" in secret[5] and secret[6:8] == ("< 10", "< 10")

    _fill(path, inbox)
    report = ingest_inbox(engine, settings)
    assert [o.statut for _, o in report.outcomes] == ["charge"], [o.message for _, o in report.outcomes]
    with engine.connect() as conn:
        assert len(conn.execute(select(annexe_indicateurs)).all()) == len(proposal.lignes)

    # 2025 data up to 30 June (181 days of 365): ALD sans MT 90 → intermédiaire 6 000 €,
    # 4 prevention meetings → socle reached so far (5 000 €), projected 4 × 365 / 181 = 8.07 → objectif.
    load(engine, "cpam_patientele_mt", [mt_row(date(2025, 6, 30), ald_sans_mt=90, patients_ald=5000)])
    load(engine, "cpts_actions", [action(date(2025, m, 10), 3, "Réunion de travail") for m in (1, 2, 3, 6)])
    rows = track(engine, VDG, date(2025, 7, 1))
    by_code = {r["code_indicateur"]: r for r in rows if r["code_indicateur"]}
    ald, reunions = by_code["MT_ALD_SANS"], by_code["PREV_REUNIONS"]
    assert (ald["valeur_cumul"], ald["palier_atteint"], ald["montant_acquis"]) == (90, "intermediaire", 6000)
    assert ald["valeur_projetee"] is None and ald["montant_projete"] == 6000
    assert (reunions["palier_atteint"], reunions["montant_acquis"]) == ("socle", 5000)
    assert reunions["valeur_projetee"] == pytest.approx(4 * 365 / 181)
    assert (reunions["palier_projete"], reunions["montant_projete"]) == ("objectif", 17500)
    missions = {r["mission"]: r for r in rows if r["code_indicateur"] is None}
    assert missions[3]["montant_acquis"] == 5000 and missions[3]["montant_projete"] == 17500
    fixed = 75000 + 90000 + 45000 + 17500 + 22500 + 15000 + 10000
    assert missions[None]["montant_acquis"] == fixed + 6000 + 5000
    assert missions[None]["montant_projete"] == fixed + 6000 + 17500
    assert {r["couvert_jusqu_au"] for r in rows} == {date(2025, 6, 30)}


def test_contract_year_reference_from_7_december(engine: Engine, settings: Settings, inbox: Path,
                                                 tmp_path: Path) -> None:
    """Reference = the contract year ending in 2024 (07/12/2023 – 06/12/2024); the file loads back."""
    _history(engine)
    proposal = build_proposal(engine, VDG, 2025, contractuelle=True, debut=date(2023, 12, 7))
    assert (proposal.reference.debut, proposal.reference.fin) == (date(2023, 12, 7), date(2024, 12, 6))
    assert proposal.debut == date(2024, 12, 7)
    path = write_annex(proposal, tmp_path / "proposition", settings.secret_threshold)
    row = next(r for r in load_workbook(path)["Indicateurs"].iter_rows(min_row=3, values_only=True)
               if r[1] == "PREV_REUNIONS")
    assert row[3] == 3  # meetings of 10/02, 10/05 and 10/09/2024, all inside the contract year
    _fill(path, inbox)
    report = ingest_inbox(engine, settings)
    assert [o.statut for _, o in report.outcomes] == ["charge"], [o.message for _, o in report.outcomes]
