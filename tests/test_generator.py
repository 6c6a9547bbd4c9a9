"""Sample-export generator: determinism, variations, no NIR anywhere, API behaviour."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_generator_lecture import boite, decode, read_csv, sheet_rows

from cpts.identifiers import looks_like_nir
from generator import generate

__all__ = ["boite"]
ROOT = Path(__file__).resolve().parents[1]
SMALL = {"annees": [2024], "echelle": 0.05, "graine": 7, "defauts": True}
# Candidate NIRs: 15 characters not glued to other letters or digits.
_NIR_LIKE = re.compile(r"(?<![0-9A-Za-z])[12]\d{4}(?:\d{2}|2[AB])\d{8}(?![0-9A-Za-z])")


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("petit")
    generate(out, **SMALL)
    return out


def test_same_seed_same_bytes_in_another_process(small: Path, tmp_path: Path) -> None:
    code = f"from generator import generate; generate({str(tmp_path)!r}, **{SMALL!r})"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    assert digests(tmp_path) == digests(small)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("propre")
    generate(out, annees=[2023, 2024], echelle=0.05, graine=7, variations=0)
    return out


def test_other_seed_other_bytes(tmp_path: Path) -> None:
    tiny = {"territoires": ["vallee-du-gier"], "annees": [2024], "echelle": 0.05}
    for graine in (7, 8):
        generate(tmp_path / str(graine), graine=graine, **tiny)
    a, b = digests(tmp_path / "7"), digests(tmp_path / "8")
    common = [k for k in a if k in b and k.startswith(("hopital/", "sas/SAS_rdv"))]
    assert len(common) > 30 and all(a[k] != b[k] for k in common)


def _text_files(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in (".csv", ".xml", ".txt") and path.is_file():
            yield path


def test_variations_are_present(boite: Path) -> None:
    hopital = sorted((boite / "hopital").glob("RPU_*.csv"))
    raw = {p: p.read_bytes() for p in hopital}
    assert any(_not_utf8(b) and b.decode("cp1252") for b in raw.values())  # windows-1252
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw.values())  # BOM
    assert any(b"\r\n" in b for b in raw.values())  # CRLF
    text = "\n".join(decode(b) for b in raw.values())
    assert re.search(r";(IZIEUX|LA CULA|ST JULIEN EN JAREZ);", text)  # historical names
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}", text)  # seconds
    assert re.search(r";[A-Z]\d{2}\.\d;", text)  # dotted DP
    assert ";XYZ" in text and all(f";{t};" in text for t in ("NULL", "NA", "-"))
    headers = [decode(b).splitlines()[0] for b in raw.values()]
    assert any(h.startswith("FINESS;") for h in headers)  # upper-case header
    assert any(" Cp " in h for h in headers)  # spaces around a header name
    assert any("version_logiciel" in h for h in headers)  # extra column
    masks, numeric = set(), False
    for path in (boite / "cpam").glob("CPAM_patientele_MT_*.xlsx"):
        rows = sheet_rows(path, "Patientèle MT")
        masks |= {v for r in rows[5:] for v in r[2:] if isinstance(v, str)}
        numeric |= isinstance(rows[5][0], int)
    assert {"<5", "< 5", "s", "NS"} <= masks and numeric


def test_corrected_redelivery(boite: Path) -> None:
    """Same hospital and month: a CSV first, then an XML whose content is the right one."""
    csvs = {p.name[4:20] for p in (boite / "hopital").glob("RPU_*_??????.csv")}
    xml = [p for p in (boite / "hopital").glob("RPU_*.xml") if p.name[4:13] == "420013781"]
    assert "420013781_202403" in csvs and len(xml) == 1
    march = read_csv(boite / "hopital" / "RPU_420013781_202403.csv")
    assert march.height < xml[0].read_bytes().count(b"<PATIENT>")


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_clean_files_without_variations(clean: Path) -> None:
    for path in _text_files(clean):
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data, path.name
        text = data.decode("utf-8")
        assert not re.search(r"(^|;)(NULL|NA|-)(;|$)", text, re.M), path.name
        assert "ISO-8859-1" not in text[:60] and ";XYZ" not in text
        if path.suffix == ".csv":
            header = text.splitlines()[0]
            assert header == header.strip().lower(), path.name


def _xlsx_values(path: Path):
    try:
        wb = load_workbook(path, read_only=True)
    except Exception:  # truncated or hostile workbooks of the defects set
        return
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            yield from (str(v) for v in row if v is not None)


def test_no_value_looks_like_a_nir(boite: Path) -> None:
    found = []
    for path in sorted(boite.rglob("*")):
        # The NIR defects hold one on purpose; the zip bomb unpacks to 300 MB (refused unopened).
        if {"nir_dans_colonne", "nir_dans_texte", "bombe_zip_xlsx"} & set(path.parts) or not path.is_file():
            continue
        if path.suffix.lower() == ".xlsx":
            found += [(path.name, v) for v in _xlsx_values(path) if looks_like_nir(v)]
        elif path.suffix.lower() in (".csv", ".xml", ".txt"):
            text = path.read_bytes().decode("latin-1")  # any bytes, digits stay digits
            found += [(path.name, v) for v in _NIR_LIKE.findall(text) if looks_like_nir(v)]
    assert found == []
    nir_file = next((boite / "defauts" / "nir_dans_colonne").rglob("*_202403.csv"))
    assert [v for v in _NIR_LIKE.findall(decode(nir_file.read_bytes())) if looks_like_nir(v)]


def test_later_years_and_small_scales(tmp_path: Path) -> None:
    summary = generate(tmp_path, territoires=["grand-saint-etienne"], annees=[2025],
                       echelle=0.02, variations=0.5)
    names = {f.chemin for f in summary.fichiers}
    assert "hopital/PMSI_MCO_420784878_2025_M06.csv" in names  # the current year stops in June
    assert "cpam/CPAM_patientele_MT_20250630_grand-saint-etienne.xlsx" in names
    assert not any(re.search(r"20251231|_2025(0[7-9]|1[0-2])\.csv", n) for n in names)
    assert all(f.lignes >= 0 for f in summary.fichiers) and summary.total_lignes > 1000


def test_rpu_of_one_month_are_the_files_of_the_whole_generation(small: Path, tmp_path: Path) -> None:
    params = {k: v for k, v in SMALL.items() if k != "defauts"}
    summary = generate(tmp_path, seulement=["rpu"], mois=[1], **params)
    written, full = digests(tmp_path), digests(small)
    assert {f.type for f in summary.fichiers} == {"rpu_csv", "rpu_xml"}
    assert written.items() <= full.items()  # same bytes as in the whole year's inbox
    january = {k for k in full if re.fullmatch(r"hopital/RPU_\d{9}_202401\.csv", k)}
    assert january and {k for k in written if k.endswith(".csv")} == january
    assert 0 < len(written) < len([k for k in full if k.startswith("hopital/RPU_")]) / 6


def test_restrictions_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="famille de fichiers inconnue : rpus"):
        generate(tmp_path, seulement=["rpus"])
    with pytest.raises(ValueError, match="mois attendus entre 1 et 12 : 13"):
        generate(tmp_path, mois=[13])
    assert not any(tmp_path.iterdir())


def test_command_line_restricts_to_the_rpu_of_a_month(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cpts.cli import app

    args = ["generer-exemples", "--sortie", str(tmp_path), "--annees", "2024", "--echelle", "0.02",
            "--seulement", "rpu", "--mois", "2"]
    assert CliRunner().invoke(app, args).exit_code == 0
    names = [p.name for p in tmp_path.rglob("*") if p.is_file()]
    assert names and all(re.fullmatch(r"RPU_\d{9}_(202402\.csv|202403\d{8}\.xml)", n) for n in names)
    refused = CliRunner().invoke(app, [*args[:-2], "--mois", "0"])
    assert refused.exit_code == 1 and "mois attendus entre 1 et 12 : 0" in refused.output


def test_unknown_territory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="territoire inconnu"):
        generate(tmp_path, territoires=["atlantide"])


def test_workbooks_are_real_xlsx(boite: Path) -> None:
    for path in (boite / "cpts").glob("*.xlsx"):
        assert zipfile.is_zipfile(path)
    params = sheet_rows(boite / "cpts" / "CPTS_annexe_indicateurs_2024_vallee-du-gier.xlsx",
                        "Paramètres")
    assert params[2][0] == "Début année contractuelle" and params[2][1].day == 7
