"""Defects in hospital files (RPU, PMSI)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from cpts.identifiers import finess_valid, looks_like_nir, nir_key
from generator.context import Ctx
from generator.defauts import common
from generator.defauts.common import FIRST_DATA_LINE, Entry, mini_ctx, relative
from generator.establishments import Etablissement, base_establishments
from generator.pmsi_rows import stays
from generator.pmsi_write import cumulative_writer, stays_as_text
from generator.rpu_rows import COLUMNS

YEAR, MONTH = 2024, 3
BAD_BYTES = b"\x81\x8d\x90\xc3("  # undefined in windows-1252 and invalid UTF-8


def _etab(ctx: Ctx) -> Etablissement:
    return base_establishments(ctx)[2]  # a CSV-sending hospital


def _with_value(df: pl.DataFrame, index: int, column: str, value: str) -> pl.DataFrame:
    """`value` in one cell; an empty string is written as an empty cell."""
    new = pl.lit(value or None, dtype=pl.String)
    return df.with_columns(
        pl.when(pl.int_range(pl.len()) == index).then(new).otherwise(pl.col(column)).alias(column)
    )


def _rows(ctx: Ctx, n: int, mois: int = MONTH) -> pl.DataFrame:
    return common.rpu_rows(ctx, _etab(ctx), YEAR, mois, n)


def _write(ctx: Ctx, df: pl.DataFrame, mois: int = MONTH, **kwargs) -> Path:
    return common.write_rpu_text(ctx, _etab(ctx), YEAR, mois, df, **kwargs)


def _companion(ctx: Ctx, root: Path, boite: str) -> Entry:
    path = _write(ctx, _rows(ctx, 150, MONTH + 1), MONTH + 1)
    return Entry(relative(path, root), "charge", "fichier valide à côté du défaut", boite,
                 lignes_chargees=150)


def undecodable(ctx: Ctx, root: Path) -> list[Entry]:
    sub = mini_ctx(ctx, root, "octets_indecodables")
    df = _with_value(_rows(sub, 200), 57, "commune", "@@OCTETS@@")
    path = _write(sub, df)
    path.write_bytes(path.read_bytes().replace(b"@@OCTETS@@", b"ST CHAM" + BAD_BYTES + b"OND"))
    return [Entry(relative(path, root), "quarantaine", "octets ni UTF-8 ni windows-1252",
                  "octets_indecodables", lignes=[57 + FIRST_DATA_LINE], colonne="commune"),
            _companion(sub, root, "octets_indecodables")]


def missing_column(ctx: Ctx, root: Path) -> list[Entry]:
    sub = mini_ctx(ctx, root, "colonne_obligatoire_absente")
    columns = [c for c in COLUMNS if c != "entree"]
    path = _write(sub, _rows(sub, 120), columns=columns)
    return [Entry(relative(path, root), "quarantaine", "colonne obligatoire absente",
                  "colonne_obligatoire_absente", colonne="entree"),
            _companion(sub, root, "colonne_obligatoire_absente")]


def empty_file(ctx: Ctx, root: Path) -> list[Entry]:
    sub, etab = mini_ctx(ctx, root, "fichier_vide"), _etab(ctx)
    path = sub.path("hopital", f"RPU_{etab.finess}_{YEAR}{MONTH:02d}.csv")
    path.write_bytes(b"")
    return [Entry(relative(path, root), "quarantaine", "fichier vide (0 octet)", "fichier_vide"),
            _companion(sub, root, "fichier_vide")]


def header_only(ctx: Ctx, root: Path) -> list[Entry]:
    sub = mini_ctx(ctx, root, "entete_seule")
    path = _write(sub, _rows(sub, 1).head(0))
    return [Entry(relative(path, root), "charge",
                  "en-tête seule : livraison valide de 0 passage (vide le périmètre de mars)",
                  "entete_seule", lignes_chargees=0),
            _companion(sub, root, "entete_seule")]


def bad_entree(ctx: Ctx, root: Path, share: int) -> list[Entry]:
    """`share` bad ENTREE values among 1,000 rows (1 → rejected row, 50 → quarantined file)."""
    boite = "entree_illisible" if share == 1 else "lignes_invalides_5pct"
    sub = mini_ctx(ctx, root, boite)
    df = _rows(sub, 1000)
    bad = [513] if share == 1 else list(range(7, 1000, 20))[:share]
    for k, index in enumerate(bad):
        df = _with_value(df, index, "entree", ["32/03/2024 14:05", "hier soir", ""][k % 3]
                         if share > 1 else "32/03/2024 14:05")
    path = _write(sub, df)
    lines = [i + FIRST_DATA_LINE for i in bad]
    if share == 1:
        return [Entry(relative(path, root), "rejet_ligne", "ENTREE illisible", boite,
                      lignes=lines, colonne="entree", lignes_chargees=999)]
    return [Entry(relative(path, root), "quarantaine", "5 % de lignes invalides (> 2 %)", boite,
                  lignes=lines, colonne="entree"), _companion(sub, root, boite)]


def bad_finess(ctx: Ctx, root: Path) -> list[Entry]:
    sub, etab = mini_ctx(ctx, root, "finess_cle_invalide"), _etab(ctx)
    wrong = etab.finess[:-1] + str((int(etab.finess[-1]) + 3) % 10)
    assert not finess_valid(wrong)
    df = _rows(sub, 100).with_columns(finess=pl.lit(wrong))
    path = _write(sub, df, name=f"RPU_{wrong}_{YEAR}{MONTH:02d}.csv")
    return [Entry(relative(path, root), "quarantaine",
                  "FINESS à clé de Luhn invalide (nom du fichier et lignes)",
                  "finess_cle_invalide", colonne="finess"),
            _companion(sub, root, "finess_cle_invalide")]


def out_of_scope(ctx: Ctx, root: Path) -> list[Entry]:
    sub = mini_ctx(ctx, root, "perimetre_contredit")
    march = _rows(sub, 300)
    april = _rows(sub, 1, MONTH + 1)
    df = pl.concat([march.head(211), april, march.tail(89)])
    path = _write(sub, df)
    return [Entry(relative(path, root), "quarantaine",
                  "passage d'avril dans le fichier de mars", "perimetre_contredit",
                  lignes=[211 + FIRST_DATA_LINE], colonne="entree"),
            _companion(sub, root, "perimetre_contredit")]


def nir_in_column(ctx: Ctx, root: Path) -> list[Entry]:
    sub = mini_ctx(ctx, root, "nir_dans_colonne")
    body = "1850742218123"  # fictitious person: sex, year, month, department, commune, order
    nir = f"{body}{nir_key(body):02d}"
    assert looks_like_nir(nir)
    df = _with_value(_rows(sub, 200), 88, "motif", nir)
    path = _write(sub, df)
    return [Entry(relative(path, root), "quarantaine",
                  "numéro de sécurité sociale dans une colonne (fichier refusé, jamais recopié)",
                  "nir_dans_colonne", lignes=[88 + FIRST_DATA_LINE], colonne="motif"),
            _companion(sub, root, "nir_dans_colonne")]


def nir_in_text(ctx: Ctx, root: Path) -> list[Entry]:
    """A NIR written the usual way (spaces between its groups) inside a free-text reason."""
    sub = mini_ctx(ctx, root, "nir_dans_texte")
    body = "2920699123087"
    nir = f"{body}{nir_key(body):02d}"
    spaced = " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])
    df = _with_value(_rows(sub, 200), 41, "motif", f"douleur, patient {spaced} vu la veille")
    path = _write(sub, df)
    return [Entry(relative(path, root), "quarantaine",
                  "NIR écrit avec des espaces dans un texte libre (fichier refusé, jamais recopié)",
                  "nir_dans_texte", lignes=[41 + FIRST_DATA_LINE], colonne="motif"),
            _companion(sub, root, "nir_dans_texte")]


def obsolete_pmsi(ctx: Ctx, root: Path) -> list[Entry]:
    """M06 loaded in a first run, then M03 of the same FINESS and year in a second run."""
    entries = []
    etab = base_establishments(ctx)[4]
    for passage, last in ((1, 6), (2, 3)):
        boite = f"pmsi_obsolete/passage_{passage}"
        sub = mini_ctx(ctx, root, boite)
        writer = cumulative_writer(sub, etab, YEAR, last)
        counter = 0
        for mois in range(1, last + 1):
            df = stays(sub, etab, YEAR, mois, {("autres",): 40}, [])
            writer.write(stays_as_text(df, etab, YEAR, counter))
            counter += df.height
        rows = writer.close()
        attendu, motif = (("charge", "cumul à fin juin") if passage == 1 else
                          ("obsolete", "M03 livré après M06 : refusé, rien de remplacé"))
        entries.append(Entry(relative(writer.path, root), attendu, motif, boite, passage,
                             lignes_chargees=rows if passage == 1 else None))
    return entries
