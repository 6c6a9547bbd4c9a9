"""What the CPTS coordinator workbooks share: the `Paramètres` sheet (label in A, value in B)."""

from __future__ import annotations

from typing import Any

from cpts.labels import normalise_label
from schemas.base import FileRejected
from schemas.workbook_labels import resolve_territory
from schemas.xlsx_io import Sheet, text_of

PARAM_ROWS = 20


def param(params: Sheet, label: str, name: str) -> tuple[int, Any]:
    """(row, value in column B) of the parameter labelled `label` in column A; absent → rejected."""
    for row in range(1, PARAM_ROWS + 1):
        if normalise_label(text_of(params.value(row, 1))) == normalise_label(label):
            value = params.value(row, 2)
            if text_of(value) is None:
                raise FileRejected(f"{name} : {params.where(row, 2)} : valeur de « {label} » absente.")
            return row, value
    raise FileRejected(f"{name} : feuille {params.title} : paramètre « {label} » absent "
                       "(libellé attendu en colonne A, valeur en colonne B).")


def territory_of(params: Sheet, name: str, suffix: str | None) -> str:
    """`Territoire` (B1 in practice) resolved by label or code; a name suffix must agree."""
    row, value = param(params, "Territoire", name)
    label = text_of(value)
    code = resolve_territory(label)
    if code is None:
        raise FileRejected(f"{name} : {params.where(row, 2)} : territoire « {label} » inconnu ; il doit "
                           "correspondre à un territoire configuré (libellé ou code).")
    if suffix is not None and resolve_territory(suffix) != code:
        raise FileRejected(f"{name} : le territoire du nom de fichier (« {suffix} ») ne correspond "
                           f"pas à celui du classeur ({params.where(row, 2)} : « {label} »).")
    return code
