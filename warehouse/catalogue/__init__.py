"""The indicator catalogue: one file per indicator, `warehouse/indicateurs/<mission>/<CODE>.toml`.

A file holds everything about its indicator (in the manner of dbt's model + YAML): metadata, the
definition, the set-based SQL (one row per territory: territoire, numerateur, denominateur[, masque]),
optional lineage and breakdown SQL, and its cases (given rows → expected value and status), which
tests/test_indicateurs_cas.py runs on SQLite and PostgreSQL. Adding an indicator = adding one file.

Versions: `versions` lists the catalogue versions (years) that include the indicator; the definition is
the same in every version it belongs to (a changed definition is a new code).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from warehouse.catalogue.sources import SOURCES

HERE = Path(__file__).resolve().parents[1] / "indicateurs"
NATURES = {"stock", "flux"}
COMPLETUDES = {"rpu", "pmsi", "pmsi_uhcd", "rehospit"}
FREQUENCES = {"mensuelle", "annuelle"}
# How a territory × period gets a value at all (never a misleading 0), declared per indicator:
# periode: its dated sources hold rows in the period; classeur: an activity workbook of a year of the
# period (a stock: of a year ≤ end) was loaded for the territory; registre: the territory has rows;
# instantane: a snapshot ≤ end exists; reference: reference data only (population).
DISPONIBILITES = {"flux": {"periode", "classeur"},
                  "stock": {"instantane", "classeur", "registre", "reference"}}


@dataclass(frozen=True)
class Breakdown:
    axe: str
    sql: str  # rows: territoire, modalite, valeur[, masque], in display order


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
    ordre: int = 0  # display order within its mission
    disponibilite: str = "periode"
    sql: str | None = None
    lignage: str | None = None
    fonction: str | None = None
    echelle: float | None = None  # rates: valeur = numerateur / denominateur × echelle
    instantane: str | None = None  # snapshot source table: latest snapshot ≤ end, as {instantane}
    completude: str | None = None  # rpu, pmsi, pmsi_uhcd, rehospit
    frequence: str | None = None  # mensuelle (PRADO), annuelle (dépistage: calendar years only)
    ventilations: tuple[Breakdown, ...] = ()
    cas: tuple[dict, ...] = ()
    fichier: Path | None = None

    @property
    def is_rate(self) -> bool:
        """The one definition of a rate (display with one decimal, secrecy on its terms)."""
        return self.echelle is not None

    @property
    def annual_only(self) -> bool:
        return self.frequence == "annuelle"


@dataclass(frozen=True)
class Mission:
    numero: int | None
    dossier: str
    libelle: str


def _missions() -> list[Mission]:
    data = tomllib.loads((HERE / "missions.toml").read_text())
    org = data["organisation"]
    return [*(Mission(m["numero"], m["dossier"], m["libelle"]) for m in data["missions"]),
            Mission(None, org["dossier"], org["libelle"])]


MISSION_LIST = _missions()
MISSIONS: dict[int, str] = {m.numero: m.libelle for m in MISSION_LIST if m.numero is not None}
ORGANISATION = next(m.libelle for m in MISSION_LIST if m.numero is None)


def _indicator(path: Path) -> Indicator:
    e = tomllib.loads(path.read_text())
    ind = Indicator(
        code=path.stem, libelle=e["libelle"], mission=e.get("mission"), nature=e["nature"],
        unite=e["unite"], sens=e.get("sens"), secret=e["secret"], versions=tuple(e["versions"]),
        sources=tuple(e["sources"]), definition=e["definition"], ordre=e.get("ordre", 0),
        disponibilite=e.get("disponibilite", "periode"), sql=e.get("sql"), lignage=e.get("lignage"),
        fonction=e.get("fonction"), echelle=e.get("echelle"), instantane=e.get("instantane"),
        completude=e.get("completude"), frequence=e.get("frequence"),
        ventilations=tuple(Breakdown(v["axe"], v["sql"]) for v in e.get("ventilations", [])),
        cas=tuple(e.get("cas", [])), fichier=path)
    _check(ind, path.parent.name)
    return ind


def _check(ind: Indicator, folder: str) -> None:
    """A catalogue mistake must fail at import, not produce a wrong number at night."""
    problems = []
    if ind.nature not in NATURES:
        problems.append(f"nature {ind.nature!r}")
    elif ind.disponibilite not in DISPONIBILITES[ind.nature]:
        problems.append(f"disponibilite {ind.disponibilite!r} pour un {ind.nature}")
    if (ind.sql is None) == (ind.fonction is None):
        problems.append("il faut exactement un de `sql` ou `fonction`")
    if ind.completude not in COMPLETUDES | {None}:
        problems.append(f"completude {ind.completude!r}")
    if ind.frequence not in FREQUENCES | {None}:
        problems.append(f"frequence {ind.frequence!r}")
    unknown = [s for s in ind.sources if s not in SOURCES]
    if unknown:
        problems.append(f"sources inconnues {unknown}")
    if ind.instantane is not None and not (ind.instantane in ind.sources
                                           and SOURCES[ind.instantane].snapshot):
        problems.append(f"instantane {ind.instantane!r} n'est pas une source instantané de l'indicateur")
    if (ind.disponibilite == "instantane") != (ind.instantane is not None) and ind.nature == "stock":
        problems.append("un stock par instantané déclare `disponibilite = \"instantane\"` et sa source")
    expected = next((m.dossier for m in MISSION_LIST if m.numero == ind.mission), None)
    if folder != expected:
        problems.append(f"rangé dans {folder!r}, attendu {expected!r} (mission {ind.mission})")
    if problems:
        raise ValueError(f"Catalogue, indicateur {ind.code} : " + " ; ".join(problems))


def files() -> list[Path]:
    return sorted(HERE.glob("*/*.toml"))


@cache
def catalogue() -> dict[str, Indicator]:
    found = [_indicator(p) for p in files()]
    return {i.code: i for i in sorted(found, key=lambda i: (i.mission or 99, i.ordre, i.code))}


def version(year: int) -> list[Indicator]:
    """Indicators of catalogue version `year` (the latest version ≤ year)."""
    versions = sorted({v for i in catalogue().values() for v in i.versions})
    chosen = max((v for v in versions if v <= year), default=versions[0])
    return [i for i in catalogue().values() if chosen in i.versions]
