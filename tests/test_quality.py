"""Given a loaded warehouse, when the quality step runs, then anomalies are caught with their
severity, stored in `qualite_resultats`, and the indicators they feed become provisoire."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, text

from cpts.config import Settings
from quality import mark_provisional, run_checks
from schemas.quality import checks
from tasks.ingest import ingest_inbox
from tests.builders import month_of_passages, write_rpu_csv
from warehouse.materialise import Period
from warehouse.tables.marts import indicateurs_resultats as ir
from warehouse.tables.qualite import qualite_resultats as qr

CHU = "420784878"
GIER = "420001232"
TERRITOIRE = "vallee-du-gier"
RESIDENCES = [("42400", "SAINT CHAMOND"), ("42800", "LA CULA"), ("42152", "L'HORME")]
GRAVITES = ["1", "2", "2", "3", "P", "4", "2", "1", "5", "D"]
DPS = ["R104", "S060", "J189", "R074", "T784"]


def realistic_month(finess: str, month: int, n: int, empty_gravite_every: int = 0) -> list[dict[str, str]]:
    rows = month_of_passages(finess, 2024, month, n)
    for i, row in enumerate(rows):
        row["cp"], row["commune"] = RESIDENCES[i % len(RESIDENCES)]
        row["gravite"] = GRAVITES[i % len(GRAVITES)]
        row["dp"] = DPS[i % len(DPS)]
        row["mode_sortie"] = "6" if i % 5 == 0 else "8"
        row["naissance"] = f"12/05/{1930 + (i * 7) % 90}"
        if empty_gravite_every and i % empty_gravite_every == 0:
            row["gravite"] = ""
    return rows


def deliver_year(inbox: Path, *, missing: tuple[str, int] | None = None,
                 spike: tuple[str, int] | None = None, empty_gravite_every: int = 0) -> None:
    """12 months of 2024 for two establishments, ±10 % seasonal variation, optional anomalies."""
    for finess in (CHU, GIER):
        for month in range(1, 13):
            if (finess, month) == missing:
                continue
            n = 60 + (month % 3 - 1) * 6
            n *= 3 if (finess, month) == spike else 1
            write_rpu_csv(inbox, finess, f"2024{month:02d}",
                          realistic_month(finess, month, n, empty_gravite_every))


def month(m: int) -> Period:
    first = date(2024, m, 1)
    last = date(2024 + m // 12, m % 12 + 1, 1).toordinal() - 1
    return Period("mois", f"2024-{m:02d}", first, date.fromordinal(last))


def given_final_values(engine: Engine, periods: list[Period]) -> None:
    """Materialised values (written directly: the catalogue evolves beside this step)."""
    with engine.begin() as conn:
        conn.execute(insert(ir), [
            {"territoire": TERRITOIRE, "code_indicateur": code, "type_periode": p.type_periode,
             "periode": p.label, "date_debut": p.debut, "date_fin": p.fin, "valeur": 10.0,
             "statut": "final", "version_catalogue": 2025, "calcule_le": datetime.now()}
            for p in periods for code in ("URG_NON_HOSPIT", "MT_17P_PART")])


def statuses(engine: Engine, code: str = "URG_NON_HOSPIT") -> dict[str, tuple[str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(ir.c.periode, ir.c.statut, ir.c.motif_statut).where(
            ir.c.code_indicateur == code, ir.c.territoire == TERRITOIRE)).all()
    return {r.periode: (r.statut, r.motif_statut) for r in rows}


def test_a_clean_year_passes_every_check_and_values_stay_final(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    deliver_year(inbox)
    ingest_inbox(engine, settings)

    summary = run_checks(engine, settings)
    given_final_values(engine, [Period.calendar_year(2024), month(5)])
    marked = mark_provisional(engine, summary.execution_id)

    assert [r.check.nom for r in summary.failed()] == []
    assert marked == 0 and {s for s, _ in statuses(engine).values()} == {"final"}
    with engine.connect() as conn:
        stored = conn.execute(select(qr.c.controle, qr.c.reussi).where(
            qr.c.execution_id == summary.execution_id)).all()
    assert len(stored) == len(checks()) and all(r.reussi for r in stored)
    assert summary.docs_index is not None and summary.docs_index.is_file()


def test_injected_anomalies_are_caught_with_their_severity_and_make_values_provisional(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    deliver_year(inbox, missing=(CHU, 5), spike=(GIER, 8), empty_gravite_every=3)
    ingest_inbox(engine, settings)
    with engine.begin() as conn:  # a commune code absent from the COG (e.g. a merged commune)
        conn.execute(text("UPDATE passages_urgences SET commune_residence = '99999' "
                          "WHERE finess = :f AND date_entree BETWEEN '2024-10-01' AND '2024-10-03'"),
                     {"f": CHU})

    summary = run_checks(engine, settings)
    given_final_values(engine, [Period.calendar_year(2024), month(3), month(5), month(8)])
    mark_provisional(engine, summary.execution_id)

    failed = {r.check.nom: r for r in summary.failed()}
    assert {n: r.check.severite for n, r in failed.items()} == {
        "rpu_mois_manquant": "fail", "rpu_volume_mensuel": "fail",
        "rpu_gravite_remplissage": "warn", "rpu_commune_referentiel": "fail"}
    assert failed["rpu_gravite_remplissage"].part_echec_pct == pytest.approx(100 / 3, abs=1)
    assert f"établissement {CHU}, 2024-05" in failed["rpu_mois_manquant"].details
    assert f"établissement {GIER}, 2024-08" in failed["rpu_volume_mensuel"].details
    assert "99999" in failed["rpu_commune_referentiel"].details
    values = statuses(engine)
    assert values["2024-03"] == ("final", None)
    assert values["2024-05"][0] == "provisoire"
    assert f"mois manquant : établissement {CHU}, 2024-05" in values["2024-05"][1]
    assert f"établissement {GIER}, 2024-08 : 198 passages" in values["2024-08"][1]
    annual = values["2024"][1]
    assert values["2024"][0] == "provisoire"
    assert all(f"« {n} »" in annual for n in ("rpu_mois_manquant", "rpu_volume_mensuel",
                                               "rpu_commune_referentiel"))
    assert "rpu_gravite_remplissage" not in annual  # a warn is reported, it does not block
    assert {s for s, _ in statuses(engine, "MT_17P_PART").values()} == {"final"}  # not fed by RPU
    with engine.connect() as conn:
        stored = dict(conn.execute(select(qr.c.controle, qr.c.severite).where(
            qr.c.execution_id == summary.execution_id, qr.c.reussi.is_(False))).all())
    assert stored == {n: r.check.severite for n, r in failed.items()}


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def rendered_text(page: Path) -> str:
    """The page as a reader sees it: DOM after scripts ran in headless Chromium, tags stripped."""
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=60, check=True).stdout
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", dom)))


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium absent (apt-get install -y chromium)")
def test_data_docs_show_the_failing_expectation(engine: Engine, settings: Settings, inbox: Path) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("Data Docs ne dépendent pas du moteur : rendu vérifié une fois, sur SQLite")
    deliver_year(inbox, missing=(GIER, 7))
    ingest_inbox(engine, settings)

    summary = run_checks(engine, settings)

    (failure,) = summary.failed()
    assert failure.check.nom == "rpu_mois_manquant" and failure.page is not None
    page = rendered_text(failure.page)
    assert "Expectation Suite: rpu_mois_manquant" in page and "Status: Failed" in page
    assert "ecart_mois" in page and "1 unexpected values found" in page
    # The index table is filled by scripts from a CDN (empty offline): the flow links the pages.
    assert "rpu_mois_manquant" in summary.docs_index.read_text()


def test_marts_flag_a_doubling_year_and_a_share_above_100(engine: Engine, settings: Settings) -> None:
    given_final_values(engine, [Period.calendar_year(2023), Period.calendar_year(2024)])
    with engine.begin() as conn:
        conn.execute(text("UPDATE indicateurs_resultats SET valeur = 25 "
                          "WHERE code_indicateur = 'URG_NON_HOSPIT' AND periode = '2024'"))
        conn.execute(text("UPDATE indicateurs_resultats SET valeur = 130 "
                          "WHERE code_indicateur = 'MT_17P_PART' AND periode = '2024'"))

    summary = run_checks(engine, settings, tables={"indicateurs_resultats"})

    mark_provisional(engine, summary.execution_id)

    failed = {r.check.nom: r.check.severite for r in summary.failed()}
    assert failed == {"indicateur_evolution_annuelle": "warn", "indicateur_taux_borne": "fail"}
    share = statuses(engine, "MT_17P_PART")
    assert share["2024"][0] == "provisoire" and "« indicateur_taux_borne »" in share["2024"][1]
    assert share["2023"] == ("final", None)
    assert statuses(engine, "URG_NON_HOSPIT")["2024"] == ("final", None)  # a warn does not block
