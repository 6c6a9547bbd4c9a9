"""Effectors registered on the SAS Loire platform, with their participation history.

Vallée du Gier's roster is written by hand so that SAS_MEDECINS is 9 at the end of 2023 and
15 at the end of 2024, next to rows that must not count (see `_vallee_du_gier`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from generator import geo
from generator.context import CALIBRATED_TERRITORY, Ctx
from generator.professionals import Pro, local_professionals, practising, rpps

D = date.fromisoformat


@dataclass(frozen=True)
class Effecteur:
    id_nat: str  # "8" + RPPS
    profession: str
    specialite: str | None
    commune: str
    participation: str  # "1" / "0"
    via: str | None
    deux_heures: str | None
    debut: date | None
    fin: date | None
    inscrit: date  # listed in snapshots from this date


def _eff(pro: Pro, commune=None, part="1", debut=None, fin=None, inscrit=None, via="1"
         ) -> Effecteur:
    start = inscrit or (debut - timedelta(days=12) if debut else D("2022-06-01"))
    spec = pro.savoir_faire if pro.profession == "10" else None
    return Effecteur(pro.id_nat, pro.profession, spec, commune or pro.commune, part,
                     via if part == "1" else None, "1" if part == "1" else None, debut, fin,
                     start)


def _vallee_du_gier(ctx: Ctx) -> list[Effecteur]:
    pros = local_professionals(ctx, CALIBRATED_TERRITORY)
    mg = [p for p in practising(pros, "MG", 2025) if p.mode == "L"]
    pharma = practising(pros, "PHA", 2025)[0]
    outside = [p for p in practising(local_professionals(ctx, "grand-saint-etienne"), "MG", 2025)
               if p.mode == "L"][-1]
    firsts = ["2022-03-01", "2022-05-16", "2022-09-01", "2022-10-03", "2023-01-09",
              "2023-03-20", "2023-06-12"]
    rows = [_eff(mg[i], debut=D(d), via="2" if i % 3 == 0 else "1") for i, d in enumerate(firsts)]
    other_site = next(c for c in ("42186", "42207") if c != mg[8].commune)
    rows += [
        _eff(mg[7], debut=D("2023-02-01"), fin=D("2023-09-30")),  # counts in 2023 only
        _eff(mg[8], debut=D("2022-11-15"), via="2"),  # two practices: one doctor
        _eff(mg[8], commune=other_site, debut=D("2022-11-15"), via="2"),
        _eff(mg[9], part="0", inscrit=D("2023-01-20")),  # registered, not participating
        _eff(pharma, debut=D("2023-04-01")),  # a pharmacist is not a doctor
        _eff(mg[10], debut=D("2021-10-01"), fin=D("2022-12-31"), inscrit=D("2021-09-20")),
        _eff(outside, debut=D("2023-05-02"), via="1"),  # practises in Grand Saint-Étienne
        _eff(mg[11], debut=D("2024-01-15"), inscrit=D("2023-12-01")),  # counts from 2024
    ]
    news = ["2024-02-05", "2024-04-02", "2024-06-17", "2024-09-09", "2024-11-04"]
    rows += [_eff(mg[12 + i], debut=D(d), via="3" if i == 2 else "2") for i, d in enumerate(news)]
    rows += [
        _eff(mg[17], debut=D("2024-01-10"), fin=D("2024-06-30"), inscrit=D("2024-01-05")),
        _eff(mg[18], debut=D("2025-02-01"), inscrit=D("2024-12-10")),  # not yet in 2024
        _eff(mg[19], debut=D("2025-03-03")),
    ]
    return rows


def _random_roster(ctx: Ctx, territoire: str) -> list[Effecteur]:
    rng = ctx.rng("sas-roster", territoire)
    mg = [p for p in practising(local_professionals(ctx, territoire), "MG", 2025) if p.mode == "L"]
    count = min(len(mg), round(len(mg) * 0.45 * ctx.local_scale))
    rows = []
    for pro in mg[:count]:
        debut = D("2022-01-03") + timedelta(days=int(rng.integers(0, 1250)))
        fin = debut + timedelta(days=int(rng.integers(120, 700))) if rng.random() < 0.12 else None
        part = "0" if rng.random() < 0.1 else "1"
        rows.append(_eff(pro, part=part, debut=debut if part == "1" else None, fin=fin,
                         via=str(rng.choice(["1", "2", "3", "4"], p=[.5, .3, .12, .08]))))
    return rows


def roster(ctx: Ctx) -> list[Effecteur]:
    """Effectors of the territories (the calibrated one written by hand)."""
    rows = []
    for territoire in ctx.territoires:
        if territoire == CALIBRATED_TERRITORY and ctx.echelle >= 1:
            rows += _vallee_du_gier(ctx)
        else:
            rows += _random_roster(ctx, territoire)
    return rows


def other_effectors(ctx: Ctx) -> Iterator[Effecteur]:
    """Doctors elsewhere in the Loire, derived one by one (memory does not grow with scale)."""
    communes = geo.outside_communes("42")
    codes = communes["code_insee"].to_list()
    weights = communes["population"].to_numpy() / communes["population"].sum()
    for i in range(round(60 * ctx.echelle)):
        rng = ctx.rng("sas-autres", i)
        debut = D("2022-01-03") + timedelta(days=int(rng.integers(0, 1250)))
        number = 5_000_000 + i
        yield Effecteur("8" + rpps(number), "10", "SM54", codes[rng.choice(len(codes), p=weights)],
                        "1", str(rng.choice(["1", "4"], p=[0.8, 0.2])), "1", debut, None,
                        debut - timedelta(days=10))


def active(e: Effecteur, start: date, end: date) -> bool:
    """Participating and registered in [start, end]."""
    return (e.participation == "1" and e.debut is not None and e.inscrit <= end
            and e.debut <= end and (e.fin is None or e.fin >= start))


def sas_medecins(rows: list[Effecteur], territoire: str, snapshot: date, start: date,
                 end: date) -> int:
    """The indicator's rule, used to check the hand-written roster."""
    communes = set(geo.territory_communes(territoire)["code_insee"])
    return len({e.id_nat for e in rows if e.inscrit <= snapshot and e.profession == "10"
                and e.participation == "1" and e.commune in communes
                and (e.debut is None or e.debut <= end) and (e.fin is None or e.fin >= start)})

