"""Tolerant reading of xlsx workbooks made for people: sheets, header rows, cells, references.

Workbooks are small, so every sheet is read once into memory as plain Python values, within the
limits checked first (`schemas.screening`: parts' sizes and ratios; here: rows and columns, whatever
the dimension a sheet declares). Cell values are never evaluated: a text starting with `=` stays
text (the report escapes it on output); a formula gives the value Excel cached, noted as an anomaly.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from cpts.config import Limits
from cpts.dates import datetime_of
from cpts.labels import normalise_label
from cpts.nir import contains_nir, redact
from schemas.base import Anomaly, FileRejected, Reject
from schemas.csv_io import MISSING
from schemas.screening import nir_refusal, scan_parts, screen_workbook

_TEXT_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
_NIR_HEADERS = {"nir", "num secu", "numero securite sociale", "numero de securite sociale"}
HEADER_SCAN_ROWS = 30
MAX_COUNT = 10**12  # beyond, a "count" is a typing error (and would overflow a 64-bit column)


def ref(row: int, col: int) -> str:
    """A1-style reference of a 1-based (row, column) cell."""
    return f"{column_letter(col)}{row}"


def column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter  # lazy: openpyxl only where workbooks are read

    return get_column_letter(col)


@dataclass
class Sheet:
    title: str
    rows: list[list[Any]]  # rows[0] is sheet row 1

    def value(self, row: int, col: int) -> Any:
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return None

    def where(self, row: int, col: int) -> str:
        return f"feuille {self.title}, cellule {ref(row, col)}"


@dataclass
class Workbook:
    name: str
    sheets: dict[str, Sheet] = field(default_factory=dict)
    formulas: list[str] = field(default_factory=list)  # `Feuille!B3` of cells holding a formula

    def formula_anomalies(self) -> list[Anomaly]:
        """Formula cells: their cached value was used (what the coordinator saw), noted once."""
        if not self.formulas:
            return []
        return [Anomaly(", ".join(self.formulas)[:80], "formule_valeur_calculee", len(self.formulas),
                        self.formulas[0][:120])]

    def sheet(self, expected: str) -> Sheet:
        """The sheet whose normalised name is the expected one; missing → file rejected."""
        wanted = normalise_label(expected)
        for title, sheet in self.sheets.items():
            if normalise_label(title) == wanted:
                return sheet
        found = ", ".join(f"« {t} »" for t in self.sheets) or "aucune"
        raise FileRejected(
            f"{self.name} : feuille « {expected} » absente ; feuilles trouvées : {found}."
        )


def load(path: Path, name: str, limits: Limits | None = None) -> Workbook:
    """Every sheet's values; unreadable, truncated, oversized or dangerous files are rejected."""
    limits = limits or Limits()
    screen_workbook(path, name, limits)
    sheets = _read_sheets(path, name, limits, data_only=True)
    workbook = Workbook(name, sheets)
    refuse_nir(workbook)
    try:
        nir_part, has_formulas = scan_parts(path)
    except Exception as exc:  # a part openpyxl did not need is corrupt (zip, deflate, CRC)
        raise _rejection(exc, name) from None
    if nir_part:
        raise nir_refusal(name, f"partie « {nir_part} » du classeur (propriétés, commentaires ou noms)")
    if has_formulas:
        workbook.formulas = formula_cells(workbook, _read_sheets(path, name, limits, data_only=False))
    return workbook


def _read_sheets(path: Path, name: str, limits: Limits, data_only: bool) -> dict[str, Sheet]:
    try:
        import openpyxl  # lazy: a process reading CSV files never pays for it

        book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
        try:
            return {ws.title: Sheet(ws.title, _rows(ws, name, limits)) for ws in book.worksheets}
        finally:
            book.close()
    except FileRejected:
        raise
    except Exception as exc:  # openpyxl wraps parser errors (zip, XML, defusedxml) in ValueError
        raise _rejection(exc, name) from None


def _rows(ws: Any, name: str, limits: Limits) -> list[list[Any]]:
    """A sheet's rows, trailing empty cells dropped; the declared dimension is ignored (it may
    claim a million rows), rows and columns beyond the limits refuse the file."""
    ws.reset_dimensions()
    rows: list[list[Any]] = []
    for number, row in enumerate(ws.iter_rows(values_only=True, max_col=limits.xlsx_max_columns + 1),
                                 start=1):
        if number > limits.xlsx_max_rows:
            raise FileRejected(
                f"{name} : feuille {redact(ws.title)} : plus de {limits.xlsx_max_rows} lignes (limite "
                "CPTS_LIMITS__XLSX_MAX_ROWS) ; fichier refusé sans être chargé.")
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if len(values) > limits.xlsx_max_columns:
            raise FileRejected(
                f"{name} : feuille {redact(ws.title)}, ligne {number} : une cellule au-delà de la colonne "
                f"{column_letter(limits.xlsx_max_columns)} (limite CPTS_LIMITS__XLSX_MAX_COLUMNS) ; "
                "fichier refusé sans être chargé.")
        rows.append(values)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def formula_cells(cached: Workbook, formulas: dict[str, Sheet]) -> list[str]:
    """`Feuille!B3` of every formula cell; one without a value cached by Excel refuses the file.

    `formulas` holds the same sheets read without cached values: a formula reads `=…` there and
    differs from its cached value (a text typed as `=…` reads the same in both)."""
    found = []
    for title, sheet in formulas.items():
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if not (isinstance(value, str) and value.startswith("=")):
                    continue
                seen = cached.sheets[title].value(r, c)
                if seen == value:
                    continue
                if seen is None:
                    raise FileRejected(
                        f"{cached.name} : {sheet.where(r, c)} : formule sans valeur calculée (le classeur "
                        "n'a pas été recalculé par Excel) ; ouvrez-le dans Excel, enregistrez-le puis "
                        "déposez-le à nouveau. La formule n'est ni évaluée ni conservée.")
                found.append(f"{title}!{ref(r, c)}")
    return found


def _rejection(exc: BaseException, name: str) -> FileRejected:
    """French reason for an unreadable workbook; entity tricks are named as such."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return FileRejected(
                f"{name} : classeur refusé, il contient des entités XML interdites (fichier "
                "potentiellement malveillant) ; demandez un nouvel export."
            )
        cause = cause.__cause__ or cause.__context__
    broken = isinstance(exc, zipfile.BadZipFile | EOFError | zlib.error)
    kind = "fichier tronqué, corrompu ou non xlsx" if broken else exc.__class__.__name__
    return FileRejected(f"{name} : classeur Excel illisible ({kind}) ; demandez un nouvel envoi.")


def refuse_nir(workbook: Workbook) -> None:
    """A NIR in a sheet name or any cell, whole or inside a text (or a NIR column), condemns the
    file; the message never shows the value."""
    for sheet in workbook.sheets.values():
        if contains_nir(sheet.title):
            raise nir_refusal(workbook.name, "nom d'une feuille")
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                text = text_of(value)
                if text is None:
                    continue
                if normalise_label(text) in _NIR_HEADERS:
                    raise FileRejected(
                        f"{workbook.name} : {sheet.where(r, c)} : colonne « {text} » interdite "
                        "(numéro de sécurité sociale) ; le fichier est refusé sans être chargé."
                    )
                if contains_nir(text):
                    raise nir_refusal(workbook.name, sheet.where(r, c))


def text_of(value: Any) -> str | None:
    """A cell as trimmed text; integral numbers without `.0`; missing markers → None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}"
    text = str(value).strip()
    return None if text in MISSING else text


def code_of(value: Any, width: int) -> str | None:
    """A code cell: numeric cells lose their leading zeros in Excel, so re-pad them."""
    text = text_of(value)
    if text is None:
        return None
    return text.zfill(width) if text.isdigit() else text.upper()


def date_of(value: Any) -> date | None:
    """Excel date, Excel serial number or text date (`05/03/2024`); None if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 200_000:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = text_of(value)
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return datetime.strptime(text or "", fmt).date()
        except ValueError:
            continue
    parsed = datetime_of(text)  # ISO 8601 date-time typed as text (offset, fraction, `Z`)
    return parsed.date() if parsed else None


def number_of(value: Any) -> float | None:
    """A numeric cell, or text with a decimal comma or point; None if not a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = text_of(value)
    if text is None:
        return None
    try:
        return float(text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def int_of(value: Any) -> int | None:
    """A whole, non-negative count; None if not one."""
    number = number_of(value)
    if number is None or not number.is_integer() or not 0 <= number <= MAX_COUNT:
        return None
    return int(number)


def is_empty_row(row: list[Any]) -> bool:
    return all(text_of(v) is None for v in row)


@dataclass
class Table:
    """A table found in a sheet: header row, column positions by canonical name, data rows."""

    sheet: Sheet
    header_row: int
    columns: dict[str, int]  # canonical column name → 1-based column
    extra: list[str]

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(sheet row number, {column: raw value}) for each non-empty row under the header."""
        out = []
        for number in range(self.header_row + 1, len(self.sheet.rows) + 1):
            raw = self.sheet.rows[number - 1]
            if is_empty_row(raw):
                continue
            out.append((number, {k: self.sheet.value(number, c) for k, c in self.columns.items()}))
        return out

    def where(self, row: int, column: str) -> str:
        return self.sheet.where(row, self.columns[column])

    def cell(self, row: int, column: str) -> str:
        return ref(row, self.columns[column])

    def reject(self, row: int, column: str, label: str, motif: str) -> Reject:
        """A row reject naming sheet, cell and column (coordinators fix it from the message)."""
        return Reject(row, label, f"{self.where(row, column)}, colonne « {label} » : {motif}",
                      self.sheet.title, self.cell(row, column))


def find_table(sheet: Sheet, name: str, required: dict[str, str],
               optional: dict[str, str] | None = None) -> Table:
    """Locate the header row holding every required label (title rows and notes may surround it).

    `required`/`optional` map a canonical column name to the header label as the spec writes it.
    """
    optional = optional or {}
    wanted = {normalise_label(label): key for key, label in (required | optional).items()}
    best: tuple[int, int, dict[str, int]] = (0, 0, {})
    for number, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS], start=1):
        found = {}
        for col, value in enumerate(row, start=1):
            key = wanted.get(normalise_label(text_of(value)))
            if key and key not in found:
                found[key] = col
        hits = sum(1 for k in required if k in found)
        if hits == len(required):
            extra = [t for t in (text_of(v) for v in row) if t and normalise_label(t) not in wanted]
            return Table(sheet, number, found, extra)
        if hits > best[1]:
            best = (number, hits, found)
    missing = [label for key, label in required.items() if key not in best[2]]
    where = f"ligne d'en-tête {best[0]}" if best[0] else "aucune ligne d'en-tête reconnue"
    raise FileRejected(
        f"{name} : feuille {sheet.title}, {where} : colonne obligatoire absente « {missing[0]} ». "
        f"Colonnes attendues : {', '.join(required.values())}."
    )
