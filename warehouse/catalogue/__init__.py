"""The declarative indicator catalogue (`indicateurs.toml`), versioned by year."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent


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
    sql: str
    lignage: str | None = None


@cache
def catalogue() -> dict[str, Indicator]:
    data = tomllib.loads((HERE / "indicateurs.toml").read_text())
    return {
        code: Indicator(code=code, libelle=e["libelle"], mission=e.get("mission"),
                        nature=e["nature"], unite=e["unite"], sens=e.get("sens"),
                        secret=e["secret"], versions=tuple(e["versions"]),
                        sources=tuple(e["sources"]), definition=e["definition"], sql=e["sql"],
                        lignage=e.get("lignage"))
        for code, e in data.items()
    }


def version(year: int) -> list[Indicator]:
    """Indicators of catalogue version `year` (the latest version ≤ year)."""
    versions = sorted({v for i in catalogue().values() for v in i.versions})
    chosen = max((v for v in versions if v <= year), default=versions[0])
    return [i for i in catalogue().values() if chosen in i.versions]
