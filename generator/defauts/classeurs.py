"""Defects in Excel workbooks (CPAM, CPTS coordinator)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from generator.context import CALIBRATED_TERRITORY as VDG
from generator.context import Ctx
from generator.cpam_annuels import write_depistage, write_prado
from generator.cpam_patientele import write_patientele
from generator.cpts_activite import write_activity
from generator.cpts_annexe import INDICATORS, violations, write_annex
from generator.defauts.common import Entry, mini_ctx, relative
from generator.defauts.zipbomb import write_bomb
from generator.xlsx import save

YEAR = 2024
WHEN = datetime(2025, 1, 20, 9, 0)
FORMULA = '=HYPERLINK("http://x","y")'
_LAUGHS = "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
).replace("&lol0;", "&lol;")
BOMB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<!DOCTYPE worksheet [<!ENTITY lol "lol">{_LAUGHS}]>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>").encode()


def _last(ctx: Ctx, kind: str) -> Path:
    return ctx.sortie / next(f.chemin for f in reversed(ctx.summary.fichiers) if f.type == kind)


def missing_sheet(ctx: Ctx, root: Path) -> list[Entry]:
    sub = mini_ctx(ctx, root, "feuille_absente")
    write_patientele(sub, VDG, YEAR, 3)
    companion = _last(sub, "cpam_patientele")
    write_patientele(sub, VDG, YEAR, 4)
    path = _last(sub, "cpam_patientele")
    wb = load_workbook(path)
    wb.active.title = "Feuil1"
    save(wb, path, WHEN)
    return [Entry(relative(path, root), "quarantaine", "feuille « Patientèle MT » absente",
                  "feuille_absente", cellule="Feuil1"),
            Entry(relative(companion, root), "charge", "fichier valide à côté du défaut",
                  "feuille_absente", lignes_chargees=28)]


def truncated(ctx: Ctx, root: Path) -> list[Entry]:
    sub = mini_ctx(ctx, root, "xlsx_tronque")
    write_activity(sub, VDG, YEAR)
    path = _last(sub, "cpts_activite")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 55 // 100])
    write_depistage(sub, VDG, YEAR)
    return [Entry(relative(path, root), "quarantaine", "classeur tronqué (zip incomplet)",
                  "xlsx_tronque"),
            Entry(relative(_last(sub, "cpam_depistage"), root), "charge",
                  "fichier valide à côté du défaut", "xlsx_tronque", lignes_chargees=3)]


def xml_bomb(ctx: Ctx, root: Path) -> list[Entry]:
    """A billion-laughs DOCTYPE in the worksheet part: defusedxml must refuse it."""
    sub = mini_ctx(ctx, root, "bombe_xml_xlsx")
    write_prado(sub, VDG, YEAR)
    path = _last(sub, "cpam_prado")
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = BOMB if item.filename == "xl/worksheets/sheet1.xml" else src.read(item)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=item.date_time), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(buffer.getvalue())
    write_depistage(sub, VDG, YEAR)
    return [Entry(relative(path, root), "quarantaine",
                  "entités XML imbriquées (billion laughs) dans xl/worksheets/sheet1.xml",
                  "bombe_xml_xlsx", cellule="PRADO!A1"),
            Entry(relative(_last(sub, "cpam_depistage"), root), "charge",
                  "fichier valide à côté du défaut", "bombe_xml_xlsx", lignes_chargees=3)]


def zip_bomb(ctx: Ctx, root: Path) -> list[Entry]:
    """A few hundred kB whose sheet part unpacks to 300 MB: refused from the zip directory."""
    sub = mini_ctx(ctx, root, "bombe_zip_xlsx")
    write_prado(sub, VDG, YEAR)
    path = _last(sub, "cpam_prado")
    template = path.with_suffix(".modele")
    path.rename(template)
    write_bomb(template, path, "xl/worksheets/sheet1.xml", 300_000_000)
    template.unlink()
    write_depistage(sub, VDG, YEAR)
    return [Entry(relative(path, root), "quarantaine",
                  "bombe zip : xl/worksheets/sheet1.xml fait 300 Mo une fois décompressée",
                  "bombe_zip_xlsx"),
            Entry(relative(_last(sub, "cpam_depistage"), root), "charge",
                  "fichier valide à côté du défaut", "bombe_zip_xlsx", lignes_chargees=3)]


def formula_text(ctx: Ctx, root: Path) -> list[Entry]:
    sub = mini_ctx(ctx, root, "formule_texte")
    write_activity(sub, VDG, YEAR)
    path = _last(sub, "cpts_activite")
    wb = load_workbook(path)
    cell = wb["Actions"]["C3"]
    cell.value = FORMULA
    cell.data_type = "s"  # typed by the coordinator as text: must stay inert text
    save(wb, path, WHEN)
    return [Entry(relative(path, root), "charge",
                  "formule saisie comme texte : conservée telle quelle, jamais évaluée",
                  "formule_texte", cellule="Actions!C3", colonne="Intitulé")]


def non_monotonic(ctx: Ctx, root: Path) -> list[Entry]:
    sub = mini_ctx(ctx, root, "annexe_seuils_non_monotones")
    rows = [r if r[1] != "SAS_MEDECINS" else (*r[:5], [(10, 2000), (15, 4000), (12, 6000)])
            for r in INDICATORS]
    assert violations(rows)
    write_annex(sub, rows)
    line = 2 + next(i for i, r in enumerate(rows) if r[1] == "SAS_MEDECINS")
    return [Entry(relative(_last(sub, "cpts_annexe"), root), "quarantaine",
                  "seuils non monotones pour un indicateur « ≥ » (SAS_MEDECINS)",
                  "annexe_seuils_non_monotones", lignes=[line], colonne="Seuil objectif",
                  cellule=f"Indicateurs!J{line}")]
