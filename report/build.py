"""`build_report`: the « Rapport dialogue de gestion » workbook of one territory and year."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Connection, Engine

from contract import tiers
from cpts.atomic import atomic_path
from cpts.config import Settings
from report import data, methode, missions, qualite, synthese
from report.figures import breakdown_figures
from report.model import MISSIONS, MissionBlock, line, money_for
from warehouse.catalogue import Indicator, catalogue, version

BREAKDOWN_CODE, BREAKDOWN_AXE = "ADHERENTS", "profession"


def report_path(out_dir: Path, territoire: str, annee: int) -> Path:
    return out_dir / f"rapport_dialogue_gestion_{territoire}_{annee}.xlsx"


def build_report(engine: Engine, settings: Settings, territoire: str, annee: int,
                 out_dir: Path | None = None, indicators: list[Indicator] | None = None) -> Path:
    """Write the workbook and return its path. `indicators` defaults to catalogue version `annee`."""
    indicators = indicators if indicators is not None else version(annee)
    threshold = settings.secret_threshold
    subtitle = (f"Territoire : {territoire} — année {annee} (comparée à {annee - 1}) — produit le "
                f"{datetime.now():%d/%m/%Y à %H:%M} — secret statistique appliqué")
    with engine.connect() as conn:
        blocks, annex_rows, envelopes = indicator_blocks(conn, territoire, annee, threshold, indicators)
        monthly = data.monthly_results(conn, territoire, annee)
        members = data.breakdown(conn, territoire, BREAKDOWN_CODE, str(annee), BREAKDOWN_AXE)
        quality = (data.loads(conn), data.reject_reasons(conn), data.reject_details(conn),
                   data.quality_results(conn))
        deviations = data.accepted_deviations(conn)
    wb = Workbook()
    wb.remove(wb.active)
    synthese.write(wb, blocks, subtitle, annee, bool(annex_rows), envelopes)
    for block in blocks:
        extra = _members(members, annee, threshold) if block.mission is None and members else None
        missions.write(wb, block, subtitle, annee, monthly, threshold, extra)
    qualite.write(wb, *quality, subtitle, deviations)
    methode.write(wb, indicators, annee, threshold)
    path = report_path(out_dir or settings.reports_dir, territoire, annee)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def indicator_blocks(conn: Connection, territoire: str, annee: int, threshold: int,
                     indicators: list[Indicator] | None = None
                     ) -> tuple[list[MissionBlock], list[dict], list[dict]]:
    """The report's lines per mission (secrecy applied) with the annex rows and envelopes; the
    portal shows exactly these."""
    indicators = indicators if indicators is not None else version(annee)
    annex_rows, envelopes = data.annex(conn, territoire, annee)
    blocks = _blocks(conn, territoire, annee, indicators, threshold, annex_rows, envelopes)
    return blocks, annex_rows, envelopes


def _blocks(conn: Connection, territoire: str, annee: int, indicators: list[Indicator], threshold: int,
            annex_rows: list[dict], envelopes: list[dict]) -> list[MissionBlock]:
    results = data.yearly_results(conn, territoire, annee)
    contract = data.contract_results(conn, territoire, annee)
    # Money is computed over the annex rows (even one the catalogue version lacks), then shown per line.
    earned = {r["code_indicateur"]: money_for(None, r, contract.get(r["code_indicateur"])
                                              or results.get((r["code_indicateur"], str(annee))))
              for r in annex_rows}
    blocks = []
    for mission in MISSIONS:
        block = MissionBlock(mission)
        for ind in (i for i in indicators if i.mission == mission):
            ln = line(ind, results.get((ind.code, str(annee - 1))), results.get((ind.code, str(annee))),
                      threshold)
            ln.earned = earned.get(ind.code)
            block.lines.append(ln)
        if annex_rows and mission is not None:
            block.money = _mission_money(mission, annex_rows, earned, envelopes)
        if block.lines or block.money:
            blocks.append(block)
    return blocks


def _mission_money(mission: int, annex_rows: list[dict], earned: dict[str, tiers.Earned],
                   envelopes: list[dict]) -> tiers.MissionMoney | None:
    codes = [r["code_indicateur"] for r in annex_rows if r["mission"] == mission]
    envelope = next((e["part_variable"] for e in envelopes if e["mission"] == mission), None)
    if not codes and not envelope:
        return None
    return tiers.mission_money([earned[c] for c in codes], envelope)


def _members(rows: list[dict], annee: int, threshold: int) -> missions.Breakdown:
    ind = catalogue().get(BREAKDOWN_CODE)
    figures = breakdown_figures(rows, secret=bool(ind and ind.secret), threshold=threshold)
    cells = [(r["modalite"], fig) for r, fig in zip(rows, figures, strict=True)]
    return missions.Breakdown(f"Adhérents par profession au 31/12/{annee}", cells)
