"""Health professionals of a territory, shared by the Annuaire, the SAS and the CPTS register.

Professional names are public (Annuaire Santé); these are invented ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from cpts.identifiers import luhn_key
from generator import geo
from generator.context import Ctx

# group: (TRE_G15 profession, per 10,000 inhabitants, savoir-faire codes, liberal share)
GROUPS: dict[str, tuple[str, float, list[str | None], float]] = {
    "MG": ("10", 8.5, ["SM54"] * 8 + ["SM53", "SM26"], 0.85),
    "SPE": ("10", 5.0, ["SM04", "SM13", "SM38", "SM40", "SM42", "SM47"], 0.5),
    "BIO": ("10", 0.6, ["SM03"], 0.7),
    "INF": ("60", 17.0, [None], 0.8), "PHA": ("21", 10.0, [None], 0.75),
    "KINE": ("70", 13.0, [None], 0.95), "DENT": ("40", 6.0, [None], 0.9),
    "SF": ("50", 3.0, [None], 0.5), "ORTHOPHO": ("91", 3.5, [None], 0.9),
    "ORTHOPT": ("92", 0.8, [None], 0.8), "PODO": ("80", 2.0, [None], 0.95),
    "ERGO": ("94", 1.3, [None], 0.4), "PSY": ("93", 5.0, [None], 0.6),
    "DIET": ("95", 1.0, [None], 0.6),
}
ADELI_GROUPS = {"PSY", "DIET"}
SURNAMES = ["MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS",
            "MOREAU", "LAURENT", "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID",
            "BERTRAND", "MOREL", "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE",
            "ROUSSEAU", "VINCENT", "MULLER", "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN",
            "BOYER", "GARNIER", "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA",
            "PERRIN", "ROBIN", "CLEMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU",
            "CHAPUIS", "PEYRON", "GRANGE", "VALLAS", "BRUYERE", "FAYOLLE", "DESCOURS"]
FIRST_NAMES = ["MARIE", "NATHALIE", "ISABELLE", "SYLVIE", "CATHERINE", "SOPHIE", "JULIE",
               "CAMILLE", "CLAIRE", "ANNE", "EMILIE", "LAURA", "PAULINE", "CELINE", "AURELIE",
               "JEAN", "PIERRE", "MICHEL", "PHILIPPE", "ALAIN", "NICOLAS", "THOMAS", "JULIEN",
               "LAURENT", "FREDERIC", "DAVID", "STEPHANE", "OLIVIER", "CHRISTOPHE", "ANTOINE",
               "MATHIEU", "GUILLAUME", "VINCENT", "LUCAS", "HUGO", "LEA", "CHLOE", "MANON"]


@dataclass(frozen=True)
class Pro:
    ident: str  # RPPS (11 digits) or ADELI (9 characters)
    adeli: bool
    group: str
    profession: str
    savoir_faire: str | None
    mode: str  # L libéral, S salarié
    commune: str  # INSEE code of the main practice
    second_commune: str | None
    nom: str
    prenom: str
    sexe: str
    debut: int  # year the professional started practising here
    fin: int | None  # year they left (not listed from then on)

    @property
    def id_nat(self) -> str:
        return ("0" if self.adeli else "8") + self.ident


def rpps(number: int) -> str:
    body = f"10{number:08d}"
    return body + luhn_key(body)


def adeli(departement: str, number: int) -> str:
    return f"{departement}9{number:06d}"


def _communes(territoire: str) -> tuple[np.ndarray, np.ndarray]:
    com = geo.territory_communes(territoire)
    pop = com["population"].to_numpy().astype(float)
    return com["code_insee"].to_numpy(), pop / pop.sum()


def make_pro(rng, group: str, number: int, codes, weights, dep: str) -> Pro:
    profession, _, sf, liberal = GROUPS[group]
    commune = str(codes[rng.choice(len(codes), p=weights)])
    second = str(codes[rng.choice(len(codes), p=weights)]) if rng.random() < 0.08 else None
    sexe = "F" if rng.random() < (0.85 if group in ("INF", "SF", "ORTHOPHO") else 0.5) else "M"
    start = int(rng.integers(1985, 2025)) if rng.random() < 0.9 else int(rng.integers(2023, 2026))
    end = int(rng.integers(2024, 2026)) if rng.random() < 0.04 else None
    ident = adeli(dep, number) if group in ADELI_GROUPS else rpps(number)
    return Pro(ident, group in ADELI_GROUPS, group, profession, sf[rng.integers(len(sf))],
               "L" if rng.random() < liberal else "S", commune,
               second if second != commune else None, SURNAMES[rng.integers(len(SURNAMES))],
               FIRST_NAMES[rng.integers(len(FIRST_NAMES))], sexe, start, end)


@cache
def _local(graine: int, territoire: str, index: int) -> tuple[Pro, ...]:
    rng = np.random.default_rng([graine, index, 7])
    codes, weights = _communes(territoire)
    per10k = geo.territory_population(territoire) / 10000
    dep = "42"
    pros, number = [], 100000 * (index + 1)
    for group, (_, density, _, _) in GROUPS.items():
        for _ in range(round(density * per10k)):
            number += 1
            pros.append(make_pro(rng, group, number, codes, weights, dep))
    return tuple(pros)


def local_professionals(ctx: Ctx, territoire: str) -> tuple[Pro, ...]:
    """Professionals practising in a territory (fixed volume: the real density)."""
    index = geo.territory_index(territoire)
    return _local(ctx.graine, territoire, index)


def practising(pros: tuple[Pro, ...], group: str, annee: int) -> list[Pro]:
    """Professionals of a group present throughout a year, in a stable order."""
    return [p for p in pros if p.group == group and p.debut < annee
            and (p.fin is None or p.fin > annee)]
