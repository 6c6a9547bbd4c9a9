"""Given exact values, when published, then statistical secrecy hides what must be hidden."""

from __future__ import annotations

from cpts.secrecy import BreakdownCell as C
from cpts.secrecy import publish, publish_breakdown


def test_small_count_rate_and_zero() -> None:
    assert publish(7, is_rate=False, secret=True).text == "< 10"
    assert publish(0, is_rate=False, secret=True).text == "0"
    assert publish(20599, is_rate=False, secret=True).text == "20 599"
    assert publish(30.0, is_rate=True, secret=True, numerateur=3, denominateur=10).text == "s"
    assert publish(1879 / 5338 * 100, is_rate=True, secret=True, numerateur=1879,
                   denominateur=5338).text == "35,2"
    assert publish(7, is_rate=False, secret=False).text == "7"
    assert publish(7, is_rate=False, secret=True, threshold=5).text == "7"


def test_secondary_suppression_masks_the_smallest_other_cell_first_in_order() -> None:
    cells, total = publish_breakdown([C(40), C(3), C(12), C(0), C(12)])
    assert [c.text for c in cells] == ["40", "< 10", "< 10", "0", "12"]
    assert total.text == "67"


def test_no_secondary_suppression_when_two_cells_are_already_masked() -> None:
    cells, _ = publish_breakdown([C(40), C(3), C(2)])
    assert [c.text for c in cells] == ["40", "< 10", "< 10"]


def test_total_over_cells_masked_at_source_is_a_lower_bound() -> None:
    cells, total = publish_breakdown([C(3000), C(None, masque_source=True), C(20)])
    assert [c.text for c in cells] == ["3 000", "< 10", "< 10"]
    assert total.text == "≥ 3 020"
    assert publish(None, is_rate=False, secret=True, lower_bound=True).text == "< 10"
