"""« Rapport dialogue de gestion »: figures, secrecy, charts, injection, tiers (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, inspect

from cpts.config import Settings
from report import build_report
from tests.builders_marts import (
    add_annex_indicator,
    add_breakdown,
    add_envelope,
    add_load,
    add_reject,
    add_result,
)
from tests.conftest import TEST_KEY, private_warehouse
from warehouse.catalogue import Indicator
from warehouse.db import make_engine, upgrade

T, N = "vallee-du-gier", 2024
INJECTION = '=HYPERLINK("http://exemple.invalid","cliquez")'


RATES = {"%": 100, "pour 100 habitants": 100, "pour 10 000 habitants": 10000}


def ind(code: str, mission: int | None, unite: str, sens: str | None, secret: bool,
        nature: str = "stock") -> Indicator:
    return Indicator(code=code, libelle=f"Libellé {code}", mission=mission, nature=nature, unite=unite,
                     sens=sens, secret=secret, versions=(2024,), sources=("source_test",),
                     definition=f"Définition de {code}", sql="", echelle=RATES.get(unite))


INDICATORS = [
    ind("MT_ALD_SANS", 1, "patients", "≤", True),
    ind("MT_70P_SANS", 1, "patients", "≤", True),
    ind("ADM_DIRECTE_MED_PART", 1, "%", "≥", True, "flux"),
    ind("URG_NON_HOSPIT", 1, "passages", "≤", True, "flux"),
    ind("PREV_REUNIONS", 3, "réunions", "≥", False, "flux"),
    ind("PREV_PARTICIPANTS", 3, "participants", "≥", False, "flux"),
    ind("ADHERENTS", None, "adhérents", None, False),
]
# Raw values that secrecy masks: they must appear nowhere in the file.
MASKED_RAW = {7.0, 19.0, round(7 / 19 * 100, 1), 7 / 19 * 100}
MONTHS = {m: (7 if m == 3 else 1700) for m in range(1, 13)}


def seed(engine: Engine) -> None:
    with engine.begin() as conn:
        add_result(conn, T, "MT_ALD_SANS", "2023", 780)
        add_result(conn, T, "MT_ALD_SANS", "2024", 80)
        add_result(conn, T, "MT_70P_SANS", "2023", 433)
        add_result(conn, T, "MT_70P_SANS", "2024", 7)
        add_result(conn, T, "ADM_DIRECTE_MED_PART", "2023", 7 / 19 * 100, numerateur=7, denominateur=19)
        add_result(conn, T, "ADM_DIRECTE_MED_PART", "2024", 1979 / 5175 * 100, numerateur=1979,
                   denominateur=5175)
        add_result(conn, T, "URG_NON_HOSPIT", "2023", 18993)
        add_result(conn, T, "URG_NON_HOSPIT", "2024", 20599, statut="provisoire", motif=INJECTION)
        for month, value in MONTHS.items():
            add_result(conn, T, "URG_NON_HOSPIT", f"2024-{month:02d}", value, type_periode="mois")
        add_result(conn, T, "PREV_REUNIONS", "2024", 5)
        add_result(conn, T, "PREV_PARTICIPANTS", "2024", 24)
        add_result(conn, T, "ADHERENTS", "2024", 115)
        add_breakdown(conn, T, "ADHERENTS", "2024", "profession", [
            ("Médecin généraliste", 14, False), ("Infirmier", 40, False), ("Psychologue", 1, False),
            ("Autre", None, True)])
        _seed_registry_and_annex(conn)


def _seed_registry_and_annex(conn) -> None:
    cpam = add_load(conn, "cpam", "CPAM_patientele_2024.xlsx", datetime(2024, 3, 4, 2))
    add_load(conn, "cpam", "CPAM_prado_202402.xlsx", datetime(2024, 3, 5, 2))
    add_load(conn, "hopital", "RPU_420000000_202403.csv", datetime(2024, 4, 2, 2), "quarantaine",
             "=cmd|' /C calc'!A0")
    add_reject(conn, cpam, 12, INJECTION)
    add_reject(conn, cpam, 45, "Date invalide : « 31/02/2024 ».")
    annexe = add_load(conn, "cpts", "CPTS_annexe_indicateurs_2024.xlsx", datetime(2024, 1, 10, 2))
    add_annex_indicator(conn, annexe, T, N, 1, "MT_ALD_SANS", "≤", [(219, 3000), (100, 6000), (50, 9000)])
    add_annex_indicator(conn, annexe, T, N, 1, "ADM_DIRECTE_MED_PART", "≥",
                        [(35, 4000), (38, 8000), (40, 12000)])
    add_annex_indicator(conn, annexe, T, N, 1, "URG_NON_HOSPIT", "≤", [(21000, 5000), (20000, 10000)])
    add_annex_indicator(conn, annexe, T, N, 3, "PREV_REUNIONS", "≥", [(2, 10000), (4, 15000), (6, 17500)])
    add_annex_indicator(conn, annexe, T, N, 3, "PREV_PARTICIPANTS", "≥", [(10, 5000)])
    for mission, label, fixe, variable in [(None, "Fonctionnement", 75000, 0), (1, "Accès aux soins", 90000,
                                            35000), (3, "Prévention", 17500, 17500),
                                           (4, "Crise sanitaire", 22500, 0)]:
        add_envelope(conn, annexe, T, N, mission, label, fixe, variable)


@dataclass(frozen=True)
class Built:
    path: Path
    has_checks: bool  # whether the warehouse has the `qualite_resultats` table


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """One seeded warehouse and workbook per backend, shared by the read-only tests (keeps them fast)."""
    tmp = tmp_path_factory.mktemp("rapport")
    with private_warehouse(request, tmp) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            seed(engine)
            settings = Settings(data_dir=tmp / "var", warehouse_url=url, pseudo_key=TEST_KEY)
            path = build_report(engine, settings, T, N, out_dir=tmp / "rapports", indicators=INDICATORS)
            yield Built(path, inspect(engine).has_table("qualite_resultats"))
        finally:
            engine.dispose()


@pytest.fixture
def report(built: Built) -> Path:
    return built.path


def rows_by_code(ws) -> dict[str, tuple]:
    return {r[0]: r for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str)}


def test_file_name_and_sheets(report: Path) -> None:
    assert report.name == "rapport_dialogue_gestion_vallee-du-gier_2024.xlsx"
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames == ["Synthèse", "M1 Accès aux soins", "M3 Prévention", "Organisation CPTS",
                             "Qualité des données", "Méthode"]
    for ws in wb:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.freeze_panes and ws.print_title_rows


def test_synthese_figures_status_and_money(report: Path) -> None:
    ws = openpyxl.load_workbook(report)["Synthèse"]
    rows = rows_by_code(ws)
    # code, libellé, unité, N-1, N, évolution, sens, favorable, statut, motif, palier, montant
    assert rows["MT_ALD_SANS"][3:9] == (780, 80, -700, "≤", "Oui", "Définitif")
    assert rows["MT_ALD_SANS"][10:12] == ("Intermédiaire", 6000)  # real contract: 80 → 6 000 €
    assert rows["MT_70P_SANS"][3:6] == (433, "< 10", None)
    assert rows["ADM_DIRECTE_MED_PART"][3:6] == ("s", 38.2, None)
    assert rows["ADM_DIRECTE_MED_PART"][10:12] == ("Intermédiaire", 8000)
    assert rows["URG_NON_HOSPIT"][3:6] == (18993, 20599, 1606)
    assert rows["URG_NON_HOSPIT"][7:9] == ("Non", "Provisoire")
    assert rows["URG_NON_HOSPIT"][10:12] == ("Non évaluable", 0)
    assert rows["PREV_REUNIONS"][10:12] == ("Intermédiaire", 15000)
    assert ws.cell(row=_row_of(ws, "MT_ALD_SANS"), column=4).number_format == "#,##0"
    assert ws.cell(row=_row_of(ws, "ADM_DIRECTE_MED_PART"), column=5).number_format == "0.0"
    totals = [r[11] for r in ws.iter_rows(values_only=True) if r[1] == "Part variable atteinte de la mission"]
    assert totals == [14000, 17500]  # mission 3: 15 000 + 5 000 capped at its 17 500 € envelope
    total = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Total du contrat")
    assert total[5] == 75000 + 90000 + 17500 + 22500 + 14000 + 17500


def _row_of(ws, code: str) -> int:
    return next(c.row for c in ws["A"] if c.value == code)


def _all_values(path: Path) -> list:
    values = []
    for name in CalamineWorkbook.from_path(str(path)).sheet_names:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
        values += [v for row in sheet.to_python() for v in row]
    wb = openpyxl.load_workbook(path)
    values += [c.value for ws in wb for row in ws.iter_rows() for c in row]
    return values


def test_masked_values_appear_nowhere(report: Path) -> None:
    values = _all_values(report)
    assert "< 10" in values and "s" in values
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    assert not MASKED_RAW & {float(v) for v in numbers}
    texts = [v for v in values if isinstance(v, str)]
    assert not [t for t in texts if t.strip() in {"7", "19"} or "36,8" in t or "36.8" in t]
    with zipfile.ZipFile(report) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert not re.search(r"<v>(7|19|36\.8\d*)</v>", xml)


def test_calamine_reads_the_same_figures(report: Path) -> None:
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_name("Synthèse").to_python()
    by_code = {r[0]: r for r in rows if r and r[0]}
    assert by_code["MT_ALD_SANS"][3:6] == [780, 80, -700]
    assert by_code["ADM_DIRECTE_MED_PART"][3:5] == ["s", 38.2]
    assert by_code["URG_NON_HOSPIT"][9] == INJECTION


def test_formula_like_text_is_neutralised(report: Path) -> None:
    wb = openpyxl.load_workbook(report)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in cells} >= {INJECTION, "=cmd|' /C calc'!A0"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(report) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s or "<f " in s for s in sheets)


def _refs(chart) -> list[str]:
    return [s.val.numRef.f for s in chart.series]


def test_charts_plot_published_values_only(report: Path) -> None:
    wb = openpyxl.load_workbook(report)
    m1, org = wb["M1 Accès aux soins"], wb["Organisation CPTS"]
    assert len(m1._charts) == 4 + 1  # N-1 vs N per indicator, then the monthly URG series
    assert len(wb["M3 Prévention"]._charts) == 2 and len(org._charts) == 2
    refs = [_refs(c)[0] for c in m1._charts]
    row = _row_of(m1, "ADM_DIRECTE_MED_PART")
    assert refs[2] == f"'M1 Accès aux soins'!$J${row}:$K${row}"
    assert (m1[f"J{row}"].value, m1[f"K{row}"].value) == (None, 38.2)  # N-1 masked: left empty
    monthly = refs[4].split("!")[1].replace("$", "")
    values = [c.value for (c,) in m1[monthly]]
    assert values == [None if m == 3 else 1700 for m in range(1, 13)]
    members = _refs(org._charts[1])[0].split("!")[1].replace("$", "")
    assert [c.value for (c,) in org[members]] == [14, 40, 1, None]  # « Autre » masked at source
    shown = {r[0]: r[1] for r in org.iter_rows(values_only=True) if r[0] in {"Autre", "Infirmier"}}
    assert shown == {"Autre": "< 10", "Infirmier": 40}


def test_quality_sheet(report: Path, built: Built) -> None:
    rows = list(openpyxl.load_workbook(report)["Qualité des données"].iter_rows(values_only=True))
    assert ("2024-03", "cpam", 2, 2, 0, 0, 0) in [r[:7] for r in rows]
    assert ("2024-04", "hopital", 1, 0, 1, 0, 0) in [r[:7] for r in rows]
    assert any(r[0] == "Date invalide : « 31/02/2024 »." and r[1] == 1 for r in rows)
    assert any(r[0] == "Contrôles de qualité" for r in rows) == built.has_checks


def test_quality_checks_section_when_table_exists(engine: Engine, settings: Settings,
                                                  tmp_path: Path) -> None:
    if not inspect(engine).has_table("qualite_resultats"):
        table = Table("qualite_resultats", MetaData(), Column("controle", String(80)),
                      Column("echecs", Integer))
        table.create(engine)
        with engine.begin() as conn:
            conn.execute(table.insert().values(controle="+SUM(A1)", echecs=3))
    path = build_report(engine, settings, T, N, out_dir=tmp_path, indicators=INDICATORS)
    rows = list(openpyxl.load_workbook(path)["Qualité des données"].iter_rows(values_only=True))
    assert any(r[0] == "Contrôles de qualité" for r in rows)


def test_methode_lists_every_indicator(report: Path) -> None:
    rows = rows_by_code(openpyxl.load_workbook(report)["Méthode"])
    assert set(rows) >= {i.code for i in INDICATORS}
    assert rows["MT_ALD_SANS"][6:10] == ("oui", "source_test", "Définition de MT_ALD_SANS", "2024")
    texts = [r[0] for r in openpyxl.load_workbook(report)["Méthode"].iter_rows(values_only=True)]
    assert any(t and t.startswith("Secret statistique") for t in texts)


def test_without_annex_no_money_columns(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    with engine.begin() as conn:
        add_result(conn, T, "MT_ALD_SANS", "2024", 80)
    path = build_report(engine, settings, T, N, out_dir=tmp_path, indicators=INDICATORS)
    header = next(openpyxl.load_workbook(path)["Synthèse"].iter_rows(min_row=4, max_row=4, values_only=True))
    assert "Montant (€)" not in header and header[3:5] == ("2023", "2024")


def test_cli_rapport_prints_the_path(engine: Engine, settings: Settings, monkeypatch) -> None:
    from typer.testing import CliRunner

    from cpts import cli

    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    result = CliRunner().invoke(cli.app, ["rapport", "--territoire", T, "--annee", str(N)])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path.exists() and path.parent == settings.reports_dir
