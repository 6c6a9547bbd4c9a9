"""RPU OSCOUR XML and PMSI MCO files built by code for the tests."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from tests.builders import rpu_row

PMSI_HEADER = ["finess", "num_rsa", "nir_ano_17", "sexe", "age", "cp_residence", "commune_residence",
               "date_entree", "date_sortie", "mode_entree", "provenance", "mode_sortie", "destination",
               "ghm", "dp", "dr", "uhcd", "nb_rum"]
XML_FIELDS = ["cp", "commune", "naissance", "sexe", "entree", "mode_entree", "provenance", "transport",
              "transport_pec", "motif", "gravite", "dp", "sortie", "mode_sortie", "destination", "orient"]


def xml_patient(row: dict[str, str]) -> str:
    tags = [f"<{f.upper()}>{escape(row.get(f, ''))}</{f.upper()}>" for f in XML_FIELDS]
    da = "".join(f"<DA>{d}</DA>" for d in row.get("liste_da", "").split(", ") if d)
    actes = "".join(f"<ACTE>{a}</ACTE>" for a in row.get("liste_actes", "").split(", ") if a)
    lists = f"<LISTE_DA>{da}</LISTE_DA><LISTE_ACTES>{actes}</LISTE_ACTES>"
    return f"<PATIENT>\n{''.join(tags)}\n{lists}\n</PATIENT>"


def write_rpu_xml(inbox: Path, finess: str, extract: datetime, first: date, last: date,
                  rows: list[dict[str, str]], encoding: str = "UTF-8") -> Path:
    """`hopital/RPU_<FINESS>_<AAAAMMJJhhmmss>.xml` in the OSCOUR layout."""
    body = "\n".join(xml_patient(r) for r in rows)
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\n<OSCOUR>\n<ETABLISSEMENT>\n'
            f"<FINESS>{finess}</FINESS><ORDRE>0</ORDRE>\n<EXTRACT>{extract:%d/%m/%Y %H:%M:%S}</EXTRACT>\n"
            f"<DATEDEBUT>{first:%d/%m/%Y}</DATEDEBUT><DATEFIN>{last:%d/%m/%Y}</DATEFIN>\n"
            f"</ETABLISSEMENT>\n<PASSAGES>\n{body}\n</PASSAGES>\n</OSCOUR>\n")
    path = inbox / "hopital" / f"RPU_{finess}_{extract:%Y%m%d%H%M%S}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def xml_passage(finess: str, entree: datetime, **kw: str) -> dict[str, str]:
    row = rpu_row(finess, entree, **kw)
    row["entree"] = f"{entree:%d/%m/%Y %H:%M:%S}"  # seconds appear in some exports
    return row


def nir_ano(i: int) -> str:
    return f"A{i:016d}"


def pmsi_row(finess: str, num_rsa: str, sortie: date, **extra: str) -> dict[str, str]:
    row = {"finess": finess, "num_rsa": num_rsa, "nir_ano_17": nir_ano(int(num_rsa)), "sexe": "2",
           "age": "81", "cp_residence": "42400", "commune_residence": "", "date_entree": f"{sortie:%d%m%Y}",
           "date_sortie": f"{sortie:%d%m%Y}", "mode_entree": "8", "provenance": "5", "mode_sortie": "8",
           "destination": "", "ghm": "05M092", "dp": "I50.0", "dr": "", "uhcd": "", "nb_rum": "1"}
    row.update(extra)
    return row


def stays(finess: str, year: int, months: int, per_month: int, **kw: str) -> list[dict[str, str]]:
    """per_month stays discharged on the 10th of each month 1..months, num_rsa 1..n."""
    return [pmsi_row(finess, str(m * 1000 + k), date(year, m, 10), **kw)
            for m in range(1, months + 1) for k in range(per_month)]


def write_pmsi(inbox: Path, finess: str, year: int, month: int, rows: list[dict[str, str]],
               encoding: str = "utf-8") -> Path:
    path = inbox / "hopital" / f"PMSI_MCO_{finess}_{year}_M{month:02d}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [";".join(PMSI_HEADER)] + [";".join(r.get(c, "") for c in PMSI_HEADER) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
