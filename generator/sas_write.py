"""SAS platform files: effector snapshots, monthly slots and appointments."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import chain

import numpy as np
import polars as pl

from generator import conventions
from generator.context import Ctx
from generator.csvio import CsvStyle, CsvWriter
from generator.sas_roster import Effecteur, active, other_effectors, roster
from generator.timeplan import month_days, paris_offsets

EFFECTOR_COLUMNS = ["id_nat_ps", "profession_code", "specialite_code", "commune_exercice",
                    "participation_sas", "participation_via", "deux_heures_declarees",
                    "date_debut_participation", "date_fin_participation"]
SLOT_COLUMNS = ["creneau_id", "id_nat_ps", "debut", "fin", "type_creneau", "type_consultation"]
RDV_COLUMNS = ["rdv_id", "cree_le", "debut", "fin", "statut", "id_nat_ps",
               "categorie_orientation", "type_consultation", "patient_commune",
               "patient_tranche_age"]
QUARTER_ENDS = [(3, 31), (6, 30), (9, 30), (12, 31)]
_CHUNK = 20000


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _effectors(ctx: Ctx, fixed: list[Effecteur]) -> Iterator[Effecteur]:
    return chain(fixed, other_effectors(ctx))


def write_snapshot(ctx: Ctx, fixed: list[Effecteur], day: date) -> None:
    path = ctx.path("sas", f"SAS_effecteurs_{day:%Y%m%d}.csv")
    writer = CsvWriter(path, EFFECTOR_COLUMNS, CsvStyle(), ctx.rng("sas-eff", day),
                       required=["id_nat_ps", "profession_code", "commune_exercice",
                                 "participation_sas"])
    rows = [(e.id_nat, e.profession, e.specialite, e.commune, e.participation, e.via,
             e.deux_heures, _iso(e.debut), _iso(e.fin))
            for e in _effectors(ctx, fixed) if e.inscrit <= day]
    writer.write(pl.DataFrame(rows, schema=EFFECTOR_COLUMNS, orient="row"))
    ctx.record(path, "sas_effecteurs", writer.close())


def _stamp(instants: np.ndarray) -> list[str]:
    text = np.datetime_as_string(instants, unit="s")
    return [t + o for t, o in zip(text, paris_offsets(instants), strict=True)]


def _slots(ctx: Ctx, e: Effecteur, annee: int, mois: int) -> dict[str, list] | None:
    days = month_days(annee, mois)
    days = days[(days >= np.datetime64(e.debut)) & ((days.astype(int) + 3) % 7 != 6)]
    if e.fin:
        days = days[days <= np.datetime64(e.fin)]
    rng = ctx.rng("creneaux", e.id_nat, e.commune, annee, mois)
    n = int(rng.poisson(12)) if len(days) else 0
    if not n:
        return None
    start = (days[rng.integers(0, len(days), n)].astype("datetime64[s]")
             + (rng.integers(32, 80, n) * 900).astype("timedelta64[s]"))
    start = np.sort(start)
    end = start + (rng.choice([15, 20, 30], n, p=[0.5, 0.2, 0.3]) * 60).astype("timedelta64[s]")
    return {"id_nat_ps": [e.id_nat] * n, "debut_dt": start.astype("datetime64[ms]"),
            "debut": _stamp(start),
            "fin": _stamp(end),
            "type_creneau": rng.choice(["PUBLIC", "SNP", "PRO", "CPTS"], n,
                                       p=[0.35, 0.35, 0.1, 0.2]).tolist(),
            "type_consultation": rng.choice(["AMB", "HH", "VR"], n, p=[0.85, 0.05, 0.1]).tolist(),
            "commune": [e.commune] * n}


_BOOKED = {"SNP": 0.75, "CPTS": 0.7, "PUBLIC": 0.45, "PRO": 0.3}


def _appointments(ctx: Ctx, slots: pl.DataFrame, annee: int, mois: int) -> pl.DataFrame:
    rng = ctx.rng("rdv", annee, mois, slots.height)
    booked = slots.filter(pl.Series(rng.random(slots.height))
                          < pl.col("type_creneau").replace_strict(_BOOKED, return_dtype=pl.Float64))
    n = booked.height
    delay = np.where(rng.random(n) < 0.12, rng.uniform(48, 120, n), rng.exponential(14, n))
    created = booked["debut_dt"].to_numpy() - (np.maximum(delay, 0.25) * 3600).astype(
        "timedelta64[s]")
    cree = _stamp(created)
    date_only = rng.random(n) < ctx.rate(0.05)
    cree = [c[:10] if d else c for c, d in zip(cree, date_only, strict=True)]
    commune = np.where(rng.random(n) < 0.1, None, booked["commune"].to_numpy())
    return pl.DataFrame({
        "rdv_id": [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)],
        "cree_le": cree, "debut": booked["debut"], "fin": booked["fin"],
        "statut": rng.choice(["fulfilled", "noshow", "cancelled", "booked"], n,
                             p=[0.78, 0.07, 0.1, 0.05]),
        "id_nat_ps": booked["id_nat_ps"],
        "categorie_orientation": rng.choice(["PS", "PDM", "SOS"], n, p=[0.8, 0.15, 0.05]),
        "type_consultation": booked["type_consultation"],
        "patient_commune": pl.Series(commune.tolist(), dtype=pl.String),
        "patient_tranche_age": rng.choice(["0-15", "16-69", "70+"], n, p=[0.2, 0.6, 0.2]),
    })


def _month_slots(ctx: Ctx, fixed: list[Effecteur], annee: int, mois: int) -> Iterator[pl.DataFrame]:
    first = date(annee, mois, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    batch: list[dict] = []
    size = 0
    for e in _effectors(ctx, fixed):
        if active(e, first, last) and e.profession == "10":
            slots = _slots(ctx, e, annee, mois)
            if slots:
                batch.append(slots)
                size += len(slots["debut"])
        if size >= _CHUNK:
            yield _frame(batch)
            batch, size = [], 0
    if batch:
        yield _frame(batch)


def _frame(batch: list[dict]) -> pl.DataFrame:
    """One frame per batch of effectors (building one per effector is slow)."""
    cols: dict[str, object] = {"debut_dt": np.concatenate([b["debut_dt"] for b in batch])}
    for key in batch[0]:
        if key != "debut_dt":
            cols[key] = list(chain.from_iterable(b[key] for b in batch))
    return pl.DataFrame(cols)


def write_month(ctx: Ctx, fixed: list[Effecteur], annee: int, mois: int) -> None:
    tag = f"{annee}{mois:02d}"
    slot_name = f"creneaux_sas_{annee}-{mois:02d}.csv" if conventions.content_named_slots(ctx, annee, mois) \
        else f"SAS_creneaux_{tag}.csv"  # a name matching no pattern: identified by its content
    slot_path = ctx.path("sas", slot_name)
    fraction = conventions.fractional_sas(ctx, annee, mois)
    rdv_path = ctx.path("sas", f"SAS_rdv_{tag}.csv")
    style = CsvStyle(shuffle=ctx.varies)
    slots_out = CsvWriter(slot_path, SLOT_COLUMNS, style, ctx.rng("cr-csv", tag), SLOT_COLUMNS)
    rdv_out = CsvWriter(rdv_path, RDV_COLUMNS, CsvStyle(), ctx.rng("rdv-csv", tag),
                        ["rdv_id", "cree_le", "debut", "statut", "id_nat_ps"])
    counter = 0
    moving = ctx.varies and 4 in ctx.months(annee)
    for chunk in _month_slots(ctx, fixed, annee, mois):
        ids = [f"CR{tag}-{counter + i:06d}" for i in range(chunk.height)]
        rdv = _appointments(ctx, chunk, annee, mois)
        if moving and mois == 4 and counter == 0:  # booked in March, moved to April
            rdv = rdv.with_columns(cree_le=pl.when(pl.int_range(pl.len()) == 0)
                                   .then(pl.lit(_moved_created(annee))).otherwise("cree_le"))
        counter += chunk.height
        chunk = chunk.with_columns(creneau_id=pl.Series(ids))
        if fraction:  # the SAS FHIR guide's instants: `2024-03-05T14:30:00.000+01:00`
            chunk, rdv = (frame.with_columns(conventions.with_fraction(c) for c in ("debut", "fin"))
                          for frame in (chunk, rdv))
        slots_out.write(chunk)
        rdv_out.write(rdv)
    if moving and mois == 3:
        rdv_out.write(_moved_appointment(ctx, fixed, annee))
    ctx.record(slot_path, "sas_creneaux", slots_out.close())
    ctx.record(rdv_path, "sas_rdv", rdv_out.close())


def _moved_appointment(ctx: Ctx, fixed: list[Effecteur], annee: int) -> pl.DataFrame:
    """April's first appointment, as first booked for 29 March (the April file wins)."""
    april = next(_month_slots(ctx, fixed, annee, 4))
    first = _appointments(ctx, april, annee, 4).head(1)
    when = np.array([np.datetime64(datetime(annee, 3, 29, 10, 0))], dtype="datetime64[s]")
    end = when + np.timedelta64(20 * 60, "s")
    return first.with_columns(debut=pl.lit(_stamp(when)[0]), fin=pl.lit(_stamp(end)[0]),
                              statut=pl.lit("booked"), cree_le=pl.lit(_moved_created(annee)))


def _moved_created(annee: int) -> str:
    return f"{annee}-03-28T17:05:00+01:00"


def write_sas(ctx: Ctx) -> None:
    fixed = roster(ctx)
    for annee in ctx.annees:
        for month, day in QUARTER_ENDS:
            if month in ctx.months(annee):
                write_snapshot(ctx, fixed, date(annee, month, day))
        for mois in ctx.months(annee):
            write_month(ctx, fixed, annee, mois)
