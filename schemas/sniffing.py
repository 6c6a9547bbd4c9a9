"""Identification by content of a file whose name matches no pattern (exports.md « Real-world
deliveries »): OSCOUR XML, a separated header of exactly one type (after synonyms), an xlsx with
the expected sheet. The scope comes from the content and is written as the canonical name, so
every reader runs unchanged on a context equivalent to that name.

The file is screened first (size, encoding, NIRs: `schemas.screening`), so no reason given here can
quote a NIR; reasons name types, columns and dates, never values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from cpts.config import Limits
from cpts.dates import datetime_of, parse_date, parse_datetime
from cpts.identifiers import finess_valid
from cpts.labels import normalise_label
from cpts.nir import redact
from schemas import (
    annuaire,
    cpam_depistage,
    cpam_patientele_mt,
    cpam_prado,
    pmsi_mco,
    rpu,
    sas_creneaux,
    sas_effecteurs,
    sas_rdv,
)
from schemas.base import Anomaly, FileRejected, FileType, ReadContext
from schemas.csv_io import read_separated, unique_headers
from schemas.screening import screen_text, screen_workbook
from schemas.separators import column_names, detect_separator
from schemas.synonyms import canonical_headers
from schemas.xlsx_io import Workbook, date_of, find_table, load, text_of

IDENTIFIED = "identifie_par_contenu"  # anomaly nature
HEAD = 1 << 16
# CSV types: (columns the reader demands, columns it knows) — identification needs the first.
CSV_TYPES: dict[str, tuple[list[str], list[str]]] = {
    "rpu_csv": (rpu.REQUIRED + rpu.PRESENT, rpu.COLUMNS),
    "pmsi_mco": (pmsi_mco.REQUIRED + pmsi_mco.PRESENT_SNDS,
                 pmsi_mco.REQUIRED + pmsi_mco.PRESENT + pmsi_mco.OPTIONAL),
    "sas_effecteurs": (sas_effecteurs.REQUIRED + sas_effecteurs.PRESENT,
                       sas_effecteurs.REQUIRED + sas_effecteurs.PRESENT + sas_effecteurs.OPTIONAL),
    "sas_creneaux": (sas_creneaux.REQUIRED + sas_creneaux.PRESENT,
                     sas_creneaux.REQUIRED + sas_creneaux.PRESENT),
    "sas_rdv": (sas_rdv.REQUIRED + sas_rdv.PRESENT, sas_rdv.REQUIRED + sas_rdv.PRESENT + sas_rdv.OPTIONAL),
}
# Workbook types: the sheets that must all be there.
SHEETS: dict[str, tuple[str, ...]] = {
    "cpam_patientele_mt": (cpam_patientele_mt.SHEET,), "cpam_prado": (cpam_prado.SHEET,),
    "cpam_depistage": (cpam_depistage.SHEET,), "cpts_activite": ("Paramètres", "Adhérents", "Actions"),
    "cpts_annexe": ("Paramètres", "Enveloppes", "Indicateurs"),
}
SAS_PREFIX = {"sas_creneaux": "SAS_creneaux", "sas_rdv": "SAS_rdv"}
_YEAR = re.compile(r"\b(20\d{2})\b")


class NotIdentified(Exception):
    """The content names no single type or no scope: the file is reported and left in place."""


@dataclass(frozen=True)
class Identified:
    file_type: FileType
    canonical: str  # the name the content gives, in the canonical form of exports.md
    match: re.Match[str]

    @property
    def extraction(self) -> datetime:
        return self.file_type.extraction_from_name(self.match)

    def anomaly(self, name: str) -> Anomaly:
        return identified_anomaly(name, self.canonical)


def identified_anomaly(name: str, canonical: str) -> Anomaly:
    return Anomaly("nom", IDENTIFIED, 1, f"{redact(name)} lu comme {canonical}"[:120])


def identify(types: list[FileType], provider: str, path: Path, name: str,
             limits: Limits | None = None) -> Identified:
    """The one type of `provider` the content belongs to, with its canonical name; FileRejected
    when the screening refuses the file (a NIR, too big), NotIdentified when ambiguous."""
    limits = limits or Limits()
    mine = {t.code: t for t in types if t.provider == provider}
    with path.open("rb") as stream:
        head = stream.read(HEAD)
    if head.startswith(b"PK\x03\x04"):
        code, canonical = _workbook(path, name, limits, mine)
    else:
        screen_text(path, name, limits, streamed=provider == "annuaire")
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        code, canonical = _xml(path, name, mine) if text.startswith(b"<") else \
            _separated(path, name, limits, head, mine)
    found = mine[code].matches(canonical)
    assert found is not None, canonical  # the canonical names are built to match
    return Identified(mine[code], canonical, found)


def context_for(file_type: FileType, path: Path, name: str, pseudo_key: bytes,
                departements: tuple[str, ...], limits: Limits,
                identified_as: str | None = None) -> tuple[ReadContext, list[Anomaly]]:
    """The reader's context: from the name when it matches, else from the canonical name the
    content gave at discovery (`identified_as`) or gives now (with the anomaly naming the delivered
    name); the messages keep naming the file as delivered."""
    found = file_type.matches(name)
    anomalies: list[Anomaly] = []
    if found is None and identified_as and (known := file_type.matches(identified_as)):
        found, anomalies = known, [identified_anomaly(name, identified_as)]
    if found is None:
        try:
            identified = identify([file_type], file_type.provider, path, name, limits)
        except NotIdentified as exc:
            raise FileRejected(f"{redact(name)} : {exc}") from None
        found, anomalies = identified.match, [identified.anomaly(name)]
    return ReadContext(path, name, found, pseudo_key, departements, limits), anomalies


# --- OSCOUR XML -------------------------------------------------------------------------------

class _Header:
    """Parser target keeping the root tag and <ETABLISSEMENT>'s fields, stopping after it."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.fields: dict[str, str] = {}
        self._text: list[str] = []
        self._inside = False

    def start(self, tag: str, _attrib: dict[str, str]) -> None:
        self.root = self.root or tag
        self._inside = self._inside or tag == "ETABLISSEMENT"
        self._text = []

    def data(self, text: str) -> None:
        self._text.append(text)

    def end(self, tag: str) -> None:
        if tag == "ETABLISSEMENT":
            raise _HeaderRead
        if self._inside:
            self.fields[tag] = "".join(self._text).strip()

    def close(self) -> None:
        return None


class _HeaderRead(Exception):
    pass


def _xml(path: Path, name: str, mine: dict[str, FileType]) -> tuple[str, str]:
    if "rpu_xml" not in mine:
        raise NotIdentified("fichier XML dans un dossier qui n'en reçoit pas ; nom de fichier non reconnu")
    header = _Header()
    parser = DefusedXMLParser(target=header, forbid_dtd=True)
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(HEAD):
                parser.feed(chunk)
        parser.close()
    except _HeaderRead:
        pass
    except (ParseError, DefusedXmlException, LookupError):
        raise NotIdentified("XML illisible : type non identifiable par le contenu") from None
    if header.root != "OSCOUR":
        raise NotIdentified("XML dont la racine n'est pas <OSCOUR> : type non identifiable par le contenu")
    finess = header.fields.get("FINESS", "").upper()
    when = datetime_of(header.fields.get("EXTRACT") or "", date_alone_is_midnight=True)
    if not finess_valid(finess) or when is None:
        raise NotIdentified("OSCOUR sans <ETABLISSEMENT>/<FINESS> valide ou <EXTRACT> lisible : "
                            "périmètre non identifiable par le contenu")
    return "rpu_xml", f"RPU_{finess}_{when:%Y%m%d%H%M%S}.xml"


# --- Separated text (CSV, Annuaire) -----------------------------------------------------------

def _separated(path: Path, name: str, limits: Limits, head: bytes,
               mine: dict[str, FileType]) -> tuple[str, str]:
    first = head.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf")
    separator = detect_separator(first)
    names = unique_headers(column_names(first, separator))
    if "annuaire" in mine:
        if all(c in names for c in annuaire.COLUMNS):
            return "annuaire", "PS_LibreAcces_Personne_activite.txt"
        raise NotIdentified("en-tête sans les colonnes de l'extraction Annuaire Santé : type non "
                            "identifiable par le contenu")
    candidates = [code for code in mine if code in CSV_TYPES and _has_columns(names, code)]
    if len(candidates) != 1:
        labels = ", ".join(mine[c].label for c in candidates)
        raise NotIdentified(f"en-tête correspondant à {len(candidates)} types d'export"
                            + (f" ({labels})" if candidates else "")
                            + " : type non identifiable par le contenu ; nom de fichier non reconnu")
    code = candidates[0]
    frame, _ = read_separated(path, name, separator, limits)
    frame, _ = canonical_headers(frame, code, CSV_TYPES[code][1])
    return code, _csv_name(code, frame, mine[code])


def _has_columns(names: list[str], code: str) -> bool:
    required, known = CSV_TYPES[code]
    frame, _ = canonical_headers(pl.DataFrame(schema=dict.fromkeys(names, pl.String)), code, known)
    return all(c in frame.columns for c in required)


def _csv_name(code: str, frame: pl.DataFrame, file_type: FileType) -> str:
    if code == "rpu_csv":
        month = _one_month(frame.select(parse_datetime("entree").dt.date())["entree"], "ENTREE")
        return f"RPU_{_one_finess(frame)}_{month:%Y%m}.csv"
    if code == "pmsi_mco":
        days = frame.select(parse_date("date_sortie", pmsi_mco.PMSI_DATES))["date_sortie"].drop_nulls()
        years = set(days.dt.year().to_list())
        if len(years) != 1:
            raise NotIdentified(f"{file_type.label} : sorties de {len(years)} années : période non "
                                "identifiable par le contenu")
        last = days.max()
        return f"PMSI_MCO_{_one_finess(frame)}_{last:%Y}_M{last:%m}.csv"
    if code in ("sas_creneaux", "sas_rdv"):
        month = _one_month(frame.select(parse_datetime("debut").dt.date())["debut"], "debut")
        return f"{SAS_PREFIX[code]}_{month:%Y%m}.csv"
    raise NotIdentified(f"{file_type.label} : la date de l'instantané n'est pas dans le contenu ; "
                        "nommez le fichier selon exports.md (SAS_effecteurs_AAAAMMJJ.csv)")


def _one_finess(frame: pl.DataFrame) -> str:
    found = frame["finess"].drop_nulls().str.to_uppercase().str.zfill(9).unique().to_list()
    if len(found) != 1 or not finess_valid(found[0]):
        raise NotIdentified(f"colonne « finess » : {len(found)} valeur(s) distincte(s) ou clé invalide "
                            "(une seule attendue) : établissement non identifiable par le contenu")
    return found[0]


def _one_month(days: pl.Series, column: str) -> date:
    months = days.drop_nulls().dt.truncate("1mo").unique().to_list()
    if len(months) != 1:
        raise NotIdentified(f"colonne « {column} » : dates de {len(months)} mois (un seul attendu) : "
                            "période non identifiable par le contenu")
    return months[0]


# --- Workbooks --------------------------------------------------------------------------------

def _workbook(path: Path, name: str, limits: Limits, mine: dict[str, FileType]) -> tuple[str, str]:
    screen_workbook(path, name, limits)
    book = load(path, name, limits)
    titles = {normalise_label(t) for t in book.sheets}
    candidates = [c for c in mine if c in SHEETS and all(normalise_label(s) in titles for s in SHEETS[c])]
    if len(candidates) != 1:
        raise NotIdentified(f"classeur dont les feuilles correspondent à {len(candidates)} types "
                            "d'export : type non identifiable par le contenu ; nom de fichier non reconnu")
    code = candidates[0]
    return code, _workbook_name(code, book, name)


def _workbook_name(code: str, book: Workbook, name: str) -> str:
    if code == "cpam_patientele_mt":
        sheet = book.sheet(cpam_patientele_mt.SHEET)
        for row in sheet.rows[:10]:
            for value in row:
                found = cpam_patientele_mt.SITUATION.search(text_of(value) or "")
                if found:
                    situation = datetime.strptime(found.group(1), "%d/%m/%Y")
                    return f"CPAM_patientele_MT_{situation:%Y%m%d}.xlsx"
        raise NotIdentified("titre sans « situation au JJ/MM/AAAA » : date de situation non identifiable")
    if code == "cpam_prado":
        table = find_table(book.sheet("PRADO"), name, cpam_prado.COLUMNS)
        years = {d.year for _, raw in table.rows() if (d := date_of(raw["mois"]))}
        return f"CPAM_PRADO_{_one_year(years, 'Mois')}.xlsx"
    if code == "cpam_depistage":
        table = find_table(book.sheet("Dépistage"), name, cpam_depistage.COLUMNS)
        years = {int(y) for row in table.sheet.rows[: table.header_row - 1] for v in row
                 for y in _YEAR.findall(text_of(v) or "")}
        return f"CPAM_depistage_{_one_year(years, 'titre')}.xlsx"
    years = {int(n) for row in book.sheet("Paramètres").rows
             if row and normalise_label(text_of(row[0])) == "annee" and len(row) > 1
             and (n := text_of(row[1])) and n.isdigit()}
    prefix = "CPTS_activite" if code == "cpts_activite" else "CPTS_annexe_indicateurs"
    return f"{prefix}_{_one_year(years, 'Paramètres, Année')}.xlsx"


def _one_year(years: set[int], where: str) -> int:
    if len(years) != 1:
        raise NotIdentified(f"{where} : {len(years)} années trouvées (une seule attendue) : "
                            "période non identifiable par le contenu")
    return years.pop()


def sniff_or_reason(types: list[FileType], provider: str, path: Path, name: str,
                    limits: Limits) -> Identified | str:
    """For discovery: the identification, or the French reason the file stays where it is."""
    try:
        return identify(types, provider, path, name, limits)
    except (NotIdentified, FileRejected) as exc:
        return str(exc)


__all__ = ["IDENTIFIED", "Identified", "NotIdentified", "context_for", "identify", "sniff_or_reason"]
