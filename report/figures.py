"""Published figures: secrecy (cpts.secrecy) applied, then what a cell and a chart may hold."""

from __future__ import annotations

from dataclasses import dataclass

from cpts.secrecy import BreakdownCell, publish, publish_breakdown, round_half_up
from warehouse.catalogue import Indicator

COUNT_FORMAT = "#,##0"  # Excel shows it as « 20 599 » in a French locale
RATE_FORMAT = "0.0"  # « 35,2 » in a French locale
MONEY_FORMAT = '#,##0" €"'


@dataclass(frozen=True)
class Figure:
    """One published value. `cell` is a number (rounded as displayed) or a text (`< 10`, `s`,
    `≥ n`); `chart` is the number a chart may plot, None when masked or not a plain number."""

    cell: float | str | None
    chart: float | None
    masked: bool
    number_format: str



def number_format(ind: Indicator) -> str:
    return RATE_FORMAT if ind.is_rate else COUNT_FORMAT


def rounded(value: float, rate: bool) -> float:
    """Half-up rounding as displayed; counts become ints so no decimal is ever written."""
    exact = round_half_up(value, 1 if rate else 0)
    return float(exact) if rate else int(exact)


def figure(ind: Indicator, row: dict | None, threshold: int) -> Figure:
    """The published figure of one indicator row (None row → empty cell)."""
    if row is None or (row.get("valeur") is None and not row.get("valeur_masquee_source")):
        return Figure(None, None, False, number_format(ind))
    rate = ind.is_rate
    shown = publish(row["valeur"], is_rate=rate, secret=ind.secret, threshold=threshold,
                    numerateur=row.get("numerateur"), denominateur=row.get("denominateur"),
                    lower_bound=bool(row.get("valeur_masquee_source")))
    if shown.masked or row.get("valeur_masquee_source"):
        # A lower bound (« ≥ n ») is text: plotting it as a value would present it as exact.
        return Figure(shown.text, None, shown.masked, number_format(ind))
    value = rounded(row["valeur"], rate)  # not None here: a source-masked None is masked above
    return Figure(value, value, False, number_format(ind))


def breakdown_figures(rows: list[dict], *, secret: bool, threshold: int) -> list[Figure]:
    """Cells of a breakdown (display order). A secret one goes through `publish_breakdown`
    (primary and secondary suppression); otherwise only cells masked at source stay masked."""
    cells = [BreakdownCell(r["valeur"], bool(r["masque_source"])) for r in rows]
    if secret:
        shown, _ = publish_breakdown(cells, threshold=threshold)
    else:
        shown = [publish(c.valeur, is_rate=False, secret=False, threshold=threshold,
                         lower_bound=c.masque_source) for c in cells]
    return [Figure(p.text, None, True, COUNT_FORMAT) if p.masked or c.valeur is None
            else Figure(rounded(c.valeur, False), rounded(c.valeur, False), False, COUNT_FORMAT)
            for c, p in zip(cells, shown, strict=True)]
