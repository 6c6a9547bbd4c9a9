"""Contract years from an anniversary (contract year N is the one that ends in year N)."""

from __future__ import annotations

from datetime import date, timedelta

from warehouse.periods import Period


def _on(year: int, anniversary: date) -> date:
    """The anniversary in `year` (29 February falls back to the 28th)."""
    day = min(anniversary.day, 28) if anniversary.month == 2 else anniversary.day
    return date(year, anniversary.month, day)


def contract_year(annee: int, anniversary: date) -> Period:
    """The contract year starting on the anniversary's day/month and ending in `annee`."""
    debut = _on(annee - 1, anniversary)
    fin = _on(annee, anniversary) - timedelta(days=1)
    if fin.year != annee:  # a 1 January anniversary: the contract year is the calendar year
        debut, fin = _on(annee, anniversary), _on(annee + 1, anniversary) - timedelta(days=1)
    return Period.contract_year(annee, debut, fin)


def days(period: Period) -> int:
    return (period.fin - period.debut).days + 1
