"""Tier and money rules (indicators.md), on hand-computed examples."""

from __future__ import annotations

import pytest

from contract.tiers import NON_EVALUABLE, Earned, Tier, earned, mission_money, tier_reached, tiers_from_annex

# Real taille-3 contract: patients en ALD sans MT (initial 219).
ALD = [Tier("socle", 219, 3000), Tier("intermediaire", 100, 6000), Tier("objectif", 50, 9000)]
UP = [Tier("socle", 35, 4000), Tier("intermediaire", 38, 8000), Tier("objectif", 40, 12000)]


@pytest.mark.parametrize(("value", "montant"), [
    (80, 6000), (219, 3000), (220, 0), (100, 6000), (50, 9000), (12, 9000), (150.5, 3000)])
def test_lower_is_better_real_contract(value: float, montant: float) -> None:
    assert earned(value, "≤", ALD).montant == montant


@pytest.mark.parametrize(("value", "tier"), [
    (34.99, None), (35, "socle"), (38.24, "intermediaire"), (40, "objectif"), (99, "objectif")])
def test_higher_is_better(value: float, tier: str | None) -> None:
    reached = tier_reached(value, "≥", UP)
    assert (reached.name if reached else None) == tier


def test_tiers_are_compared_on_exact_values() -> None:
    # 37.96 is displayed 38,0 but has not reached the 38 threshold.
    assert earned(37.96, "≥", UP).montant == 4000


@pytest.mark.parametrize("kwargs", [{"statut": "provisoire"}, {"masked_at_source": True}])
def test_provisional_or_masked_is_not_evaluable(kwargs: dict) -> None:
    assert earned(80, "≤", ALD, **kwargs) == Earned(NON_EVALUABLE, 0.0)
    assert earned(None, "≤", ALD) == Earned(NON_EVALUABLE, 0.0)


def test_mission_capped_at_variable_envelope() -> None:
    money = mission_money([Earned("intermediaire", 15000), Earned("socle", 5000),
                           Earned(NON_EVALUABLE, 0)], 17500)
    assert (money.earned, money.uncapped, money.capped, money.non_evaluable) == (17500, 20000, True, 1)
    assert mission_money([Earned("socle", 6000), Earned(None, 0)], 35000).earned == 6000


def test_tiers_from_annex_row_skips_missing_tiers() -> None:
    row = {"seuil_socle": 10, "montant_socle": 500, "seuil_intermediaire": None,
           "montant_intermediaire": None, "seuil_objectif": 20, "montant_objectif": 900}
    assert tiers_from_annex(row) == [Tier("socle", 10, 500), Tier("objectif", 20, 900)]
