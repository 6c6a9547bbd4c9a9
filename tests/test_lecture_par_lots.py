"""Given RPU CSV files of every shape the generator writes — the real producers' conventions and
the bad-input set (unreadable dates, invalid keys, a contradicted scope, NIRs, empty files…) — when
they are read together in batches, then each file's outcome is exactly what it gives read alone:
the same rows and types, rejects with their own line numbers, anomalies, scope, or the same
refusal."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from cpts.config import Limits
from generator import generate
from schemas import rpu, rpu_csv
from schemas.base import Extract, FileRejected, ReadContext
from schemas.rpu import REASONS
from tasks.reading import ReadJob, read_jobs, read_or_refuse
from tests.conftest import TEST_KEY


@pytest.fixture(scope="module")
def rpu_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("lots")
    generate(folder, territoires=("vallee-du-gier",), annees=(2024,), echelle=0.05, defauts=True,
             seulement=("rpu",))
    files = sorted(p for p in folder.rglob("RPU_*.csv"))
    copy = folder / "mutes" / "RPU_420009573_202401.csv"
    copy.parent.mkdir()
    _sortie_before_entree(folder / "hopital" / copy.name, copy)
    return sorted({*files, copy})


def _sortie_before_entree(source: Path, copy: Path) -> None:
    """A month whose first passages leave before they arrive (pandera's row rule)."""
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    header = [c.strip().lower() for c in lines[0].split(";")]
    entree, sortie = header.index("entree"), header.index("sortie")
    for n in range(1, 4):
        cells = lines[n].split(";")
        cells[entree], cells[sortie] = cells[sortie], cells[entree]
        lines[n] = ";".join(cells)
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")


def outcome(result: Extract | FileRejected) -> tuple:
    if isinstance(result, FileRejected):
        return ("refus", str(result))
    tables = {name: (frame.schema, frame.rows()) for name, frame in result.tables.items()}
    return (tables, result.scope, result.rows_read, result.rejects, result.anomalies, result.extraction)


def read_alone(context: ReadContext) -> Extract | FileRejected:
    try:
        return rpu_csv.read(context)
    except FileRejected as exc:
        return exc


def test_each_file_of_a_batch_gets_what_it_gets_alone(rpu_files: list[Path]) -> None:
    contexts = [ReadContext(p, p.name, rpu_csv.FILE_TYPE.matches(p.name), TEST_KEY.encode())
                for p in rpu_files]
    alone = [outcome(read_alone(c)) for c in contexts]
    order = list(range(len(contexts)))
    random.Random(7).shuffle(order)  # defects beside clean files, in batches of every size
    batched: dict[int, tuple] = {}
    start, size = 0, 1
    while start < len(order):
        chunk = order[start:start + size]
        for i, result in zip(chunk, rpu_csv.read_many([contexts[i] for i in chunk]), strict=True):
            batched[i] = outcome(result)
        start, size = start + size, size % 9 + 1
    assert [batched[i] for i in range(len(contexts))] == alone
    refusals = [o[1] for o in alone if o[0] == "refus"]
    assert any("FINESS" in r for r in refusals) and any("hors de la période" in r for r in refusals)
    motifs = {r.motif for o in alone if o[0] != "refus" for r in o[3]}  # row rejects compared too
    assert REASONS["sortie"] in motifs and REASONS["entree"] in motifs


def test_the_reading_processes_read_a_batch_file_by_file_outcomes(rpu_files: list[Path]) -> None:
    jobs = [ReadJob("rpu_csv", str(p), p.name, TEST_KEY.encode(), ("42", "69"), Limits())
            for p in rpu_files[:12]]
    singles = [read_or_refuse(job) for job in jobs]
    for job, batch, single in zip(jobs, read_jobs(jobs), singles, strict=True):
        assert type(batch) is type(single), job.name
        assert (outcome(batch) == outcome(single)) if isinstance(batch, Extract) else batch == single


def test_a_nir_the_byte_screen_missed_refuses_the_same_files_in_a_batch(rpu_files: list[Path]) -> None:
    """The decoded values are searched too (defence in depth behind the raw-byte screen): given
    passages holding NIRs in several columns, each file is refused at its own first NIR, in its
    own column order, as alone; the other files of the batch load."""
    contexts = [ReadContext(p, p.name, rpu_csv.FILE_TYPE.matches(p.name), TEST_KEY.encode())
                for p in rpu_files if "mutes" not in str(p)]
    files = []
    for context in contexts:
        try:
            files.append(rpu_csv.passages(context))
        except FileRejected:
            continue
        if len(files) == 4:
            break
    man, woman = "1850742218123", "2920699123087"
    planted = {0: [("motif", 5, f"suivi {nir(man)}"), ("dp", 3, nir(woman))],
               2: [("liste_da", 7, f"x {nir(woman)} y"), ("motif", 2, nir(man))]}
    for i, places in planted.items():
        raw = files[i].raw
        for column, row, value in places:
            raw = raw.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value))
                                   .otherwise(pl.col(column)).alias(column))
        files[i] = replace(files[i], raw=raw)

    alone = [outcome(extract_alone(f)) for f in files]
    together = [outcome(r) for r in rpu.extract_batch(files)]

    assert together == alone
    assert [o[0] == "refus" for o in alone] == [True, False, True, False]
    assert all("NIR" in o[1] and "masqué" not in o[1] and man not in o[1] for o in alone if o[0] == "refus")


def extract_alone(file: rpu.Passages) -> Extract | FileRejected:
    try:
        return rpu.extract_file(file)
    except FileRejected as exc:
        return exc


def nir(body: str) -> str:
    from cpts.identifiers import nir_key

    return f"{body}{nir_key(body):02d}"
