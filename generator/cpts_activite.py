"""CPTS_activite_<AAAA>_<territoire>.xlsx: the coordinator's yearly activity workbook."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import Workbook

from generator import geo
from generator.context import Ctx
from generator.cpts_content import content
from generator.cpts_register import Member, register_as_of, timeline
from generator.typing_variants import day, mission, typed
from generator.xlsx import header_row, save

NOTES = ["à relancer", "voir compte rendu", "reporté une fois", "à compléter",
         "info transmise par mail"]


class _Sheet:
    """Appends rows with the coordinator's habits: empty rows, a notes column."""

    def __init__(self, wb: Workbook, ctx: Ctx, rng, title: str, headers: list[str]) -> None:
        self.ws, self.ctx, self.rng = wb.create_sheet(title), ctx, rng
        self.notes = ctx.varies
        header_row(self.ws, 1, headers + (["Remarques"] if self.notes else []))
        self.row, self.count = 1, 0

    def add(self, values: list) -> None:
        if self.rng.random() < self.ctx.rate(0.05):
            self.row += 1  # an empty row left in the middle
        self.row += 1
        self.count += 1
        note = NOTES[int(self.rng.integers(len(NOTES)))] if self.rng.random() < 0.15 else None
        for j, value in enumerate([*values, note] if self.notes else values, start=1):
            if value is not None:
                self.ws.cell(row=self.row, column=j, value=value)


def delivery_date(ctx: Ctx, annee: int) -> date:
    last = ctx.months(annee)[-1]
    return date(annee + 1, 1, 20) if last == 12 else date(annee, last + 1, 10)


def _parameters(wb: Workbook, territoire: str, annee: int, delivered: date) -> None:
    ws = wb.active
    ws.title = "Paramètres"
    rows = [("Territoire", geo.territory_label(territoire)), ("Année", annee),
            ("Transmis le", delivered.strftime("%d/%m/%Y"))]
    for i, (key, value) in enumerate(rows, start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=value)


def _commune(rng, code: str, rate: float) -> str:
    return code if rng.random() < rate else geo.commune_label(code)


def _members(sheet: _Sheet, members: list[Member]) -> None:
    rng, ctx = sheet.rng, sheet.ctx
    for m in members:
        ident = int(m.ident) if m.ident.isdigit() and rng.random() < ctx.rate(0.1) else m.ident
        sheet.add([ident, typed(rng, m.profession, ctx.rate(0.3)), m.mode,
                   _commune(rng, m.commune, ctx.rate(0.25)), day(rng, m.adhesion, ctx.rate(0.3)),
                   day(rng, m.depart, ctx.rate(0.3))])


def write_activity(ctx: Ctx, territoire: str, annee: int) -> None:
    rng = ctx.rng("activite", territoire, annee)
    data = content(territoire, annee, rng, ctx.months(annee))
    delivered = delivery_date(ctx, annee)
    wb = Workbook()
    _parameters(wb, territoire, annee, delivered)
    text_dates, labels, varies = ctx.rate(0.3), ctx.rate(0.3), ctx.varies
    sheets = {
        "Adhérents": ["Identifiant", "Profession", "Mode d'exercice", "Commune",
                      "Date d'adhésion", "Date de départ"],
        "Actions": ["Date", "Mission", "Intitulé", "Type", "Participants", "Professionnels",
                    "Partenaires"],
        "Parcours": ["Date", "Parcours", "Patients inclus", "Professionnels impliqués"],
        "Formations": ["Date", "Intitulé", "Professionnels formés"],
        "Crise": ["Date", "Événement", "Action", "Nombre", "Personnes réorientées"],
    }
    made = {name: _Sheet(wb, ctx, rng, name, headers) for name, headers in sheets.items()}
    _members(made["Adhérents"], register_as_of(timeline(ctx, territoire), delivered))
    for d, m, title, kind, reached, pros, partners in data["actions"]:
        made["Actions"].add([day(rng, d, text_dates), mission(rng, m, varies), title,
                             typed(rng, kind, labels), reached, pros, partners])
    for d, name, patients, pros in data["pathways"]:
        made["Parcours"].add([day(rng, d, text_dates), typed(rng, name, labels), patients, pros])
    for d, title, trained in data["trainings"]:
        made["Formations"].add([day(rng, d, text_dates), title, trained])
    for d, event, action, count, redirected in data["crises"]:
        made["Crise"].add([day(rng, d, text_dates), event, typed(rng, action, labels), count,
                           redirected])
    path = ctx.path("cpts", f"CPTS_activite_{annee}_{territoire}.xlsx")
    save(wb, path, datetime(delivered.year, delivered.month, delivered.day, 16, 30))
    ctx.record(path, "cpts_activite", sum(s.count for s in made.values()))


def write_all_activity(ctx: Ctx) -> None:
    for territoire in ctx.territoires:
        for annee in ctx.annees:
            write_activity(ctx, territoire, annee)

