"""Parameter types shared by the flows, so the Prefect UI shows a list and French help."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from warehouse.reference import territory_codes

# Built from the reference data so a new territory appears in the UI form without code changes.
Territoire = StrEnum("Territoire", {code.replace("-", "_"): code for code in territory_codes()})
Territoire.__doc__ = "Territoire de CPTS (code du référentiel des territoires)."

AIDE_TERRITOIRE = "Territoire de la CPTS, choisi dans la liste du référentiel."
AIDE_ANNEE = "Année civile, par exemple 2024."
AIDE_BOITE = ("Boîte de dépôt à lire : dossier local, sftp://utilisateur@hote/chemin ou s3://seau/chemin. "
              "Laisser vide pour utiliser celle de la configuration (CPTS_INBOX).")


def annee_precedente() -> int:
    """Default year of the on-demand flows: the last complete calendar year."""
    return date.today().year - 1

# Module-level Field defaults: Prefect turns them into the UI form's help text.
CHAMP_TERRITOIRE = Field(..., description=AIDE_TERRITOIRE)
CHAMP_ANNEE = Field(..., description=AIDE_ANNEE)
CHAMP_BOITE = Field(None, description=AIDE_BOITE)
