"""RPU flat CSV extract — `RPU_<FINESS>_<AAAAMM>.csv` (exports.md §1b). Scope: FINESS × month."""

from __future__ import annotations

from schemas import rpu
from schemas.base import Extract, FileRejected, FileType, ReadContext, pattern
from schemas.csv_io import read_export
from schemas.row_rules import name_date, require_name_date


def read(ctx: ReadContext) -> Extract:
    return rpu.extract_file(passages(ctx))


def read_many(contexts: list[ReadContext]) -> list[Extract | FileRejected]:
    """Several files read in one plan (`rpu.extract_batch`), each with its own outcome."""
    out: list[Extract | FileRejected | None] = []
    files = []
    for ctx in contexts:
        try:
            files.append(passages(ctx))
            out.append(None)
        except FileRejected as exc:
            out.append(exc)
    batch = iter(rpu.extract_batch(files))
    return [next(batch) if found is None else found for found in out]


def passages(ctx: ReadContext) -> rpu.Passages:
    """The file's raw passages, its FINESS and month from its name."""
    finess = rpu.require_valid_finess(ctx.match["finess"], ctx.name)
    month_start = require_name_date(ctx.match["mois"], "%Y%m", ctx.name)
    year, month = month_start.year, month_start.month
    first, last = rpu.month_bounds(year, month)
    raw, anomalies = read_export(ctx.path, ctx.name, ctx.limits, "rpu_csv", rpu.REQUIRED + rpu.PRESENT,
                                 rpu.COLUMNS)
    return rpu.Passages(raw, ctx.name, finess, first, last, rpu.end_of_month(year, month), anomalies)


FILE_TYPE = FileType(
    code="rpu_csv",
    provider="hopital",
    label="RPU (extraction CSV mensuelle)",
    pattern=pattern(r"RPU_(?P<finess>\w{9})_(?P<mois>\d{6})\.csv"),
    read=read,
    read_many=read_many,
    extraction_from_name=lambda m: name_date(m["mois"], "%Y%m"),
)
