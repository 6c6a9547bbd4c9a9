"""« Indicateurs »: the report's lines (secrecy applied by report/), monthly trends, contract money."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from contract import tiers
from portal.svg import trend_svg
from report import data
from report.build import indicator_blocks
from report.figures import Figure, figure
from report.model import MissionBlock
from report.synthese import mission_title
from warehouse import reference
from warehouse.tables.contrat import contrat_suivi
from warehouse.tables.marts import indicateurs_resultats as res


def years(conn: Connection, territoire: str) -> list[int]:
    rows = conn.execute(select(res.c.periode).distinct().where(
        res.c.territoire == territoire, res.c.type_periode == "annee_civile"))
    return sorted((int(r[0]) for r in rows if r[0].isdigit()), reverse=True)


def cell_text(fig: Figure) -> str:
    """What the report's cell shows, in French number formatting."""
    if fig.cell is None:
        return ""
    if isinstance(fig.cell, str):
        return fig.cell
    if isinstance(fig.cell, int) or (float(fig.cell).is_integer() and "0.0" not in fig.number_format):
        return f"{int(fig.cell):,}".replace(",", " ")
    return f"{fig.cell:,.1f}".replace(",", " ").replace(".", ",")


def evolution_text(value: float | None, rate: bool) -> str:
    if value is None:
        return ""
    text = f"{value:+,.1f}" if rate else f"{int(value):+,}"
    return text.replace(",", " ").replace(".", ",")


@dataclass
class Chart:
    code: str
    libelle: str
    svg: str


@dataclass
class Page:
    territoire: str
    nom: str
    annee: int
    blocks: list[MissionBlock]
    charts: list[Chart] = field(default_factory=list)
    contract: list[dict] = field(default_factory=list)
    contract_date: object = None
    with_money: bool = False

    @staticmethod
    def title(block: MissionBlock) -> str:
        return mission_title(block.mission)


def monthly_series(conn: Connection, territoire: str, annee: int, block_lines, threshold: int
                   ) -> list[Chart]:
    """One chart per flow indicator with monthly values: N-1 and N, masked months as gaps."""
    cur = data.monthly_results(conn, territoire, annee)
    prev = data.monthly_results(conn, territoire, annee - 1)
    charts = []
    for line in block_lines:
        ind = line.ind
        if ind.nature != "flux" or not cur.get(ind.code):
            continue
        series = {}
        for label, rows in ((str(annee - 1), prev.get(ind.code, [])), (str(annee), cur[ind.code])):
            values: list[float | None] = [None] * 12
            for row in rows:
                values[int(row["periode"].rsplit("-", 1)[1]) - 1] = figure(ind, row, threshold).chart
            if label == str(annee) or any(v is not None for v in values):
                series[label] = values
        charts.append(Chart(ind.code, ind.libelle, trend_svg(f"{ind.libelle} — par mois", ind.unite,
                                                             series)))
    return charts


def contract_rows(conn: Connection, territoire: str, annee: int) -> tuple[list[dict], object]:
    """The latest night's tracking of the contract year ending in `annee` (tiers and money only:
    the exact cumulative value is not shown, it has not been through secrecy)."""
    last = conn.execute(select(func.max(contrat_suivi.c.date_calcul)).where(
        contrat_suivi.c.territoire == territoire, contrat_suivi.c.annee == annee)).scalar()
    if last is None:
        return [], None
    rows = conn.execute(select(contrat_suivi).where(
        contrat_suivi.c.territoire == territoire, contrat_suivi.c.annee == annee,
        contrat_suivi.c.date_calcul == last).order_by(contrat_suivi.c.id)).mappings()
    return [{**r, "palier_atteint_libelle": tier_text(r["palier_atteint"]),
             "palier_projete_libelle": tier_text(r["palier_projete"])} for r in rows], last


def tier_text(tier: str | None) -> str:
    if tier is None:
        return "Aucun palier"
    if tier == tiers.NON_EVALUABLE:
        return "Non évaluable"
    return tiers.TIER_LABELS.get(tier, tier)


def money_text(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f} €".replace(",", " ")


def build_page(conn: Connection, territoire: str, annee: int, threshold: int) -> Page:
    blocks, annex_rows, _ = indicator_blocks(conn, territoire, annee, threshold)
    lines = [ln for b in blocks for ln in b.lines]
    contract, when = contract_rows(conn, territoire, annee)
    return Page(territoire, reference.territory_names().get(territoire, territoire), annee, blocks,
                monthly_series(conn, territoire, annee, lines, threshold), contract, when,
                bool(annex_rows))
