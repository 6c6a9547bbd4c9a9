"""RPU OSCOUR XML — `RPU_<FINESS>_<AAAAMMJJhhmmss>.xml` (exports.md §1a).

Streaming parse (defusedxml, no DTD/entities): one dict per <PATIENT>, carrying the source line
of its opening tag. Scope: (FINESS, DATEDEBUT..DATEFIN), shared with the CSV form (`rpu.scope`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl
from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from cpts.config import Limits
from cpts.dates import datetime_of
from cpts.nir import contains_nir
from schemas import rpu
from schemas.base import (
    LINE,
    Anomaly,
    Extract,
    FileRejected,
    FileType,
    ReadContext,
    Reject,
    pattern,
)
from schemas.row_rules import blank_to_null, name_date
from schemas.screening import nir_refusal, screen_text, xml_place

HEADER = ("FINESS", "EXTRACT", "DATEDEBUT", "DATEFIN")
LISTS = {"LISTE_DA": ("DA", "liste_da"), "LISTE_ACTES": ("ACTE", "liste_actes")}
FIELDS = {c.upper(): c for c in rpu.COLUMNS if c not in {"finess", "liste_da", "liste_actes"}}
CHUNK = 1 << 20


@dataclass
class _Collector:
    """ElementTree parser target: keeps only the header fields and the current passage."""

    parser: DefusedXMLParser | None = None
    name: str = ""
    max_depth: int = Limits().xml_max_depth
    header: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, object]] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)
    _patient: dict[str, object] | None = None
    _lists: dict[str, list[str]] = field(default_factory=dict)
    _text: list[str] = field(default_factory=list)
    _in_header: bool = False
    _depth: int = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._text = []
        self._depth += 1
        if self._depth > self.max_depth:
            raise FileRejected(
                f"{self.name} : XML imbriqué sur plus de {self.max_depth} niveaux ligne {self._line()} "
                "(limite CPTS_LIMITS__XML_MAX_DEPTH) ; fichier refusé sans être chargé.")
        if any(contains_nir(x) for x in (tag, *attrib, *attrib.values())):
            raise nir_refusal(self.name, f"ligne {self._line()}, {xml_place(tag)}")
        if tag == "ETABLISSEMENT":
            self._in_header = True
        elif tag == "PATIENT":
            assert self.parser is not None
            self._patient = {LINE: self.parser.parser.CurrentLineNumber}
            self._lists = {"liste_da": [], "liste_actes": []}

    def data(self, text: str) -> None:
        self._text.append(text)

    def _line(self) -> int | str:
        return self.parser.parser.CurrentLineNumber if self.parser else "?"

    def end(self, tag: str) -> None:
        value = "".join(self._text).strip()
        self._text = []
        self._depth -= 1
        if contains_nir(value):  # after entity and character references are resolved
            raise nir_refusal(self.name, f"ligne {self._line()}, {xml_place(tag)}")
        if tag == "ETABLISSEMENT":
            self._in_header = False
        elif self._in_header and tag in HEADER:
            self.header[tag] = value
        elif self._patient is not None:
            self._end_in_patient(tag, value)

    def _end_in_patient(self, tag: str, value: str) -> None:
        assert self._patient is not None
        if tag == "PATIENT":
            for column, items in self._lists.items():
                self._patient[column] = ", ".join(items) or None
            self.rows.append(self._patient)
            self._patient = None
        elif tag in FIELDS:
            self._patient[FIELDS[tag]] = value
        elif tag in {"DA", "ACTE"}:
            if value:
                self._lists["liste_da" if tag == "DA" else "liste_actes"].append(value)
        elif tag not in LISTS:
            self.unknown.add(tag)

    def close(self) -> None:
        return None


def parse(path: Path, name: str, limits: Limits | None = None) -> _Collector:
    """Feed the file by chunks; expat honours the declared encoding (UTF-8 or ISO-8859-1)."""
    limits = limits or Limits()
    screen_text(path, name, limits)
    collector = _Collector(name=name, max_depth=limits.xml_max_depth)
    parser = DefusedXMLParser(target=collector, forbid_dtd=True)
    collector.parser = parser
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                parser.feed(chunk)
        parser.close()
    except ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise FileRejected(f"{name} : XML illisible ligne {line} ({exc.msg}) ; "
                           "demandez au fournisseur un nouvel export.") from None
    except DefusedXmlException:
        raise FileRejected(f"{name} : XML refusé (DTD ou entités interdites).") from None
    except LookupError:  # the encoding named in <?xml … encoding="…"?> is unknown (never quoted)
        raise FileRejected(f"{name} : ligne 1, en-tête <?xml ?> : encodage déclaré inconnu (attendu "
                           "UTF-8 ou ISO-8859-1) ; demandez au fournisseur un nouvel export.") from None
    return collector


def header_value(header: dict[str, str], tag: str, name: str) -> str:
    value = header.get(tag)
    if not value:
        raise FileRejected(f"{name} : balise <ETABLISSEMENT>/<{tag}> absente ou vide. Fichier refusé.")
    return value


def header_time(header: dict[str, str], tag: str, name: str) -> datetime:
    value = header_value(header, tag, name)
    parsed = datetime_of(value, date_alone_is_midnight=True)
    if parsed is None:
        raise FileRejected(f"{name} : <ETABLISSEMENT>/<{tag}> « {value[:30]} » illisible "
                           "(attendu JJ/MM/AAAA ou AAAA-MM-JJ[Thh:mm[:ss]]). Fichier refusé.")
    return parsed


def period(header: dict[str, str], name: str) -> tuple[date, date, datetime]:
    first = header_time(header, "DATEDEBUT", name).date()
    last = header_time(header, "DATEFIN", name).date()
    extract = header_time(header, "EXTRACT", name)
    if last < first:
        raise FileRejected(f"{name} : DATEFIN {last:%d/%m/%Y} antérieure à DATEDEBUT {first:%d/%m/%Y}.")
    return first, last, extract


def frame_of(collector: _Collector, finess: str) -> pl.DataFrame:
    schema = {c: pl.String for c in rpu.COLUMNS if c != "finess"} | {LINE: pl.Int64}
    frame = pl.DataFrame(collector.rows, schema=schema, orient="row") if collector.rows else \
        pl.DataFrame(schema=schema)
    return blank_to_null(frame).with_columns(finess=pl.lit(finess))


def with_ordinals(rejects: list[Reject], frame: pl.DataFrame) -> list[Reject]:
    """Say which passage (n° k in the file) a reject is about, next to its source line."""
    ordinal = {line: k for k, line in enumerate(frame[LINE].to_list(), start=1)}
    return [Reject(r.ligne, r.colonne, f"passage n° {ordinal.get(r.ligne, '?')} : {r.motif}")
            for r in rejects]


def read(ctx: ReadContext) -> Extract:
    finess = rpu.require_valid_finess(ctx.match["finess"], ctx.name)
    collector = parse(ctx.path, ctx.name, ctx.limits)
    declared = header_value(collector.header, "FINESS", ctx.name).upper()
    if declared != finess:
        raise FileRejected(f"{ctx.name} : <ETABLISSEMENT>/<FINESS> {declared} différent de celui du "
                           f"nom de fichier ({finess}). Fichier refusé.")
    first, last, extract = period(collector.header, ctx.name)
    raw = frame_of(collector, finess)
    anomalies = []
    if collector.unknown:
        anomalies.append(Anomaly(", ".join(sorted(collector.unknown))[:80], "balise_inconnue",
                                 len(collector.unknown)))
    result = rpu.extract_passages(raw, ctx.name, finess, first, last, extract, anomalies)
    result.rejects = with_ordinals(result.rejects, raw)
    return result


FILE_TYPE = FileType(
    code="rpu_xml",
    provider="hopital",
    label="RPU (format OSCOUR XML)",
    pattern=pattern(r"RPU_(?P<finess>\w{9})_(?P<extraction>\d{14})\.xml"),
    read=read,
    extraction_from_name=lambda m: name_date(m["extraction"], "%Y%m%d%H%M%S"),
)
