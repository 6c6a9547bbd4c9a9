"""December build on a generated inbox: proposal 2025 → tiers typed in → inbox → tracking at 30/06/2025.

The generator (seed 42, 2023–2025) stops at June 2025 and ships the signed 2024 annex of Vallée du Gier
(contract start 07/12/2023), so contract year 2025 runs 07/12/2024 – 06/12/2025 and the tracking as of
30/06/2025 covers 206 days of 365. Tiers are chosen around the 2024 baselines read from the proposal
workbook; the expected year-to-date values are recomputed here from the generated FILES (never from
`contrat_suivi` or the marts), then tiers and euros follow from indicators.md by hand.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from contract.proposal import build_proposal
from contract.tracking import track
from contract.workbook import write_annex
from cpts.config import Settings
from cpts.labels import normalise_label
from generator import generate
from tasks.ingest import ingest_inbox
from tests.conftest import TEST_KEY, private_warehouse
from warehouse.db import make_engine
from warehouse.tables.activite import annexe_indicateurs, annexe_parametres

pytestmark = pytest.mark.slow

VDG = "vallee-du-gier"
START, TODAY, END = date(2024, 12, 7), date(2025, 6, 30), date(2025, 12, 6)
K = 365 / 206  # days of contract year 2025 ÷ days from 07/12/2024 to 30/06/2025
FIXED = 75000 + 90000 + 45000 + 17500 + 22500 + 15000 + 10000  # taille 3 (96 334 habitants)
TIER_HEADERS = ("Seuil socle", "Montant socle (€)", "Seuil intermédiaire", "Montant intermédiaire (€)",
                "Seuil objectif", "Montant objectif (€)")
TIERS = ("socle", "intermediaire", "objectif")


# --- Reading the generated files (exports.md), independently of the pipeline -----------------------

def _rows(path: Path, sheet: str) -> list[tuple]:
    return list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()


def _mission(value: object) -> int:
    """`3`, `Mission 3`, `3 - Prévention` or the label alone."""
    labels = {"acces aux soin": 1, "parcours pluriprofessionnel": 2, "prevention": 3,
              "crise sanitaire": 4, "qualite et pertinence": 5, "accompagnement de professionnel": 6}
    text = normalise_label(value)
    found = re.match(r"(?:mission )?(\d)\b", text)
    return int(found.group(1)) if found else labels[text]


def _sheet(path: Path, sheet: str) -> list[dict]:
    """Coordinator sheet (header on row 1) keyed by normalised headers; blank rows dropped."""
    rows = _rows(path, sheet)
    headers = [normalise_label(h) for h in rows[0]]
    return [dict(zip(headers, r, strict=False)) for r in rows[1:] if any(v not in (None, "") for v in r)]


def _in_period(value: object) -> bool:
    return START <= _date(value) <= TODAY


def expected_values(inbox: Path) -> dict[str, float]:
    """Year-to-date values at 30/06/2025 of the indicators the test puts tiers on."""
    actions, formations = [], []
    for year in (2024, 2025):  # contract year 2025 starts in the 2024 activity workbook
        path = inbox / "cpts" / f"CPTS_activite_{year}_{VDG}.xlsx"
        actions += [a for a in _sheet(path, "Actions") if _in_period(a["date"])]
        formations += [f for f in _sheet(path, "Formations") if _in_period(f["date"])]
    prevention = [a for a in actions if _mission(a["mission"]) == 3]
    out: dict[str, float] = {
        "PREV_REUNIONS": sum(normalise_label(a["type"]) == "reunion de travail" for a in prevention),
        "PREV_PARTICIPANTS": sum(int(a["participant"] or 0) for a in prevention),
        "ACC_RENCONTRES": sum(_mission(a["mission"]) == 6
                              and normalise_label(a["type"]) == "rencontre professionnel" for a in actions),
        "QUAL_FORMATIONS": len(formations),
        "QUAL_PS_FORMES": sum(int(f["professionnel forme"] or 0) for f in formations),
    }
    # PRADO: months whose first day falls in the period (January–June 2025; December 2024 starts before)
    book = load_workbook(inbox / "cpam" / f"CPAM_PRADO_2025_{VDG}.xlsx", read_only=True)
    prado = list(book[book.sheetnames[0]].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(prado) if r[0] == "Mois")
    out["PRADO_TOTAL"] = sum(int(r[2]) for r in prado[header + 1:]
                             if r[0] is not None and START <= _date(r[0]) <= TODAY)
    # Stocks: TOTAL row of the latest patientèle snapshot ≤ 30/06/2025
    mt = _rows(inbox / "cpam" / f"CPAM_patientele_MT_20250630_{VDG}.xlsx", "Patientèle MT")
    header = next(i for i, r in enumerate(mt) if r[0] == "Code commune")
    total = dict(zip(mt[header], next(r for r in mt if r[0] == "TOTAL"), strict=True))
    out["MT_ALD_SANS"] = total["dont ALD sans MT"]
    out["MT_17P_SANS"] = total["dont sans MT 17 ans et +"]
    return out


# --- The negotiated tiers ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Negotiated:
    code: str
    mission: int
    sens: str
    tiers: tuple[tuple[float, float], ...]  # (threshold, amount), socle first
    stock: bool = False

    def tier(self, value: float | None) -> tuple[str | None, float]:
        """indicators.md: ≥ highest tier whose threshold ≤ value, ≤ highest whose threshold ≥ value."""
        if value is None:
            return None, 0.0
        reached = [(name, amount) for name, (seuil, amount) in zip(TIERS, self.tiers, strict=False)
                   if (value >= seuil if self.sens == "≥" else value <= seuil)]
        return reached[-1] if reached else (None, 0.0)


def negotiate(baseline: dict[str, float]) -> list[Negotiated]:
    """Mission 3's highest amounts sum to exactly its 17 500 € envelope, mission 5's to its 15 000 €."""

    def around(code: str, mission: int, sens: str, shares: tuple[float, ...], amounts: tuple[float, ...],
               stock: bool = False) -> Negotiated:
        tiers = tuple((baseline[code] * s, a) for s, a in zip(shares, amounts, strict=True))
        return Negotiated(code, mission, sens, tiers, stock)

    return [
        Negotiated("MT_ALD_SANS", 1, "≤", ((219, 3000), (100, 6000), (50, 9000)), stock=True),  # real one
        around("MT_17P_SANS", 1, "≤", (1.1, 1, 0.5), (4000, 7000, 10000), stock=True),
        around("PRADO_TOTAL", 2, "≥", (1 / 4, 1 / 2, 1), (5000, 10000, 15000)),
        around("PREV_REUNIONS", 3, "≥", (1 / 4, 1 / 2, 1), (2500, 5000, 7500)),
        around("PREV_PARTICIPANTS", 3, "≥", (1 / 4, 1 / 2, 1), (2000, 4000, 5000)),
        # annual source: no year-to-date value → non évaluable, counted 0
        around("DEPISTAGE_SEIN", 3, "≥", (0.9, 1), (2500, 5000)),
        around("QUAL_FORMATIONS", 5, "≥", (1 / 4, 1 / 2), (3000, 7500)),
        around("QUAL_PS_FORMES", 5, "≥", (1 / 4, 1 / 2), (3000, 7500)),
        around("ACC_RENCONTRES", 6, "≥", (1 / 4, 1), (5000, 10000)),
    ]


def fill(proposal: Path, target: Path) -> tuple[dict[str, float], list[Negotiated]]:
    """What the coordinator does: read the baselines, type the tiers, save into the inbox."""
    book = load_workbook(proposal)
    ws = book["Indicateurs"]
    header = {c.value: c.column for c in ws[2]}
    lines = {ws.cell(r, header["Code"]).value: r for r in range(3, ws.max_row + 1)}
    baseline = {code: ws.cell(r, header["Valeur initiale"]).value for code, r in lines.items()}
    agreed = negotiate(baseline)
    for n in agreed:
        assert ws.cell(lines[n.code], header["Sens"]).value == n.sens
        for (seuil, amount), tier in zip(n.tiers, range(0, 6, 2), strict=False):
            ws.cell(lines[n.code], header[TIER_HEADERS[tier]], seuil)
            ws.cell(lines[n.code], header[TIER_HEADERS[tier + 1]], amount)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return baseline, agreed


# --- The scenario, once for the module ----------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    inbox: Path
    baseline: dict[str, float]
    agreed: list[Negotiated]
    rows: list[dict]
    engine: Engine


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated warehouse private to the module, on each backend (PostgreSQL skipped when absent)."""
    with private_warehouse(request, tmp_path_factory.mktemp("entrepot")) as url:
        yield url


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated inbox, written once; each backend works on its own copy."""
    out = tmp_path_factory.mktemp("genere") / "depot"
    generate(out, territoires=(VDG, "grand-saint-etienne"), annees=(2023, 2024, 2025), graine=42)
    return out


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, generated: Path, warehouse: str) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp("contrat_generateur")
    inbox = root / "depot"
    shutil.copytree(generated, inbox)
    settings = Settings(data_dir=root / "var", warehouse_url=warehouse, inbox=str(inbox), pseudo_key=TEST_KEY)
    engine = make_engine(settings.database_url)
    report = ingest_inbox(engine, settings)
    assert {o.statut for _, o in report.outcomes} == {"charge"}, \
        [o.message for _, o in report.outcomes if o.statut != "charge"]

    proposal = build_proposal(engine, VDG, 2025)  # December 2024, reference: calendar 2024
    assert (proposal.debut, proposal.reference.label, proposal.taille) == (START, "2024", 3)
    path = write_annex(proposal, root / "proposition", settings.secret_threshold)
    baseline, agreed = fill(path, inbox / "cpts" / path.name)
    report = ingest_inbox(engine, settings)
    loaded = [(d.name, o.statut, o.message) for d, o in report.outcomes if o.statut != "deja_charge"]
    assert [(n, s) for n, s, _ in loaded if n == path.name] == [(path.name, "charge")], loaded

    rows = track(engine, VDG, TODAY)
    yield Scenario(inbox, baseline, agreed, rows, engine)
    engine.dispose()


def test_the_filled_annex_is_loaded_for_contract_year_2025(scenario: Scenario) -> None:
    with scenario.engine.connect() as conn:
        params = conn.execute(select(annexe_parametres).where(annexe_parametres.c.annee == 2025)).one()
        tiers = conn.execute(select(annexe_indicateurs.c.code_indicateur).where(
            annexe_indicateurs.c.annee == 2025, annexe_indicateurs.c.seuil_socle.is_not(None))).scalars()
        assert (params.debut_annee_contractuelle, params.fin_annee_contractuelle) == (START, END)
        assert set(tiers) == {n.code for n in scenario.agreed}
    assert {(r["annee"], r["date_calcul"], r["couvert_jusqu_au"]) for r in scenario.rows} == \
        {(2025, TODAY, TODAY)}


def test_tiers_and_euros_per_indicator(scenario: Scenario) -> None:
    values = expected_values(scenario.inbox)
    by_code = {r["code_indicateur"]: r for r in scenario.rows if r["code_indicateur"]}
    assert len(by_code) == len(scenario.baseline)  # every annex line is tracked, with tiers or not
    for n in scenario.agreed:
        row = by_code[n.code]
        if n.code == "DEPISTAGE_SEIN":
            assert (row["statut"], row["palier_atteint"]) == ("non_evaluable", "non_evaluable")
            assert row["montant_acquis"] == 0
            assert row["montant_projete"] == 0 and row["motif"].startswith("Non évaluable")
            continue
        value = values[n.code]
        assert row["valeur_cumul"] == pytest.approx(value), n.code
        assert (row["palier_atteint"], row["montant_acquis"]) == n.tier(value), n.code
        if n.stock:
            assert row["valeur_projetee"] is None
            assert (row["palier_projete"], row["montant_projete"]) == n.tier(value), n.code
        else:
            assert row["valeur_projetee"] == pytest.approx(value * K), n.code
            assert (row["palier_projete"], row["montant_projete"]) == n.tier(value * K), n.code


def test_tiers_chosen_around_the_baselines_give_the_intended_outcomes(scenario: Scenario) -> None:
    """Seed-42 facts the scenario was designed on, so a generator change shows up here first."""
    values, b = expected_values(scenario.inbox), scenario.baseline
    assert values["MT_ALD_SANS"] > 219  # the real contract's tiers: none reached, 0 €
    assert values["QUAL_FORMATIONS"] >= b["QUAL_FORMATIONS"] / 2
    assert values["QUAL_PS_FORMES"] >= b["QUAL_PS_FORMES"] / 2  # mission 5: its whole envelope
    assert b["PREV_REUNIONS"] / 4 <= values["PREV_REUNIONS"] < b["PREV_REUNIONS"] / 2  # socle so far
    assert values["PREV_REUNIONS"] * K >= b["PREV_REUNIONS"] / 2  # projected: intermédiaire


def test_money_per_mission_and_total(scenario: Scenario) -> None:
    values = expected_values(scenario.inbox)
    by_code = {r["code_indicateur"]: r for r in scenario.rows if r["code_indicateur"]}
    missions = {r["mission"]: r for r in scenario.rows if r["code_indicateur"] is None}
    envelope = {1: 35000, 2: 45000, 3: 17500, 4: 0, 5: 15000, 6: 10000}
    assert set(missions) == {1, 2, 3, 4, 5, 6, None}
    now_total = later_total = 0.0
    for m in range(1, 7):
        mine = [n for n in scenario.agreed if n.mission == m]
        now = sum(n.tier(values.get(n.code))[1] for n in mine)
        later = sum(n.tier(values.get(n.code) if n.stock or n.code not in values
                           else values[n.code] * K)[1] for n in mine)
        now, later = min(now, envelope[m]), min(later, envelope[m])
        assert (missions[m]["montant_acquis"], missions[m]["montant_projete"]) == (now, later), m
        now_total, later_total = now_total + now, later_total + later
        assert missions[m]["montant_acquis"] == sum(by_code[n.code]["montant_acquis"] for n in mine)
    assert missions[5]["montant_acquis"] == 15000 and "plafonnée" not in missions[5]["motif"]
    assert missions[3]["montant_acquis"] == 2500 + 5000  # reunions socle + participants objectif
    assert missions[3]["montant_projete"] == 5000 + 5000
    assert "1 indicateur(s) non évaluable(s)" in missions[3]["motif"]
    assert missions[4]["montant_acquis"] == 0
    assert missions[None]["montant_acquis"] == FIXED + now_total
    assert missions[None]["montant_projete"] == FIXED + later_total
