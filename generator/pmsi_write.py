"""Cumulative PMSI MCO files: PMSI_MCO_<FINESS>_<AAAA>_M<MM>.csv, streamed month by month."""

from __future__ import annotations

import dataclasses

import polars as pl

from generator import conventions
from generator.context import Ctx
from generator.csvio import CsvWriter
from generator.establishments import CHU, Etablissement
from generator.pmsi_plan import pmsi_plan, readmission_pairs
from generator.pmsi_rows import COLUMNS, stays

REQUIRED = ["finess", "num_rsa", "date_entree", "date_sortie", "mode_entree", "mode_sortie",
            "ghm", "dp"]


def _cumulative_months(ctx: Ctx, etab: Etablissement, annee: int, index: int) -> list[int]:
    """The months whose cumulative file is shipped: the last one, sometimes an earlier one."""
    months = ctx.months(annee)
    shipped = [months[-1]]
    full = [a for a in ctx.annees if len(ctx.months(a)) == 12]
    if len(months) < 12 and etab.finess == CHU and months[-1] > 3:
        shipped.append(3)
    elif full and annee == max(full) and index == 2:  # one hospital also left its M06
        shipped.append(6)
    return sorted(shipped)


def cumulative_writer(ctx: Ctx, etab: Etablissement, annee: int, month: int) -> CsvWriter:
    path = ctx.path("hopital", f"PMSI_MCO_{etab.finess}_{annee}_M{month:02d}.csv")
    style = dataclasses.replace(etab.csv, extra={"type_fichier": "RSA"} if etab.csv.extra else {})
    if conventions.snds_pmsi(ctx, etab.finess, annee):  # an extract made from the SNDS: its names
        style = dataclasses.replace(style, rename=conventions.PMSI_SNDS)
    return CsvWriter(path, COLUMNS, style, ctx.rng("pmsi-csv", etab.finess, annee, month),
                     required=REQUIRED)


def stays_as_text(df: pl.DataFrame, etab: Etablissement, annee: int, first: int) -> pl.DataFrame:
    fmt = "%Y-%m-%d" if etab.pmsi_iso_dates else "%d%m%Y"
    numbers = pl.int_range(first, first + df.height, eager=True).cast(pl.String).str.zfill(8)
    return df.with_columns(
        pl.col("date_entree", "date_sortie").dt.strftime(fmt),
        num_rsa=pl.lit(f"{annee % 100:02d}") + numbers,
    )


def write_pmsi(ctx: Ctx, etabs: list[Etablissement], annee: int) -> None:
    plan = pmsi_plan(ctx, etabs, annee)
    pairs = readmission_pairs(ctx, etabs, annee, plan)
    for index, etab in enumerate(etabs):
        writers = {m: cumulative_writer(ctx, etab, annee, m)
                   for m in _cumulative_months(ctx, etab, annee, index)}
        counter = 0
        for mois in ctx.months(annee):
            here = [p for p in pairs if p.finess == etab.finess and p.month == mois]
            df = stays(ctx, etab, annee, mois, plan[(etab.finess, mois)], here)
            if df.is_empty():
                continue
            text = stays_as_text(df, etab, annee, counter)
            counter += df.height
            for last, writer in writers.items():
                if mois <= last:
                    writer.write(text)
        for writer in writers.values():
            ctx.record(writer.path, "pmsi", writer.close())
