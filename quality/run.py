"""`run_checks`: the quality step of the nightly flow (after loading, before materialising)."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, insert

from cpts.atomic import publish_tree
from cpts.config import Settings
from cpts.private import private_dir, private_tree
from quality.details import describe
from schemas.quality import Check, checks
from warehouse.loading import lock_writers
from warehouse.tables.qualite import qualite_resultats


@dataclass(frozen=True)
class CheckResult:
    check: Check
    reussi: bool
    lignes_controlees: int | None
    lignes_en_echec: int | None
    part_echec_pct: float | None
    details: str
    periode_debut: date | None = None
    periode_fin: date | None = None
    page: Path | None = None  # Data Docs page of this check's validation (to link from the flow)


@dataclass
class QualitySummary:
    """What the flow needs: the run id (for statuses), the failures and the Data Docs page."""

    execution_id: str
    execute_le: datetime
    results: list[CheckResult] = field(default_factory=list)
    docs_index: Path | None = None
    duree_s: float = 0.0

    def failed(self, severite: str | None = None) -> list[CheckResult]:
        return [r for r in self.results
                if not r.reussi and (severite is None or r.check.severite == severite)]

    @property
    def blocking(self) -> bool:
        """A `fail` check failed: the indicators it feeds must become provisoire."""
        return bool(self.failed("fail"))


def docs_dir(settings: Settings) -> Path:
    return settings.data_dir / "qualite" / "docs"


def run_checks(engine: Engine, settings: Settings, tables: set[str] | None = None) -> QualitySummary:
    """Validate the warehouse (all tables of schemas/quality, or `tables`), store and return results."""
    started = time.perf_counter()
    summary = QualitySummary(str(uuid.uuid4()), datetime.now().replace(microsecond=0))
    selected = [c for c in checks() if tables is None or c.table in tables]
    dialect = engine.dialect.name
    outcomes = _validate(engine, dialect, selected, docs_dir(settings), summary.execution_id)
    with engine.connect() as conn:
        for check in selected:
            gx = outcomes[check.nom]
            details, debut, fin = ("", None, None) if gx.success else describe(conn, check, dialect)
            summary.results.append(CheckResult(
                check, gx.success, gx.element_count, gx.unexpected_count, gx.unexpected_percent,
                _message(check, gx.success, gx.unexpected_percent, details), debut, fin, gx.page))
    summary.docs_index = docs_dir(settings) / "index.html"
    summary.duree_s = time.perf_counter() - started
    store(engine, summary)
    return summary


def _validate(engine: Engine, dialect: str, selected: list[Check], directory: Path,
              run_name: str) -> dict:
    """Great Expectations builds the Data Docs aside, then they are published file by file
    (atomic replace): readers and a concurrent run never see half a page."""
    from quality.gx_run import run_gx  # lazy: Great Expectations stays out of the loading path

    private_dir(directory)
    staging = Path(tempfile.mkdtemp(dir=directory.parent, prefix=".docs-"))
    try:
        outcomes = run_gx(engine.url.render_as_string(hide_password=False), dialect, selected, staging,
                          run_name=run_name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    private_tree(staging)  # pages written by Great Expectations quote failing values
    publish_tree(staging, directory)
    return {name: replace(o, page=directory / o.page.relative_to(staging) if o.page else None)
            for name, o in outcomes.items()}


def _message(check: Check, ok: bool, share: float | None, details: str) -> str:
    observed = "aucune ligne à contrôler" if share is None else f"{_pct(share)} de lignes en échec"
    head = (f"{check.description} : {'conforme' if ok else 'en échec'} "
            f"({observed}, seuil {_pct(check.seuil_pct)})")
    return f"{head}. {details}" if details else head


def _pct(value: float) -> str:
    return f"{value:.1f} %".replace(".", ",")


def store(engine: Engine, summary: QualitySummary) -> None:
    rows = [{
        "execution_id": summary.execution_id, "execute_le": summary.execute_le,
        "controle": r.check.nom, "table_controlee": r.check.table, "colonne": r.check.colonne,
        "categorie": r.check.categorie, "severite": r.check.severite, "seuil_pct": r.check.seuil_pct,
        "part_echec_pct": r.part_echec_pct, "lignes_controlees": r.lignes_controlees,
        "lignes_en_echec": r.lignes_en_echec, "reussi": r.reussi, "details": r.details,
        "indicateurs": ",".join(r.check.indicateurs) or None,
        "periode_debut": r.periode_debut, "periode_fin": r.periode_fin,
    } for r in summary.results]
    if rows:
        with engine.begin() as conn:
            lock_writers(conn)
            conn.execute(insert(qualite_resultats), rows)
