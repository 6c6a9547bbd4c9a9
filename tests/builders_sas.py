"""SAS platform exports built by code for the tests."""

from __future__ import annotations

import uuid
from pathlib import Path

from cpts.identifiers import luhn_key

EFFECTEURS = ["id_nat_ps", "profession_code", "specialite_code", "commune_exercice", "participation_sas",
              "participation_via", "deux_heures_declarees", "date_debut_participation",
              "date_fin_participation"]
CRENEAUX = ["creneau_id", "id_nat_ps", "debut", "fin", "type_creneau", "type_consultation"]
RDV = ["rdv_id", "cree_le", "debut", "fin", "statut", "id_nat_ps", "categorie_orientation",
       "type_consultation", "patient_commune", "patient_tranche_age"]


def rpps(i: int) -> str:
    body = f"1{i:09d}"
    return body + luhn_key(body)


def id_nat(i: int) -> str:
    return "8" + rpps(i)


def rdv_uuid(i: int) -> str:
    return str(uuid.UUID(int=i))


def effecteur(i: int, **extra: str) -> dict[str, str]:
    row = {"id_nat_ps": id_nat(i), "profession_code": "10", "specialite_code": "SM54",
           "commune_exercice": "42207", "participation_sas": "1", "participation_via": "2",
           "deux_heures_declarees": "1", "date_debut_participation": "2023-01-15",
           "date_fin_participation": ""}
    row.update(extra)
    return row


def write_sas(inbox: Path, name: str, header: list[str], rows: list[dict[str, str]]) -> Path:
    path = inbox / "sas" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [";".join(header)] + [";".join(r.get(c, "") for c in header) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
