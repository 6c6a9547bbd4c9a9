"""Sheet « Synthèse »: every indicator of the catalogue version, N-1 / N, status, tiers and money."""

from __future__ import annotations

from openpyxl import Workbook

from contract import tiers
from report.cells import BOLD, WRAP, header, printable, put, put_figure, title, widths
from report.figures import MONEY_FORMAT, number_format
from report.model import MISSIONS, Line, MissionBlock

HEADER_ROW = 4


def mission_title(mission: int | None) -> str:
    return f"Mission {mission} — {MISSIONS[mission]}" if mission else MISSIONS[None]


def write(wb: Workbook, blocks: list[MissionBlock], subtitle: str, annee: int, with_money: bool,
          envelopes: list[dict]) -> None:
    ws = wb.create_sheet("Synthèse")
    title(ws, "Rapport dialogue de gestion — synthèse", subtitle)
    labels = ["Code", "Indicateur", "Unité", str(annee - 1), str(annee), "Évolution", "Sens",
              "Évolution favorable", "Statut", "Motif du statut"]
    header(ws, HEADER_ROW, labels + (["Palier atteint", "Montant (€)"] if with_money else []))
    row = HEADER_ROW + 1
    for block in blocks:
        put(ws, row, 1, mission_title(block.mission), bold=True)
        row += 1
        for line in block.lines:
            _line(ws, row, line, with_money)
            row += 1
        if with_money and block.money is not None:
            row = _mission_total(ws, row, block.money)
        row += 1
    if with_money:
        _envelopes(ws, row + 1, blocks, envelopes)
    widths(ws, [24, 52, 12, 11, 11, 11, 6, 11, 13, 45, 15, 13])
    printable(ws, HEADER_ROW)


def _line(ws, row: int, line: Line, with_money: bool) -> None:
    put(ws, row, 1, line.ind.code)
    put(ws, row, 2, line.ind.libelle)
    put(ws, row, 3, line.ind.unite)
    put_figure(ws, row, 4, line.prev)
    put_figure(ws, row, 5, line.cur)
    put(ws, row, 6, line.evolution, number_format(line.ind))
    put(ws, row, 7, line.ind.sens or "")
    put(ws, row, 8, line.favorable)
    put(ws, row, 9, line.statut)
    put(ws, row, 10, line.motif or "")
    ws.cell(row=row, column=2).alignment = WRAP
    ws.cell(row=row, column=10).alignment = WRAP
    if with_money and line.earned is not None:
        put(ws, row, 11, tiers.tier_label(line.earned))
        put(ws, row, 12, line.earned.montant, MONEY_FORMAT)


def _mission_total(ws, row: int, money: tiers.MissionMoney) -> int:
    cap = f"plafonné à {money.envelope:,.0f} €".replace(",", " ") if money.envelope is not None else ""
    notes = [n for n in (cap, f"{money.non_evaluable} indicateur(s) non évaluable(s) compté(s) 0"
                         if money.non_evaluable else "") if n]
    put(ws, row, 2, "Part variable atteinte de la mission", bold=True)
    put(ws, row, 10, " ; ".join(notes))
    put(ws, row, 12, money.earned, MONEY_FORMAT)
    ws.cell(row=row, column=12).font = BOLD
    return row + 1


def _envelopes(ws, row: int, blocks: list[MissionBlock], envelopes: list[dict]) -> None:
    """Fixed parts (fonctionnement included) + variable earned, per mission, and the total."""
    put(ws, row, 1, "Financement du contrat", bold=True)
    header(ws, row + 1, ["Mission", "Libellé", "Part fixe (€)", "Part variable (€)",
                         "Variable atteint (€)", "Total (€)"])
    earned = {b.mission: b.money.earned for b in blocks if b.money is not None}
    row += 2
    total = 0.0
    for env in envelopes:
        variable = earned.get(env["mission"], 0.0) if env["mission"] is not None else 0.0
        subtotal = (env["part_fixe"] or 0.0) + variable
        total += subtotal
        put(ws, row, 1, str(env["mission"]) if env["mission"] else "")
        put(ws, row, 2, env["libelle"])
        for col, value in ((3, env["part_fixe"]), (4, env["part_variable"]), (5, variable),
                           (6, subtotal)):
            put(ws, row, col, value, MONEY_FORMAT)
        row += 1
    put(ws, row, 2, "Total du contrat", bold=True)
    put(ws, row, 6, total, MONEY_FORMAT)
    ws.cell(row=row, column=6).font = BOLD
