"""Data-quality checks as reviewable data (one TOML file per controlled table).

In the manner of OHDSI's DataQualityDashboard: each check names its category, its severity
(`warn` is reported, `fail` makes the indicators it feeds `provisoire`), the share of rows allowed
to fail (health data is never 100 % clean) and the indicators it feeds. The `attente` is a Great
Expectations expectation (snake_case name) run on the table, or on the small derived `requete`
when the rule is not expressible row by row (monthly volumes, missing months, lookups).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
CATEGORIES = {"conformite", "completude", "plausibilite", "integrite"}
SEVERITIES = {"warn", "fail"}


@dataclass(frozen=True)
class Check:
    nom: str
    table: str
    colonne: str
    categorie: str
    severite: str
    seuil_pct: float
    attente: str
    description: str
    params: dict[str, object] = field(default_factory=dict)
    indicateurs: tuple[str, ...] = ()
    requete: str | None = None  # derived asset; its rows carry `finess` and `mois` for details
    exemple: str | None = None  # column whose failing values are quoted (default: `colonne`)

    @property
    def mostly(self) -> float:
        return 1.0 - self.seuil_pct / 100.0


@cache
def checks() -> tuple[Check, ...]:
    """Every check of every `*.toml` here, in file then declaration order."""
    out: list[Check] = []
    for path in sorted(HERE.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        for entry in data["controles"]:
            check = Check(table=data["table"], indicateurs=tuple(entry.pop("indicateurs", ())),
                          params=dict(entry.pop("params", {})), **entry)
            if check.categorie not in CATEGORIES or check.severite not in SEVERITIES:
                raise ValueError(f"{path.name} : contrôle {check.nom} : catégorie ou sévérité inconnue")
            out.append(check)
    names = [c.nom for c in out]
    if len(names) != len(set(names)):
        raise ValueError("schemas/quality : deux contrôles portent le même nom")
    return tuple(out)
