"""The CPTS membership register: one timeline per territory, shown as of each delivery.

For Vallée du Gier, 115 members are present on 31/12/2024 with the report's breakdown;
around them: members who left before (one exactly on 31/12/2024), one who left and came back,
and one who leaves on 10/01/2025 (still a member at the end of 2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from generator import geo
from generator.calibration import MEMBERS_2024
from generator.context import CALIBRATED_TERRITORY, Ctx
from generator.professionals import Pro, local_professionals

GROUP_OF = {"Médecin généraliste": "MG", "Médecin spécialiste": "SPE", "Infirmier": "INF",
            "Pharmacien": "PHA", "Masseur-kinésithérapeute": "KINE", "Orthophoniste": "ORTHOPHO",
            "Biologiste": "BIO", "Pédicure-podologue": "PODO", "Orthoptiste": "ORTHOPT",
            "Ergothérapeute": "ERGO", "Psychologue": "PSY", "Sage-femme": "SF",
            "Chirurgien-dentiste": "DENT", "Diététicien": "DIET"}
CREATED = date(2021, 6, 15)
END_2024 = date(2024, 12, 31)


@dataclass(frozen=True)
class Member:
    ident: str
    profession: str  # canonical label of the register's list
    mode: str  # Libéral, Salarié, Mixte
    commune: str  # INSEE code
    adhesion: date
    depart: date | None


class _Ids:
    """Hands out local professionals of a group, then internal identifiers."""

    def __init__(self, ctx: Ctx, territoire: str) -> None:
        self.pros = {g: [p for p in local_professionals(ctx, territoire) if p.group == g]
                     for g in set(GROUP_OF.values())}
        self.internal = 0
        self.prefix = "".join(w[0] for w in territoire.split("-")).upper()

    def take(self, label: str) -> tuple[str, Pro | None]:
        pool = self.pros.get(GROUP_OF.get(label, ""), [])
        if pool:
            pro = pool.pop(0)
            return pro.ident, pro
        self.internal += 1
        return f"CPTS-{self.prefix}-{self.internal:04d}", None


def _day(rng: np.random.Generator, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _member(rng, ids: _Ids, label: str, communes: list[str], start: date, end: date,
            depart: date | None = None) -> Member:
    ident, pro = ids.take(label)
    mode = {"L": "Libéral", "S": "Salarié"}[pro.mode] if pro else "Salarié"
    if rng.random() < 0.08:
        mode = "Mixte"
    commune = pro.commune if pro else communes[int(rng.integers(len(communes)))]
    return Member(ident, label, mode, commune, _day(rng, start, end), depart)


def _calibrated(ctx: Ctx, territoire: str) -> list[Member]:
    rng = ctx.rng("adherents", territoire)
    ids = _Ids(ctx, territoire)
    communes = geo.territory_communes(territoire)["code_insee"].to_list()
    members = [_member(rng, ids, label, communes, CREATED, date(2024, 12, 10))
               for label, count in MEMBERS_2024.items() for _ in range(count)]
    members[3] = _replace(members[3], depart=date(2025, 1, 10))  # left after the year end
    back = members[5]  # left in 2022, joined again in 2023: one member
    members[5] = _replace(back, adhesion=date(2023, 3, 1))
    members.append(_replace(back, adhesion=date(2021, 9, 1), depart=date(2022, 6, 30)))
    left = [("Infirmier", date(2023, 2, 28)), ("Masseur-kinésithérapeute", date(2023, 6, 30)),
            ("Pharmacien", date(2023, 11, 15)), ("Médecin généraliste", date(2024, 3, 31)),
            ("Infirmier", date(2024, 6, 30)), ("Orthophoniste", date(2024, 9, 1)),
            ("Chirurgien-dentiste", date(2024, 10, 15)), ("Infirmier", END_2024)]
    members += [_member(rng, ids, label, communes, CREATED, gone - timedelta(days=200), gone)
                for label, gone in left]
    members += _after_2024(rng, ids, communes)
    return members


def _after_2024(rng, ids: _Ids, communes: list[str]) -> list[Member]:
    labels = ["Infirmier", "Infirmier", "Pharmacien", "Médecin généraliste",
              "Masseur-kinésithérapeute", "Sage-femme", "Diététicien"]
    return [_member(rng, ids, label, communes, date(2025, 1, 6), date(2025, 6, 20))
            for label in labels]


def _replace(m: Member, **changes) -> Member:
    return Member(**{**m.__dict__, **changes})


def _random(ctx: Ctx, territoire: str) -> list[Member]:
    rng = ctx.rng("adherents", territoire)
    ids = _Ids(ctx, territoire)
    communes = geo.territory_communes(territoire)["code_insee"].to_list()
    size = round(geo.territory_population(territoire) / 1000 * 1.1)
    labels = [*MEMBERS_2024, "Chirurgien-dentiste", "Diététicien"]
    weights = np.array([*MEMBERS_2024.values(), 4, 2], dtype=float)
    out = []
    for i in rng.choice(len(labels), size=size, p=weights / weights.sum()):
        depart = _day(rng, date(2022, 6, 1), date(2025, 6, 1)) if rng.random() < 0.1 else None
        m = _member(rng, ids, labels[i], communes, CREATED, date(2025, 6, 1), depart)
        out.append(m if not depart or depart > m.adhesion else _replace(m, depart=None))
    return out


def timeline(ctx: Ctx, territoire: str) -> list[Member]:
    if territoire == CALIBRATED_TERRITORY:
        return _calibrated(ctx, territoire)
    return _random(ctx, territoire)


def register_as_of(members: list[Member], delivered: date) -> list[Member]:
    """What the coordinator's register shows when sent: later facts are not known yet."""
    out = []
    for m in members:
        if m.adhesion <= delivered:
            out.append(m if not m.depart or m.depart <= delivered else _replace(m, depart=None))
    return out


def members_at(members: list[Member], day: date) -> dict[str, int]:
    """ADHERENTS by profession at a date (the indicator's rule)."""
    present: dict[str, str] = {}
    for m in members:
        if m.adhesion <= day and (m.depart is None or m.depart > day):
            present[m.ident] = m.profession
    counts: dict[str, int] = {}
    for label in present.values():
        counts[label] = counts.get(label, 0) + 1
    return counts
