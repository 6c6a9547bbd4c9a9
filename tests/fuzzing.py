"""Mutated deliveries for property-based tests of every reader (tests/test_fuzz_lecteurs.py) and
for `python -m bench.fuzz`: a valid seed file per reader, changed by hypothesis-drawn mutations
(hostile values, broken structure, bytes), then read. The only allowed outcomes are a load, row
rejects or a French refusal; never an unhandled exception, never a NIR in what would be stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from cpts.config import Limits
from cpts.identifiers import nir_key
from cpts.nir import contains_nir
from schemas.base import Extract, FileRejected, FileType, ReadContext
from tasks.reading import TYPES, read_delivery
from tests.builders import month_of_passages, write_rpu_csv
from tests.builders_annuaire import write_annuaire
from tests.builders_hopital import stays, write_pmsi, write_rpu_xml, xml_passage
from tests.builders_sas import CRENEAUX, EFFECTEURS, RDV, effecteur, id_nat, rdv_uuid, write_sas
from tests.builders_xlsx import write_activite, write_annexe, write_depistage, write_patientele, write_prado

KEY = b"cle-de-fuzzing"
CHU = "420784878"
NIR = "2920699123087" + f"{nir_key('2920699123087'):02d}"
SPECIALS = [
    NIR, f"NIR{NIR}", "2 92 06 99 123 087 " + NIR[13:], "٤٢٠٧٨٤٨٧٨", "４２２０７", "\x00", "\ufeff",
    '"', '""', ";", "|", "\r", "\n", "\r\n", "=1+1", "=HYPERLINK(\"x\")", "1e308", "-0", "NaN", "inf",
    "31/02/2024", "2024-13-45", "00/00/0000", "99999999999999999999", "<![CDATA[x]]>", "&lol;", "&#0;",
    "</PATIENT>", "<PATIENT>", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "TOTAL", "  ", "", "NULL", "-", "2A", "2B",
    "é", "\u202f", "x" * 5000, "9" * 300, "1" * 17, "0", "-1", "1,5", "12:61", "2024-03-31T02:30:00",
    "T", "\t",
]
FRENCH = ("fichier", "ligne", "colonne", "feuille", "cellule", "classeur", "balise", "refusé", "limite")


@dataclass(frozen=True)
class Seed:
    """A valid delivery of one reader: its file type and a builder writing it under a folder."""

    reader: str
    file_type: FileType
    write: Callable[[Path], Path]

    @property
    def workbook(self) -> bool:
        return self.file_type.pattern.pattern.endswith("xlsx")


def _rdv(i: int) -> dict[str, str]:
    return {"rdv_id": rdv_uuid(i), "cree_le": "2024-03-01", "debut": f"2024-03-{i + 2:02d}T10:00:00+01:00",
            "fin": "", "statut": "booked", "id_nat_ps": id_nat(i), "categorie_orientation": "PS",
            "type_consultation": "AMB", "patient_commune": "42218", "patient_tranche_age": "70+"}


def _creneau(i: int) -> dict[str, str]:
    return {"creneau_id": f"C{i}", "id_nat_ps": id_nat(i), "type_creneau": "public",
            "type_consultation": "AMB", "debut": f"2024-03-{i + 1:02d}T08:00:00+01:00",
            "fin": f"2024-03-{i + 1:02d}T10:30:00+01:00"}


SEEDS: dict[str, Seed] = {s.reader: s for s in [
    Seed("rpu_csv", TYPES["rpu_csv"],
         lambda d: write_rpu_csv(d, CHU, "202403", month_of_passages(CHU, 2024, 3, 4))),
    Seed("pmsi_mco", TYPES["pmsi_mco"], lambda d: write_pmsi(d, CHU, 2024, 3, stays(CHU, 2024, 3, 2))),
    Seed("sas_effecteurs", TYPES["sas_effecteurs"],
         lambda d: write_sas(d, "SAS_effecteurs_20240331.csv", EFFECTEURS, [effecteur(i) for i in range(3)])),
    Seed("sas_creneaux", TYPES["sas_creneaux"],
         lambda d: write_sas(d, "SAS_creneaux_202403.csv", CRENEAUX, [_creneau(i) for i in range(3)])),
    Seed("sas_rdv", TYPES["sas_rdv"],
         lambda d: write_sas(d, "SAS_rdv_202403.csv", RDV, [_rdv(i) for i in range(3)])),
    Seed("rpu_xml", TYPES["rpu_xml"],
         lambda d: write_rpu_xml(d, CHU, datetime(2024, 4, 5, 3, 12), date(2024, 3, 1), date(2024, 3, 31),
                                 [xml_passage(CHU, datetime(2024, 3, i + 1, 14, 5)) for i in range(3)])),
    Seed("annuaire", TYPES["annuaire"],
         lambda d: write_annuaire(d / "PS_LibreAcces_Personne_activite_202406010930.txt", 12)),
    Seed("cpam_prado", TYPES["cpam_prado"], write_prado),
    Seed("cpam_depistage", TYPES["cpam_depistage"], write_depistage),
    Seed("cpam_patientele_mt", TYPES["cpam_patientele_mt"], write_patientele),
    Seed("cpts_activite", TYPES["cpts_activite"], write_activite),
    Seed("cpts_annexe", TYPES["cpts_annexe"], write_annexe),
]}
FAMILIES = {
    "csv": ["rpu_csv", "pmsi_mco", "sas_effecteurs", "sas_creneaux", "sas_rdv"],
    "xml": ["rpu_xml"],
    "xlsx": ["cpam_prado", "cpam_depistage", "cpam_patientele_mt", "cpts_activite", "cpts_annexe"],
    "annuaire": ["annuaire"],
}

# --- strategies --------------------------------------------------------------------------------

texts = st.one_of(st.sampled_from(SPECIALS), st.text(max_size=40),
                  st.builds(lambda a, b: a + b, st.sampled_from(SPECIALS), st.text(max_size=10)))


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# A text mutation: (kind, position draw, payload).
text_mutations = st.lists(st.one_of(
    st.tuples(st.just("champ"), st.integers(0, 10_000), st.integers(0, 40), texts),
    st.tuples(st.just("insere"), st.integers(0, 10_000), st.just(0), texts),
    st.tuples(st.just("octets"), st.integers(0, 10_000), st.just(0), st.binary(max_size=12)),
    st.tuples(st.just("coupe"), st.integers(0, 10_000), st.just(0), st.just("")),
    st.tuples(st.just("efface_ligne"), st.integers(0, 10_000), st.just(0), st.just("")),
    st.tuples(st.just("double_ligne"), st.integers(0, 10_000), st.just(0), st.just("")),
), min_size=1, max_size=4)

cell_values = st.one_of(texts, st.integers(-10**18, 10**18), st.floats(allow_nan=True),
                        st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1)),
                        st.booleans(), st.none())
xlsx_mutations = st.lists(st.one_of(
    st.tuples(st.just("cellule"), st.integers(0, 50), st.integers(1, 12), st.integers(1, 40), cell_values),
    st.tuples(st.just("feuille"), st.integers(0, 50), st.just(0), st.just(0), texts),
    st.tuples(st.just("efface_ligne"), st.integers(0, 50), st.integers(1, 40), st.just(0), st.none()),
    st.tuples(st.just("octets"), st.integers(0, 10**6), st.just(0), st.just(0), st.binary(min_size=1,
                                                                                             max_size=8)),
), min_size=1, max_size=5)


def mutate_text(data: bytes, mutations: list[tuple], separator: bytes) -> bytes:
    lines = data.split(b"\n")
    for kind, where, column, payload in mutations:
        lines = lines or [b""]
        i = where % len(lines)
        if kind == "champ":
            fields = lines[i].split(separator)
            fields[column % len(fields)] = _encode(payload)
            lines[i] = separator.join(fields)
        elif kind == "insere" or kind == "octets":
            blob = b"\n".join(lines)
            at = where % (len(blob) + 1)
            lines = (blob[:at] + (payload if kind == "octets" else _encode(payload)) + blob[at:]).split(b"\n")
        elif kind == "coupe":
            blob = b"\n".join(lines)
            lines = blob[: where % (len(blob) + 1)].split(b"\n")
        elif kind == "efface_ligne" and lines:
            del lines[i]
        elif kind == "double_ligne" and lines:
            lines.insert(i, lines[i])
    return b"\n".join(lines)


def mutate_workbook(path: Path, mutations: list[tuple]) -> None:
    """Cell values and sheet names through openpyxl, then raw bytes of the saved zip."""
    book = load_workbook(path)
    raw: list[tuple] = []
    for kind, which, row, col, payload in mutations:
        sheet = book.worksheets[which % len(book.worksheets)]
        try:
            if kind == "cellule":
                sheet.cell(row, col).value = payload
            elif kind == "feuille":
                sheet.title = (payload or "x")[:31]
            elif kind == "efface_ligne":
                sheet.delete_rows(row)
            else:
                raw.append((which, payload))
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl would not write it
            continue
    try:
        book.save(path)
    except (ValueError, TypeError, IllegalCharacterError):
        return
    data = bytearray(path.read_bytes())
    for where, payload in raw:
        at = where % max(len(data), 1)
        data[at:at + len(payload)] = payload
    path.write_bytes(bytes(data))


# --- outcomes ----------------------------------------------------------------------------------

def read(seed: Seed, path: Path, name: str | None = None) -> tuple[str, str]:
    """(outcome, detail): `charge`, `rejets` or `refus`; anything else raises (a failure)."""
    name = name or path.name
    ctx = ReadContext(path, name, seed.file_type.matches(path.name), KEY, ("42", "69"), Limits())
    try:
        extract = read_delivery(seed.file_type, ctx)
    except FileRejected as exc:
        message = str(exc)
        assert not contains_nir(message), "un NIR est cité dans le motif de refus"
        assert any(w in message.lower() for w in FRENCH), f"motif de refus sans repère : {message!r}"
        return "refus", message
    assert_no_nir(extract)
    return ("rejets" if extract.rejects else "charge"), ""


def assert_no_nir(extract: Extract) -> None:
    """Nothing a load would store may hold a NIR (tables, rejects, anomalies)."""
    for table, frame in extract.tables.items():
        for column in frame.columns:
            if frame[column].dtype == pl.String:
                values = frame[column].drop_nulls().to_list()
                assert not any(contains_nir(v) for v in values), f"NIR chargé dans {table}.{column}"
    for item in [*extract.rejects, *extract.anomalies]:
        assert not any(contains_nir(v) for v in item.__dict__.values()), "NIR dans un rejet ou une anomalie"


def separator_of(seed: Seed) -> bytes:
    return b"|" if seed.reader == "annuaire" else b"><" if seed.reader == "rpu_xml" else b";"


def run_one(seed: Seed, base: Path, folder: Path, mutations: list[tuple[Any, ...]]) -> tuple[str, str]:
    """Write the mutated copy of the seed at `base` into `folder` and read it; `ignore` when
    openpyxl cannot write the drawn workbook (an input nobody can make, not a reader's failure)."""
    path = folder / base.name
    if seed.workbook:
        path.write_bytes(base.read_bytes())
        try:
            mutate_workbook(path, mutations)
        except Exception:
            return "ignore", ""
    else:
        path.write_bytes(mutate_text(base.read_bytes(), mutations, separator_of(seed)))
    return read(seed, path)

