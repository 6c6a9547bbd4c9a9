"""Given hostile or careless deliveries (zip bombs, deep XML, endless lines, UTF-16, NUL bytes,
formulas, NIRs hidden in names and headers), when a reader opens them, then each is refused before
parsing with a French message naming the file, the place and the limit — or read as the spec says."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpts.config import Limits, Settings
from cpts.identifiers import nir_key
from generator.defauts.zipbomb import write_bomb
from schemas import cpam_prado, rpu_csv, rpu_xml
from schemas.base import Extract, FileRejected, FileType, ReadContext
from tasks.reading import read_delivery
from tests.builders import month_of_passages, write_rpu_csv
from tests.builders_hopital import write_rpu_xml, xml_passage
from tests.builders_xlsx import write_prado
from tests.conftest import TEST_KEY

GIER = "420001232"
NIR = "2920699123087" + f"{nir_key('2920699123087'):02d}"
MARCH = (datetime(2024, 3, 1).date(), datetime(2024, 3, 31).date())


@dataclass
class Outcome:
    extract: Extract | None = None
    refusal: str | None = None


def read(file_type: FileType, path: Path, limits: Limits | None = None, name: str | None = None) -> Outcome:
    name = name or path.name
    ctx = ReadContext(path, name, file_type.matches(path.name), TEST_KEY.encode(), ("42", "69"),
                      limits or Limits())
    try:
        return Outcome(extract=read_delivery(file_type, ctx))
    except FileRejected as exc:
        assert NIR not in str(exc)
        return Outcome(refusal=str(exc))


def rewrite_part(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info, change(data) if info.filename == part else data)


# --- workbooks ---------------------------------------------------------------------------------

def test_an_xlsx_zip_bomb_is_refused_from_its_central_directory(tmp_path: Path) -> None:
    template = write_prado(tmp_path / "modele")
    bomb = tmp_path / template.name
    packed = write_bomb(template, bomb, "xl/worksheets/sheet1.xml", 300_000_000)
    assert packed < 2_000_000  # a few hundred kB that would unpack to 300 MB

    outcome = read(cpam_prado.FILE_TYPE, bomb)

    assert outcome.refusal is not None
    assert "xl/worksheets/sheet1.xml" in outcome.refusal
    assert "CPTS_LIMITS__XLSX_MEMBER_MAX_MB" in outcome.refusal
    assert "300 Mo" in outcome.refusal and "limite de 50 Mo" in outcome.refusal


def test_a_part_compressed_beyond_the_ratio_limit_is_refused(tmp_path: Path) -> None:
    template = write_prado(tmp_path / "modele")
    bomb = tmp_path / template.name
    write_bomb(template, bomb, "xl/worksheets/sheet1.xml", 20_000_000)  # under the 50 MB size limit

    outcome = read(cpam_prado.FILE_TYPE, bomb)

    assert outcome.refusal and "CPTS_LIMITS__XLSX_MAX_RATIO" in outcome.refusal, outcome.refusal


def test_a_sheet_longer_than_the_row_limit_is_refused_whatever_its_declared_dimension(tmp_path: Path) -> None:
    path = write_prado(tmp_path)
    rewrite_part(path, "xl/worksheets/sheet1.xml",
                 lambda x: x.replace(b'<dimension ref="A1:C8"', b'<dimension ref="A1:XFD1048576"'))

    assert read(cpam_prado.FILE_TYPE, path).extract is not None  # a lying dimension costs nothing
    refusal = read(cpam_prado.FILE_TYPE, path, Limits(xlsx_max_rows=5)).refusal
    assert refusal and "plus de 5 lignes" in refusal and "CPTS_LIMITS__XLSX_MAX_ROWS" in refusal


def with_formula(path: Path, cell: str, formula: str, cached: str | None) -> None:
    book = load_workbook(path)
    book["PRADO"][cell] = f"={formula}"
    book.save(path)
    value = b"<v>%s</v>" % cached.encode() if cached is not None else b""
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda x: x.replace(b"<v />", value))


def test_a_formula_gives_the_value_excel_cached_and_is_noted_naming_its_cell(tmp_path: Path) -> None:
    path = write_prado(tmp_path)
    with_formula(path, "C6", "6+6", "12")

    extract = read(cpam_prado.FILE_TYPE, path).extract

    assert extract is not None
    assert extract.tables["cpam_prado"]["patients_inclus"].to_list() == [12, 3, 5]
    (anomaly,) = extract.anomalies
    assert (anomaly.nature, anomaly.colonne, anomaly.nombre) == ("formule_valeur_calculee", "PRADO!C6", 1)
    assert "6+6" not in repr(extract)  # the formula text is never kept


def test_a_formula_without_a_cached_value_is_refused_naming_its_cell(tmp_path: Path) -> None:
    path = write_prado(tmp_path)
    with_formula(path, "C6", "6+6", None)

    refusal = read(cpam_prado.FILE_TYPE, path).refusal

    assert refusal and "feuille PRADO, cellule C6" in refusal and "formule sans valeur calculée" in refusal
    assert "6+6" not in refusal


@pytest.mark.parametrize("where", ["sheet name", "header", "text cell", "document title"])
def test_a_nir_anywhere_in_a_workbook_condemns_it_without_quoting_it(tmp_path: Path, where: str) -> None:
    path = write_prado(tmp_path)
    book = load_workbook(path)
    sheet = book["PRADO"]
    if where == "sheet name":
        sheet.title = f"PRADO {NIR}"
    elif where == "header":
        sheet["D5"] = f"N° {NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}"
    elif where == "text cell":
        sheet["B7"] = f"personnes agees (patient {NIR})"
    else:
        book.properties.title = f"Extraction {NIR}"
    book.save(path)

    refusal = read(cpam_prado.FILE_TYPE, path).refusal

    assert refusal and "structure d'un NIR" in refusal and path.name in refusal


# --- text files --------------------------------------------------------------------------------

def test_a_csv_line_beyond_the_limit_is_refused_naming_line_and_limit(tmp_path: Path) -> None:
    rows = month_of_passages(GIER, 2024, 3, 10)
    rows[4]["motif"] = "R" * 5000
    path = write_rpu_csv(tmp_path, GIER, "202403", rows)

    refusal = read(rpu_csv.FILE_TYPE, path, Limits(line_max_bytes=4096)).refusal

    assert refusal and "ligne 6 de plus de 4096 octets" in refusal and "LINE_MAX_BYTES" in refusal


def test_a_file_beyond_the_size_limit_is_refused_before_being_read(tmp_path: Path) -> None:
    path = write_rpu_csv(tmp_path, GIER, "202403", month_of_passages(GIER, 2024, 3, 9000))

    refusal = read(rpu_csv.FILE_TYPE, path, Limits(file_max_mb=1)).refusal

    assert refusal and "limite de 1 Mo" in refusal and "CPTS_LIMITS__FILE_MAX_MB" in refusal


def test_a_utf16_csv_gets_the_encoding_the_place_and_what_to_do(tmp_path: Path) -> None:
    path = write_rpu_csv(tmp_path, GIER, "202403", month_of_passages(GIER, 2024, 3, 5), encoding="utf-16")

    refusal = read(rpu_csv.FILE_TYPE, path).refusal

    assert refusal and "UTF-16" in refusal and "ligne 1" in refusal and "colonne" in refusal
    assert "Réenregistrez le fichier en UTF-8" in refusal


def test_a_nul_byte_names_its_line_and_column(tmp_path: Path) -> None:
    rows = month_of_passages(GIER, 2024, 3, 5)
    rows[2]["commune"] = "SAINT\x00CHAMOND"
    path = write_rpu_csv(tmp_path, GIER, "202403", rows)

    refusal = read(rpu_csv.FILE_TYPE, path).refusal

    assert refusal and "octet nul" in refusal and "ligne 4, colonne « commune »" in refusal


@pytest.mark.parametrize("where", ["motif", "header", "file name"])
def test_a_nir_inside_a_csv_value_header_or_file_name_condemns_the_file(tmp_path: Path, where: str) -> None:
    rows = month_of_passages(GIER, 2024, 3, 5)
    header = None
    if where == "motif":
        rows[1]["motif"] = f"NIR{NIR}"
    elif where == "header":
        from tests.builders import RPU_HEADER
        header = [*RPU_HEADER, f"num {NIR}"]
    path = write_rpu_csv(tmp_path, GIER, "202403", rows, header=header)
    name = f"{path.stem}_{NIR}.csv" if where == "file name" else path.name

    refusal = read(rpu_csv.FILE_TYPE, path, name=name).refusal

    assert refusal and "structure d'un NIR" in refusal
    place = {"motif": "ligne 3, colonne « motif »", "header": "ligne 1 (en-tête)",
             "file name": "nom du fichier"}
    assert place[where] in refusal, refusal


def test_xml_deeper_than_the_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = write_rpu_xml(tmp_path, GIER, datetime(2024, 4, 5, 3, 12), *MARCH,
                         [xml_passage(GIER, datetime(2024, 3, 3, 14, 5), motif="ICI")])
    path.write_bytes(path.read_bytes().replace(b"ICI", b"<A>" * 40 + b"</A>" * 40))

    refusal = read(rpu_xml.FILE_TYPE, path).refusal

    assert refusal and "plus de 32 niveaux" in refusal and "CPTS_LIMITS__XML_MAX_DEPTH" in refusal


def test_a_nir_in_the_xml_header_or_in_an_entity_free_character_reference_condemns_the_file(
        tmp_path: Path) -> None:
    path = write_rpu_xml(tmp_path, GIER, datetime(2024, 4, 5, 3, 12), *MARCH,
                         [xml_passage(GIER, datetime(2024, 3, 3, 14, 5))])
    text = path.read_bytes()
    extract = text.replace(b"<EXTRACT>", f"<EXTRACT>{NIR} ".encode())
    path.write_bytes(extract)
    assert "balise <EXTRACT>" in (read(rpu_xml.FILE_TYPE, path).refusal or "")
    hidden = "".join(f"&#{ord(c)};" for c in NIR)  # invisible to a byte scan, seen once parsed
    path.write_bytes(text.replace(b"<EXTRACT>", f"<EXTRACT>{hidden} ".encode()))
    assert "balise <EXTRACT>" in (read(rpu_xml.FILE_TYPE, path).refusal or "")


def test_limits_are_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CPTS_LIMITS__XLSX_MAX_RATIO", "40")
    assert Settings().limits.xlsx_max_ratio == 40


def test_an_identifier_in_arabic_indic_digits_is_refused_naming_line_and_column(tmp_path: Path) -> None:
    rows = month_of_passages(GIER, 2024, 3, 5)
    rows[3]["cp"] = "٤٢٤٠٠"  # 42400
    path = write_rpu_csv(tmp_path, GIER, "202403", rows)

    refusal = read(rpu_csv.FILE_TYPE, path).refusal

    assert refusal and "ligne 5, colonne « cp »" in refusal and "chiffres autres que 0 à 9" in refusal


def test_headers_repeated_or_blank_once_normalised_keep_the_first_column(tmp_path: Path) -> None:
    from tests.builders import RPU_HEADER

    rows = month_of_passages(GIER, 2024, 3, 5)
    path = write_rpu_csv(tmp_path, GIER, "202403", rows, header=[*RPU_HEADER, " Motif ", "  ", ""])

    extract = read(rpu_csv.FILE_TYPE, path).extract

    assert extract is not None and extract.rows_read == 5 and not extract.rejects


def test_an_absurdly_large_count_is_a_row_reject_not_an_overflow(tmp_path: Path) -> None:
    from schemas import cpam_patientele_mt
    from tests.builders_xlsx import write_patientele

    communes = [[42207, "Saint-Chamond", 2.3e171, 80, 300, 10, 250, 12, 90, 1],
                ["42110", "Genilac", 400, 5, 70, 6, 60, 7, 20, 0]]
    path = write_patientele(tmp_path, communes=communes)

    extract = read(cpam_patientele_mt.FILE_TYPE, path).extract

    assert extract is not None and [r.cellule for r in extract.rejects] == ["C6"]


def test_a_workbook_with_a_corrupt_zip_directory_is_refused_in_french(tmp_path: Path) -> None:
    path = write_prado(tmp_path)
    data = bytearray(path.read_bytes())
    directory = data.rfind(b"PK\x01\x02")
    data[directory + 4] = 0xFF  # « version made by »: zipfile refuses the directory entry
    data[directory + 6] = 0xFF
    path.write_bytes(bytes(data))

    refusal = read(cpam_prado.FILE_TYPE, path).refusal

    assert refusal and "classeur Excel illisible" in refusal
