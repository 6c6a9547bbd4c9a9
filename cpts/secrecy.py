"""Statistical secrecy and French display of published values (indicators.md).

Every publisher (CLI, CSV, artifacts, Excel report) goes through `publish`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

RATE_UNITS = {"%", "pour 100 habitants", "pour 10 000 habitants"}


@dataclass(frozen=True)
class Published:
    text: str  # what is shown, e.g. "20 599", "35,2", "< 10", "s"
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
    or denominator is small → `s`. 0 is shown."""
    if value is None:
        return Published("", False)
    if secret:
        if is_rate and any(_small(x, threshold) for x in (numerateur, denominateur)):
            return Published("s", True)
        if not is_rate and _small(value, threshold):
            return Published(f"< {threshold}", True)
    return Published(format_fr(value, is_rate, lower_bound), False)
