"""Real-world conventions of provider files (exports.md « Real-world deliveries »), built by code
from the same rows as the canonical builders: other separators, producers' header names, ISO 8601
timestamps with `Z`, offsets and fractions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

# The producers' vocabularies are the generator's (one table each), not a second copy.
from generator.conventions import PMSI_SNDS, RPU_REGIONAL
from tests.builders import RPU_HEADER
from tests.builders_annuaire import COLUMNS, activity
from tests.builders_hopital import PMSI_HEADER, xml_patient
from tests.builders_xlsx import patientele_rows, save

PARIS = ZoneInfo("Europe/Paris")


def iso_utc(local: str, k: int) -> str:
    """`JJ/MM/AAAA hh:mm` Paris time as the instant in one of the ISO 8601 forms producers send."""
    moment = datetime.strptime(local, "%d/%m/%Y %H:%M").replace(tzinfo=PARIS)
    forms = (lambda m: m.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
             lambda m: m.isoformat(timespec="milliseconds"),  # `2024-03-10T14:05:00.000+01:00`
             lambda m: m.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ"))
    return forms[k % len(forms)](moment)


def quoted(value: str, separator: str) -> str:
    return f'"{value}"' if separator in value or '"' in value else value


def write_separated(path: Path, header: list[str], lines: list[list[str]], separator: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = [separator.join(quoted(v, separator) for v in line) for line in [header, *lines]]
    path.write_bytes(("\r\n".join(text) + "\r\n").encode("utf-8"))
    return path


def write_rpu_csv_regional(inbox: Path, finess: str, month: str, rows: list[dict[str, str]],
                           separator: str = ",") -> Path:
    """The RPU CSV of `rows` as a regional platform sends it: `,`, its vocabulary, ISO instants."""
    header = [RPU_REGIONAL.get(c, c) for c in RPU_HEADER] + ["DIAG_ASS"]
    lines = [[iso_utc(r[c], k) if c in ("entree", "sortie") and r[c] else r.get(c, "")
              for c in RPU_HEADER] + ["0"] for k, r in enumerate(rows)]
    return write_separated(inbox / "hopital" / f"RPU_{finess}_{month}.csv", header, lines, separator)


def write_pmsi_snds(inbox: Path, finess: str, year: int, month: int, rows: list[dict[str, str]],
                    separator: str = "|", without: tuple[str, ...] = ()) -> Path:
    """The PMSI extract of `rows` with SNDS/ATIH names and dates as `AAAA-MM-JJ` or `JJ/MM/AAAA`,
    less the `without` columns (an SNDS extract may have no UHCD flag)."""
    def day(text: str, k: int) -> str:
        d = datetime.strptime(text, "%d%m%Y")
        return f"{d:%Y-%m-%d}" if k % 2 else f"{d:%d/%m/%Y}"

    columns = [c for c in PMSI_HEADER if c not in without]
    header = [PMSI_SNDS.get(c, c).upper() for c in columns]
    lines = [[day(r[c], k) if c.startswith("date_") else r.get(c, "") for c in columns]
             for k, r in enumerate(rows)]
    path = inbox / "hopital" / f"PMSI_MCO_{finess}_{year}_M{month:02d}.csv"
    return write_separated(path, header, lines, separator)


def write_rpu_xml_national(inbox: Path, name: str, finess: str, extract: datetime,
                           rows: list[dict[str, str]]) -> Path:
    """An OSCOUR file as regional observatories receive it: one line, the window declared as the
    extraction day only (DATEDEBUT = DATEFIN), under a national name (`O<FINESS>_<ORDRE>_…`)."""
    body = "".join(xml_patient(r).replace("\n", "") for r in rows)
    text = (f'<?xml version="1.0" encoding="ISO-8859-1"?><OSCOUR><ETABLISSEMENT><FINESS>{finess}'
            f"</FINESS><ORDRE>1</ORDRE><EXTRACT>{extract:%d/%m/%Y %H:%M}</EXTRACT>"
            f"<DATEDEBUT>{extract:%d/%m/%Y}</DATEDEBUT><DATEFIN>{extract:%d/%m/%Y}</DATEFIN>"
            f"</ETABLISSEMENT><PASSAGES>{body}</PASSAGES></OSCOUR>")
    path = inbox / "hopital" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("iso-8859-1"))
    return path


def write_annuaire_open_data(inbox: Path, n: int) -> Path:
    """The undated open-data copy where the commune columns are empty and the locality is only in
    `Bureau cedex` (`42800 GENILAC`), as in the real extraction."""
    def cedex(i: int) -> dict[str, str]:
        row = activity(i)
        row["Bureau cedex (coord. structure)"] = (
            f"{row['Code postal (coord. structure)']} {row['Libellé commune (coord. structure)']}")
        row["Code commune (coord. structure)"] = row["Libellé commune (coord. structure)"] = ""
        return row

    path = inbox / "annuaire" / "ps-libreacces-personne-activite.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["|".join(COLUMNS)] + ["|".join(cedex(i).get(c, "") for c in COLUMNS) for i in range(n)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def write_patientele_real(inbox: Path, stamp: str = "20241231") -> Path:
    """The CPAM patientèle workbook with a `CPTS <label>` title (no `Territoire :`) and counts typed
    as text with spaces or non-breaking spaces as thousands separators (`1 200`)."""
    rows = patientele_rows(communes=[
        ["42207", "Saint-Chamond", "1 200", 80, 300, 10, 250, 12, 90, "<5"],
        ["42110", "Genilac", 400, "< 5", 70, "s", 60, "NS", 20, 0]])
    rows = [["CPTS Vallée du Gier"] if r and str(r[0]).startswith("Territoire") else r for r in rows]
    total = next(i for i, r in enumerate(rows) if r and r[0] == "TOTAL")
    rows[total] = ["TOTAL", None, "1\u00a0600", *rows[total][3:]]
    return save(inbox / "cpam" / f"CPAM_patientele_MT_{stamp}.xlsx", {"Patientèle MT": rows})
