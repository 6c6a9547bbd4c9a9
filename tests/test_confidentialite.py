"""Given an inbox where NIRs are planted everywhere a careless provider could put them (values,
free text, headers, XML header elements, sheet names, file names) and birth dates in the RPU, when
the nightly flow runs under a Prefect test server, then no NIR and no birth date is found in the
warehouse, the Prefect database (artifacts, logs, run names), the log output, the Excel reports
(unzipped) or the Data Docs — only in the raw archive (exports.md, « Minimisation »)."""

from __future__ import annotations

import logging
import re
import sqlite3
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import prefect.settings
import pytest
from prefect.logging.handlers import APILogHandler
from prefect.testing.utilities import prefect_test_harness

from cpts.config import Settings, get_settings
from cpts.identifiers import nir_key
from cpts.nir import contains_nir
from flows.nightly import chargement_nocturne
from tests.builders import RPU_HEADER, month_of_passages, write_rpu_csv
from tests.builders_hopital import write_rpu_xml, xml_passage
from tests.builders_xlsx import activite_sheets, write_activite, write_prado
from tests.conftest import TEST_KEY

CHU, GIER = "420784878", "420001232"
BODIES = ["1841275123456", "2920699123087", "1750242218123", "2851169381042", "175022A004123",
          "1690578006048"]
NIRS = [b + f"{nir_key(b):02d}" for b in BODIES]
BIRTH = "17/09/1931"
FORBIDDEN = [*NIRS, *BODIES, BIRTH, "1931-09-17", "17091931"]
HEX = re.compile(r"[0-9a-fA-F]{32,}")  # digests and ids: hex runs are no NIRs


def spaced(nir: str) -> str:
    return " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])


@pytest.fixture(scope="module")
def prefect_db() -> Iterator[Path]:
    with prefect_test_harness(server_startup_timeout=60):
        url = prefect.settings.PREFECT_SERVER_DATABASE_CONNECTION_URL.value()
        yield Path(url.split(":///", 1)[1])


def plant(inbox: Path) -> None:
    """Valid files with birth dates, and one NIR per hiding place."""
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 30, naissance=BIRTH))
    in_text = month_of_passages(GIER, 2024, 3, 20, naissance=BIRTH)
    in_text[7]["motif"] = f"NIR{NIRS[0]}"
    write_rpu_csv(inbox, GIER, "202403", in_text)
    write_rpu_csv(inbox, GIER, "202404", month_of_passages(GIER, 2024, 4, 5),
                  header=[*RPU_HEADER[:-1], f"orient {NIRS[1]}"])
    xml = write_rpu_xml(inbox, CHU, datetime(2024, 5, 5, 3, 12), datetime(2024, 4, 1).date(),
                        datetime(2024, 4, 30).date(), [xml_passage(CHU, datetime(2024, 4, 3, 14, 5))])
    xml.write_bytes(xml.read_bytes().replace(b"<EXTRACT>05/05/2024 03:12:00", f"<EXTRACT>{NIRS[2]}".encode()))
    sheets = activite_sheets(2024)
    sheets["Actions"][1][6] = f"Mairie, contact {spaced(NIRS[3])}"
    write_activite(inbox, 2024, sheets)
    write_activite(inbox, 2023, activite_sheets(2023), name=f"CPTS_activite_2023_{NIRS[4]}.xlsx")
    prado = write_prado(inbox)
    prado.rename(prado.with_name(f"CPAM_PRADO_2023_{NIRS[5]}.xlsx"))  # matched, refused by its name
    (inbox / "hopital" / f"notes_{spaced(NIRS[5])}.txt").write_text("hors format")  # listed, unmatched


EXAMPLES: list[str] = []  # where a leak was found, shown when the test fails


def leaks(text: str) -> int:
    text = HEX.sub(" ", text)
    found = sum(text.count(f) for f in FORBIDDEN) + int(contains_nir(text))
    if found:
        EXAMPLES.append(text[:300])
    return found


def scan_sqlite(path: Path, counts: Counter) -> int:
    """Every text value of every table of a SQLite database."""
    found = 0
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                counts[f"{path.name}: lignes"] += 1
                found += sum(leaks(v if isinstance(v, str) else v.decode("utf-8", "replace"))
                             for v in row if isinstance(v, str | bytes))
        counts[f"{path.name}: tables"] = len(tables)
    return found


def scan_files(root: Path, skip: set[Path], counts: Counter) -> int:
    """Every file under `root` (xlsx parts unzipped), except the raw archive and the inbox."""
    found = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if any(path.is_relative_to(s) for s in skip) or path.suffix.startswith(".sqlite"):
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                counts["rapports Excel : parties XML"] += len(book.namelist())
                found += sum(leaks(book.read(n).decode("utf-8", "replace")) for n in book.namelist())
        else:
            counts[f"fichiers {path.suffix or '(sans extension)'}"] += 1
            found += leaks(path.read_bytes().decode("utf-8", "replace"))
    return found


def test_no_nir_nor_birth_date_leaves_the_raw_archive(
        prefect_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CPTS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CPTS_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'entrepot.sqlite'}")
    monkeypatch.setenv("CPTS_INBOX", str(tmp_path / "depot"))
    monkeypatch.setenv("CPTS_PSEUDO_KEY", TEST_KEY)
    get_settings.cache_clear()
    settings: Settings = get_settings()
    plant(Path(settings.inbox_url))
    caplog.set_level(logging.DEBUG)

    report = chargement_nocturne()
    APILogHandler().flush()  # the logs reach the Prefect database before it is scanned
    get_settings.cache_clear()

    statuses = sorted(o.statut for _, o in report.outcomes)
    assert statuses == ["charge"] + ["quarantaine"] * 6, [(d.name, o.statut) for d, o in report.outcomes]
    assert len(report.unmatched) == 1
    archived = [p for p in settings.archive_path.rglob("*") if p.is_file()]
    assert sum(leaks(p.read_bytes().decode("utf-8", "replace")) for p in archived if p.suffix == ".csv")
    EXAMPLES.clear()  # the raw archive holds them, as it must; nothing else may
    counts: Counter = Counter()
    found = {
        "entrepôt (toutes les tables)": scan_sqlite(tmp_path / "entrepot.sqlite", counts),
        "base Prefect (artefacts, journaux, exécutions)": scan_sqlite(prefect_db, counts),
        "journaux (logging)": leaks(caplog.text),
        "sortie console": leaks("".join(capfd.readouterr())),
        "rapports, Data Docs et autres fichiers de var/": scan_files(
            tmp_path, {settings.archive_path, Path(settings.inbox_url)}, counts),
    }
    print("lieux examinés :", dict(counts), "— trouvés :", found, EXAMPLES)
    assert counts["rapports Excel : parties XML"] and counts["fichiers .html"]  # report and Data Docs exist
    assert counts["prefect-test.db: lignes"] and counts["entrepot.sqlite: lignes"]
    assert found == dict.fromkeys(found, 0), EXAMPLES
