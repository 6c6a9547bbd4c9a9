"""December build, file side: the pre-filled annex `CPTS_annexe_indicateurs_<N>_<territoire>.xlsx`.

Read back by `schemas.cpts_annexe` once the coordinator has filled the tiers: headers and sheet names
are the reader's. Published to funders, so displayed values go through `cpts.secrecy.publish`.
No formulas; cells the coordinator must not change are locked (protection without password).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from contract.enveloppes import source
from contract.proposal import Baseline, Proposal
from cpts.atomic import atomic_path
from cpts.secrecy import Published, publish, round_half_up
from schemas.cpts_annexe import ENVELOPES, INDICATORS, TIER_COLUMNS
from schemas.workbook_labels import MISSIONS
from warehouse.catalogue import Indicator

OPEN = Protection(locked=False)
TO_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: the cells to negotiate
BOLD = Font(bold=True)
STATUTS = {"final": "Définitive", "provisoire": "Provisoire", "non_evaluable": "Non évaluable"}


def file_name(annee: int, territoire: str) -> str:
    return f"CPTS_annexe_indicateurs_{annee}_{territoire}.xlsx"


def write_annex(proposal: Proposal, folder: Path, threshold: int = 10) -> Path:
    book = Workbook()
    _parameters(book.active, proposal)
    _envelopes(book.create_sheet("Enveloppes"), proposal)
    _indicators(book.create_sheet("Indicateurs"), proposal, threshold)
    path = folder / file_name(proposal.annee, proposal.territoire)
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True  # no password: a guard against slips, not a security boundary
    ws.protection.formatRows = ws.protection.formatColumns = False


def _editable(ws: Worksheet, ref: str) -> None:
    for row in ws[ref if ":" in ref else f"{ref}:{ref}"]:  # a single cell comes back unwrapped
        for cell in row:
            cell.protection, cell.fill = OPEN, TO_FILL


def _parameters(ws: Worksheet, p: Proposal) -> None:
    ws.title = "Paramètres"
    ws.append(["Territoire", p.territoire])
    ws.append(["Année", p.annee])
    ws.append(["Début année contractuelle", p.debut])
    ws["B3"].number_format = "DD/MM/YYYY"
    ws.append([])
    ws.append(["Période de référence", f"{p.reference.debut:%d/%m/%Y} – {p.reference.fin:%d/%m/%Y}"])
    ws.append(["Population du territoire", _population(p)])
    if p.taille:  # here, not under the envelopes: the reader takes every row of that sheet as a mission
        ws.append(["Enveloppes", f"Montants de la taille {p.taille} : {source(p.taille)}. À vérifier "
                   "avec l'avenant en vigueur."])
    ws.append(["Proposition", "Paliers à compléter après la négociation avec la CPAM et l'ARS "
               "(cellules jaunes), puis déposer le fichier dans la boîte de dépôt, dossier cpts/."])
    _editable(ws, "B3")
    date_check = DataValidation(type="date", operator="greaterThan", formula1="1")
    date_check.error = "Saisir une date (JJ/MM/AAAA)."
    ws.add_data_validation(date_check)
    date_check.add("B3")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 28, 60
    _protect(ws)


def _population(p: Proposal) -> str:
    if p.population is None:
        return "inconnue (taille de CPTS non déterminée : enveloppes à saisir)"
    shown = publish(p.population, is_rate=False, secret=False).text
    return f"{shown} habitants (taille {p.taille})"


def _envelopes(ws: Worksheet, p: Proposal) -> None:
    ws.append(list(ENVELOPES.values()))
    for env in p.enveloppes:
        ws.append([env.libelle, env.fixe, env.variable])
    last = max(ws.max_row, 2)
    _editable(ws, f"B2:C{last}")
    _decimal(ws, f"B2:C{last}")
    for col, width in zip("ABC", (36, 16, 18), strict=True):
        ws.column_dimensions[col].width = width
    _protect(ws)


def _decimal(ws: Worksheet, ref: str) -> None:
    check = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    check.error, check.errorTitle = "Saisir un nombre positif ou nul.", "Valeur refusée"
    ws.add_data_validation(check)
    check.add(ref)


def _headers(p: Proposal) -> list[str]:
    before = [f"Valeur {period.label}" for period in p.precedentes]
    return [*INDICATORS.values(), "Statut de la valeur initiale", *before,
            "Médiane des autres territoires", *TIER_COLUMNS.values()]


def _indicators(ws: Worksheet, p: Proposal, threshold: int) -> None:
    headers = _headers(p)
    ws.append([f"Annexe indicateurs {p.annee} — proposition ; valeur initiale : période "
               f"{p.reference.debut:%d/%m/%Y} – {p.reference.fin:%d/%m/%Y}"])
    ws.append(headers)
    for cell in ws[2]:
        cell.font = BOLD
    for line in p.lignes:
        ws.append(_row(line, threshold))
    first_tier, last = headers.index("Seuil socle") + 1, ws.max_row
    if last >= 3:
        sens_col = ws.cell(3, headers.index("Sens") + 1).column_letter
        tiers = f"{ws.cell(3, first_tier).column_letter}3:{ws.cell(last, len(headers)).column_letter}{last}"
        _editable(ws, tiers)
        _decimal(ws, tiers)
        _editable(ws, f"{sens_col}3:{sens_col}{last}")
        sens = DataValidation(type="list", formula1='"≥,≤"', allow_blank=False)
        sens.error = "Choisir ≥ (plus haut = mieux) ou ≤ (plus bas = mieux)."
        ws.add_data_validation(sens)
        sens.add(f"{sens_col}3:{sens_col}{last}")
    ws.freeze_panes = "D3"
    for col, width in (("A", 30), ("B", 24), ("C", 50)):
        ws.column_dimensions[col].width = width
    _protect(ws)


def _row(line: Baseline, threshold: int) -> list:
    ind = line.indicator
    initiale, statut = _initial(line, threshold)
    before = [_shown(ind, r, threshold) for r in line.precedentes]
    mediane = _shown(ind, {"valeur": line.mediane, "numerateur": None, "denominateur": None,
                           "valeur_masquee_source": False}, threshold) if line.mediane is not None else None
    return [MISSIONS[ind.mission], ind.code, ind.libelle, initiale, ind.sens or "≥", statut,
            *before, mediane, *([None] * len(TIER_COLUMNS))]


def _published(ind: Indicator, row: dict, threshold: int) -> Published:
    return publish(row["valeur"], is_rate=ind.is_rate, secret=ind.secret, threshold=threshold,
                   numerateur=row["numerateur"], denominateur=row["denominateur"],
                   lower_bound=bool(row["valeur_masquee_source"]))


def _number(ind: Indicator, value: float) -> float:
    """The displayed (rounded half-up) value as a number, so the reader loads it back."""
    return float(round_half_up(value, 1 if ind.is_rate else 0))


def _shown(ind: Indicator, row: dict | None, threshold: int) -> float | str | None:
    if row is None or (row["valeur"] is None and not row["valeur_masquee_source"]):
        return None
    shown = _published(ind, row, threshold)
    return shown.text if shown.masked or row["valeur_masquee_source"] else _number(ind, row["valeur"])


def _initial(line: Baseline, threshold: int) -> tuple[float | None, str]:
    """(Valeur initiale, its status). A masked value leaves the number empty: the reader wants a number."""
    row, ind = line.initiale, line.indicator
    if row is None:
        return None, "Pas de donnée pour la période de référence"
    statut = STATUTS.get(row["statut"], row["statut"])
    if row["motif_statut"]:
        statut += f" : {row['motif_statut']}"
    if row["valeur"] is None:
        masked = " (masquée à la source)" if row["valeur_masquee_source"] else ""
        return None, f"{statut}{masked}"
    shown = _published(ind, row, threshold)
    if shown.masked:
        return None, f"{statut} ; secret statistique ({shown.text}) : valeur non publiée"
    return _number(ind, row["valeur"]), statut
