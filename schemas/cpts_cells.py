"""Typed values of coordinator workbook cells; a problem becomes a French reason."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from cpts.labels import normalise_commune_name
from cpts.residence import resolver
from schemas.cpts_activite_sheets import Col
from schemas.workbook_labels import MISSION_LABELS, accepted_list, match_label, mission_of
from schemas.xlsx_io import code_of, date_of, int_of, text_of
from warehouse import reference


class CellProblem(Exception):
    """The reason a cell cannot be read (French, shown with the sheet and cell)."""


def typed(col: Col, value: Any) -> Any:
    """The value to store for a cell of column `col`; raises CellProblem."""
    text = text_of(value)
    if text is None:
        if col.required:
            raise CellProblem("valeur obligatoire absente")
        return 0 if col.kind == "count" else None
    return _READERS[col.kind](col, value, text)


def _text(_col: Col, _value: Any, text: str) -> str:
    return text  # kept verbatim, even `=HYPERLINK(...)`: inert text, escaped by the report


def _date(_col: Col, value: Any, text: str) -> date:
    parsed = date_of(value)
    if parsed is None:
        raise CellProblem(f"date illisible « {text[:30]} » (attendu JJ/MM/AAAA)")
    return parsed


def _count(_col: Col, value: Any, text: str) -> int:
    number = int_of(value)
    if number is None:
        raise CellProblem(f"nombre entier positif attendu, lu « {text[:30]} »")
    return number


def _label(col: Col, _value: Any, text: str) -> str:
    label = match_label(text, col.accepted)
    if label is not None:
        return label
    if col.free_text:
        return text
    raise CellProblem(f"libellé « {text[:60]} » non reconnu ; libellés acceptés : "
                      f"{accepted_list(col.accepted)}")


def _mission(_col: Col, _value: Any, text: str) -> int:
    mission = mission_of(text)
    if mission is None:
        raise CellProblem(f"mission « {text[:60]} » non reconnue ; missions acceptées (numéro ou "
                          f"libellé) : {MISSION_LABELS}")
    return mission


def _commune(_col: Col, value: Any, text: str) -> str | None:
    """An INSEE code (numeric cells re-padded) or a commune name of the configured territories."""
    code = resolver().commune_from_insee(code_of(value, 5))
    return code or communes_by_name().get(normalise_commune_name(text))


@cache
def communes_by_name() -> dict[str, str]:
    """Names of the configured territories' communes; a bare name is ambiguous nationally."""
    codes = set(reference.territories()["code_insee"].drop_nulls().to_list())
    communes = reference.communes()
    return {normalise_commune_name(name): code
            for code, name in zip(communes["code_insee"], communes["libelle"], strict=True)
            if code in codes}


_READERS = {"text": _text, "date": _date, "count": _count, "label": _label, "mission": _mission,
            "commune": _commune}
