"""The bad-inputs set: each defect is really there, where the manifest says."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from defusedxml import EntitiesForbidden
from openpyxl import load_workbook
from test_generator_lecture import boite, read_csv

from cpts.identifiers import finess_valid, looks_like_nir

__all__ = ["boite"]
DEFECTS = ["octets_indecodables", "colonne_obligatoire_absente", "fichier_vide", "entete_seule",
           "entree_illisible", "lignes_invalides_5pct", "finess_cle_invalide",
           "perimetre_contredit", "feuille_absente", "xlsx_tronque", "bombe_xml_xlsx",
           "nir_dans_colonne", "formule_texte", "pmsi_obsolete", "annexe_seuils_non_monotones",
           "nir_dans_texte", "bombe_zip_xlsx"]


@pytest.fixture(scope="module")
def manifest(boite: Path) -> dict[str, list[dict]]:
    data = json.loads((boite / "defauts" / "manifest.json").read_text(encoding="utf-8"))
    return {d["defaut"]: d["fichiers"] for d in data["defauts"]}


def _faulty(manifest: dict, name: str) -> dict:
    return next(f for f in manifest[name] if f["attendu"] != "charge" or name in (
        "entete_seule", "formule_texte"))


def _path(boite: Path, entry: dict) -> Path:
    return boite / "defauts" / entry["fichier"]


def test_manifest_lists_every_defect(boite: Path, manifest: dict) -> None:
    assert list(manifest) == DEFECTS
    for name, entries in manifest.items():
        for e in entries:
            assert e["attendu"] in {"quarantaine", "rejet_ligne", "obsolete", "charge"}
            assert _path(boite, e).is_file(), e["fichier"]
            assert e["fichier"].startswith(e["boite"] + "/")
            provider = e["fichier"][len(e["boite"]) + 1:].split("/")[0]
            assert provider in {"hopital", "cpam", "cpts", "sas", "annuaire"}, name


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def test_csv_defects(boite: Path, manifest: dict) -> None:
    raw = _path(boite, _faulty(manifest, "octets_indecodables")).read_bytes()
    for encoding in ("utf-8", "cp1252"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode(encoding)
    header = _lines(_path(boite, _faulty(manifest, "colonne_obligatoire_absente")))[0]
    assert b"entree" not in header.split(b";")
    assert _path(boite, _faulty(manifest, "fichier_vide")).stat().st_size == 0
    assert len(_lines(_path(boite, _faulty(manifest, "entete_seule")))) == 1


def _entree_at(path: Path, line: int) -> str:
    header = _lines(path)[0].decode().split(";")
    return _lines(path)[line - 1].decode().split(";")[header.index("entree")]


def test_bad_rows(boite: Path, manifest: dict) -> None:
    one = _faulty(manifest, "entree_illisible")
    path = _path(boite, one)
    assert one["attendu"] == "rejet_ligne" and len(_lines(path)) == 1001
    assert _entree_at(path, one["lignes"][0]) == "32/03/2024 14:05"
    many = _faulty(manifest, "lignes_invalides_5pct")
    assert many["attendu"] == "quarantaine" and len(many["lignes"]) == 50
    for line in many["lignes"]:
        value = _entree_at(_path(boite, many), line)
        assert not value or not value[:2].isdigit() or value.startswith("32/")
    scope = _faulty(manifest, "perimetre_contredit")
    assert _entree_at(_path(boite, scope), scope["lignes"][0])[2:10] == "/04/2024"


def test_identifier_defects(boite: Path, manifest: dict) -> None:
    bad = _path(boite, _faulty(manifest, "finess_cle_invalide"))
    finess = bad.name.split("_")[1]
    assert not finess_valid(finess)
    assert set(read_csv(bad)["finess"]) == {finess}
    nir = _faulty(manifest, "nir_dans_colonne")
    df = read_csv(_path(boite, nir))
    assert looks_like_nir(df[nir["colonne"]][nir["lignes"][0] - 2])


def test_workbook_defects(boite: Path, manifest: dict) -> None:
    wb = load_workbook(_path(boite, _faulty(manifest, "feuille_absente")), read_only=True)
    assert "Patientèle MT" not in wb.sheetnames
    with pytest.raises(zipfile.BadZipFile):
        load_workbook(_path(boite, _faulty(manifest, "xlsx_tronque")))
    bomb = _path(boite, _faulty(manifest, "bombe_xml_xlsx"))
    assert bomb.stat().st_size < 20_000
    with pytest.raises(ValueError) as refused:  # openpyxl wraps defusedxml's refusal
        load_workbook(bomb)
    assert type(refused.value.__cause__) is EntitiesForbidden
    entry = _faulty(manifest, "formule_texte")
    sheet, cell = entry["cellule"].split("!")
    value = load_workbook(_path(boite, entry))[sheet][cell]
    assert value.data_type == "s" and value.value.startswith("=HYPERLINK(")


def test_pmsi_and_annex_defects(boite: Path, manifest: dict) -> None:
    first, second = manifest["pmsi_obsolete"]
    assert (first["passage"], first["attendu"]) == (1, "charge")
    assert (second["passage"], second["attendu"]) == (2, "obsolete")
    assert first["fichier"].endswith("_2024_M06.csv")
    assert second["fichier"].endswith("_2024_M03.csv")
    assert Path(first["fichier"]).name[:22] == Path(second["fichier"]).name[:22]
    entry = _faulty(manifest, "annexe_seuils_non_monotones")
    ws = load_workbook(_path(boite, entry))["Indicateurs"]
    row = [c.value for c in ws[entry["lignes"][0]]]
    assert row[4] in ("≥", ">=") and not row[5] < row[7] < row[9]
