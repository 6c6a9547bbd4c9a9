"""RPU files: monthly CSV extracts, OSCOUR XML, and one corrected re-delivery."""

from __future__ import annotations

import dataclasses
import os
import re
from datetime import datetime, timedelta

import polars as pl

from generator import conventions
from generator.context import Ctx
from generator.csvio import CsvWriter
from generator.establishments import GIER, Etablissement
from generator.rpu_plan import rpu_plan
from generator.rpu_rows import COLUMNS, passages

REDELIVERY_MONTH = 3
_XML_FIELDS = ["cp", "commune", "naissance", "sexe", "entree", "mode_entree", "provenance",
               "transport", "transport_pec", "motif", "gravite", "dp", "liste_da", "liste_actes",
               "sortie", "mode_sortie", "destination", "orient"]


def as_text(df: pl.DataFrame, seconds: bool) -> pl.DataFrame:
    fmt = "%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M"
    return df.with_columns(
        pl.col("entree", "sortie").dt.strftime(fmt), pl.col("naissance").dt.strftime("%d/%m/%Y")
    )


def extraction_instant(ctx: Ctx, finess: str, annee: int, mois: int, late: int = 0) -> datetime:
    """When the hospital extracted a month: a few days after it ends, around 3 a.m."""
    rng = ctx.rng("extraction", finess, annee, mois, late)
    first_next = datetime(annee + mois // 12, mois % 12 + 1, 1)
    return first_next + timedelta(days=int(rng.integers(1, 6)) + 14 * late, hours=3,
                                  minutes=int(rng.integers(0, 60)), seconds=int(rng.integers(60)))


def write_csv(ctx: Ctx, etab: Etablissement, annee: int, mois: int, df: pl.DataFrame,
              regional: bool = False) -> None:
    path = ctx.path("hopital", f"RPU_{etab.finess}_{annee}{mois:02d}.csv")
    style = etab.csv
    if regional:  # a regional platform's export: `,`, its own vocabulary, a count column
        style = dataclasses.replace(style, separator=",", rename=conventions.RPU_REGIONAL,
                                    header_case="lower", pad_headers=False,
                                    extra={**style.extra, "DIAG_ASS": "0"})
    writer = CsvWriter(path, COLUMNS, style, ctx.rng("csv", etab.finess, annee, mois),
                       required=["finess", "entree"])
    writer.write(as_text(df, etab.seconds))
    ctx.record(path, "rpu_csv", writer.close())


def _escaped(name: str) -> pl.Expr:
    col = pl.col(name).fill_null("")
    if name in ("commune", "motif"):  # free text; codes need no escaping
        col = col.str.replace_all("&", "&amp;", literal=True).str.replace_all(
            "<", "&lt;", literal=True).str.replace_all(">", "&gt;", literal=True)
    return col


def _element(name: str) -> pl.Expr:
    tag = name.upper()
    if name in ("liste_da", "liste_actes"):
        item = "DA" if name == "liste_da" else "ACTE"
        inner = pl.format(f"<{item}>{{}}</{item}>",
                          pl.col(name).str.replace_all(", ", f"</{item}><{item}>", literal=True))
        return pl.format(f"<{tag}>{{}}</{tag}>", inner.fill_null(""))
    return pl.format(f"<{tag}>{{}}</{tag}>", _escaped(name))


def _patients(df: pl.DataFrame) -> str:
    """One <PATIENT> line per row, built column-wise (fast at any volume)."""
    lines = as_text(df, False).select(
        pl.concat_str([pl.lit("    <PATIENT>"), *[_element(c) for c in _XML_FIELDS],
                       pl.lit("</PATIENT>\n")]).alias("x")
    )["x"]
    return "".join(lines.to_list())


def write_xml(ctx: Ctx, etab: Etablissement, annee: int, mois: int, df: pl.DataFrame,
              late: int = 0, encoding: str | None = None, form: str | None = None) -> datetime:
    """`form`: None (canonical), `national` (`O<FINESS>_<ORDRE>_<AAAAMMJJ>.xml` on one line, the
    window declared as the extraction day only) or `court` (`RPU_<FINESS>_<AAMMJJ>.txt`)."""
    encoding = encoding or etab.xml_encoding
    extract = extraction_instant(ctx, etab.finess, annee, mois, late)
    start = datetime(annee, mois, 1)
    end = datetime(annee + mois // 12, mois % 12 + 1, 1) - timedelta(days=1)
    name = {"national": f"O{etab.finess}_1_{extract:%Y%m%d}.xml",
            "court": f"RPU_{etab.finess}_{extract:%y%m%d}.txt"}.get(form or "",
                                                                f"RPU_{etab.finess}_{extract:%Y%m%d%H%M%S}.xml")
    if form == "national":
        start = end = extract
    path = ctx.path("hopital", name)
    head = (f'<?xml version="1.0" encoding="{encoding}"?>\n<OSCOUR>\n  <ETABLISSEMENT>\n'
            f"    <FINESS>{etab.finess}</FINESS><ORDRE>{1 if form == 'national' else 0}</ORDRE>\n"
            f"    <EXTRACT>{extract:%d/%m/%Y %H:%M:%S}</EXTRACT>\n"
            f"    <DATEDEBUT>{start:%d/%m/%Y}</DATEDEBUT><DATEFIN>{end:%d/%m/%Y}</DATEFIN>\n"
            "  </ETABLISSEMENT>\n  <PASSAGES>\n")
    body = _patients(df)
    tail = "  </PASSAGES>\n</OSCOUR>\n"
    if form == "national":  # one line, as regional observatories receive it
        head, body, tail = (re.sub(r">\s+<", "><", part.replace("\n", "")).strip()
                            for part in (head, body, tail))
    with path.open("wb") as out:
        out.write(head.encode(encoding))
        out.write(body.encode(encoding, errors="xmlcharrefreplace"))
        out.write(tail.encode(encoding))
    ctx.record(path, "rpu_xml", df.height)
    return extract


def redelivery_year(ctx: Ctx) -> int | None:
    full = [a for a in ctx.annees if len(ctx.months(a)) == 12]
    if not ctx.varies or not full:
        return None
    return 2024 if 2024 in full else max(full)


def _wrong_version(ctx: Ctx, df: pl.DataFrame) -> pl.DataFrame:
    """What the hospital first sent: rows missing and some outcomes miscoded."""
    rng = ctx.rng("rpu-erronee")
    keep = pl.Series(rng.random(df.height) >= 0.12)
    flip = pl.Series(rng.random(df.height) < 0.05)
    return df.with_columns(
        mode_sortie=pl.when(flip & (pl.col("mode_sortie") == "8")).then(pl.lit("6"))
        .otherwise(pl.col("mode_sortie"))
    ).filter(keep)


def write_redelivery(ctx: Ctx, etab: Etablissement, annee: int, df: pl.DataFrame) -> None:
    """A wrong CSV first, then the right content as a later XML extraction of the same scope."""
    write_csv(ctx, etab, annee, REDELIVERY_MONTH, _wrong_version(ctx, df))
    extract = write_xml(ctx, etab, annee, REDELIVERY_MONTH, df, late=1, encoding="ISO-8859-1")
    first = extraction_instant(ctx, etab.finess, annee, REDELIVERY_MONTH)
    csv_path = ctx.sortie / "hopital" / f"RPU_{etab.finess}_{annee}{REDELIVERY_MONTH:02d}.csv"
    os.utime(csv_path, (first.timestamp(), first.timestamp()))
    assert extract > first


def write_rpu(ctx: Ctx, etabs: list[Etablissement], annee: int) -> None:
    plan = rpu_plan(ctx, etabs, annee)
    again = redelivery_year(ctx)
    for etab in etabs:
        for mois in ctx.rpu_months(annee):
            df = passages(ctx, etab, annee, mois, plan[(etab.finess, mois)])
            if etab.finess == GIER and annee == again and mois == REDELIVERY_MONTH:
                write_redelivery(ctx, etab, annee, df)
            elif etab.rpu_format == "xml":
                write_xml(ctx, etab, annee, mois, df,
                          form=conventions.rpu_convention(ctx, etab.finess, annee, mois))
            else:
                write_csv(ctx, etab, annee, mois, df,
                          conventions.rpu_convention(ctx, etab.finess, annee, mois) == "regional")
