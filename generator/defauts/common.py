"""Shared pieces of the bad-inputs set: mini-inboxes and manifest entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from generator.context import Ctx
from generator.csvio import CsvStyle, CsvWriter
from generator.establishments import Etablissement
from generator.rpu_rows import COLUMNS, passages
from generator.rpu_write import as_text

FIRST_DATA_LINE = 2  # line 1 is the header


@dataclass
class Entry:
    """One manifest line: a file and what the pipeline must do with it."""

    fichier: str  # relative to <sortie>/defauts
    attendu: str  # quarantaine, rejet_ligne, obsolete, charge
    motif: str
    boite: str  # the mini-inbox to load (relative to <sortie>/defauts)
    passage: int = 1  # load order when a defect needs two runs
    lignes: list[int] = field(default_factory=list)  # physical lines (1 = header)
    colonne: str | None = None
    cellule: str | None = None  # sheet!A1 for workbooks
    lignes_chargees: int | None = None

    def as_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}


def mini_ctx(ctx: Ctx, root: Path, boite: str) -> Ctx:
    """A clean context writing into one mini-inbox (only the defect is wrong)."""
    return Ctx(root / boite, ctx.territoires, ctx.annees, 1.0, ctx.graine, 0.0)


def rpu_rows(ctx: Ctx, etab: Etablissement, annee: int, mois: int, n: int) -> pl.DataFrame:
    """`n` ordinary passages as text columns (people living outside the territories)."""
    return as_text(passages(ctx, etab, annee, mois, {("autres",): n}), False)


def write_rpu_text(ctx: Ctx, etab: Etablissement, annee: int, mois: int, df: pl.DataFrame,
                   name: str | None = None, columns: list[str] | None = None) -> Path:
    path = ctx.path("hopital", name or f"RPU_{etab.finess}_{annee}{mois:02d}.csv")
    writer = CsvWriter(path, columns or COLUMNS, CsvStyle(), ctx.rng("defaut-csv", path.name))
    writer.write(df)
    writer.close()
    return path


def relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
