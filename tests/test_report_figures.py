"""Published figures of the report: what a cell and a chart may hold (secrecy via cpts.secrecy)."""

from __future__ import annotations

from report.figures import Figure, breakdown_figures, figure
from warehouse.catalogue import Indicator


def ind(unite: str, secret: bool = True) -> Indicator:
    return Indicator(code="X", libelle="X", mission=1, nature="stock", unite=unite, sens="≤",
                     secret=secret, versions=(2024,), sources=(), definition="", sql="",
                     echelle=100 if unite == "%" else None)


def test_counts_and_rates_rounded_half_up_as_displayed() -> None:
    assert figure(ind("patients"), {"valeur": 20598.5}, 10) == Figure(20599, 20599, False, "#,##0")
    rate = {"valeur": 35.25, "numerateur": 1879, "denominateur": 5331}
    assert figure(ind("%"), rate, 10) == Figure(35.3, 35.3, False, "0.0")


def test_masked_values_never_reach_the_chart() -> None:
    assert figure(ind("patients"), {"valeur": 7}, 10) == Figure("< 10", None, True, "#,##0")
    rate = {"valeur": 70.0, "numerateur": 7, "denominateur": 10}
    assert figure(ind("%"), rate, 10) == Figure("s", None, True, "0.0")
    assert figure(ind("patients", secret=False), {"valeur": 7}, 10).cell == 7


def test_lower_bound_is_text_not_plotted() -> None:
    fig = figure(ind("patients"), {"valeur": 120, "valeur_masquee_source": True}, 10)
    assert (fig.cell, fig.chart) == ("≥ 120", None)
    unknown = figure(ind("patients"), {"valeur": None, "valeur_masquee_source": True}, 10)
    assert (unknown.cell, unknown.chart, unknown.masked) == ("< 10", None, True)


def test_secret_breakdown_gets_secondary_suppression() -> None:
    rows = [{"valeur": v, "masque_source": False} for v in (14, 40, 3, 12)]
    cells = [f.cell for f in breakdown_figures(rows, secret=True, threshold=10)]
    assert cells == [14, 40, "< 10", "< 10"]  # 12 masked too: 3 is not recoverable from the total


def test_non_secret_breakdown_keeps_small_counts_but_source_masks() -> None:
    rows = [{"valeur": 1, "masque_source": False}, {"valeur": None, "masque_source": True}]
    assert [f.cell for f in breakdown_figures(rows, secret=False, threshold=10)] == [1, "< 10"]
