"""Unit tests of the contract tracking rules: projection, non évaluable, ≤, replacement, cap, 07/12."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, insert

from contract.enveloppes import envelopes, size_class
from contract.periods import contract_year, days
from contract.projection import assess, factor, project
from contract.tracking import indicator_line, latest_annex, money_lines
from tests.builders_marts import add_annex_indicator, add_envelope, add_load
from warehouse.catalogue import catalogue
from warehouse.tables.activite import annexe_parametres

YTD = "Cumul depuis le début de l'année : valeur provisoire par nature"


def _row(valeur: float | None, *, num: float | None = None, den: float | None = None,
         statut: str = "provisoire", motif: str | None = YTD, masque: bool = False) -> dict:
    return {"valeur": valeur, "numerateur": num if num is not None else valeur, "denominateur": den,
            "statut": statut, "motif_statut": motif, "valeur_masquee_source": masque}


def test_projection_flow_count_rate_and_stock() -> None:
    k = factor(contract_year(2025, date(2025, 1, 1)), date(2025, 6, 30))
    assert k == pytest.approx(365 / 181)
    ind = catalogue()
    assert project(ind["PREV_REUNIONS"], _row(4), k) == pytest.approx(4 * 365 / 181)
    # rate over a flow: both projected, the rate is unchanged
    assert project(ind["ADM_DIRECTE_MED_PART"], _row(40.0, num=40, den=100), k) == pytest.approx(40.0)
    # rate over the population (a stock): only the numerator is projected
    assert project(ind["URG_NON_HOSPIT_TAUX"], _row(10.0, num=10000, den=100000), k) == \
        pytest.approx(10000 * k / 100000 * 100)
    assert project(ind["MT_ALD_SANS"], _row(90), k) is None


def test_contract_year_starting_7_december() -> None:
    ca = contract_year(2025, date(2023, 12, 7))
    assert (ca.debut, ca.fin, days(ca)) == (date(2024, 12, 7), date(2025, 12, 6), 365)
    assert factor(ca, date(2025, 3, 6)) == pytest.approx(365 / 90)


def test_non_evaluable_cases() -> None:
    assert not assess(None).evaluable
    assert not assess(_row(None, masque=True)).evaluable
    assert not assess(_row(5, motif=f"{YTD} ; Établissement 420784878 : mois 2025-03 absent")).evaluable
    assert not assess(_row(None, statut="non_evaluable", motif="Source annuelle")).evaluable
    assert assess(_row(5)).evaluable
    annex = {"code_indicateur": "MT_ALD_SANS", "mission": 1, "sens": "≤", "seuil_socle": 219,
             "montant_socle": 3000, "seuil_intermediaire": 100, "montant_intermediaire": 6000,
             "seuil_objectif": 50, "montant_objectif": 9000}
    line, now, _ = indicator_line(annex, _row(None, masque=True), 2.0)
    assert (line["statut"], line["palier_atteint"], now.montant) == ("non_evaluable", "non_evaluable", 0)
    assert "masquée" in line["motif"]


@pytest.mark.parametrize(("valeur", "tier", "euros"), [
    (250, None, 0), (219, "socle", 3000), (150, "socle", 3000), (100, "intermediaire", 6000),
    (51, "intermediaire", 6000), (50, "objectif", 9000), (12, "objectif", 9000)])
def test_lower_is_better_real_contract(valeur: float, tier: str | None, euros: float) -> None:
    annex = {"code_indicateur": "MT_ALD_SANS", "mission": 1, "sens": "≤", "seuil_socle": 219,
             "montant_socle": 3000, "seuil_intermediaire": 100, "montant_intermediaire": 6000,
             "seuil_objectif": 50, "montant_objectif": 9000}
    line, now, _ = indicator_line(annex, _row(valeur), 2.0)
    assert (line["palier_atteint"], now.montant) == (tier, euros)


def test_mission_capped_at_variable_envelope() -> None:
    """The reader refuses such an annex; rows typed in the warehouse directly must still be capped."""
    tiers = {"sens": "≥", "seuil_socle": 1, "montant_socle": 20000, "seuil_intermediaire": None,
             "montant_intermediaire": None, "seuil_objectif": None, "montant_objectif": None}
    lines = [indicator_line({"code_indicateur": c, "mission": 3, **tiers}, _row(5), 2.0)
             for c in ("PREV_REUNIONS", "PREV_PARTICIPANTS")]
    env = [{"mission": None, "part_fixe": 75000, "part_variable": 0},
           {"mission": 3, "part_fixe": 17500, "part_variable": 17500}]
    mission, total = money_lines(lines, env)
    assert (mission["montant_acquis"], mission["montant_projete"]) == (17500, 17500)
    assert "plafonnée" in mission["motif"]
    assert total["montant_acquis"] == 75000 + 17500 + 17500


def test_size_classes_and_envelopes() -> None:
    assert [size_class(p) for p in (39999, 40000, 79999, 80000, 96334, 175000)] == [1, 2, 2, 3, 3, 4]
    t3 = {e.mission: (e.fixe, e.variable) for e in envelopes(3)}
    assert t3[None] == (75000, 0) and t3[1] == (90000, 35000) and t3[4] == (22500, 0)


def test_latest_annex_replaced_mid_year(engine: Engine) -> None:
    with engine.begin() as conn:
        for n, seuil in enumerate((200, 150)):
            cid = add_load(conn, "cpts", f"annexe-{n}.xlsx", datetime(2025, 3 + n * 3, 1))
            conn.execute(insert(annexe_parametres).values(
                chargement_id=cid, territoire="vallee-du-gier", annee=2025,
                debut_annee_contractuelle=date(2024, 12, 7), fin_annee_contractuelle=date(2025, 12, 6)))
            add_annex_indicator(conn, cid, "vallee-du-gier", 2025, 1, "MT_ALD_SANS", "≤", [(seuil, 3000)])
            add_envelope(conn, cid, "vallee-du-gier", 2025, 1, "Accès aux soins", 90000, 35000)
        indicators, envs = latest_annex(conn, "vallee-du-gier", 2025)
    assert [r["seuil_socle"] for r in indicators] == [150] and len(envs) == 1
