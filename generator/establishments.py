"""Hospitals that send RPU and PMSI files, with their delivery habits (formats, encodings)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cpts.identifiers import luhn_key
from generator.context import Ctx
from generator.csvio import CsvStyle


@dataclass(frozen=True)
class Etablissement:
    finess: str
    nom: str
    rpu_format: str  # "xml" or "csv"
    csv: CsvStyle = field(default_factory=CsvStyle)
    xml_encoding: str = "UTF-8"
    seconds: bool = False  # ENTREE/SORTIE written with seconds
    rpu_share: dict[str, float] = field(default_factory=dict)  # share of a territory's passages
    rpu_others: int = 0  # yearly passages of people living elsewhere (scale 1)
    pmsi_share: dict[str, float] = field(default_factory=dict)
    pmsi_others: int = 0
    pmsi_insee: float = 1.0  # share of stays with commune_residence filled
    pmsi_iso_dates: bool = False
    department: str | None = None  # where "others" live when not the regional mix
    synthetic: bool = False  # added above scale 1: volumes are not scaled again


def finess(body: str) -> str:
    return body + luhn_key(body)


CHU = "420784878"  # CHU de Saint-Étienne (entité juridique)
GIER = finess("42001378")  # Hôpital du Gier, Saint-Chamond (invented number)


def base_establishments(ctx: Ctx) -> list[Etablissement]:
    """The five establishments around the two territories; file habits only when varying."""
    v = ctx.varies
    plain = CsvStyle()
    return [
        Etablissement(CHU, "CHU de Saint-Étienne", "xml",
                      rpu_share={"vallee-du-gier": 0.25, "grand-saint-etienne": 0.70},
                      rpu_others=26000, pmsi_share={"vallee-du-gier": 0.35,
                                                    "grand-saint-etienne": 0.62},
                      pmsi_others=24000),
        Etablissement(GIER, "Hôpital du Gier", "csv",
                      CsvStyle("cp1252", crlf=True, header_case="upper", null_token="-",
                               null_rate=ctx.rate(0.15)) if v else plain,
                      seconds=v, rpu_share={"vallee-du-gier": 0.62, "grand-saint-etienne": 0.03},
                      rpu_others=2500, pmsi_share={"vallee-du-gier": 0.50,
                                                   "grand-saint-etienne": 0.02},
                      pmsi_others=1800, pmsi_insee=0.5),
        Etablissement(finess("42000957"), "Hôpital privé de la Loire", "csv",
                      CsvStyle("utf-8-sig", crlf=True, shuffle=True, null_token="NA",
                               null_rate=ctx.rate(0.2),
                               extra={"uf_urgences": "URG", "version_logiciel": "ResUrg 5.2"})
                      if v else plain,
                      rpu_share={"vallee-du-gier": 0.07, "grand-saint-etienne": 0.25},
                      rpu_others=9000, pmsi_share={"vallee-du-gier": 0.10,
                                                   "grand-saint-etienne": 0.35},
                      pmsi_others=9000, pmsi_insee=0.0, pmsi_iso_dates=v),
        Etablissement(finess("69078045"), "Hôpital Montgelas, Givors", "csv",
                      CsvStyle(header_case="title", pad_headers=True, null_token="NULL",
                               null_rate=ctx.rate(0.3)) if v else plain,
                      rpu_share={"vallee-du-gier": 0.05}, rpu_others=15000,
                      pmsi_share={"vallee-du-gier": 0.04}, pmsi_others=8000, pmsi_insee=0.3,
                      department="69"),
        Etablissement(finess("42078030"), "Centre hospitalier du Forez", "xml",
                      xml_encoding="ISO-8859-1" if v else "UTF-8",
                      rpu_share={"vallee-du-gier": 0.01, "grand-saint-etienne": 0.02},
                      rpu_others=16000, pmsi_share={"vallee-du-gier": 0.01,
                                                    "grand-saint-etienne": 0.01},
                      pmsi_others=10000),
    ]


# Metropolitan departments used for the synthetic establishments of a national-size run.
_DEPARTMENTS = [f"{d:02d}" for d in range(1, 96) if d not in (20, 42, 69)]
_PASSAGES_PER_SYNTHETIC = 35000
_STAYS_PER_SYNTHETIC = 22000


def synthetic_establishments(ctx: Ctx, base_rows: int) -> list[Etablissement]:
    """Above scale 1, extra volume goes to plain CSV hospitals elsewhere in France."""
    extra = (ctx.echelle - 1.0) * base_rows
    count = math.ceil(extra / _PASSAGES_PER_SYNTHETIC) if extra > 0 else 0
    out = []
    for i in range(count):
        dep = _DEPARTMENTS[i % len(_DEPARTMENTS)]
        body = f"{dep}{790000 + i:06d}"
        style = CsvStyle(crlf=bool(i % 2)) if ctx.varies else CsvStyle()
        out.append(Etablissement(finess(body), f"Centre hospitalier {dep}-{i}", "csv", style,
                                 rpu_others=round(extra / count),
                                 pmsi_others=round(extra / count * _STAYS_PER_SYNTHETIC
                                                   / _PASSAGES_PER_SYNTHETIC),
                                 department=dep, synthetic=True))
    return out
