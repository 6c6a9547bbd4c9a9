"""Statistical secrecy and French display of published values (indicators.md).

Every publisher (CLI, CSV, artifacts, Excel report) goes through this module: `publish` for one
value, `publish_breakdown` for the cells of a breakdown and its total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Published:
    text: str  # what is shown, e.g. "20 599", "35,2", "< 10", "s", "≥ 12"
    masked: bool


def round_half_up(value: float, digits: int) -> Decimal:
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def format_fr(value: float | None, is_rate: bool, lower_bound: bool = False) -> str:
    """`20 599` for counts, `35,2` for rates and densities; `≥ n` for a lower bound."""
    if value is None:
        return ""
    text = f"{round_half_up(value, 1):,.1f}" if is_rate else f"{round_half_up(value, 0):,.0f}"
    text = text.replace(",", " ").replace(".", ",")
    return f"≥ {text}" if lower_bound else text


def _small(x: float | None, threshold: int) -> bool:
    return x is not None and 0 < x < threshold


def publish(value: float | None, *, is_rate: bool, secret: bool, threshold: int = 10,
            numerateur: float | None = None, denominateur: float | None = None,
            lower_bound: bool = False) -> Published:
    """Apply secrecy: a count between 1 and threshold−1 → `< 10`; a rate whose value, numerator
    or denominator is small → `s`. 0 is shown. A value masked at source (None, lower_bound) stays
    masked; a total built over masked cells (lower_bound) is shown `≥ n`."""
    if value is None:
        return Published("s" if is_rate else f"< {threshold}", True) if lower_bound \
            else Published("", False)
    if secret:
        if is_rate and any(_small(x, threshold) for x in (numerateur, denominateur)):
            return Published("s", True)
        if not is_rate and _small(value, threshold):
            return Published(f"< {threshold}", True)
    return Published(format_fr(value, is_rate, lower_bound), False)


@dataclass(frozen=True)
class BreakdownCell:
    valeur: float | None  # None when masked at source
    masque_source: bool = False


def publish_breakdown(cells: list[BreakdownCell], *, threshold: int = 10,
                      total_shown: bool = True) -> tuple[list[Published], Published]:
    """Cells (in display order) and their total, with primary and secondary suppression.

    Primary: masked at source, or 1..threshold−1. Secondary: when exactly one cell is masked and the
    total is shown, the smallest other non-zero cell is masked too (ties: first in display order),
    so that no masked cell can be recovered by subtraction.
    """
    masked = [c.masque_source or _small(c.valeur, threshold) for c in cells]
    if total_shown and sum(masked) == 1:
        others = [(c.valeur, i) for i, c in enumerate(cells) if not masked[i] and c.valeur]
        if others:
            masked[min(others)[1]] = True
    shown = [Published(f"< {threshold}", True) if m else Published(format_fr(c.valeur or 0, False), False)
             for c, m in zip(cells, masked, strict=True)]
    return shown, publish_total(cells)


def publish_total(cells: list[BreakdownCell]) -> Published:
    """Masked-at-source cells are unknown, never 0: their total is a lower bound `≥ n`."""
    known = sum(c.valeur or 0 for c in cells)
    return Published(format_fr(known, False, lower_bound=any(c.masque_source for c in cells)), False)
