"""CPTS_annexe_indicateurs_2024_vallee-du-gier.xlsx: the signed contract's indicator annex.

Taille-3 envelopes and tiers (indicators.md); MT_ALD_SANS carries the real contract's tiers.
"""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import Workbook

from generator import geo
from generator.context import CALIBRATED_TERRITORY, Ctx
from generator.xlsx import header_row, save
from warehouse.catalogue import MISSIONS

START = date(2023, 12, 7)
ENVELOPES = [("Fonctionnement", 75000, None), ("Accès aux soins", 90000, 35000),
             ("Parcours pluriprofessionnels", 45000, 45000), ("Prévention", 17500, 17500),
             ("Crise sanitaire", 22500, None), ("Qualité et pertinence", 15000, 15000),
             ("Accompagnement des professionnels", 10000, 10000)]
# (mission, code, label, initial value, direction, [(threshold, amount) × up to 3])
INDICATORS = [
    (1, "MT_ALD_SANS", "Patients en ALD sans médecin traitant", 219, "≤",
     [(219, 3000), (100, 6000), (50, 9000)]),
    (1, "MT_17P_SANS", "Patients de 17 ans et plus sans médecin traitant", 7182, "≤",
     [(7000, 3000), (6500, 6000), (6000, 9000)]),
    (1, "SAS_MEDECINS", "Médecins participant au SAS", 9, "≥",
     [(10, 2000), (12, 4000), (15, 6000)]),
    (1, "URG_NON_HOSPIT_TAUX", "Taux de passages aux urgences non suivis d'hospitalisation "
     "(pour 100 habitants)", 19.7, "≤", [(19.5, 1500), (19.0, 3000), (18.5, 5000)]),
    (1, "ADM_DIRECTE_MED_PART", "Part des admissions directes en hospitalisation de médecine (%)",
     35.2, "≥", [(36, 2000), (37, 4000), (38, 6000)]),
    (2, "PRADO_IC", "Inclusions PRADO insuffisance cardiaque", 50, "≥",
     [(55, 5000), (60, 10000), (70, 15000)]),
    (2, "PRADO_TOTAL", "Inclusions PRADO, tous volets", 1200, "≥",
     [(1250, 5000), (1300, 10000), (1400, 15000)]),
    (2, "PARCOURS_IC_INCLUS", "Patients inclus dans le parcours insuffisance cardiaque", 20, "≥",
     [(25, 5000), (30, 10000), (40, 15000)]),
    (3, "PREV_REUNIONS", "Réunions de travail prévention", 4, "≥",
     [(3, 1500), (4, 3000), (5, 4500)]),
    (3, "PREV_PARTICIPANTS", "Participants aux actions de prévention", 20, "≥",
     [(20, 2000), (30, 4000), (50, 6000)]),
    (3, "PREV_PARTENARIATS", "Nouveaux partenariats", 0, "≥", [(1, 1000), (2, 2000), (3, 3000)]),
    (3, "PREV_ACTIONS_PUBLIC", "Actions de prévention grand public", 1, "≥",
     [(1, 1000), (2, 2000), (4, 4000)]),
    (4, "CRISE_PLAN", "Plan de crise rédigé", 0, "≥", []),
    (5, "QUAL_PS_FORMES", "Professionnels formés", 10, "≥", [(10, 2500), (15, 5000), (20, 7500)]),
    (5, "QUAL_FORMATIONS", "Sessions de formation", 2, "≥", [(2, 2500), (3, 5000), (4, 7500)]),
    (6, "ACC_RENCONTRES", "Temps de rencontre entre professionnels", 2, "≥",
     [(2, 2000), (3, 4000), (4, 6000)]),
]
MISSIONS_BY_LABEL = {label: number for number, label in MISSIONS.items()}
HEADERS = ["Mission", "Code", "Libellé", "Valeur initiale", "Sens", "Seuil socle",
           "Montant socle (€)", "Seuil intermédiaire", "Montant intermédiaire (€)",
           "Seuil objectif", "Montant objectif (€)"]


def violations(indicators: list = INDICATORS, envelopes: list = ENVELOPES) -> list[str]:
    """The annex validation rules of exports.md §5b (empty list = valid)."""
    problems = []
    for _, code, _, _, sens, tiers in indicators:
        seuils = [t for t, _ in tiers]
        ordered = sorted(seuils, reverse=sens == "≤")
        if seuils != ordered or len(set(seuils)) != len(seuils):
            problems.append(f"{code} : seuils non monotones")
        if [a for _, a in tiers] != sorted({a for _, a in tiers}):
            problems.append(f"{code} : montants non croissants")
    variable = {MISSIONS_BY_LABEL.get(m, m): v or 0 for m, _, v in envelopes}
    for mission in MISSIONS:
        top = sum(t[-1][1] for m, *_, t in indicators if m == mission and t)
        if top > variable.get(mission, 0):
            problems.append(f"mission {mission} : plafonds au-delà de l'enveloppe variable")
    return problems


def write_annex(ctx: Ctx, indicators: list = INDICATORS) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Paramètres"
    for i, (key, value) in enumerate([("Territoire", geo.territory_label(CALIBRATED_TERRITORY)),
                                      ("Année", 2024), ("Début année contractuelle", START)],
                                     start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=value)
    env = wb.create_sheet("Enveloppes")
    header_row(env, 1, ["Mission", "Part fixe (€)", "Part variable (€)"])
    for i, row in enumerate(ENVELOPES, start=2):
        for j, value in enumerate(row, start=1):
            env.cell(row=i, column=j, value=value)
    ind = wb.create_sheet("Indicateurs")
    header_row(ind, 1, HEADERS)
    for i, (mission, code, label, initial, sens, tiers) in enumerate(indicators, start=2):
        sens_text = {"≥": ">=", "≤": "<="}[sens] if ctx.varies and i % 4 == 0 else sens
        values = [MISSIONS[mission], code, label, initial, sens_text]
        values += [v for tier in tiers for v in tier]
        for j, value in enumerate(values, start=1):
            ind.cell(row=i, column=j, value=value)
    path = ctx.path("cpts", f"CPTS_annexe_indicateurs_2024_{CALIBRATED_TERRITORY}.xlsx")
    save(wb, path, datetime(2024, 1, 15, 11, 0))
    ctx.record(path, "cpts_annexe", len(indicators))


def write_annexes(ctx: Ctx) -> None:
    """Only Vallée du Gier's 2024 contract year has an annex."""
    if CALIBRATED_TERRITORY in ctx.territoires and 2024 in ctx.annees:
        write_annex(ctx)  # its validity is checked by selfcheck before anything is written
