"""Reading generated files back, independently of the generator's internals.

These readers follow exports.md (not the generator's code): encoding detection, header names
matched case-insensitively, NULL/NA/- as missing, latest delivery wins per scope. Other test
files import them; the inbox is generated once per test session.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree  # our own files: trusted, and much faster than defusedxml

import polars as pl
import pytest
from defusedxml import ElementTree as SafeElementTree
from openpyxl import load_workbook

from cpts.labels import normalise_label
from cpts.residence import resolver
from generator import GenerationSummary, generate
from warehouse import reference

VDG = "vallee-du-gier"
MISSING = {"", "NULL", "NA", "-"}
_INBOXES: dict[tuple, tuple[Path, GenerationSummary]] = {}


def inbox(tmp_path_factory: pytest.TempPathFactory, **params) -> tuple[Path, GenerationSummary]:
    """The generated inbox for `params` and its summary, built once per session."""
    key = tuple(sorted(params.items()))
    if key not in _INBOXES:
        out = tmp_path_factory.mktemp("boite")
        _INBOXES[key] = (out, generate(out, **params))
    return _INBOXES[key]


@pytest.fixture(scope="session")
def boite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return inbox(tmp_path_factory, defauts=True)[0]


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), else windows-1252, as exports.md requires."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_csv(path: Path, separator: str = ";") -> pl.DataFrame:
    """All values as strings, headers normalised, missing markers as null."""
    text = decode(path.read_bytes())
    df = pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False,
                     truncate_ragged_lines=True)
    df = df.rename({c: c.strip().lower() for c in df.columns})
    return df.with_columns(
        pl.when(pl.col(c).str.strip_chars().is_in(list(MISSING)) | pl.col(c).is_null())
        .then(None).otherwise(pl.col(c).str.strip_chars()).alias(c) for c in df.columns
    )


def territory_communes(territoire: str = VDG) -> set[str]:
    terr = reference.territories()
    return set(terr.filter(pl.col("territoire") == territoire)["code_insee"])


def residents(df: pl.DataFrame, cp: str, name: str | None, insee: str | None,
              territoire: str = VDG) -> pl.Series:
    """Whether each row is a resident of the territory (exports.md, Residence)."""
    communes, res = territory_communes(territoire), resolver()
    cols = [cp] + [c for c in (name, insee) if c]
    keys = df.select(cols).unique()
    flags = {}
    for row in keys.iter_rows():
        values = dict(zip(cols, row, strict=True))
        r = res.resolve(values[cp], values.get(name), values.get(insee))
        flags[row] = r.commune in communes if r.commune else r.territoire_cp == territoire
    return pl.Series([flags[row] for row in df.select(cols).iter_rows()], dtype=pl.Boolean)


# --- RPU -------------------------------------------------------------------------------------

XML_FIELDS = ("cp", "commune", "entree", "mode_sortie")


def _xml_text(path: Path) -> str:
    data = path.read_bytes()
    declared = re.match(rb'<\?xml[^>]*encoding="([^"]+)"', data)
    return data.decode(declared.group(1).decode() if declared else "utf-8")


def _xml_field(name: str) -> pl.Expr:
    tag = name.upper()
    value = pl.col("patient").str.extract(f"<{tag}>([^<]*)</{tag}>").str.strip_chars()
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
        value = value.str.replace_all(entity, char, literal=True)
    return pl.when(value.is_in(list(MISSING))).then(None).otherwise(value).alias(name)


def _xml_delivery(path: Path) -> tuple[dict, pl.DataFrame]:
    """OSCOUR header through ElementTree, PATIENT fields with polars string expressions; a window
    declared narrower than the passages is widened to them (exports.md « Real-world deliveries »)."""
    text = _xml_text(path)
    head = ElementTree.fromstring(text[text.index("<ETABLISSEMENT>"):
                                       text.index("</ETABLISSEMENT>") + 16])
    blocks = pl.DataFrame({"patient": text.split("<PATIENT>")[1:]})
    frame = blocks.select(_xml_field(k) for k in XML_FIELDS)
    days = frame["entree"].str.slice(0, 10).str.to_date("%d/%m/%Y")
    meta = {"finess": head.findtext("FINESS"),
            "extract": datetime.strptime(head.findtext("EXTRACT"), "%d/%m/%Y %H:%M:%S"),
            "start": min(datetime.strptime(head.findtext("DATEDEBUT"), "%d/%m/%Y").date(), days.min()),
            "end": max(datetime.strptime(head.findtext("DATEFIN"), "%d/%m/%Y").date(), days.max())}
    return meta, frame


# Regional header names (exports.md « Header synonyms »), once lower-cased.
RPU_SYNONYMS = {"code_postal": "cp", "orientation": "orient", "date_entree": "entree",
                "date_heure_entree": "entree", "date_sortie": "sortie", "date_heure_sortie": "sortie",
                "ccmu": "gravite", "mode sortie": "mode_sortie", "date sortie": "sortie"}


def _csv_delivery(path: Path) -> tuple[dict, pl.DataFrame]:
    finess, month = re.match(r"RPU_(\w{9})_(\d{6})\.csv", path.name, re.I).groups()
    start = date(int(month[:4]), int(month[4:]), 1)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    # No extraction time inside a CSV: taken as the end of its month.
    meta = {"finess": finess, "extract": datetime.combine(following, datetime.min.time()),
            "start": start, "end": date.fromordinal(following.toordinal() - 1)}
    df = read_csv(path, separator=separator_of(path))
    df = df.rename({c: RPU_SYNONYMS[c] for c in df.columns if c in RPU_SYNONYMS})
    return meta, df.select("cp", "commune", "entree", "mode_sortie")


def separator_of(path: Path) -> str:
    """The separator of the header line: `;`, or `,`, tab, `|` when more frequent."""
    header = decode(path.read_bytes()).splitlines()[0]
    return max((";", ",", "\t", "|"), key=header.count)


def is_xml(path: Path) -> bool:
    return path.read_bytes()[:64].lstrip(b"\xef\xbb\xbf \r\n").startswith(b"<")


def rpu_passages(folder: Path) -> pl.DataFrame:
    """All passages after scope replacement (latest extraction wins per FINESS and dates). OSCOUR
    files are known by their content (national names `O<FINESS>_…`, `.txt` extension)."""
    deliveries = []
    for path in sorted(p for p in (folder / "hopital").iterdir() if not p.name.startswith("PMSI_")):
        reader = _xml_delivery if is_xml(path) else _csv_delivery
        deliveries.append(reader(path))
    deliveries.sort(key=lambda d: d[0]["extract"])
    kept: list[tuple[dict, pl.DataFrame]] = []
    for meta, df in deliveries:
        df = df.with_columns(jour=pl.col("entree").str.slice(0, 10).str.to_date("%d/%m/%Y"))
        for i, (other, rows) in enumerate(kept):
            if other["finess"] == meta["finess"] and other["start"] <= meta["end"] and (
                    meta["start"] <= other["end"]):  # the later delivery replaces its scope
                kept[i] = (other, rows.filter(~pl.col("jour").is_between(meta["start"],
                                                                          meta["end"])))
        kept.append((meta, df))
    return pl.concat([rows for _, rows in kept])


# --- PMSI ------------------------------------------------------------------------------------

# SNDS/ATIH variable names (exports.md « Header synonyms »), once lower-cased.
PMSI_SNDS = {"eta_num": "finess", "rsa_num": "num_rsa", "cod_sex": "sexe", "age_ann": "age",
             "bdi_cod": "cp_residence", "ent_mod": "mode_entree", "ent_prv": "provenance",
             "sor_mod": "mode_sortie", "sor_des": "destination", "grg_ghm": "ghm", "dgn_pal": "dp",
             "dgn_rel": "dr", "nbr_rum": "nb_rum", "exe_soi_dtd": "date_entree", "exe_soi_dtf": "date_sortie"}

def pmsi_stays(folder: Path) -> pl.DataFrame:
    """Stays of the latest cumulative file per (FINESS, year)."""
    latest: dict[tuple[str, str], tuple[int, Path]] = {}
    for path in (folder / "hopital").glob("PMSI_MCO_*.csv"):
        finess, year, month = re.match(r"PMSI_MCO_(\w{9})_(\d{4})_M(\d{2})", path.name).groups()
        if int(month) > latest.get((finess, year), (0, path))[0]:
            latest[(finess, year)] = (int(month), path)
    frames = [read_csv(p, separator_of(p)) for _, p in latest.values()]
    frames = [f.rename({c: PMSI_SNDS[c] for c in f.columns if c in PMSI_SNDS}) for f in frames]
    common = sorted(set.intersection(*(set(f.columns) for f in frames)))
    df = pl.concat([f.select(common) for f in frames])
    parse = [pl.col(c).str.to_date("%d%m%Y", strict=False).fill_null(
        pl.col(c).str.to_date("%Y-%m-%d", strict=False)) for c in ("date_entree", "date_sortie")]
    return df.with_columns(parse)


# --- Workbooks -------------------------------------------------------------------------------

def sheet_rows(path: Path, sheet: str) -> list[tuple]:
    wb = load_workbook(path, read_only=True, data_only=False)
    return [r for r in wb[sheet].iter_rows(values_only=True)]


def as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()


def table(path: Path, sheet: str) -> list[dict]:
    """Rows of a coordinator sheet (header on row 1), keyed by normalised header names."""
    rows = sheet_rows(path, sheet)
    headers = [normalise_label(h) for h in rows[0]]
    return [dict(zip(headers, r, strict=False)) for r in rows[1:]
            if any(v not in (None, "") for v in r)]


def test_readers_see_every_summarised_row(boite: Path, tmp_path_factory) -> None:
    """The rows the generator says it wrote are the rows a reader finds."""
    _, summary = inbox(tmp_path_factory, defauts=True)
    kinds = {"rpu_csv", "pmsi", "sas_effecteurs", "sas_creneaux", "sas_rdv"}
    sample = {}
    for f in summary.fichiers:  # the first and last file of each kind
        sample.setdefault((f.type, 0), f)
        sample[(f.type, 1)] = f
    for f in sample.values():
        if f.type in kinds:
            assert read_csv(boite / f.chemin).height == f.lignes, f.chemin
        elif f.type == "rpu_xml":
            assert (boite / f.chemin).read_bytes().count(b"<PATIENT>") == f.lignes, f.chemin
        elif f.type == "annuaire":
            assert read_csv(boite / f.chemin, separator="|").height == f.lignes, f.chemin
    assert summary.total_lignes > 500_000


def test_xml_files_are_well_formed(boite: Path) -> None:
    """Parsed with defusedxml, as the pipeline will (one file per hospital)."""
    seen = set()
    for path in sorted((boite / "hopital").glob("RPU_*.xml")):
        finess = path.name[4:13]
        if finess not in seen:
            seen.add(finess)
            root = SafeElementTree.parse(path).getroot()
            assert root.tag == "OSCOUR" and root.find("PASSAGES/PATIENT/ENTREE") is not None
    assert len(seen) >= 3
