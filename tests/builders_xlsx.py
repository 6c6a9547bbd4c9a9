"""Small xlsx workbooks built by code for the tests (no committed blobs)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

MT_HEADER = ["Code commune", "Commune", "Consommants 17 ans et +", "dont sans MT 17 ans et +",
             "Consommants 70 ans et +", "dont sans MT 70 ans et +", "Patients en ALD",
             "dont ALD sans MT", "Bénéficiaires C2S", "dont C2S sans MT"]


def _sheet(book: Workbook, title: str, rows: list[list[Any]]) -> None:
    ws = book.create_sheet(title)
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows():
        for cell in cells:  # text typed by a person, never a formula (openpyxl would store one)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def save(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        _sheet(book, title, rows)
    book.save(path)
    return path


def cpam_title(subject: str, territoire: str = "CPTS Vallée du Gier") -> list[list[Any]]:
    return [["Assurance Maladie de la Loire"], [subject], [f"Territoire : {territoire}"], []]


def patientele_rows(situation: str = "31/12/2024", territoire: str = "CPTS Vallée du Gier",
                    communes: list[list[Any]] | None = None) -> list[list[Any]]:
    communes = communes if communes is not None else [
        [42207, "Saint-Chamond", 1200, 80, 300, 10, 250, 12, 90, "<5"],
        ["42110", "Genilac", 400, "< 5", 70, "s", 60, "NS", 20, 0],
    ]
    total = ["TOTAL", None, 1600, 85, 370, 12, 310, 14, 110, 3]
    title = cpam_title(f"Patientèle et médecin traitant — situation au {situation}", territoire)
    return [*title, MT_HEADER, *communes, total, [], ["Les effectifs inférieurs à 5 sont masqués."]]


def write_patientele(inbox: Path, stamp: str = "20241231", suffix: str = "", **kw: Any) -> Path:
    name = f"CPAM_patientele_MT_{stamp}{suffix}.xlsx"
    return save(inbox / "cpam" / name, {"Patientèle MT": patientele_rows(**kw)})


def write_prado(inbox: Path, year: int = 2024) -> Path:
    rows = [*cpam_title("Inclusions PRADO"), ["Mois", "Volet", "Patients inclus"],
            [date(year, 1, 1), "Maternité", 12], ["01/02/2024", "personnes agees", 3],
            [date(year, 2, 1), "Insuffisance cardiaque", 5]]
    return save(inbox / "cpam" / f"CPAM_PRADO_{year}_vallee-du-gier.xlsx", {"PRADO": rows})


def write_depistage(inbox: Path, year: int = 2024) -> Path:
    rows = [*cpam_title("Dépistage organisé"),
            ["Dépistage", "Population cible", "Population dépistée", "Taux (%)"],
            ["Sein", 4000, 2000, "50,0"], ["Col de l'utérus", 9000, 4500, 50.0],
            ["Colorectal", 10000, 3000, "35,2"]]
    return save(inbox / "cpam" / f"CPAM_depistage_{year}.xlsx", {"Dépistage": rows})


def activite_sheets(year: int = 2024, territoire: str = "CPTS Vallée du Gier") -> dict[str, list]:
    return {
        "Paramètres": [["Territoire", territoire], ["Année", year]],
        "Adhérents": [["Registre des adhérents"], [],
                      ["Identifiant", "Profession", "Mode d'exercice", "Commune", "Date d'adhésion",
                       "Date de départ", "Notes"],
                      ["10001234565", "Infirmières", "Libéral", 42207, date(2019, 5, 1), None, "x"],
                      ["INT-2", "Kiné", "salarie", "Genilac", "05/03/2024", None, None],
                      [None, None, None, None, None, None, None],
                      ["INT-3", "Infirmeir", "Mixte", 1001, date(2020, 1, 1), None, None]],
        "Actions": [["Date", "Mission", "Intitulé", "Type", "Participants", "Professionnels",
                     "Partenaires"],
                    [date(year, 3, 5), "3", "Journée diabète", "Stand d'information", 40, 3, None],
                    ["12/04/2024", "Mission 3", '=HYPERLINK("http://x","y")', "reunion de travail",
                     None, 8, "Mairie"],
                    [date(year, 5, 2), "3 - Prévention", "Vaccination", "Conférence grand public", 25,
                     2, None],
                    [date(year, 6, 1), "Prévention", "Marche", "Autre", 10, 1, None],
                    [date(year - 1, 12, 20), "1", "Ancienne", "Permanence", 1, 1, None]],
        "Parcours": [["Date", "Parcours", "Patients inclus", "Professionnels impliqués"],
                     [date(year, 2, 1), "insuffisance cardiaque", 4, 3],
                     [date(year, 2, 1), "Diabète de type 2", 2, None]],
        "Formations": [["Date", "Intitulé", "Professionnels formés"],
                       [date(year, 9, 9), "Plaies chroniques", 12]],
        "Crise": [["Date", "Événement", "Action", "Nombre", "Personnes réorientées"],
                  [date(year, 1, 10), "Épidémie de grippe", "Ligne telephonique", 1, 30]],
    }


def write_activite(inbox: Path, year: int = 2024, sheets: dict[str, list] | None = None,
                   name: str | None = None) -> Path:
    path = inbox / "cpts" / (name or f"CPTS_activite_{year}.xlsx")
    return save(path, sheets or activite_sheets(year))


TIER_HEADER = ["Mission", "Code", "Libellé", "Valeur initiale", "Sens", "Seuil socle",
               "Montant socle (€)", "Seuil intermédiaire", "Montant intermédiaire (€)",
               "Seuil objectif", "Montant objectif (€)"]


def annexe_sheets(indicators: list[list[Any]] | None = None) -> dict[str, list]:
    indicators = indicators if indicators is not None else [
        ["2", "ALD_SANS_MT", "Patients en ALD sans MT", 219, "<=", 219, 3000, 100, 6000, 50, 9000],
        ["Prévention", "DEP_SEIN", "Dépistage sein", 48.5, "≥", 50, 2000, 55, 4000, 60, 8000],
        ["Mission 1", "ACCES", "Accès", 10, ">=", None, None, None, None, None, None],
    ]
    return {
        "Paramètres": [["Territoire", "vallee-du-gier"], ["Année", 2025],
                       ["Début année contractuelle", "07/12/2024"]],
        "Enveloppes": [["Mission", "Part fixe (€)", "Part variable (€)"],
                       ["Fonctionnement", 75000, None], ["1 - Accès aux soins", 90000, 35000],
                       ["Parcours pluriprofessionnels", 45000, 45000], ["3", 17500, 17500],
                       ["Crise sanitaire", 22500, None]],
        "Indicateurs": [["Annexe indicateurs 2025"], TIER_HEADER, *indicators],
    }


def write_annexe(inbox: Path, indicators: list[list[Any]] | None = None) -> Path:
    path = inbox / "cpts" / "CPTS_annexe_indicateurs_2025.xlsx"
    return save(path, annexe_sheets(indicators))


def with_billion_laughs(path: Path) -> Path:
    """Rewrite the first sheet's XML with an entity-expansion DOCTYPE (kept tiny: 3 levels)."""
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;">]>')
    src = zipfile.ZipFile(path)
    parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    src.close()
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    body = xml[xml.index("?>") + 2:] if xml.startswith("<?xml") else xml
    parts[sheet] = (bomb + body).replace("<v>", "<v>&lol3;", 1).encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def truncate(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
