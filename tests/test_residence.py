"""Residence resolved by joins on prepared reference frames means what the one-value resolver means
(exports.md, Residence): every pair a generated inbox holds, and the tricky cases."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from test_generator_lecture import inbox, pmsi_stays, read_csv, rpu_passages

from cpts.labels import commune_name_expr, non_ascii_chars, normalise_commune_name
from cpts.residence import resolver, with_communes
from warehouse import reference

TRICKY = [
    ("42400", "IZIEUX", None), ("42400", "Izieux", None), ("42800", "LA CULA", None),
    ("42320", "LA CULA", None),
    ("42320", "la  cula", None), ("42400", "ST-CHAMOND", None), ("42400", "st chamond", None),
    ("42400", "Saint-Chamond", None), ("42800", "STE CROIX EN JAREZ", None),
    ("42800", "Sainte-Croix-en-Jarez", None), ("42100", "ST-ÉTIENNE", None),
    ("42000", "Saint Étienne", None), ("69001", "LYON", None), ("69003", "Lyon 3e Arrondissement", None),
    ("13001", "MARSEILLE", None), ("75012", "PARIS", None), ("99999", "INCONNUE", None),
    ("42999", None, None), ("69999", "", None), ("99134", "ESPAGNE", None), ("99100", None, None),
    (" 42400 ", " IZIEUX ", None), ("4240", "IZIEUX", None), ("", "IZIEUX", None), (None, "IZIEUX", None),
    ("  ", None, None), ("42800", "NOM INCONNU", None), ("69420", "NOM INCONNU", None),
    ("42400", "l’Horme", None), ("42152", "L'HORME", None), ("42400", "ST  ST", None),
    ("42400", None, "42207"), ("99999", None, "42218"), (None, None, " 42218 "), (None, None, "2a004"),
    (None, None, "69381"), (None, None, "00000"), (None, None, "99999"), (None, None, ""),
    ("42400", "IZIEUX", "xx"), ("69001", None, "69123"), ("2A004", "AJACCIO", None),
    ("20000", "AJACCIO", None), ("42400", "ŒUVRE ß ½ ǰ\u00a0\u2028", None),
]


def _resolved(rows: list[tuple[str | None, str | None, str | None]]) -> list[tuple]:
    frame = pl.DataFrame(rows, schema={"cp": pl.String, "nom": pl.String, "insee": pl.String},
                         orient="row")
    joined = with_communes(frame, "commune", cp="cp", name="nom", insee="insee",
                           territory="territoire").collect()
    return list(zip(joined["commune"], joined["territoire"], strict=True))


def _expected(rows: list[tuple[str | None, str | None, str | None]]) -> list[tuple]:
    res = resolver()
    return [(r.commune, r.territoire_cp) for r in (res.resolve(*row) for row in rows)]


def _every_reference_name() -> list[tuple[str | None, str | None, str | None]]:
    """Each postal code with each of its names as written in the reference (all three columns)."""
    postal = reference.postal_codes()
    libelle = reference.communes().select("code_insee", "libelle")
    joined = postal.join(libelle, on="code_insee", how="left")
    pairs = pl.concat([joined.select("code_postal", nom=c) for c in ("nom_commune", "ligne_5", "libelle")])
    return [(cp, nom, None) for cp, nom in pairs.unique().iter_rows()]


def test_the_join_resolves_the_tricky_cases_as_the_resolver_does() -> None:
    assert _resolved(TRICKY) == _expected(TRICKY)
    communes = dict(zip([r[:2] for r in TRICKY], [c for c, _ in _resolved(TRICKY)], strict=True))
    assert communes[("42400", "IZIEUX")] == "42207" and communes[("42800", "LA CULA")] == "42225"


def test_every_name_of_the_reference_resolves_as_the_resolver_does() -> None:
    rows = _every_reference_name()
    assert _resolved(rows) == _expected(rows)


@pytest.fixture(scope="module")
def boite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return inbox(tmp_path_factory, defauts=True)[0]


def test_every_pair_of_a_generated_inbox_resolves_as_the_resolver_does(boite: Path) -> None:
    rpu = rpu_passages(boite).select(cp="cp", nom="commune", insee=pl.lit(None, pl.String))
    pmsi = pmsi_stays(boite).select(cp="cp_residence", nom=pl.lit(None, pl.String),
                                    insee="commune_residence")
    annuaire = [read_csv(p, "|") for p in (boite / "annuaire").glob("*.txt")]
    frames = [rpu, pmsi] + [a.select(cp=pl.col("code postal (coord. structure)"),
                                     nom=pl.col("libellé commune (coord. structure)"),
                                     insee=pl.col("code commune (coord. structure)"))
                            for a in annuaire if "code postal (coord. structure)" in a.columns]
    rows = pl.concat(frames).unique().rows()
    assert len(rows) > 100
    assert _resolved(rows) == _expected(rows)


def test_the_name_normaliser_as_an_expression_is_the_python_one() -> None:
    names = [r[1] for r in TRICKY] + [n for _, n, _ in _every_reference_name()][:5000]
    series = pl.Series("nom", names, dtype=pl.String)
    expressed = pl.DataFrame([series]).select(commune_name_expr(pl.col("nom"), non_ascii_chars(series)))
    assert expressed["nom"].to_list() == [normalise_commune_name(n) for n in names]


@pytest.mark.parametrize("lazy", [False, True])
def test_rows_sharing_a_code_keep_their_place_when_the_commune_replaces_the_code(lazy: bool) -> None:
    """Each distinct key is resolved once and joined back: given codes repeated and null, resolved
    in place (the PMSI reader writes the commune over the code it read), then every row keeps its
    place and gets the resolver's commune."""
    codes = [" 42218 ", "69381", None, "42218", "69381", "2a004", None, "xx", "42218"]
    frame = pl.DataFrame({"commune_residence": codes, "n": range(len(codes))},
                         schema={"commune_residence": pl.String, "n": pl.Int64})
    joined = with_communes(frame.lazy() if lazy else frame, "commune_residence",
                           insee="commune_residence").collect()
    assert joined.columns == ["commune_residence", "n"]
    assert joined["n"].to_list() == list(range(len(codes)))
    assert joined["commune_residence"].to_list() == [resolver().resolve(None, None, c).commune for c in codes]
