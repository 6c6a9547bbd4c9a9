"""CPAM « Patientèle MT » workbooks: quarterly, per territory, TOTAL row exact."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import Workbook

from generator import calibration, conventions, geo
from generator.context import Ctx
from generator.timeplan import apportion
from generator.xlsx import header_row, save, title_block

HEADERS = ["Code commune", "Commune", "Consommants 17 ans et +", "dont sans MT 17 ans et +",
           "Consommants 70 ans et +", "dont sans MT 70 ans et +", "Patients en ALD",
           "dont ALD sans MT", "Bénéficiaires C2S", "dont C2S sans MT"]
NOTE = "Les effectifs inférieurs à 5 sont masqués."
MASKS = ["<5", "< 5", "s", "NS"]
# Per inhabitant (columns not in the report), and "sans MT" share of C2S beneficiaries.
_RATES = {"conso17": 0.735, "conso70": 0.163, "ald": 0.205, "c2s": 0.082}
_C2S_SANS = 0.11
QUARTER_ENDS = [(3, 31), (6, 30), (9, 30), (12, 31)]


def _year_end(ctx: Ctx, territoire: str, annee: int) -> dict[str, int]:
    pop = geo.territory_population(territoire) * ctx.local_scale
    wobble = ctx.rng("cpam-fin", territoire, annee).uniform(0.99, 1.01, 4)
    values = {k: round(pop * r * w) for (k, r), w in zip(_RATES.items(), wobble, strict=True)}
    values["sans17"] = calibration.annual(ctx, territoire, annee, "MT_17P_SANS")
    values["sans70"] = calibration.annual(ctx, territoire, annee, "MT_70P_SANS")
    values["ald_sans"] = calibration.annual(ctx, territoire, annee, "MT_ALD_SANS")
    values["c2s_sans"] = round(values["c2s"] * _C2S_SANS * wobble[0])
    return values


def totals(ctx: Ctx, territoire: str, annee: int, quarter: int) -> dict[str, int]:
    """TOTAL row: the year-end value at Q4, a path from the previous year-end before."""
    end = _year_end(ctx, territoire, annee)
    if quarter == 4:
        return end
    start = _year_end(ctx, territoire, annee - 1)
    rng = ctx.rng("cpam-trimestre", territoire, annee, quarter)
    out = {}
    for key, value in end.items():
        v = round(start[key] + (value - start[key]) * quarter / 4 * rng.uniform(0.9, 1.1))
        out[key] = v + 1 if v == value else v  # another quarter, another figure
    return out


_ORDER = ["conso17", "sans17", "conso70", "sans70", "ald", "ald_sans", "c2s", "c2s_sans"]


def commune_rows(ctx: Ctx, territoire: str, total: dict[str, int], key: tuple) -> list[list]:
    """True commune values summing to TOTAL (masking happens when writing)."""
    communes = geo.territory_communes(territoire).sort("libelle")
    rng = ctx.rng("cpam-communes", territoire, *key)
    weights = communes["population"].to_numpy() * rng.lognormal(0, 0.12, communes.height)
    columns = [apportion(total[k], weights) for k in _ORDER]
    return [[code, name, *(int(c[i]) for c in columns)]
            for i, (code, name) in enumerate(communes.select("code_insee", "libelle").iter_rows())]


def _cell(value: int, mask: str):
    return mask if 1 <= value <= 4 else value


def write_patientele(ctx: Ctx, territoire: str, annee: int, quarter: int) -> None:
    month, day = QUARTER_ENDS[quarter - 1]
    situation = date(annee, month, day)
    total = totals(ctx, territoire, annee, quarter)
    rows = commune_rows(ctx, territoire, total, (annee, quarter))
    varies = ctx.varies
    mask = MASKS[quarter - 1] if varies else "<5"
    numeric_codes = varies and quarter in (2, 4)
    label = territoire if varies and quarter == 2 else geo.territory_label(territoire)
    real = conventions.cpam_titles(ctx, territoire, annee, quarter)  # `CPTS <label>`, `7 182`
    wb = Workbook()
    ws = wb.active
    ws.title = "Patientèle MT"
    title_block(ws, ["Assurance Maladie de la Loire",
                     f"Patientèle et médecin traitant — situation au {situation:%d/%m/%Y}",
                     label if real else f"Territoire : {label}"], len(HEADERS))
    header_row(ws, 5, HEADERS)
    for i, (code, name, *values) in enumerate(rows, start=6):
        ws.cell(row=i, column=1, value=int(code) if numeric_codes else code)
        ws.cell(row=i, column=2, value=name)
        for j, v in enumerate(values, start=3):
            cell = _cell(v, mask)
            ws.cell(row=i, column=j, value=conventions.spaced(cell, i + j) if real and isinstance(cell, int)
                    else cell)
    last = 6 + len(rows)
    ws.cell(row=last, column=1, value="TOTAL")
    for j, key in enumerate(_ORDER, start=3):
        ws.cell(row=last, column=j, value=conventions.spaced(total[key], j) if real else total[key])
    ws.cell(row=last + 2, column=1, value=NOTE)
    ws.cell(row=last + 3, column=1, value="Source : SNDS (DCIR), Assurance Maladie.")
    path = ctx.path("cpam", f"CPAM_patientele_MT_{situation:%Y%m%d}_{territoire}.xlsx")
    save(wb, path, datetime(annee, month, day, 18, 0) if month < 12
         else datetime(annee + 1, 1, 20, 9, 0))
    ctx.record(path, "cpam_patientele", len(rows) + 1)


def write_all_patientele(ctx: Ctx) -> None:
    for territoire in ctx.territoires:
        for annee in ctx.annees:
            for quarter in range(1, len(ctx.months(annee)) // 3 + 1):
                write_patientele(ctx, territoire, annee, quarter)

