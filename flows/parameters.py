"""Parameter types shared by the flows, so the Prefect UI shows French titles, help and names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field

from warehouse.reference import territory_names


class _Territoires(StrEnum):
    """Members are named after the code (dashes as underscores); the value is the name shown."""

    @property
    def code(self) -> str:
        return self.name.replace("_", "-")

    @classmethod
    def _missing_(cls, value: object) -> _Territoires | None:
        # A code (CLI, API, tests, older runs) is accepted as well as the name.
        return cls.__members__.get(str(value).replace("-", "_"))


# Built from the reference data so a new territory appears in the UI form without code changes.
Territoire = _Territoires("Territoire", {code.replace("-", "_"): name
                                         for code, name in territory_names().items()})
Territoire.__doc__ = "Territoire de CPTS (nom du référentiel des territoires)."

AIDE_TERRITOIRE = "Territoire de la CPTS, choisi dans la liste du référentiel."
AIDE_ANNEE = "Année civile, par exemple 2024."
AIDE_BOITE = ("Boîte de dépôt à lire : dossier local, sftp://utilisateur@hote/chemin ou s3://seau/chemin. "
              "Laisser vide pour utiliser celle de la configuration (CPTS_INBOX).")


def annee_precedente() -> int:
    """Default year of the on-demand flows: the last complete calendar year."""
    return date.today().year - 1


def territory_code(value: object) -> str:
    return Territoire(value).code


def run_name(prefix: str) -> Callable[[], str]:
    """`<prefix>-<territory code>-<year>`: the code keeps run names short and URL-safe."""
    def name() -> str:
        from prefect.runtime import flow_run

        params = flow_run.parameters
        return f"{prefix}-{territory_code(params['territoire'])}-{params['annee']}"
    return name


def champ(default: Any, titre: str, aide: str) -> Any:
    """A form field with a French title and help. Prefect sets each field's title to the parameter
    name (« annee »); `json_schema_extra` is applied after it, so the French title wins."""
    return Field(default, description=aide, json_schema_extra={"title": titre})


# Module-level Field defaults: Prefect turns them into the UI form's titles and help text.
CHAMP_TERRITOIRE = champ(..., "Territoire", AIDE_TERRITOIRE)
CHAMP_ANNEE = champ(..., "Année", AIDE_ANNEE)
CHAMP_BOITE = champ(None, "Boîte de dépôt", AIDE_BOITE)
