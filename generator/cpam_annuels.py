"""CPAM yearly workbooks: PRADO inclusions (monthly) and organised cancer screening."""

from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook

from generator import conventions, geo
from generator.context import Ctx
from generator.xlsx import header_row, save, title_block

# Monthly inclusions per 10,000 inhabitants.
PRADO_RATES = {"Maternité": 6.0, "Chirurgie": 2.6, "Insuffisance cardiaque": 0.45,
               "BPCO": 0.16, "AVC": 0.1, "Personnes âgées": 0.3}
# (label, target population per inhabitant, screened share)
SCREENINGS = [("Sein", 0.086, 0.49), ("Col de l'utérus", 0.13, 0.57),
              ("Colorectal", 0.27, 0.33)]


def _label(territoire: str) -> str:
    return f"Territoire : {geo.territory_label(territoire)}"


def write_prado(ctx: Ctx, territoire: str, annee: int) -> None:
    rng = ctx.rng("prado", territoire, annee)
    per10k = geo.territory_population(territoire) * ctx.local_scale / 10000
    wb = Workbook()
    ws = wb.active
    ws.title = "PRADO"
    lines = ["Assurance Maladie de la Loire", f"Inclusions PRADO — année {annee}",
             _label(territoire)]
    renamed = conventions.content_named_prado(ctx, territoire, annee)
    if ctx.varies and (annee % 2 or renamed):  # the header is not always on the same row
        lines.append("Source : service PRADO, CPAM de la Loire")
    title_block(ws, lines, 3)
    row = len(lines) + 2
    header_row(ws, row, ["Mois", "Volet", "Patients inclus"])
    count = 0
    for month in ctx.months(annee):
        for volet, rate in PRADO_RATES.items():
            row += 1
            cell = ws.cell(row=row, column=1, value=datetime(annee, month, 1))
            cell.number_format = "mmm yyyy"
            ws.cell(row=row, column=2, value=volet)
            ws.cell(row=row, column=3, value=int(rng.poisson(rate * per10k)))
            count += 1
    name = f"CPAM_PRADO_{annee}_{territoire}.xlsx"
    if renamed:  # a name matching no pattern: identified by its sheet and its months
        name = f"Inclusions PRADO {geo.territory_label(territoire)} {annee}.xlsx"
    path = ctx.path("cpam", name)
    save(wb, path, datetime(annee, ctx.months(annee)[-1], 28, 17, 0))
    ctx.record(path, "cpam_prado", count)


def write_depistage(ctx: Ctx, territoire: str, annee: int) -> None:
    rng = ctx.rng("depistage", territoire, annee)
    pop = geo.territory_population(territoire) * ctx.local_scale
    wb = Workbook()
    ws = wb.active
    ws.title = "Dépistage"
    title_block(ws, ["Assurance Maladie de la Loire",
                     f"Dépistages organisés des cancers — année {annee}",
                     _label(territoire)], 4)
    header_row(ws, 5, ["Dépistage", "Population cible", "Population dépistée", "Taux (%)"])
    comma = ctx.varies and territoire == ctx.territoires[0] and annee % 2 == 1
    for i, (name, per_head, share) in enumerate(SCREENINGS, start=6):
        target = round(pop * per_head * rng.uniform(0.97, 1.03))
        screened = round(target * share * rng.uniform(0.95, 1.05))
        rate = round(100 * screened / target, 1) if target else 0.0
        ws.cell(row=i, column=1, value=name)
        ws.cell(row=i, column=2, value=target)
        ws.cell(row=i, column=3, value=screened)
        ws.cell(row=i, column=4, value=f"{rate:.1f}".replace(".", ",") if comma else rate)
    path = ctx.path("cpam", f"CPAM_depistage_{annee}_{territoire}.xlsx")
    save(wb, path, datetime(annee + 1, 3, 2, 10, 0))
    ctx.record(path, "cpam_depistage", len(SCREENINGS))


def write_all_annual(ctx: Ctx) -> None:
    for territoire in ctx.territoires:
        for annee in ctx.annees:
            write_prado(ctx, territoire, annee)
            if len(ctx.months(annee)) == 12:  # screening rates are published for whole years
                write_depistage(ctx, territoire, annee)
