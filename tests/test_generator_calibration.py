"""The generated files give exactly the activity report for Vallée du Gier (indicators.md).

Each indicator is recomputed from the FILES with the readers of test_generator_lecture and
the pipeline's residence resolver, so any drift of the generator fails here.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import pytest
from test_generator_lecture import (
    VDG,
    as_date,
    boite,
    pmsi_stays,
    read_csv,
    residents,
    rpu_passages,
    sheet_rows,
    table,
    territory_communes,
)

from cpts.labels import normalise_label

__all__ = ["boite"]  # the session fixture, shared with the other generator tests

REPORT = {
    2023: {"MT_ALD_SANS": 780, "MT_17P_SANS": 7182, "MT_70P_SANS": 433, "SAS_MEDECINS": 9,
           "URG_NON_HOSPIT": 18993, "ADM_DIRECTE_MED": 1879, "ADM_DIRECTE_MED_PART": "35.2"},
    2024: {"MT_ALD_SANS": 771, "MT_17P_SANS": 5679, "MT_70P_SANS": 406, "SAS_MEDECINS": 15,
           "URG_NON_HOSPIT": 20599, "ADM_DIRECTE_MED": 1979, "ADM_DIRECTE_MED_PART": "38.2"},
}
YEARS = [2023, 2024]


@pytest.fixture(scope="module")
def passages(boite: Path) -> pl.DataFrame:
    df = rpu_passages(boite)
    return df.with_columns(resident=residents(df, "cp", "commune", None))


@pytest.mark.parametrize("year", YEARS)
def test_urg_non_hospit(passages: pl.DataFrame, year: int) -> None:
    count = passages.filter(pl.col("resident") & (pl.col("mode_sortie") == "8")
                            & (pl.col("jour").dt.year() == year)).height
    assert count == REPORT[year]["URG_NON_HOSPIT"]


def test_emergency_files_hold_other_people_too(passages: pl.DataFrame) -> None:
    """Residents are a minority of the passages; the others must be told apart."""
    assert passages.filter(~pl.col("resident")).height > passages.height / 2
    assert passages.filter(pl.col("cp") == "69420").height > 0


@pytest.fixture(scope="module")
def stays(boite: Path) -> pl.DataFrame:
    df = pmsi_stays(boite)
    return df.with_columns(resident=residents(df, "cp_residence", None, "commune_residence"))


@pytest.mark.parametrize("year", YEARS)
def test_adm_directe_med(stays: pl.DataFrame, year: int) -> None:
    medicine = stays.filter(
        pl.col("resident") & (pl.col("date_sortie").dt.year() == year)
        & (pl.col("ghm").str.slice(2, 1) == "M")
        & ~pl.col("ghm").str.slice(0, 2).is_in(["14", "15", "28"])
        & (pl.col("date_sortie") > pl.col("date_entree")) & (pl.col("mode_entree") == "8")
    )
    direct = medicine.filter((pl.col("provenance").fill_null("") != "5")
                             & (pl.col("uhcd").fill_null("0") != "1"))
    assert direct.height == REPORT[year]["ADM_DIRECTE_MED"]
    share = Decimal(100 * direct.height) / Decimal(medicine.height)
    assert str(share.quantize(Decimal("0.1"), ROUND_HALF_UP)) == REPORT[year][
        "ADM_DIRECTE_MED_PART"]


def _latest(folder: Path, pattern: str, end: date) -> Path:
    dated = [(re.search(r"_(\d{8})", p.name).group(1), p) for p in folder.glob(pattern)]
    return max((d, p) for d, p in dated if d <= end.strftime("%Y%m%d"))[1]


@pytest.mark.parametrize("year", YEARS)
def test_cpam_totals(boite: Path, year: int) -> None:
    path = _latest(boite / "cpam", f"CPAM_patientele_MT_*_{VDG}.xlsx", date(year, 12, 31))
    rows = sheet_rows(path, "Patientèle MT")
    assert f"situation au 31/12/{year}" in rows[1][0]
    header = next(i for i, r in enumerate(rows) if r[0] == "Code commune")
    total = next(r for r in rows if r[0] == "TOTAL")
    values = dict(zip(rows[header], total, strict=True))
    assert values["dont ALD sans MT"] == REPORT[year]["MT_ALD_SANS"]
    assert values["dont sans MT 17 ans et +"] == REPORT[year]["MT_17P_SANS"]
    assert values["dont sans MT 70 ans et +"] == REPORT[year]["MT_70P_SANS"]


@pytest.mark.parametrize("year", YEARS)
def test_sas_medecins(boite: Path, year: int) -> None:
    start, end = date(year, 1, 1), date(year, 12, 31)
    df = read_csv(_latest(boite / "sas", "SAS_effecteurs_*.csv", end))
    counted = df.filter(
        (pl.col("profession_code") == "10") & (pl.col("participation_sas") == "1")
        & pl.col("commune_exercice").is_in(list(territory_communes()))
        & (pl.col("date_debut_participation").is_null()
           | (pl.col("date_debut_participation").str.to_date() <= end))
        & (pl.col("date_fin_participation").is_null()
           | (pl.col("date_fin_participation").str.to_date() >= start))
    )
    assert counted["id_nat_ps"].str.slice(1).n_unique() == REPORT[year]["SAS_MEDECINS"]
    assert df.filter(pl.col("commune_exercice").is_in(list(territory_communes()))).height > (
        counted.height)  # rows that must not count are there


_MISSION_LABELS = {normalise_label(v): k for k, v in {
    1: "Accès aux soins", 2: "Parcours pluriprofessionnels", 3: "Prévention",
    4: "Crise sanitaire", 5: "Qualité et pertinence", 6: "Accompagnement des professionnels",
}.items()}


def _mission(value) -> int:
    text = normalise_label(value)
    found = re.match(r"(?:mission )?(\d)\b", text)
    return int(found.group(1)) if found else _MISSION_LABELS[text]


def _number(value) -> int:
    return int(value or 0)


@pytest.fixture(scope="module")
def activite(boite: Path) -> dict[str, list[dict]]:
    path = boite / "cpts" / f"CPTS_activite_2024_{VDG}.xlsx"
    assert sheet_rows(path, "Paramètres")[0][:2] == ("Territoire", "CPTS Vallée du Gier")
    return {s: table(path, s) for s in ("Adhérents", "Actions", "Formations", "Crise")}


def test_cpts_activity_2024(activite: dict[str, list[dict]]) -> None:
    actions = [a for a in activite["Actions"] if as_date(a["date"]).year == 2024]
    prevention = [a for a in actions if _mission(a["mission"]) == 3]
    kinds = [normalise_label(a["type"]) for a in prevention]
    assert kinds.count("reunion de travail") == 5  # PREV_REUNIONS
    assert sum(_number(a["participant"]) for a in prevention) == 24  # PREV_PARTICIPANTS
    assert kinds.count("partenariat") == 1  # PREV_PARTENARIATS
    assert sum(1 for a in actions if _mission(a["mission"]) == 6
               and normalise_label(a["type"]) == "rencontre professionnel") == 3
    crises = activite["Crise"]
    assert sum(_number(c["nombre"]) for c in crises
               if normalise_label(c["action"]) == "permanence") == 2  # CRISE_PERMANENCES
    assert sum(_number(c["personne reorientee"]) for c in crises) == 6  # CRISE_REORIENTES
    assert sum(_number(f["professionnel forme"]) for f in activite["Formations"]) == 18


def test_adherents_2024(activite: dict[str, list[dict]]) -> None:
    end = date(2024, 12, 31)
    present: dict[str, str] = {}
    for m in activite["Adhérents"]:
        left = as_date(m["date de depart"])
        if as_date(m["date d adhesion"]) <= end and (left is None or left > end):
            present[str(m["identifiant"])] = normalise_label(m["profession"])
    expected = {"medecin generaliste": 14, "medecin specialiste": 5, "infirmier": 40,
                "pharmacien": 17, "masseur kinesitherapeute": 12, "orthophoniste": 12,
                "biologiste": 4, "pedicure podologue": 3, "orthoptiste": 2, "ergotherapeute": 2,
                "psychologue": 1, "sage femme": 1, "assistant de service social": 1, "autre": 1}
    counts: dict[str, int] = {}
    for label in present.values():
        counts[label] = counts.get(label, 0) + 1
    assert len(present) == 115
    assert counts == expected
    assert len(activite["Adhérents"]) > 115  # departed members are listed too
