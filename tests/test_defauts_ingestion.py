"""Given the generator's bad-inputs set (generator/defauts), when each defect's mini-inbox is
ingested into a fresh warehouse, then the pipeline does exactly what the manifest expects
— on SQLite and PostgreSQL (exports.md, « Rejections »)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from cpts.config import Settings
from generator import _context
from generator.defauts import DEFECTS, write_defects
from generator.defauts.classeurs import FORMULA
from tasks.ingest import IngestReport, ingest_inbox

NIR = "185074221812331"  # generator/defauts/hopital.nir_in_column: body 1850742218123 + key 31
NOT_FACTS = {"chargements", "rejets", "anomalies", "qualite_resultats"}
FRENCH = ("ligne", "colonne", "fichier", "feuille", "cellule", "classeur")
# The registered status of the faulty file for each expected outcome: a rejected row loads the rest.
STATUS = {"quarantaine": "quarantaine", "rejet_ligne": "charge", "obsolete": "obsolete", "charge": "charge"}
# Refused before any sheet is parsed (entities in the sheet part): the message can name the file only.
UNOPENED = {"bombe_xml_xlsx"}


@pytest.fixture(scope="module")
def defauts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bad-inputs set alone (about 1 s; `generate(..., defauts=True)` also writes the inbox)."""
    out = tmp_path_factory.mktemp("defauts")
    write_defects(_context(out, ("vallee-du-gier", "grand-saint-etienne"), (2023, 2024), 1.0, 42, 1.0, None))
    return out / "defauts"


@pytest.fixture(scope="module")
def manifest(defauts: Path) -> dict[str, list[dict]]:
    data = json.loads((defauts / "manifest.json").read_text(encoding="utf-8"))
    return {d["defaut"]: d["fichiers"] for d in data["defauts"]}


def rows(engine: Engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def loads(engine: Engine, name: str) -> list[tuple]:
    """(id, statut, lignes_chargees, message) of every registered load of file `name`, in order."""
    return rows(engine, "SELECT id, statut, lignes_chargees, message FROM chargements "
                "WHERE nom_fichier = :n ORDER BY id", n=name)


def fact_tables(engine: Engine) -> list[str]:
    inspector = inspect(engine)
    return [t for t in inspector.get_table_names() if t not in NOT_FACTS
            and "chargement_id" in {c["name"] for c in inspector.get_columns(t)}]


def fact_rows(engine: Engine, chargement_id: int) -> dict[str, int]:
    """Rows per fact table that came from one load (tables with none are left out)."""
    counts = {t: rows(engine, f"SELECT COUNT(*) FROM {t} WHERE chargement_id = :i", i=chargement_id)[0][0]
              for t in fact_tables(engine)}
    return {t: n for t, n in counts.items() if n}


def dump(engine: Engine) -> str:
    """Every value of every table of the warehouse, as text."""
    parts = []
    for table in inspect(engine).get_table_names():
        parts += [repr(r) for r in rows(engine, f"SELECT * FROM {table}")]
    return "\n".join(parts)


def ingest(engine: Engine, settings: Settings, defauts: Path, entries: list[dict]) -> list[IngestReport]:
    """Each mini-inbox of the defect, in the order of « passage » (one run each)."""
    boxes = sorted({(e["passage"], e["boite"]) for e in entries})
    return [ingest_inbox(engine, settings, str(defauts / boite)) for _, boite in boxes]


def name_of(entry: dict) -> str:
    return Path(entry["fichier"]).name


def assert_names_the_place(message: str, entry: dict) -> None:
    """The French message names the file, the line (or sheet and cell) and the column."""
    assert name_of(entry) in message, message
    assert any(word in message.lower() for word in FRENCH), message
    line = f"ligne {entry['lignes'][0]}" if entry.get("lignes") else None
    if line:
        assert line in message, message
    if entry.get("cellule") and entry["boite"] not in UNOPENED:
        sheet, _, cell = entry["cellule"].rpartition("!")
        assert sheet in message and (cell in message or line in message), message
    if entry.get("colonne"):
        assert entry["colonne"].lower() in message.lower(), message


@pytest.mark.parametrize("defaut", list(DEFECTS), ids=list(DEFECTS))
def test_each_defect_gets_exactly_the_manifest_outcome(
        defaut: str, defauts: Path, manifest: dict[str, list[dict]], engine: Engine, settings: Settings,
        caplog: pytest.LogCaptureFixture) -> None:
    entries = manifest[defaut]
    caplog.set_level(logging.DEBUG)

    reports = ingest(engine, settings, defauts, entries)

    assert not any(r.unmatched for r in reports)
    outcomes = {d.name: o.statut for r in reports for d, o in r.outcomes}
    for entry in entries:
        name = name_of(entry)
        registered = loads(engine, name)
        assert registered, f"{name} absent du registre des chargements"
        chargement_id, statut, loaded, message = registered[-1]
        assert outcomes[name] == STATUS[entry["attendu"]], (name, outcomes[name], message)
        assert statut == STATUS[entry["attendu"]], (name, statut, message)
        if entry["attendu"] in ("charge", "rejet_ligne"):
            if entry.get("lignes_chargees") is not None:
                assert loaded == entry["lignes_chargees"]
                assert sum(fact_rows(engine, chargement_id).values()) == entry["lignes_chargees"]
        else:
            assert fact_rows(engine, chargement_id) == {}  # nothing of a refused file is loaded
            assert message, name
            if entry["attendu"] == "quarantaine":
                assert_names_the_place(message, entry)
        if entry["attendu"] == "rejet_ligne":
            assert_row_rejects(engine, entry)
    assert NIR not in dump(engine)
    assert NIR not in caplog.text


def assert_row_rejects(engine: Engine, entry: dict) -> None:
    """The rejected rows are kept with their line and column; the others load."""
    ((chargement_id, statut, loaded, _),) = loads(engine, name_of(entry))
    assert (statut, loaded) == ("charge", entry["lignes_chargees"])
    # As the coordinator reads them (report/data.reject_details): file, line or sheet and cell,
    # column, reason; the reason alone stays free of places so that reasons can be counted.
    rejected = rows(engine, "SELECT r.ligne, r.feuille, r.cellule, r.colonne, r.motif, c.nom_fichier "
                    "FROM rejets r JOIN chargements c ON c.id = r.chargement_id "
                    "WHERE r.chargement_id = :i ORDER BY r.ligne", i=chargement_id)
    if entry.get("cellule"):
        sheet, cell = entry["cellule"].split("!")
        assert [(r[1], r[2]) for r in rejected] == [(sheet, cell)]
    else:
        assert [r[0] for r in rejected] == entry["lignes"]
    assert {r[3].lower() for r in rejected} == {entry["colonne"].lower()}
    for ligne, feuille, cellule, colonne, motif, fichier in rejected:
        place = f"{fichier} : ligne {ligne}, feuille {feuille}, cellule {cellule}, colonne {colonne}"
        assert_names_the_place(f"{place} : {motif}", entry)
        assert entry["colonne"].lower() in motif.lower(), motif
    assert sum(fact_rows(engine, chargement_id).values()) == entry["lignes_chargees"]


def test_a_formula_typed_as_text_is_stored_verbatim(
        defauts: Path, manifest: dict[str, list[dict]], engine: Engine, settings: Settings) -> None:
    (entry,) = manifest["formule_texte"]
    ingest(engine, settings, defauts, [entry])
    sheet, cell = entry["cellule"].split("!")
    assert (sheet, entry["colonne"]) == ("Actions", "Intitulé")
    line = int(cell[1:])
    assert rows(engine, "SELECT intitule FROM cpts_actions WHERE ligne = :l", l=line) == [(FORMULA,)]


def test_an_obsolete_pmsi_month_leaves_the_first_load_intact(
        defauts: Path, manifest: dict[str, list[dict]], engine: Engine, settings: Settings) -> None:
    first, second = sorted(manifest["pmsi_obsolete"], key=lambda e: e["passage"])
    ingest_inbox(engine, settings, str(defauts / first["boite"]))
    before = rows(engine, "SELECT * FROM sejours_mco ORDER BY id")

    report = ingest_inbox(engine, settings, str(defauts / second["boite"]))

    assert [o.statut for _, o in report.outcomes] == ["obsolete"]
    assert "obsolète" in (report.outcomes[0][1].message or "").lower()
    assert len(before) == first["lignes_chargees"]
    assert rows(engine, "SELECT * FROM sejours_mco ORDER BY id") == before
    assert rows(engine, "SELECT statut FROM chargements WHERE nom_fichier = :n",
                n=name_of(first)) == [("charge",)]
