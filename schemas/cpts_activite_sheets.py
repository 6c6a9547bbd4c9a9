"""The five sheets of the CPTS activity workbook (exports.md §5a), described as data."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.workbook_labels import ACTION_TYPES, CRISE_ACTIONS, MODES_EXERCICE, PARCOURS, PROFESSIONS
from warehouse.tables.activite import (
    cpts_actions,
    cpts_adherents,
    cpts_crise,
    cpts_formations,
    cpts_parcours,
)


@dataclass(frozen=True)
class Col:
    key: str  # warehouse column
    label: str  # header as written in the workbook
    kind: str  # text, date, count, label, mission, commune
    required: bool = False  # value required in a row (else the row is rejected)
    accepted: list[str] = field(default_factory=list)  # kind=label: the reference list
    free_text: bool = False  # kind=label: other text allowed (stored as typed)
    column_optional: bool = False  # the column itself may be absent


@dataclass(frozen=True)
class SheetSpec:
    sheet: str
    table: str
    columns: list[Col]
    dated_in_year: bool = True  # rows dated outside the workbook's year are rejected


SHEETS = [
    SheetSpec("Adhérents", cpts_adherents.name, [
        Col("identifiant", "Identifiant", "text", required=True),
        Col("profession", "Profession", "label", required=True, accepted=PROFESSIONS),
        Col("mode_exercice", "Mode d'exercice", "label", accepted=MODES_EXERCICE),
        Col("commune", "Commune", "commune"),
        Col("date_adhesion", "Date d'adhésion", "date", required=True),
        Col("date_depart", "Date de départ", "date"),
    ], dated_in_year=False),
    SheetSpec("Actions", cpts_actions.name, [
        Col("date_action", "Date", "date", required=True),
        Col("mission", "Mission", "mission", required=True),
        Col("intitule", "Intitulé", "text"),
        Col("type_action", "Type", "label", required=True, accepted=ACTION_TYPES),
        Col("participants", "Participants", "count"),
        Col("professionnels", "Professionnels", "count"),
        Col("partenaires", "Partenaires", "text", column_optional=True),
    ]),
    SheetSpec("Parcours", cpts_parcours.name, [
        Col("date_parcours", "Date", "date", required=True),
        Col("parcours", "Parcours", "label", required=True, accepted=PARCOURS, free_text=True),
        Col("patients_inclus", "Patients inclus", "count"),
        Col("professionnels_impliques", "Professionnels impliqués", "count"),
    ]),
    SheetSpec("Formations", cpts_formations.name, [
        Col("date_formation", "Date", "date", required=True),
        Col("intitule", "Intitulé", "text", required=True),
        Col("professionnels_formes", "Professionnels formés", "count"),
    ]),
    SheetSpec("Crise", cpts_crise.name, [
        Col("date_crise", "Date", "date", required=True),
        Col("evenement", "Événement", "text"),
        Col("action", "Action", "label", required=True, accepted=CRISE_ACTIONS),
        Col("nombre", "Nombre", "count"),
        Col("personnes_reorientees", "Personnes réorientées", "count"),
    ]),
]
