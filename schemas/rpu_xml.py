"""RPU OSCOUR XML — `RPU_<FINESS>_<AAAAMMJJhhmmss>.xml` (exports.md §1a), and the names real
producers use: `O<FINESS>_<ORDRE>_<AAAAMMJJ[hhmmss]>.xml`, `RPU_<FINESS>_<AAMMJJ>.xml`, `.txt`.

Streaming parse (defusedxml, no DTD/entities): one dict per <PATIENT>, carrying the source line
of its opening tag. Scope: (FINESS, DATEDEBUT..DATEFIN), shared with the CSV form (`rpu.scope`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl
from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from cpts.config import Limits
from cpts.dates import datetimes_of, iso_text, parse_iso_text
from cpts.identifiers import finess_valid
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
    """Expat handlers: keep only the header fields and the current passage. Names are expanded as
    ElementTree does (`{uri}tag`)."""

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

    def start(self, tag: str, attributes: list[str]) -> None:
        """Expat's start handler (`ordered_attributes`: names and values alternate)."""
        if "}" in tag:
            tag = "{" + tag
        attrib = {("{" + k if "}" in k else k): v
                  for k, v in zip(attributes[::2], attributes[1::2], strict=True)} if attributes else {}
        self._text = []
        self._depth += 1
        if self._depth > self.max_depth:
            raise FileRejected(
                f"{self.name} : XML imbriqué sur plus de {self.max_depth} niveaux {self._place()} "
                "(limite CPTS_LIMITS__XML_MAX_DEPTH) ; fichier refusé sans être chargé.")
        # contains_nir is false under 15 characters: most tags have no attribute and a short name
        if (attrib or len(tag) >= 15) and any(contains_nir(x) for x in (tag, *attrib, *attrib.values())):
            raise nir_refusal(self.name, f"{self._place()}, {xml_place(tag)}")
        if tag == "ETABLISSEMENT":
            self._in_header = True
        elif tag == "PATIENT":
            assert self.parser is not None
            self._patient = {LINE: self.parser.parser.CurrentLineNumber}
            self._lists = {"liste_da": [], "liste_actes": []}

    def data(self, text: str) -> None:
        self._text.append(text)

    def _place(self) -> str:
        """`ligne L` and, inside a <PATIENT>, `passage n° k`: one-line files make lines useless."""
        line = self.parser.parser.CurrentLineNumber if self.parser else "?"
        return f"ligne {line}, passage n° {len(self.rows) + 1}" if self._patient is not None \
            else f"ligne {line}"

    def end(self, tag: str) -> None:
        if "}" in tag:
            tag = "{" + tag
        value = "".join(self._text).strip()
        self._text = []
        self._depth -= 1
        if len(value) >= 15 and contains_nir(value):  # after entity and character references are resolved
            raise nir_refusal(self.name, f"{self._place()}, {xml_place(tag)}")
        if self._patient is not None and not self._in_header and tag in FIELDS:  # most elements
            self._patient[FIELDS[tag]] = value
        elif tag == "ETABLISSEMENT":
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


def _direct(parser: DefusedXMLParser, collector: _Collector) -> None:
    """Expat calls the collector itself: ElementTree's Python wrappers around each element cost a
    third of the parse. defusedxml's guards against DTDs and entities are other handlers, kept."""
    expat = parser.parser
    expat.ordered_attributes = 1
    expat.StartElementHandler = collector.start
    expat.EndElementHandler = collector.end


def parse(path: Path, name: str, limits: Limits | None = None) -> _Collector:
    """Feed the file by chunks; expat honours the declared encoding (UTF-8 or ISO-8859-1)."""
    limits = limits or Limits()
    screen_text(path, name, limits)
    collector = _Collector(name=name, max_depth=limits.xml_max_depth)
    parser = DefusedXMLParser(target=collector, forbid_dtd=True)
    collector.parser = parser
    _direct(parser, collector)
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


def header_times(header: dict[str, str], tags: tuple[str, ...], name: str) -> list[datetime]:
    """The header's dates, parsed together; the first tag absent or unreadable refuses the file."""
    parsed = datetimes_of([header.get(tag) for tag in tags], date_alone_is_midnight=True)
    for tag, when in zip(tags, parsed, strict=True):
        value = header_value(header, tag, name)
        if when is None:
            raise FileRejected(f"{name} : <ETABLISSEMENT>/<{tag}> « {value[:30]} » illisible "
                               "(attendu JJ/MM/AAAA ou AAAA-MM-JJ[Thh:mm[:ss]]). Fichier refusé.")
    return parsed  # type: ignore[return-value]  # none is None past the loop


def period(header: dict[str, str], name: str) -> tuple[date, date, datetime]:
    first_time, last_time, extract = header_times(header, ("DATEDEBUT", "DATEFIN", "EXTRACT"), name)
    first, last = first_time.date(), last_time.date()
    if last < first:
        raise FileRejected(f"{name} : DATEFIN {last:%d/%m/%Y} antérieure à DATEDEBUT {first:%d/%m/%Y}.")
    return first, last, extract


def frame_of(collector: _Collector, finess: str) -> tuple[pl.DataFrame, list[int]]:
    """Passages keyed by their ordinal (`_ligne` = n° k: one-line files share one source line),
    and the source line of each."""
    schema = {c: pl.String for c in rpu.COLUMNS if c != "finess"} | {LINE: pl.Int64}
    frame = pl.DataFrame(collector.rows, schema=schema, orient="row") if collector.rows else \
        pl.DataFrame(schema=schema)
    sources = frame[LINE].to_list()
    frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(LINE))
    return blank_to_null(frame).with_columns(finess=pl.lit(finess)), sources


def with_ordinals(rejects: list[Reject], sources: list[int]) -> list[Reject]:
    """Rejects carry the source line and say which passage (n° k in the file) they are about."""
    return [Reject(sources[r.ligne - 1] if r.ligne else None, r.colonne,
                   f"passage n° {r.ligne} : {r.motif}") for r in rejects]


def authoritative_finess(header: dict[str, str], named: str, name: str) -> tuple[str, list[Anomaly]]:
    """The FINESS inside the file wins; another valid one in the name (legal entity) is an anomaly."""
    declared = header_value(header, "FINESS", name).upper()
    if declared == named:
        return named, []
    if not finess_valid(declared):
        raise FileRejected(f"{name} : <ETABLISSEMENT>/<FINESS> {declared[:9]} a une clé de contrôle "
                           f"invalide (Luhn) et diffère de celui du nom de fichier ({named}). "
                           "Fichier refusé.")
    return declared, [Anomaly("finess", "finess_nom_different", 1, f"nom {named}, fichier {declared}")]


def widened(raw: pl.DataFrame, first: date, last: date) -> tuple[date, date, list[Anomaly]]:
    """The declared window widened to the ENTREE dates it does not cover (anomaly naming both)."""
    text = raw.select(iso_text("entree").alias("d"))  # materialised: the formats share it
    days = text.select(parse_iso_text(pl.col("d")).dt.date())["d"].drop_nulls()
    if days.is_empty() or (days.min() >= first and days.max() <= last):
        return first, last, []
    low, high = min(first, days.min()), max(last, days.max())
    outside = int((~days.is_between(first, last)).sum())
    example = f"déclarée {first:%d/%m/%Y}–{last:%d/%m/%Y}, passages {low:%d/%m/%Y}–{high:%d/%m/%Y}"
    return low, high, [Anomaly("entree", "periode_elargie", outside, example)]


def name_parts(m: re.Match[str]) -> tuple[str, datetime, list[Anomaly]]:
    """FINESS and extraction date from any accepted name; a non-canonical name is an anomaly."""
    if m["finess"]:
        canonical = m[0].lower().endswith(".xml")
        anomaly = [] if canonical else [Anomaly("nom", "nom_non_canonique", 1, "extension .txt")]
        return m["finess"], name_date(m["extraction"], "%Y%m%d%H%M%S"), anomaly
    if m["finess_o"]:
        fmt = "%Y%m%d%H%M%S" if len(m["jour_o"]) == 14 else "%Y%m%d"
        anomaly = Anomaly("nom", "nom_non_canonique", 1, f"O<FINESS>_<ORDRE>_<date>, ORDRE {m['ordre']}")
        return m["finess_o"], name_date(m["jour_o"], fmt), [anomaly]
    return m["finess_c"], name_date(m["jour_c"], "%y%m%d"), [
        Anomaly("nom", "nom_non_canonique", 1, "RPU_<FINESS>_<AAMMJJ>")]


def read(ctx: ReadContext) -> Extract:
    named, extraction, anomalies = name_parts(ctx.match)
    if extraction == datetime.min:
        raise FileRejected(f"{ctx.name} : date du nom de fichier impossible. Fichier refusé.")
    named = rpu.require_valid_finess(named, ctx.name)
    collector = parse(ctx.path, ctx.name, ctx.limits)
    finess, other = authoritative_finess(collector.header, named, ctx.name)
    first, last, extract = period(collector.header, ctx.name)
    raw, sources = frame_of(collector, finess)
    first, last, wider = widened(raw, first, last)
    anomalies += other + wider
    if collector.unknown:
        anomalies.append(Anomaly(", ".join(sorted(collector.unknown))[:80], "balise_inconnue",
                                 len(collector.unknown)))
    ordre = ctx.match.groupdict().get("ordre")  # several exports of one FINESS (national name)
    result = rpu.extract_passages(raw, ctx.name, finess, first, last, extract, anomalies,
                                  ordre.upper() if ordre else None)
    result.rejects = with_ordinals(result.rejects, sources)
    return result


FILE_TYPE = FileType(
    code="rpu_xml",
    provider="hopital",
    label="RPU (format OSCOUR XML)",
    pattern=pattern(r"RPU_(?P<finess>\w{9})_(?P<extraction>\d{14})\.(?:xml|txt)"
                    r"|O(?P<finess_o>\w{9})_(?P<ordre>[A-Za-z0-9]{1,10})_(?P<jour_o>\d{8}(?:\d{6})?)\.(?:xml|txt)"
                    r"|RPU_(?P<finess_c>\w{9})_(?P<jour_c>\d{6})\.(?:xml|txt)"),
    read=read,
    extraction_from_name=lambda m: name_parts(m)[1],
)
