"""Sheet « Méthode »: definitions, sources, catalogue version and the publication rules."""

from __future__ import annotations

from openpyxl import Workbook

from report.cells import WRAP, header, printable, put, title, widths
from report.model import MISSIONS
from warehouse.catalogue import Indicator

HEADER_ROW = 4


def rules(threshold: int) -> list[str]:
    return [
        "Secret statistique : pour un indicateur soumis au secret, une valeur (ou, pour un taux, son "
        f"numérateur ou son dénominateur) comprise entre 1 et {threshold - 1} est affichée « < {threshold} » "
        "(effectif) ou « s » (taux, secret statistique) ; 0 est affiché. Les valeurs masquées n'apparaissent "
        "nulle part dans ce classeur, ni dans les données des graphiques (cellule vide).",
        "Dans une ventilation, lorsqu'une seule cellule est masquée et que le total est affiché, une "
        "deuxième cellule est masquée, pour qu'aucune valeur ne puisse être retrouvée par soustraction.",
        "Les cellules masquées à la source par la CPAM (« <5 ») restent masquées et ne sont jamais comptées "
        "pour zéro : un total qui en contient est une borne inférieure, affichée « ≥ n ».",
        "L'évolution n'est pas affichée quand l'une des deux années est masquée.",
        "Arrondis : les valeurs sont conservées exactes dans l'entrepôt ; l'affichage arrondit "
        "au plus proche (demi vers le haut), à une décimale pour les taux et densités, "
        "à l'unité pour les effectifs.",
        "Statuts : « Définitif » ; « Provisoire » quand les données de la période sont incomplètes (le motif "
        "nomme ce qui manque) ; « Non évaluable » quand la valeur ne peut pas être calculée.",
        "Paliers (annexe du contrat) : pour un indicateur « ≥ », le palier le plus élevé dont le seuil est "
        "inférieur ou égal à la valeur ; pour « ≤ », le plus élevé dont le seuil est supérieur ou égal. Les "
        "paliers ne se cumulent pas. Une valeur absente, masquée à la source ou provisoire est « non "
        "évaluable » (comptée 0 et signalée). La part variable d'une mission est plafonnée à son enveloppe.",
    ]


def write(wb: Workbook, indicators: list[Indicator], annee: int, threshold: int) -> None:
    ws = wb.create_sheet("Méthode")
    title(ws, "Méthode", f"Catalogue des indicateurs, version {annee}")
    header(ws, HEADER_ROW, ["Code", "Indicateur", "Mission", "Nature", "Unité", "Sens",
                            "Secret statistique", "Sources", "Définition", "Version du catalogue"])
    row = HEADER_ROW + 1
    for ind in indicators:
        values = [ind.code, ind.libelle, MISSIONS[ind.mission], ind.nature, ind.unite, ind.sens or "",
                  "oui" if ind.secret else "non", ", ".join(ind.sources), ind.definition,
                  ", ".join(str(v) for v in ind.versions)]
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value)
            ws.cell(row=row, column=col).alignment = WRAP
        row += 1
    put(ws, row + 1, 1, "Règles de publication", bold=True)
    for i, text in enumerate(rules(threshold), start=row + 2):
        put(ws, i, 1, text)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=9)
        ws.cell(row=i, column=1).alignment = WRAP
        ws.row_dimensions[i].height = 45
    widths(ws, [24, 40, 20, 8, 12, 6, 10, 22, 70, 12])
    printable(ws, HEADER_ROW)
