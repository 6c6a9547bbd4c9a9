"""Reference label lists of the workbooks (exports.md §3, §5) and their matching.

Every typed label goes through `normalise_label`; the canonical label is what gets stored.
"""

from __future__ import annotations

import re

from cpts.labels import normalise_label
from warehouse import reference
from warehouse.catalogue import MISSIONS

PROFESSIONS = ["Médecin généraliste", "Médecin spécialiste", "Infirmier", "Masseur-kinésithérapeute",
               "Pharmacien", "Biologiste", "Orthophoniste", "Orthoptiste", "Pédicure-podologue",
               "Ergothérapeute", "Psychologue", "Sage-femme", "Chirurgien-dentiste", "Diététicien",
               "Assistant de service social", "Autre"]
MODES_EXERCICE = ["Libéral", "Salarié", "Mixte"]
ACTION_TYPES = ["Réunion de travail", "Conférence grand public", "Stand d'information", "Formation",
                "Permanence", "Rencontre professionnels", "Partenariat", "Autre"]
PARCOURS = ["Insuffisance cardiaque", "Chute de la personne âgée"]
CRISE_ACTIONS = ["Permanence", "Ligne téléphonique", "Cellule de crise", "Plan de crise", "Autre"]
VOLETS_PRADO = ["Maternité", "Chirurgie", "Insuffisance cardiaque", "BPCO", "AVC", "Personnes âgées"]
DEPISTAGES = {"Sein": "sein", "Col de l'utérus": "col_uterus", "Colorectal": "colorectal"}

_MISSION_NUMBER = re.compile(r"^(?:mission\s*)?([1-6])(?:\s|$)")


def match_label(value: str | None, accepted: list[str]) -> str | None:
    """The canonical label whose normalised form equals the value's; None when unmatched."""
    key = normalise_label(value)
    for label in accepted:
        if normalise_label(label) == key:
            return label
    return None


def accepted_list(accepted: list[str]) -> str:
    return ", ".join(accepted)


def mission_of(value: str | None) -> int | None:
    """`3`, `Mission 3`, `3 - Prévention` or `Prévention` → 3; None when unmatched."""
    key = normalise_label(value)
    number = _MISSION_NUMBER.match(key)
    if number:
        return int(number.group(1))
    for code, label in MISSIONS.items():
        if normalise_label(label) == key:
            return code
    return None


MISSION_LABELS = ", ".join(f"{k} {v}" for k, v in MISSIONS.items())


def _territory_key(text: str | None) -> str:
    key = normalise_label(text)
    return key[4:] if key.startswith("cpt ") else key  # « CPTS » prefix (plural-stripped)


def resolve_territory(text: str | None) -> str | None:
    """A configured territory code from its code or label (`vallee-du-gier`, `CPTS Vallée du Gier`)."""
    wanted = _territory_key(text)
    if not wanted:
        return None
    frame = reference.territories().select("territoire", "libelle_territoire").unique()
    for code, label in frame.iter_rows():
        if wanted in {_territory_key(code), _territory_key(label)}:
            return code
    return None
