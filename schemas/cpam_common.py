"""What the three CPAM workbooks share: the `Territoire :` title row and the scope deletes."""

from __future__ import annotations

import re

from schemas.base import Anomaly, FileRejected
from schemas.workbook_labels import resolve_territory
from schemas.xlsx_io import Sheet, text_of
from schemas.xlsx_io import Table as SheetTable

_TERRITOIRE = re.compile(r"^\s*territoire\s*:?\s*(.*)$", re.IGNORECASE)
_CPTS_TITLE = re.compile(r"^\s*CPTS\s+\S", re.IGNORECASE)  # real title rows: `CPTS <label>` alone
NAME_SUFFIX = r"(?:_(?P<territoire>[A-Za-z0-9-]+))?"
# A count typed as text with spaces, non-breaking or narrow no-break spaces between digit groups.
_SPACED_THOUSANDS = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})+$")


def title_cells(sheet: Sheet, header_row: int) -> list[tuple[int, int, str]]:
    """(row, column, text) of every non-empty cell above the header row."""
    out = []
    for r, row in enumerate(sheet.rows[: header_row - 1], start=1):
        out += [(r, c, t) for c, v in enumerate(row, start=1) if (t := text_of(v))]
    return out


def territory_from_title(sheet: Sheet, header_row: int, name: str,
                         suffix: str | None) -> tuple[str, list[Anomaly]]:
    """The `Territoire : <label or code>` title row resolved (or, as real producers write it, a
    `CPTS <label>` title naming a configured territory: an anomaly); the name's suffix must agree."""
    cells = title_cells(sheet, header_row)
    if not any(_TERRITOIRE.match(text) for _, _, text in cells):
        for r, c, text in cells:
            code = resolve_territory(text) if _CPTS_TITLE.match(text) else None
            if code is not None:
                anomaly = Anomaly(sheet.where(r, c)[:80], "titre_sans_territoire", 1, "CPTS <libellé>")
                return _agree(code, suffix, name, sheet.where(r, c)), [anomaly]
    for r, c, text in cells:
        found = _TERRITOIRE.match(text)
        if not found:
            continue
        label = found.group(1) or _right_of(sheet, r, c)
        code = resolve_territory(label)
        if code is None:
            raise FileRejected(
                f"{name} : {sheet.where(r, c)} : territoire « {label} » inconnu ; il doit "
                "correspondre à un territoire configuré (libellé ou code)."
            )
        return _agree(code, suffix, name, sheet.where(r, c)), []
    raise FileRejected(
        f"{name} : feuille {sheet.title} : ligne de titre « Territoire : … » absente au-dessus de "
        f"l'en-tête (ligne {header_row}) ; le territoire ne peut pas être déterminé."
    )


def spaced_thousands(table: SheetTable, labels: dict[str, str]) -> list[Anomaly]:
    """Counts typed as text with spaces as thousands separators (`7 182`): read as numbers, and
    noted per column (count and first cell, never the value)."""
    cells: dict[str, list[str]] = {}
    for number, raw in table.rows():
        for key, label in labels.items():
            value = raw.get(key)
            if isinstance(value, str) and _SPACED_THOUSANDS.match(value.strip()):
                cells.setdefault(label, []).append(table.where(number, key))
    return [Anomaly(label, "milliers_espaces", len(found), found[0][:120])
            for label, found in cells.items()]


def _right_of(sheet: Sheet, row: int, col: int) -> str | None:
    return text_of(sheet.value(row, col + 1))


def _agree(code: str, suffix: str | None, name: str, where: str) -> str:
    if suffix is None:
        return code
    from_name = resolve_territory(suffix)
    if from_name != code:
        raise FileRejected(
            f"{name} : le territoire du nom de fichier (« {suffix} ») ne correspond pas à celui "
            f"du classeur ({where} : « {code} »)."
        )
    return code

