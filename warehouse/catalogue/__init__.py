"""The declarative indicator catalogue (`indicateurs.toml`), versioned by year.

An entry either gives `sql` (one row: numerateur, denominateur[, masque]) or names a registered
Python `fonction` (for what SQL cannot say portably, e.g. the 30-day readmission).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
NATURES = {"stock", "flux"}
COMPLETUDES = {"rpu", "pmsi", "rehospit"}
FREQUENCES = {"mensuelle", "annuelle"}


@dataclass(frozen=True)
class Indicator:
    code: str
    libelle: str
    mission: int | None
    nature: str  # stock or flux
    unite: str
    sens: str | None
    secret: bool
    versions: tuple[int, ...]
    sources: tuple[str, ...]
    definition: str
    sql: str | None = None
    lignage: str | None = None
    fonction: str | None = None
    echelle: float | None = None  # rates: valeur = numerateur / denominateur × echelle
    instantane: str | None = None  # SQL: the snapshot date used (latest ≤ :fin), as `d`
    completude: str | None = None  # rpu, pmsi, rehospit
    frequence: str | None = None  # mensuelle (PRADO), annuelle (dépistage)

    @property
    def is_rate(self) -> bool:
        return self.echelle is not None


def _indicator(code: str, e: dict) -> Indicator:
    ind = Indicator(
        code=code, libelle=e["libelle"], mission=e.get("mission"), nature=e["nature"],
        unite=e["unite"], sens=e.get("sens"), secret=e["secret"], versions=tuple(e["versions"]),
        sources=tuple(e["sources"]), definition=e["definition"], sql=e.get("sql"),
        lignage=e.get("lignage"), fonction=e.get("fonction"), echelle=e.get("echelle"),
        instantane=e.get("instantane"), completude=e.get("completude"), frequence=e.get("frequence"))
    _check(ind)
    return ind


def _check(ind: Indicator) -> None:
    """A catalogue mistake must fail at import, not produce a wrong number at night."""
    problems = []
    if ind.nature not in NATURES:
        problems.append(f"nature {ind.nature!r}")
    if (ind.sql is None) == (ind.fonction is None):
        problems.append("il faut exactement un de `sql` ou `fonction`")
    if ind.completude not in COMPLETUDES | {None}:
        problems.append(f"completude {ind.completude!r}")
    if ind.frequence not in FREQUENCES | {None}:
        problems.append(f"frequence {ind.frequence!r}")
    if ind.nature == "stock" and ind.instantane is None and "population" not in ind.definition.lower() \
            and ind.code not in {"ADHERENTS", "CRISE_PLAN"}:
        problems.append("un stock sans `instantane`")
    if problems:
        raise ValueError(f"Catalogue, indicateur {ind.code} : " + " ; ".join(problems))


@cache
def catalogue() -> dict[str, Indicator]:
    data = tomllib.loads((HERE / "indicateurs.toml").read_text())
    return {code: _indicator(code, e) for code, e in data.items()}


def version(year: int) -> list[Indicator]:
    """Indicators of catalogue version `year` (the latest version ≤ year)."""
    versions = sorted({v for i in catalogue().values() for v in i.versions})
    chosen = max((v for v in versions if v <= year), default=versions[0])
    return [i for i in catalogue().values() if chosen in i.versions]
